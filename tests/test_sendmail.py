"""`apologylint sendmail -- REAL_SENDMAIL`: the pre-send wrapper never loses a message.

A fake sendmail (tests/fixtures/email/fake_sendmail.py) records the bytes and arguments it gets.
Every path ends in one of two ways: the real sendmail received the message byte for byte, or it
received nothing and the wrapper exited non-zero with a reason on stderr (so the client keeps the
draft). Linting uses the marker rule pack (TST901 flags every "calm down").
"""
from __future__ import annotations

import email
import email.policy
import io
import json
import os
import pathlib
import re
import subprocess
import sys
import time

import pytest

from apologylint.cli import main

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "email"
FAKE = FIXTURES / "fake_sendmail.py"
MARKERS = ["--rules", str(FIXTURES / "marker-rules.yaml"), "--select", "TST901"]

HELD = (FIXTURES / "gmail-reply.eml").read_bytes()  # says "Calm down."
# a clean message with the awkward bytes a wrapper could damage: CRLF, latin-1 8bit, trailing
# spaces, a NUL-free control character, and no final newline
CLEAN = (
    (FIXTURES / "latin1.eml").read_bytes().replace(b"calm down", b"thank you").replace(b"Calm down", b"Thank you")
    .replace(b"\n", b"\r\n") + b"Tom  \x0c\r\nAcme"
)
assert b"calm down" not in CLEAN.lower()


def fake_exec(command, fd):
    """In-process stand-in for the wrapper's exec: the real sendmail reads the same spool file."""
    try:
        return subprocess.run(command, stdin=fd).returncode
    finally:
        os.close(fd)


@pytest.fixture(scope="module", autouse=True)
def warm_pipeline():
    """Load the spaCy pipeline once here: the wrapper lints in a forked child, which inherits it."""
    from apologylint import Config, Linter

    Linter(Config(rule_paths=[FIXTURES / "marker-rules.yaml"], select=["TST901"])).lint("Calm down.")


@pytest.fixture
def outbox(tmp_path, monkeypatch):
    from apologylint.cli import sendmail

    box = tmp_path / "outbox"
    monkeypatch.setenv("FAKE_SENDMAIL_DIR", str(box))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    for name in ("APOLOGYLINT_SKIP", "APOLOGYLINT_BUDGET", "FAKE_SENDMAIL_EXIT", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sendmail, "_exec", fake_exec)  # the real exec would replace pytest
    monkeypatch.setattr(sendmail, "TTY", str(tmp_path / "tty"))
    return box


def hook_log(box: pathlib.Path) -> list[str]:
    path = box.parent / "state" / "apologylint" / "hook.log"
    return path.read_text().splitlines() if path.exists() else []


def sent(box: pathlib.Path) -> list[bytes]:
    return [p.read_bytes() for p in sorted(box.glob("message-*.eml"))] if box.exists() else []


def wrapper(monkeypatch, data: bytes, *options: str, sendmail_args=("-oi", "-t")) -> int:
    class Stdin:
        buffer = io.BytesIO(data)

    monkeypatch.setattr(sys, "stdin", Stdin())
    return main(["sendmail", *options, "--", sys.executable, str(FAKE), *sendmail_args])


def test_clean_message_is_passed_through_byte_for_byte(outbox, monkeypatch, capsys):
    rc = wrapper(monkeypatch, CLEAN, *MARKERS, sendmail_args=("-oi", "-f", "tom@acme.example", "--", "maria@example.com"))
    assert rc == 0
    assert sent(outbox) == [CLEAN]
    assert json.loads((outbox / "args-0.json").read_text()) == ["-oi", "-f", "tom@acme.example", "--", "maria@example.com"]
    assert capsys.readouterr().err == ""


def test_the_real_sendmail_exit_status_is_returned(outbox, monkeypatch):
    monkeypatch.setenv("FAKE_SENDMAIL_EXIT", "75")
    assert wrapper(monkeypatch, CLEAN, *MARKERS) == 75
    assert sent(outbox) == [CLEAN]


