"""Facts in a reply: what a rewrite must keep and must never invent.

Links, e-mail addresses, phone numbers, amounts, dates, times, order/ticket/invoice identifiers and
any other number, found with regular expressions (no parse needed, so the same function checks
the original, the rewrite and the tests). Overlaps go to the more specific kind: the digits of a
link are part of the link, the digits of "£12.99" are an amount.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_DAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)day"
_ORD = r"\d{1,2}(?:st|nd|rd|th)?"

#: kind -> pattern, most specific first
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("link", re.compile(r"(?:\bhttps?://|\bwww\.)[^\s<>\"'()\[\]]*[^\s<>\"'()\[\].,;:!?]", re.I)),
    ("email", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
    ("amount", re.compile(r"(?:[$€£¥]\s?\d[\d,]*(?:\.\d+)?|\b\d[\d,]*(?:\.\d+)?\s?(?:USD|EUR|GBP|CAD|AUD|dollars|euros|pounds)\b)(?:\s?(?:USD|EUR|GBP))?", re.I)),
    ("date", re.compile(
        rf"\b(?:{_DAY}\s+)?(?:{_ORD}\s+(?:of\s+)?{_MONTH}\b(?:\s+\d{{4}})?|{_MONTH}\s+{_ORD}\b(?:,?\s+\d{{4}})?)"
        rf"|\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?\b|\b{_DAY}\b|\b(?:today|tomorrow|tonight|yesterday)\b",
        re.I,
    )),
    ("phone", re.compile(r"(?<![\w#/.-])\+?\d[\d ()-]{7,}\d(?![\w/])")),
    ("time", re.compile(r"\b\d{1,2}(?::\d{2})?\s?(?:am|pm|a\.m\.|p\.m\.)(?!\w)|\b\d{1,2}:\d{2}\b", re.I)),
    ("id", re.compile(r"#\s?[\w-]*\d[\w-]*|\b(?=[A-Za-z0-9-]*\d)(?=[A-Za-z0-9-]*[A-Za-z])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+\b|\b[A-Z]{2,}\d+[A-Z0-9]*\b")),
    ("number", re.compile(r"\b\d+(?:[.,]\d+)*\b")),
]
PLACEHOLDER = re.compile(r"\[\[[^\[\]\n]+\]\]")


@dataclass(frozen=True)
class Fact:
    kind: str
    text: str
    start: int
    end: int

    @property
    def key(self) -> str:
        """How two mentions of one fact compare: case and inner spacing do not matter."""
        return " ".join(self.text.lower().split())


def facts(text: str) -> list[Fact]:
    """Every fact in `text`, in order, without overlaps. Placeholders hold no facts."""
    taken = [False] * len(text)
    for m in PLACEHOLDER.finditer(text):
        taken[m.start() : m.end()] = [True] * (m.end() - m.start())
    out: list[Fact] = []
    for kind, rx in PATTERNS:
        for m in rx.finditer(text):
            s, e = m.start(), m.end()
            if s == e or any(taken[s:e]):
                continue
            taken[s:e] = [True] * (e - s)
            out.append(Fact(kind, m.group(), s, e))
    return sorted(out, key=lambda f: f.start)


def keys(text: str) -> set[str]:
    return {f.key for f in facts(text)}
