"""Where a character of an extracted body sits in the original message file.

A finding's offsets index the text that was linted. Editors need the line and column in the file
the user opened (the .eml itself), so every body we extract carries a *locator*: a map from an
offset in the decoded body to a (line, column) in the file.

- ``LineLocator``: parts sent as-is (7bit, 8bit, binary). Their lines are the file's lines, so a
  body offset maps to the same line and column, shifted by the line where the part's body starts.
  Columns count characters of the decoded line.
- ``ByteLocator``: quoted-printable parts. Decoding keeps, for each character, the byte of the file
  it came from; the column is that byte's column on its (ASCII) line, i.e. where the encoded
  character starts, ``=E2=80=99`` and all.
- ``FixedLocator``: base64 and HTML parts, whose text has no line-for-line counterpart in the file.
  Every offset maps to the first line of the part's body, column 1, and ``exact`` is False.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ..text import LineIndex


class FileLines:
    """Byte offsets of a raw file to 1-based (line, column)."""

    def __init__(self, raw: bytes) -> None:
        self._starts = [0] + [m.end() for m in re.finditer(b"\n", raw)]

    def line_of(self, byte_offset: int) -> int:
        return bisect.bisect_right(self._starts, byte_offset)

    def position(self, byte_offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, byte_offset) - 1
        return line + 1, byte_offset - self._starts[line] + 1


@dataclass
class LineLocator:
    """Body line k is file line ``first_line + k``; columns are character columns."""

    text: str
    first_line: int
    exact: bool = True
    _index: LineIndex = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._index = LineIndex(self.text)

    def position(self, offset: int) -> tuple[int, int]:
        line, col = self._index.position(max(0, min(offset, len(self.text))))
        return self.first_line + line - 1, col


@dataclass
class ByteLocator:
    """Each body character knows the file byte it was decoded from (``sources[i]``)."""

    sources: list[int]  # one per character of the body, plus one past the end
    lines: FileLines
    exact: bool = True

    def position(self, offset: int) -> tuple[int, int]:
        return self.lines.position(self.sources[max(0, min(offset, len(self.sources) - 1))])


@dataclass
class FixedLocator:
    """No line-for-line map exists (base64, HTML): point at the part's first body line."""

    first_line: int
    exact: bool = False

    def position(self, offset: int) -> tuple[int, int]:
        return self.first_line, 1


class Segments:
    """Offsets in the linted text to offsets in the body it was cut from.

    The linted text is the body's kept ranges, in order, joined by a newline where something was
    set aside between them; each run maps linearly onto the body.
    """

    def __init__(self) -> None:
        self._text: list[int] = []
        self._body: list[int] = []

    def add(self, text_start: int, body_start: int) -> None:
        self._text.append(text_start)
        self._body.append(body_start)

    def to_body(self, offset: int) -> int:
        k = bisect.bisect_right(self._text, offset) - 1
        if k < 0:
            return self._body[0] if self._body else 0
        return self._body[k] + (offset - self._text[k])
