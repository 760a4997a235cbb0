"""Shared fixtures: one Linter for the whole session (loading spaCy once is the expensive part)."""
from __future__ import annotations

import os
import tempfile

import pytest


def pytest_configure(config):
    """The suite runs with an empty HOME and empty XDG folders, as a clean machine has: nothing
    the tool needs may come from a cache, a download or a user's own configuration."""
    home = tempfile.mkdtemp(prefix="apologylint-home-")
    os.environ["HOME"] = home
    for var in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_RUNTIME_DIR"):
        os.environ[var] = os.path.join(home, var.lower())
    # no `apologylint serve` of the user's answers the suite's CLI runs (their runtime folder is empty)
    os.makedirs(os.environ["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)
    os.environ.pop("APOLOGYLINT_SOCKET", None)


@pytest.fixture(scope="session")
def linter():
    from apologylint import Linter

    return Linter()
