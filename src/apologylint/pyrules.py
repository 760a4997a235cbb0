"""Detectors whose logic data cannot express: each reads the parse and yields spans.

Every function is registered by name and called from a rule or signal in `rules/*.yaml`
(`kind: python`, `function: NAME`, `params: {...}`), so the word lists they use stay data.
Signature: `fn(exchange, doc, **params) -> iterable of Span`. Each function is registered with a
params model (`@function(NAME, params=Model)`) that says which params it takes, of what type, and
which are required; the YAML `params` are validated against it when the rule files load.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Iterable, Iterator

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from .nlp.frames import FUTURE_AUX, MENTAL, UNDERGO, fr, lemma
from .predicates import SPEAKER, is_question, predicate_head, question, quoted, subject_of
from .registry import function

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span, Token

    from .protocols import ExchangeLike as Exchange

INSTRUCTION_MODALS = {"can", "could", "may", "should", "must", "need", "might"}


# ------------------------------------------------------------------------------------ params
def _word(v: str) -> str:
    if not v or v != v.lower() or any(c.isspace() for c in v):
        raise ValueError(f"{v!r} is not a single lower-case word (words are compared with the parse's lower-case lemmas and forms)")
    return v


#: one word of a word list, as the parse's lower-case lemma or form of a token
Word = Annotated[str, AfterValidator(_word)]
#: a word list that may be empty (exceptions, exemptions)
Words = list[Word]
#: a word list the function finds nothing without
SomeWords = Annotated[list[Word], Field(min_length=1)]


class Params(BaseModel):
    """The params of a registered function: typed, no key it does not know, no coercion."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


_lemma = lemma  # the lower-cased lemma, as the frames read it


def _clause_tokens(head: Token) -> list[Token]:
    return list(head.subtree)


def _span_of(tokens: Iterable[Token]) -> Span:
    toks = sorted(tokens, key=lambda t: t.i)
    doc = toks[0].doc
    return doc[toks[0].i : toks[-1].i + 1]


# -------------------------------------------------------------------------------- over-apology
class RepeatedSignoffParams(Params):
    markers: Words = Field(description="words that make an apology a repeat ('again', 'once more')")


@function("repeated-signoff", params=RepeatedSignoffParams)
def repeated_signoff(ex: Exchange, doc: Doc, markers: list[str]) -> Iterator[Span]:
    """An apology in the closing sentence that repeats an earlier one ("Sorry again for ...")."""
    apologies = ex.signal("apology", doc)
    if len(apologies) < 2:
        return
    last = apologies[-1]
    in_closing = last.sent.start >= ex.content_sentences[-1].start
    marks = set(markers)
    if in_closing or any(_lemma(t) in marks for t in last.sent):
        yield last


# -------------------------------------------------------------------------------- defensive
class ApologyThenRefusalParams(Params):
    refusals: Words = Field(description="words of a refusal after the 'but' ('unable', 'policy')")
    exempt: Words = Field(description="verbs whose negation reassures ('don't worry')")
    reassurances: Words = Field(description="first words after the 'but' that bring good news or help")
    hand_offs: Words = Field(description="verbs of sending the customer to another party ('contact', 'speak')")
    limits: SomeWords = Field(description="focus words that restrict what we do ('only')")
    not_limits: Words = Field(description="words after a limit word that make it a time ('only just')")


@function("apology-then-refusal", params=ApologyThenRefusalParams)
def apology_then_refusal(
    ex: Exchange, doc: Doc, refusals: list[str], exempt: list[str], reassurances: list[str],
    hand_offs: list[str], limits: list[str], not_limits: list[str],
) -> Iterator[Span]:
    """"Sorry, but ..." followed by a refusal ("but we can't refund it", "but we only ship within
    the UK") or a contradiction ("but that is how our billing works") in the same sentence. Not
    when what follows the "but" is good news, reassurance or something we do for the customer
    ("but don't worry", "but your replacement ships today"); sending the customer to another party
    ("but you'll need to contact the seller") is no help of ours."""
    refusal, exempt_set, reassure, limit_set, not_limit = set(refusals), set(exempt), set(reassurances), set(limits), set(not_limits)
    hand_off = set(hand_offs)
    next_steps = [s for s in ex.signal("next-step", doc) if not _sends_elsewhere(s, hand_off)]
    for ap in ex.signal("apology", doc):
        sent = ap.sent
        buts = [t for t in sent if t.lower_ in ("but", "however") and t.i >= ap.end]
        if not buts:
            continue
        after = doc[buts[0].i : sent.end]
        if any((t.dep_ == "neg" and _lemma(t.head) not in exempt_set) or _lemma(t) in refusal for t in after):
            yield doc[ap.start : sent.end]
            continue
        limited = any(
            t.lower_ in limit_set and t.dep_ == "advmod" and t.head.pos_ in ("VERB", "AUX") and subject_of(t.head) is not None
            and subject_of(t.head).lower_ != "you" and (t.i + 1 >= len(doc) or doc[t.i + 1].lower_ not in not_limit)
            for t in after
        )
        if limited and not is_question(sent):
            yield doc[ap.start : sent.end]  # "sorry, but we only ship within the UK": a limit given as the answer
            continue
        first_words = {_lemma(t) for t in after[1:4]}
        helps = any(s.start >= after.start and s.end <= after.end for s in next_steps)
        if ap.start - sent.start <= 3 and not helps and not first_words & reassure and not is_question(sent):
            yield doc[ap.start : sent.end]  # "Sorry, but that's how our billing works"


def _sends_elsewhere(span: Span, verbs: set[str]) -> bool:
    """The step is the customer's, and it is to go to another party: "you'll need to contact the
    seller", "please speak to your bank" (not "contact us", "call our team")."""
    for t in span.root.subtree:  # the step's verb may hang below the span ("you need to contact ...")
        if _lemma(t) not in verbs:
            continue
        parties = [c for c in t.children if c.dep_ == "dobj"] + [
            o for c in t.children if c.dep_ == "prep" and c.lower_ in ("to", "with") for o in c.children if o.dep_ == "pobj"
        ]
        if any(p.pos_ in ("NOUN", "PROPN") and fr(p).role in ("third", "customer") for p in parties):
            return True
    return False


class SelfDefenseParams(Params):
    owners: SomeWords = Field(description="determiners that make the subject ours ('our', 'all')")
    qualities: Words = Field(description="what we say our things are ('accurate', 'safe')")
    checks: Words = Field(description="what we say is done to our things ('inspected', 'tested')")
    standards: Words = Field(description="what we say our people do ('follow', 'comply')")


