"""Fixes that travel with findings: what each action removes, what it leaves, and `--fix`/`--diff`.

The drafts here are written for these tests. A fix is judged by the sentence it leaves: the finding
gone, a capital at the start, no stray comma or doubled space, the facts still there.
"""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apologylint.cli import main
from apologylint.fixes import apply_edits, fix_text
from apologylint.ruleset import RuleFileError, load_rule_file

FIXED = [
    # (rule, draft, customer, what applying the rule's fix leaves)
    ("AL201", "Your order is late due to the high volume of orders we are receiving, but it will arrive on Friday.",
     "Where is my order?", "Your order is late, but it will arrive on Friday."),
    ("AL201", "Due to the weather, your flight was cancelled. I've rebooked you on the 7:40.",
     "Why was my flight cancelled?", "Your flight was cancelled. I've rebooked you on the 7:40."),
    ("AL202", "The parcel was delayed, which was beyond our control. A new one ships today.",
     "My parcel is late", "The parcel was delayed. A new one ships today."),
    ("AL302", "As I said in my last email, order #4471 shipped on 3 March.", "Where is my order?",
     "Order #4471 shipped on 3 March."),
    ("AL401", "I'm sorry if the order didn't meet your expectations.", "The blender broke.",
     "I'm sorry the order didn't meet your expectations."),
    ("AL402", "We apologize for any inconvenience this may have caused. Your refund is on its way.", "Refund??",
     "We apologize for the inconvenience. Your refund is on its way."),
    ("AL303", "It was only a 20 minute delay, and we'll credit you.", "The train was late",
     "It was a 20 minute delay, and we'll credit you."),
    ("AL201", "We're sorry. Unfortunately the courier lost your parcel, so there is nothing to track. A replacement ships today.",
     "Where is my parcel?", "We're sorry. A replacement ships today."),
    # the repairs the rewriter used to make with its own patterns, now the rules' fixes
    ("AL306", "I'm sorry, but we can't reopen a closed ticket after 30 days. I've opened a new one for you: T-2291.",
     "Why was my ticket closed without an answer?", "We can't reopen a closed ticket after 30 days. I've opened a new one for you: T-2291."),
    ("AL102", "Apologies for the long message! Your new router ships on Monday and the engineer visits on Thursday.",
     "My internet is down again.", "Your new router ships on Monday and the engineer visits on Thursday."),
    ("AL101", "Sorry your booking was cancelled. Sorry again, your new table is booked for 8 pm on Saturday. Apologies!",
     "You cancelled my booking with no warning.", "Sorry your booking was cancelled. Your new table is booked for 8 pm on Saturday."),
    ("AL404", "Errors were made when your meter was read, and your bill of £84.10 is wrong. I've asked for a new reading.",
     "My bill is far too high.", "We made errors when your meter was read, and your bill of £84.10 is wrong. I've asked for a new reading."),
    ("AL404", "It is regrettable that your booking was lost. We've rebooked the same room for 12 May.",
     "You lost my hotel booking.", "I'm sorry your booking was lost. We've rebooked the same room for 12 May."),
    ("AL403", "We're sorry you were frustrated with the installation. An engineer will call you on Monday.",
     "The installer left a mess and the boiler still doesn't work.", "We're sorry about the installation. An engineer will call you on Monday."),
    # a fact in a defensive sentence stays: only the defensive phrase goes
    ("AL314", "We open at 10 am on Sundays now, which is clearly explained on our website.",
     "Why did you change the Sunday hours?", "We open at 10 am on Sundays now."),
    ("AL302", "Your order #8812 shipped on 3 June, as I already told you.", "Where is my order?", "Your order #8812 shipped on 3 June."),
    # minimizing with no word to delete: the minimizing clause goes, what was minimized stays
    ("AL303", "The outage lasted about 40 minutes, and most people didn't even notice. Service is back now.",
     "Your site went down while I was paying!", "The outage lasted about 40 minutes. Service is back now."),
    # (to "down all morning", "lasted about 40 minutes" would itself be minimizing: tests/test_reading.py)
    # the main clause after a clause of its own goes; a clause joined after it, with its credit, stays
    ("AL307", "Unfortunately we can't extend the offer, there is nothing we can do.", "Can you extend the offer?",
     "Unfortunately we can't extend the offer."),
    ("AL307", "Unfortunately we can't extend the offer, there is nothing we can do, but I have added a £10 credit to your account.",
     "Can you extend the offer?", "Unfortunately we can't extend the offer, but I have added a £10 credit to your account."),
]


def fixed_by(linter, rule, text, ctx):
    report = linter.lint(text, ctx)
    found = [f for f in report.findings if f.rule == rule]
    assert found and found[0].fix is not None, [(f.rule, f.fix) for f in report.findings]
    new, chosen = apply_edits(text, found[:1], unsafe=True)
    assert chosen
    return new, found[0]


