"""Email input: MIME parts, charsets, quoted history and signatures, and positions in the .eml.

The fixtures in tests/fixtures/email are replies as Gmail, Outlook (desktop and web), Apple Mail,
Thunderbird and mutt write them. Linting uses a rule pack with one marker rule that flags every
"calm down" (TST901) and one that fires only when the reply had a customer message as context
(TST902), so the tests can say exactly which findings to expect while the real rules are tuned.
"""
from __future__ import annotations

import email
import io
import pathlib
import sys
from email import policy

import pytest

from apologylint.cli import main
from apologylint.inputs import InputError, read
from apologylint.mail import EmailReport, lint_email, looks_like_email, read_email
from apologylint.mail.quotes import layout

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "email"
MARKERS = FIXTURES / "marker-rules.yaml"
MARKER_ARGS = ["--rules", str(MARKERS), "--select", "TST901"]

# replies whose text part maps line for line (7bit/8bit) or byte for byte (quoted-printable)
EXACT = [
    "gmail-reply.eml",
    "outlook-reply.eml",
    "apple-mail-reply.eml",
    "latin1.eml",
    "windows-1252.eml",
    "attachment.eml",
    "forward.eml",
    "mutt-interleaved.eml",
]
# base64 and HTML bodies: findings point at the first line of the part's body
APPROXIMATE = ["base64.eml", "outlook-web-html-only.eml", "outlook-desktop-html-only.eml"]


@pytest.fixture(scope="module")
def marker():
    from apologylint import Config, Linter

    return Linter(Config(rule_paths=[MARKERS], select=["TST901"]))


@pytest.fixture(scope="module")
def context_marker():
    from apologylint import Config, Linter

    return Linter(Config(rule_paths=[MARKERS], select=["TST902"]))


