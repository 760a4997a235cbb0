"""`apologylint lsp`: the editor server. This module only reads the flags; the server is
`apologylint.lsp`, imported when it runs, so `apologylint lsp --help` loads neither pygls nor spaCy.

Each document is linted with the configuration nearest to its file, as the lint command lints a
file; `--config FILE` applies one file to every document and `--isolated` reads none. A broken
`--config` stops the server before it starts; a broken discovered file is shown in the editor
when a document under it is linted."""
from __future__ import annotations

import argparse
import sys

from .common import add_config_options, add_server_option


def configure(parser: argparse.ArgumentParser) -> None:
    add_config_options(parser)
    parser.add_argument("--debounce-ms", type=int, default=300, metavar="MS", help="lint this long after the last keystroke (default: 300)")
    parser.add_argument("--no-unsafe-fixes", dest="unsafe_fixes", action="store_false", help="offer only the safe fixes as code actions")
    parser.add_argument("--stdio", action="store_true", help="talk over standard input and output (the default and only transport; accepted for editors that pass it)")
    add_server_option(parser)  # a warm `apologylint serve` lints when it answers: no pipeline is loaded here then


def run(args: argparse.Namespace) -> int:
    from .common import build_config

    if not 0 <= args.debounce_ms <= 10_000:
        print("apologylint lsp: --debounce-ms must be between 0 and 10000", file=sys.stderr)
        return 2
    try:
        if args.config or args.isolated:
            build_config(args)  # a broken --config is one line now, not a silent server
    except Exception as exc:
        print(f"apologylint: {exc}".splitlines()[0], file=sys.stderr)
        return 2
    try:
        from ..lsp import Settings, serve
    except ImportError as exc:
        print(f"apologylint lsp: the editor server needs pygls ({exc})", file=sys.stderr)
        return 2
    return serve(Settings(args=args, debounce=args.debounce_ms / 1000, unsafe_fixes=args.unsafe_fixes))
