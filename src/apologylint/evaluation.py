"""Scoring the linter on labelled messages: the corpora tests and `apologylint eval` share this."""
from __future__ import annotations

import json
import pathlib
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .models import CORE_CATEGORIES


class Item(BaseModel):
    """One labelled message: the reply, the customer's message, the categories it should get."""

    model_config = ConfigDict(extra="allow")
    id: str = ""
    text: str
    in_reply_to: str | None = None
    expected: list[str] = Field(default_factory=list)


def load_items(path: str | pathlib.Path) -> list[Item]:
    """The labelled messages of one JSONL file; a ValueError (one line, naming the file and the
    line) for a file that is not a regular UTF-8 file of JSON objects. Of any size (a corpus is
    not configuration), but never a FIFO or a device."""
    from .safeload import regular_file

    regular_file(path, limit=None)  # a FIFO or /dev/zero would block or never end
    data = pathlib.Path(path).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValueError(f"{path}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x})") from None
    items = []
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{n}: not JSON: {exc.msg}") from None
        except RecursionError:
            raise ValueError(f"{path}:{n}: nested too deeply") from None
        if not isinstance(raw, dict):
            raise ValueError(f"{path}:{n}: expected a JSON object such as {{\"text\": ..., \"expected\": [...]}}, not {type(raw).__name__}")
        if "reply" in raw:  # the rubric's format: booleans per category
            raw = {
                "id": str(raw.get("id", n)),
                "text": raw["reply"],
                "in_reply_to": raw.get("customer") or None,
                "expected": [c for c in CORE_CATEGORIES if raw.get(c.replace("-", "_"))],
            }
        raw.setdefault("id", f"{pathlib.Path(path).name}:{n}")
        try:
            items.append(Item.model_validate(raw))
        except ValidationError as exc:
            err = exc.errors()[0]
            raise ValueError(f"{path}:{n}: {'.'.join(map(str, err['loc'])) or '(line)'}: {err['msg']}") from None
    return items


@dataclass
class Scores:
    counts: dict[str, dict[str, int]]
    errors: dict[str, list[tuple[str, Item]]] = field(default_factory=dict)
    skipped: list[tuple[Item, str]] = field(default_factory=list)  # items that could not be linted, with why

    @classmethod
    def merge(cls, parts: list["Scores"]) -> "Scores":
        """The scores of several runs (files scored with different configurations) as one."""
        if len(parts) == 1:
            return parts[0]
        counts: dict[str, dict[str, int]] = {}
        errors: dict[str, list[tuple[str, Item]]] = {}
        skipped: list[tuple[Item, str]] = []
        for part in parts:
            for cat, c in part.counts.items():
                total = counts.setdefault(cat, {k: 0 for k in c})
                for k, v in c.items():
                    total[k] = total.get(k, 0) + v
            for cat, errs in part.errors.items():
                errors.setdefault(cat, []).extend(errs)
            skipped.extend(part.skipped)
        return cls(counts, errors, skipped)

    def prf(self, cat: str) -> tuple[float, float, float]:
        c = self.counts[cat]
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f

    def table(self) -> dict[str, dict[str, float]]:
        out = {}
        for cat, c in self.counts.items():
            p, r, f = self.prf(cat)
            out[cat] = {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), **c}
        return out

    def format(self) -> str:
        lines = [f"{'category':<20}{'support':>8}{'tp':>5}{'fp':>5}{'fn':>5}{'precision':>11}{'recall':>8}{'f1':>7}"]
        for cat, c in self.counts.items():
            p, r, f = self.prf(cat)
            if not c["support"] and not c["fp"]:  # nothing to find and nothing found: no score to give
                lines.append(f"{cat:<20}{0:>8}{0:>5}{0:>5}{0:>5}{'n/a':>11}{'n/a':>8}{'n/a':>7}")
                continue
            lines.append(f"{cat:<20}{c['support']:>8}{c['tp']:>5}{c['fp']:>5}{c['fn']:>5}{p:>11.2f}{r:>8.2f}{f:>7.2f}")
        return "\n".join(lines)


def score(linter, items: list[Item], categories: tuple[str, ...] = CORE_CATEGORIES) -> Scores:
    counts = {c: {"support": 0, "tp": 0, "fp": 0, "fn": 0} for c in categories}
    errors: dict[str, list[tuple[str, Item]]] = {c: [] for c in categories}
    reports = linter.lint_many((it.text, it.in_reply_to) for it in items)
    skipped: list[tuple[Item, str]] = []
    for item, report in zip(items, reports):
        if report.error is not None:
            skipped.append((item, report.error))  # not linted: neither a hit nor a miss
            continue
        got = report.categories
        for cat in categories:
            want, have = cat in item.expected, cat in got
            c = counts[cat]
            c["support"] += want
            if want and have:
                c["tp"] += 1
            elif have:
                c["fp"] += 1
                errors[cat].append(("FALSE ALARM", item))
            elif want:
                c["fn"] += 1
                errors[cat].append(("MISSED", item))
    return Scores(counts, errors, skipped)
