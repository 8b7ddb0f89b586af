"""Banquet filings (酒席报备): each filing is checked against the banquet policy in force on the
banquet's date and stored with the violations found and the policy version that found them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..models import BanquetFiling, User
from ..rules.errors import EvaluationError
from ..store.messages import did_you_mean
from .access import check
from .cases import unit_id
from .context import Ledger
from .errors import InvalidInput, NotFound
from .scope import narrowed, require_unit


@dataclass
class BanquetCheck:
    filing: BanquetFiling
    compliant: bool
    explanation: list[dict[str, str]]


def filing_input(*, occasion: str | None = None, held_on: dt.date | None = None, days: int | None = None,
                 tables: int | None = None, gift: Decimal | None = None, filed_on: dt.date | None = None,
                 host_age: int | None = None) -> dict[str, Any]:
    """A banquet filing — stored, or still being typed (parts missing) — as the banquet policy
    reads it. The one place a filing becomes a policy input."""
    data: dict[str, Any] = {"occasion": occasion, "date": held_on, "days": days, "tables": tables, "gift": gift,
                            "host_age": host_age}
    if held_on is not None and filed_on is not None:
        data["filed_days_before"] = (held_on - filed_on).days
    return {k: v for k, v in data.items() if v is not None}


def _inputs(filing: BanquetFiling) -> dict[str, Any]:
    return filing_input(occasion=filing.occasion, held_on=filing.held_on, days=filing.days, tables=filing.tables,
                        gift=filing.gift, filed_on=filing.filed_on, host_age=filing.host_age)


def evaluate_filing(ledger: Ledger, filing: BanquetFiling, policy_id: str | None = None) -> BanquetCheck:
    """Check without storing (``banquet check``)."""
    policy_id = policy_id or _policy(ledger)
    try:
        outcome = ledger.rules.evaluate(policy_id, _inputs(filing), as_of=filing.held_on)
    except EvaluationError as err:
        raise InvalidInput("case_field", field=policy_id, detail=err.localized) from None
    zh, en = outcome.to_json("zh"), outcome.to_json("en")
    violations = [
        {"rule": a["rule"], "title": a["title"], "message": a["message"], "message_en": b["message"]}
        for a, b in zip(zh.get("violations", []), en.get("violations", []))
    ]
    checked = filing.model_copy(update={"policy_id": outcome.policy, "version": outcome.version, "hash": outcome.hash, "violations": violations})
    explanation = [{"zh": a, "en": b} for a, b in zip(zh["explanation"], en["explanation"])]
    return BanquetCheck(checked, not violations, explanation)


def _policy(ledger: Ledger) -> str:
    ids = ledger.banquet_policies()
    if not ids:
        raise NotFound("unknown_case", case="banquet policy")
    return ids[0]


def build_filing(ledger: Ledger, *, unit: str | None, household: str, occasion: str, held_on: dt.date | str, days: int, tables: int,
                 gift: Decimal | str | int, filed_on: dt.date | str | None = None, host_age: int | None = None) -> BanquetFiling:
    unit_id = None
    if unit:
        with ledger.uow() as uow:
            found = uow.units.find(unit)
            if found is None:
                raise NotFound("unknown_unit", unit=unit, hint=did_you_mean(unit, [u.code for u in uow.units.list()]))
            unit_id = found.id
    held = ledger.coerce("date", held_on) if "date" in ledger.vocabulary.fields else held_on
    filed = ledger.coerce("date", filed_on) if filed_on else ledger.date()
    return BanquetFiling(
        unit_id=unit_id, household=household, occasion=ledger.coerce("occasion", occasion), held_on=held, days=days,
        tables=tables, gift=ledger.coerce("gift", gift), filed_on=filed, host_age=host_age,
    )


def file_banquet(ledger: Ledger, by: User, filing: BanquetFiling, policy_id: str | None = None) -> BanquetCheck:
    """Check and store a filing; a filing without a unit is the filer's unit's. Refused for a unit
    outside the filer's part of the tree."""
    check(by, "banquet")
    if filing.unit_id is None and by.unit_id is not None:
        filing = filing.model_copy(update={"unit_id": by.unit_id})
    result = evaluate_filing(ledger, filing, policy_id)
    with ledger.uow() as uow:
        require_unit(uow, by, filing.unit_id)
        stored = uow.banquets.add(result.filing)
        ledger.keep_rules_in(uow)
        uow.audit(by.name, "banquet.file", "banquet", stored.id, None, stored)
        uow.commit()
    return BanquetCheck(stored, result.compliant, result.explanation)


def list_filings(ledger: Ledger, *, user: User | None = None, unit: str | None = None,
                 year: int | None = None) -> list[BanquetFiling]:
    """Filings of `unit` and the units under it (all without one), within `user`'s part of the
    tree; of one year when asked."""
    with ledger.uow() as uow:
        unit_ids = narrowed(uow, user, unit_id(uow, unit) if unit else None)
        between = (dt.date(year, 1, 1), dt.date(year, 12, 31)) if year else None
        return uow.banquets.list(unit_ids=unit_ids, between=between)
