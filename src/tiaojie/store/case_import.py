"""An import's cases, batch by batch, inside the unit of work's one transaction.

A file of a million rows never sits in memory: the importer hands over a batch at a time, and
what has to be remembered across batches — which (unit, number) pairs earlier rows of the file
already named, and on which row — is kept in a temporary table of the same transaction, so a
refused import leaves nothing behind and the memory used does not grow with the file.

Rows reach the database with one ``executemany`` per batch on SQLite, and with psycopg's
``COPY`` into a temporary table followed by one ``INSERT … SELECT`` on PostgreSQL (COPY cannot
skip a key another writer added first, and does not run where row-level security guards the
table; the ``INSERT … SELECT`` does both).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from .. import models as m
from .mapping import CASE_INSERT_COLUMNS, case_insert_params

# Temporary tables of the importing transaction (one import per transaction, so fixed names).
_KEYS = "tiaojie_import_keys"  # every (unit, number) the file has named so far, with its row
_BATCH = "tiaojie_import_batch"  # the keys of the batch being checked
_ROWS = "tiaojie_import_rows"  # PostgreSQL: the batch's new cases, as COPY wrote them


class CaseImport:
    """Open with ``start()``; then per batch ``repeats(keys)`` and ``add(cases)``; ``finish()``
    drops the temporary tables (a rolled-back transaction drops them too)."""

    def __init__(self, session: Session):
        self.session = session
        self.dialect = session.get_bind().dialect.name
        self._now = dt.datetime.now(dt.timezone.utc)

    def _dbapi(self) -> Any:
        dbapi = self.session.connection().connection.dbapi_connection
        if dbapi is None:  # only a connection already closed has none, and this one is in use
            raise RuntimeError("the session's connection is closed")
        return dbapi

    def _run(self, *statements: str) -> None:
        cursor = self._dbapi().cursor()
        try:
            for sql in statements:
                cursor.execute(sql)
        finally:
            cursor.close()

    def start(self) -> None:
        if self.dialect == "postgresql":
            self._run(
                f"CREATE TEMP TABLE {_KEYS} (unit_id integer, number text, row_no integer, "
                "PRIMARY KEY (unit_id, number)) ON COMMIT DROP",
                f"CREATE TEMP TABLE {_BATCH} (unit_id integer, number text, row_no integer) ON COMMIT DROP",
                f"CREATE TEMP TABLE {_ROWS} ON COMMIT DROP AS "
                f"SELECT {', '.join(CASE_INSERT_COLUMNS)} FROM cases WITH NO DATA",
            )
        else:
            self._run(
                f"DROP TABLE IF EXISTS temp.{_KEYS}",
                f"DROP TABLE IF EXISTS temp.{_BATCH}",
                f"CREATE TEMP TABLE {_KEYS} (unit_id INTEGER, number TEXT, row_no INTEGER, "
                "PRIMARY KEY (unit_id, number)) WITHOUT ROWID",
                f"CREATE TEMP TABLE {_BATCH} (unit_id INTEGER, number TEXT, row_no INTEGER)",
            )

    def finish(self) -> None:
        tables = (_KEYS, _BATCH, _ROWS) if self.dialect == "postgresql" else (_KEYS, _BATCH)
        prefix = "" if self.dialect == "postgresql" else "temp."
        self._run(*(f"DROP TABLE IF EXISTS {prefix}{table}" for table in tables))

    def repeats(self, keys: Sequence[tuple[int, str, int]]) -> dict[int, int]:
        """Remember a batch's keys (unit id, number, row; no key twice within the batch) and map
        each row whose key an earlier row of the file named — whether or not that row's case was
        stored — to that earlier row."""
        if not keys:
            return {}
        cursor = self._dbapi().cursor()
        try:
            if self.dialect == "postgresql":
                with cursor.copy(f"COPY {_BATCH} (unit_id, number, row_no) FROM STDIN") as copy:
                    for key in keys:
                        copy.write_row(key)
            else:
                cursor.executemany(f"INSERT INTO {_BATCH} (unit_id, number, row_no) VALUES (?, ?, ?)", keys)
            cursor.execute(f"SELECT b.row_no, k.row_no FROM {_BATCH} b JOIN {_KEYS} k ON k.unit_id = b.unit_id AND k.number = b.number")
            repeated = dict(cursor.fetchall())
            cursor.execute(
                f"INSERT INTO {_KEYS} (unit_id, number, row_no) SELECT unit_id, number, row_no FROM {_BATCH} "
                "WHERE true ON CONFLICT (unit_id, number) DO NOTHING"  # WHERE: SQLite's parser needs it here
            )
            cursor.execute(f"TRUNCATE {_BATCH}" if self.dialect == "postgresql" else f"DELETE FROM {_BATCH}")
        finally:
            cursor.close()
        return repeated

    def stored(self, keys: Sequence[tuple[int, str]]) -> set[tuple[int, str]]:
        """Which of a few keys the ledger holds (asked only of rows a closed period refuses: a
        case the ledger already has is not new, so no period refuses it)."""
        found: set[tuple[int, str]] = set()
        cursor = self._dbapi().cursor()
        mark = "?" if self.dialect == "sqlite" else "%s"
        try:
            for unit_id, number in keys:
                cursor.execute(f"SELECT 1 FROM cases WHERE unit_id = {mark} AND number = {mark}", (unit_id, number))
                if cursor.fetchone() is not None:
                    found.add((unit_id, number))
        finally:
            cursor.close()
        return found

    def add(self, cases: Sequence[m.Case]) -> int:
        """Insert the batch's cases; a case whose (unit, number) the ledger has — from before the
        import, or stored by another writer meanwhile — is skipped by the database itself (one
        index lookup, the insert's own). Returns how many were added."""
        if not cases:
            return 0
        params = case_insert_params(cases, self._now, self.dialect)
        columns = ", ".join(CASE_INSERT_COLUMNS)
        cursor = self._dbapi().cursor()
        try:
            if self.dialect == "postgresql":
                with cursor.copy(f"COPY {_ROWS} ({columns}) FROM STDIN") as copy:
                    for values in params:
                        copy.write_row(values)
                cursor.execute(
                    f"INSERT INTO cases ({columns}) SELECT {columns} FROM {_ROWS} ON CONFLICT (unit_id, number) DO NOTHING"
                )
                added = cursor.rowcount
                cursor.execute(f"TRUNCATE {_ROWS}")
            else:
                marks = ", ".join(["?"] * len(CASE_INSERT_COLUMNS))
                cursor.executemany(
                    f"INSERT INTO cases ({columns}) VALUES ({marks}) ON CONFLICT (unit_id, number) DO NOTHING", params
                )
                added = cursor.rowcount
        finally:
            cursor.close()
        return added if added is not None and added >= 0 else len(params)
