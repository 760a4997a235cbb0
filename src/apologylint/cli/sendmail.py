"""`apologylint sendmail [OPTIONS] -- REAL_SENDMAIL [ARGS...]`: lint a message on its way out.

A drop-in `$sendmail` for mutt, neomutt, aerc and anything else that pipes a message to sendmail.
The message is read whole from standard input and then, in every case, either handed to the real
sendmail byte for byte or held with a reason and a non-zero exit (so the mail client keeps the
draft). Nothing is dropped silently:

- clean (no finding at or above --fail-on): handed to the real sendmail;
- findings at or above --fail-on: held, exit 1; the report (positions are lines of the body as
  the sender's editor shows it) goes to stderr, to $XDG_STATE_HOME/apologylint/held.txt, to a
  desktop notification when one can be shown, and to the terminal with --tty;
- the message cannot be read or linted (not an email, garbage bytes, HTML too deep to read, a
  broken configuration, a crash, the lint running past --budget): fail-open by default: sent
  unchanged with a warning; with --fail-closed it is held, exit 2;
- nothing to lint (an empty body, a forward without a note): sent, and the hook says so;
- findings the message silences with an `X-Apologylint-Disable: RULE, ...` header (see the
  README's "Suppressing a finding") do not hold it;
- skipped on purpose: an `X-Apologylint: skip` header in the message, or APOLOGYLINT_SKIP=1 in
  the environment, sends it without linting (the header is sent as it is: the bytes are never
  changed);
- the real sendmail cannot be started: nothing was sent, exit 127 (not found) or 126.

Every outcome is one line of $XDG_STATE_HOME/apologylint/hook.log (default
~/.local/state/apologylint/hook.log), because a client shows nothing of a sendmail that exits 0.

The configuration is the lint command's for standard input: the nearest `.apologylint.toml` (or
`pyproject.toml` with `[tool.apologylint]`) at or above the working directory the mail client
starts the wrapper in, `--config FILE` instead, or none with `--isolated`.

The lint runs in a forked child process that the wrapper kills when the budget is spent (a lint
that loops, eats memory or crashes cannot stall or lose the message). Once decided, the message is
written to an unlinked temporary file and the wrapper *replaces itself* with the real sendmail
(`os.execvp`) reading from that file: no process sits between the client and the real sendmail, so
a killed wrapper can never hand it a truncated message. The real sendmail's own time is its
business: after the exec there is no wrapper left to time it.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import select
import signal
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from .common import add_config_options, add_server_option, lint_input, make_linter

SKIP_ENV = "APOLOGYLINT_SKIP"
SKIP_HEADER = "X-Apologylint"
BUDGET_ENV = "APOLOGYLINT_BUDGET"
DEFAULT_BUDGET = 20.0  # seconds for reading and linting the message (loading spaCy is ~3 s of it)
EXIT_HELD = 1
EXIT_UNREADABLE = 2
EXIT_USAGE = 2
TTY = "/dev/tty"
LOG_NAME = "hook.log"
HELD_NAME = "held.txt"
MAX_LOG_BYTES = 1_000_000  # then hook.log becomes hook.log.1 and a new one starts

USAGE_HINT = "apologylint sendmail [OPTIONS] -- /usr/sbin/sendmail [SENDMAIL-ARGS...]"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.usage = USAGE_HINT
    parser.add_argument(
        "--fail-closed",
        action="store_true",
        help="hold a message that cannot be read or linted (default: send it unchanged with a warning)",
    )
    parser.add_argument(
        "--budget",
        type=_seconds,
        metavar="SECONDS",
        help=f"longest the lint may take; past it the message is sent unlinted with a warning (or held with "
        f"--fail-closed). Default: ${BUDGET_ENV}, else {DEFAULT_BUDGET:g}",
    )
    parser.add_argument(
        "--tty",
        choices=["auto", "always", "never"],
        default="auto",
        help="also write a held message's report to the terminal (auto: when stderr goes nowhere; "
        "never for full-screen clients such as aerc, whose screen it would overwrite)",
    )
    parser.add_argument(
        "--notify",
        choices=["auto", "never"],
        default="auto",
        help="auto: a desktop notification (notify-send) when a message is held or sent unlinted, "
        "if a graphical session is there to show it",
    )
    add_config_options(parser)
    add_server_option(parser)
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the real sendmail and its arguments, after --")


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"the budget must be a positive number of seconds, not {text!r}")
    return value


@dataclass
class Verdict:
    kind: str  # clean | held | nothing | problem
    reason: str = ""  # nothing/problem: one line
    report: str = ""  # held: the report, as the sender reads it
    count: int = 0  # held: how many findings
    said: str = ""  # what the lint printed on its own (a config error line)


def run(args: argparse.Namespace) -> int:
    nowhere = _stderr_goes_nowhere()  # before a closed stderr is given /dev/null
    command = list(args.command)
    if command[:1] == ["--"]:
        command = command[1:]
    if not command:
        _say(f"no sendmail command given; usage: {USAGE_HINT} (nothing was read or sent)")
        return EXIT_USAGE
    try:
        if sys.stdin is None or not _fd_open(0):
            raise ValueError("standard input is closed")
        data = sys.stdin.buffer.read()
    except (OSError, AttributeError, ValueError) as exc:  # closed or missing stdin
        _say(f"cannot read the message from standard input ({getattr(exc, 'strerror', None) or exc}); nothing was sent")
        return 74  # EX_IOERR
    _guard_output_fds()
    log = HookLog(data)

    budget, budget_note = _budget(args)
    if budget_note:
        _say(budget_note)

    skip = skip_reason(data)
    if skip:
        _say(f"{skip}: sending without linting")
        log.write("sent-skipped", skip)
        return deliver(command, data, log)

    verdict = decide(data, args, budget)
    if verdict.said:
        _write_err(verdict.said)
    if verdict.kind == "problem":
        if args.fail_closed:
            _say(f"{verdict.reason}; the message was NOT sent (--fail-closed). Send it anyway with {SKIP_ENV}=1.")
            log.write("held-unlinted", verdict.reason)
            _notify(args, "apologylint: message NOT sent", verdict.reason)
            return EXIT_UNREADABLE
        _say(f"warning: {verdict.reason}; sending the message unchanged, NOT linted")
        log.write("sent-unlinted", verdict.reason)
        _notify(args, "apologylint: message sent NOT linted", verdict.reason)
        return deliver(command, data, log)
    if verdict.kind == "nothing":
        _say(f"{verdict.reason}; sending the message unchanged")
        log.write("sent-nothing-to-lint", verdict.reason)
        return deliver(command, data, log)
    if verdict.kind == "clean":
        log.write("sent", "no finding at or above --fail-on")
        return deliver(command, data, log)
    _hold(verdict, args.tty, nowhere, log, args)
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


def _budget(args: argparse.Namespace) -> tuple[float, str | None]:
    if args.budget is not None:
        return args.budget, None
    raw = os.environ.get(BUDGET_ENV, "").strip()
    if not raw:
        return DEFAULT_BUDGET, None
    try:
        return _seconds(raw), None
    except argparse.ArgumentTypeError as exc:
        return DEFAULT_BUDGET, f"{BUDGET_ENV}: {exc}; using {DEFAULT_BUDGET:g} s"


# -- deciding, within the budget -----------------------------------------------------------------
def decide(data: bytes, args: argparse.Namespace, budget: float) -> Verdict:
    """Lint in a forked child; past `budget` seconds it is killed and the verdict is a problem."""
    if not hasattr(os, "fork"):  # pragma: no cover - not POSIX: no budget, lint here
        return _verdict(data, args)
    try:
        r, w = os.pipe()
        pid = os.fork()
    except OSError as exc:
        _say(f"cannot start the lint process ({exc.strerror or exc}); linting without a time limit")
        return _verdict(data, args)
    if pid == 0:  # the child: lint, send the verdict up the pipe, never return into the caller
        code = 0
        try:
            os.close(r)
            said = io.StringIO()
            sys.stdout = sys.stderr = said
            verdict = _verdict(data, args)
            verdict.said = said.getvalue()
            view = memoryview(json.dumps(asdict(verdict)).encode())
            while view:
                view = view[os.write(w, view) :]
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(w)
    deadline = time.monotonic() + budget
    chunks: list[bytes] = []
    timed_out = False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([r], [], [], left)
            if ready:
                chunk = os.read(r, 1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        os.close(r)
        if timed_out:
            _kill(pid)
        status = _reap(pid)
    if timed_out:
        return Verdict("problem", f"the lint did not finish within its budget of {budget:g} s (--budget, ${BUDGET_ENV})")
    try:
        return Verdict(**json.loads(b"".join(chunks)))
    except (ValueError, TypeError):
        return Verdict("problem", f"the lint process ended without a verdict ({_describe(status)})")


def _verdict(data: bytes, args: argparse.Namespace) -> Verdict:
    """The verdict on the message: from a warm `apologylint serve` when one answers (no rule or
    pipeline is loaded here), else reached here. The configuration is the working directory's
    (the nearest .apologylint.toml or pyproject.toml with [tool.apologylint], as the lint
    command finds it for standard input), or --config."""
    served = _served_verdict(data, args)
    if served is not None:
        return served

    def linter():
        said = io.StringIO()
        real, sys.stderr = sys.stderr, said
        try:
            made = make_linter(args)  # prints its own one-line error
        finally:
            sys.stderr = real
        if made is None:
            lines = [ln for ln in said.getvalue().splitlines() if ln.strip()]
            raise CannotLint(lines[-1].removeprefix("apologylint: ") if lines else "the linter could not be set up")
        return made

    return judge(data, linter)


class CannotLint(Exception):
    """The linter could not be set up; str(exc) is why, in one line."""


def judge(data: bytes, linter_for) -> Verdict:
    """The verdict on a message's bytes: read it, lint it with `linter_for()` (the message's
    X-Apologylint-Disable header honoured, as `apologylint msg.eml` honours it) and say whether
    it may go. The warm server reaches its verdicts through this too. Never raises."""
    try:
        from ..inputs import InputError
        from ..mail import NothingToLint, read_email

        try:
            message = read_email(data, "<message>")
        except NothingToLint as exc:
            return Verdict("nothing", str(exc).removeprefix("<message>: "))
        except InputError as exc:
            return Verdict("problem", f"cannot lint this message: {str(exc).removeprefix('<message>: ')}")
        try:
            linter = linter_for()
        except CannotLint as exc:
            return Verdict("problem", f"cannot lint: {exc}")
        report = next(linter.lint_many([lint_input(message)]))
        if report.error is not None:
            return Verdict("problem", f"cannot lint this message: {report.error}")
        if report.ok:
            return Verdict("clean")
        return Verdict("held", report=_report_text(report, message), count=len(report.findings))
    except Exception as exc:  # a crash must not lose or block the mail (fail-open decides)
        detail = " ".join(str(exc).split())[:200]
        return Verdict("problem", f"apologylint failed ({type(exc).__name__}: {detail})")


def _served_verdict(data: bytes, args: argparse.Namespace) -> Verdict | None:
    """The verdict of a warm server (see cli/remote.py), or None: none answers in time, or it
    cannot read the configuration (then the lint runs here and says why)."""
    from . import remote

    path = remote.socket_for(args)
    if path is None or (getattr(args, "config", None) and getattr(args, "isolated", False)):
        return None
    from .. import __version__, client

    try:
        ref = remote.config_ref(args, client.Finder(), None)
    except client.Unsure:
        return None
    request = {
        "op": "sendmail", "version": __version__, "cwd": os.getcwd(), "options": remote.options(args),
        "inputs": [{"path": "<message>", "data": remote.encode(data)}], "cwd_config": ref,
    }
    answer = client.exchange(path, request, budget=0.05 + len(data) / 10_000)
    if not isinstance(answer, dict) or answer.get("error") is not None or answer.get("version") != __version__:
        return None
    try:
        return Verdict(**answer["verdict"])
    except (KeyError, TypeError):
        return None


def _report_text(report, message) -> str:
    """The findings with positions in the body as the sender's editor shows it."""
    from .. import reporters

    origin = message.origin
    findings = []
    for f in report.findings:
        line, column = origin.body_position(f.start)
        findings.append(f.model_copy(update={"line": line, "column": column}))
    body = report.model_copy(update={"findings": findings, "path": "body"})
    out = io.StringIO()
    reporters.text(body, out, show_suggestions=True)
    where = "the HTML body's text as read (not the markup)" if origin.part.content_type == "text/html" else (
        "the body as your editor shows it (headers not counted)"
    )
    out.write(
        f"apologylint: the message was NOT sent: {len(findings)} finding(s), at least one at or above '{report.fail_on}'.\n"
        f"apologylint: body:LINE:COLUMN is a line of {where}.\n"
        f"apologylint: edit the draft and send again, or send it as it is with {SKIP_ENV}=1\n"
        f"apologylint: or an '{SKIP_HEADER}: skip' header (the header goes out with the message).\n"
    )
    return out.getvalue()


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


