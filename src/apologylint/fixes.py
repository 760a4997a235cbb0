"""The edits that repair a finding, made from the rule's `fix:` and the parse of the match.

As in ruff, a fix travels with its finding: `--fix` applies the safe ones, the editor offers them
as code actions, and the rewriter applies them before it adds anything. Each action names a part
of the sentence by the parse, not by a regular expression, so it removes whole phrases and leaves
a sentence that starts with a capital and has no stray comma or doubled space:

- `cut-clause`: the phrase or clause the match sits in, hung off the main clause ("due to the high
  volume of orders", ", which was beyond our control"); the whole sentence when the match is the
  main clause itself, unless a clause of its own stands before it after a comma ("Unfortunately we
  can't extend the offer, there is nothing we can do." -> "Unfortunately we can't extend the offer.");
- `drop-lead-in`: from the start of the sentence to the end of the match and its comma or "but"
  ("As I said in my last email, ...", "Sorry to bother you, but ...");
- `drop-sentence`: the sentence and the space that joined it to the next;
- `delete-words`: the listed words of the match ("only", "just");
- `plain-apology`: the condition out of an apology ("sorry if" -> "sorry", "any inconvenience
  this may have caused" -> "the inconvenience");
- `drop-apology`: the apology out of its sentence: a lead-in with its comma or "but" ("Sorry to
  bother you, but could ..." -> "Could ..."), or the sentence when it is the apology alone
  ("Sorry again!");
- `drop-extra-apologies`: every apology of the reply but the one to keep (the one that names what
  happened, and holds a fact said nowhere else), each as `drop-apology` takes it out, or the
  repeats before it in its own sentence ("Sorry, sorry about ..." -> "Sorry about ..."); one that
  holds a fact joins what it was about to the apology kept ("sorry about order #1000 and order
  #1001"); when an apology can neither go nor join, the next best is tried as the one to keep;
- `unshift-feelings`: "sorry you feel upset about the report" -> "sorry about the report";
- `own-apology`: the agent put back ("mistakes were made" -> "we made mistakes", "it is
  regrettable that" -> "I'm sorry");
- `keep-fact`: a dispute or a lecture out, and a fact it carried (an amount, a date, a time, an
  order number) kept as a neutral statement: the phrase that disputes is cut when the rest can
  stand ("You were charged £12.99 on 3 May, which is correct." -> "You were charged £12.99 on 3
  May."); a frame that vouches for what it reports ("Our records show ...", "It was clearly stated
  in our terms that ...") gives way to what it reports, less any clause in it with no fact ("You
  were charged £12.99 on 3 May."); what the frame reports is not kept when it is itself the
  dispute ("the second payment is correct"); a dispute that is a clause of its own joined by "and"
  or "but" goes alone ("I've spoken to the staff member and he denies being rude." -> "I've spoken
  to the staff member."); with `words`, a phrase holding one of them that makes a step a lecture
  goes ("Please check your spam folder in future." -> "Please check your spam folder."); a lecture
  that is the rule's frame goes as `state-rule` cuts it ("As per our policy, gift cards are not
  refundable." -> "Gift cards are not refundable."); otherwise
  the sentence goes, as `drop-sentence`.
- `state-rule`: a rule given as the reason kept as the information it is, without the frame that
  gives it as the reason: the phrase that names where it comes from is cut ("Per our policy,
  outages under an hour are not compensated." -> "Outages under an hour are not compensated.",
  "We're open until 4 on Sundays as stated on our website." -> "We're open until 4 on Sundays."),
  an obligation the agent puts on themself is said as their own step ("I have to check with my
  manager first." -> "I'll check with my manager first."); a sentence that is the frame alone
  ("That is just our policy.") goes, as `drop-sentence`;
- `offer-instead`: a refusal kept as a plain statement of what we can't do, with a visible
  placeholder for what we can ("We can't extend the offer." -> "We can't extend the offer, but
  [[what you can offer instead]]."); the placeholder's words are the fix's `placeholder`.

A sentence that holds a fact (an amount, a time, a number) outside the match keeps it: a rule whose
fix drops its sentence cuts only the phrase the match sits in when that phrase can go alone.

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
LEAD_STOPS = {",", ";", ":", "-", "–", "—"}
#: how a feeling names what it is about ("upset about", "unhappy with", "disappointed by")
FEELING_PREPS = {"about", "with", "by", "over", "at"}
#: entities that are facts a reply may need to keep (an amount, a time, a date, a count)
FACT_ENTS = {"MONEY", "TIME", "DATE", "QUANTITY", "CARDINAL", "PERCENT"}

#: verbs of a frame that vouches for what it reports: "our records show", "it was stated in our terms that"
EVIDENTIAL = {"show", "confirm", "indicate", "prove", "state", "say", "explain", "mention", "specify", "note", "suggest", "record", "verify"}
#: what a reported clause says when it is itself the dispute: "the charge is correct"
VOUCHED = {"correct", "right", "accurate", "valid", "fine", "legitimate", "proper", "fair", "normal", "standard", "true", "genuine", "due", "owed"}

#: (start, end, replacement) in the parsed text's character offsets
Raw = tuple[int, int, str]


def make_fix(spec: "FixSpec", span: "Span", to_original: Callable[[int, int], tuple[int, int]], text: str, ex=None) -> Fix | None:
    """The fix for one finding whose match is `span`; `to_original` maps parsed offsets to `text`;
    `ex` is the exchange the span was found in (what the actions that look beyond it read)."""
    raw = _merged(ACTIONS[spec.action](span, spec, ex))
    if not raw:
        return None
    edits = []
    for a, b, rep in raw:
        s, e = to_original(a, b)
        edits.append(Edit(start=s, end=e, replacement=_capitalized(rep, text, e)))
    if any(x.end > y.start for x, y in zip(edits, edits[1:])):
        return None
    return Fix(message=spec.message, applicability=Applicability(spec.applicability), edits=edits)


def _merged(raw: list[Raw]) -> list[Raw]:
    """Deletions that touch or overlap made one (two sentences dropped side by side)."""
    out: list[Raw] = []
    for a, b, rep in sorted(raw):
        if out and not rep and not out[-1][2] and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]), "")
        else:
            out.append((a, b, rep))
    return out


def _capitalized(rep: str, text: str, e: int) -> str:
    """The replacement "^" is the last character it covers, capitalised: a lead-in cut up to the
    first letter of what follows ("As I said, order" -> "Order")."""
    return text[e - 1 : e].upper() if rep == "^" else rep


# -- the actions ----------------------------------------------------------------------------------
def drop_sentence(span: "Span", spec: "FixSpec | None" = None, ex=None) -> list[Raw]:
    if spec is not None:
        # the rule's own action: a fact outside the match stays, with the sentence it needs
        piece = _phrase_of(span)
        if piece is not None and not _is_predicate(span.doc[piece[0]], piece) and _holds_fact(t for t in span.sent if t.i not in piece):
            cut = _cut(span, piece)
            if cut:
                return cut
    return _drop_sentence(span)


def _text(doc) -> str:
    """The doc's text, built once: spaCy joins every token again on each `doc.text`, and a long
    reply's fixes ask for it once per finding."""
    cached = doc.user_data.get("apologylint.text")
    if cached is None:
        cached = doc.user_data["apologylint.text"] = doc.text
    return cached


