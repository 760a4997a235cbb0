"""The default command: lint FILE... or - (stdin)."""
from __future__ import annotations

import argparse
import sys

from .common import (
    Unreadable, add_config_options, add_server_option, compile_all, lint_in_order, linters_for, read_or_report, run_rules,
)
from .output import add_output_options


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="*", metavar="FILE", help="reply drafts to lint (.txt, .md, .eml, .html); - reads standard input (text or a MIME message)")
    parser.add_argument("--in-reply-to", metavar="FILE", help="the customer's message the drafts answer")
    parser.add_argument("--color", choices=["auto", "always", "never"], default="auto", help="colour the text output (auto: on a terminal)")
    parser.add_argument("--show-suggestions", action="store_true", help="print each finding's suggestion under it")
    parser.add_argument("--recovery", action="store_true", help="under each message's findings, print the recovery checklist: the components its severity calls for, found or missing, and the 0-100 score (JSON always carries it; see `apologylint explain-score`)")
    parser.add_argument("--explain-reading", action="store_true", help="before the findings, print how each sentence was read: its moves (apology, explanation and whose cause, refusal, commitment, ...) and the customer's message (kind, claims, severity)")
    parser.add_argument("--fix", action="store_true", help="apply the safe fixes to plain-text drafts in place (standard input: print the fixed text), then report what is left")
    parser.add_argument("--unsafe-fixes", action="store_true", help="with --fix or --diff, also apply fixes that change what the reply says (cut a reason, drop a sentence)")
    parser.add_argument("--diff", action="store_true", help="print the changes --fix would make as a unified diff, and change nothing (exit 1 if there are any)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no summary line")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument("--show-settings", action="store_true", help="print the settings in force for the first FILE (or the working directory) and the files they came from, and exit (as `apologylint config`)")
    parser.add_argument("--jobs", "-j", type=_jobs, default=1, metavar="N",
                        help="lint in N processes (one linter each; output in input order); default 1")
    add_output_options(parser)
    add_config_options(parser)
    add_server_option(parser)


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"--jobs needs 1 or more, not {value}")
    return value


def run(args: argparse.Namespace) -> int:
    from .. import __version__
    from . import output

    if args.version:
        print(f"apologylint {__version__}")
        return 0
    if args.show_settings:
        from .config import show

        return show(args, args.files[0] if args.files else None)
    if not args.files:
        print("apologylint: no input files (give FILE... or - for standard input; --help for usage)", file=sys.stderr)
        return 2
    if (why := output.problem(args)) is not None:
        print(f"apologylint: {why}", file=sys.stderr)
        return 2
    # a warm `apologylint serve` lints and renders the report when it answers: then neither
    # pydantic, the rules nor the pipeline are loaded here (see cli/remote.py)
    if not (args.fix or args.diff) and args.jobs == 1:
        from . import remote

        code = remote.lint(args)
        if code is not None:
            return code

    from ..inputs import read

    try:
        context = read_or_report(args.in_reply_to, "apologylint", "--in-reply-to ") if args.in_reply_to else None
    except Unreadable:
        return 2
    messages, unreadable = read_inputs(args.files, read, sys.stderr)
    # each file's nearest configuration (or --config / --isolated)
    linters = linters_for(args, messages, compile=False)
    if linters is None:
        return 2
    if args.fix or args.diff:
        return _fix(args, linters, messages, context, len(unreadable)) if compile_all(linters) else 2
    rules = run_rules(args, linters)
    if not compile_all(linters):
        return 2
    linted = lint_in_order(messages, linters, context, jobs=args.jobs)
    with output.destination(args.output) as out:
        return report(args, rules, linted, unreadable, out)


def read_inputs(paths: list[str], read, err) -> tuple[list, list[tuple[str, str]]]:
    """The messages of the inputs that can be read, and (path, why) of those that cannot, each
    of them one line on `err` as it is met."""
    from ..inputs import InputError

    messages, unreadable = [], []
    for path in paths:
        try:
            messages.append(read(path))
        except InputError as exc:
            print(f"apologylint: {exc}", file=err)
            unreadable.append((path, str(exc)))
    return messages, unreadable


def report(args: argparse.Namespace, rules, linted, unreadable: list[tuple[str, str]], out, *,
           seen: tuple[bool, bool] | None = None, reports: list | None = None) -> int:
    """Write the report of a run to `out` and return its exit status. `linted` is (message,
    report) in input order; `rules` what the reporter reads of the linter (SARIF's rule table,
    --statistics); `seen` whether the output goes to a terminal (`output.terminal`). The warm
    server renders through this too, so its output is this output, byte for byte; `reports`
    collects the reports as printed."""
    from .. import reporters
    from . import output

    reports = [] if reports is None else reports
    reporter = output.reporter(args, rules, out, seen=seen)
    for path, why in unreadable:
        reporter.unreadable(path, why)
    for msg, rep in linted:
        rep = msg.relocate(rep)  # emails: line/column in the .eml, quoted message as context
        rep.path = msg.path
        reports.append(rep)
        reporter.add(reporters.Linted.of(msg, rep))
    reporter.finish()
    if unreadable:
        return 2
    return 1 if any(not r.ok for r in reports) else 0


def _fix(args: argparse.Namespace, linters: list, messages: list, context: str | None, bad_inputs: int) -> int:
    """--fix and --diff: only plain text can be written back as it was read; an email or an HTML
    body is reported and left alone."""
    import difflib
    import pathlib

    from .. import reporters
    from ..fixes import fix_and_report

    changed = 0
    remaining = []
    for msg, linter in zip(messages, linters):
        if msg.origin is not None:
            print(f"apologylint: {msg.path}: --fix rewrites plain-text drafts only; an email or HTML file is left unchanged", file=sys.stderr)
            bad_inputs += 1
            continue
        reply_to = context if context is not None else msg.in_reply_to
        new, fixed, report = fix_and_report(_Honouring(linter, msg), msg.text, reply_to, unsafe=args.unsafe_fixes)
        if new != msg.text:
            changed += 1
            if args.diff:
                sys.stdout.writelines(difflib.unified_diff(
                    msg.text.splitlines(keepends=True), new.splitlines(keepends=True), fromfile=msg.path, tofile=msg.path))
                if not new.endswith("\n"):
                    sys.stdout.write("\n")
                continue
            if msg.path == "<stdin>":
                sys.stdout.write(new)
            else:
                path = pathlib.Path(msg.path)
                bom = "\ufeff" if path.read_bytes().startswith(b"\xef\xbb\xbf") else ""
                path.write_text(bom + new, encoding="utf-8", newline="")
            if not args.quiet:
                print(f"{msg.path}: fixed {len(fixed)} ({', '.join(sorted({f.rule for f in fixed}))})", file=sys.stderr)
        if not args.diff:
            report.path = msg.path
            remaining.append(report)
            if msg.path != "<stdin>":
                reporters.text(report, sys.stdout, colour=False, show_suggestions=args.show_suggestions)
    if bad_inputs:
        return 2
    if args.diff:
        return 1 if changed else 0
    return 1 if any(not r.ok for r in remaining) else 0


class _Honouring:
    """The Linter as `fix_and_report` calls it (`lint(text, in_reply_to)`), with the message's
    suppression comments and per-file ignores honoured: a silenced finding is never fixed."""

    def __init__(self, linter, msg) -> None:
        self.linter, self.msg = linter, msg

    def lint(self, text: str, in_reply_to: str | None = None):
        from .common import lint_input

        item = lint_input(self.msg, text=text).model_copy(update={"in_reply_to": in_reply_to})
        return next(self.linter.lint_many([item]))
