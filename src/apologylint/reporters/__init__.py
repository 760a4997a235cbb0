"""Turning reports into output: compiler-style text for editors and CI, JSON Lines for programs,
SARIF for code-scanning dashboards, GitHub annotations, GitLab Code Quality, JUnit XML, and rule
statistics. One module per format; `make` builds the reporter the command line asked for.

`text`, `json_line`, `summary` and `reading` keep their old names here (callers import them as
`reporters.text` and so on).
"""
from __future__ import annotations

from typing import IO, Any, Iterable

from .base import Linted, Region, Reporter, fingerprints, relative_path
from .jsonl import json_line
from .plain import TextReporter, reading, recovery, snippet, summary, text

#: the values of `--format`; `json` is the older name of `jsonl` (identical output)
FORMATS = ("text", "json", "jsonl", "sarif", "github", "gitlab", "junit")

__all__ = [
    "FORMATS", "Linted", "Region", "Reporter", "fingerprints", "json_line", "make", "reading",
    "recovery", "relative_path", "snippet", "summary", "text",
]


def make(fmt: str, out: IO[str], rules: Iterable[Any] = (), *, active: set[str] | None = None,
         statistics: bool = False, colour: bool = False, show_suggestions: bool = False, full: bool = False,
         explain_reading: bool = False, quiet: bool = False, recovery: bool = False) -> Reporter:
    """The reporter for `--format fmt` (and `--statistics`), writing to `out`."""
    if statistics:
        from .stats import StatisticsReporter

        if fmt not in ("text", "json", "jsonl"):
            raise ValueError(f"--statistics prints a table (text) or a JSON array (json, jsonl), not {fmt}")
        return StatisticsReporter(out, rules, as_json=fmt != "text")
    if fmt == "text":
        return TextReporter(out, rules, colour=colour, show_suggestions=show_suggestions, full=full,
                            explain_reading=explain_reading, quiet=quiet, recovery=recovery)
    if fmt in ("json", "jsonl"):
        from .jsonl import JsonLinesReporter

        return JsonLinesReporter(out, rules)
    if fmt == "sarif":
        from .sarif import SarifReporter

        return SarifReporter(out, rules, active=active)
    if fmt == "github":
        from .github import GithubReporter

        return GithubReporter(out, rules)
    if fmt == "gitlab":
        from .gitlab import GitlabReporter

        return GitlabReporter(out, rules)
    if fmt == "junit":
        from .junit import JunitReporter

        return JunitReporter(out, rules)
    raise ValueError(f"unknown format '{fmt}' (choose from {', '.join(FORMATS)})")
