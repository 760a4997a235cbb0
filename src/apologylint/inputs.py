"""Reading the messages to lint: files and stdin, with one clear error per unreadable input.

Bad input never raises out of here as a traceback: it becomes an `InputError` whose message is the
single line the CLI prints before moving on to the next file.

`.txt` and `.md` files are read as UTF-8 text. `.eml` files are email messages and `.html`/`.htm`
files HTML bodies (see `apologylint.mail`); standard input and files with any other name are read
as an email when they open with a header block, else as text.
"""
from __future__ import annotations

import pathlib
import sys

# defined one layer down (apologylint.mail uses them too, and must not import this module)
from .message import MAX_BYTES, MAX_EMAIL_BYTES, InputError, Message

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
EMAIL_SUFFIXES = {".eml"}
HTML_SUFFIXES = {".html", ".htm"}


def decode(data: bytes, where: str) -> str:
    if not data.strip():
        raise InputError(f"{where}: empty input, nothing to lint")
    if len(data) > MAX_BYTES:
        raise InputError(f"{where}: {len(data):,} bytes is too large for a reply (limit {MAX_BYTES:,})")
    if b"\x00" in data[:8192]:
        raise InputError(f"{where}: binary data, not a text message")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{where}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); save it as UTF-8") from None


def from_bytes(data: bytes, where: str, suffix: str = "") -> Message:
    """A Message from the bytes of a file (by its suffix) or of standard input (suffix '')."""
    suffix = suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return Message(where, decode(data, where))
    from . import mail

    if suffix in EMAIL_SUFFIXES:
        return mail.read_email(data, where)
    if suffix in HTML_SUFFIXES:
        return mail.read_html(data, where)
    if mail.looks_like_email(data):
        return mail.read_email(data, where)
    return Message(where, decode(data, where))


def read(path: str) -> Message:
    """Read one input; '-' is standard input."""
    if path == "-":
        data = sys.stdin.buffer.read(MAX_EMAIL_BYTES + 1)
        return from_bytes(data, "<stdin>")
    p = pathlib.Path(path)
    try:
        if p.is_dir():
            raise InputError(f"{path}: is a directory")
        with p.open("rb") as fh:
            data = fh.read((MAX_BYTES if p.suffix.lower() in TEXT_SUFFIXES else MAX_EMAIL_BYTES) + 1)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return from_bytes(data, path, p.suffix)