@function("self-defense", params=SelfDefenseParams)
def self_defense(ex: Exchange, doc: Doc, owners: list[str], qualities: list[str], checks: list[str], standards: list[str]) -> Iterator[Span]:
    """Praise of our own people, products or processes offered in answer to a complaint: "our
    rooms are inspected daily", "all our staff wear hairnets", "our system is highly accurate"."""
    owner_set, quality_set, check_set, standard_set = set(owners), set(qualities), set(checks), set(standards)
    for t in doc:
        if t.pos_ not in ("VERB", "AUX") or any(c.dep_ == "neg" for c in t.children):
            continue
        subj = subject_of(t)
        if subj is None or subj.pos_ not in ("NOUN", "PROPN"):
            continue
        ours = any(c.lower_ in owner_set for c in subj.children if c.dep_ in ("poss", "det", "predet"))
        if not ours:
            continue
        lemma = _lemma(t)
        passive = any(c.dep_ == "auxpass" for c in t.children)
        comps = [c for c in t.children if c.dep_ in ("acomp", "attr", "advmod", "oprd")]
        if (
            (lemma == "be" and any(_lemma(c) in quality_set or any(_lemma(g) in quality_set for g in c.children) for c in comps))
            or (passive and lemma in check_set)
            or (passive and any(_lemma(c) in check_set for c in t.children if c.dep_ in ("npadvmod", "compound")))
            or (lemma in standard_set and not passive)
        ):
            yield _span_of([subj, *[c for c in subj.children if c.i < subj.i], t, *comps])


# -------------------------------------------------------------------------------- empathy
class SpecificApologyParams(Params):
    generic: Words = Field(description="nouns that name nothing in particular unless something specific is said of them")
    never: Words = Field(description="nouns that stay pro-forma whatever modifies them")
    modifiers_ignored: Words = Field(description="modifiers that do not make a generic noun specific")
    feelings: Words = Field(description="the customer's reaction, which an apology should not be about")


@function("specific-apology", params=SpecificApologyParams)
def specific_apology(ex: Exchange, doc: Doc, generic: list[str], never: list[str], modifiers_ignored: list[str], feelings: list[str]) -> Iterator[Span]:
    """An apology that names what happened to this customer ("sorry about the cold fries", "sorry
    your flight was delayed", "sorry for the trouble you're having"), as opposed to a form letter
    ("sorry for any inconvenience", "apologies for the delayed response") or a bare "I'm sorry"."""
    generic_set, never_set, ignored, feeling_set = set(generic), set(never), set(modifiers_ignored), set(feelings)
    from .nlp.moves import failure_clause

    def names_the_situation(o: Token) -> bool:
        if o.pos_ in ("VERB", "AUX"):  # a clause: "sorry (that) it hasn't arrived"
            if any(m.lower_ in ("if", "whether") for m in o.children if m.dep_ == "mark"):
                return False
            patient = next((c for c in o.children if c.dep_ == "nsubjpass"), None)
            if patient is not None and _lemma(patient) in generic_set and not any(c.dep_ == "agent" for c in o.children):
                return False  # "we regret that mistakes were made": agentless, it names nothing that happened to them
            return not _feelings_clause(o, feeling_set)
        head = _lemma(o)
        hyphened = [c for c in o.children if c.dep_ == "compound" and c.i + 2 == o.i and o.doc[c.i + 1].text == "-"]
        if hyphened:
            head = f"{_lemma(hyphened[0])}-{head}"  # "the mix-up": one word to the reader, three tokens to the parser
        if head in never_set:
            return False  # "the delayed response": a form letter whatever its adjectives
        if any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ == "you" and c.head.i != o.i for c in o.subtree):
            return True  # "any trouble you're having": the customer's experience
        if any(c.dep_ == "det" and c.lower_ == "any" for c in o.children):
            return False  # "any frustration": a form letter
        if head not in generic_set:
            return True
        for c in o.subtree:
            if c.dep_ == "poss" and c.head.i == o.i and c.lower_ == "your":
                return True  # "your seating issue"
            if c.head.i == o.i and c.dep_ in ("compound", "amod") and _lemma(c) not in ignored and c.is_alpha and c not in hyphened:
                return True  # "the service issues"
        return False

    for ap in ex.signal("apology", doc):
        objects: list[Token] = []
        heads = sorted({t for t in ap} | {predicate_head(ap)}, key=lambda t: t.i)  # in order: a set gave a span that varied run to run
        for t in heads:
            for c in t.children:
                if c.dep_ == "prep" and c.lower_ in ("for", "about"):
                    objects.extend(x for x in c.children if x.dep_ in ("pobj", "pcomp"))
                elif c.dep_ in ("ccomp", "xcomp", "advcl", "parataxis", "dep") and c.i > t.i and c.pos_ in ("VERB", "AUX"):
                    objects.append(c)
        root = ap.root
        head_clause = root.head
        if (
            not objects
            and root.dep_ in ("intj", "dep", "advmod", "npadvmod")
            and head_clause.pos_ in ("VERB", "AUX")
            and head_clause.i > root.i
            and not any(x.lower_ in ("but", "however") for x in doc[root.i : head_clause.i])
        ):
            # "Sorry you've been waiting so long": the clause is the parse's head; "Sorry you've been
            # charged twice - I've refunded it": a clause before the head; "Sorry the app keeps
            # crashing": what failed. Not "Sorry, can you DM us?" or "Sorry, we're on it".
            between = [c for c in head_clause.children if c.pos_ in ("VERB", "AUX") and root.i < c.i < head_clause.i]
            said = next((c for c in [*between, head_clause] if _about_the_customer(subject_of(c)) and _what_happened(c)
                         and (subject_of(c).lower_ not in ("it", "this", "that") or fr(c).tense in ("past", "perfect") or failure_clause(c))), None)  # not "Sorry, that's how it works"
            if said is None:  # "Sorry for the 3 hour wait", parsed with "wait" as the verb the "for" hangs on
                said = next((o for c in head_clause.children if c.dep_ == "prep" and c.lower_ in ("for", "about") and c.i == ap.end
                             for o in c.children if o.dep_ in ("pobj", "pcomp")), None)
            happened = fr(head_clause).tense in ("past", "perfect") or head_clause.tag_ == "VBG" or any(
                c.dep_ == "xcomp" and c.tag_ == "VBG" for c in head_clause.children)  # not "the store closes at 6pm"
            if said is None and fr(head_clause).agent not in ("speaker", "customer") and _what_happened(head_clause) and happened and (
                failure_clause(head_clause) or any(failure_clause(c) for c in head_clause.children if c.dep_ in ("xcomp", "ccomp"))
            ):
                said = head_clause
            if said is not None:
                objects.append(said)
        if not objects:
            # a bare "I'm so sorry." reads as sympathy; not "Sorry again," (a sign-off), "Sorry,
            # but ..." (a refusal), "sorry if ..." or "Sorry you feel ..." (see non-apology). (A
            # "Sorry," that opens a request, "Sorry, please DM us", was tried as no sympathy: it cost
            # precision on every labelled set, so annotators read it as sympathy.)
            sent = ap.sent
            if (
                _lemma(ap.root) == "sorry"
                and not any(_lemma(c) == "again" for t in heads for c in t.children)
                and not any(x.lower_ in ("but", "if", "however") for x in sent)
                and not any(x.pos_ in ("VERB", "AUX") and _feelings_clause(x, feeling_set) for x in sent)
                and not is_question(sent)
            ):
                yield ap
            continue
        for o in objects:
            if names_the_situation(o):
                yield _span_of([*ap, *o.subtree])
                break


