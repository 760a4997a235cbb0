"""The edits that repair a finding, made from the rule's `fix:` and the parse of the match.

As in ruff, a fix travels with its finding: `--fix` applies the safe ones, the editor offers them
as code actions, and the rewriter applies them before it adds anything. Each action names a part
of the sentence by the parse, not by a regular expression, so it removes whole phrases and leaves
a sentence that starts with a capital and has no stray comma or doubled space:

- `cut-clause`: the phrase or clause the match sits in, hung off the main clause ("due to the high
  volume of orders", ", which was beyond our control"); the whole sentence when the match is the
  main clause itself;
- `drop-lead-in`: from the start of the sentence to the end of the match and its comma or "but"
  ("As I said in my last email, ...", "Sorry to bother you, but ...");
- `drop-sentence`: the sentence and the space that joined it to the next;
- `delete-words`: the listed words of the match ("only", "just");
- `plain-apology`: the condition out of an apology ("sorry if" -> "sorry", "any inconvenience
  this may have caused" -> "the inconvenience").

A fix that cannot be made cleanly is not made: the finding then has no fix.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from .models import Applicability, Edit, Fix

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Span, Token

    from .ruleset import FixSpec

#: dependency labels of a phrase or clause that can go without breaking the main clause
CUTTABLE = {"advcl", "relcl", "acl", "prep", "agent", "npadvmod", "parataxis"}
APOLOGY_WORDS = {"sorry", "apologize", "apologise", "apology", "apologies", "regret"}
LINK_WORDS = {"but", "however", "so", "and"}

#: (start, end, replacement) in the parsed text's character offsets
Raw = tuple[int, int, str]


def make_fix(spec: "FixSpec", span: "Span", to_original: Callable[[int, int], tuple[int, int]], text: str) -> Fix | None:
    """The fix for one finding whose match is `span`; `to_original` maps parsed offsets to `text`."""
    raw = ACTIONS[spec.action](span, spec)
    if not raw:
        return None
    edits = []
    for a, b, rep in sorted(raw):
        s, e = to_original(a, b)
        edits.append(Edit(start=s, end=e, replacement=_capitalized(rep, text, e)))
    if any(x.end > y.start for x, y in zip(edits, edits[1:])):
        return None
    return Fix(message=spec.message, applicability=Applicability(spec.applicability), edits=edits)


def _capitalized(rep: str, text: str, e: int) -> str:
    """The replacement "^" is the last character it covers, capitalised: a lead-in cut up to the
    first letter of what follows ("As I said, order" -> "Order")."""
    return text[e - 1 : e].upper() if rep == "^" else rep


# -- the actions ----------------------------------------------------------------------------------
def drop_sentence(span: "Span", spec: "FixSpec | None" = None) -> list[Raw]:
    sent = span.sent
    doc = sent.doc
    text = doc.text
    others = [s for s in doc.sents if s.start != sent.start and sum(1 for t in s if t.is_alpha) >= 2]
    if not others:
        return []  # the reply's only sentence: dropping it leaves nothing to send
    start, end = sent.start_char, sent.end_char
    while end > start and text[end - 1].isspace():
        end -= 1
    after = end
    while after < len(text) and text[after] in " \t":
        after += 1
    at_line_start = start == 0 or text[start - 1] == "\n"
    if after < len(text) and text[after] != "\n":
        return [(start, after, "")]  # "A. B. C." -> "A. C."
    if at_line_start:
        while after < len(text) and text[after] == "\n":
            after += 1  # a sentence that is its own paragraph goes with its blank line
        return [(start, after, "")]
    before = start
    while before > 0 and text[before - 1] in " \t":
        before -= 1
    return [(before, end, "")]  # the last sentence of a line: the space before it goes


def cut_clause(span: "Span", spec: "FixSpec | None" = None) -> list[Raw]:
    sent = span.sent
    piece = _phrase_of(span)
    if piece is None or _is_predicate(span.doc[piece[0]], piece):
        return drop_sentence(span)
    doc = sent.doc
    text = doc.text
    a, b = doc[piece[0]].idx, doc[piece[-1]].idx + len(doc[piece[-1]])
    left_words = sum(1 for t in sent if t.is_alpha and t.i not in piece)
    if left_words < 3:
        return drop_sentence(span)
    if piece[0] == _first_word(sent).i:
        # "Due to the weather, your flight was cancelled." -> "Your flight was cancelled."
        k = piece[-1] + 1
        while k < sent.end and (doc[k].is_punct and doc[k].text in ",;:-"):
            k += 1
        if k >= sent.end or not doc[k].is_alpha or doc[k].lower_ in LINK_WORDS | {"which", "that", "this"}:
            # "the courier lost it, so there is nothing to track": what is left hangs on what went
            return drop_sentence(span)
        return [(a, doc[k].idx + 1, "^")]
    # mid-sentence: the phrase goes with the comma or space before it
    while a > sent.start_char and text[a - 1] == " ":
        a -= 1
    if a > sent.start_char and text[a - 1] in ",;":
        a -= 1
        if b < len(text) and text[b] == ",":
            b += 1  # "Your flight, due to the storm, was cancelled" -> "Your flight was cancelled"
    return [(a, b, "")]


def drop_lead_in(span: "Span", spec: "FixSpec | None" = None) -> list[Raw]:
    sent = span.sent
    doc = sent.doc
    first = _first_word(sent)
    words_before = sum(1 for t in doc[first.i : span.start] if t.is_alpha)
    if words_before > 3:
        return []  # a lead-in starts its sentence
    k = span.end
    comma = next((t.i for t in doc[span.end : min(span.end + 8, sent.end)] if t.text in ",;:"), None)
    if comma is not None and not any(t.text in ",;:" for t in span):
        k = comma  # "As I said in my last email, order ...": the lead-in runs to its comma
    while k < sent.end and (doc[k].text in ",;:-" or doc[k].lower_ in LINK_WORDS):
        k += 1
    if k >= sent.end or not doc[k].is_alpha or sum(1 for t in doc[k : sent.end] if t.is_alpha) < 3:
        return []
    return [(first.idx, doc[k].idx + 1, "^")]


def delete_words(span: "Span", spec: "FixSpec") -> list[Raw]:
    doc = span.doc
    text = doc.text
    words = {w.lower() for w in spec.words}
    out: list[Raw] = []
    for t in span:
        if t.lower_ in words or t.lemma_.lower() in words:
            a, b = t.idx, t.idx + len(t)
            if b < len(text) and text[b] == " ":
                b += 1
            elif a > 0 and text[a - 1] == " ":
                a -= 1
            out.append((a, b, ""))
    left = sum(1 for t in span.sent if t.is_alpha and not any(a <= t.idx < b for a, b, _ in out))
    if left < 5:
        return []  # "It's just a small delay" -> "It's a delay" says nothing worth keeping
    return out


def plain_apology(span: "Span", spec: "FixSpec | None" = None) -> list[Raw]:
    """"Sorry if the order didn't ..." -> "Sorry the order didn't ..."; "for any inconvenience
    this may have caused" -> "for the inconvenience"."""
    sent = span.sent
    doc = sent.doc
    out: list[Raw] = []
    for t in sent:
        if t.lower_ in ("if", "whether") and t.i > sent.start and any(doc[j].lemma_.lower() in APOLOGY_WORDS for j in range(max(sent.start, t.i - 3), t.i)):
            out.append((t.idx, t.idx + len(t) + 1, ""))
        if t.lower_ == "any" and t.dep_ == "det" and t.head.i > t.i:
            noun = t.head
            rel = [c for c in noun.children if c.dep_ in ("relcl", "acl") and any(x.lemma_.lower() in ("may", "might") for x in c.subtree)]
            if rel:
                out.append((t.idx, t.idx + len(t), "the"))
                sub = list(rel[0].subtree)
                a, b = sub[0].idx, sub[-1].idx + len(sub[-1])
                while a > 0 and doc.text[a - 1] == " ":
                    a -= 1
                out.append((a, b, ""))
    return out


