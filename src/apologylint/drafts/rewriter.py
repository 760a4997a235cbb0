"""Rewriting a flawed draft into a balanced one, driven by the linter's own findings.

What the draft already says stays where it is: the greeting, every sentence the linter has nothing
against, the sign-off, and every fact (numbers, dates, identifiers, amounts, addresses, links). A
sentence with a finding is repaired in the smallest way that clears it, checked by linting the
candidate. The finding's own fix comes first (made by its rule from the parse, `fixes.py`); the
repairs below are tried when a rule has none or declined to make one:

- excuse: cut the excuse clause ("... late due to the high volume of orders") or drop the sentence;
- defensive: cut the lead-in up to its comma ("As I said in my last email, ..."), the minimizing
  word ("only lasted"), or drop the sentence;
- non-apology: make it plain ("sorry if the product didn't" -> "sorry the product didn't",
  "mistakes were made" -> "we made mistakes"), else replace it with the scenario's apology;
- over-apology and the rest: cut the apology lead-in ("Sorry to bother you, but ..."), or drop the
  sentence.

A sentence is dropped only when every fact in it is said elsewhere, unless it is an excuse or a
defensive line (their facts go with them, and the result lists them as dropped). What is missing
is added from the scenario's own template blocks: its apology (or, where the scenario calls for
none, its empathy) and its next step, with any detail the draft does not give left as a visible
[[placeholder]]. Nothing is invented: no amount, date, refund or fact appears that the draft did
not contain. A reply with nothing to repair comes back unchanged, so rewriting a rewrite is a no-op.

No false admission: an inferred scenario's own apology and next step ("I'm sorry we got your bill
wrong") go in only when the customer's message names that failure (the scenario's `failure_cues`;
`Rewrite.evidence` says which words). Otherwise a customer's message gets empathy and a next step
to fill in, and a draft with no customer message an apology for [[what went wrong]].
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

from .anatomy import Anatomy, Sentence, analyse
from .facts import PLACEHOLDER, facts
from .infer import infer
from .render import renderer

if TYPE_CHECKING:  # pragma: no cover
    from ..linter import Linter
    from ..models import Finding, Report

#: categories whose findings are about a part that is absent, not about a sentence
MISSING = {"missing-empathy", "missing-next-step", "under-recovery"}
#: categories whose sentences may be dropped with their facts
DROPPABLE = {"excuse", "defensive"}
#: how a sentence is repaired, by category, in order of preference
STRATEGIES = {
    "excuse": ("fix", "cut", "drop"),
    "defensive": ("fix", "lead", "sorry-but", "minimizer", "cut", "drop"),
    "non-apology": ("fix", "plain", "scenario-apology", "unfeel", "drop"),
    "over-apology": ("fix", "one-apology", "lead", "drop", "reference"),
}
DEFAULT_STRATEGY = ("fix", "lead", "drop")
#: the apology a rewrite adds when it does not know the scenario for sure
GUESSED_APOLOGY = "I'm sorry about [[what went wrong]]."
_ONE_APOLOGY = r"(?:(?:i'?m|we'?re|i am|we are)\s+)?(?:(?:so|very|really|truly|terribly)\s+)?(?:sorry|apologies)"
_APOLOGY_LEAD = re.compile(rf"^\s*{_ONE_APOLOGY}(?:\s+again)?\s*[,;:–—-]\s*\S+(?:\s+\S+){{2,}}", re.I)
_APOLOGY_ABOUT = re.compile(rf"^\s*{_ONE_APOLOGY}\s+(?:about|for)\s+(?P<rest>.+?)[.!?]*\s*$", re.I)
_REPEATED_APOLOGY = re.compile(rf"(?:{_ONE_APOLOGY}[,!.]?\s+)+(?P<last>{_ONE_APOLOGY})", re.I)
_ORDER = ("excuse", "defensive", "non-apology", "over-apology")

_APOLOGY_WORD = re.compile(r"\b(sorry|apologi[sz]e[sd]?|apolog(?:y|ies)|regret)\b", re.I)
_CLOSERS = re.compile(
    r"^(thanks|thank you|many thanks|let (us|me) know|feel free|please (do not|don't) hesitate|"
    r"(we|i) (hope|look forward)|have a (great|good|nice))\b",
    re.I,
)
#: where a lead-in ("As I said in my last email,", "Sorry to bother you, but") ends
_LEAD_END = re.compile(r"(?:[,;–—]|:(?=\s))\s*(?:(?:but|however|and|so)\b,?\s*)?|\s+(?:but|however)\b,?\s*")
#: how an excuse clause starts when it can be cut out of its sentence
_CLAUSE_START = re.compile(
    r"(?:due|owing|because|as a result|since|as|given|thanks|caused|with|after|during|following|amid|on account)\b", re.I
)
_MINIMIZERS = re.compile(r"\s*\b(just|only|merely|simply)\b", re.I)
_GLUE = re.compile(r"^(?:and|but|so|however|because|as|since|though|although|yet)\b[,]?\s*", re.I)


#: a promise with no when or what: the next step the rewrite adds replaces it
_VAGUE = re.compile(r"\b(sometime|at some point|in due course|as soon as possible|asap|shortly|soon|eventually|hopefully)\b|"
                    r"\b(should|may|might)\s+(ship|arrive|reach|be with|be delivered|be sent|go out)\b", re.I)
#: someone a later "he" or "she" can point to
_PERSON = re.compile(r"\b(manager|supervisor|colleague|driver|engineer|technician|agent|rider|courier|staff member|team leader|"
                     r"member of staff|landlord|owner|advisor|adviser)\b", re.I)
_PRONOUN = re.compile(r"\b(she|he|her|him|his|hers|she'll|he'll|she's|he's|she'd|he'd)\b", re.I)


@dataclass
class _Flag:
    """A finding the rewrite raises itself, in the shape of the linter's."""

    rule: str
    category: str
    start: int
    end: int


