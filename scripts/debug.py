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

def show(name, doc=None):
    print(f"{name}: {[s.text for s in ex.signal(name, doc)]}")
    for src in linter.compiled.sources[name]:  # what each source finds alone, by its id
        found = src.spans(ex, doc)
        if found:
            print(f"    {src.spec.id}: {[s.text for s in found]}")


for name in ("apology", "empathy", "next-step", "problem-mention"):
    show(name)
if ex.context is not None:
    show("complaint", ex.context)
    show("praise", ex.context)
print("problem:", ex.problem)
for f in linter.lint(text, ctx).findings:
    print(f"  {f.rule} {f.category} {f.severity}: {f.message}")