def _words_elsewhere(doc, sent, n: int) -> bool:
    """At least `n` words outside `sent` (stops as soon as it has them)."""
    found = 0
    for t in doc:
        if t.is_alpha and not sent.start <= t.i < sent.end:
            found += 1
            if found >= n:
                return True
    return False


def _drop_sentence(span: "Span") -> list[Raw]:
    sent = _written(span)
    doc = sent.doc
    text = _text(doc)
    if not _words_elsewhere(doc, sent, 2):
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


def cut_clause(span: "Span", spec: "FixSpec | None" = None, ex=None) -> list[Raw]:
    piece = _phrase_of(span)
    if piece is None or _is_predicate(span.doc[piece[0]], piece):
        before = _clause_before(span)
        return _drop_sentence(span) if before is None else before
    return _cut(span, piece) or _drop_sentence(span)


def _clause_before(span: "Span") -> list[Raw] | None:
    """The match is in the main clause, and a clause of its own stands before it, after a comma
    ("Unfortunately we can't extend the offer, there is nothing we can do."): that clause stays, the
    main clause goes ("Unfortunately we can't extend the offer."). A clause joined after the match
    stays too (", but I have added a £10 credit"). None when the sentence is not of this shape; []
    when it is but what follows the match is a fact the cut would take with it (no fix then: dropping
    the sentence would lose it as well)."""
    sent = _written(span)
    doc = sent.doc
    root = sent.root
    if not sent.start <= root.i < sent.end or _main_clause_of(span.root).i != root.i:
        return None
    for c in root.children:
        if c.dep_ not in ("advcl", "ccomp", "parataxis") or c.i > root.i or any(m.dep_ == "mark" for m in c.children):
            continue
        sub = sorted(t.i for t in c.subtree)
        if sub[0] != _first_word(sent).i or sub[-1] >= span.start or not any(x.dep_ in ("nsubj", "nsubjpass", "expl") for x in c.children):
            continue
        comma = sub[-1] + 1
        if comma >= sent.end or doc[comma].text != "," or sum(1 for i in sub if doc[i].is_alpha) < 3:
            continue
        tail = [t for t in doc[span.end : sent.end] if not (t.is_punct or t.is_space)]
        joined = next((t for t in tail if t.dep_ == "conj" and t.head.i == root.i and any(
            x.dep_ in ("nsubj", "nsubjpass", "expl") for x in t.children)), None)
        if joined is not None and all(t.i >= joined.left_edge.i or t.dep_ == "cc" for t in tail):
            # "..., there is nothing we can do, but I have added a credit": up to the match's end
            last = doc[span.end - 1]
            return [(doc[comma].idx, last.idx + len(last), "")]
        if _holds_fact(tail):
            return []
        end = sent[-1]
        while end.i > sent.start and end.is_space:
            end = doc[end.i - 1]
        if not (end.is_punct and end.text[-1:] in ".!?"):
            return [(doc[comma].idx, end.idx + len(end), "")]
        return [(doc[comma].idx, end.idx, "")]
    return None


