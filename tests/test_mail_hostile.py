"""Hostile email shapes (issue 17): deep HTML nesting, attached messages, body positions.

Linting uses the marker rule pack (TST901 flags every "calm down").
"""
from __future__ import annotations

import pathlib

import pytest

from apologylint.inputs import InputError
from apologylint.mail import read_email, read_html
from apologylint.mail import html as html_mod

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "email"
MARKERS = FIXTURES / "marker-rules.yaml"


@pytest.fixture(scope="module")
def marker():
    from apologylint import Config, Linter

    return Linter(Config(rule_paths=[MARKERS], select=["TST901"]))


def nested_html(depth: int, inner: str = "As I said, calm down.") -> str:
    return "<html><body><p>Hi Maria,</p>" + "<div>" * depth + inner + "</div>" * depth + "<p>Tom</p></body></html>"


def html_email(body: str) -> bytes:
    return (
        "From: tom@acme.example\nTo: maria@example.com\nSubject: Re: order\nMIME-Version: 1.0\n"
        "Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" + body + "\n"
    ).encode()


# -- deep HTML nesting -------------------------------------------------------------------------
@pytest.mark.parametrize("depth", [255, 256, 300, 1500, 2000])
def test_deeply_nested_html_is_read_not_empty(depth):
    # libxml2 drops everything below 256 levels without huge_tree; inscriptis recurses per level
    text = html_mod.to_text(nested_html(depth)).text
    assert "As I said, calm down." in text
    assert text.index("Hi Maria,") < text.index("As I said") < text.index("Tom")


@pytest.mark.parametrize("depth", [300, 1500])
def test_deeply_nested_html_email_is_linted(marker, depth):
    message = read_email(html_email(nested_html(depth)))
    report = marker.lint(message.text, message.in_reply_to)
    assert [f.rule for f in report.findings] == ["TST901"]


def test_html_deeper_than_the_parser_can_go_is_an_error_not_an_empty_body():
    with pytest.raises(InputError) as err:
        read_email(html_email(nested_html(5000)))
    assert "too deeply" in str(err.value) and "<message>" in str(err.value)
    with pytest.raises(InputError):
        read_html(nested_html(5000).encode(), "deep.html")


def test_flattening_keeps_comments_out_of_the_text():
    deep = "<html><body>" + "<div><!-- secret -->" * 300 + "calm down" + "</div>" * 300 + "</body></html>"
    text = html_mod.to_text(deep).text
    assert "calm down" in text and "secret" not in text


def test_a_gmail_quote_within_the_depth_limit_is_still_set_aside():
    body = (
        "<html><body>" + "<div>" * 50 + "Thanks for writing.</div>"
        + '<div class="gmail_quote">On Mon, Maria wrote:<blockquote>calm down yourself</blockquote></div>'
        + "</div>" * 49 + "</body></html>"
    )
    result = html_mod.to_text(body)
    assert "Thanks for writing." in result.text and "calm down" not in result.text
    assert "calm down yourself" in (result.quoted or "")


# -- an attached message -----------------------------------------------------------------------
FORWARD_AS_ATTACHMENT = b"""From: tom@acme.example
To: maria@example.com
Subject: Fwd: order
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=XX

--XX
Content-Type: message/rfc822

From: jo@example.com
Subject: order

As I said, calm down.
--XX--
"""


def test_an_attached_message_is_named_as_such_not_as_text_plain():
    with pytest.raises(InputError) as err:
        read_email(FORWARD_AS_ATTACHMENT)
    why = str(err.value)
    assert "(parts: message/rfc822)" in why and "text/plain" not in why.split("(parts:")[1]


def test_a_bare_message_rfc822_is_named_too():
    raw = b"From: a@acme.example\nTo: b@example.com\nMIME-Version: 1.0\nContent-Type: message/rfc822\n\n" \
          b"From: c@example.com\nSubject: x\n\nAs I said, calm down.\n"
    with pytest.raises(InputError, match=r"parts: message/rfc822\)"):
        read_email(raw)


def test_parts_listed_are_the_messages_own_leaves():
    raw = FORWARD_AS_ATTACHMENT.replace(
        b"--XX--\n", b"--XX\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\nJVBERg==\n--XX--\n"
    )
    with pytest.raises(InputError, match=r"parts: application/pdf, message/rfc822\)"):
        read_email(raw)


# -- positions in the body as the editor shows it ----------------------------------------------
def _body_position(raw: bytes, marker):
    message = read_email(raw)
    report = marker.lint(message.text, message.in_reply_to)
    (finding,) = report.findings
    return message.origin.body_position(finding.start)


def test_body_position_counts_lines_from_the_top_of_the_body(marker):
    body = "Hi Maria,\n\nThanks for waiting.\nPlease calm down, it ships today.\n\nTom\n"
    raw = ("From: tom@acme.example\nTo: maria@example.com\nSubject: Re: x\nX-Long: a\n b\n c\n\n" + body).encode()
    line, column = _body_position(raw, marker)
    body_line = body.split("\n")[line - 1]
    assert body_line[column - 1 :].lower().startswith("calm down")
    assert body_line.startswith("Please")


def test_body_position_in_a_multipart_message_with_quoted_printable(marker):
    text = "Hi Maria,\n\nThe caf\u00e9 order \u2019s late. Please calm down.\n\nTom\n"
    import quopri

    qp = quopri.encodestring(text.encode("utf-8")).decode("ascii")
    raw = (
        "From: tom@acme.example\nTo: maria@example.com\nSubject: Re: x\nMIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: quoted-printable\n\n" + qp + "\n--B\nContent-Type: application/octet-stream\n"
        "Content-Transfer-Encoding: base64\n\nAAAA\n--B--\n"
    ).encode()
    line, column = _body_position(raw, marker)
    body_line = text.split("\n")[line - 1]
    assert body_line[column - 1 :].startswith("calm down")


def test_body_position_after_a_set_aside_quote(marker):
    body = "Hi Maria,\n\n> calm down was not said here\n> by you\n\nI see. Now calm down.\n"
    raw = ("From: tom@acme.example\nTo: maria@example.com\nSubject: Re: x\n\n" + body).encode()
    line, column = _body_position(raw, marker)
    assert body.split("\n")[line - 1][column - 1 :].startswith("calm down.")
