"""Facts about the whole exchange that conditional rules depend on (`when:` in a rule)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:  # pragma: no cover
    from .protocols import ExchangeLike as Exchange

CONDITIONS: dict[str, Callable[["Exchange"], bool]] = {
    "always": lambda ex: True,
    "problem": lambda ex: ex.problem,
    "praise-only": lambda ex: ex.praise_only,
    "has-context": lambda ex: ex.context is not None,
    "reply-apologizes": lambda ex: bool(ex.signal("apology")),
    # a problem to move forward; praise, thanks and chit-chat need no next step, whatever the reply says
    "needs-next-step": lambda ex: ex.problem and ex.customer.kind not in ("praise", "chit-chat"),
    # something to put right, or something the customer asked us to do ("can you resend my code?")
    # a plain question or request, with no problem to put right: it needs an answer or a step
    "asked-only": lambda ex: ex.context is not None and not ex.problem and ex.customer.kind in ("question", "request") and bool(ex.customer.questions),
    # (a refusal needs no sure problem: the kind model's "problem" or "request" is enough, since the reply refuses something)
    "asked-or-problem": lambda ex: (ex.problem and ex.customer.kind not in ("praise", "chit-chat")) or (ex.context is not None and ex.customer.kind in ("request", "problem")),
}


def holds(name: str, ex: "Exchange") -> bool:
    return CONDITIONS[name](ex)
