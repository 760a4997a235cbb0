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

from apologylint import __version__, client, server
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
    monkeypatch.setattr(client, "TIMEOUT", 0.3)
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
    assert second is not None and len(running.linters) == n  # the stale Linter replaced, not kept beside
    messages = lambda reports: {f.message for f in reports[0].findings if f.rule.endswith("/AL201")}  # noqa: E731
    assert messages(first) == {"Blames the weather: 'the weather'."}
    assert messages(second) == {"Blames the sky: 'the weather'."}


# -- the lean client: the command line's output rendered by the server ---------------------------
FIXTURES = Path(__file__).parent / "fixtures" / "email"


def both(running, *args: str, stdin: bytes = b"") -> tuple[tuple, tuple]:
    """The same command through the server and with --no-server; asserts the server answered."""
    before = running.served
    via = run_cli(*args, "--socket", str(running.path), stdin=stdin)
    assert running.served == before + 1, f"not served: {via}"
    here = run_cli(*args, "--no-server", stdin=stdin)
    assert running.served == before + 1
    return via, here


@pytest.mark.parametrize("flags", [
    (), ("--show-suggestions", "--recovery"), ("--explain-reading",), ("--output-format", "full"), ("--color", "always"),
    ("--format", "jsonl"), ("--format", "json"), ("--format", "sarif"), ("--format", "github"), ("--format", "gitlab"),
    ("--format", "junit"), ("--statistics",), ("--statistics", "--format", "json"), ("-q", "--fail-on", "error"),
    ("--ignore", "AL302", "--select", "defensive,excuse"),
], ids=lambda f: " ".join(f) or "text")
def test_every_format_is_byte_identical_through_the_server(running, tmp_path, flags):
    """Readable and unreadable inputs together (missing, binary, empty): the same stdout, the
    same stderr line for each bad input, exit 2, and the other inputs linted."""
    a, b = tmp_path / "a.txt", tmp_path / "b.md"
    a.write_text(BAD, encoding="utf-8")
    b.write_text(GOOD, encoding="utf-8")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01binary")
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    files = [str(a), str(tmp_path / "missing.txt"), str(tmp_path / "bin.txt"), str(b), str(tmp_path / "empty.txt"),
             str(FIXTURES / "gmail-reply.eml"), str(FIXTURES / "gmail-reply.html")]
    via, here = both(running, *files, *flags)
    assert via == here
    code, out, err = via
    assert code == 2
    assert [line.split(": ", 2)[1] for line in err.splitlines()] == [f"{tmp_path}/missing.txt", f"{tmp_path}/bin.txt", f"{tmp_path}/empty.txt"]
    assert len(err.splitlines()) == 3


def test_stdin_and_in_reply_to_through_the_server(running, tmp_path):
    ctx = tmp_path / "customer.txt"
    ctx.write_text("My mug arrived chipped and it was a present.", encoding="utf-8")
    via, here = both(running, "-", "--in-reply-to", str(ctx), "--format", "jsonl", stdin=BAD.encode())
    assert via == here and via[0] == 1 and '"path": "<stdin>"' in via[1].replace('":"', '": "')
    # an unreadable --in-reply-to: one line, exit 2, nothing linted, and the server is not asked
    before = running.served
    missing = run_cli(str(ctx), "--in-reply-to", str(tmp_path / "nope.txt"), "--socket", str(running.path))
    assert missing == run_cli(str(ctx), "--in-reply-to", str(tmp_path / "nope.txt"), "--no-server")
    assert missing[0] == 2 and missing[1] == "" and "--in-reply-to" in missing[2]
    assert running.served == before
    # binary on stdin: decoded by the server, the same line
    via, here = both(running, "-", stdin=b"\x00\x00\x00")
    assert via == here and via[0] == 2 and "<stdin>: binary data" in via[2]


def test_output_file_through_the_server(running, tmp_path):
    draft = tmp_path / "d.txt"
    draft.write_text(BAD, encoding="utf-8")
    before = running.served
    code = run_cli(str(draft), "--format", "sarif", "-o", str(tmp_path / "via.sarif"), "--socket", str(running.path))
    assert running.served == before + 1
    assert code == run_cli(str(draft), "--format", "sarif", "-o", str(tmp_path / "here.sarif"), "--no-server")
    assert (tmp_path / "via.sarif").read_bytes() == (tmp_path / "here.sarif").read_bytes()


