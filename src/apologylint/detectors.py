"""The detector kinds. Each rule in `rules/*.yaml` is an instance of one of these classes.

Token and dependency patterns of every rule and signal go into one `Matcher` and one
`DependencyMatcher`, compiled once per Linter, so each message is matched in a single pass and the
detectors only read the results (parse once, visit many). A token pattern that is only a sequence
of word alternatives (`{"NORM": {"IN": [...]}}`, optional or not: what every lexicon phrase
compiles to) goes instead, spelled out, into a `PhraseMatcher` over NORM: a hash look-up per token
instead of a set test per token per pattern, with the same matches (bench/run.py measured the
token matcher at a third of what the rules cost on top of the parse).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from . import pyrules  # noqa: F401  (registers the shipped functions)
from . import registry
from .predicates import PREDICATES
from .spans import dedupe
from .ruleset import (
    CONTEXT_SIGNALS,
    ConditionalRule,
    CountRule,
    DependencyRule,
    Filters,
    LexiconRule,
    MetricRule,
    MetaRule,
    MoveRule,
    PatternRule,
    PythonRule,
    RuleFileError,
    Signal,
    check_params,
)

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc, Span

    from .protocols import ExchangeLike as Exchange


@dataclass
class Hit:
    """A place to report, in the reply's tokens, with values for the message's placeholders."""

    span: Span
    values: dict[str, Any] = field(default_factory=dict)


#: the lemmatizer gives object pronouns their subject form ("us" -> "we"); phrases may use either
_PRONOUN_LEMMAS = {"us": "we", "me": "i", "him": "he", "her": "she", "them": "they", "'m": "be", "'re": "be", "'s": "be"}


def lexicon_patterns(phrase: str) -> list[list[dict[str, Any]]]:
    """`sorry to bother|trouble`, `the? delay`, `_` (any token) as a Matcher pattern over lemmas.

    One pattern per phrase with `IN` sets: expanding the alternatives into plain patterns was
    measured (bench/run.py) to make matching three times slower, as more partial matches stay open.
    """
    pattern: list[dict[str, Any]] = []
    for word in phrase.lower().split():
        optional = word.endswith("?") and len(word) > 1
        word = word[:-1] if optional else word
        alts = list(dict.fromkeys(a2 for a in word.split("|") for a2 in (a, _PRONOUN_LEMMAS.get(a, a))))
        tok: dict[str, Any] = {} if word == "_" else {"NORM": alts[0]} if len(alts) == 1 else {"NORM": {"IN": alts}}
        if optional:
            tok["OP"] = "?"
        pattern.append(tok)
    return [pattern]


#: a phrase-able pattern that spells out to more phrases than this stays in the token Matcher
MAX_PHRASES = 5000


def phrases_of(pattern: list[dict[str, Any]]) -> list[tuple[str, ...]] | None:
    """The word sequences a token pattern matches, when it is only NORM alternatives (each token
    optional or not) and spells out to at most MAX_PHRASES sequences; else None."""
    seqs: list[tuple[str, ...]] = [()]
    for tok in pattern:
        op = tok.get("OP")
        if set(tok) - {"OP"} != {"NORM"} or op not in (None, "?"):
            return None
        value = tok["NORM"]
        if isinstance(value, str):
            alts = [value]
        elif isinstance(value, dict) and set(value) == {"IN"} and all(isinstance(v, str) for v in value["IN"]):
            alts = list(dict.fromkeys(value["IN"]))
        else:
            return None
        if any(not a or any(ch.isspace() for ch in a) for a in alts):
            return None  # a token never holds a space; the Matcher would simply never match it
        seqs = [s + (a,) for s in seqs for a in alts] + (seqs if op == "?" else [])
        if len(seqs) > MAX_PHRASES:
            return None
    return [s for s in seqs if s] or None


#: the token attributes a pattern's gate reads (by value, a string or IN), and the flags it can
#: require of some token; `Doc.to_array` reads them all at once, as hashes (symbols for POS, DEP)
GATE_ATTRS = ("NORM", "LOWER", "TEXT", "POS", "TAG", "DEP")
GATE_FLAGS = ("LIKE_URL", "LIKE_NUM", "LIKE_EMAIL")
_GATE_COLUMNS = tuple("ORTH" if a == "TEXT" else a for a in GATE_ATTRS + GATE_FLAGS)


def _token_needs(attrs: dict[str, Any]) -> list[tuple[str, frozenset]]:
    out = []
    for attr, value in attrs.items():
        if attr in GATE_ATTRS:
            if isinstance(value, str):
                out.append((attr, frozenset([value])))
            elif isinstance(value, dict) and set(value) == {"IN"}:
                out.append((attr, frozenset(value["IN"])))
        elif attr in GATE_FLAGS and value is True:
            out.append((attr, frozenset([True])))
    return out


def required_words(pattern: list[dict[str, Any]]) -> list[tuple[str, frozenset]]:
    """For each node of a dependency pattern, or each token of a token pattern that must be there
    (not optional, not negated), each attribute it names by value (a string or IN) and each flag
    it requires: the attribute and the values. The pattern can only match a parse that has, for
    each, a token with one of them; a parse without is not searched."""
    out = []
    for node in pattern:
        if "RIGHT_ATTRS" in node:
            out += _token_needs(node["RIGHT_ATTRS"])
        elif node.get("OP") in (None, "+"):
            out += _token_needs(node)
    return out


def _hashed(vocab, gate: list[tuple[str, frozenset]]) -> list[tuple[int, frozenset[int]]]:
    """A gate in the terms `present_values` gives: column numbers and hashes (1 for a flag)."""
    columns = GATE_ATTRS + GATE_FLAGS
    return [
        (columns.index(attr), frozenset(1 if v is True else vocab.strings.add(str(v)) for v in values))
        for attr, values in gate
    ]


def present_values(doc: Doc) -> list[set[int]]:
    """What a gate asks of a doc: for each gated attribute (GATE_ATTRS, then GATE_FLAGS), the
    values its tokens have, as hashes."""
    from spacy.attrs import IDS

    array = doc.to_array([IDS[c] for c in _GATE_COLUMNS])
    if array.ndim == 1:  # (a doc of one token)
        array = array.reshape(len(doc), -1)
    return [set(array[:, k].tolist()) for k in range(len(_GATE_COLUMNS))]


def _spacy_error(exc: Exception) -> str:
    """spaCy's pattern errors span several lines; keep the ones that say what is wrong, on one."""
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    return " ".join(lines)[:300]


