"""Follow-up visits (回访抽查) against inflated claims: a seeded random sample of a period's settled
cases, drawn once per period and unit, and each visit's result.

The draw orders the population the same way on every database (unit code, then 卷号) and picks
with ``random.Random(f"{period}:{unit}:{seed}")``: the seed is kept with the draw, so anyone can
draw again from the same cases and get the same sample. How many: the review chain's share of the
settled cases, and at least its minimum (all of them when fewer).

A visit's result is set on the case (the vocabulary field ``follow_up_result``) and the case is
judged again: the reward policy decides what a failed follow-up costs. When the case was paid in a
closed period and the rules now give less, the difference is booked as an adjustment in the next
open period, in the same transaction, as `periods.adjust` would book it by hand.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from ..i18n import Localized
from ..models import Adjustment, Case, Period, Unit, User
from ..money import format_yuan, round_fen
from ..rules.errors import EvaluationError
from ..rules.review_chain import review_chain
from ..store.follow_up_repository import Draw, FollowUp
from ..store.follow_up_schema import FOLLOW_UP_RESULTS
from ..store.messages import Conflict, Message
from ..store.uow import SqlUnitOfWork
from .access import check
from .cases import normalise
from .context import Ledger
from .errors import InvalidInput, NotFound
from .period_rewards import payee_for
from .periods import parse_period
from .scope import narrowed, require_unit
from .verdicts import Verdicts, change_reason, judge, store_verdicts

# The status of a case whose mediation ended in an agreement: the cases a follow-up visits.
SETTLED = "settled"
RESULT_FIELD = "follow_up_result"


@dataclass(frozen=True)
class Checks:
    """What the review chain in force says of follow-ups and near-duplicates."""

    follow_up_share: Decimal
    follow_up_minimum: int
    duplicate_within_days: int


def checks_on(ledger: Ledger, on: dt.date) -> Checks:
    """The review chain's checks in force on `on`, refused in both languages when the rules hold none."""
    try:
        found = review_chain(ledger.rules, on).checks
    except EvaluationError as err:
        raise InvalidInput("follow_up_chain", detail=err.localized) from None
    return Checks(found.follow_up_share, found.follow_up_minimum, found.duplicate_within_days)


def sample_size(population: int, share: Decimal, minimum: int) -> int:
    """The share of the population rounded up (a check never samples less than it says), at least
    the minimum, at most everyone."""
    wanted = int((share * population).to_integral_value(rounding=ROUND_CEILING))
    return min(population, max(minimum, wanted))


def pick(period_key: str, unit_code: str, seed: str, population: list[int], size: int) -> list[int]:
    """The sample, in the order drawn, from the population in its fixed order."""
    return random.Random(f"{period_key}:{unit_code}:{seed}").sample(population, size)


@dataclass
class SampleLine:
    position: int
    case_id: int
    unit_code: str
    number: str
    settled_on: dt.date | None
    follow_up: FollowUp | None  # the case's newest visit, if any


@dataclass
class Sample:
    draw: Draw
    unit: Unit
    lines: list[SampleLine]

    def heading(self) -> Message:
        d = self.draw
        return Message("follow_up_sample_heading", unit=self.unit.name, period=d.period_key, population=d.population,
                       size=d.size, share=_percent(d.share), minimum=d.minimum, seed=d.seed, by=d.by_user,
                       at=d.at.strftime("%Y-%m-%d %H:%M"))


def _percent(share: Decimal) -> str:
    return f"{(share * 100).normalize():f}%"


def _draw_unit(uow: SqlUnitOfWork, by: User, ref: str | None) -> Unit:
    """The unit a draw is for: the one named, else the user's own, else the ledger's one top unit."""
    from .cases import unit_id

    if ref:
        found = uow.units.get(unit_id(uow, ref))
    elif by.unit_id is not None:
        found = uow.units.get(by.unit_id)
    else:
        tops = [u for u in uow.units.list() if u.parent_id is None]
        if len(tops) != 1:
            raise InvalidInput("follow_up_which_unit", units="、".join(u.code for u in tops) or "—")
        found = tops[0]
    assert found is not None and found.id is not None
    require_unit(uow, by, found.id)
    return found


