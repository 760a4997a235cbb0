"""apologylint: lint draft replies to customers before they are sent.

    import apologylint
    report = apologylint.lint(text, in_reply_to=customer_message_or_None)

Heavy parts load on first use, so importing this package is cheap: spaCy when a Linter first
lints, and even pydantic (the models and `Config`) only when one of those names is first read,
so a command-line client that hands its work to `apologylint serve` never loads them.
"""
from __future__ import annotations

TYPE_CHECKING = False  # not `from typing import TYPE_CHECKING`: importing typing costs a client start-up 5 ms
__version__ = "0.1.0"

if TYPE_CHECKING:  # pragma: no cover
    from typing import Any

    from .config import Config
    from .linter import Linter
    from .models import CORE_CATEGORIES, Counts, Finding, Readability, Report, Severity

#: the names this package exports lazily -> the module that defines them
_LAZY = {
    "Config": "config", "CORE_CATEGORIES": "models", "Counts": "models", "Finding": "models",
    "Readability": "models", "Report": "models", "Severity": "models", "Linter": "linter",
}


def lint(text: str, in_reply_to: str | None = None) -> Report:
    """Lint one reply (with the customer's message, when known) using the shared default Linter."""
    from .linter import lint as _lint

    return _lint(text, in_reply_to)


def lint_email(message: Any, in_reply_to: str | None = None, linter: Any = None) -> Any:
    """Lint what the sender wrote in an email (bytes, str or `email.message.EmailMessage`): quoted
    history and signature set aside, the quoted customer message used as `in_reply_to`. Returns an
    `apologylint.mail.EmailReport`: the Report plus `.source` (which part was linted, its text, and
    whether finding lines/columns are exact positions in the message). Raises
    `apologylint.inputs.InputError` when there is nothing to lint."""
    from .mail import lint_email as _lint_email

    return _lint_email(message, in_reply_to, linter=linter)


def draft(scenario: str, **context: Any) -> str:
    """Render a balanced reply for a scenario (see `scenarios()`); keywords are its context fields,
    plus `seed=`, `format="html"` and `templates=[dir, ...]`. Never loads spaCy."""
    from .drafts import draft as _draft

    return _draft(scenario, **context)


def scenarios(templates: Any = None) -> dict[str, str]:
    """The draft scenarios: name -> one-line description."""
    from .drafts import scenarios as _scenarios

    return _scenarios(templates)


def rewrite(text: str, in_reply_to: str | None = None, **options: Any) -> str:
    """A balanced version of a flawed draft: every fact kept; excuses, defensive lines and extra
    apologies dropped; what it cannot know left as a visible [[placeholder]]."""
    from .drafts import rewrite as _rewrite

    return _rewrite(text, in_reply_to, **options)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'apologylint' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # read once
    return value


__all__ = ["Config", "CORE_CATEGORIES", "Counts", "Finding", "Linter", "Readability", "Report", "Severity", "draft", "lint", "lint_email", "rewrite", "scenarios", "__version__"]