class Compiled:
    """The matchers and detectors of one rule set, built once for one pipeline."""

    def __init__(self, nlp: Language, rules: Iterable[Any], signals: Iterable[Signal]) -> None:
        from spacy.matcher import DependencyMatcher, Matcher, PhraseMatcher

        self.vocab = nlp.vocab
        self.matcher = Matcher(nlp.vocab, validate=True)
        self.phrase_matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self.dep_matcher = DependencyMatcher(nlp.vocab, validate=True)
        # the customer's message is only asked about a few signals: it gets matchers of its own
        self.context_matcher = Matcher(nlp.vocab, validate=True)
        self.context_phrase_matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self.context_dep_matcher = DependencyMatcher(nlp.vocab, validate=True)
        # the same dependency patterns, each in a matcher of its own with the words it needs: a
        # parse without them is not searched (`dep_matcher` stays, for validation and debugging)
        self.dep_gated: list[tuple[list[tuple[int, frozenset[int]]], Any]] = []
        self.context_dep_gated: list[tuple[list[tuple[int, frozenset[int]]], Any]] = []
        self.token_gated: list[tuple[list[tuple[int, frozenset[int]]], Any]] = []
        self.context_token_gated: list[tuple[list[tuple[int, frozenset[int]]], Any]] = []
        self.sources: dict[str, list[Source]] = {}
        for sig in signals:
            self.sources[sig.name] = [
                Source(self, f"signal {sig.name}: source {src.id}", f"{sig.name}#{i}", src, context=sig.name in CONTEXT_SIGNALS)
                for i, src in enumerate(sig.sources)
            ]
        self.signal_defs = {s.name: s for s in signals}
        self.detectors = [make_detector(rule, self) for rule in rules]

    def source(self, signal: str, source_id: str) -> Source:
        """One source of a signal, by its id: to run it alone (its examples, a debugging session)."""
        return next(s for s in self.sources[signal] if s.spec.id == source_id)

    # -- compilation -------------------------------------------------------------------------
    def add_tokens(self, who: str, key: str, patterns: list[list[dict[str, Any]]], context: bool = False) -> None:
        token_patterns, phrases = [], []
        for pattern in patterns:
            spelled = phrases_of(pattern) if isinstance(pattern, list) else None
            if spelled is None:
                token_patterns.append(pattern)
            else:
                phrases.extend(spelled)
        from spacy.matcher import Matcher

        try:
            if token_patterns:
                self.matcher.add(key, token_patterns)
                if context:
                    self.context_matcher.add(key, token_patterns)
                self._gate_each(Matcher, key, token_patterns, self.token_gated, self.context_token_gated if context else None)
        except Exception as exc:  # spaCy's own validation error, reworded to name the rule
            raise RuleFileError(f"{who}: patterns: {_spacy_error(exc)}") from None
        if phrases:
            docs = [self._phrase_doc(words) for words in dict.fromkeys(phrases)]
            self.phrase_matcher.add(key, docs)
            if context:
                self.context_phrase_matcher.add(key, docs)

    def _gate_each(self, matcher_class, key: str, patterns: list, gated: list, context_gated: list | None) -> None:
        """One matcher per pattern, run only on a parse that has the words, tags and flags it names."""
        for pattern in patterns:
            one = matcher_class(self.vocab, validate=False)
            one.add(key, [pattern])
            gate = _hashed(self.vocab, required_words(pattern))
            gated.append((gate, one))
            if context_gated is not None:
                context_gated.append((gate, one))

    def _phrase_doc(self, words: tuple[str, ...]) -> Doc:
        """A phrase as the PhraseMatcher compares it: one token per word, each word its NORM."""
        from spacy.tokens import Doc

        doc = Doc(self.vocab, words=list(words))
        for tok, word in zip(doc, words):
            tok.norm_ = word
        return doc

    def add_dependency(self, who: str, key: str, patterns: list[list[dict[str, Any]]], context: bool = False) -> None:
        from spacy.matcher import DependencyMatcher

        try:
            self.dep_matcher.add(key, patterns)
            if context:
                self.context_dep_matcher.add(key, patterns)
            self._gate_each(DependencyMatcher, key, patterns, self.dep_gated, self.context_dep_gated if context else None)
        except Exception as exc:
            raise RuleFileError(f"{who}: patterns: {_spacy_error(exc)}") from None

    # -- matching ----------------------------------------------------------------------------
    def match(self, doc: Doc, context: bool = False) -> tuple[dict[str, list[Span]], dict[tuple[int, int], int]]:
        """Matches by key, and for dependency matches the anchor token (the pattern's first node),
        which is what structural predicates ask about: in "Sorry you feel that way" the match
        spans the customer's verb, but "Sorry" is the word whose speaker matters."""
        found: dict[str, list[Span]] = {}
        anchors: dict[tuple[int, int], int] = {}
        strings = doc.vocab.strings
        matcher, phrase_matcher, dep_matcher = (
            (self.context_matcher, self.context_phrase_matcher, self.context_dep_matcher) if context
            else (self.matcher, self.phrase_matcher, self.dep_matcher)
        )
        present = present_values(doc)
        token_gated = self.context_token_gated if context else self.token_gated
        token_matches = [
            *(m for gate, one in token_gated if all(not needed.isdisjoint(present[col]) for col, needed in gate) for m in one(doc)),
            *(phrase_matcher(doc) if len(phrase_matcher) else ()),
        ]
        for match_id, start, end in sorted(token_matches, key=lambda m: (m[1], m[2])):
            found.setdefault(strings[match_id], []).append(doc[start:end])
        gated = self.context_dep_gated if context else self.dep_gated
        if gated:
            dep_matches = [
                m for gate, one in gated if all(not needed.isdisjoint(present[col]) for col, needed in gate) for m in one(doc)
            ]
            for match_id, ids in dep_matches:
                span = doc[min(ids) : max(ids) + 1]
                found.setdefault(strings[match_id], []).append(span)
                anchors.setdefault((span.start, span.end), ids[0])
        return found, anchors

    def signal_spans(self, name: str, ex: Exchange, doc: Doc) -> list[Span]:
        spans = dedupe(s for spans in ex.raw_signal_moves(name, doc).values() for s in spans)
        for other in self.signal_defs[name].exclude:
            bad = ex.signal(other, doc)
            spans = [s for s in spans if not any(s.start < b.end and b.start < s.end for b in bad)]
        return spans

    def signal_spans_by_move(self, name: str, ex: Exchange, doc: Doc) -> dict[str, list[Span]]:
        """A signal's spans grouped by the move each source names (its own name when it names none)."""
        out: dict[str, list[Span]] = {}
        for src in self.sources[name]:
            out.setdefault(src.spec.move or name, []).extend(src.spans(ex, doc))
        return out


