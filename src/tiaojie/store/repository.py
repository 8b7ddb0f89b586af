"""Repositories: one per aggregate, speaking domain models, hiding rows and SQL.

Bulk paths (import, period computation) use Core ``INSERT … executemany`` and aggregate queries
rather than one ORM object per row: the import has to stay within a small factor of a raw insert.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.orm import Session

from .. import models as m
from .case_inputs import Source, sql_expr
from .mapping import from_row, row_values, utc
from .schema import (
    AdjustmentRow,
    AllocationRow,
    BanquetFilingRow,
    CaseRow,
    CollectiveRow,
    DistributionRunRow,
    EscalationRow,
    FiscalInvestmentRow,
    HoldingRow,
    MemberRow,
    OutcomeRow,
    PayoutLineRow,
    PeriodRow,
    PolicyFileRow,
    RuleSetRow,
    ShareClassRow,
    UnitRow,
    UserRow,
)


def _insert_ignoring_duplicates(session: Session, table, rows: list[dict[str, Any]], keys: list[str]) -> int:  # noqa: ANN001
    """Insert rows; rows whose unique key already exists are skipped by the database itself,
    so two processes importing the same file at once cannot both add a case."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    stmt = dialect_insert(table).on_conflict_do_nothing(index_elements=keys)
    result = session.execute(stmt, rows)
    return result.rowcount if result.rowcount is not None and result.rowcount >= 0 else len(rows)


class _Repo:
    def __init__(self, session: Session):
        self.session = session

    def _insert(self, row_class, model):  # noqa: ANN001, ANN202
        """Insert one model as a row and return the row (with its generated id)."""
        row = row_class(**row_values(model))
        self.session.add(row)
        self.session.flush()
        return row


class UnitRepository(_Repo):
    def add(self, unit: m.Unit) -> m.Unit:
        return from_row(self._insert(UnitRow, unit))

    def get(self, unit_id: int) -> m.Unit | None:
        row = self.session.get(UnitRow, unit_id)
        return from_row(row) if row else None

    def by_code(self, code: str) -> m.Unit | None:
        row = self.session.execute(select(UnitRow).where(UnitRow.code == code)).scalar_one_or_none()
        return from_row(row) if row else None

    def find(self, code_or_name: str) -> m.Unit | None:
        """By code first, then by an exact, unambiguous name."""
        found = self.by_code(code_or_name)
        if found:
            return found
        rows = self.session.execute(select(UnitRow).where(UnitRow.name == code_or_name)).scalars().all()
        return from_row(rows[0]) if len(rows) == 1 else None

    def list(self) -> list[m.Unit]:
        return [from_row(r) for r in self.session.execute(select(UnitRow).order_by(UnitRow.code)).scalars()]

    def subtree_ids(self, unit_id: int) -> set[int]:
        """The unit and everything under it (a township's filter covers its villages)."""
        parents = dict(self.session.execute(select(UnitRow.id, UnitRow.parent_id)).all())
        children: dict[int | None, list[int]] = {}
        for child, parent in parents.items():
            children.setdefault(parent, []).append(child)
        out, stack = set(), [unit_id]
        while stack:
            current = stack.pop()
            if current in out:
                continue
            out.add(current)
            stack.extend(children.get(current, []))
        return out


class UserRepository(_Repo):
    def add(self, user: m.User) -> m.User:
        return from_row(self._insert(UserRow, user))

    def by_name(self, name: str) -> m.User | None:
        row = self.session.execute(select(UserRow).where(UserRow.name == name)).scalar_one_or_none()
        return from_row(row) if row else None

    def list(self) -> list[m.User]:
        return [from_row(r) for r in self.session.execute(select(UserRow).order_by(UserRow.name)).scalars()]

    def count(self) -> int:
        return self.session.execute(select(func.count()).select_from(UserRow)).scalar_one()


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


