"""Quality on our own labelled corpora (corpora/*.jsonl): per-category precision and recall floors.

The floors sit a little under what the rules reach today, so a change that loses precision or
recall shows up as a failing test; raise them when the rules get better. Precision floors are
higher than recall floors on purpose: a pre-send hook that cries wolf gets uninstalled.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from apologylint.evaluation import load_items, score
from apologylint.models import CORE_CATEGORIES

CORPORA = Path(__file__).resolve().parent.parent / "corpora"
FILES = sorted(CORPORA.glob("*.jsonl"))

#: category -> (precision floor, recall floor)
FLOORS = {
    "over-apology": (0.90, 0.75),
    "excuse": (0.80, 0.60),
    "defensive": (0.80, 0.50),
    "non-apology": (0.90, 0.50),
    "missing-empathy": (0.72, 0.70),
    "missing-next-step": (0.70, 0.70),
}


@pytest.fixture(scope="module")
def scores(linter):
    items = [it for f in FILES for it in load_items(f)]
    return score(linter, items)


def test_corpora_are_well_formed():
    ids = Counter()
    for f in FILES:
        focus = f.stem
        kinds = Counter()
        for line in f.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            ids[row["id"]] += 1
            assert set(row["expected"]) <= set(CORE_CATEGORIES), row["id"]
            assert row["kind"] == ("positive" if focus in row["expected"] else "near-miss"), row["id"]
            kinds[row["kind"]] += 1
        assert kinds["positive"] >= 25 and kinds["near-miss"] >= 25, f.name
    assert FILES and all(n == 1 for n in ids.values())


@pytest.mark.parametrize("category", CORE_CATEGORIES)
def test_precision_and_recall_floors(scores, category):
    p, r, _ = scores.prf(category)
    p_floor, r_floor = FLOORS[category]
    misses = [i.id for kind, i in scores.errors[category]]
    assert p >= p_floor, f"{category} precision {p:.2f} < {p_floor} (errors: {misses[:15]})"
    assert r >= r_floor, f"{category} recall {r:.2f} < {r_floor} (errors: {misses[:15]})"


READING = sorted((CORPORA / "reading").glob("*/*.jsonl"))


def test_reading_corpora_are_well_formed_and_split():
    """The generalization corpus: unique ids, consistent kinds, every phenomenon in both halves.
    Only its form is tested; what the linter scores on it is measured, not asserted."""
    ids = Counter()
    halves: dict[str, set[str]] = {"tune": set(), "sealed": set()}
    for f in READING:
        for line in f.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            ids[row["id"]] += 1
            assert set(row["expected"]) <= set(CORE_CATEGORIES), row["id"]
            assert row["kind"] == ("positive" if row["focus"] in row["expected"] else "near-miss"), row["id"]
            halves[f.parent.name].add(f"{f.stem}/{row['phenomenon']}")
    assert sum(ids.values()) >= 600 and all(n == 1 for n in ids.values())
    assert halves["tune"] == halves["sealed"] and len(halves["tune"]) >= 20
