"""Flags shown to the reviewers of a claim: cases whose severity was raised after they were settled
(a higher severity pays more), and near-duplicates — the same parties, as a set, and the same
category, received within the review chain's `duplicate_within_days` of each other in any unit the
reviewer sees (a dispute registered twice is paid twice).

The severity a case had when it was settled is read from the audit log: every write of a case
keeps the case before and after it, so the write that settled it, and any later one that raised
its severity, can be read back with who made it and when. A case imported already settled and
never edited since has no later write to show.

`flags_for(uow, case_ids, ledger)` is what a claims service calls inside its own unit of work;
`period_flags` lists a period's flags for `tiaojie followup flags`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from ..i18n import Localized
from ..models import User
from ..store.follow_up_repository import CaseWrite, DisputeKey
from ..store.messages import Message
from ..store.uow import SqlUnitOfWork
from .access import check
from .context import Ledger
from .follow_ups import SETTLED, checks_on
from .periods import parse_period
from .scope import narrowed

FlagKind = Literal["severity_raised", "near_duplicate"]


@dataclass(frozen=True)
class Flag:
    """Why a reviewer should look at a case twice. `message` names the case by unit and 卷号 and
    says why, in either language; `related` lists the other cases it concerns as UNIT/卷号."""

    kind: FlagKind
    case_id: int
    unit: str  # the unit's code
    number: str
    message: Message
    related: tuple[str, ...] = ()

    def title(self) -> Message:
        return Message(f"flag_kind_{self.kind}")


def flags_for(uow: SqlUnitOfWork, case_ids: Iterable[int], ledger: Ledger, *,
              on: dt.date | None = None) -> dict[int, list[Flag]]:
    """Each case's flags (cases without any are left out). `on` picks the review chain whose
    `duplicate_within_days` applies (today when not given)."""
    ids = sorted(set(case_ids))
    out: dict[int, list[Flag]] = defaultdict(list)
    if not ids:
        return {}
    within = checks_on(ledger, on or ledger.date()).duplicate_within_days
    for flag in [*_severity_raised(uow, ids, ledger), *_near_duplicates(uow, ids, ledger, within)]:
        out[flag.case_id].append(flag)
    return dict(out)


def period_flags(ledger: Ledger, by: User, key: str, *, unit: str | None = None) -> list[Flag]:
    """The flags of the cases settled in period `key` in `unit` and the units under it (all the
    user sees when not named), by unit code and 卷号."""
    from .cases import unit_id

    check(by, "read")
    period = parse_period(key)
    with ledger.uow() as uow:
        scope = narrowed(uow, by, unit_id(uow, unit) if unit else None)
        cases = uow.follow_ups.settled_cases(scope, period.starts_on, period.ends_on, (SETTLED,))
        found = flags_for(uow, [c.case_id for c in cases], ledger, on=period.ends_on)
    return [flag for c in cases for flag in found.get(c.case_id, [])]


def _rank(order: list[str], severity: object) -> int:
    return order.index(severity) if severity in order else -1


def _severity_raised(uow: SqlUnitOfWork, ids: list[int], ledger: Ledger) -> list[Flag]:
    order = ledger.enum_ids("severity")  # mildest first, as fields.toml lists them
    writes = uow.follow_ups.case_writes(ids)
    codes = {u.id: u.code for u in uow.units.list()}
    flags: list[Flag] = []
    for case in uow.cases.get_many([i for i in ids if i in writes]):
        assert case.id is not None
        then, raised = _at_settlement(writes[case.id], order)
        if then is None or _rank(order, case.severity) <= _rank(order, then):
            continue
        unit = codes.get(case.unit_id, "?")
        flags.append(Flag("severity_raised", case.id, unit, case.number, Message(
            "flag_severity_raised", number=case.number, unit=unit,
            then=_label(ledger, then), now=_label(ledger, case.severity),
            by=raised.user if raised else "?", at=raised.at.strftime("%Y-%m-%d %H:%M") if raised else "?",
        )))
    return flags


def _at_settlement(writes: list[CaseWrite], order: list[str]) -> tuple[str | None, CaseWrite | None]:
    """The severity the case had once settled, and the first later write that raised it."""
    then: str | None = None
    raised: CaseWrite | None = None
    for write in writes:
        before, after = write.before or {}, write.after or {}
        if then is None:
            if before.get("settled_on"):
                then = before.get("severity")  # settled before this write (an import, say)
            elif after.get("settled_on"):
                then = after.get("severity")  # this write settled it
                continue
            else:
                continue
        if raised is None and before.get("settled_on") and _rank(order, after.get("severity")) > _rank(order, before.get("severity")):
            raised = write
    return then, raised


def _label(ledger: Ledger, severity: object) -> Localized:
    return Localized("label", zh=ledger.label("severity", severity, "zh"), en=ledger.label("severity", severity, "en"))


def _parties(names: tuple[str, ...]) -> frozenset[str]:
    """Parties as a set, blanks inside a name ignored (张 三 is 张三)."""
    return frozenset(cleaned for name in names if (cleaned := "".join(name.split())))


def _near_duplicates(uow: SqlUnitOfWork, ids: list[int], ledger: Ledger, within: int) -> list[Flag]:
    keys = [k for k in uow.follow_ups.disputes(ids) if _parties(k.parties)]
    if not keys:
        return []
    margin = dt.timedelta(days=within)
    pool = uow.follow_ups.disputes_near({k.category for k in keys}, min(k.received_on for k in keys) - margin,
                                        max(k.received_on for k in keys) + margin)
    same: dict[tuple[str, frozenset[str]], list[DisputeKey]] = defaultdict(list)
    for other in pool:
        same[(other.category, _parties(other.parties))].append(other)
    flags: list[Flag] = []
    for key in keys:
        others = [o for o in same[(key.category, _parties(key.parties))]
                  if o.case_id != key.case_id and abs((o.received_on - key.received_on).days) <= within]
        if not others:
            continue
        related = tuple(f"{o.unit_code}/{o.number}" for o in others)
        named = "、".join(f"{o.unit_code}/{o.number}（{o.received_on.isoformat()}）" for o in others)
        category = Localized("label", zh=ledger.label("category", key.category, "zh"),
                           en=ledger.label("category", key.category, "en"))
        flags.append(Flag("near_duplicate", key.case_id, key.unit_code, key.number, Message(
            "flag_near_duplicate", number=key.number, unit=key.unit_code, others=named, category=category, days=within,
        ), related))
    return flags


__all__ = ["Flag", "FlagKind", "flags_for", "period_flags"]