def passes(span: Span, filters: Filters, ex: Exchange) -> bool:
    if not filters.require and not filters.unless:
        return True
    focus = ex.focus(span)
    if any(not PREDICATES[p](focus, ex) for p in filters.require):
        return False
    return not any(PREDICATES[p](focus, ex) for p in filters.unless)


class Source:
    """One way a signal (or a span rule) shows up, with its structural filters."""

    def __init__(self, compiled: Compiled, who: str, key: str, spec: Any, context: bool = False) -> None:
        self.key = key
        self.spec = spec
        self.function = None
        self.params: dict[str, Any] = {}
        kind = spec.kind
        if kind == "lexicon":
            compiled.add_tokens(who, key, [pat for p in spec.lemmas for pat in lexicon_patterns(p)], context)
        elif kind == "pattern":
            compiled.add_tokens(who, key, spec.patterns, context)
        elif kind == "dependency":
            compiled.add_dependency(who, key, spec.patterns, context)
        elif kind == "python":
            # checked when the file loaded; validated again here, into what the function receives,
            # so that a spec built without the loader is held to its params model too
            self.params = check_params(who, spec.function, spec.params)
            self.function = registry.get(spec.function)

    def spans(self, ex: Exchange, doc: Doc | None = None) -> list[Span]:
        doc = ex.doc if doc is None else doc
        if self.function is not None:
            raw = list(self.function(ex, doc, **self.params))
        else:
            raw = ex.matches(self.key, doc)
        out = [s for s in dedupe(raw) if passes(s, self.spec, ex)]
        if self.spec.report == "sentence":
            out = dedupe(s.sent for s in out)
        return out


