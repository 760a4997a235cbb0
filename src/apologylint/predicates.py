"""Named structural tests on a matched span, used by rules as `require:` and `unless:`.

They are what lets a rule see the parse instead of a string: "sorry" with a customer as its subject
("you said you were sorry") is not our apology; "sorry to hear" inside a question or quotation is
not said by us; "we'll refund" under "if" is not a commitment.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable

from .nlp.frames import fr
from .nlp.frames import question as is_question

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Span, Token

    from .protocols import ExchangeLike as Exchange

SPEAKER = {"i", "we"}
CUSTOMER = {"you"}
NEGATORS = {"not", "never", "no", "n't", "without", "nothing"}
MODAL_HYPOTHETICAL = {"would", "could", "might"}
COND_MARKS = {"if", "unless", "whether", "should"}


def predicate_head(span: Span) -> Token:
    """The token whose subject says who speaks: the verb for "I'm sorry", the word itself otherwise."""
    tok = span.root
    if tok.dep_ in ("acomp", "attr", "oprd") and tok.head.i != tok.i:
        return tok.head
    return tok


def subject_of(tok: Token) -> Token | None:
    """The verb's subject; when the parser gives it two (a greeting's name taken for one: "Hi Zoë,
    we're sorry"), the one nearest before the verb. Conjoined verbs share the first verb's subject
    ("we checked and found"), walked up in a loop so that a chain of a thousand "and"s is no crash.
    Many rules ask it of the same verb: the answer is kept on the token's frame."""
    f = fr(tok)
    if f.subject_i == -2:
        found = _find_subject(tok)
        f.subject_i = -1 if found is None else found.i
    return None if f.subject_i < 0 else tok.doc[f.subject_i]


def _find_subject(tok: Token) -> Token | None:
    for _ in range(50):
        subjects = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass", "expl")]
        if subjects:
            before = [c for c in subjects if c.i < tok.i]
            return max(before, key=lambda c: c.i) if before else subjects[0]
        if tok.dep_ != "conj" or tok.head.i == tok.i:
            return None
        tok = tok.head
    return None


def _subject_lower(span: Span) -> str | None:
    head = predicate_head(span)
    subj = subject_of(head)
    return subj.lower_ if subj is not None else None


def negated(span: Span, ex: Exchange) -> bool:
    """The match's own word or its verb is negated ("not sorry", "no need to apologize")."""
    for t in {span.root, predicate_head(span)}:
        if any(c.dep_ == "neg" for c in t.children):
            return True
    doc = span.doc
    for i in range(span.start - 1, max(span.sent.start, span.start - 3) - 1, -1):
        if doc[i].is_punct:
            break  # "No problem, sorry again" is not a negated apology
        if doc[i].lower_ in NEGATORS or doc[i].norm_ in NEGATORS:
            if doc[i].dep_ == "prep" and any(c.dep_ == "pobj" and c.i < span.start for c in doc[i].children):
                continue  # "three hours without power is miserable": a phrase of its own before the match
            if doc[i].dep_ == "det" and doc[i].head.i < span.start and doc[i].head.i > doc[i].i:
                continue  # "two hours with no aircon sounds grim": "no" belongs to a noun before the match
            return True
    return False


def question(span: Span, ex: Exchange) -> bool:
    return is_question(span.sent)


def quoted(span: Span, ex: Exchange) -> bool:
    """Inside quotation marks, or on a "> " line: someone else's words, not ours."""
    sent = span.sent
    before = sent.text[: span.start_char - sent.start_char]  # never doc.text: it is rebuilt per call
    line = before[before.rfind("\n") + 1 :]
    if line.lstrip().startswith(">") or (before.rfind("\n") < 0 and sent.start > 0 and _line_quoted(span)):
        return True
    if before.count('"') % 2 == 1:
        return True
    # 'single quotes' open after a space or at the start and close before a space or punctuation;
    # apostrophes inside words ("we're") do neither
    opens = len(re.findall(r"(?:^|(?<=[\s(\[]))'(?=\w)", before))
    closes = len(re.findall(r"(?<=[\w.!?,])'(?=[\s.,;:!?)]|$)", before))
    return opens > closes