def _main_clause_of(t: "Token") -> "Token":
    """The head of the clause `t` belongs to, climbing through phrases ("nothing we can do" is the
    attribute of "there is"), not out of a clause of its own (advcl, ccomp, conj ...)."""
    while t.head.i != t.i and t.dep_ not in ("advcl", "ccomp", "parataxis", "conj", "xcomp", "csubj"):
        t = t.head
    return t


def _cut(span: "Span", piece: list[int]) -> list[Raw]:
    """The phrase `piece` out of its sentence, with its comma; [] when what is left cannot stand."""
    sent = span.sent
    doc = sent.doc
    text = _text(doc)
    a, b = doc[piece[0]].idx, doc[piece[-1]].idx + len(doc[piece[-1]])
    left_words = sum(1 for t in sent if t.is_alpha and t.i not in piece)
    if left_words < 3:
        return []
    if piece[0] == _first_word(sent).i:
        # "Due to the weather, your flight was cancelled." -> "Your flight was cancelled."
        k = piece[-1] + 1
        while k < sent.end and (doc[k].is_punct and doc[k].text in ",;:-"):
            k += 1
        if k >= sent.end or not doc[k].is_alpha or doc[k].lower_ in LINK_WORDS | {"which", "that", "this"}:
            # "the courier lost it, so there is nothing to track": what is left hangs on what went
            return []
        return [(a, doc[k].idx + 1, "^")]
    # mid-sentence: the phrase goes with the comma or space before it
    while a > sent.start_char and text[a - 1] == " ":
        a -= 1
    if a > sent.start_char and text[a - 1] in ",;":
        a -= 1
        if b < len(text) and text[b] == ",":
            b += 1  # "Your flight, due to the storm, was cancelled" -> "Your flight was cancelled"
    return [(a, b, "")]


def drop_lead_in(span: "Span", spec: "FixSpec | None" = None, ex=None) -> list[Raw]:
    sent = span.sent
    doc = sent.doc
    first = _first_word(sent)
    words_before = sum(1 for t in doc[first.i : span.start] if t.is_alpha)
    if words_before > 3:
        # not a lead-in: the same words at the end ("Your order shipped on 3 June, as I already
        # told you") go as the phrase they are, when it can go alone
        piece = _phrase_of(span)
        return _cut(span, piece) if piece is not None and not _is_predicate(doc[piece[0]], piece) else []
    k = span.end
    comma = next((t.i for t in doc[span.end : min(span.end + 8, sent.end)] if t.text in ",;:"), None)
    if comma is not None and not any(t.text in ",;:" for t in span):
        k = comma  # "As I said in my last email, order ...": the lead-in runs to its comma
    while k < sent.end and (doc[k].text in ",;:-" or doc[k].lower_ in LINK_WORDS):
        k += 1
    if k >= sent.end or not doc[k].is_alpha or sum(1 for t in doc[k : sent.end] if t.is_alpha) < 3:
        return []
    return [(first.idx, doc[k].idx + 1, "^")]