class Detector:
    def __init__(self, rule: Any, compiled: Compiled) -> None:
        self.rule = rule

    def find(self, ex: Exchange) -> Iterator[Hit]:  # pragma: no cover - abstract
        raise NotImplementedError


class SpanDetector(Detector):
    """lexicon, pattern, dependency and python rules: each filtered match is a finding."""

    def __init__(self, rule: Any, compiled: Compiled) -> None:
        super().__init__(rule, compiled)
        self.source = Source(compiled, rule.where, rule.id, rule)

    def find(self, ex: Exchange) -> Iterator[Hit]:
        for span in self.source.spans(ex):
            yield Hit(span, {"match": span.text})


class CountDetector(Detector):
    rule: CountRule

    def find(self, ex: Exchange) -> Iterator[Hit]:
        spans = ex.signal(self.rule.signal)
        n = len(spans)
        density = 100.0 * n / max(ex.words, 1)
        limit = self.rule.max_per_100_words
        dense = limit is not None and n >= 2 and ex.words >= self.rule.density_min_words and density > limit
        if n > self.rule.max or dense:
            at = spans[min(self.rule.max, n - 1)]
            yield Hit(at, {"match": at.text, "count": n, "max": self.rule.max, "density": round(density, 1)})


class ConditionalDetector(Detector):
    rule: ConditionalRule

    def find(self, ex: Exchange) -> Iterator[Hit]:
        from .conditions import holds

        if not len(ex.doc) or not all(holds(c, ex) for c in self.rule.when):
            return
        spans = ex.signal(self.rule.signal)
        if self.rule.expect == "present" and not spans:
            first = ex.content_sentences[0]
            yield Hit(first, {"match": first.text})
        elif self.rule.expect == "absent":
            for s in spans:
                yield Hit(s, {"match": s.text})


