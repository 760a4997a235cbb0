"""The data that crosses the library's boundary: findings, reports and their parts.

These are pydantic models because they are what callers serialise (`model_dump_json()` is the CLI's
JSON for one message) and what configuration and plugins hand back to us.
"""
from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, computed_field

#: The six categories whose meaning is fixed by the rubric; rules may add others (hedging, ...).
CORE_CATEGORIES = (
    "over-apology",
    "excuse",
    "defensive",
    "non-apology",
    "missing-empathy",
    "missing-next-step",
)


#: The moves a sentence of a reply can make (nlp/moves.py); `kind: move` rules query these.
MOVE_KINDS = (
    "greeting", "thanks", "apology", "empathy", "ownership", "explanation", "rule", "refusal", "dispute",
    "correction", "blame", "commitment", "instruction", "question", "resolution", "answer", "sign-off",
    "amends", "follow-up", "escalation", "personal", "timeline", "acknowledgement", "minimizing", "agentless",
)


class Severity(str, Enum):
    """How much a finding matters; `--fail-on` compares against this order."""

    info = "info"
    warning = "warning"
    error = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def __str__(self) -> str:  # so f-strings print "warning", not "Severity.warning"
        return self.value


_RANK = {Severity.info: 0, Severity.warning: 1, Severity.error: 2}


class Applicability(str, Enum):
    """How far a fix may be trusted, as ruff has it: `safe` keeps the meaning and is applied by
    `--fix`; `unsafe` changes what the reply says (drops a reason, a sentence) and needs
    `--unsafe-fixes`; `display-only` is shown, never applied."""

    safe = "safe"
    unsafe = "unsafe"
    display_only = "display-only"

    def __str__(self) -> str:
        return self.value


class Edit(BaseModel):
    """Replace text[start:end] (original offsets) with `replacement`."""

    model_config = ConfigDict(frozen=True)

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    replacement: str = ""


class Fix(BaseModel):
    """The edits that repair one finding, made by the rule that found it (rules/*.yaml `fix:`)."""

    model_config = ConfigDict(frozen=True)

    message: str
    applicability: Applicability
    edits: list[Edit] = Field(min_length=1)


class Finding(BaseModel):
    """One problem at one place in the text; offsets index the original, un-normalised text."""

    model_config = ConfigDict(frozen=True)

    rule: str = Field(description="stable code, e.g. AL101")
    name: str = Field(description="kebab-case rule name")
    category: str
    severity: Severity
    message: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    line: int = Field(ge=1, description="1-based line of `start`")
    column: int = Field(ge=1, description="1-based column of `start`")
    excerpt: str = Field(description="text[start:end]")
    suggestion: str | None = None
    fix: Fix | None = Field(None, description="edits that repair this finding, when the rule can make them")


class Counts(BaseModel):
    """How many of the parts of a recovery message the reply contains."""

    apologies: int = 0
    empathy: int = 0
    next_steps: int = 0
    words: int = 0


class Readability(BaseModel):
    """textstat figures for the reply (computed offline)."""

    flesch_reading_ease: float | None = None
    grade_level: float | None = None
    sentences: int = 0
    longest_sentence_words: int = 0


class MoveEvidence(BaseModel):
    """One move of a sentence: its kind, the span that shows it (offsets into the text) and what the
    reading found in it (for an explanation: the cause, what it caused, the connective, whose it is)."""

    kind: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    excerpt: str
    detail: dict[str, str] = Field(default_factory=dict)


class SentenceMoves(BaseModel):
    """A sentence of the reply and the moves it makes."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    moves: list[MoveEvidence] = Field(default_factory=list)


class CustomerEvidence(BaseModel):
    """A part of the customer's message: `text == in_reply_to[start:end]`."""

    kind: str
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class CustomerReadingModel(BaseModel):
    """What the customer's message is and asks for: its kind (problem, question, request, praise,
    chit-chat), what it claims went wrong, its questions, its stakes, and the cues of severity."""

    kind: str
    kind_by: str = Field("words", description="'words' (the complaint signal) or 'model' (the kind model)")
    kind_probability: float = 1.0
    kind_evidence: list[str] = Field(default_factory=list, description="what weighed most for the kind")
    severity: str
    complaint: list[CustomerEvidence] = Field(default_factory=list, description="the words that say something is wrong (not 'can't wait', 'not a single outage')")
    claims: list[CustomerEvidence] = Field(default_factory=list)
    questions: list[CustomerEvidence] = Field(default_factory=list)
    stakes: list[CustomerEvidence] = Field(default_factory=list)
    cues: list[CustomerEvidence] = Field(default_factory=list)
    promises: list[CustomerEvidence] = Field(default_factory=list, description="a promise or date the customer says was broken")
    own_slips: list[CustomerEvidence] = Field(default_factory=list, description="the customer's own mistake, in their words")
    failures: list[CustomerEvidence] = Field(default_factory=list, description="what failed, by topic (kind: delivery, billing, quality, outage, staff, wait, deadline, access), with the word that says so")


class RecoveryComponent(BaseModel):
    """One part of a recovery message found in the reply, with the spans that show it."""

    name: str
    weight: int = Field(ge=0, description="what it counts for at this severity (0: not called for)")
    evidence: list[MoveEvidence] = Field(default_factory=list)


class Recovery(BaseModel):
    """What the reply does to recover this customer (`report.recovery`): the components found, the
    ones the severity calls for that are missing, and a 0-100 score (see `apologylint explain-score`)."""

    severity: str = Field(description="low, medium or high: what the recovery is judged at (the customer's, but low for their own slip; with no message, medium for a reply that answers a failure)")
    called_for: list[str] = Field(default_factory=list, description="the components this severity calls for")
    components: list[RecoveryComponent] = Field(default_factory=list, description="the components found in the reply")
    missing: list[str] = Field(default_factory=list, description="called for and not found")
    penalties: list[str] = Field(default_factory=list, description="categories of findings that took points off")
    score: int = Field(ge=0, le=100)


class Report(BaseModel):
    """What the linter says about one message."""

    path: str | None = Field(None, description="where the message came from, when it came from a file")
    findings: list[Finding] = Field(default_factory=list)
    counts: Counts = Field(default_factory=Counts)
    readability: Readability = Field(default_factory=Readability)
    problem: bool = Field(False, description="whether the reply answers a reported problem")
    moves: list[SentenceMoves] = Field(default_factory=list, description="each sentence of the reply and its moves")
    customer: CustomerReadingModel | None = Field(None, description="the reading of the customer's message, when one was given")
    recovery: Recovery | None = Field(None, description="the recovery analysis: components, what is missing, a score")
    error: str | None = Field(None, description="why the message could not be linted (from lint_many; then there are no findings)")
    fail_on: Severity = Field(Severity.warning, exclude=True)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def ok(self) -> bool:
        """True when the message was linted and no finding reaches the failing severity."""
        return self.error is None and not any(f.severity.rank >= self.fail_on.rank for f in self.findings)

    @property
    def categories(self) -> set[str]:
        return {f.category for f in self.findings}