def raw(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def file_text_at(data: bytes, line: int, column: int, charset: str, length: int) -> str:
    """The text of the file at (line, column), columns counted in characters of that line."""
    the_line = data.split(b"\n")[line - 1].rstrip(b"\r").decode(charset, errors="replace")
    return the_line[column - 1 : column - 1 + length]


def first_body_line(data: bytes) -> int:
    """For a single-part message: the line after the blank line that ends the headers."""
    lines = [ln.rstrip(b"\r") for ln in data.split(b"\n")]
    return lines.index(b"") + 2


# -- positions ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", EXACT)
def test_each_finding_points_at_the_flagged_words_in_the_eml(marker, name):
    data = raw(name)
    report = lint_email(data, linter=marker)
    assert isinstance(report, EmailReport) and report.source.exact
    expected = report.source.text.lower().count("calm down")
    assert expected >= 1, "every fixture's reply says 'calm down' at least once"
    assert len(report.findings) == expected
    for f in report.findings:
        assert file_text_at(data, f.line, f.column, report.source.charset, 9).lower() == "calm down", (f.line, f.column)
        assert report.source.text[f.start : f.end].lower() == "calm down"


@pytest.mark.parametrize("name", EXACT)
def test_quoted_history_and_signatures_are_not_linted(marker, name):
    data = raw(name)
    report = lint_email(data, linter=marker)
    aside = [(s.line, s.end_line) for s in report.source.set_aside]
    assert all(a is not None and b is not None and a <= b for a, b in aside)
    for f in report.findings:
        assert not any(a <= f.line <= b for a, b in aside), f"finding on set-aside line {f.line}"


@pytest.mark.parametrize(
    "name", ["gmail-reply.eml", "outlook-reply.eml", "latin1.eml", "mutt-interleaved.eml", "attachment.eml"]
)
def test_calm_down_in_the_quote_signature_or_attachment_is_ignored(marker, name):
    data = raw(name)
    report = lint_email(data, linter=marker)
    in_file = data.lower().count(b"calm down")
    assert in_file > len(report.findings) >= 1


@pytest.mark.parametrize("name", APPROXIMATE)
def test_base64_and_html_parts_point_at_the_first_line_of_the_part(marker, name):
    data = raw(name)
    report = lint_email(data, linter=marker)
    assert not report.source.exact
    assert report.source.line == first_body_line(data)
    assert report.findings
    assert {(f.line, f.column) for f in report.findings} == {(report.source.line, 1)}


def test_utf8_columns_count_characters_not_bytes(marker):
    data = "From: a@example.com\nTo: b@example.com\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nHola José, please calm down.\n".encode()
    report = lint_email(data, linter=marker)
    (f,) = report.findings
    assert (f.line, f.column) == (6, len("Hola José, please ") + 1)


def test_crlf_quoted_printable_soft_breaks_map_to_the_continuation_line(marker):
    data = raw("outlook-reply.eml")
    assert b"\r\n" in data and b"=\r\n. Calm down" in data
    report = lint_email(data, linter=marker)
    (f,) = report.findings
    lines = data.split(b"\r\n")
    assert lines[f.line - 1].startswith(b". Calm down") and f.column == 3


# -- what is linted, per client ----------------------------------------------------------------
def test_gmail_reply(marker):
    r = lint_email(raw("gmail-reply.eml"), linter=marker)
    assert r.source.content_type == "text/plain" and r.source.transfer_encoding == "quoted-printable"
    assert "can\u2019t do anything" in r.source.text  # =E2=80=99 decoded across a soft break
    assert "wrote:" not in r.source.text and "\n>" not in r.source.text
    assert "Best," not in r.source.text  # the sign-off block
    assert "wedding on Saturday" in r.source.in_reply_to and ">" not in r.source.in_reply_to
    assert {s.kind for s in r.source.set_aside} == {"quote", "signature"}


def test_outlook_reply_header_block_and_signature(marker):
    r = lint_email(raw("outlook-reply.eml"), linter=marker)
    assert r.source.charset == "cp1252" and "We\u2019re sorry" in r.source.text
    assert "From: Maria" not in r.source.text and "+44 20" not in r.source.text and "Kind regards" not in r.source.text
    assert "I want a refund" in r.source.in_reply_to and "Sent:" not in r.source.in_reply_to


def test_apple_mail_reply_drops_sent_from_my_iphone(marker):
    r = lint_email(raw("apple-mail-reply.eml"), linter=marker)
    assert r.source.text == "Hi Maria, calm down, it\u2019s only a few days late."
    assert "wedding on Saturday" in r.source.in_reply_to


def test_mutt_answers_between_quotes_are_all_linted(marker):
    r = lint_email(raw("mutt-interleaved.eml"), linter=marker)
    assert "It left the warehouse today." in r.source.text and "As I said, we answer in order." in r.source.text
    assert "Where is my order" not in r.source.text and "Tom Baker, Acme" not in r.source.text
    assert "nobody answers" not in r.source.text and ">" not in r.source.text
    assert "Where is my order" in r.source.in_reply_to and "nobody answers my emails" in r.source.in_reply_to
    assert "signature" in {s.kind for s in r.source.set_aside}


def test_forward_lints_the_note_and_keeps_the_forwarded_message_as_context(marker):
    r = lint_email(raw("forward.eml"), linter=marker)
    assert r.source.text == "Sam, can you take this one? Tell her to calm down and wait."
    assert [s.kind for s in r.source.set_aside] == ["forward"]
    assert r.source.in_reply_to.startswith("My order #4411 is two weeks late")


def test_reply_without_quote_is_linted_whole(marker):
    r = lint_email(raw("no-quote.eml"), linter=marker)
    assert r.source.set_aside == [] and r.source.in_reply_to is None
    assert r.source.text.startswith("Hi José,") and r.source.text.endswith("Thanks for your patience,\nTom")
    assert r.findings == []


def test_attachments_are_not_linted(marker):
    r = lint_email(raw("attachment.eml"), linter=marker)
    assert "Call notes" not in r.source.text and "%PDF" not in r.source.text
    assert r.source.content_type == "text/plain"


def test_outlook_web_html_only(marker):
    r = lint_email(raw("outlook-web-html-only.eml"), linter=marker)
    assert r.source.content_type == "text/html"
    assert r.source.text == "Hi Maria,\n\nAs I said in my last email, you should have ordered earlier. Calm down."
    assert r.source.in_reply_to.startswith("My order #4411") and "Sent:" not in r.source.in_reply_to


def test_outlook_desktop_html_header_block_cuts_the_quote(marker):
    r = lint_email(raw("outlook-desktop-html-only.eml"), linter=marker)
    assert "I\u2019m so sorry" in r.source.text  # windows-1252 0x92 in an 8bit HTML part
    assert "From:" not in r.source.text and "wedding" not in r.source.text
    assert "wedding on Saturday" in r.source.in_reply_to


def test_html_file(marker, tmp_path):
    msg = read(str(FIXTURES / "gmail-reply.html"))
    assert msg.text == "Hi Maria,\n\nAs I said in my last email, you should have ordered earlier. Calm down."
    assert "Don't tell me to calm down" in msg.in_reply_to
    report = msg.relocate(marker.lint(msg.text, msg.in_reply_to))
    assert [(f.line, f.column) for f in report.findings] == [(1, 1)]


# -- charsets and encodings ----------------------------------------------------------------------
def _plain(body: bytes, charset: str, cte: str = "8bit") -> bytes:
    return (
        b"From: a@example.com\nTo: b@example.com\nSubject: x\nMIME-Version: 1.0\n"
        + f"Content-Type: text/plain; charset={charset}\nContent-Transfer-Encoding: {cte}\n\n".encode()
        + body
    )


def test_latin1_and_windows_1252_bodies():
    assert "Señor García, calm down" in read_email(raw("latin1.eml")).text
    text = read_email(raw("windows-1252.eml")).text
    assert "You\u2019re right \u2013 we charged you twice. \u201cIt\u2019s policy\u201d" in text


def test_latin1_label_on_windows_1252_bytes_reads_as_windows_1252():
    assert read_email(_plain(b"We don\x92t ship on Sundays.\n", "iso-8859-1")).text == "We don\u2019t ship on Sundays."


def test_undecodable_bytes_are_replaced_not_fatal():
    assert read_email(_plain(b"Refund sent \xff\xfe today.\n", "utf-8")).text == "Refund sent \ufffd\ufffd today."


def test_unknown_or_missing_charset_falls_back_without_error():
    assert read_email(_plain("Refund sent to José.\n".encode(), "x-no-such-charset")).text == "Refund sent to José."
    assert read_email(_plain("Refund sent to José.\n".encode("cp1252"), "x-no-such-charset")).text == "Refund sent to José."


def test_base64_body_is_decoded():
    r = read_email(raw("base64.eml"))
    assert r.text.startswith("Hi Maria,") and "Calm down." in r.text and "Don\u2019t tell me" in r.in_reply_to


# -- the quote and signature heuristics --------------------------------------------------------
def kept(text: str) -> str:
    lay = layout(text)
    return "\n".join(text[s:e] for s, e in lay.kept)


def test_header_like_lines_in_a_reply_are_not_a_forward():
    text = "Hi Maria,\n\nDate: Friday 26 April\nTo: your home address\n\nThe courier will call ahead."
    assert kept(text) == text


def test_a_delivery_sentence_is_not_a_client_footer():
    text = "Hi Maria,\n\nIt was sent via DHL today.\nSent from our warehouse in Leeds.\n\nTom"
    assert kept(text) == text


def test_valediction_before_a_long_line_is_content():
    text = "Thanks,\nwe refunded the fee today and I will call you on Friday to confirm the new delivery date for the order."
    assert kept(text) == text


def test_signature_block_after_a_valediction_is_set_aside():
    text = "Your refund is on its way.\n\nWarm regards,\nTom Baker\nCustomer Care | Acme Outdoor\nwww.acme.example"
    assert kept(text) == "Your refund is on its way."


def test_sig_dash_sets_aside_the_rest():
    assert kept("Your refund is on its way.\n-- \nTom\nAcme: calm down, it's fine") == "Your refund is on its way."


def test_answers_between_quoted_lines_without_an_attribution():
    text = "Hi Maria,\n\n> Where is my order?\n\nIt ships Friday.\n\n> And the refund?\n>\n\nDone today."
    lay = layout(text)
    assert kept(text) == "Hi Maria,\n\n\nIt ships Friday.\n\n\nDone today."
    assert lay.quoted == "Where is my order?\nAnd the refund?"


def test_bottom_posted_reply():
    text = "On Mon, 22 Apr 2024 at 09:14, Maria <m@example.com> wrote:\n> Where is my order?\n\nIt ships today."
    lay = layout(text)
    assert kept(text) == "It ships today." and lay.quoted == "Where is my order?"


# -- reading: sniffing, bad input ------------------------------------------------------------------
def test_looks_like_email():
    assert looks_like_email(raw("gmail-reply.eml")) and looks_like_email(raw("outlook-reply.eml"))
    assert looks_like_email(b"From: a@example.com\nSubject: hi\n\nbody")
    assert looks_like_email(b"From MAILER-DAEMON Mon Apr 22 09:14:00 2024\nFrom: a@b\nTo: c@d\n\nx")
    assert not looks_like_email(b"Hi Maria,\n\nCalm down.")
    assert not looks_like_email(b"Re: your order\n\nIt ships today.")
    assert not looks_like_email(b"Note: call me\nWe ship today.\n")


@pytest.mark.parametrize(
    "data, why",
    [
        (b"", "empty"),
        (b"Hi Maria, the order ships today.", "not an email"),
        (b"From: a@example.com\nTo: b@example.com\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n", "no text/plain or text/html"),
        (b"From: a@example.com\nTo: b@example.com\nContent-Type: multipart/mixed; boundary=zz\n\nno parts at all\n", "no text/plain or text/html"),
        (b"From: a@example.com\nTo: b@example.com\n\n\n\n", "nothing to lint"),
        (b"From: a@example.com\nTo: b@example.com\n\n> quoted\n> only\n> here\n", "nothing to lint"),
    ],
)
def test_unreadable_messages_raise_one_line_input_errors(data, why):
    with pytest.raises(InputError) as exc:
        read_email(data, "x.eml")
    assert str(exc.value).startswith("x.eml: ") and why in str(exc.value) and "\n" not in str(exc.value)


def test_a_text_part_larger_than_a_reply_is_refused():
    big = _plain(b"We are sorry. " * 80_000, "utf-8")
    with pytest.raises(InputError, match="too large"):
        read_email(big, "big.eml")


def test_cli_bad_inputs_get_one_line_each_and_the_rest_is_linted(tmp_path, capsys):
    (tmp_path / "empty.eml").write_bytes(b"")
    (tmp_path / "garbage.eml").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "pdf-only.eml").write_bytes(b"From: a@example.com\nTo: b@example.com\nContent-Type: application/pdf\n\n%PDF\n")
    (tmp_path / "plain.eml").write_bytes(b"Hi Maria, calm down.\n")
    files = [str(FIXTURES / "gmail-reply.eml"), str(tmp_path / "missing.eml")] + [
        str(tmp_path / n) for n in ("empty.eml", "garbage.eml", "pdf-only.eml", "plain.eml")
    ]
    rc = main(files + MARKER_ARGS)
    out, err = capsys.readouterr()
    assert rc == 2
    assert "Traceback" not in err
    lines = [ln for ln in err.splitlines() if ln.startswith("apologylint: ")]
    assert len(lines) == 5
    for name in ("missing.eml", "empty.eml", "garbage.eml", "pdf-only.eml", "plain.eml"):
        assert sum(name in ln for ln in lines) == 1
    assert f"{FIXTURES / 'gmail-reply.eml'}:17:62: TST901" in out


