"""User configuration: which rules run, how strict they are, and which pipeline parses.

One model validates every source of settings (API, CLI flags, a config file), so a typo in any of
them is the same clear error. Keys may be written in kebab-case (`fail-on`, the TOML style ruff
uses) or snake_case (`fail_on`, the Python names); both spellings of one key in the same place is
an error, because one of them would be silently lost.

This module says what a setting is and how one configuration file reads (its keys, its paths, the
files it `extend`s); which file applies to a reply (the nearest `.apologylint.toml` or
`pyproject.toml`) is `apologylint.discovery`, which sits above it.
"""
from __future__ import annotations

import os
import pathlib
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .models import Severity
from .safeload import DataFileError, load


class FlagPhrase(BaseModel):
    """A phrase the team always wants flagged (`flag-phrases`), with its own message and severity
    when the default ("Team phrase: 'X'") is not enough."""

    model_config = ConfigDict(extra="forbid")

    phrase: str = Field(min_length=1)
    message: str | None = Field(None, description="the finding's message; {phrase} is the phrase as configured")
    severity: Severity | None = Field(None, description="default: AL990's severity (warning unless configured)")

    @field_validator("phrase")
    @classmethod
    def _has_a_word(cls, value: str) -> str:
        if not re.search(r"\w", value):
            raise ValueError("a phrase needs at least one letter or digit")
        return value


class Config(BaseModel):
    """Settings for a Linter. Every field has a default that suits a support team's outbox."""

    model_config = ConfigDict(extra="forbid")

    model: str | None = Field(None, description="spaCy pipeline to load (default: en_core_web_sm, else its PyPI copy)")
    fail_on: Severity = Severity.warning
    select: list[str] = Field(default_factory=list, description="rule ids, names, id prefixes or categories to run")
    extend_select: list[str] = Field(
        default_factory=list, description="added to `select` (when `select` is empty every rule runs already)"
    )
    ignore: list[str] = Field(default_factory=list, description="rule ids, names, id prefixes or categories to skip")
    per_file_ignores: dict[str, list[str]] = Field(
        default_factory=dict,
        description="glob -> rules to skip in the files it matches; a glob with a '/' is anchored at the "
        "folder of the file that set it (made absolute when read from a file), one without matches the file name",
    )
    rule_paths: list[pathlib.Path] = Field(default_factory=list, description="extra rule files or folders (rule packs)")
    template_paths: list[pathlib.Path] = Field(
        default_factory=list, description="template folders searched before the shipped ones (draft, rewrite)"
    )
    rules: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="per-rule overrides keyed by id or name, e.g. {'AL101': {'max': 2}, 'hedge-words': {'severity': 'warning'}}",
    )
    batch_size: int = Field(64, ge=1)
    allow_words: list[str] = Field(
        default_factory=list,
        description="words and phrases never to flag (product names such as 'Just Eat'): a finding whose text lies inside one is dropped",
    )
    flag_phrases: list[FlagPhrase] = Field(
        default_factory=list, description="phrases always flagged (rule AL990 team-phrase); strings or {phrase, message, severity}"
    )
    hash_comments: bool = Field(
        False, description="in plain text, read '# apologylint: ...' lines as suppression comments ('#' can be content, so opt in)"
    )
    report_unused_suppressions: bool = Field(False, description="report a suppression comment that silenced nothing (AL000)")

    @model_validator(mode="before")
    @classmethod
    def _kebab_keys(cls, data: Any) -> Any:
        """`fail-on` is `fail_on`. Only top-level keys: below them are rule names (`hedge-words`)
        and globs, which keep their spelling."""
        if not isinstance(data, dict):
            return data
        out: dict[str, Any] = {}
        for key, value in data.items():
            name = key.replace("-", "_") if isinstance(key, str) and key.replace("-", "_") in cls.model_fields else key
            if name in out:
                raise ValueError(f"'{key}' is given twice (as kebab-case and snake_case)")
            out[name] = value
        return out

    @field_validator("flag_phrases", mode="before")
    @classmethod
    def _phrases(cls, value: Any) -> Any:
        """A list of strings or tables, or a table phrase -> message (or -> {message, severity})."""
        if isinstance(value, dict):
            return [{"phrase": k, **(v if isinstance(v, dict) else {"message": v})} for k, v in value.items()]
        if isinstance(value, list):
            return [{"phrase": v} if isinstance(v, str) else v for v in value]
        return value

    @field_validator("allow_words")
    @classmethod
    def _words(cls, value: list[str]) -> list[str]:
        for word in value:
            if not re.search(r"\w", word):
                raise ValueError(f"'{word}' has no letter or digit to match")
        return value

    @property
    def effective_select(self) -> list[str]:
        """`select` plus `extend-select`; empty (every rule) when `select` is."""
        return [*self.select, *self.extend_select] if self.select else []

    def ignores_for(self, path: str | os.PathLike | None) -> list[str]:
        """The `per-file-ignores` selectors that apply to `path` (none without a path: stdin)."""
        if path is None or not self.per_file_ignores:
            return []
        full = pathlib.Path(os.path.abspath(path)).as_posix()
        name = full.rsplit("/", 1)[-1]
        out: list[str] = []
        for pattern, keys in self.per_file_ignores.items():
            if "/" not in pattern:
                hit = glob_match(pattern, name)
            else:  # read from a file, it is absolute; given through the API, relative to the working directory
                anchored = pattern if pattern.startswith("/") else pathlib.Path(os.getcwd()).as_posix().rstrip("/") + "/" + pattern
                hit = glob_match(anchored, full)
            if hit:
                out.extend(keys)
        return out

    @classmethod
    def from_file(cls, path: str | pathlib.Path) -> "Config":
        """Read a TOML, YAML or JSON file; in pyproject.toml the table is [tool.apologylint].

        Paths in it (`rule-paths`, `template-paths`, `extend`, `per-file-ignores` globs) are
        relative to the file. `extend` chains are followed (see `apologylint.discovery`). The
        files are read through `safeload` (size, encoding and YAML aliases bounded), so a hostile
        file is a `DataFileError` naming it, never a hang; a bad key or value is a
        `ConfigError` (a ValueError) that names the file and the key. Which file applies to a
        reply, searched upward as the CLI does, is `apologylint.discovery.settings_for`."""
        return load_file(path)[0]


