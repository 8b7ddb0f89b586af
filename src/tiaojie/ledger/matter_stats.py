"""How many matters were raised and resolved, the resolution rate and the overdue measures —
per unit or per month raised, counted from the stored matters and measures.

The rate is always computed: 260 of 374 resolved is 69.5%, whatever a report once printed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from ..models import Measure, User
from .context import Ledger
from .errors import InvalidInput
from .matters import find_unit
from .scope import narrowed

By = Literal["unit", "month"]
TENTH = Decimal("0.1")


def rate_percent(resolved: int, raised: int) -> Decimal | None:
    """Resolved as a percentage of raised, half-up to a tenth (260 of 374 → 69.5); None of none."""
    if raised == 0:
        return None
    return (Decimal(resolved) * 100 / Decimal(raised)).quantize(TENTH, rounding=ROUND_HALF_UP)


def shown_rate(rate: Decimal | None) -> str:
    return "—" if rate is None else f"{rate}%"


def measure_state(measure: Measure, as_of: dt.date) -> str:
    """"done" once done by `as_of`; "overdue" when its due date passed before that; else "open"."""
    if measure.done_on is not None and measure.done_on <= as_of:
        return "done"
    return "overdue" if measure.due_on < as_of else "open"


@dataclass(frozen=True)
class StatsRow:
    key: str  # the unit's name or the month (2026-03); "" for the total
    raised: int
    resolved: int
    unresolved: int
    open: int
    overdue_measures: int

    @property
    def rate(self) -> Decimal | None:
        return rate_percent(self.resolved, self.raised)


def matter_stats(ledger: Ledger, user: User | None, *, by: By = "unit", unit: str | None = None,
                 as_of: dt.date | None = None) -> tuple[list[StatsRow], StatsRow]:
    """(a row per unit or per month raised, the total); measures overdue as of `as_of` (today)."""
    if by not in ("unit", "month"):
        raise InvalidInput("matter_stats_by", value=by)
    as_of = as_of or ledger.date()
    with ledger.uow() as uow:
        asked = find_unit(uow, unit).id if unit else None
        scope = narrowed(uow, user, asked)
        names = {u.id: u.name for u in uow.units.list()}
        matters = uow.matters.counts(unit_ids=scope)
        measures = uow.meetings.measures(unit_ids=scope)
        raised_on = {m.id: m.raised_on for m in uow.matters.get_many(x.matter_id for x in measures).values()}
    key: Callable[[int, dt.date], str] = (
        (lambda unit_id, _day: names[unit_id]) if by == "unit" else (lambda _unit, day: f"{day:%Y-%m}")
    )
    counts: dict[str, list[int]] = {}
    for unit_id, day, status in matters:
        c = counts.setdefault(key(unit_id, day), [0, 0, 0, 0, 0])
        c[0] += 1
        c[{"resolved": 1, "unresolved": 2}.get(status, 3)] += 1
    for measure in measures:
        if measure_state(measure, as_of) == "overdue":
            counts.setdefault(key(measure.unit_id, raised_on[measure.matter_id]), [0, 0, 0, 0, 0])[4] += 1
    rows = [StatsRow(k, *c) for k, c in sorted(counts.items())]
    total = StatsRow("", *(sum(r[i] for r in counts.values()) for i in range(5)))
    return rows, total
