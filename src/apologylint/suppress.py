"""Inline suppression: `apologylint: disable=RULE` comments written in the file's own comment syntax.

    <!-- apologylint: disable=AL201 -->              HTML and Markdown
    {# apologylint: disable-next-line=excuse #}     Jinja templates (.j2, .jinja, .jinja2)
    # apologylint: enable                           plain text, only with `hash-comments = true`
    X-Apologylint-Disable: AL201, hedging           an email header: the whole message

`disable[=RULE,...]` silences the rules from the comment to the end of the text, or to an
`enable[=RULE,...]` that names them (`enable` alone ends every range); `disable-next-line=RULE`
silences the first line with text after the comment. RULE is an id (AL201), an id prefix (AL2),
a rule name (beyond-our-control) or a category (excuse); `disable` with no list is every rule.

Why the comments are blanked, not cut: a comment is no prose and must not be linted, but cutting
it would move every later character, and a finding's line and column must still point at the file.
So `prepare` replaces each character of a comment by a space (newlines stay), the linter reads
that, and offsets, lines and columns are those of the file. HTML is read through a converter that
drops comments, so `mark_html` first turns each directive comment into a run of private-use
characters that survives the conversion; `prepare` (syntax "html") finds the run in the converted
text, reads the directive back from it and blanks it, so a directive keeps its place among the
paragraphs (an HTML body's findings point at line 1 anyway; see the README's Email section).

Suppression is applied by `Linter` where a report's findings are final (after team phrases,
allowed words and per-file ignores; before anything is printed), so the API honours it as the
command line does; see `Linter.lint_many`. Nothing here imports spaCy.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

#: the syntaxes a text can carry directives in (see the module docstring); "none": no directive
SYNTAXES = ("text", "markdown", "html", "jinja", "none")

#: the built-in codes of suppression's own findings
UNUSED_ID, UNUSED_NAME = "AL000", "unused-suppression"
INVALID_ID, INVALID_NAME = "AL001", "invalid-suppression"
CATEGORY = "suppression"

ACTIONS = ("disable", "enable", "disable-next-line")

_BODY = re.compile(r"\s*(?P<action>[A-Za-z][A-Za-z-]*)\s*(?:=\s*(?P<rules>.*?))?\s*", re.DOTALL)
_RULE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")

# a directive is short: bounding its body keeps a hostile text of many unterminated
# "<!-- apologylint:" openings linear, instead of each opening scanning to the end of the text
MAX_DIRECTIVE = 1000
_HTML = re.compile(r"<!--[ \t]*apologylint[ \t]*:(?P<body>[^>]{0,%d}?)-->" % MAX_DIRECTIVE, re.IGNORECASE)
_JINJA = re.compile(r"\{#[-+]?[ \t]*apologylint[ \t]*:(?P<body>[^}]{0,%d}?)[-+]?#\}" % MAX_DIRECTIVE, re.IGNORECASE)
_HASH = re.compile(r"^[ \t]*#[ \t]*apologylint[ \t]*:(?P<body>[^\n]*)$", re.IGNORECASE | re.MULTILINE)

# HTML: a directive comment becomes START + one private-use character per ASCII character + END
# (character references, so any charset carries them); plane 16 is private use, and no mail
# client writes its last characters
_MARK_START, _MARK_END, _MARK_BASE = "\U0010fff0", "\U0010fff1", 0x100000
_MARK = re.compile(f"{_MARK_START}(?P<body>[\U00100000-\U0010007f]{{0,{MAX_DIRECTIVE}}}){_MARK_END}")
_HTML_BYTES = re.compile(rb"<!--[ \t]*apologylint[ \t]*:([^>]{0,%d}?)-->" % MAX_DIRECTIVE, re.IGNORECASE)

#: the email header; its directives cover the whole message
HEADER = "X-Apologylint-Disable"


@dataclass(frozen=True)
class Directive:
    """One suppression comment: what it does, to which rules, and where it is in the text."""

    action: str  # disable | enable | disable-next-line | disable-message (an email header)
    rules: tuple[str, ...] | None  # None: every rule
    start: int  # offsets of the comment in the text (a header's: 0, 0)
    end: int
    source: str  # as written, for messages: "disable=AL201,AL305"
    target_line: int | None = None  # disable-next-line: the line it silences
    error: str | None = None  # why it is not a valid directive

    def covers(self, key: str) -> bool:
        return self.rules is None or key in self.rules


@dataclass
class Prepared:
    """A text ready to lint: comments blanked, directives read."""

    text: str
    directives: list[Directive] = field(default_factory=list)


def syntax_for(path: str | None) -> str:
    """The comment syntax of a file by its name: .md -> markdown, .html -> html, .j2 -> jinja,
    anything else (and standard input) plain text."""
    name = (path or "").lower()
    if name.endswith((".md", ".markdown")):
        return "markdown"
    if name.endswith((".html", ".htm")):
        return "html"
    if name.endswith((".j2", ".jinja", ".jinja2")):
        return "jinja"
    return "text"


def is_directive(token: str, syntax: str) -> bool:
    """Whether a whole comment (`<!-- ... -->` for "markdown"/"html", `{# ... #}` for "jinja") is
    an apologylint directive: what an extractor that drops comments must keep for `prepare`
    (the editor server's HTML and Jinja reading does)."""
    pattern = {"markdown": _HTML, "html": _HTML, "jinja": _JINJA}.get(syntax)
    return pattern is not None and pattern.fullmatch(token) is not None


def parse_body(body: str) -> tuple[str, tuple[str, ...] | None, str | None]:
    """(action, rules or None for all, error) of what follows `apologylint:`."""
    m = _BODY.fullmatch(body)
    if m is None:
        return "", None, f"'{body.strip()}' is no directive (disable, enable or disable-next-line)"
    action = m.group("action").lower()
    if action not in ACTIONS:
        return action, None, f"unknown directive '{m.group('action')}' (disable, enable or disable-next-line)"
    raw = m.group("rules")
    if raw is None:
        if action == "disable-next-line":
            return action, None, "disable-next-line needs the rules it silences: disable-next-line=RULE[,RULE]"
        return action, None, None
    rules = tuple(r.strip() for r in raw.split(",") if r.strip())
    bad = [r for r in rules if not _RULE.fullmatch(r)]
    if not rules or bad:
        return action, None, f"'{raw.strip()}' is not a list of rule ids, names or categories"
    return action, rules, None


def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", text)]


def _blank(chars: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if chars[i] not in "\r\n":
            chars[i] = " "


def prepare(text: str, syntax: str | None = "text", *, hash_comments: bool = False) -> Prepared:
    """The text with its directive comments blanked, and the directives in order of position.

    `syntax` is one of SYNTAXES; plain text has directives only with `hash_comments` (a `#` at
    the start of a line can be content: "#4471 shipped today")."""
    if syntax not in SYNTAXES and syntax is not None:
        raise ValueError(f"syntax must be one of {', '.join(SYNTAXES)}, not {syntax!r}")
    if syntax == "html":
        if _MARK_START in text:
            return _prepare(text, _MARK, decode=True)
        return _prepare(text, _HTML)  # the API: HTML comments in text that was never converted
    if "apologylint" not in text.lower():
        return Prepared(text)
    if syntax == "markdown":
        return _prepare(text, _HTML)
    if syntax == "jinja":
        return _prepare(text, _JINJA)
    if syntax == "text" and hash_comments:
        return _prepare(text, _HASH)
    return Prepared(text)


def _prepare(text: str, pattern: re.Pattern[str], decode: bool = False) -> Prepared:
    chars = list(text)
    found: list[tuple[int, int, str]] = []
    for m in pattern.finditer(text):
        body = "".join(chr(ord(c) - _MARK_BASE) for c in m.group("body")) if decode else m.group("body")
        found.append((m.start(), m.end(), body))
        _blank(chars, m.start(), m.end())
    blanked = "".join(chars)
    starts = _line_starts(blanked)
    directives = []
    for start, end, body in found:
        action, rules, error = parse_body(body)
        source = " ".join(body.split())
        target = _next_line(blanked, starts, end) if action == "disable-next-line" and error is None else None
        if action == "disable-next-line" and error is None and target is None:
            error = "disable-next-line has no line after it"
        directives.append(Directive(action, rules, start, end, source, target, error))
    return Prepared(blanked, directives)


def _next_line(text: str, starts: list[int], end: int) -> int | None:
    """The 1-based number of the first line after the one where offset `end` falls that has text."""
    line = bisect.bisect_right(starts, max(0, end - 1))  # 1-based line of the comment's last character
    for n in range(line, len(starts)):
        stop = starts[n + 1] if n + 1 < len(starts) else len(text)
        if text[starts[n]:stop].strip():
            return n + 1
    return None


def mark_html(data: bytes) -> bytes:
    """HTML bytes with each directive comment turned into character references that survive the
    conversion to text (see the module docstring); everything else unchanged."""
    if b"apologylint" not in data.lower():
        return data

    def mark(m: re.Match[bytes]) -> bytes:
        body = m.group(1).decode("ascii", "ignore")
        refs = "".join(f"&#x{_MARK_BASE + ord(c):X};" for c in body if ord(c) < 128)
        return f"&#x{ord(_MARK_START):X};{refs}&#x{ord(_MARK_END):X};".encode("ascii")

    return _HTML_BYTES.sub(mark, data)


def strip_marks(text: str | None) -> str | None:
    """Text with the marks of `mark_html` removed (the quoted customer message may carry some)."""
    return _MARK.sub("", text) if text and _MARK_START in text else text


def header_directives(values: Iterable[str]) -> list[Directive]:
    """Directives from `X-Apologylint-Disable` header values: each covers the whole message; an
    empty value is every rule."""
    out = []
    for value in values:
        value = " ".join(str(value).split())
        rules = tuple(r.strip() for r in value.split(",") if r.strip()) or None
        bad = [r for r in rules or () if not _RULE.fullmatch(r)]
        error = f"'{value}' is not a list of rule ids, names or categories" if bad else None
        out.append(Directive("disable-message", None if bad else rules, 0, 0, f"{HEADER}: {value}", error=error))
    return out


# -- applying them ------------------------------------------------------------------------------
def _key_matches(finding, key: str) -> bool:
    from .ruleset import matches

    return matches(_AsRule(finding.rule, finding.name, finding.category), key)


@dataclass(frozen=True)
class _AsRule:
    id: str
    name: str
    category: str


def apply(findings: Sequence, directives: Sequence[Directive]) -> tuple[list, set[tuple[int, str | None]]]:
    """The findings the directives let through, and which (directive index, rule key) pairs
    silenced something (key None for a directive of every rule).

    A range directive's state for a finding is that of the last `disable`/`enable` before the
    finding's start that speaks of its rule; a header covers the whole message; a
    `disable-next-line` covers findings that start on its target line."""
    valid = [(n, d) for n, d in enumerate(directives) if d.error is None]
    if not valid or not findings:
        return list(findings), set()
    starts = [d.start for d in directives]
    used: set[tuple[int, str | None]] = set()
    kept = []
    for f in findings:
        by: tuple[int, str | None] | None = None
        for n, d in valid:
            if d.action == "disable-message":
                key = _covering_key(d, f)
                if key is not False:
                    by = (n, key)
                    break
        if by is None:
            for n, d in valid:
                if d.action == "disable-next-line" and d.target_line == f.line:
                    key = _covering_key(d, f)
                    if key is not False:
                        by = (n, key)
                        break
        if by is None:
            upto = bisect.bisect_right(starts, f.start)
            for n, d in valid:
                if n >= upto or d.action not in ("disable", "enable"):
                    continue
                key = _covering_key(d, f)
                if key is False:
                    continue
                by = (n, key) if d.action == "disable" else None
        if by is None:
            kept.append(f)
        else:
            used.add(by)
    return kept, used


def _covering_key(d: Directive, finding) -> str | None | bool:
    """The key of `d` that names the finding's rule (None: `d` names every rule), or False."""
    if d.rules is None:
        return None
    for key in d.rules:
        if _key_matches(finding, key):
            return key
    return False


def problems(directives: Sequence[Directive], used: set[tuple[int, str | None]], *, report_unused: bool, known=None):
    """(directive, message, code, name) for each invalid directive, and, with `report_unused`,
    each suppression (a directive, or one rule of its list) that silenced nothing. `known(key)`
    says whether a key names any rule; a key that names none is invalid, not just unused."""
    out = []
    for n, d in enumerate(directives):
        if d.error is None and d.rules and known is not None:
            unknown = [k for k in d.rules if not known(k)]
            if unknown:
                out.append((d, f"'{unknown[0]}' in '{d.source}' names no rule id, name, prefix or category", INVALID_ID, INVALID_NAME))
                continue
        if d.error is not None:
            out.append((d, f"Invalid suppression '{d.source}': {d.error}", INVALID_ID, INVALID_NAME))
            continue
        if not report_unused or d.action == "enable":
            continue
        if d.rules is None:
            if (n, None) not in used:
                out.append((d, f"Unused suppression: '{d.source}' silenced nothing", UNUSED_ID, UNUSED_NAME))
            continue
        idle = [k for k in d.rules if (n, k) not in used]
        if len(idle) == len(d.rules):
            out.append((d, f"Unused suppression: '{d.source}' silenced nothing", UNUSED_ID, UNUSED_NAME))
        elif idle:
            out.append((d, f"Unused suppression: {', '.join(idle)} in '{d.source}' silenced nothing", UNUSED_ID, UNUSED_NAME))
    return out


__all__ = [
    "Directive", "HEADER", "INVALID_ID", "Prepared", "SYNTAXES", "UNUSED_ID", "apply", "header_directives", "is_directive", "mark_html",
    "parse_body", "prepare", "problems", "strip_marks", "syntax_for",
]
