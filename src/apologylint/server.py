"""A warm linter on a Unix socket: `apologylint serve`, and a Python client for it.

Loading spaCy is almost all of a one-file lint; a server that keeps the pipeline loaded answers
in the time the rules take. The protocol is one JSON request per connection, newline-terminated
lines: the request (`Request`: the op, the client's version and working directory, and either
the texts with the configuration as the client resolved it, or, for the command line and the
pre-send hook, the inputs' bytes, the configuration file that applies to each and the flags),
then the server's acknowledgement (`client.ACK`, the moment it starts on the request), then
`Response` (the same `Report` models as the JSON output; for the command line also its output
as rendered here, for the hook its verdict; or an error).

The command line and the hook talk to it through `apologylint.client` (the standard library
only: a warm lint costs the client its start-up and little else); `lint_via_server` here is the
Python API's client. Neither ever blocks a message: no socket, a refused connection, a server that
does not acknowledge within `client.TIMEOUT` seconds, another version or any error, and the
caller lints in-process.

What the server reads it reads again when it changes: a configuration file (and each file it
`extend`s), a rule pack's files and the shipped rules are keyed by their size and modification
time, so an edit takes effect on the next request. (Templates are read by `draft` and `rewrite`,
which run in-process: the server lints only.)

Only AF_UNIX sockets: nothing here listens on or reaches a network.
"""
from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import pathlib
import socket
import stat
import sys
from typing import Any, Iterable

from pydantic import BaseModel, Field

from . import client
from .client import NO_SERVER_ENV, SOCKET_ENV  # noqa: F401  (re-exported; client.TIMEOUT is the client's wait)
from .models import Report

MAX_REQUEST = 64 * 1024 * 1024  # bytes of one request line
MAX_LINTERS = 8  # configurations kept warm at once


class Item(BaseModel):
    """One text to lint: `linter.LintInput` as JSON (directives as plain objects)."""

    text: str
    in_reply_to: str | None = None
    path: str | None = None
    syntax: str | None = None
    directives: list[dict[str, Any]] = Field(default_factory=list)


class Input(BaseModel):
    """One input of the command line as the client read it (`inputs.read_bytes`)."""

    path: str = Field(description="as given on the command line; '-' is standard input")
    data: str | None = Field(None, description="its bytes, base64")
    size: int | None = Field(None, description="the file's real size when only its first bytes were read")
    error: str | None = Field(None, description="the InputError line when the client could not read it")
    config: str | None = Field(None, description="the configuration file that applies to it (absolute), as the client found it; None: the defaults")


class CliOptions(BaseModel):
    """The command line's flags that the lint and its report depend on (cli/remote.py sends them)."""

    format: str = "text"
    output_format: str | None = None
    color: str = "auto"
    show_suggestions: bool = False
    recovery: bool = False
    explain_reading: bool = False
    quiet: bool = False
    statistics: bool = False
    model: str | None = None
    fail_on: str | None = None
    select: list[str] | None = None
    extend_select: list[str] | None = None
    ignore: list[str] | None = None
    rule_paths: list[str] | None = Field(None, description="absolute")
    report_unused_suppressions: bool | None = None
    isolated: bool = False
    config: str | None = Field(None, description="--config, absolute")


class Request(BaseModel):
    op: str = Field("lint", description="lint | cli | sendmail | ping | stats")
    version: str
    config: dict[str, Any] = Field(default_factory=dict, description="op lint: Config.model_dump(mode='json'), resolved by the client")
    cwd: str | None = Field(None, description="the client's working directory (relative paths and per-file-ignores)")
    items: list[Item] = Field(default_factory=list, description="op lint: the texts")
    options: CliOptions = Field(default_factory=CliOptions, description="ops cli and sendmail: the flags")
    inputs: list[Input] = Field(default_factory=list, description="op cli: the files; op sendmail: the message")
    context: Input | None = Field(None, description="op cli: --in-reply-to")
    cwd_config: str | None = Field(None, description="ops cli and sendmail: the configuration file of the working directory")
    seen: tuple[bool, bool] = Field((False, False), description="op cli: (output to a terminal, NO_COLOR set) in the client")


