"""The spaCy side of apologylint: the pipeline and the components we add to it.

`load` gives the shared pipeline with our components in place: line breaks end sentences
(`load.py`), and every clause gets a frame (`frames.py`). The moves of a reply and the reading of
the customer's message are built from the frames (`moves.py`, `customer.py`). spaCy is imported
inside functions only, so that `--help`, `rules`, `explain` and `draft` never pay for it.
"""
from __future__ import annotations

from .load import DEFAULT_MODELS, EXCLUDE, LINE_BREAKS, ModelNotFound, load

__all__ = ["DEFAULT_MODELS", "EXCLUDE", "LINE_BREAKS", "ModelNotFound", "load"]
