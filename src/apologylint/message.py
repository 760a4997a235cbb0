"""What gets linted, and the one error for an input that cannot be: the bottom of the input layer.

`apologylint.inputs` (files and stdin) and `apologylint.mail` (emails and HTML) both build a
`Message` and raise `InputError`; both import them from here, so the mail package never has to
import `inputs`, which sits above it and dispatches to it. `apologylint.inputs` re-exports these
names, and `from apologylint.inputs import InputError` is the documented way to catch the error.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .models import Report

#: a reply longer than this is not a reply; refuse it rather than spend minutes parsing it
MAX_BYTES = 200_000  # about 35,000 words: far past any reply, and still linted in seconds
#: an email may carry attachments, so the file may be larger than the reply it holds
MAX_EMAIL_BYTES = 30_000_000


class InputError(Exception):
    """An input that cannot be linted; str(exc) is one line for stderr."""


@dataclass
class Message:
    """What gets linted: the text, the customer's message when the input carried one, and, for
    emails and HTML, where the text came from (`origin` maps positions back to the file)."""

    path: str
    text: str
    in_reply_to: str | None = None
    origin: Any = None  # apologylint.mail.Origin for emails and HTML
    #: the comment syntax of its suppression comments (apologylint.suppress.SYNTAXES): by the file's kind
    syntax: str = "text"
    #: suppression directives read outside the text (an email's X-Apologylint-Disable header, an
    #: HTML file's comments, which the conversion to text drops); apologylint.suppress.Directive
    directives: list = field(default_factory=list)

    def relocate(self, report: "Report") -> "Report":
        """The report with line/column pointing into the original file (an EmailReport for mail)."""
        return report if self.origin is None else self.origin.relocate(report, self)
