"""Reading the messages to lint: files and stdin, with one clear error per unreadable input.

Bad input never raises out of here as a traceback: it becomes an `InputError` whose message is the
single line the CLI prints before moving on to the next file.

`.txt` and `.md` files are read as UTF-8 text. `.eml` files are email messages and `.html`/`.htm`
files HTML bodies (see `apologylint.mail`); standard input and files with any other name are read
as an email when they open with a header block, else as text.
"""
from __future__ import annotations

import codecs
import os
import pathlib
import select
import stat
import sys
import time

# defined one layer down (apologylint.mail uses them too, and must not import this module)
from .message import MAX_BYTES, MAX_EMAIL_BYTES, InputError, Message

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
EMAIL_SUFFIXES = {".eml"}
HTML_SUFFIXES = {".html", ".htm"}


#: byte-order marks and the encodings they announce (UTF-32 before UTF-16: FF FE 00 00 starts both)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)


def too_large(where: str, size: int | None, limit: int) -> InputError:
    """The error for an input past `limit`; `size` is its real size when known (a file), None
    when only "more than the limit" is (standard input, a pipe)."""
    told = f"{size:,} bytes" if size is not None else f"more than {limit:,} bytes"
    return InputError(f"{where}: {told} is too large for a reply (limit {limit:,})")


def decode(data: bytes, where: str, size: int | None = None) -> str:
    """Text from bytes: UTF-8, or UTF-16/32 when a byte-order mark says so."""
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    if encoding not in (None, "utf-8-sig"):
        if size is not None and size > len(data):
            raise too_large(where, size, MAX_BYTES)  # only the first bytes were read
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            raise InputError(f"{where}: starts with a {encoding.upper()} byte-order mark but is not {encoding.upper()} text") from None
        return decode(text.encode("utf-8", "surrogatepass"), where)
    if not data.strip():
        raise InputError(f"{where}: empty input, nothing to lint")
    if len(data) > MAX_BYTES:
        raise too_large(where, size if size is not None and size > MAX_BYTES else None, MAX_BYTES)
    if b"\x00" in data[:8192]:
        raise InputError(f"{where}: binary data, not a text message")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{where}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); save it as UTF-8") from None


def from_bytes(data: bytes, where: str, suffix: str = "", size: int | None = None) -> Message:
    """A Message from the bytes of a file (by its suffix) or of standard input (suffix '');
    `size` is the file's real size when `data` is only its first bytes."""
    from .suppress import syntax_for

    suffix = suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return Message(where, decode(data, where, size), syntax=syntax_for(where))
    from . import mail

    if suffix in EMAIL_SUFFIXES:
        return mail.read_email(data, where)
    if suffix in HTML_SUFFIXES:
        return _html(data, where)
    if mail.looks_like_email(data):
        return mail.read_email(data, where)
    return Message(where, decode(data, where, size), syntax=syntax_for(where))


def _html(data: bytes, where: str) -> Message:
    """An HTML file, its `<!-- apologylint: ... -->` comments carried through the conversion to
    text and read back as directives (see `apologylint.suppress`); the text is the converted text
    with them blanked, so positions are unchanged."""
    from . import mail, suppress

    msg = mail.read_html(suppress.mark_html(data), where)
    prep = suppress.prepare(msg.text, "html")
    msg.text, msg.directives, msg.syntax = prep.text, prep.directives, "none"
    msg.in_reply_to = suppress.strip_marks(msg.in_reply_to)
    if msg.origin is not None:
        msg.origin.body = suppress.prepare(msg.origin.body, "html").text
    return msg


#: how long a pipe given by name may stay silent before it is given up on
PIPE_TIMEOUT = 10.0


def read(path: str) -> Message:
    """Read one input; '-' is standard input."""
    data, size = read_bytes(path)
    if path == "-":
        return from_bytes(data, "<stdin>")
    return from_bytes(data, path, pathlib.Path(path).suffix, size)


def read_bytes(path: str) -> tuple[bytes, int | None]:
    """The bytes of one input ('-': standard input) and the file's real size when it is a file
    (None for standard input and pipes), or an InputError: what `read` decodes. The client of
    a warm server reads its inputs with this and sends the bytes, so the server reads no file."""
    if path == "-":
        if sys.stdin is None:  # started with standard input closed (`<&-`)
            raise InputError("<stdin>: standard input is closed")
        try:
            return sys.stdin.buffer.read(MAX_EMAIL_BYTES + 1), None
        except (OSError, ValueError) as exc:  # closed after start, or not readable
            raise InputError(f"<stdin>: cannot read standard input: {getattr(exc, 'strerror', None) or exc}") from None
    p = pathlib.Path(path)
    suffix = p.suffix.lower()
    # a text file is read up to four times the reply limit: UTF-16 or UTF-32 take two or four bytes
    # a character, and decode() judges the size of what they decode to
    limit = (4 * MAX_BYTES if suffix in TEXT_SUFFIXES else MAX_EMAIL_BYTES) + 1
    try:
        mode = p.stat().st_mode
        if stat.S_ISDIR(mode):
            raise InputError(f"{path}: is a directory")
        if stat.S_ISFIFO(mode):
            data, size = _read_pipe(path, limit), None
        elif not stat.S_ISREG(mode):
            raise InputError(f"{path}: not a regular file (a device or a socket); nothing to lint")
        else:
            with p.open("rb") as fh:
                size = os.fstat(fh.fileno()).st_size
                data = fh.read(limit)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(data) >= limit and suffix not in TEXT_SUFFIXES:
        raise too_large(path, size, MAX_EMAIL_BYTES)
    return data, size


def _read_pipe(path: str, limit: int) -> bytes:
    """A named pipe (or `<(command)`): read without blocking forever. Opening one that has no
    writer would wait for a writer that may never come, and every later input with it."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        chunks: list[bytes] = []
        got = 0
        deadline = time.monotonic() + PIPE_TIMEOUT
        while got < limit:
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise InputError(f"{path}: a pipe that sent nothing for {PIPE_TIMEOUT:g} s; nothing to lint")
            chunk = os.read(fd, min(65536, limit - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
            deadline = time.monotonic() + PIPE_TIMEOUT
        return b"".join(chunks)
    finally:
        os.close(fd)
