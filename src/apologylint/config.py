"""User configuration: which rules run, how strict they are, and which pipeline parses.

One model validates every source of settings (API, CLI flags, a config file), so a typo in any of
them is the same clear error. Keys may be written in kebab-case (`fail-on`, the TOML style ruff
uses) or snake_case (`fail_on`, the Python names); both spellings of one key in the same place is
an error, because one of them would be silently lost.

Where the settings come from (the nearest `.apologylint.toml` or `pyproject.toml`, `extend`
chains) is `apologylint.discovery`; this module only says what a setting is.
"""
from __future__ import annotations

import os
import pathlib
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .models import Severity


class FlagPhrase(BaseModel):
    """A phrase the team always wants flagged (`flag-phrases`), with its own message and severity
    when the default ("Team phrase: 'X'") is not enough."""

    model_config = ConfigDict(extra="forbid")

    phrase: str = Field(min_length=1)
    message: str | None = Field(None, description="the finding's message; {phrase} is the phrase as configured")
    severity: Severity = Severity.warning

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
        `discovery.ConfigError` (a ValueError) that names the file and the key."""
        from .discovery import load_settings

        return load_settings(pathlib.Path(path)).config

    @classmethod
    def discover(cls, path: str | os.PathLike | None = None) -> "Config":
        """The settings in force for `path` (a file or folder; None: the working directory), found
        as the CLI finds them: see `apologylint.discovery.settings_for`, which also says which
        files they came from."""
        from .discovery import settings_for

        return settings_for(path).config


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


__all__ = ["Config", "FlagPhrase", "glob_match"]
