"""How many rows each table holds: what tests compare before and after a command that must not write."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import text

from tiaojie.store.db import open_database


def table_counts(db_url: str, tables: Iterable[str]) -> dict[str, int]:
    engine = open_database(db_url)
    try:
        with engine.connect() as conn:
            return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables}
    finally:
        engine.dispose()
