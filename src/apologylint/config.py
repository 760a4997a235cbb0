"""User configuration: which rules run, how strict they are, and which pipeline parses.

One model validates every source of settings (API, CLI flags, a config file), so a typo in any of
them is the same clear error.
"""
from __future__ import annotations

import pathlib
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .models import Severity


class Config(BaseModel):
    """Settings for a Linter. Every field has a default that suits a support team's outbox."""

    model_config = ConfigDict(extra="forbid")

    model: str | None = Field(None, description="spaCy pipeline to load (default: en_core_web_sm, else its PyPI copy)")
    fail_on: Severity = Severity.warning
    select: list[str] = Field(default_factory=list, description="rule ids, names, id prefixes or categories to run")
    ignore: list[str] = Field(default_factory=list, description="rule ids, names, id prefixes or categories to skip")
    rule_paths: list[pathlib.Path] = Field(default_factory=list, description="extra rule files or folders (rule packs)")
    template_paths: list[pathlib.Path] = Field(
        default_factory=list, description="template folders searched before the shipped ones (draft, rewrite)"
    )
    rules: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="per-rule overrides keyed by id or name, e.g. {'AL101': {'max': 2}, 'hedge-words': {'severity': 'warning'}}",
    )
    batch_size: int = Field(64, ge=1)

    @classmethod
    def from_file(cls, path: str | pathlib.Path) -> "Config":
        """Read a TOML, YAML or JSON file; in pyproject.toml the table is [tool.apologylint].

        The file is read through `safeload` (size, encoding and YAML aliases bounded), so a
        hostile file is a `DataFileError` naming it, never a hang."""
        from .safeload import DataFileError, load

        path = pathlib.Path(path)
        data = load(path)
        if data is None and path.suffix.lower() not in (".toml", ".json"):
            data = {}  # an empty YAML file
        if not isinstance(data, dict):
            raise DataFileError(f"{path}: the configuration must be a table/mapping")
        base = path.parent
        for key in ("rule_paths", "template_paths"):
            value = data.get(key, [])
            if not isinstance(value, list):
                raise ValueError(f"{key}: expected a list of paths")
            data[key] = [base / p for p in value]
        return cls.model_validate(data)
