"""A frame for every clause: who acts, in which polarity, tense and modality, and what it causes.

This is the reading that makes detection general. A rule that asks "a clause whose agent is not
the speaker and that is the cause of a failure" catches "because our haulier broke down" and
"the scaffolders never turned up, which is why ..." alike, whatever the party is called; a list of
blame nouns catches only the nouns it lists. Only closed classes are listed here: pronouns,
modal and auxiliary verbs, causal connectives, a few verbs of causing, the nouns of a rule.

The component (`apologylint_frames`, after the parser and lemmatizer) sets these on `Token._`:

clause        the token heads a clause (a verb, or the root of a verbless sentence)
agent         the doer's role: speaker | customer | third | thing | none ("" off clause heads)
agent_i       the doer's token index, or -1
polarity      positive | negative
tense         past | perfect | present | future | imperative | nonfinite
modality      obligation | ability | inability | permission | condition | hope | hypothetical | none
question      the clause's sentence asks something
conditional   the clause sits under if / unless
cause_of      on a cause (a clause head or a noun): the index of the clause head it explains, or -1
clause_head   on every token: the index of the head of the clause it belongs to
cause_marker  the connective that makes it a cause ("because", "due to", "which is why", ...)
owned         on a cause: it is our own acknowledged mistake ("we sent it to the wrong depot")
role          on nouns and pronouns: the same roles as `agent`, for the thing itself

spaCy's matchers read these (`{"_": {"agent": "speaker"}}` in a Matcher or DependencyMatcher
pattern), so rules over frames stay data.
"""
from __future__ import annotations

import re

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Token

FRAMES = "apologylint_frames"

SPEAKER_PRONOUNS = {"i", "we", "me", "us", "myself", "ourselves", "ourself"}
CUSTOMER_PRONOUNS = {"you", "yourself", "yourselves", "u", "ya", "your", "ur"}
THIRD_PRONOUNS = {"he", "she", "they", "him", "her", "them", "someone", "somebody", "everyone", "everybody", "nobody", "anyone", "anybody"}
THING_PRONOUNS = {"it", "this", "that", "which", "these", "those", "there", "what", "something", "nothing", "everything"}
#: the people of our own side, when "our"/"my" owns them: "our team" acts as "we" does
OUR_PEOPLE = {"driver", "rider", "installer", "fitter", "plumber", "electrician", "guide", "host", "receptionist", "adviser", "advisor", "colleague", "team", "staff", "colleague", "agent", "department", "office", "company", "business", "side", "end", "people", "crew", "employee", "member", "store", "branch", "shop", "restaurant", "hotel", "kitchen", "support", "manager", "engineer", "technician", "rep", "representative", "dev", "developer", "tech"}

FUTURE_AUX = {"will", "shall", "'ll", "wo", "ll"}
OBLIGATION_AUX = {"must", "should", "ought", "shall"}
HYPOTHETICAL_AUX = {"would", "might", "'d"}
ABILITY_AUX = {"can", "could", "ca"}
PERMISSION_AUX = {"may"}
#: predicates of obligation and (in)ability that take a "to" clause: "we are required to", "unable to"
OBLIGATION_WORDS = {"require", "oblige", "obligate", "bind", "suppose", "need", "have", "force", "compel", "expect", "mandate"}
ABILITY_WORDS = {"able", "possible", "manage", "allow", "permit", "authorise", "authorize", "entitle", "eligible", "free"}
INABILITY_WORDS = {"unable", "impossible", "cannot", "prohibit", "forbid", "ineligible", "unauthorised", "unauthorized"}
HOPE_WORDS = {"hope", "wish", "aim", "try", "strive", "hopefully", "endeavour", "endeavor"}
#: verbs said with "I" left out, not as orders (a closed class): "appreciate the feedback", "hope this helps"
DROPPED_I = {"appreciate", "hope", "love", "understand", "wish", "thank", "feel", "hate", "reckon", "guess", "think", "know"}
#: adverbs that make a future a guess, not a promise (a closed class): "it'll probably correct itself"
GUESSING = {"probably", "possibly", "maybe", "perhaps", "likely", "hopefully", "eventually"}
NEGATORS = {"not", "never", "n't", "no"}
NEGATIVE_SUBJECTS = {"nobody", "nothing", "none", "neither"}
CONDITION_MARKS = {"if", "unless", "whether"}

#: subordinators that make their clause the cause of the clause they attach to
CAUSAL_MARKS = {"because", "since", "as", "cos", "cuz", "coz", "bc", "'cause", "cause"}
#: two-word prepositions of cause
CAUSAL_PREPS = {("due", "to"), ("owing", "to"), ("because", "of"), ("thanks", "to"), ("down", "to")}  # and "as a result of", below
#: verbs whose past is their present form: "let", "put", "hit"
INVARIANT_PAST = {"let", "put", "hit", "set", "cut", "shut", "cost", "quit", "split", "spread"}
#: verbs whose subject causes what the verb says: "the storm meant ...", "roadworks held up the van"
CAUSING_VERBS = {"mean", "make", "force", "cause", "lead", "result", "slow", "hold", "delay", "set", "affect", "impact", "prevent", "stop", "push", "knock", "hit", "leave", "keep", "disrupt", "hamper", "hinder", "trigger"}
#: verbs of where something came from: "X came / stemmed / arose from Y" makes Y the cause of X
ORIGIN_VERBS = {"come", "stem", "arise", "originate", "spring", "result"}  # ("result in" is a causing verb)
#: verbs the speaker undergoes rather than does: "we were swamped", "we had a power cut"
UNDERGO = {"be", "have", "experience", "get", "receive", "see", "face", "deal", "run", "struggle", "suffer", "encounter", "hit", "become", "remain", "stay", "feel", "seem", "find", "lose", "wait", "hear", "rely", "depend"}
#: verbs of knowing and feeling: "I know you need it Saturday, so ..." owns no mistake
MENTAL = {"know", "understand", "think", "believe", "realise", "realize", "appreciate", "hope", "want", "need", "see", "hear", "feel", "love", "like", "wish", "expect", "imagine", "agree"}
#: nouns of a mistake: with "our"/"my", or "on our part", a cause is an owned mistake
MISTAKE_NOUNS = {"mistake", "error", "fault", "oversight", "slip", "blunder", "bad", "failing", "mess", "screwup", "cock-up", "negligence", "misunderstanding"}


