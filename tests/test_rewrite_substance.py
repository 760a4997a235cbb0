"""The rewrite keeps the draft's substance and changes its tone: a refusal stays as a plain
statement with a placeholder for the alternative, a rule that answers the customer stays as
information, and the agent's own steps stay (drafts written for these tests)."""
from __future__ import annotations

import pytest

from apologylint import Linter
from apologylint.drafts.facts import facts
from apologylint.drafts.rewriter import Rewriter, actionable


@pytest.fixture(scope="module")
def linter():
    return Linter()


@pytest.fixture(scope="module")
def rw(linter):
    return Rewriter(linter)


def _invents_nothing(draft: str, out: str) -> None:
    assert not {f.key for f in facts(out)} - {f.key for f in facts(draft)}, out
    for word in ("refund", "charge", "failed", "mistake", "compensat"):
        if word not in draft.lower():
            assert word not in out.lower(), out


REFUSALS = [
    ("Hi Marta,\n\nWe can't swap the tickets for a later show.\n\nThanks,\nJon",
     "Can you swap my tickets for the later show? I'm stuck at work.",
     "We can't swap the tickets for a later show, but [[what you can offer instead]]."),
    ("Hi Marta,\n\nUnfortunately we can't extend the trial, there is nothing we can do.\n\nThanks,\nJon",
     "Could you extend my free trial by a week? I was in hospital.",
     "Unfortunately we can't extend the trial, but [[what you can offer instead]]."),
]


@pytest.mark.parametrize("draft, customer, kept", REFUSALS)
def test_a_refusal_stays_polite_with_a_placeholder_alternative(rw, linter, draft, customer, kept):
    out = rw.rewrite(draft, customer).text
    assert kept in out, out
    assert "nothing we can do" not in out
    assert "[[what you will do next]]" not in out  # no step promised that the draft never offered
    assert actionable(linter.lint(out, customer), out) == [], out
    _invents_nothing(draft, out)


KEPT_AS_INFORMATION = [
    # a rule that answers the question stays, without the frame that gives it as the reason
    ("Hi Marta,\n\nThe pool is open from 7 am as stated on our website.\n\nThanks,\nJon",
     "Why can't I swim before work? The pool should open earlier.", ["The pool is open from 7 am."], ["as stated"]),
    # the rule frame goes; the refusal it framed stays, with a placeholder for what we can offer
    ("@kay_l sorry, but per our policy we can't exchange worn shoes ^MT", "@shop the shoes I bought hurt my feet, I want to swap them",
     ["exchange worn shoes, but [[what you can offer instead]]"], ["policy"]),
    # the agent's own step stays ("I have to" becomes "I'll"); the lecture loses "in future"
    ("Hi Marta,\n\nI have to ask my supervisor first. Please read the booking page carefully in future.\n\nThanks,\nJon",
     "I booked the wrong date and want to move it.", ["I'll ask my supervisor first.", "Please read the booking page carefully."], ["in future"]),
]


@pytest.mark.parametrize("draft, customer, kept, gone", KEPT_AS_INFORMATION)
def test_the_drafts_substance_stays_as_information(rw, linter, draft, customer, kept, gone):
    out = rw.rewrite(draft, customer).text
    assert all(k in out for k in kept) and not any(g in out for g in gone), out
    assert actionable(linter.lint(out, customer), out) == [], out
    _invents_nothing(draft, out)


def test_a_step_beside_a_denial_stays(rw, linter):
    draft = "Hi Marta,\n\nI've checked with the courier and they insist it was delivered. Calm down, it happens.\n\nThanks,\nJon"
    customer = "My parcel never arrived."
    out = rw.rewrite(draft, customer).text
    assert "I've checked with the courier." in out and "insist" not in out and "Calm down" not in out, out
    assert actionable(linter.lint(out, customer), out) == [], out
    _invents_nothing(draft, out)


def test_fix_actions_state_rule_and_offer_instead(linter):
    from apologylint.fixes import fixes_at
    from apologylint.ruleset import FixSpec

    def fixed(text, action, **kw):
        spec = FixSpec(action=action, message="m", **kw)
        fix = fixes_at(linter, text, None, spec, [(0, len(text))])[0]
        assert fix is not None, text
        for e in sorted(fix.edits, key=lambda e: e.start, reverse=True):
            text = text[: e.start] + e.replacement + text[e.end :]
        return text

    assert fixed("Per our policy, late returns are not accepted.", "state-rule") == "Late returns are not accepted."
    assert fixed("I need to check with my manager first.", "state-rule") == "I'll check with my manager first."
    assert fixed("We can't move the booking.", "offer-instead") == "We can't move the booking, but [[what you can offer instead]]."
    assert fixed("We can't move the booking.", "offer-instead", placeholder="a date you can offer") == (
        "We can't move the booking, but [[a date you can offer]].")
    with pytest.raises(ValueError):
        FixSpec(action="drop-sentence", message="m", placeholder="x")
