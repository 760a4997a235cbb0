"""The reading of the customer's message: what kind of message it is, what it claims went wrong,
what it asks, what is at stake for them, and how severe it is.

The kind decides what a reply owes: a problem needs acknowledgement and a way forward, a question
an answer, praise or thanks only a warm reply. Claims are read from the frames (a negated or
failing clause is a claim that something did not happen or went wrong), so a reply that asserts
the opposite of a claim can be told apart from one that answers it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .frames import CONTRAST, a_time, clause_of, fr, lemma, passive
from .moves import failure_clause

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span

#: cues that a failure is severe (closed classes: repetition, threats, money, vulnerability)
REPEAT = {"again", "still", "repeatedly", "keep", "every", "third", "fourth", "fifth"}  # not "yet", "another", "twice" ("charged twice")
THREAT = {"cancel", "leave", "switch", "lawyer", "solicitor", "court", "ombudsman", "review", "trustpilot", "chargeback", "escalate", "complaint", "never", "sue", "regulator", "bbb"}
VULNERABLE = {"elderly", "disabled", "pregnant", "toddler", "toddlers", "infant", "newborn", "hospital", "medication", "medicine", "baby", "wheelchair", "carer", "diabetic", "allergy", "allergic", "safety", "unsafe", "dangerous", "injured", "hurt", "sick", "ill"}
#: what a customer's own life puts at stake: "for my daughter's party", "my boss", "a day off work"
STAKE_NOUNS = {"wedding", "birthday", "party", "funeral", "trip", "holiday", "vacation", "honeymoon", "anniversary", "interview", "exam", "meeting", "client", "boss", "job", "work", "business", "shift", "flight", "event", "daughter", "son", "wife", "husband", "kids", "child", "children", "mum", "mom", "dad", "mother", "father", "family", "baby", "christmas", "deadline", "presentation", "appointment", "surgery", "sales", "customers", "pay", "rent"}
#: how sure the model must be that a message is a problem before the reply is judged as answering one:
#: at 0.9, five-fold cross-validation on corpora/customer-kinds/train.jsonl gave precision 0.92 and
#: recall 0.81 on the problems the complaint signal misses (scripts/train_kinds.py)
SURE = 0.9
MONEY = re.compile(r"[£$€]\s?\d|\d+\s?(?:quid|dollars|pounds|euros)\b", re.I)
#: what a customer can say they lost that is money: "a day's pay", "sales", "bookings"
LOST_MONEY = {"pay", "wage", "wages", "earnings", "income", "sale", "sales", "money", "business", "customer", "customers", "booking", "bookings", "deposit", "commission"}
#: what failed, by the words of a claim (a closed set of topics, each with a closed class of lemmas);
#: a claim may name several ("charged for a delivery that never came": billing and delivery)
FAILURE_TOPICS = {
    "delivery": {"deliver", "delivery", "arrive", "parcel", "package", "courier", "shipping", "ship", "dispatch", "tracking", "driver", "collection"},
    "billing": {"charge", "bill", "invoice", "refund", "payment", "pay", "overcharge", "fee", "price", "debit", "subscription"},
    "quality": {"broken", "damaged", "faulty", "defective", "crack", "cracked", "dent", "dented", "stain", "squash", "squashed", "wrong", "missing", "error", "mistake"},
    "outage": {"down", "outage", "offline", "crash", "signal", "internet", "broadband", "wifi", "connection", "server", "app", "website", "site", "system"},
    "staff": {"rude", "staff", "agent", "manager", "employee", "waiter", "driver", "engineer", "technician", "advisor", "attitude"},
    "wait": {"wait", "hold", "queue", "hour", "reply", "respond", "answer", "callback", "slow"},
    "deadline": {"promise", "deadline", "due", "late", "supposed", "meant", "overdue"},
    "access": {"login", "log", "password", "locked", "lock", "account", "access", "code", "verify"},
}
#: an ordinal before "time": "the 2nd time", "third time"
ORDINAL = re.compile(r"^(?:second|third|fourth|fifth|sixth|umpteenth|nth|\d+(?:nd|rd|th))$")
#: units of how long it has gone on: "two weeks", "for 3 days", "all weekend"
DURATION_UNITS = {"hour", "hours", "hrs", "day", "days", "week", "weeks", "wks", "month", "months", "year", "years", "weekend", "ages", "forever"}
#: what a broken promise is said with: "you promised", "it was meant to", "due on Friday", "guaranteed"
PROMISE_VERBS = {"promise", "guarantee", "assure", "commit", "quote"}
EXPECTED = {"meant", "supposed", "due", "scheduled", "booked", "expected"}
#: what befalls everyone and is nobody's doing (a closed class: weather and acts of nature):
#: "the snow closed the roads", "a storm knocked the power out"
NATURE = {"snow", "storm", "rain", "flood", "flooding", "ice", "wind", "gale", "fog", "hurricane", "heatwave", "weather", "blizzard", "lightning", "frost", "hail", "earthquake", "wildfire", "typhoon", "tornado"}
#: what a customer does that goes wrong by itself (positive verbs of failing): "I missed my appointment"
OWN_FAILING = {"miss", "forget", "lose", "drop", "break", "spill", "delete", "overwater", "oversleep", "misplace", "leave"}
#: the customer's own slip: "my mistake", "I typed the wrong address", "I forgot", "by accident"
OWN_SLIP_NOUNS = {"mistake", "fault", "bad", "error", "oversight"}
OWN_SLIP_WORDS = {"accidentally", "mistakenly", "stupidly", "wrongly", "inadvertently"}


@dataclass
class Cue:
    kind: str
    span: "Span"


@dataclass
class CustomerReading:
    kind: str  # problem | question | request | praise | chit-chat | none
    kind_by: str = "words"  # "words" (the complaint signal) or "model" (nlp/kinds.py)
    kind_evidence: list[str] = field(default_factory=list)
    kind_probability: float = 1.0
    claims: list = field(default_factory=list)  # Span
    complaint: list = field(default_factory=list)  # Span: the complaint words that say something is wrong (not "can't wait", "not a single outage")
    questions: list = field(default_factory=list)  # Span
    stakes: list = field(default_factory=list)  # Span
    cues: list[Cue] = field(default_factory=list)
    claim_lemmas: dict[str, str] = field(default_factory=dict)  # predicate lemma -> polarity
    promises: list = field(default_factory=list)  # Span: a promise or date the customer says was broken
    own_slips: list = field(default_factory=list)  # Span: the customer's own mistake, in their words
    ours_failed: bool = False  # the message also says something of ours failed ("... but you charged me twice")
    failures: list = field(default_factory=list)  # (topic, Span): what failed, by the words of a claim
    outside: list = field(default_factory=list)  # Span: trouble nobody of ours did ("the snow closed the roads", "my bank blocked it")
    nothing_of_ours: bool = False  # every trouble the message names is the customer's own doing or from outside

    @property
    def no_fault_of_ours(self) -> bool:
        """A complaint with no failure on our side and no slip the customer owns: the trouble came
        from outside ("the snow closed the roads so I missed my appointment", "my bank blocked the
        payment"), or is what the customer did ("I missed my class"). Precision first: a failure
        with no agent ("my train was cancelled") could be ours, so it is not this."""
        return self.nothing_of_ours and not self.ours_failed and not self.own_slips and self.severity != "high"

    @property
    def slip_only(self) -> bool:
        """The customer's own slip, and nothing of ours said to have failed besides."""
        return bool(self.own_slips) and not self.ours_failed and self.severity != "high"

    @property
    def sure_problem(self) -> bool:
        """A problem by its words, or by the model when it is sure (precision first: a reply to a
        message wrongly read as a complaint is told it lacks empathy)."""
        return self.kind == "problem" and (self.kind_by == "words" or self.kind_probability >= SURE)

    @property
    def severity(self) -> str:
        """low, medium or high: high with two kinds of cue (a repeat, money lost, a threat, how long
        it has gone on, a personal stake, a broken promise) or any vulnerability; medium with one;
        low otherwise, and for anything that is not a problem."""
        kinds = {c.kind for c in self.cues} | ({"stakes"} if self.stakes else set()) | ({"promise"} if self.promises else set())
        if self.kind != "problem":
            return "low"
        if len(kinds) >= 2 or "vulnerability" in kinds:
            return "high"
        return "medium" if kinds else "low"


#: verbs that, with "can't", are delight, not trouble (a closed class): "can't wait", "can't complain",
#: "couldn't fault it"; and those that are delight only with "enough" or "highly": "can't thank you
#: enough", "can't recommend them highly enough" (not "would not recommend", "can't believe you did this")
DELIGHT = {"wait", "complain", "fault"}
DELIGHT_ENOUGH = {"thank", "recommend", "praise", "rate"}


def delight(verb) -> bool:
    """A negated verb of ability that is an idiom of delight: "can't wait", "can't thank you enough"."""
    word = lemma(verb)
    if word not in DELIGHT and word not in DELIGHT_ENOUGH:
        return False
    kids = list(verb.children)
    able = any(c.lower_ in ("ca", "can", "cannot", "could") for c in kids)
    negated = any(c.dep_ == "neg" for c in kids) or any(c.lower_ == "cannot" for c in kids)
    if not (able and negated):
        return False
    return word in DELIGHT or any(x.lower_ in ("enough", "highly") for x in verb.subtree)
#: determiners and words that say there was none of the trouble: "not a single outage", "no issues", "without a hitch"
NONE_OF_IT = {"no", "zero", "without", "single", "never"}


#: verbs a customer says they don't or can't do of their own accord (a closed class): "I can't go",
#: "I don't use email much"; not "I can't log in", "I don't have internet"
OWN_CHOICES = {"go", "come", "make", "attend", "travel", "use", "want", "like", "need", "drive", "fly", "afford", "live", "work"}
def own_choice(span) -> bool:
    """The customer's own "can't" or "don't" about what they do ("plans changed and I can't go", "I
    don't use email much"): their situation, not a failure of ours."""
    for t in span:
        verb = t.head if t.dep_ in ("neg", "aux") else t
        if not (verb.pos_ in ("VERB", "AUX") and lemma(verb) in OWN_CHOICES and any(c.dep_ == "nsubj" and c.lower_ == "i" for c in verb.children)
                and fr(verb).tense in ("present", "nonfinite")):
            continue
        # a habit said with "don't" may name what they don't use ("I don't use email much"); "I can't
        # use the app" is trouble
        habit = lemma(verb) == "use" and any(c.dep_ == "aux" and lemma(c) == "do" for c in verb.children)
        if not any(c.dep_ in ("dobj", "xcomp", "ccomp", "prep", "advcl") and c.lower_ not in ("it", "there") and not (habit and c.dep_ == "dobj")
                   and not (c.dep_ == "prep" and any(a_time(o) for o in c.children))  # "I can't make it on Friday"
                   for c in verb.children if c.dep_ != "prep" or c.lower_ != "to"):
            return True
    return False


def not_a_complaint(span) -> bool:
    """A complaint word that says the opposite: "can't wait", "not a single outage", "no issues at
    all", "without a hitch". A negated need or thing that is missing ("no reply", "can't log in")
    stays a complaint: only trouble denied, or an idiom of delight, is taken out."""
    doc = span.doc
    for t in span:
        if delight(t):
            return True  # "wait" in "can't wait"
        if t.dep_ == "det" and t.lower_ in NONE_OF_IT and lemma(t.head) in TROUBLE_WORDS:
            return True  # the "no" of "no issues at all"
        if t.lower_ in ("ca", "can", "cannot") or t.dep_ == "neg":
            head = t.head if t.dep_ == "neg" or t.dep_ == "aux" else t
            nxt = doc[t.i + 1] if t.i + 1 < len(doc) else None
            verb = head if head.pos_ in ("VERB", "AUX") else nxt
            if verb is not None and delight(verb):
                return True
        if t.pos_ == "NOUN" and (any(c.lower_ in NONE_OF_IT for c in t.children if c.dep_ in ("det", "amod", "neg", "advmod"))
                                 or (t.dep_ == "pobj" and t.head.lower_ == "without")) and lemma(t) in TROUBLE_WORDS:
            return True
    return False


#: nouns of trouble that, denied, are good news (a closed class)
TROUBLE_WORDS = {"issue", "problem", "outage", "fault", "glitch", "bug", "error", "hitch", "hiccup", "complaint", "delay", "trouble", "drama", "fuss", "hassle"}


def read_customer(doc: Doc | None, complaint: list, praise: list | None = None) -> CustomerReading:
    """`complaint` holds the spans of the complaint signal in the message: when there are none,
    the kind comes from the model in `kinds.py`; `praise` the spans of the praise signal: praise
    with no complaint word left is no problem, whatever the model says ("speeds are amazing, cheers")."""
    if doc is None:
        return CustomerReading(kind="none")
    complaint = [s for s in complaint if not not_a_complaint(s) and not own_choice(s)]
    # praise by a word, not a name: "landed in Nice" praises nothing
    praise = [s for s in praise or [] if any(t.tag_ not in ("NNP", "NNPS") or t.i == t.sent.start for t in s)]
    claims, questions, stakes, cues, promises, slips = [], [], [], [], [], []
    claim_lemmas: dict[str, str] = {}
    for sent in doc.sents:
        if any("?" in t.text for t in sent if t.is_punct):
            questions.append(sent)
        for t in sent:
            hedged = any(lemma(a) in ("feel", "think", "worry", "wonder", "guess", "suppose", "seem") for a in t.ancestors)
            if fr(t).clause and not fr(t).question and not hedged and (fr(t).polarity == "negative" or failure_clause(t)):
                claims.append(sent)
                claim_lemmas.setdefault(lemma(t), fr(t).polarity)
                break
        for t in sent:
            low = t.lower_
            nxt = doc[t.i + 1].lower_ if t.i + 1 < len(doc) else ""
            if low in REPEAT and (low != "every" or any(x.lower_ == "time" for x in sent)) or (ORDINAL.match(low) and nxt in ("time", "times")):
                cues.append(Cue("repeat", doc[t.i : t.i + 1]))  # "again", "third time", "the 2nd time this month"
            elif lemma(t) in THREAT and (t.pos_ in ("NOUN", "PROPN") or (t.pos_ == "VERB" and (fr(t).agent == "speaker" or any(
                    fr(a).clause and fr(a).agent == "speaker" for a in t.ancestors)))):  # "I'm cancelling", "thinking of switching"
                # "I'm cancelling", "I'll leave a review": the customer (the message's "I") threatens
                cues.append(Cue("threat", doc[t.i : t.i + 1]))
            elif low in VULNERABLE:
                cues.append(Cue("vulnerability", doc[t.i : t.i + 1]))
            mine = any(c.lower_ in ("my", "our") for c in t.children) or (
                t.dep_ in ("compound", "amod") and any(c.lower_ in ("my", "our") for c in t.head.children))  # "my work laptop"
            if lemma(t) in STAKE_NOUNS and t.pos_ in ("NOUN", "PROPN") and mine or (
                lemma(t) in STAKE_NOUNS and t.dep_ == "pobj" and t.head.lower_ in ("for", "off") and t.pos_ == "NOUN"  # "for my party", "the day off work"
            ) or (lemma(t) in STAKE_NOUNS and t.dep_ == "compound" and t.head.pos_ == "NOUN" and lemma(t) in ("client", "work", "job", "business")):
                start = t.head.left_edge.i if t.dep_ == "compound" else t.left_edge.i
                if t.dep_ == "pobj" and t.head.lower_ == "off":  # "the day off work", "taken the morning off work"
                    took = t.head.head if t.head.head.pos_ == "NOUN" else next(
                        (c for c in t.head.head.children if c.dep_ == "dobj" and lemma(c) in ("day", "time", "morning", "afternoon", "week", "shift", "evening")), None)
                    start = took.left_edge.i if took is not None and took.i < t.i else start
                stakes.append(doc[start : (t.head.i if t.dep_ == "compound" else t.i) + 1])
        lost = any(lemma(t) == "lose" and any(lemma(o) in LOST_MONEY for o in t.subtree if o.dep_ in ("dobj", "pobj", "poss", "compound")) for t in sent)
        if MONEY.search(sent.text) or lost:
            cues.append(Cue("money", sent))  # "£40 down", "I lost a day's pay"
        duration = _how_long(sent)
        if duration is not None:
            cues.append(Cue("duration", duration))
        promise = _broken_promise(sent)
        if promise is not None:
            promises.append(promise)
        slip = _own_slip(sent)
        if slip is not None:
            slips.append(slip)
    from .kinds import predict

    kind, prob, evidence = predict(doc)
    by = "model"
    if complaint and not (kind in ("praise", "question") and prob >= SURE):
        # a complaint word makes it a problem, unless the model is sure it is praise or a plain
        # question: "your rider waited for me in the rain, legend", "is the blue one still in stock?"
        kind, by, evidence, prob = "problem", "words", [s.text for s in complaint[:3]], 1.0
    elif not complaint and praise and kind == "problem" and not any(t.lower_ in CONTRAST for t in doc) and not any(
            fr(t).clause and not fr(t).question and not delight(t) and (failure_clause(t) or fr(t).polarity == "negative") for t in doc):
        # praise and nothing wrong in its words: "engineer was in and out in 30 mins and speeds are amazing"
        # (not praise with a "but" or "although": "brilliant service, although the driver parked across my drive")
        asks = any("?" in t.text for t in doc if t.is_punct)
        kind, by, evidence, prob = ("question" if asks else "praise"), "words", [s.text for s in praise[:3]], 1.0
    failures = []
    told = [x for x in doc.sents if x not in questions] if kind == "problem" else claims  # a complaint's statements, else its claims
    for sent in told:
        words = {lemma(t) for t in sent} | {t.lower_ for t in sent}
        for topic, lemmas in FAILURE_TOPICS.items():
            hit = next((t for t in sent if lemma(t) in lemmas or t.lower_ in lemmas), None)
            if hit is not None and words & lemmas:
                failures.append((topic, doc[hit.i : hit.i + 1]))
    # "you've charged me twice", "my order never arrived": a failure done by us ("you" in their message)
    # or by a thing of ours, not the customer's own doing nor a state they were left in ("locked out")
    # (weather or a party of the customer's own doing it is from outside, not ours: "the snow closed the roads")
    ours_failed = any(fr(t).clause and not fr(t).question and (failure_clause(t) or fr(t).polarity == "negative") and (
        fr(t).agent == "customer" or (fr(t).agent in ("thing", "third") and not passive(t))) and not _from_outside(t) for t in doc)
    outside, nothing_of_ours = _nobody_of_ours(doc)
    return CustomerReading(kind=kind, kind_by=by, complaint=complaint, kind_evidence=evidence, kind_probability=round(prob, 3), claims=claims, questions=questions,
                           stakes=stakes, cues=cues, claim_lemmas=claim_lemmas, promises=promises, own_slips=slips, ours_failed=ours_failed,
                           failures=failures, outside=outside, nothing_of_ours=nothing_of_ours)


def _from_outside(t) -> bool:
    """A failing clause done by weather or nature ("the snow closed the roads") or by a party of the
    customer's own ("my bank blocked the payment", "my landlord")."""
    if fr(t).agent_i < 0 or passive(t):
        return False
    who = t.doc[fr(t).agent_i]
    if lemma(who) in NATURE or who.lower_ in NATURE:
        return True
    return fr(t).agent == "third" and who.pos_ == "NOUN" and any(c.dep_ == "poss" and c.lower_ == "my" for c in who.children)


def _nobody_of_ours(doc):
    """(the outside causes named, whether every trouble in the message is the customer's own doing
    or from outside): at least one failing clause, each either from outside, or the customer's own
    act ("I missed my appointment"), or the customer left unable in a sentence that names an outside
    cause ("I couldn't get in because the snow closed the roads")."""
    outside, own, other = [], 0, 0
    for sent in doc.sents:
        # (a question's clauses too: "the snow closed the roads so I missed it, can I rebook?"; one that
        # asks whether we failed, "did you send it to the wrong address?", is ours and keeps this false)
        failing = [t for t in sent if fr(t).clause and (failure_clause(t) or fr(t).polarity == "negative")]
        from_outside = [t for t in failing if _from_outside(t)]
        for t in from_outside:  # the clause's own words: "the snow closed the roads", not what it led to
            own_words = [x.i for x in t.subtree if clause_of(x).i == t.i and not x.is_punct]
            outside.append(doc[min(own_words) : max(own_words) + 1])
        for t in failing:
            if t in from_outside:
                continue
            if fr(t).agent == "speaker" and not passive(t) and (
                    (fr(t).polarity == "positive" and lemma(t) in OWN_FAILING) or (from_outside and fr(t).polarity == "negative")):
                own += 1
            else:
                other += 1
    # "your app logged me out and I lost 30 minutes": something of ours acted, so the loss may be ours
    # (not a question or a request to us: "can you resend it?")
    ours_acted = any(fr(t).clause and fr(t).agent == "customer" and not fr(t).question and fr(t).tense in ("past", "perfect") for t in doc)
    return outside, bool(outside or own) and not other and not ours_acted


def _how_long(sent: Span):
    """How long it has gone on: a number of days or weeks ("2 weeks", "three days late", "for 40 mins"
    is not: minutes are a wait, not a saga), "all weekend", "since Monday", "for ages"."""
    for t in sent:
        low = t.lower_
        long_unit = low in ("week", "weeks", "wks", "month", "months", "year", "years", "weekend")
        counted = any((c.like_num and (long_unit or not c.text.isdigit() or int(c.text) >= 2) and c.lower_ not in ("one", "a")) or c.lower_ in (
            "several", "few", "many", "all", "whole", "entire") or (long_unit and c.lower_ in ("a", "an")) for c in t.children)
        if low in DURATION_UNITS and (counted or low in ("ages", "forever")):  # "two weeks", "all weekend", "3 days" (not "a day late")
            return sent.doc[t.left_edge.i : t.i + 1]
        if low == "since" and t.i + 1 < sent.end and (sent.doc[t.i + 1].ent_type_ == "DATE" or sent.doc[t.i + 1].lower_ in (
                "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april",
                "may", "june", "july", "august", "september", "october", "november", "december", "last")):
            return sent.doc[t.i : t.i + 2]
    return None


def _broken_promise(sent: Span):
    """A promise the customer says was broken: "you promised a callback", "it was meant to arrive
    Tuesday", "due on the 3rd and still nothing", "guaranteed next-day"."""
    for t in sent:
        if lemma(t) in PROMISE_VERBS and t.pos_ == "VERB" and fr(t).agent != "speaker":
            return sent.doc[t.left_edge.i : t.right_edge.i + 1] if t.dep_ != "ROOT" else sent
        if t.lower_ in EXPECTED and t.i + 1 < sent.end and sent.doc[t.i + 1].lower_ in ("to", "on", "by", "for", "at") and any(
                lemma(a) == "be" for a in [t.head, *t.children] if a.i < t.i):
            return sent
        said = _said_it_would(t)
        if said is not None:
            return said
    return None


def _said_it_would(t):
    """A promise reported in the customer's words: "you said someone would call me back yesterday",
    "the driver said he'd come back between 2 and 4", "I was told it would arrive Tuesday" (a
    `say`/`tell` whose clause says what would happen), not "I said I would be home by 5"."""
    if lemma(t) not in ("say", "tell") or t.tag_ not in ("VBD", "VBN") or fr(t).question:
        return None
    told = passive(t) and fr(t).agent in ("none", "speaker")  # "I was told"
    if fr(t).agent == "speaker" and not told:
        return None
    for c in t.children:
        if c.dep_ == "ccomp" and fr(c).clause and fr(c).agent != "speaker" and any(
                a.dep_ == "aux" and a.lower_ in ("would", "'d", "will", "'ll") for a in c.children):
            return t.doc[min(t.left_edge.i, c.left_edge.i) : max(t.i, c.right_edge.i) + 1]
    return None


def promise_time(span):
    """The date or time a broken promise names ("Tuesday", "by 5", "in 5 days", "3 March"), or None:
    a promise with no time ("you promised a callback") sets no date a reply could answer with a new one."""
    for x in span:
        if a_time(x) or x.lower_ in ("yesterday", "weekend"):
            return span.doc[x.i : x.i + 1]
        if x.like_num and x.i > span.start and span.doc[x.i - 1].lower_ in ("at", "by", "between", "in", "within", "before", "on", "the"):
            return span.doc[x.i - 1 : x.i + 1]  # "by 5", "at 3", "in 5 days", "on the 1st"
    return None


def told_before(t) -> bool:
    """A clause said as a statement inside a sentence that ends in a question: its subject comes
    before its verb and no auxiliary comes before its subject ("I think I forgot ..., can you
    help?"), unlike "did I forget to pay?"."""
    subj = next((c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None or subj.i > t.i:
        return False
    return not any(c.dep_ in ("aux", "auxpass") and c.i < subj.i for c in t.children) and not any(
        x.tag_ in ("WRB", "WP") for x in t.doc[t.sent.start : subj.i])


def _own_slip(sent: Span):
    """The customer's own mistake in their words: "my mistake", "I typed the wrong postcode", "I
    forgot my password", "I accidentally ordered two"."""
    for t in sent:
        if lemma(t) in OWN_SLIP_NOUNS and any(c.lower_ == "my" for c in t.children if c.dep_ == "poss"):
            return sent
        if t.lower_ in OWN_SLIP_WORDS and fr(clause_of(t)).agent == "speaker":
            return sent
        if t.lower_ in ("mistake", "accident", "error") and t.dep_ == "pobj" and t.head.lower_ in ("by", "in") and fr(clause_of(t)).agent == "speaker":
            return sent  # "I bought a gift card by mistake"
        asked = fr(t).question and (not told_before(t))  # "I think I forgot to update my address, can you help?" tells, then asks
        # ("forgot" is past whatever its tag: the parser reads "I forgot to update ..." as VBP)
        if fr(t).clause and fr(t).agent in ("speaker", "none") and (fr(t).tense in ("past", "perfect") or t.lower_ in ("forgot", "forgotten")) and not asked and (  # "forgot my password again"
                lemma(t) == "forget" or t.lower_ in ("forgot", "forgotten") or any(x.lower_ in ("wrong", "wrongly", "incorrect", "incorrectly") and clause_of(x).i == t.i for x in t.subtree)):
            # "I typed my address wrong", "booked the wrong city", "bought tickets for the wrong date"
            return sent
    return None


#: the words of a failure topic that name a fault by themselves, whatever their clause says ("full of
#: errors", "incredibly rude", "down all morning"): a closed subset of each topic's FAILURE_TOPICS words
FAULT_WORDS = {
    "quality": {"broken", "damaged", "faulty", "defective", "crack", "cracked", "dent", "dented", "stain", "squash", "squashed", "wrong", "missing", "error", "mistake"},
    "outage": {"down", "outage", "offline", "crash"},
    "staff": {"rude", "attitude"},
    "wait": {"hold", "queue"},
    "deadline": {"late", "overdue"},
    "billing": {"overcharge"},
    "access": {"locked", "lock"},
}


def said_to_fail(topic: str, tok, promises: list) -> bool:
    """Whether the failure of `topic` read at `tok` is one the customer says went wrong: its own clause
    says so ("my kettle still hasn't arrived"), names a fault of its topic, or is a promise they say was
    broken; not a question, nor how things are ("your prices are too high")."""
    head = clause_of(tok)
    if fr(head).question:
        return False
    if fr(head).tense == "present" and any(c.lower_ == "too" for x in head.subtree if clause_of(x).i == head.i for c in [x] if c.dep_ == "advmod"):
        return False  # "your pool opens too late", "your prices are too high": how things are, no failure to apologize for
    if any(p.start <= tok.i < p.end for p in promises):
        return True
    if fr(head).clause and (fr(head).polarity == "negative" or failure_clause(head)):
        return True
    faults = FAULT_WORDS.get(topic, set())
    return any((lemma(t) in faults or t.lower_ in faults) and clause_of(t).i == head.i for t in head.subtree)