#: where a doc keeps its frames (`doc.user_data`), one per token
USER_DATA_KEY = "apologylint.frames"


class Frame:
    """One token's frame (the fields are those of the module docstring). The rules and moves read
    these many times per token: a plain object is several times cheaper to read than `Token._`,
    which builds a new accessor on every read; `Token._` reads the same objects, for the matchers
    and the API. The defaults are class attributes, so a token that heads no clause costs an
    empty object."""

    clause: bool = False
    agent: str = ""
    agent_i: int = -1
    polarity: str = ""
    tense: str = ""
    modality: str = ""
    question: bool = False
    conditional: bool = False
    cause_of: int = -1
    cause_marker: str = ""
    owned: bool = False
    role: str = ""
    clause_head: int = -1
    #: not a field: what `passive` found, kept for the next question (None: not asked yet)
    passive = None
    #: not a field: the subject `predicates.subject_of` found (-2: not asked yet, -1: none)
    subject_i = -2
    #: not a field: what `moves.failure_clause` found (None: not asked yet)
    failure = None

    def __repr__(self) -> str:
        return f"Frame({', '.join(f'{k}={getattr(self, k)!r}' for k in FIELDS)})"


#: the frame's fields and their defaults (the `Token._` extensions of the same names read them)
FIELDS = {name: getattr(Frame, name) for name in Frame.__annotations__}


def frames_of(doc: Doc) -> list[Frame]:
    """The frames of a doc's tokens: set by the component, blank for a doc it never saw."""
    frames = doc.user_data.get(USER_DATA_KEY)
    if frames is None or len(frames) != len(doc):
        frames = doc.user_data[USER_DATA_KEY] = [Frame() for _ in range(len(doc))]
    return frames


def fr(t: Token) -> Frame:
    """A token's frame. Read several hundred thousand times a batch, so the common case is one
    lookup; a doc without frames (or with a list of another length) gets blank ones."""
    doc = t.doc
    frames = doc.user_data.get(USER_DATA_KEY)
    if frames is None or len(frames) != len(doc):
        frames = frames_of(doc)
    return frames[t.i]


def _getter(name: str):
    return lambda t: getattr(fr(t), name)


def install() -> None:
    """Register the extensions and the component (idempotent: spaCy's registries are global)."""
    from spacy.language import Language
    from spacy.tokens import Token

    for name in FIELDS:
        if not Token.has_extension(name):
            Token.set_extension(name, getter=_getter(name))
    if FRAMES not in Language.factories:
        Language.component(FRAMES, func=frame_doc)


def add_to(nlp) -> None:
    install()
    if FRAMES not in nlp.pipe_names:
        nlp.add_pipe(FRAMES, last=True)


# ------------------------------------------------------------------------------------ the parts
def lemma(t: Token) -> str:
    return t.lemma_.lower()


def is_clause_head(t: Token) -> bool:
    if t.dep_ in ("aux", "auxpass"):
        return False
    if t.pos_ in ("VERB", "AUX"):
        return True
    # a verbless sentence ("Sorry for the delay.") or a predicate adjective with its own subject
    return t.dep_ == "ROOT" or (t.dep_ in ("ccomp", "advcl", "conj") and any(c.dep_.startswith("nsubj") for c in t.children))


def subject(t: Token) -> Token | None:
    """The nearest subject before the verb (a greeting's name can be a second one), inherited by
    conjoined verbs and by a "to" clause from its head ("we need to", "regulations require us to")."""
    for _ in range(50):  # a loop up the chain, not recursion: a reply of 1,000 "and"s must not crash
        subs = [c for c in t.children if c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj")]
        if subs:
            before = [c for c in subs if c.i < t.i]
            return max(before, key=lambda c: c.i) if before else subs[0]
        if t.head.i == t.i:
            return None
        if t.dep_ == "conj" and t.head.pos_ in ("VERB", "AUX", "ADJ"):
            t = t.head
        elif t.dep_ == "xcomp":
            obj = next((c for c in t.head.children if c.dep_ in ("dobj", "dative") and c.i < t.i), None)
            if obj is not None:
                return obj
            t = t.head
        elif t.dep_ == "acomp":
            t = t.head
        else:
            return None
    return None


def passive(t: Token) -> bool:
    f = fr(t)
    if f.passive is None:  # asked of the same clause by many moves: read once
        f.passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in t.children)
    return f.passive


#: "by default", "by mistake", "by email": a manner or a means after "by", not a doer
BY_MANNER = {"default", "mistake", "accident", "hand", "email", "e-mail", "post", "phone", "text", "design", "chance", "error", "courier", "card", "cheque", "check"}


#: connectives of contrast (a closed class): praise with one of these usually carries a complaint
CONTRAST = frozenset({"but", "however", "though", "although", "except", "unfortunately", "shame", "pity"})


#: what is a deadline after "by" besides a time (`a_time`): "by the end of the week", "by then"
BY_TIME = {"morning", "afternoon", "evening", "end", "weekend", "week", "month", "then", "now", "close", "lunchtime"}


def _deadline(obj: Token) -> bool:
    """"by 2pm", "by Friday", "by the end of the day", "by then": a time after "by", not a doer."""
    return a_time(obj) or obj.like_num or obj.lower_ in BY_TIME or bool(re.fullmatch(r"\d{1,2}(?::\d\d)?(?:am|pm)?", obj.lower_))


# -- times (a closed class) ------------------------------------------------------------------
#: words of a particular time (a closed class): with a commitment, they make it a timeline
TIME_WORDS = {"today", "tomorrow", "tmrw", "tmr", "tomoz", "2moro", "2morrow", "tonight", "tonite", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
              "mon", "tue", "tues", "thu", "thur", "thurs", "fri", "noon", "midday", "midnight", "eod", "am", "pm"}
