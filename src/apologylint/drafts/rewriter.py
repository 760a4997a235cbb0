"""Rewriting a flawed draft into a balanced one, driven by the linter's own findings.

What the draft already says stays where it is: the greeting, every sentence the linter has nothing
against, the sign-off, and every fact (numbers, dates, identifiers, amounts, addresses, links). A
sentence with a finding is repaired by the finding's own fix, the edits its rule made from the
parse (`fixes.py`: the same ones `apologylint --fix` and the editor's code actions apply), checked
by linting the candidate. The rewriter detects nothing of its own; what it adds to the fixes is:

- a non-apology whose fix is declined or leaves a form letter ("We apologize for the
  inconvenience.") is replaced by the scenario's own apology;
- a sentence whose finding has no fix that clears it is dropped, if its facts allow;
- where the scenario says no mistake of ours happened, the apologies the linter reads are taken
  out with the same `drop-apology` fix the over-apology rules carry.

A sentence is dropped only when every fact in it is said elsewhere, unless it is an excuse or a
defensive line (their facts go with them, and the result lists them as dropped). After a drop, a
pronoun that pointed into the dropped text (by the parse: "she", "it", "them", "this" with no noun
before it in what stays) is replaced by the noun it stood for, or its sentence goes too. What is
missing is added from the scenario's own template blocks: its apology (or, where the scenario
calls for none, its empathy) and its next step, with any detail the draft does not give left as a
visible [[placeholder]]; a promise with no commitment in it ("should ship sometime next week") is
merged with the step (what it was about becomes the step's "it") rather than stand beside it; and
what the customer asked for that the draft answered only in a dropped line gets a placeholder for
the answer. Nothing is invented: no amount, date, refund or fact appears that the draft did not
contain. A reply with nothing to repair comes back
unchanged, so rewriting a rewrite is a no-op.

No false admission: an inferred scenario's own apology and next step ("I'm sorry we got your bill
wrong") go in only when the linter's reading of the customer's message names a failure of ours of
that kind (drafts/infer.py; `Rewrite.evidence` quotes the customer's words). A request ("I want a
refund") names none. Otherwise a customer's message gets empathy and a next step
to fill in, and a draft with no customer message an apology for [[what went wrong]].
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

from ..fixes import apply_edits
from .anatomy import Anatomy, Sentence, analyse
from .facts import PLACEHOLDER, facts
from .infer import inference
from .render import renderer

if TYPE_CHECKING:  # pragma: no cover
    from ..linter import Linter
    from ..models import Finding, Report

#: categories whose findings are about a part that is absent, not about a sentence
MISSING = {"missing-empathy", "missing-next-step", "under-recovery"}
#: categories whose sentences may be dropped with their facts
DROPPABLE = {"excuse", "defensive"}
#: how a sentence is repaired, by category, in order of preference: the finding's fix, the
#: scenario's own apology in place of a non-apology, dropping the sentence
STRATEGIES = {
    "non-apology": ("fix", "scenario-apology", "drop"),
}
DEFAULT_STRATEGY = ("fix", "drop")
#: the apology a rewrite adds when it does not know the scenario for sure
GUESSED_APOLOGY = "I'm sorry about [[what went wrong]]."
_ORDER = ("excuse", "defensive", "non-apology", "over-apology")

#: closing pleasantries a next step goes before (the reading's "thanks" move finds most; these
#: closed-class openings the rest: text placement, not detection of a fault)
_CLOSERS = re.compile(
    r"^(thanks|thank you|many thanks|let (us|me) know|feel free|please (do not|don't) hesitate|"
    r"(we|i) (hope|look forward)|have a (great|good|nice))\b",
    re.I,
)
#: a joining word left at the start of what remains of a sentence ("and", "but"): text surgery
_GLUE = re.compile(r"^(?:and|but|so|however|because|as|since|though|although|yet)\b[,]?\s*", re.I)
#: a promise with no commitment in it: the reading's modality of its main verb
_VAGUE_MODALITY = {"obligation", "permission", "hope", "hypothetical"}
#: moves that make a sentence more than a vague promise
_COMMITTING = {"commitment", "timeline", "follow-up", "amends", "escalation", "instruction", "resolution", "refusal", "question"}
#: verbs by which the customer asks for something ("I want a refund", "I'd like a replacement"), not
#: what they say they have or did ("now I have no parcel")
_WANTING = {"want", "need", "like", "expect", "demand", "request", "ask", "deserve", "require", "get", "wish"}
#: third-person pronouns that need a noun before them
_NEEDS_ANTECEDENT = {"he", "she", "him", "her", "it", "they", "them", "this", "these", "those"}


@dataclass
class _Flag:
    """A repair the rewrite asks for itself, from the scenario (not a finding of the linter's), in
    the shape of a finding, with the fix an over-apology rule's action makes for it."""

    rule: str
    category: str
    start: int
    end: int
    fix: Any = None


@dataclass
class Dropped:
    """A stretch of the draft the rewrite removed, and why."""

    text: str
    category: str
    rule: str


@dataclass
class Rewrite:
    original: str
    text: str
    scenario: str
    dropped: list[Dropped] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    replaced: list[tuple[str, str]] = field(default_factory=list)
    extracted: dict[str, Any] = field(default_factory=dict)
    evidence: str = ""  # why this scenario, and whether its own apology may be used

    @property
    def changed(self) -> bool:
        return self.text != self.original

    @property
    def placeholders(self) -> list[str]:
        return PLACEHOLDER.findall(self.text)


def actionable(report: "Report", text: str) -> list["Finding"]:
    """Findings at warning or above that the rewrite answers for: not those on a placeholder, and
    not a missing part once a placeholder marks where it goes."""
    holes = [(m.start(), m.end()) for m in PLACEHOLDER.finditer(text)]
    # a placeholder marks where an apology or empathy goes only in a sentence the reading reads as one
    # ("I'm sorry about [[what went wrong]]"), not the alternative a refusal offers
    feeling = [(m.start, m.end) for sm in (report.moves or []) for m in sm.moves if m.kind in ("apology", "empathy")]
    sents = analyse(text).sentences if holes and feeling else []
    felt = [(x.start, x.end) for x in sents if any(a < x.end and x.start < b for a, b in feeling)]
    out = []
    for f in report.findings:
        if f.severity.rank < 1:
            continue
        if f.category not in MISSING and any(s < f.end and f.start < e for s, e in holes):
            continue  # (a missing part is only anchored on a sentence: where it sits says nothing)
        if f.category in MISSING and holes and (
                f.category != "missing-empathy" or any(a <= s < b for s, _ in holes for a, b in felt)):
            continue
        out.append(f)
    return out


def _tidy_sentence(s: str, ending: str = ".") -> str:
    s = " ".join(s.split())
    s = re.sub(r"\s+([,.;:!?])", r"\1", s)
    s = re.sub(r"([,;:])\s*([,;:])+", r"\1", s)
    s = re.sub(r"[,;:]\s*([.!?])", r"\1", s)
    s = re.sub(r"^[\s,;:.\-–—]+", "", s)
    s = _GLUE.sub("", s)
    s = s.strip()
    s = _capital_at_start(s)
    if s and s[-1] not in ".!?" and not re.search(r"(https?://|www\.)\S+$", s):
        s += ending
    return s


def _capital_at_start(s: str) -> str:
    """`s` with a capital first letter, unless its first word is written as it must be: a link, a
    handle or tag, a word with a capital or digit inside ("iPhone", "eBay", "4pm")."""
    first = s.split(maxsplit=1)[0] if s.strip() else ""
    if not first or not first[0].islower() or re.match(r"(https?://|www\.)", first) or any(ch.isupper() or ch.isdigit() for ch in first[1:]):
        return s
    return s[0].upper() + s[1:]


def _words(s: str) -> int:
    return len(re.findall(r"[A-Za-z]+", s))


class Rewriter:
    """Rewrites drafts with one Linter (the shared default unless given) and the scenario templates."""

    def __init__(self, linter: "Linter | None" = None, templates: Iterable[Any] | None = None, max_passes: int = 10) -> None:
        if linter is None:
            from ..linter import default_linter

            linter = default_linter()
        self.linter = linter
        self.renderer = renderer(templates)
        self.max_passes = max_passes

    # -- the public entry ------------------------------------------------------------------------
    def rewrite(self, text: str, in_reply_to: str | None = None, scenario: str | None = None) -> Rewrite:
        inferred = inference(self.renderer.catalog, text, in_reply_to, self.linter) if scenario is None else None
        sc_name = scenario or inferred.name
        sc = self.renderer.scenario(sc_name)  # unknown scenario: DraftError now, not halfway through
        # an inferred scenario's own apology admits its failure ("I'm sorry we got your bill wrong"):
        # only when the customer's message, as the linter reads it, says a failure of ours of that
        # kind happened; else a visible placeholder names it, or (a request) there is none
        said = inferred.failure if inferred is not None else None
        first = self.linter.lint(text, in_reply_to)
        # a draft that disputes what the customer says ("the second charge is how our billing works")
        # has not conceded the failure: the rewrite may soften it, never admit it for the agent
        contested = bool(said) and any(m.kind == "dispute" for sm in first.moves or [] for m in sm.moves)
        self._guessed = scenario is None and (not said or contested) and sc.apologize and sc_name != "general"  # general apologizes for [[what went wrong]] already
        self._has_customer = bool(in_reply_to and in_reply_to.strip())
        if inferred is None:
            evidence = "as named"
        elif contested:
            evidence = f"the customer wrote {said!r}, but the draft disputes it, so no apology admits it"
        elif said:
            evidence = inferred.explain()
        elif not sc.apologize:
            why = f"the customer wrote {inferred.evidence.text!r}" if inferred.evidence is not None else "the draft says nothing more"
            evidence = f"because {why}, which names no failure of ours: empathy and help, no apology"
        elif inferred.evidence is not None:
            evidence = (f"a guess from what {'the customer' if inferred.evidence.source == 'customer' else 'the draft'} wrote "
                        f"({inferred.evidence.text!r}), which names no failure of ours, so the apology is left as a placeholder"
                        if not self._has_customer or sc_name == "general" else
                        f"a guess from {inferred.evidence.text!r}, which names no failure of ours: empathy and help, no apology")
        else:
            evidence = inferred.explain()
        result = Rewrite(original=text, text=text, scenario=sc_name, evidence=evidence)
        seed = int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=4).digest(), "big")
        current = text
        report = None
        for n in range(self.max_passes):
            report = first if n == 0 else self.linter.lint(current, in_reply_to)
            if n == 0:
                result.extracted = extract(text, report)
            todo = actionable(report, current)
            if not todo:
                break
            new = self._pass(current, in_reply_to, todo, report, sc_name, seed, result)
            if new == current:
                break
            current, report = new, None  # the report was of the text before this pass
        current = self._still_answer(current, in_reply_to, sc_name, seed, result, report)
        current = self._still_asked(current, in_reply_to, result)
        result.text = current
        return result

    def _still_answer(self, text: str, in_reply_to: str | None, sc_name: str, seed: int, result: Rewrite, report: "Report | None" = None) -> str:
        """A draft whose excuses or blame were all it said ("As I said, the terms were clear. You
        should have read them.") answered a problem even when no customer message says so: once
        those are gone it still acknowledges it and offers a way forward, as placeholders."""
        if not any(d.category in DROPPABLE for d in result.dropped):
            return text
        if report is None:  # the loop's last report is of this text unless it ran out of passes
            report = self.linter.lint(text, in_reply_to)
        missing = set()
        if not report.counts.apologies and not report.counts.empathy:
            missing.add("missing-empathy")
        if not report.counts.next_steps and "[[" not in text:
            missing.add("missing-next-step")
        if not missing:
            return text
        return self._add_missing(analyse(text), text, in_reply_to, missing, report, sc_name, seed, result)

    def _still_asked(self, text: str, in_reply_to: str | None, result: Rewrite) -> str:
        """What the customer asks for ("I want a refund") and the draft answered only inside an
        excuse or a defensive line ("my manager says refunds are not our call") is not left
        unanswered once that line goes: a placeholder asks the agent for the answer. By the parse:
        the object the customer wants (the object of their own verb of wanting or asking), said in
        a dropped line and nowhere in the rewrite."""
        gone = [d.text for d in result.dropped if d.category in DROPPABLE]
        if not gone or not (in_reply_to and in_reply_to.strip()):
            return text
        ctx = self.linter.exchange("", in_reply_to).context
        if ctx is None:
            return text
        wanted = []
        for t in ctx:
            verb = t.head if t.dep_ == "dobj" else t.head.head if t.dep_ == "pobj" and t.head.lower_ == "for" else None
            if t.pos_ == "NOUN" and verb is not None and verb.pos_ == "VERB" and verb.lemma_.lower() in _WANTING and not any(
                    c.dep_ == "neg" for c in verb.children) and any(c.dep_ == "nsubj" and c.lower_ == "i" for c in verb.children):
                wanted.append(t.lemma_.lower())
        if not wanted:
            return text
        said = {t.lemma_.lower() for d in self.linter.nlp.pipe(gone) for t in d if t.pos_ == "NOUN"}
        kept = {t.lemma_.lower() for t in self.linter.exchange(text, in_reply_to).doc if t.pos_ == "NOUN"}
        lost = [w for w in dict.fromkeys(wanted) if w in said and w not in kept]
        if not lost:
            return text
        part = f"[[your answer about the {lost[0]}]]"
        an = analyse(text)
        result.added.append(part)
        return rebuild(an, {}, inserts={_last_position(an): [part]})

    # -- one pass: repair sentences, then add what is missing -------------------------------------
    def _pass(self, text: str, in_reply_to: str | None, todo: list["Finding"], report: "Report", sc_name: str, seed: int, result: Rewrite) -> str:
        an = analyse(text)
        by_sentence: dict[int, list["Finding"]] = {}
        missing = {f.category for f in todo if f.category in MISSING}
        for f in todo:
            if f.category in MISSING:
                continue
            # a finding goes to the sentences its fix edits (the extra apologies of a too-many
            # finding), else to its own; one over several of our sentences (the parser ran two
            # together after a link with no full stop) is tried on each of them
            at = [(e.start, max(e.end, e.start + 1)) for e in f.fix.edits] if getattr(f, "fix", None) is not None else [(f.start, f.end)]
            spanned = sorted({j for j, x in enumerate(an.sentences) for a, b in at if x.start < b and a < x.end})
            i = _sentence_of(an, f)
            if f.fix is None and len(spanned) <= 1:
                spanned = [i] if i is not None else []
            for j in spanned:
                by_sentence.setdefault(j, []).append(f)
        apologize = self.renderer.scenario(sc_name).apologize
        if not apologize:
            # the scenario says no mistake of ours happened (the customer's own slip, a rule they
            # dislike): an apology the linter reads would admit one, so it comes out as an
            # over-apology rule takes it out (its drop-apology fix)
            from ..fixes import fixes_at
            from ..ruleset import FixSpec

            spans = [(i, m.start, m.end) for i, m in _apology_moves(an, report) if i not in by_sentence]
            if spans:
                spec = FixSpec(action="drop-apology", applicability="unsafe", message="Drop the apology for what is no failure of ours")
                made = fixes_at(self.linter, text, in_reply_to, spec, [(a, b) for _, a, b in spans])
                rule = self._rule_id("apology-without-failure")
                for (i, a, b), fix in zip(spans, made):
                    by_sentence.setdefault(i, []).append(_Flag(rule, "over-apology", a, b, fix))
        whole = self._whole_fixes(an, text, in_reply_to, todo, report, result)
        if whole is not None:
            return whole
        edits: dict[int, str | None] = {}
        if by_sentence:
            edits = self._repair(an, by_sentence, sc_name, seed, result)
            self._orphans(an, edits, result, in_reply_to)
        new = rebuild(an, edits)
        if new != text or not missing:
            return new  # the next pass lints the repaired text and adds what is still missing
        return self._add_missing(an, text, in_reply_to, missing, report, sc_name, seed, result)

    def _whole_fixes(self, an: Anatomy, text: str, in_reply_to: str | None, todo: list["Finding"], report: "Report", result: Rewrite) -> str | None:
        """A fix that edits several sentences (keep one apology, and join what another was about to
        it) is tried on the whole text and kept when, linted again, its finding is gone or
        lessened, no other finding came with it and no fact was lost or made up."""
        before = {f.rule for f in todo if f.category not in MISSING}
        own = {f.key for f in facts(text)}
        for f in sorted(todo, key=lambda f: _ORDER.index(f.category) if f.category in _ORDER else len(_ORDER)):
            fix = getattr(f, "fix", None)
            if fix is None or str(fix.applicability) == "display-only":
                continue
            touched = sorted({j for j, x in enumerate(an.sentences) for e in fix.edits if x.start < max(e.end, e.start + 1) and e.start < x.end})
            if len(touched) < 2:
                continue
            edits: dict[int, str | None] = {}
            removed: dict[int, str] = {}
            for j in touched:
                made = self._candidates("fix", an.sentences[j], [f], "", 0)
                if made:
                    edits[j], removed[j] = made[0]
            new = rebuild(an, edits)
            got = {x.key for x in facts(new)}
            if new == text or got - own or (own - got and f.category not in DROPPABLE):
                continue
            rep = self.linter.lint(new, in_reply_to)
            after = {x.rule for x in actionable(rep, new) if x.category not in MISSING}
            if after - before or (f.rule in after and not (f.category == "over-apology" and rep.counts.apologies < report.counts.apologies)):
                continue
            for j, cand in edits.items():
                if cand is None:
                    result.dropped.append(Dropped(an.sentences[j].text, f.category, f.rule))
                elif removed[j]:
                    result.dropped.append(Dropped(removed[j], f.category, f.rule))
                else:
                    result.replaced.append((an.sentences[j].text, cand))
            return new
        return None

    def _repair(self, an: Anatomy, by_sentence: dict[int, list["Finding"]], sc_name: str, seed: int, result: Rewrite) -> dict[int, str | None]:
        """For each sentence with findings, the first candidate that clears them."""
        plans: list[tuple[int, str, list[tuple[str, str | None, str]]]] = []
        rules: dict[int, str] = {}
        for i, found in sorted(by_sentence.items()):
            s = an.sentences[i]
            cats = {f.category for f in found}
            category = next((c for c in _ORDER if c in cats), sorted(cats)[0])
            candidates: list[tuple[str, str | None, str]] = []
            for how in STRATEGIES.get(category, DEFAULT_STRATEGY):
                for cand, removed in self._candidates(how, s, [f for f in found if f.category == category], sc_name, seed):
                    if cand not in [c for _, c, _ in candidates]:
                        candidates.append((how, cand, removed))
            plans.append((i, category, candidates))
            rules[i] = next(f.rule for f in found if f.category == category)
        # lint every written candidate on its own, and each sentence as it was, in one batch
        texts = list(dict.fromkeys([c for _, _, cands in plans for _, c, _ in cands if c] + [an.sentences[i].text for i, _, _ in plans]))
        verdicts = {t: r for t, r in zip(texts, self.linter.lint_many(texts))} if texts else {}
        # a fix can leave what another rule's fix repairs ("sorry if you feel upset about" -> "sorry
        # you feel upset about" -> "sorry about"): the candidate's own findings' fixes, applied in turn
        for _ in range(2):
            more: list[str] = []
            for k, (i, category, cands) in enumerate(plans):
                ending = an.sentences[i].text.rstrip()[-1:] if an.sentences[i].text.rstrip()[-1:] in (".", "!", "?") else "."
                grown: list[tuple[str, str | None, str]] = []
                for how, cand, removed in cands:
                    grown.append((how, cand, removed))
                    rep = verdicts.get(cand) if cand else None
                    if how != "fix" or rep is None:
                        continue
                    left = [f for f in rep.findings if f.severity.rank >= 1 and f.category not in MISSING and f.fix is not None]
                    if not left:
                        continue
                    nxt, chosen = apply_edits(cand, left, unsafe=True)
                    nxt = _tidy_sentence(nxt, ending) if nxt.strip() else ""
                    if chosen and nxt and nxt not in verdicts and nxt not in more:
                        grown.append(("fix", nxt, ""))
                        more.append(nxt)
                plans[k] = (i, category, grown)
            if not more:
                break
            verdicts.update(zip(more, self.linter.lint_many(more)))
        edits: dict[int, str | None] = {}
        apologize = self.renderer.scenario(sc_name).apologize
        other_text = {i: _text_without(an, i) for i, _, _ in plans}
        for i, category, cands in plans:
            s = an.sentences[i]
            own = {f.key: f for f in facts(s.text)}
            elsewhere = {f.key for f in facts(other_text[i])}
            fallback: str | None = None  # a plain apology that keeps the facts but names no situation
            for how, cand, removed in cands:
                if cand is None:
                    lost = set(own) - elsewhere
                    if lost and category not in DROPPABLE:
                        continue
                    if category not in DROPPABLE and all(j == i or edits.get(j, "") is None for j in range(len(an.sentences))):
                        continue  # the reply's last sentence: dropping it leaves nothing to send (an
                        # excuse or blame that was all it said is answered by placeholders instead)
                    result.dropped.append(Dropped(s.text, category, rules[i]))
                    edits[i] = None
                    break
                cand_facts = {f.key for f in facts(cand)}
                if cand_facts - set(own):
                    continue  # never invent
                if (set(own) - cand_facts - elsewhere) and category not in DROPPABLE:
                    continue  # never lose a fact
                rep = verdicts[cand]
                if any(f.severity.rank >= 1 and f.category not in MISSING and f.category != "over-apology"
                       and not _on_placeholder(f, cand) for f in rep.findings):
                    continue
                if category == "over-apology" and rep.counts.apologies and rep.counts.apologies >= verdicts[s.text].counts.apologies:
                    continue  # an over-apology is repaired by taking an apology out
                if how == "fix" and category == "non-apology" and apologize and rep.counts.apologies and (
                        not rep.counts.empathy or not removed and not own):
                    # plain but still a form letter, or reworded to an apology about a bare noun
                    # ("sorry about the order"): the scenario's own apology says more
                    fallback = fallback or cand
                    continue
                if how == "scenario-apology" or (how == "fix" and not removed):
                    result.replaced.append((s.text, cand))
                elif removed:
                    result.dropped.append(Dropped(removed, category, rules[i]))
                edits[i] = cand
                break
            else:
                if fallback is not None:  # nothing better keeps every fact: plain beats conditional
                    result.replaced.append((s.text, fallback))
                    edits[i] = fallback
        return self._keep_facts(an, edits, by_sentence)

    def _orphans(self, an: Anatomy, edits: dict[int, str | None], result: Rewrite, in_reply_to: str | None = None) -> None:
        """After a drop or a cut, a pronoun whose noun was in the dropped text ("I asked my manager. ... I
        don't think she'll approve it.") is repaired or its sentence goes too. By the parse: a
        third-person pronoun with no noun before it in what stays (an earlier kept sentence, or its
        own sentence outside its own clause), where a dropped sentence before it held one. Its
        sentence goes when its facts are said elsewhere; else the pronoun becomes the noun it stood
        for (the latest subject of the dropped text that agrees in number: the most salient)."""
        if not edits:
            return
        ex = self.linter.exchange(an.text, in_reply_to)
        doc = ex.doc

        def orig(t) -> int:
            return ex.norm.span(ex.offset + t.idx, ex.offset + t.idx + len(t))[0]

        where: dict[int, list] = {}
        for t in doc:
            p = orig(t)
            i = next((j for j, x in enumerate(an.sentences) if x.start <= p < x.end), None)
            if i is not None:
                where.setdefault(i, []).append(t)
        kept_nouns: list = []
        dropped_nouns: list = []
        for i, sent in enumerate(an.sentences):
            toks = where.get(i, [])
            if edits.get(i, "") is None:
                dropped_nouns += [t for t in toks if t.pos_ in ("NOUN", "PROPN")]
                continue
            now = edits.get(i, sent.text)
            alive = [t for t in toks if i not in edits or _word_in(t.text, now)]
            # a clause a fix cut out of a sentence it kept ("... and she denies that the kettle was
            # faulty") went as a dropped sentence goes; not a phrase with no subject ("as stated on our website")
            cut = [t for t in toks if i in edits and t not in alive]
            # (its subjects only: "this week" of "we are swamped this week" stood for nothing)
            if any(t.dep_ in ("nsubj", "nsubjpass") for t in cut):
                dropped_nouns += [t for t in cut if t.pos_ in ("NOUN", "PROPN") and t.dep_ in ("nsubj", "nsubjpass")]
            for t in alive:
                if not _needs_antecedent(t) or not dropped_nouns:
                    continue
                before = kept_nouns + [n for n in alive if n.i < t.i and n.pos_ in ("NOUN", "PROPN") and not _same_clause(n, t)]
                if any(_agrees(n, t) for n in before):
                    continue
                if not any(_agrees(n, t) for n in dropped_nouns):
                    continue  # it never had a noun in the draft ("it's been a long week")
                own = {f.key for f in facts(now)}
                if not own - {f.key for f in facts(_text_without(an, i))}:
                    result.dropped.append(Dropped(now, "reference", "pronoun-without-antecedent"))
                    edits[i] = None
                    break
                noun = _antecedent(dropped_nouns, t)
                if noun is not None and t.lower_ not in ("this", "these", "those"):
                    fixed = _put_noun(now, t, noun)
                    if fixed != now:
                        result.replaced.append((now, fixed))
                        edits[i] = now = fixed
            if edits.get(i, "") is not None:
                kept_nouns += [t for t in alive if t.pos_ in ("NOUN", "PROPN")]

    def _keep_facts(self, an: Anatomy, edits: dict[int, str | None], by_sentence: dict[int, list["Finding"]]) -> dict[int, str | None]:
        """Each edit was checked against the rest of the draft as it was; two edits together can
        still lose a fact both sentences carried. Undo edits, last first, until none is lost."""
        protected = {f.key for f in facts(an.text)} - {
            f.key for i, found in by_sentence.items() for f in facts(an.sentences[i].text)
            if any(x.category in DROPPABLE for x in found)
        } | {f.key for i in range(len(an.sentences)) if i not in by_sentence for f in facts(an.sentences[i].text)}
        for i in sorted(edits, reverse=True):
            lost = protected - {f.key for f in facts(rebuild(an, edits))}
            if not lost:
                break
            if {f.key for f in facts(an.sentences[i].text)} & lost:
                del edits[i]
        return edits

    def _candidates(self, how: str, s: Sentence, found: list["Finding"], sc_name: str, seed: int) -> list[tuple[str | None, str]]:
        """(replacement or None to drop, the text of the draft it removes)."""
        text = s.text
        ending = text.rstrip()[-1] if text.rstrip() and text.rstrip()[-1] in ".!?" else "."
        out: list[tuple[str | None, str]] = []
        if how == "fix":
            # the finding's own fix, made by its rule from the parse (fixes.py): its edits in this
            # sentence (a too-many-apologies fix edits several)
            body = len(text.rstrip())
            for f in found:
                fix = getattr(f, "fix", None)
                if fix is None or str(fix.applicability) == "display-only":
                    continue
                edits = []
                for e in fix.edits:
                    if e.end <= s.start or e.start >= s.end:
                        continue
                    if e.start < s.start and e.replacement:
                        edits = []
                        break  # a rewording that starts in another sentence: not one this sentence can take alone
                    edits.append((max(e.start, s.start) - s.start, min(e.end, s.end) - s.start, e.replacement))
                if not edits:
                    continue
                if len(edits) == 1 and edits[0][0] <= 0 and edits[0][1] >= body and not edits[0][2]:
                    out.append((None, text))  # the fix drops the sentence
                    continue
                new = text
                for a, b, rep in sorted(edits, reverse=True):
                    new = new[:a] + rep + new[min(b, len(new)):]
                # what went: an edit's text, less the letter it only capitalised ("As I said, o" -> "O")
                capitalised = [bool(rep) and text[b - len(rep) : b].upper() == rep.upper() for a, b, rep in edits]
                # a fix that only deletes drops what it deletes; one that rewords ("any" -> "the") rewrites
                removed = "" if any(rep and not cap for (_, _, rep), cap in zip(edits, capitalised)) else " ".join(
                    text[a : min(b, len(text)) - (len(rep) if cap else 0)].strip() for (a, b, rep), cap in zip(edits, capitalised) if b > a
                ).strip()
                tidy = _tidy_sentence(new, ending) if new.strip() and new != text else ""
                if tidy:
                    out.append((tidy, removed))
        elif how == "drop":
            out.append((None, text))
        elif how == "scenario-apology":
            apology = self.scenario_part(sc_name, "apology", seed)
            if apology:
                out.append((apology, text))
        return out

    # -- adding what is missing ------------------------------------------------------------------
    def _add_missing(self, an: Anatomy, text: str, in_reply_to: str | None, missing: set[str], report: "Report", sc_name: str, seed: int, result: Rewrite) -> str:
        """Add the scenario's apology (or empathy) at the start and its next step at the end."""
        sc = self.renderer.scenario(sc_name)
        inserts: dict[int, list[str]] = {}
        replace: dict[int, str | None] = {}
        if "missing-empathy" in missing and sc.apologize and report.counts.apologies:
            # an apology that names nothing ("Sorry for the late reply."): the scenario's says what
            part = self.scenario_part(sc_name, "apology", seed)
            said = _apology_sentences(an, report, sympathy=False)
            for i, x in enumerate(an.sentences):
                if part and i in said and _words(x.text) <= 12:
                    if not ({f.key for f in facts(x.text)} - {f.key for f in facts(_text_without(an, i))}):
                        result.replaced.append((x.text, part))
                        return rebuild(an, {i: part})
        if "missing-empathy" in missing:
            part = self.scenario_part(sc_name, "apology", seed) if sc.apologize and not report.counts.apologies else ""
            if not part and not sc.apologize:
                part = self.scenario_part(sc_name, "empathy", seed)
            if not part:
                part = self.macro("acknowledge_feeling", seed)
            if part and part not in text:
                # first in the body, else after its first sentence (the parser can read a greeting's
                # name as the subject of the sentence right after it)
                options = list(dict.fromkeys([0, min(1, len(an.sentences))]))
                if an.sentences and "thanks" in _move_kinds(an, report).get(0, set()):
                    options = options[::-1]  # "Thank you for your email." stays first: the apology follows it
                fulls = [rebuild(an, {}, inserts={at: [part]}) for at in options]
                reports = self.linter.lint_many([(t, in_reply_to) for t in fulls])
                at = next((o for o, r in zip(options, reports)
                           if not any(f.category == "missing-empathy" and f.severity.rank >= 1 for f in r.findings)), options[0])
                inserts.setdefault(at, []).append(part)
                result.added.append(part)
        if "missing-next-step" in missing:
            part = self.scenario_part(sc_name, "next_step", seed)
            if part and part not in text:
                # a vague promise beside the step said again would say it twice ("should ship
                # sometime next week. We'll deliver it on [[date]]"): the two are merged, what it
                # promised about becoming the step's "it" ("Your parcel will reach you on [[date]]"),
                # or the step takes its place when it says no more than the step
                vague = None
                for i in self._vague_promises(an, report, in_reply_to):
                    x = an.sentences[i]
                    lost = {f.key for f in facts(x.text)} - {f.key for f in facts(_text_without(an, i))}
                    merged = self._merge_step(x.text, part, in_reply_to)
                    if merged is None and not lost and self._step_is_about_a_thing(part):
                        merged = part
                    if merged and not (lost - {f.key for f in facts(merged)}) and not ({f.key for f in facts(merged)} - {f.key for f in facts(text)}):
                        vague = (i, merged)
                        break
                if vague is not None:
                    result.replaced.append((an.sentences[vague[0]].text, vague[1]))
                    replace[vague[0]] = vague[1]
                else:
                    inserts.setdefault(_last_position(an), []).append(part)
                    result.added.append(part)
        if "under-recovery" in missing:
            # a serious failure the customer says happened, in a scenario of ours: owning it is true,
            # and is the first thing it needs ("That's on us."); amends or a follow-up are the
            # agent's to decide, so with nothing to own a placeholder marks where they go
            sc_owns = sc.apologize and not getattr(self, "_guessed", False) and self._has_customer
            part = self.macro("responsibility", seed) if sc_owns else ""  # owning it, without naming a mistake the draft never made
            if part and part not in text:
                inserts.setdefault(min(1, len(an.sentences)), []).append(part)
                result.added.append(part)
            elif not inserts and not replace and "[[" not in text:
                part = "[[how we'll make this right]]"
                inserts.setdefault(_last_position(an), []).append(part)
                result.added.append(part)
        return rebuild(an, replace, inserts=inserts) if inserts or replace else text

    def _step_is_about_a_thing(self, step: str) -> bool:
        """The step speaks of the order or item ("It will reach you on [[date]]"), not only of what
        the agent will do ("I'm going to [[what you will do next]]")."""
        return any(t.lower_ in ("it", "they", "them") and t.pos_ == "PRON" for t in self.linter.exchange(step, None).doc)

    def _vague_promises(self, an: Anatomy, report: "Report", in_reply_to: str | None) -> list[int]:
        """Sentences that promise with no commitment in them ("Your parcel should ship sometime
        next week", "Hopefully it arrives soon"), by the reading: no move that commits, asks or
        refuses, and a main verb in the future or in a modality that hedges (should, may, hope)."""
        kinds = _move_kinds(an, report)
        ex = None
        out = []
        for i, x in enumerate(an.sentences):
            if kinds.get(i, set()) & (_COMMITTING | {"apology", "empathy", "thanks", "greeting", "sign-off"}):
                continue
            if ex is None:
                ex = self.linter.exchange(an.text, in_reply_to)
            root = next((s.root for s in ex.doc.sents
                         if x.start <= ex.norm.span(ex.offset + s.root.idx, ex.offset + s.root.idx + 1)[0] < x.end), None)
            if root is None or root.pos_ not in ("VERB", "AUX") or root._.polarity == "negative" or root._.question:
                continue
            if any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ == "you" for c in root.children):
                continue  # "you should ..." tells the customer what to do
            if root._.tense == "future" or root._.modality in _VAGUE_MODALITY:
                out.append(i)
        return out

    def _merge_step(self, vague: str, step: str, in_reply_to: str | None) -> str | None:
        """The step with its "it" replaced by what the vague promise was about (its subject), when
        that subject holds the promise's facts; None when they do not merge."""
        v = self.linter.exchange(vague, in_reply_to).doc
        root = next(iter(v.sents)).root if len(v) else None
        subj = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None) if root is not None else None
        if subj is None or subj.lower_ in _NEEDS_ANTECEDENT | {"i", "we", "you"}:
            return None
        sub = sorted(t.i for t in subj.subtree)
        phrase = v[sub[0] : sub[-1] + 1].text
        if {f.key for f in facts(vague)} - {f.key for f in facts(phrase)}:
            return None  # a fact outside what it is about ("... sometime after 3 May") does not fit the step
        d = self.linter.exchange(step, None).doc
        pron = next((t for t in d if t.lower_ in ("it", "they", "them") and t.pos_ == "PRON"), None)
        if pron is None:
            return None
        if v[sub[0]].pos_ != "PROPN":
            phrase = phrase[:1].lower() + phrase[1:]
        return _put_phrase(step, pron, phrase)

    def _rule_id(self, name: str) -> str:
        return next((r.id for r in self.linter.rules if r.name == name), name)

    # -- template parts --------------------------------------------------------------------------
    def rewrite_context(self, sc_name: str) -> dict[str, Any]:
        """The scenario's context as a rewrite knows it: generic wordings where the scenario has
        them, visible placeholders for the rest of what it requires, nothing optional."""
        sc = self.renderer.scenario(sc_name)
        ctx: dict[str, Any] = {}
        for name, spec in sc.fields.items():
            if spec.required:
                ctx[name] = spec.generic or f"[[{spec.placeholder or name.replace('_', ' ')}]]"
        return ctx

    def scenario_part(self, sc_name: str, part: str, seed: int) -> str:
        if part == "apology" and getattr(self, "_guessed", False):
            # a customer's message that names no failure of ours asks for something (a refund after
            # the warranty, an exception): empathy and help, not an apology; with no message at all,
            # what went wrong is left for the agent to name
            return "" if getattr(self, "_has_customer", False) else GUESSED_APOLOGY
        if part == "next_step" and getattr(self, "_guessed", False) and "general" in self.renderer.catalog:
            return self._scenario_part("general", part, seed)  # a guessed scenario's own step would claim its failure too
        return self._scenario_part(sc_name, part, seed)

    def _scenario_part(self, sc_name: str, part: str, seed: int) -> str:
        return self.renderer.render_part(sc_name, self.rewrite_context(sc_name), part, seed=seed).strip()

    def macro(self, name: str, seed: int) -> str:
        return self.renderer.render_macro(name, seed=seed)


