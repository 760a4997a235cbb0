"""The recovery analysis (report.recovery): components, severity, score, and the checks built on it.

Pairs come from corpora/recovery/tune.jsonl (written by someone who had not seen the rules); the
sealed half is scored only, never tested on."""
from __future__ import annotations

import json
import pathlib
from collections import defaultdict

import pytest

import apologylint
import apologylint.drafts
from apologylint.cli import main
from apologylint.recovery import COMPONENTS, Weights, band, weights

ROOT = pathlib.Path(__file__).resolve().parent.parent
TUNE = [json.loads(x) for x in (ROOT / "corpora" / "recovery" / "tune.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]


def ladders() -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for item in TUNE:
        if item["check"] == "ladder":
            out[item["ladder_group"]].append(item)
    return {g: sorted(rs, key=lambda r: r["rung"]) for g, rs in out.items()}


# -- the weights file ------------------------------------------------------------------------------
def test_the_shipped_weights_validate_and_name_every_component():
    w = weights()
    assert set(w.weights) == set(COMPONENTS)
    assert w.weights["responsibility"] >= w.weights["repair"] > w.weights["apology"] > w.weights["forgiveness"]  # Lewicki et al.


@pytest.mark.parametrize("change, message", [
    (lambda d: d["weights"].pop("thanks"), "exactly the components"),
    (lambda d: d["called_for"]["low"].append("grovelling"), "unknown components"),
    (lambda d: d["penalties"].update({"rudeness": 5}), "unknown categories"),
    (lambda d: d["called_for"]["high"].append("forgiveness"), "more than 0"),
    (lambda d: d.update({"bands": [{"min": 50, "name": "ok"}]}), "down to 0"),
])
def test_a_bad_weights_file_is_refused_with_the_reason(change, message):
    data = weights().model_dump()
    change(data)
    with pytest.raises(ValueError, match=message):
        Weights.model_validate(data)


# -- the ladder ------------------------------------------------------------------------------------
@pytest.mark.parametrize("group", sorted(ladders()))
def test_the_score_rises_with_each_component_the_severity_calls_for_and_only_then(linter, group):
    """Each rung adds one component to the reply before it. A component the situation calls for
    raises the score strictly; one it does not call for leaves it where it was."""
    rungs = ladders()[group]
    reports = [linter.lint(r["text"], r["in_reply_to"]) for r in rungs]
    assert len({rep.recovery.severity for rep in reports}) == 1  # the severity is the customer's, whatever the reply adds
    for before, after, rb, ra in zip(rungs, rungs[1:], reports, reports[1:]):
        added = set(after["components"]) - set(before["components"])
        called = {n for e in ra.recovery.called_for for n in e.split("|")}
        satisfied = {n for e in rb.recovery.called_for if any(c.name in e.split("|") for c in rb.recovery.components) for n in e.split("|")}
        if added & (called - satisfied):
            assert ra.recovery.score > rb.recovery.score, (group, after["rung"], added, after["text"])
        else:
            assert ra.recovery.score == rb.recovery.score, (group, after["rung"], added, after["text"])


def test_the_ladders_cover_every_severity():
    severities = {rs[0]["severity"] for rs in ladders().values()}
    assert severities == {"low", "medium", "high"}


def test_a_question_needs_only_its_answer_and_praise_only_a_warm_reply(linter):
    q = "What time do you open on Sundays?"
    bare = linter.lint("We open at 10am on Sundays.", q).recovery
    assert bare.called_for == ["repair"] and bare.score == 100 and bare.severity == "low"
    praise = linter.lint("Thank you so much, that's lovely to hear!", "Your staff in Leeds were brilliant today, thank you!").recovery
    assert praise.called_for == [] and praise.score == 100
    slip = linter.lint("No problem at all, I've changed it to 12 Elm Rd and it ships today.",
                       "Hi, I typed my address wrong on order TL-9902, it's 12 Elm Rd not 21. Can you fix it?")
    assert slip.recovery.called_for == ["repair"] and slip.recovery.score == 100 and not slip.findings  # help without blame


def test_a_sign_off_name_is_no_fix(linter):
    rec = linter.lint("Hi Omar,\n\nSorry about that.\n\nBest,\nLiv", "My parcel is late.").recovery
    assert "repair" in rec.missing and rec.score < 100


def test_the_customers_slip_does_not_hide_a_failure_of_ours(linter):
    for msg in ("My bad for not chasing sooner, but my order from 3 weeks ago never arrived.",
                "I typed my postcode wrong on checkout, my bad, but you've also charged me twice for it."):
        assert "AL107" not in rules_of(linter.lint("I'm so sorry, that's our fault. I've sent a new one and it arrives Friday.", msg)), msg


def test_a_serious_failure_calls_for_amends_and_a_follow_up(linter):
    msg = "Third time this month my order is late. Two weeks now and I'm cancelling."
    plain = linter.lint("Sorry it's late again. It arrives tomorrow.", msg).recovery
    assert plain.severity == "high" and {"amends", "follow-up", "responsibility"} <= set(plain.missing)
    full = linter.lint("I'm so sorry it's late again, that's on us. It arrives tomorrow by noon, I've added a £15 credit "
                       "to your account, and I'll call you on Friday to make sure it arrived.", msg).recovery
    assert {"amends", "follow-up", "responsibility"}.isdisjoint(full.missing) and full.score > plain.score


# -- severity and what the customer's message tells us -----------------------------------------------
@pytest.mark.parametrize("message, severity, cues", [
    ("What time do you open?", "low", set()),
    ("My parcel is a day late.", "low", set()),
    ("My parcel still hasn't come.", "medium", {"repeat"}),
    ("It's the 2nd time this month you've lost my bag and I'm thinking of switching.", "high", {"repeat", "threat"}),
    ("Broadband down since Monday.", "medium", {"duration"}),
    ("No hot water for three days and I have a newborn.", "high", {"duration", "vulnerability"}),
])
def test_severity_comes_from_the_cues_of_the_customers_message(linter, message, severity, cues):
    c = linter.lint("Thanks, we're on it.", message).customer
    assert c.severity == severity and {x.kind for x in c.cues} >= cues


def test_broken_promises_stakes_and_the_customers_own_slip_are_read_with_their_spans(linter):
    msg = "You promised a callback yesterday. I typed my postcode wrong too, my bad. It was for my daughter's party."
    c = linter.lint("Thanks.", msg).customer
    for group in (c.promises, c.own_slips, c.stakes):
        assert group and all(msg[e.start:e.end] == e.text for e in group)
    assert "promised" in c.promises[0].text and "postcode" in c.own_slips[0].text and "daughter" in " ".join(e.text for e in c.stakes)


# -- the checks --------------------------------------------------------------------------------------
def rules_of(report) -> set[str]:
    return {f.rule for f in report.findings}


def test_under_recovery_fires_on_a_serious_failure_answered_small_and_not_on_a_small_one(linter):
    serious = "Third time this month my order is late. I've wasted two days waiting in. I'm cancelling."
    assert "AL1001" in rules_of(linter.lint("Sorry about that. Your order will arrive tomorrow.", serious))
    assert "AL1001" not in rules_of(linter.lint("That's on us. Your order will arrive tomorrow.", serious))
    assert "AL1001" not in rules_of(linter.lint("Sorry about that! Your order arrives tomorrow.", "My order is a day late, any news?"))


def test_owning_the_customers_own_slip_is_over_apology_and_plain_help_is_not(linter):
    msg = "Hi, I typed my address wrong on order TL-9902, it's 12 Elm Rd not 21. Can you fix it?"
    assert "AL107" in rules_of(linter.lint("So sorry, that's our mistake! I've changed it to 12 Elm Rd.", msg))
    assert "AL107" not in rules_of(linter.lint("No problem, I've changed it to 12 Elm Rd and it ships today.", msg))


def test_a_stake_the_reply_ignores_is_advice_and_naming_it_clears_it(linter):
    msg = "My order still hasn't come and it's for my daughter's wedding on Saturday!"
    ignored = linter.lint("Sorry about the delay. Your order ships today and arrives Friday.", msg)
    named = linter.lint("I'm so sorry, I know it's for your daughter's wedding. It ships today and arrives Friday.", msg)
    assert [f.severity for f in ignored.findings if f.rule == "AL1002"] == [apologylint.Severity.info]
    assert "AL1002" not in rules_of(named) and named.recovery.score > ignored.recovery.score


@pytest.mark.parametrize("category, floor_p, floor_r", [("under-recovery", 0.75, 0.7), ("over-apology", 0.9, 0.8)])
def test_the_written_pairs_score_above_their_floors(linter, category, floor_p, floor_r):
    """Over every tune pair (all checks, both directions; the sealed half is never tested on): the
    floors sit a little under what the README reports, so a change that loses ground fails."""
    tp = fp = fn = 0
    for item, rep in zip(TUNE, linter.lint_many((r["text"], r["in_reply_to"]) for r in TUNE)):
        want, got = category in item["expected"], category in {f.category for f in rep.findings}
        tp, fp, fn = tp + (want and got), fp + (got and not want), fn + (want and not got)
    assert tp / max(tp + fp, 1) >= floor_p and tp / max(tp + fn, 1) >= floor_r, (tp, fp, fn)


# -- the drafts -----------------------------------------------------------------------------------
def test_every_drafted_email_reaches_the_top_band_for_its_scenarios_severity(linter):
    low = []
    for name, sc in apologylint.drafts.renderer().catalog.items():
        for seed in range(6):
            text = apologylint.draft(name, seed=seed, channel="email", **sc.example)
            rec = linter.lint(text, sc.customer_message).recovery
            if band(rec.score) != weights().bands[0].name:
                low.append((name, seed, rec.score, rec.missing))
    assert not low, low


# -- output ---------------------------------------------------------------------------------------
def test_json_always_carries_the_recovery_and_text_shows_it_with_the_flag(tmp_path, capsys):
    draft = tmp_path / "reply.txt"
    draft.write_text("Sorry it's late. It arrives tomorrow.\n", encoding="utf-8")
    msg = tmp_path / "msg.txt"
    msg.write_text("Third time my order's late, two weeks now. I'm cancelling.\n", encoding="utf-8")
    main([str(draft), "--in-reply-to", str(msg), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    rec = data["recovery"]
    assert rec["severity"] == "high" and 0 <= rec["score"] <= 100 and "amends" in rec["missing"]
    main([str(draft), "--in-reply-to", str(msg)])
    assert "recovery" not in capsys.readouterr().out
    main([str(draft), "--in-reply-to", str(msg), "--recovery"])
    out = capsys.readouterr().out
    assert f"recovery {rec['score']}/100" in out and "[ ] amends" in out and "[x] repair" in out


def test_explain_score_prints_the_weights_it_uses(capsys):
    assert main(["explain-score"]) == 0
    out = capsys.readouterr().out
    for name, value in weights().weights.items():
        assert f"{name}" in out and str(value) in out
    assert "Lewicki" in out
    assert main(["explain-score", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["weights"] == weights().weights


def test_the_recovery_pairs_are_well_formed_and_the_halves_disjoint():
    sealed = [json.loads(x) for x in (ROOT / "corpora" / "recovery" / "sealed.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    ids = [r["id"] for r in TUNE + sealed]
    assert len(ids) == len(set(ids)) and len(TUNE) >= 100 and len(sealed) >= 100
    allowed = {"over-apology", "excuse", "defensive", "non-apology", "missing-empathy", "missing-next-step", "under-recovery"}
    for r in TUNE + sealed:
        assert r["text"].strip() and r["in_reply_to"].strip() and set(r["expected"]) <= allowed
        assert r["severity"] in ("low", "medium", "high") and r["direction"] in ("flagged", "silent")
        assert set(r["components"]) <= set(COMPONENTS) | {"escalation", "forgiveness-request"}  # the writer's name for forgiveness
    assert {r["ladder_group"] for r in TUNE if r["check"] == "ladder"}.isdisjoint({r["ladder_group"] for r in sealed if r["check"] == "ladder"})


@pytest.mark.parametrize("message, topics", [
    ("You charged me for a delivery that never came.", {"billing", "delivery"}),
    ("Your app has been down all morning and I can't log in.", {"outage", "access"}),
    ("The driver was incredibly rude to me.", {"staff"}),
    ("I waited on hold for an hour and nobody answered.", {"wait"}),
    ("What time do you open?", set()),
])
def test_what_failed_is_read_from_the_claims_with_the_word_that_says_so(linter, message, topics):
    c = linter.lint("Thanks for telling us.", message).customer
    assert {e.kind for e in c.failures} >= topics and (topics or not c.failures)
    assert all(message[e.start:e.end] == e.text for e in c.failures)



# -- a broken promise with a date: AL603 (pairs written for this check, both directions) ------------
@pytest.mark.parametrize("message, promise", [
    ("@FixItPlumb you said someone would call me back yesterday about the leak. Nothing.", "said someone would call me back yesterday"),
    ("the driver said he'd come back between 2 and 4 for a redelivery. it's 6pm", "said he'd come back between 2 and 4"),
    ("I was told it would arrive Tuesday and it still hasn't.", "told it would arrive Tuesday"),
])
def test_a_promise_reported_as_said_is_a_broken_promise(linter, message, promise):
    c = linter.lint("Thanks.", message).customer
    assert any(promise in p.text for p in c.promises), [p.text for p in c.promises]


def test_i_said_i_would_is_no_promise_of_ours(linter):
    assert not linter.lint("Thanks.", "I said I would be home by 5, and I was.").customer.promises


@pytest.mark.parametrize("reply, message", [
    ("@liam_b sorry the delivery didn't arrive on Tuesday. We're looking into it with the depot. ^HN",
     "@HomeNest promised the fridge delivery Tuesday 8-12, nobody came, I took the day off"),
    ("@nat_h sorry your refund hasn't arrived yet! We're looking into this for you ^TG",
     "@TrekGear you said my refund would be in my account in 5 days, it's been 3 weeks"),
    ("So sorry nobody called. I've passed your details to the team again.",
     "You said someone would call me back yesterday about the leak. Nothing."),
    # a date of the month is a date (the reading's one test of a time)
    ("Sorry your order has not arrived. We are chasing the courier.", "I was told it would arrive 3 March and it still has not come."),
])
def test_a_dated_promise_missed_and_answered_with_no_new_time_is_AL603(linter, reply, message):
    assert "AL603" in rules_of(linter.lint(reply, message))


@pytest.mark.parametrize("reply, message", [
    # a new time
    ("@liam_b so sorry, that's on us. The fridge is rebooked for Thursday 8-12 ^HN",
     "@HomeNest promised the fridge delivery Tuesday 8-12, nobody came, I took the day off"),
    ("Sorry nobody called. Dan from our team will ring you at 3pm today.",
     "You said someone would call me back yesterday about the leak. Nothing."),
    # the thing done now
    ("@nat_h sorry for the wait! Your refund of £42 went back to your card this morning ^TG",
     "@TrekGear you said my refund would be in my account in 5 days, it's been 3 weeks"),
    # a promise that named no time: no date to give a new one for
    ("Sorry about that! We're looking into it.", "You promised me a callback and nobody rang."),
    # no promise at all
    ("@jo sorry about that, we're looking into it with the depot ^HN", "@HomeNest my fridge arrived with a dent in the door"),
    # "am" the verb and "4th week" the count are no times
    ("@tilly sorry, we're short of it this month ^R", "@Greenways 4th week your store has had none of the formula. what am I supposed to feed her"),
])
def test_a_new_time_a_done_fix_or_no_dated_promise_leaves_AL603_silent(linter, reply, message):
    assert "AL603" not in rules_of(linter.lint(reply, message))


# -- no failure of ours, owned anyway: AL108 --------------------------------------------------------
@pytest.mark.parametrize("message, outside", [
    ("The snow closed the roads so I missed my appointment, can I rebook?", "The snow closed the roads"),
    ("@MerryBox my bank blocked the payment for my order, what do I do?", "my bank blocked the payment for my order"),
    ("I missed my 10am yoga class, can I rebook?", None),
])
def test_trouble_from_outside_or_the_customers_own_act_is_no_fault_of_ours(linter, message, outside):
    ex = linter.exchange("Thanks.", message)
    assert ex.customer.no_fault_of_ours
    assert outside is None or outside in [s.text for s in ex.customer.outside]


@pytest.mark.parametrize("message", [
    "My train was cancelled so I missed my 10am class. Can I rebook?",  # no agent: could be ours
    "You sent my order to the wrong address!",
    "Your app logged me out during my exam and I lost 30 minutes.",
    "I missed my flight because your app crashed.",
    "I haven't received my refund.",
    "Did you send it to the wrong address?",
])
def test_a_failure_that_could_be_ours_is_not_read_as_no_fault(linter, message):
    assert not linter.exchange("Thanks.", message).customer.no_fault_of_ours


@pytest.mark.parametrize("reply, message", [
    ("So sorry, that's our mistake! I've rebooked you for Thursday at 10am.", "The snow closed the roads so I missed my appointment, can I rebook?"),
    ("@priya_k apologies, our error! Try the card again or pay by PayPal ^MB", "@MerryBox my bank blocked the payment for my order, what do I do?"),
    ("@tom_r sorry, we got that wrong! You're booked on Thurs 10am instead ^YS", "@YogaSpace I missed my 10am class, can I rebook?"),
])
def test_owning_a_failure_nobody_here_made_is_over_apology(linter, reply, message):
    rep = linter.lint(reply, message)
    assert "AL108" in rules_of(rep) and rep.recovery.severity == "low"


@pytest.mark.parametrize("reply, message", [
    # sympathy and help, no blame
    ("Sorry to hear the snow kept you away! I've rebooked you for Thursday at 10am.", "The snow closed the roads so I missed my appointment, can I rebook?"),
    ("@priya_k that's annoying! Try the card again or pay by PayPal ^MB", "@MerryBox my bank blocked the payment for my order, what do I do?"),
    # a real failure of ours, owned
    ("@jo_b so sorry, that's our mistake! Resent to the right address today ^TL", "@ThreadLine you sent my order to the wrong address!"),
    ("I'm sorry, that's our mistake: the class was cancelled without notice. I've rebooked you for Thursday.",
     "My class was cancelled so I missed my 10am session. Can I rebook?"),
])
def test_help_without_blame_or_owning_a_real_failure_is_not_AL108(linter, reply, message):
    assert "AL108" not in rules_of(linter.lint(reply, message))


def test_no_fault_of_ours_calls_for_help_only(linter):
    msg = "The snow closed the roads so I missed my appointment, can I rebook?"
    rec = linter.lint("No problem, I've rebooked you for Thursday at 10am.", msg).recovery
    assert rec.called_for == ["repair"] and rec.score == 100


# -- where the recovery findings and evidence point -------------------------------------------------
def test_under_recovery_and_stakes_ignored_point_at_where_the_reply_answers_the_failure(linter):
    reply = "Hi Dee,\n\nThanks for getting in touch. Sorry about that. Your order will arrive tomorrow.\n\nBest,\nKim"
    msg = "Third time this month my order is late. I'm cancelling. It was for my daughter's party."
    found = {f.rule: f.excerpt for f in linter.lint(reply, msg).findings}
    assert found["AL1001"] == found["AL1002"] == "Sorry about that."
    # no apology and no commitment: the first content sentence
    social = linter.lint("@dee_w thanks for the message ^KT", "@fibreco broadband down AGAIN, 4th time since May. I lost a day's pay")
    assert [f.excerpt for f in social.findings if f.rule == "AL1001"] == ["thanks for the message"]  # the handle and the signature are not content


def test_amends_follow_up_and_timeline_evidence_is_the_phrase_not_the_sentence(linter):
    reply = ("That's on us. Your order arrives tomorrow by noon, and I've added a £15 credit to your account. "
             "I'll call you tomorrow afternoon to make sure it has arrived, and thanks for bearing with us.")
    rec = linter.lint(reply, "Third time this month my order is late. I'm cancelling.").recovery
    ev = {c.name: [e.excerpt for e in c.evidence] for c in rec.components}
    assert ev["amends"] == ["I've added a £15 credit to your account"]
    assert "Your order arrives tomorrow by noon" in ev["next-step-time"]
    assert ev["follow-up"] == ["I'll call you tomorrow afternoon to make sure it has arrived"]


@pytest.mark.parametrize("reply, component", [
    ("Dear Ms Grant,\n\nThey're printed and our van delivers them by 11am tomorrow. There's no charge for the delivery.\n\nRegards", "amends"),
    ("@mo_k sorry! the tutor is rebooked for Weds 5pm, free of charge ^BM", "amends"),
    ("Sorry! We will replace it at no cost to you.", "amends"),
    ("I've booked the engineer for Thursday, and I'll ring you after the visit.", "follow-up"),
    ("@kieran_m that's on us. engineer's out Thurs and I'll message you on Friday to check it's stable ^AL", "follow-up"),
])
def test_amends_and_follow_ups_are_read_from_the_parse_wherever_they_are_said(linter, reply, component):
    rec = linter.lint(reply, "Third time this month it's gone wrong and I'm cancelling.").recovery
    assert component in {c.name for c in rec.components}


@pytest.mark.parametrize("reply, component", [
    ("Sorry, we can't do it at no charge this time.", "amends"),  # negated
    ("Is there no charge for the delivery?", "amends"),  # asked
    ("I'm sorry for the confusion. There is no charge from us on your account.", "amends"),  # a denial, nothing given
    ("Please call us on Friday if it hasn't arrived.", "follow-up"),  # the customer calls, not us
    ("I called you yesterday but there was no answer.", "follow-up"),  # done, not a promise to come back
])
def test_no_amends_or_follow_up_from_a_refusal_a_question_or_the_customers_call(linter, reply, component):
    rec = linter.lint(reply, "Third time this month it's gone wrong and I'm cancelling.").recovery
    assert component not in {c.name for c in rec.components}
