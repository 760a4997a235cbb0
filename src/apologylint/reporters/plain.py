"""The text format: compiler-style lines for editors and CI (concise), optionally with the
offending line and a caret run under the span (full, ruff's `--output-format full`), the summary
line and the `--explain-reading` dump."""
from __future__ import annotations

import re
import unicodedata
from typing import IO

from ..models import Report, Severity
from .base import Linted, Reporter

_COLOURS = {Severity.error: "\033[31m", Severity.warning: "\033[33m", Severity.info: "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def text(report: Report, out: IO[str], colour: bool = False, show_suggestions: bool = False, source: Linted | None = None) -> None:
    """`path:line:col: RULE severity message`, one finding a line; with `source` (the linted text
    the offsets index), the full style: the span's line(s) under each finding, carets beneath."""
    path = report.path or "<text>"
    if report.error is not None:
        out.write(f"{path}: not linted: {report.error}\n")
    for f in report.findings:
        if colour:
            sev = f"{_COLOURS[f.severity]}{f.severity}{_RESET}"
            out.write(f"{_BOLD}{path}:{f.line}:{f.column}:{_RESET} {_BOLD}{f.rule}{_RESET} {sev} {f.message}\n")
        else:
            out.write(f"{path}:{f.line}:{f.column}: {f.rule} {f.severity} {f.message}\n")
        if source is not None and source.text is not None:
            for row in snippet(source.text, f.start, f.end, colour=_COLOURS[f.severity] if colour else None, line_of=_file_lines(source)):
                out.write(row + "\n")
        if show_suggestions and f.suggestion:
            out.write(f"    {_DIM if colour else ''}suggestion: {f.suggestion}{_RESET if colour else ''}\n")


def summary(reports: list[Report], errors: int, out: IO[str]) -> None:
    counts = {s: 0 for s in Severity}
    for r in reports:
        for f in r.findings:
            counts[f.severity] += 1
    total = sum(counts.values())
    parts = ", ".join(f"{n} {s}" for s, n in reversed(list(counts.items())) if n)
    msgs = f"{len(reports)} message{'s' if len(reports) != 1 else ''}"
    line = f"Found {total} finding{'s' if total != 1 else ''} ({parts}) in {msgs}." if total else f"No findings in {msgs}."
    if errors:
        line += f" {errors} input{'s' if errors != 1 else ''} could not be read."
    out.write(line + "\n")


def reading(report: Report, out: IO[str]) -> None:
    """The reading behind the findings: the customer's message, then each sentence and its moves,
    so a user sees why a finding fired or did not (`--explain-reading`)."""
    path = report.path or "<text>"
    out.write(f"{path}: reading\n")
    c = report.customer
    if c is None:
        out.write("  customer: no message given (the problem is judged from the reply)\n")
    else:
        how = "by its words" if c.kind_by == "words" else f"by the kind model, p={c.kind_probability:.2f}"
        why = "; ".join(e.split(":", 1)[-1] for e in c.kind_evidence)
        out.write(f"  customer: {c.kind} ({how}{': ' + why if why else ''}), severity {c.severity}\n")
        if c.failures:
            out.write(f"    what failed: {', '.join(dict.fromkeys(e.kind for e in c.failures))}\n")
        for group in (c.claims, c.questions, c.stakes, c.cues, c.promises, c.own_slips):
            for e in group:
                out.write(f"    {e.kind}: {' '.join(e.text.split())!r}\n")
    out.write(f"  reply answers a problem: {'yes' if report.problem else 'no'}\n")
    for sent in report.moves:
        text = " ".join(sent.text.split())
        out.write(f"  {text!r}\n")
        if not sent.moves:
            out.write("    (no move)\n")
        for m in sent.moves:
            detail = ", ".join(f"{k}: {v}" for k, v in m.detail.items() if v not in ("", "false"))
            out.write(f"    {m.kind}: {' '.join(m.excerpt.split())!r}{' (' + detail + ')' if detail else ''}\n")


# -- the full style: the line and a caret run under the span ------------------------------------

#: the widest a shown line gets (in terminal columns) before it is cut around the span
WIDTH = 100
#: columns of the line kept before the span when a long line is cut
LEAD = 24
#: a span over more lines than this shows its first and last lines with "..." between
MAX_LINES = 4
TAB = 4
_LINE_END = re.compile(r"\r\n|\r|\n")


def _cells(line: str) -> list[tuple[str, int]]:
    """Each character as (what to print, how many terminal columns it takes): tabs expand to the
    next stop, wide (CJK, emoji) characters take two, combining marks and invisible format and
    control characters (zero-width spaces, bidi marks) are not printed, so the carets line up
    with what the terminal shows."""
    cells = []
    col = 0
    for ch in line:
        if ch == "\t":
            w = TAB - col % TAB
            cells.append((" " * w, w))
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            cells.append(("", 0))
        elif unicodedata.combining(ch):
            cells.append((ch, 0))
        else:
            w = 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
            cells.append((ch, w))
        col += cells[-1][1]
    return cells


def _render_line(line: str, lo: int, hi: int, keep_start: bool) -> tuple[str, str]:
    """The line as shown and the caret row beneath it, for the span line[lo:hi] (hi == lo: one
    caret at lo). A line wider than WIDTH is cut to a window around the span ("…" marks a cut);
    `keep_start` keeps the span's start in view (the first line of a span), else its end."""
    cells = _cells(line)
    starts = [0]
    for _, w in cells:
        starts.append(starts[-1] + w)
    total = starts[-1]
    c0, c1 = starts[lo], starts[hi]
    if c1 <= c0:  # an empty span, or one of invisible characters only: one caret where it is
        c1 = c0 + 1
    left, right = 0, max(total, c1)
    if right > WIDTH:
        if keep_start:
            left = max(0, c0 - LEAD)
        else:
            left = max(0, c1 - WIDTH + LEAD)
        right = min(max(total, c1), left + WIDTH)
        left = max(0, min(left, right - WIDTH))
    shown = "".join(ch for (ch, w), s in zip(cells, starts) if s >= left and s + w <= right)
    pre = "…" if left > 0 else ""
    post = "…" if right < total else ""
    a, b = max(c0, left), min(c1, right)
    carets = " " * (len(pre) + a - left) + "^" * max(1, b - a)
    return pre + shown + post, carets


def _file_lines(source: Linted):
    """The gutter's numbers: a plain file's own lines; an email's file lines where the body maps
    line for line (7bit, 8bit, quoted-printable), none where it does not (base64, HTML)."""
    if source.origin is None:
        return None
    if not source.origin.locator.exact:
        return lambda offset: None
    return lambda offset: source.origin.position(offset)[0]


def snippet(text: str, start: int, end: int, numbered: bool = True, colour: str | None = None, line_of=None) -> list[str]:
    """The rows that show text[start:end] in place, ruff-style:

        |
      3 | Unfortunately the courier lost your parcel, so ...
        |               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^
        |

    Every line the span touches gets its carets; a span over more than MAX_LINES lines shows the
    first two and the last, with "..." for the rest. `numbered` puts line numbers in the gutter:
    those of `text`, or `line_of(offset of the line's start)` when given (None: no number)."""
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    bounds = []  # (line number, line start, line end without its break)
    pos = 0
    for n, m in enumerate(_LINE_END.finditer(text), 1):
        bounds.append((n, pos, m.start()))
        pos = m.end()
    bounds.append((len(bounds) + 1, pos, len(text)))
    touched = [b for b in bounds if b[1] <= start <= b[2] or (start < b[1] < end)]
    if not touched:
        return []
    first = touched[0]
    rows_for: list[tuple[int, int, int] | None] = list(touched)
    if len(touched) > MAX_LINES:
        rows_for = [touched[0], touched[1], None, touched[-1]]
    def number(b: tuple[int, int, int]) -> str:
        if not numbered:
            return ""
        n = b[0] if line_of is None else line_of(b[1])
        return "" if n is None else str(n)

    width = max([1] + [len(number(b)) for b in touched])
    bar = " " * width + " |"
    rows = [bar]
    for b in rows_for:
        if b is None:
            rows.append(" " * width + " ...")
            continue
        n, ls, le = b
        line = text[ls:le]
        lo = max(start, ls) - ls
        hi = min(end, le) - ls
        if hi < lo:
            hi = lo
        if end > start and hi == lo and b is not first:
            continue  # the span ends at this line's start: nothing of it is on the line
        shown, carets = _render_line(line, lo, hi, keep_start=b is first)
        gutter = number(b).rjust(width)
        rows.append(f"{gutter} | {shown}".rstrip())
        rows.append(f"{bar} {colour}{carets}{_RESET}" if colour else f"{bar} {carets}")
    rows.append(bar)
    return rows


def recovery(report: Report, out: IO[str]) -> None:
    """The recovery checklist under a message's findings (`--recovery`): the score and its band,
    then each component the situation calls for, found or missing, and the points taken off."""
    from ..recovery import COMPONENTS, band

    rec = report.recovery
    if rec is None:
        return
    path = report.path or "<text>"
    out.write(f"{path}: recovery {rec.score}/100 ({band(rec.score)}), severity {rec.severity}\n")
    found = {c.name: c for c in rec.components}
    called = {n for e in rec.called_for for n in e.split("|")}
    for entry in rec.called_for:
        c = next((found[n] for n in entry.split("|") if n in found), None)
        if c is not None:
            out.write(f"  [x] {entry}: {' '.join(c.evidence[0].excerpt.split())!r}\n")
        else:
            out.write(f"  [ ] {entry}\n")
    for name in COMPONENTS:
        if name in found and name not in called:
            out.write(f"  (+) {name}: not called for at this severity\n")
    for cat in rec.penalties:
        out.write(f"  (-) {cat} in the reply takes points off\n")


class TextReporter(Reporter):
    """The default format: concise lines, or the full style with the span shown; the summary
    line at the end unless `quiet`."""

    def __init__(self, out: IO[str], rules=(), colour: bool = False, show_suggestions: bool = False,
                 full: bool = False, explain_reading: bool = False, quiet: bool = False, recovery: bool = False) -> None:
        super().__init__(out, rules)
        self.colour, self.show_suggestions, self.full = colour, show_suggestions, full
        self.explain_reading, self.quiet, self.recovery = explain_reading, quiet, recovery

    def add(self, item: Linted) -> None:
        super().add(item)
        if self.explain_reading:
            reading(item.report, self.out)
        text(item.report, self.out, colour=self.colour, show_suggestions=self.show_suggestions, source=item if self.full else None)
        if self.recovery and item.report.error is None:
            recovery(item.report, self.out)

    def finish(self) -> None:
        if not self.quiet and self.items:
            summary([i.report for i in self.items], len(self.unreadables), self.out)