def _move_kinds(an: Anatomy, report: "Report") -> dict[int, set[str]]:
    """The kinds of move the linter read in each sentence of `an`, by index."""
    out: dict[int, set[str]] = {}
    for sm in report.moves or []:
        for m in sm.moves:
            i = next((j for j, x in enumerate(an.sentences) if x.start <= m.start < x.end), None)
            if i is not None:
                out.setdefault(i, set()).add(m.kind)
    return out


def _apology_moves(an: Anatomy, report: "Report") -> list[tuple[int, Any]]:
    """The apologies the linter read (report.moves), not sympathy, with the index in `an` of the
    sentence each is in."""
    out = []
    for s in report.moves or []:
        for m in s.moves:
            if m.kind == "apology" and m.detail.get("sympathy") != "true":
                i = next((j for j, x in enumerate(an.sentences) if x.start <= m.start < x.end), None)
                if i is not None:
                    out.append((i, m))
    return out


def _apology_sentences(an: Anatomy, report: "Report", sympathy: bool = True) -> set[int]:
    """The sentences where the linter read an apology (report.moves), by their index in `an`;
    with `sympathy=False`, not those whose apologies are all sympathy ("sorry to hear that")."""
    spans = [(m.start, m.end) for s in (report.moves or []) for m in s.moves
             if m.kind == "apology" and (sympathy or m.detail.get("sympathy") != "true")]
    return {i for i, x in enumerate(an.sentences) if any(a < x.end and x.start < b for a, b in spans)}


