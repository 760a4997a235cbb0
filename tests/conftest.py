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
    for var in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        os.environ[var] = os.path.join(home, var.lower())


@pytest.fixture(scope="session")
def linter():
    from apologylint import Linter

    return Linter()
