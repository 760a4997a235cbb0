"""What the sender wrote now, in a plain-text body: quoted history and signatures set aside.

Quoted history is found by quotequail (Close's library, which knows the reply and forward
intros of Gmail, Apple Mail, Outlook and Thunderbird in ten languages, header blocks such as
Outlook's "From: ... Sent: ..." and "> " quoting); we keep its answer as line ranges, so what is
linted can be mapped back to the file. Two guards sit on top of it: a header block counts as
quoted history only when it has a From: line (a reply that says "Date: Friday" on one line and
"To: you" on the next is not a forward), and "> " lines left in the reply (answers written between
quotes) are set aside too. Signatures are ours: everything after a "-- " line, client footers
("Sent from my iPhone", "Get Outlook for iOS"), and a closing block: a valediction alone on its
line ("Best regards,") followed by a few short lines (name, title, phone).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

#: a valediction alone on its line
_VALEDICTION = re.compile(
    r"^\s*(?:(?:best|kind|warm|warmest|many|with (?:best|kind|warm))\s+(?:regards|wishes)"
    r"|regards|best|all the best|cheers|sincerely|yours(?: truly| sincerely)?|respectfully"
    r"|(?:many )?thanks(?: again| so much)?|thank you(?: again| so much)?|take care|talk soon|speak soon"
    r"|have a (?:great|good|nice|lovely) (?:day|week|weekend))\s*[,.!]?\s*$",
    re.IGNORECASE,
)
#: footers that mail clients append
_FOOTER = re.compile(
    r"^\s*(?:sent from my (?:iphone|ipad|android(?: \w+)?|phone|mobile(?: device| phone)?|smartphone|tablet"
    r"|galaxy[\w ]{0,20}|samsung[\w ]{0,20}|blackberry[\w ]{0,20}|pixel[\w ]{0,12}|huawei[\w ]{0,20})"
    r"|sent from (?:outlook|mail|yahoo mail|aol mail|proton ?mail)(?: for \w+(?: \w+)?)?"
    r"|get outlook for (?:ios|android)"
    r"|sent with proton ?mail[\w ]{0,30})\s*[.!]?\s*(?:<[^>\s]*>)?\s*$",
    re.IGNORECASE,
)
#: the line that opens a forwarded message (Gmail, Apple Mail, Thunderbird, Outlook)
_FORWARD_INTRO = re.compile(r"forwarded message|begin forwarded|message transf|weitergeleitet", re.IGNORECASE)
#: a header line of a quoted message when no blank line separates the headers from the text
_QUOTED_HEADER = re.compile(r"^\s*\*?(?:from|sent|to|cc|bcc|subject|date|reply-to)\*?\s*:", re.IGNORECASE)
#: lines after a valediction that still look like a signature block
_MAX_SIGNATURE_LINES = 8
_MAX_SIGNATURE_WIDTH = 80
_MAX_SIGNATURE_WORDS = 10


@dataclass
class Layout:
    """A body split into what is linted and what is set aside (offsets into the body)."""

    kept: list[tuple[int, int]] = field(default_factory=list)  # [start, end) ranges, in order
    set_aside: list[tuple[str, int, int]] = field(default_factory=list)  # (kind, start, end)
    quoted: str | None = None  # the quoted (or forwarded) message, unindented


def layout(text: str) -> Layout:
    """Split a plain-text body (LF line ends) into the sender's new text and what is set aside."""
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    kind: list[str | None] = [None] * len(lines)

    def line_of(offset: int) -> int:
        # index of the line containing `offset`
        lo, hi = 0, len(starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo

    quoted: str | None = None
    found = _unwrap(text)
    if found is not None:
        top, bottom = found.get("text_top"), found.get("text_bottom")
        first = line_of(text.find(top) + len(top) - 1) + 1 if top else 0
        last = line_of(text.rfind(bottom)) if bottom else len(lines)
        # quotequail calls every header block a forward; Outlook quotes replies with one too
        intro = next((ln for ln in lines[first:last] if ln.strip()), "")
        label = "forward" if _FORWARD_INTRO.search(intro) else "quote"
        for i in range(first, last):
            kind[i] = label
        quoted = found.get("text")

    # quoted lines between answers ("> " lines the unwrap left in the reply)
    inline: list[str] = []
    for i, line in enumerate(lines):
        if kind[i] is None and line.lstrip(" ").startswith(">"):
            kind[i] = "quote"
            inline.append(re.sub(r"^\s*>+ ?", "", line))
    inline_text = "\n".join(inline).strip()
    if inline_text and (quoted is None or inline_text not in quoted):
        quoted = f"{quoted}\n\n{inline_text}" if quoted else inline_text

    _mark_signatures(lines, kind)

    result = Layout(quoted=quoted)
    # kept ranges: maximal runs of kept lines, trimmed of blank lines at both ends of the text
    kept_idx = [i for i, k in enumerate(kind) if k is None]
    nonblank = [i for i in kept_idx if lines[i].strip()]
    if nonblank:
        lo, hi = nonblank[0], nonblank[-1]
        run_start = None
        for i in range(lo, hi + 2):
            inside = i <= hi and kind[i] is None
            if inside and run_start is None:
                run_start = i
            elif not inside and run_start is not None:
                result.kept.append((starts[run_start], starts[i - 1] + len(lines[i - 1])))
                run_start = None
    # set-aside ranges, merged by kind
    i = 0
    while i < len(lines):
        if kind[i] is None:
            i += 1
            continue
        j = i
        while j + 1 < len(lines) and kind[j + 1] == kind[i]:
            j += 1
        result.set_aside.append((kind[i], starts[i], starts[j] + len(lines[j])))  # type: ignore[arg-type]
        i = j + 1
    return result


def customer_text(quoted: str | None, limit: int = 20_000) -> str | None:
    """The quoted customer message without its own quoted history and signature."""
    if not quoted or not quoted.strip():
        return None
    inner = layout(quoted)
    text = "\n".join(quoted[s:e] for s, e in inner.kept).strip()
    if not text and inner.quoted:  # it opened with an attribution line: the message is below it
        text = customer_text(inner.quoted, limit) or ""
    if not text:  # a header block run into the text (HTML quotes lose the blank line)
        lines = quoted.strip().split("\n")
        while lines and (_QUOTED_HEADER.match(lines[0]) or not lines[0].strip()):
            lines.pop(0)
        text = "\n".join(lines).strip()
    return text[:limit] or None


def _unwrap(text: str) -> dict | None:
    import quotequail

    try:
        found = quotequail.unwrap(text)
    except Exception:  # a library bug must not stop the lint
        return None
    if not found:
        return None
    # a bare header block counts only with a From: line ("Date: Friday\nTo: you" is a reply)
    if found.get("type") == "forward" and "from" not in found:
        return None
    return found


def _mark_signatures(lines: list[str], kind: list[str | None]) -> None:
    """Mark signature lines in each run of kept lines."""
    n = len(lines)
    i = 0
    while i < n:
        if kind[i] is not None:
            i += 1
            continue
        j = i
        while j < n and kind[j] is None:
            j += 1
        for k in range(i, j):  # a "-- " line or a client footer ends the sender's text in this run
            if lines[k].rstrip() == "--" or _FOOTER.match(lines[k]):
                for m in range(k, j):
                    kind[m] = "signature"
                break
        i = j
    # a closing block at the end of what is left: "Best regards,\nTom Baker\nAcme Support"
    content = [i for i in range(n) if kind[i] is None and lines[i].strip()]
    for back, v in enumerate(reversed(content[-(_MAX_SIGNATURE_LINES + 1) :])):
        if back == 0:
            continue  # the valediction must be followed by at least one line (a name)
        if _VALEDICTION.match(lines[v]):
            after = [i for i in content if i > v]
            if all(len(lines[a].strip()) <= _MAX_SIGNATURE_WIDTH and len(lines[a].split()) <= _MAX_SIGNATURE_WORDS for a in after):
                for m in range(v, max(after) + 1):
                    if kind[m] is None:
                        kind[m] = "signature"
            break
