"""Running a rule's own examples: every `bad` example must make the rule fire and no `good`
example may. The test suite (tests/test_rule_examples.py) and `apologylint test-rules` both
judge an example here, so a pack author's check and ours are the same check.

A rule that is off by default is run switched on, as a user who opts in would run it; every other
rule runs as configured, so an example is linted exactly as a real reply would be. A built-in rule
(rules/meta.yaml) is run with the configuration its `example_config` gives (AL990's examples need a
flagged phrase, AL000's `report-unused-suppressions`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Literal

from pydantic import BaseModel, Field

from .models import Finding, Report

Kind = Literal["bad", "good"]


class Found(BaseModel):
    """A finding as an example's result shows it."""

    rule: str
    line: int
    column: int
    excerpt: str
    message: str

    @classmethod
    def of(cls, f: Finding) -> "Found":
        return cls(rule=f.rule, line=f.line, column=f.column, excerpt=f.excerpt, message=f.message)


class ExampleResult(BaseModel):
    """Whether one example of one rule did what it says: a `bad` one fired the rule, a `good` one
    did not. `fired` are the rule's own findings on it; `others` what the other rules found,
    which is often why a bad example did not fire (another rule took the words)."""

    rule: str
    name: str
    kind: Kind
    index: int = Field(ge=0, description="0-based position among the rule's examples of this kind")
    text: str
    in_reply_to: str | None = None
    passed: bool
    fired: list[Found] = Field(default_factory=list)
    others: list[Found] = Field(default_factory=list)
    error: str | None = Field(None, description="why the example could not be linted")

    @property
    def label(self) -> str:
        return f"{self.rule} {self.name} {self.kind} #{self.index + 1}"

    def describe(self) -> str:
        """What went wrong, for a failing example: the example and what was (not) found."""
        if self.error is not None:
            return f"{self.label}: not linted: {self.error}"
        if self.kind == "bad":
            head = f"{self.label}: {self.rule} should flag this example, and did not"
        else:
            head = f"{self.label}: {self.rule} should not flag this example, and did"
        lines = [head, f"    reply:    {self.text!r}"]
        if self.in_reply_to is not None:
            lines.append(f"    customer: {self.in_reply_to!r}")
        shown = self.fired if self.kind == "good" else self.others
        if not shown:
            lines.append("    found:    nothing")
        for i, f in enumerate(shown):
            lines.append(f"    {'found:   ' if i == 0 else '         '} {f.rule} {f.line}:{f.column} {f.excerpt!r}: {f.message}")
        return "\n".join(lines)


def judge(rule: Any, kind: Kind, index: int, example: Any, report: Report) -> ExampleResult:
    """The verdict on one example from its report."""
    fired = [Found.of(f) for f in report.findings if f.rule == rule.id]
    others = [Found.of(f) for f in report.findings if f.rule != rule.id]
    passed = report.error is None and (bool(fired) if kind == "bad" else not fired)
    return ExampleResult(rule=rule.id, name=rule.name, kind=kind, index=index, text=example.text,
                         in_reply_to=example.in_reply_to, passed=passed, fired=fired, others=others, error=report.error)


@dataclass(frozen=True)
class Case:
    """One example of one rule."""

    rule: Any
    kind: Kind
    index: int
    example: Any

    @property
    def id(self) -> str:
        return f"{self.rule.id}-{self.rule.name}-{self.kind}{self.index}"


def cases(rules: Iterable[Any]) -> list[Case]:
    return [
        Case(rule, kind, i, ex)
        for rule in rules
        for kind in ("bad", "good")
        for i, ex in enumerate(getattr(rule.examples, kind))
    ]


class ExampleRunner:
    """Lints examples with the Linter a rule needs: `base` for the rules that are on, and one
    Linter per rule that is off by default, with that rule switched on (made once, on demand)."""

    def __init__(self, rule_paths: Iterable[Any] = (), model: str | None = None, base: Any = None) -> None:
        self.rule_paths = list(rule_paths)
        self.model = model
        self._base = base
        self._opted_in: dict[str, Any] = {}

    def _config(self, **more: Any):
        from .config import Config

        return Config.model_validate({**more, "rule_paths": self.rule_paths, "model": self.model})

    def linter_for(self, rule: Any):
        from .linter import Linter

        needs = getattr(rule, "example_config", None)
        if needs:  # a built-in rule: its examples mean something only with this configuration
            if rule.id not in self._opted_in:
                extra = {"rules": {rule.id: {"enabled": True}}} if not rule.enabled else {}
                self._opted_in[rule.id] = Linter(self._config(**needs, **extra))
            return self._opted_in[rule.id]
        if rule.enabled:
            if self._base is None:
                self._base = Linter(self._config())
            return self._base
        if rule.id not in self._opted_in:
            self._opted_in[rule.id] = Linter(self._config(rules={rule.id: {"enabled": True}}))
        return self._opted_in[rule.id]

    def check(self, case: Case) -> ExampleResult:
        ex = case.example
        report = next(self.linter_for(case.rule).lint_many([(ex.text, ex.in_reply_to)]))
        return judge(case.rule, case.kind, case.index, ex, report)

    def run(self, selected: Iterable[Case]) -> Iterator[ExampleResult]:
        """Every case's result, in order; the examples that share a Linter are linted as one
        batch (spaCy's nlp.pipe), which gives the same reports as one at a time."""
        selected = list(selected)
        groups: dict[int, list[int]] = {}
        linters: dict[int, Any] = {}
        for n, case in enumerate(selected):
            linter = self.linter_for(case.rule)
            linters[id(linter)] = linter
            groups.setdefault(id(linter), []).append(n)
        results: dict[int, ExampleResult] = {}
        for key, members in groups.items():
            items = [(selected[n].example.text, selected[n].example.in_reply_to) for n in members]
            for n, report in zip(members, linters[key].lint_many(items)):
                c = selected[n]
                results[n] = judge(c.rule, c.kind, c.index, c.example, report)
        for n in range(len(selected)):
            yield results[n]
