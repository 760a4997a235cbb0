"""What kind of message the customer sent: a small statistical model over the parse.

The complaint signal in `rules/signals.yaml` finds a problem by its words ("late", "broken",
"hasn't arrived"); customers often name one in words no list holds ("the plumber flooded my
kitchen and left", "ticket machine ate my £20"). This model reads lemmas, their pairs and a few
facts of the frames (a negated or failing clause, a question, shouting) and says which of five
kinds the message is: problem, question, request, praise, chit-chat.

It is a multinomial logistic regression, trained reproducibly by `scripts/train_kinds.py` on
`corpora/customer-kinds/train.jsonl` only, and shipped as `kinds.json` beside this module
(a few hundred kilobytes, no network, no new dependency). The reading keeps its evidence: the
features that weighed most are returned with the prediction, so `--explain-reading` can say why.
Its features read the frames, so a change to `frames.py` or `moves.failure_clause` means running
the script again; a test fails until the shipped weights match what the script trains.
"""
from __future__ import annotations

import json
import math
import pathlib
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable

from .frames import fr

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

KINDS = ("problem", "question", "request", "praise", "chit-chat")
MODEL_FILE = pathlib.Path(__file__).with_name("kinds.json")


def features(doc: Doc) -> list[str]:
    """The features of one parsed message: what the model weighs."""
    from .moves import failure_clause

    lemmas = [t.lemma_.lower() for t in doc if (t.is_alpha or t.text in "?!") and not t.like_url]
    out = [f"w:{w}" for w in lemmas]
    out += [f"b:{a}_{b}" for a, b in zip(lemmas, lemmas[1:])]
    for t in doc:
        if fr(t).clause:
            if fr(t).polarity == "negative" and not fr(t).question:
                out.append("f:negated-clause")
            if failure_clause(t) and not fr(t).question:
                out.append("f:failing-clause")
            if fr(t).tense in ("past", "perfect") and fr(t).agent in ("third", "thing", "none", "customer"):
                out.append(f"f:past-{fr(t).agent}")
            out.append(f"f:modality-{fr(t).modality}")
        if t.is_upper and t.is_alpha and len(t) >= 3:
            out.append("f:shouting")
    if any("?" in t.text for t in doc):
        out.append("f:question-mark")
    if doc.text.count("!") >= 2 or "?!" in doc.text or "!?" in doc.text:
        out.append("f:exclamations")
    return out


@lru_cache(maxsize=1)
def model() -> dict:
    """The shipped weights: {"kinds": [...], "bias": {...}, "weights": {feature: {kind: w}}}."""
    return json.loads(MODEL_FILE.read_text(encoding="utf-8"))


def predict(doc: Doc) -> tuple[str, float, list[str]]:
    """The most probable kind, its probability, and the features that weighed most for it."""
    return predict_features(features(doc), model())


def predict_features(feats: Iterable[str], m: dict) -> tuple[str, float, list[str]]:
    kinds = m["kinds"]
    weights = m["weights"]
    score = dict(m["bias"])
    seen = sorted(set(feats))  # sorted: a set's order changes between processes, and so would the sums and the ties
    for f in seen:
        for k, w in weights.get(f, {}).items():
            score[k] += w
    top = max(kinds, key=lambda k: score[k])
    z = max(score.values())
    total = sum(math.exp(score[k] - z) for k in kinds)
    prob = math.exp(score[top] - z) / total
    evidence = sorted((f for f in seen if weights.get(f, {}).get(top, 0) > 0), key=lambda f: (-weights[f][top], f))[:5]
    return top, prob, evidence


def train(examples: list[tuple[list[str], str]], epochs: int = 30, rate: float = 0.2, l2: float = 3e-3, min_count: int = 3) -> dict:
    """Fit the model by plain stochastic gradient descent in a fixed order: the same data gives the
    same weights on every machine."""
    counts: dict[str, int] = {}
    for feats, _ in examples:
        for f in set(feats):
            counts[f] = counts.get(f, 0) + 1
    vocab = {f for f, n in counts.items() if n >= min_count}
    weights: dict[str, dict[str, float]] = {}
    bias = {k: 0.0 for k in KINDS}
    for epoch in range(epochs):
        lr = rate / (1 + epoch * 0.2)
        for feats, kind in examples:
            fs = [f for f in set(feats) if f in vocab]
            score = dict(bias)
            for f in fs:
                for k, w in weights.get(f, {}).items():
                    score[k] += w
            z = max(score.values())
            exps = {k: math.exp(score[k] - z) for k in KINDS}
            total = sum(exps.values())
            for k in KINDS:
                grad = exps[k] / total - (1.0 if k == kind else 0.0)
                bias[k] -= lr * grad
                for f in fs:
                    row = weights.setdefault(f, {})
                    row[k] = row.get(k, 0.0) * (1 - lr * l2) - lr * grad
    weights = {f: {k: round(w, 4) for k, w in row.items() if abs(w) >= 1e-3} for f, row in weights.items()}
    return {"kinds": list(KINDS), "bias": {k: round(v, 4) for k, v in bias.items()}, "weights": {f: r for f, r in sorted(weights.items()) if r}}