def _flag_word(rule: str, category: str, sent: Sentence, rx: re.Pattern[str]) -> _Flag:
    """A flag on the words of `sent` that `rx` matches (the apology itself, not the whole sentence)."""
    m = rx.search(sent.text)
    a, b = (m.start(), m.end()) if m else (0, len(sent.text))
    return _Flag(rule, category, sent.start + a, sent.start + b)


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
    out = []
    for f in report.findings:
        if f.severity.rank < 1:
            continue
        if any(s < f.end and f.start < e for s, e in holes):
            continue
        if f.category in MISSING and holes:
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
    if s and s[0].islower() and not s.startswith(("iPhone", "iPad", "eBay")):
        s = s[0].upper() + s[1:]
    if s and s[-1] not in ".!?" and not re.search(r"(https?://|www\.)\S+$", s):
        s += ending
    return s


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
        sc_name = scenario or infer(self.renderer.catalog, text, in_reply_to)
        sc = self.renderer.scenario(sc_name)  # unknown scenario: DraftError now, not halfway through
        # an inferred scenario's own apology admits its failure ("I'm sorry we got your bill wrong"):
        # only when the customer says that failure happened; else a visible placeholder names it
        said = failure_said(sc.spec.failure_cues, in_reply_to) if scenario is None else None
        self._guessed = scenario is None and not said and sc.apologize and sc_name != "general"  # general apologizes for [[what went wrong]] already
        self._has_customer = bool(in_reply_to and in_reply_to.strip())
        if scenario is not None:
            evidence = "as named"
        elif said:
            evidence = f"because the customer wrote {said!r}"
        else:
            evidence = "a guess: the customer's message names no failure of this kind, so the apology is left as a placeholder" if sc.apologize else "inferred"
        result = Rewrite(original=text, text=text, scenario=sc_name, extracted=extract(text), evidence=evidence)
        seed = int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=4).digest(), "big")
        current = text
        report = None
        for _ in range(self.max_passes):
            report = self.linter.lint(current, in_reply_to)
            todo = actionable(report, current)
            if not todo:
                break
            new = self._pass(current, in_reply_to, todo, report, sc_name, seed, result)
            if new == current:
                break
            current, report = new, None  # the report was of the text before this pass
        current = self._still_answer(current, in_reply_to, sc_name, seed, result, report)
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

    # -- one pass: repair sentences, then add what is missing -------------------------------------
    def _pass(self, text: str, in_reply_to: str | None, todo: list["Finding"], report: "Report", sc_name: str, seed: int, result: Rewrite) -> str:
        an = analyse(text)
        by_sentence: dict[int, list["Finding"]] = {}
        missing = {f.category for f in todo if f.category in MISSING}
        too_many = self._rule_id("too-many-apologies")
        for f in todo:
            if f.category in MISSING:
                continue
            if f.rule == too_many:
                for i in self._extra_apologies(an, report):
                    by_sentence.setdefault(i, []).append(_flag_word(f.rule, f.category, an.sentences[i], _APOLOGY_WORD))
                continue
            # a finding over several of our sentences (the parser ran two together after a link
            # with no full stop) is tried on each of them
            spanned = [j for j, x in enumerate(an.sentences) if x.start < f.end and f.start < x.end]
            i = _sentence_of(an, f)
            for j in (spanned if len(spanned) > 1 else [i] if i is not None else []):
                by_sentence.setdefault(j, []).append(f)
        apologize = self.renderer.scenario(sc_name).apologize
        apology_sents = _apology_sentences(an, report, sympathy=False)  # the linter's reading, not a pattern of ours
        if not apologize:
            # the scenario says no mistake of ours happened (the customer's own slip, a rule they
            # dislike): an apology would admit one, so it is repaired as the over-apology it is
            for i, sent in enumerate(an.sentences):
                if i not in by_sentence and i in apology_sents:
                    by_sentence[i] = [_flag_word(self._rule_id("apology-without-failure"), "over-apology", sent, _APOLOGY_WORD)]
        edits: dict[int, str | None] = {}
        if by_sentence:
            edits = self._repair(an, by_sentence, sc_name, seed, result)
            self._orphans(an, edits, result)
        new = rebuild(an, edits)
        if new != text or not missing:
            return new  # the next pass lints the repaired text and adds what is still missing
        return self._add_missing(an, text, in_reply_to, missing, report, sc_name, seed, result)

    def _repair(self, an: Anatomy, by_sentence: dict[int, list["Finding"]], sc_name: str, seed: int, result: Rewrite) -> dict[int, str | None]:
        """For each sentence with findings, the first candidate that clears them."""
        plans: list[tuple[int, str, list[tuple[str, str | None, str]]]] = []
        rules: dict[int, str] = {}
        for i, found in sorted(by_sentence.items()):
            s = an.sentences[i]
            cats = {f.category for f in found}
            category = next((c for c in _ORDER if c in cats), sorted(cats)[0])
            offset = s.start
            candidates: list[tuple[str, str | None, str]] = []
            for how in STRATEGIES.get(category, DEFAULT_STRATEGY):
                for cand, removed in self._candidates(how, s, [f for f in found if f.category == category], offset, sc_name, seed):
                    if cand not in [c for _, c, _ in candidates]:
                        candidates.append((how, cand, removed))
            plans.append((i, category, candidates))
            rules[i] = next(f.rule for f in found if f.category == category)
        # lint every written candidate on its own, in one batch
        texts = [c for _, _, cands in plans for _, c, _ in cands if c]
        verdicts = {t: r for t, r in zip(texts, self.linter.lint_many(texts))} if texts else {}
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
                if category == "over-apology" and rep.counts.apologies and how not in ("plain", "one-apology"):
                    continue
                if how == "plain" and apologize and rep.counts.apologies and not rep.counts.empathy:
                    fallback = fallback or cand
                    continue  # plain but still a form letter: the scenario's own apology says more
                if how in ("plain", "scenario-apology", "unfeel") or (how == "fix" and not removed):
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

    def _orphans(self, an: Anatomy, edits: dict[int, str | None], result: Rewrite) -> None:
        """A sentence whose "she" or "he" pointed into a dropped one ("I asked my manager. ... I
        don't think she'll approve it.") goes too, unless its facts are said nowhere else; a kept
        sentence before it that names a person keeps it."""
        dropped_person = False
        for i, sent in enumerate(an.sentences):
            text = edits.get(i, sent.text) if i in edits else sent.text
            if i in edits and edits[i] is None:
                dropped_person = dropped_person or bool(_PERSON.search(sent.text))
                continue
            if _PERSON.search(text or ""):
                dropped_person = False  # a person named in what stays: the pronoun has someone
                if not _PRONOUN.search((text or "")[: _PERSON.search(text).start()]):
                    continue
            if dropped_person and text and _PRONOUN.search(text):
                own = {f.key for f in facts(text)}
                if not own - {f.key for f in facts(_text_without(an, i))}:
                    result.dropped.append(Dropped(text, "reference", "pronoun-without-antecedent"))
                    edits[i] = None

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

    def _candidates(self, how: str, s: Sentence, found: list["Finding"], offset: int, sc_name: str, seed: int) -> list[tuple[str | None, str]]:
        """(replacement or None to drop, the text of the draft it removes)."""
        text = s.text
        ending = text.rstrip()[-1] if text.rstrip() and text.rstrip()[-1] in ".!?" else "."
        out: list[tuple[str | None, str]] = []
        if how == "fix":
            # the finding's own fix, made by its rule from the parse (fixes.py): tried first
            for f in found:
                fix = getattr(f, "fix", None)
                if fix is None or str(fix.applicability) == "display-only":
                    continue
                edits = [(e.start - offset, e.end - offset, e.replacement) for e in fix.edits]
                body = len(text.rstrip())
                if any(a < 0 or a > len(text) for a, _, _ in edits):
                    continue  # an edit outside this sentence: not one the sentence can take alone
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
                if new.strip() and new != text:
                    out.append((_tidy_sentence(new, ending), removed))
            return out
        if how == "drop":
            return [(None, text)]
        if how == "cut":
            for f in found:
                a, b = f.start - offset, f.end - offset
                if not (0 <= a < b <= len(text)) or not _CLAUSE_START.match(text[a:b]) and not re.search(r"[,;:(–—]\s*$", text[:a]):
                    continue  # only a clause or phrase of its own can go without breaking the sentence
                if a > 0 or b < len(text.rstrip(" .!?")):
                    cand = _tidy_sentence(text[:a] + " " + text[b:], ending)
                    # what is left must still say something to this customer: about them or a fact
                    if _words(cand) >= 4 and (re.search(r"\b(you|your|yours)\b", cand, re.I) or facts(cand)):
                        out.append((cand, text[a:b]))
        elif how == "lead":
            for f in found:
                a = max(0, f.start - offset)
                if len(re.findall(r"\w+", text[:a])) > 3:
                    continue  # a lead-in starts the sentence
                m = _LEAD_END.search(text, a)
                if m and m.start() >= f.end - offset and _words(text[m.end():]) >= 3:
                    out.append((_tidy_sentence(text[m.end():], ending), text[: m.end()]))
        elif how == "sorry-but":
            m = re.search(r"\b(?:sorry|apologi[sz]e|apologies)\b[^.!?]*?,?\s+(?:but|however)\b,?\s*", text, re.I)
            if m and _words(text[m.end():]) >= 3:
                out.append((_tidy_sentence(text[m.end():], ending), text[: m.end()]))
        elif how == "minimizer":
            for f in found:
                a, b = f.start - offset, f.end - offset
                if 0 <= a < b <= len(text):
                    inner = _MINIMIZERS.sub("", text[a:b])
                    if inner != text[a:b]:
                        removed = " ".join(m.group(1) for m in _MINIMIZERS.finditer(text[a:b]))
                        out.append((_tidy_sentence(text[:a] + inner + text[b:], ending), removed))
        elif how == "reference":
            # an extra apology that carries a fact: keep the fact, drop the apology
            m = _APOLOGY_ABOUT.match(text)
            if m and facts(m.group("rest")):
                out.append((_tidy_sentence(f"This is about {m.group('rest')}", ending), text[: m.start("rest")]))
        elif how == "one-apology":
            # "Sorry, sorry, sorry about your order" -> "Sorry about your order"
            m = _REPEATED_APOLOGY.search(text)
            if m:
                out.append((_tidy_sentence(text[: m.start()] + m.group("last") + text[m.end() :], ending), m.group(0)))
        elif how == "plain":
            out.extend((c, "") for c in plain_apologies(text) if c != text)
        elif how == "unfeel":
            rx, rep = _FEELINGS
            new = rx.sub(rep, text, count=1)
            if new != text:
                out.append((_tidy_sentence(new, ending), ""))
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
                if an.sentences and re.match(r"\s*(thank you|thanks|many thanks) for (your|getting|reaching|contacting|the)\b", an.sentences[0].text, re.I):
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
                # sometime next week. We'll deliver it on [[date]]"): the step takes its place
                vague = next((i for i, x in enumerate(an.sentences) if _VAGUE.search(x.text)
                              and not ({f.key for f in facts(x.text)} - {f.key for f in facts(_text_without(an, i))})), None)
                if vague is not None and not inserts:
                    result.replaced.append((an.sentences[vague].text, part))
                    return rebuild(an, {vague: part})
                inserts.setdefault(_last_position(an), []).append(part)
                result.added.append(part)
        if "under-recovery" in missing:
            # a serious failure the customer says happened, in a scenario of ours: owning it is true,
            # and is the first thing it needs ("That's on us."); amends or a follow-up are the
            # agent's to decide, so with nothing to own a placeholder marks where they go
            sc_owns = sc.apologize and not getattr(self, "_guessed", False) and self._has_customer
            part = self.macro("ownership", seed) if sc_owns else ""
            if part and part not in text:
                inserts.setdefault(min(1, len(an.sentences)), []).append(part)
                result.added.append(part)
            elif not inserts and "[[" not in text:
                part = "[[how we'll make this right]]"
                inserts.setdefault(_last_position(an), []).append(part)
                result.added.append(part)
        return rebuild(an, {}, inserts=inserts) if inserts else text

    def _extra_apologies(self, an: Anatomy, report: "Report") -> list[int]:
        """Every apology sentence but the one to keep: the longest that names what happened (it
        counts as empathy on its own and has no finding), else the first."""
        said = _apology_sentences(an, report, sympathy=False)
        apologies = [i for i, x in enumerate(an.sentences) if i in said]
        repeated = [i for i, x in enumerate(an.sentences) if _REPEATED_APOLOGY.search(x.text)]
        if len(apologies) < 2:
            return repeated  # "Sorry, sorry, sorry about ...": one sentence, several apologies
        reports = self.linter.lint_many([an.sentences[i].text for i in apologies])
        named = [i for i, r in zip(apologies, reports) if r.counts.empathy and r.counts.apologies == 1
                 and not any(f.severity.rank >= 1 and f.category not in MISSING for f in r.findings)]
        # keep, if possible, the apology whose facts stand nowhere else: the others can then go whole
        # (unless its apology is only a lead-in, "Sorry again, order #4471 arrives Friday", which trims off)
        factual = [
            i for i in named
            if {f.key for f in facts(an.sentences[i].text)} - {f.key for f in facts(_text_without(an, i))}
            and not _APOLOGY_LEAD.match(an.sentences[i].text)
        ]
        keep = max(factual or named, key=lambda i: _words(an.sentences[i].text)) if named else apologies[0]
        return [i for i in apologies if i != keep]

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