# -- pronouns and the nouns they stand for (by the parse) -------------------------------------------
def _needs_antecedent(t) -> bool:
    """A third-person pronoun that stands for a noun said before it: "she", "it", "them", and
    "this" alone ("this happened"), not "this order", a possessive or a dummy "it" ("it's raining")."""
    if t.lower_ not in _NEEDS_ANTECEDENT or t.dep_ in ("expl", "poss"):
        return False
    if t.lower_ in ("this", "these", "those"):
        # as a subject only ("This happened because ..."): as an object it is mostly the customer's
        # own message ("I'll pass this on")
        return t.pos_ == "PRON" and t.dep_ in ("nsubj", "nsubjpass")
    return t.pos_ == "PRON" and not (t.lower_ == "it" and t.dep_ == "nsubj" and any(c.dep_ in ("ccomp", "xcomp") and c.i > t.head.i for c in t.head.children)
                                     and t.head.lemma_ == "be")


def _plural(t) -> bool | None:
    """The number of a noun or pronoun (None: either)."""
    if t.lower_ in ("they", "them", "these", "those"):
        return True
    if t.lower_ in ("he", "she", "him", "her", "it", "this"):
        return False
    n = t.morph.get("Number")
    return (n[0] == "Plur") if n else None


#: nouns that name a person (a closed class: a "she" can stand for "the driver", never for "the parcel");
#: those of one gender for "he" or "she" alone
PERSON_NOUNS = {
    "driver", "manager", "colleague", "agent", "advisor", "adviser", "engineer", "technician", "courier", "member",
    "employee", "waiter", "waitress", "assistant", "supervisor", "representative", "rep", "person", "man", "woman",
    "lady", "gentleman", "guy", "boss", "owner", "director", "leader", "cashier", "chef", "designer", "developer",
    "officer", "caller", "customer", "installer", "fitter", "plumber", "electrician", "doctor", "nurse", "pharmacist",
    "landlord", "cleaner", "host", "receptionist", "lawyer", "accountant", "analyst", "partner", "son", "daughter",
    "husband", "wife", "mother", "father", "mum", "mom", "dad", "friend", "neighbour", "neighbor", "someone", "postman",
    "postwoman", "specialist", "consultant", "coordinator", "dispatcher", "clerk", "operator", "teacher", "tutor",
    "trainer", "instructor", "guard", "porter", "steward", "stewardess", "pilot", "rider", "handler", "worker", "head",
}
MALE_NOUNS = {"man", "gentleman", "guy", "husband", "father", "dad", "son", "postman", "steward", "waiter"}
FEMALE_NOUNS = {"woman", "lady", "wife", "mother", "mum", "mom", "daughter", "postwoman", "stewardess", "waitress"}