CLOCK = re.compile(r"^\d{1,2}[:.]\d\d([ap]m)?$")
HOUR = re.compile(r"^\d{1,2}(?:am|pm)$")  # "4pm"
DAY_OF_MONTH = re.compile(r"^\d{1,2}(?:st|nd|rd|th)$")  # "the 14th"
NUMERIC_DATE = re.compile(r"^\d{1,2}/\d{1,2}(?:/\d{2,4})?$")  # "14/10"
#: the months (a closed class), and their usual short forms
MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
          "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}


def a_time(x: Token) -> bool:
    """A word of a particular time: "tomorrow", "Friday", "4pm", "10:30", "this morning", "next week",
    "the 14th", "14 October". The reading's one test of a time: what makes a commitment timed, a
    promise dated, a "by" a deadline."""
    if x.lower_ in ("am", "pm"):  # "10 am", not "I am"
        return x.i > 0 and x.doc[x.i - 1].like_num and x.pos_ not in ("AUX", "VERB")
    if x.lower_ in TIME_WORDS or x.ent_type_ in ("DATE", "TIME") or CLOCK.match(x.lower_) or HOUR.match(x.lower_):
        return True
    if DAY_OF_MONTH.match(x.lower_) and x.dep_ == "amod" and x.head.pos_ == "NOUN" and x.head.lower_ not in MONTHS:
        return False  # "the 4th week", "my 3rd call": a count, not a date
    if DAY_OF_MONTH.match(x.lower_) or NUMERIC_DATE.match(x.lower_) or (x.lower_ in MONTHS and (x.lower_ != "may" or x.pos_ == "PROPN")):
        return True  # "the 14th", "14/10", "14 October"
    if x.lower_ == "end" and any(c.lower_ == "of" and any(o.lower_ in ("day", "week", "month", "weekend", "play", "business") for o in c.children) for c in x.children):
        return True  # "by the end of the week", "end of play"
    return x.lower_ in ("morning", "afternoon", "evening", "week", "weekend") and any(c.lower_ in ("this", "next") and c.dep_ == "det" for c in x.children)




def by_agent(t: Token) -> Token | None:
    for c in t.children:
        if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by" and t.tag_ == "VBN"):
            obj = next((x for x in c.children if x.dep_ == "pobj"), None)
            if obj is not None and not (obj.lower_ in BY_MANNER and not any(d.dep_ in ("det", "poss") for d in obj.children)) and not _deadline(obj):
                return obj
    return None


def role(n: Token | None) -> str:
    """Who a noun or pronoun is: the speaker's side, the customer's, a third party, or a thing."""
    if n is None:
        return "none"
    low = n.lower_
    if low in SPEAKER_PRONOUNS:
        return "speaker"
    if low in CUSTOMER_PRONOUNS:
        return "customer"
    if low in THIRD_PRONOUNS:
        return "third"
    if low in THING_PRONOUNS:
        return "thing"
    poss = {c.lower_ for c in n.children if c.dep_ == "poss"}
    if poss & {"our", "my"} and lemma(n) in OUR_PEOPLE:
        return "speaker"
    if any(c.dep_ == "prep" and c.lower_ in ("on", "in", "from", "for") and any(o.dep_ == "pobj" and any(p.lower_ == "your" for p in o.children) for o in c.children) for c in n.children):
        return "customer"  # "the card on your account"
    if poss & {"your", "ur"} or _possessed_by_customer(n):
        return "customer"  # "your bank's security check" is on the customer's side
    if n.pos_ == "PROPN" or (n.ent_type_ in ("ORG", "PERSON", "GPE", "NORP")):
        return "third"
    if n.pos_ in ("NOUN", "PROPN") and _agentive(n):
        return "third"
    return "thing"


def _possessed_by_customer(n: Token) -> bool:
    """"your bank's security check": a chain of possessors that ends in "your" (walked, not recursed)."""
    for _ in range(50):
        owner = next((c for c in n.children if c.dep_ == "poss" and c.lower_ not in ("our", "my", "their", "his", "her", "its")), None)
        if owner is None:
            return False
        if owner.lower_ in CUSTOMER_PRONOUNS or owner.lower_ == "your":
            return True
        n = owner
    return False


#: nouns ending like agent nouns that are not people
_NOT_AGENTIVE = {"weather", "order", "number", "water", "server", "computer", "printer", "letter", "winter", "summer", "matter", "error", "power", "paper", "filter", "folder", "router", "counter", "center", "centre", "monitor", "sensor", "motor", "elevator", "calculator", "browser", "timer", "buffer", "cover", "container", "trailer", "corner", "hour", "floor", "door", "colour", "color", "labor", "labour", "behavior", "behaviour", "factor", "sector", "error", "meter", "register", "other", "answer", "member", "event", "content", "incident", "accident", "moment", "payment", "amount", "comment", "agreement", "equipment", "shipment", "treatment", "statement", "department", "component", "requirement", "document", "element", "segment", "environment", "basement", "apartment", "government", "management", "restaurant", "plant", "variant", "grant", "giant"}


def _agentive(n: Token) -> bool:
    low = lemma(n)
    if low in _NOT_AGENTIVE:
        return low in ("government", "management", "giant")
    return low.endswith(("er", "or", "ist", "ian", "ant", "ent", "eer", "ier")) or low in {"staff", "crew", "firm", "team", "council", "police", "company", "partner", "bank", "airline", "airport", "courier", "vendor", "supplier", "contractor", "landlord", "agency", "authority"}


def negative(t: Token) -> bool:
    if any(c.dep_ == "neg" or (c.lower_ in NEGATORS and c.dep_ in ("advmod", "neg")) for c in t.children):
        return True
    subj = subject(t)
    if subj is not None and subj.lower_ in NEGATIVE_SUBJECTS:
        return True
    # "no one came", "nobody from the team"
    if subj is not None and any(c.dep_ == "det" and c.lower_ == "no" for c in subj.children):
        return True
    return lemma(t) in ("fail", "neglect", "refuse") or t.lower_ in ("cannot", "unable")


