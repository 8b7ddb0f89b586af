"""Row ↔ model conversion, in one place: yuan ↔ fen, decimals ↔ millionths, UTC timestamps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from json import JSONEncoder
from typing import Any, TypeVar, overload

from pydantic import BaseModel

from .. import models as m
from ..money import from_fen, to_fen
from . import schema as s

PPM = Decimal(1_000_000)

# model field (Decimal yuan) → row column (int fen)
_MONEY: dict[type, dict[str, str]] = {
    s.CaseRow: {"amount_involved": "amount_involved_fen"},
    s.PayoutLineRow: {"amount": "amount_fen", "gross": "gross_fen"},
    s.AdjustmentRow: {"amount": "amount_fen"},
    s.BanquetFilingRow: {"gift": "gift_fen"},
    s.FiscalInvestmentRow: {"principal": "principal_fen"},
    s.DistributionRunRow: {
        "income": "income_fen",
        "retained": "retained_fen",
        "pool": "pool_fen",
        "leftover": "leftover_fen",
    },
    s.AllocationRow: {"amount": "amount_fen"},
}
# model field (Decimal) → row column (int millionths)
_PPM: dict[type, dict[str, str]] = {
    s.ShareClassRow: {"weight": "weight_ppm"},
    s.FiscalInvestmentRow: {"rate": "rate_ppm"},
    s.AllocationRow: {"weighted_shares": "weighted_shares_ppm"},
}
# model fields that live in other tables
_CHILDREN: dict[type, set[str]] = {
    s.CaseRow: {"escalations"},
    s.DistributionRunRow: {"allocations"},
}

ROW_FOR: dict[type[BaseModel], type[s.Base]] = {
    m.Unit: s.UnitRow,
    m.User: s.UserRow,
    m.Case: s.CaseRow,
    m.Escalation: s.EscalationRow,
    m.Outcome: s.OutcomeRow,
    m.Period: s.PeriodRow,
    m.PayoutLine: s.PayoutLineRow,
    m.Adjustment: s.AdjustmentRow,
    m.BanquetFiling: s.BanquetFilingRow,
    m.Collective: s.CollectiveRow,
    m.Member: s.MemberRow,
    m.ShareClass: s.ShareClassRow,
    m.Holding: s.HoldingRow,
    m.FiscalInvestment: s.FiscalInvestmentRow,
    m.DistributionRun: s.DistributionRunRow,
    m.Allocation: s.AllocationRow,
    m.Person: s.PersonRow,
    m.SatisfactionReview: s.SatisfactionReviewRow,
    m.Matter: s.MatterRow,
    m.Meeting: s.MeetingRow,
    m.AgendaItem: s.AgendaItemRow,
    m.Attendee: s.AttendeeRow,
    m.Measure: s.MeasureRow,
    m.Household: s.HouseholdRow,
    m.HouseholdLink: s.HouseholdLinkRow,
    m.Visit: s.VisitRow,
    m.AuditEntry: s.AuditRow,
}
MODEL_FOR = {row: model for model, row in ROW_FOR.items()}

M = TypeVar("M", bound=BaseModel)


def to_ppm(value: Decimal) -> int:
    return int((value * PPM).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_ppm(value: int) -> Decimal:
    return (Decimal(value) / PPM).normalize()


@overload
def utc(value: dt.datetime) -> dt.datetime: ...


@overload
def utc(value: None) -> None: ...


def utc(value: dt.datetime | None) -> dt.datetime | None:
    """Timestamps are stored in UTC; SQLite hands them back without a zone, so put it back."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


def row_values(model: BaseModel, *, include_id: bool = True) -> dict[str, Any]:
    """A model → column values for its row."""
    row_cls = ROW_FOR[type(model)]
    money = _MONEY.get(row_cls, {})
    ppm = _PPM.get(row_cls, {})
    skip = _CHILDREN.get(row_cls, set())
    values: dict[str, Any] = {}
    for name in type(model).model_fields:
        if name in skip:
            continue
        value = getattr(model, name)
        if name == "id" and (value is None or not include_id):
            continue
        if name in money:
            values[money[name]] = to_fen(value)
        elif name in ppm:
            values[ppm[name]] = to_ppm(value)
        elif isinstance(value, dt.datetime):
            values[name] = utc(value)
        elif value is None and name in ("created_at", "updated_at", "computed_at", "at"):
            continue  # the column default fills it
        else:
            values[name] = value
    return values