def _gender(pron) -> str | None:
    """A pronoun's gender by its morphology ("Masc", "Fem", "Neut"), else by the word."""
    g = pron.morph.get("Gender")
    if g:
        return g[0]
    return {"he": "Masc", "him": "Masc", "she": "Fem", "her": "Fem", "it": "Neut", "this": "Neut"}.get(pron.lower_)


def _animate(noun) -> bool | None:
    """Whether a noun names a person: True for the closed class, None for a name (a person or a
    company: "Priya", "Royal Mail"), False otherwise."""
    if noun.lemma_.lower() in PERSON_NOUNS or noun.lower_ in PERSON_NOUNS:
        return True
    return None if noun.pos_ == "PROPN" else False


def _agrees(noun, pron) -> bool:
    """The noun can be what the pronoun stands for: number, and person or thing ("she" is no parcel,
    "it" no driver), and the gender of a noun that has one."""
    a, b = _plural(noun), _plural(pron)
    if not (a is None or b is None or a == b):
        return False
    if pron.lower_ in ("they", "them", "these", "those"):
        return True
    g = _gender(pron)
    person = _animate(noun)
    if g in ("Masc", "Fem"):
        word = noun.lemma_.lower()
        return person is not False and not (g == "Masc" and word in FEMALE_NOUNS) and not (g == "Fem" and word in MALE_NOUNS)
    return person is not True