def _what_happened(clause: Token) -> bool:
    """A clause that says what happened to the customer, not one that asks or tells them to do
    something ("Sorry, can you DM us?", "Sorry, you'll need to reset it")."""
    if is_question(clause.sent) or fr(clause).tense in ("imperative", "future"):
        return False
    return fr(clause).modality not in ("ability", "permission", "obligation", "condition", "hope")


def _about_the_customer(subj: Token | None) -> bool:
    """A subject that is the customer or their thing: "you", "it", "your order"."""
    return subj is not None and (subj.lower_ in ("you", "it", "this", "that") or any(c.lower_ == "your" for c in subj.children))


def _feelings_clause(verb: Token, feelings: set[str]) -> bool:
    """"you feel ...", "you think ...", "you were upset / disappointed": the customer's reaction,
    which an apology should not be about."""
    subj = subject_of(verb)
    if subj is None or subj.lower_ != "you":
        subj = next((c for c in verb.subtree if c.dep_ in ("nsubj", "nsubjpass") and c.lower_ == "you"), None)
        if subj is None:
            return False
    if _lemma(verb) in feelings:
        return True
    return any(_lemma(c) in feelings for c in verb.children if c.dep_ in ("acomp", "attr", "oprd"))


# -------------------------------------------------------------------------------- next steps
#: verbs of getting in touch: "reach out with any further questions" is the weak offer
CONTACT_VERBS = {"reach", "contact", "ask", "message", "write", "tweet", "dm", "get", "let", "hesitate", "shout", "drop", "hit", "call", "email"}


def _is_weak_offer(verb: Token, vague: set[str]) -> bool:
    """"let us know if you need anything", "feel free to reach out with any questions"."""
    for c in verb.subtree:
        if c.dep_ in ("advcl", "ccomp") and any(m.lower_ in ("if", "should") for m in c.children if m.dep_ in ("mark", "aux")):
            if any(_lemma(x) in vague for x in c.subtree):
                return True
        if (
            c.dep_ == "prep" and c.head.i == verb.i and c.lower_ in ("with", "for") and _lemma(verb) in CONTACT_VERBS
            and any(_lemma(x) in vague for x in c.subtree)
        ):
            return True
    return False


class DirectivesParams(Params):
    exclude: Words = Field(description="verbs that are no instruction ('have a nice day', 'enjoy')")
    vague: Words = Field(description="words of a weak offer ('anything else')")
    contact: Words = Field(description="verbs of getting in touch, weak when the offer is vague")
    politeness: Words = Field(description="words that make what follows a request ('please')")
    actions: Words = Field(description="verbs that open a tweet-style instruction ('DM us')")


@function("directives", params=DirectivesParams)
def directives(ex: Exchange, doc: Doc, exclude: list[str], vague: list[str], contact: list[str], politeness: list[str], actions: list[str]) -> Iterator[Span]:
    """Something the customer is asked to do: an imperative ("DM us your order number"),
    "please ...", "feel free to ...", or an instruction ("you can reset it in Settings")."""
    excl, vague_set, contact_set, polite, action_set = set(exclude), set(vague), set(contact), set(politeness), set(actions)
    for sent in doc.sents:
        first_word = next((x for x in sent if x.is_alpha), None)
        for t in sent:
            after_please = t.i > 0 and doc[t.i - 1].lower_ in polite and t.is_alpha
            # the tagger often takes "DM us" or "Email us" at the start of a tweet for a noun
            opening_action = first_word is not None and t.i == first_word.i and (t.lower_ in action_set or (t.tag_ == "VB" and subject_of(t) is None and t.dep_ != "aux")) and t.i + 1 < len(doc) and doc[t.i + 1].lower_ in ("us", "me", "our", "the", "your", "a", "this", "out")
            # "Ugh, sorry! Try clearing the cache": the parser makes "Try" an auxiliary of "clearing"
            opening_action = opening_action or (t.lower_ == "try" and t.i + 1 < len(doc) and doc[t.i + 1].tag_ == "VBG" and not any(x.dep_ == "nsubj" and x.lower_ in ("we", "i", "they") for x in doc[sent.start : t.i]))
            if _lemma(t) == "calm" and not any(c.lower_ == "down" for c in t.children):
                pass  # "you can calm the noise in Settings" is an instruction; "calm down" is excluded below
            elif _lemma(t) in excl:
                continue
            if (after_please or opening_action) and _lemma(t) not in excl:
                if not (_lemma(t) in contact_set or _lemma(t) == "let") or not _is_weak_offer(t, vague_set):
                    yield _span_of([t, *[c for c in t.children if c.dep_ in ("dobj", "prt", "dative")]])
                continue
            if t.pos_ not in ("VERB", "AUX") or (_lemma(t) in excl and _lemma(t) != "calm"):
                continue
            imperative = (
                t.tag_ == "VB"
                and subject_of(t) is None
                and not any(c.dep_ == "aux" for c in t.children)
                and (t.dep_ == "ROOT" or (t.dep_ == "conj" and t.head.dep_ == "ROOT" and t.head.tag_ == "VB"))
            ) or (t.dep_ in ("advcl", "parataxis", "conj", "dep") and fr(t).tense == "imperative")  # "your PUK is in the app, pop that in"
            pleased = any(c.lower_ in polite for c in t.children)
            free = t.dep_ == "xcomp" and _lemma(t.head) == "feel" and any(c.lower_ == "free" for c in t.head.children)
            subj = subject_of(t)
            instructed = (
                subj is not None
                and subj.lower_ == "you"
                and any(c.dep_ == "aux" and c.lower_ in INSTRUCTION_MODALS for c in t.children)
                and not any(c.dep_ == "neg" or (c.dep_ == "aux" and c.lemma_.lower() == "have") for c in t.children)  # "you couldn't log in", "you should've checked": what failed
            ) or (_lemma(t) == "need" and subj is not None and subj.lower_ == "you" and any(c.dep_ == "xcomp" for c in t.children))
            if not (imperative or pleased or free or instructed):
                continue
            if imperative and t.i == t.sent.start and t.lower_ in ("thanks", "sorry"):
                continue
            if (_lemma(t) in contact_set or _lemma(t) == "let") and _is_weak_offer(t, vague_set):
                continue
            yield _span_of([t, *[c for c in t.children if c.dep_ in ("dobj", "prt", "dative")]])


