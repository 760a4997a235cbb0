"""What every output format needs besides the report: where each finding starts and ends in the
file the user gave, a path a CI system can resolve, and a fingerprint that survives edits.

A `Finding` carries the line and column of its start (relocated into the `.eml` for email) and the
character offsets of its span in the linted text. Machine formats also want the end, and for an
email the end has to go through the same map as the start (`mail.Origin.position`), so the
reporters get the `Message` the report came from, wrapped with the report as a `Linted`.
"""
from __future__ import annotations

import hashlib
import os
import pathlib
from dataclasses import dataclass, field
from typing import IO, Any, Iterable

from ..models import Finding, Report, Severity
from ..text import LineIndex

#: what standard input is called in reports (inputs.read names it so)
STDIN = "<stdin>"


@dataclass(frozen=True)
class Region:
    """A finding's span in the file: 1-based lines and columns (columns count characters, as the
    text output's do), the end column exclusive, as SARIF and editors count it. `start_column`
    and `end_column` are None when only the line is known (an HTML body, a base64 email part)."""

    start_line: int
    start_column: int | None
    end_line: int
    end_column: int | None

    @property
    def exact(self) -> bool:
        return self.start_column is not None


@dataclass
class Linted:
    """One report with what positions its findings need: the text that was linted (offsets index
    it) and, for email and HTML, the `Origin` that maps those offsets into the file."""

    report: Report
    text: str | None = None
    origin: Any = None
    _index: LineIndex | None = field(default=None, init=False, repr=False)

    @classmethod
    def of(cls, message: Any, report: Report) -> "Linted":
        """From the `Message` that was read and its (relocated) report."""
        return cls(report=report, text=message.text, origin=message.origin)

    @property
    def path(self) -> str:
        return self.report.path or "<text>"

    @property
    def plain(self) -> bool:
        """A plain-text input: the linted text is the file, offset for offset (fixes apply)."""
        return self.origin is None and self.text is not None

    def _position(self, offset: int) -> tuple[int, int]:
        if self._index is None:
            self._index = LineIndex(self.text or "")
        return self._index.position(max(0, min(offset, len(self.text or ""))))

    def region(self, start: int, end: int, line: int | None = None, column: int | None = None) -> Region:
        """The file region of text[start:end]; `line`/`column`, when given, are the start as the
        finding already states it (they win, so every format agrees with the text output)."""
        if self.origin is not None:
            if not self.origin.locator.exact:
                first = line if line is not None else self.origin.position(start)[0]
                return Region(first, None, first, None)
            sl, sc = (line, column) if line is not None and column is not None else self.origin.position(start)
            el, ec = self.origin.position(end)
            return Region(sl, sc, el, ec)
        if self.text is None:  # a bare report (API use): the start as stated, the end from the excerpt
            sl, sc = line or 1, column or 1
            return Region(sl, sc, sl, sc + max(0, end - start))
        sl, sc = (line, column) if line is not None and column is not None else self._position(start)
        el, ec = self._position(end)
        return Region(sl, sc, el, ec)

    def finding_region(self, f: Finding) -> Region:
        return self.region(f.start, f.end, f.line, f.column)


def relative_path(path: str) -> str:
    """The path as a CI system resolves it against the checkout: relative to the working
    directory when it lies under it, with forward slashes; otherwise as given."""
    if path == STDIN or path == "<text>":
        return path
    p = pathlib.Path(path)
    if p.is_absolute():
        try:
            p = p.resolve().relative_to(pathlib.Path.cwd().resolve())
        except (ValueError, OSError):
            return p.as_posix()
    return pathlib.PurePath(os.path.normpath(p)).as_posix()


def fingerprints(linted: Linted) -> list[str]:
    """A stable id per finding: hash of the relative path, the rule, the span's text and which
    occurrence of that (rule, text) in the file it is. Moving the text to another line keeps it;
    editing the flagged words changes it, as it should (it is then another finding)."""
    seen: dict[tuple[str, str], int] = {}
    out = []
    path = relative_path(linted.path)
    for f in linted.report.findings:
        key = (f.rule, f.excerpt)
        n = seen.get(key, 0)
        seen[key] = n + 1
        out.append(hashlib.sha256("\0".join((path, f.rule, f.excerpt, str(n))).encode("utf-8", "surrogatepass")).hexdigest())
    return out


def failing(report: Report) -> list[Finding]:
    """The findings at or above the report's failing severity (`--fail-on`)."""
    return [f for f in report.findings if f.severity.rank >= report.fail_on.rank]


SEVERITY_ORDER = (Severity.error, Severity.warning, Severity.info)


class Reporter:
    """An output format: `add` each report as it is linted, `unreadable` for each input that
    could not be read, `finish` once at the end. Streaming formats write in `add`; formats that
    are one document for the run (SARIF, JUnit, GitLab) write in `finish`."""

    def __init__(self, out: IO[str], rules: Iterable[Any] = ()) -> None:
        self.out = out
        self.rules = list(rules)
        self.items: list[Linted] = []
        self.unreadables: list[tuple[str, str]] = []

    def add(self, item: Linted) -> None:
        self.items.append(item)

    def unreadable(self, path: str, message: str) -> None:
        """An input that could not be read (its one line is already on stderr)."""
        self.unreadables.append((path, message))

    def finish(self) -> None:
        pass