def _apology_sentences(an: Anatomy, report: "Report", sympathy: bool = True) -> set[int]:
    """The sentences where the linter read an apology (report.moves), by their index in `an`;
    with `sympathy=False`, not those whose apologies are all sympathy ("sorry to hear that")."""
    spans = [(m.start, m.end) for s in (report.moves or []) for m in s.moves
             if m.kind == "apology" and (sympathy or m.detail.get("sympathy") != "true")]
    return {i for i, x in enumerate(an.sentences) if any(a < x.end and x.start < b for a, b in spans)}


def failure_said(cues: list[str], customer: str | None) -> str | None:
    """The words of the customer's message that say the scenario's failure happened, if any."""
    from .infer import _cue

    for c in cues:
        m = _cue(c).search(customer or "")
        if m:
            return m.group(0)
    return None


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
    for para, line, text in items:
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


# -- turning a non-apology into a plain one ------------------------------------------------------
_PLAIN = [
    # "we apologize if this caused any confusion" -> "we apologize for the confusion"
    (re.compile(r"\b(sorry|apologi[sz]e|apologies)\s+(?:if|whether)\s+(?:this|that|it)\s+(?:has\s+|may\s+have\s+|might\s+have\s+|could\s+have\s+)?"
                r"(?:caused|created|led to)\s+(?:you\s+)?(?:any\s+)?(\w+)", re.I), r"\1 for the \2"),
    # "sorry if the product didn't meet" -> "sorry the product didn't meet"
    (re.compile(r"\b(sorry)\s+(?:if|whether)\s+", re.I), r"\1 "),
    # "for any inconvenience this may have caused (you)" -> "for the inconvenience"
    (re.compile(r"\bany\s+(inconvenience|trouble|frustration|confusion|disappointment|upset|hassle|delays?|problems?|issues?|disruption|difficult(?:y|ies))"
                r"(?:\s+(?:this|that|it|which))?(?:\s+(?:has|have|may|might|could))?(?:\s+have)?(?:\s+(?:caused|created|experienced|suffered|had|faced|encountered))?(?:\s+you)?(?:\s+(?:may|might)\s+have\s+(?:experienced|had|suffered))?",
                re.I), r"the \1"),
    # agentless: "mistakes were made" -> "we made mistakes"
    (re.compile(r"\b(a mistake|an error|mistakes|errors|an oversight)\s+(?:was|were|has been|have been)\s+made\b", re.I),
     lambda m: "we made " + m.group(1).lower()),
    # "it is regrettable / unfortunate that X" -> "I'm sorry X"
    (re.compile(r"\bit\s+(?:is|was|'s)\s+(?:regrettable|unfortunate)\s+that\s+", re.I), "I'm sorry "),
]

