"""`apologylint rewrite FILE`: a balanced version of a flawed draft (or a unified diff against it)."""
from __future__ import annotations

import argparse
import sys

from .common import Unreadable, add_config_options, make_linter, read_or_report


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the draft to rewrite; - reads standard input")
    parser.add_argument("--in-reply-to", metavar="FILE", help="the customer's message the draft answers (helps pick the scenario)")
    parser.add_argument("--diff", action="store_true", help="print a unified diff against the original instead of the rewrite")
    parser.add_argument("--scenario", metavar="NAME", help="the scenario to use (default: inferred from the draft and the customer's message)")
    parser.add_argument("--templates", action="append", default=[], metavar="DIR", help="a folder of templates searched before the shipped ones; repeatable")
    parser.add_argument("-q", "--quiet", action="store_true", help="no notes on standard error (what was dropped, added, left to fill)")
    add_config_options(parser)


def run(args: argparse.Namespace) -> int:
    from ..drafts import DraftError
    from ..inputs import InputError, read

    try:
        original = read(args.file)
    except InputError as exc:
        print(f"apologylint rewrite: {exc}", file=sys.stderr)
        return 2
    try:
        context = read_or_report(args.in_reply_to, "apologylint rewrite") if args.in_reply_to else None
    except Unreadable:
        return 2
    # the draft's nearest configuration (standard input: the working directory's), as the lint
    # command finds it; --config and --isolated as there
    linter = make_linter(args, None if args.file == "-" else args.file)
    if linter is None:
        return 2
    try:
        from ..drafts.rewriter import Rewriter

        templates = [*args.templates, *map(str, linter.config.template_paths)]
        result = Rewriter(linter, templates=templates).rewrite(original.text, context, scenario=args.scenario)
    except DraftError as exc:
        print(f"apologylint rewrite: {exc}", file=sys.stderr)
        return 2
    if args.diff:
        import difflib

        sys.stdout.writelines(difflib.unified_diff(
            _lines(original.text), _lines(result.text), fromfile=original.path, tofile=f"{original.path} (rewritten)"))
    else:
        sys.stdout.write(result.text if result.text.endswith("\n") else result.text + "\n")
    if not args.quiet:
        notes = [f"scenario: {result.scenario}, {result.evidence}" if result.evidence else f"scenario: {result.scenario}"]
        notes += [f"dropped ({d.rule} {d.category}): {d.text}" for d in result.dropped]
        notes += [f"rewrote: {a} -> {b}" for a, b in result.replaced]
        notes += [f"added: {a}" for a in result.added]
        if result.placeholders:
            notes.append("fill in: " + ", ".join(dict.fromkeys(result.placeholders)))
        if not result.changed:
            notes.append("nothing to rewrite")
        for n in notes:
            print(f"apologylint rewrite: {n}", file=sys.stderr)
    return 0


def _lines(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    return lines
