"""Everything the detectors may ask about one message: its parse, its context, its signals.

Built once per message and shared by every detector, so a signal such as "apology" is matched once
no matter how many rules count or require it.
"""
from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from .nlp.customer import SURE
from .nlp.frames import CONTRAST
from .nlp.moves import GREETING_WORDS as GREETINGS
from .nlp.moves import SIGN_OFF_WORDS

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span

    from .protocols import CompiledLike as Compiled
    from .text import Normalized


#: a short closing line may also open with these ("Many thanks,", "All the best,")
SIGN_OFFS = SIGN_OFF_WORDS | {"many", "all"}


class Exchange:
    def __init__(
        self, doc: Doc, norm: Normalized, context: Doc | None, compiled: Compiled, offset: int = 0,
        context_source: tuple[str, Normalized, int] | None = None,
    ) -> None:
        self.doc = doc
        self.norm = norm
        self.offset = offset  # where `doc`'s text starts in `norm.text` (after @handles)
        self.context = context
        self.context_source = context_source  # (the customer's text as given, its normalisation, where the parse starts)
        self.compiled = compiled
        self._matches = {id(doc): compiled.match(doc)}
        if context is not None:
            self._matches[id(context)] = compiled.match(context, context=True)
        self._signals: dict[tuple[str, int], list[Span]] = {}
        self._by_move: dict[tuple[str, int], dict[str, list[Span]]] = {}

    def matches(self, key: str, doc: Doc | None = None) -> list[Span]:
        doc = self.doc if doc is None else doc
        return self._matches[id(doc)][0].get(key, [])

    def focus(self, span: Span) -> Span:
        """The part of a match that predicates judge: a dependency pattern's anchor, else the span."""
        found = self._matches.get(id(span.doc))
        anchor = found[1].get((span.start, span.end)) if found else None
        return span if anchor is None else span.doc[anchor : anchor + 1]

    def signal(self, name: str, doc: Doc | None = None) -> list[Span]:
        """Spans of a signal in the reply (or in `doc`), in order, overlaps merged."""
        doc = self.doc if doc is None else doc
        key = (name, id(doc))
        if key not in self._signals:
            self._signals[key] = []  # guards against a signal that excludes itself
            self._signals[key] = self.compiled.signal_spans(name, self, doc)
        return self._signals[key]

    def raw_signal_moves(self, name: str, doc: Doc | None = None) -> dict[str, list[Span]]:
        """A signal's spans by the move its sources are evidence of, as the sources found them:
        matched once per message, for the signal (`signal`) and the moves (`signal_moves`) alike."""
        doc = self.doc if doc is None else doc
        key = (name, id(doc))
        if key not in self._by_move:
            self._by_move[key] = self.compiled.signal_spans_by_move(name, self, doc)
        return self._by_move[key]

    def signal_moves(self, name: str, doc: Doc | None = None) -> dict[str, list[Span]]:
        """A signal's spans by the move its sources are evidence of, overlaps merged per move."""
        from .spans import dedupe

        return {k: dedupe(v) for k, v in self.raw_signal_moves(name, doc).items()}

    @cached_property
    def moves(self) -> list:
        """Each sentence of the reply with its moves (nlp/moves.py)."""
        from .nlp.moves import read_moves

        return read_moves(self.doc, self)

    def moves_of(self, *kinds: str) -> list:
        return [m for _, ms in self.moves for m in ms if m.kind in kinds]

    @cached_property
    def customer(self):
        """The reading of the customer's message (nlp/customer.py); kind "none" without one."""
        from .nlp.customer import read_customer

        if self.context is None:
            return read_customer(None, [])
        return read_customer(self.context, self.signal("complaint", self.context), self.signal("praise", self.context))

    @cached_property
    def words(self) -> int:
        return sum(1 for t in self.doc if t.is_alpha)

    @cached_property
    def content_sentences(self) -> list[Span]:
        """Sentences that say something: not a bare @handle or initials, not "Hi Sam," or "Best,"."""

        def says_something(s: Span) -> bool:
            words = [t for t in s if t.is_alpha and not t.text.startswith("@")]
            if len(words) < 2 and not (words and words[0].i == s.start and len(s) > 2):
                return False
            first = words[0].lower_ if words else ""
            short = len(words) <= 4 and not any(t.text in ".!?" for t in s)
            return not (short and first in GREETINGS | SIGN_OFFS)

        return [s for s in self.doc.sents if says_something(s)] or list(self.doc.sents)

    @cached_property
    def first_content_sentence_start(self) -> int:
        return self.content_sentences[0].start if len(self.doc) else 0

    @cached_property
    def last_content_token(self) -> int:
        return self.content_sentences[-1].end if len(self.doc) else 0

    @cached_property
    def problem(self) -> bool:
        """Does the reply answer a reported problem? From the customer's message, else from the reply."""
        if self.worded_problem:
            return True
        # with no customer message, a reply that explains a failure is answering one
        return self.context is None and any(m.detail.get("effect_failure") == "true" for m in self.moves_of("explanation"))

    @cached_property
    def worded_problem(self) -> bool:
        """The problem as the words show it, before the moves are read (the moves ask this one)."""
        if self.context is not None:
            # the rubric judges the customer's message; a reply that apologizes confirms a problem
            if self.customer.kind in ("praise", "question") and self.customer.kind_probability >= SURE:
                return False  # thanks, praise and plain questions report nothing to put right, whatever the reply says
            return bool(self.customer.complaint or self.signal("apology") or self.customer.sure_problem)
        return bool(self.signal("apology") or self.signal("problem-mention"))

    @cached_property
    def grade_level(self) -> float | None:
        from .readability import grade_level

        return grade_level(self.doc.text)

    @cached_property
    def requested(self) -> frozenset[str]:
        """The verbs the customer asked us to act on ("pls cancel my membership", "can you move
        my booking?"): done in the reply, they are what was asked, not what went wrong."""
        if self.context is None:
            return frozenset()
        asked = set()
        for t in self.context:
            if t.pos_ != "VERB" or t.tag_ != "VB":
                continue
            auxes = {c.lower_ for c in t.children if c.dep_ == "aux"}
            first = t.i == t.sent.start or t.doc[t.i - 1].lower_ in ("pls", "please", "plz", "kindly", "just")
            # "can you move it?" asks; "will you cancel my flight?" fears, and an "if" clause asks nothing
            polite = bool(auxes & {"can", "could", "would"}) and any(c.lower_ in ("you", "u") for c in t.children if c.dep_ == "nsubj") \
                and not any(c.dep_ == "mark" and c.lower_ in ("if", "whether") for c in t.children)
            wanted = t.dep_ == "xcomp" and t.head.lemma_.lower() in ("want", "need", "like", "love") and "to" in auxes
            if (first and not auxes) or polite or wanted:  # "pls cancel", "can you move it?", "I'd like to cancel"
                asked.add(t.lemma_.lower())
        return frozenset(asked)

    @cached_property
    def praise_only(self) -> bool:
        """The customer wrote to praise or chat, reporting nothing wrong: nothing to apologize for."""
        if self.context is None:
            return False
        if self.customer.complaint or not self.signal("praise", self.context):
            return False
        # praise with a "but" or a question in it usually carries a request or a complaint
        return not any(t.lower_ in CONTRAST or "?" in t.text for t in self.context)