def test_cli_eml_positions_and_json_source(capsys):
    rc = main([str(FIXTURES / "outlook-reply.eml"), "--format", "json"] + MARKER_ARGS)
    out, _ = capsys.readouterr()
    import json

    (report,) = [json.loads(line) for line in out.splitlines()]
    assert rc == 1
    assert [(f["line"], f["column"]) for f in report["findings"]] == [(29, 3)]
    assert report["source"]["exact"] is True and report["source"]["charset"] == "cp1252"
    assert "I want a refund" in report["source"]["in_reply_to"]


def _stdin(monkeypatch, data: bytes) -> None:
    class Stdin:
        buffer = io.BytesIO(data)

    monkeypatch.setattr(sys, "stdin", Stdin())


def test_cli_stdin_sniffs_a_mime_message(monkeypatch, capsys):
    _stdin(monkeypatch, raw("gmail-reply.eml"))
    assert main(["-"] + MARKER_ARGS) == 1
    out, _ = capsys.readouterr()
    assert "<stdin>:17:62: TST901" in out


def test_cli_stdin_plain_text_stays_text(monkeypatch, capsys):
    _stdin(monkeypatch, b"Hi Maria,\nplease calm down.\n")
    assert main(["-"] + MARKER_ARGS) == 1
    out, _ = capsys.readouterr()
    assert "<stdin>:2:8: TST901" in out


