"""Every source of every signal is tested alone: its `match` examples must give a span from that
source, its `no_match` examples none from it, whatever the signal's other sources find.

The examples live beside the source in rules/signals.yaml, so a source cannot be added (or
changed) without showing what it finds and what it leaves alone.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from apologylint.ruleset import CONTEXT_SIGNALS, RuleFileError, load_all, load_signal_file

_, SIGNALS = load_all()
#: the reply an example of a customer-message signal is read against (it reads the customer's message)
REPLY = "Thanks for getting in touch."

CASES = [
    pytest.param(sig.name, src.id, kind, ex, id=f"{sig.name}-{src.id}-{kind}{i}")
    for sig in SIGNALS
    for src in sig.sources
    for kind in ("match", "no_match")
    for i, ex in enumerate(getattr(src.examples, kind))
]


def source_spans(linter, signal: str, source_id: str, example) -> list:
    """What one source finds in an example, on the message the signal is read from."""
    source = linter.compiled.source(signal, source_id)
    if signal in CONTEXT_SIGNALS:
        ex = linter.exchange(REPLY, example.text)
        return source.spans(ex, ex.context)
    ex = linter.exchange(example.text, example.in_reply_to)
    return source.spans(ex, ex.doc)


@pytest.mark.parametrize("signal,source_id,kind,example", CASES)
def test_source_example(linter, signal, source_id, kind, example):
    spans = [s.text for s in source_spans(linter, signal, source_id, example)]
    if kind == "match":
        assert spans, f"signal {signal}: source {source_id} should find a span in {example.text!r}"
    else:
        assert not spans, f"signal {signal}: source {source_id} should find nothing in {example.text!r}, found {spans}"


def test_every_source_has_an_id_and_a_match_example():
    assert SIGNALS
    for sig in SIGNALS:
        assert len({s.id for s in sig.sources}) == len(sig.sources), sig.name
        for src in sig.sources:
            assert src.examples.match, f"{sig.name}: {src.id}"


# -- the schema ------------------------------------------------------------------------------------

GOOD_SIGNAL = """
- name: pizza
  description: Talk of pizza.
  sources:
    - id: pizza-word
      kind: lexicon
      lemmas: [pizza]
      examples:
        match: ["The pizza was cold."]
        no_match: ["The pasta was cold."]
    - id: pizza-pattern
      kind: pattern
      patterns:
        - [{NORM: pizzeria}]
      examples:
        match: [{text: "We called the pizzeria.", in_reply_to: "Where is my food?"}]
"""


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "signals.yaml"
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def test_a_good_signal_file_loads(tmp_path):
    (sig,) = load_signal_file(write(tmp_path, GOOD_SIGNAL))
    assert [s.id for s in sig.sources] == ["pizza-word", "pizza-pattern"]
    assert sig.sources[0].examples.match[0].text == "The pizza was cold."
    assert sig.sources[1].examples.match[0].in_reply_to == "Where is my food?"
    assert sig.source("pizza-pattern").kind == "pattern"


def test_a_source_without_an_id_is_refused(tmp_path):
    p = write(tmp_path, GOOD_SIGNAL.replace("    - id: pizza-pattern\n      kind: pattern", "    - kind: pattern"))
    with pytest.raises(RuleFileError) as exc:
        load_signal_file(p)
    msg = str(exc.value)
    assert msg.startswith(f"{p}: signal pizza: source #2: id:"), msg


def test_a_source_id_is_kebab_case(tmp_path):
    with pytest.raises(RuleFileError, match=r"signal pizza: source Pizza_Word: id:"):
        load_signal_file(write(tmp_path, GOOD_SIGNAL.replace("id: pizza-word", "id: Pizza_Word")))


def test_duplicate_source_ids_are_refused(tmp_path):
    p = write(tmp_path, GOOD_SIGNAL.replace("id: pizza-pattern", "id: pizza-word"))
    with pytest.raises(RuleFileError) as exc:
        load_signal_file(p)
    msg = str(exc.value)
    assert str(p) in msg and "signal pizza" in msg and "sources" in msg and "'pizza-word' is used twice" in msg


def test_a_source_needs_a_match_example(tmp_path):
    p = write(tmp_path, GOOD_SIGNAL.replace('match: ["The pizza was cold."]', "match: []"))
    with pytest.raises(RuleFileError, match=r"signal pizza: source pizza-word: examples\.match:"):
        load_signal_file(p)
    p = write(tmp_path, GOOD_SIGNAL.replace('        match: ["The pizza was cold."]\n', ""))
    with pytest.raises(RuleFileError, match=r"signal pizza: source pizza-word: examples\.match: Field required"):
        load_signal_file(p)


def test_a_misspelt_example_key_is_refused(tmp_path):
    p = write(tmp_path, GOOD_SIGNAL.replace("no_match:", "nomatch:"))
    with pytest.raises(RuleFileError, match=r"source pizza-word: examples\.nomatch: Extra inputs"):
        load_signal_file(p)


def test_customer_message_examples_take_no_reply(tmp_path):
    text = GOOD_SIGNAL.replace("name: pizza", "name: praise")
    with pytest.raises(RuleFileError, match=r"signal praise: source pizza-pattern: examples\.match\.0\.in_reply_to"):
        load_signal_file(write(tmp_path, text))


def test_a_rule_pack_signal_needs_ids_too(tmp_path):
    (tmp_path / "signals.yaml").write_text(
        "- name: pizza\n  description: x\n  sources:\n    - kind: lexicon\n      lemmas: [pizza]\n", encoding="utf-8"
    )
    with pytest.raises(RuleFileError, match="signal pizza: source #1: id: Field required"):
        load_all((tmp_path,))
