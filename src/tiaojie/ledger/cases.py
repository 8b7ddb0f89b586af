"""Cases: add, edit, settle, escalate. Each write re-evaluates the case's policies in the same
transaction (`verdicts`), so the stored level, outcomes and explanations always follow the case.

Values come as users type them: field ids or their Chinese (or English) titles as names, ids or
labels as values. Any case field fields.toml declares without a column of its own is kept in the
case's `extra`, typed by the vocabulary.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from ..i18n import Localized
from ..models import Case, Escalation, Outcome, User
from ..store.messages import Conflict, Message, did_you_mean
from ..store.uow import SqlUnitOfWork
from ..vocabulary import LEDGER_COUNTED_FIELDS
from . import dates
from .access import check
from .context import Ledger
from .errors import InvalidInput, NotFound
from .periods import guard_case_write
from .projection import MODEL_ONLY
from .scope import require_unit
from .verdicts import change_reason, judge, store_verdicts

# The status an escalation sets, with the level and a step in the case's history.
ESCALATED = "escalated"
# Vocabulary fields whose model attribute has another name.
_ATTRIBUTE = {"agreement": "agreement_kind"}
_FIELD = {attr: name for name, attr in _ATTRIBUTE.items()}
# Fields the ledger computes from the case: never typed in (the level follows the escalation
# policy too, but an edit may still name it: the policy then decides).
_COMPUTED = ("unit", *LEDGER_COUNTED_FIELDS)


def _field_name(ledger: Ledger, key: str) -> str:
    """A name as typed (field id, model attribute, Chinese or English title) → the field id or
    model attribute it means."""
    fields = ledger.vocabulary.fields
    if key in fields or key in MODEL_ONLY or key in Case.model_fields:
        return _FIELD.get(key, key)
    for name, fdef in fields.items():
        if key in (fdef.title, fdef.title_en):
            return name
    known = [n for n in fields if ledger.projection.source(n) is not None] + [fdef.title for fdef in fields.values()]
    raise InvalidInput("case_unknown_field", field=key, hint=did_you_mean(key, known))


def normalise(ledger: Ledger, values: dict[str, Any]) -> dict[str, Any]:
    """User input → model values: names resolved, enumerations and dates typed, extra fields
    validated by their type and put in `extra` in their stored form (None removes one)."""
    projection = ledger.projection
    out: dict[str, Any] = {}
    extra: dict[str, Any] = dict(values.get("extra") or {})
    for key, value in values.items():
        if key == "extra":
            continue
        name = _field_name(ledger, key)
        if name in _COMPUTED:
            raise InvalidInput("case_computed_field", field=ledger.field(name).label() if name in ledger.vocabulary.fields else name)
        if name in MODEL_ONLY or name in ("id", "created_at", "updated_at") or name not in ledger.vocabulary.fields:
            out[name] = value
            continue
        if isinstance(value, str) and ledger.vocabulary.fields[name].type == "date" and dates.impossible(value):
            raise InvalidInput("date_impossible", field=date_title(ledger, name), value=value.strip())
        typed = None if value in (None, "") else ledger.coerce(name, value)
        if projection.is_extra(name):
            extra[name] = projection.encode_extra(name, typed)
        else:
            out[_ATTRIBUTE.get(name, name)] = typed
    if extra or "extra" in values:
        out["extra"] = extra
    return out


def _merge(before: Case, changes: dict[str, Any]) -> dict[str, Any]:
    data = before.model_dump()
    extra = {**before.extra, **changes.pop("extra", {})}
    data.update(changes)
    data["extra"] = {k: v for k, v in extra.items() if v is not None}
    return data


def _build(ledger: Ledger, values: dict[str, Any]) -> Case:
    values = {k: v for k, v in values.items() if not (v is None and k in _NOT_NULL)}
    if "extra" in values:
        values["extra"] = {k: v for k, v in values["extra"].items() if v is not None}
    try:
        case = Case(**values)
    except ValidationError as err:  # said in the user's language, the field by its title
        from ..validation_messages import describe

        raise InvalidInput("value_invalid", detail=describe(err.errors(), _TITLES)) from None
    check_dates(ledger, case)
    return case


# Model attributes as users know them, where the vocabulary's title is not the attribute's name.
_TITLES = {"amount_involved": "涉及金额", "persons_involved": "涉及人数", "agreement_kind": "协议形式", "number": "卷号"}


# Model attributes with a default and no "missing": an emptied form field means the default.
_NOT_NULL = ("source", "severity", "urgency", "persons_involved", "amount_involved", "status", "agreement_fulfilled",
             "follow_up_done", "file_complete", "needs_verification", "level")


class DateRefused(InvalidInput):
    """A case date that cannot be; `field` is the field's id, for an import to locate it."""

    def __init__(self, field: str, message: Message):
        super().__init__(message.key, **message.params)
        self.field = field