def test_cli_uses_the_quoted_message_as_context(capsys):
    args = ["--rules", str(MARKERS), "--select", "TST902"]
    assert main([str(FIXTURES / "gmail-reply.eml")] + args) == 1
    assert main([str(FIXTURES / "no-quote.eml")] + args) == 0  # no quote: no context
    capsys.readouterr()


# -- the API -------------------------------------------------------------------------------------------
class SpyLinter:
    def __init__(self):
        self.calls = []

    def lint(self, text, in_reply_to=None):
        from apologylint import Report

        self.calls.append((text, in_reply_to))
        return Report()


def test_lint_email_passes_the_quoted_customer_message_as_context():
    spy = SpyLinter()
    report = lint_email(raw("gmail-reply.eml"), linter=spy)
    ((text, context),) = spy.calls
    assert text == report.source.text and context == report.source.in_reply_to
    assert context.startswith("My order #4411 is two weeks late")
    lint_email(raw("gmail-reply.eml"), in_reply_to="Where is it?", linter=spy)
    assert spy.calls[-1][1] == "Where is it?"


def test_lint_email_takes_bytes_str_and_emailmessage(marker):
    data = raw("mutt-interleaved.eml")
    from_bytes = lint_email(data, linter=marker)
    from_str = lint_email(data.decode("ascii"), linter=marker)
    msg = email.message_from_bytes(data, policy=policy.default)
    from_message = lint_email(msg, linter=marker)
    positions = [(f.line, f.column) for f in from_bytes.findings]
    assert positions and [(f.line, f.column) for f in from_str.findings] == positions
    assert from_message.source.text == from_bytes.source.text
    assert len(from_message.findings) == len(from_bytes.findings)


def test_lint_email_with_the_default_rules(linter):
    import apologylint

    report = apologylint.lint_email(raw("gmail-reply.eml"), linter=linter)
    assert not report.ok and report.source.exact
    for f in report.findings:  # whatever the rules flag, it is on the reply's lines of the file
        assert 15 <= f.line <= 18


def test_reading_email_never_imports_spacy():
    import subprocess

    code = (
        "import sys; from apologylint.inputs import read; "
        f"m = read({str(FIXTURES / 'gmail-reply.eml')!r}); "
        "assert m.in_reply_to; assert 'spacy' not in sys.modules, 'spacy imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_library_failure_on_odd_markup_is_an_input_error_not_a_traceback(monkeypatch, capsys):
    import apologylint.mail.html

    def boom(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(apologylint.mail.html, "to_text", boom)
    rc = main([str(FIXTURES / "gmail-reply.html"), str(FIXTURES / "mutt-interleaved.eml")] + MARKER_ARGS)
    out, err = capsys.readouterr()
    assert rc == 2 and "Traceback" not in err
    assert "gmail-reply.html: cannot extract the text (RecursionError" in err
    assert "mutt-interleaved.eml:18:30: TST901" in out
