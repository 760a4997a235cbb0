"""The moves of a reply: what each sentence does for (or to) the customer, read from the frames.

A move is one act with its evidence: an apology, an explanation with its cause and whose cause it
is, a refusal with or without an alternative, a dispute of the customer's account, a commitment.
Rules in `rules/*.yaml` are queries over these (`kind: move`), so that "an explanation whose
cause is not our own mistake" is one rule, whatever the cause is called.

Moves that the signals in `rules/signals.yaml` already find (apology, empathy and the parts of a
next step) come from there: each signal source names the move it is evidence of (`move:`), so
there is one detector for each thing. The rest are read here from the frames of `frames.py`; the
word lists below are closed classes (connectives, normative nouns, verbs of failing and stating).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterator

from .frames import CLOCK, EVIDENCE_VERBS, INABILITY_WORDS, MENTAL, OUR_PEOPLE, UNDERGO, a_time, clause_of, fr, lemma, passive, role
from .frames import question as frames_question

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span, Token

#: nouns of a rule: what "policy says" or "the terms state" is made of
NORM_NOUNS = {"policy", "rule", "regulation", "law", "term", "condition", "t&c", "t&cs", "tcs", "guideline", "procedure", "protocol", "legislation", "requirement", "contract", "agreement", "clause", "compliance", "standard", "legal", "regs", "eu261"}
#: verbs of failing: what a party did when it let the customer down
FAILURE_VERBS = {"cause", "force", "affect", "disrupt", "hamper", "hinder", "impact", "prevent", "close", "buckle", "skip", "stall", "let", "slip", "lose", "damage", "break", "miss", "fail", "forget", "cancel", "delay", "mess", "drop", "crash", "overbook", "mislay", "misplace", "mislabel", "misroute", "misdeliver", "reject", "decline", "block", "strike", "mishandle", "double", "overcharge", "ignore", "neglect", "bail", "flake", "collapse", "go", "run"}
FAILURE_STATES = {"hectic", "manic", "chaotic", "frantic", "wrong", "twice", "incorrectly", "wrongly", "slowly", "stick", "slower", "longer", "stuck", "limited", "delayed", "late", "down", "slow", "behind", "unavailable", "closed", "short", "busy", "off", "sick", "ill", "offline", "overwhelmed", "swamped", "stretched", "unreachable", "missing", "faulty", "broken", "duplicate", "incorrect", "damaged", "defective"}
#: a verb and its particle that say something failed: "time out", "fall over", "break down"
PHRASAL_FAILURES = {("walk", "off"), ("walk", "out"), ("pull", "out"), ("back", "out"), ("time", "out"), ("fall", "over"), ("fall", "through"), ("fall", "behind"), ("break", "down"), ("slip", "through"), ("drop", "off"), ("drop", "out"), ("cut", "out"), ("cut", "off"), ("back", "up"), ("pile", "up"), ("mix", "up"), ("freeze", "up"), ("lock", "up"), ("hold", "up")}
#: states of a job done: "isn't ready", "isn't finished" says it is not
DONE_STATES = {"finish", "ready", "complete", "done", "fix", "available", "work", "sort"}
#: adjectives by which a reply says nothing is wrong: "the charge is correct"
CORRECT_STATES = {"correct", "accurate", "valid", "genuine", "fine", "legitimate", "normal", "authentic", "proper", "standard", "expected"}
#: verbs of stating a term to someone: "it was clearly stated", "as outlined"
STATING_VERBS = {"state", "explain", "outline", "display", "show", "mention", "say", "list", "write", "note", "advertise", "specify", "label", "mark", "communicate", "set"}
#: what a refusal refuses with "we don't ...": offering, accepting, doing
OFFER_VERBS = {"offer", "do", "accept", "provide", "allow", "give", "refund", "exchange", "issue", "make", "cover", "honour", "honor", "permit", "support", "compensate", "reimburse", "guarantee", "restore", "replace", "reinstate", "reverse", "waive", "reissue", "reopen", "extend", "match", "ship", "deliver", "return", "recover", "unban", "transfer"}
#: states that describe the fault itself ("the estimate was wrong"), not a cause of it
FAULT_STATES = {"wrong", "incorrect", "inaccurate", "late", "missing", "faulty", "broken", "damaged", "mistaken", "off"}
#: nouns of trouble a party can have: "the manufacturer has a fault", "they had a scheduling problem"
TROUBLE_NOUNS = {"problem", "issue", "fault", "glitch", "outage", "delay", "shortage", "failure", "backlog", "breakdown", "bug", "error", "strike", "incident", "accident", "disruption", "difficulty", "trouble", "hiccup", "snag", "downtime", "interruption", "congestion"}
#: trouble that, named, is an admission rather than an event: "we made an error"
MISTAKE_LIKE = {"mistake", "error", "oversight", "blunder", "screwup", "mess", "fault"}
#: units a wait is measured in (a closed class): "held for 25 mins"
WAIT_UNITS = {"min", "mins", "minute", "hour", "hr", "hrs", "day", "week", "age", "forever", "while"}
#: verbs that undo trouble (a closed class): "the duplicate charge has been cancelled" is the fix
UNDOING_VERBS = {"cancel", "reverse", "void", "remove", "correct", "sort", "solve", "clear", "waive", "drop", "lift", "rectify", "amend", "withdraw", "delete", "stop", "block"}
#: what is done for the customer: by a party, it is the fix or the service, not the fault
REMEDY_VERBS = {"deliver", "send", "ship", "refund", "fix", "resolve", "repair", "restore", "replace", "approve", "process", "return", "credit", "collect", "sign", "receive", "confirm", "review", "investigate", "check", "escalate", "contact", "call", "email", "reply", "answer", "update", "reissue", "reschedule", "rebook", "book", "pay"}
#: verbs of making the work a customer complains about
WORK_VERBS = {"produce", "make", "build", "design", "write", "prepare", "create", "draw", "code", "cut", "fit", "install", "paint", "print", "manufacture", "assemble", "finish", "complete", "carry", "do"}
#: verbs by which a party lays down what must be: "our insurers require a permit", "the law prohibits"
DEONTIC_VERBS = {"require", "oblige", "obligate", "mandate", "stipulate", "prohibit", "forbid", "bar", "restrict", "dictate"}
#: verbs by which a job is handed to someone else
HANDOFF_VERBS = {"handle", "operate", "run", "manage", "carry", "provide", "process", "deliver", "fulfil", "fulfill", "arrange", "supply", "own", "control", "decide", "set", "issue"}
#: nouns of a failure that, when ours, own it: "our mistake", "our delay", "the fault was ours"
OWNED_NOUNS = {"mistake", "error", "fault", "oversight", "slip", "blunder", "delay", "failure", "outage", "responsibility", "bad", "doing", "screwup", "mess"}
#: what we may be obliged to do that is owning up, not a rule: "we must apologise", "I have to admit"
OWNING_UP = {"apologise", "apologize", "admit", "say", "confess", "thank", "agree", "accept", "ask", "tell", "let", "point", "be", "have", "do"}
#: "we can't wait", "can't thank you enough": inability that refuses nothing
IDIOMS_OF_DELIGHT = {"wait", "complain", "thank", "stress", "believe", "help", "recommend", "praise", "imagine"}
GREETING_WORDS = {"hi", "hello", "hey", "dear", "morning", "afternoon", "evening", "greetings", "hiya", "howdy"}
SIGN_OFF_WORDS = {"regards", "best", "cheers", "sincerely", "kind", "warm", "warmest", "yours", "thanks", "thank", "thx", "ty"}


@dataclass
class Move:
    """One act in a sentence, with the span that shows it and what the reading found in it."""

    kind: str
    span: Any  # spaCy Span in the reply
    detail: dict[str, str] = field(default_factory=dict)


def _span(doc: Doc, toks) -> Span:
    toks = sorted(toks, key=lambda t: t.i)
    return doc[toks[0].i : toks[-1].i + 1]


def _clause_span(t: Token, open_complements: bool = True) -> Span:
    """The clause without the clauses hanging off it (the cause, not what it caused); with its open
    complements ("have to be posted") unless told not to."""
    own = [x for x in t.subtree if (_within(x, t) if open_complements else clause_of(x).i == t.i or x.i == t.i)]
    # (not the "so" or "and" that joins the next clause to it, nor the comma before it)
    while len(own) > 1 and own[-1].i > t.i and (own[-1].dep_ == "cc" or own[-1].is_punct) and own[-1].text not in ("!", "?", "."):
        own.pop()
    return _span(t.doc, own or [t])


def _within(x: Token, t: Token) -> bool:
    """`x` is a word of the clause `t` heads, with its open complements ("have to be posted within 14
    days" is one clause), not of a clause of its own hanging off it."""
    h = clause_of(x)
    while h.i != t.i:
        if h.dep_ != "xcomp" or h.head.i == h.i:
            return x.i == t.i
        h = clause_of(h.head)
    return True


def _in_apology(t: Token, apology_tokens: set[int]) -> bool:
    """Said inside an apology: "sorry (that) the website doesn't ...", where the parser may hang
    "Sorry" on the clause it introduces."""
    for a in [t, *t.ancestors]:
        if a.i in apology_tokens:
            return True
        if a.dep_ in ("conj", "advcl", "ccomp") and any(x.lower_ in ("but", "however", "although", "though") for x in t.doc[a.head.i + 1 : a.i] if x.dep_ in ("cc", "advmod", "mark")):
            return False  # "Apologies, but we can only ...": what follows "but" is said beside the apology, not in it
    doc = t.doc
    for x in [t, *t.ancestors]:
        for c in x.children:
            if c.i in apology_tokens and c.dep_ in ("intj", "advmod", "dep", "npadvmod", "acomp") and c.i < t.i:
                # "Sorry the website doesn't ..." names the failure; "Sorry, the system ..." is an aside
                return not any(y.is_punct for y in doc[c.i + 1 : max(t.i, c.i + 1)])
    return False


def whose(cause: Token) -> str:
    """Whose cause it is: ours (an owned mistake), the customer's, a rule's, or external."""
    if fr(cause).owned:
        return "ours"
    agent = fr(cause).agent if fr(cause).clause else role(cause)
    toks = [cause] if not fr(cause).clause else [x for x in cause.subtree if clause_of(x).i == cause.i]
    if any(lemma(x) in NORM_NOUNS or _not_able(x) for x in toks if x.pos_ in ("NOUN", "PROPN", "ADJ")):
        return "rule"  # "as the fare is non-refundable": a rule of the fare"
    if fr(cause).clause and norm_of_a_class(cause):
        return "rule"  # "cancellations need 30 days notice", "refunds must be requested in writing"
    if agent == "customer":
        # "because your bank declined it" is the customer's side; "because you asked" their choice
        return "customer"
    if fr(cause).clause and passive(cause) and fr(cause).agent in ("none", "speaker") and fr(cause).polarity == "negative" and lemma(cause) in TOLD_US \
            and not any(x.lower_ in ("you", "u") for x in cause.subtree if clause_of(x).i == cause.i):
        return "customer"  # "the allergy wasn't mentioned at booking, so ...": what the customer didn't tell us
    head = cause if not fr(cause).clause else (cause.doc[fr(cause).agent_i] if fr(cause).agent_i >= 0 else next((c for c in cause.children if c.dep_ == "nsubjpass"), None))
    if head is not None and any(c.dep_ in ("relcl", "acl") and fr(c).agent == "customer" and not passive(c) for c in head.children):
        return "customer"  # "the meter reading you gave us was wrong": what the customer did or gave
    yours = head is not None and any(c.dep_ == "poss" and c.lower_ in ("your", "ur") for c in head.children)
    if yours and (not fr(cause).clause or (passive(cause) and fr(cause).polarity == "negative")):
        # "your delay in signing made us lose the slot", "your railcard was not presented, which meant ...":
        # a cause on the customer's side; "your flight was cancelled" is what happened to them, not why
        return "customer"
    return "external"


def norm_of_a_class(t: Token) -> bool:
    """A requirement said in general of a class of things, whatever they are: a present clause of need
    or obligation whose subject is a bare plural ("cancellations need 30 days notice", "returns have
    to be posted within 14 days"), not one thing of this case ("your parcel needs a signature")."""
    if t.dep_ == "xcomp" and lemma(t.head) in ("have", "need", "require"):
        t = t.head  # "returns have to be posted": the need, not what is needed
    f = fr(t)
    if f.tense not in ("present", "nonfinite") or f.question or f.conditional or f.polarity != "positive":
        return False
    if not (f.modality == "obligation" or lemma(t) in ("need", "require") or (lemma(t) == "have" and any(
            c.dep_ == "xcomp" and any(a.lower_ == "to" for a in c.children) for c in t.children))):
        return False
    subj = next((c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return subj is not None and subj.tag_ == "NNS" and not any(c.dep_ in ("det", "poss") and c.lower_ not in ("all", "any") for c in subj.children)


#: markers that name a cause outright, said of what the customer reported: "this is due to ...", "caused by ..."
OUTRIGHT_CAUSES = {"due to", "owing to", "because of", "down to", "as a result of", "caused by"}


def trouble_noun(n: Token) -> bool:
    """A noun that names trouble: "a signalling problem", "crew shortages", "cancellations" (from
    a verb of failing), "late arrival" (a failed state)."""
    if n.pos_ not in ("NOUN", "PROPN"):
        return False
    lem = lemma(n)
    if lem in TROUBLE_NOUNS or any(len(v) >= 4 and lem.startswith(v) and lem != v + "r" for v in FAILURE_VERBS - {"go", "run", "let", "double", "close", "drop", "miss", "force"}):
        return True
    return any(c.dep_ == "amod" and (lemma(c) in FAILURE_STATES or c.lower_ in FAILURE_STATES) for c in n.children)


def failure_clause(t: Token) -> bool:
    """A clause that says something went wrong: a negated action, a verb of failing, a failed state.
    Asked of the same clause by many moves and rules, and fixed once the frames are set: the answer
    is kept on the token's frame."""
    f = fr(t)
    if f.failure is None:
        f.failure = _failure_clause(t)
    return f.failure


def _failure_clause(t: Token) -> bool:
    if not fr(t).clause or fr(t).tense in ("future", "imperative") or fr(t).modality in ("condition", "hypothetical", "hope", "obligation"):
        return False
    lem = lemma(t)
    if fr(t).polarity == "negative" and lem not in {"know", "think", "believe", "mean", "want", "need", "hear", "notice", "realise", "realize", "mind", "worry", "hesitate"}:
        if fr(t).tense == "present" and (passive(t) or lem in DONE_STATES) and fr(t).agent != "customer":
            return True  # "the kitchen isn't finished", "your room isn't ready": what should be done is not
        return fr(t).tense in ("past", "perfect") or fr(t).modality == "inability"
    # particles as children, or just after the verb when the parser hangs them elsewhere ("let you down")
    particles = {c.lower_ for c in t.children} | {x.lower_ for x in t.doc[t.i + 1 : min(t.i + 4, t.sent.end)]}
    if lem == "go" and particles & {"down", "wrong", "missing", "offline", "bust"}:
        return True
    if lem == "run" and particles & {"out", "late", "behind", "over", "slow", "slowly"}:
        return True
    if lem == "let" and "down" in particles:
        return True
    if (lem, "out") in PHRASAL_FAILURES and "out" in particles or any((lem, p) in PHRASAL_FAILURES for p in particles):
        return True  # "transfers are timing out", "the page fell over", "your order slipped through the cracks"
    if lem == "take" and fr(t).tense in ("past", "perfect") and any(c.dep_ in ("dobj", "npadvmod", "advmod") and c.lower_ in ("ages", "forever", "longer", "too") for c in t.children):
        return True  # "the restaurant took ages"
    if lem in FAILURE_VERBS - {"go", "run", "let"}:
        return True
    if lem in ("hold", "keep", "stop", "sit", "stand", "stick") and fr(t).polarity == "positive" and any(
            c.dep_ == "prep" and c.lower_ == "for" and any(lemma(o) in WAIT_UNITS for o in c.children if o.dep_ == "pobj") for c in t.children):
        return True  # "the 07:42 was held outside Dunmore for 25 mins", "we sat at the gate for two hours"
    subj = next((c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is not None and fr(t).polarity == "positive" and fr(t).tense in ("past", "perfect") and lem not in REMEDY_VERBS | UNDOING_VERBS \
            and any(a.dep_ == "amod" and a.lower_ in ("wrong", "incorrect", "duplicate", "faulty", "damaged", "defective") for a in subj.children):
        return True  # "the wrong bill went out", "a duplicate payment was taken": trouble as what happened
    if lem in ("have", "experience", "suffer", "hit") and any(c.dep_ == "dobj" and lemma(c) in TROUBLE_NOUNS for c in t.children):
        return True  # "they had a scheduling problem"
    if lem in ("lead", "result", "cause", "mean", "bring", "trigger") and any(
        trouble_noun(o) for c in t.children for o in ([c] if c.dep_ == "dobj" else [x for x in c.children if x.dep_ == "pobj"] if c.dep_ == "prep" else [])
    ):
        return True  # "which has led to some cancellations"
    if lem in ("set", "push", "hold", "knock", "put") and particles & {"back", "up", "out", "behind"}:
        return True  # "the strike set us back three weeks", "roadworks held the van up"
    objects = [c for c in t.children if c.dep_ in ("dobj", "dative")] + [o for c in t.children if c.dep_ == "prep" for o in c.children if o.dep_ == "pobj"]
    if any(any(a.dep_ == "amod" and a.lower_ in ("wrong", "incorrect") for a in o.children) for o in objects):
        return True  # "loaded the wrong container", "sent it to the wrong address": an act done wrongly
    if lem == "happen" and fr(t).agent_i >= 0 and t.doc[fr(t).agent_i].lower_ in ("this", "it", "that", "which"):
        return True  # "this happened because ...": the failure the customer reported
    # a failed state or manner: "was late", "is stuck", "taking longer", "charged twice", "going slower"
    if any(lemma(c) in FAILURE_STATES or c.lower_ in FAILURE_STATES for c in t.children if c.dep_ in ("acomp", "attr", "advmod", "prt", "oprd", "npadvmod")):
        return True
    if any(lemma(c) in INABILITY_WORDS for c in t.children if c.dep_ in ("ccomp", "oprd", "acomp", "xcomp")):
        return True  # "made it impossible to ..."
    return lem in ("break",) or (t.pos_ == "ADJ" and lem in FAILURE_STATES)


def read_moves(doc: Doc, ex) -> list[tuple[Span, list[Move]]]:
    """Every sentence of the reply with its moves, in order."""
    apology_spans = ex.signal("apology", doc)
    apology_tokens = {t.i for s in apology_spans for t in s}
    by_sentence: dict[int, list[Move]] = {}

    def add(kind: str, span: Span, **detail: str) -> None:
        by_sentence.setdefault(span.sent.start, []).append(Move(kind, span, detail))

    # moves the signals find: each source says which move it is evidence of
    for name, kind in (("apology", "apology"), ("empathy", "empathy")):
        for s in ex.signal(name, doc):
            add(kind, s)
    for name in ("next-step", "minimizing"):
        for kind, spans in ex.signal_moves(name, doc).items():
            for s in spans:
                add(kind, s)
    for m in _frame_moves(doc, apology_tokens, ex):
        by_sentence.setdefault(m.span.sent.start, []).append(m)
    _mark_causes_for_the_fix(by_sentence)
    _blame_in_causes(by_sentence)
    if ex.context is not None and ex.customer.questions:
        _mark_answers(doc, by_sentence, ex.customer.questions)
    _mark_apologies_for_asking(by_sentence)
    _mark_recovery_moves(by_sentence)
    _mark_no_charge_and_call_backs(doc, by_sentence)
    if ex.context is not None and ex.customer.stakes:
        _mark_personal(by_sentence, ex.customer.stakes)
    out = []
    for sent in doc.sents:
        moves = by_sentence.get(sent.start, [])
        words = [t for t in sent if t.is_alpha]
        if words and words[0].lower_ in GREETING_WORDS and (len(words) <= 4 or any(x.text == "," for x in sent[:4])):
            moves.insert(0, Move("greeting", sent))
        elif words and words[0].lower_ in SIGN_OFF_WORDS and len(words) <= 3 and not any(m.kind != "thanks" for m in moves):
            moves.insert(0, Move("sign-off", sent))
        if any(lemma(t) in ("thank", "thanks", "thx", "ty", "grateful", "appreciate") for t in sent) and not any(m.kind == "sign-off" for m in moves):
            moves.append(Move("thanks", sent))
        out.append((sent, moves))
    return out


NORMAL = {"normal", "standard", "common", "usual", "typical", "same", "universal", "inevitable"}


#: words of a large amount (a closed class): "a high number of", "record demand", "lots of"
AMOUNT_WORDS = {"high", "higher", "large", "larger", "huge", "heavy", "heavier", "record", "unprecedented", "increased", "unusual",
                "exceptional", "massive", "big", "bigger", "extra", "additional", "enormous", "overwhelming", "unexpected", "sudden", "unusually"}
#: nouns that are themselves an amount: "a lot of", "a surge in", "an influx of"
AMOUNT_NOUNS = {"lot", "lots", "load", "loads", "ton", "tons", "influx", "surge", "spike", "rush", "flood", "wave", "flurry", "deluge", "avalanche", "backlog", "pile"}
#: what a comparison is measured against when it pleads the unforeseen: "longer than expected"
EXPECTATION_WORDS = {"expect", "anticipate", "predict", "forecast", "plan", "usual", "normal", "think", "foresee", "hope", "imagine", "ever", "average", "handle", "cope", "manage", "process", "deal"}


def _amount(n: Token) -> bool:
    """A noun phrase that says how much there was: "a huge number of orders", "lots of staff", "record
    demand", "an influx of bookings", "higher call volumes"."""
    if n.pos_ not in ("NOUN", "PROPN", "PRON"):
        return False
    if lemma(n) in AMOUNT_NOUNS and (lemma(n) in ("backlog", "influx", "surge", "spike", "rush", "flurry") or any(c.lower_ in ("of", "in") for c in n.children)):
        return True
    if any(x.lower_ in ("times", "twice", "double", "triple", "treble") for x in n.doc[n.left_edge.i : n.i]):
        return True  # "four times its normal volume", "double the usual number of calls"
    return any(c.dep_ == "amod" and (c.lower_ in AMOUNT_WORDS or any(g.lower_ in AMOUNT_WORDS for g in c.children if g.dep_ == "advmod")) for c in n.children)


def _a_great_deal(t: Token, agent: str) -> bool:
    """Volume as what happened to us: "we're receiving a high number of enquiries", "our team is
    dealing with an unusually high volume of contacts", "there's been a lot of demand". The noun
    counted is open-class; what says it was a lot is a closed class. Not what we sent or gave."""
    lem = lemma(t)
    if fr(t).polarity != "positive":
        return False
    temporary = fr(t).tense in ("past", "perfect") or t.tag_ in ("VBG", "VBN") or any(
        x.lower_ in ("currently", "moment", "now", "today", "tonight", "week", "weekend", "month", "lately", "recently", "season", "morning", "afternoon")
        for x in t.subtree if clause_of(x).i == t.i)
    if not temporary:
        return False  # "we get a lot of questions about this", "there's a lot of info on our site": how things are, not what went wrong
    if agent == "speaker" and (lem in UNDERGO or lem in ("receive", "handle", "process", "work", "deal", "manage", "field", "catch")):
        objs = [c for c in t.children if c.dep_ in ("dobj", "attr")]
        objs += [o for c in t.children if c.dep_ == "prep" and c.lower_ in ("with", "through", "on") for o in c.children if o.dep_ == "pobj"]
        objs += [o for c in t.children if c.dep_ == "prt" and c.lower_ == "up" for p in c.children if p.dep_ == "prep" for o in p.children if o.dep_ == "pobj"]
        return any(_amount(o) for o in objs)
    if lem == "be" and any(c.dep_ == "expl" for c in t.children):
        return any(_amount(c) for c in t.children if c.dep_ in ("attr", "nsubj"))
    return False


def _more_than_expected(t: Token) -> bool:
    """A comparison with what was expected or normal, said of what went wrong: "it sold out faster than
    expected", "it's taking longer than usual", "demand was higher than we planned for"."""
    for c in t.subtree:
        if c.lower_ != "than" or c.i == 0 or t.doc[c.i - 1].tag_ not in ("JJR", "RBR"):
            continue
        comparative = t.doc[c.i - 1]
        if clause_of(comparative).i != t.i:
            continue
        after = t.doc[c.i + 1 : min(c.i + 5, t.sent.end)]
        if any(lemma(x) in EXPECTATION_WORDS or x.lower_ in EXPECTATION_WORDS for x in after) and not any(x.lower_ in ("you", "your") for x in after[:2]):
            return True
    return False


def _everyone_does_it(t: Token) -> bool:
    """A failure presented as what everyone has: "every network has dead spots", "bugs slip into
    every release", "all airlines overbook", "that's normal for any online game"."""
    own = [x for x in t.subtree if clause_of(x).i == t.i]

    def universal(x: Token) -> bool:
        if x.lower_ in ("everyone", "everybody", "everywhere"):
            return x.dep_ in ("nsubj", "advmod", "pobj")
        if x.lower_ in ("entire", "whole") and x.dep_ == "amod" and x.head.dep_ == "pobj" and x.head.head.lower_ in ("across", "throughout"):
            return True  # "across the entire market", "throughout the whole industry"
        if not (x.dep_ == "det" and x.lower_ in ("all", "every", "any", "most")):
            return False
        n = x.head  # "every bank", "all airlines", "into every release", "for any game": not "every right"
        return n.pos_ in ("NOUN", "PROPN") and role(n) != "speaker" and not any(c.dep_ == "poss" for c in n.children) and n.dep_ in ("nsubj", "pobj")

    if not any(universal(x) for x in own) or fr(t).polarity != "positive" or lemma(t) in ("happen", "get"):
        return False
    if fr(t).agent_i < 0 or fr(t).tense == "imperative" or (t.tag_ == "VB" and not any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children)):
        return False  # "returns are simple, just drop it at any Post Office": an instruction, not what everyone suffers
    comps = [c for c in t.children if c.dep_ in ("acomp", "attr")]
    normal = lemma(t) == "be" and any(lemma(c) in NORMAL or any(lemma(g) in NORMAL for g in c.children) for c in comps)
    habit = lemma(t) in ("have", "do", "charge", "overbook", "happen", "vary", "get", "experience", "take") or lemma(t) in {"rise", "increase", "climb", "struggle", "face", "suffer", "see", "deal"}
    return normal or habit or failure_clause(t)


POSSIBLE = {"refundable", "returnable", "transferable", "exchangeable", "cancellable", "cancelable", "changeable", "amendable", "repairable", "replaceable", "negotiable", "eligible", "available", "possible", "bookable", "reusable", "upgradable", "upgradeable", "extendable", "redeemable"}


def _yours_to_blame(c: Token) -> bool:
    """What "it must be ..." lays at the customer's door: "your router", "something on your console",
    "an issue with your card" (not "so frustrating for your family")."""
    def yours(x: Token) -> bool:
        return x.pos_ in ("NOUN", "PROPN") and any(p.dep_ == "poss" and p.lower_ in ("your", "ur") for p in x.children)

    if c.dep_ == "attr" and yours(c):
        return True
    # "it must be on your side" guesses at a cause; "it'll be at your hotel by 9am" says where it goes
    guess = c.dep_ == "prep" and any(a.dep_ == "aux" and a.lower_ == "must" for a in c.head.children)
    heads = ([c] if guess else []) if c.dep_ == "prep" else [p for p in c.children if p.dep_ == "prep"] if lemma(c) in ("something", "issue", "problem", "fault", "setting") else []
    return any(p.lower_ in ("on", "with", "at", "in") and any(o.dep_ == "pobj" and yours(o) for o in p.children) for p in heads)


def _happens_anyway(t: Token) -> bool:
    """"These things happen", "it happens sometimes", "that happens with older routers": said of
    the failure, not "what happens next is ..."."""
    subj = t.doc[fr(t).agent_i]
    things = lemma(subj) == "thing" and any(c.lower_ in ("these", "such", "those") for c in subj.children)
    # "it happens to everyone" comforts a customer about their own slip; that is no excuse
    if fr(t).modality != "none" or any(c.dep_ == "prep" and c.lower_ == "to" for c in t.children):
        return False
    often = any(c.lower_ in ("sometimes", "occasionally", "often", "always", "everywhere") or (c.dep_ == "prep" and c.lower_ in ("from", "with", "across", "all")) for c in t.children)
    return things or (subj.lower_ in ("it", "this", "that") and often and subj.dep_ == "nsubj")


def _not_able(t: Token) -> bool:
    """An adjective that denies a possibility by its form: non-refundable, unrepairable, ineligible
    (not "unacceptable", which agrees with the customer)."""
    low = t.lower_
    doc = t.doc
    if low == "non" and t.i + 2 < len(doc) and doc[t.i + 1].text == "-":
        low = "non" + doc[t.i + 2].lower_  # "non - refundable" is three tokens
    for prefix in ("non-", "non", "un", "in", "ir", "im"):
        if low.startswith(prefix) and low[len(prefix):] in POSSIBLE:
            return t.pos_ in ("ADJ", "NOUN", "ADV") or low.startswith("non")
    return False


#: verbs of giving the customer a remedy: "we won't X" with one of these refuses it, whatever was asked
GIVING_VERBS = {"offer", "refund", "compensate", "reimburse", "waive", "honour", "honor", "accept", "replace", "exchange"}
#: acts refused by a light verb and its object (a closed class): "we will not be taking any further action"
REFUSED_ACTS = {("take", "action"), ("make", "exception"), ("make", "change"), ("do", "anything"), ("do", "more")}
#: what a customer tells or gives us (a closed class of verbs): "the allergy wasn't mentioned", "no flat number was provided"
TOLD_US = {"mention", "declare", "provide", "specify", "state", "give", "supply", "include", "disclose", "report", "enter", "tell", "flag", "select", "tick", "inform", "advise", "notify"}
#: verbs of telling someone what they should already know: a closed class of speech acts
LECTURE_VERBS = {"point", "remind", "stress", "emphasise", "emphasize", "reiterate", "clarify", "highlight", "underline"}
#: the people a reply's customer is one of: "the customer's responsibility", "a few users saw this"
CUSTOMER_NOUNS = {"customer", "client", "passenger", "guest", "buyer", "user", "cardholder", "shopper", "subscriber", "patient", "resident", "traveller", "traveler", "people", "household", "diner", "policyholder"}
#: what would show that something happened: "there is no record of a call"
EVIDENCE_NOUNS = {"record", "trace", "evidence", "sign", "log", "note", "proof"}
EVIDENCE_FORMS = {"show", "shows", "showed", "confirm", "confirms", "confirmed", "indicate", "indicates", "indicated", "prove", "proves", "proved", "state", "states"}


#: verbs that report what someone says happened (a closed class)
REPORTING_VERBS = {"say", "confirm", "state", "report", "advise", "insist", "maintain", "claim", "assure", "recall", "remember", "swear"}
#: the speaker's certainty: "I'm sure", "I'm confident"
CERTAIN = {"sure", "confident", "certain", "positive", "convinced"}


def _what_happened(c: Token) -> bool:
    """A reported clause that says what happened, and not that it went wrong (unless what went wrong
    was the customer's doing): "he knocked and waited", "you weren't in", not "the parcel was lost"."""
    return (fr(c).clause and c.dep_ in ("ccomp", "xcomp") and fr(c).tense in ("past", "perfect") and fr(c).modality == "none"
            and not fr(c).conditional and lemma(c) not in MENTAL
            and ((fr(c).agent == "customer" and (fr(c).polarity == "negative" or failure_clause(c))) or (fr(c).agent != "customer" and not failure_clause(c))))


def _their_word(t: Token) -> bool:
    """A party's own account set against the customer's: "our driver has confirmed he knocked",
    "the store manager says she was polite", "the engineer insists he attended". The party is
    anyone but us speaking for ourselves ("we can confirm your refund went through" reports our act)
    and the customer; what they report is the customer's story retold the other way."""
    if lemma(t) not in REPORTING_VERBS or not fr(t).clause or fr(t).polarity != "positive" or fr(t).question or fr(t).conditional:
        return False
    if fr(t).tense not in ("past", "perfect", "present") or fr(t).modality != "none" or fr(t).agent_i < 0:
        return False
    who = t.doc[fr(t).agent_i]
    if who.lower_ in ("who", "that") and t.dep_ == "relcl":
        who = t.head  # "the store manager, who says she was polite"
    if who.lower_ in ("i", "we", "you", "u", "it", "this", "that") or role(who) == "customer":
        return False
    if who.pos_ not in ("NOUN", "PROPN") and who.lower_ not in ("he", "she", "they"):
        return False
    return any(_what_happened(c) for c in t.children)


def _sure_they_did_right(t: Token) -> bool:
    """The speaker vouching for a party against the customer: "I'm sure the driver did his best",
    "I'm confident the staff acted correctly". Not a promise ("I'm sure we can sort this")."""
    if lemma(t) != "be" or fr(t).agent != "speaker" or fr(t).polarity != "positive" or fr(t).question or fr(t).conditional:
        return False
    sure = [c for c in t.children if c.dep_ == "acomp" and c.lower_ in CERTAIN]
    return any(_what_happened(c) and fr(c).agent == "third" and fr(c).polarity == "positive" for s_ in sure for c in [*s_.children, *t.children])


def _assured(t: Token) -> bool:
    """"I can assure you our engineers are fully qualified", "we guarantee the meat is fresh": the
    speaker's word given for our people or things against the complaint (not a promise of what we
    will do: "I can assure you we'll fix it")."""
    if lemma(t) not in ("assure", "guarantee", "reassure") or fr(t).agent != "speaker" or fr(t).polarity != "positive" or fr(t).question or fr(t).conditional:
        return False
    def ours_or_theirs(c: Token) -> bool:  # "our engineers", "the driver", "the meat"; not "we" (a promise) nor "you"
        if passive(c):  # "our chefs are fully trained": our people, as they are (not "the refund has been processed")
            subj = next((x for x in c.children if x.dep_ == "nsubjpass"), None)
            return subj is not None and subj.pos_ in ("NOUN", "PROPN") and any(d.lower_ in ("our", "all") for d in subj.children) and fr(c).tense == "present"
        subj = t.doc[fr(c).agent_i] if fr(c).agent_i >= 0 else None
        return subj is not None and subj.pos_ in ("NOUN", "PROPN") and fr(c).agent in ("third", "thing", "speaker")
    return any(c.dep_ == "ccomp" and fr(c).clause and ours_or_theirs(c) and fr(c).tense in ("present", "past", "perfect")
               and lemma(c) not in REMEDY_VERBS and fr(c).polarity == "positive" and fr(c).modality == "none" for c in t.children)


#: verbs of turning down (a closed class): "declined", "rejected", "refused", "turned down"
REFUSING_VERBS = {"decline", "reject", "refuse", "deny", "turn", "disallow", "dismiss", "uphold"}
#: adverbs that say something was done as it should be
RIGHTLY = {"correctly", "properly", "rightly", "validly", "legitimately", "appropriately", "accurately", "fairly", "lawfully"}
#: nouns of what a customer asks for: "your request / claim / appeal / application"
ASK_NOUNS = {"request", "claim", "appeal", "application", "complaint", "refund", "exception", "extension", "case", "query", "dispute", "submission", "petition"}


def _theirs_asked(t: Token) -> bool:
    """The subject of a passive refusal is the customer's ask: "your request has been declined", "the
    appeal was rejected" ("turned" only with "down"; "upheld" only of a decision against them)."""
    if lemma(t) == "turn" and not any(c.lower_ == "down" for c in t.children):
        return False
    if lemma(t) == "uphold":
        return False  # "your complaint was upheld" agrees with them
    subj = [c for c in t.children if c.dep_ == "nsubjpass"]
    if not subj and t.dep_ == "conj":
        subj = [c for c in t.head.children if c.dep_ == "nsubjpass"]
    return any(lemma(n) in ASK_NOUNS for n in subj)  # not "your card was declined": the bank's doing, not an ask refused


def _had_you(t: Token) -> bool:
    """The customer's act in a counterfactual: "if you'd read the email, you'd have seen ...", "had you
    told the driver, we could have sorted it". The condition is in the pluperfect ("had" before or after
    the subject), and the sentence says what would have followed ("would / could / might have").
    Not a polite condition ("if you'd like a refund") nor a state ("had you been home")."""
    if t.pos_ != "VERB" or lemma(t) in UNDERGO or passive(t) or fr(t).question:
        return False
    aux = [c for c in t.children if c.dep_ == "aux" and c.lower_ in ("had", "'d", "d")]
    subj = [c for c in t.children if c.dep_ == "nsubj" and c.lower_ in ("you", "u")]
    if not aux or not subj:
        return False
    inverted = aux[0].i < subj[0].i and aux[0].lower_ == "had"
    if not (inverted or any(c.dep_ == "mark" and c.lower_ == "if" for c in t.children)):
        return False
    sent = t.sent
    def then_have(x: Token) -> bool:
        after = [y.lower_ for y in t.doc[x.i + 1 : min(x.i + 3, sent.end)] if y.lower_ not in ("n't", "not", "never")]
        return bool(after) and after[0] in ("have", "'ve", "of")

    return any(x.lower_ in ("would", "could", "might", "'d", "wouldn't", "couldn't") and then_have(x) for x in sent if x.i != aux[0].i)


def _records_say(t: Token) -> bool:
    """"Our records show it was delivered", "the driver's photo confirms ...": a witness of ours
    (any noun) testifying that something happened, told to a customer who says it did not."""
    if t.lower_ not in EVIDENCE_FORMS or t.i == 0 or fr(t).question:
        return False
    witness = t.doc[t.i - 1]
    if witness.pos_ not in ("NOUN", "PROPN") or role(witness) == "customer" or witness.lower_ in ("you", "it"):
        return False
    after = t.doc[t.i + 1 : min(t.sent.end, t.i + 9)]
    said_happened = any(x.tag_ == "VBN" and x.i > 0 and t.doc[x.i - 1].lower_ in ("was", "were", "been", "had", "has") for x in after) or any(x.tag_ == "VBD" for x in after)
    # "the depot confirmed the van broke down" agrees with the customer; "our logs show it was down for
    # barely 3 hours" says it was less than they say
    owned_up = any(fr(x).clause and fr(x).agent != "customer" and failure_clause(x) for x in after) and not any(
        x.lower_ in ("barely", "only", "just", "merely", "hardly", "briefly") for x in after)
    return said_happened and not owned_up and not any(x.dep_ == "neg" for x in after)


def _not_the_customers(t: Token, context_words: set[str]) -> bool:
    """A thing as the doer of a failure that is not the customer's own thing (their order, "it"):
    "Sony's servers are slow", not "the parcel was late"."""
    if not context_words or fr(t).agent_i < 0:
        return False
    n = t.doc[fr(t).agent_i]
    if n.pos_ not in ("NOUN", "PROPN") or lemma(n) in OWNED_NOUNS or role(n) == "customer":
        return False
    if any(c.dep_ == "poss" and c.lower_ in ("our", "their") for c in n.children):
        return True  # "our reservation system was running slowly": ours, even when the customer named it
    if any(c.dep_ == "det" and c.lower_ in ("a", "an", "another") for c in n.children):
        return True  # "a freight train has broken down ahead of you": a new one, not the customer's train
    return lemma(n) not in context_words


#: verbs of a decision kept (a closed class): "the fee stands", "the charge remains", "it still applies"
UPHELD = {"stand", "remain", "apply", "stay"}
#: what is given to put it right (a closed class): "no refund is due", "no compensation will be paid"
REMEDY_NOUNS = {"refund", "compensation", "credit", "reimbursement", "replacement", "exchange", "refunds", "money", "payout", "goodwill"}


#: what is taken from the customer (a closed class): "the fee stands", "the charge will remain on your card"
CHARGE_NOUNS = {"charge", "fee", "fine", "penalty", "payment", "ticket", "debit", "surcharge", "excess", "deduction"}


def _upheld(t: Token, context_things: set[str]) -> bool:
    """What the customer complained of kept as it is ("the penalty fare stands", "the exit fee still
    applies", "your payment will still be taken"), or the remedy withheld ("no refund is due")."""
    f = fr(t)
    if not f.clause or f.question or f.conditional or f.tense not in ("present", "future") or f.modality not in ("none", "obligation"):
        return False
    subj = t.doc[f.agent_i] if f.agent_i >= 0 else next((c for c in t.children if c.dep_ == "nsubjpass"), None)
    if subj is None or subj.pos_ not in ("NOUN", "PROPN") or role(subj) in ("speaker", "customer"):
        return False
    if any(c.dep_ == "det" and c.lower_ == "no" for c in subj.children):
        return lemma(subj) in REMEDY_NOUNS  # "no refund is due", "no compensation will be paid" (the "no" is its negation)
    if f.polarity != "positive" or (lemma(subj) not in context_things and lemma(subj) not in CHARGE_NOUNS):
        return False  # what they complained of, not "the offer still stands"
    if lemma(t) in UPHELD:
        return not any(c.dep_ in ("acomp", "attr", "oprd", "xcomp") for c in t.children)  # not "remains valid", "stays open"
    return passive(t) and f.tense == "future" and any(c.lower_ == "still" for c in t.children)  # "will still be taken"


def _not_us(sent) -> bool:
    """"..., not us", "rather than us", "not our side": the speaker's side named only to be ruled out."""
    doc = sent.doc
    for x in sent:
        if x.lower_ in ("us", "ours") and x.i - 2 >= sent.start:
            one, two = doc[x.i - 1].lower_, (doc[x.i - 2].lower_, doc[x.i - 1].lower_)
            if (one == "not" and doc[x.i - 2].is_punct) or two in (("rather", "than"), ("instead", "of")):
                return True
    return False


#: verbs of taking care (a closed class): "in future please read / check / make sure ..."
TAKING_CARE = {"read", "check", "ensure", "make", "remember", "double-check", "review", "note", "allow", "leave", "plan", "book", "order"}


#: units of time by length (a closed class): "a few minutes" < "all morning" < "3 days"
TIME_RANKS = {"second": 0, "sec": 0, "secs": 0, "minute": 1, "min": 1, "mins": 1, "hour": 2, "hr": 2, "hrs": 2, "morning": 2, "afternoon": 2,
              "evening": 2, "night": 2, "day": 3, "weekend": 3.5, "week": 4, "wk": 4, "wks": 4, "fortnight": 4.5, "month": 5, "year": 6}
COUNTING = {"few", "couple", "several", "many", "all", "whole", "entire", "a", "an", "over", "about", "around", "nearly", "almost"}


def _duration_rank(tokens, keep=lambda x: True) -> float | None:
    """The longest stretch of time the tokens name as how long something went on: a unit with a
    number or a count ("40 minutes", "a few mins", "all morning", "3 days"), or "ages"."""
    best = None
    for x in tokens:
        if not keep(x):
            continue
        rank = TIME_RANKS.get(lemma(x), TIME_RANKS.get(x.lower_))
        if x.lower_ in ("ages", "forever"):
            rank = 3
        elif rank is None or not any(c.like_num or c.lower_ in COUNTING for c in x.children):
            continue
        best = rank if best is None else max(best, rank)
    return best


def _lasting(t: Token) -> bool:
    """A clause of how long the failure went on: "the outage lasted ...", "the site was down for ..."."""
    if lemma(t) == "last":
        return True
    return lemma(t) == "be" and any(lemma(c) in FAILURE_STATES or c.lower_ in FAILURE_STATES for c in t.children if c.dep_ in ("acomp", "advmod", "prep", "attr"))


#: verbs of choosing or giving details (a closed class): "the place you chose", "the address you entered"
CHOOSING = {"choose", "select", "pick", "enter", "give", "provide", "specify", "nominate", "tick", "type", "set", "put"}


def _nobody_else(n: Token) -> bool:
    """"Nobody else", "no one else", "no other guests", "none of our other customers": others than the customer."""
    if n.lower_ in ("nobody", "noone") or (n.lower_ == "one" and n.i > 0 and n.doc[n.i - 1].lower_ == "no"):
        return any(c.lower_ == "else" for c in n.children) or (n.i + 1 < len(n.doc) and n.doc[n.i + 1].lower_ == "else")
    if n.pos_ in ("NOUN", "PRON") and any(c.lower_ == "other" for c in n.children):
        return any(c.lower_ == "no" and c.dep_ == "det" for c in n.children) or (
            n.lower_ == "none" or any(c.lower_ == "none" for c in n.ancestors))
    return n.lower_ == "none" and any(o.lower_ == "other" for p in n.children if p.lower_ == "of" for x in p.children for o in x.children)


#: verbs of taking a matter to someone (a closed class): "contact", "speak to", "take it up with"
HAND_OFF_VERBS = {"contact", "call", "ring", "phone", "speak", "talk", "email", "message", "reach", "ask", "raise", "take", "complain", "write", "refer", "direct", "chase"}


def _to_another_party(t: Token) -> bool:
    """The one the customer is to go to is not us: "the seller", "them", "your bank" (not "us", "our team")."""
    if lemma(t) == "take" and not any(c.dep_ == "prt" and c.lower_ == "up" for c in t.children):
        return False  # "take it up with", not "take a photo"
    parties = [c for c in t.children if c.dep_ == "dobj"] + [
        o for c in t.children if c.dep_ == "prep" and c.lower_ in ("to", "with") for o in c.children if o.dep_ == "pobj"]
    return any((role(p) == "third" if p.pos_ == "PRON" else p.pos_ in ("NOUN", "PROPN") and role(p) != "speaker")  # one contacts a party, whatever it is called
               and not any(d.lower_ in ("our", "my") for d in p.children) for p in parties)


#: verbs of telling (a closed class): "as you said / mentioned / pointed out" agrees with the customer's account
TELLING = REPORTING_VERBS | {"mention", "point", "note", "describe", "explain", "write", "flag", "tell", "put", "spot", "notice"}


def _as_you_said(sent) -> bool:
    """"As you said, ...", "you're right that ...": the customer's account agreed with."""
    return any(lemma(x) in TELLING and x.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "as" for c in x.children)
               and any(c.dep_ == "nsubj" and c.lower_ in ("you", "u") for c in x.children)
               or (x.lower_ in ("right", "correct") and x.dep_ == "acomp" and any(c.dep_ == "nsubj" and c.lower_ in ("you", "u") for c in x.head.children)
                   and not any(c.dep_ == "neg" for c in x.head.children)) for x in sent)


def _external(t: Token, marker: str, link: str, effect_by: str, tense: str | None = None) -> Move:
    """An explanation read from the clause itself (a doer, trouble had, a hand-off, "everyone does
    it"): the clause is the cause, the failure is what the customer reported, and it is not ours."""
    span = _clause_span(t)
    return Move("explanation", span, {"cause": span.text, "effect": "", "marker": marker, "link": link, "whose": "external",
                                      "effect_by": effect_by, "effect_tense": tense or fr(t).tense, "effect_failure": "true"})


#: one event in several words (closed classes): something reaching the customer, someone coming;
#: each as (how the customer says it did not happen, how a reply says it did). A reply's "we got this
#: wrong" or "we received your email" is about us, so the reply's side holds no "get" or "receive"
SAME_EVENT = (({"get", "receive", "arrive", "come", "deliver", "reach"}, {"arrive", "deliver", "reach"}),
              ({"show", "turn", "come", "attend", "arrive", "visit", "knock", "call"}, {"attend", "arrive", "visit", "knock"}))


def _same_event_denied(t: Token, claims: dict[str, str]) -> bool:
    """The reply says happened what the customer says did not, in a verb of the same event (the same
    verb is read below): "your parcel was delivered at 8:14pm" to "I never got my order". Past, as a
    fact (no modal, no question, no condition), not by the customer, not a failure, not a status of
    a thing on its way ("it arrived at our depot"), and not the remedy ("a new one was delivered
    today")."""
    f = fr(t)
    if not f.clause or f.tense not in ("past", "perfect") or f.polarity != "positive" or f.modality != "none" or f.question or f.conditional:
        return False
    lem = lemma(t)
    if lem in claims or f.agent in ("customer", "thing") or failure_clause(t):
        return False
    classes = [said for said, asserted in SAME_EVENT if lem in asserted]
    if not classes or not any(claims.get(v) == "negative" for c in classes for v in c if v != lem):
        return False
    own = [x for x in t.subtree if clause_of(x).i == t.i]
    return not any(x.lower_ in ("new", "replacement", "another", "today", "now", "again") for x in own)


#: words that say an act was a mistake (a closed class): "sent in error", "cancelled by mistake", "entered incorrectly"
MISTAKEN = {"incorrectly", "wrongly", "mistakenly", "accidentally", "erroneously", "inadvertently", "error", "mistake", "accident"}


def _mistake_without_doer(t: Token) -> bool:
    """A mistake told with nobody doing it: a passive with no "by ..." that says the act was wrong
    ("the wrong item was sent out", "your details were entered incorrectly", "the booking was
    cancelled by mistake"), or mistakes that just occurred ("errors occurred in the handling of
    your complaint"). The doer is open-class and absent; what is closed is how a mistake is said."""
    f = fr(t)
    if f.tense not in ("past", "perfect") or f.polarity != "positive" or f.conditional or f.question or f.modality not in ("none",):
        return False
    if lemma(t) in ("occur", "happen") and f.agent_i >= 0 and lemma(t.doc[f.agent_i]) in MISTAKES and not any(
            c.dep_ == "poss" for c in t.doc[f.agent_i].children):
        return True  # "errors occurred", "a mistake happened" (not "our error happened")
    if not passive(t) or any(c.dep_ == "agent" for c in t.children):
        return False
    marked = any(c.lower_ in MISTAKEN for c in t.children if c.dep_ in ("advmod", "npadvmod")) or any(
        c.dep_ == "prep" and c.lower_ in ("in", "by") and any(o.dep_ == "pobj" and o.lower_ in MISTAKEN for o in c.children) for c in t.children)
    # (not the wrong thing put right: "the wrong item was collected this morning", "... was refunded")
    wrong_thing = lemma(t) not in PUTTING_RIGHT and any(
        c.dep_ == "nsubjpass" and any(a.dep_ == "amod" and a.lower_ in ("wrong", "incorrect") for a in c.children) for c in t.children)
    return marked or wrong_thing


#: what is a mistake when it "occurred" (a closed class: not a fault on the line, which is trouble)
MISTAKES = {"mistake", "error", "oversight", "blunder", "screwup"}
#: verbs that put a wrong thing right, done to it (a closed class)
PUTTING_RIGHT = {"collect", "return", "exchange", "refund", "replace", "fix", "repair", "correct", "remove", "reverse", "void",
                 "credit", "swap", "rectify", "amend", "pick", "recall", "withdraw"}


def _told_to(t: Token) -> bool:
    """An imperative, also where "pls" in front of it misleads the parser ("pls read the rules
    before posting" parsed as a clause with no subject hung on the next one)."""
    if fr(t).tense == "imperative":
        return True
    first = next((x for x in t.sent if not (x.is_punct or x.pos_ == "INTJ" or x.lower_ in ("pls", "plz", "please", "kindly") or x.text.startswith("@"))), None)
    return first is not None and first.i == t.i and t.tag_ == "VB" and not any(c.dep_ in ("nsubj", "aux") for c in t.children)


def _trouble_did_it(t: Token, explained: bool, apology_tokens: set[int]) -> bool:
    """Trouble as the doer of what happened, whatever it did: "a glitch in our payment system held the
    funds", "a bug in the update wiped some saves", "the duplicate payment was created by a fault in
    the new system". The verb is open-class; what makes it an explanation is that its doer names
    trouble (a trouble noun, by the same test as everywhere else). Not a question, a condition, a
    plan, nor the content of an apology."""
    f = fr(t)
    if not f.clause or f.tense not in ("past", "perfect") or f.conditional or f.question or f.modality != "none" or f.cause_of >= 0 or explained:
        return False
    if _in_apology(t, apology_tokens):
        return False
    if passive(t):
        doer = next((o for c in t.children if c.dep_ == "agent" for o in c.children if o.dep_ == "pobj"), None)
    else:
        doer = t.doc[f.agent_i] if f.agent_i >= 0 else None
    if doer is None or role(doer) in ("customer", "speaker") or any(c.lower_ in ("your", "ur") for c in doer.children):
        return False
    if lemma(t) in REMEDY_VERBS or lemma(t) in UNDERGO or t.dep_ in ("relcl", "acl", "advcl", "pcomp", "ccomp", "xcomp", "parataxis"):
        return False
    if not passive(t) and not any(c.dep_ == "dobj" for c in t.children):
        return False  # "errors occurred", "the outage lasted under an hour": the trouble told, not what it did
    before = [x.text for x in t.doc[t.sent.start : t.i]]
    if "(" in before and ")" not in before[before.index("(") :]:
        return False  # a list in brackets ("we made mistakes (late drafts, missed feedback)") is what was owned
    if trouble_noun(doer):
        return True
    # the trouble as what was done, by a thing or a party: "the duplicate payment was created by the new system"
    patient = next((c for c in t.children if c.dep_ == "nsubjpass"), None) if passive(t) else None
    return patient is not None and trouble_noun(patient) and role(doer) in ("thing", "third")


def _trouble_had(t: Token, agent: str) -> Token | None:
    """The trouble noun of "we had/are experiencing an issue", "there was a fault", "this is a known
    bug": trouble that is nobody's doing. Not trouble with the customer's own thing ("an issue with
    your card"), nor one we own ("our mistake")."""
    lem = lemma(t)
    if agent == "speaker" and lem in ("experience", "have", "suffer", "face", "encounter", "hit", "see", "get"):
        cands = [c for c in t.children if c.dep_ == "dobj"]
    elif lem == "be" and (any(c.dep_ == "expl" for c in t.children) or (fr(t).agent_i >= 0 and t.doc[fr(t).agent_i].lower_ in ("this", "it", "that"))):
        cands = [c for c in t.children if c.dep_ == "attr"]
        if not any(c.dep_ == "expl" for c in t.children):  # "this is a known issue", not "this is an issue we caused"
            cands = [c for c in cands if any(a.dep_ == "amod" and a.lower_ in ("known", "common", "widespread", "wider", "general", "technical", "ongoing") for a in c.children)]
    else:
        return None
    for c in cands:
        if not trouble_noun(c):
            continue
        if lemma(c) in OWNED_NOUNS & MISTAKE_LIKE and not any(x.dep_ == "poss" and fr(x).role == "third" for x in c.subtree):
            continue  # "an error", "a mistake" may be ours; "an error on the supplier's side", "the courier's mistake" is not
        theirs = any(p.dep_ == "prep" and p.lower_ in ("with", "on", "for") and any(x.lower_ in ("your", "ur", "you") for x in p.subtree) for p in c.children)
        if theirs or any(x.dep_ == "poss" and x.lower_ in ("your", "ur") for x in c.children) or any(x.lower_ in ("our", "my") and lemma(c) in MISTAKE_LIKE for x in c.subtree):
            continue  # "an issue with your card" is theirs to fix ("an outage in your area" is not); "an error on our part" owns it
        if any(a.dep_ in ("det", "amod") and a.lower_ in ("no", "any") for a in c.children):
            continue
        return c
    return None


#: where a term is written down for the customer to have read: "as stated on the website"
WRITTEN_PLACES = {"website", "site", "faq", "faqs", "page", "listing", "description", "confirmation", "receipt", "invoice", "email", "app"}


def _as_the_terms_say(t: Token) -> bool:
    """"As per our policy", "as mentioned in our T&Cs", "as stated on the website": the terms or a
    page cited at the customer. Said of the customer's own words ("as mentioned in your email") it
    is a reply to them, not a correction."""
    if t.lower_ != "as" or t.i + 1 >= len(t.doc) or fr(t.head).question:
        return False
    nxt = t.doc[t.i + 1]
    if not (nxt.lower_ == "per" or lemma(nxt) in STATING_VERBS and nxt.tag_ == "VBN"):
        return False
    window = t.doc[t.i + 1 : min(t.i + 7, t.sent.end)]
    for x in window:
        if x.pos_ in ("NOUN", "PROPN") and any(w in NORM_NOUNS or w in WRITTEN_PLACES for w in (lemma(x), x.lower_, x.lower_.rstrip("s"))):
            return not any(c.lower_ in ("your", "ur") for c in x.children)
    return False


def _named_trouble(n: Token, claims) -> bool:
    """What went wrong, named: a trouble noun ("the outage"), this/that/it, or what the customer
    claimed went wrong ("the double charge" to "I've been charged twice"; not "your parcel" to
    "where is my parcel?")."""
    return n.lower_ in ("this", "that", "it") or trouble_noun(n) or lemma(n) in claims


def _closed_door(effect: Token) -> bool:
    """What a rule is given as the reason for is that we will not or cannot help: "there's nothing we
    can do", "we're unable to", "no exception can be made"."""
    if fr(effect).modality == "inability" and not fr(effect).question and not fr(effect).conditional:
        return True
    return any(c.dep_ in ("attr", "dobj", "nsubj", "nsubjpass") and (c.lower_ == "nothing" or any(d.lower_ == "no" for d in c.children if d.dep_ == "det"))
               and any(r.dep_ == "relcl" and fr(r).modality in ("ability", "inability") for r in c.children) for c in effect.children)


def _reported(effect: Token, acts: set[str], things: set[str]) -> bool:
    """What the customer told us happened, said again as the effect of a cause: "the app's been
    logging people out since the update" to "your app has logged me out 6 times"; with `things`,
    also what was done to a thing they named ("your room was entered" to "a housekeeper walked
    into my room")."""
    if not fr(effect).clause or fr(effect).question or fr(effect).conditional or fr(effect).modality != "none" or lemma(effect) in REMEDY_VERBS:
        return False  # "so it should arrive by Thursday" foresees; "so it has been delivered" says it went right
    if lemma(effect) in acts:
        return True
    return any(c.dep_ in ("nsubjpass", "dobj") and lemma(c) in things for c in effect.children)


def _remedy(t: Token) -> bool:
    """What we do about it: "your flight was cancelled, so I've rebooked you" gives the failure as
    the reason for the fix, which is no excuse."""
    if fr(t).agent != "speaker" or fr(t).polarity != "positive":
        return False
    if fr(t).modality == "ability" and not fr(t).question and not any(x.lower_ == "only" for x in t.children):
        return True  # "thanks to a cancellation, we can now see you at 9:15": what we can do for them
    return fr(t).tense in ("perfect", "future", "past", "present") and not failure_clause(t) and lemma(t) not in UNDERGO


def _advice(t: Token) -> bool:
    """What the customer may or should do ("so you can ignore the letter", "so please don't click"):
    an effect that is advice explains no failure."""
    return fr(t).tense == "imperative" or (fr(t).agent == "customer" and fr(t).modality in ("ability", "permission", "obligation"))


def _nouns(span) -> set[str]:
    """The content words of a span (nouns, and verbs but for the commonest), as lemmas."""
    return {lemma(x) for x in span if (x.pos_ in ("NOUN", "PROPN") or (x.pos_ == "VERB" and lemma(x) not in UNDERGO | {"do", "make", "go", "take", "come"})) and not x.is_stop}


#: verbs of waiting patiently (a closed class), asked of the customer with nothing to act on
PATIENCE = {"hang", "bear", "sit", "hold", "wait", "stay", "be", "relax", "chill", "stick"}


def _only_patience(ask) -> bool:
    return lemma(ask.root) in PATIENCE and not any(x.pos_ in ("NOUN", "PROPN", "NUM") for x in ask)


def _a_mechanism(m: Move) -> bool:
    """A cause that names no party: how a thing came to fail ("the promo code expired", "the surname
    didn't match your passport"), as opposed to who let the customer down."""
    if m.detail.get("link") != "cause" or m.detail.get("whose") not in ("external", "customer"):
        return False
    cause = m.span.root
    if not fr(cause).clause or fr(cause).agent not in ("thing", "none", "customer"):
        return False
    if m.detail.get("marker") in OUTRIGHT_CAUSES or any(x.lower_ in ("our", "we", "us", "my", "ours") for x in m.span):
        return False  # "caused by the migration", "our payments software re-ran": a cause named as such, or ours
    # (a party of the kind our own people are, unnamed as ours, is still a party: "the store ran out")
    return not any(role(x) in ("third", "speaker") or (lemma(x) in OUR_PEOPLE and x.dep_ in ("nsubj", "nsubjpass"))
                   for x in m.span if x.pos_ in ("NOUN", "PROPN", "PRON"))


def _mark_causes_for_the_fix(by_sentence: dict[int, list[Move]]) -> None:
    """An explanation is "for the fix" when what it names is what the customer is asked to act on:
    "the payment failed because the card expired; add a new card under Billing". The request is a
    clause of its own: one whose words include the cause is the cause's own sentence misread."""
    moves = [m for ms in by_sentence.values() for m in ms]
    # (being sent to another party fixes nothing: "you'd need to take it up with the club")
    elsewhere = [m.span for m in moves if m.kind == "refusal" and m.detail.get("by") == "elsewhere"]
    asks = [_clause_span(clause_of(m.span.root), open_complements=False) for m in moves if m.kind == "instruction"
            and not any(e.sent.start == m.span.sent.start for e in elsewhere)]
    # "hang in there", "bear with us", "sit tight": asked to wait, which fixes nothing
    fixed = any(m.kind == "resolution" or (m.kind == "instruction" and not _only_patience(_clause_span(clause_of(m.span.root), open_complements=False))) for m in moves)
    for m in moves:
        if m.kind == "explanation":
            asked = set()
            for a in asks:
                if not (a.start <= m.span.start < a.end):
                    asked |= _nouns(a)
            named = {lemma(x) for x in m.span if x.pos_ in ("NOUN", "PROPN") and not x.is_stop}  # what the cause names, not what it does
            # "the bank declined the payment" ... "pay with the link": the same word, or one word's stem
            shared = any(a == b or (min(len(a), len(b)) >= 3 and (a.startswith(b) or b.startswith(a))) for a in named for b in asked)
            m.detail["for_the_fix"] = str(shared or (fixed and _a_mechanism(m))).lower()


#: what is given beyond the fix (a closed class): a credit, a voucher, an upgrade, a fee waived
AMENDS_WORDS = {"credit", "voucher", "discount", "compensation", "goodwill", "gesture", "gift", "upgrade", "complimentary", "free",
                "waive", "points", "giftcard", "coupon", "cashback", "reimburse", "compensate", "bonus", "freebie", "perk"}
#: verbs of coming back to the customer after the fix: "I'll check in Friday", "we'll keep you posted"
FOLLOW_UP = {("follow", "up"), ("check", "in"), ("check", "back"), ("touch", "base"), ("keep", "updated"), ("keep", "posted"),
             ("keep", "informed"), ("make", "sure"), ("check", "that"), ("check", "everything")}
#: whom a case is escalated to
SENIOR = {"manager", "supervisor", "senior", "specialist", "lead", "head", "director", "escalation", "complaints", "management"}


def _mark_recovery_moves(by_sentence: dict[int, list[Move]]) -> None:
    """What a recovery adds to a fix, read off the sentences that already promise or do something
    (a commitment, a resolution, an offer): amends given beyond the fix, a follow-up after it, and
    an escalation to someone senior. A refusal or a condition in the same sentence gives nothing."""
    for moves in by_sentence.values():
        acts = [m for m in moves if m.kind in ("commitment", "resolution", "question")]
        if not acts or any(m.kind == "refusal" for m in moves):
            continue
        sent = acts[0].span.sent
        clauses = [clause_of(x) for x in sent]
        # "can I offer you a 20% discount?": an offer asked as a question gives as much as a statement
        offered = any(lemma(x) in ("offer", "give", "add", "send") and fr(x).clause and fr(x).agent == "speaker" for x in sent)
        if not any(m.kind != "question" for m in acts) and not offered:
            continue
        given = [x for x, c in zip(sent, clauses) if (offered or not fr(c).question) and not fr(c).conditional and fr(c).polarity == "positive"]
        lemmas = {lemma(x) for x in given}
        added = []
        amends = [x for x in given if lemma(x) in AMENDS_WORDS or x.lower_ in AMENDS_WORDS]  # ("that's on us" owns; it gives nothing)
        if amends:
            added.append(Move("amends", _phrase(amends[0]), {"what": amends[0].text}))
        follow = next((x for x in given if any((lemma(x), y.lower_) in FOLLOW_UP for y in sent.doc[x.i + 1 : min(x.i + 4, sent.end)])), None)
        if follow is not None:  # a word and the three after it
            added.append(Move("follow-up", _phrase(follow), {}))
        when = next((x for x in given if a_time(x)), None)
        if any(m.kind in ("commitment", "resolution") for m in acts) and when is not None:
            added.append(Move("timeline", _phrase(when), {}))  # "arrives tomorrow by noon", "I'll call you at 4pm"
        feedback = {"feedback", "comment", "comments", "thought", "view", "concern", "suggestion", "review"}
        if "escalate" in lemmas or any(lemma(x) in ("pass", "refer", "hand", "forward", "raise", "flag", "send")
                                       and not any(lemma(o) in feedback for o in x.children if o.dep_ == "dobj") and any(
                lemma(o) in SENIOR or any(lemma(c) in SENIOR for c in o.children) for p in x.children if p.lower_ in ("to", "with") for o in p.children) for x in given):
            added.append(Move("escalation", sent, {}))
        moves.extend(added)


#: verbs of contacting the customer (a closed class): "I'll call you Monday", "I'll message you Friday"
CONTACT_VERBS = {"call", "ring", "phone", "message", "text", "email", "contact", "visit", "update"}
#: what a thing costs, given as nothing: "at no charge", "there's no charge", "free of charge"
COST_NOUNS = {"charge", "cost", "fee", "extra"}


def _mark_no_charge_and_call_backs(doc: Doc, by_sentence: dict[int, list[Move]]) -> None:
    """Amends and follow-ups read from the parse wherever they are said, not only beside a
    commitment: "there's no charge for the delivery", "at no cost", "free of charge" (a cost with the
    determiner "no", in a clause that is not negated, asked or conditional) give something beyond
    the fix; "I'll call you on Monday to check", "I'll ring you after tomorrow's visit" (we, in the
    future, contacting the customer at a time or after something) is coming back after it."""
    for sent in doc.sents:
        moves = by_sentence.setdefault(sent.start, [])
        kinds = {m.kind for m in moves}
        if "refusal" in kinds:
            continue
        if "amends" not in kinds:
            for x in sent:
                c = clause_of(x)
                # "no charge for the redelivery", "at no cost": a cost waived for something; not the
                # denial "there is no charge from us on your account"
                free = lemma(x) in COST_NOUNS and any(d.lower_ == "no" and d.dep_ == "det" for d in x.children) and (
                    (x.dep_ == "pobj" and x.head.lower_ == "at") or any(c.dep_ == "prep" and c.lower_ == "for" for c in x.children)
                    or any(c.dep_ == "prep" and c.lower_ in ("for", "to") for c in x.head.children if x.dep_ == "attr"))
                free = free or (x.lower_ == "free" and x.i + 2 < sent.end and sent.doc[x.i + 1].lower_ == "of" and sent.doc[x.i + 2].lower_ == "charge")
                if free and not fr(c).question and not fr(c).conditional and fr(c).polarity == "positive":
                    moves.append(Move("amends", _phrase(x), {"what": x.text}))
                    break
        if "follow-up" not in kinds:
            for x in sent:
                f = fr(x)
                if lemma(x) in CONTACT_VERBS and f.clause and f.agent == "speaker" and f.tense == "future" and not f.question and not f.conditional \
                        and f.polarity == "positive" and any(c.dep_ in ("dobj", "dative") and c.lower_ in ("you", "u") for c in x.children):
                    later = [t for t in x.subtree if t.i != x.i and clause_of(t).i == x.i] + [
                        t for c in x.children if c.dep_ == "advcl" for t in c.subtree]
                    if any(a_time(t) or t.lower_ in ("after", "once", "when") for t in later):
                        moves.append(Move("follow-up", _phrase(x), {}))
                        break


def _phrase(x: Token) -> Span:
    """The phrase a word of a recovery move sits in, for its evidence: the clause of its verb, from
    its subject to its last word ("I've added a £15 credit to your account", "I'll call you Friday
    to check"), not the whole sentence; a clause joined to it by "and" is left out."""
    v = clause_of(x)
    while v.dep_ in ("xcomp", "advcl") and v.head.pos_ in ("VERB", "AUX") and any(c.dep_ == "aux" and c.lower_ == "to" for c in v.children):
        v = clause_of(v.head)  # "to make sure it has arrived" is the purpose of "I'll call you tomorrow"
    keep = [v] + [t for c in v.children if c.dep_ not in ("conj", "cc", "punct") or c.i == x.i or x in c.subtree
                  for t in c.subtree]
    if x not in keep:
        keep.append(x)
    lo, hi = min(t.i for t in keep), max(t.i for t in keep)
    while hi > lo and x.doc[hi].is_punct:
        hi -= 1
    return x.doc[lo : hi + 1]


def _mark_personal(by_sentence: dict[int, list[Move]], stakes: list) -> None:
    """A sentence that acknowledges, apologizes, owns or acts and names what the customer said was at
    stake for them ("I know the tiles were for your wife's birthday"): empathy at the personal level."""
    words = {lemma(t) for span in stakes for t in span if t.pos_ in ("NOUN", "PROPN")}
    for moves in by_sentence.values():
        acts = [m for m in moves if m.kind in ("empathy", "apology", "ownership", "commitment", "resolution")]
        if acts:
            sent = acts[0].span.sent
            named = [t for t in sent if lemma(t) in words and t.pos_ in ("NOUN", "PROPN")]
            if named:
                moves.append(Move("personal", sent, {"stake": named[0].text}))


#: words that open an answer to a yes-or-no question
POLAR = {"yes", "yeah", "yep", "yup", "no", "nope", "sure", "absolutely", "definitely", "certainly", "correct", "indeed", "yea", "ya"}
#: moves that say nothing about what was asked
BARE_MOVES = {"greeting", "sign-off", "thanks", "apology", "empathy"}
#: verbs too common to show that a sentence is about what was asked
LIGHT_VERBS = {"be", "have", "do", "get", "make", "can", "will", "know", "let", "go", "come", "take", "want", "need", "like", "love", "ask", "tell", "say", "help", "thank", "hope", "see", "look", "find"}
#: verbs that say nothing of what was done ("be", "have", "get", "experience"): not what a customer reports as done
LIGHT_OR_UNDERGONE = frozenset(LIGHT_VERBS | UNDERGO)


def _content(span) -> set[str]:
    return {lemma(x) for x in span if x.pos_ in ("NOUN", "PROPN", "VERB", "ADJ", "NUM") and not x.is_stop and lemma(x) not in LIGHT_VERBS and len(x.text) > 1 and not x.text.startswith("@")}


def _mark_answers(doc: Doc, by_sentence: dict[int, list[Move]], questions: list) -> None:
    """An answer to what the customer asked: a "yes" or "no", or a figure in a statement of how
    things are or will be ("£28 online", "we open at 9"). Not thanks, a question back, a refusal or
    a reason; and not a sentence that only reuses the question's words ("opening hours vary from
    branch to branch"), which on our corpora was as often an evasion as an answer."""
    asked = set().union(*(_content(q) for q in questions))
    asked_words = {t.lower_ for q in questions for t in q.doc}  # the whole message: "from 2019" echoes its "2019"
    # a "why" about something that is no failure ("why has my bill gone up?", not "why is the 42 always late?")
    asked_why = any(
        any(t.lower_ == "why" for t in q) and not any(failure_clause(t) or lemma(t) in FAULT_STATES or trouble_noun(t) for t in q)
        for q in questions
    )
    for sent in doc.sents:
        moves = by_sentence.get(sent.start, [])
        refused = any(m.kind == "refusal" for m in moves) and not any(t.lower_ in ("but", "instead", "however") for t in sent)
        reasons = [m for m in moves if m.kind == "explanation"]
        if asked_why and reasons and all(m.detail.get("effect_failure") == "false" for m in reasons) and not refused \
                and not any(m.kind in ("dispute", "blame", "rule", "correction") for m in moves) and not _names_a_party(sent):
            # "why has my bill gone up?" / "because it covered 97 days": a reason for what is no failure answers why
            by_sentence[sent.start].append(Move("answer", sent, {"about": "why"}))
            continue
        # "why was it cancelled?" / "due to fog": a reason answers why, but resolves nothing
        if refused or frames_question(sent) or any(m.kind in ("explanation", "dispute", "blame", "rule", "correction") for m in moves):
            continue
        words = [t for t in sent if t.is_alpha and not t.text.startswith("@")]
        if not words:
            continue
        polar = any(
            w.lower_ in POLAR and (w.i == words[0].i or doc[w.i - 1].is_punct or doc[w.i - 1].lower_ in ("but", "and", "so"))
            and (w.i + 1 >= len(doc) or doc[w.i + 1].lower_ not in ("problem", "worries", "worry", "need", "doubt"))
            for w in words
        )  # "Yes, ...", "sorry if this is obvious, but yes, ..." (not "no problem")
        about = asked & _content(sent)
        # a figure is an answer to "how much", "how long", "when": "£15.99 a month", "9 to 5"
        figure = any((t.like_num and t.lower_ not in asked_words) or t.text in ("£", "$", "€") or CLOCK.match(t.text) for t in sent)
        # ... in a statement of how things are or will be: "it shipped on 3 March" tells what happened, not where it is
        figure = figure and not any(fr(t).clause and fr(t).tense in ("past", "perfect") for t in sent)
        if any(m.kind == "sign-off" for m in moves):
            continue
        # the question's own words alone are no answer: "opening hours vary from branch to branch",
        # "refunds are something we take seriously" reuse them and answer nothing
        if polar or (figure and not (moves and all(m.kind in BARE_MOVES for m in moves))):
            by_sentence.setdefault(sent.start, []).append(Move("answer", sent, {"about": ", ".join(sorted(about)) or words[0].lower_}))


def _names_a_party(sent: Span) -> bool:
    """A party or "our control" in the sentence: "our supplier raised prices" (not "this quarter
    covered 97 days") gives a reason that shifts the cause, which answers no why."""
    return any(t.dep_ in ("nsubj", "nsubjpass", "pobj") and fr(t).role == "third" and not any(c.lower_ in ("this", "last", "next", "each", "every") for c in t.children)
               for t in sent) or any(lemma(t) == "control" for t in sent)


def _their_own_doing(span: Span) -> bool:
    """The customer themselves as the cause ("you entered", "your delay"), not a party on their
    side ("your bank's security check timed out")."""
    from .frames import _agentive

    for x in span:
        if x.lower_ in ("you", "u") and x.dep_ in ("nsubj", "nsubjpass"):
            return True
        if x.lower_ in ("your", "ur") and x.dep_ == "poss" and x.head.pos_ == "NOUN" and not _agentive(x.head) and x.head.dep_ != "poss":
            return True
    return False


def _blame_in_causes(by_sentence: dict[int, list[Move]]) -> None:
    """A failure explained by the customer's own doing ("your delay in signing made us lose the
    slot", "your railcard was not presented, which meant ...") blames them, unless the cause is what
    they are asked to put right ("the card expired, so the bank declines it; add a new card")."""
    for moves in by_sentence.values():
        found = [m for m in moves if m.kind == "explanation" and m.detail.get("whose") == "customer" and m.detail.get("effect_failure") == "true" and m.detail.get("for_the_fix") == "false" and _their_own_doing(m.span)]
        if found and not any(m.kind == "blame" for m in moves):
            moves.append(Move("blame", found[0].span, {"how": "your doing"}))


def _mark_apologies_for_asking(by_sentence: dict[int, list[Move]]) -> None:
    """"Sorry, but could you send a photo?", "sorry, we have to ask a couple of questions": a bare
    apology whose sentence goes on to ask the customer for something apologizes for asking."""
    for moves in by_sentence.values():
        asks = [m for m in moves if m.kind in ("question", "instruction")]
        we_ask = None
        for m in moves:
            if m.kind != "apology":
                continue
            root = m.span.root
            bare = not any(c.dep_ in ("prep", "xcomp", "ccomp", "advcl", "acomp") for c in root.children) and root.lower_ in ("sorry", "apologies")
            nxt = [t for t in m.span.doc[m.span.end : m.span.end + 3] if not t.is_punct]
            # "Sorry, but could you ...": the "but" turns the apology onto the request; a plain
            # "Sorry! Could you DM us?" in reply to a problem is the apology for the problem
            but_asks = bool(nxt) and nxt[0].lower_ == "but" and any(a.span.start >= m.span.end for a in asks)
            if we_ask is None:  # once per sentence: a run of apologies would rescan it for each
                we_ask = any(lemma(t) == "ask" and fr(t).agent == "speaker" and fr(t).modality == "obligation" for t in m.span.sent if fr(t).clause)
            m.detail["for"] = "asking" if bare and (but_asks or we_ask) else ""
            # "sorry to hear / see / read / learn ...": sympathy for what happened, which admits nothing
            m.detail["sympathy"] = "true" if any(c.dep_ in ("xcomp", "advcl") and lemma(c) in ("hear", "see", "read", "learn")
                                                  and any(a.lower_ == "to" for a in c.children) for c in root.children) else "false"


def _frame_moves(doc: Doc, apology_tokens: set[int], ex) -> Iterator[Move]:
    context_claims = ex.customer.claim_lemmas if ex.context is not None else {}
    # the customer's words; what they say was done or happened, by its verbs and the nouns it was done to
    context_words: set[str] = set()
    context_acts: set[str] = set()
    context_things: set[str] = set()
    for x in ex.context if ex.context is not None else ():
        lem = lemma(x)
        context_words.add(lem)
        if x.pos_ == "VERB" and lem not in LIGHT_OR_UNDERGONE:
            context_acts.add(lem)
        elif x.pos_ == "NOUN":
            context_things.add(lem)
    said_for = _duration_rank(ex.context) if ex.context is not None else None  # how long the customer says it went on
    causes_of: dict[int, list[int]] = {}  # a clause head -> the causes linked to it
    sent_bounds: dict[int, tuple[int, int]] = {}  # a token -> its sentence's start and end
    for sent in doc.sents:
        for x in sent:
            sent_bounds[x.i] = (sent.start, sent.end)
            if fr(x).cause_of >= 0:
                causes_of.setdefault(fr(x).cause_of, []).append(x.i)
    for t in doc:
        f, lem = fr(t), lemma(t)  # read once: the checks below ask them of every token
        # explanations: every cause the frames linked to what it caused
        if f.cause_of >= 0:
            effect = doc[f.cause_of]
            if (f.clause and (f.question or f.conditional)) or _in_apology(t, apology_tokens):
                continue  # an apology's content names what happened; it explains nothing away
            span = _clause_span(t) if f.clause else _span(doc, t.subtree)
            if span.start <= effect.i < span.end and effect.left_edge.i > t.i:
                # the cause, not what it caused hanging inside it ("X, so we can't Y."): up to the effect
                end = effect.left_edge.i
                while end > span.start + 1 and (doc[end - 1].is_punct or doc[end - 1].dep_ in ("cc", "mark") or doc[end - 1].lower_ == "so"):
                    end -= 1
                span = doc[span.start : end]
            marker_toks = [x for x in doc[max(span.start - 3, t.sent.start) : span.start] if x.lower_ in f.cause_marker.split()]
            if marker_toks:
                span = doc[marker_toks[0].i : span.end]
            w = whose(t)
            reported = f.modality == "none" and _reported(effect, context_acts, context_things if w == "rule" else set())
            yield Move("explanation", span, {"cause": span.text, "effect": effect.text, "marker": f.cause_marker, "link": "cause", "whose": w,
                                            "effect_by": fr(effect).agent,
                                            "effect_tense": fr(effect).tense if fr(effect).clause else f.tense,  # "hence the delay": when the cause was
                                            "effect_failure": str(not _advice(effect) and not _remedy(effect) and (
                                                (reported and fr(effect).tense != "future" and (fr(effect).polarity == "positive" or context_claims.get(lemma(effect)) == fr(effect).polarity)) or
                                                (w == "rule" and _closed_door(effect)) or  # "there's nothing we can do, as your fare is non-refundable"
                                                failure_clause(effect) or failure_clause(t) or trouble_noun(t)
                                                or (fr(effect).clause and fr(effect).agent == "thing" and fr(effect).polarity == "negative" and fr(effect).tense == "present"
                                                    and lemma(effect) in context_words and lemma(effect) not in ("be", "have", "do"))  # "so older mounts don't fit" to "the mount doesn't fit"
                                                or (not fr(effect).clause and trouble_noun(effect))  # "..., hence the delay"
                                                or (f.cause_marker in OUTRIGHT_CAUSES and fr(effect).tense != "future" and fr(effect).modality in ("none", "inability"))  # "this is due to ...": said of what went wrong
                                                or (f.cause_marker.endswith(" by") and passive(effect) and fr(effect).tense != "future"
                                                    and any(c.dep_ == "nsubjpass" and c.lower_ in ("this", "that", "it") for c in effect.children))  # "this was triggered by a retry"
                                                or (f.cause_marker.endswith(" from") and fr(effect).agent_i >= 0 and _named_trouble(doc[fr(effect).agent_i], context_claims))  # "the double charge came from ..."
                                                or (f.cause_marker.endswith("is why") and (lemma(effect) == "be" or effect.lower_ in ("s", "'s")) and not any(fr(c).clause and c.i > effect.i for c in effect.children))  # "..., that's why": what the customer reported
                                            ) or any(failure_clause(c) for c in effect.children if fr(c).clause and c.dep_ in ("ccomp", "xcomp", "conj") and c.i != t.i and not _remedy(effect))
                                            ).lower()})
            if w == "ours":
                yield Move("ownership", span, {"how": "owned cause"})
            elif w == "rule" and (_closed_door(effect) or _upheld(effect, context_things)):
                # a rule given as the reason the door is closed, whatever names it ("cancellations need
                # 30 days notice, so february's payment will still be taken"): the rule offered as the reason
                yield Move("rule", span, {"source": "the reason for a refusal"})
        # ownership named outright: "our mistake", "a fault on our side", "the responsibility is ours"
        if t.lower_ == "on" and t.i + 1 < len(doc) and doc[t.i + 1].lower_ in ("you", "u") and t.dep_ == "prep" and lemma(t.head) == "be" and not fr(t.head).question and (t.i + 2 >= len(doc) or doc[t.i + 2].lower_ not in ("to", "and")):
            yield Move("blame", doc[t.head.i : t.i + 2], {"how": "on you"})  # "that one's on you" (not "it's on you to decide")
        # "it's up to passengers to weigh their bags": a duty laid on the customer (not "up to you whether ...": a choice)
        if t.lower_ == "up" and t.dep_ == "prep" and lemma(t.head) == "be" and not fr(t.head).question and not fr(t.head).conditional and fr(t.head).polarity == "positive" \
                and any(o.lower_ in ("you", "u") or lemma(o) in CUSTOMER_NOUNS for c in [*t.children, *t.head.children] if c.lower_ == "to" for o in c.children if o.dep_ == "pobj") \
                and any(c.dep_ in ("advcl", "xcomp") and any(a.lower_ == "to" and a.dep_ == "aux" for a in c.children)
                        and lemma(c) not in ("decide", "choose", "pick", "select", "opt", "determine", "say", "judge", "prefer", "let", "tell", "contact", "call", "email", "message")
                        and not any(x.lower_ in ("or", "whichever", "whatever") for x in c.subtree) for c in t.head.children) \
                and not _in_apology(t, apology_tokens):
            yield Move("blame", doc[t.head.i : t.i + 3], {"how": "up to you"})
        step = clause_of(t)
        if lem in ("end", "side") and any(c.lower_ in ("your", "ur") for c in t.children) and t.dep_ == "pobj" and t.head.lower_ in ("at", "on", "from") and not fr(step).question and fr(step).tense != "imperative" and fr(step).modality not in ("ability", "permission", "condition"):
            yield Move("blame", doc[t.head.i : t.i + 1], {"how": "your end"})  # "must have gone wrong at your end"
        elif t.lower_ in ("your", "ur") and t.dep_ == "pobj" and t.head.lower_ in ("at", "on", "from") and t.i + 1 < len(doc) and lemma(doc[t.i + 1]) in ("end", "side") \
                and not fr(step).question and not fr(step).conditional:
            yield Move("blame", doc[t.head.i : t.i + 2], {"how": "your end"})  # "it's on ur end" with "ur" parsed as the object of "on"
        if lem in ("end", "side", "part") and t.dep_ == "pobj" and t.head.lower_ in ("on", "at", "from") and lemma(t.head.head) == "be" \
                and fr(t.head.head).polarity == "positive" and not fr(step).question and not fr(step).conditional and not _in_apology(t, apology_tokens) \
                and any(c.dep_ in ("poss", "compound") and (role(c) == "third" or c.lower_ in ("their", "his", "her")) for c in t.children):
            yield _external(t.head.head, "their end", "doer", "third")  # "the no-show was on the contractor's end", "a fault at the bank's side"
        if t.lower_ in ("us", "me") and t.dep_ == "pobj" and t.head.lower_ == "on" and lemma(t.head.head) == "be":
            yield Move("ownership", doc[t.head.head.i : t.i + 1], {"how": "on us"})  # "that's on us"
        if t.pos_ in ("NOUN", "PRON", "ADJ") and (lem in OWNED_NOUNS or t.lower_ in ("ours", "mine")):
            poss = {c.lower_ for c in t.children if c.dep_ == "poss"}
            on_our_side = any(c.dep_ == "prep" and any(o.dep_ == "pobj" and lemma(o) in ("part", "side", "end") and any(p.lower_ in ("our", "my") for p in o.children) for o in c.children) for c in t.children)
            denied = any(c.dep_ == "det" and c.lower_ == "no" for x in [t, *t.ancestors][:3] for c in x.children)
            disowned = t.lower_ in ("ours", "mine") and t.i > 0 and doc[t.i - 1].lower_ in ("than", "not", "n't", "of")  # "rather than ours", "not ours"
            if (poss & {"our", "my"} or on_our_side or t.lower_ in ("ours", "mine")) and not f.question and not denied and not disowned:
                yield Move("ownership", doc[t.left_edge.i : t.i + 1], {"how": "named"})
        if ex.worded_problem and lem in ("deny", "dispute", "refute", "insist", "maintain") and f.clause and f.agent in ("third", "speaker") and not f.question and not f.conditional and f.polarity == "positive":
            yield Move("dispute", _clause_span(t), {"how": "denies it"})  # "he denies being rude", "the driver insists he knocked"
        # "that's not good enough", "that isn't the service you should get from us": the failure judged as one
        if lem == "be" and f.polarity == "negative" and not f.question and not f.conditional and ex.worded_problem \
                and f.agent_i >= 0 and doc[f.agent_i].lower_ in ("that", "this", "it") and (
                    any(c.dep_ == "acomp" and lemma(c) in ("good", "acceptable", "ok", "okay", "right", "fair", "on") for c in t.children)
                    or any(c.dep_ == "attr" and lemma(c) in ("service", "standard", "experience", "level") for c in t.children)):
            yield Move("ownership", _clause_span(t), {"how": "judged"})
        # "I can see your order arrived without the sample": the problem named back to the customer
        if f.clause and f.agent == "speaker" and lem in ("see", "understand", "notice", "know", "appreciate", "realise", "realize", "hear") \
                and f.polarity == "positive" and not f.question and not f.conditional and ex.worded_problem \
                and any(c.dep_ == "ccomp" and fr(c).clause and fr(c).agent != "speaker" and failure_clause(c) for c in t.children):
            yield Move("acknowledgement", _clause_span(t), {})
        if ex.worded_problem and (_their_word(t) or _sure_they_did_right(t) or _assured(t)) and not _in_apology(t, apology_tokens):
            yield Move("dispute", _clause_span(t), {"how": "their word"})  # "the driver says he knocked", "I'm sure the driver did his best"
        if ex.worded_problem and _records_say(t):
            yield Move("dispute", doc[t.i - 1 : t.sent.end], {"how": "records"})
        if ex.worded_problem and lem in EVIDENCE_NOUNS and any(c.lower_ in ("no", "any") for c in t.children if c.dep_ == "det") and not _in_apology(t, apology_tokens):
            step = clause_of(t)
            said_none = any(c.lower_ == "no" for c in t.children) or fr(step).polarity == "negative"
            if said_none and not fr(step).question and not fr(step).conditional and any(c.dep_ == "prep" and c.lower_ in ("of", "that") for c in t.children):
                yield Move("dispute", doc[t.left_edge.i : t.right_edge.i + 1], {"how": "records"})  # "there's no record of a call from you"
        if _as_the_terms_say(t):
            yield Move("correction", doc[t.i : min(t.i + 7, t.sent.end)], {"how": "it was stated"})  # "as per our policy", "as mentioned in our T&Cs"
            yield Move("rule", doc[t.i : min(t.i + 7, t.sent.end)], {"source": "as the terms say"})
        if t.lower_ == "as" and t.i + 2 < len(doc) and doc[t.i + 1].lower_ in ("you", "u") and lemma(doc[t.i + 2]) in ("agree", "accept", "confirm", "consent", "acknowledge", "sign") and not fr(t.head).question:
            yield Move("correction", doc[t.i : t.i + 3], {"how": "you agreed"})  # "as you agreed at checkout"
        if lem in ("responsibility", "fault", "duty", "job") and t.pos_ == "NOUN" and not fr(clause_of(t)).question and any(
            c.dep_ == "poss" and (c.lower_ in ("your", "ur") or lemma(c) in CUSTOMER_NOUNS) for c in t.children
        ) and fr(clause_of(t)).polarity == "positive" and not _in_apology(t, apology_tokens):
            yield Move("blame", doc[t.left_edge.i : t.i + 1], {"how": "on you"})  # "it's the customer's responsibility", "that's your job"
        if not f.clause or f.question:
            continue
        agent = f.agent
        if _mistake_without_doer(t):
            yield Move("agentless", _clause_span(t), {})  # "the wrong item was sent out", "your booking was cancelled in error", "errors occurred"
        if agent == "speaker" and f.tense == "perfect" and f.modality == "inability" and not _in_apology(t, apology_tokens):
            # "we couldn't have predicted it", "there was nothing we could have done": a disclaimer
            yield _external(t, "could not have", "disclaimer", "speaker", tense="perfect")
        if agent == "speaker" and f.tense == "perfect" and f.modality == "obligation" and f.polarity == "positive" \
                and any(c.lower_ in ("should", "ought") for c in t.children) and not f.question and not f.conditional and not _in_apology(t, apology_tokens):
            yield Move("ownership", _clause_span(t), {"how": "we should have"})  # "we should have fixed this months ago"
        got_wrong = lem == "get" and any(x.lower_ in ("wrong", "badly") and clause_of(x).i == t.i for x in t.subtree)  # "we got this wrong"
        if agent == "speaker" and f.modality == "none" and (failure_clause(t) or got_wrong) and f.tense in ("past", "perfect") and not f.conditional and (lem not in UNDERGO or got_wrong):
            yield Move("ownership", _clause_span(t), {"how": "we did it"})  # "we missed it", "we sent it to the wrong depot"
        # "nobody else has complained", "no other guests reported any noise": others' experience set against theirs
        others = _nobody_else(doc[f.agent_i]) if f.agent_i >= 0 else False
        if others and ex.worded_problem and f.tense in ("past", "perfect", "present") and not f.question and not f.conditional and not _in_apology(t, apology_tokens):
            yield Move("dispute", _clause_span(t), {"how": "nobody else"})
        # "the outage lasted a few minutes" to "it was down all morning": how long, told shorter than they said
        if said_for is not None and f.tense in ("past", "perfect", "present") and f.polarity == "positive" and agent in ("thing", "none", "third") \
                and not f.question and not f.conditional and not _in_apology(t, apology_tokens) and _lasting(t):
            told = _duration_rank(t.subtree, lambda x: clause_of(x).i == t.i)
            if told is not None and told < said_for:
                yield Move("minimizing", _clause_span(t), {"how": "shorter than they said"})
        # "it's the app store that takes 2 days, not us", "that's down to the courier rather than us": the job put on another, said outright
        if t.dep_ == "ROOT" and ex.worded_problem and not f.question and not f.conditional and not _in_apology(t, apology_tokens) and _not_us(t.sent) \
                and not any(lemma(x) in ("end", "side") and any(c.lower_ in ("your", "ur") for c in x.children) for x in t.sent) \
                and any(x.pos_ in ("NOUN", "PROPN") and role(x) in ("third", "thing") and x.dep_ in ("attr", "nsubj", "nsubjpass", "pobj") for x in t.sent) \
                and not any(fr(m).clause and fr(m).agent == "customer" for m in t.sent):  # ("contact them, not us" sends them elsewhere: AL316)
            yield _external(t, "not us", "doer", "third")
        # "we followed the correct procedure", "our driver acted properly": what they complain of done right
        if ex.worded_problem and agent in ("speaker", "third") and f.tense in ("past", "perfect") and f.polarity == "positive" \
                and not f.question and not f.conditional and not _in_apology(t, apology_tokens) and not passive(t) and (
                    any(c.dep_ == "advmod" and c.lower_ in RIGHTLY for c in t.children)
                    or any(c.dep_ == "dobj" and any(a.dep_ == "amod" and a.lower_ in ("correct", "proper", "right", "standard", "usual") for a in c.children)
                           and lemma(c) in ("procedure", "process", "protocol", "policy", "steps", "step", "guidance", "rule", "instruction", "practice")
                           for c in t.children)):
            yield Move("dispute", _clause_span(t), {"how": "done right"})
        # "the photos you sent don't show any damage", "our checks found no fault": the evidence against them
        if ex.worded_problem and lem in EVIDENCE_VERBS | {"find", "reveal", "see", "detect", "spot", "identify"} and agent in ("thing", "none", "speaker") and f.polarity == "negative" \
                and f.tense in ("present", "past", "perfect") and not f.question and not f.conditional and not _in_apology(t, apology_tokens) \
                and any(c.dep_ == "dobj" and (any(d.lower_ == "any" for d in c.children) or lemma(c) in TROUBLE_NOUNS or trouble_noun(c)) for c in t.children):
            yield Move("dispute", _clause_span(t), {"how": "no sign of it"})
        # "there's no fault showing", "there are no issues on the line": the trouble they report said not to exist
        if ex.worded_problem and lem == "be" and any(c.dep_ == "expl" for c in t.children) and f.tense == "present" and not f.question \
                and not f.conditional and not _in_apology(t, apology_tokens) and not any(x.lower_ in ("now", "anymore", "longer", "again") for x in t.subtree if clause_of(x).i == t.i):
            said_none = [c for c in t.children if c.dep_ in ("attr", "nsubj") and any(d.lower_ == "no" for d in c.children if d.dep_ == "det")]
            if any(lemma(c) in TROUBLE_NOUNS or any(lemma(d) in TROUBLE_NOUNS for d in c.children if d.dep_ == "compound") for c in said_none):  # not "there's no late fee"
                yield Move("dispute", _clause_span(t), {"how": "no sign of it"})
        # "in future please read the terms before booking": the customer told to take more care next time
        if ex.worded_problem and f.tense == "imperative" and lem in TAKING_CARE and not _in_apology(t, apology_tokens) and any(
                x.lower_ in ("future", "next", "always") and (x.lower_ != "next" or x.i + 1 < len(doc) and doc[x.i + 1].lower_ == "time")
                for x in t.sent if clause_of(x).i == t.i or x.head.i == t.i):
            yield Move("correction", _clause_span(t), {"how": "take care next time"})
        # "pls read the class booking rules before posting": the customer sent to the rules they broke
        elif ex.worded_problem and _told_to(t) and lem in ("read", "check", "review", "consult") and not f.conditional and not _in_apology(t, apology_tokens) \
                and any(c.dep_ == "dobj" and lemma(c) in NORM_NOUNS for c in t.children):
            yield Move("correction", _clause_span(t), {"how": "read the rules"})
        # "it does say in the description", "it clearly states on the booking page": told them already
        if ex.worded_problem and lem in TELLING and agent in ("thing", "none") and f.tense == "present" and f.polarity == "positive" \
                and not f.question and not f.conditional and not _in_apology(t, apology_tokens) and any(
                    (c.dep_ == "aux" and lemma(c) == "do") or (c.dep_ == "advmod" and c.lower_ in ("clearly", "plainly", "explicitly", "definitely")) for c in t.children):
            yield Move("correction", _clause_span(t), {"how": "it says"})
        # "your parcel was left in the safe place you chose": where it went wrong put down to their choice
        if ex.worded_problem and agent not in ("speaker",) and f.tense in ("past", "perfect") and not f.conditional and not f.question \
                and not _in_apology(t, apology_tokens) and lem not in REMEDY_VERBS | {"send", "deliver", "post", "ship", "book"}:
            chosen = next((r for x in t.subtree if x.dep_ in ("pobj", "dobj") and clause_of(x).i == t.i for r in x.children
                           if r.dep_ == "relcl" and fr(r).agent == "customer" and lemma(r) in CHOOSING and fr(r).tense in ("past", "perfect")), None)
            if chosen is not None:
                yield Move("blame", _clause_span(t), {"how": "your choice"})
        # a party as the doer of the failure: "the roofer never turned up", "we were let down by the haulier"
        s0, s1 = sent_bounds[t.i]
        explained = any(s0 <= x < s1 for x in causes_of.get(t.i, ()))
        # "every bank does this", "all airlines overbook", "that's normal for any online game"
        if f.tense == "present" and not f.conditional and _everyone_does_it(t):
            yield _external(t, "everyone does it", "normal", agent, tense="present")
        # "these things happen with bikes", "it happens from time to time": the failure as what happens anyway
        if lem == "happen" and f.tense == "present" and f.polarity == "positive" and not f.conditional and f.agent_i >= 0 and _happens_anyway(t):
            yield _external(t, "it happens", "normal", agent, tense="present")
        # a thing fails by itself ("the page buckled", "the servers were slow"); a thing that did something
        # to an object ("the translation missed two paragraphs") describes the fault, not its cause
        thing_failed = (
            agent == "thing" and _not_the_customers(t, context_words)
            and not any(lemma(c) in FAULT_STATES for c in t.children if c.dep_ in ("acomp", "attr", "oprd"))
        )
        # "the manufacturer has a fault", "their servers are slow"; "refunds aren't possible" is a refusal
        state = lem in ("be", "have", "experience", "run") and f.tense == "present" and f.modality != "inability"
        if (agent == "third" or thing_failed) and lem != "do" and lem not in ex.requested and (f.tense in ("past", "perfect") or state) and failure_clause(t) and not f.conditional and f.cause_of < 0 and not explained and not _in_apology(t, apology_tokens):
            subj_i = f.agent_i
            doer = doc[subj_i] if subj_i >= 0 else t
            if lemma(doer) in CUSTOMER_NOUNS or any(lemma(o) in CUSTOMER_NOUNS for p in doer.children if p.lower_ == "of" for o in p.children):
                pass  # "only a few customers experienced this": others in the customer's place, not the cause
            elif _nobody_else(doer):
                pass  # "nobody else has complained": a dispute (above), not someone who failed
            elif _as_you_said(t.sent):
                pass  # "as you said, the booking page took your payment but didn't reserve the class": their account agreed with
            elif not any(c.lower_ == "your" for c in doer.children) and doer.lower_ not in ("they", "them") or t.tag_ in ("VBD", "VBN"):
                yield _external(t, "doer", "doer", "third")
        elif _trouble_did_it(t, explained, apology_tokens):
            yield _external(t, "trouble did it", "doer", "thing")  # "a glitch in our payment system held the funds"
        # trouble we had or that there was: "we're experiencing technical difficulties", "there's a shortage
        # of crew", "this is a known issue with iOS 18": trouble given as what happened, not owned
        if f.tense in ("present", "past", "perfect") and f.polarity == "positive" and not f.conditional and f.cause_of < 0 and not explained and not _in_apology(t, apology_tokens):
            trouble = _trouble_had(t, agent)
            if trouble is not None:
                yield _external(t, "trouble", "doer", agent)
            elif ex.worded_problem and f.modality == "none" and _a_great_deal(t, agent):
                yield _external(t, "volume", "volume", agent)  # "we're handling a huge number of enquiries", "there's been a lot of demand"
        if ex.worded_problem and f.tense in ("present", "past", "perfect") and not f.conditional and f.modality == "none" and not _in_apology(t, apology_tokens) \
                and f.agent != "customer" and _more_than_expected(t):
            yield _external(t, "than expected", "unforeseen", agent)  # "it sold out faster than anyone expected", "it's taking longer than usual"
        # "the update was rolled out by our vendor": a party did what went wrong (not "your parcel was
        # delivered by DPD" or "refunded by our finance team", which say what was done for the customer)
        if passive(t) and agent == "third" and f.tense in ("past", "perfect") and f.polarity == "positive" and not f.conditional and ex.worded_problem \
                and lem not in REMEDY_VERBS and lem not in HANDOFF_VERBS and not explained and f.cause_of < 0 and not _in_apology(t, apology_tokens):
            patient = next((c for c in t.children if c.dep_ == "nsubjpass"), None)
            if patient is not None and lemma(patient) in context_words and role(patient) != "customer":
                yield _external(t, "done by", "doer", "third")
        # "the seller is responsible for shipping": the job is someone else's
        if lem == "be" and agent == "third" and f.polarity == "positive" and not f.conditional and any(lemma(c) in ("responsible", "liable") for c in t.children if c.dep_ == "acomp") and not _in_apology(t, apology_tokens):
            yield _external(t, "responsible", "hand-off", "third")
        # the job handed to a party: "assistance bookings are handled by the airport's provider"
        progressive = any(c.dep_ == "auxpass" and c.lower_ == "being" for c in t.children)
        habitual = f.tense == "present" and not progressive and lem not in UNDERGO and agent in ("third", "thing")  # "prices are set by our pricing system"
        planned = f.tense in ("future", "nonfinite") or (t.dep_ == "xcomp" and lemma(t.head) in ("due", "schedule", "set", "expect", "book"))
        handed = (agent == "third" and lem in HANDOFF_VERBS and not planned  # not "due to be delivered by Royal Mail on 6 June": a plan
                  and not (f.tense in ("past", "perfect") and lem in REMEDY_VERBS))  # not "delivered by DPD yesterday"
        if passive(t) and (handed or habitual) and not planned and not f.conditional and not _in_apology(t, apology_tokens):
            yield _external(t, "handled by", "hand-off", "third")
        # a rule as the doer, or an obligation on us: "regulations require us to", "we have to follow"
        subj = doc[f.agent_i] if f.agent_i >= 0 else None
        if subj is not None and lemma(subj) in NORM_NOUNS and lem not in UNDERGO - {"be"}:
            yield Move("rule", _clause_span(t), {"source": subj.text})
        elif any(lemma(c) in ("per", "under", "according") and any(lemma(x) in NORM_NOUNS for x in c.subtree) for c in t.children if c.dep_ == "prep"):
            yield Move("rule", _clause_span(t), {"source": "per the rules"})
        elif agent == "speaker" and f.modality == "obligation" and f.tense in ("present", "nonfinite", "past") and not f.conditional and lem not in OWNING_UP:
            yield Move("rule", _clause_span(t), {"source": "obligation"})
        elif lem in DEONTIC_VERBS and agent in ("third", "thing", "none") and f.tense in ("present", "past") and f.polarity == "positive" and not f.conditional:
            yield Move("rule", _clause_span(t), {"source": subj.text if subj is not None else "requirement"})  # "our insurers require a permit"
        elif lem == "be" and any(c.dep_ == "prep" and c.lower_ in ("in", "under") and any(o.dep_ == "pobj" and lemma(o) in NORM_NOUNS for o in c.children) for c in t.children) and not f.conditional:
            yield Move("rule", _clause_span(t), {"source": "in the terms"})  # "that's in the ticket conditions"
        elif lem == "be" and f.polarity == "positive" and not f.conditional and any(
            c.dep_ == "attr" and lemma(c) in NORM_NOUNS and any(p.dep_ == "poss" and p.lower_ == "our" or p.lower_ in ("just", "simply") for p in [*c.children, *t.children]) for c in t.children
        ):
            yield Move("rule", _clause_span(t), {"source": "that's our policy"})  # "that is just our policy"
        # refusal or inability: "we can't refund this", "refunds aren't possible", "we don't do exchanges"
        if not f.conditional and f.tense != "perfect" and agent in ("speaker", "thing", "none") and lem not in IDIOMS_OF_DELIGHT and (
            f.modality == "inability"
            or (agent == "speaker" and f.modality == "ability" and any(c.lower_ == "only" for c in t.children if c.dep_ == "advmod"))  # "we can only deal with the account holder"
            or (passive(t) and agent == "none" and f.polarity == "negative" and f.tense == "present" and f.modality == "none" and lem in OFFER_VERBS | REMEDY_VERBS
                and any(c.dep_ == "nsubjpass" and c.tag_ == "NNS" and not any(d.dep_ in ("det", "poss") for d in c.children) for c in t.children))  # "ranked points are not restored for ..."
            or (agent == "speaker" and f.polarity == "negative" and f.modality == "none" and (
                (f.tense == "present" and lem in OFFER_VERBS)
                or (f.tense == "future" and lem in GIVING_VERBS)  # "we will not be offering compensation"
                or (f.tense in ("present", "future") and any((lem, lemma(c)) in REFUSED_ACTS for c in t.children if c.dep_ == "dobj"))  # "we will not be taking any further action"
                or (f.tense in ("present", "future") and lem in ex.requested)))  # "we won't be adjusting the price" to "can you adjust it?"
        ) and not _in_apology(t, apology_tokens):
            yield Move("refusal", _clause_span(t), {"by": agent})
        elif lem == "be" and not f.conditional and not _in_apology(t, apology_tokens) and agent in ("thing", "none", "speaker") and (
            any(_not_able(c) for c in t.children if c.dep_ in ("acomp", "attr", "oprd"))
            or (f.polarity == "negative" and any(lemma(c) == "option" for c in t.children if c.dep_ == "attr"))
            or (f.polarity == "negative" and agent == "thing" and f.tense == "present" and any(
                c.lower_ in POSSIBLE and not any(p.lower_ == "to" for p in c.children) for c in t.children if c.dep_ == "acomp"))  # "refunds aren't available for ..." (not "to other guests")
            or (f.polarity == "negative" and any(c.lower_ == "in" and any(lemma(o) == "position" for o in c.children) for c in t.children if c.dep_ == "prep"))
        ):
            yield Move("refusal", _clause_span(t), {"by": agent})  # "advance tickets are non-refundable", "we're not in a position to"
        elif lem == "be" and f.polarity == "negative" and not f.conditional and any(
            c.dep_ == "attr" and any(r.dep_ == "relcl" and (fr(r).modality == "ability" or fr(r).agent == "speaker" and (lemma(r) in OFFER_VERBS or (
                fr(r).tense == "present" and fr(r).modality == "none" and lemma(r) not in MENTAL | {"recommend", "advise", "suggest", "see", "hear"}))) for r in c.children)
            for c in t.children
        ):
            yield Move("refusal", _clause_span(t), {"by": "speaker"})  # "that isn't something we can change", "not something we offer"
        # "you'll need to take that up with the seller", "you have to contact your bank": the customer sent to another party
        if agent == "customer" and f.modality == "obligation" and lem in HAND_OFF_VERBS and f.polarity == "positive" \
                and not f.conditional and not f.question and not _in_apology(t, apology_tokens) and _to_another_party(t):
            yield Move("refusal", _clause_span(t), {"by": "elsewhere"})
        # "the penalty fare stands", "the charge will remain on your card", "february's payment will still be
        # taken", "no refund is due": what the customer complained of upheld, or what they asked for withheld
        if not _in_apology(t, apology_tokens) and _upheld(t, context_things):
            yield Move("refusal", _clause_span(t), {"by": "thing"})
        # "your request has been considered and declined", "the claim was rejected": the customer's ask refused
        if (passive(t) or (t.dep_ == "conj" and passive(t.head))) and lem in REFUSING_VERBS and f.tense in ("past", "perfect", "present") and f.polarity == "positive" \
                and not f.conditional and not f.question and not _in_apology(t, apology_tokens) and _theirs_asked(t):
            yield Move("refusal", _clause_span(t), {"by": "speaker"})
        # "the charge was issued correctly", "the fee was applied properly": what they complain of was done right
        if ex.worded_problem and passive(t) and f.tense in ("past", "perfect") and f.polarity == "positive" and not f.conditional and not f.question \
                and any(c.dep_ == "advmod" and c.lower_ in RIGHTLY for c in t.children) and not _in_apology(t, apology_tokens) \
                and (not context_words or any(lemma(n) in context_words for n in t.children if n.dep_ == "nsubjpass")):  # what they complained of
            yield Move("dispute", _clause_span(t), {"how": "nothing wrong"})
        # correction, lecture, blame of the customer
        you = f.agent_i >= 0 and doc[f.agent_i].lower_ in ("you", "u")
        pointed_out = t.dep_ == "ccomp" and fr(t.head).agent == "speaker" and lemma(t.head) in LECTURE_VERBS  # "I must point out that you agreed ..."
        reported = t.dep_ in ("relcl", "acl", "pcomp", "advcl") or (t.dep_ == "ccomp" and t.head.pos_ in ("VERB", "AUX", "ADJ") and not pointed_out)
        if agent == "speaker" and lem in LECTURE_VERBS and any(
            c.dep_ == "ccomp" and fr(c).agent == "customer" and (fr(c).tense in ("past", "perfect") or fr(c).modality == "obligation")
            and fr(c).polarity == "positive" and lemma(c) not in ("be", "have") and not any(x.lower_ in ("nothing", "never", "not", "n't") for x in c.subtree)
            for c in t.children) \
                and (lem != "point" or any(c.lower_ == "out" for c in t.children)) and not f.question and not f.conditional and f.polarity == "positive":
            yield Move("correction", _clause_span(t), {"how": "lecture"})  # "I must point out that you ...", "may I remind you that you ..."
        if agent == "customer" and _had_you(t) and not _in_apology(t, apology_tokens):
            yield Move("blame", doc[t.left_edge.i : t.sent.end], {"how": "had you"})  # "had you told the driver, we could've sorted it"
        if agent == "customer" and not f.conditional and not reported and (you or t.dep_ == "xcomp"):
            told = t.dep_ == "xcomp" and fr(t.head).tense in ("past", "perfect") and fr(t.head).modality == "obligation"
            hindsight = f.tense == "perfect" and f.modality in ("obligation", "hypothetical", "ability")
            if hindsight or (f.modality == "obligation" and (f.tense == "past" or told)):
                how = "hindsight" if f.modality == "obligation" else "would have"  # "you should have" / "you'd have seen"
                yield Move("blame", _clause_span(t), {"how": how})
            elif f.polarity == "negative" and f.tense in ("past", "perfect") and lem not in UNDERGO | {"know", "think", "realise", "realize", "notice", "mean", "need", "want", "hear", "do"} and not _in_apology(t, apology_tokens):
                yield Move("blame", _clause_span(t), {"how": "omission"})  # "you didn't select express"
            elif lem in ("agree", "accept", "sign", "tick", "consent", "choose", "select", "opt") and f.tense == "past" and f.polarity == "positive" and any(lemma(x) in NORM_NOUNS for x in t.subtree):
                yield Move("correction", _clause_span(t), {"how": "you agreed"})
        # "the allergy wasn't mentioned at booking", "we weren't told about the step-free access": the
        # customer's omission, said without naming them (not "you weren't told", which is ours)
        if ex.worded_problem and passive(t) and agent in ("none", "speaker") and f.polarity == "negative" and f.tense in ("past", "perfect") \
                and lem in TOLD_US and not f.question and not f.conditional and not _in_apology(t, apology_tokens) \
                and not any(x.lower_ in ("you", "u") for x in t.subtree if clause_of(x).i == t.i):
            yield Move("blame", _clause_span(t), {"how": "omission"})
        # the customer as the cause of the failure: "this happened because you entered the wrong street"
        if f.cause_of >= 0 and f.clause and you and f.tense in ("past", "perfect") and whose(t) == "customer" and not f.conditional:
            effect = doc[f.cause_of]
            if failure_clause(effect) or (lemma(effect) == "happen") or fr(effect).polarity == "negative":
                yield Move("blame", _clause_span(t), {"how": "your doing"})
        if lem in STATING_VERBS and (agent == "none" or f.tense == "past") and any(c.lower_ in ("clearly", "explicitly", "plainly", "already", "previously") for c in t.children):
            yield Move("correction", _clause_span(t), {"how": "it was stated"})
        # dispute: records as witnesses, "nothing is wrong", the customer's claim reversed
        if ((context_claims and "negative" in context_claims.values()) or (ex.context is None and ex.worded_problem)) \
                and agent in ("speaker", "third") and f.tense == "past" and f.polarity == "positive" \
                and lem not in ("receive", "get", "see", "hear", "read", "note", "notice", "review", "check", "look", "appreciate", "understand") and any(
            c.dep_ == "aux" and c.lower_ == "did" for c in t.children
        ) and not _in_apology(t, apology_tokens):
            yield Move("dispute", _clause_span(t), {"how": "insists it did happen"})  # "our engineer did attend"
        if ex.worded_problem and lem == "be" and f.polarity == "positive" and not f.conditional and any(
            c.dep_ in ("ccomp", "attr", "advcl") and lemma(c) in ("work", "operate", "function", "be", "do") and any(w.lower_ == "how" for w in c.children)
            and not any(w.lower_ in ("you", "u", "your") for w in c.subtree) for c in t.children  # "this is how you reset it" instructs
        ) and f.agent_i >= 0 and doc[f.agent_i].lower_ not in ("here", "how") and not any(c.lower_ == "here" for c in t.children) and not _in_apology(t, apology_tokens):
            yield Move("dispute", _clause_span(t), {"how": "how it works"})  # "that's how our billing system works"
        # "the charts were produced as specified in the brief": the work defended by its spec (not
        # "your refund was processed as requested", which confirms what the customer asked for)
        if ex.worded_problem and passive(t) and f.tense in ("past", "perfect") and lem in WORK_VERBS and any(
            c.lower_ == "as" and c.i + 1 < len(doc) and lemma(doc[c.i + 1]) in ("specify", "instruct", "brief", "design") for c in t.subtree if c.head.i == t.i or c.head.head.i == t.i
        ) and not _in_apology(t, apology_tokens):
            yield Move("dispute", _clause_span(t), {"how": "done as specified"})
        subject_noun = f.agent_i >= 0 and doc[f.agent_i].pos_ in ("NOUN", "PROPN")
        if lem == "be" and f.polarity == "positive" and agent in ("thing", "none", "customer") and subject_noun and any(lemma(c) in CORRECT_STATES for c in t.children if c.dep_ in ("acomp", "attr")):
            yield Move("dispute", _clause_span(t), {"how": "nothing wrong"})
        elif ex.worded_problem and lem in ("work", "run", "function") and f.polarity == "positive" and agent in ("thing", "none") and f.tense == "present" and any(
            c.lower_ in ("fine", "correctly", "normally", "perfectly", "properly") for c in t.children if c.dep_ in ("advmod", "acomp")
        ) and not any(c.lower_ in ("now", "again", "back", "since") for c in t.subtree) and not any(lemma(c) == "have" for c in t.children if c.dep_ == "aux"):
            yield Move("dispute", _clause_span(t), {"how": "nothing wrong"})  # "the DLC is working fine on our end" (not "working fine again now")
        if lem == "be" and any(c.dep_ == "aux" and c.lower_ in ("must", "'ll", "will", "would", "'d") for c in t.children) and any(_yours_to_blame(c) for c in t.children if c.dep_ in ("attr", "prep")):
            yield Move("blame", _clause_span(t), {"how": "your end"})  # "it must be something on your console"
        # "it was delivered at 8:14" to "I never got my order", "the engineer attended" to "nobody turned
        # up": the event the customer says never happened, asserted in other words
        if context_claims and _same_event_denied(t, context_claims) and not _in_apology(t, apology_tokens):
            yield Move("dispute", _clause_span(t), {"how": "the customer says it did not happen"})
        if lem in UNDERGO | {"do", "make"} or t.dep_ in ("relcl", "acl", "advcl", "pcomp"):
            continue
        if context_claims and lem in context_claims and f.tense in ("past", "perfect") and agent != "speaker" or (
            context_claims and lem in context_claims and agent == "speaker" and f.tense in ("past", "perfect") and f.polarity == "positive" and context_claims.get(lem) == "negative" and lem not in ("receive", "get")
        ):
            theirs = context_claims[lem]
            ours = f.polarity
            # a dispute says something went right that the customer says did not: not a failure, not a reassurance
            progress = agent == "thing"  # "it arrived at our depot this morning": a status, not a denial
            if theirs != ours and f.modality == "none" and not progress and not (ours == "positive" and failure_clause(t)) and not _in_apology(t, apology_tokens) and not f.conditional:
                yield Move("dispute", _clause_span(t), {"how": f"the customer says it {'did not' if theirs == 'negative' else 'did'} happen"})
