"""Show the parse, the signals and the findings for a reply: what to look at before writing a pattern.

    python scripts/debug.py "reply text" ["customer message"]
"""
import sys

from apologylint.linter import Linter

linter = Linter()
text = sys.argv[1]
ctx = sys.argv[2] if len(sys.argv) > 2 else None
report = linter.lint(text, ctx)
from apologylint.exchange import Exchange
from apologylint.text import normalize
from apologylint.linter import _lemma_norms

norm = normalize(text)
doc = linter.nlp(norm.text)
_lemma_norms(doc)
cdoc = None
if ctx:
    cdoc = linter.nlp(normalize(ctx).text)
    _lemma_norms(cdoc)
ex = Exchange(doc, norm, cdoc, linter.compiled)
print([(t.text, t.norm_, t.dep_, t.head.i, t.tag_) for t in doc])
for name in ("apology", "empathy", "next-step", "problem-mention"):
    print(f"{name}: {[s.text for s in ex.signal(name)]}")
if cdoc is not None:
    print("complaint:", [s.text for s in ex.signal("complaint", cdoc)], "praise:", [s.text for s in ex.signal("praise", cdoc)])
print("problem:", ex.problem)
for f in report.findings:
    print(f"  {f.rule} {f.category} {f.severity}: {f.message}")