def test_findings_hold_the_message_and_report_on_stderr(outbox, monkeypatch, capsys):
    rc = wrapper(monkeypatch, HELD, *MARKERS)
    err = capsys.readouterr().err
    assert rc == 1
    assert sent(outbox) == []
    assert "NOT sent" in err and "X-Apologylint: skip" in err and "APOLOGYLINT_SKIP=1" in err
    # the position is in the body as the sender's editor shows it: decoded, counted from the body
    line, column = map(int, re.search(r"^body:(\d+):(\d+): TST901 error", err, re.M).groups())
    body = email.message_from_bytes(HELD, policy=email.policy.default).get_body(("plain",)).get_content()
    assert body.splitlines()[line - 1][column - 1 :].startswith("Calm down.")
    assert line < 17  # not the line of the whole message the client piped


def test_fail_on_decides_what_holds(outbox, monkeypatch):
    # the marker is an error: with --fail-on error it still holds; ignoring it lets the mail go
    assert wrapper(monkeypatch, HELD, *MARKERS, "--fail-on", "error") == 1
    assert wrapper(monkeypatch, HELD, *MARKERS, "--ignore", "TST901") == 0
    assert sent(outbox) == [HELD]


@pytest.mark.parametrize("header", [b"X-Apologylint: skip", b"x-apologylint:   SKIP  "])
def test_skip_header_sends_without_linting(outbox, monkeypatch, capsys, header):
    data = header + b"\n" + HELD
    assert wrapper(monkeypatch, data, *MARKERS) == 0
    assert sent(outbox) == [data]  # the header goes out as it is: bytes are never changed
    assert "sending without linting" in capsys.readouterr().err


def test_skip_environment_variable(outbox, monkeypatch):
    monkeypatch.setenv("APOLOGYLINT_SKIP", "1")
    assert wrapper(monkeypatch, HELD, *MARKERS) == 0
    assert sent(outbox) == [HELD]


def test_skip_environment_variable_set_to_zero_does_not_skip(outbox, monkeypatch):
    monkeypatch.setenv("APOLOGYLINT_SKIP", "0")
    assert wrapper(monkeypatch, HELD, *MARKERS) == 1
    assert sent(outbox) == []


GARBAGE = bytes(range(256)) * 64


@pytest.mark.parametrize("data", [GARBAGE, b"", b"Hi Maria, calm down.\n", b"From: a@b\nTo: c@d\nContent-Type: application/pdf\n\n%PDF"])
def test_unreadable_message_is_sent_unchanged_with_a_warning(outbox, monkeypatch, capsys, data):
    assert wrapper(monkeypatch, data, *MARKERS) == 0
    assert sent(outbox) == [data]
    err = capsys.readouterr().err
    assert "warning" in err and "sending the message unchanged" in err


def test_fail_closed_holds_an_unreadable_message(outbox, monkeypatch, capsys):
    assert wrapper(monkeypatch, GARBAGE, "--fail-closed", *MARKERS) == 2
    assert sent(outbox) == []
    assert "NOT sent (--fail-closed)" in capsys.readouterr().err


def test_broken_configuration_fails_open_or_closed(outbox, monkeypatch, tmp_path, capsys):
    bad = tmp_path / "apologylint.toml"
    bad.write_text("fail_on = [not toml")
    assert wrapper(monkeypatch, HELD, "--config", str(bad)) == 0
    assert sent(outbox) == [HELD]
    assert "apologylint.toml" in capsys.readouterr().err
    assert wrapper(monkeypatch, HELD, "--config", str(bad), "--fail-closed") == 2
    assert sent(outbox) == [HELD]  # still only the first one