def date_title(ledger: Ledger, name: str) -> Localized:
    """A date field's title from fields.toml, in either language."""
    fdef = ledger.vocabulary.fields.get(name)
    return dates.title_of({name: (fdef.title, fdef.title_en)} if fdef else {}, name)


def check_dates(ledger: Ledger, case: Case) -> None:
    """No step after the ledger's today; received ≤ accepted ≤ settled ≤ closed, where given."""
    found = dates.problems({name: getattr(case, name) for name in dates.ORDER}, ledger.date(),
                           lambda name: date_title(ledger, name))
    for name in dates.ORDER:
        if name in found:
            raise DateRefused(name, found[name])


@dataclass
class CaseResult:
    case: Case
    outcomes: list[Outcome]  # the case's current outcomes after the write


def unit_id(uow: SqlUnitOfWork, ref: str | int) -> int:
    """A unit by id, code or name (with a did-you-mean when none matches)."""
    if isinstance(ref, int):
        return ref
    unit = uow.units.find(ref)
    if unit is None or unit.id is None:
        raise NotFound("unknown_unit", unit=ref, hint=did_you_mean(ref, [u.code for u in uow.units.list()]))
    return unit.id


def _unit_code(uow: SqlUnitOfWork, case: Case) -> str | None:
    unit = uow.units.get(case.unit_id)
    return unit.code if unit else None


def _unit_name(uow: SqlUnitOfWork, unit_id: int | None) -> str:
    """A unit as people know it, for messages: its name, not its id."""
    unit = uow.units.get(unit_id) if unit_id is not None else None
    return unit.name if unit else str(unit_id)


def _judged_write(ledger: Ledger, uow: SqlUnitOfWork, by: User, action: str, before: Case | None, after: Case) -> CaseResult:
    """Store `after` (new when `before` is None) with its level and outcomes re-evaluated, the old
    outcomes kept as history, and the write audited — all in the caller's transaction."""
    verdicts = judge(ledger, after, _unit_code(uow, after))
    after = after.model_copy(update={"level": verdicts.level})
    guard_case_write(uow, before, after)
    stored = uow.cases.add(after) if before is None else uow.cases.update(after)
    ledger.keep_rules_in(uow)  # the level and outcomes are the activated set's, or nothing is written
    outcomes = store_verdicts(uow, stored, verdicts, by=by.name, reason=change_reason(action, before, stored))
    uow.audit(by.name, action, "case", stored.id, before, stored)
    return CaseResult(stored, outcomes)


def _refuse_escalated_by_hand(ledger: Ledger, case: Case) -> None:
    """已上报 typed in: the level would stay where it is, with no step in the case's history."""
    raise InvalidInput("case_use_escalate", number=case.number, status=Localized(
        "label", zh=ledger.label("status", ESCALATED, "zh"), en=ledger.label("status", ESCALATED, "en")))


def add_case(ledger: Ledger, by: User, unit: str | int, **values: Any) -> CaseResult:
    """Register a case: its level and deadline from the escalation policy in force on the day it
    was received, and, if it arrives settled, its reward; outcomes stored with the case."""
    check(by, "case_write")
    with ledger.uow() as uow:
        uow.lock_periods(exclusive=False)
        target = unit_id(uow, unit)
        require_unit(uow, by, target)
        case = _build(ledger, normalise(ledger, {**values, "unit_id": target}))
        if case.status == ESCALATED:
            _refuse_escalated_by_hand(ledger, case)
        if case.mediators == [] and by.role == "mediator":
            case.mediators = [by.name]
        if uow.cases.by_number(case.unit_id, case.number):
            raise Conflict("case_exists", unit=_unit_name(uow, case.unit_id), number=case.number)
        result = _judged_write(ledger, uow, by, "case.add", None, case)
        uow.commit()
        return result


