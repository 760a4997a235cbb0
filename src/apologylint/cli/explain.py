"""`apologylint explain RULE`: the rule's documentation, in ruff's four sections."""
from __future__ import annotations

import argparse
import sys
import textwrap

from .rules import load


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rule", metavar="RULE", help="rule id (AL101) or name (too-many-apologies)")
    parser.add_argument("--rules", dest="rule_paths", action="append", metavar="PATH", help="include a rule pack")


def render(rule) -> str:
    def examples(items) -> str:
        out = []
        for ex in items:
            if ex.in_reply_to:
                out.append(f"    (customer) {ex.in_reply_to}")
            # each line of the example as written (a suppression comment is a line of its own)
            out.extend(textwrap.indent(textwrap.fill(line, 92), "    ") for line in ex.text.splitlines() if line.strip())
            out.append("")
        return "\n".join(out).rstrip()

    what = rule.message.replace(": '{match}'", "").replace("'{match}'", "...").format_map(
        {"count": "N", "max": "the limit", "value": "N", "density": "N"})
    parts = [
        f"{rule.name} ({rule.id})",
        f"Category: {rule.category} · Severity: {rule.severity.value} · Kind: {rule.kind}",
        "",
        "## What it does",
        textwrap.fill(what, 96),
        "",
        "## Why is this bad?",
        textwrap.fill(" ".join(rule.rationale.split()), 96),
        "",
        "## Example",
        examples(rule.examples.bad),
        "",
        "## Use instead",
        examples(rule.examples.good),
    ]
    if rule.suggestion:
        parts += ["", "## Suggestion", textwrap.fill(rule.suggestion, 96)]
    if rule.fix is not None:
        how = "applied by --fix" if rule.fix.applicability == "safe" else "applied by --fix --unsafe-fixes" if rule.fix.applicability == "unsafe" else "shown, never applied"
        parts += ["", "## Fix", f"{rule.fix.message} ({rule.fix.action}, {rule.fix.applicability}: {how})"]
    return "\n".join(parts)


def run(args: argparse.Namespace) -> int:
    rules = load(args.rule_paths)
    if rules is None:
        return 2
    wanted = args.rule.strip()
    for r in rules:
        if wanted in (r.id, r.name) or wanted.upper() == r.id:
            print(render(r))
            return 0
    print(f"apologylint: no rule '{wanted}' (see `apologylint rules`)", file=sys.stderr)
    return 2
