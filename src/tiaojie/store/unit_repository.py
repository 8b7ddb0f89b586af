"""Units: the tree of county, townships and villages every case and user belongs to."""

from __future__ import annotations

from sqlalchemy import select

from .. import models as m
from .mapping import from_row
from .repository import Repo
from .schema import (
    UnitRow,
)


class UnitRepository(Repo):
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
