"""`apologylint config [FILE]`: the settings in force for FILE and the files they came from.

What `ruff check --show-settings` is to ruff: when a rule fires (or does not) where a team did not
expect it, this says which configuration file applied, through which `extend` chain, and what it
set. It prints TOML that could be pasted into a `.apologylint.toml`, with the sources as comments
(or JSON with `--format json`). It reads configuration files only: no spaCy, no rule files, so it
answers at once; a rule name in the file that matches no rule is the lint command's error.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", nargs="?", metavar="FILE", help="a file or folder (default: the working directory; - for standard input)")
    parser.add_argument("--format", choices=["toml", "json"], default="toml", help="output format")
    from .common import add_config_options

    add_config_options(parser)


def run(args: argparse.Namespace) -> int:
    return show(args, args.file)


def show(args: argparse.Namespace, path: str | None) -> int:
    """Print the settings for `path` (None or '-': the working directory); 2 after one line on
    stderr when the configuration cannot be used."""
    from ..discovery import display
    from .common import Configs

    configs = Configs(args)
    target = None if path in (None, "-") else path
    try:
        settings = configs.settings(target)
        config = configs.config(target)
    except ValueError as exc:
        print(f"apologylint: {exc}", file=sys.stderr)
        return 2
    data = _kebab(config.model_dump(mode="json"))
    ignored_here = config.ignores_for(target) if target else []
    if getattr(args, "format", "toml") == "json":
        print(json.dumps({
            "path": target or ".",
            "sources": [display(p) for p in settings.sources],
            "isolated": settings.isolated,
            "per_file_ignores_applied": ignored_here,
            "settings": data,
        }, indent=2))
        return 0
    out = sys.stdout
    out.write(f"# settings for {target or 'the working directory'}\n")
    if settings.isolated:
        out.write("# from: nothing (--isolated): the defaults and the flags\n")
    elif not settings.sources:
        out.write("# from: no configuration file found (the defaults and the flags)\n")
    else:
        out.write(f"# from: {display(settings.sources[0])}\n")
        for src in settings.sources[1:]:
            out.write(f"#   which extends {display(src)}\n")
    if target:
        out.write(f"# per-file-ignores for this file: {', '.join(ignored_here) if ignored_here else 'none'}\n")
    out.write(_toml(data))
    return 0


def _kebab(data: dict[str, Any]) -> dict[str, Any]:
    return {k.replace("_", "-"): v for k, v in data.items()}


def _value(v: Any) -> str:
    """A TOML value: JSON's strings, numbers, booleans and arrays are TOML's too."""
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items() if x is not None) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    return json.dumps(v)


def _key(k: str) -> str:
    return k if k.replace("-", "").replace("_", "").isalnum() else json.dumps(k)


def _toml(data: dict[str, Any]) -> str:
    lines = []
    tables = []
    for key, value in data.items():
        if value is None:
            lines.append(f"# {key}: not set (the default)")
        elif key in ("rules", "per-file-ignores"):
            tables.append((key, value))
        else:
            lines.append(f"{key} = {_value(value)}")
    for key, value in tables:
        if key == "per-file-ignores":
            lines.append("")
            lines.append(f"[{key}]")
            lines += [f"{_key(glob)} = {_value(rules)}" for glob, rules in value.items()]
        else:
            for rule, options in value.items():
                lines.append("")
                lines.append(f"[rules.{_key(rule)}]")
                lines += [f"{_key(k)} = {_value(v)}" for k, v in options.items()]
    return "\n".join(lines) + "\n"