class CommitmentsParams(Params):
    stative: Words = Field(description="verbs of a mood or a failure, not an action")
    done: Words = Field(description="verbs of an action done for the customer")
    ongoing: Words = Field(description="verbs of an action under way ('we're looking into it')")
    vague: Words = Field(description="words of a weak offer")
    recommend: Words = Field(description="verbs of a recommendation by us")
    resolution_nouns: Words = Field(description="what a past or passive action must be about to resolve something")
    actors: Words = Field(description="people of ours who act for the customer ('our team')")
    customer_future: Words = Field(description="what the customer will get ('you'll receive')")
    hindsight: Words = Field(description="words of advice for next time, not a way forward")


@function("commitments", params=CommitmentsParams)
def commitments(
    ex: Exchange, doc: Doc, stative: list[str], done: list[str], ongoing: list[str], vague: list[str],
    recommend: list[str], resolution_nouns: list[str], actors: list[str], customer_future: list[str], hindsight: list[str],
) -> Iterator[Span]:
    """An action somebody will take or has taken for the customer: "we'll refund you today",
    "I've escalated this", "we're looking into it", "the charge has been refunded", "our team
    fixed it this afternoon", "reception can move you tonight", "I'd suggest the travel pass"."""
    from .nlp.frames import clause_of
    from .nlp.frames import a_time as a_time_word
    from .nlp.moves import failure_clause

    stative_set, done_set, ongoing_set, vague_set, recommend_set = set(stative), set(done), set(ongoing), set(vague), set(recommend)
    nouns, actor_set, customer_future_set, hindsight_set = set(resolution_nouns), set(actors), set(customer_future), set(hindsight)

    def for_the_customer(tok: Token | None) -> bool:
        """A resolution noun or something of the customer's: "your refund", "the replacement"."""
        if tok is None:
            return False
        return tok.lower_ in ("you", "it", "this") or _lemma(tok) in nouns or any(c.dep_ == "poss" and c.lower_ == "your" for c in tok.children)

    def objects(tok: Token) -> list[Token]:
        return [c for c in tok.children if c.dep_ in ("dobj", "dative", "nsubjpass")]

    for t in doc:
        if t.pos_ not in ("VERB", "AUX"):
            continue
        if any(fr(a).agent == "speaker" and (fr(a).polarity == "negative" or fr(a).modality in ("hypothetical", "hope") or _lemma(a) in ("hope", "wish", "doubt"))
               for a in _embedding_clauses(t)):
            continue  # "I don't think she'll approve it", "I hope they'll call": no promise
        if _what_an_apology_is_for(t):
            continue
        if t.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in ("once", "when", "if", "until", "till", "before", "after", "unless", "whenever") for c in t.children):
            continue  # "we can't change the name once it's booked": a time or a condition, not something done
        if fr(t).clause and fr(t).modality == "hope":
            continue  # "it'll probably correct itself overnight", "hopefully it'll arrive soon": a guess
        subj0 = subject_of(t)
        if fr(t).clause and fr(t).tense == "future" and subj0 is not None and _lemma(subj0) in BOILERPLATE_OUTCOMES and not any(c.dep_ in ("det", "poss") for c in subj0.children) \
                and not _for_this_customer(t, a_time_word):
            continue  # "lessons will be learned", "improvements will be made": about things in general, not this case
        if fr(t).clause and fr(t).tense == "future" and fr(t).agent == "thing" and subj0 is not None and subj0.lower_ in ("it", "this", "that") \
                and not any(c.dep_ == "auxpass" for c in t.children) and not any(c.dep_ in ("dobj", "dative") for c in t.children):
            own = [x for x in t.subtree if clause_of(x).i == t.i]
            soon = any(a_time_word(x) or x.lower_ in ("away", "immediately", "instantly", "straightaway", "same") for x in own)
            after_their_step = any(c.dep_ == "advcl" and any(m.lower_ in ("if", "once", "when") for m in c.children if m.dep_ == "mark") for c in t.children)
            if not soon and not after_their_step and not any(c.dep_ == "prep" and c.lower_ == "with" for c in t.children):
                continue  # "I'm sure it'll turn up": a reassurance, with no time (not "it'll be with you Friday")
        lemma = _lemma(t)
        auxes = [c for c in t.children if c.dep_ in ("aux", "auxpass")]
        aux_words = {c.lower_ for c in auxes} | {_lemma(c) for c in auxes}
        subj = subject_of(t)
        if t.dep_ == "xcomp" and _lemma(t.head) == "go" and t.head.tag_ == "VBG":
            subj = subject_of(t.head)  # "we're going to refund"
            aux_words |= {"will"}
        who = subj.lower_ if subj is not None else None
        customer = who == "you"
        speaker = who in SPEAKER
        passive = any(c.dep_ == "auxpass" for c in auxes)
        actor = speaker or (subj is not None and _lemma(subj) in actor_set)
        has_object = any(c.dep_ in ("dobj", "dative") for c in t.children)
        stative_verb = lemma in stative_set and not (
            (lemma == "get" and (any(c.lower_ == "back" for c in t.children) or has_object))  # "get back to you", "get it to you"
            or (lemma == "be" and any(c.dep_ == "prep" and c.lower_ in ("with", "in") for c in t.children))  # "will be with you on Wednesday"
        )
        kinds = []
        obliged = _to_clause(t)  # "you'll need to call them" is their step
        if aux_words & FUTURE_AUX and (customer and lemma in customer_future_set and (has_object or lemma != "get") and not obliged or not customer and not stative_verb):
            kinds.append("future")  # "we'll refund you", "you'll receive an email"
        counterfactual = "have" in aux_words and aux_words & {"could", "would", "should", "might", "must", "'d"}
        if counterfactual:
            continue  # "we could've sorted it on the spot", "you should have called": what did not happen
        if "have" in aux_words and t.tag_ in ("VBN", "VBD") and not passive and actor and lemma in done_set:
            kinds.append("perfect")  # "I've escalated this" (any act of ours with an object is frame-commitments')
        # "your flight was cancelled" is what went wrong, unless they asked for it (checked last: it costs most)
        if lemma in done_set and not customer and not (failure_clause(t) and lemma not in ex.requested) and (
            (passive and for_the_customer(subj))
            or (t.tag_ == "VBD" and actor and (not objects(t) or any(for_the_customer(o) for o in objects(t))))
        ):
            kinds.append("done")  # "the charge has been refunded", "our team fixed it this afternoon"
        if subj is None and t.dep_ == "ROOT" and t.tag_ in ("VBD", "VBN") and not auxes and lemma in done_set:
            kinds.append("reported")  # "Just sent you a DM"
        if lemma == "go" and (t.tag_ == "VBD" or (t.tag_ == "VBN" and aux_words & {"'s", "s", "has", "have", "'ve"})) and for_the_customer(subj) \
                and any(c.lower_ in ("out", "through") for c in t.children):
            kinds.append("done")  # "your refund went out this morning", "refund's gone through"
        be = t.head.head if t.head.dep_ in ("acomp", "attr") else t.head  # "our team is aware and working on it": "working" hangs on "aware"
        shares_be = t.dep_ == "conj" and _lemma(be) == "be" and not any(c.dep_ == "neg" for c in be.children)
        always = any(c.dep_ == "advmod" and c.lower_ in ("always", "constantly", "continually", "continuously", "forever") for c in t.children)
        if t.tag_ == "VBG" and lemma in ongoing_set and ("be" in {_lemma(c) for c in auxes} or shares_be) and not customer and not always:
            kinds.append("ongoing")  # ("we're always working to improve" is a habit, not this case)
        if lemma in recommend_set and speaker:
            kinds.append("recommendation")  # "I'd suggest adding the travel pass"
        if aux_words & {"can", "could"} and subj is not None and not customer and lemma not in stative_set and any(
            for_the_customer(o) for o in objects(t)
        ):
            kinds.append("offer")  # "Reception can move you tonight"
        if (
            t.dep_ == "xcomp"
            and lemma not in vague_set | {"help", "assist"}
            and (
                t.head.lower_ in ("sure", "certain")
                or (_lemma(t.head) in ("like", "love") and any(c.lower_ in ("'d", "would") for c in t.head.children))
            )
            and (subject_of(t.head) is None or subject_of(t.head).lower_ in SPEAKER or subject_of(t.head.head) is not None)
        ):
            kinds.append("intent")  # "I'll be sure to pass this on", "we'd like to get a log of this"
        if not kinds:
            continue
        if any(c.dep_ == "neg" for c in t.children) or question(doc[t.i : t.i + 1], ex):
            continue
        if any(c.lower_ == "only" for c in t.children if c.dep_ == "advmod"):
            continue  # "orders can only be cancelled before dispatch": a limit, not an offer
        if lemma == "be" and any(c.dep_ in ("acomp", "attr") for c in t.children):
            continue  # "we'll be happy to help" promises a mood, not an action
        if _is_weak_offer(t, vague_set):
            continue
        if set(kinds) <= {"recommendation", "offer", "intent"} and any(x.lower_ in hindsight_set for x in t.sent) and any(x.lower_ == "time" for x in t.sent):
            continue  # "we'd recommend booking earlier next time" is hindsight, not a way forward
        yield _span_of([*(c for c in [subj] if c is not None and c.i < t.i), *auxes, t])