def _run_on_request(t: Token) -> bool:
    """The verb opens its clause right after a comma (or after "just", "please" there), with no
    subject or subordinator of its own: "your PUK is in the app, pop that in", "..., just say yes"."""
    edge = t.left_edge.i
    if edge < t.i and not all(x.lower_ in ("just", "simply", "then", "please", "pls", "plz") for x in t.doc[edge : t.i]):
        return False
    return edge > 0 and t.doc[edge - 1].lower_ in (",", ";", "-", "–") and not any(c.dep_ in ("mark", "nsubj", "nsubjpass") for c in t.children)


def tense(t: Token) -> str:
    auxes = [c for c in t.children if c.dep_ in ("aux", "auxpass")]
    words = {c.lower_ for c in auxes}
    lemmas = {lemma(c) for c in auxes}
    if words & FUTURE_AUX or (t.dep_ == "xcomp" and t.head.lower_ == "going" and any(lemma(c) == "be" for c in t.head.children)):
        return "future"
    if "have" in lemmas and t.tag_ in ("VBN", "VBD"):
        return "perfect"
    if "been" in words and words & {"'s", "s"} and t.tag_ in ("VBN", "VBD", "VBG"):
        return "perfect"  # "it's been put back through": "'s been" is "has been", whatever the tagger made of "'s"
    if t.tag_ == "VBD" or any(c.tag_ == "VBD" for c in auxes):
        return "past"
    if t.tag_ == "VBN" and not auxes and t.dep_ in ("ROOT", "conj") and any(c.dep_ == "nsubj" for c in t.children):
        return "past"  # "Order #4471 shipped on 3 March": a past the tagger took for a participle
    if t.tag_ in ("VBP", "VB") and lemma(t) in INVARIANT_PAST and not auxes:
        subj = subject(t)
        if subj is not None and subj.tag_ in ("NN", "NNP") and subj.lower_ not in SPEAKER_PRONOUNS:
            return "past"  # "our supplier let us down": a singular subject would take "lets" in the present
    if t.tag_ == "VB" and not auxes and t.dep_ in ("ROOT", "conj") and subject(t) is None and lemma(t) not in DROPPED_I:
        if t.dep_ == "ROOT" or (t.head.tag_ == "VB" and subject(t.head) is None):
            return "imperative"
    if t.tag_ in ("VB", "VBP") and not auxes and t.dep_ in ("advcl", "parataxis", "conj", "dep") and _run_on_request(t):
        # "your PUK is in the app, pop that in": a request run on after a comma; as a conjunct, not one
        # that shares a subject it could agree with ("the code is on the card, pop it in": not "pops")
        shared = subject(t.head) if t.dep_ == "conj" else subject(t)
        if shared is None or (t.dep_ == "conj" and (shared.tag_ in ("NN", "NNP") or shared.lower_ in ("he", "she", "it", "this", "that"))):
            return "imperative"
    if t.tag_ in ("VB", "TO") and not (words - {"to"}) and t.dep_ in ("xcomp", "advcl", "acl", "relcl", "pcomp", "csubj"):
        return "nonfinite"
    return "present"


def modality(t: Token, neg: bool) -> str:
    auxes = {c.lower_ for c in t.children if c.dep_ in ("aux", "auxpass")}
    head = t.head if t.dep_ == "xcomp" else None
    if conditional(t):
        return "condition"
    if auxes & OBLIGATION_AUX:
        return "obligation"  # also "you should have called": obligation in hindsight (tense: perfect)
    if auxes & ABILITY_AUX or t.lower_ == "cannot":
        return "inability" if neg or t.lower_ == "cannot" else "ability"
    if auxes & PERMISSION_AUX:
        return "permission" if not neg else "inability"
    if auxes & HYPOTHETICAL_AUX and not ("'d" in auxes and t.tag_ == "VBN" and "have" not in auxes):
        return "hypothetical"  # "you'd have seen" is would; "after you'd paid" is had
    for w in [t, head] if head is not None else [t]:
        lw = lemma(w)
        wneg = negative(w)
        comps = {lemma(c) for c in w.children if c.dep_ in ("acomp", "oprd", "attr")}
        if lw in INABILITY_WORDS or comps & INABILITY_WORDS:
            return "inability"
        if lw in ("have", "need") and w is head and t.tag_ == "VB":
            return "obligation"
        if lw in OBLIGATION_WORDS - {"have", "need"} and (passive(w) or w.tag_ == "VBN"):
            return "obligation"
        if lw in ("require", "force", "oblige", "compel", "mandate") and w is head:
            return "obligation"
        if lw in ABILITY_WORDS or comps & ABILITY_WORDS:
            return "inability" if wneg else ("permission" if lw in ("allow", "permit", "authorise", "authorize", "entitle") else "ability")
        if lw in HOPE_WORDS and w is head:
            return "hope"
    if any(lemma(c) in HOPE_WORDS or c.lower_ in GUESSING for c in t.children if c.dep_ == "advmod"):
        return "hope"  # "hopefully it arrives soon", "it'll probably correct itself overnight": a guess, no promise
    return "none"


def conditional(t: Token) -> bool:
    for x in [t, *t.ancestors]:
        if any(c.dep_ == "mark" and c.lower_ in CONDITION_MARKS for c in x.children):
            return True
        if x.dep_ in ("ROOT",):
            break
    return False


def clause_of(t: Token) -> Token:
    """The head of the clause a token belongs to (set once per doc by the component)."""
    if fr(t).clause_head >= 0:
        return t.doc[fr(t).clause_head]
    for x in [t, *t.ancestors]:
        if fr(x).clause:
            return x
    return t.sent.root


def question(sent) -> bool:
    """A sentence with a question mark (sign-offs after it do not hide it)."""
    return any("?" in t.text for t in sent if t.is_punct)


# ------------------------------------------------------------------------------------ causes
#: verbs of what evidence says: "tracking shows it hasn't moved, so something's gone wrong" infers, not causes
EVIDENCE_VERBS = {"show", "indicate", "suggest", "confirm", "match", "prove", "say", "read", "state", "list"}