class Response(BaseModel):
    version: str
    reports: list[Report] | None = None
    stdout: str | None = Field(None, description="op cli: the command's output, rendered as it renders in-process")
    stderr: str | None = Field(None, description="op cli: its lines on standard error (unreadable inputs)")
    exit: int | None = Field(None, description="op cli: its exit status")
    verdict: dict[str, Any] | None = Field(None, description="op sendmail: cli.sendmail.Verdict as a dict")
    error: str | None = None
    pid: int = 0
    served: int = Field(0, description="lint requests this server has answered, this one included")
    messages: int = Field(0, description="messages it has linted")
    rss_kb: int = Field(0, description="its peak resident memory (VmHWM), in KiB")


# -- where the socket lives -------------------------------------------------------------------------
def default_socket() -> pathlib.Path:
    """`client.default_socket()` as a path."""
    return pathlib.Path(client.default_socket())


class ServerError(Exception):
    """A reason the server cannot start, as one line."""


def _private_dir(folder: pathlib.Path) -> None:
    """Make `folder` (mode 0700) or check that it is ours and not open to others."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = os.lstat(folder)
    except OSError as exc:
        raise ServerError(f"cannot make the socket folder {folder}: {exc.strerror or exc}") from None
    if not stat.S_ISDIR(st.st_mode):
        raise ServerError(f"{folder} is not a folder")
    if st.st_uid != os.getuid():
        raise ServerError(f"{folder} belongs to another user")
    if st.st_mode & 0o077:
        try:
            os.chmod(folder, 0o700)
        except OSError as exc:
            raise ServerError(f"{folder} is open to other users and cannot be made private: {exc.strerror or exc}") from None


# -- the client -------------------------------------------------------------------------------------
def _exchange(path: pathlib.Path, request: Request, timeout: float, budget: float = 0.0) -> Response:
    raw = client.exchange_bytes(path, request.model_dump_json().encode(), timeout=timeout, budget=budget)
    return Response.model_validate_json(raw)


def ping(path: str | os.PathLike | None = None, timeout: float | None = None) -> Response | None:
    """The server's answer to a ping, or None when none answers within `timeout` (TIMEOUT)."""
    from . import __version__

    timeout = client.TIMEOUT if timeout is None else timeout
    try:
        return _exchange(pathlib.Path(path) if path else default_socket(), Request(op="ping", version=__version__), timeout)
    except Exception:
        return None


def _absolute(config) -> dict:
    """The configuration as JSON with its paths made absolute, so the server reads the same files."""
    data = config.model_dump(mode="json")
    for key in ("rule_paths", "template_paths"):
        data[key] = [os.path.abspath(p) for p in data.get(key, [])]
    return data


def _item(it) -> Item:
    return Item(text=it.text, in_reply_to=it.in_reply_to, path=os.path.abspath(it.path) if it.path else None,
                syntax=it.syntax, directives=[dataclasses.asdict(d) for d in it.directives])


def lint_via_server(config, items: list, *, socket_path: str | os.PathLike | None = None,
                    timeout: float | None = None) -> list[Report] | None:
    """Reports for `items` (`LintInput`s) from a running server, in order, or None when there is
    no server that answers (the caller then lints in-process). The client waits `timeout` seconds
    for a connection and a ping, and for the lint a time that grows with the text."""
    from . import __version__

    timeout = client.TIMEOUT if timeout is None else timeout
    if client.disabled():
        return None
    path = pathlib.Path(socket_path) if socket_path else default_socket()
    if not client.listening(path):
        return None
    try:
        request = Request(version=__version__, config=_absolute(config), cwd=os.getcwd(), items=[_item(it) for it in items])
        chars = sum(len(it.text) + len(it.in_reply_to or "") for it in items)
        answer = _exchange(path, request, timeout, 0.05 * len(items) + chars / 10_000)
    except Exception:
        return None
    if answer.error is not None or answer.reports is None or len(answer.reports) != len(items):
        return None
    for report in answer.reports:
        report.fail_on = config.fail_on  # not part of the JSON (exclude=True): the configuration's
    return answer.reports