def delete_words(span: "Span", spec: "FixSpec", ex=None) -> list[Raw]:
    doc = span.doc
    text = _text(doc)
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
    if not out:
        # no word to delete ("..., and most customers didn't even notice"): the phrase it is, when
        # it can go alone; never the sentence, which holds what was minimized
        piece = _phrase_of(span)
        if piece is not None and not _is_predicate(doc[piece[0]], piece):
            return _cut(span, piece)
        return []
    left = sum(1 for t in span.sent if t.is_alpha and not any(a <= t.idx < b for a, b, _ in out))
    if left < 5:
        return []  # "It's just a small delay" -> "It's a delay" says nothing worth keeping
    return out


def plain_apology(span: "Span", spec: "FixSpec | None" = None, ex=None) -> list[Raw]:
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
                while a > 0 and _text(doc)[a - 1] == " ":
                    a -= 1
                out.append((a, b, ""))
    return out


def _apology_token(span: "Span") -> "Token | None":
    return next((t for t in span if t.lower_ in APOLOGY_WORDS or t.lemma_.lower() in APOLOGY_WORDS), None)


def _apology_lead(span: "Span") -> list[Raw]:
    """The apology as the lead-in of its sentence, to its comma, dash or "but"."""
    sent = _written(span)
    doc = sent.doc
    apo = _apology_token(span)
    if apo is None:
        return []
    first = _first_word(sent)
    if sum(1 for t in doc[first.i : apo.i] if t.is_alpha) > 3:
        return []  # a lead-in starts its sentence
    k = next((t.i for t in doc[apo.i + 1 : sent.end] if t.text in LEAD_STOPS or t.lower_ in ("but", "however")), None)
    if k is None:
        return []
    while k < sent.end and (doc[k].text in LEAD_STOPS or doc[k].lower_ in LINK_WORDS | {"however"}):
        k += 1
    if k >= sent.end or not doc[k].is_alpha or sum(1 for t in doc[k : sent.end] if t.is_alpha) < 3:
        return []
    if _holds_fact(doc[first.i : k]):
        return []  # "Sorry about order #1001 too, it ships Friday": the lead-in holds a fact
    if _apology_token(doc[k : sent.end]) is not None and not doc[k].lower_ in ("we", "i", "you", "your", "our"):
        return []  # "Sorry, sorry about ...": what follows is the apology again
    return [(first.idx, doc[k].idx + 1, "^")]


def drop_apology(span: "Span", spec: "FixSpec | None" = None, ex=None) -> list[Raw]:
    lead = _apology_lead(span)
    if lead:
        return lead
    sent = _written(span)
    if _apology_token(span) is not None and not _holds_fact(sent):
        return _drop_sentence(span)  # "Sorry again!", "Sorry for the long email!"
    return []


def drop_extra_apologies(span: "Span", spec: "FixSpec | None" = None, ex=None) -> list[Raw]:
    if ex is None:
        return []
    apologies = [s for s in ex.signal("apology") if s.doc is span.doc]
    if len(apologies) < 2:
        return []
    empathy = ex.signal("empathy")

    def names(a: "Span") -> bool:
        # an empathy span in its sentence that says more than the apology ("So sorry!" names nothing)
        st = _written(a)
        return any(e.start < st.end and st.start < e.end and sum(1 for t in e if t.is_alpha and not a.start <= t.i < a.end) >= 1
                   for e in empathy)

    def words(a: "Span") -> int:
        return sum(1 for t in _written(a) if t.is_alpha)

    named = [a for a in apologies if names(a)]
    factual = [a for a in named if _holds_fact(_written(a)) and not _apology_lead(a)]
    # else the fullest apology that is not only a lead-in ("Sorry for the mix-up!" over "So sorry!")
    whole = [a for a in apologies if not _apology_lead(a)]
    first = max(factual or [a for a in named if a in whole] or named or whole or apologies, key=words)
    # the preferred apology to keep, then the others: the first whose companions can all go
    order = [first] + sorted((a for a in apologies if a is not first), key=lambda a: (a not in factual, a not in named, -words(a)))
    for keep in order:
        # in "Sorry, sorry about your order" the last one stays: the repeats before it go
        keep = [a for a in apologies if _written(a).start == _written(keep).start][-1]
        out = _all_but(keep, apologies)
        if out:
            return out
    return []


