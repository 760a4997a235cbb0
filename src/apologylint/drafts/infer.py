"""Which scenario a draft answers, from the `cues` each scenario lists in scenarios.yaml.

The customer's message counts double: it says what happened, the draft only what the agent made of
it. Too little evidence means "general".
"""
from __future__ import annotations

import re
from functools import lru_cache

from .catalog import Scenario

FALLBACK = "general"
MIN_SCORE = 2


@lru_cache(maxsize=512)
def _cue(cue: str) -> re.Pattern[str]:
    words = [re.escape(w).replace("\\'", "['’]") for w in cue.lower().split()]
    return re.compile(r"(?<![\w'])" + r"\s+".join(words) + r"(?![\w'])", re.I)


def scores(catalog: dict[str, Scenario], draft: str, in_reply_to: str | None = None) -> dict[str, int]:
    out = {}
    for name, sc in catalog.items():
        out[name] = sc.spec.cue_weight * sum(
            len(_cue(c).findall(in_reply_to or "")) * 2 + len(_cue(c).findall(draft)) for c in sc.spec.cues
        )
    return out


def infer(catalog: dict[str, Scenario], draft: str, in_reply_to: str | None = None) -> str:
    """The best-scoring scenario; ties go to the one listed first; "general" below MIN_SCORE."""
    s = scores(catalog, draft, in_reply_to)
    best = max(s, key=lambda n: s[n]) if s else FALLBACK
    if s.get(best, 0) < MIN_SCORE and FALLBACK in catalog:
        return FALLBACK
    return best
