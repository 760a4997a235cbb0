"""Where the lint command's report goes and in which format (`--format`, `--output`,
`--output-format`, `--statistics`), kept out of cli/lint.py so that the command reads as what it
does: read, lint, report."""
from __future__ import annotations

import argparse
import contextlib
import os
import pathlib
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover  (typing is not imported at run time: a client start-up)
    from typing import IO, Iterator

#: the values of --format (reporters.FORMATS, a test keeps them one list; not imported here so
#: that `--help` loads nothing)
FORMATS = ("text", "json", "jsonl", "sarif", "github", "gitlab", "junit")


def add_output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="output format: text (for people), jsonl (one JSON report per message per line; json is the same), "
                        "sarif (SARIF 2.1.0 for code scanning), github (Actions annotations), gitlab (Code Quality), junit (JUnit XML)")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of standard output (replaced when the run ends)")
    parser.add_argument("--output-format", choices=["full", "concise"],
                        help="text style: full shows each finding's line with ^^^ under it, concise one line per finding "
                        "(default: full on a terminal, concise otherwise)")
    parser.add_argument("--statistics", action="store_true", help="count findings per rule instead of listing them (text or json)")


def problem(args: argparse.Namespace) -> str | None:
    """A combination of output flags that cannot work, as the one line to print; None if fine."""
    if args.statistics and args.format not in ("text", "json", "jsonl"):
        return f"--statistics prints a table (text) or a JSON array (json, jsonl), not {args.format}"
    if (args.fix or args.diff) and (args.format != "text" or args.output or args.statistics):
        return "--fix and --diff report as text on standard output; drop --format, --output and --statistics"
    if args.output:
        target = pathlib.Path(args.output)
        if target.is_dir():
            return f"--output {args.output}: is a folder"
        folder = target.parent if str(target.parent) else pathlib.Path(".")
        if not folder.is_dir():
            return f"--output {args.output}: no such folder {folder}"
        if not os.access(folder, os.W_OK):
            return f"--output {args.output}: cannot write in {folder}"
    return None


@contextlib.contextmanager
def destination(path: str | None) -> Iterator[IO[str]]:
    """Standard output, or a temporary file beside `path` that replaces it when the run ends,
    so a run that stops half-way never leaves half a SARIF file where the last good one was."""
    if not path:
        yield sys.stdout
        return
    import tempfile

    target = pathlib.Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent if str(target.parent) else ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            yield out
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def terminal(args: argparse.Namespace) -> tuple[bool, bool]:
    """(the report goes to a terminal, NO_COLOR is set): what `--color auto` and the default
    `--output-format` depend on, as this process sees them (a warm server is sent them)."""
    return (not args.output and sys.stdout.isatty()), bool(os.environ.get("NO_COLOR"))


def reporter(args: argparse.Namespace, linter, out: IO[str], *, seen: tuple[bool, bool] | None = None):
    """The reporter the flags ask for; `seen` is `terminal(args)` of the process that prints
    the report (default: this one, when `out` is its standard output)."""
    from .. import reporters

    on_terminal, no_color = seen if seen is not None else (out is sys.stdout and sys.stdout.isatty(), bool(os.environ.get("NO_COLOR")))
    colour = args.color == "always" or (args.color == "auto" and on_terminal and not no_color)
    full = args.output_format == "full" or (args.output_format is None and on_terminal)
    active = {r.id for r in linter.active}
    return reporters.make(
        args.format, out, linter.rules, active=active, statistics=args.statistics, colour=colour,
        show_suggestions=args.show_suggestions, full=full, explain_reading=args.explain_reading, quiet=args.quiet,
        recovery=getattr(args, "recovery", False),
    )