class FrameCommitmentsParams(Params):
    stative: Words = Field(description="verbs of saying, knowing, feeling or being so: done, they move nothing forward")
    investigating: Words = Field(description="verbs of looking into it: 'I've reviewed your account' reports, it does not resolve")
    vague: Words = Field(description="nouns of a promise to think about it: 'take it on board', 'bear it in mind'")
    habitual: Words = Field(description="adverbs that make a time a habit, not a promise: 'orders normally ship in 2 days'")
    times: SomeWords = Field(description="words of a particular time: weekdays, months, tomorrow, tonight, am/pm")
    units: SomeWords = Field(description="units that, after a number, make a time: mins, hours, days")
    today: SomeWords = Field(description="words that put a past action in the present: today, just, now")
    done: SomeWords = Field(description="verbs of an action done for the customer, read in a headline: 'booking moved to Thurs'")


#: day and month abbreviations that are also words: "weren't sat together", "the sun", "may I"
_AMBIGUOUS_TIMES = {"sat", "sun", "wed", "mar", "may", "jan", "dec", "aug", "jun"}


def _time_word_used_as_one(x: Token) -> bool:
    """A time word used as one: "Sat" or "sat 3rd", not "sat together"."""
    if x.lower_ not in _AMBIGUOUS_TIMES:
        return True
    nxt = x.doc[x.i + 1] if x.i + 1 < len(x.doc) else None
    return x.text[0].isupper() and x.i > x.sent.start or (nxt is not None and nxt.like_num) or x.pos_ == "PROPN"


#: verbs that get someone else to act: "we've let the manager know", "I've had the team check"
CAUSATIVES = {"let", "have", "get", "make"}
#: how a thing is once it works again: "services are now running normally", "it's working again"
RESTORED = {"normally", "again", "fine", "smoothly", "properly", "correctly"}
#: verbs of answering: reported done to the customer ("we've replied to you"), they say where the answer is
ANSWERING = {"reply", "respond", "answer", "email", "message", "write", "dm"}


def _answered_them(t: Token) -> bool:
    """"We've replied to you by email", "replied to your DM", "emailed you": the answer is waiting
    for the customer, which is a way forward (not "we've replied to the courier")."""
    if _lemma(t) not in ANSWERING:
        return False
    targets = [c for c in t.children if c.dep_ in ("dobj", "dative")] + [
        o for c in t.children if c.dep_ == "prep" and c.lower_ == "to" for o in c.children if o.dep_ == "pobj"
    ]
    return any(x.lower_ in ("you", "u") or any(p.lower_ in ("your", "ur") for p in x.children if p.dep_ == "poss") for x in targets)


def _to_clause(t: Token) -> bool:
    """A "to" clause under the verb: "you'll need to call them", "you'll have to take it up with the seller"."""
    return any(c.dep_ == "xcomp" and any(a.lower_ == "to" for a in c.children) for c in t.children)


def _elliptic_report(t: Token, done: set[str], looking: set[str], today: set[str]) -> bool:
    """A short reply's report with its subject left out, which is the speaker's: "Replied to your
    DM!", "Looking into this for you now", "Fixed now", "Passed this on to the team". The verb opens
    its sentence with no subject or auxiliary: an -ing form of looking into it, or an -ed form of
    doing something for the customer (or answering them) that acts on something or is done now.
    Not a feeling ("gutted for you") or a good wish ("sending you lots of love")."""
    if t.tag_ not in ("VBD", "VBN", "VBG") or t.dep_ not in ("ROOT", "advcl") or fr(t).question:
        return False
    if any(c.dep_ in ("nsubj", "nsubjpass", "expl", "aux", "auxpass", "neg") for c in t.children):
        return False
    first = next((x for x in t.sent if x.is_alpha and not x.text.startswith("@")), None)
    if first is None or first.i != t.i:
        return False
    lem = _lemma(t)
    if t.tag_ == "VBG":
        return lem in looking and (lem != "look" or any(c.lower_ in ("into", "at") for c in t.children))
    if lem not in done and not _answered_them(t):
        from .nlp.moves import failure_clause  # (only here: the function runs on every token)

        # "Rolled back now", "Reset this morning": whatever was done, said of now, unless it is a feeling or what failed
        return lem not in MENTAL and not failure_clause(t) and t.tag_ == "VBD" and any(
            (c.dep_ == "advmod" and c.lower_ in today) or (c.dep_ == "npadvmod" and any(d.lower_ == "this" for d in c.children)) for c in t.children)
    acts_on = any(c.dep_ in ("dobj", "dative", "prt") or (c.dep_ == "prep" and c.lower_ in ("to", "into", "on")) for c in t.children)
    return acts_on or any(
        (c.dep_ == "advmod" and c.lower_ in today) or (c.dep_ == "npadvmod" and any(d.lower_ == "this" for d in c.children)) for c in t.children
    )  # "Fixed now", "Refunded this morning"