class CaseRepository(_Repo):
    def add(self, case: m.Case) -> m.Case:
        row = self._insert(CaseRow, case)
        for esc in case.escalations:
            self.add_escalation(row.id, esc)
        return from_row(row, escalations=self._escalations(row.id) if case.escalations else [])

    def add_many(self, cases: Sequence[m.Case], *, chunk: int = 5000, progress=None) -> int:  # noqa: ANN001
        """Bulk insert; cases whose (unit, number) exists are skipped by the database itself, so
        two processes importing the same file at once cannot both add a case. Returns how many
        were added."""
        from .mapping import CASE_INSERT_COLUMNS, case_insert_params

        dialect = self.session.get_bind().dialect.name
        mark = "?" if dialect == "sqlite" else "%s"
        sql = (
            f"INSERT INTO cases ({', '.join(CASE_INSERT_COLUMNS)}) VALUES ({', '.join([mark] * len(CASE_INSERT_COLUMNS))}) "
            "ON CONFLICT (unit_id, number) DO NOTHING"
        )
        connection = self.session.connection()
        now = dt.datetime.now(dt.timezone.utc)
        added = 0
        for start in range(0, len(cases), chunk):
            params = case_insert_params(cases[start : start + chunk], now, dialect)
            cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
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

    def existing_numbers(self, keys: Iterable[tuple[int, str]]) -> set[tuple[int, str]]:
        keys = list(keys)
        found: set[tuple[int, str]] = set()
        by_unit: dict[int, list[str]] = {}
        for unit_id, number in keys:
            by_unit.setdefault(unit_id, []).append(number)
        for unit_id, numbers in by_unit.items():
            for start in range(0, len(numbers), 1000):
                part = numbers[start : start + 1000]
                found.update(
                    (unit_id, n)
                    for n in self.session.execute(
                        select(CaseRow.number).where(CaseRow.unit_id == unit_id, CaseRow.number.in_(part))
                    ).scalars()
                )
        return found

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

    def add_escalation(self, case_id: int, esc: m.Escalation) -> None:
        values = row_values(esc.model_copy(update={"case_id": case_id}), include_id=False)
        self.session.add(EscalationRow(**values))
        self.session.flush()

    def _escalations(self, case_id: int) -> list[m.Escalation]:
        rows = self.session.execute(
            select(EscalationRow).where(EscalationRow.case_id == case_id).order_by(EscalationRow.id)
        ).scalars()
        return [from_row(r) for r in rows]

    def list(self, flt: CaseFilter | None = None, *, limit: int | None = None) -> list[m.Case]:
        stmt = select(CaseRow).where(*(flt.clauses() if flt else [])).order_by(CaseRow.received_on, CaseRow.id)
        if limit:
            stmt = stmt.limit(limit)
        return self._with_escalations(self.session.execute(stmt).scalars().all())

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

    def input_rows(self, sources: Sequence[Source], flt: CaseFilter | None = None, *, chunk: int = 50_000):
        """Stream (id, unit_id, number, received_on, settled_on, *sources) as plain tuples, in id
        order: what the policies read (see `case_inputs`), for scans over every stored case."""
        picked = [CaseRow.id, CaseRow.unit_id, CaseRow.number, CaseRow.received_on, CaseRow.settled_on]
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


class OutcomeRepository(_Repo):
    def add(self, outcome: m.Outcome) -> m.Outcome:
        return from_row(self._insert(OutcomeRow, outcome))

    def current(self, case_id: int) -> list[m.Outcome]:
        """The outcomes that stand: one per policy that judges the case."""
        rows = self.session.execute(
            select(OutcomeRow).where(OutcomeRow.case_id == case_id, OutcomeRow.replaced_at.is_(None))
            .order_by(OutcomeRow.id)
        )
        return [from_row(r) for r in rows.scalars()]

    def current_many(self, case_ids: Sequence[int]) -> dict[int, list[m.Outcome]]:
        found: dict[int, list[m.Outcome]] = {}
        ids = list(case_ids)
        for start in range(0, len(ids), 1000):
            rows = self.session.execute(
                select(OutcomeRow).where(OutcomeRow.case_id.in_(ids[start : start + 1000]),
                                         OutcomeRow.replaced_at.is_(None)).order_by(OutcomeRow.id)
            )
            for row in rows.scalars():
                found.setdefault(row.case_id, []).append(from_row(row))
        return found

    def replace(self, outcome: m.Outcome, *, at: dt.datetime, by: str, reason: str) -> None:
        """Mark a current outcome as history: a later one took its place (or none stands now)."""
        assert outcome.id is not None
        self.session.execute(
            update(OutcomeRow).where(OutcomeRow.id == outcome.id)
            .values(replaced_at=at, replaced_by=by, replaced_reason=reason),
            execution_options={"synchronize_session": False},
        )

    def for_case(self, case_id: int) -> list[m.Outcome]:
        """Every outcome the case ever had, current and replaced, oldest first."""
        rows = self.session.execute(select(OutcomeRow).where(OutcomeRow.case_id == case_id).order_by(OutcomeRow.id))
        return [from_row(r) for r in rows.scalars()]