def to_row(model: BaseModel) -> s.Base:
    return ROW_FOR[type(model)](**row_values(model))


# Columns that stay in the store: a password hash never reaches a model (so never an audit entry,
# an export or a screen); sign-in bookkeeping is read by the store's own queries.
_STORE_ONLY: dict[type[s.Base], frozenset[str]] = {
    s.UserRow: frozenset({"password_hash", "failed_sign_ins", "last_failed_at"}),
    s.AuditRow: frozenset({"hmac"}),
}


def from_row(row: Any, model_cls: type[M] | None = None, **extra: Any) -> M:
    """A row (ORM object or Core Row mapping) → its model."""
    row_cls: type[s.Base] = type(row) if model_cls is None else ROW_FOR[model_cls]
    # Without `model_cls` the row's class names the model, which the caller's type states.
    made: type[Any] = model_cls or MODEL_FOR[row_cls]
    mapping = row._mapping if hasattr(row, "_mapping") else None
    money = {col: name for name, col in _MONEY.get(row_cls, {}).items()}
    ppm = {col: name for name, col in _PPM.get(row_cls, {}).items()}
    data: dict[str, Any] = {}
    hidden = _STORE_ONLY.get(row_cls, frozenset())
    for column in row_cls.__table__.columns:
        key = column.key
        if key in hidden:
            continue
        value = mapping[key] if mapping is not None else getattr(row, key)
        if key in money:
            data[money[key]] = from_fen(value)
        elif key in ppm:
            data[ppm[key]] = from_ppm(value)
        elif isinstance(value, dt.datetime):
            data[key] = utc(value)
        else:
            data[key] = value
    data.update(extra)
    return made(**data)


# --- the bulk path ---------------------------------------------------------------------------
# Importing 100,000 cases must stay within a small factor of a raw insert, so cases bound for a
# bulk INSERT skip the generic walk above and SQLAlchemy's per-value processing: one tuple per
# case, in the column order below, already in the form the driver stores.

# json.dumps(value, ensure_ascii=False), without building an encoder per call
_JSON_TEXT = JSONEncoder(ensure_ascii=False).encode

CASE_INSERT_COLUMNS = (
    "unit_id", "number", "source", "category", "severity", "urgency", "summary", "parties", "persons_involved",
    "amount_involved_fen", "received_on", "accepted_on", "settled_on", "closed_on", "status", "settled_by", "mediators",
    "agreement_kind", "agreement_fulfilled", "follow_up_done", "file_complete", "needs_verification", "level",
    "extra", "created_at", "updated_at",
)


def case_insert_params(cases: Sequence[m.Case], now: dt.datetime, dialect: str) -> list[tuple[Any, ...]]:
    """Cases → driver parameters for CASE_INSERT_COLUMNS. JSON as text; on SQLite, dates and
    timestamps as the strings SQLAlchemy itself writes and reads back there."""
    sqlite = dialect == "sqlite"
    json = _JSON_TEXT
    stamp = utc(now)
    stamp_value: Any = stamp.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else stamp

    def day(value: dt.date | None) -> dt.date | str | None:
        if value is None:
            return None
        return value.isoformat() if sqlite else value

    out = []
    for c in cases:
        out.append((
            c.unit_id, c.number, c.source, c.category, c.severity, c.urgency, c.summary,
            json(c.parties), c.persons_involved, to_fen(c.amount_involved),
            day(c.received_on), day(c.accepted_on), day(c.settled_on), day(c.closed_on), c.status, c.settled_by,
            json(c.mediators), c.agreement_kind, c.agreement_fulfilled, c.follow_up_done,
            c.file_complete, c.needs_verification, c.level, json(c.extra) if c.extra else "{}",
            stamp_value, stamp_value,
        ))
    return out