ACTIONS: dict[str, Callable[..., list[Raw]]] = {
    "cut-clause": cut_clause,
    "drop-lead-in": drop_lead_in,
    "drop-sentence": drop_sentence,
    "delete-words": delete_words,
    "plain-apology": plain_apology,
}


# -- helpers --------------------------------------------------------------------------------------
def _first_word(sent: "Span") -> "Token":
    return next((t for t in sent if t.is_alpha or t.like_num), sent[0])


def _is_predicate(head: "Token", piece: list[int]) -> bool:
    """The phrase is what its clause says ("the delay was beyond our control"): cutting it leaves a
    verb with nothing to say."""
    top = head
    while top.i in piece and top.head.i != top.i and top.head.i in piece:
        top = top.head
    verb = top.head
    rest = [c for c in verb.children if c.i not in piece and c.dep_ in ("acomp", "attr", "prep", "dobj", "xcomp", "ccomp", "oprd")]
    return verb.lemma_.lower() == "be" and not rest


def _joined_by(x: "Token") -> "Token | None":
    """The "so", "and" or "but" that joins a second clause to the first."""
    return next((c for c in x.head.children if c.dep_ == "cc" and c.i < x.i and c.lower_ in ("so", "and", "but")), None)


def _phrase_of(span: "Span") -> list[int] | None:
    """The token indices of the phrase hung off the main clause that holds the match, if any."""
    sent = span.sent
    inside = set(range(span.start, span.end))
    best = None
    for x in [span.root, *span.root.ancestors]:
        if x.i == sent.root.i:
            break
        if x.dep_ in CUTTABLE or (x.dep_ == "conj" and x.i > 0 and sent.doc[x.i - 1].dep_ != "cc" and _joined_by(x) is not None):
            sub = [t.i for t in x.subtree]
            if x.dep_ == "conj":
                sub = [_joined_by(x).i, *sub]  # ", so there is nothing we can do": the joining word goes too
            if inside <= set(sub) and sent.root.i not in sub:
                best = sub
    if best is None:
        return None
    best = sorted(best)
    doc = sent.doc
    while best and doc[best[-1]].is_punct and doc[best[-1]].text in ".!?":
        best.pop()  # the sentence keeps its full stop
    return best or None


