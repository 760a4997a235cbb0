"""Which scenario a draft answers, from the linter's reading of the customer's message.

The linter already reads the customer's message (`nlp/customer.py`): its kind, its claims, the
customer's own slips, and what failed by topic (delivery, billing, quality, outage, staff, wait,
deadline, access), each with the word that says so. Inference acts on that reading and nothing
else: each scenario lists in `scenarios.yaml` what of the reading it answers (`reads:` the topics,
optionally the words of the failure that tell it from a scenario with the same topic, the
customer's negated claims, their own slip, or a problem with no failure of ours), and the scenario
whose reading weighs most wins. The draft is read the same way and only breaks ties (or decides, with
no customer message): it says what the agent made of the message, not what happened.

A failure of ours is inferred only with evidence: a failure the reading names whose own clause
says something went wrong ("my kettle still hasn't arrived"), names a fault of its topic ("full
of errors", "incredibly rude", "down all morning"), or is a promise the customer says was broken.
A topic word in a request ("I want a refund") or in the customer's own slip is no failure of ours.
The evidence is kept in the customer's words, so the rewrite can print it ("scenario
late-delivery, because the customer wrote 'My kettle still hasn't arrived'"). Too little evidence
means "general".
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .catalog import Scenario

if TYPE_CHECKING:  # pragma: no cover
    from ..linter import Linter

FALLBACK = "general"
MIN_SCORE = 2
#: what each reading counts: a failure of ours said by the customer, a mere mention of its topic,
#: a negated claim or slip a scenario asks for, a problem with no failure of ours
FAULT, MENTION, CLAIM, SLIP, NO_FAULT = 2, 1, 4, 6, 3
@dataclass
class Evidence:
    """One thing of the reading a scenario answers: its weight, the words it is in, and whether it
    is a failure of ours the customer stated."""

    weight: int
    text: str
    failure: bool = False
    source: str = "customer"  # or "draft"
    at: int = 0  # where in its message (a token index): the earlier breaks a tie


@dataclass
class Inference:
    name: str
    evidence: Evidence | None = None  # what weighed most for it
    scores: dict[str, int] | None = None

    @property
    def failure(self) -> str | None:
        """The customer's words for a failure of ours that this scenario answers, if they wrote one."""
        e = self.evidence
        return e.text if e is not None and e.failure and e.source == "customer" else None

    def explain(self) -> str:
        e = self.evidence
        if e is None:
            return "too little in the customer's message or the draft to tell, so the general one"
        who = "the customer" if e.source == "customer" else "the draft"
        return f"because {who} wrote {e.text!r}"


def _clause_words(head) -> str:
    """The words of a clause with its non-finite complements, without the other clauses inside it
    ("my kettle still hasn't arrived", not "... and it was supposed to come on Monday")."""
    from ..nlp.frames import clause_of

    def inside(t) -> bool:
        h = clause_of(t)
        while h.i != head.i:
            if h.dep_ != "xcomp" or h.head.i == h.i:
                return False
            h = clause_of(h.head)
        return True

    toks = [t for t in head.subtree if inside(t)]
    while toks and (toks[-1].is_punct or toks[-1].dep_ == "cc"):
        toks.pop()
    while toks and (toks[0].is_punct or toks[0].dep_ == "cc"):
        toks.pop(0)
    if not toks:
        return head.text
    return head.doc[toks[0].i : toks[-1].i + 1].text


def _reading_evidence(reading: Any, doc: Any, spec: Any, source: str) -> list[Evidence]:
    """What of one reading (`nlp.customer.CustomerReading`) a scenario's `reads` answers."""
    from ..nlp.customer import said_to_fail
    from ..nlp.frames import clause_of, lemma

    if reading is None or reading.kind == "none":
        return []
    reads = spec.reads

    def weigh(w: int) -> int:
        return w if source == "customer" else max(1, w // 2)  # the draft's own, at half the weight

    out: list[Evidence] = []
    slips = list(reading.own_slips) if source == "customer" else []  # the draft's "I" is the agent
    faults_of_ours = False
    for topic, span in reading.failures:
        tok = span[0]
        if any(s.start <= tok.i < s.end for s in slips):
            continue  # the customer's own doing ("I typed the wrong address")
        fault = said_to_fail(topic, tok, reading.promises)
        faults_of_ours |= fault
        if topic not in reads.failures:
            continue
        head = clause_of(tok)
        words = set(reads.failures[topic])
        if words and not words & ({lemma(t) for t in head.subtree} | {t.lower_ for t in head.subtree}):
            continue  # the topic, but not this scenario's kind of it ("promised the mock-ups" is no late parcel)
        w = FAULT if fault else MENTION
        out.append(Evidence(weigh(w), _clause_words(head), fault and source == "customer", source, head.left_edge.i))
    for t in (t for sent in reading.claims for t in sent):
        if reads.claims and lemma(t) in reads.claims and reading.claim_lemmas.get(lemma(t)) == "negative" and t.pos_ in ("VERB", "AUX"):
            out.append(Evidence(weigh(CLAIM), t.sent.text.strip(), source == "customer", source, t.sent.start))
    if reads.slip and slips and not (reading.ours_failed and faults_of_ours):
        out.append(Evidence(weigh(SLIP), slips[0].text.strip(), False, source, slips[0].start))
    if reads.no_failure and source == "customer" and reading.kind == "problem" and not faults_of_ours and not slips and reading.claims:
        out.append(Evidence(NO_FAULT, reading.claims[0].text.strip(), False, source, reading.claims[0].start))
    return out


def inference(catalog: dict[str, Scenario], draft: str, in_reply_to: str | None = None, linter: "Linter | None" = None) -> Inference:
    """The scenario whose reading weighs most (ties go to the one whose evidence comes first in the
    customer's message, then to the one listed first), with what weighed most for it; "general"
    below MIN_SCORE."""
    if linter is None:
        from ..linter import default_linter

        linter = default_linter()
    readings = []
    if in_reply_to and in_reply_to.strip():
        ex = linter.exchange("", in_reply_to)
        readings.append((ex.customer, ex.context, "customer"))
    if draft and draft.strip():
        ex = linter.exchange("", draft)  # the draft read as a message: what it says happened
        readings.append((ex.customer, ex.context, "draft"))
    scores: dict[str, int] = {}
    rank: dict[str, tuple[int, int, int]] = {}
    best: dict[str, Evidence] = {}
    for name, sc in catalog.items():
        found = [e for reading, doc, source in readings for e in _reading_evidence(reading, doc, sc.spec, source)]
        scores[name] = sum(e.weight for e in found)
        # what the customer says outweighs anything the draft says; the draft breaks ties, then what
        # the customer said first (the complaint before its consequence: "down since 9, and I can't pay")
        mine = [e for e in found if e.source == "customer"]
        rank[name] = (sum(e.weight for e in mine), sum(e.weight for e in found if e.source == "draft"),
                      -min((e.at for e in mine), default=1 << 30))
        if found:
            # what to print: the customer's failure before anything else, then the weightiest
            best[name] = max(found, key=lambda e: (e.failure, e.source == "customer", e.weight))
    top = max(rank, key=lambda n: rank[n]) if rank else FALLBACK
    if scores.get(top, 0) < MIN_SCORE and FALLBACK in catalog:
        return Inference(FALLBACK, None, scores)
    return Inference(top, best.get(top), scores)


def infer(catalog: dict[str, Scenario], draft: str, in_reply_to: str | None = None, linter: "Linter | None" = None) -> str:
    """The name of the scenario `inference` picks."""
    return inference(catalog, draft, in_reply_to, linter).name