def _same_clause(noun, pron) -> bool:
    """The noun is an argument of the pronoun's own verb or of the verb it hangs off ("asked the
    courier to return it"): it cannot be what the pronoun stands for. Not the one who says or tells
    what the pronoun's clause reports: "the manager told me he will call" is the manager's "he"."""
    verb = pron.head
    if verb.dep_ == "ccomp" and noun.head.i == verb.head.i and noun.dep_ in ("nsubj", "nsubjpass"):
        return False
    return noun.head.i == verb.i or (verb.dep_ in ("xcomp", "ccomp", "advcl") and noun.head.i == verb.head.i)


def _antecedent(nouns: list, pron):
    """The noun of the dropped text a pronoun stood for: the latest subject that agrees (the most
    salient), else the latest noun that does; never a time ("this week" stood for no "it")."""
    from ..nlp.frames import a_time

    agreeing = [n for n in nouns if _agrees(n, pron) and n.pos_ in ("NOUN", "PROPN") and not a_time(n)]
    subjects = [n for n in agreeing if n.dep_ in ("nsubj", "nsubjpass")]
    return (subjects or agreeing or [None])[-1]


_CONTRACTIONS = {"'ll": " will", "’ll": " will", "'d": " would", "’d": " would", "'re": " are", "’re": " are",
                 "'ve": " have", "’ve": " have", "'s": " is", "’s": " is"}


