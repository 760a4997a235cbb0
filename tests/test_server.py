"""`apologylint serve`: the warm server's protocol, the CLI going through it, and every way it
falls back to linting in-process (no server, a stale socket, a server that hangs, --no-server).

Unix sockets only (the suite runs with --disable-socket --allow-unix-socket)."""
from __future__ import annotations

import io
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from unittest import mock

import pytest

from apologylint import __version__, server
from apologylint.cli import main
from apologylint.config import Config
from apologylint.linter import LintInput

BAD = "As I said in my last email, you should have ordered earlier. Calm down.\n"
GOOD = "Sorry the mug arrived chipped! I've sent a replacement today; it arrives on Friday.\n"
TEXTS = [
    (BAD, None),
    (GOOD, "My mug arrived chipped and it was a present for my mum."),
    ("We apologise for any inconvenience this may have caused. Unfortunately the courier lost it.", "Where is my parcel?"),
    ("Thanks!", None),
]


@pytest.fixture
def short_dir():
    """A folder with a short path: AF_UNIX paths are limited to about 100 bytes."""
    path = Path(tempfile.mkdtemp(prefix="al-", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def running(short_dir, linter):
    """A server in a thread on a socket of its own."""
    linter.compiled  # the session's pipeline: the server's Linter shares it
    srv = server.Server(short_dir / "s.sock")
    srv.bind()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.stop()
    thread.join(5)
    srv.close()


def run_cli(*args: str, stdin: bytes = b"") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    fake_stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    with mock.patch.object(sys, "stdout", out), mock.patch.object(sys, "stderr", err), mock.patch.object(sys, "stdin", fake_stdin):
        try:
            code = main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
    return code, out.getvalue(), err.getvalue()


def test_server_reports_equal_in_process_reports(running, linter):
    items = [LintInput(text=t, in_reply_to=c) for t, c in TEXTS]
    got = server.lint_via_server(linter.config, items, socket_path=running.path)
    assert got is not None and len(got) == len(TEXTS)
    want = list(linter.lint_many(items))
    for a, b in zip(got, want):
        assert a.model_dump() == b.model_dump()
        assert a.ok == b.ok and a.fail_on == b.fail_on
    assert any(r.findings for r in got)
    assert running.served == 1 and running.messages == len(TEXTS)


def test_server_uses_the_callers_configuration(running, linter):
    cfg = Config(ignore=["AL302"], fail_on="error")
    got = server.lint_via_server(cfg, [LintInput(text=BAD)], socket_path=running.path)
    assert got is not None
    assert "AL302" not in {f.rule for f in got[0].findings}
    assert "AL301" in {f.rule for f in got[0].findings}
    assert got[0].fail_on.value == "error"
    assert server.lint_via_server(Config(), [LintInput(text=BAD)], socket_path=running.path)[0].findings[0].rule in ("AL301", "AL302")
    assert len(running.linters) == 2  # one Linter per configuration, kept warm
    server.lint_via_server(cfg, [LintInput(text=GOOD)], socket_path=running.path)
    assert len(running.linters) == 2


def test_socket_is_private(running):
    assert stat.S_ISSOCK(os.stat(running.path).st_mode)
    assert stat.S_IMODE(os.stat(running.path).st_mode) == 0o600


def test_default_socket_folder_is_private(tmp_path, monkeypatch):
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.delenv(server.SOCKET_ENV, raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    path = server.default_socket()
    assert path.parent == tmp_path / f"apologylint-{os.getuid()}"
    path.parent.mkdir(mode=0o755)
    os.chmod(path.parent, 0o755)
    server._private_dir(path.parent)
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700


def test_version_mismatch_and_bad_requests_are_errors(running):
    srv = running
    bad = srv.answer(server.Request(version="0.0.0-other", items=[server.Item(text=BAD)]).model_dump_json())
    assert bad.error and "version" in bad.error and bad.reports is None
    assert srv.answer(b"not json").error.startswith("bad request")
    assert srv.answer(server.Request(op="nope", version=__version__).model_dump_json()).error


def test_cli_goes_through_the_server(running, tmp_path):
    draft = tmp_path / "d.txt"
    draft.write_text(BAD, encoding="utf-8")
    before = running.served
    code, out, err = run_cli(str(draft), "--format", "jsonl", "--socket", str(running.path))
    assert code == 1, err
    assert running.served == before + 1  # the request counter proves the report came from the server
    code2, out2, _ = run_cli(str(draft), "--format", "jsonl", "--no-server", "--socket", str(running.path))
    assert running.served == before + 1  # --no-server: not asked
    assert code2 == code and out2 == out  # and the output is the same


def test_text_output_is_identical_through_the_server(running, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(BAD, encoding="utf-8")
    b.write_text(GOOD, encoding="utf-8")
    via = run_cli(str(a), str(b), "--socket", str(running.path), "--show-suggestions")
    here = run_cli(str(a), str(b), "--no-server", "--show-suggestions")
    assert via == here
    assert running.served >= 1


def test_stale_socket_falls_back(short_dir, tmp_path):
    stale = short_dir / "stale.sock"
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(str(stale))
    s.close()  # the file stays, nobody listens: connect is refused
    assert stale.exists()
    draft = tmp_path / "d.txt"
    draft.write_text(BAD, encoding="utf-8")
    code, out, err = run_cli(str(draft), "--socket", str(stale))
    assert code == 1 and "AL302" in out and err == ""


def test_stale_socket_is_cleaned_up_by_a_new_server(short_dir):
    stale = short_dir / "s.sock"
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(str(stale))
    s.close()
    srv = server.Server(stale)
    srv.bind()
    try:
        assert stat.S_IMODE(os.stat(stale).st_mode) == 0o600
        second = server.Server(stale)
        with pytest.raises(server.ServerError, match="already running"):
            second.bind()  # one server per socket
    finally:
        srv.close()
    assert not stale.exists()


def test_a_server_that_hangs_does_not_block_the_cli(short_dir, tmp_path, monkeypatch):
    path = short_dir / "hang.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(8)
    accepted = []

    def accept_and_ignore():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            accepted.append(conn)  # never answers

    threading.Thread(target=accept_and_ignore, daemon=True).start()
    monkeypatch.setattr(server, "TIMEOUT", 0.3)
    draft = tmp_path / "d.txt"
    draft.write_text(BAD, encoding="utf-8")
    t0 = time.monotonic()
    code, out, err = run_cli(str(draft), "--socket", str(path))
    elapsed = time.monotonic() - t0
    listener.close()
    assert accepted, "the CLI did try the server"
    assert code == 1 and "AL302" in out and err == ""
    assert elapsed < 60  # it returned at all (no wall-clock threshold beyond "does not hang")


def test_sendmail_goes_through_the_server(running, monkeypatch, tmp_path, capsys):
    from apologylint.cli import sendmail

    sent = []
    monkeypatch.setattr(sendmail, "_exec", lambda command, fd: sent.append(os.read(fd, 1 << 20)) or 0)
    monkeypatch.setattr(sendmail, "TTY", str(tmp_path / "tty"))
    monkeypatch.chdir(tmp_path)
    data = b"From: a@example.com\nTo: b@example.com\nSubject: late\n\n" + BAD.encode()

    class Stdin:
        buffer = io.BytesIO(data)

    monkeypatch.setattr(sys, "stdin", Stdin())
    before = running.served
    code = main(["sendmail", "--notify", "never", "--socket", str(running.path), "--", "/usr/sbin/sendmail", "-t"])
    assert code == 1 and not sent  # held
    assert "AL302" in capsys.readouterr().err
    # the lint ran in the forked child; its request reached the server in this process
    assert running.served == before + 1


def test_cli_lints_in_process_when_no_socket(tmp_path):
    draft = tmp_path / "d.txt"
    draft.write_text(GOOD, encoding="utf-8")
    code, out, err = run_cli(str(draft), "--socket", str(tmp_path / "none.sock"))
    assert code == 0 and err == ""


def test_jobs_2_gives_the_same_output_in_the_same_order(tmp_path):
    files = []
    for n in range(12):
        f = tmp_path / f"m{n:02d}.txt"
        t, _ = TEXTS[n % len(TEXTS)]
        f.write_text(f"Message {n}. " + t, encoding="utf-8")
        files.append(str(f))
    one = run_cli(*files, "--format", "jsonl", "--no-server", "--jobs", "1")
    two = run_cli(*files, "--format", "jsonl", "--no-server", "--jobs", "2")
    assert one == two
    paths = [json.loads(line)["path"] for line in one[1].splitlines()]
    assert paths == files
    assert run_cli("--jobs", "0", files[0])[0] == 2


def test_lint_many_n_process_keeps_order(linter):
    items = [(f"Reply {n}. " + t, c) for n in range(40) for t, c in TEXTS[n % 4 : n % 4 + 1]]
    many = Config(batch_size=7)  # several batches per worker
    from apologylint import Linter

    lin = Linter(many)
    a = [r.model_dump() for r in lin.lint_many(items)]
    b = [r.model_dump() for r in lin.lint_many(items, n_process=2)]
    assert a == b and len(b) == 40


def test_serve_daemon_in_a_subprocess(short_dir):
    """The real command: --daemon, --status, a lint through it, --stop."""
    sock = short_dir / "d.sock"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(Path(server.__file__).parent.parent), os.environ.get("PYTHONPATH", "")) if p)}
    py = [sys.executable, "-m", "apologylint"]
    started = subprocess.run([*py, "serve", "--daemon", "--socket", str(sock)], capture_output=True, text=True, env=env, timeout=120)
    try:
        assert started.returncode == 0, started.stderr
        assert "listening on" in started.stdout
        assert stat.S_IMODE(os.stat(sock).st_mode) == 0o600
        draft = short_dir / "d.txt"
        draft.write_text(BAD, encoding="utf-8")
        lint = subprocess.run([*py, str(draft), "--socket", str(sock)], capture_output=True, text=True, env=env, timeout=120)
        assert lint.returncode == 1 and "AL302" in lint.stdout
        status = subprocess.run([*py, "serve", "--status", "--socket", str(sock)], capture_output=True, text=True, env=env, timeout=60)
        assert status.returncode == 0 and "1 request(s)" in status.stdout
        again = subprocess.run([*py, "serve", "--daemon", "--socket", str(sock)], capture_output=True, text=True, env=env, timeout=60)
        assert again.returncode == 0 and "already running" in again.stdout
    finally:
        subprocess.run([*py, "serve", "--stop", "--socket", str(sock)], capture_output=True, env=env, timeout=60)
    for _ in range(50):
        if not sock.exists():
            break
        time.sleep(0.1)
    assert not sock.exists()


def test_an_edited_rule_pack_is_reloaded(running, tmp_path):
    """The server keys its Linters by the configuration and the rule files' size and time: an
    edited pack is read again on the next request, an unchanged one is not."""
    import test_packs

    pack = test_packs.make_pack(tmp_path / "pack")
    cfg = Config(rule_paths=[pack])
    text = "Sorry, the weather held up your parcel. And the rain too."
    first = server.lint_via_server(cfg, [LintInput(text=text)], socket_path=running.path)
    assert first is not None
    n = len(running.linters)
    assert server.lint_via_server(cfg, [LintInput(text=text)], socket_path=running.path) is not None
    assert len(running.linters) == n  # unchanged: the same Linter
    rules = pack / "weather.yaml"
    rules.write_text(test_packs.WEATHER.replace("Blames the weather", "Blames the sky"), encoding="utf-8")
    os.utime(rules, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    second = server.lint_via_server(cfg, [LintInput(text=text)], socket_path=running.path)
    assert second is not None and len(running.linters) == n + 1
    messages = lambda reports: {f.message for f in reports[0].findings if f.rule.endswith("/AL201")}  # noqa: E731
    assert messages(first) == {"Blames the weather: 'the weather'."}
    assert messages(second) == {"Blames the sky: 'the weather'."}