# -- applying -------------------------------------------------------------------------------------
def applicable(finding, unsafe: bool = False) -> bool:
    fix = finding.fix
    if fix is None or fix.applicability == Applicability.display_only:
        return False
    return fix.applicability == Applicability.safe or unsafe


def apply_edits(text: str, findings: list, unsafe: bool = False) -> tuple[str, list]:
    """`text` with the fixes of `findings` applied, first come first served: a fix whose edits
    overlap one already taken waits for the next pass. Returns the text and the findings fixed."""
    taken: list[tuple[int, int]] = []
    chosen = []
    for f in sorted((f for f in findings if applicable(f, unsafe)), key=lambda f: (f.fix.edits[0].start, f.rule)):
        spans = [(e.start, e.end) for e in f.fix.edits]
        if any(a < d and c < b or (a == b == c) for a, b in spans for c, d in taken):
            continue
        taken.extend(spans)
        chosen.append(f)
    edits = sorted((e for f in chosen for e in f.fix.edits), key=lambda e: e.start, reverse=True)
    for e in edits:
        text = text[: e.start] + e.replacement + text[e.end :]
    return text, chosen


def fix_text(linter, text: str, in_reply_to: str | None = None, unsafe: bool = False, max_passes: int = 5) -> tuple[str, list]:
    """Lint, apply the fixes, lint again, until no fix applies (as `ruff --fix` does)."""
    text, fixed, _ = fix_and_report(linter, text, in_reply_to, unsafe, max_passes)
    return text, fixed


def fix_and_report(linter, text: str, in_reply_to: str | None = None, unsafe: bool = False, max_passes: int = 5) -> tuple[str, list, object]:
    """`fix_text`, with the report of the fixed text: the last pass has linted it already."""
    fixed: list = []
    report = None
    for _ in range(max_passes):
        report = linter.lint(text, in_reply_to)
        new, chosen = apply_edits(text, report.findings, unsafe)
        if not chosen or new == text:
            return text, fixed, report
        fixed.extend(chosen)
        text = new
    return text, fixed, linter.lint(text, in_reply_to)  # out of passes: the last report was of the text before
