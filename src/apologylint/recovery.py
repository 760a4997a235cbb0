"""Recovery analysis: what the reply does to recover this customer, and a score for it.

A support scorecard says "empathy: yes/no" after the fact. This reads the components of a recovery
message off the moves the reading already found (one reading: no detector of its own), judges which
of them the customer's situation calls for (a question needs an answer; a repeated failure with
money lost needs amends and a follow-up), and scores the reply 0-100 with the weights in
`recovery_weights.yaml` (their sources are cited there and in `apologylint explain-score`).
"""
from __future__ import annotations

import pathlib
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .nlp.frames import fr
from .models import CORE_CATEGORIES, Finding, MoveEvidence, Recovery, RecoveryComponent, SentenceMoves

if TYPE_CHECKING:  # pragma: no cover
    from .exchange import Exchange

WEIGHTS_FILE = pathlib.Path(__file__).with_name("recovery_weights.yaml")

#: the components, in the order the checklist prints them
COMPONENTS = (
    "acknowledgement", "apology", "responsibility", "empathy", "personal-empathy", "explanation",
    "repair", "next-step-time", "amends", "follow-up", "thanks", "forgiveness",
)
SITUATIONS = ("not-a-problem", "praise", "customer-slip", "low", "medium", "high")

#: a request for forgiveness (a closed class of its forms)
FORGIVE = re.compile(r"\b(?:forgive (?:us|me)|(?:another|a second) chance|accept (?:our|my) (?:sincere )?apolog)", re.I)


class Band(BaseModel):
    model_config = ConfigDict(extra="forbid")
    min: int = Field(ge=0, le=100)
    name: str


class Weights(BaseModel):
    """The shipped weights file, checked when it is first read."""

    model_config = ConfigDict(extra="forbid", strict=True)
    weights: dict[str, int]
    called_for: dict[str, list[str]]
    penalties: dict[str, int]
    bands: list[Band] = Field(min_length=1)

    @model_validator(mode="after")
    def _known_names(self) -> "Weights":
        if set(self.weights) != set(COMPONENTS):
            raise ValueError(f"weights must name exactly the components {COMPONENTS}")
        if any(v < 0 for v in [*self.weights.values(), *self.penalties.values()]):
            raise ValueError("weights and penalties must be 0 or more")
        if set(self.called_for) != set(SITUATIONS):
            raise ValueError(f"called_for must name exactly the situations {SITUATIONS}")
        for situation, entries in self.called_for.items():
            names = [n for e in entries for n in e.split("|")]
            unknown = set(names) - set(COMPONENTS)
            if unknown:
                raise ValueError(f"called_for.{situation}: unknown components {sorted(unknown)}")
            if any(self.weights[n] <= 0 for n in names):
                raise ValueError(f"called_for.{situation}: a component called for must weigh more than 0")
            if len(names) != len(set(names)):
                raise ValueError(f"called_for.{situation}: a component is named twice")
        if set(self.penalties) - set(CORE_CATEGORIES):
            raise ValueError(f"penalties: unknown categories {sorted(set(self.penalties) - set(CORE_CATEGORIES))}")
        mins = [b.min for b in self.bands]
        if any(a <= b for a, b in zip(mins, mins[1:])) or mins[-1] != 0:
            raise ValueError("bands must run from the highest minimum down to 0, each lower than the one before")
        return self


@lru_cache(maxsize=1)
def weights() -> Weights:
    from .safeload import load

    return Weights.model_validate(load(WEIGHTS_FILE))


def band(score: int) -> str:
    return next(b.name for b in weights().bands if score >= b.min)


def situation(ex: Exchange) -> tuple[str, str]:
    """(the situation that sets what is called for, the severity to report)."""
    if ex.context is not None:
        c = ex.customer
        if c.kind in ("praise", "chit-chat") and not ex.problem:
            return "praise", "low"
        if c.slip_only or c.no_fault_of_ours:
            # "I typed the wrong postcode", "the snow closed the roads so I missed it": nothing of ours failed
            return "customer-slip", "low"
        if not ex.problem:
            return "not-a-problem", "low"
        sev = c.severity if c.kind == "problem" else "low"
        return sev, sev
    # no customer message: a reply that answers a failure is judged as answering a medium one
    return ("medium", "medium") if ex.problem else ("not-a-problem", "low")


