"""Reading the messages to lint: files and stdin, with one clear error per unreadable input.

Bad input never raises out of here as a traceback: it becomes an `InputError` whose message is the
single line the CLI prints before moving on to the next file.
"""
from __future__ import annotations

import pathlib
import sys
from dataclasses import dataclass

#: a reply longer than this is not a reply; refuse it rather than spend minutes parsing it
MAX_BYTES = 1_000_000


class InputError(Exception):
    """An input that cannot be linted; str(exc) is one line for stderr."""


@dataclass
class Message:
    path: str
    text: str


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


def read(path: str) -> Message:
    """Read one input; '-' is standard input."""
    if path == "-":
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
        return Message("<stdin>", decode(data, "<stdin>"))
    p = pathlib.Path(path)
    try:
        if p.is_dir():
            raise InputError(f"{path}: is a directory")
        with p.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return Message(path, decode(data, path))
