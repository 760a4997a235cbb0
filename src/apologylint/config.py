"""User configuration: which rules run, how strict they are, and which pipeline parses.

One model validates every source of settings (API, CLI flags, a config file), so a typo in any of
them is the same clear error.
"""
from __future__ import annotations

import json
import pathlib
import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib
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
        """Read a TOML, YAML or JSON file; in pyproject.toml the table is [tool.apologylint]."""
        path = pathlib.Path(path)
        raw = path.read_text(encoding="utf-8")
        if path.suffix == ".toml":
            data = tomllib.loads(raw)
            if path.name == "pyproject.toml":
                data = data.get("tool", {}).get("apologylint", {})
        elif path.suffix in (".yaml", ".yml"):
            import yaml

            data = yaml.safe_load(raw) or {}
        else:
            data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError("the configuration must be a table/mapping")
        base = path.parent
        for key in ("rule_paths", "template_paths"):
            value = data.get(key, [])
            if not isinstance(value, list):
                raise ValueError(f"{key}: expected a list of paths")
            data[key] = [base / p for p in value]
        return cls.model_validate(data)
