"""`apologylint sendmail -- REAL_SENDMAIL`: the pre-send wrapper never loses a message.

A fake sendmail (tests/fixtures/email/fake_sendmail.py) records the bytes and arguments it gets.
Every path ends in one of two ways: the real sendmail received the message byte for byte, or it
received nothing and the wrapper exited non-zero with a reason on stderr (so the client keeps the
draft). Linting uses the marker rule pack (TST901 flags every "calm down").
"""
from __future__ import annotations

import io
import json
import os
import pathlib
import subprocess
import sys

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


@pytest.fixture
def outbox(tmp_path, monkeypatch):
    box = tmp_path / "outbox"
    monkeypatch.setenv("FAKE_SENDMAIL_DIR", str(box))
    monkeypatch.delenv("APOLOGYLINT_SKIP", raising=False)
    monkeypatch.delenv("FAKE_SENDMAIL_EXIT", raising=False)
    return box


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
    assert "<message>:17:62: TST901 error" in err  # line 17 of the message as the client piped it
    assert "NOT sent" in err and "X-Apologylint: skip" in err and "APOLOGYLINT_SKIP=1" in err


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


def test_missing_real_sendmail_is_an_error_not_a_silent_loss(monkeypatch, capsys, tmp_path):
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
    env = {**os.environ, "FAKE_SENDMAIL_DIR": str(tmp_path / "box")}
    env.pop("APOLOGYLINT_SKIP", None)
    cmd = [sys.executable, "-m", "apologylint", "sendmail", *MARKERS, "--", sys.executable, str(FAKE), "-t"]
    held = subprocess.run(cmd, input=HELD, capture_output=True, env=env, timeout=120)
    assert held.returncode == 1 and b"<message>:17:62: TST901" in held.stderr
    skipped = subprocess.run(cmd, input=b"X-Apologylint: skip\r\n" + HELD, capture_output=True, env=env, timeout=120)
    assert skipped.returncode == 0
    assert sent(tmp_path / "box") == [b"X-Apologylint: skip\r\n" + HELD]


def test_closed_stdin_is_reported_not_a_traceback(outbox, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", None)
    assert main(["sendmail", "--", sys.executable, str(FAKE)]) == 74
    assert "nothing was sent" in capsys.readouterr().err
    assert sent(outbox) == []
