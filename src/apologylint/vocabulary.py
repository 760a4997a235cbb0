"""A team's own words: phrases always to flag (`flag-phrases`) and words never to flag (`allow-words`).

Both are applied once, to a report's final findings, not by each rule: a product name such as
"Just Eat" must silence AL702 ("just"), the hedging rules and any rule yet to be written alike,
and a flagged phrase needs no parse, so it is a plain text search with its own rule, AL990
team-phrase, which `select`, `ignore`, `per-file-ignores` and suppression comments name like any
other.

Matching: a phrase matches at word boundaries (no "rebate" inside "rebated"), with curly quotes
read as straight ones ("we’re" is "we're") and any run of whitespace as one space. Flagged
phrases match in any case (the team bans the phrase, however it is typed); allowed words match
in the case they are written in, since a name's capitals are what tell it from the word ("Just
Eat" is allowed, "we just eat the cost" is not). Nothing here imports spaCy.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from .models import Finding, Severity

TEAM_PHRASE_ID, TEAM_PHRASE_NAME, TEAM_PHRASE_CATEGORY = "AL990", "team-phrase", "vocabulary"
DEFAULT_MESSAGE = "Team phrase: '{phrase}' is on the team's list of phrases not to send"

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
                          "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"'})


@dataclass(frozen=True)
class BuiltinRule:
    """What select/ignore match a built-in rule by (see `ruleset.matches`)."""

    id: str
    name: str
    category: str


TEAM_PHRASE = BuiltinRule(TEAM_PHRASE_ID, TEAM_PHRASE_NAME, TEAM_PHRASE_CATEGORY)


def fold(text: str) -> str:
    """Curly quotes made straight; one character for one, so offsets stay those of `text`."""
    return text.translate(_QUOTES)


def pattern(phrase: str, *, ignore_case: bool) -> re.Pattern[str]:
    """The regex of a phrase: escaped, whitespace runs as `\\s+`, bounded where it starts or ends
    with a word character."""
    words = fold(phrase).split()
    body = r"\s+".join(re.escape(w) for w in words)
    if re.match(r"\w", words[0]):
        body = r"(?<!\w)" + body
    if re.search(r"\w$", words[-1]):
        body += r"(?!\w)"
    return re.compile(body, re.IGNORECASE if ignore_case else 0)


def spans(text: str, phrases: Iterable[str], *, ignore_case: bool) -> list[tuple[int, int, str]]:
    """(start, end, phrase) of every occurrence of each phrase in `text`."""
    folded = fold(text)
    out = []
    for phrase in phrases:
        for m in pattern(phrase, ignore_case=ignore_case).finditer(folded):
            out.append((m.start(), m.end(), phrase))
    return sorted(out)


def team_findings(text: str, phrases: Sequence, position, severity: Severity = Severity.warning) -> list[Finding]:
    """AL990 findings for each occurrence of a configured `FlagPhrase`; `position(offset)` is the
    (line, column) of an offset, as the linter counts them. `severity` is the rule's (its entry in
    rules/meta.yaml, as configured), for an entry that gives none."""
    out = []
    for entry in phrases:
        for start, end, _ in spans(text, [entry.phrase], ignore_case=True):
            line, column = position(start)
            template = entry.message or DEFAULT_MESSAGE
            out.append(Finding(
                rule=TEAM_PHRASE_ID, name=TEAM_PHRASE_NAME, category=TEAM_PHRASE_CATEGORY,
                severity=Severity(entry.severity) if entry.severity is not None else severity, message=template.replace("{phrase}", entry.phrase),
                start=start, end=end, line=line, column=column, excerpt=text[start:end],
                suggestion=None,
            ))
    return out


def drop_allowed(findings: Sequence[Finding], text: str, words: Sequence[str]) -> list[Finding]:
    """The findings whose text is not, and is not inside, an allowed word or phrase."""
    if not words or not findings:
        return list(findings)
    allowed = spans(text, words, ignore_case=False)
    if not allowed:
        return list(findings)
    return [f for f in findings if not any(a <= f.start and f.end <= b and f.end > f.start for a, b, _ in allowed)]


__all__ = ["TEAM_PHRASE", "TEAM_PHRASE_ID", "TEAM_PHRASE_NAME", "drop_allowed", "fold", "pattern", "spans", "team_findings"]