@pytest.mark.parametrize("rule,text,ctx,expected", FIXED)
def test_each_action_leaves_a_clean_sentence(linter, rule, text, ctx, expected):
    new, finding = fixed_by(linter, rule, text, ctx)
    assert new == expected
    assert rule not in {f.rule for f in linter.lint(new, ctx).findings}


@pytest.mark.parametrize("rule,applicability", [("AL302", "safe"), ("AL401", "safe"), ("AL201", "unsafe"), ("AL204", "unsafe")])
def test_applicability_is_the_rules(linter, rule, applicability):
    spec = next(r for r in linter.rules if r.id == rule).fix
    assert spec is not None and spec.applicability == applicability


def test_no_fix_that_would_leave_nothing_or_a_broken_sentence(linter):
    # the only sentence of a reply is not dropped; a predicate is not cut out from under its verb
    for text, ctx, rule in [
        ("Please calm down and we'll look at your account.", "WHERE IS MY MONEY", "AL304"),
        ("The delay was beyond our control, but we hope to ship soon.", "My order is late", "AL202"),
        # the date belongs to the refusal's own clause: cutting it, or the sentence, would lose it
        ("Unfortunately we can't extend the offer, there is nothing we can do until 5 June.", "Can you extend the offer?", "AL307"),
    ]:
        found = [f for f in linter.lint(text, ctx).findings if f.rule == rule]
        assert found and found[0].fix is None


def test_safe_fixes_alone_leave_unsafe_ones(linter):
    text = "Unfortunately the courier lost your parcel, so there is nothing to track. As I said, order #4471 shipped on 3 March."
    ctx = "Where is my parcel?"
    safe, fixed = fix_text(linter, text, ctx)
    assert {f.rule for f in fixed} == {"AL302"} and "courier" in safe and safe.endswith("Order #4471 shipped on 3 March.")
    both, fixed = fix_text(linter, text, ctx, unsafe=True)
    assert "courier" not in both and "#4471" in both


def test_fix_specs_are_validated_when_the_file_loads(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        """- id: XX901
  name: just-word
  kind: lexicon
  category: defensive
  fix: {action: delete-words, applicability: safe, message: "Drop it"}
  lemmas: ["just"]
  message: "'{match}'"
  rationale: "x"
  examples: {bad: ["It is just late."], good: ["It is late."]}
""",
        encoding="utf-8",
    )
    with pytest.raises(RuleFileError, match="delete-words needs"):
        load_rule_file(bad)


def test_json_carries_fixes(tmp_path, capsys):
    draft = tmp_path / "d.txt"
    draft.write_text("As I said in my last email, order #4471 shipped on 3 March. Your refund lands Friday.\n", encoding="utf-8")
    main([str(draft), "--format", "json"])
    out = capsys.readouterr().out
    import json

    rows = [f for line in out.splitlines() for f in json.loads(line)["findings"] if f["rule"] == "AL302"]
    assert rows and rows[0]["fix"]["applicability"] == "safe"
    e = rows[0]["fix"]["edits"][0]
    assert draft.read_text(encoding="utf-8")[e["start"] : e["end"]].startswith("As I said")


def test_fix_rewrites_the_file_and_diff_only_shows(tmp_path, capsys):
    text = "Hi Sam,\n\nAs I said in my last email, order #4471 shipped on 3 March. We apologize for any inconvenience this may have caused.\n\nBest,\nKim\n"
    draft = tmp_path / "d.txt"
    draft.write_text(text, encoding="utf-8")
    assert main([str(draft), "--diff"]) == 1
    out = capsys.readouterr().out
    assert "-As I said" in out and "+Order #4471 shipped on 3 March. We apologize for the inconvenience." in out
    assert draft.read_text(encoding="utf-8") == text  # --diff changes nothing
    main([str(draft), "--fix"])
    assert draft.read_text(encoding="utf-8") == text.replace(
        "As I said in my last email, order", "Order").replace("any inconvenience this may have caused", "the inconvenience")
    capsys.readouterr()
    assert main([str(draft), "--diff"]) == 0  # nothing left to fix


def test_fix_leaves_emails_alone(tmp_path, capsys):
    eml = tmp_path / "m.eml"
    eml.write_bytes(b"From: a@example.com\r\nTo: b@example.com\r\nSubject: Re: order\r\n\r\nAs I said in my last email, order 4471 shipped on 3 March.\r\n")
    before = eml.read_bytes()
    assert main([str(eml), "--fix"]) == 2
    assert "left unchanged" in capsys.readouterr().err
    assert eml.read_bytes() == before


WORDS = st.sampled_from(["Sorry", "sorry if", "due to", "the courier", "As I said,", "only", "just", "your order", "was late",
                         "because", "we", "can't", "refund", ".", ",", "!", "\n\n", "Hi Sam,", "Thanks", "it", "ships Friday"])