#: keys a configuration file may have beyond the Config fields
FILE_ONLY_KEYS = ("extend",)
#: keys whose paths are relative to the file that names them
_PATH_LISTS = ("rule_paths", "template_paths")


# -- reading a configuration file ---------------------------------------------------------------
class ConfigError(DataFileError):
    """A configuration that cannot be used; str(exc) is one line naming the file and the key.

    A `DataFileError` (a ValueError), like the refusals of `safeload` (a FIFO, a file too large,
    YAML aliases that expand too far), which pass through unchanged: catching this one class's
    parent catches every one-line configuration problem."""


def display(path: str | os.PathLike) -> str:
    """A path as messages show it: relative to the working directory when under it, else absolute."""
    full = os.path.abspath(path)
    try:
        rel = os.path.relpath(full)
    except ValueError:  # another drive (Windows)
        return full
    return full if rel.startswith("..") else rel


def _where(path: pathlib.Path) -> str:
    """The prefix of an error about a key: the file, and the table when it is inside pyproject."""
    return f"{display(path)}: [tool.apologylint]" if path.name == "pyproject.toml" else f"{display(path)}:"


def read_table(path: pathlib.Path, *, required: bool) -> dict[str, Any] | None:
    """The apologylint table of a file: the whole document, or `[tool.apologylint]` of a
    pyproject.toml. A pyproject.toml without the table is None when searching (`required`
    False: it is not a configuration) and {} when named (`--config`, `extend`)."""
    if path.name == "pyproject.toml":
        doc = load(path, pyproject_table=())
        tool = doc.get("tool") if isinstance(doc, dict) else None
        if not isinstance(tool, dict) or "apologylint" not in tool:
            return {} if required else None
        data = tool["apologylint"]
    else:
        data = load(path)
    if data is None and path.suffix.lower() not in (".toml", ".json"):
        data = {}  # an empty YAML file
    if not isinstance(data, dict):
        raise ConfigError(f"{_where(path)} the configuration must be a table/mapping, not {type(data).__name__}")
    return data


