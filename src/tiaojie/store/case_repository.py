"""Cases in the store: the filters the ledger selects and pages cases by, the whitelisted sorts of
a page, and the repository that reads and writes cases and their escalations.

Bulk paths (import, scans over every case) use Core ``INSERT … executemany`` and plain-tuple
selects rather than one ORM object per row: the import has to stay within a small factor of a raw
insert.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlalchemy import SQLColumnExpression, func, or_, select, text, update
from sqlalchemy import case as sql_case

from .. import models as m
from .case_import import CaseImport
from .case_inputs import Source, sql_expr
from .mapping import CASE_INSERT_COLUMNS, case_insert_params, from_row, row_values
from .repository import Repo
from .schema import CaseRow, EscalationRow


class CaseFilter:
    """What ``case list`` and the period computation select on."""

    def __init__(
        self,
        *,
        unit_ids: set[int] | None = None,
        status: str | None = None,
        category: str | None = None,
        settled_between: tuple[dt.date, dt.date] | None = None,
        received_between: tuple[dt.date, dt.date] | None = None,
        statuses: Sequence[str] | None = None,
    ):
        self.unit_ids = unit_ids
        self.status = status
        self.category = category
        self.settled_between = settled_between
        self.received_between = received_between
        self.statuses = tuple(statuses) if statuses is not None else None

    def clauses(self) -> list[Any]:
        out: list[Any] = []
        if self.unit_ids is not None:
            out.append(CaseRow.unit_id.in_(sorted(self.unit_ids)))
        if self.status:
            out.append(CaseRow.status == self.status)
        if self.category:
            out.append(CaseRow.category == self.category)
        if self.settled_between:
            out.append(CaseRow.settled_on.between(*self.settled_between))
        if self.received_between:
            out.append(CaseRow.received_on.between(*self.received_between))
        if self.statuses is not None:  # e.g. the open statuses, which the rules decide
            out.append(CaseRow.status.in_(self.statuses))
        return out


class PageFilter(CaseFilter):
    """``CaseFilter`` plus what the ledger screen also narrows by: severity, a period (received in
    it or settled in it), and — for a result already narrowed elsewhere — a set of ids."""

    def __init__(
        self,
        *,
        severity: str | None = None,
        received_or_settled_between: tuple[dt.date, dt.date] | None = None,
        **rest: Any,
    ):
        super().__init__(**rest)
        self.severity = severity
        self.received_or_settled_between = received_or_settled_between

    def clauses(self) -> list[Any]:
        out = super().clauses()
        if self.severity:
            out.append(CaseRow.severity == self.severity)
        if self.received_or_settled_between:
            lo, hi = self.received_or_settled_between
            out.append(or_(CaseRow.received_on.between(lo, hi), CaseRow.settled_on.between(lo, hi)))
        return out


# sort name → the column it orders by; text columns compare by code point on every database.
PAGE_SORTS = {
    "number": "number", "received": "received_on", "settled": "settled_on", "category": "category",
    "severity": "severity", "status": "status", "level": "level",
}
RANKED = ("severity", "category", "status", "level")  # enumerated columns, ordered as the vocabulary lists them


def page_order(sort: str, descending: bool, dialect: str, ranks: Sequence[str] = ()) -> list[Any]:
    """ORDER BY for a page: the sort column (ascending: no settlement date first), then the
    order of receipt, then id. `ranks` orders an enumerated column (severity, category, status,
    level) by the vocabulary's order, an unknown value last. Raises KeyError for a sort not in
    ``PAGE_SORTS``."""
    name = PAGE_SORTS[sort]
    column: Any = getattr(CaseRow, name)
    if name in RANKED and ranks:
        column = sql_case(*((column == s, i) for i, s in enumerate(ranks)), else_=len(ranks))
    elif name in ("number", "category", "status", "level") and dialect == "postgresql":
        column = column.collate("C")  # the same order as Python's (and SQLite's) string compare
    if name == "settled_on":
        key = column.desc().nulls_last() if descending else column.asc().nulls_first()
    else:
        key = column.desc() if descending else column.asc()
    if name == "received_on":
        return [key, CaseRow.id.asc()]
    return [key, CaseRow.received_on.asc(), CaseRow.id.asc()]


class CaseRepository(Repo):
    def add(self, case: m.Case) -> m.Case:
        row = self._insert(CaseRow, case)
        for esc in case.escalations:
            self.add_escalation(row.id, esc)
        return from_row(row, escalations=self._escalations(row.id) if case.escalations else [])

    def add_many(self, cases: Sequence[m.Case], *, chunk: int = 5000,
                 progress: Callable[[int], None] | None = None) -> int:
        """Bulk insert; cases whose (unit, number) exists are skipped by the database itself, so
        two processes importing the same file at once cannot both add a case. Returns how many
        were added; `progress` hears how many cases have been sent after each chunk."""
        dialect = self.session.get_bind().dialect.name
        mark = "?" if dialect == "sqlite" else "%s"
        sql = (
            f"INSERT INTO cases ({', '.join(CASE_INSERT_COLUMNS)}) VALUES ({', '.join([mark] * len(CASE_INSERT_COLUMNS))}) "
            "ON CONFLICT (unit_id, number) DO NOTHING"
        )
        dbapi = self.session.connection().connection.dbapi_connection
        if dbapi is None:  # only a connection already closed has none, and this one is in use
            raise RuntimeError("the session's connection is closed")
        now = dt.datetime.now(dt.timezone.utc)
        added = 0
        for start in range(0, len(cases), chunk):
            params = case_insert_params(cases[start : start + chunk], now, dialect)
            cursor = dbapi.cursor()
            try:
                cursor.executemany(sql, params)
                added += cursor.rowcount if cursor.rowcount is not None and cursor.rowcount >= 0 else len(params)
            finally:
                cursor.close()
            if progress is not None:
                progress(start + len(params))
        return added

    def get(self, case_id: int, *, lock: bool = False) -> m.Case | None:
        """With ``lock``, the row stays locked until the transaction ends: two settlements of
        one case queue up instead of both reading it open."""
        if lock:
            row = self.session.execute(
                select(CaseRow).where(CaseRow.id == case_id).with_for_update()
            ).scalar_one_or_none()
        else:
            row = self.session.get(CaseRow, case_id)
        if row is None:
            return None
        return from_row(row, escalations=self._escalations(case_id))

    def by_number(self, unit_id: int, number: str) -> m.Case | None:
        row = self.session.execute(
            select(CaseRow).where(CaseRow.unit_id == unit_id, CaseRow.number == number)
        ).scalar_one_or_none()
        return from_row(row, escalations=self._escalations(row.id)) if row else None

    def ids_numbered(self, number: str, unit_ids: set[int] | None) -> list[tuple[int, int]]:
        """(case id, unit id) of every case numbered `number`, within `unit_ids` (all units when None)."""
        query = select(CaseRow.id, CaseRow.unit_id).where(CaseRow.number == number).order_by(CaseRow.unit_id)
        if unit_ids is not None:
            query = query.where(CaseRow.unit_id.in_(unit_ids))
        return [(int(case_id), int(unit)) for case_id, unit in self.session.execute(query)]

    def importing(self) -> CaseImport:
        """An import's batches, in this unit of work's transaction (see `case_import`)."""
        return CaseImport(self.session)

    def update(self, case: m.Case) -> m.Case:
        assert case.id is not None
        values = row_values(case)
        values.pop("id")
        values.pop("created_at", None)
        values["updated_at"] = dt.datetime.now(dt.timezone.utc)
        self.session.execute(
            update(CaseRow).where(CaseRow.id == case.id).values(**values),
            execution_options={"synchronize_session": False},
        )
        self.session.expire_all()
        return case.model_copy(update={"updated_at": values["updated_at"]})

    def relevel(self, case: m.Case, level: str) -> m.Case:
        """The case at the level new escalation rules start it at, and nothing else of it written:
        policy staff, who activate rules, may change a case's level only (PostgreSQL grants)."""
        assert case.id is not None
        now = dt.datetime.now(dt.timezone.utc)
        self.session.execute(
            update(CaseRow).where(CaseRow.id == case.id).values(level=level, updated_at=now),
            execution_options={"synchronize_session": False},
        )
        self.session.expire_all()
        return case.model_copy(update={"level": level, "updated_at": now})

    def add_escalation(self, case_id: int, esc: m.Escalation) -> None:
        values = row_values(esc.model_copy(update={"case_id": case_id}), include_id=False)
        self.session.add(EscalationRow(**values))
        self.session.flush()

    def _escalations(self, case_id: int) -> list[m.Escalation]:
        rows = self.session.execute(
            select(EscalationRow).where(EscalationRow.case_id == case_id).order_by(EscalationRow.id)
        ).scalars()
        return [from_row(r) for r in rows]

    def count(self, flt: CaseFilter | None = None) -> int:
        return self.session.execute(
            select(func.count()).select_from(CaseRow).where(*(flt.clauses() if flt else []))
        ).scalar_one()

    def page(
        self, flt: CaseFilter | None = None, *, sort: str = "received", descending: bool = False,
        offset: int = 0, limit: int = 100, ranks: Sequence[str] = (),
    ) -> list[m.Case]:
        """One page of cases, ordered in SQL by a whitelisted column (see ``PAGE_SORTS``), ties
        in order of receipt then id — so consecutive pages never repeat or skip a case."""
        stmt = (
            select(CaseRow).where(*(flt.clauses() if flt else []))
            .order_by(*page_order(sort, descending, self.session.get_bind().dialect.name, ranks))
            .offset(max(0, offset)).limit(max(0, limit))
        )
        return self._with_escalations(self.session.execute(stmt).scalars().all())

    def get_many(self, ids: Sequence[int]) -> list[m.Case]:
        """The cases with these ids, in the order given (unknown ids are left out)."""
        rows: dict[int, Any] = {}
        ids = list(ids)
        for start in range(0, len(ids), 1000):
            part = ids[start : start + 1000]
            rows.update((r.id, r) for r in self.session.execute(select(CaseRow).where(CaseRow.id.in_(part))).scalars())
        return self._with_escalations([rows[i] for i in ids if i in rows])

    def _with_escalations(self, rows: Sequence[Any]) -> list[m.Case]:
        escalations: dict[int, list[m.Escalation]] = {}
        ids = [r.id for r in rows]
        for start in range(0, len(ids), 1000):
            for esc in self.session.execute(
                select(EscalationRow).where(EscalationRow.case_id.in_(ids[start : start + 1000])).order_by(EscalationRow.id)
            ).scalars():
                escalations.setdefault(esc.case_id, []).append(from_row(esc))
        return [from_row(r, escalations=escalations.get(r.id, [])) for r in rows]

    def input_rows(self, sources: Sequence[Source], flt: CaseFilter | None = None, *,
                   chunk: int = 50_000) -> Iterator[Sequence[Any]]:
        """Stream (id, unit_id, number, received_on, settled_on, *sources) as plain tuples, in id
        order: what the policies read (see `case_inputs`), for scans over every stored case."""
        picked: list[SQLColumnExpression[Any]] = [CaseRow.id, CaseRow.unit_id, CaseRow.number, CaseRow.received_on, CaseRow.settled_on]
        picked += [sql_expr(source) for source in sources]
        stmt = select(*picked).where(*(flt.clauses() if flt else [])).order_by(CaseRow.id)
        # Core, not the ORM: no per-row entity loading, rows index like tuples.
        result = self.session.connection().execute(stmt.execution_options(yield_per=chunk))
        for part in result.partitions():
            yield from part

    def extra_keys(self) -> dict[str, int]:
        """Each key kept in `cases.extra`, with how many cases hold it."""
        if self.session.get_bind().dialect.name == "postgresql":
            sql = "SELECT key, count(*) FROM cases, json_object_keys(cases.extra) AS key GROUP BY key"
        else:
            sql = "SELECT each.key, count(*) FROM cases, json_each(cases.extra) AS each GROUP BY each.key"
        return {key: int(count) for key, count in self.session.execute(text(sql)).all()}

    def escalation_counts(self) -> dict[int, int]:
        return dict(self.session.execute(
            select(EscalationRow.case_id, func.count()).group_by(EscalationRow.case_id)
        ).all())

    # Last in the class: below it, `list` in an annotation would name this method.
    def list(self, flt: CaseFilter | None = None, *, limit: int | None = None) -> list[m.Case]:
        stmt = select(CaseRow).where(*(flt.clauses() if flt else [])).order_by(CaseRow.received_on, CaseRow.id)
        if limit:
            stmt = stmt.limit(limit)
        return self._with_escalations(self.session.execute(stmt).scalars().all())
