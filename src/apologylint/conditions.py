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
    # a serious or repeated failure, by the customer's own message (nlp/customer.py, `severity`)
    "high-severity": lambda ex: ex.context is not None and ex.problem and ex.customer.kind == "problem" and ex.customer.severity == "high",
    # the customer says a promise or a date was broken ("you promised a callback", "it was due Tuesday")
    "broken-promise": lambda ex: ex.context is not None and ex.problem and bool(ex.customer.promises),
    # a broken promise that named a date or a time ("it was supposed to arrive Tuesday", "you said by 5"):
    # one a reply can answer with a new one
    "broken-promise-dated": lambda ex: ex.context is not None and ex.problem and ex.customer.kind == "problem" and any(
        _promise_time(p) is not None for p in ex.customer.promises),
    # the customer named what was at stake for them ("for my daughter's wedding")
    "stakes-named": lambda ex: ex.context is not None and ex.problem and bool(ex.customer.stakes),
    # the customer's message owns the slip ("my mistake, I typed the wrong postcode"); nothing of ours failed
    # (and nothing of ours is said to have failed besides, and it is not serious)
    "customer-slip": lambda ex: ex.context is not None and ex.customer.slip_only,
    # a complaint with no failure on our side and no slip the customer owns ("the snow closed the
    # roads so I missed my appointment", "my bank blocked the payment"): nlp/customer.py, `no_fault_of_ours`
    "no-fault-of-ours": lambda ex: ex.context is not None and ex.customer.no_fault_of_ours,
    "not-customer-slip": lambda ex: ex.context is None or not ex.customer.slip_only,
    "asked-or-problem": lambda ex: (ex.problem and ex.customer.kind not in ("praise", "chit-chat")) or (ex.context is not None and ex.customer.kind in ("request", "problem")),
}


def _promise_time(span):
    from .nlp.customer import promise_time

    return promise_time(span)


def holds(name: str, ex: "Exchange") -> bool:
    return CONDITIONS[name](ex)