class MetricDetector(Detector):
    rule: MetricRule

    def find(self, ex: Exchange) -> Iterator[Hit]:
        if ex.words < self.rule.min_words:
            return
        if self.rule.metric == "sentence-words":
            for sent in ex.doc.sents:
                n = sum(1 for t in sent if t.is_alpha)
                if n > self.rule.max:
                    yield Hit(sent, {"match": sent.text, "value": n, "max": int(self.rule.max)})
        else:
            value = ex.grade_level
            if value is not None and value > self.rule.max:
                first = ex.content_sentences[0]
                yield Hit(first, {"match": first.text, "value": round(value, 1), "max": self.rule.max})


class MoveDetector(Detector):
    rule: MoveRule

    def find(self, ex: Exchange) -> Iterator[Hit]:
        from .conditions import holds

        rule = self.rule
        if not len(ex.doc) or not all(holds(c, ex) for c in rule.when):
            return
        if rule.unless_moves and ex.moves_of(*rule.unless_moves):
            return
        found = [
            m for m in ex.moves_of(*rule.moves)
            if all(m.detail.get(k) in vals for k, vals in rule.detail.items()) and passes(m.span, rule, ex)
        ]
        if rule.expect == "missing":
            if not found:
                first = _answering_sentence(ex, rule.at) if rule.at else ex.content_sentences[0]
                yield Hit(first, {"match": first.text})
            return
        for m in found:
            yield Hit(m.span, {"match": m.span.text, **m.detail})


def _answering_sentence(ex: Exchange, kinds: list[str]):
    """The first content sentence with a move of these kinds (the reply's apology or commitment:
    where it answers the failure), else the first content sentence."""
    content = {s.start for s in ex.content_sentences}
    for sent, moves in ex.moves:
        if sent.start in content and any(m.kind in kinds for m in moves):
            return sent
    return ex.content_sentences[0]


class MetaDetector(Detector):
    """A built-in rule (ruleset.MetaRule): the linter makes its findings once every detector has
    run (team phrases, suppression comments), so the parse has nothing for it to find."""

    def find(self, ex: Exchange) -> Iterator[Hit]:
        return iter(())


#: the detector class of each rule class (ruleset.RULE_CLASSES); a test checks none is missing
KINDS: dict[type, type[Detector]] = {
    LexiconRule: SpanDetector,
    PatternRule: SpanDetector,
    DependencyRule: SpanDetector,
    PythonRule: SpanDetector,
    CountRule: CountDetector,
    ConditionalRule: ConditionalDetector,
    MetricRule: MetricDetector,
    MoveRule: MoveDetector,
    MetaRule: MetaDetector,
}


def make_detector(rule: Any, compiled: Compiled) -> Detector:
    return KINDS[type(rule)](rule, compiled)
