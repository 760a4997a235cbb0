"""What gets linted, and the one error for an input that cannot be: the bottom of the input layer.

`apologylint.inputs` (files and stdin) and `apologylint.mail` (emails and HTML) both build a
`Message` and raise `InputError`; both import them from here, so the mail package never has to
import `inputs`, which sits above it and dispatches to it. `apologylint.inputs` re-exports these
names, and `from apologylint.inputs import InputError` is the documented way to catch the error.
"""
from __future__ import annotations

TYPE_CHECKING = False  # typing and dataclasses are not imported here: a warm server's client reads
if TYPE_CHECKING:  # pragma: no cover  # its inputs through this module, and they cost it 15 ms
    from typing import Any

    from .models import Report

#: a reply longer than this is not a reply; refuse it rather than spend minutes parsing it
MAX_BYTES = 200_000  # about 35,000 words: far past any reply, and still linted in seconds
#: an email may carry attachments, so the file may be larger than the reply it holds
MAX_EMAIL_BYTES = 30_000_000


class InputError(Exception):
    """An input that cannot be linted; str(exc) is one line for stderr."""


class Message:
    """What gets linted: the text, the customer's message when the input carried one, and, for
    emails and HTML, where the text came from (`origin` maps positions back to the file).

    - `syntax`: the comment syntax of its suppression comments (apologylint.suppress.SYNTAXES),
      by the file's kind;
    - `directives`: suppression directives read outside the text (an email's
      X-Apologylint-Disable header, an HTML file's comments, which the conversion to text
      drops); apologylint.suppress.Directive.

    A plain class with a dataclass's constructor, equality and repr."""

    _FIELDS = ("path", "text", "in_reply_to", "origin", "syntax", "directives")

    def __init__(self, path: str, text: str, in_reply_to: str | None = None, origin: Any = None,
                 syntax: str = "text", directives: list | None = None) -> None:
        self.path = path
        self.text = text
        self.in_reply_to = in_reply_to
        self.origin = origin  # apologylint.mail.Origin for emails and HTML
        self.syntax = syntax
        self.directives = [] if directives is None else directives

    def _fields(self) -> tuple:
        return tuple(getattr(self, name) for name in self._FIELDS)

    def __eq__(self, other: object) -> bool:
        return self._fields() == other._fields() if other.__class__ is self.__class__ else NotImplemented

    __hash__ = None  # type: ignore[assignment]  (mutable, as a dataclass without frozen=True)

    def __repr__(self) -> str:
        return "Message(" + ", ".join(f"{name}={getattr(self, name)!r}" for name in self._FIELDS) + ")"

    def relocate(self, report: "Report") -> "Report":
        """The report with line/column pointing into the original file (an EmailReport for mail)."""
        return report if self.origin is None else self.origin.relocate(report, self)