def _put_noun(text: str, pron, noun) -> str:
    """`text` with the first `pron` word replaced by the noun phrase `noun` heads ("she'll" -> "my
    manager will")."""
    doc = noun.doc
    start = min([t.i for t in noun.lefts if t.dep_ in ("det", "poss", "compound", "amod", "nummod")] + [noun.i])
    phrase = doc[start : noun.i + 1].text
    if doc[start].pos_ != "PROPN":
        phrase = phrase[:1].lower() + phrase[1:]
    if start == noun.i and noun.pos_ == "NOUN":
        phrase = "the " + phrase
    return _put_phrase(text, pron, phrase)


def _put_phrase(text: str, pron, phrase: str) -> str:
    """`text` with the first `pron` word replaced by `phrase`, its contraction spelled out ("it'll"
    -> "your order will") and a capital where the sentence starts."""
    m = re.search(rf"\b{re.escape(pron.text)}\b", text, re.I)
    if not m:
        return text
    nxt = pron.doc[pron.i + 1] if pron.i + 1 < len(pron.doc) else None
    tail = ""
    end = m.end()
    if nxt is not None and nxt.text in _CONTRACTIONS and text[end : end + len(nxt.text)] == nxt.text:
        tail, end = _CONTRACTIONS[nxt.text], end + len(nxt.text)
    if m.start() == 0 or re.match(r"[\s\"'(]*$", text[: m.start()]):
        phrase = phrase[:1].upper() + phrase[1:]
    return text[: m.start()] + phrase + tail + text[end:]


