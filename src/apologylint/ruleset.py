"""Rules as data: the schema every rule file is validated against, and the loader.

A rule is an instance of one of a few detector kinds (see `detectors.py`); its entry in
`rules/*.yaml` carries everything else: message, rationale, suggestion and the examples the test
suite runs. Validation is strict (`extra="forbid"`) so that a misspelt key fails at load time with
the file and the rule named, instead of a rule that silently never fires.
"""
from __future__ import annotations

import pathlib
import re
from functools import lru_cache
from typing import Annotated, Any, Literal, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, TypeAdapter, ValidationError, field_validator, model_validator

from .conditions import CONDITIONS
from .models import MOVE_KINDS, Severity

KEBAB = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
#: a rule pack's name (apologylint-pack.yaml or a `pack:` header); its rules' ids and names are prefixed with it
PACK_NAME = KEBAB
#: AL101; a pack's rule as the loader names it: ACME/AL901 (the pack's name, upper case, and a slash)
RULE_ID = r"^(?:[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*/)?[A-Z]{2,5}[0-9]{3,4}$"
#: too-many-apologies; a pack's rule: acme/blame-the-weather
RULE_NAME = r"^(?:[a-z][a-z0-9]*(?:-[a-z0-9]+)*/)?[a-z][a-z0-9]*(?:-[a-z0-9]+)*$"

#: predicates a span can be required to satisfy or to avoid (implemented in predicates.py)
Predicate = Literal[
    "negated",
    "hoped",
    "question",
    "quoted",
    "conditional",
    "speaker-subject",
    "customer-subject",
    "first-sentence",
    "last-sentence",
    "hypothetical",
    "after-apology",
    "attributive",
    "problem-reply",
    "request",
    "past",
    "self-deprecating",
    "general",
]
#: facts about the whole exchange a conditional rule can depend on (implemented in conditions.py)
Condition = Literal[tuple(CONDITIONS)]  # type: ignore[valid-type]  # one list: the conditions conditions.py can hold
#: a move of the reply, by name (models.MOVE_KINDS)
MoveKind = Literal[MOVE_KINDS]  # type: ignore[valid-type]


def _safe_regexes(patterns: list[list[dict[str, Any]]]) -> list[list[dict[str, Any]]]:
    """Every `REGEX` in the patterns checked and, where its cost is not linear, confined to short
    tokens (userregex.py): a rule pack cannot hang the linter with `^(a+)+$`."""
    from .userregex import guard_patterns

    return guard_patterns(patterns)


#: spaCy token or dependency patterns, with their regular expressions made safe
Patterns = Annotated[list[list[dict[str, Any]]], AfterValidator(_safe_regexes)]


class Example(BaseModel):
    """A bad or good example; a bare string is a reply with no customer message."""

    model_config = ConfigDict(extra="forbid")
    text: str
    in_reply_to: str | None = None


class Examples(BaseModel):
    model_config = ConfigDict(extra="forbid")
    bad: list[Example] = Field(min_length=1)
    good: list[Example] = Field(min_length=1)

    @field_validator("bad", "good", mode="before")
    @classmethod
    def _strings_are_replies(cls, v: Any) -> Any:
        return [{"text": x} if isinstance(x, str) else x for x in (v or [])]


class Filters(BaseModel):
    """Structural conditions on a match: what the parse must (not) say about it."""

    model_config = ConfigDict(extra="forbid")
    require: list[Predicate] = Field(default_factory=list)
    unless: list[Predicate] = Field(default_factory=list)
    report: Literal["match", "sentence"] = "match"


#: what a rule's message may mention: the match, and for counts and metrics the figures
MESSAGE_FIELDS = {"match", "count", "max", "density", "value", "cause", "effect", "marker", "whose", "how", "by", "source"}
#: what configuration may change on a shipped rule; the rest is the rule's identity and logic
TUNABLE = {"severity", "enabled", "once", "max", "max_per_100_words", "density_min_words", "min_words", "message", "suggestion"}


#: how a rule's findings can be repaired (fixes.py makes the edits)
FixAction = Literal[
    "cut-clause", "drop-lead-in", "drop-sentence", "delete-words", "plain-apology",
    "drop-apology", "drop-extra-apologies", "unshift-feelings", "own-apology", "keep-fact",
    "state-rule", "offer-instead",
]  # fixes.ACTIONS (a test keeps them one list)


