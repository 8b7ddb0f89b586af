"""The follow-up checks as stored: draws and the cases they picked, visits' results, and the two
reads the reviewers' flags need (a case's audited writes, and cases that may be the same dispute).

Rows come back as small frozen records; money and shares are turned into Decimal here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .follow_up_schema import FollowUpDrawRow, FollowUpPickRow, FollowUpRow
from .mapping import utc
from .schema import AuditRow, CaseRow, UnitRow

_PPM = Decimal(1_000_000)


@dataclass(frozen=True)
class Draw:
    id: int
    period_key: str
    unit_id: int
    seed: str
    share: Decimal
    minimum: int
    population: int
    size: int
    by_user: str
    at: dt.datetime


@dataclass(frozen=True)
class SettledCase:
    """A case of a draw's population: enough to order it and name it."""

    case_id: int
    unit_code: str
    number: str
    settled_on: dt.date | None


@dataclass(frozen=True)
class FollowUp:
    id: int
    case_id: int
    result: str
    visited_on: dt.date
    note: str
    adjustment_id: int | None
    by_user: str
    at: dt.datetime


@dataclass(frozen=True)
class CaseWrite:
    """One audited write of a case: who, when, and the case before and after (JSON, as audited)."""

    seq: int
    at: dt.datetime
    user: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class DisputeKey:
    """What tells two cases apart as disputes: who, about what, when received, where."""

    case_id: int
    unit_code: str
    number: str
    category: str
    received_on: dt.date
    parties: tuple[str, ...]


def _draw(row: FollowUpDrawRow) -> Draw:
    return Draw(row.id, row.period_key, row.unit_id, row.seed, Decimal(row.share_ppm) / _PPM, row.minimum,
                row.population, row.size, row.by_user, utc(row.at))


def _follow_up(row: FollowUpRow) -> FollowUp:
    return FollowUp(row.id, row.case_id, row.result, row.visited_on, row.note, row.adjustment_id, row.by_user,
                    utc(row.at))


