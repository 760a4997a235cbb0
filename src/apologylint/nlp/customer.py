"""The reading of the customer's message: what kind of message it is, what it claims went wrong,
what it asks, what is at stake for them, and how severe it is.

The kind decides what a reply owes: a problem needs acknowledgement and a way forward, a question
an answer, praise or thanks only a warm reply. Claims are read from the frames (a negated or
failing clause is a claim that something did not happen or went wrong), so a reply that asserts
the opposite of a claim can be told apart from one that answers it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .frames import lemma
from .moves import failure_clause

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span

#: cues that a failure is severe (closed classes: repetition, threats, money, vulnerability)
REPEAT = {"again", "still", "another", "repeatedly", "keep", "every", "third", "fourth", "fifth", "twice", "yet"}
THREAT = {"cancel", "leave", "switch", "lawyer", "solicitor", "court", "ombudsman", "review", "trustpilot", "report", "chargeback", "escalate", "complaint", "never", "sue", "regulator", "bbb"}
VULNERABLE = {"elderly", "disabled", "pregnant", "hospital", "medication", "medicine", "baby", "wheelchair", "carer", "diabetic", "allergy", "allergic", "safety", "unsafe", "dangerous", "injured", "hurt", "sick", "ill"}
#: what a customer's own life puts at stake: "for my daughter's party", "my boss", "a day off work"
STAKE_NOUNS = {"wedding", "birthday", "party", "funeral", "trip", "holiday", "vacation", "honeymoon", "anniversary", "interview", "exam", "meeting", "client", "boss", "job", "work", "business", "shift", "flight", "event", "daughter", "son", "wife", "husband", "kids", "child", "children", "mum", "mom", "dad", "mother", "father", "family", "baby", "christmas", "deadline", "presentation", "appointment", "surgery", "sales", "customers", "pay", "rent"}
MONEY = re.compile(r"[£$€]\s?\d|\d+\s?(?:quid|dollars|pounds|euros)\b", re.I)


@dataclass
class Cue:
    kind: str
    span: "Span"


@dataclass
class CustomerReading:
    kind: str  # problem | question | request | praise | chit-chat | none
    claims: list = field(default_factory=list)  # Span
    questions: list = field(default_factory=list)  # Span
    stakes: list = field(default_factory=list)  # Span
    cues: list[Cue] = field(default_factory=list)
    claim_lemmas: dict[str, str] = field(default_factory=dict)  # predicate lemma -> polarity

    @property
    def severity(self) -> str:
        kinds = {c.kind for c in self.cues}
        if self.kind != "problem":
            return "low"
        if len(kinds) >= 2 or "vulnerability" in kinds:
            return "high"
        return "medium" if kinds or self.stakes else "low"


def read_customer(doc: Doc | None, complaint: list, praise: list, requests: set[int]) -> CustomerReading:
    """`complaint` and `praise` are the spans of those signals in the message; `requests` the
    starts of sentences that are polite requests or plain questions."""
    if doc is None:
        return CustomerReading(kind="none")
    claims, questions, stakes, cues = [], [], [], []
    claim_lemmas: dict[str, str] = {}
    for sent in doc.sents:
        if any("?" in t.text for t in sent if t.is_punct):
            questions.append(sent)
        for t in sent:
            hedged = any(lemma(a) in ("feel", "think", "worry", "wonder", "guess", "suppose", "seem") for a in t.ancestors)
            if t._.clause and not t._.question and not hedged and (t._.polarity == "negative" or failure_clause(t)):
                claims.append(sent)
                claim_lemmas.setdefault(lemma(t), t._.polarity)
                break
        for t in sent:
            low = t.lower_
            if low in REPEAT and (low != "every" or any(x.lower_ == "time" for x in sent)):
                cues.append(Cue("repeat", doc[t.i : t.i + 1]))
            elif lemma(t) in THREAT and t.pos_ in ("VERB", "NOUN", "PROPN"):
                cues.append(Cue("threat", doc[t.i : t.i + 1]))
            elif low in VULNERABLE:
                cues.append(Cue("vulnerability", doc[t.i : t.i + 1]))
            if lemma(t) in STAKE_NOUNS and t.pos_ in ("NOUN", "PROPN") and any(c.lower_ in ("my", "our") for c in t.children) or (
                lemma(t) in STAKE_NOUNS and t.dep_ == "pobj" and t.head.lower_ == "for" and t.pos_ == "NOUN"
            ):
                stakes.append(doc[t.left_edge.i : t.i + 1])
        if MONEY.search(sent.text):
            cues.append(Cue("money", sent))
    if complaint:
        kind = "problem"
    elif praise and not questions:
        kind = "praise"
    elif questions:
        kind = "question"
    elif requests:
        kind = "request"
    else:
        kind = "chit-chat"
    return CustomerReading(kind, claims, questions, stakes, cues, claim_lemmas)
