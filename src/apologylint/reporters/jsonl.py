"""JSON Lines: one object per message, `report.model_dump_json()`, a line each.

This is the stable format for programs that read reports back (a batch job, a Dask bag of
`json.loads`): one line per input, in input order, the fields of `apologylint.models.Report` (and
for an email the `source` of `EmailReport`). `--format json` is the same output under its older
name.
"""
from __future__ import annotations

from typing import IO

from ..models import Report
from .base import Linted, Reporter


def json_line(report: Report, out: IO[str]) -> None:
    """One JSON object per message: exactly `report.model_dump_json()`."""
    out.write(report.model_dump_json() + "\n")


class JsonLinesReporter(Reporter):
    def add(self, item: Linted) -> None:
        super().add(item)
        json_line(item.report, self.out)