@settings(max_examples=60, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=25))
def test_fixes_are_in_bounds_and_never_overlap(linter, words):
    text = " ".join(words)
    report = linter.lint(text, "My order is late")
    for f in report.findings:
        if f.fix is None:
            continue
        edits = f.fix.edits
        assert all(0 <= e.start <= e.end <= len(text) for e in edits)
        assert all(a.end <= b.start for a, b in zip(edits, edits[1:]))
    new, _ = apply_edits(text, report.findings, unsafe=True)
    assert not re.search(r" ,|  \S", new.replace("\n", "")) or re.search(r" ,|  \S", text.replace("\n", ""))


def _fixable_examples():
    from apologylint.ruleset import load_all

    rules, _ = load_all()
    return [(r.id, ex.text, ex.in_reply_to) for r in rules if r.fix is not None and r.enabled for ex in r.examples.bad]


#: a second sentence, so that dropping the first leaves a reply
AFTER = " I'll call you tomorrow at 10 am."


@pytest.mark.parametrize("rule,text,ctx", _fixable_examples())
def test_every_fix_on_a_rule_example_clears_its_finding(linter, rule, text, ctx):
    text = text + AFTER
    found = [f for f in linter.lint(text, ctx).findings if f.rule == rule]
    if not found:
        return  # the added sentence gave the reply what the rule asked for (a next step)
    if found[0].fix is None:
        return  # declined: no clean edit (no word to delete, half a sentence left); the rewriter repairs it another way
    new, _ = apply_edits(text, found[:1], unsafe=True)
    assert rule not in {f.rule for f in linter.lint(new, ctx).findings}, new
    assert not re.search(r"\s[,.;]|  ", new), new
    assert "10 am" in new  # what the fix was not about stays

    def first(s: str) -> str:
        s = re.sub(r"^(\s*@\w+)+\s*", "", s)
        return next((c for c in s if c.isalpha()), "")

    assert not first(new) or first(new).isupper() or first(text).islower(), new


def test_most_rule_examples_get_a_fix(linter):
    made = [bool(f.fix) for rule, text, ctx in _fixable_examples() for f in linter.lint(text + AFTER, ctx).findings if f.rule == rule]
    assert sum(made) >= 0.7 * len(made), (sum(made), len(made))


def test_every_fix_action_a_rule_may_name_is_one_fixes_can_make():
    from typing import get_args

    from apologylint.fixes import ACTIONS
    from apologylint.ruleset import FixAction

    assert set(get_args(FixAction)) == set(ACTIONS)


def test_repeated_apologies_in_one_sentence_keep_the_last(linter):
    # "Sorry, sorry about ...": the repeats before the apology that names something go
    for text, expected in [
        ("So sorry, sorry about the mix-up with order #3310. The right size ships today.",
         "So sorry about the mix-up with order #3310. The right size ships today."),
        ("Sorry, sorry, sorry about the mix-up with order #3310. The right size ships today.",
         "Sorry about the mix-up with order #3310. The right size ships today."),
        ("I am so sorry, so very sorry about the wait. Your table is ready at 7 pm.",
         "I am so sorry about the wait. Your table is ready at 7 pm."),
    ]:
        new, fixed = fix_text(linter, text, "My order was wrong", unsafe=True)
        assert new == expected
        assert "AL101" in {f.rule for f in fixed}


def test_fixes_at_makes_a_rules_fix_for_a_stretch_the_caller_names(linter):
    from apologylint.fixes import fixes_at
    from apologylint.ruleset import FixSpec

    text = "Sorry for the trouble! I've asked the courier to bring the parcel back by Friday."
    spec = FixSpec(action="drop-apology", applicability="unsafe", message="Drop the apology")
    (fix,) = fixes_at(linter, text, None, spec, [(0, 5)])
    assert fix is not None
    new = apply_edits(text, [type("F", (), {"fix": fix, "rule": "X"})()], unsafe=True)[0]
    assert new == "I've asked the courier to bring the parcel back by Friday."


def test_an_extra_apology_with_a_fact_joins_the_one_kept(linter):
    # neither apology can go without its order number: what the second was about joins the first
    text = "I'm sorry about order #2210. I'm sorry about order #2214. Both ship on Friday."
    new, fixed = fix_text(linter, text, "Neither of my orders has arrived.", unsafe=True)
    assert new == "I'm sorry about order #2210 and order #2214. Both ship on Friday."
    # an apology whose lead-in holds a fact keeps it: no fix rather than a lost order number
    text = "I'm sorry about order #2210. Sorry about order #2214 too, it ships Friday."
    found = [f for f in linter.lint(text, "Neither of my orders has arrived.").findings if f.rule == "AL101"]
    assert found and (found[0].fix is None or "#2214" in apply_edits(text, found, unsafe=True)[0])