def _all_but(keep: "Span", apologies: list) -> list[Raw] | None:
    """The edits that take out every apology but `keep`; None when one of them cannot go."""
    out: list[Raw] = []
    done: set[int] = set()
    for a in apologies:
        if a.start == keep.start:
            continue
        if _written(a).start == _written(keep).start:
            if a.start < keep.start and any(x[0] <= a.start_char and x[1] >= keep.start_char for x in out):
                continue  # "Sorry, sorry, sorry about": the first repeat's edit runs to the last already
            if a.start < keep.start and all(t.is_punct or t.is_space or t.pos_ in ("ADV", "PRON", "AUX", "INTJ", "ADJ") and t.lower_ not in ("about", "for") for t in a.doc[a.end : keep.start]):
                # "So sorry, sorry about your order" -> "Sorry about your order"
                if a.start == _first_word(_written(a)).i:
                    out.append((a.start_char, keep.start_char + 1, "^"))
                else:
                    out.append((a.start_char, keep.start_char, ""))  # "I am so sorry, so very sorry about" -> "I am so sorry about"
                continue
            piece = _phrase_of(a) if a.start > keep.start else None
            cut = _cut(a, piece) if piece is not None and keep.start not in piece else []
            if not cut:
                return None  # an apology we cannot take out of the one kept
            out.extend(cut)  # "We apologize for the delay and are sorry for any trouble" -> "... for the delay"
            continue
        if _written(a).start in done:
            continue
        done.add(_written(a).start)
        edits = drop_apology(a)
        if not edits and _holds_fact(_written(a)):
            # "I'm sorry about order #1000. I'm sorry about order #1001.": what the second was
            # about joins the first ("I'm sorry about order #1000 and order #1001.")
            mine, theirs = _apology_object(keep), _apology_object(a)
            if mine is None or theirs is None or not _only_apology(a, theirs) or _holds_fact(t for t in _written(a) if not theirs.start <= t.i < theirs.end):
                return None  # an apology with a fact that can neither go nor join the kept one
            end = mine[-1].idx + len(mine[-1])
            edits = [(end, end, " and " + theirs.text), *_drop_sentence(a)]
        if not edits:
            return None
        out.extend(edits)
    return out


def _apology_object(a: "Span") -> "Span | None":
    """What an apology is about: the object of its "about" or "for" ("sorry about order #1000")."""
    apologies = [t for t in _written(a) if t.lower_ in APOLOGY_WORDS or t.lemma_.lower() in APOLOGY_WORDS]
    for head in [x for t in apologies for x in (t, t.head)]:
        prep = next((c for c in head.children if c.dep_ == "prep" and c.lower_ in ("about", "for")), None)
        obj = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep is not None else None
        if obj is not None:
            sub = sorted(t.i for t in obj.subtree)
            end = sub[-1] + 1
            sent = _written(a)
            while end < sent.end and not a.doc[end].is_alpha and not a.doc[end].is_space and a.doc[end].text not in (".", "!", "?", ",", ";"):
                end += 1  # "order #166017": the number the parser hung elsewhere
            return a.doc[sub[0] : end]
    # the parser may read "about order A-332040" as a clause: what follows the "about" right after
    # the apology, to the end of the sentence
    sent = _written(a)
    for t in apologies:
        if t.i + 1 < sent.end and a.doc[t.i + 1].lower_ in ("about", "for"):
            end = sent.end
            while end > t.i + 2 and (a.doc[end - 1].is_space or a.doc[end - 1].is_punct and a.doc[end - 1].text[-1:] in ".!?"):
                end -= 1
            if end > t.i + 2:
                return a.doc[t.i + 2 : end]
    return None


def _only_apology(a: "Span", obj: "Span") -> bool:
    """The sentence says nothing but the apology and what it is about: every other word is the
    apology, who apologizes, its verb, an adverb or the "about"."""
    core = {x.i for t in _written(a) if t.lower_ in APOLOGY_WORDS or t.lemma_.lower() in APOLOGY_WORDS for x in (t, t.head)}
    for t in _written(a):
        if not t.is_alpha or obj.start <= t.i < obj.end or t.i in core or t.i == obj.start - 1 and t.lower_ in ("about", "for"):
            continue
        if t.head.i in core and t.dep_ in ("nsubj", "advmod", "aux", "prep", "intj", "auxpass", "amod"):
            continue
        return False
    return True