def _word_in(word: str, text: str | None) -> bool:
    return bool(text) and bool(re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.I))


# -- helpers on sentences ------------------------------------------------------------------------
def _sentence_of(an: Anatomy, f: "Finding") -> int | None:
    best, overlap = None, 0
    for i, s in enumerate(an.sentences):
        o = min(s.end, f.end) - max(s.start, f.start)
        if o > overlap or (o == 0 and best is None and s.start <= f.start < s.end):
            best, overlap = i, o
    return best


def _on_placeholder(f: "Finding", text: str) -> bool:
    return any(m.start() < f.end and f.start < m.end() for m in PLACEHOLDER.finditer(text))


def _text_without(an: Anatomy, i: int) -> str:
    s = an.sentences[i]
    return an.text[: s.start] + " " + an.text[s.end :]


def _last_position(an: Anatomy) -> int:
    """Where a next step goes: before the closing pleasantries at the end of the body."""
    i = len(an.sentences)
    while i > 1 and _CLOSERS.match(an.sentences[i - 1].text):
        i -= 1
    return i


def rebuild(an: Anatomy, edits: dict[int, str | None], inserts: dict[int, list[str]] | None = None) -> str:
    """The text with sentence `edits` (None drops) applied and `inserts` {before sentence i: [...]}
    added in the paragraph and line of their neighbour; the greeting, the sign-off and the
    whitespace around the body are kept byte for byte."""
    inserts = inserts or {}
    if not edits and not inserts:
        return an.text
    if not an.sentences:
        added = " ".join(x for v in inserts.values() for x in v)
        head, tail = an.text[: an.body[0]], an.text[an.body[1] :]
        return head.rstrip() + ("\n\n" if head.strip() else "") + added + ("\n\n" + tail.lstrip() if tail.strip() else "")
    items: list[tuple[int, int, str]] = []  # (paragraph, line, sentence)
    n = len(an.sentences)
    for i in range(n + 1):
        near = an.sentences[min(i, n - 1)]
        if i < n and i > 0 and i in inserts and an.sentences[i - 1].paragraph == near.paragraph:
            near = an.sentences[i - 1]  # inside a paragraph, join the sentence before
        items += [(near.paragraph, near.line, x) for x in inserts.get(i, [])]
        if i < n:
            s = an.sentences[i]
            text = edits[i] if i in edits else s.text
            if text:
                items.append((s.paragraph, s.line, text))
    parts: list[str] = []
    prev: tuple[int, int] | None = None
    for k, (para, line, text) in enumerate(items):
        if k + 1 < len(items) and text and text[-1] not in ".!?:;," and not re.search(r"(https?://|www\.)\S+$", text) and (
                items[k + 1][:2] == (para, line)):
            text += "."  # a sentence that ended the draft ("... your neighbours ^JL") has one after it now
        if k:
            text = _capital_at_start(text)  # "@ana our system ..." lost its lead: what follows a sentence starts one
        if prev is None:
            pass
        elif (para, line) == prev:
            parts.append(" ")
        else:
            parts.append("\n\n" if para != prev[0] else "\n")
        parts.append(text)
        prev = (para, line)
    first, final = an.sentences[0], an.sentences[-1]
    body = "".join(parts)
    if an.greeting and an.greeting[1] == first.start and an.text[first.start - 1 : first.start] == " ":
        body = _after_prefix_greeting(body)
    return an.text[: first.start] + body + an.text[final.end :]


