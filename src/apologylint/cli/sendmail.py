"""`apologylint sendmail [OPTIONS] -- REAL_SENDMAIL [ARGS...]`: lint a message on its way out.

A drop-in `$sendmail` for mutt, neomutt, aerc and anything else that pipes a message to sendmail.
The message is read whole from standard input and then, in every case, either handed to the real
sendmail byte for byte or held with a message on stderr and a non-zero exit (so the mail client
keeps the draft). Nothing is dropped silently:

- clean (no finding at or above --fail-on): the real sendmail runs with the identical bytes on its
  standard input and its exit status is ours;
- findings at or above --fail-on: the report goes to stderr (and to the terminal when stderr goes
  nowhere), the message is not sent, exit 1;
- the message cannot be read or linted (not an email, garbage bytes, a broken configuration, a
  crash): fail-open by default: it is sent unchanged with a warning on stderr; with
  --fail-closed it is held, exit 2;
- skipped on purpose: an `X-Apologylint: skip` header in the message, or APOLOGYLINT_SKIP=1 in
  the environment, sends it without linting (the header is sent as it is: the bytes are never
  changed);
- the real sendmail cannot be started: nothing was sent, exit 127 (not found) or 126.
"""
from __future__ import annotations

import argparse
import os
import stat
import subprocess
import sys

from .common import add_config_options, make_linter

SKIP_ENV = "APOLOGYLINT_SKIP"
SKIP_HEADER = "X-Apologylint"
EXIT_HELD = 1
EXIT_UNREADABLE = 2
EXIT_USAGE = 2

USAGE_HINT = "apologylint sendmail [OPTIONS] -- /usr/sbin/sendmail [SENDMAIL-ARGS...]"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.usage = USAGE_HINT
    parser.add_argument(
        "--fail-closed",
        action="store_true",
        help="hold a message that cannot be read or linted (default: send it unchanged with a warning)",
    )
    parser.add_argument(
        "--tty",
        choices=["auto", "always", "never"],
        default="auto",
        help="also write a held message's report to the terminal (auto: when stderr goes nowhere)",
    )
    add_config_options(parser)
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the real sendmail and its arguments, after --")


def run(args: argparse.Namespace) -> int:
    command = list(args.command)
    if command[:1] == ["--"]:
        command = command[1:]
    if not command:
        _say(f"no sendmail command given; usage: {USAGE_HINT} (nothing was read or sent)")
        return EXIT_USAGE
    try:
        data = sys.stdin.buffer.read()
    except (OSError, AttributeError, ValueError) as exc:  # closed or missing stdin
        _say(f"cannot read the message from standard input ({getattr(exc, 'strerror', None) or exc}); nothing was sent")
        return 74  # EX_IOERR

    skip = skip_reason(data)
    if skip:
        _say(f"{skip}: sending without linting")
        return deliver(command, data)

    problem, report = _lint(data, args)
    if problem is not None:
        if args.fail_closed:
            _say(f"{problem}; the message was NOT sent (--fail-closed). Send it anyway with {SKIP_ENV}=1.")
            return EXIT_UNREADABLE
        _say(f"warning: {problem}; sending the message unchanged")
        return deliver(command, data)
    if report is None:  # readable, but nothing new to lint (a forward without a note)
        return deliver(command, data)
    if report.ok:
        return deliver(command, data)
    _hold(report, args.tty)
    return EXIT_HELD


def skip_reason(data: bytes) -> str | None:
    """Why to send without linting, if the sender asked for it."""
    value = os.environ.get(SKIP_ENV, "").strip().lower()
    if value and value not in ("0", "false", "no", "off"):
        return f"{SKIP_ENV} is set"
    try:
        from email import policy
        from email.parser import BytesParser

        headers = BytesParser(policy=policy.compat32).parsebytes(data, headersonly=True)
        values = headers.get_all(SKIP_HEADER) or []
    except Exception:  # unreadable headers: no skip header
        return None
    if any(str(v).strip().lower() == "skip" for v in values):
        return f"the message has '{SKIP_HEADER}: skip'"
    return None


def _lint(data: bytes, args: argparse.Namespace):
    """(problem, report): a one-line problem when the message cannot be read or linted."""
    try:
        from ..inputs import InputError
        from ..mail import NothingToLint, read_email

        try:
            message = read_email(data, "<message>")
        except NothingToLint:
            return None, None
        except InputError as exc:
            return f"cannot lint this message: {str(exc).removeprefix('<message>: ')}", None
        linter = make_linter(args)  # prints its own one-line error
        if linter is None:
            return "cannot lint: the linter could not be set up (see above)", None
        report = linter.lint(message.text, message.in_reply_to)
        report = message.relocate(report)
        report.path = "<message>"
        return None, report
    except Exception as exc:  # a crash must not lose or block the mail (fail-open decides)
        detail = " ".join(str(exc).split())[:200]
        return f"apologylint failed ({type(exc).__name__}: {detail})", None


def deliver(command: list[str], data: bytes) -> int:
    """Run the real sendmail with `data` on its standard input; its exit status is ours."""
    try:
        proc = subprocess.run(command, input=data)
    except FileNotFoundError:
        _say(f"cannot run the real sendmail '{command[0]}': no such file; the message was NOT sent")
        return 127
    except PermissionError:
        _say(f"cannot run the real sendmail '{command[0]}': permission denied; the message was NOT sent")
        return 126
    except OSError as exc:
        _say(f"cannot run the real sendmail '{command[0]}' ({exc.strerror or exc}); the message was NOT sent")
        return 126
    return 128 - proc.returncode if proc.returncode < 0 else proc.returncode


def _hold(report, tty_mode: str) -> None:
    import io

    from .. import reporters

    out = io.StringIO()
    reporters.text(report, out, show_suggestions=True)
    worst = report.fail_on
    out.write(
        f"apologylint: the message was NOT sent: {len(report.findings)} finding(s), "
        f"at least one at or above '{worst}' (lines count from the top of the message).\n"
        f"apologylint: edit the draft and send again, or send it as it is with {SKIP_ENV}=1 "
        f"or an '{SKIP_HEADER}: skip' header.\n"
    )
    text = out.getvalue()
    try:
        sys.stderr.write(text)
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    if tty_mode == "always" or (tty_mode == "auto" and _stderr_goes_nowhere()):
        try:
            with open("/dev/tty", "w", encoding="utf-8") as tty:
                tty.write(text)
        except OSError:
            pass


def _stderr_goes_nowhere() -> bool:
    """True when stderr is closed or /dev/null: then only the terminal can show the report."""
    try:
        st = os.fstat(sys.stderr.fileno())
    except (OSError, ValueError, AttributeError):
        return True
    try:
        null = os.stat(os.devnull)
    except OSError:
        return False
    return stat.S_ISCHR(st.st_mode) and st.st_rdev == null.st_rdev


def _say(line: str) -> None:
    try:
        print(f"apologylint: {line}", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass
