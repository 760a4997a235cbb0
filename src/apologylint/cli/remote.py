"""The lint command through a warm `apologylint serve`: the client's half.

The client reads each input's bytes (as `apologylint.inputs` reads them: the same one-line
errors), finds the configuration file that applies to each (`apologylint.client.Finder`, as
`apologylint.discovery` finds it), and sends them with the flags; the server decodes, lints and
renders the report with the code the in-process path runs (`cli.lint.read_inputs` and
`cli.lint.report`), and the client writes out what it is sent. So nothing here imports pydantic,
the rules or spaCy, and the output is the in-process output, byte for byte.

Whenever the server cannot be used (none, no answer in time, another version, a configuration
it cannot read, any error), `lint` returns None and the caller lints in-process, which says
whatever there is to say about a broken configuration.
"""
from __future__ import annotations

import argparse
import io
import os
import sys

#: the flags the server needs to lint and render as this process would (cli.lint and cli.common)
OPTIONS = (
    "format", "output_format", "color", "show_suggestions", "recovery", "explain_reading", "quiet", "statistics",
    "model", "fail_on", "select", "extend_select", "ignore", "report_unused_suppressions", "isolated",
)


def options(args: argparse.Namespace) -> dict:
    """The flags as the server's `CliOptions`; paths made absolute (the server lints in this
    working directory, but keys its warm linters by configuration)."""
    out = {name: getattr(args, name, None) for name in OPTIONS}
    out["isolated"] = bool(out["isolated"])
    out["rule_paths"] = [os.path.abspath(p) for p in args.rule_paths] if getattr(args, "rule_paths", None) else None
    out["config"] = os.path.abspath(args.config) if getattr(args, "config", None) else None
    return {k: v for k, v in out.items() if v is not None}


def socket_for(args: argparse.Namespace) -> str | None:
    """The socket to try, or None when the server is not to be used or none is there."""
    from .. import client

    if getattr(args, "no_server", False) or client.disabled():
        return None
    path = getattr(args, "socket", None) or client.default_socket()
    return path if client.listening(path) else None


def config_ref(args: argparse.Namespace, finder, path: str | None) -> str | None:
    """The configuration file the server is to read for an input (None: the defaults, or the
    one --config names, which the request carries once); raises client.Unsure."""
    if getattr(args, "isolated", False) or getattr(args, "config", None):
        return None
    return finder.find(None if path in (None, "-", "<stdin>") else path)


def encode(data: bytes) -> str:
    import binascii

    return binascii.b2a_base64(data, newline=False).decode("ascii")


def lint(args: argparse.Namespace) -> int | None:
    """Lint the command line's files through the server and print its report: the exit status,
    or None (nothing printed, standard input left readable) when the caller is to lint here."""
    path = socket_for(args)
    if path is None or (args.config and args.isolated):
        return None
    names = [*([args.in_reply_to] if args.in_reply_to else []), *args.files]
    if names.count("-") > 1:
        return None  # standard input read twice: for the in-process path to say so
    from .. import __version__, client
    from ..inputs import InputError, read_bytes

    stdin: bytes | None = None
    finder = client.Finder()

    def one(name: str) -> dict:
        nonlocal stdin
        try:
            data, size = read_bytes(name)
        except InputError as exc:
            return {"path": name, "error": str(exc)}
        if name == "-":
            stdin = data
        return {"path": name, "data": encode(data), "size": size}

    try:
        context = None
        if args.in_reply_to:
            context = one(args.in_reply_to)
            if "error" in context:  # as read_or_report says it, before any file is read
                print(f"apologylint: --in-reply-to {context['error']}", file=sys.stderr)
                return 2
        inputs = []
        for name in args.files:
            item = one(name)
            if "error" not in item:
                item["config"] = config_ref(args, finder, name)
            inputs.append(item)
        request = {
            "op": "cli", "version": __version__, "cwd": os.getcwd(), "options": options(args),
            "inputs": inputs, "context": context, "cwd_config": config_ref(args, finder, None),
            "seen": list(_seen(args)),
        }
    except client.Unsure:
        return _unread(stdin)
    size = sum(len(i.get("data", "")) for i in [*inputs, *([context] if context else [])]) * 3 // 4
    answer = client.exchange(path, request, budget=0.05 * len(inputs) + size / 10_000)
    if not _usable(answer, __version__):
        return _unread(stdin)
    if answer["stderr"]:
        sys.stderr.write(answer["stderr"])
        sys.stderr.flush()
    if args.output:
        from .output import destination

        with destination(args.output) as out:
            out.write(answer["stdout"])
    else:
        sys.stdout.write(answer["stdout"])
    return int(answer["exit"])


def _seen(args: argparse.Namespace) -> tuple[bool, bool]:
    from .output import terminal

    return terminal(args)


def _usable(answer: dict | None, version: str) -> bool:
    return (isinstance(answer, dict) and answer.get("error") is None and answer.get("version") == version
            and isinstance(answer.get("stdout"), str) and isinstance(answer.get("stderr"), str)
            and isinstance(answer.get("exit"), int))


def _unread(stdin: bytes | None) -> None:
    """Give standard input back its bytes (they were read for the server) before linting here."""
    if stdin is not None:
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    return None
