"""Email input: read a message as a mail client sends it and lint what the sender wrote now.

    from apologylint.mail import lint_email
    report = lint_email(raw_bytes)          # or a str, or an email.message.EmailMessage
    report.findings                         # line/column point into the message file
    report.source.text                      # the text that was linted (quotes, signature set aside)
    report.source.in_reply_to               # the quoted customer message, used as context

Nothing here imports spaCy; the HTML and quote libraries load on first use.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .mime import looks_like_email
from .reader import MAX_EMAIL_BYTES, EmailInput, NothingToLint, Origin, read_email, read_html
from .report import EmailReport, MailSource, SetAside

if TYPE_CHECKING:  # pragma: no cover
    from ..linter import Linter


def lint_email(message: EmailInput, in_reply_to: str | None = None, linter: "Linter | None" = None, path: str | None = None) -> EmailReport:
    """Lint the new text of an email; the quoted customer message is the context unless given.

    Raises ``apologylint.inputs.InputError`` (a one-line message) when the message cannot be read
    or holds nothing new to lint.
    """
    msg = read_email(message, path or "<message>")
    if linter is None:
        from ..linter import default_linter

        linter = default_linter()
    if in_reply_to is not None:
        msg.in_reply_to = in_reply_to
    # the X-Apologylint-Disable header, and no comment syntax in a body (the customer sees it);
    # only passed when it matters, so a linter-like object with lint(text, in_reply_to) still works
    options = {"syntax": msg.syntax, "directives": msg.directives} if msg.directives or getattr(getattr(linter, "config", None), "hash_comments", False) else {}
    report = linter.lint(msg.text, msg.in_reply_to, **options)
    report.path = path
    return msg.relocate(report)  # type: ignore[return-value]


__all__ = ["EmailReport", "NothingToLint", "MailSource", "SetAside", "Origin", "MAX_EMAIL_BYTES", "lint_email", "looks_like_email", "read_email", "read_html"]