#: feelings-shifting: "sorry (if|that) you feel upset about your order" -> "sorry about your order";
#: a last resort before dropping, for a sentence whose facts the scenario's apology would lose
_FEELINGS = (
    re.compile(r"\b(sorry|apologi[sz]e|apologies|regret)\s+(?:if\s+|that\s+)?you(?:'re|’re|\s+are|\s+were|\s+feel|\s+felt|'ve|\s+have)?\s+(?:been\s+|felt\s+)?"
                r"(?:so\s+|very\s+|a\s+bit\s+)?(?:upset|disappointed|unhappy|frustrated|annoyed|let\s+down|dissatisfied)\s+(about|with|by|over)\s+", re.I),
    lambda m: f"{m.group(1)} {'about' if m.group(2).lower() in ('with', 'by', 'over') else m.group(2)} ",
)


def plain_apologies(text: str) -> list[str]:
    """Plain versions of a conditional, pro-forma or agentless apology, most specific first."""
    out = []
    for rx, rep in _PLAIN:
        new = rx.sub(rep, text, count=1)
        if new != text:
            out.append(_tidy_sentence(new, text.rstrip()[-1] if text.rstrip()[-1:] in (".", "!", "?") else "."))
    # all of them together, for a sentence with several faults
    combined = text
    for rx, rep in _PLAIN:
        combined = rx.sub(rep, combined, count=1)
    if combined != text:
        out.insert(0, _tidy_sentence(combined))
    return out