#: verbs of how things look: in "looks like the PIN lock is still on, that's why ..." the cause is what it looks like
SEEMING = {"look", "seem", "appear", "sound"}


#: where people or things are when they are not working (a closed class): "with half the team off", "with the line down"
AWAY = {"off", "out", "away", "down", "sick", "ill", "absent", "closed", "shut", "offline", "unavailable", "missing"}


def _mark_cause(cause: Token, effect: Token, marker: str) -> None:
    if fr(cause).clause and lemma(cause) in SEEMING:
        cause = next((c for c in cause.children if c.dep_ in ("advcl", "ccomp") and fr(c).clause and c.i != effect.i), cause)
    if cause.i == effect.i or fr(cause).cause_of >= 0:
        return
    if fr(cause).clause and lemma(cause) in EVIDENCE_VERBS and fr(cause).agent in ("thing", "third", "none") \
            and any(c.dep_ in ("ccomp", "dobj") for c in cause.children):
        return  # what the tracking shows is evidence; "the roofer didn't show" is a cause
    fr(cause).cause_of = effect.i
    fr(cause).cause_marker = marker
    fr(cause).owned = owned(cause)


#: states of being too busy (a closed class): said of us, they plead the volume of work, which owns nothing
BUSY_STATES = {"hectic", "manic", "chaotic", "frantic", "busy", "busier", "swamped", "overwhelmed", "stretched", "mad", "crazy", "slammed", "snowed"}


def owned(cause: Token) -> bool:
    """Our own acknowledged mistake: we did something (not underwent it), or "our/my mistake",
    "an error on our part". "We were swamped", "we had a power cut" are not: they shift the cause."""
    toks = [x for x in cause.subtree if x.pos_ in ("NOUN", "ADJ", "PROPN") and (not fr(cause).clause or clause_of(x).i == cause.i)]
    for x in toks:
        if lemma(x) in MISTAKE_NOUNS:
            poss = {c.lower_ for c in x.children if c.dep_ == "poss"}
            if poss & {"our", "my"} or (poss == set() and x.i == cause.i and x.tag_ != "NNS"):
                pps = [c for c in x.children if c.dep_ == "prep"]
                outside = [p for p in pps if any(role(o) in ("third", "thing") and lemma(o) not in ("part", "end", "side") for o in p.children if o.dep_ == "pobj")]
                if not outside and "your" not in poss:
                    return True
    if not fr(cause).clause and role(cause) != "third" and any(c.dep_ == "poss" and c.lower_ in ("our", "my") for c in cause.children):
        return True  # "because of our outage": a cause of ours, named as ours
    busy = fr(cause).clause and any(c.dep_ in ("acomp", "oprd", "attr") and c.lower_ in BUSY_STATES for c in cause.children)
    for x in cause.subtree:
        if x.lower_ in ("side", "end", "part") and x.head.lower_ == "on" and any(c.lower_ in ("our", "my") for c in x.children) \
                and (not fr(cause).clause or clause_of(x).i == cause.i) and not busy:  # "things got hectic on our end" pleads volume
            before = {w.lower_ for w in x.doc[max(x.head.i - 3, x.sent.start) : x.head.i]}
            if not before & {"not", "n't", "nothing", "no", "never"}:  # not "not anything on our end"
                return True  # "the claim form on our side had the wrong box ticked": ours, said where it happened
    if fr(cause).clause:
        agent = fr(cause).agent
        if agent == "speaker" and lemma(cause) not in UNDERGO | MENTAL and not passive(cause):
            return True
    return False


def _root_before(t: Token, sents: list) -> Token | None:
    """The root of the sentence before `t`'s: what "Hence the wait." or "So ..." at a sentence's start follows."""
    start = t.sent.start
    i = next((k for k, s in enumerate(sents) if s.start == start), -1)
    return sents[i - 1].root if i > 0 else None


