"""Regular expressions written in rule files: refused when they can backtrack catastrophically.

spaCy runs a token pattern's `REGEX` with Python's `re`, which backtracks and cannot be
interrupted: `^(a+)+$` takes 13 s on 28 letters, and doubles with each more. A rule pack is data
the tool should be able to load without trusting it, so every `REGEX` is checked when its file
loads (no spaCy needed), and a pattern is refused, with the reason, when it has

- a quantifier inside a repeated group (`(a+)+`, `(\\w*\\s?)*`) or a repeated alternation
  (`(ing|ed)+`): exponential; write a character class or one flat quantifier instead;
- a backreference (`(a)\\1`): no bound on its cost;
- more than `MAX_DEGREE` for its cost degree: the number of unbounded quantifiers, plus one when
  the pattern is not anchored with `^` (a search tries every start): its time grows as the token
  length to that power;
- more than `MAX_PATTERN_CHARS` characters.

A pattern of degree 2 or 3 is polynomial in the length of the token it is matched against, so it
is rewritten to match only tokens of at most `MAX_TOKEN_CHARS` characters (a longer token is not
a word, and never matches it); one of degree 0 or 1 is linear and is left as written.
"""
from __future__ import annotations

import re
from typing import Any

try:  # Python's own regular-expression parser: the structure the matcher will run
    from re import _constants as _c, _parser as _p  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover  (Python 3.10)
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

MAX_PATTERN_CHARS = 256
#: unbounded quantifiers, plus one for an unanchored search: 3 keeps a token of
#: MAX_TOKEN_CHARS under about 10⁶ steps
MAX_DEGREE = 3
#: the longest token a pattern of degree 2 or more is matched against
MAX_TOKEN_CHARS = 100
#: a repeat allowing more than this many is counted as unbounded (`{1,2}` is not, `{1,500}` is)
SMALL_REPEAT = 10

_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT} | ({_c.POSSESSIVE_REPEAT} if hasattr(_c, "POSSESSIVE_REPEAT") else set())
_REFS = {_c.GROUPREF, _c.GROUPREF_EXISTS} | ({_c.GROUPREF_IGNORE} if hasattr(_c, "GROUPREF_IGNORE") else set())
_LEADING_FLAGS = re.compile(r"^(?:\(\?[aiLmsux]+\))+")


class UnsafeRegex(ValueError):
    """A rule file's regular expression that could hang the linter; the message says why."""


def _children(op: Any, av: Any) -> list:
    """The sub-patterns of one parsed item."""
    if op in _REPEATS:
        return [av[2]]
    if op == _c.SUBPATTERN:
        return [av[-1]]
    if op == _c.BRANCH:
        return list(av[1])
    if op in (_c.ASSERT, _c.ASSERT_NOT):
        return [av[1]]
    if hasattr(_c, "ATOMIC_GROUP") and op == _c.ATOMIC_GROUP:
        return [av]
    return []


def _variable_inside(sub: Any) -> bool:
    """Whether a sub-pattern can match in more than one way: a variable repeat or an alternation."""
    for op, av in sub:
        if op in _REPEATS and av[0] != av[1]:
            return True
        if op == _c.BRANCH:
            return True
        if any(_variable_inside(s) for s in _children(op, av)):
            return True
    return False


def _unbounded(sub: Any) -> int:
    """The unbounded quantifiers of a sub-pattern, refusing the exponential shapes on the way."""
    n = 0
    for op, av in sub:
        if op in _REFS:
            raise UnsafeRegex("a backreference can take exponential time")
        if op in _REPEATS:
            lo, hi, body = av
            many = hi > SMALL_REPEAT or (hi > 1 and lo != hi)
            if many and _variable_inside(body):
                raise UnsafeRegex(
                    "a quantifier or an alternation inside a repeated group can take exponential time; "
                    "use one flat quantifier or a character class"
                )
            n += hi > SMALL_REPEAT
        inner = sum(_unbounded(s) for s in _children(op, av))
        if op in _REPEATS and av[1] > 1:
            inner *= min(av[1], SMALL_REPEAT + 1)  # "(?:a+){6}": six quantifiers in a row, not one
        n += inner
    return n


def degree(pattern: str) -> int:
    """How the worst-case time grows with the token's length, as a power (see the module doc);
    raises UnsafeRegex for a pattern that is refused whatever its degree."""
    if len(pattern) > MAX_PATTERN_CHARS:
        raise UnsafeRegex(f"{len(pattern)} characters is over the limit of {MAX_PATTERN_CHARS}")
    try:
        parsed = _p.parse(pattern)
    except re.error as exc:
        raise UnsafeRegex(f"not a regular expression: {exc}") from None
    n = _unbounded(parsed)
    first = list(parsed)[:1]
    at_start = {_c.AT_BEGINNING_STRING} | ({_c.AT_BEGINNING} if not parsed.state.flags & re.MULTILINE else set())
    anchored = bool(first) and first[0][0] == _c.AT and first[0][1] in at_start
    return n + (not anchored)


def guarded(pattern: str) -> str:
    """The pattern spaCy should run for `pattern`: as written when its cost is linear, else
    confined to tokens of at most MAX_TOKEN_CHARS; UnsafeRegex when it is refused."""
    d = degree(pattern)
    if d > MAX_DEGREE:
        raise UnsafeRegex(
            f"its time grows as the token's length to the power {d} (its unbounded quantifiers, plus one when it is not "
            f"anchored with ^), over the limit of {MAX_DEGREE}"
        )
    if d <= 1:
        return pattern
    flags = _LEADING_FLAGS.match(pattern)
    lead = flags.group(0) if flags else ""
    body = pattern[len(lead):]
    end = "\n" if re.compile(pattern).flags & re.VERBOSE else ""  # a trailing comment must not eat the ")"
    # \A: only the search from the token's start is tried; the lookahead fails fast on a long token
    return f"{lead}\\A(?=[\\s\\S]{{0,{MAX_TOKEN_CHARS}}}\\Z)[\\s\\S]*?(?:{body}{end})"


def guard_patterns(patterns: Any) -> Any:
    """Token or dependency patterns with every `REGEX` value checked and guarded (a copy); the
    first refused one raises UnsafeRegex naming it."""
    if isinstance(patterns, list):
        return [guard_patterns(p) for p in patterns]
    if isinstance(patterns, dict):
        out = {}
        for key, value in patterns.items():
            if isinstance(key, str) and key.upper() == "REGEX" and isinstance(value, str):
                try:
                    value = guarded(value)
                except UnsafeRegex as exc:
                    raise UnsafeRegex(f"REGEX {value!r}: {exc}") from None
            else:
                value = guard_patterns(value)
            out[key] = value
        return out
    return patterns
