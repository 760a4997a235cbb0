"""Small operations on spaCy spans that several layers share."""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Span


def dedupe(spans: Iterable[Span]) -> list[Span]:
    """Sort by position and drop spans that overlap an earlier, longer-or-equal one."""
    out: list[Span] = []
    for s in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if out and s.start < out[-1].end:
            continue
        out.append(s)
    return out