def _line_quoted(span: Span) -> bool:
    """The sentence starts mid-line: is its line a "> " line?"""
    return _quoted_line_starts(span.doc)[span.sent.start]


_QUOTED_LINES = "apologylint_quoted_lines"


def _quoted_line_starts(doc) -> list[bool]:
    """For each token, whether its line begins with ">": computed once per doc, since looking
    back to the start of the line from every sentence is quadratic in a long line."""
    cached = doc.user_data.get(_QUOTED_LINES)
    if cached is None or len(cached) != len(doc):
        cached = []
        quoted_line = False
        line_start = True
        for tok in doc:
            if line_start and not tok.is_space:
                quoted_line = tok.text == ">"
                line_start = False
            cached.append(quoted_line)
            if "\n" in tok.text_with_ws:
                line_start = True
        doc.user_data[_QUOTED_LINES] = cached
    return cached


def conditional(span: Span, ex: Exchange) -> bool:
    """The match sits inside an if/unless clause (not: the match has such a clause attached)."""
    for t in [span.root, *span.root.ancestors]:
        if any(c.dep_ == "mark" and c.lower_ in COND_MARKS for c in t.children):
            return True
    return False


def speaker_subject(span: Span, ex: Exchange) -> bool:
    subj = _subject_lower(span)
    return subj is None or subj in SPEAKER


def customer_subject(span: Span, ex: Exchange) -> bool:
    return _subject_lower(span) in CUSTOMER


def first_sentence(span: Span, ex: Exchange) -> bool:
    return span.sent.start == ex.first_content_sentence_start


def last_sentence(span: Span, ex: Exchange) -> bool:
    return span.sent.end >= ex.last_content_token


def hypothetical(span: Span, ex: Exchange) -> bool:
    head = predicate_head(span)
    return any(c.dep_ == "aux" and c.lower_ in MODAL_HYPOTHETICAL for c in head.children)


def after_apology(span: Span, ex: Exchange) -> bool:
    return any(a.end <= span.start for a in ex.signal("apology"))


def attributive(span: Span, ex: Exchange) -> bool:
    """An adjective before its noun: "the sorry state of the app" is not an apology."""
    tok = span.root
    return tok.dep_ == "amod" and tok.head.pos_ in ("NOUN", "PROPN") and tok.head.i > tok.i


REQUEST_OPENERS = {"can", "could", "would", "will", "do", "does", "is", "are", "how", "when", "where", "what", "which", "may", "should", "i'd", "id"}


def request(span: Span, ex: Exchange) -> bool:
    """A polite request or a plain question ("Can I get a refund?", "I'd like to cancel, please"),
    with nothing negated in it: asking for something is not reporting that something failed."""
    sent = span.sent
    words = [t for t in sent if t.is_alpha]
    if not words or any(t.dep_ == "neg" for t in sent):
        return False
    opener = words[0].lower_
    asks = is_question(sent) and opener in REQUEST_OPENERS and "!" not in sent.text
    polite = any(t.lower_ == "please" for t in sent) or (
        len(words) > 2 and words[0].lower_ == "i" and words[1].lower_ in ("'d", "would") and words[2].lower_ in ("like", "love")
    ) or sent.text.lower().startswith(("i'd like", "i would like"))
    return asks or polite


def hoped(span: Span, ex: Exchange) -> bool:
    """Said as a hope, not a fact or a promise: "hopefully they'll be back in action soon",
    "we hope it's back up by tonight"."""
    doc = span.doc
    head = doc[fr(span.root).clause_head] if span.root.has_extension("clause_head") else span.root
    for t in [head, *head.ancestors]:
        if t.has_extension("modality") and fr(t).modality == "hope":
            return True
        if any(c.lower_ in ("hopefully", "fingers") for c in t.children) or t.lemma_.lower() == "hope":
            return True
    return False


