"""Regenerate the README's rule table from rules/*.yaml (a test checks they agree).

    python scripts/update_readme.py
"""
import pathlib

from apologylint.cli.rules import markdown_table
from apologylint.ruleset import load_all

readme = pathlib.Path(__file__).resolve().parent.parent / "README.md"
text = readme.read_text(encoding="utf-8")
head, rest = text.split("<!-- rules-table:start -->")
_, tail = rest.split("<!-- rules-table:end -->")
rules, _ = load_all()
table = markdown_table(sorted(rules, key=lambda r: r.id))
readme.write_text(f"{head}<!-- rules-table:start -->\n{table}\n<!-- rules-table:end -->{tail}", encoding="utf-8")
print(f"{len(rules)} rules written to {readme.name}")
