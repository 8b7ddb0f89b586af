"""Where a policy input comes from in the cases table, and the SQL that reads it.

The ledger declares, per vocabulary field, one of the sources below (`ledger.projection`); this
module renders each kind of source as a SQL expression over ``cases`` for the bulk paths (period
totals, impact, overdue scans), and says how to turn what the database returns back into the
value a policy reads. The store knows the kinds of source, not the vocabulary.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Literal, Union

from sqlalchemy import ColumnElement, func, select

from ..money import from_fen
from .schema import CaseRow, EscalationRow, UnitRow

# How a value of each vocabulary type is kept in the JSON of `cases.extra`.
StoredForm = Literal["text", "int", "bool", "fen", "decimal", "date", "ids"]


@dataclass(frozen=True)
class Column:
    """A column of ``cases``; ``attr`` names the model attribute that holds it."""

    name: str
    attr: str
    fen: bool = False  # integer fen in the database, Decimal yuan to a policy


@dataclass(frozen=True)
class ExtraKey:
    """One key of ``cases.extra``."""

    key: str
    form: StoredForm


@dataclass(frozen=True)
class Count:
    """How many escalations a case went through, or how many parties / mediators it names."""

    of: Literal["escalations", "parties", "mediators"]
    plus: int = 0


@dataclass(frozen=True)
class UnitCode:
    """The code of the unit that holds the case."""


@dataclass(frozen=True)
class EscalatedLevel:
    """The level the case was last escalated to by hand; missing when it never was."""


@dataclass(frozen=True)
class EscalatedOn:
    """The day the case was last escalated by hand; missing when it never was."""


Source = Union[Column, ExtraKey, Count, UnitCode, EscalatedLevel, EscalatedOn]


def sql_expr(source: Source) -> ColumnElement[Any]:
    """The source as a SQL expression over ``cases`` (correlated where it reads another table)."""
    table = CaseRow.__table__.c
    if isinstance(source, Column):
        return table[source.name]
    if isinstance(source, ExtraKey):
        item = table.extra[source.key]
        if source.form in ("int", "fen"):
            return item.as_integer()
        if source.form == "bool":
            return item.as_boolean()
        return item.as_string()
    if isinstance(source, Count):
        if source.of == "escalations":
            counted: ColumnElement[Any] = (
                select(func.count()).where(EscalationRow.case_id == table.id).scalar_subquery()
            )
        else:
            counted = func.coalesce(func.json_array_length(table[source.of]), 0)
        return counted + source.plus if source.plus else counted
    if isinstance(source, UnitCode):
        return select(UnitRow.code).where(UnitRow.id == table.unit_id).scalar_subquery()
    if isinstance(source, EscalatedLevel):
        return (
            select(EscalationRow.to_level).where(EscalationRow.case_id == table.id)
            .order_by(EscalationRow.id.desc()).limit(1).scalar_subquery()
        )
    if isinstance(source, EscalatedOn):
        return (
            select(EscalationRow.escalated_on).where(EscalationRow.case_id == table.id)
            .order_by(EscalationRow.id.desc()).limit(1).scalar_subquery()
        )
    raise TypeError(source)  # pragma: no cover


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value))


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _bool(value: Any) -> bool:
    return bool(value)


def _ids(value: Any) -> list[str]:
    """A checklist's ticked ids: a JSON list, which the bulk SQL reads as its JSON text."""
    return list(json.loads(value)) if isinstance(value, str) else list(value)


def decoder(source: Source) -> Callable[[Any], Any] | None:
    """What turns the database's value of the source into the policy's (None: taken as is)."""
    if isinstance(source, Column):
        return from_fen if source.fen else None
    if isinstance(source, ExtraKey):
        return {"fen": from_fen, "decimal": _decimal, "date": _date, "bool": _bool, "ids": _ids}.get(source.form)
    if isinstance(source, EscalatedOn):  # a scalar subquery's date comes back as text on SQLite
        return _date
    return None


__all__ = ["Column", "ExtraKey", "Count", "UnitCode", "EscalatedLevel", "EscalatedOn", "Source", "StoredForm", "sql_expr", "decoder"]
