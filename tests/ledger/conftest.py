"""Ledger fixtures: an engine and a ledger on each database (`db_url` comes from tests/conftest.py),
an organisation with its users."""

from __future__ import annotations

import pytest


@pytest.fixture
def engine(db_url):
    from tiaojie.store.db import open_database

    eng = open_database(db_url, create=True)
    yield eng
    eng.dispose()


# --- ledger fixtures -------------------------------------------------------------------------

import datetime as dt  # noqa: E402
from pathlib import Path  # noqa: E402

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"


@pytest.fixture(scope="session")
def rules():
    from tiaojie.rules.service import open_rules

    book = open_rules(RULES_DIR)
    yield book
    book.close()


@pytest.fixture
def ledger(engine, rules):
    from activated_rules import activated

    from tiaojie.ledger.context import Ledger

    return activated(Ledger(engine=engine, rules=rules, today=dt.date(2026, 6, 15)))


TEST_PASSWORD = "tiaojie-demo"  # every test user's password (tests/conftest.py sets it for the command line)


class Org:
    """A small county: one township with two village stations, and one user per role."""

    def __init__(self, ledger):
        from tiaojie.ledger import access

        self.admin = access.add_user(ledger, None, "admin", "admin", password=TEST_PASSWORD)
        self.county = access.add_unit(ledger, self.admin, "C", "冷水江市", "county")
        self.town = access.add_unit(ledger, self.admin, "C-T1", "沙坪乡", "township", "C")
        self.v1 = access.add_unit(ledger, self.admin, "C-T1-V1", "沙坪村", "village", "C-T1")
        self.v2 = access.add_unit(ledger, self.admin, "C-T1-V2", "白层村", "village", "C-T1")
        self.mediator = access.add_user(ledger, self.admin, "李调解", "mediator", "C-T1-V1", password=TEST_PASSWORD)
        self.clerk = access.add_user(ledger, self.admin, "王财务", "clerk", "C", password=TEST_PASSWORD)
        self.policy = access.add_user(ledger, self.admin, "张政策", "policy", "C", password=TEST_PASSWORD)


@pytest.fixture
def org(ledger):
    return Org(ledger)


@pytest.fixture
def make_org():
    """For tests that build their own ledger (other processes, other databases)."""
    return Org