class FixSpec(BaseModel):
    """A rule's fix, as data: what to remove, and how far the result can be trusted."""

    model_config = ConfigDict(extra="forbid")
    action: FixAction
    applicability: Literal["safe", "unsafe", "display-only"] = "unsafe"
    message: str = Field(min_length=1, description="what applying it does, e.g. 'Drop the lead-in'")
    words: list[str] = Field(default_factory=list, description="delete-words: the words (lemmas) to delete from the match; keep-fact: words of the phrase that makes a step a lecture ('future')")
    placeholder: str | None = Field(None, min_length=1, max_length=80, pattern=r"^[^\[\]]+$",
                                    description="offer-instead: the words of the placeholder left for the alternative (default 'what you can offer instead')")

    @model_validator(mode="after")
    def _words_for_delete(self) -> "FixSpec":
        if self.action == "delete-words" and not self.words:
            raise ValueError("delete-words needs `words`")
        if self.action not in ("delete-words", "keep-fact") and self.words:
            raise ValueError(f"`words` is only for delete-words and keep-fact, not {self.action}")
        if self.action != "offer-instead" and self.placeholder is not None:
            raise ValueError(f"`placeholder` is only for offer-instead, not {self.action}")
        return self


class PackInfo(BaseModel):
    """What a rule pack says about itself: its name, which namespaces its rules' ids and names so
    they can never clash with the shipped ones or another pack's, and its version, which reports
    (SARIF) and `apologylint rules` carry so a team knows which edition of its rules ran.

    Declared in `apologylint-pack.yaml` (or `.yml`) in the pack's folder, or as the `pack:` mapping of a
    single-file pack (`{pack: {name, version}, rules: [...]}`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(pattern=PACK_NAME, max_length=40, description="kebab-case; its rules become NAME/ID (id in upper case)")
    version: str = Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z.+-]{0,39}$", description="the pack's version, e.g. 1.2.0")
    description: str | None = None

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_written(cls, v: Any) -> Any:
        """YAML reads `version: 2` as a number and `version: 1.10` as the float 1.1: the first is
        taken as written, the second refused rather than silently changed."""
        if isinstance(v, bool):
            return v
        if isinstance(v, int):
            return str(v)
        if isinstance(v, float):
            raise ValueError(f"YAML reads {v!r} as a number; write the version in quotes, e.g. '{v}'")
        return v

    @property
    def namespace(self) -> str:
        """The prefix of its rules' ids: ACME for a pack named acme."""
        return self.name.upper()


class RuleBase(Filters):
    id: str = Field(pattern=RULE_ID)
    name: str = Field(pattern=RULE_NAME)
    category: str = Field(pattern=KEBAB)
    severity: Severity = Severity.warning
    message: str = Field(min_length=1)
    rationale: str = Field(min_length=1, description="the principle and the seed it comes from")
    suggestion: str | None = None
    examples: Examples
    enabled: bool = True
    once: bool = Field(True, description="report only the first match per message")
    fix: FixSpec | None = None
    pack: PackInfo | None = Field(None, description="the rule pack the rule came from; set by the loader, never written in a rule")
    _source: pathlib.Path | None = PrivateAttr(None)

    @field_validator("message")
    @classmethod
    def _known_placeholders(cls, v: str) -> str:
        import string

        names = {f for _, f, _, _ in string.Formatter().parse(v) if f is not None}
        unknown = names - MESSAGE_FIELDS
        if unknown:
            raise ValueError(f"unknown placeholder(s) {sorted(unknown)}; use {sorted(MESSAGE_FIELDS)}")
        return v

    @property
    def where(self) -> str:
        """"rules/excuse.yaml: rule AL201", for error messages."""
        return f"{self._source}: rule {self.id}" if self._source else f"rule {self.id}"


class LexiconRule(RuleBase):
    """Lemma phrases: `a|b` alternatives, `word?` optional, `_` any one token."""

    kind: Literal["lexicon"]
    lemmas: list[str] = Field(min_length=1)


class PatternRule(RuleBase):
    """spaCy Matcher token patterns, exactly as spaCy writes them."""

    kind: Literal["pattern"]
    patterns: Patterns = Field(min_length=1)


class DependencyRule(RuleBase):
    """spaCy DependencyMatcher patterns: who does what to whom."""

    kind: Literal["dependency"]
    patterns: Patterns = Field(min_length=1)


