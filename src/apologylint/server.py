"""A warm linter on a Unix socket: `apologylint serve`, and the client the CLI and the pre-send hook use.

Loading spaCy is almost all of a one-file lint; a server that keeps the pipeline loaded answers
in the time the rules take. The protocol is one JSON request per connection, one line each way
(newline-terminated), both pydantic models: `Request` (the texts, the configuration as the client
resolved it, the client's version and working directory) and `Response` (the same `Report`
models as the JSON output, or an error).

The client side (`lint_via_server`) never blocks a message: no socket, a refused connection, a
server that does not answer within `TIMEOUT` seconds, another version or any error, and it
returns None so the caller lints in-process.

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
import tempfile
import time
from typing import Any, Iterable

from pydantic import BaseModel, Field

from .models import Report

#: seconds the client waits for a connection and a first answer before linting in-process
TIMEOUT = 2.0
SOCKET_ENV = "APOLOGYLINT_SOCKET"
NO_SERVER_ENV = "APOLOGYLINT_NO_SERVER"
MAX_REQUEST = 64 * 1024 * 1024  # bytes of one request line
MAX_LINTERS = 8  # configurations kept warm at once


class Item(BaseModel):
    """One text to lint: `linter.LintInput` as JSON (directives as plain objects)."""

    text: str
    in_reply_to: str | None = None
    path: str | None = None
    syntax: str | None = None
    directives: list[dict[str, Any]] = Field(default_factory=list)


class Request(BaseModel):
    op: str = Field("lint", description="lint | ping | stats")
    version: str
    config: dict[str, Any] = Field(default_factory=dict, description="Config.model_dump(mode='json'), resolved by the client")
    cwd: str | None = Field(None, description="the client's working directory (relative paths and per-file-ignores)")
    items: list[Item] = Field(default_factory=list)


class Response(BaseModel):
    version: str
    reports: list[Report] | None = None
    error: str | None = None
    pid: int = 0
    served: int = Field(0, description="lint requests this server has answered, this one included")
    messages: int = Field(0, description="messages it has linted")
    rss_kb: int = Field(0, description="its peak resident memory (VmHWM), in KiB")


# -- where the socket lives -------------------------------------------------------------------------
def default_socket() -> pathlib.Path:
    """$APOLOGYLINT_SOCKET, else $XDG_RUNTIME_DIR/apologylint/server.sock, else
    <tempdir>/apologylint-<uid>/server.sock (a folder of mode 0700 that this user owns)."""
    env = os.environ.get(SOCKET_ENV, "").strip()
    if env:
        return pathlib.Path(env)
    runtime = os.environ.get("XDG_RUNTIME_DIR", "").strip()
    if runtime and os.path.isabs(runtime) and os.path.isdir(runtime):
        return pathlib.Path(runtime) / "apologylint" / "server.sock"
    return pathlib.Path(tempfile.gettempdir()) / f"apologylint-{os.getuid()}" / "server.sock"


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
def _exchange(path: pathlib.Path, request: Request, timeout: float) -> Response:
    data = request.model_dump_json().encode() + b"\n"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(str(path))
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        chunks = []
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the server did not answer in time")
            sock.settimeout(left)
            chunk = sock.recv(1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    return Response.model_validate_json(b"".join(chunks))


def ping(path: str | os.PathLike | None = None, timeout: float | None = None) -> Response | None:
    """The server's answer to a ping, or None when none answers within `timeout` (TIMEOUT)."""
    from . import __version__

    timeout = TIMEOUT if timeout is None else timeout

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

    timeout = TIMEOUT if timeout is None else timeout
    if os.environ.get(NO_SERVER_ENV, "").strip().lower() not in ("", "0", "false", "no", "off"):
        return None
    path = pathlib.Path(socket_path) if socket_path else default_socket()
    try:
        if not stat.S_ISSOCK(os.stat(path).st_mode):
            return None
    except OSError:
        return None
    hello = ping(path, timeout)
    if hello is None or hello.version != __version__ or hello.error:
        return None
    try:
        request = Request(version=__version__, config=_absolute(config), cwd=os.getcwd(), items=[_item(it) for it in items])
        chars = sum(len(it.text) + len(it.in_reply_to or "") for it in items)
        answer = _exchange(path, request, timeout + 0.05 * len(items) + chars / 10_000)
    except Exception:
        return None
    if answer.error is not None or answer.reports is None or len(answer.reports) != len(items):
        return None
    for report in answer.reports:
        report.fail_on = config.fail_on  # not part of the JSON (exclude=True): the configuration's
    return answer.reports


# -- the server ------------------------------------------------------------------------------------
def _rule_files(config) -> tuple:
    """(path, mtime, size) of every rule file the configuration reads: a change is a new key, so
    the server reloads the rules it uses when a pack is edited."""
    out = []
    for root in config.rule_paths:
        root = pathlib.Path(root)
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []
        for f in files:
            try:
                st = f.stat()
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
        self._files: dict[str, tuple] = {}  # configuration -> its rule files as last read
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
        if request.op != "lint":
            return Response(**base, error=f"unknown op {request.op!r}")
        if request.version != __version__:
            return Response(**base, error=f"version mismatch: client {request.version}, server {__version__}")
        try:
            reports = self._lint(request)
        except Exception as exc:
            return Response(**base, error=f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}")
        self.served += 1
        self.messages += len(reports)
        if self.log is not None:
            print(f"apologylint serve: request {self.served}: {len(reports)} message(s)", file=self.log, flush=True)
        return Response(**base, reports=reports, served=self.served, messages=self.messages)

    def _lint(self, request: Request) -> list[Report]:
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
        here = os.getcwd()
        try:
            if request.cwd and os.path.isdir(request.cwd):
                os.chdir(request.cwd)  # per-file-ignores given relative to the working directory
            return list(linter.lint_many(items))
        finally:
            os.chdir(here)

    def _linter(self, config):
        from .linter import Linter

        cfg_json = json.dumps(config.model_dump(mode="json"), sort_keys=True)
        files = _rule_files(config)
        key = json.dumps([cfg_json, files])
        linter = self.linters.pop(key, None)
        if linter is None:
            if self._files.get(cfg_json, files) != files:
                from .ruleset import load_all

                load_all.cache_clear()  # a pack was edited: read the rule files again
            self._files[cfg_json] = files
            linter = Linter(config)
            linter.compiled
        self.linters[key] = linter  # most recently used last
        while len(self.linters) > MAX_LINTERS:
            self.linters.pop(next(iter(self.linters)))
        return linter


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