def draw(ledger: Ledger, by: User, key: str, *, unit: str | None = None, seed: str | None = None) -> Sample:
    """Draw the follow-up sample of the cases settled in period `key` in `unit` and the units under
    it (the user's own unit when not named). Once per period and unit: a second draw is refused,
    naming the first."""
    check(by, "follow_up")
    period = parse_period(key)
    if period.ends_on >= ledger.date():
        raise InvalidInput("follow_up_period_not_over", period=period.key, end=period.ends_on.isoformat())
    if seed is not None:
        seed = seed.strip()
        if not seed:
            raise InvalidInput("follow_up_seed_blank")
        if len(seed) > 64:
            raise InvalidInput("follow_up_seed_long", seed=seed)
    checks = checks_on(ledger, period.ends_on)
    with ledger.uow() as uow:
        target = _draw_unit(uow, by, unit)
        assert target.id is not None
        earlier = uow.follow_ups.draw_of(period.key, target.id)
        if earlier is not None:
            raise Conflict("follow_up_drawn", unit=target.name, code=target.code, period=period.key, by=earlier.by_user,
                           at=earlier.at.strftime("%Y-%m-%d %H:%M"), seed=earlier.seed)
        population = uow.follow_ups.settled_cases(narrowed(uow, by, target.id), period.starts_on, period.ends_on,
                                                  (SETTLED,))
        size = sample_size(len(population), checks.follow_up_share, checks.follow_up_minimum)
        seed = seed or secrets.token_hex(4)
        picked = pick(period.key, target.code, seed, [c.case_id for c in population], size)
        ledger.keep_rules_in(uow)  # the share and minimum are the activated chain's
        made = uow.follow_ups.add_draw(period_key=period.key, unit_id=target.id, seed=seed,
                                       share=checks.follow_up_share, minimum=checks.follow_up_minimum,
                                       population=len(population), case_ids=picked, by_user=by.name)
        numbers = {c.case_id: f"{c.unit_code}/{c.number}" for c in population}
        uow.audit(by.name, "follow_up.draw", "follow_up_draw", made.id, None, {
            "period": made.period_key, "unit": target.code, "seed": made.seed, "share": str(made.share),
            "minimum": made.minimum, "population": made.population, "cases": [numbers[i] for i in picked],
        })
        uow.commit()
    return show(ledger, by, period.key, unit=target.code)


def show(ledger: Ledger, by: User, key: str, *, unit: str | None = None) -> Sample:
    """The sample drawn for period `key` and `unit` (the user's own when not named), with each
    case's newest visit; NotFound, saying how to draw one, when none was drawn."""
    check(by, "read")
    period = parse_period(key)
    with ledger.uow() as uow:
        target = _draw_unit(uow, by, unit)
        assert target.id is not None
        made = uow.follow_ups.draw_of(period.key, target.id)
        if made is None:
            raise NotFound("follow_up_no_sample", unit=target.name, code=target.code, period=period.key)
        ids = uow.follow_ups.picks(made.id)
        cases = {c.id: c for c in uow.cases.get_many(ids)}
        codes = {u.id: u.code for u in uow.units.list()}
        visits = uow.follow_ups.latest(ids)
        lines = [SampleLine(i, cid, codes.get(cases[cid].unit_id, "?"), cases[cid].number, cases[cid].settled_on,
                            visits.get(cid))
                 for i, cid in enumerate(ids, start=1) if cid in cases]
        return Sample(made, target, lines)


def result_code(ledger: Ledger, value: str) -> str:
    """A result as typed (its id, or its label in either language) → its id."""
    if RESULT_FIELD not in ledger.vocabulary.fields:
        raise InvalidInput("follow_up_no_field")
    try:
        code = ledger.coerce(RESULT_FIELD, value.strip())
    except InvalidInput:
        raise InvalidInput("follow_up_bad_result", value=value) from None
    if code not in FOLLOW_UP_RESULTS:
        raise InvalidInput("follow_up_bad_result", value=value)
    return str(code)


@dataclass
class Recorded:
    """A visit's result as recorded, and what it did to the money: `money` says it in words."""

    follow_up: FollowUp
    number: str
    unit: str
    result_label: Localized
    adjustment: Adjustment | None
    money: Message


def record(ledger: Ledger, by: User, case_id: int, result: str, note: str = "", *,
           on: dt.date | str | None = None) -> Recorded:
    """Record a follow-up visit of a settled case: the result set on the case, the case judged again,
    and — paid in a closed period, the rules now giving less — the difference booked in the next
    open period. Refused, with nothing written, when no open period can take it."""
    check(by, "follow_up")
    code = result_code(ledger, result)
    day = ledger.coerce("settled_on", on.strip()) if isinstance(on, str) and on.strip() else on
    day = day if isinstance(day, dt.date) else ledger.date()
    with ledger.uow() as uow:
        uow.lock_periods(exclusive=False)
        before = uow.cases.get(case_id, lock=True)
        if before is None:
            raise NotFound("unknown_case", case=case_id)
        require_unit(uow, by, before.unit_id)
        unit = uow.units.get(before.unit_id)
        assert unit is not None and before.id is not None
        if before.status != SETTLED or before.settled_on is None:
            raise InvalidInput("follow_up_not_settled", number=before.number, unit=unit.name,
                               status=ledger.label("status", before.status))
        if not before.settled_on <= day <= ledger.date():
            raise InvalidInput("follow_up_date", number=before.number, unit=unit.name, day=day.isoformat(),
                               settled=before.settled_on.isoformat(), today=ledger.date().isoformat())
        # A follow-up comes after payment by design: it writes the case past a closed period's lock.
        extra = normalise(ledger, {RESULT_FIELD: code})["extra"]
        changed = before.model_copy(update={"extra": {**before.extra, **extra}})
        verdicts = judge(ledger, changed, unit.code)
        stored = uow.cases.update(changed.model_copy(update={"level": verdicts.level}))
        ledger.keep_rules_in(uow)
        store_verdicts(uow, stored, verdicts, by=by.name, reason=change_reason("case.follow_up", before, stored))
        uow.audit(by.name, "case.follow_up", "case", stored.id, before, stored)
        label = Localized("label", zh=ledger.label(RESULT_FIELD, code, "zh"), en=ledger.label(RESULT_FIELD, code, "en"))
        adjustment, money = _claw_back(ledger, uow, by, stored, unit, verdicts, label, day)
        visit = uow.follow_ups.add(case_id=before.id, result=code, visited_on=day, note=note.strip(),
                                   adjustment_id=adjustment.id if adjustment else None, by_user=by.name)
        uow.audit(by.name, "follow_up.record", "follow_up", visit.id, None, {
            "case": f"{unit.code}/{stored.number}", "result": code, "visited_on": day.isoformat(), "note": visit.note,
            "adjustment": adjustment.model_dump(mode="json") if adjustment else None,
        })
        uow.commit()
        return Recorded(visit, stored.number, unit.name, label, adjustment, money)


