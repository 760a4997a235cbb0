"""The anatomy of a reply: greeting, body sentences, sign-off, each with offsets into the text.

The rewrite edits sentences of the body and leaves the greeting and the sign-off as the agent wrote
them. Splitting is by rule (punctuation, line breaks, common abbreviations), not by the parser, so
that a sentence is the same stretch of text however the parser happens to read it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

GREETING_WORDS = r"(?:hi|hello|hey|dear|hiya|good\s+(?:morning|afternoon|evening)|greetings)"
_GREETING_LINE = re.compile(rf"^[ \t]*({GREETING_WORDS})\b(?:[ \t]+([^\n,!:.]{{1,60}}?))?[ \t]*[,!:.]?[ \t]*$", re.I | re.M)
_GREETING_PREFIX = re.compile(rf"^[ \t]*({GREETING_WORDS})[ \t]+([^\n,!:.?]{{1,40}}?)[ \t]*[,!:][ \t]+(?=\S)", re.I | re.M)
#: a social reply's greeting and signature: "@marta_k ...", "... ^JL"
_HANDLE_PREFIX = re.compile(r"^[ \t]*(@\w{1,30}(?:[ \t]+@\w{1,30})*)[ \t]+(?=\S)", re.M)
_INITIALS = re.compile(r"[ \t]+([\^~][A-Z]{1,3})[ \t]*$")
_SIGN_OFF = re.compile(
    r"^[ \t]*(?:(?:best|kind|warm|warmest|many|with)\s+(?:regards|wishes|thanks)|regards|best|cheers|thanks|thank\s+you|"
    r"many\s+thanks|sincerely|yours(?:\s+\w+)?|all\s+the\s+best|take\s+care|talk\s+soon|speak\s+soon|with\s+thanks|"
    r"respectfully)[ \t]*[,.!]?[ \t]*$",
    re.I | re.M,
)
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "st", "e.g", "i.e", "etc", "vs", "no", "approx", "inc", "ltd", "co",
    "a.m", "p.m", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "ref",
}
#: a sentence ends at . ! ? (and closing quotes), or after a link that the next sentence follows
_END = re.compile(r"[.!?]+[\"')\]]*(?=\s)|(?:https?://|www\.)\S+(?=\s+[A-Z])")


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int
    line: int


@dataclass
class Anatomy:
    text: str
    greeting: tuple[int, int] | None = None
    customer_name: str | None = None
    closing: tuple[int, int] | None = None
    sign_off: str | None = None
    agent_name: str | None = None
    body: tuple[int, int] = (0, 0)
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def greeting_text(self) -> str:
        return self.text[self.greeting[0] : self.greeting[1]] if self.greeting else ""

    @property
    def closing_text(self) -> str:
        return self.text[self.closing[0] : self.closing[1]] if self.closing else ""


def _split_line(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences within one line: after . ! ? and a space, unless it ends an abbreviation or an
    initial, or the next word starts in lower case."""
    out = []
    s = start
    while s < end and text[s].isspace():
        s += 1
    pos = s
    for m in _END.finditer(text, s, end):
        stop = m.end()
        word = re.search(r"([\w.]+)[.!?]*[\"')\]]*$", text[pos:stop])
        w = word.group(1).lower().rstrip(".") if word else ""
        nxt = re.match(r"\s+(\S)", text[stop:end])
        if text[m.start()] not in ".!?":
            out.append((pos, stop))  # a link ends the sentence
            pos = stop
            while pos < end and text[pos].isspace():
                pos += 1
            continue
        if text[m.start()] == "." and (w in _ABBREVIATIONS or (len(w) == 1 and w.isalpha())):
            if w != "no" or (nxt and nxt.group(1).isdigit()):
                continue
        if nxt and nxt.group(1).islower():
            continue
        out.append((pos, stop))
        pos = stop
        while pos < end and text[pos].isspace():
            pos += 1
    tail_end = end
    while tail_end > pos and text[tail_end - 1].isspace():
        tail_end -= 1
    if tail_end > pos:
        out.append((pos, tail_end))
    return out


def analyse(text: str) -> Anatomy:
    an = Anatomy(text)
    lines, pos = [], 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line.rstrip("\r"))))
        pos += len(line) + 1
    nonblank = [i for i, (s, e) in enumerate(lines) if text[s:e].strip()]
    if not nonblank:
        return an
    body_start, body_end = lines[nonblank[0]][0], lines[nonblank[-1]][1]

    # greeting: a line of its own ("Hi Sam,") or the start of the first line ("Hi Sam, sorry ...")
    first_s, first_e = lines[nonblank[0]]
    m = _GREETING_LINE.match(text, first_s, first_e)
    if m:
        an.greeting = (first_s + len(text[first_s:first_e]) - len(text[first_s:first_e].lstrip()), first_e)
        an.customer_name = (m.group(2) or "").strip() or None
        body_start = first_e
    else:
        m = _GREETING_PREFIX.match(text, first_s, first_e)
        if m:
            an.greeting = (first_s, m.end())
            an.customer_name = m.group(2).strip()
            body_start = m.end()
        elif (h := _HANDLE_PREFIX.match(text, first_s, first_e)):
            an.greeting = (first_s, h.end())  # "@marta_k ": the reply goes on after the handle
            an.customer_name = h.group(1)
            body_start = h.end()

    # sign-off: a closing line ("Best regards,") with at most three short name lines after it
    last = len(nonblank) - 1
    for k in range(last, max(last - 4, -1), -1):
        s, e = lines[nonblank[k]]
        if lines[nonblank[k]][0] < body_start:
            break
        if _SIGN_OFF.match(text, s, e):
            names = [text[a:b].strip() for a, b in (lines[i] for i in nonblank[k + 1 :])]
            if all(len(n.split()) <= 5 and not re.search(r"[.!?]$", n) for n in names):
                an.closing = (s, body_end)
                an.sign_off = text[s:e].strip()
                an.agent_name = names[0] if names else None
                body_end = s
                break

    if an.closing is None and nonblank and (len(nonblank) > 1 or "\n\n" in text[: lines[nonblank[-1]][0]]):
        # no "Best," line, only a name ("Alex", "Kim Lee", "-Becky") as the last paragraph
        s, e = lines[nonblank[-1]]
        name = text[s:e].strip().lstrip("-–—~^*/ ")
        before = text[: s].rstrip(" \t")
        if s >= body_start and before.endswith("\n") and re.fullmatch(r"[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*)?", name):
            an.closing = (s, body_end)
            an.agent_name = name
            body_end = s

    if an.closing is None:
        # a social reply's initials at the end of its last line: "... on Friday ^JL"
        s, e = lines[nonblank[-1]]
        m = _INITIALS.search(text, max(s, body_start), e)
        if m:
            an.closing = (m.start(), body_end)
            an.agent_name = m.group(1).lstrip("^~")
            body_end = m.start()

    an.body = (body_start, body_end)
    paragraph = 0
    line_no = 0
    blank_run = False
    for s, e in lines:
        if e <= body_start or s >= body_end:
            continue
        s, e = max(s, body_start), min(e, body_end)
        if not text[s:e].strip():
            blank_run = True
            continue
        if blank_run and an.sentences:
            paragraph += 1
        blank_run = False
        for a, b in _split_line(text, s, e):
            an.sentences.append(Sentence(a, b, text[a:b], paragraph, line_no))
        line_no += 1
    return an