def unshift_feelings(span: "Span", spec: "FixSpec | None" = None, ex=None) -> list[Raw]:
    apo = _apology_token(span)
    you = next((t for t in span if t.lower_ == "you"), None)
    if apo is None or you is None or you.i < apo.i:
        return []
    sent = _written(span)
    # the word that says what the feeling is about ("upset about", "unhappy with"), after the
    # feeling: a preposition, or a subordinator when the parser reads "about order A-1166" as a clause
    feeling = you.head
    prep = next((t for t in sent if t.i > max(you.i, feeling.i) and t.lower_ in FEELING_PREPS and t.dep_ in ("prep", "mark")), None)
    if prep is None or not any(t.is_alpha or t.like_num for t in sent.doc[prep.i + 1 : sent.end]):
        return []  # "sorry you feel that way": nothing to be sorry about is named
    return [(apo.idx + len(apo), prep.idx + len(prep), " about")]


def own_apology(span: "Span", spec: "FixSpec | None" = None, ex=None) -> list[Raw]:
    doc = span.doc
    sent = span.sent
    for t in span.sent:
        if t.tag_ == "VBN" and t.lemma_.lower() in ("make", "commit", "regret"):
            subj = next((c for c in t.children if c.dep_ == "nsubjpass"), None)
            if subj is None or any(c.dep_ == "agent" for c in t.children):
                continue
            sub = sorted(x.i for x in subj.subtree)
            a = doc[sub[0]].idx
            phrase = doc[sub[0] : sub[-1] + 1].text
            if doc[sub[0]].pos_ != "PROPN":
                phrase = phrase[:1].lower() + phrase[1:]
            verb = "made" if t.lemma_.lower() in ("make", "commit") else "regret"
            at_start = sub[0] == _first_word(sent).i
            return [(a, t.idx + len(t), f"{'We' if at_start else 'we'} {verb} {phrase}")]
        if t.lower_ in ("regrettable", "unfortunate") and t.dep_ == "acomp":
            be = t.head
            it = next((c for c in be.children if c.dep_ in ("nsubj", "expl") and c.lower_ == "it"), None)
            comp = next((c for c in be.children if c.dep_ == "ccomp"), None)
            if it is None or comp is None:
                continue
            start = min(x.i for x in comp.subtree)
            mark = next((c for c in comp.children if c.dep_ == "mark" and c.lower_ == "that"), None)
            if mark is not None and mark.i == start:
                start += 1
            if start >= sent.end:
                continue
            return [(it.idx, doc[start].idx, "I'm sorry " if it.i == _first_word(sent).i else "I'm sorry ")]
    return []


def keep_fact(span: "Span", spec: "FixSpec | None" = None, ex=None) -> list[Raw]:
    """The dispute out, a fact it carried kept as a neutral statement (see the module)."""
    sent = _written(span)
    piece = _phrase_of(span)
    if piece is not None and not _is_predicate(span.doc[piece[0]], piece) and (
            _holds_fact(t for t in sent if t.i not in piece) or span.doc[piece[0]].dep_ == "cc" and span.doc[piece[0]].head.dep_ == "ROOT"):
        # the dispute cut when the rest can stand: a fact it holds, or a clause of its own joined
        # by "and" or "but" ("I've spoken to the staff member and he denies being rude.")
        cut = _cut(span, piece)
        if cut:
            return cut
    if spec is not None and spec.words:
        told = _cut_words(span, sent, {w.lower() for w in spec.words})
        if told:
            return told
    frame = _rule_frame(sent)  # "As per our policy, gift cards are not refundable.": the rule stays, the frame goes
    if frame is not None and frame[0] <= span.start < frame[-1] + 1:
        cut = _cut(span, frame)
        if cut:
            return cut
    if not _holds_fact(sent):
        return _drop_sentence(span)
    told = _reported(sent, ex)
    if told is not None:
        return told
    return _drop_sentence(span)


def _cut_words(span: "Span", sent: "Span", words: set[str]) -> list[Raw]:
    """The phrase of `sent` that makes it a lecture, by the fix's `words` ("in future", "next
    time", "always"): a phrase hung off a clause with one of the words in it, cut when the rest stands
    ("Please check your spam folder in future." -> "Please check your spam folder.")."""
    for t in sent:
        if t.dep_ not in ("prep", "npadvmod", "advmod") or t.i == sent.root.i:
            continue
        sub = sorted(x.i for x in t.subtree)
        if not all(sent.start <= i < sent.end for i in sub) or not any(sent.doc[i].lower_ in words for i in sub):
            continue
        if _holds_fact(sent.doc[i] for i in sub):
            continue
        cut = _cut(span, sub)
        if cut:
            return cut
    return []