class FollowUpRepository:
    def __init__(self, session: Session):
        self.session = session

    # --- draws -------------------------------------------------------------------------------

    def draw_of(self, period_key: str, unit_id: int) -> Draw | None:
        row = self.session.execute(select(FollowUpDrawRow).where(
            FollowUpDrawRow.period_key == period_key, FollowUpDrawRow.unit_id == unit_id)).scalar_one_or_none()
        return _draw(row) if row else None

    def draws(self, period_key: str, unit_ids: set[int] | None) -> list[Draw]:
        stmt = select(FollowUpDrawRow).where(FollowUpDrawRow.period_key == period_key)
        if unit_ids is not None:
            stmt = stmt.where(FollowUpDrawRow.unit_id.in_(sorted(unit_ids)))
        return [_draw(r) for r in self.session.execute(stmt.order_by(FollowUpDrawRow.id)).scalars()]

    def add_draw(self, *, period_key: str, unit_id: int, seed: str, share: Decimal, minimum: int, population: int,
                 case_ids: Sequence[int], by_user: str) -> Draw:
        row = FollowUpDrawRow(period_key=period_key, unit_id=unit_id, seed=seed,
                              share_ppm=int((share * _PPM).to_integral_value()), minimum=minimum,
                              population=population, size=len(case_ids), by_user=by_user)
        self.session.add(row)
        self.session.flush()
        self.session.add_all(FollowUpPickRow(draw_id=row.id, case_id=case_id, position=i)
                             for i, case_id in enumerate(case_ids, start=1))
        self.session.flush()
        return _draw(row)

    def picks(self, draw_id: int) -> list[int]:
        """The case ids a draw picked, in the order drawn."""
        return list(self.session.execute(select(FollowUpPickRow.case_id).where(FollowUpPickRow.draw_id == draw_id)
                                         .order_by(FollowUpPickRow.position)).scalars())

    def settled_cases(self, unit_ids: set[int] | None, since: dt.date, until: dt.date,
                      statuses: Sequence[str]) -> list[SettledCase]:
        """Cases of those units (all without them) with one of `statuses`, settled `since`..`until`,
        ordered by unit code and 卷号 compared as Python compares strings — the same order on every
        database, so a seed draws the same sample from the same cases."""
        stmt = (select(CaseRow.id, UnitRow.code, CaseRow.number, CaseRow.settled_on)
                .join(UnitRow, UnitRow.id == CaseRow.unit_id)
                .where(CaseRow.status.in_(list(statuses)), CaseRow.settled_on.between(since, until)))
        if unit_ids is not None:
            stmt = stmt.where(CaseRow.unit_id.in_(sorted(unit_ids)))
        found = [SettledCase(int(r[0]), str(r[1]), str(r[2]), r[3]) for r in self.session.execute(stmt)]
        return sorted(found, key=lambda c: (c.unit_code, c.number, c.case_id))

    # --- results -----------------------------------------------------------------------------

    def add(self, *, case_id: int, result: str, visited_on: dt.date, note: str, adjustment_id: int | None,
            by_user: str) -> FollowUp:
        row = FollowUpRow(case_id=case_id, result=result, visited_on=visited_on, note=note,
                          adjustment_id=adjustment_id, by_user=by_user)
        self.session.add(row)
        self.session.flush()
        return _follow_up(row)

    def latest(self, case_ids: Iterable[int]) -> dict[int, FollowUp]:
        """Each case's newest result (cases never visited are left out)."""
        out: dict[int, FollowUp] = {}
        ids = sorted(set(case_ids))
        for start in range(0, len(ids), 1000):
            stmt = (select(FollowUpRow).where(FollowUpRow.case_id.in_(ids[start:start + 1000]))
                    .order_by(FollowUpRow.visited_on, FollowUpRow.id))
            for row in self.session.execute(stmt).scalars():
                out[row.case_id] = _follow_up(row)
        return out

    # --- what the flags read -----------------------------------------------------------------

    def case_writes(self, case_ids: Iterable[int]) -> dict[int, list[CaseWrite]]:
        """Each case's audited writes, oldest first: the before and after of every edit, so the
        case as it stood when it was settled can be read back."""
        out: dict[int, list[CaseWrite]] = {}
        keys = sorted({str(i) for i in case_ids})
        for start in range(0, len(keys), 1000):
            stmt = (select(AuditRow.entity_id, AuditRow.seq, AuditRow.at, AuditRow.user_name, AuditRow.action,
                           AuditRow.before, AuditRow.after)
                    .where(AuditRow.entity == "case", AuditRow.entity_id.in_(keys[start:start + 1000]))
                    .order_by(AuditRow.seq))
            for entity_id, seq, at, user, action, before, after in self.session.execute(stmt):
                out.setdefault(int(entity_id), []).append(CaseWrite(int(seq), utc(at), user, action, before, after))
        return out

    def disputes(self, case_ids: Iterable[int]) -> list[DisputeKey]:
        return self._disputes(CaseRow.id.in_(sorted(set(case_ids))))

    def disputes_near(self, categories: Iterable[str], since: dt.date, until: dt.date) -> list[DisputeKey]:
        """Cases of those categories received `since`..`until`, in any unit the reader sees."""
        return self._disputes(CaseRow.category.in_(sorted(set(categories))), CaseRow.received_on.between(since, until))

    def _disputes(self, *where: Any) -> list[DisputeKey]:
        stmt = (select(CaseRow.id, UnitRow.code, CaseRow.number, CaseRow.category, CaseRow.received_on, CaseRow.parties)
                .join(UnitRow, UnitRow.id == CaseRow.unit_id).where(*where).order_by(CaseRow.id))
        return [DisputeKey(int(r[0]), str(r[1]), str(r[2]), str(r[3]), r[4], tuple(str(p) for p in (r[5] or [])))
                for r in self.session.execute(stmt)]


__all__ = ["Draw", "SettledCase", "FollowUp", "CaseWrite", "DisputeKey", "FollowUpRepository"]