#: sentence openings that go on in lower case after "Hi Sam, "; anything else (a name, "I") keeps its capital
_COMMON_STARTS = {
    "We're", "We've", "We'll", "We", "You're", "You'll", "You", "Your", "The", "That", "That's", "Here's", "Sorry",
    "Thanks", "Thank", "So", "Next", "To", "It", "It's", "A", "Everything", "Order", "This", "There", "Our",
}


def _after_prefix_greeting(body: str) -> str:
    """After "Hi Sam, " a reply goes on in lower case, unless it starts with "I" or a name."""
    first = re.split(r"[\s,:]", body, maxsplit=1)[0]
    if first in _COMMON_STARTS:
        return body[:1].lower() + body[1:]
    return body


# -- what the draft says -------------------------------------------------------------------------
#: what the reading calls naming the problem, and promising something
_PROBLEM_MOVES = {"empathy", "acknowledgement", "ownership", "explanation"}
_COMMITMENT_MOVES = {"commitment", "timeline", "follow-up", "amends", "escalation", "resolution"}


def extract(text: str, report: "Report | None" = None) -> dict[str, Any]:
    """What the draft says, for callers and for the report: greeting and names, the sentences that
    name the problem and the commitments (as the linter's `report` of `text` read them), and the
    facts by kind."""
    an = analyse(text)
    by_kind: dict[str, list[str]] = {}
    for f in facts(text):
        by_kind.setdefault(f.kind, []).append(f.text)
    kinds: dict[int, set[str]] = {}
    for sm in (report.moves or []) if report is not None else []:
        for m in sm.moves:
            i = next((j for j, x in enumerate(an.sentences) if x.start <= m.start < x.end), None)
            if i is not None:
                kinds.setdefault(i, set()).add(m.kind)
    return {
        "greeting": an.greeting_text.strip() or None,
        "customer_name": an.customer_name,
        "sign_off": an.sign_off,
        "agent_name": an.agent_name,
        "problem": [s.text for i, s in enumerate(an.sentences) if kinds.get(i, set()) & _PROBLEM_MOVES][:3],
        "commitments": [s.text for i, s in enumerate(an.sentences) if kinds.get(i, set()) & _COMMITMENT_MOVES and "apology" not in kinds.get(i, set())],
        "facts": by_kind,
    }