class CountRule(RuleBase):
    """Too many occurrences of a signal: more than `max`, or a density per 100 words above a ceiling."""

    kind: Literal["count"]
    signal: str
    max: int = Field(1, ge=0)
    max_per_100_words: float | None = Field(None, gt=0)
    density_min_words: int = Field(50, ge=0, description="the density ceiling applies to messages at least this long")


class ConditionalRule(RuleBase):
    """When every condition holds, a signal must be present (or absent)."""

    kind: Literal["conditional"]
    when: list[Condition] = Field(min_length=1)
    signal: str
    expect: Literal["present", "absent"] = "present"


class MetricRule(RuleBase):
    """A readability figure beyond a threshold."""

    kind: Literal["metric"]
    metric: Literal["grade-level", "sentence-words"]
    max: float
    min_words: int = Field(30, ge=0, description="texts shorter than this are not measured")


class MoveRule(RuleBase):
    """A query over the moves of the reply: each move of these kinds whose detail matches `detail`
    is a finding (`expect: found`), or the reply lacking every one of them is (`expect: missing`).
    `when` conditions on the exchange must hold; a reply with any of `unless_moves` is let be
    (a refusal that comes with an alternative is not a closed door)."""

    kind: Literal["move"]
    moves: list[MoveKind] = Field(min_length=1)
    detail: dict[str, list[str]] = Field(default_factory=dict, description="detail key -> accepted values")
    expect: Literal["found", "missing"] = "found"
    when: list[Condition] = Field(default_factory=list)
    unless_moves: list[MoveKind] = Field(default_factory=list)
    at: list[MoveKind] = Field(default_factory=list, description=(
        "expect: missing: the finding points at the first content sentence with one of these moves "
        "(where the reply answers the failure), else at the first content sentence"))


class PythonRule(RuleBase):
    """Logic the data cannot express: a function registered in `pyrules.py` (or by a plugin).
    `params` are checked against the function's params model when the file loads."""

    kind: Literal["python"]
    function: str
    params: dict[str, Any] = Field(default_factory=dict)


class MetaRule(RuleBase):
    """A rule whose findings the linter makes itself, after every other rule has run: the team's
    flagged phrases (AL990, `apologylint.vocabulary`) and suppression's own findings (AL000,
    AL001, `apologylint.suppress`). Declared in `rules/meta.yaml` like any rule, so `rules`,
    `explain`, `--select` and the SARIF driver know them the one way they know every rule; only
    the shipped rules may be of this kind (a pack's would never fire).

    Their examples need a configuration to mean anything (AL990 fires only on configured phrases,
    AL000 only with `report-unused-suppressions`): `example_config` is the configuration the
    examples are linted with (`apologylint.packtest`)."""

    kind: Literal["builtin"]
    example_config: dict[str, Any] = Field(default_factory=dict, description="configuration keys the examples are linted with")


Rule = Annotated[
    Union[LexiconRule, PatternRule, DependencyRule, CountRule, ConditionalRule, MetricRule, MoveRule, PythonRule, MetaRule],
    Field(discriminator="kind"),
]
_RULES = TypeAdapter(list[Rule])
RULE_CLASSES = (LexiconRule, PatternRule, DependencyRule, CountRule, ConditionalRule, MetricRule, MoveRule, PythonRule, MetaRule)
#: what configuration may change on a built-in rule (its logic and message live in code)
META_TUNABLE = {"severity", "enabled"}
KIND_NAMES = {cls.model_fields["kind"].annotation.__args__[0] for cls in RULE_CLASSES}


#: the signals read from the customer's message (see exchange.py); the rest only from the reply
CONTEXT_SIGNALS = ("complaint", "praise")


class SourceExamples(BaseModel):
    """What one signal source finds and what it leaves alone, run by the test suite on that source
    alone. Each is the message the signal is read from: a reply (a bare string, or `text` with the
    customer's message it answers as `in_reply_to`), or for a signal read from the customer's
    message (CONTEXT_SIGNALS) that message itself."""

    model_config = ConfigDict(extra="forbid")
    match: list[Example] = Field(min_length=1)
    no_match: list[Example] = Field(default_factory=list)

    @field_validator("match", "no_match", mode="before")
    @classmethod
    def _strings_are_replies(cls, v: Any) -> Any:
        return [{"text": x} if isinstance(x, str) else x for x in (v or [])]


