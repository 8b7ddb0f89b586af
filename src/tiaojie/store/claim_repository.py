"""Claims, their lines, decisions and objections, as stored (yuan ↔ fen here, as `mapping` does
for the other tables)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..claim_models import Claim, ClaimDecision, ClaimLine, Objection
from ..money import from_fen, to_fen
from .claim_schema import ClaimDecisionRow, ClaimLineRow, ClaimObjectionRow, ClaimRow


def _values(row: Any) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns}


def _claim(row: ClaimRow) -> Claim:
    return Claim.model_validate(_values(row))


def _line(row: ClaimLineRow) -> ClaimLine:
    values = _values(row)
    values["gross"], values["amount"] = from_fen(values.pop("gross_fen")), from_fen(values.pop("amount_fen"))
    return ClaimLine.model_validate(values)


def _line_values(line: ClaimLine) -> dict[str, Any]:
    values = line.model_dump(exclude={"id", "gross", "amount"})
    values["gross_fen"], values["amount_fen"] = to_fen(line.gross), to_fen(line.amount)
    return values


class ClaimRepository:
    def __init__(self, session: Session):
        self.session = session

    # --- claims ------------------------------------------------------------------------------
    def add(self, claim: Claim) -> Claim:
        values = claim.model_dump(mode="json", exclude={"id", "at"})
        for day in ("starts_on", "ends_on", "step_since", "notice_ends_on"):
            values[day] = getattr(claim, day)
        row = ClaimRow(**values)
        self.session.add(row)
        self.session.flush()
        return _claim(row)

    def get(self, claim_id: int) -> Claim | None:
        row = self.session.get(ClaimRow, claim_id)
        return _claim(row) if row else None

    def by_number(self, number: str) -> Claim | None:
        row = self.session.execute(select(ClaimRow).where(ClaimRow.number == number)).scalar_one_or_none()
        return _claim(row) if row else None

    def of_unit(self, unit_id: int, period_key: str) -> Claim | None:
        row = self.session.execute(
            select(ClaimRow).where(ClaimRow.unit_id == unit_id, ClaimRow.period_key == period_key)
        ).scalar_one_or_none()
        return _claim(row) if row else None

    def move(self, claim_id: int, **values: Any) -> Claim:
        """Set the claim's step, status, notice: how it moves along its chain."""
        self.session.execute(update(ClaimRow).where(ClaimRow.id == claim_id).values(**values))
        self.session.flush()
        row = self.session.get(ClaimRow, claim_id)
        assert row is not None
        self.session.refresh(row)
        return _claim(row)

    def find(self, *, unit_ids: set[int] | None = None, period_key: str | None = None) -> list[Claim]:
        stmt = select(ClaimRow)
        if unit_ids is not None:
            stmt = stmt.where(ClaimRow.unit_id.in_(sorted(unit_ids)))
        if period_key is not None:
            stmt = stmt.where(ClaimRow.period_key == period_key)
        return [_claim(r) for r in self.session.execute(stmt.order_by(ClaimRow.period_key, ClaimRow.number)).scalars()]

    def numbers(self) -> list[str]:
        return list(self.session.execute(select(ClaimRow.number).order_by(ClaimRow.number)).scalars())

    # --- lines -------------------------------------------------------------------------------
    def add_lines(self, lines: Iterable[ClaimLine]) -> None:
        self.session.add_all([ClaimLineRow(**_line_values(line)) for line in lines])
        self.session.flush()

    def update_line(self, line_id: int, **values: Any) -> None:
        for money in ("gross", "amount"):
            if money in values:
                values[f"{money}_fen"] = to_fen(values.pop(money))
        self.session.execute(update(ClaimLineRow).where(ClaimLineRow.id == line_id).values(**values))
        self.session.flush()

    def lines(self, claim_id: int) -> list[ClaimLine]:
        rows = self.session.execute(
            select(ClaimLineRow).where(ClaimLineRow.claim_id == claim_id).order_by(ClaimLineRow.id)
        ).scalars()
        return [_line(r) for r in rows]

    def claimed_elsewhere(self, claim_id: int | None, case_ids: Iterable[int]) -> dict[int, str]:
        """case id → the number of another claim that holds it (paid, in review or rejected there)."""
        ids = sorted(set(case_ids))
        found: dict[int, str] = {}
        for start in range(0, len(ids), 1000):
            stmt = (
                select(ClaimLineRow.case_id, ClaimRow.number)
                .join(ClaimRow, ClaimRow.id == ClaimLineRow.claim_id)
                .where(ClaimLineRow.case_id.in_(ids[start : start + 1000]), ClaimLineRow.status != "dropped")
            )
            if claim_id is not None:
                stmt = stmt.where(ClaimLineRow.claim_id != claim_id)
            found.update({case_id: number for case_id, number in self.session.execute(stmt)})
        return found

    def rejected_in_period(self, period_key: str) -> list[tuple[Claim, ClaimLine]]:
        stmt = (
            select(ClaimRow, ClaimLineRow)
            .join(ClaimLineRow, ClaimLineRow.claim_id == ClaimRow.id)
            .where(ClaimRow.period_key == period_key, ClaimLineRow.status == "rejected")
            .order_by(ClaimRow.number, ClaimLineRow.id)
        )
        return [(_claim(c), _line(line)) for c, line in self.session.execute(stmt)]

    # --- decisions ---------------------------------------------------------------------------
    def decide(self, decision: ClaimDecision) -> ClaimDecision:
        row = ClaimDecisionRow(**decision.model_dump(exclude={"id", "at"}))
        self.session.add(row)
        self.session.flush()
        return ClaimDecision.model_validate(_values(row))

    def decisions(self, claim_id: int) -> list[ClaimDecision]:
        rows = self.session.execute(
            select(ClaimDecisionRow).where(ClaimDecisionRow.claim_id == claim_id).order_by(ClaimDecisionRow.id)
        ).scalars()
        return [ClaimDecision.model_validate(_values(r)) for r in rows]

    # --- objections --------------------------------------------------------------------------
    def add_objection(self, objection: Objection) -> Objection:
        row = ClaimObjectionRow(**objection.model_dump(exclude={"id", "at"}))
        self.session.add(row)
        self.session.flush()
        return Objection.model_validate(_values(row))

    def objection_count(self, claim_id: int) -> int:
        return int(self.session.execute(
            select(func.count()).select_from(ClaimObjectionRow).where(ClaimObjectionRow.claim_id == claim_id)
        ).scalar_one())

    def objection(self, number: str) -> Objection | None:
        row = self.session.execute(select(ClaimObjectionRow).where(ClaimObjectionRow.number == number)).scalar_one_or_none()
        return Objection.model_validate(_values(row)) if row else None

    def resolve_objection(self, objection_id: int, **values: Any) -> None:
        self.session.execute(update(ClaimObjectionRow).where(ClaimObjectionRow.id == objection_id).values(**values))
        self.session.flush()

    def objections(self, claim_id: int) -> list[Objection]:
        rows = self.session.execute(
            select(ClaimObjectionRow).where(ClaimObjectionRow.claim_id == claim_id).order_by(ClaimObjectionRow.id)
        ).scalars()
        return [Objection.model_validate(_values(r)) for r in rows]
