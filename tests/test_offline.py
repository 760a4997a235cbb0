"""Nothing reaches the network at run time: no model download, no NLTK download.

Run in a fresh interpreter with sockets disabled and an empty HOME, so neither a cached NLTK corpus
nor an open connection can hide a download.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

PROBE = textwrap.dedent(
    """
    import socket

    def refuse(*args, **kwargs):
        raise RuntimeError("network access attempted")

    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse

    import apologylint
    text = ("Notwithstanding the aforementioned considerations regarding reconciliation, "
            "our organisational infrastructure necessitates verification procedures. " * 3)
    report = apologylint.lint(text + " Sorry if you were inconvenienced.", in_reply_to="My refund never arrived.")
    assert report.readability.grade_level is not None and report.readability.grade_level > 12
    assert "non-apology" in report.categories
    import sys
    assert "nltk" not in sys.modules, "textstat's NLTK path (which downloads cmudict) was imported"
    print("offline-ok")
    """
)


def test_lints_with_sockets_disabled_and_empty_home(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("NLTK")}
    env.update(HOME=str(tmp_path), NLTK_DATA=str(tmp_path / "nltk"), XDG_CACHE_HOME=str(tmp_path / "cache"))
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, env=env, timeout=180)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    assert proc.stdout.decode().strip() == "offline-ok"
    assert not (tmp_path / "nltk").exists()


def test_the_suite_itself_has_sockets_disabled_and_an_empty_home():
    """pytest-socket is on in the default configuration, so every test proves it runs offline."""
    import socket

    import pytest_socket

    with __import__("pytest").raises(pytest_socket.SocketBlockedError):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    home = os.environ["HOME"]
    assert os.path.basename(home).startswith("apologylint-home-")
    assert not any(os.path.exists(os.path.join(home, p)) for p in (".config", ".cache", ".local", "nltk_data"))
