"""apologylint: lint draft replies to customers before they are sent.

    import apologylint
    report = apologylint.lint(text, in_reply_to=customer_message_or_None)

Heavy parts (spaCy) load on first use, so importing this package is cheap.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .config import Config
from .models import CORE_CATEGORIES, Counts, Finding, Readability, Report, Severity

__version__ = "0.1.0"

if TYPE_CHECKING:  # pragma: no cover
    from .linter import Linter


def lint(text: str, in_reply_to: str | None = None) -> Report:
    """Lint one reply (with the customer's message, when known) using the shared default Linter."""
    from .linter import lint as _lint

    return _lint(text, in_reply_to)


def __getattr__(name: str) -> Any:
    if name == "Linter":
        from .linter import Linter

        return Linter
    raise AttributeError(name)


__all__ = ["Config", "CORE_CATEGORIES", "Counts", "Finding", "Linter", "Readability", "Report", "Severity", "lint", "__version__"]