# -- the server ------------------------------------------------------------------------------------
def _rule_files(config) -> tuple:
    """(path, mtime, size) of every rule file the configuration reads, the shipped ones
    included: a change is a new key, so the server reloads the rules it uses when a pack (or,
    in a source checkout, rules/) is edited."""
    from .ruleset import data_dir

    out = []
    for root in (data_dir("rules"), *config.rule_paths):
        root = pathlib.Path(root)
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []
        out.extend(_stamp(files))
    return tuple(out)


def _stamp(paths) -> tuple:
    """(path, mtime, size) of each file: what says a file was edited."""
    out = []
    for f in paths:
        try:
            st = os.stat(f)
            out.append((str(f), st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((str(f), 0, 0))
    return tuple(out)


def _peak_rss_kb() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    try:
        import resource

        return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    except Exception:  # pragma: no cover
        return 0


class Server:
    """Answers requests one at a time (a Linter is not thread-safe), one Linter per configuration."""

    def __init__(self, path: str | os.PathLike | None = None, *, log=None) -> None:
        self.path = pathlib.Path(path) if path else default_socket()
        self.log = log
        self.linters: dict[str, Any] = {}
        self._files: dict[str, tuple] = {}  # rule file -> (mtime, size) as last read
        self._settings: dict[str, tuple] = {}  # configuration file -> (its files' stamps, Settings)
        self.served = 0
        self.messages = 0
        self.sock: socket.socket | None = None
        self._lock_fd: int | None = None
        self._stop = False

    # -- start-up ---------------------------------------------------------------------------
    def bind(self) -> None:
        """Take the per-socket lock, remove a stale socket file, listen with mode 0600."""
        import fcntl

        if self.path == default_socket():
            _private_dir(self.path.parent)
        elif not self.path.parent.is_dir():
            raise ServerError(f"--socket {self.path}: no such folder {self.path.parent}")
        lock = self.path.with_name(self.path.name + ".lock")
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise ServerError(f"cannot open {lock}: {exc.strerror or exc}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise ServerError(f"a server is already running on {self.path}") from None
        self._lock_fd = fd
        if os.path.lexists(self.path):
            if not stat.S_ISSOCK(os.lstat(self.path).st_mode):
                raise ServerError(f"{self.path} exists and is not a socket")
            if ping(self.path, 0.5) is not None:  # a server without our lock (an older one): leave it
                raise ServerError(f"a server is already running on {self.path}")
            os.unlink(self.path)  # stale: its server is gone
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)
        try:
            sock.bind(str(self.path))
        except OSError as exc:
            sock.close()
            raise ServerError(f"cannot listen on {self.path}: {exc.strerror or exc}") from None
        finally:
            os.umask(old)
        os.chmod(self.path, 0o600)
        sock.listen(16)
        self.sock = sock

    def warm(self, config=None) -> None:
        """Load the pipeline and compile the default rules before the first request."""
        from .config import Config

        self._linter(config or Config())

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None
            with contextlib.suppress(OSError):
                os.unlink(self.path)
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    # -- serving ----------------------------------------------------------------------------
    def serve_forever(self, *, max_requests: int | None = None) -> None:
        assert self.sock is not None
        self.sock.settimeout(0.5)
        while not self._stop and (max_requests is None or self.served < max_requests):
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                if self._stop or self.sock is None:
                    return
                raise
            with conn:
                self._handle(conn)

    def stop(self) -> None:
        self._stop = True

    def _handle(self, conn: socket.socket) -> None:
        from . import __version__

        conn.settimeout(10.0)  # a client that never finishes its request does not hold the server
        try:
            data = b""
            while not data.endswith(b"\n"):
                chunk = conn.recv(1 << 20)
                if not chunk:
                    break
                data += chunk
                if len(data) > MAX_REQUEST:
                    raise ValueError(f"request larger than {MAX_REQUEST} bytes")
            conn.sendall(client.ACK)  # working on it: the client now waits for the lint itself
            answer = self.answer(data)
        except Exception as exc:
            answer = Response(version=__version__, error=f"{type(exc).__name__}: {exc}", pid=os.getpid())
        with contextlib.suppress(OSError):
            conn.settimeout(30.0)
            conn.sendall(answer.model_dump_json().encode() + b"\n")

    def answer(self, data: bytes | str) -> Response:
        """The response to one request line (never raises)."""
        from . import __version__

        try:
            request = Request.model_validate_json(data)
        except Exception as exc:
            return Response(version=__version__, error=f"bad request: {' '.join(str(exc).split())[:200]}", pid=os.getpid())
        base = dict(version=__version__, pid=os.getpid())
        if request.op == "ping":
            return Response(**base, served=self.served, messages=self.messages)
        if request.op == "stats":
            return Response(**base, served=self.served, messages=self.messages, rss_kb=_peak_rss_kb())
        if request.op not in ("lint", "cli", "sendmail"):
            return Response(**base, error=f"unknown op {request.op!r}")
        if request.version != __version__:
            return Response(**base, error=f"version mismatch: client {request.version}, server {__version__}")
        here = os.getcwd()
        try:
            if request.cwd and os.path.isdir(request.cwd):
                os.chdir(request.cwd)  # relative paths, per-file-ignores and messages as the client has them
            fields = {"lint": self._lint, "cli": self._cli, "sendmail": self._sendmail}[request.op](request)
        except Exception as exc:
            return Response(**base, error=f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}")
        finally:
            os.chdir(here)
        count = fields.pop("count")
        self.served += 1
        self.messages += count
        if self.log is not None:
            print(f"apologylint serve: request {self.served}: {count} message(s)", file=self.log, flush=True)
        return Response(**base, **fields, served=self.served, messages=self.messages)

    def _lint(self, request: Request) -> dict:
        from .config import Config
        from .linter import LintInput
        from .suppress import Directive

        config = Config.model_validate(request.config)
        linter = self._linter(config)
        items = [
            LintInput(text=it.text, in_reply_to=it.in_reply_to, path=it.path, syntax=it.syntax,
                      directives=[Directive(**{**d, "rules": tuple(d["rules"]) if d.get("rules") is not None else None})
                                  for d in it.directives])
            for it in request.items
        ]
        with _transient(linter):
            reports = list(linter.lint_many(items))
        return {"reports": reports, "count": len(reports)}

    def _cli(self, request: Request) -> dict:
        """The lint command's run, as `cli.lint.run` does it in-process, on the client's bytes
        with the configuration files the client found; its output rendered here."""
        import io

        from .cli import lint as lint_cmd
        from .cli.common import lint_in_order, run_rules
        from .inputs import InputError

        args = self._args(request)
        err = io.StringIO()
        context = None
        if request.context is not None:
            try:
                context = _message(request.context).text
            except InputError as exc:
                return {"stdout": "", "stderr": f"apologylint: --in-reply-to {exc}\n", "exit": 2, "count": 0}
        by_path = iter(request.inputs)
        refs: list[str | None] = []

        def read(path: str):
            item = next(by_path)
            msg = _message(item)
            refs.append(item.config)
            return msg

        messages, unreadable = lint_cmd.read_inputs([i.path for i in request.inputs], read, err)
        linters = [self._configured(args, ref) for ref in refs]
        rules = run_rules(args, linters or [self._configured(args, request.cwd_config)])
        out = io.StringIO()
        reports: list = []
        with _transient(*linters):
            code = lint_cmd.report(args, rules, lint_in_order(messages, linters, context), unreadable, out,
                                   seen=tuple(request.seen), reports=reports)
        return {"reports": reports, "stdout": out.getvalue(), "stderr": err.getvalue(), "exit": code, "count": len(messages)}

    def _sendmail(self, request: Request) -> dict:
        """The pre-send hook's verdict on the message (`inputs[0]`), as `cli.sendmail` reaches it in-process."""
        import binascii

        from .cli import sendmail

        args = self._args(request)
        data = binascii.a2b_base64(request.inputs[0].data or "") if request.inputs else b""
        linter = self._configured(args, request.cwd_config)  # a configuration it cannot use: the hook lints itself
        with _transient(linter):
            verdict = sendmail.judge(data, lambda: linter)
        return {"verdict": dataclasses.asdict(verdict), "count": 1}

    @staticmethod
    def _args(request: Request):
        import argparse

        return argparse.Namespace(**request.options.model_dump(), output=None)

    def _configured(self, args, ref: str | None):
        """The warm Linter for an input: the configuration file the client found (`ref`), or
        --config, or none with --isolated; the flags on top (as cli.common.Configs does it). A
        configuration that cannot be used raises: the client then lints in-process and says why."""
        from .cli.common import with_flags
        from .config import Config

        path = None if args.isolated else (args.config or ref)
        settings = self._settings_of(path) if path else None
        cfg = with_flags(settings.config if settings else Config(), args)
        data = cfg.model_dump()
        for key in ("rule_paths", "template_paths"):
            data[key] = [os.path.abspath(p) for p in data[key]]
        return self._linter(Config.model_validate(data))

    def _settings_of(self, path: str):
        """A configuration file's Settings (its `extend` chain followed), read again when any
        file of the chain changes. Its rule names are checked as `cli.common.Configs` checks them."""
        from .discovery import Resolver
        from .linter import Linter

        known = self._settings.get(path)
        if known is not None and _stamp(known[1].sources) == known[0]:
            return known[1]
        settings = Resolver().load(path)
        Linter(settings.config)  # unknown rule names in the file: a RuleFileError (the client reports it)
        self._settings[path] = (_stamp(settings.sources), settings)
        while len(self._settings) > 64:
            self._settings.pop(next(iter(self._settings)))
        return settings

    def _linter(self, config):
        """The warm Linter of a configuration, made again when a rule file it reads has changed
        (the stale one is dropped); at most MAX_LINTERS are kept, the least recently used go."""
        from .linter import Linter

        cfg_json = json.dumps(config.model_dump(mode="json"), sort_keys=True)
        files = _rule_files(config)
        known = self.linters.pop(cfg_json, None)
        if known is not None and known[0] == files:
            linter = known[1]
        else:
            if any(self._files.get(f, (m, n)) != (m, n) for f, m, n in files):
                from .ruleset import load_all

                load_all.cache_clear()  # a rule file was edited: every configuration reads them again
            self._files.update({f: (m, n) for f, m, n in files})
            linter = Linter(config)
            linter.compiled
            # one lint outside a memory zone (see _transient): what a first lint makes once
            # (a lazily loaded model, a cache of the rules) stays for the next requests
            list(linter.lint_many([("Sorry the parcel is late. We will send it today.", "Where is my order?")]))
        self.linters[cfg_json] = (files, linter)  # most recently used last
        while len(self.linters) > MAX_LINTERS:
            self.linters.pop(next(iter(self.linters)))
        return linter


def _transient(*linters):
    """A spaCy memory zone around a request's lint: the strings and lexemes its texts add to the
    vocabulary (every new name, order number and typo) are freed when it ends, so a server
    that lints 100,000 messages does not keep growing. The pipeline and the compiled rules were
    made outside any zone and are kept (the reports are plain models, made inside)."""
    stack = contextlib.ExitStack()
    seen: set[int] = set()
    for linter in linters:
        nlp = linter.nlp
        if id(nlp) not in seen and hasattr(nlp, "memory_zone"):
            seen.add(id(nlp))
            stack.enter_context(nlp.memory_zone())
    return stack


def _message(item: Input):
    """The Message of an input as `inputs.read` makes it from the same bytes (or its InputError)."""
    import binascii

    from .inputs import InputError, from_bytes

    if item.error is not None:
        raise InputError(item.error)
    data = binascii.a2b_base64(item.data or "")
    if item.path == "-":
        return from_bytes(data, "<stdin>")
    return from_bytes(data, item.path, pathlib.Path(item.path).suffix, item.size)


def daemonize(ready_timeout: float = 120.0) -> int | None:
    """Fork into the background. In the parent, wait until the child says it is listening (or
    failed) and return the exit status to use; in the daemon, return None."""
    r, w = os.pipe()
    pid = os.fork()
    if pid > 0:  # the caller: wait for a word from the daemon
        os.close(w)
        with os.fdopen(r, "rb") as pipe:
            import select

            ready, _, _ = select.select([pipe], [], [], ready_timeout)
            line = pipe.readline().decode(errors="replace").strip() if ready else ""
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
        if line.startswith("ok "):
            print(f"apologylint serve: {line[3:]}")
            return 0
        if "already running" in line:  # on demand: one is there, which is what was asked for
            print(f"apologylint serve: {line.removeprefix('error ')}")
            return 0
        print(f"apologylint serve: {line.removeprefix('error ') or 'the server did not start in time'}", file=sys.stderr)
        return 2
    os.close(r)
    os.setsid()
    if os.fork() > 0:
        os._exit(0)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.chdir("/")
    os.environ["APOLOGYLINT_DAEMON_FD"] = str(w)
    return None


def notify_parent(message: str) -> None:
    fd = os.environ.pop("APOLOGYLINT_DAEMON_FD", None)
    if fd is None:
        return
    with contextlib.suppress(OSError):
        os.write(int(fd), message.encode() + b"\n")
        os.close(int(fd))


def run(path: str | os.PathLike | None = None, *, daemon: bool = False, quiet: bool = False) -> int:
    """`apologylint serve`: bind, warm, serve until SIGTERM or SIGINT."""
    import signal

    if daemon:
        status = daemonize()
        if status is not None:
            return status
    server = Server(path, log=None if quiet or daemon else sys.stderr)
    try:
        server.bind()
    except ServerError as exc:
        notify_parent(f"error {exc}")
        print(f"apologylint serve: {exc}", file=sys.stderr)
        if daemon:
            os._exit(0 if "already running" in str(exc) else 2)
        return 2
    try:
        try:
            server.warm()
        except Exception as exc:
            notify_parent(f"error cannot load the linter: {exc}")
            print(f"apologylint serve: cannot load the linter: {exc}", file=sys.stderr)
            return 2
        signal.signal(signal.SIGTERM, lambda *_: server.stop())
        signal.signal(signal.SIGINT, lambda *_: server.stop())
        notify_parent(f"ok listening on {server.path} (pid {os.getpid()})")
        if not daemon:
            print(f"apologylint serve: listening on {server.path} (pid {os.getpid()})", file=sys.stderr, flush=True)
        server.serve_forever()
        return 0
    finally:
        server.close()
        if daemon:
            os._exit(0)


def lint_items(config, items: Iterable, *, use_server: bool = True, socket_path=None) -> list[Report] | None:
    """Convenience for callers: the server's reports, or None (lint in-process)."""
    items = list(items)
    if not use_server or not items:
        return None
    return lint_via_server(config, items, socket_path=socket_path)
