"""Fixtures for the rules-core tests: the shipped rule set, and tmp rule directories."""

from __future__ import annotations

from pathlib import Path

import pytest
from rules_helpers import RULES_DIR, write_rules

from tiaojie.rules.service import open_rules


@pytest.fixture(scope="session")
def rules():
    """The shipped rule set, loaded and compiled once."""
    loaded = open_rules(RULES_DIR)
    yield loaded
    loaded.close()


@pytest.fixture
def make_rules(tmp_path):
    """`make_rules({"p.toml": "..."})` → a tmp rules directory with the shipped vocabulary."""
    counter = iter(range(1_000_000))

    def make(policies: dict[str, str] | None = None, **kwargs) -> Path:
        return write_rules(tmp_path / f"rules{next(counter)}", policies, **kwargs)

    return make