def test_a_crash_while_linting_fails_open(outbox, monkeypatch, capsys):
    import apologylint.mail

    def boom(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(apologylint.mail, "read_email", boom)
    assert wrapper(monkeypatch, HELD, *MARKERS) == 0
    assert sent(outbox) == [HELD]
    err = capsys.readouterr().err
    assert "RuntimeError: simulated bug" in err and "Traceback" not in err
    assert wrapper(monkeypatch, HELD, "--fail-closed", *MARKERS) == 2
    assert len(sent(outbox)) == 1


def test_a_forward_without_a_note_is_sent(outbox, monkeypatch, capsys):
    data = b"From: a@acme.example\nTo: b@acme.example\nSubject: Fwd: x\n\n> quoted\n> only\n> here\n"
    assert wrapper(monkeypatch, data, "--fail-closed", *MARKERS) == 0
    assert sent(outbox) == [data]


def test_missing_real_sendmail_is_an_error_not_a_silent_loss(outbox, monkeypatch, capsys, tmp_path):
    class Stdin:
        buffer = io.BytesIO(CLEAN)

    monkeypatch.setattr(sys, "stdin", Stdin())
    rc = main(["sendmail", *MARKERS, "--", str(tmp_path / "no-such-sendmail"), "-t"])
    assert rc == 127
    assert "NOT sent" in capsys.readouterr().err


def test_no_command_is_a_usage_error(monkeypatch, capsys):
    assert main(["sendmail", "--fail-closed"]) == 2
    assert "no sendmail command" in capsys.readouterr().err


def test_stderr_to_devnull_counts_as_nowhere(monkeypatch):
    from apologylint.cli import sendmail

    with open(os.devnull, "w") as null:
        monkeypatch.setattr(sys, "stderr", null)
        assert sendmail._stderr_goes_nowhere()


def test_stderr_to_a_file_is_not_nowhere(monkeypatch, tmp_path):
    from apologylint.cli import sendmail

    with open(tmp_path / "err.txt", "w") as f:
        monkeypatch.setattr(sys, "stderr", f)
        assert not sendmail._stderr_goes_nowhere()


# -- every path: the message reaches the real sendmail intact, or the wrapper says why not ----------
SCENARIOS = [
    ("clean", CLEAN, [], {}),
    ("findings", HELD, [], {}),
    ("garbage", GARBAGE, [], {}),
    ("garbage, fail-closed", GARBAGE, ["--fail-closed"], {}),
    ("skip header", b"X-Apologylint: skip\n" + HELD, [], {}),
    ("skip env", HELD, [], {"APOLOGYLINT_SKIP": "yes"}),
    ("sendmail fails", CLEAN, [], {"FAKE_SENDMAIL_EXIT": "1"}),
    ("empty", b"", ["--fail-closed"], {}),
]


@pytest.mark.parametrize("name, data, options, env", SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_nothing_is_ever_lost(outbox, monkeypatch, capsys, name, data, options, env):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    rc = wrapper(monkeypatch, data, *options, *MARKERS)
    got = sent(outbox)
    err = capsys.readouterr().err
    assert got in ([], [data])  # never a changed message, never two
    if not got:
        assert rc != 0 and "NOT sent" in err


def test_end_to_end_through_the_console_script(tmp_path):
    """The installed entry point with real pipes: one held message, one skipped."""
    env = {**os.environ, "FAKE_SENDMAIL_DIR": str(tmp_path / "box"), "XDG_STATE_HOME": str(tmp_path / "state")}
    env.pop("APOLOGYLINT_SKIP", None)
    cmd = [sys.executable, "-m", "apologylint", "sendmail", *MARKERS, "--", sys.executable, str(FAKE), "-t"]
    held = subprocess.run(cmd, input=HELD, capture_output=True, env=env, timeout=120)
    assert held.returncode == 1 and re.search(rb"^body:\d+:\d+: TST901", held.stderr, re.M)
    skipped = subprocess.run(cmd, input=b"X-Apologylint: skip\r\n" + HELD, capture_output=True, env=env, timeout=120)
    assert skipped.returncode == 0
    assert sent(tmp_path / "box") == [b"X-Apologylint: skip\r\n" + HELD]


def test_closed_stdin_is_reported_not_a_traceback(outbox, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", None)
    assert main(["sendmail", "--", sys.executable, str(FAKE)]) == 74
    assert "nothing was sent" in capsys.readouterr().err
    assert sent(outbox) == []


# -- issue 17: the budget, the log, the exec, closed stderr, hostile bodies -------------------------
def held_report(box: pathlib.Path) -> str:
    path = box.parent / "state" / "apologylint" / "held.txt"
    return path.read_text() if path.exists() else ""


def never_finishing_lint(monkeypatch):
    """The lint blocks for good (it runs in the wrapper's forked child, which inherits this)."""
    import threading

    import apologylint.mail

    def stuck(*args, **kwargs):
        threading.Event().wait()

    monkeypatch.setattr(apologylint.mail, "read_email", stuck)


def test_a_lint_past_its_budget_sends_the_message_unlinted_with_a_warning(outbox, monkeypatch, capsys):
    never_finishing_lint(monkeypatch)
    assert wrapper(monkeypatch, HELD, "--budget", "0.3", *MARKERS) == 0
    assert sent(outbox) == [HELD]
    err = capsys.readouterr().err
    assert "budget of 0.3 s" in err and "NOT linted" in err
    assert len(hook_log(outbox)) == 1 and " sent-unlinted: " in hook_log(outbox)[0] and "budget" in hook_log(outbox)[0]


def test_a_lint_past_its_budget_is_held_with_fail_closed(outbox, monkeypatch, capsys):
    never_finishing_lint(monkeypatch)
    assert wrapper(monkeypatch, HELD, "--budget", "0.3", "--fail-closed", *MARKERS) == 2
    assert sent(outbox) == []
    assert "NOT sent (--fail-closed)" in capsys.readouterr().err
    assert " held-unlinted: " in hook_log(outbox)[0]


def test_the_budget_can_come_from_the_environment(outbox, monkeypatch, capsys):
    never_finishing_lint(monkeypatch)
    monkeypatch.setenv("APOLOGYLINT_BUDGET", "0.25")
    assert wrapper(monkeypatch, HELD, *MARKERS) == 0
    assert sent(outbox) == [HELD]
    assert "budget of 0.25 s" in capsys.readouterr().err


def test_the_flag_wins_over_the_environment_and_a_bad_env_value_is_said(outbox, monkeypatch, capsys):
    never_finishing_lint(monkeypatch)
    monkeypatch.setenv("APOLOGYLINT_BUDGET", "soon")
    from apologylint.cli import sendmail

    monkeypatch.setattr(sendmail, "DEFAULT_BUDGET", 0.2)
    assert wrapper(monkeypatch, HELD, *MARKERS) == 0
    err = capsys.readouterr().err
    assert "APOLOGYLINT_BUDGET" in err and "'soon'" in err and "budget of 0.2 s" in err
    monkeypatch.setenv("APOLOGYLINT_BUDGET", "0.2")
    assert wrapper(monkeypatch, HELD, "--budget", "0.35", *MARKERS) == 0
    assert "budget of 0.35 s" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["0", "-1", "abc", "inf", "nan"])
def test_a_bad_budget_is_a_usage_error_and_nothing_is_sent(outbox, monkeypatch, capsys, value):
    with pytest.raises(SystemExit) as exit_:
        wrapper(monkeypatch, CLEAN, "--budget", value, *MARKERS)
    assert exit_.value.code == 2
    assert sent(outbox) == []
    assert "--budget" in capsys.readouterr().err


def test_a_lint_process_that_dies_fails_open_and_says_how(outbox, monkeypatch, capsys):
    import signal

    import apologylint.mail

    monkeypatch.setattr(apologylint.mail, "read_email", lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL))
    assert wrapper(monkeypatch, HELD, *MARKERS) == 0
    assert sent(outbox) == [HELD]
    assert "killed by SIGKILL" in capsys.readouterr().err


def test_the_budget_does_not_cut_a_normal_lint(outbox, monkeypatch):
    assert wrapper(monkeypatch, HELD, "--budget", "600", *MARKERS) == 1
    assert sent(outbox) == []


def test_every_outcome_is_a_line_of_the_hook_log(outbox, monkeypatch, tmp_path):
    wrapper(monkeypatch, CLEAN, *MARKERS)
    wrapper(monkeypatch, HELD, *MARKERS)
    wrapper(monkeypatch, GARBAGE, *MARKERS)
    wrapper(monkeypatch, b"X-Apologylint: skip\n" + HELD, *MARKERS)
    wrapper(monkeypatch, EMPTY_WITH_ATTACHMENT, *MARKERS)
    outcomes = [line.split(" ")[1] for line in hook_log(outbox)]
    assert outcomes == ["sent:", "held:", "sent-unlinted:", "sent-skipped:", "sent-nothing-to-lint:"]
    assert "(subject: 'Re: Order #4411 still not here')" in hook_log(outbox)[1]


def test_a_held_report_is_kept_in_held_txt(outbox, monkeypatch, capsys):
    wrapper(monkeypatch, HELD, *MARKERS)
    err = capsys.readouterr().err
    report = held_report(outbox)
    assert report.startswith("subject: Re: Order #4411 still not here\n")
    assert report.split("\n", 1)[1] == err
    assert "held.txt" in hook_log(outbox)[0]


def test_the_hook_log_follows_xdg_state_home_and_defaults_under_home(monkeypatch, tmp_path):
    from apologylint.cli.sendmail import HookLog

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "s"))
    assert HookLog.folder() == tmp_path / "s" / "apologylint"
    monkeypatch.setenv("XDG_STATE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert HookLog.folder() == tmp_path / "home" / ".local" / "state" / "apologylint"


def test_an_unwritable_log_is_said_and_the_message_still_goes(outbox, monkeypatch, tmp_path, capsys):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    assert wrapper(monkeypatch, CLEAN, *MARKERS) == 0
    assert sent(outbox) == [CLEAN]
    assert "cannot write the hook log" in capsys.readouterr().err


# `mutt -s x -a blob.bin -- to < /dev/null`: an empty text part and the attachment
EMPTY_WITH_ATTACHMENT = b"""From: tom@acme.example
To: maria@example.com
Subject: the file
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="B"

--B
Content-Type: text/plain; charset=us-ascii
Content-Disposition: inline


--B
Content-Type: application/octet-stream
Content-Disposition: attachment; filename="blob.bin"
Content-Transfer-Encoding: base64

AAECAwQFBgcICQ==

--B--
"""


def test_an_empty_body_with_an_attachment_the_hook_and_the_cli_agree(outbox, monkeypatch, capsys, tmp_path):
    assert wrapper(monkeypatch, EMPTY_WITH_ATTACHMENT, *MARKERS) == 0
    assert sent(outbox) == [EMPTY_WITH_ATTACHMENT]
    hook_says = capsys.readouterr().err
    path = tmp_path / "blob.eml"
    path.write_bytes(EMPTY_WITH_ATTACHMENT)
    assert main([*MARKERS, str(path)]) == 2
    cli_says = capsys.readouterr().err
    reason = "nothing to lint: the body is empty"
    assert reason in hook_says and reason in cli_says
    assert "sending the message unchanged" in hook_says
    assert reason in hook_log(outbox)[0]


def test_closed_stderr_with_a_held_message_exits_1_and_writes_the_terminal_copy(outbox, monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(sys, "stderr", None)  # what Python gives a process started with 2>&-
    assert wrapper(monkeypatch, HELD, *MARKERS) == 1
    assert sent(outbox) == []
    assert capsys.readouterr().out == ""
    tty = (tmp_path / "tty").read_text()
    assert re.search(r"^body:\d+:\d+: TST901", tty, re.M) and "NOT sent" in tty


def test_tty_never_writes_nothing_to_the_terminal_even_when_stderr_goes_nowhere(outbox, monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "stderr", None)
    assert wrapper(monkeypatch, HELD, "--tty", "never", *MARKERS) == 1
    assert not (tmp_path / "tty").exists()
    assert "TST901" in held_report(outbox)


def console(*args: str, env: dict, stdin=None, input_=None, **kw):
    cmd = [sys.executable, "-m", "apologylint", "sendmail", *args]
    return subprocess.run(cmd, input=input_, stdin=stdin, capture_output=True, env=env, timeout=300, **kw)


@pytest.fixture
def env(tmp_path):
    e = {**os.environ, "FAKE_SENDMAIL_DIR": str(tmp_path / "box"), "XDG_STATE_HOME": str(tmp_path / "state"),
         "PYTHONPATH": os.pathsep.join(sys.path)}
    for name in ("APOLOGYLINT_SKIP", "APOLOGYLINT_BUDGET", "FAKE_SENDMAIL_EXIT", "DISPLAY", "WAYLAND_DISPLAY"):
        e.pop(name, None)
    return e


def test_closed_stderr_through_the_console_script(tmp_path, env):
    """`apologylint sendmail ... 2>&-` with a held message: exit 1, nothing on stdout, report kept."""
    script = 'exec "$@" 2>&-'
    cmd = ["sh", "-c", script, "sh", sys.executable, "-m", "apologylint", "sendmail", "--tty", "never", *MARKERS,
           "--", sys.executable, str(FAKE), "-t"]
    proc = subprocess.run(cmd, input=HELD, stdout=subprocess.PIPE, env=env, timeout=300)
    assert proc.returncode == 1
    assert proc.stdout == b""
    assert sent(tmp_path / "box") == []
    assert "TST901" in (tmp_path / "state" / "apologylint" / "held.txt").read_text()


def test_the_wrapper_becomes_the_real_sendmail_reading_a_file(tmp_path, env):
    """No process sits between the client and the real sendmail: same pid, stdin a regular file."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "apologylint", "sendmail", *MARKERS, "--", sys.executable, str(FAKE), "-oi"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )
    out, err = proc.communicate(CLEAN, timeout=300)
    assert proc.returncode == 0, err
    assert sent(tmp_path / "box") == [CLEAN]
    info = json.loads((tmp_path / "box" / "info-0.json").read_text())
    assert info == {"pid": proc.pid, "stdin": "file"}


def test_a_real_sendmail_that_cannot_be_started_through_the_console_script(tmp_path, env):
    proc = console("--", str(tmp_path / "no-such-sendmail"), "-t", env=env, input_=b"X-Apologylint: skip\n" + CLEAN)
    assert proc.returncode == 127 and b"NOT sent" in proc.stderr
    assert "not-sent" in (tmp_path / "state" / "apologylint" / "hook.log").read_text()


BIG = (
    b"From: tom@acme.example\nTo: maria@example.com\nSubject: the logs\nMIME-Version: 1.0\n"
    b"Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nHi Maria, the logs are attached.\n"
    b"--B\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n"
    + (b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\n" * 270_000)
    + b"--B--\n"
)


def test_kill_9_at_any_moment_never_hands_the_real_sendmail_a_truncated_message(tmp_path, env):
    """The issue's loop: kill -9 the wrapper of a 20 MB message at moments spread over its life.

    One run to the end first says how long a delivery takes here (and must deliver it whole); the
    kills then land at fractions of that time: while Python starts, while the message is read and
    spooled, and after the exec, while the (slow-reading) fake sendmail reads it.
    """
    assert len(BIG) > 20_000_000
    message = tmp_path / "big.eml"
    message.write_bytes(BIG)
    env = {**env, "APOLOGYLINT_SKIP": "1", "FAKE_SENDMAIL_SLOW": "1"}
    box = tmp_path / "box"
    cmd = [sys.executable, "-m", "apologylint", "sendmail", "--", sys.executable, str(FAKE), "-oi"]

    def start():
        with open(message, "rb") as stdin:
            return subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)

    began = time.monotonic()
    assert start().wait(timeout=300) == 0
    whole = time.monotonic() - began
    assert sent(box) == [BIG]
    statuses = []
    for step in range(1, 15):
        proc = start()
        try:
            proc.wait(timeout=whole * step / 12)
        except subprocess.TimeoutExpired:
            proc.kill()
        statuses.append(proc.wait())
    got = sent(box)
    print("exit statuses:", statuses, "delivered:", len(got))
    assert all(m == BIG for m in got), [len(m) for m in got]  # whole, or not at all


def test_deep_html_through_the_wrapper_is_linted_and_held(outbox, monkeypatch):
    body = "<html><body>" + "<div>" * 300 + "As I said, calm down." + "</div>" * 300 + "</body></html>"
    data = ("From: tom@acme.example\nTo: maria@example.com\nSubject: Re: x\nMIME-Version: 1.0\n"
            "Content-Type: text/html; charset=utf-8\n\n" + body + "\n").encode()
    assert wrapper(monkeypatch, data, *MARKERS) == 1
    assert sent(outbox) == []


def test_html_too_deep_to_read_is_sent_with_a_warning_not_as_empty(outbox, monkeypatch, capsys):
    body = "<html><body>" + "<div>" * 5000 + "As I said, calm down." + "</div>" * 5000 + "</body></html>"
    data = ("From: tom@acme.example\nTo: maria@example.com\nSubject: Re: x\nMIME-Version: 1.0\n"
            "Content-Type: text/html; charset=utf-8\n\n" + body + "\n").encode()
    assert wrapper(monkeypatch, data, *MARKERS) == 0
    assert sent(outbox) == [data]
    err = capsys.readouterr().err
    assert "warning" in err and "too deeply" in err and "NOT linted" in err
    assert wrapper(monkeypatch, data, "--fail-closed", *MARKERS) == 2


def test_a_forward_as_attachment_is_sent_with_a_warning_naming_the_attached_message(outbox, monkeypatch, capsys):
    data = (b"From: tom@acme.example\nTo: maria@example.com\nSubject: Fwd: x\nMIME-Version: 1.0\n"
            b"Content-Type: multipart/mixed; boundary=XX\n\n--XX\nContent-Type: message/rfc822\n\n"
            b"From: jo@example.com\nSubject: x\n\nAs I said, calm down.\n--XX--\n")
    assert wrapper(monkeypatch, data, *MARKERS) == 0
    assert sent(outbox) == [data]
    assert "(parts: message/rfc822)" in capsys.readouterr().err


def test_a_notification_when_a_desktop_can_show_it(monkeypatch, tmp_path):
    import argparse
    import shutil

    from apologylint.cli import sendmail

    calls = []

    class Recorder:
        def __init__(self, argv, **kwargs):
            calls.append(argv)

    monkeypatch.setattr(sendmail.subprocess, "Popen", Recorder)
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/" + name if name == "notify-send" else None)
    args = argparse.Namespace(notify="auto")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    sendmail._notify(args, "apologylint: message NOT sent", "1 finding(s)")
    assert calls == []  # no desktop session: nothing to show it on
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    sendmail._notify(argparse.Namespace(notify="never"), "t", "b")
    assert calls == []
    sendmail._notify(args, "apologylint: message NOT sent", "1 finding(s)")
    assert calls == [["/usr/bin/notify-send", "--app-name=apologylint", "apologylint: message NOT sent", "1 finding(s)"]]


# -- suppression and configuration, as the lint command has them -------------------------------------
def with_header(data: bytes, header: bytes) -> bytes:
    """The message with one more header line at the top (its bytes otherwise unchanged)."""
    newline = b"\r\n" if b"\r\n" in data.split(b"\n\n", 1)[0] else b"\n"
    return header + newline + data


@pytest.mark.parametrize("value", [b"TST901", b"calm-down-marker", b"defensive", b""])
def test_the_disable_header_lets_a_silenced_message_go(outbox, monkeypatch, capsys, value):
    data = with_header(HELD, b"X-Apologylint-Disable: " + value)
    assert wrapper(monkeypatch, data, *MARKERS) == 0
    assert sent(outbox) == [data]  # the header goes out with the message: the bytes are never changed


def test_the_disable_header_silences_only_what_it_names(outbox, monkeypatch, capsys):
    # TST902 is a rule of the pack, but not the one that fires: the marker still holds the message
    data = with_header(HELD, b"X-Apologylint-Disable: context-marker")
    assert wrapper(monkeypatch, data, *MARKERS) == 1
    assert sent(outbox) == []
    assert re.search(r"^body:\d+:\d+: TST901 error", capsys.readouterr().err, re.M)


def test_an_invalid_disable_header_is_reported(outbox, monkeypatch, capsys):
    data = with_header(HELD, b"X-Apologylint-Disable: no-such-rule")
    assert wrapper(monkeypatch, data, *MARKERS, "--fail-on", "warning") == 1
    err = capsys.readouterr().err
    assert "AL001 warning" in err and "no-such-rule" in err


def write_config(folder: pathlib.Path, name: str = ".apologylint.toml", **keys) -> pathlib.Path:
    folder.mkdir(parents=True, exist_ok=True)
    body = "".join(f"{k} = {json.dumps(v)}\n" for k, v in keys.items())
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


MARKER_PACK = str(FIXTURES / "marker-rules.yaml")


def test_configuration_is_discovered_from_the_working_directory(outbox, monkeypatch, tmp_path):
    # the marker pack and the marker ignored, from a file found above the working directory:
    # without discovery the shipped rules would hold this message ("As I said", "Calm down")
    write_config(tmp_path / "team", **{"rule-paths": [MARKER_PACK], "select": ["TST901"], "ignore": ["calm-down-marker"]})
    (tmp_path / "team" / "mail").mkdir()
    monkeypatch.chdir(tmp_path / "team" / "mail")
    assert wrapper(monkeypatch, HELD) == 0
    assert sent(outbox) == [HELD]
    # the same file without the ignore: the marker holds it, so the discovered file is what decided
    write_config(tmp_path / "team", **{"rule-paths": [MARKER_PACK], "select": ["TST901"]})
    assert wrapper(monkeypatch, HELD) == 1
    assert sent(outbox) == [HELD]


def test_config_flag_wins_over_the_discovered_file_and_isolated_reads_none(outbox, monkeypatch, tmp_path):
    write_config(tmp_path / "cwd", **{"rule-paths": [MARKER_PACK], "select": ["TST901"], "ignore": ["TST901"]})
    other = write_config(tmp_path / "elsewhere", "strict.toml", **{"rule-paths": [MARKER_PACK], "select": ["TST901"]})
    monkeypatch.chdir(tmp_path / "cwd")
    assert wrapper(monkeypatch, HELD, "--config", str(other)) == 1  # the named file, not the discovered one
    assert wrapper(monkeypatch, HELD, "--isolated", *MARKERS) == 1  # the defaults and the flags only
    assert wrapper(monkeypatch, HELD) == 0  # and the discovered file ignores the marker
    assert sent(outbox) == [HELD]


def test_a_broken_discovered_configuration_fails_open_with_its_name(outbox, monkeypatch, tmp_path, capsys):
    write_config(tmp_path / "cwd", slect=["TST901"])
    monkeypatch.chdir(tmp_path / "cwd")
    assert wrapper(monkeypatch, HELD) == 0
    assert sent(outbox) == [HELD]
    err = capsys.readouterr().err
    assert ".apologylint.toml: unknown key 'slect'" in err and "NOT linted" in err
