"""`apologylint eval FILE.jsonl`: precision, recall and F1 per category on labelled messages.

A line is `{"text": ..., "in_reply_to": ..., "expected": ["excuse", ...]}` (our corpora); lines
with `reply`, `customer` and one boolean per category (the rubric's format) are read too.
"""
from __future__ import annotations

import argparse
import json
import sys

from .common import add_config_options, linters_for


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE.jsonl")
    parser.add_argument("--errors", metavar="CATEGORY", help="print the misses and false alarms of one category")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    add_config_options(parser)


def run(args: argparse.Namespace) -> int:
    from ..evaluation import Scores, load_items, score

    # a file that cannot be read is one line on stderr and exit 2, and the others are still scored
    per_file, status = [], 0
    for f in args.files:
        try:
            per_file.append((f, load_items(f)))
        except (OSError, ValueError) as exc:
            print(f"apologylint: {_one_line(exc, f)}", file=sys.stderr)
            status = 2
    if not any(items for _, items in per_file):
        return 2 if status else _nothing()
    # each file is scored with its nearest configuration, as the lint command lints a file
    # (--config for all, --isolated for none); files of one configuration share a Linter and a batch
    linters = linters_for(args, [_Named(f) for f, _ in per_file])
    if linters is None:
        return 2
    groups: dict[int, tuple[object, list]] = {}
    for linter, (_, items) in zip(linters, per_file):
        groups.setdefault(id(linter), (linter, []))[1].extend(items)
    result = Scores.merge([score(linter, items) for linter, items in groups.values()])
    for item, why in result.skipped:
        print(f"apologylint: {item.id}: not scored: {why}", file=sys.stderr)
        status = 2
    if args.errors:
        for kind, item in result.errors.get(args.errors, []):
            flat = " | ".join(line.strip() for line in item.text.splitlines() if line.strip())
            print(f"{kind}: {item.id}\n  customer: {(item.in_reply_to or '')[:200]}\n  reply:    {flat}\n")
    if args.json:
        print(json.dumps(result.table(), indent=2))
    else:
        print(result.format())
    return status


class _Named:
    """What `linters_for` needs of an input: its path."""

    def __init__(self, path: str) -> None:
        self.path = path


def _one_line(exc: Exception, path: str) -> str:
    msg = " ".join(str(getattr(exc, "strerror", None) or exc).split())
    return msg if msg.startswith(str(path)) else f"{path}: {msg}"


def _nothing() -> int:
    print("apologylint: nothing to score: the files hold no labelled messages", file=sys.stderr)
    return 2
