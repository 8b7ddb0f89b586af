"""Repositories: one per aggregate (or a few that belong together), speaking domain models,
hiding rows and SQL. This module holds what they share: the base class with the unit of work's
session, and the insert that leaves a row another writer added first. The repositories are in
the modules named for what they hold: `case_repository`, `unit_repository`, `user_repository`,
`outcome_repository`, `payout_repository` (periods, payout lines, adjustments),
`banquet_repository`, `collective_repository` (collectives and dividend runs) and
`rule_set_repository`.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import CursorResult, Table
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from .mapping import row_values
from .schema import Base

R = TypeVar("R", bound=Base)


def insert_ignoring_duplicates(session: Session, row_class: type[Base], rows: list[dict[str, Any]], keys: list[str]) -> int:
    """Insert rows; rows whose unique key already exists are skipped by the database itself,
    so two processes writing the same rows at once cannot both add one."""
    if not rows:
        return 0
    table = row_class.__table__
    assert isinstance(table, Table)  # every row class maps one table
    stmt: Insert
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        stmt = postgresql_insert(table).on_conflict_do_nothing(index_elements=keys)
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(table).on_conflict_do_nothing(index_elements=keys)
    result = session.execute(stmt, rows)
    counted = result.rowcount if isinstance(result, CursorResult) else None
    return counted if counted is not None and counted >= 0 else len(rows)


class Repo:
    """What every repository shares: the session of its unit of work."""

    def __init__(self, session: Session):
        self.session = session

    def _insert(self, row_class: type[R], model: BaseModel) -> R:
        """Insert one model as a row and return the row (with its generated id)."""
        row = row_class(**row_values(model))
        self.session.add(row)
        self.session.flush()
        return row


__all__ = ["Repo", "insert_ignoring_duplicates"]