def _link_causes(doc: Doc, sents: list) -> None:
    for t in doc:
        low = t.lower_
        # 1. a subordinate clause of cause: "because our haulier broke down"
        if t.dep_ == "mark" and low in CAUSAL_MARKS and fr(t.head).clause:
            if low == "as" and lemma(t.head) in ("say", "mention", "state", "explain", "tell", "advise", "note", "discuss", "outline", "request", "ask", "expect", "agree", "promise", "see", "know", "show", "describe", "confirm", "indicate", "specify", "detail", "list", "warn", "advertise", "agree", "plan", "book", "order", "arrange", "instruct", "require", "suppose", "per"):
                continue  # "as I said", "as requested": not a cause
            if low == "as" and t.i + 1 < len(doc) and doc[t.i + 1].lower_ in ("soon", "well", "long", "far", "much"):
                continue
            if low == "as" and t.i > 1 and (doc[t.i - 2].lower_ == "as" or doc[t.i - 1].pos_ in ("ADJ", "ADV") or doc[t.i - 1].tag_ in ("JJR", "RBR")):
                continue  # "twice as long as it should be", "more than as": a comparison
            if low == "since" and t.head.tag_ in ("CD",):
                continue
            effect = clause_of(t.head.head) if t.head.dep_ != "ROOT" else None
            if effect is not None:
                _mark_cause(t.head, effect, low)
            continue
        # 2. prepositions of cause: "due to the weather", "because of a glitch", "down to staffing"
        if t.i + 1 < len(doc) and (low, doc[t.i + 1].lower_) in CAUSAL_PREPS:
            nxt = doc[t.i + 1]
            obj = next((c for c in nxt.children if c.dep_ in ("pobj", "pcomp")), None)
            if obj is None:
                obj = next((c for c in t.children if c.dep_ in ("pobj", "pcomp")), None)
            if obj is not None and obj.i == nxt.i:
                obj = next((c for c in t.children if c.dep_ == "pobj"), None) or next((c for c in nxt.children if c.dep_ == "pobj"), None)
            if obj is None and nxt.dep_ == "pobj":
                obj = nxt
            if obj is None:
                continue  # "due to arrive on Friday": a timetable, not a cause
            if low == "down" and lemma(t.head) != "be":
                continue
            if low == "due" and obj.pos_ == "PRON":
                continue  # "a credit due to you": owed, not caused
            marker = f"{low} {nxt.lower_}"
            _mark_cause(obj, clause_of(t), marker)
            continue
        if low == "result" and t.i > 0 and doc[t.i - 1].lower_ == "a" and t.i > 1 and doc[t.i - 2].lower_ == "as":
            obj = next((x for c in t.children if c.lower_ == "of" for x in c.children if x.dep_ in ("pobj", "pcomp")), None)
            if obj is not None:
                _mark_cause(obj, clause_of(t), "as a result of")
            continue
        # 3. "caused by X", "delayed by the storm": a passive of causing with its agent
        if fr(t).clause and passive(t) and lemma(t) in CAUSING_VERBS | {"let", "delay", "affect", "hold", "hit", "impact", "disrupt"}:
            ag = by_agent(t)
            if ag is not None:
                _mark_cause(ag, t, f"{t.lower_} by")
            continue
        # 4. "X meant / forced / held up Y": the subject causes what the verb says
        if fr(t).clause and lemma(t) in CAUSING_VERBS and not passive(t) and fr(t).tense in ("past", "perfect", "present"):
            subj = subject(t)
            transitive = any(c.dep_ in ("dobj", "ccomp", "xcomp", "oprd") for c in t.children)
            if transitive and subj is not None and subj.lower_ not in ("which", "that", "this", "it") and role(subj) != "customer":
                if lemma(t) in ("make", "keep", "leave", "set", "push", "hold", "knock", "lead", "result", "stop", "hit"):
                    prts = {c.lower_ for c in t.children if c.dep_ in ("prt", "prep", "advmod")}
                    needs = {"hold": {"up", "back"}, "set": {"back"}, "push": {"back"}, "knock": {"out", "back", "over"}, "lead": {"to"}, "result": {"in"}, "stop": set(), "hit": set()}
                    if lemma(t) in needs and needs[lemma(t)] and not prts & needs[lemma(t)]:
                        continue
                    if lemma(t) in ("make", "keep", "leave") and not any(c.dep_ in ("ccomp", "xcomp", "oprd") for c in t.children):
                        continue
                if fr(subj).role == "speaker" or subj.lower_ in SPEAKER_PRONOUNS:
                    continue  # "we delayed the launch": our action, not a cause shifted
                _mark_cause(subj, t, t.lower_)
            elif not transitive and lemma(t) == "mean" and t.dep_ in ("parataxis", "advcl") and t.head.i > t.i and fr(t.head).clause \
                    and subj is not None and role(subj) not in ("customer", "speaker") and subj.lower_ not in ("which", "that", "this", "it"):
                _mark_cause(subj, t.head, t.lower_)  # "bank holidays mean processing takes longer", parsed with "mean" hung on what it means
        # "the double charge came from the move to our new system", "it stems from a fault at the depot"
        if fr(t).clause and lemma(t) in ORIGIN_VERBS and not passive(t) and fr(t).tense in ("past", "perfect"):  # "the error comes from an old app version" diagnoses
            src = next((o for c in t.children if c.dep_ == "prep" and c.lower_ == "from" for o in c.children if o.dep_ in ("pobj", "pcomp")), None)
            if src is not None and role(src) != "customer":
                _mark_cause(src, t, f"{t.lower_} from")
        if fr(t).clause and t.dep_ == "acl" and t.tag_ == "VBG" and lemma(t) in CAUSING_VERBS and t.head.pos_ in ("NOUN", "PROPN") and role(t.head) != "customer":
            _mark_cause(t.head, t, t.lower_)
        # "with fog closing the airport": an absolute clause of cause
        if low == "with" and t.dep_ == "prep" and t.i <= t.sent.start + 1:
            obj = next((c for c in t.children if c.dep_ == "pobj"), None)
            if obj is not None and any((c.dep_ == "acl" and c.tag_ == "VBG") or (c.dep_ in ("prep", "advmod", "amod", "acomp") and c.i > obj.i and c.lower_ in AWAY)
                                       for c in obj.children):
                _mark_cause(obj, clause_of(t.head), "with")  # (and "with half the team off with flu")
        # "with the bank holiday, everything's running a day behind": a bare "with" phrase before a
        # failure (what failed is read when the moves are, so here: only before "behind"/"late"/"delayed")
        if low == "with" and t.dep_ == "prep" and t.i <= t.sent.start + 1 and t.head.i > t.i and fr(t.head).clause and fr(t.head).tense in ("present", "past", "perfect") \
                and any(x.lower_ in ("behind", "late", "delayed", "slower", "longer", "backed") for x in t.head.subtree if clause_of(x).i == t.head.i):
            obj = next((c for c in t.children if c.dep_ == "pobj"), None)
            if obj is not None and obj.pos_ in ("NOUN", "PROPN"):
                _mark_cause(obj, t.head, "with")
        # "with two drivers off sick, ...", "with the main road closed, ...": parsed as a clause marked by "with"
        if low == "with" and t.dep_ == "mark" and t.i <= t.sent.start + 1 and t.head.dep_ == "advcl" and fr(t.head.head).clause:
            _mark_cause(t.head, t.head.head, "with")
        # 5. "which is why", "that's why", "which meant": the clause before is the cause
        if low in ("which", "that", "this") and t.dep_ in ("nsubj",) and fr(t.head).clause and fr(t.head).modality == "none" and t.head.dep_ != "ccomp":
            h = t.head
            why = any(c.lower_ == "why" for c in h.subtree) and (lemma(h) == "be" or h.lower_ in ("s", "'s"))
            means = lemma(h) in ("mean", "lead", "result") or (lemma(h) in CAUSING_VERBS and low == "which")
            if why or means:
                verb = h.lower_
                effect = next((c for c in h.children if c.dep_ in ("ccomp", "xcomp", "advcl") and fr(c).clause), None)
                if effect is not None and effect.i < t.i:
                    later = [c for c in effect.children if c.dep_ == "conj" and fr(c).clause and c.i < t.i]
                    if later and why:  # "we moved platforms and it's been dropping texts, that's why ...": the nearest clause before
                        effect = max(later, key=lambda c: c.i)
                    _mark_cause(effect, h, f"{low} is why" if why else f"{low} {verb}")  # "X, that's why"
                    continue
                if effect is None and why:
                    # a closing "..., that's why": the clause before it is the cause of what the customer reported
                    prev = [c for c in t.sent if fr(c).clause and c.i < t.i and c.i != h.i]
                    if prev:
                        _mark_cause(max(prev, key=lambda c: len(list(c.subtree))), h, f"{low} is why")
                    continue
                h = effect if effect is not None else h
                if low == "which" or t.head.dep_ != "ROOT":
                    prev = t.head.head if t.head.head.i != t.head.i else None
                    if prev is not None:
                        prev = clause_of(prev)
                        # "we moved platforms and it's been dropping texts, that's why ...": the nearest clause before
                        later = [c for c in prev.children if c.dep_ == "conj" and fr(c).clause and c.i < t.i and c.i != t.head.i]
                        prev = max(later, key=lambda c: c.i) if later and why else prev
                        _mark_cause(prev, h, "which is why" if why else f"which {verb}")
                else:
                    prev = _root_before(t, sents)
                    if prev is not None:
                        _mark_cause(prev, h, f"{low} is why" if why else f"{low} {verb}")
        # "crossed wires between reception and the kitchen is why the cake never came": a noun phrase as the cause
        if low == "why" and t.dep_ == "advmod" and fr(t.head).clause and t.head.dep_ in ("ccomp", "advcl", "attr") and lemma(t.head.head) == "be":
            be = t.head.head
            subj = next((c for c in be.children if c.i < t.i and ((c.dep_ == "nsubj" and c.pos_ in ("NOUN", "PROPN")) or (c.dep_ == "csubj" and fr(c).clause))), None)
            if subj is not None and fr(subj).cause_of < 0:
                _mark_cause(subj, t.head, "is why")
        # 6. ", so Y": the clause before "so" is the cause of Y
        if low == "so" and t.dep_ in ("advmod", "cc", "mark") and t.i + 1 < len(doc) and doc[t.i + 1].lower_ not in ("that", "much", "many", "sorry", "far", "long", "glad", "happy", "pleased"):
            y = t.head if t.dep_ != "cc" else None
            if y is not None and not fr(y).clause and t.dep_ == "advmod":
                # "..., so older mounts don't fit": the parser reads "so older" as a degree ("so much
                # older"); it opens the clause when it is the first word of the clause's subject
                opened = clause_of(t)
                subj = next((c for c in opened.children if c.dep_ in ("nsubj", "nsubjpass")), None) if fr(opened).clause else None
                y = opened if subj is not None and subj.left_edge.i == t.i else None
            if t.dep_ == "cc":
                # (or the clause after "so" hung on the one before as its complement: "X need notice, so
                # Y will be taken" parsed with "taken" a ccomp of "need")
                y = next((c for c in t.head.children if c.dep_ == "conj" and c.i > t.i), None) or next(
                    (c for c in t.head.children if c.dep_ == "ccomp" and c.i > t.i and fr(c).clause
                     and any(s.dep_ in ("nsubj", "nsubjpass") for s in c.children) and c.left_edge.i == t.i + 1), None)
                x = t.head
            else:
                x = None
                if y is not None:
                    x = next((c for c in y.children if fr(c).clause and c.i < t.i and c.dep_ in ("ccomp", "advcl", "parataxis", "csubj")), None)
                    if x is None and y.dep_ == "conj":
                        x = y.head
                    if x is None and y.dep_ in ("advcl", "parataxis", "ccomp") and y.head.i < t.i and fr(y.head).clause:
                        x = y.head  # "the handler loaded the wrong container, so a few bags stayed": "stayed" hangs on "loaded"
                    if x is None and t.i == t.sent.start or (x is None and t.i - 1 >= 0 and doc[t.i - 1].is_sent_start):
                        x = _root_before(t, sents)
            if x is not None and y is not None and fr(y).clause and x.i != y.i:
                _mark_cause(x, y, "so")
        # "the council resurfaced the road and the buses have been late ever since": X, and Y since then
        if low == "since" and t.dep_ == "advmod" and not any(c.dep_ in ("pobj", "pcomp") for c in t.children) and fr(t.head).clause:
            y = t.head
            x = y.head if y.dep_ == "conj" and y.head.i < y.i and fr(y.head).clause else None
            if x is None and y.dep_ == "ROOT" and any(c.dep_ == "cc" and c.i < y.i for c in y.children):
                x = next((r for r in reversed(list(t.sent)) if r.i < y.i and r.dep_ == "ROOT" and fr(r).clause), None)
                if x is None and t.sent.start > 0 and doc[t.sent.start].lower_ == "and":  # "... overnight. And it's been failing since"
                    x = _root_before(t, sents)
            if x is not None:
                _mark_cause(x, y, "since then")
        # 7. "X, hence the delay", "X; therefore your parcel is late", "X. Hence the wait.": X causes what follows
        if low in ("hence", "therefore", "thus", "consequently") and t.dep_ == "advmod":
            y = t.head
            x = None
            if fr(y).clause:
                x = next((c for c in y.children if fr(c).clause and c.i < t.i and c.dep_ in ("ccomp", "advcl", "parataxis", "conj")), None)
                if x is None and t.i == t.sent.start:
                    x = _root_before(t, sents)
            else:  # "Royal Mail has been struggling with strikes, hence the delay": the noun hangs on (or beside) the cause
                x = next((a for a in y.ancestors if fr(a).clause), None)
                x = x if x is not None and x.i < t.i else None
            if x is not None and x.i != y.i:
                _mark_cause(x, y, low)


