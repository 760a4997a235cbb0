"""Every rule's `bad` examples must trigger it and its `good` examples must not.

The examples live beside the rule in its YAML file, so nobody can add a rule without showing what
it catches and what it leaves alone. The verdict on an example is `apologylint.packtest`'s, the
same that `apologylint test-rules` gives a pack author.
"""
from __future__ import annotations

import pytest

from apologylint.packtest import ExampleRunner, cases
from apologylint.ruleset import load_all

RULES, _ = load_all()
CASES = [pytest.param(case, id=case.id) for case in cases(RULES)]


@pytest.fixture(scope="module")
def runner(linter):
    """Rules that are off by default are tested switched on, as a user who opts in would run them."""
    return ExampleRunner(base=linter)


@pytest.mark.parametrize("case", CASES)
def test_rule_example(runner, case):
    result = runner.check(case)
    assert result.passed, result.describe()
