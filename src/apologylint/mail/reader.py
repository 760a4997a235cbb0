"""From an email (bytes, str, EmailMessage, or an HTML file) to the Message that gets linted."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.message import Message as _EmailMessage
from typing import Union

from ..message import MAX_BYTES, MAX_EMAIL_BYTES, InputError, Message
from ..models import Report
from ..suppress import HEADER, header_directives
from . import html as html_mod
from .locate import ByteLocator, FixedLocator, LineLocator, Segments
from .mime import BodyError, Part, body_part, choose_codec, looks_like_email, parse
from .quotes import customer_text, layout
from .report import EmailReport, MailSource, SetAside


EmailInput = Union[bytes, bytearray, memoryview, str, _EmailMessage]


@dataclass
class Origin:
    """Where a Message's text came from in an email or HTML file, and how to map positions back."""

    part: Part
    segments: Segments
    set_aside: list[SetAside] = field(default_factory=list)
    body: str = ""  # the decoded body the linted text was cut from (an HTML body as rendered text)

    def body_position(self, offset: int) -> tuple[int, int]:
        """(line, column) of an offset into the linted text, counted in the decoded body: the line
        a person sees in their editor's body (no headers, no MIME, no transfer encoding)."""
        from ..text import LineIndex

        index = getattr(self, "_body_index", None)
        if index is None:
            index = self._body_index = LineIndex(self.body)
        return index.position(max(0, min(self.segments.to_body(offset), len(self.body))))

    @property
    def locator(self) -> LineLocator | ByteLocator | FixedLocator:
        return self.part.locator

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column) in the file of an offset into the linted text."""
        return self.locator.position(self.segments.to_body(offset))

    def relocate(self, report: Report, message: Message) -> EmailReport:
        findings = []
        for f in report.findings:
            line, column = self.position(f.start)
            findings.append(f.model_copy(update={"line": line, "column": column}))
        data = {name: getattr(report, name) for name in type(report).model_fields}
        data["findings"] = findings
        data["path"] = report.path or message.path
        source = MailSource(
            content_type=self.part.content_type,
            charset=self.part.charset,
            transfer_encoding=self.part.transfer_encoding,
            line=self.part.first_line,
            exact=self.locator.exact,
            text=message.text,
            in_reply_to=message.in_reply_to,
            set_aside=self.set_aside,
        )
        return EmailReport.model_construct(**data, source=source)


class NothingToLint(InputError):
    """The message is readable but holds no new text (all quoted history, or an empty body)."""


def read_email(message: EmailInput, path: str = "<message>") -> Message:
    """Read an RFC 5322/MIME message: pick its text part, set quoted history and signature aside.

    Raises InputError (one line, naming `path`) when there is nothing to lint.
    """
    raw = _to_bytes(message, path)
    if not raw.strip():
        raise InputError(f"{path}: empty input, nothing to lint")
    if len(raw) > MAX_EMAIL_BYTES:
        raise InputError(f"{path}: {len(raw):,} bytes is too large for an email (limit {MAX_EMAIL_BYTES:,})")
    if not looks_like_email(raw):
        raise InputError(f"{path}: not an email message (no header block at the top)")
    try:
        parsed = parse(raw)
        part = body_part(parsed, raw)
        disable = [str(v) for v in parsed.get_all(HEADER, [])]
    except BodyError as exc:
        raise InputError(f"{path}: {exc}") from None
    except Exception as exc:  # the parser is lenient; anything that still breaks is a malformed message
        raise InputError(f"{path}: malformed email ({type(exc).__name__}: {_one_line(exc)})") from None
    msg = _message(part, path)
    msg.syntax = "none"  # a body's comments are the customer's to see; the header is the directive
    msg.directives = header_directives(disable)
    return msg


def read_html(data: bytes, path: str = "<html>") -> Message:
    """Read an HTML file as a reply body: quote and signature blocks set aside, the rest as text."""
    if not data.strip():
        raise InputError(f"{path}: empty input, nothing to lint")
    if len(data) > MAX_EMAIL_BYTES:
        raise InputError(f"{path}: {len(data):,} bytes is too large for a reply")
    codec = choose_codec(_meta_charset(data), data)
    text = data.decode(codec, errors="replace").replace("\r\n", "\n")
    part = Part("text/html", codec, "", text, FixedLocator(1), 1)
    return _message(part, path)


def _message(part: Part, path: str) -> Message:
    try:
        return _extract(part, path)
    except InputError:
        raise
    except html_mod.HtmlTooDeep as exc:
        raise InputError(f"{path}: {exc}") from None
    except (Exception, RecursionError) as exc:  # a library tripping on odd markup: one line, no traceback
        raise InputError(f"{path}: cannot extract the text ({type(exc).__name__}: {_one_line(exc)})") from None


def _extract(part: Part, path: str) -> Message:
    quoted_html: str | None = None
    kinds: list[str] = []
    body = part.text
    if part.content_type == "text/html":
        converted = html_mod.to_text(part.text)
        body, quoted_html, kinds = converted.text, converted.quoted, converted.set_aside
    if len(body) > MAX_BYTES:
        raise InputError(f"{path}: the reply is {len(body):,} characters, too large (limit {MAX_BYTES:,})")
    lay = layout(body)
    text, segments = _assemble(body, lay.kept)
    set_aside = [SetAside(kind=k) for k in kinds]
    for kind, start, end in lay.set_aside:
        if part.locator.exact:
            set_aside.append(SetAside(kind=kind, line=part.locator.position(start)[0], end_line=part.locator.position(max(start, end - 1))[0]))
        elif SetAside(kind=kind) not in set_aside:  # without lines, once per kind is all there is to say
            set_aside.append(SetAside(kind=kind))
    if not text.strip():
        why = "everything in it is quoted history or signature" if set_aside else "the body is empty"
        raise NothingToLint(f"{path}: nothing to lint: {why}")
    origin = Origin(part, segments, set_aside, body)
    return Message(path, text, in_reply_to=customer_text(quoted_html or lay.quoted), origin=origin)


def _assemble(body: str, kept: list[tuple[int, int]]) -> tuple[str, Segments]:
    """Join the kept ranges of `body` (a blank line where something was set aside between them)."""
    out: list[str] = []
    segments = Segments()
    length = 0
    for n, (start, end) in enumerate(kept):
        if n:  # a paragraph break where a block was set aside
            segments.add(length, start)
            out.append("\n\n")
            length += 2
        segments.add(length, start)
        out.append(body[start:end])
        length += end - start
    if not kept:
        segments.add(0, 0)
    return "".join(out), segments


def _to_bytes(message: EmailInput, path: str) -> bytes:
    if isinstance(message, (bytes, bytearray, memoryview)):
        return bytes(message)
    if isinstance(message, str):
        return message.encode("utf-8", "surrogateescape")
    if isinstance(message, _EmailMessage):
        try:
            return message.as_bytes()
        except Exception as exc:
            raise InputError(f"{path}: cannot serialise the message ({type(exc).__name__}: {_one_line(exc)})") from None
    raise TypeError(f"lint_email() takes bytes, str or email.message.EmailMessage, not {type(message).__name__}")


_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def _meta_charset(data: bytes) -> str | None:
    m = _META.search(data[:4096])
    return m.group(1).decode("ascii") if m else None


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:200] or "no detail"
