"""The scenario catalog: `templates/scenarios.yaml` validated, and each scenario's context model.

A scenario is data: its description, its template, whether the situation calls for an apology, its
fields (kind, required, help, the rewrite's generic wording or placeholder), what of the reading of the
customer's message the rewrite recognises it by, an example context and the customer's message that context answers. The
context model is built from the fields with pydantic, so a missing or malformed field is an error
that names the field. Nothing here imports spaCy.
"""
from __future__ import annotations

import pathlib
import re
import warnings
from functools import lru_cache
from typing import Annotated, Any, Literal, Optional

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, create_model, model_validator

CATALOG_FILE = "scenarios.yaml"
KEBAB = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
IDENT = r"^[a-z][a-z0-9_]*$"
PLACEHOLDER = re.compile(r"\[\[[^\[\]\n]+\]\]")

Kind = Literal["name", "phrase", "clause", "done", "todo", "sentence", "date", "link", "id"]


class DraftError(ValueError):
    """Anything that stops a draft: unknown scenario, bad context, broken template. One line."""


class FieldSpec(BaseModel):
    """One context field: how its value slots into a sentence, and what the rewrite does without it."""

    model_config = ConfigDict(extra="forbid")
    kind: Kind = "phrase"
    required: bool = False
    help: str = Field(min_length=1)
    generic: Optional[str] = Field(None, description="a wording that is true whenever the scenario applies")
    placeholder: Optional[str] = Field(None, description="label of the [[placeholder]] a rewrite leaves when the draft does not say")


Topic = Literal["delivery", "billing", "quality", "outage", "staff", "wait", "deadline", "access"]


class ReadsSpec(BaseModel):
    """What of the linter's reading of the customer's message a scenario answers (drafts/infer.py)."""

    model_config = ConfigDict(extra="forbid")
    failures: dict[Topic, list[str]] = Field(
        default_factory=dict,
        description="failure topics of the reading (nlp/customer.py) this scenario answers, each with the words (lemmas) "
        "of the failure's clause that tell it from another scenario of the same topic (none: any)",
    )
    claims: list[str] = Field(default_factory=list, description="lemmas of negated claims it answers: 'order' for 'not what I ordered'")
    slip: bool = Field(False, description="it answers the customer's own slip ('I forgot to update my address')")
    no_failure: bool = Field(False, description="it answers a problem that names no failure of ours (a request, a rule disliked)")


class ScenarioSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    description: str = Field(min_length=1)
    template: Optional[str] = Field(None, description="template file; default <name>.j2")
    apologize: bool = Field(True, description="whether the situation calls for an apology at all")
    fields: dict[str, FieldSpec]
    reads: ReadsSpec = Field(default_factory=ReadsSpec, description="what of the reading of the customer's message it answers")
    # accepted so that older scenario files still load; inference reads the linter's reading, not these
    cues: list[str] = Field(default_factory=list, description="ignored (was: words that suggested the scenario)")
    failure_cues: list[str] = Field(default_factory=list, description="ignored (was: words by which a customer said the failure happened)")
    cue_weight: int = Field(1, ge=1, description="ignored")
    customer_message: str = Field(min_length=1, description="a message this scenario answers")
    example: dict[str, Any]

    @model_validator(mode="after")
    def _warn_ignored_cues(self) -> "ScenarioSpec":
        """A pack written for the old cue words loads, but is told that they no longer do anything."""
        if self.cues or self.failure_cues or self.cue_weight != 1:
            warnings.warn("scenario fields 'cues', 'failure_cues' and 'cue_weight' are ignored: inference reads the customer's "
                          "message with the linter; say what a scenario answers under 'reads:'", DeprecationWarning, stacklevel=2)
        return self


class CommonSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    fields: dict[str, FieldSpec] = Field(default_factory=dict)


class CatalogFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    common: CommonSpec = Field(default_factory=CommonSpec)
    scenarios: dict[str, ScenarioSpec] = Field(default_factory=dict)


# -- values: one cleaner per kind ---------------------------------------------------------------
_URL = re.compile(r"^(https?://|www\.)[^\s<>\"']+$", re.I)
_ID = re.compile(r"^#?[\w][\w\-/.#]*$")


def _squash(v: str) -> str:
    return " ".join(v.split())


def _clean(kind: str, v: Any) -> Any:
    """Normalise a value of `kind`; raise ValueError with a reason a user can act on."""
    if v is None:
        return None
    if not isinstance(v, str):
        if isinstance(v, (int, float)) and kind in ("id", "date", "phrase"):
            v = str(v)
        else:
            raise ValueError("must be text")
    v = _squash(v)
    if not v:
        return None
    if PLACEHOLDER.fullmatch(v):
        return v  # a rewrite's visible placeholder stands in for any kind
    if len(v) > 400:
        raise ValueError(f"is {len(v)} characters long; keep it under 400")
    if kind == "name":
        if len(v) > 80 or not any(c.isalpha() for c in v):
            raise ValueError("must be a name (letters, at most 80 characters)")
    elif kind == "link":
        if not _URL.match(v):
            raise ValueError("must be a link starting with http://, https:// or www.")
    elif kind == "id":
        if len(v) > 40 or not _ID.match(v):
            raise ValueError("must be one reference without spaces, e.g. '#4471' or 'INV-2231'")
    elif kind == "sentence":
        v = v[0].upper() + v[1:]
        if v[-1] not in ".!?":
            v += "."
    else:  # phrase, clause, done, todo, date: they sit inside a sentence of the template
        v = v.rstrip(" .;,")
        if kind in _LEADS:
            v = _LEADS[kind].sub("", v)  # "I've refunded it" -> "refunded it"
        first, _, rest = v.partition(" ")
        if first in _LOWER_FIRST:
            v = (first.lower() + " " + rest).strip()
        if not v:
            raise ValueError("must not be empty")
    return v


