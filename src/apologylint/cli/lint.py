"""The default command: lint FILE... or - (stdin)."""
from __future__ import annotations

import argparse
import os
import sys

from .common import Unreadable, add_config_options, make_linter, read_or_report


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="*", metavar="FILE", help="reply drafts to lint (.txt, .md, .eml, .html); - reads standard input (text or a MIME message)")
    parser.add_argument("--in-reply-to", metavar="FILE", help="the customer's message the drafts answer")
    parser.add_argument("--format", choices=["text", "json"], default="text", help="output format (json: one report per line)")
    parser.add_argument("--color", choices=["auto", "always", "never"], default="auto", help="colour the text output (auto: on a terminal)")
    parser.add_argument("--show-suggestions", action="store_true", help="print each finding's suggestion under it")
    parser.add_argument("--explain-reading", action="store_true", help="before the findings, print how each sentence was read: its moves (apology, explanation and whose cause, refusal, commitment, ...) and the customer's message (kind, claims, severity)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no summary line")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    add_config_options(parser)


def run(args: argparse.Namespace) -> int:
    from .. import __version__, reporters
    from ..inputs import InputError, read

    if args.version:
        print(f"apologylint {__version__}")
        return 0
    if not args.files:
        print("apologylint: no input files (give FILE... or - for standard input; --help for usage)", file=sys.stderr)
        return 2
    try:
        context = read_or_report(args.in_reply_to, "apologylint", "--in-reply-to ") if args.in_reply_to else None
    except Unreadable:
        return 2
    linter = make_linter(args)
    if linter is None:
        return 2

    bad_inputs = 0
    messages = []
    for path in args.files:
        try:
            messages.append(read(path))
        except InputError as exc:
            print(f"apologylint: {exc}", file=sys.stderr)
            bad_inputs += 1
    colour = args.color == "always" or (args.color == "auto" and sys.stdout.isatty() and not os.environ.get("NO_COLOR"))
    reports = []
    for msg, report in zip(messages, linter.lint_many((m.text, context if context is not None else m.in_reply_to) for m in messages)):
        report = msg.relocate(report)  # emails: line/column in the .eml, quoted message as context
        report.path = msg.path
        reports.append(report)
        if args.format == "json":
            reporters.json_line(report, sys.stdout)
        else:
            if args.explain_reading:
                reporters.reading(report, sys.stdout)
            reporters.text(report, sys.stdout, colour=colour, show_suggestions=args.show_suggestions)
    if args.format == "text" and not args.quiet and reports:
        reporters.summary(reports, bad_inputs, sys.stderr if not reports else sys.stdout)
    if bad_inputs:
        return 2
    return 1 if any(not r.ok for r in reports) else 0