class SignalSource(Filters):
    """One way a signal shows up: lemma phrases, token patterns, dependency patterns or a function."""

    id: str = Field(pattern=KEBAB, description="unique within the signal: what tests and error messages call it")
    kind: Literal["lexicon", "pattern", "dependency", "python"]
    lemmas: list[str] = Field(default_factory=list)
    patterns: Patterns = Field(default_factory=list)
    function: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    move: str | None = Field(None, pattern=KEBAB, description="the move of a reply this source is evidence of (nlp/moves.py)")
    examples: SourceExamples


class Signal(BaseModel):
    """A part of a message the rules count or require: an apology, an empathy statement, a next step."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=KEBAB)
    description: str
    sources: list[SignalSource] = Field(min_length=1)
    exclude: list[str] = Field(default_factory=list, description="signals whose matches overlap-cancel this one")

    @field_validator("sources")
    @classmethod
    def _unique_source_ids(cls, v: list[SignalSource]) -> list[SignalSource]:
        seen: set[str] = set()
        for src in v:
            if src.id in seen:
                raise ValueError(f"source id '{src.id}' is used twice")
            seen.add(src.id)
        return v

    def source(self, source_id: str) -> SignalSource:
        return next(s for s in self.sources if s.id == source_id)


_SIGNALS = TypeAdapter(list[Signal])


class RuleFileError(ValueError):
    """A rule or signal file that does not validate; the message names the file and the rule."""


def _read_yaml(path: pathlib.Path) -> Any:
    """A rule or signal file through the one bounded loader (safeload.py)."""
    from .safeload import DataFileError, load

    try:
        return load(path)
    except DataFileError as exc:
        raise RuleFileError(str(exc)) from None


def _source_name(entry: Any, index: Any) -> str:
    """"source commitments" (its id), or "source #3" when it has none."""
    sources = entry.get("sources") if isinstance(entry, dict) else None
    src = sources[index] if isinstance(sources, list) and isinstance(index, int) and index < len(sources) else None
    ident = src.get("id") if isinstance(src, dict) else None
    return f"source {ident}" if isinstance(ident, str) and ident else f"source #{index + 1 if isinstance(index, int) else index}"


def _explain(path: pathlib.Path, data: Any, exc: ValidationError, what: str = "rule") -> RuleFileError:
    err = exc.errors()[0]
    loc = list(err["loc"])
    who = ""
    if loc and isinstance(loc[0], int) and isinstance(data, list) and loc[0] < len(data):
        entry = data[loc[0]]
        ident = entry.get("id") or entry.get("name") if isinstance(entry, dict) else None
        who = f" {what} {ident or '#' + str(loc[0] + 1)}:"
        loc = loc[1:]
        if loc and isinstance(loc[0], str) and loc[0] in KIND_NAMES:
            loc = loc[1:]  # the discriminator's tag adds nothing a reader needs
        if what == "signal" and len(loc) >= 2 and loc[0] == "sources" and isinstance(loc[1], int):
            who += f" {_source_name(entry, loc[1])}:"
            loc = loc[2:]
    key = ".".join(str(p) for p in loc) or "(entry)"
    more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
    return RuleFileError(f"{path}:{who} {key}: {err['msg'].removeprefix('Value error, ')}{more}")


def check_params(where: str, function: str | None, params: dict[str, Any]) -> dict[str, Any]:
    """A python rule's or source's `params` validated against its function's params model
    (registry.py), as the function receives them; an error names `where` and the key:
    "rules/defensive.yaml: rule AL308: params.owner: Extra inputs are not permitted (function
    self-defense takes owners, qualities, checks, standards; did you mean 'owners'?)"."""
    from . import pyrules  # noqa: F401  (registers the shipped functions)
    from . import registry

    if function is None:
        raise RuleFileError(f"{where}: function: kind python names a registered function")
    try:
        return registry.validate_params(function, params)
    except KeyError as exc:
        raise RuleFileError(f"{where}: function: {exc.args[0]}") from None
    except registry.UnknownParams as exc:
        raise RuleFileError(f"{where}: {exc}") from None
    except ValidationError as exc:
        # a misspelt key is also a missing one: name the key as written first
        errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
        err = errors[0]
        key = ".".join(str(p) for p in ("params", *err["loc"]))
        msg = err["msg"].removeprefix("Value error, ")
        hint = f"function {function}"
        if err["type"] == "extra_forbidden":
            import difflib

            fields = list(registry.params_model(function).model_fields)
            close = difflib.get_close_matches(str(err["loc"][-1]), fields, n=1)
            hint += f" takes {', '.join(fields)}" + (f"; did you mean '{close[0]}'?" if close else "")
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise RuleFileError(f"{where}: {key}: {msg} ({hint}){more}") from None


