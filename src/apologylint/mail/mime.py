"""Reading a MIME message: which part to lint, its text, and where that text sits in the file.

The standard library parses (``email`` with ``policy.default``); this module adds what it does not
give: the byte offset of the chosen part's body in the file, a decoder that remembers where each
character came from, and a charset policy that never fails (declared charset first, latin-1 labels
read as windows-1252 as browsers do, undecodable bytes replaced).
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser

from .locate import ByteLocator, FileLines, FixedLocator, LineLocator

#: a body part larger than this is not a reply (HTML is verbose, hence more than the text limit)
MAX_PART_BYTES = 4_000_000

_IDENTITY = {"", "7bit", "8bit", "binary"}


class BodyError(ValueError):
    """The message has no body we can lint: only attachments, or a body far too large."""


@dataclass
class Part:
    """The body part chosen for linting, decoded."""

    content_type: str  # text/plain or text/html
    charset: str  # the codec it was decoded with
    transfer_encoding: str  # as declared, lower-case ("7bit" when absent)
    text: str  # decoded, CRLF turned into LF
    locator: LineLocator | ByteLocator | FixedLocator
    first_line: int  # file line where the part's body starts


def parse(raw: bytes) -> EmailMessage:
    return BytesParser(policy=policy.default).parsebytes(raw)  # type: ignore[return-value]


def body_part(msg: EmailMessage, raw: bytes) -> Part:
    """The part a person reads: text/plain if there is one, else text/html; attachments skipped."""
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        kinds = sorted(set(_own_parts(msg)))
        why = "no text/plain or text/html body to lint" + (f" (parts: {', '.join(kinds)})" if kinds else "")
        if any(k.startswith("message/") for k in kinds):
            why += "; attached messages are not linted"
        raise BodyError(why)
    ctype = part.get_content_type()
    cte = str(part.get("content-transfer-encoding", "") or "").strip().lower() or "7bit"
    offset = _payload_offsets(msg, raw).get(id(part))
    lines = FileLines(raw)
    first_line = lines.line_of(offset) if offset is not None else 1

    encoded = _raw_payload(part)
    if len(encoded) > 2 * MAX_PART_BYTES:  # before decoding it: base64 and QP are at most 2x larger
        raise BodyError(f"the {ctype} body is {len(encoded):,} bytes, too large for a reply")
    sources: list[int] | None = None
    if cte in _IDENTITY:
        data = encoded
    elif cte == "quoted-printable" and ctype == "text/plain" and offset is not None:
        data, sources = qp_decode(encoded, offset)  # remembers where each byte came from
    else:  # base64, and QP we need no positions for: the library decodes
        data = part.get_payload(decode=True) or b""
    if len(data) > MAX_PART_BYTES:
        raise BodyError(f"the {ctype} body is {len(data):,} bytes, too large for a reply")
    codec = choose_codec(part.get_content_charset(), data)

    locator: LineLocator | ByteLocator | FixedLocator
    if sources is not None:
        text, char_sources = _lf(*decode_with_sources(data, sources, codec))
        locator = ByteLocator(char_sources, lines)
    else:
        text = _decode(data, codec).replace("\r\n", "\n")
        if ctype == "text/plain" and offset is not None and cte in _IDENTITY:
            locator = LineLocator(text, first_line)
        else:
            locator = FixedLocator(first_line)
    return Part(ctype, codec, cte, text, locator, first_line)


def _own_parts(msg: Message):
    """Content types of the message's own leaf parts; an attached message (message/rfc822) is one
    part, not descended into (``walk()`` would list the text inside it)."""
    if msg.get_content_maintype() == "message" or not msg.is_multipart():
        yield msg.get_content_type()
        return
    for sub in msg.get_payload():
        if isinstance(sub, Message):
            yield from _own_parts(sub)


# -- where the part is in the file --------------------------------------------------------------
def _raw_payload(part: Message) -> bytes:
    """The part's body as it is in the file, still transfer-encoded.

    ``get_payload()`` decodes 8-bit bodies with their charset, which loses the bytes; the parser
    keeps them in ``_payload`` as ASCII with surrogate escapes (a private attribute, but the one the
    library's own ``get_payload(decode=True)`` reads).
    """
    payload = getattr(part, "_payload", None)
    if not isinstance(payload, (str, bytes)):
        payload = part.get_payload()
    if isinstance(payload, bytes):
        return payload
    if not isinstance(payload, str):
        return b""
    try:
        return payload.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:  # a message built from str with non-ASCII text
        return payload.encode("utf-8", "surrogateescape")


def _payload_offsets(msg: Message, raw: bytes) -> dict[int, int]:
    """Byte offset of each leaf part's body in `raw`, found in file order."""
    found: dict[int, int] = {}
    cursor = 0
    for part in msg.walk():
        if part.is_multipart():
            continue
        payload = _raw_payload(part)
        pos = raw.find(payload, cursor) if payload else -1
        if pos < 0:
            continue
        found[id(part)] = pos
        cursor = pos + len(payload)
    return found


# -- decoding ---------------------------------------------------------------------------------
_HEX = frozenset(b"0123456789ABCDEFabcdef")


def qp_decode(encoded: bytes, base: int) -> tuple[bytes, list[int]]:
    """Quoted-printable decoding that records, for every output byte, the input offset (+ base)."""
    out = bytearray()
    src: list[int] = []
    i, n = 0, len(encoded)
    while i < n:
        b = encoded[i]
        if b == 0x3D:  # '='
            j = i + 1
            while j < n and encoded[j] in b" \t":
                j += 1
            if j >= n:  # '=' at the very end: a soft break with no newline
                break
            if encoded[j] == 0x0A:  # soft line break
                i = j + 1
                continue
            if encoded[j] == 0x0D and j + 1 < n and encoded[j + 1] == 0x0A:
                i = j + 2
                continue
            if i + 2 < n and encoded[i + 1] in _HEX and encoded[i + 2] in _HEX:
                out.append(int(encoded[i + 1 : i + 3], 16))
                src.append(base + i)
                i += 3
                continue
        out.append(b)
        src.append(base + i)
        i += 1
    src.append(base + n)
    return bytes(out), src


def choose_codec(declared: str | None, data: bytes) -> str:
    """The codec to read a part with: the declared one when Python knows it; latin-1 and ASCII
    labels as windows-1252 (the WHATWG rule: mail clients mislabel cp1252 as latin-1, and UTF-8 as
    ASCII); undeclared or unknown: UTF-8 when the bytes are valid UTF-8, else windows-1252."""
    name = None
    if declared:
        try:
            name = codecs.lookup(declared.strip().strip('"')).name
        except LookupError:
            name = None
    if name in ("iso8859-1", "latin-1", "cp1252"):
        return "cp1252"
    if name and name != "ascii":
        return name
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"


def _decode(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec, errors="replace")
    except Exception:  # a codec that fails in ways other than UnicodeDecodeError
        return data.decode("cp1252", errors="replace")


def decode_with_sources(data: bytes, sources: list[int], codec: str) -> tuple[str, list[int]]:
    """Decode `data`, giving each character the source offset of its first byte."""
    try:
        dec = codecs.getincrementaldecoder(codec)(errors="replace")
    except Exception:
        dec = codecs.getincrementaldecoder("cp1252")(errors="replace")
    chars: list[str] = []
    out: list[int] = []
    pending = None
    for k in range(len(data)):
        if pending is None:
            pending = sources[k]
        s = dec.decode(data[k : k + 1])
        if s:
            chars.append(s)
            out.extend([pending] * len(s))
            pending = None
    s = dec.decode(b"", final=True)
    if s:
        chars.append(s)
        out.extend([pending if pending is not None else sources[-1]] * len(s))
    out.append(sources[-1])
    return "".join(chars), out


def _lf(text: str, sources: list[int]) -> tuple[str, list[int]]:
    """CRLF to LF, keeping the source map aligned."""
    if "\r\n" not in text:
        return text, sources
    keep = [i for i in range(len(text)) if not (text[i] == "\r" and i + 1 < len(text) and text[i + 1] == "\n")]
    return "".join(text[i] for i in keep), [sources[i] for i in keep] + [sources[-1]]


# -- is this a MIME message at all? -----------------------------------------------------------
_FIELD = re.compile(rb"^[!-9;-~]+:")
_TELLING = {b"mime-version", b"content-type", b"message-id", b"received", b"return-path", b"delivered-to"}
_COMMON = {b"from", b"to", b"cc", b"bcc", b"subject", b"date", b"reply-to", b"in-reply-to", b"references",
           b"sender", b"user-agent", b"x-mailer"} | _TELLING


def looks_like_email(data: bytes) -> bool:
    """Does `data` open with an RFC 5322 header block (as a message piped to sendmail does)?

    Every line up to the first blank one must be a header field or its continuation, with at least
    two well-known fields, or one that only messages have (MIME-Version, Content-Type, ...).
    """
    head = data[:65536]
    lines = head.split(b"\n")
    if lines and lines[0].startswith(b"From "):  # an mbox separator line
        lines = lines[1:]
    common = telling = 0
    seen = False
    for line in lines:
        line = line.rstrip(b"\r")
        if not line:
            break
        if line[:1] in (b" ", b"\t"):
            if not seen:
                return False
            continue
        m = _FIELD.match(line)
        if not m:
            return False
        seen = True
        name = line[: m.end() - 1].lower()
        common += name in _COMMON
        telling += name in _TELLING
    return telling >= 1 or common >= 2


__all__ = ["Part", "BodyError", "parse", "body_part", "looks_like_email", "choose_codec", "qp_decode"]