class PeriodRepository(_Repo):
    def __init__(self, session: Session):
        super().__init__(session)
        self._closed: list[m.Period] | None = None
    def by_key(self, key: str) -> m.Period | None:
        row = self.session.execute(select(PeriodRow).where(PeriodRow.key == key)).scalar_one_or_none()
        return from_row(row) if row else None

    def get(self, period_id: int) -> m.Period | None:
        row = self.session.get(PeriodRow, period_id)
        return from_row(row) if row else None

    def add(self, period: m.Period) -> m.Period:
        """Insert, or return the row another writer inserted first."""
        _insert_ignoring_duplicates(self.session, PeriodRow.__table__, [row_values(period, include_id=False)], ["key"])
        found = self.by_key(period.key)
        assert found is not None
        return found

    def closed_covering(self, days: Iterable[dt.date]) -> list[m.Period]:
        days = set(days)
        return [p for p in self.closed() if any(p.covers(d) for d in days)]

    def closed(self) -> list[m.Period]:
        """Closed periods, read once per unit of work: a county closes a dozen a year, and the
        callers hold the period lock, so none can close while we look."""
        if self._closed is None:
            rows = self.session.execute(select(PeriodRow).where(PeriodRow.status == "closed").order_by(PeriodRow.starts_on))
            self._closed = [from_row(r) for r in rows.scalars()]
        return self._closed

    def close(self, period_id: int, by: str, at: dt.datetime) -> None:
        self._closed = None
        self.session.execute(
            update(PeriodRow).where(PeriodRow.id == period_id).values(status="closed", closed_by=by, closed_at=utc(at))
        )

    def list(self) -> list[m.Period]:
        return [from_row(r) for r in self.session.execute(select(PeriodRow).order_by(PeriodRow.starts_on, PeriodRow.key)).scalars()]


class PayoutRepository(_Repo):
    def add_many(self, lines: Sequence[m.PayoutLine]) -> int:
        """Lines for cases already paid under the policy are dropped by the unique constraint."""
        rows = [row_values(line, include_id=False) for line in lines]
        added = 0
        for start in range(0, len(rows), 2000):
            added += _insert_ignoring_duplicates(
                self.session, PayoutLineRow.__table__, rows[start : start + 2000], ["case_id", "policy_id"]
            )
        return added

    def for_period(self, period_id: int) -> list[m.PayoutLine]:
        rows = self.session.execute(
            select(PayoutLineRow).where(PayoutLineRow.period_id == period_id).order_by(PayoutLineRow.payee, PayoutLineRow.case_id)
        )
        return [from_row(r) for r in rows.scalars()]

    def for_case(self, case_id: int) -> list[m.PayoutLine]:
        rows = self.session.execute(select(PayoutLineRow).where(PayoutLineRow.case_id == case_id))
        return [from_row(r) for r in rows.scalars()]

    def paid_per_case(self, case_ids: Sequence[int]) -> tuple[dict[int, int], set[int]]:
        """Fen paid per case (payout lines plus adjustments), and the cases that have payout lines."""
        out: dict[int, int] = {}
        lined: set[int] = set()
        ids = list(case_ids)
        for start in range(0, len(ids), 1000):
            part = ids[start : start + 1000]
            for table in (PayoutLineRow, AdjustmentRow):
                for case_id, fen in self.session.execute(
                    select(table.case_id, func.sum(table.amount_fen)).where(table.case_id.in_(part)).group_by(table.case_id)
                ):
                    out[case_id] = out.get(case_id, 0) + int(fen)
                    if table is PayoutLineRow:
                        lined.add(case_id)
        return out, lined

    def periods_of_case(self, case_id: int) -> list[int]:
        return list(self.session.execute(select(PayoutLineRow.period_id).where(PayoutLineRow.case_id == case_id)).scalars())


