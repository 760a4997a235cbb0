"""GitLab Code Quality: one JSON array for the run, an issue per finding, which GitLab shows in
merge requests when a CI job declares it as `artifacts: reports: codequality`.

Severities map error -> major, warning -> minor, info -> info (GitLab's scale is info, minor,
major, critical, blocker); an input that could not be linted is `critical`. Each issue's
`fingerprint` is stable across runs while the flagged words stay (see `base.fingerprints`), which
is how GitLab tells new issues from fixed ones.
"""
from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import BaseModel, Field

from .base import Linted, Reporter, fingerprints, relative_path

SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}


class Lines(BaseModel):
    begin: int = Field(ge=1)
    end: int = Field(ge=1)


class Position(BaseModel):
    line: int = Field(ge=1)
    column: int = Field(ge=1)


class Positions(BaseModel):
    begin: Position
    end: Position


class IssueLocation(BaseModel):
    path: str
    lines: Lines
    positions: Positions | None = None


class Issue(BaseModel):
    """One Code Quality issue (the Code Climate subset GitLab reads)."""

    type: Literal["issue"] = "issue"
    description: str
    check_name: str
    fingerprint: str
    severity: Literal["info", "minor", "major", "critical", "blocker"]
    categories: list[str] = Field(default_factory=lambda: ["Style"])
    location: IssueLocation


def issues(item: Linted) -> list[Issue]:
    path = relative_path(item.path)
    out = []
    if item.report.error is not None:
        out.append(_problem(path, f"not linted: {item.report.error}"))
    for f, fp in zip(item.report.findings, fingerprints(item)):
        r = item.finding_region(f)
        positions = None
        if r.exact:
            positions = Positions(begin=Position(line=r.start_line, column=r.start_column), end=Position(line=r.end_line, column=r.end_column))
        out.append(Issue(
            description=f"{f.rule} ({f.name}): {f.message}",
            check_name=f.rule,
            fingerprint=fp,
            severity=SEVERITIES[f.severity.value],
            location=IssueLocation(path=path, lines=Lines(begin=r.start_line, end=max(r.start_line, r.end_line)), positions=positions),
        ))
    return out


def _problem(path: str, message: str) -> Issue:
    fp = hashlib.sha256(f"{path}\0not-linted".encode("utf-8", "surrogatepass")).hexdigest()
    return Issue(description=message, check_name="not-linted", fingerprint=fp, severity="critical",
                 location=IssueLocation(path=path, lines=Lines(begin=1, end=1)))


class GitlabReporter(Reporter):
    def finish(self) -> None:
        import json

        everything = [i for item in self.items for i in issues(item)]
        everything += [_problem(relative_path(path), message) for path, message in self.unreadables]
        self.out.write(json.dumps([i.model_dump(exclude_none=True) for i in everything], indent=2, ensure_ascii=False) + "\n")
