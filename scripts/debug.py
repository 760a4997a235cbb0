"""Show the parse, the signals and the findings for a reply: what to look at before writing a pattern.

    python scripts/debug.py "reply text" ["customer message"]
"""
import sys

from apologylint.linter import Linter

linter = Linter()
text = sys.argv[1]
ctx = sys.argv[2] if len(sys.argv) > 2 else None
ex = linter.exchange(text, ctx)
print([(t.text, t.norm_, t.dep_, t.head.i, t.tag_) for t in ex.doc])
for name in ("apology", "empathy", "next-step", "problem-mention"):
    print(f"{name}: {[s.text for s in ex.signal(name)]}")
if ex.context is not None:
    print("complaint:", [s.text for s in ex.signal("complaint", ex.context)], "praise:", [s.text for s in ex.signal("praise", ex.context)])
print("problem:", ex.problem)
for f in linter.lint(text, ctx).findings:
    print(f"  {f.rule} {f.category} {f.severity}: {f.message}")