def _reported(sent: "Span", ex=None) -> list[Raw] | None:
    """"Our records show you were charged £12.99 on 3 May, which is correct." -> "You were charged
    £12.99 on 3 May.": the clause a vouching frame reports, when it holds the facts, less the
    clauses in it that hold none; None when there is no such frame, or what it reports is the dispute
    ("the charge is correct"; "he knocked" against the customer's "he didn't knock"), or its subject is
    a pronoun for a noun of the frame ("the driver confirmed he knocked")."""
    doc = sent.doc
    root = sent.root
    if root.lemma_.lower() not in EVIDENTIAL:
        return None
    told = next((c for c in root.children if c.dep_ == "ccomp" and _holds_fact(c.subtree)), None)
    if told is None or any(c.dep_ == "acomp" and c.lemma_.lower() in VOUCHED for c in told.children):
        return None
    if any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in ("he", "she", "it", "they", "this", "that") for c in told.children):
        return None
    said = getattr(getattr(ex, "customer", None), "claim_lemmas", None) or {}
    if any(said.get(t.lemma_.lower()) == "negative" for t in told.subtree if t.pos_ in ("VERB", "AUX") and t.lemma_.lower() != "be"):
        return None  # what it reports is what the customer says did not happen
    drop: set[int] = set()
    for t in told.subtree:
        if t.i != told.i and t.dep_ in ("relcl", "advcl", "parataxis", "ccomp", "conj") and not _holds_fact(t.subtree):
            drop |= {x.i for x in t.subtree}
    keep = [t for t in told.subtree if t.i not in drop and not (t.dep_ == "mark" and t.head.i == told.i)]
    while keep and keep[0].lower_ == "that" and keep[0].i < told.i:
        keep.pop(0)  # "... stated that cancellations need": the parser can hang "that" elsewhere
    while keep and (keep[-1].is_punct or keep[-1].is_space):
        keep.pop()
    if sum(1 for t in keep if t.is_alpha) < 2:
        return None
    words = "".join(t.text_with_ws for t in keep).strip().rstrip(",;:")
    words = words[:1].upper() + words[1:]
    end = sent[-1]
    while end.i > sent.start and end.is_space:
        end = doc[end.i - 1]
    stop = end.text if end.is_punct and end.text[-1:] in ".!?" else "."
    first = _first_word(sent)
    return [(first.idx, end.idx + len(end), words + stop)]


#: lemmas of the nouns that name a rule's source ("per our policy", "under the terms"): the reading's own (nlp.moves)
def _norm_nouns() -> set[str]:
    from .nlp.moves import NORM_NOUNS

    return NORM_NOUNS


def _rule_frame(sent: "Span") -> list[int] | None:
    """The phrase of `sent`, hung off a clause, that names where a rule comes from: a preposition
    whose object is a rule ("per our policy", "under the terms"), or a clause that vouches for it
    ("as stated on our website"); the outermost such phrase, not holding the sentence's root."""
    norm = _norm_nouns()
    best: list[int] | None = None
    for t in sent:
        if t.dep_ not in CUTTABLE or t.i == sent.root.i:
            continue
        sub = [x.i for x in t.subtree]
        if sent.root.i in sub or not all(sent.start <= i < sent.end for i in sub):
            continue
        names_rule = t.dep_ == "prep" and any(x.lemma_.lower() in norm for x in t.subtree)
        vouches = t.dep_ == "advcl" and t.lemma_.lower() in EVIDENTIAL and any(c.dep_ in ("mark", "advmod") and c.lower_ == "as" for c in t.children)
        if (names_rule or vouches) and not _holds_fact(sent.doc[i] for i in sub) and (best is None or len(sub) > len(best)):
            best = sorted(sub)
    return best


def state_rule(span: "Span", spec: "FixSpec | None" = None, ex=None) -> list[Raw]:
    """The rule kept as information, its frame out (see the module)."""
    sent = _written(span)
    frame = _rule_frame(sent)
    if frame is not None:
        cut = _cut(span, frame)
        if cut:
            return cut
    # "I have to check with my manager first" -> "I'll check with my manager first": the agent's own step
    for t in sent:
        if t.lemma_.lower() not in ("have", "need") or t.pos_ not in ("VERB", "AUX"):
            continue
        subj = next((c for c in t.children if c.dep_ == "nsubj"), None)
        step = next((c for c in t.children if c.dep_ == "xcomp" and c.pos_ == "VERB"), None)
        to = next((c for c in step.children if c.dep_ == "aux" and c.lower_ == "to"), None) if step is not None else None
        if subj is None or subj.lower_ != "i" or to is None or any(c.dep_ in ("neg", "aux") for c in t.children) or t.tag_ not in ("VBP", "VB"):
            continue
        if t.idx != subj.idx + len(subj) + 1 or to.i != t.i + 1:
            continue  # only "I have to", "I need to", as written
        return [(subj.idx + len(subj), to.idx + len(to), "'ll")]
    return drop_sentence(span, spec, ex)


