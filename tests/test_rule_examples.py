"""Every rule's `bad` examples must trigger it and its `good` examples must not.

The examples live beside the rule in its YAML file, so nobody can add a rule without showing what
it catches and what it leaves alone.
"""
from __future__ import annotations

import pytest

from apologylint.ruleset import load_all

RULES, _ = load_all()
CASES = [
    pytest.param(rule, kind, ex, id=f"{rule.id}-{rule.name}-{kind}{i}")
    for rule in RULES
    for kind in ("bad", "good")
    for i, ex in enumerate(getattr(rule.examples, kind))
]


_OPTED_IN: dict[str, object] = {}


def _linter_for(rule, linter):
    """Rules that are off by default are tested switched on, as a user who opts in would run them."""
    if rule.enabled:
        return linter
    if rule.id not in _OPTED_IN:
        from apologylint import Config, Linter

        _OPTED_IN[rule.id] = Linter(Config(rules={rule.id: {"enabled": True}}))
    return _OPTED_IN[rule.id]


@pytest.mark.parametrize("rule,kind,example", CASES)
def test_rule_example(linter, rule, kind, example):
    report = _linter_for(rule, linter).lint(example.text, in_reply_to=example.in_reply_to)
    fired = [f for f in report.findings if f.rule == rule.id]
    if kind == "bad":
        assert fired, f"{rule.id} should flag: {example.text!r}\n got: {[(f.rule, f.message) for f in report.findings]}"
    else:
        assert not fired, f"{rule.id} should not flag: {example.text!r}\n got: {[f.message for f in fired]}"
