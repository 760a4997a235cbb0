"""`apologylint serve`: keep a linter warm on a Unix socket for the CLI, the pre-send hook and editors."""
from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--socket", metavar="PATH", help="the socket to listen on (default: $XDG_RUNTIME_DIR/apologylint/server.sock, "
                        "else apologylint-UID/server.sock in the temporary folder)")
    parser.add_argument("--daemon", action="store_true", help="fork into the background once listening (exit 0 if one is already running)")
    parser.add_argument("--status", action="store_true", help="say whether a server answers on the socket, and exit (0 yes, 1 no)")
    parser.add_argument("--stop", action="store_true", help="stop the server listening on the socket")
    parser.add_argument("-q", "--quiet", action="store_true", help="no line per request on standard error")


def run(args: argparse.Namespace) -> int:
    import sys

    from .. import server

    path = args.socket or server.default_socket()
    if args.status or args.stop:
        hello = server.ping(path)
        if hello is None:
            print(f"apologylint serve: no server answers on {path}", file=sys.stderr)
            return 1
        if args.stop:
            import os
            import signal

            os.kill(hello.pid, signal.SIGTERM)
            print(f"apologylint serve: stopped pid {hello.pid} on {path}")
            return 0
        print(f"apologylint serve: pid {hello.pid} on {path}, version {hello.version}, {hello.served} request(s), {hello.messages} message(s)")
        return 0
    return server.run(path, daemon=args.daemon, quiet=args.quiet)
