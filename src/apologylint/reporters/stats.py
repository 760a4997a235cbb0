"""`--statistics`: how often each rule fired over the run, most frequent first, as ruff's
`--statistics` prints it (count, code, `[*]` when some of its findings have a safe fix, name), or
as a JSON array with `--format json`/`jsonl`. It replaces the per-finding output: it is for
deciding which rules to tune or switch off across a folder of canned responses."""
from __future__ import annotations

import json
from collections import Counter
from typing import IO

from pydantic import BaseModel

from .base import Linted, Reporter


class RuleCount(BaseModel):
    id: str
    name: str
    count: int
    fixable: int = 0


def counts(items: list[Linted]) -> list[RuleCount]:
    n: Counter[str] = Counter()
    fixable: Counter[str] = Counter()
    names: dict[str, str] = {}
    for item in items:
        for f in item.report.findings:
            n[f.rule] += 1
            names[f.rule] = f.name
            if f.fix is not None and f.fix.applicability == "safe":
                fixable[f.rule] += 1
    return [RuleCount(id=r, name=names[r], count=c, fixable=fixable[r]) for r, c in sorted(n.items(), key=lambda kv: (-kv[1], kv[0]))]


def table(rows: list[RuleCount], out: IO[str]) -> None:
    if not rows:
        return
    w_count = max(len(str(r.count)) for r in rows)
    w_id = max(len(r.id) for r in rows)
    any_fixable = any(r.fixable for r in rows)
    for r in rows:
        mark = ("[*] " if r.fixable else "    ") if any_fixable else ""
        out.write(f"{str(r.count).rjust(w_count)}\t{r.id.ljust(w_id)}\t{mark}{r.name}\n")


class StatisticsReporter(Reporter):
    def __init__(self, out, rules=(), as_json: bool = False) -> None:
        super().__init__(out, rules)
        self.as_json = as_json

    def finish(self) -> None:
        rows = counts(self.items)
        if self.as_json:
            self.out.write(json.dumps([r.model_dump() for r in rows], indent=2) + "\n")
        else:
            table(rows, self.out)