# -- what the draft says -------------------------------------------------------------------------
_COMMITMENT = re.compile(r"\b(?:i|we)(?:'ll|’ll| will|'ve|’ve| have| are| am|'re|’re|'m|’m)\s+(?:\w+ly\s+)?\w+", re.I)
_PROBLEM = re.compile(r"\b(late|delay\w*|lost|missing|wrong|broken|damaged|charged|error|mistake|outage|down|waiting|wait|rude|problem|issue|refund\w*|cancel\w*)\b", re.I)


def extract(text: str) -> dict[str, Any]:
    """What the draft says, for callers and for the report: greeting and names, the sentences that
    name the problem and the commitments, and the facts by kind."""
    an = analyse(text)
    by_kind: dict[str, list[str]] = {}
    for f in facts(text):
        by_kind.setdefault(f.kind, []).append(f.text)
    return {
        "greeting": an.greeting_text.strip() or None,
        "customer_name": an.customer_name,
        "sign_off": an.sign_off,
        "agent_name": an.agent_name,
        "problem": [s.text for s in an.sentences if _PROBLEM.search(s.text)][:3],
        "commitments": [s.text for s in an.sentences if _COMMITMENT.search(s.text) and not _APOLOGY_WORD.search(s.text)],
        "facts": by_kind,
    }