def _load_list(path: pathlib.Path, adapter: TypeAdapter, what: str, data: Any = None) -> list:
    data = _read_yaml(path) if data is None else data
    if not isinstance(data, list):
        raise RuleFileError(f"{path}: a {what} file is a YAML list of {what}s")
    try:
        return adapter.validate_python(data)
    except ValidationError as exc:
        raise _explain(path, data, exc, what) from None


#: the file that declares a folder's pack (not `pack.yaml`: packs written before packs had names
#: use that name for a rule file, and they keep loading as they did)
PACK_FILES = ("apologylint-pack.yaml", "apologylint-pack.yml")


def _pack_info(path: pathlib.Path, data: Any, where: str) -> PackInfo:
    """A pack's declaration validated; an error names the file and the key."""
    if not isinstance(data, dict):
        raise RuleFileError(f"{path}: {where}: a mapping with name and version")
    try:
        return PackInfo.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"]) or "(entry)"
        prefix = f"{where}." if where != "(file)" else ""
        raise RuleFileError(f"{path}: {prefix}{key}: {err['msg'].removeprefix('Value error, ')}") from None


def folder_pack(folder: pathlib.Path) -> PackInfo | None:
    """The pack a folder declares in apologylint-pack.yaml (or .yml), if it declares one."""
    found = [folder / name for name in PACK_FILES if (folder / name).is_file()]
    if len(found) > 1:
        raise RuleFileError(f"{folder}: both {PACK_FILES[0]} and {PACK_FILES[1]}; keep one")
    if not found:
        return None
    return _pack_info(found[0], _read_yaml(found[0]), "(file)")


def _namespaced(r: RuleBase, pack: PackInfo) -> RuleBase:
    r.id = f"{pack.namespace}/{r.id}"
    r.name = f"{pack.name}/{r.name}"
    r.pack = pack
    return r


def load_rule_file(path: pathlib.Path, pack: PackInfo | None = None) -> list[RuleBase]:
    """The rules of one file: a YAML list of rules, or a single-file pack (a mapping with `pack:`
    and `rules:`). `pack` is the declaration of the folder the file is in; the rules of a pack
    come back namespaced (ACME/AL901, acme/blame-the-weather)."""
    data = _read_yaml(path)
    if isinstance(data, dict):
        unknown = sorted(set(data) - {"pack", "rules"})
        if unknown or "pack" not in data:
            raise RuleFileError(f"{path}: a rule file is a YAML list of rules, or a pack: a mapping with `pack` (name, version) and `rules`"
                                + (f" (unknown key {unknown[0]!r})" if unknown else ""))
        header = _pack_info(path, data["pack"], "pack")
        if pack is not None and header != pack:
            raise RuleFileError(f"{path}: pack: declares pack '{header.name}' {header.version}, but its folder is pack '{pack.name}' {pack.version}")
        pack = header
        data = data.get("rules") or []
    if isinstance(data, list):
        for i, entry in enumerate(data):
            if not isinstance(entry, dict):
                continue
            who = entry.get("id") or f"#{i + 1}"
            if "pack" in entry:
                raise RuleFileError(f"{path}: rule {who}: pack: set by the pack's declaration (apologylint-pack.yaml, or a pack: header), not per rule")
            for key in ("id", "name"):
                if isinstance(entry.get(key), str) and "/" in entry[key]:
                    raise RuleFileError(f"{path}: rule {who}: {key}: write it without a namespace; "
                                        "a pack's name (apologylint-pack.yaml: name, version) adds one")
    rules = _load_list(path, _RULES, "rule", data)
    for r in rules:
        if isinstance(r, PythonRule):
            check_params(f"{path}: rule {r.id}", r.function, r.params)
        if pack is not None:
            _namespaced(r, pack)
    return rules