def recover(ex: Exchange, moves: list[SentenceMoves], findings: list[Finding]) -> Recovery:
    """The recovery analysis of one reply. `moves` are the report's sentences (offsets into the
    text), in the order of `ex.moves`; `findings` are the report's findings."""
    w = weights()
    where, severity = situation(ex)
    entries = [e.split("|") for e in w.called_for[where]]
    if not (ex.context is not None and ex.customer.stakes):
        entries = [e for e in entries if e != ["personal-empathy"]]  # nothing personal was named: nothing to acknowledge personally
    found = _components(ex, moves, findings)
    # an entry "a|b" is satisfied by either, once, at the larger weight
    total = sum(max(w.weights[n] for n in e) for e in entries)
    got = sum(max(w.weights[n] for n in e) for e in entries if any(found.get(n) for n in e))
    counted = {next(n for n in e if found.get(n)): max(w.weights[n] for n in e) for e in entries if any(found.get(n) for n in e)}
    components = [RecoveryComponent(name=n, weight=counted.get(n, 0), evidence=found[n]) for n in COMPONENTS if found.get(n)]
    cats = {f.category for f in findings}
    penalties = [c for c in w.penalties if c in cats]
    score = round(100 * got / total) if total else 100
    score = max(0, min(100, score - sum(w.penalties[c] for c in penalties)))
    missing = ["|".join(e) for e in entries if not any(found.get(n) for n in e)]
    return Recovery(severity=severity, called_for=["|".join(e) for e in entries], components=components,
                    missing=missing, penalties=penalties, score=score)


def _components(ex: Exchange, moves: list[SentenceMoves], findings: list[Finding]) -> dict[str, list[MoveEvidence]]:
    from .nlp.moves import failure_clause

    found: dict[str, list[MoveEvidence]] = {n: [] for n in COMPONENTS}
    flagged = [(f.start, f.end, f.category) for f in findings]

    def flagged_as(m: MoveEvidence, *cats: str) -> bool:
        return any(c in cats and s < m.end and m.start < e for s, e, c in flagged)

    content = {s.start for s in ex.content_sentences}
    for (sent, _), sm in zip(ex.moves, moves):
        if sent.start not in content:
            continue  # a greeting or a sign-off ("Best,\nLiv") does nothing for the customer
        kinds = {m.kind for m in sm.moves}
        owned_in_apology = any(fr(t).clause and fr(t).agent == "speaker" and fr(t).tense in ("past", "perfect") and not fr(t).conditional
                               and failure_clause(t) for t in sent)
        for m in sm.moves:
            k = m.kind
            if k == "apology" and not flagged_as(m, "non-apology"):
                found["apology"].append(m)
                if owned_in_apology:
                    found["responsibility"].append(m)  # "I'm sorry we got your bill wrong" owns it
                # (an apology that names what happened is read as empathy too: that is what acknowledges it)
            elif k == "empathy":
                found["acknowledgement"].append(m)
                if not any(a.kind == "apology" and a.start < m.end and m.start < a.end for a in sm.moves):
                    found["empathy"].append(m)  # an apology that names what happened acknowledges it; empathy says how it landed
            elif k == "ownership":
                found["responsibility"].append(m)
                found["acknowledgement"].append(m)
                if m.detail.get("how") in ("we did it", "owned cause"):
                    found["explanation"].append(m)  # "we sent it to the wrong depot" says what went wrong, and owns it
            elif k == "explanation" and (m.detail.get("whose") == "ours" or m.detail.get("for_the_fix") == "true") and not flagged_as(m, "excuse"):
                found["explanation"].append(m)
            elif k in ("commitment", "resolution", "instruction", "answer") and "refusal" not in kinds:
                found["repair"].append(m)
            elif k == "timeline":
                found["next-step-time"].append(m)
            elif k == "amends":
                found["amends"].append(m)
            elif k in ("follow-up", "escalation"):
                found["follow-up"].append(m)
            elif k == "acknowledgement":
                found["acknowledgement"].append(m)
            elif k == "thanks":
                found["thanks"].append(m)
            elif k == "personal":
                found["personal-empathy"].append(m)
        if FORGIVE.search(sent.text):
            found["forgiveness"].append(MoveEvidence(kind="forgiveness", start=sm.start, end=sm.end, excerpt=sm.text))
    return found
