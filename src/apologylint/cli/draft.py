"""`apologylint draft`: render a balanced reply from a scenario template. Never imports spaCy."""
from __future__ import annotations

import argparse
import sys


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--list", action="store_true", help="list the scenarios: name, then a one-line description")
    parser.add_argument("--scenario", metavar="NAME", help="the scenario to render (see --list)")
    parser.add_argument("--fields", action="store_true", help="with --scenario: list the scenario's context fields")
    parser.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE", help="a context field; repeatable")
    parser.add_argument("--context", metavar="FILE", help="context fields from a YAML or JSON file (--set wins over it)")
    parser.add_argument("--example", action="store_true", help="start from the scenario's built-in example context")
    parser.add_argument("--channel", choices=["email", "chat"], help="email (greeting, paragraphs, sign-off) or chat (two or three sentences)")
    parser.add_argument("--seed", type=int, metavar="N", help="choose the wordings with this seed (default: derived from the context)")
    parser.add_argument("--format", choices=["text", "html"], default="text", help="output format (html escapes every field)")
    parser.add_argument("--templates", action="append", default=[], metavar="DIR", help="a folder of templates searched before the shipped ones; repeatable")
    parser.add_argument("--config", metavar="FILE", help="settings file; its template_paths are searched after --templates")


def _read_context(path: str) -> dict:
    """A --context file through the one bounded loader (safeload.py): JSON by its suffix, else YAML."""
    from ..safeload import DataFileError, load

    try:
        data = load(path)
    except DataFileError as exc:
        raise ValueError(f"--context {exc}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ValueError(f"--context {path}: expected a mapping of field: value")
    return data


def _parse_sets(sets: list[str]) -> dict[str, str]:
    out = {}
    for item in sets:
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise ValueError(f"--set {item!r}: expected KEY=VALUE")
        out[key.strip()] = value
    return out


def run(args: argparse.Namespace) -> int:
    from ..drafts import DraftError, renderer

    try:
        templates = list(args.templates)
        if args.config:
            from .common import build_config

            templates += [str(p) for p in build_config(_no_lint_flags(args)).template_paths]
        r = renderer(templates)
        if args.list:
            width = max(map(len, r.catalog), default=0) + 2
            for name, sc in r.catalog.items():
                print(f"{name:<{width}}{sc.description}")
            return 0
        if not args.scenario:
            raise ValueError("give --scenario NAME (or --list to see the scenarios)")
        sc = r.scenario(args.scenario)
        if args.fields:
            width = max(map(len, sc.fields)) + 2
            print(f"{'channel':<{width}}email or chat (default email)")
            for name, f in sc.fields.items():
                print(f"{name:<{width}}{'required' if f.required else 'optional'}, {f.kind}: {f.help}")
            return 0
        context: dict = dict(sc.example) if args.example else {}
        if args.context:
            context.update(_read_context(args.context))
        context.update(_parse_sets(args.sets))
        if args.channel:
            context["channel"] = args.channel
        text = r.render(sc.name, context, seed=args.seed, format=args.format)
    except (DraftError, ValueError) as exc:
        print(f"apologylint draft: {exc}", file=sys.stderr)
        return 2
    print(text)
    return 0


def _no_lint_flags(args: argparse.Namespace) -> argparse.Namespace:
    """build_config reads the lint flags too; draft has only --config."""
    return argparse.Namespace(config=args.config, model=None, fail_on=None, select=None, ignore=None, rule_paths=None)