#: the placeholder a refusal's alternative is left as, unless the fix names its own
OFFER_PLACEHOLDER = "what you can offer instead"


def offer_instead(span: "Span", spec: "FixSpec | None" = None, ex=None) -> list[Raw]:
    """The refusal kept, with a placeholder for what we can offer (see the module)."""
    sent = _written(span)
    doc = sent.doc
    end = sent[-1]
    while end.i > sent.start and (end.is_space or end.is_punct and end.text[-1:] in ".!?"):
        end = doc[end.i - 1]
    if end.is_punct and end.text in ",;:":
        end = doc[end.i - 1]
    if not any(t.is_alpha for t in sent) or end.i < span.start:
        return []
    words = (getattr(spec, "placeholder", None) or OFFER_PLACEHOLDER) if spec is not None else OFFER_PLACEHOLDER
    at = end.idx + len(end)
    return [(at, at, f", but [[{words}]]")]


ACTIONS: dict[str, Callable[..., list[Raw]]] = {
    "cut-clause": cut_clause,
    "drop-lead-in": drop_lead_in,
    "drop-sentence": drop_sentence,
    "delete-words": delete_words,
    "plain-apology": plain_apology,
    "drop-apology": drop_apology,
    "drop-extra-apologies": drop_extra_apologies,
    "unshift-feelings": unshift_feelings,
    "own-apology": own_apology,
    "keep-fact": keep_fact,
    "state-rule": state_rule,
    "offer-instead": offer_instead,
}


# -- helpers --------------------------------------------------------------------------------------
def _written(span: "Span") -> "Span":
    """The sentence as written around `span`: the parser's, cut at a full stop, "!" or "?" inside it
    (it runs "I'm sorry it's late. Sorry again, ..." together after a short sentence)."""
    sent = span.sent
    doc = sent.doc
    start = sent.start
    def ends(t) -> bool:
        # a full stop, "!" or "?", or a link followed by a capital ("... here: https://x.example/1 I'm sorry")
        return (t.is_punct and t.text[-1:] in ".!?") or (t.like_url and t.i + 1 < len(doc) and doc[t.i + 1].text[:1].isupper())

    for t in doc[sent.start : span.start]:
        if ends(t):
            start = t.i + 1
    while start < span.start and doc[start].is_space:
        start += 1
    end = sent.end
    for t in doc[span.end - 1 if span.end > span.start else span.start : sent.end]:
        if ends(t) and t.i >= span.start:
            end = t.i + 1
            while end < sent.end and doc[end].is_punct and doc[end].text[-1:] in ".!?\"')":
                end += 1
            break
    while end < sent.end and doc[end].is_space:
        end += 1  # the line break after it, as the parser's sentence has it
    return doc[start:end]


def _holds_fact(tokens) -> bool:
    """A number, amount, time, date, address or link among `tokens`."""
    return any(t.like_num or t.like_email or t.like_url or t.ent_type_ in FACT_ENTS or (t.shape_.count("d") and t.is_alpha is False and not t.is_punct)
               for t in tokens)


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
    while best and (doc[best[-1]].is_space or doc[best[-1]].is_punct and doc[best[-1]].text in ".!?"):
        best.pop()  # the sentence keeps its full stop and the line break after it
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


def fixes_at(linter, text: str, in_reply_to: str | None, spec: "FixSpec", ranges: list[tuple[int, int]]) -> list[Fix | None]:
    """The fix `spec` makes for each stretch of `text` in `ranges` (offsets into `text`), made from the
    parse as a rule's fix is: for a caller that knows what to repair from elsewhere (the rewriter,
    from the scenario) and should repair it as the rules do."""
    ex = linter.exchange(text, in_reply_to)

    def to_original(a: int, b: int) -> tuple[int, int]:
        return ex.norm.span(ex.offset + a, ex.offset + b)

    where = [(to_original(t.idx, t.idx + len(t)), t.i) for t in ex.doc]
    out: list[Fix | None] = []
    for start, end in ranges:
        inside = [i for (a, b), i in where if a < end and start < b]
        if not inside:
            out.append(None)
            continue
        out.append(make_fix(spec, ex.doc[inside[0] : inside[-1] + 1], to_original, text, ex))
    return out
