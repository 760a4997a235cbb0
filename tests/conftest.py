"""Shared fixtures: one Linter for the whole session (loading spaCy once is the expensive part)."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def linter():
    from apologylint import Linter

    return Linter()