def test_each_file_gets_its_nearest_configuration_through_the_server(running, tmp_path, monkeypatch):
    team = tmp_path / "team"
    team.mkdir()
    (team / ".apologylint.toml").write_text('ignore = ["AL302"]\nfail-on = "error"\n', encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.apologylint]\nignore = ["AL301"]\n', encoding="utf-8")
    (team / "a.txt").write_text(BAD, encoding="utf-8")
    (tmp_path / "b.txt").write_text(BAD, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    via, here = both(running, "team/a.txt", "b.txt", "--format", "jsonl")
    assert via == here
    rules = [{f["rule"] for f in json.loads(line)["findings"]} for line in via[1].splitlines()]
    assert "AL302" not in rules[0] and "AL301" in rules[0]
    assert "AL301" not in rules[1] and "AL302" in rules[1]
    via, here = both(running, "team/a.txt", "--isolated")
    assert via == here and "AL302" in via[1]
    via, here = both(running, "b.txt", "--config", "team/.apologylint.toml")
    assert via == here and "AL302" not in via[1]


def test_an_edited_configuration_file_is_read_again(running, tmp_path, monkeypatch):
    conf = tmp_path / ".apologylint.toml"
    conf.write_text('ignore = ["AL302"]\n', encoding="utf-8")
    (tmp_path / "a.txt").write_text(BAD, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    first, _ = both(running, "a.txt")
    assert "AL302" not in first[1]
    conf.write_text('ignore = ["AL301"]\n', encoding="utf-8")
    os.utime(conf, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    second, here = both(running, "a.txt")
    assert second == here and "AL302" in second[1] and "AL301" not in second[1]
    # a file it extends counts too
    (tmp_path / "base.toml").write_text('fail-on = "error"\nignore = ["AL302"]\n', encoding="utf-8")
    conf.write_text('extend = "base.toml"\n', encoding="utf-8")
    third, _ = both(running, "a.txt")
    assert "AL302" not in third[1]
    (tmp_path / "base.toml").write_text('ignore = ["AL301"]\n', encoding="utf-8")
    os.utime(tmp_path / "base.toml", ns=(time.time_ns() + 2 * 10**9, time.time_ns() + 2 * 10**9))
    fourth, here = both(running, "a.txt")
    assert fourth == here and "AL302" in fourth[1] and "AL301" not in fourth[1]


def test_a_configuration_the_server_cannot_use_is_reported_in_process(running, tmp_path, monkeypatch):
    """A broken file, an unknown rule name, a pyproject.toml that is not TOML: the server says
    no, the client lints in-process, and the error is the in-process error."""
    (tmp_path / "a.txt").write_text(BAD, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for name, body in [(".apologylint.toml", "fail-on = 'fatal'\n"), (".apologylint.toml", "ignore = ['AL9999x']\n"),
                       (".apologylint.toml", "not toml ["), ("pyproject.toml", "not toml [")]:
        for stale in (".apologylint.toml", "pyproject.toml"):
            (tmp_path / stale).unlink(missing_ok=True)
        (tmp_path / name).write_text(body, encoding="utf-8")
        before = running.served
        via = run_cli("a.txt", "--socket", str(running.path))
        assert running.served == before
        assert via == run_cli("a.txt", "--no-server")
        assert via[0] == 2 and via[2].startswith("apologylint: ") and len(via[2].splitlines()) == 1


def test_the_client_finds_the_configuration_discovery_finds(tmp_path):
    from apologylint.discovery import Resolver

    (tmp_path / "a" / "b" / "c").mkdir(parents=True)
    (tmp_path / "x").mkdir()
    (tmp_path / "pyproject.toml").write_text("[tool.apologylint]\nignore = ['AL302']\n", encoding="utf-8")
    (tmp_path / "a" / "pyproject.toml").write_text("[project]\nname = 'not ours'\n", encoding="utf-8")
    (tmp_path / "a" / "b" / "pyproject.toml").write_text("[tool.apologylint]\n", encoding="utf-8")
    (tmp_path / "a" / "b" / ".apologylint.toml").write_text("", encoding="utf-8")
    (tmp_path / "x" / "pyproject.toml").write_text("[tool.other]\n", encoding="utf-8")
    finder, resolver = client.Finder(), Resolver()
    for start in ["a/b/c/r.txt", "a/b/c", "a/b/r.txt", "a/r.txt", "a", "x/r.txt", "r.txt", "missing/deeper/r.txt"]:
        path = str(tmp_path / start)
        want = resolver.find(path)
        assert finder.find(path) == (str(want) if want else None), start
    (tmp_path / "x" / "pyproject.toml").write_text("not toml [", encoding="utf-8")
    with pytest.raises(client.Unsure):
        client.Finder().find(str(tmp_path / "x" / "r.txt"))


def test_the_client_imports_neither_pydantic_nor_spacy(running, tmp_path):
    """The point of the lean client: a served lint loads no model, no rule and no pipeline."""
    draft = tmp_path / "d.txt"
    draft.write_text(BAD, encoding="utf-8")
    code = (
        "import sys\n"
        "from apologylint.cli import main\n"
        f"status = main([{str(draft)!r}, '--socket', {str(running.path)!r}])\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'pydantic_core', 'spacy', 'yaml', 'jinja2'))\n"
        "print('HEAVY', heavy, status)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(Path(server.__file__).parent.parent), os.environ.get("PYTHONPATH", "")) if p)}
    before = running.served
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert running.served == before + 1, proc.stderr
    assert "HEAVY [] 1" in proc.stdout, proc.stdout + proc.stderr
    assert "AL302" in proc.stdout


def test_sendmail_verdict_is_the_same_through_the_server(running, monkeypatch, tmp_path):
    from apologylint.cli import sendmail

    monkeypatch.setattr(sendmail, "_exec", lambda command, fd: 0)
    monkeypatch.setattr(sendmail, "TTY", str(tmp_path / "tty"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".apologylint.toml").write_text('ignore = ["AL301"]\n', encoding="utf-8")
    outcomes = []
    for body in (BAD, GOOD, ""):
        data = b"From: a@example.com\nTo: b@example.com\nSubject: late\n\n" + body.encode()
        for flag in ("--socket", "--no-server"):
            class Stdin:
                buffer = io.BytesIO(data)

            monkeypatch.setattr(sys, "stdin", Stdin())
            err = io.StringIO()
            before = running.served
            with mock.patch.object(sys, "stderr", err):
                code = main(["sendmail", "--notify", "never", *( [flag, str(running.path)] if flag == "--socket" else [flag]), "--", "/bin/true"])
            outcomes.append((code, err.getvalue()))
            assert running.served == before + (flag == "--socket")
    assert outcomes[0] == outcomes[1] and outcomes[0][0] == 1 and "AL302" in outcomes[0][1] and "AL301" not in outcomes[0][1]
    assert outcomes[2] == outcomes[3] and outcomes[2][0] == 0
    assert outcomes[4] == outcomes[5]


def test_the_editor_server_lints_through_the_server(running, tmp_path):
    """`apologylint lsp` sends a document to a warm server when one answers (no pipeline load
    in the editor's process) and gets the findings it would make itself; --no-server and a
    dead socket lint in-process."""
    import argparse

    pytest.importorskip("pygls")
    from apologylint import lsp as al_lsp
    from apologylint.cli import lsp as lsp_cmd

    def editor(*flags: str):
        parser = argparse.ArgumentParser()
        lsp_cmd.configure(parser)
        return al_lsp.ApologyServer(al_lsp.Settings(args=parser.parse_args(list(flags))))

    docs = [("a.txt", BAD), ("b.md", "<!-- apologylint: disable=AL302 -->\n" + BAD), ("c.html", f"<p>{BAD}</p>"),
            ("d.txt", "x" * 300_000)]
    via, here = editor("--socket", str(running.path)), editor("--no-server")
    for name, text in docs:
        uri = (tmp_path / name).as_uri()
        kind, syntax = al_lsp.kind_of(None, uri), al_lsp.syntax_of(None, uri)
        before = running.served
        try:
            got = via.lint_text(uri, text, kind, syntax)
        except al_lsp.LintFailure as exc:
            got = exc
        assert running.served == before + 1  # too long too: the server's report says so
        try:
            want = here.lint_text(uri, text, kind, syntax)
        except al_lsp.LintFailure as exc:
            want = exc
        assert running.served == before + 1
        if isinstance(want, Exception):
            assert str(got) == str(want)
            continue
        assert [(loc.start, loc.end, loc.finding.model_dump()) for loc in got[1]] == [
            (loc.start, loc.end, loc.finding.model_dump()) for loc in want[1]]
        assert got[1], name


def test_memory_zones_change_no_report(running, linter):
    """Each request is linted in a spaCy memory zone (its new strings freed after it): the
    reports of many requests with new names and numbers, and of a text seen before and after,
    are the in-process reports."""
    texts = [(f"Hi Zorblax{n}, order #{900000 + n}: " + t, c) for n in range(24) for t, c in TEXTS[n % 4 : n % 4 + 1]]
    items = [LintInput(text=t, in_reply_to=c) for t, c in texts]
    got = []
    for i in range(0, len(items), 6):
        got += server.lint_via_server(linter.config, items[i : i + 6], socket_path=running.path)
    again = server.lint_via_server(linter.config, items[:6], socket_path=running.path)
    assert "Zorblax3" not in linter.nlp.vocab.strings  # freed with its zone (the pipeline is shared here)
    want = list(linter.lint_many(items))
    assert [r.model_dump() for r in got] == [r.model_dump() for r in want]
    assert [r.model_dump() for r in again] == [r.model_dump() for r in want[:6]]


def test_the_shipped_rules_are_part_of_every_configurations_key(tmp_path):
    """An edit to the shipped rules (a source checkout's rules/) is a new key too, as an edited
    pack is: the server reads them again without a restart."""
    from apologylint.ruleset import data_dir

    shipped = {str(p) for p in data_dir("rules").rglob("*") if p.is_file()}
    assert shipped and shipped <= {f for f, _, _ in server._rule_files(Config())}
    pack = tmp_path / "pack.yaml"
    pack.write_text("[]\n", encoding="utf-8")
    assert str(pack) in {f for f, _, _ in server._rule_files(Config(rule_paths=[pack]))}