_LEADS = {
    "done": re.compile(r"^(i|we)(\s+have|'ve|’ve)\s+", re.I),
    "todo": re.compile(r"^(i|we)(\s+will|'ll|’ll)\s+", re.I),
}
#: capitalised function words that start a value written as a sentence but used inside one
_LOWER_FIRST = {"The", "Your", "Our", "A", "An", "We", "You", "It", "This", "That", "My", "There", "They", "Their"}


def _required(kind: str, v: Any) -> str:
    out = _clean(kind, v)
    if out is None:
        raise ValueError("must not be empty")
    return out


def _field_type(name: str, spec: FieldSpec):
    if spec.required:
        return (Annotated[str, BeforeValidator(lambda v, k=spec.kind: _required(k, v)), Field(description=spec.help)], ...)
    return (Annotated[Optional[str], BeforeValidator(lambda v, k=spec.kind: _clean(k, v)), Field(description=spec.help)], None)


class DraftContext(BaseModel):
    """What every scenario's context has besides its own fields."""

    model_config = ConfigDict(extra="forbid")
    channel: Literal["email", "chat"] = "email"


class Scenario:
    """A validated scenario: spec, context model, and where it came from."""

    def __init__(self, name: str, spec: ScenarioSpec, common: dict[str, FieldSpec], source: pathlib.Path) -> None:
        self.name = name
        self.spec = spec
        self.source = source
        self.fields: dict[str, FieldSpec] = {**common, **spec.fields}
        model_name = "".join(p.title() for p in name.split("-")) + "Context"
        self.model: type[DraftContext] = create_model(  # type: ignore[call-overload]
            model_name, __base__=DraftContext, **{k: _field_type(k, f) for k, f in self.fields.items()}
        )
        self.model.__doc__ = f"Context for the {name} scenario: {spec.description}"

    @property
    def description(self) -> str:
        return self.spec.description

    @property
    def template(self) -> str:
        return self.spec.template or f"{self.name}.j2"

    @property
    def apologize(self) -> bool:
        return self.spec.apologize

    @property
    def customer_message(self) -> str:
        return self.spec.customer_message

    @property
    def example(self) -> dict[str, Any]:
        return dict(self.spec.example)

    @property
    def required(self) -> list[str]:
        return [k for k, f in self.fields.items() if f.required]

    def validate_context(self, context: dict[str, Any]) -> DraftContext:
        """The context as this scenario's model, or a DraftError that names the field."""
        try:
            return self.model.model_validate(context)
        except ValidationError as exc:
            raise DraftError(self._explain(exc)) from None

    def _explain(self, exc: ValidationError) -> str:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "(context)"
        more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
        if err["type"] == "missing":
            spec = self.fields.get(field)
            return f"{self.name}: missing field '{field}': {spec.help if spec else 'required'}{more}"
        if err["type"] == "extra_forbidden":
            known = ", ".join(["channel", *self.fields])
            return f"{self.name}: unknown field '{field}' (fields: {known}){more}"
        msg = err["msg"].removeprefix("Value error, ")
        return f"{self.name}: field '{field}' {msg}{more}" if err["type"] == "value_error" else f"{self.name}: field '{field}': {msg}{more}"


def _read_yaml(path: pathlib.Path) -> Any:
    """A scenarios.yaml through the one bounded loader (safeload.py)."""
    from ..safeload import DataFileError, load

    try:
        return load(path)
    except DataFileError as exc:
        raise DraftError(str(exc)) from None


def _load_file(path: pathlib.Path) -> CatalogFile:
    data = _read_yaml(path)
    try:
        return CatalogFile.model_validate(data or {})
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"])
        raise DraftError(f"{path}: {key}: {err['msg']}") from None


def shipped_dir() -> pathlib.Path:
    from ..ruleset import data_dir

    return data_dir("templates")


@lru_cache(maxsize=16)
def load_catalog(user_dirs: tuple[pathlib.Path, ...] = ()) -> dict[str, Scenario]:
    """The shipped scenarios, then each user folder's scenarios.yaml on top (same name replaces)."""
    shipped = shipped_dir() / CATALOG_FILE
    base = _load_file(shipped)
    common = dict(base.common.fields)
    entries: dict[str, tuple[ScenarioSpec, pathlib.Path]] = {n: (s, shipped) for n, s in base.scenarios.items()}
    for d in user_dirs:
        if not d.is_dir():
            raise DraftError(f"{d}: no such template folder")
        f = d / CATALOG_FILE
        if f.is_file():
            extra = _load_file(f)
            common.update(extra.common.fields)
            entries.update({n: (s, f) for n, s in extra.scenarios.items()})
    out: dict[str, Scenario] = {}
    for name, (spec, src) in entries.items():
        if not re.match(KEBAB, name):
            raise DraftError(f"{src}: scenarios.{name}: a scenario name is kebab-case")
        bad = [k for k in spec.fields if not re.match(IDENT, k)]
        if bad:
            raise DraftError(f"{src}: scenarios.{name}.fields.{bad[0]}: a field name is snake_case")
        sc = Scenario(name, spec, common, src)
        try:
            sc.validate_context(sc.example)
        except DraftError as exc:
            raise DraftError(f"{src}: scenarios.{name}.example: {str(exc).split(': ', 1)[1]}") from None
        out[name] = sc
    return out
