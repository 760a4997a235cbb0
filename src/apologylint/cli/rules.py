"""`apologylint rules`: every rule, a line each. Loads and validates the rule files (no spaCy)."""
from __future__ import annotations

import argparse
import json
import sys


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rules", dest="rule_paths", action="append", metavar="PATH", help="include a rule pack")
    parser.add_argument("--category", help="only this category")
    parser.add_argument("--format", choices=["text", "json", "markdown"], default="text")


def load(rule_paths: list[str] | None):
    import pathlib

    from ..ruleset import RuleFileError, load_all

    try:
        rules, _ = load_all(tuple(pathlib.Path(p) for p in rule_paths or []))
    except RuleFileError as exc:
        print(f"apologylint: {exc}", file=sys.stderr)
        return None
    return rules


def run(args: argparse.Namespace) -> int:
    rules = load(args.rule_paths)
    if rules is None:
        return 2
    rules = sorted((r for r in rules if not args.category or r.category == args.category), key=lambda r: r.id)
    if args.format == "json":
        print(json.dumps([{"id": r.id, "name": r.name, "category": r.category, "severity": r.severity.value, "kind": r.kind,
                           "pack": r.pack.model_dump(exclude_none=True) if r.pack else None} for r in rules], indent=2))
    elif args.format == "markdown":
        print(markdown_table(rules))
    else:
        w_id = max([8] + [len(r.id) + 2 for r in rules])
        w_name = max([30] + [len(r.name) + 2 for r in rules])
        for r in rules:
            pack = f"  ({r.pack.name} {r.pack.version})" if r.pack else ""
            print(f"{r.id:<{w_id}}{r.name:<{w_name}}{r.category:<20}{r.severity.value}{pack}")
    return 0


def markdown_table(rules) -> str:
    """The README's rule table, generated from the rule files."""
    lines = ["| id | name | category | severity | what it flags |", "|---|---|---|---|---|"]
    for r in rules:
        what = r.message.split(":")[0].replace("{count}", "N").replace("|", "\\|")
        lines.append(f"| {r.id} | {r.name} | {r.category} | {r.severity.value} | {what} |")
    return "\n".join(lines)
