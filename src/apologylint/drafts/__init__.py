"""Drafts: balanced replies rendered from scenario templates, and rewrites of flawed drafts.

    apologylint.scenarios()                         # name -> one-line description
    apologylint.draft("late-delivery", customer_name="Zoë", item="blue kettle", new_date="Friday")
    apologylint.rewrite(text, in_reply_to=customer_message)

`draft` and `scenarios` never load spaCy; `rewrite` lints, so it loads the pipeline once.
"""
from __future__ import annotations

import pathlib
from typing import Any, Iterable

from .catalog import DraftError, Scenario
from .render import renderer  # the package's submodules use it from there, never from here

__all__ = ["DraftError", "Scenario", "draft", "renderer", "rewrite", "scenarios"]


def scenarios(templates: Iterable[str | pathlib.Path] | None = None) -> dict[str, str]:
    """Every scenario's name and one-line description, in catalog order."""
    return {name: sc.description for name, sc in renderer(templates).catalog.items()}


def draft(
    scenario: str,
    *,
    seed: int | None = None,
    format: str = "text",
    templates: Iterable[str | pathlib.Path] | None = None,
    **context: Any,
) -> str:
    """Render a scenario with a context (its fields as keywords; `channel="chat"` for the short
    variant). Raises DraftError, whose message names the scenario and the field at fault."""
    return renderer(templates).render(scenario, context, seed=seed, format=format)


def rewrite(text: str, in_reply_to: str | None = None, **options: Any) -> str:
    """A balanced version of a flawed draft: facts kept, excuses and extra apologies dropped,
    unknowns left as visible [[placeholders]]. Options: `linter=`, `templates=`, `scenario=`.
    `apologylint.drafts.rewriter.Rewriter` returns the details (what was dropped and added)."""
    from .rewriter import Rewriter

    scenario = options.pop("scenario", None)
    return Rewriter(**options).rewrite(text, in_reply_to, scenario=scenario).text
