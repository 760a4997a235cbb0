"""How the compiled rules match: word-only token patterns go to a PhraseMatcher and dependency
patterns are skipped on a parse that lacks their words. Both are there for speed only, so the
matches must be exactly those of the plain spaCy matchers over the same patterns."""
from __future__ import annotations

import json
import pathlib

import pytest
from spacy.matcher import DependencyMatcher, Matcher

from apologylint.detectors import MAX_PHRASES, phrases_of, required_words
from apologylint.nlp.frames import FIELDS, Frame, fr

ROOT = pathlib.Path(__file__).resolve().parent.parent


def texts(linter) -> list[str]:
    """The shipped rules' examples and a slice of every corpus: many shapes, every pattern tried."""
    out = [ex.text for r in linter.active for ex in (*r.examples.bad, *r.examples.good)]
    for f in sorted((ROOT / "corpora").rglob("*.jsonl")):
        rows = [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines() if line.strip()][:40]
        out += [row.get("text") or row.get("reply") or "" for row in rows]
        out += [row["in_reply_to"] for row in rows if row.get("in_reply_to")]
    return out


def test_spelled_out_phrases():
    assert phrases_of([{"NORM": "sorry"}]) == [("sorry",)]
    assert sorted(phrases_of([{"NORM": "the", "OP": "?"}, {"NORM": {"IN": ["delay", "wait"]}}])) == [
        ("delay",), ("the", "delay"), ("the", "wait"), ("wait",)
    ]
    # anything but word alternatives stays a token pattern
    assert phrases_of([{"NORM": "sorry"}, {}]) is None
    assert phrases_of([{"LOWER": "sorry"}]) is None
    assert phrases_of([{"NORM": "sorry", "OP": "*"}]) is None
    assert phrases_of([{"NORM": {"NOT_IN": ["a"]}}]) is None
    assert phrases_of([{"NORM": "sorry", "POS": "ADJ"}]) is None
    assert phrases_of([{"NORM": "x", "OP": "?"}]) == [("x",)]  # the Matcher never reports an empty match
    too_many = [{"NORM": {"IN": [f"w{i}" for i in range(10)]}}] * 5
    assert phrases_of(too_many) is None and 10**5 > MAX_PHRASES


def test_gate_names_every_attribute_given_by_value():
    pattern = [
        {"RIGHT_ID": "v", "RIGHT_ATTRS": {"NORM": {"IN": ["make", "commit"]}, "TAG": "VBN"}},
        {"LEFT_ID": "v", "REL_OP": ">", "RIGHT_ID": "s", "RIGHT_ATTRS": {"DEP": "nsubjpass", "NORM": {"NOT_IN": ["x"]}}},
    ]
    assert required_words(pattern) == [
        ("NORM", frozenset({"make", "commit"})), ("TAG", frozenset({"VBN"})), ("DEP", frozenset({"nsubjpass"}))
    ]


def test_compiled_matches_equal_the_plain_matchers(linter):
    compiled = linter.compiled
    vocab = linter.nlp.vocab
    plain, plain_dep = Matcher(vocab), DependencyMatcher(vocab)
    keys = 0
    for signal in compiled.sources.values():
        for src in signal:
            keys += _add_plain(plain, plain_dep, src.key, src.spec)
    for det in compiled.detectors:
        source = getattr(det, "source", None)
        if source is not None:
            keys += _add_plain(plain, plain_dep, source.key, source.spec)
    assert keys > 20
    strings = vocab.strings
    docs = list(linter.nlp.pipe(texts(linter)))
    assert len(docs) > 300
    seen = 0
    for doc in docs:
        found, _ = compiled.match(doc)
        expected: dict[str, set] = {}
        for match_id, start, end in plain(doc):
            expected.setdefault(strings[match_id], set()).add((start, end))
        for match_id, ids in plain_dep(doc):
            expected.setdefault(strings[match_id], set()).add((min(ids), max(ids) + 1))
        got = {k: {(s.start, s.end) for s in spans} for k, spans in found.items()}
        assert got == expected, doc.text
        seen += sum(len(v) for v in got.values())
    assert seen > 500  # the patterns did match: the comparison is not of two empty sets


def _add_plain(plain: Matcher, plain_dep: DependencyMatcher, key: str, spec) -> int:
    from apologylint.detectors import lexicon_patterns

    kind = spec.kind
    if kind == "lexicon":
        plain.add(key, [p for phrase in spec.lemmas for p in lexicon_patterns(phrase)])
    elif kind == "pattern":
        plain.add(key, spec.patterns)
    elif kind == "dependency":
        plain_dep.add(key, spec.patterns)
    else:
        return 0
    return 1


def test_token_extensions_read_the_frames(linter):
    doc = linter.exchange("We sent it to the wrong depot, because our courier lost the label.").doc
    sent = next(t for t in doc if t.text == "sent")
    assert sent._.clause is True and sent._.agent == "speaker" and sent._.tense == "past"
    assert fr(sent).agent == sent._.agent
    for t in doc:
        for name in FIELDS:
            assert getattr(t._, name) == getattr(fr(t), name)
    lost = next(t for t in doc if t.text == "lost")
    assert lost._.cause_of == sent.i


def test_a_doc_the_component_never_saw_has_blank_frames(linter):
    doc = linter.nlp.make_doc("Sorry about that.")
    assert all(t._.clause is False and t._.agent_i == -1 for t in doc)
    assert repr(fr(doc[0])) == repr(Frame())


def test_frames_survive_pickling(linter):
    import pickle

    f = fr(linter.exchange("We lost your parcel.").doc[1])
    again = pickle.loads(pickle.dumps(f))
    assert {k: getattr(again, k) for k in FIELDS} == {k: getattr(f, k) for k in FIELDS}
    assert again.agent == "speaker"


@pytest.mark.parametrize("text", ["", "sorry", "Sorry!!! " * 50, "@x ^AB", "1/2 we're so sorry"])
def test_matching_odd_texts_never_raises(linter, text):
    linter.lint(text)