def _claw_back(ledger: Ledger, uow: SqlUnitOfWork, by: User, case: Case, unit: Unit, verdicts: Verdicts,
               label: Localized, day: dt.date) -> tuple[Adjustment | None, Message]:
    """Book (what the rules give now − what was paid) in the next open period when it is less.

    What the rules give is counted per policy that paid the case, never above what its line paid
    (a ceiling may have cut it); what was paid is its lines and every adjustment since."""
    assert case.id is not None
    lines = uow.payouts.for_case(case.id)
    periods = {line.period_id: uow.periods.get(line.period_id) for line in lines}
    closed = [p for p in periods.values() if p is not None and p.status == "closed"]
    now_total = Decimal("0.00")
    for line in lines:
        outcome = verdicts.outcomes.get(line.policy_id)
        given = round_fen(Decimal(outcome.outputs.get("amount", 0))) if outcome is not None else Decimal("0.00")
        now_total += min(given, line.amount)
    if not closed:
        fresh = sum((round_fen(Decimal(o.outputs.get("amount", 0))) for pid, o in verdicts.outcomes.items()
                     if pid in ledger.reward_policies()), Decimal("0.00"))
        return None, Message("follow_up_unpaid", now=format_yuan(fresh))
    paid_in = max(closed, key=lambda p: p.ends_on)
    paid = sum((line.amount for line in lines), Decimal("0.00"))
    paid += sum((a.amount for a in uow.adjustments.for_case(case.id)), Decimal("0.00"))
    delta = now_total - paid
    if delta >= 0:
        return None, Message("follow_up_unchanged", paid_in=paid_in.key, paid=format_yuan(paid), now=format_yuan(now_total))
    target = next_open_period(uow, paid_in)
    if target is None:
        raise InvalidInput("follow_up_no_open_period", number=case.number, unit=unit.name, paid_in=paid_in.key,
                           paid=format_yuan(paid), now=format_yuan(now_total), amount=format_yuan(delta),
                           next=_next_to_open(uow, paid_in))
    reducing = next((verdicts.outcomes[line.policy_id] for line in lines if line.policy_id in verdicts.outcomes), None)
    reason = Message("follow_up_claw_reason", result=label, day=day.isoformat(),
                     policy=reducing.policy if reducing else "—", version=reducing.version if reducing else "—",
                     rule=", ".join(reducing.fired) if reducing and reducing.fired else Message("follow_up_rule_none"))
    adjustment = uow.adjustments.add(Adjustment(
        period_id=target.id, case_id=case.id, original_period_id=paid_in.id, payee=payee_for(ledger, unit.name, case),
        amount=delta, reason=reason.render("zh"), by_user=by.name,
    ))
    uow.audit(by.name, "period.adjust", "adjustment", adjustment.id, None, adjustment)
    return adjustment, Message("follow_up_clawed", paid_in=paid_in.key, paid=format_yuan(paid), now=format_yuan(now_total),
                               period=target.key, amount=format_yuan(delta))


def next_open_period(uow: SqlUnitOfWork, after: Period) -> Period | None:
    """The first open period that starts after `after` ends: of the same kind when there is one."""
    later = [p for p in uow.periods.list() if p.status == "open" and p.starts_on > after.ends_on]
    later.sort(key=lambda p: (p.starts_on, p.ends_on))
    same = [p for p in later if p.kind == after.kind]
    return next(iter(same or later), None)


def _next_to_open(uow: SqlUnitOfWork, period: Period) -> str:
    """The key of the first period of the same kind after `period` that is not closed: the one to
    open for the claw-back."""
    while True:
        key = _following(period)
        found = uow.periods.by_key(key)
        if found is None or found.status != "closed":
            return key
        period = found


def _following(period: Period) -> str:
    """The key of the period of the same kind that comes next, for the message that asks for it."""
    day = period.ends_on + dt.timedelta(days=1)
    if period.kind == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if period.kind == "quarter":
        return f"{day.year:04d}Q{(day.month - 1) // 3 + 1}"
    return f"{day.year:04d}"


__all__ = ["Checks", "Recorded", "Sample", "SampleLine", "checks_on", "draw", "next_open_period", "pick", "record",
           "result_code", "sample_size", "show"]