def _what_an_apology_is_for(t: Token) -> bool:
    """"I'm sorry it's been moved": what an apology is for is what happened, not something we did."""
    return any(_lemma(a) in ("sorry", "apologize", "apologise", "regret", "shame", "pity") for a in _embedding_clauses(t))


def _embedding_clauses(t: Token) -> list[Token]:
    """The clauses `t` is said inside ("I don't think [she'll approve it]"), not the ones it is
    joined to ("we can't refund it, but [I've refunded the drink]")."""
    out = []
    while t.dep_ in ("ccomp", "xcomp") and t.head.i != t.i:
        t = t.head
        out.append(t)
    return out


#: what a reply promises when it promises nothing about this case (a closed class): "lessons will be learned"
def _for_this_customer(t: Token, a_time_word) -> bool:
    """A clause about this customer's case: a time of its own, or a thing of theirs it is done to
    ("changes will be made to your account tonight")."""
    own = list(t.subtree)
    return any(a_time_word(x) for x in own) or any(c.dep_ == "prep" and any(o.dep_ == "pobj" and any(p.lower_ in ("your", "ur") for p in o.children) or o.lower_ in ("you", "u")
                                                                           for o in c.children) for c in t.children)


BOILERPLATE_OUTCOMES = {"lesson", "improvement", "change", "step", "measure", "action", "procedure", "process", "review", "learning"}


def _specific(n: Token | None) -> bool:
    """A particular thing, not a class of them: "your refund", "the replacement", "it", not
    "late returns" or "all our instructors"."""
    if n is None:
        return False
    if n.lower_ in ("you", "it", "this", "that", "yours", "u"):
        return True
    dets = {c.lower_ for c in n.children if c.dep_ in ("det", "poss")}
    if dets & {"all", "every", "any", "most", "some", "no"}:
        return False
    if not dets and n.tag_ == "NN" and n.dep_ == "nsubjpass" and not any(c.dep_ in ("amod", "prep") for c in n.children):
        # a headline's bare noun, done to at a particular time or already: "engineer is booked for the
        # 17th", "class credit has been returned" (not
        # "delivery to X takes 5 days", nor the habit of "rent is collected every Monday")
        from .nlp.frames import a_time

        clause = list(n.head.subtree)
        return (fr(n.head).tense in ("perfect", "future") or any(a_time(x) for x in clause)) and not any(x.lower_ in ("every", "each", "usually", "normally", "always") for x in clause)
    dets |= {c.lower_ for c in n.children if c.dep_ == "amod" and c.lower_ in ("next", "new")}  # "next service is the 18:40"
    return bool(dets & {"your", "ur", "the", "a", "an", "this", "that", "our", "my", "next", "new"}) and n.tag_ not in ("NNS", "NNPS")