def _reap(pid: int) -> int:
    try:
        return os.waitpid(pid, 0)[1]
    except ChildProcessError:
        return 0


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            return f"killed by {signal.Signals(sig).name}"
        except ValueError:
            return f"killed by signal {sig}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"


# -- handing the message on ------------------------------------------------------------------------
def deliver(command: list[str], data: bytes, log: "HookLog | None" = None) -> int:
    """Replace this process with the real sendmail, reading the whole message from a file.

    Returns only when the real sendmail could not be started (then nothing was sent).
    """
    try:
        fd = _spool(data)
    except OSError as exc:  # no room for a temporary file: a pipe still gets it there
        _say(f"cannot write the message to a temporary file ({exc.strerror or exc}); piping it to the real sendmail")
        return _pipe(command, data, log)
    try:
        return _exec(command, fd)
    except OSError as exc:
        return _cannot_start(command, exc, log)


def _spool(data: bytes) -> int:
    """A read-only descriptor of an unlinked temporary file holding `data`, at offset 0."""
    fd, path = tempfile.mkstemp(prefix="apologylint-outgoing-")
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        reader = os.open(path, os.O_RDONLY)
    finally:
        os.close(fd)
        os.unlink(path)
    return reader


def _exec(command: list[str], fd: int) -> int:
    """Become the real sendmail with `fd` as its standard input (the tests replace this)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass
    if fd != 0:
        os.dup2(fd, 0)
        os.close(fd)
    os.execvp(command[0], command)
    raise OSError("execvp returned")  # pragma: no cover


def _pipe(command: list[str], data: bytes, log: "HookLog | None") -> int:
    try:
        proc = subprocess.run(command, input=data)
    except OSError as exc:
        return _cannot_start(command, exc, log)
    return 128 - proc.returncode if proc.returncode < 0 else proc.returncode


def _cannot_start(command: list[str], exc: OSError, log: "HookLog | None") -> int:
    if isinstance(exc, FileNotFoundError):
        why, code = "no such file", 127
    elif isinstance(exc, PermissionError):
        why, code = "permission denied", 126
    else:
        why, code = exc.strerror or str(exc), 126
    _say(f"cannot run the real sendmail '{command[0]}': {why}; the message was NOT sent")
    if log is not None:
        log.write("not-sent", f"cannot run the real sendmail '{command[0]}': {why}")
    return code


# -- telling the sender ----------------------------------------------------------------------------
def _hold(verdict: Verdict, tty_mode: str, nowhere: bool, log: "HookLog", args) -> None:
    text = verdict.report
    _write_err(text)
    held = log.write_held(text)
    first = next((ln for ln in text.splitlines() if ln.startswith("body:")), "")
    log.write("held", f"{verdict.count} finding(s); first: {first}" + (f"; report in {held}" if held else ""))
    _notify(args, "apologylint: message NOT sent", f"{verdict.count} finding(s). {first}" + (f"\nReport: {held}" if held else ""))
    if tty_mode == "always" or (tty_mode == "auto" and nowhere):
        try:
            with open(TTY, "w", encoding="utf-8") as tty:
                tty.write(text)
        except OSError:
            pass


class HookLog:
    """One line per message in $XDG_STATE_HOME/apologylint/hook.log; the last hold in held.txt."""

    def __init__(self, data: bytes) -> None:
        self.subject = _subject(data)

    @staticmethod
    def folder() -> Path:
        base = os.environ.get("XDG_STATE_HOME", "")
        if not os.path.isabs(base):  # unset or relative: the XDG default
            base = os.path.join(os.path.expanduser("~"), ".local", "state")
        return Path(base) / "apologylint"

    def write(self, outcome: str, detail: str) -> None:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        line = f"{stamp} {outcome}: {' '.join(detail.split())} (subject: {self.subject!r})\n"
        path = self.folder() / LOG_NAME
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                if path.stat().st_size > MAX_LOG_BYTES:
                    os.replace(path, path.with_name(LOG_NAME + ".1"))
            except FileNotFoundError:
                pass
            with open(path, "a", encoding="utf-8") as f:
                f.write(line)
        except OSError as exc:
            _say(f"cannot write the hook log {path} ({exc.strerror or exc})")

    def write_held(self, text: str) -> Path | None:
        path = self.folder() / HELD_NAME
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"subject: {self.subject}\n{text}", encoding="utf-8")
            return path
        except OSError:
            return None


def _subject(data: bytes) -> str:
    try:
        from email import policy
        from email.parser import BytesParser

        value = BytesParser(policy=policy.default).parsebytes(data[:65536], headersonly=True).get("subject")
        return " ".join(str(value).split())[:80] if value is not None else ""
    except Exception:
        return ""


def _notify(args, title: str, body: str) -> None:
    """A desktop notification, when there is a desktop: fire and forget, never an error."""
    if getattr(args, "notify", "auto") == "never":
        return
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return
    import shutil

    exe = shutil.which("notify-send")
    if not exe:
        return
    try:
        subprocess.Popen(
            [exe, "--app-name=apologylint", title, body[:500]],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, close_fds=True,
        )
    except OSError:
        pass


def _fd_open(fd: int) -> bool:
    try:
        os.fstat(fd)
        return True
    except OSError:
        return False


def _guard_output_fds() -> None:
    """A closed stdout or stderr gets /dev/null, so no file we open later lands on fd 1 or 2 (the
    real sendmail would inherit it as its output)."""
    for fd in (1, 2):
        if not _fd_open(fd):
            try:
                null = os.open(os.devnull, os.O_WRONLY)
                if null != fd:
                    os.dup2(null, fd)
                    os.close(null)
            except OSError:
                pass


def _stderr_goes_nowhere() -> bool:
    """True when stderr is closed or /dev/null: then only the terminal can show the report."""
    try:
        st = os.fstat(sys.stderr.fileno())
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return True
    try:
        null = os.stat(os.devnull)
    except OSError:
        return False
    return stat.S_ISCHR(st.st_mode) and st.st_rdev == null.st_rdev


def _write_err(text: str) -> None:
    if sys.stderr is None:  # closed stderr: print(file=None) would write to stdout
        return
    try:
        sys.stderr.write(text)
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass


def _say(line: str) -> None:
    _write_err(f"apologylint: {line}\n")
