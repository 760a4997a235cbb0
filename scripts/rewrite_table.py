"""Rewrite the flawed drafts written for the test suite and measure each rewrite: does it lint
clean, keep every fact of the draft, and invent none? A fact is an amount, a date, an identifier
or a link (`keeps_facts`); the stricter `keeps_answers` also counts as lost a refusal, an answer, a
commitment or an instruction the linter read in the draft (report.moves) with no move of the same
kind about the same words in the rewrite's reading (listed as `lost_moves`). Writes the drafts and their rewrites as
JSON Lines for a reviewer to judge whether each reads as a reply an agent would send.

    python scripts/rewrite_table.py [--out rewrites.jsonl]
"""
from __future__ import annotations

import argparse
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def drafts() -> list[tuple[str, str, str | None]]:
    """(name, draft, customer message): the per-scenario flawed drafts and the phenomenon drafts."""
    from test_rewrite import FLAWED, NEW_DRAFTS  # the drafts the suite rewrites

    from apologylint.drafts.catalog import load_catalog

    catalog = load_catalog()
    out = [(f"scenario {name}", text, catalog[name].customer_message) for name, text in sorted(FLAWED.items())]
    out += [(name, text, ctx) for name, text, ctx in PHENOMENA]
    out += [(name, text, ctx) for name, text, ctx in NEW_DRAFTS]
    return out


PHENOMENA = [
    ("a denial, a shrug, a busy day", "Dear Mr Okafor,\n\nThank you for your email. I've spoken to the staff member and he denies being rude. Perhaps there was a misunderstanding. Saturdays are extremely busy.\n\nRegards,\nLena",
     "The man at your Leeds store was incredibly rude to me on Saturday when I asked about a return."),
    ("minimizing and policy", "Hi Jo,\n\nSorry about that. The site was only down for about 40 minutes, and most customers didn't even notice. Per our policy, outages under an hour are not compensated.\n\nBest,\nSam",
     "Your site was down during my checkout and I lost my booking slot!"),
    ("a vague promise", "Hi Sam,\n\nSorry for the delay. Your parcel should ship sometime next week.\n\nBest,\nKim", "Where is my order? It's a week late."),
    ("a pronoun left alone", "Hi Priya,\n\nUnfortunately our supplier let us down, and my manager says refunds are not our call. To be honest I don't think she'll approve it. Your order #5521 ships on Friday.\n\nBest,\nTom",
     "My blender broke after 35 days and I want a refund."),
    ("blame, no customer message", "Dear Mr Hale,\n\nAs I said, the invoice terms were clearly stated in the contract you signed. You should have read section 4 before signing.\n\nRegards,\nAccounts", None),
    ("a request after the warranty", "Hi Dana,\n\nUnfortunately our warranty only covers 30 days, so there is nothing we can do.\n\nBest,\nKim", "My blender broke after 35 days. I want a refund."),
    ("no need to apologize", "Hi Ana,\n\nNo need to apologize at all! I know this order matters to you. Your order #4471 ships Friday.\n\nBest,\nKim", "Sorry to bother you again, but when will my order ship?"),
]


#: the moves that carry the draft's substance: what it refuses, answers, promises or asks the customer to do
SUBSTANCE = ("refusal", "answer", "commitment", "instruction")
_STOP = {"the", "a", "an", "and", "but", "or", "to", "of", "for", "on", "in", "at", "is", "are", "was", "be", "we", "i", "you", "it", "your", "our", "my", "this", "that", "with", "as"}


def _words(s: str) -> set[str]:
    import re

    return {w for w in re.findall(r"[a-z0-9]+", s.lower()) if w not in _STOP}


def lost_moves(draft: str, draft_report, out: str, out_report) -> list[str]:
    """The draft's substance moves with no counterpart in the rewrite: no move of the same kind
    whose words hold at least half of its own."""
    def moves(text, report):
        return [(m.kind, text[m.start : m.end]) for sm in (report.moves or []) for m in sm.moves if m.kind in SUBSTANCE]

    theirs = moves(out, out_report)
    lost = []
    for kind, said in moves(draft, draft_report):
        mine = _words(said)
        if not mine:
            continue
        if not any(k == kind and len(mine & _words(t)) * 2 >= len(mine) for k, t in theirs):
            lost.append(f"{kind}: {said.strip()}")
    return lost


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="rewrites.jsonl")
    args = ap.parse_args()
    from apologylint import Linter
    from apologylint.drafts.facts import facts
    from apologylint.drafts.rewriter import DROPPABLE, Rewriter, actionable

    linter = Linter()
    rw = Rewriter(linter)
    rows, clean, kept, answered, honest = [], 0, 0, 0, 0
    for name, draft, ctx in drafts():
        result = rw.rewrite(draft, ctx)
        out = result.text
        keys = lambda t: {f.key for f in facts(t)}  # noqa: E731
        may_go = set().union(set(), *(keys(d.text) for d in result.dropped if d.category in DROPPABLE))
        out_report = linter.lint(out, ctx)
        is_clean = actionable(out_report, out) == []
        keeps = not (keys(draft) - keys(out) - may_go)
        lost = lost_moves(draft, linter.lint(draft, ctx), out, out_report)
        invents = bool(keys(out) - keys(draft))
        clean += is_clean
        kept += keeps
        answered += keeps and not lost
        honest += not invents
        rows.append({"name": name, "customer": ctx, "draft": draft, "rewrite": out, "lints_clean": is_clean, "keeps_facts": keeps,
                     "keeps_answers": keeps and not lost, "lost_moves": lost, "invents": invents})
    pathlib.Path(args.out).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    n = len(rows)
    print(f"{n} drafts: {clean} lint clean, {kept} keep every fact, {answered} keep every fact and answer, "
          f"{honest} invent nothing; written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