def load_signal_file(path: pathlib.Path) -> list[Signal]:
    signals = _load_list(path, _SIGNALS, "signal")
    for s in signals:
        for src in s.sources:
            where = f"{path}: signal {s.name}: source {src.id}"
            if src.kind == "python":
                check_params(where, src.function, src.params)
            if s.name in CONTEXT_SIGNALS:
                for kind in ("match", "no_match"):
                    for i, ex in enumerate(getattr(src.examples, kind)):
                        if ex.in_reply_to is not None:
                            raise RuleFileError(
                                f"{where}: examples.{kind}.{i}.in_reply_to: {s.name} is read from the customer's message, "
                                "so its examples are customer messages, without in_reply_to"
                            )
    return signals


def data_dir(name: str) -> pathlib.Path:
    """The shipped `rules/` or `templates/`: inside the wheel, or at the top of a source checkout."""
    here = pathlib.Path(__file__).resolve().parent
    for candidate in (here / name, here.parent.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"apologylint's {name}/ folder is missing from the installation")


SIGNALS_FILE = "signals.yaml"


def rule_files(paths: list[pathlib.Path]) -> list[pathlib.Path]:
    out: list[pathlib.Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(f for f in p.glob("*.y*ml") if f.name != SIGNALS_FILE and f.name not in PACK_FILES))
        else:
            out.append(p)
    return out


@lru_cache(maxsize=8)
def load_all(extra: tuple[pathlib.Path, ...] = ()) -> tuple[tuple, tuple]:
    """All rules and signals: the shipped ones and those of rule packs. Ids and names must be unique."""
    shipped = data_dir("rules")
    signals: dict[str, Signal] = {}
    for folder in (shipped, *[p for p in extra if p.is_dir()]):
        f = folder / SIGNALS_FILE
        if f.exists():
            for s in load_signal_file(f):
                signals[s.name] = s
    rules: list = []
    seen: dict[str, pathlib.Path] = {}
    packs: dict[str, tuple[PackInfo, pathlib.Path]] = {}
    sources = [(f, None) for f in rule_files([shipped])]
    for p in extra:
        folder = folder_pack(p) if p.is_dir() else None
        sources += [(f, folder) for f in rule_files([p])]
    for f, folder in sources:
        for r in load_rule_file(f, folder):
            r._source = f
            if isinstance(r, MetaRule) and f.parent != shipped:
                raise RuleFileError(f"{f}: rule {r.id}: kind: builtin is for apologylint's own rules (rules/meta.yaml); a pack's rule needs a detector kind")
            if r.pack is not None:
                where = f.parent if folder is not None else f
                known = packs.setdefault(r.pack.name, (r.pack, where))
                if known[1] != where:
                    raise RuleFileError(f"{where}: pack '{r.pack.name}' is already loaded from {known[1]}")
            for key in (r.id, r.name):
                if key in seen:
                    hint = ("; give the pack a name (apologylint-pack.yaml: name, version) so its rules are namespaced"
                            if r.pack is None and seen[key].parent == shipped else "")
                    raise RuleFileError(f"{f}: rule {r.id}: '{key}' is already used in {seen[key]}{hint}")
                seen[key] = f
            needs = getattr(r, "signal", None)
            if needs and needs not in signals:
                raise RuleFileError(f"{f}: rule {r.id}: signal: unknown signal '{needs}' (known: {', '.join(sorted(signals))})")
            rules.append(r)
    return tuple(rules), tuple(signals.values())


def matches(rule: Any, key: str) -> bool:
    """A selector names a rule by id (any case), id prefix (`AL3`, `acme/`, `acme/AL9`), name,
    category, or the name of the pack it came from."""
    k = key.strip()
    if not k:
        return False
    pack = getattr(rule, "pack", None)
    if pack is not None and k.rstrip("/").lower() == pack.name:
        return True
    return k.upper() == rule.id or k in (rule.name, rule.category) or bool(
        re.fullmatch(r"(?:[A-Za-z][A-Za-z0-9-]*/)?[A-Za-z]*[0-9]*", k) and rule.id.startswith(k.upper()))


def selected(rule: Any, select: list[str], ignore: list[str]) -> bool:
    """`--select/--ignore` accept ids, id prefixes, names and categories."""
    if select and not any(matches(rule, k) for k in select):
        return False
    return not any(matches(rule, k) for k in ignore)
