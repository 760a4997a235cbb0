"""Turning reports into output: compiler-style text for editors and CI, JSON for programs."""
from __future__ import annotations

from typing import IO

from .models import Report, Severity

_COLOURS = {Severity.error: "\033[31m", Severity.warning: "\033[33m", Severity.info: "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def text(report: Report, out: IO[str], colour: bool = False, show_suggestions: bool = False) -> None:
    """`path:line:col: RULE severity message`, one finding a line."""
    path = report.path or "<text>"
    if report.error is not None:
        out.write(f"{path}: not linted: {report.error}\n")
    for f in report.findings:
        if colour:
            sev = f"{_COLOURS[f.severity]}{f.severity}{_RESET}"
            out.write(f"{_BOLD}{path}:{f.line}:{f.column}:{_RESET} {_BOLD}{f.rule}{_RESET} {sev} {f.message}\n")
        else:
            out.write(f"{path}:{f.line}:{f.column}: {f.rule} {f.severity} {f.message}\n")
        if show_suggestions and f.suggestion:
            out.write(f"    {_DIM if colour else ''}suggestion: {f.suggestion}{_RESET if colour else ''}\n")


def json_line(report: Report, out: IO[str]) -> None:
    """One JSON object per message: exactly `report.model_dump_json()`."""
    out.write(report.model_dump_json() + "\n")


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
        for group in (c.claims, c.questions, c.stakes, c.cues):
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