def _normalise(path: pathlib.Path, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Keys in snake_case, paths resolved against the file's folder, each value checked on its
    own so an error names this file. Returns the values and how each key was spelt."""
    fields = set(Config.model_fields) | set(FILE_ONLY_KEYS)
    out: dict[str, Any] = {}
    spelt: dict[str, str] = {}
    for key, value in data.items():
        name = str(key).replace("-", "_")
        if name not in fields:
            raise ConfigError(f"{_where(path)} unknown key '{key}'")
        if name in out:
            raise ConfigError(f"{_where(path)} '{key}' and '{spelt[name]}' are the same key; give it once")
        out[name] = value
        spelt[name] = str(key)
    base = pathlib.Path(os.path.abspath(path)).parent
    for name in _PATH_LISTS:
        if name in out:
            value = out[name]
            if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
                raise ConfigError(f"{_where(path)} {spelt[name]}: expected a list of paths")
            out[name] = [str(base / p) for p in value]
    if "per_file_ignores" in out:
        value = out["per_file_ignores"]
        if not isinstance(value, dict):
            raise ConfigError(f"{_where(path)} {spelt['per_file_ignores']}: expected a table of glob = [rules]")
        anchored = {}
        for glob, keys in value.items():
            if isinstance(keys, str):
                keys = [keys]
            glob = str(glob)
            if "/" in glob and not glob.startswith("/"):
                glob = base.as_posix().rstrip("/") + "/" + glob.removeprefix("./")
            anchored[glob] = keys
        out["per_file_ignores"] = anchored
    if "extend" in out and not isinstance(out["extend"], str):
        raise ConfigError(f"{_where(path)} {spelt['extend']}: expected the path of a configuration file")
    own = {k: v for k, v in out.items() if k not in FILE_ONLY_KEYS}
    try:
        Config.model_validate(own)
    except ValidationError as exc:
        raise ConfigError(f"{_where(path)} {_validation_line(exc, spelt)}") from None
    return out, spelt


def _validation_line(exc: ValidationError, spelt: dict[str, str]) -> str:
    """'fail-on: Input should be ... (got 'fatal')' from pydantic's errors, with the key as the
    file spells it."""
    err = exc.errors()[0]
    loc = [str(p) for p in err["loc"]]
    if loc:
        loc[0] = spelt.get(loc[0], loc[0])
    if err["type"] == "extra_forbidden":
        return f"{'.'.join(loc[:-1])}: unknown key '{loc[-1]}'" if len(loc) > 1 else f"unknown key '{loc[0]}'"
    got = err.get("input")
    detail = f" (got {got!r})" if isinstance(got, (str, int, float, bool)) and len(repr(got)) <= 60 else ""
    msg = err["msg"].removeprefix("Value error, ")
    return f"{'.'.join(loc)}: {msg}{detail}" if loc else f"{msg}{detail}"


def _merge(base: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """`own` on top of `base`: keys replace, tables merge per entry, `extend-select` adds."""
    merged = dict(base)
    for key, value in own.items():
        if key == "rules" and isinstance(base.get(key), dict):
            rules = {k: dict(v) for k, v in base[key].items()}
            for rule, options in value.items():
                rules[rule] = {**rules.get(rule, {}), **options} if isinstance(options, dict) else options
            merged[key] = rules
        elif key == "per_file_ignores" and isinstance(base.get(key), dict):
            merged[key] = {**base[key], **value}
        elif key == "extend_select" and isinstance(base.get(key), list) and isinstance(value, list):
            merged[key] = [*base[key], *value]
        else:
            merged[key] = value
    return merged


def load_chain(path: pathlib.Path, stack: tuple[pathlib.Path, ...] = ()) -> tuple[dict[str, Any], list[pathlib.Path]]:
    """The merged values of a configuration file and every file it `extend`s, and those files in
    order (the file first). `stack` is the chain that led here, to refuse a cycle."""
    path = pathlib.Path(os.path.abspath(path))
    if not path.exists():
        if stack:
            raise ConfigError(f"{_where(stack[-1])} extend: no such file '{display(path)}'")
        raise ConfigError(f"{display(path)}: no such configuration file")
    if path in stack:
        cycle = " -> ".join(display(p) for p in [*stack[stack.index(path):], path])
        raise ConfigError(f"{_where(stack[-1])} extend: the files extend each other in a cycle: {cycle}")
    data = read_table(pathlib.Path(display(path)), required=True) or {}
    own, _ = _normalise(path, data)
    sources = [path]
    if "extend" in own:
        base, base_sources = load_chain(path.parent / own["extend"], (*stack, path))
        own = _merge(base, own)
        sources += base_sources
    return own, sources


def load_file(path: str | os.PathLike) -> tuple["Config", list[pathlib.Path]]:
    """The Config of one file with its `extend` chain, and the files it came from."""
    values, sources = load_chain(pathlib.Path(path))
    try:
        config = Config.model_validate({k: v for k, v in values.items() if k not in FILE_ONLY_KEYS})
    except ValidationError as exc:  # each file was valid alone; the merge should be too
        raise ConfigError(f"{_where(sources[0])} {_validation_line(exc, {})}") from None
    return config, sources


_GLOB_CACHE: dict[str, re.Pattern[str]] = {}


def glob_match(pattern: str, path: str) -> bool:
    """Glob matching as ruff and gitignore have it: `*` and `?` stay within one folder, `**`
    crosses folders (`replies/**/*.md`, `**/legacy/*`). fnmatch's `*` crosses `/`, which would
    make `replies/*.md` match `replies/old/x.md`."""
    rx = _GLOB_CACHE.get(pattern)
    if rx is None:
        out, i = [], 0
        while i < len(pattern):
            c = pattern[i]
            if pattern.startswith("**/", i):
                out.append("(?:.*/)?")
                i += 3
            elif pattern.startswith("**", i):
                out.append(".*")
                i += 2
            elif c == "*":
                out.append("[^/]*")
                i += 1
            elif c == "?":
                out.append("[^/]")
                i += 1
            elif c == "[":
                j = pattern.find("]", i + 2)
                if j < 0:
                    out.append(re.escape(c))
                    i += 1
                else:
                    body = pattern[i + 1 : j]
                    out.append("[" + ("^" + body[1:] if body.startswith("!") else body).replace("\\", "\\\\") + "]")
                    i = j + 1
            else:
                out.append(re.escape(c))
                i += 1
        rx = _GLOB_CACHE[pattern] = re.compile("".join(out) + r"\Z")
    return bool(rx.match(path))


__all__ = ["Config", "ConfigError", "FlagPhrase", "display", "glob_match", "load_file", "read_table"]