def edit_case(ledger: Ledger, by: User, case_id: int, **changes: Any) -> CaseResult:
    """Change any fields of a case; its outcomes and level follow at once. The status 已上报 is
    the escalation's to set (`escalate_case`), never an edit's (nor a new case's)."""
    check(by, "case_write")
    with ledger.uow() as uow:
        before = _locked_case(uow, case_id, by=by)
        normalised = normalise(ledger, changes)
        after = _build(ledger, _merge(before, normalised))
        require_unit(uow, by, after.unit_id)
        if after.status == ESCALATED and before.status != ESCALATED:
            _refuse_escalated_by_hand(ledger, after)
        if after.number != before.number and uow.cases.by_number(after.unit_id, after.number):
            raise Conflict("case_exists", unit=_unit_name(uow, after.unit_id), number=after.number)
        result = _judged_write(ledger, uow, by, "case.edit", before, after)
        uow.commit()
        return result


def _locked_case(uow: SqlUnitOfWork, case_id: int, *, by: User, ledger: Ledger | None = None,
                 open_for: str | None = None) -> Case:
    """The case, row-locked for writing, after the shared period lock that a close waits on;
    refused unless `by` acts on its unit, and, with `open_for`, unless it is still open."""
    uow.lock_periods(exclusive=False)
    before = uow.cases.get(case_id, lock=True)
    if before is None:
        raise NotFound("unknown_case", case=case_id)
    require_unit(uow, by, before.unit_id)
    if open_for and ledger is not None and before.status not in ledger.open_statuses():
        raise InvalidInput("case_not_open", status=ledger.label("status", before.status), action=Message(open_for))
    return before


def settle_case(
    ledger: Ledger,
    by: User,
    case_id: int,
    *,
    settled_on: dt.date | str,
    settled_by: str,
    status: str = "settled",
    **more: Any,
) -> CaseResult:
    """Record the end of mediation (settled or failed); the reward policies in force on the
    settlement date judge the case."""
    check(by, "case_write")
    with ledger.uow() as uow:
        before = _locked_case(uow, case_id, by=by, ledger=ledger, open_for="verb_settle")
        changes = normalise(ledger, {"settled_on": settled_on, "settled_by": settled_by, "status": status, **more})
        after = _build(ledger, _merge(before, changes))
        require_unit(uow, by, after.unit_id)
        result = _judged_write(ledger, uow, by, "case.settle", before, after)
        uow.commit()
        return result


def escalate_case(ledger: Ledger, by: User, case_id: int, *, on: dt.date | str | None = None, reason: str = "",
                  to_level: str | None = None) -> CaseResult:
    """Move a case one level up (or to ``to_level``), recording the step in its history."""
    check(by, "case_write")
    with ledger.uow() as uow:
        before = _locked_case(uow, case_id, by=by, ledger=ledger, open_for="verb_escalate")
        levels = ledger.enum_ids("level")
        if to_level:
            target = ledger.coerce("level", to_level)
        else:
            index = levels.index(before.level) if before.level in levels else 0
            if index + 1 >= len(levels):
                raise InvalidInput("case_top_level", level=ledger.label("level", before.level))
            target = levels[index + 1]
        day = ledger.coerce("received_on", on) if isinstance(on, str) else (on or ledger.date())
        step = Escalation(escalated_on=day, from_level=before.level, to_level=target, reason=reason, by_user=by.name)
        after = before.model_copy(update={"level": target, "status": ESCALATED, "escalations": [*before.escalations, step]})
        guard_case_write(uow, before, after)
        uow.cases.add_escalation(case_id, step)
        result = _judged_write(ledger, uow, by, "case.escalate", before, after)
        uow.commit()
        return result


__all__ = ["CaseResult", "DateRefused", "add_case", "edit_case", "settle_case", "escalate_case", "normalise", "check_dates",
           "date_title", "unit_id"]