# ------------------------------------------------------------------------------------ the component
_DOUBLED_E = re.compile(r"([b-df-hj-np-tv-z])\1e$")


#: participles after a contracted "'s" that make it "has" ("the refund's gone through"); any other makes it "is"
HAS_PARTICIPLES = {"been", "gone", "got", "gotten", "had"}


def _repair_contracted_subjects(doc: Doc) -> None:
    """"An engineer's booked for Thurs", "refund's gone through": the parser reads the "'s" as a
    possessive and the noun as the owner of nothing. A noun, "'s" and a participle that the noun
    hangs from are a subject, an auxiliary and their verb; mended in the parse, every reading of
    the clause (its subject, passive, tense, a commitment) sees what was written."""
    for t in doc:
        if t.lower_ not in ("'s", "’s") or t.tag_ != "POS" or t.i == 0 or t.i + 1 >= len(doc):
            continue
        n, v = doc[t.i - 1], doc[t.i + 1]
        if t.head.i != n.i or n.dep_ not in ("poss", "nsubj", "nsubjpass") or v.tag_ not in ("VBN", "VBD") or n.pos_ not in ("NOUN", "PROPN"):
            continue
        # "has" before a participle with an object of its own ("the snow's made the roads lethal"), else "is"
        has = v.lower_ in HAS_PARTICIPLES or any(c.dep_ in ("dobj", "ccomp", "xcomp", "dative", "oprd") for c in v.children)
        if n.head.i == v.i:  # "an engineer's booked": the participle is the verb
            t.head, t.dep_ = v, ("aux" if has else "auxpass")
            n.dep_ = "nsubj" if has else "nsubjpass"
        elif v.dep_ in ("aux", "auxpass") and v.head.i == n.head.i and n.dep_ != "poss":  # "the router's been dropping"
            t.head, t.dep_ = v.head, "aux"
        else:
            continue
        t.tag_, t.pos_, t.lemma_ = "VBZ", "AUX", ("have" if has else "be")