class AdjustmentRepository(_Repo):
    def add(self, adj: m.Adjustment) -> m.Adjustment:
        return from_row(self._insert(AdjustmentRow, adj))

    def for_period(self, period_id: int) -> list[m.Adjustment]:
        rows = self.session.execute(select(AdjustmentRow).where(AdjustmentRow.period_id == period_id).order_by(AdjustmentRow.id))
        return [from_row(r) for r in rows.scalars()]

    def for_case(self, case_id: int) -> list[m.Adjustment]:
        rows = self.session.execute(select(AdjustmentRow).where(AdjustmentRow.case_id == case_id).order_by(AdjustmentRow.id))
        return [from_row(r) for r in rows.scalars()]


class BanquetRepository(_Repo):
    def add(self, filing: m.BanquetFiling) -> m.BanquetFiling:
        return from_row(self._insert(BanquetFilingRow, filing))

    def list(self, *, unit_ids: set[int] | None = None, between: tuple[dt.date, dt.date] | None = None) -> list[m.BanquetFiling]:
        stmt = select(BanquetFilingRow)
        if unit_ids is not None:
            stmt = stmt.where(BanquetFilingRow.unit_id.in_(sorted(unit_ids)))
        if between:
            stmt = stmt.where(BanquetFilingRow.held_on.between(*between))
        return [from_row(r) for r in self.session.execute(stmt.order_by(BanquetFilingRow.held_on, BanquetFilingRow.id)).scalars()]


class CollectiveRepository(_Repo):
    def _add(self, model):  # noqa: ANN001, ANN202
        from .mapping import to_row

        row = to_row(model)
        self.session.add(row)
        self.session.flush()
        return from_row(row)

    def add(self, collective: m.Collective) -> m.Collective:
        return self._add(collective)

    def add_member(self, member: m.Member) -> m.Member:
        return self._add(member)

    def add_share_class(self, share_class: m.ShareClass) -> m.ShareClass:
        return self._add(share_class)

    def add_holding(self, holding: m.Holding) -> m.Holding:
        return self._add(holding)

    def add_investment(self, investment: m.FiscalInvestment) -> m.FiscalInvestment:
        return self._add(investment)

    def by_code(self, code: str) -> m.Collective | None:
        row = self.session.execute(select(CollectiveRow).where(CollectiveRow.code == code)).scalar_one_or_none()
        return from_row(row) if row else None

    def list(self) -> list[m.Collective]:
        return [from_row(r) for r in self.session.execute(select(CollectiveRow).order_by(CollectiveRow.code)).scalars()]

    def members(self, collective_id: int) -> list[m.Member]:
        rows = self.session.execute(select(MemberRow).where(MemberRow.collective_id == collective_id).order_by(MemberRow.member_no))
        return [from_row(r) for r in rows.scalars()]

    def share_classes(self, collective_id: int) -> list[m.ShareClass]:
        rows = self.session.execute(select(ShareClassRow).where(ShareClassRow.collective_id == collective_id).order_by(ShareClassRow.code))
        return [from_row(r) for r in rows.scalars()]

    def holdings(self, collective_id: int) -> list[m.Holding]:
        rows = self.session.execute(
            select(HoldingRow).join(MemberRow, MemberRow.id == HoldingRow.member_id).where(MemberRow.collective_id == collective_id)
        )
        return [from_row(r) for r in rows.scalars()]

    def investments(self, collective_id: int) -> list[m.FiscalInvestment]:
        rows = self.session.execute(
            select(FiscalInvestmentRow).where(FiscalInvestmentRow.collective_id == collective_id).order_by(FiscalInvestmentRow.id)
        )
        return [from_row(r) for r in rows.scalars()]


