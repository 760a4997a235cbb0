"""`apologylint explain-score`: how the recovery score is computed, from the shipped weights.

Printed from `recovery_weights.yaml` itself, so the explanation cannot drift from the numbers the
linter uses. Imports no spaCy."""
from __future__ import annotations

import argparse

#: what each component is, as the reading finds it
MEANING = {
    "acknowledgement": "names the customer's problem: empathy, an apology that says what happened, or owning it",
    "apology": "a real apology (a conditional or feelings-shifting one does not count)",
    "responsibility": "owns the failure: 'that's on us', 'we sent it to the wrong depot', 'our mistake'",
    "empathy": "acknowledges how it landed: 'that must have been so frustrating'",
    "personal-empathy": "names what the customer said was at stake (their daughter's birthday, a flight, their job)",
    "explanation": "an owned explanation of what went wrong (an excuse counts against, not for)",
    "repair": "fixes it, answers it, or gives a step: a commitment, a completed action, an instruction, an answer",
    "next-step-time": "a commitment or completed action with a time or date: 'arrives tomorrow by noon'",
    "amends": "something beyond the fix: a credit, a voucher, an upgrade, a fee waived",
    "follow-up": "coming back after the fix ('I'll call you Friday to make sure'), or an escalation to someone senior",
    "thanks": "thanks the customer",
    "forgiveness": "asks for forgiveness or another chance (reported, not scored)",
}
SITUATION = {
    "not-a-problem": "a question or a request, no failure",
    "praise": "praise, thanks or chit-chat",
    "customer-slip": "the customer says the slip was theirs ('I typed the wrong postcode'), or the trouble came from outside or from what they did ('the snow closed the roads so I missed it', 'my bank blocked it'); nothing of ours failed besides, not high",
    "low": "a problem with no severity cue",
    "medium": "a problem with one cue (a repeat, money, a threat, how long it has gone on), a stake or a broken promise",
    "high": "a problem with two kinds of cue (a stake or a broken promise counts as one), or any vulnerability or safety cue",
}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=["text", "json"], default="text", help="json: the weights file as JSON")


def run(args: argparse.Namespace) -> int:
    import json

    from ..recovery import COMPONENTS, weights

    w = weights()
    if args.format == "json":
        print(json.dumps(w.model_dump(), indent=2))
        return 0
    print("How the recovery score is computed (report.recovery, `apologylint --recovery`)\n")
    print("1. The situation. From the customer's message (without one: a reply that answers a failure")
    print("   is judged as answering a medium one):")
    for name in w.called_for:
        print(f"   {name:<14} {SITUATION[name]}")
    print("\n2. What it calls for, and what each component weighs there:")
    for name, comps in w.called_for.items():
        print(f"   {name:<14} " + (", ".join(f"{c} {max(w.weights[x] for x in c.split('|'))}" for c in comps) or "nothing: the score is 100"))
    print("\n3. The components, as the reading finds them in the reply:")
    for c in COMPONENTS:
        print(f"   {c:<17} {w.weights[c]:>3}  {MEANING[c]}")
    print("\n4. The score: 100 x (weights of the called-for components found) / (weights of all called for),")
    print("   less, once per category found in the reply: " + ", ".join(f"{c} {p}" for c, p in w.penalties.items()) + ".")
    print("   (an apology read as a non-apology neither counts as the apology nor escapes the penalty.)")
    print("   A component the situation does not call for adds nothing; 'a|b' is satisfied by either, once;")
    print("   personal-empathy is called for only when the customer named a stake. The score stays within 0-100.")
    print("   Bands: " + ", ".join(f"{b.name} {b.min}+" for b in w.bands) + ".")
    print("\nWhy these weights: Lewicki, Polin & Lount (2016) found acknowledging responsibility the most")
    print("important part of an apology and an offer of repair the next; expressing regret and explaining")
    print("count less, and a request for forgiveness least. Service-recovery practice adds acknowledging")
    print("the problem, empathy at the personal level, a new timeline, amends in proportion to the failure,")
    print("a follow-up and thanks; Tax, Brown & Chandrashekaran (1998) found customers judge a recovery by")
    print("its outcome, its process and how they were treated.")
    return 0
