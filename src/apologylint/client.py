"""The caller's side of `apologylint serve`, in the standard library only.

A one-file lint through a warm server is as fast as the client's own start-up, so this module
imports nothing heavy: no pydantic, no spaCy, no rules. It finds the socket, finds the
configuration file that applies to each input (as `apologylint.discovery` finds it, with
`tomllib` at most), sends one JSON request and reads one JSON answer. The request and the answer
are `apologylint.server.Request` and `Response` as JSON; the server validates the request with
those models and renders the command's output itself, so the client only writes it out.

Never blocking a message: no socket, a refused connection, a server that does not say it has
the request within `TIMEOUT` seconds (busy, stopped, hung), an answer that is not JSON, another
version or any error, and `exchange` returns None so the caller lints in-process.

Only AF_UNIX sockets: nothing here listens on or reaches a network.
"""
from __future__ import annotations

import json
import os
import socket
import stat
import time

#: seconds the client waits for a connection and the server's word that it has the request
TIMEOUT = 2.0
SOCKET_ENV = "APOLOGYLINT_SOCKET"
NO_SERVER_ENV = "APOLOGYLINT_NO_SERVER"
#: the server's first line once it has read a request: it is answering (the report follows)
ACK = b'{"ack":true}\n'
#: the files searched for in each folder, in order of precedence (apologylint.discovery uses these)
CONFIG_FILES = (".apologylint.toml", "pyproject.toml")
#: the largest configuration file read here (safeload.MAX_FILE_BYTES): a larger one is for the
#: in-process path to refuse with its own message
MAX_CONFIG_BYTES = 1 << 20


def default_socket() -> str:
    """$APOLOGYLINT_SOCKET, else $XDG_RUNTIME_DIR/apologylint/server.sock, else
    <tempdir>/apologylint-<uid>/server.sock (a folder of mode 0700 that this user owns)."""
    env = os.environ.get(SOCKET_ENV, "").strip()
    if env:
        return env
    runtime = os.environ.get("XDG_RUNTIME_DIR", "").strip()
    if runtime and os.path.isabs(runtime) and os.path.isdir(runtime):
        return os.path.join(runtime, "apologylint", "server.sock")
    import tempfile

    return os.path.join(tempfile.gettempdir(), f"apologylint-{os.getuid()}", "server.sock")


def disabled() -> bool:
    """True when APOLOGYLINT_NO_SERVER asks to lint in-process."""
    return os.environ.get(NO_SERVER_ENV, "").strip().lower() not in ("", "0", "false", "no", "off")


def listening(path: str | os.PathLike) -> bool:
    """A socket file is there (whether a server answers on it is for `exchange` to find out)."""
    try:
        return stat.S_ISSOCK(os.stat(path).st_mode)
    except OSError:
        return False


def exchange(path: str | os.PathLike, request: dict | bytes, *, timeout: float | None = None,
             budget: float = 0.0) -> dict | None:
    """Send one request (a dict, or its JSON line) and return the answer as a dict, or None when
    no server answers: the connection and the server's acknowledgement within `timeout`
    (TIMEOUT) seconds, then the answer within `timeout + budget` more."""
    try:
        return json.loads(exchange_bytes(path, request, timeout=timeout, budget=budget))
    except Exception:
        return None


def exchange_bytes(path: str | os.PathLike, request: dict | bytes, *, timeout: float | None = None,
                   budget: float = 0.0) -> bytes:
    """`exchange` without the JSON decoding of the answer; raises OSError, TimeoutError or
    ValueError when there is no answer."""
    timeout = TIMEOUT if timeout is None else timeout
    data = request if isinstance(request, bytes) else json.dumps(request, ensure_ascii=False).encode("utf-8", "surrogatepass")
    if not data.endswith(b"\n"):
        data += b"\n"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(os.fspath(path))
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        buf = b""
        deadline = time.monotonic() + timeout
        acked = False
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the server did not answer in time")
            sock.settimeout(left)
            chunk = sock.recv(1 << 20)
            if not chunk:
                break
            buf += chunk
            if not acked and b"\n" in buf:
                first, buf = buf.split(b"\n", 1)
                if first + b"\n" != ACK:
                    raise ValueError("not an apologylint server")
                acked = True
                deadline = time.monotonic() + timeout + budget  # it is working on it: the lint's own time
    if not acked:
        raise ValueError("the server closed the connection without answering")
    return buf


# -- which configuration file applies -----------------------------------------------------------------
class Unsure(Exception):
    """A configuration file this module cannot judge cheaply (unreadable, too large, not TOML,
    not UTF-8, not a regular file): the in-process path judges it and says what is wrong."""


class Finder:
    """The nearest configuration file at or above a path, as `apologylint.discovery.Resolver.find`
    finds it: in each folder `.apologylint.toml`, else a `pyproject.toml` with a
    `[tool.apologylint]` table (one without is a Python project's file: the search goes on above).
    Each folder is looked at once per run."""

    def __init__(self) -> None:
        self._nearest: dict[str, str | None] = {}

    def find(self, start: str | None = None) -> str | None:
        """The file's absolute path, or None (the defaults apply); raises Unsure."""
        here = os.path.abspath(start if start is not None else os.getcwd())
        if not os.path.isdir(here):
            here = os.path.dirname(here)
        seen: list[str] = []
        found: str | None = None
        folder = here
        while True:
            if folder in self._nearest:
                found = self._nearest[folder]
                break
            seen.append(folder)
            found = self._in_folder(folder)
            parent = os.path.dirname(folder)
            if found is not None or parent == folder:
                break
            folder = parent
        for key in seen:
            self._nearest[key] = found
        return found

    @staticmethod
    def _in_folder(folder: str) -> str | None:
        for name in CONFIG_FILES:
            candidate = os.path.join(folder, name)
            if not os.path.exists(candidate):
                continue
            if name == "pyproject.toml" and not _has_our_table(candidate):
                continue
            return candidate
        return None


def _has_our_table(path: str) -> bool:
    """Whether a pyproject.toml has a [tool.apologylint] table; Unsure when it cannot be read as
    safeload would read it (a regular UTF-8 file of at most 1 MiB that parses as TOML)."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_CONFIG_BYTES:
            raise Unsure(path)
        with open(path, "rb") as fh:
            text = fh.read(MAX_CONFIG_BYTES + 1).decode("utf-8-sig")
        import tomllib

        doc = tomllib.loads(text)
    except Unsure:
        raise
    except Exception:  # OSError, UnicodeDecodeError, TOMLDecodeError, no tomllib (Python 3.10)
        raise Unsure(path) from None
    tool = doc.get("tool")
    return isinstance(tool, dict) and "apologylint" in tool
