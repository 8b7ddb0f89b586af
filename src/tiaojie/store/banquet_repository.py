"""Banquet filings: the family banquets a village reports."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from .. import models as m
from .mapping import from_row
from .repository import Repo
from .schema import (
    BanquetFilingRow,
)


class BanquetRepository(Repo):
    def add(self, filing: m.BanquetFiling) -> m.BanquetFiling:
        return from_row(self._insert(BanquetFilingRow, filing))

    def list(self, *, unit_ids: set[int] | None = None, between: tuple[dt.date, dt.date] | None = None) -> list[m.BanquetFiling]:
        stmt = select(BanquetFilingRow)
        if unit_ids is not None:
            stmt = stmt.where(BanquetFilingRow.unit_id.in_(sorted(unit_ids)))
        if between:
            stmt = stmt.where(BanquetFilingRow.held_on.between(*between))
        return [from_row(r) for r in self.session.execute(stmt.order_by(BanquetFilingRow.held_on, BanquetFilingRow.id)).scalars()]