def _repair_headline_participles(doc: Doc) -> None:
    """"Sadly the venue cancelled on us": with no verb to hang on, the parser makes the noun the root
    and the past tense a participle modifying it ("the venue [that was] cancelled"). A sentence whose
    root is a noun followed at once by such a participle is a clause: the participle is its verb,
    the noun its subject, and what followed the noun goes with the verb."""
    for n in doc:
        if n.dep_ != "ROOT" or n.pos_ not in ("NOUN", "PROPN") or n.i + 1 >= len(doc):
            continue
        v = doc[n.i + 1]
        if v.head.i != n.i or v.dep_ != "acl" or v.tag_ not in ("VBD", "VBN") or any(c.dep_ in ("aux", "auxpass") for c in v.children):
            continue
        moved = [c for c in n.children if c.i != v.i and (c.i > v.i or c.dep_ in ("advmod", "intj", "punct"))]
        v.head, v.dep_ = v, "ROOT"
        n.head, n.dep_ = v, "nsubj"
        for c in moved:
            c.head = v


def frame_doc(doc: Doc) -> Doc:
    """Set the frame of every clause (see the module docstring). Also make NORM the lower-cased
    lemma, so that lexicon phrases are written as lemmas."""
    if doc.has_annotation("DEP"):
        _repair_contracted_subjects(doc)
        _repair_headline_participles(doc)
    for t in doc:
        if t.lower_ == "'ve" and t.lemma_ != "have":
            t.lemma_ = "have"  # "should've": the lemmatizer leaves "'ve" after a modal as it is
        elif _DOUBLED_E.search(t.lemma_) and t.lower_.endswith((t.lemma_[:-1].lower() + "ed", t.lemma_[:-1].lower() + "ing")):
            t.lemma_ = t.lemma_[:-2]  # a doubled consonant: "mislabelled" -> "mislabel", "gutted" -> "gut", not "mislabelle", "gutte"
        t.norm_ = t.lemma_.lower()
    doc.user_data[USER_DATA_KEY] = [Frame() for _ in range(len(doc))]
    sents = list(doc.sents) if doc.has_annotation("SENT_START") or doc.has_annotation("DEP") else [doc[:]]
    for sent in sents:
        asks = question(sent)
        for t in sent:
            if t.pos_ in ("NOUN", "PROPN", "PRON"):
                fr(t).role = role(t)
            if not is_clause_head(t):
                continue
            fr(t).clause = True
            fr(t).question = asks
            fr(t).conditional = conditional(t)
            neg = negative(t)
            fr(t).polarity = "negative" if neg else "positive"
            fr(t).tense = tense(t)
            fr(t).modality = modality(t, neg)
            if passive(t):
                ag = by_agent(t)
                fr(t).agent, fr(t).agent_i = (role(ag), ag.i) if ag is not None else ("none", -1)
            elif fr(t).tense == "imperative":
                fr(t).agent = "customer"
            else:
                subj = subject(t)
                if subj is not None and subj.dep_ == "expl":
                    fr(t).agent, fr(t).agent_i = "thing", subj.i
                elif subj is not None:
                    fr(t).agent, fr(t).agent_i = role(subj), subj.i
                else:
                    fr(t).agent = "none"
    frames = doc.user_data[USER_DATA_KEY]
    first_clause: dict[int, int] = {}  # token -> its nearest clause among itself and its ancestors (-1: none)
    for t in doc:  # each token's clause, once: rules and moves ask it of every token
        path, x = [], t
        while x.i not in first_clause and not frames[x.i].clause and x.head.i != x.i:
            path.append(x.i)
            x = x.head
        found = first_clause.get(x.i, x.i if frames[x.i].clause else -1)
        for i in (*path, x.i):
            first_clause[i] = found
        frames[t.i].clause_head = found if found >= 0 else t.sent.root.i
    _link_causes(doc, sents)
    return doc


def describe(t: Token) -> dict:
    """A clause's frame as plain data, for `--explain-reading` and the JSON."""
    out = {
        "predicate": t.text,
        "agent": fr(t).agent,
        "agent_text": t.doc[fr(t).agent_i].text if fr(t).agent_i >= 0 else None,
        "polarity": fr(t).polarity,
        "tense": fr(t).tense,
        "modality": fr(t).modality,
    }
    if fr(t).question:
        out["question"] = True
    if fr(t).conditional:
        out["conditional"] = True
    return out
