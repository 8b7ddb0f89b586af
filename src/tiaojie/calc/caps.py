"""Reward ceilings (`[[cap]]`) applied over many cases: what each payee is actually paid.

A cap limits the total (and optionally the number of paid cases) per payee — or per unit — per
month, quarter or year. Cases are paid in the order they were settled (then by case id, so the
result never depends on input order); the case that crosses the ceiling is paid the remainder and
later ones nothing. Several caps apply one after another to what the previous one left.

A cap is a window of money, not of policy versions: when a new version of the policy takes effect
mid-month, a cap with the same id keeps counting what the month has already paid, and each case is
held to the ceiling of the version that priced it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable, Protocol, Sequence

from ..i18n import Localized
from ..money import format_yuan


class Cap(Protocol):
    """A ceiling (a policy's `[[cap]]`): at most `max` yuan and `max_cases` paid cases per payee —
    or per unit — per month, quarter or year."""

    @property
    def id(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def title_en(self) -> str | None: ...

    @property
    def period(self) -> str: ...

    @property
    def per(self) -> str: ...

    @property
    def max(self) -> Decimal | None: ...

    @property
    def max_cases(self) -> int | None: ...


def period_key(on: dt.date, period: str) -> str:
    """`2026-05`, `2026Q2` or `2026`."""
    if period == "month":
        return f"{on.year}-{on.month:02d}"
    if period == "quarter":
        return f"{on.year}Q{(on.month - 1) // 3 + 1}"
    return str(on.year)


@dataclass(frozen=True)
class PayableCase:
    """One case's computed reward, before ceilings."""

    case_id: str
    payee: str
    on: dt.date  # the date that places it in a period (the settlement date)
    amount: Decimal
    unit: str | None = None
    caps: tuple[Cap, ...] | None = None  # the caps of the version that priced it; None: the call's
    # Money already paid (an earlier period or claim): it fills its windows before any case still
    # to pay, whatever its settlement date, as it is spent and cannot be cut.
    already_paid: bool = False


@dataclass
class PayoutLine:
    case_id: str
    payee: str
    unit: str | None
    on: dt.date
    computed: Decimal
    paid: Decimal
    capped_by: list[str] = field(default_factory=list)
    notes: list[Localized] = field(default_factory=list)

    @property
    def reduction(self) -> Decimal:
        return self.computed - self.paid


def apply_caps(cases: Iterable[PayableCase], caps: Sequence[Cap] | None = None) -> list[PayoutLine]:
    """Payout lines in settlement order; `paid` never exceeds `computed` nor any ceiling.

    Each case passes through its own version's caps (`PayableCase.caps`), else `caps`; running
    totals are kept per cap id, holder and window, so versions share a window. Cases already
    paid come first and are never cut: a case settled earlier but paid later gets only the room
    they left."""
    ordered = sorted(cases, key=lambda c: (not c.already_paid, c.on, c.case_id))
    lines = []
    totals: dict[tuple[str, str | None, str], Decimal] = {}
    counts: dict[tuple[str, str | None, str], int] = {}
    for case in ordered:
        line = PayoutLine(case.case_id, case.payee, case.unit, case.on, case.amount, case.amount)
        lines.append(line)
        applied = []
        for cap in case.caps if case.caps is not None else (caps or []):
            key = (cap.id, line.payee if cap.per == "payee" else line.unit, period_key(line.on, cap.period))
            if case.already_paid:
                applied.append(key)
                continue
            if line.paid <= 0:
                break
            so_far = totals.get(key, Decimal(0))
            allowed = line.paid
            if cap.max is not None:
                allowed = min(allowed, max(cap.max - so_far, Decimal(0)))
            if cap.max_cases is not None and counts.get(key, 0) >= cap.max_cases:
                allowed = Decimal(0)
            if allowed < line.paid:
                line.capped_by.append(cap.id)
                line.notes.append(Localized(
                    "explain_cap", title=Localized("label", zh=cap.title, en=cap.title_en or cap.title),
                    detail=Localized("cap_detail", period=key[2], so_far=format_yuan(so_far),
                                     paid=format_yuan(allowed), computed=format_yuan(line.paid)),
                ))
                line.paid = allowed
            applied.append(key)
        # Windows count what was finally paid, after every cap had its say.
        for key in applied:
            totals[key] = totals.get(key, Decimal(0)) + line.paid
            if line.paid > 0:
                counts[key] = counts.get(key, 0) + 1
    return lines
