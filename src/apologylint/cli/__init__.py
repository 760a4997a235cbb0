"""`apologylint`: lint files (the default), or run a subcommand.

Each subcommand lives in its own module with `configure(parser)` and `run(args) -> int`; this
module only dispatches, so `--help`, `rules`, `explain` and `config` never import spaCy.
"""
from __future__ import annotations

import argparse
import importlib
import sys

#: subcommand -> (module, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "rules": ("rules", "list the rules: id, name, category, severity"),
    "explain": ("explain", "explain a rule: what it does, why, examples"),
    "eval": ("evaluate", "score the linter on a labelled JSONL file"),
    "sendmail": ("sendmail", "lint a message on its way to sendmail: -- /usr/sbin/sendmail [ARGS...]"),
    "draft": ("draft", "render a balanced reply from a scenario template"),
    "rewrite": ("rewrite", "turn a flawed draft into a balanced one"),
    "lsp": ("lsp", "run the editor server (Language Server Protocol over stdio)"),
    "explain-score": ("explain_score", "explain how the recovery score (report.recovery, --recovery) is computed"),
    "test-rules": ("test_rules", "run the bad/good examples of a rule pack's rules (default: the shipped rules)"),
    "config": ("config", "show the settings in force for a file and the configuration files they came from"),
    "serve": ("serve", "keep a linter warm on a Unix socket; the CLI and sendmail use it when it answers"),
}

_WIDTH = max(map(len, SUBCOMMANDS)) + 1
EPILOG = "subcommands:\n" + "\n".join(f"  {name:<{_WIDTH}} {help_}" for name, (_, help_) in SUBCOMMANDS.items()) + (
    "\n\nexit status: 0 clean, 1 findings at or above --fail-on, 2 usage or input error"
)


def register(name: str, module: str, help_: str) -> None:
    """Add a subcommand (used by the modules of later features)."""
    SUBCOMMANDS[name] = (module, help_)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv and argv[0] in SUBCOMMANDS:
            module_name, help_ = SUBCOMMANDS[argv[0]]
            mod = importlib.import_module(f"{__name__}.{module_name}")
            parser = argparse.ArgumentParser(prog=f"apologylint {argv[0]}", description=help_)
            mod.configure(parser)
            args = parser.parse_args(argv[1:])
            return int(mod.run(args) or 0)
        from . import lint as lint_cmd

        parser = argparse.ArgumentParser(
            prog="apologylint",
            description="Lint draft replies to customers: over-apologizing, excuses, defensiveness, "
            "non-apologies, missing empathy or next steps.",
            epilog=EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        lint_cmd.configure(parser)
        args = parser.parse_args(argv)
        return int(lint_cmd.run(args) or 0)
    except KeyboardInterrupt:
        print("apologylint: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug of ours: one line, not a traceback; APOLOGYLINT_DEBUG=1 shows it
        import os

        if os.environ.get("APOLOGYLINT_DEBUG"):
            raise
        print(f"apologylint: internal error: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
