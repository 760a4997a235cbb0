"""Properties of the rewrite over generated flawed drafts.

A draft is a greeting (or none), two to six sentences drawn from pools of good, factual sentences
and of the faults the linter names (excuses, defensive lines, non-apologies, extra apologies,
deferring), filled with generated facts (order numbers, amounts, dates, times, e-mail addresses,
phone numbers, links), and a sign-off (or none), answering one of the scenarios' customer messages.
"""
from __future__ import annotations

import os
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apologylint.drafts import renderer
from apologylint.drafts.facts import PLACEHOLDER, facts, keys
from apologylint.drafts.rewriter import DROPPABLE, Rewriter, actionable

CATALOG = renderer().catalog
EXAMPLES = int(os.environ.get("APOLOGYLINT_PROPERTY_EXAMPLES", "30"))

order = st.builds(lambda p, n: f"{p}{n}", st.sampled_from(["#", "#", "ORD-", "A-"]), st.integers(1000, 999999))
amount = st.builds(lambda c, n, d: f"{c}{n}.{d:02d}", st.sampled_from(["£", "$", "€"]), st.integers(1, 499), st.integers(0, 99))
date = st.one_of(
    st.builds(lambda d, m: f"{d} {m}", st.integers(1, 28), st.sampled_from(["March", "April", "June", "September"])),
    st.sampled_from(["Monday", "Thursday", "Friday", "tomorrow"]),
)
time = st.builds(lambda h: f"{h} pm", st.integers(1, 6))
email = st.builds(lambda u: f"{u}@example.com", st.sampled_from(["anna", "help", "j.smith", "orders+uk"]))
phone = st.sampled_from(["0800 123 4567", "+44 20 7946 0958", "(555) 010-2030"])
link = st.builds(lambda p, n: f"https://{p}.example.com/{n}", st.sampled_from(["track", "help", "returns"]), st.integers(10, 99999))
name = st.sampled_from(["Sam", "Zoë", "Siobhán O'Connor", "Mr O'Brien", "José María", "Anne-Sophie"])
agent = st.sampled_from(["Kim", "Tom", "Amara", "Lee"])

# (template, kinds of the facts it takes); {0}, {1} are filled in order
GOOD = [
    ("Your order {0} shipped on {1}.", (order, date)),
    ("The refund of {0} went back to your card on {1}.", (amount, date)),
    ("You can follow the parcel here: {0}", (link,)),
    ("I've sent the return label to {0}.", (email,)),
    ("You can reach me directly on {0}.", (phone,)),
    ("Our engineer will call you at {0} on {1}.", (time, date)),
    ("I've checked order {0} and it left our warehouse on {1}.", (order, date)),
]
BAD = [
    ("Due to the high volume of orders we are receiving, your order {0} is late.", (order,)),
    ("Unfortunately the courier lost your parcel, so there is nothing to track.", ()),
    ("This happened because of a glitch in our system.", ()),
    ("As I said in my last email, order {0} shipped on {1}.", (order, date)),
    ("You should have checked the size guide before ordering.", ()),
    ("Please calm down.", ()),
    ("We apologize for any inconvenience this may have caused.", ()),
    ("I'm sorry if the product didn't meet your expectations.", ()),
    ("I'm sorry you feel that way.", ()),
    ("Mistakes were made in processing order {0}.", (order,)),
    ("Sorry to bother you, but could you send the invoice number?", ()),
    ("So sorry about this!", ()),
    ("Sorry again for the trouble!", ()),
    ("I have to check with my manager first.", ()),
    ("We are experiencing a high volume of calls, so replies may take longer.", ()),
    # faults that share a sentence with a fact, and several apologies in one sentence
    ("I'm sorry if you feel upset about order {0}.", (order,)),
    ("Sorry, sorry about order {0}.", (order,)),
]


@st.composite
def sentence(draw, pool):
    template, kinds = draw(st.sampled_from(pool))
    return template.format(*(draw(k) for k in kinds))


@st.composite
def drafts(draw):
    body = draw(st.lists(st.one_of(sentence(GOOD), sentence(BAD), sentence(BAD)), min_size=2, max_size=6))
    split = draw(st.integers(0, len(body)))
    paragraphs = [p for p in (" ".join(body[:split]), " ".join(body[split:])) if p]
    greeting = draw(st.one_of(st.none(), st.builds(lambda g, n: f"{g} {n},", st.sampled_from(["Hi", "Hello", "Dear"]), name)))
    closing = draw(st.one_of(
        st.none(),
        st.builds(lambda s, a: f"{s}\n{a}", st.sampled_from(["Best,", "Kind regards,", "Thanks,"]), agent),
        agent,  # a bare name as the last paragraph
    ))
    text = "\n\n".join([x for x in (greeting, *paragraphs, closing) if x])
    customer = draw(st.sampled_from([sc.customer_message for sc in CATALOG.values()]))
    return text, customer, greeting, closing


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(drafts())
def test_rewrite_keeps_facts_invents_none_lints_clean_and_is_idempotent(linter, case):
    text, customer, greeting, closing = case
    rw = Rewriter(linter)
    result = rw.rewrite(text, customer)
    out = result.text

    # every fact of the original is still there, unless it sat in a dropped excuse or defensive line
    may_go = set().union(*(keys(d.text) for d in result.dropped if d.category in DROPPABLE)) if result.dropped else set()
    lost = keys(text) - keys(out) - may_go
    assert not lost, (lost, text, out)
    # and nothing is invented: no fact, no refund, credit or discount the draft did not mention
    invented = keys(out) - keys(text)
    assert not invented, (invented, text, out)
    for word in ("refund", "credit", "discount", "voucher", "free", "compensat"):
        assert (word in out.lower()) <= (word in text.lower()), (word, out)

    # it lints clean apart from the placeholders it leaves
    left = actionable(linter.lint(out, customer), out)
    assert not left, ([(f.rule, f.excerpt) for f in left], text, out)

    # the greeting and the sign-off are the agent's own, untouched
    if greeting:
        assert out.startswith(greeting)
    if closing:
        assert out.endswith(closing)
    assert "  " not in out and not re.search(r" [,.;:!?]|\n\n\n", out), out

    # rewriting the rewrite changes nothing
    assert rw.rewrite(out, customer).text == out


def test_placeholders_are_not_facts():
    assert facts("It arrives on [[new delivery date]] at [[time]].") == []
    assert PLACEHOLDER.findall("I'll [[what you will do next]].") == ["[[what you will do next]]"]


#: customer messages that ask for something and report no failure of ours
REQUESTS = [
    "My blender broke after 35 days and I'd like a refund.",
    "Could you extend my booking by two nights?",
    "Can I switch to the annual plan and get the discount?",
    "I want to return a jacket I bought two months ago.",
]


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(drafts(), st.sampled_from(REQUESTS))
def test_a_rewrite_admits_no_failure_that_nobody_stated(linter, case, request):
    """Answering a request, whatever scenario the cues suggest, what the rewrite adds or rewords
    apologizes for nothing and names no failure: no scenario's stock admission gets in."""
    text, _, _, _ = case
    result = Rewriter(linter).rewrite(text, request)
    new = [a for a in result.added] + [b for _, b in result.replaced]
    for sentence in new:
        plain = PLACEHOLDER.sub("", sentence).lower()
        for admission in ("we got your bill wrong", "charged you", "your order is late", "the way our team treated you", "we missed", "let you down"):
            assert admission not in plain, (sentence, text, request)
    assert keys(result.text) - keys(text) == set()