def problem_reply(span: Span, ex: Exchange) -> bool:
    """The message answers a reported problem: only then can a cause be an excuse for it."""
    return ex.problem


def past(span: Span, ex: Exchange) -> bool:
    """Said of what already happened: the match's clause is in the past (or perfect) and is no
    act done for the customer ("the driver knocked at 11:20", "it was delivered at 13:12"; not "I
    rebooked you for 4pm", nor the agentless perfect "a new visit has been booked for 10:30")."""
    from .nlp.frames import clause_of, fr, passive

    head = clause_of(span.root)
    f = fr(head)
    if not f.clause or f.tense not in ("past", "perfect"):
        return False
    if f.polarity == "negative":
        return True
    return f.agent != "speaker" and not (passive(head) and f.agent == "none" and f.tense == "perfect")


def self_deprecating(span: Span, ex: Exchange) -> bool:
    """An "if" about our own question or our own understanding, not the customer's trouble: "sorry if
    this is a silly question", "apologies if I've got this wrong", "if I misunderstood" (over-apology's,
    not a conditional apology for a failure). Never "we", and never a thing of theirs: "sorry if we got
    your order wrong", "if it arrived wrong" are the conditional apologies AL401 is for."""
    from .nlp.frames import lemma

    for t in span.sent:
        if t.dep_ == "mark" and t.lower_ == "if":
            clause = t.head
            subj = next((c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subj is None:
                continue
            comps = {c.lower_ for c in clause.children if c.dep_ in ("attr", "acomp", "oprd")}
            amods = {a.lower_ for c in clause.children if c.dep_ == "attr" for a in c.children if a.dep_ == "amod"}
            # "if this is a silly question / a dumb answer", "if this is obvious"
            if subj.lower_ in ("this", "it") and lemma(clause) == "be" and ("question" in comps or comps & QUESTION_SLIGHTS or amods & QUESTION_SLIGHTS):
                return True
            if subj.lower_ == "i":
                # every other thing in the clause is this, that, it or you: "if I've got this wrong", not
                # "if I got your order wrong"
                things = [x for x in clause.subtree if x.pos_ in ("NOUN", "PROPN", "PRON") and x.i != subj.i
                          and x.lower_ not in ("wrong", "mistaken")]
                about_us = all(x.lower_ in ("this", "that", "it", "you", "things") for x in things)
                if about_us and (lemma(clause) in ("misunderstand", "misread", "mishear")
                                 or any(x.lower_ in ("wrong", "mistaken") for x in clause.subtree)):
                    return True
    return False


# what a speaker calls their own question (a closed class of slights)
QUESTION_SLIGHTS = frozenset({"silly", "stupid", "dumb", "obvious", "basic", "daft"})


def general(span: Span, ex: Exchange) -> bool:
    """Said in general of a class of things, not of this case: the match is inside its clause's
    subject ("bookings within 48 hours of arrival are non-refundable") or in a requirement of a class
    ("returns have to be posted within 14 days"). A time there is no time given to the customer."""
    from .nlp.frames import clause_of
    from .nlp.moves import norm_of_a_class

    if norm_of_a_class(clause_of(span.root)):
        return True
    for t in span.root.ancestors:
        if t.dep_ in ("nsubj", "nsubjpass"):
            return True
        if fr(t).clause:
            return False
    return False


PREDICATES: dict[str, Callable[[Span, Exchange], bool]] = {
    "negated": negated,
    "question": question,
    "quoted": quoted,
    "conditional": conditional,
    "speaker-subject": speaker_subject,
    "customer-subject": customer_subject,
    "first-sentence": first_sentence,
    "last-sentence": last_sentence,
    "hypothetical": hypothetical,
    "after-apology": after_apology,
    "attributive": attributive,
    "problem-reply": problem_reply,
    "request": request,
    "hoped": hoped,
    "past": past,
    "self-deprecating": self_deprecating,
    "general": general,
}