@function("frame-commitments", params=FrameCommitmentsParams)
def frame_commitments(
    ex: Exchange, doc: Doc, stative: list[str], investigating: list[str], vague: list[str], habitual: list[str],
    times: list[str], units: list[str], today: list[str], done: list[str],
) -> Iterator[Span]:
    """A way forward read from the frames, whatever the verb: something done for the customer
    ("you've been rebooked", "a taxi is booked", "I've frozen your membership", "the replacement
    left our warehouse this morning"), something someone will do ("the engineer will call"), or a
    particular time the customer can hold us to ("your rider is 4 mins away", "it lands Friday")."""
    from .nlp.frames import BUSY_STATES, OUR_PEOPLE, clause_of, passive
    from .nlp.moves import failure_clause

    stative_set, looking, vague_set, habit_set = set(stative), set(investigating), set(vague), set(habitual)
    time_set, unit_set, today_set, done_set = set(times), set(units), set(today), set(done)
    for t in doc:
        f = fr(t)  # read once: the checks below ask it of every token
        # "that's the refund done now", "that's your booking sorted": the British way of saying it is done
        that_is = None
        if t.tag_ in ("VBN", "VBD"):
            that_is = t.head.head if t.dep_ == "acl" and t.head.dep_ == "attr" else t.head if t.dep_ == "ccomp" else None
        if that_is is not None and _lemma(that_is) == "be" and not fr(that_is).question and fr(that_is).polarity == "positive" \
                and any(c.dep_ == "nsubj" and c.lower_ in ("that", "this", "it") for c in that_is.children) and t.i > that_is.i \
                and not any(x.tag_ in ("WRB", "WP", "WDT") or x.lower_ in ("because", "if") for x in doc[that_is.i : t.i]) and not failure_clause(t) \
                and (_lemma(t) in done_set - {"pass", "run", "set", "double", "push", "move"} or t.lower_ in ("done", "sorted")):  # not "that's the 14-day window passed"
            yield _span_of([that_is, t])
            continue
        if _elliptic_report(t, done_set, looking, today_set) and not failure_clause(t):
            yield _span_of([t, *[c for c in t.children if c.dep_ in ("dobj", "dative", "prt")]])  # "Replied to your DM!", "Looking into this now"
            continue
        if not f.clause or f.question or f.conditional or f.polarity != "positive":
            continue
        if t.lower_ in BUSY_STATES or any(c.dep_ in ("acomp", "oprd") and c.lower_ in BUSY_STATES for c in t.children):
            continue  # "our staff are stretched right now", "we're swamped": a state we are in, nothing done
        # (people on it, not a thing: "the devs are on it", not "the return address is on it")
        if _lemma(t) == "be" and (f.agent == "speaker" or (f.agent in ("third", "thing") and doc[f.agent_i].pos_ in ("NOUN", "PROPN")
                                                           and (f.agent == "third" or _lemma(doc[f.agent_i]) in OUR_PEOPLE or doc[f.agent_i].lower_.rstrip("s") in OUR_PEOPLE))) and f.tense == "present" and any(
            c.dep_ == "prep" and c.lower_ == "on" and any(o.dep_ == "pobj" and o.lower_ in ("it", "this", "that", "case") for o in c.children)
            for c in t.children
        ):
            yield _span_of([t, *t.children])  # "we're on it", "I'm on the case"
            continue
        # "should be with you by Thurs": of a thing, "should" expects; it obliges nobody
        expected = f.modality == "obligation" and f.agent in ("thing", "none") and f.tense != "perfect" and any(c.lower_ == "should" for c in t.children)
        asked_for = _lemma(t) in ex.requested  # "order cancelled as requested" to "pls cancel my order"
        done_for_them = f.agent == "speaker" and f.tense == "perfect" and _lemma(t) not in UNDERGO and any(c.dep_ in ("dobj", "dative") for c in t.children)
        if (f.modality not in ("none", "ability") and not expected) or (failure_clause(t) and not asked_for) or (f.cause_of >= 0 and not done_for_them):
            continue  # hopes, duties and causes are not promises (what we have done, given as the reason they're covered, is: "I've paid the difference, so ...")
        under_sorry = t.dep_ == "ccomp" and t.head.i > t.i and _lemma(t.head) in ("sorry", "apology", "apologies")  # "This should be fixed now, sorry!"
        fronted = done_for_them and t.dep_ == "ccomp" and t.i < t.head.i  # "I've paid the difference, so you're ...": not said inside the clause after it
        if t.dep_ in ("acl", "relcl", "pcomp", "csubj", "advcl", "prep") or (t.dep_ in ("xcomp", "ccomp") and f.tense != "future" and not under_sorry and not fronted):
            continue  # (a "prep": "your email regarding the visit on 12 October")
        if not fronted and any(fr(a).clause and (fr(a).polarity == "negative" or fr(a).question or fr(a).conditional or fr(a).modality in ("hypothetical", "hope")
                               or (_lemma(a) in ("hope", "wish", "doubt") and fr(a).agent == "speaker")) for a in _embedding_clauses(t)):
            continue  # "I don't think she'll approve it", "I hope she'll approve it"; not "we can't X, but I've Y"
        if _what_an_apology_is_for(t) and not (under_sorry and expected):  # ("This should be sorted now, sorry!" says where it stands)
            continue
        lemma = _lemma(t)
        looks_into = lemma == "look" and any(c.lower_ in ("into", "at") for c in t.children)  # "we'll look into it": no mood
        settled = passive(t) and lemma in ("confirm", "apply", "set") and _specific(next((c for c in t.children if c.dep_ == "nsubjpass"), None))
        if (lemma in stative_set and not looks_into and not settled) or (lemma == "do" and not any(c.dep_ == "dobj" for c in t.children)):
            continue  # ("your booking is now confirmed", "the credit has been applied" are done, though "I can confirm" is talk)
        if lemma == "be" and any(c.dep_ in ("acomp", "attr") and c.lower_ not in time_set for c in t.children) and not any(c.dep_ == "npadvmod" for c in t.children):
            continue  # "we'll be happy to help": a mood
        if lemma == "have" and f.tense in ("past", "perfect"):
            continue  # "we've had a lot more calls": what we went through, not what we did ("the driver will have a sign" is)
        own = [x for x in t.subtree if x.i == t.i or clause_of(x.head).i == t.i]  # the clause's own words: a word's nearest clause above it is t
        now = any(x.lower_ in today_set or (x.lower_ in ("morning", "afternoon", "evening") and any(c.lower_ == "this" for c in x.children)) for x in own)
        if f.agent in ("thing", "none") and f.tense == "present" and now and not passive(t) and any(x.lower_ in RESTORED and x.head.i == t.i for x in own):
            yield _span_of([t, *[c for c in t.children if c.dep_ in ("nsubj", "aux", "advmod")]])  # "services are now running normally"
            continue
        # "take it into account", "bear it in mind" (not "lands in your account")
        if any(_lemma(x) in vague_set and not (x.dep_ == "pobj" and x.head.lower_ != "into" and _lemma(x) == "account") for x in own) or any(x.lower_ in habit_set for x in own):
            continue
        if any(x.lower_ == "only" or (x.lower_ in ("few", "just") and x.head.i != t.i) for x in own):
            continue  # "only 3 days", "a few minutes", "the warranty only covers 30 days": a limit, not a time
        subj = doc[f.agent_i] if f.agent_i >= 0 else next((c for c in t.children if c.dep_ == "nsubjpass"), None)
        patient = next((c for c in t.children if c.dep_ == "nsubjpass"), None)
        timed = any((x.lower_ in time_set and _time_word_used_as_one(x)) or (x.like_num and any(y.lower_ in unit_set for y in doc[x.i + 1 : min(x.i + 3, len(doc))])) for x in own)  # "3-5 working days"
        agent, tense = f.agent, f.tense
        you = subj is not None and subj.lower_ in ("you", "u") and not passive(t)
        has_object = any(c.dep_ in ("dobj", "dative", "prt") or (c.dep_ == "prep" and c.lower_ in ("to", "on", "into", "for", "with", "onto")) for c in t.children) \
            or (lemma in CAUSATIVES and any(c.dep_ in ("ccomp", "xcomp") for c in t.children))  # "we've let the store manager know"
        done = (
            (passive(t) and agent in ("none", "speaker") and _specific(patient) and (tense in ("perfect", "present") or (tense == "past" and now)))
            or (agent == "speaker" and tense == "perfect" and has_object and (lemma not in looking or _answered_them(t)))
            or ((agent in ("speaker", "third", "thing") or (agent == "customer" and subj is not None and subj.pos_ == "NOUN"))  # "your refund went back ..."
                and tense == "past" and now and not passive(t) and (lemma not in looking or agent in ("thing", "customer")))  # (a thing that "went" does not look into anything)
        )
        # a headline with the auxiliary left out: "new charger sent out", "booking moved to 14:00 Thurs"
        headline = (tense == "past" and agent in ("third", "thing") and t.tag_ in ("VBD", "VBN") and lemma in done_set and subj is not None
                    and (subj.pos_ == "NOUN" or (subj.pos_ == "PROPN" and subj.text.islower()))  # a thing, not "Sarah called in sick"
                    and not any(c.dep_ == "det" and c.lower_ in ("the", "a", "an") for c in subj.children)  # headlines drop the article: not "the driver moved on"
                    and not any(c.dep_ in ("dobj", "dative", "ccomp", "xcomp", "acomp") for c in t.children) and t.dep_ == "ROOT"
                    and not any(fr(x).cause_of == t.i for x in t.sent) and (ex.context is None or lemma not in ex.customer.claim_lemmas or lemma in ex.requested))
        done = done or headline
        if expected and not (timed or now):
            continue  # ("should be resolved now" says where it stands)
        future = tense == "future" and agent in ("speaker", "third") and subj is not None and (
            subj.lower_ not in ("someone", "somebody", "anyone", "they") or (subj.lower_ == "they" and timed))  # "they'll be back first thing tomorrow"
        schedule = timed and tense in ("present", "future") and not you and (subj is None or _specific(subj))
        offered = agent == "speaker" and f.modality == "ability" and timed and tense == "present"  # "I can get it to you between 1 and 3"
        customer_gets = you and tense == "future" and lemma in ("receive", "get", "see", "have", "hear") and not _to_clause(t)  # not "you'll have to call them"
        if done or future or schedule or customer_gets or offered:
            yield _span_of([t, *[c for c in t.children if c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass", "dobj")]])


class CustomerInstructionsParams(Params):
    marks: SomeWords = Field(description="subordinators of the customer's step ('once', 'when')")
    stative: Words = Field(description="verbs that are no step ('once you have', 'when you feel')")


@function("customer-instructions", params=CustomerInstructionsParams)
def customer_instructions(ex: Exchange, doc: Doc, marks: list[str], stative: list[str]) -> Iterator[Span]:
    """"Once you add a new card, access comes back": the step the customer takes, given as a
    condition of the fix."""
    mark_set, stative_set = set(marks), set(stative)
    for t in doc:
        if (t.pos_ == "VERB" or fr(t).clause) and t.dep_ == "advcl" and _lemma(t) not in stative_set:
            subj = subject_of(t)
            if subj is None or subj.lower_ != "you" or any(c.dep_ == "aux" and c.lower_ in ("had", "'d", "d") for c in t.children):
                continue  # "if you'd read the email" is a counterfactual, not a step
            marks_here = {m.lower_ for m in t.children if m.dep_ == "mark"}
            if marks_here & mark_set:
                yield _span_of([t])
            elif "if" in marks_here and fr(t.head).tense == "future" and fr(t.head).agent == "speaker" and fr(t.head).polarity == "positive":
                yield _span_of([t])  # "if you DM us your account number, we'll look at the bill": the step, and what follows it


class SmallMeasureParams(Params):
    markers: SomeWords = Field(description="words that call an amount small ('only', 'just', 'merely')")
    units: SomeWords = Field(description="units a failure is measured in: time ('min', 'hour') and money ('£', 'pound')")
    predicates: SomeWords = Field(description="verbs that give the failure's extent ('be', 'last', 'cost')")
    left: Words = Field(description="words after the amount that make it a stock left, not a failure's size ('left', 'away')")


@function("small-measure", params=SmallMeasureParams)
def small_measure(ex: Exchange, doc: Doc, markers: list[str], units: list[str], predicates: list[str], left: list[str]) -> Iterator[Span]:
    """The failure's size said to be small: "it was only a 12 min delay", "its only £12", "the noise
    lasted only around twenty minutes". An amount (a number, or "a few"/"a couple") in a unit of time
    or money, called small, in a clause that says what something else was, lasted or cost; not a
    tip ("it only takes a minute to reset"), not what we do ("I can only refund £12")."""
    from .nlp.moves import trouble_noun

    if not ex.worded_problem:
        return
    marker_set, unit_set, pred_set, left_set = set(markers), set(units), set(predicates), set(left)
    for t in doc:
        if t.lower_ not in marker_set:
            continue
        clause = t.head if fr(t.head).clause else t.head.head
        for _ in range(3):  # up from the amount to the clause that holds it
            if fr(clause).clause:
                break
            clause = clause.head
        f = fr(clause)
        if not f.clause or _lemma(clause) not in pred_set or f.agent in ("speaker", "customer") or f.question or f.conditional \
                or f.tense not in ("past", "present") or f.polarity != "positive" or quoted(t.sent, ex):
            continue
        window = doc[t.i + 1 : min(t.i + 7, t.sent.end)]
        amount = next((i for i, x in enumerate(window) if x.like_num or x.lower_ in ("few", "couple") or x.text in ("£", "$", "€")), None)
        if amount is None or any(x.lower_ in left_set for x in window[amount:]):
            continue
        if any(x.dep_ in ("acl", "relcl", "xcomp", "advcl", "csubj") and x.tag_ == "VB" and _lemma(x) != "be" and any(a.lower_ == "to" for a in x.children) for x in clause.subtree):
            continue  # "its only a 2 min job to send a reading": the size of a step, a tip
        unit = next((x for x in window[amount:] if x.lower_ in unit_set or _lemma(x) in unit_set or x.text in ("£", "$", "€")
                     or (x.like_num and x.text[:1] in ("£", "$", "€"))), None)
        if unit is not None:
            end = unit.i + 2 if unit.text in ("£", "$", "€") and unit.i + 1 < t.sent.end and doc[unit.i + 1].like_num else unit.i + 1
            yield doc[t.i : end]
        elif _lemma(clause) == "be" and f.agent_i >= 0 and doc[f.agent_i].lower_ in ("it", "that", "this", "there"):
            # a count of trouble called small: "it's only one missing side", "that was just two late trains"
            # (not the size of a step: "it's only a few MB")
            counted = next((x for x in window[amount:] if x.pos_ == "NOUN"), None)
            if counted is not None and counted.head.i != t.i and trouble_noun(counted):
                yield doc[t.i : counted.i + 1]


class QuestionsParams(Params):
    vague: Words = Field(description="words of a question that asks for nothing ('anything else?')")


@function("questions", params=QuestionsParams)
def questions(ex: Exchange, doc: Doc, vague: list[str]) -> Iterator[Span]:
    """A question to the customer: asking for details is a next step; "anything else?" is not."""
    vague_set = set(vague)
    for sent in doc.sents:
        words = [t for t in sent if t.is_alpha]
        # "may we have the screenshot" asks even without its question mark
        inverted = len(words) > 2 and words[0].tag_ == "MD" and words[1].lower_ in ("you", "we", "i")
        if not (is_question(sent) or inverted) or quoted(sent, ex):
            continue
        if sum(1 for t in sent if t.is_alpha) < 2:
            continue
        if any(_lemma(t) in vague_set for t in sent):
            continue
        yield sent


class NegatedSentencesParams(Params):
    idioms: Words = Field(description="verbs whose negation is delight ('can't wait')")
    verbs_only: bool = Field(True, description="only negated verbs and adjectives, not any negation")


@function("negated-sentences", params=NegatedSentencesParams)
def negated_sentences(ex: Exchange, doc: Doc, idioms: list[str], verbs_only: bool = True) -> Iterator[Span]:
    """A sentence with a negated verb ("can't log in", "hasn't arrived"): the commonest shape of a
    complaint. Not the idioms of delight ("can't wait", "can't complain", "won't miss it")."""
    idiom_set = set(idioms)
    for t in doc:
        if t.dep_ == "neg" and _lemma(t.head) in idiom_set:
            continue
        if t.dep_ == "neg" and (not verbs_only or t.head.pos_ in ("VERB", "AUX", "ADJ")):
            yield doc[t.head.i : t.head.i + 1]