class DistributionRepository(_Repo):
    def add(self, run: m.DistributionRun) -> m.DistributionRun:
        next_no = (
            self.session.execute(
                select(func.max(DistributionRunRow.run_no)).where(
                    DistributionRunRow.collective_id == run.collective_id, DistributionRunRow.year == run.year
                )
            ).scalar_one()
            or 0
        ) + 1
        row = DistributionRunRow(**row_values(run.model_copy(update={"run_no": next_no})))
        self.session.add(row)
        self.session.flush()
        if run.allocations:
            self.session.execute(
                insert(AllocationRow),
                [row_values(a.model_copy(update={"run_id": row.id}), include_id=False) for a in run.allocations],
            )
        return self.get(row.id)  # type: ignore[return-value]

    def get(self, run_id: int) -> m.DistributionRun | None:
        row = self.session.get(DistributionRunRow, run_id)
        if row is None:
            return None
        allocations = [
            from_row(a)
            for a in self.session.execute(
                select(AllocationRow).where(AllocationRow.run_id == run_id).order_by(AllocationRow.member_id)
            ).scalars()
        ]
        return from_row(row, allocations=allocations)

    def list(self, collective_id: int | None = None, year: int | None = None) -> list[m.DistributionRun]:
        stmt = select(DistributionRunRow.id)
        if collective_id is not None:
            stmt = stmt.where(DistributionRunRow.collective_id == collective_id)
        if year is not None:
            stmt = stmt.where(DistributionRunRow.year == year)
        ids = self.session.execute(stmt.order_by(DistributionRunRow.year, DistributionRunRow.run_no)).scalars().all()
        return [self.get(i) for i in ids]  # type: ignore[misc]


__all__ = [
    "AdjustmentRepository",
    "BanquetRepository",
    "CaseFilter",
    "CaseRepository",
    "CollectiveRepository",
    "DistributionRepository",
    "OutcomeRepository",
    "PayoutRepository",
    "PeriodRepository",
    "UnitRepository",
    "UserRepository",
]


class RuleSetRepository(_Repo):
    """Activated rule sets (append-only) and every rule file kept by content hash."""

    def keep_files(self, files: Sequence[dict[str, Any]]) -> int:
        """Store files not yet kept; returns how many were new. A hash names its content, so an
        existing row never needs updating."""
        hashes = [f["hash"] for f in files]
        known = set(self.session.execute(select(PolicyFileRow.hash).where(PolicyFileRow.hash.in_(hashes))).scalars())
        fresh = [f for f in files if f["hash"] not in known]
        for f in fresh:
            self.session.add(PolicyFileRow(**f))
        self.session.flush()
        return len(fresh)

    def file(self, content_hash: str) -> PolicyFileRow | None:
        return self.session.get(PolicyFileRow, content_hash)

    def versions_of(self, policy_id: str) -> list[PolicyFileRow]:
        return list(self.session.execute(
            select(PolicyFileRow).where(PolicyFileRow.policy_id == policy_id).order_by(PolicyFileRow.first_seen)
        ).scalars())

    def add(self, *, by: str, source: str, files: dict[str, str], impact: dict[str, Any], warnings: list[str]) -> int:
        row = RuleSetRow(activated_by=by, source=source, files=files, impact=impact, accepted_warnings=warnings,
                         activated_at=dt.datetime.now(dt.timezone.utc))
        self.session.add(row)
        self.session.flush()
        return row.id

    def latest(self) -> RuleSetRow | None:
        return self.session.execute(select(RuleSetRow).order_by(RuleSetRow.id.desc()).limit(1)).scalar_one_or_none()

    def list(self) -> list[RuleSetRow]:
        return list(self.session.execute(select(RuleSetRow).order_by(RuleSetRow.id)).scalars())


# --- paging the ledger: a filter with the screen's extra criteria, and the whitelisted sorts ---

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
        from sqlalchemy import or_

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


def page_order(sort: str, descending: bool, dialect: str, ranks: Sequence[str] = ()) -> list[Any]:
    """ORDER BY for a page: the sort column (ascending: no settlement date first), then the
    order of receipt, then id. `ranks` orders severity by weight (the vocabulary's order; an
    unknown value last). Raises KeyError for a sort not in ``PAGE_SORTS``."""
    from sqlalchemy import case as sql_case

    name = PAGE_SORTS[sort]
    column: Any = getattr(CaseRow, name)
    if name == "severity":
        column = sql_case(*((CaseRow.severity == s, i) for i, s in enumerate(ranks)), else_=len(ranks)) if ranks else column
    elif name in ("number", "category", "status", "level") and dialect == "postgresql":
        column = column.collate("C")  # the same order as Python's (and SQLite's) string compare
    if name == "settled_on":
        key = column.desc().nulls_last() if descending else column.asc().nulls_first()
    else:
        key = column.desc() if descending else column.asc()
    if name == "received_on":
        return [key, CaseRow.id.asc()]
    return [key, CaseRow.received_on.asc(), CaseRow.id.asc()]
