"""The shapes the engine's layers agree on, so that the lower ones need not import the higher.

Predicates, conditions and registered functions are handed an exchange; the exchange is handed a
compiled rule set. Naming those as protocols here, rather than importing `exchange.py` or
`detectors.py` for their types, keeps the imports going one way (a test fails on any cycle).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span


class ExchangeLike(Protocol):
    """What detectors may ask about one message (implemented by `exchange.Exchange`)."""

    doc: Doc
    context: Doc | None
    problem: bool
    customer: Any
    content_sentences: list[Span]
    first_content_sentence_start: int
    last_content_token: int
    praise_only: bool
    requested: frozenset[str]

    def signal(self, name: str, doc: Doc | None = None) -> list[Span]: ...

    def raw_signal_moves(self, name: str, doc: Doc | None = None) -> dict[str, list[Span]]: ...

    def moves_of(self, *kinds: str) -> list: ...


class CompiledLike(Protocol):
    """What an exchange needs of the compiled rules (implemented by `detectors.Compiled`)."""

    def match(self, doc: Doc, context: bool = False) -> tuple[dict[str, list[Span]], dict[tuple[int, int], int]]: ...

    def signal_spans(self, name: str, ex: Any, doc: Doc) -> list[Span]: ...

    def signal_spans_by_move(self, name: str, ex: Any, doc: Doc) -> dict[str, list[Span]]: ...
