"""Rule files fail loudly, naming the file and the rule, instead of rules that never fire."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from apologylint import Config, Linter
from apologylint.ruleset import RuleFileError, load_all, load_rule_file

GOOD_RULE = """
- id: TS101
  name: pizza-excuse
  kind: lexicon
  category: excuse
  severity: warning
  lemmas: ["because of the pizza"]
  message: "Pizza is no excuse: '{match}'."
  rationale: "Don't make excuses (seed 004)."
  examples:
    bad: ["It was late because of the pizza."]
    good: ["It was late, and I'm sorry."]
"""


def write(tmp_path: Path, text: str, name: str = "pack.yaml") -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def test_misspelt_key_names_file_rule_and_key(tmp_path):
    p = write(tmp_path, GOOD_RULE.replace("severity:", "severty:"))
    with pytest.raises(RuleFileError) as exc:
        load_rule_file(p)
    msg = str(exc.value)
    assert str(p) in msg and "TS101" in msg and "severty" in msg


def test_bad_severity_value(tmp_path):
    p = write(tmp_path, GOOD_RULE.replace("severity: warning", "severity: loud"))
    with pytest.raises(RuleFileError, match="TS101.*severity"):
        load_rule_file(p)


def test_missing_examples_is_an_error(tmp_path):
    text = GOOD_RULE.split("  examples:")[0]
    with pytest.raises(RuleFileError, match="examples"):
        load_rule_file(write(tmp_path, text))


def test_unknown_signal(tmp_path):
    text = GOOD_RULE.replace("kind: lexicon", "kind: count\n  signal: applause").replace('  lemmas: ["because of the pizza"]\n', "")
    write(tmp_path, text)
    with pytest.raises(RuleFileError, match="unknown signal 'applause'"):
        load_all((tmp_path,))


def test_duplicate_id_is_refused(tmp_path):
    write(tmp_path, GOOD_RULE.replace("TS101", "AL101"))
    with pytest.raises(RuleFileError, match="AL101"):
        load_all((tmp_path,))


def test_invalid_spacy_pattern_names_the_rule(tmp_path):
    text = GOOD_RULE.replace("kind: lexicon", "kind: pattern").replace(
        '  lemmas: ["because of the pizza"]', "  patterns:\n    - [{LEMMMA: pizza}]"
    )
    p = write(tmp_path, text)
    with pytest.raises(RuleFileError) as exc:
        Linter(Config(rule_paths=[tmp_path])).compiled
    assert "TS101" in str(exc.value) and str(p) in str(exc.value)


def test_unknown_message_placeholder(tmp_path):
    p = write(tmp_path, GOOD_RULE.replace("Pizza is no excuse: '{match}'.", "Pizza {0} {colour}"))
    with pytest.raises(RuleFileError, match="placeholder"):
        load_rule_file(p)


def test_yaml_words_are_not_booleans(tmp_path):
    p = write(tmp_path, GOOD_RULE.replace('["because of the pizza"]', "[no, on, off, yes]"))
    (rule,) = load_rule_file(p)
    assert rule.lemmas == ["no", "on", "off", "yes"]


def test_a_rule_pack_adds_a_rule_that_fires(tmp_path):
    write(tmp_path, GOOD_RULE)
    linter = Linter(Config(rule_paths=[tmp_path], select=["TS101"]))
    report = linter.lint("Sorry, it was late because of the pizza party.")
    assert [f.rule for f in report.findings] == ["TS101"]
    assert report.findings[0].excerpt == "because of the pizza"


def test_shipped_rules_cover_the_six_categories():
    rules, signals = load_all()
    cats = {r.category for r in rules}
    assert {"over-apology", "excuse", "defensive", "non-apology", "missing-empathy", "missing-next-step"} <= cats
    assert len({r.id for r in rules}) == len(rules)
    assert {"apology", "empathy", "next-step", "complaint"} <= {s.name for s in signals}
    for r in rules:
        if r.kind == "builtin":  # AL000, AL001, AL990: about the comments and the team's list, not service recovery
            continue
        assert "seed" in r.rationale.lower() or "lewicki" in r.rationale.lower(), r.id


def test_every_named_predicate_condition_and_kind_is_implemented():
    from typing import get_args

    from apologylint.conditions import CONDITIONS
    from apologylint.detectors import KINDS
    from apologylint.predicates import PREDICATES
    from apologylint.ruleset import RULE_CLASSES, Condition, Predicate

    assert set(get_args(Predicate)) == set(PREDICATES)
    assert set(get_args(Condition)) == set(CONDITIONS)
    assert set(RULE_CLASSES) == set(KINDS)
