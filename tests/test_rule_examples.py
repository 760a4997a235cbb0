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


@pytest.mark.parametrize("rule,kind,example", CASES)
def test_rule_example(linter, rule, kind, example):
    report = linter.lint(example.text, in_reply_to=example.in_reply_to)
    fired = [f for f in report.findings if f.rule == rule.id]
    if kind == "bad":
        assert fired, f"{rule.id} should flag: {example.text!r}\n got: {[(f.rule, f.message) for f in report.findings]}"
    else:
        assert not fired, f"{rule.id} should not flag: {example.text!r}\n got: {[f.message for f in fired]}"
