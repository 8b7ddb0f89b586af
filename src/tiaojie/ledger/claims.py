"""Claims: a unit claims a period's rewards, the claim goes through the review chain of the rule
files (申报 → 初审 → 复核 → 公示 → 拨付 as shipped; a county's own chain is a file change), and
payment writes the period's payout lines from the lines every step let through.

A claim lists the unit's cases settled in the period and not yet paid, each with the reward the
activated rules give — computed as closing a period computes it (`period_rewards.case_lines`,
ceilings applied in settlement order after what was already paid). A case the rules cannot judge
stops the claim with the case named: money is never paid from an error. A case is claimed once:
one held by another claim (paid, in review, or rejected there) is left out. At payment a rejected
case gets a payout line of zero in the period, so closing the period later never pays it.

The claim keeps the chain it started under (its steps as they were), so a chain changed while a
claim is in review does not change that claim. The decisions of each step are in `claim_steps`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..calc.caps import PayableCase
from ..claim_models import Claim, ClaimDecision, ClaimLine, Objection, Step
from ..i18n import Lang, Localized
from ..models import Case, PayoutLine, Period, Unit, User
from ..money import round_fen
from ..store.messages import Message, tr
from ..store.uow import SqlUnitOfWork
from .access import _unit, check
from .claim_steps import load, notice_step, record, require_actor, step_title
from .context import Ledger
from .errors import InvalidInput, PeriodClosed
from .period_rewards import capped_now, case_lines
from .periods import parse_period
from .scope import narrowed, require_unit

ZERO = Decimal("0.00")


def chain_steps(ledger: Ledger, on: dt.date) -> tuple[str, str, list[Step]]:
    """(policy id, version, steps) of the review chain in force on `on`."""
    from ..rules.review_chain import review_chain

    chain = review_chain(ledger.rules, on)
    steps = [Step(id=s.id, title=s.title, title_en=s.title_en, action=s.action, roles=tuple(s.roles),
                  unit_level=s.unit_level, days=s.days, notice_days=s.notice_days) for s in chain.steps]
    return chain.policy_id, chain.version, steps


def _claimable(ledger: Ledger, uow: SqlUnitOfWork, unit: Unit, period: Period, claim_id: int | None) -> list[PayoutLine]:
    """The unit's lines for the period, as closing it would pay them; refuses when a case of the
    unit cannot be judged, naming it."""
    units = {u.id: u for u in uow.units.list() if u.id is not None}
    skipped: list[tuple[int, str]] = []
    lines: list[PayoutLine] = []
    for policy_id in ledger.reward_policies():
        lines.extend(line for line in case_lines(ledger, uow, policy_id, period, units, skipped)
                     if line.unit_id == unit.id)
    found = {c.id: c for c in uow.cases.get_many(sorted({case_id for case_id, _ in skipped}))}
    unjudged = [f"{unit.code}/{found[cid].number}：{why}" for cid, why in skipped
                if cid in found and found[cid].unit_id == unit.id]
    if unjudged:
        raise InvalidInput("claim_unjudged", unit=unit.name, period=period.key, count=len(unjudged),
                           cases="\n  ".join(unjudged[:20]))
    held = uow.claims.claimed_elsewhere(claim_id, [line.case_id for line in lines])
    return [line for line in lines if line.case_id not in held]


def submit(ledger: Ledger, by: User, unit_ref: str, key: str) -> Claim:
    """Claim a month or a quarter for a unit; a returned claim is submitted again (its lines
    computed afresh, rejections kept) and goes back to the first review."""
    check(by, "claim")
    period = parse_period(key)
    if period.kind not in ("month", "quarter"):
        raise InvalidInput("claim_period_kind", period=period.key)
    if period.ends_on >= ledger.date():
        raise InvalidInput("claim_period_not_over", period=period.key, end=period.ends_on.isoformat())
    with ledger.uow() as uow:
        unit = _unit(uow, unit_ref)
        require_unit(uow, by, unit.id)
        stored = uow.periods.by_key(period.key)
        if stored is not None and stored.status == "closed":
            raise PeriodClosed("claim_period_closed", period=period.key, by=stored.closed_by or "?")
        existing = uow.claims.of_unit(unit.id, period.key)  # type: ignore[arg-type]
        if existing is not None and existing.status != "returned":
            raise InvalidInput("claim_exists", claim=existing.number, step=step_title(existing.current()),
                               status=Message(f"claim_status_{existing.status}"))
        if existing is None:
            chain_id, version, steps = chain_steps(ledger, ledger.date())
            draft = Claim(number=f"{unit.code}-{period.key}", unit_id=unit.id, period_key=period.key,
                          starts_on=period.starts_on, ends_on=period.ends_on, chain_id=chain_id, chain_version=version,
                          chain=steps, step=steps[0].id, step_since=ledger.date(), submitted_by=by.name)
            require_actor(uow, draft, steps[0], by)
            lines = _claimable(ledger, uow, unit, period, None)
            if not lines:
                raise InvalidInput("claim_empty", unit=unit.name, period=period.key)
            ledger.keep_rules_in(uow)
            claim = uow.claims.add(draft.model_copy(update={"step": steps[1].id}))
            uow.claims.add_lines(_claim_line(claim, line) for line in lines)
            record(uow, ledger, claim, steps[0], by, "submit", None, claim,
                   extra={"lines": len(lines), "amount": str(sum((line.amount for line in lines), ZERO))})
        else:
            claim = existing
            require_actor(uow, claim, claim.chain[0], by)
            lines = _claimable(ledger, uow, unit, period, claim.id)
            _refresh_lines(uow, claim, lines)
            ledger.keep_rules_in(uow)
            before = claim
            claim = uow.claims.move(claim.id, status="open", step=claim.chain[1].id,  # type: ignore[arg-type]
                                    step_since=ledger.date())
            record(uow, ledger, claim, claim.chain[0], by, "resubmit", before, claim,
                   extra={"lines": len(lines), "amount": str(sum((line.amount for line in lines), ZERO))})
        uow.commit()
        return claim


def _claim_line(claim: Claim, line: PayoutLine) -> ClaimLine:
    return ClaimLine(claim_id=claim.id or 0, unit_id=claim.unit_id, case_id=line.case_id, payee=line.payee,
                     policy_id=line.policy_id, version=line.version, hash=line.hash, gross=line.gross,
                     amount=line.amount, capped_by=line.capped_by)


def _refresh_lines(uow: SqlUnitOfWork, claim: Claim, lines: list[PayoutLine]) -> None:
    """A resubmitted claim's lines, from the cases as they are now: amounts brought up to date,
    new cases added, cases no longer claimable dropped; a rejected line stays rejected."""
    kept = {(line.case_id, line.policy_id): line for line in uow.claims.lines(claim.id)}  # type: ignore[arg-type]
    fresh = {(line.case_id, line.policy_id): line for line in lines}
    for key, line in kept.items():
        now = fresh.get(key)
        if now is None:
            if line.status == "claimed":
                uow.claims.update_line(line.id, status="dropped")  # type: ignore[arg-type]
            continue
        values: dict[str, object] = {"gross": now.gross, "amount": now.amount, "version": now.version,
                                     "hash": now.hash, "capped_by": now.capped_by, "payee": now.payee}
        if line.status == "dropped":
            values["status"] = "claimed"
        uow.claims.update_line(line.id, **values)  # type: ignore[arg-type]
    uow.claims.add_lines(_claim_line(claim, line) for key, line in fresh.items() if key not in kept)


def pay(ledger: Ledger, by: User, number: str) -> Claim:
    """拨付: the accepted lines become the period's payout lines. Refused while the notice runs or
    an objection is open, into a closed period, or when a case was paid meanwhile."""
    with ledger.uow() as uow:
        uow.lock_periods(exclusive=False)
        uow.lock_computation()
        claim = load(uow, number)
        if claim.status == "paid":
            raise InvalidInput("claim_paid", claim=claim.number)
        if claim.status == "returned":
            raise InvalidInput("claim_returned", claim=claim.number)
        step = claim.current()
        if step.action != "pay":
            raise InvalidInput("claim_not_at", claim=claim.number, step=step_title(step),
                               wanted=Message("claim_action_pay"))
        require_actor(uow, claim, step, by)
        _notice_over(uow, ledger, claim)
        period = uow.periods.add(parse_period(claim.period_key))
        if period.status == "closed":
            raise PeriodClosed("claim_period_closed", period=period.key, by=period.closed_by or "?")
        accepted = [line for line in uow.claims.lines(claim.id) if line.status == "claimed"]  # type: ignore[arg-type]
        cases = {c.id: c for c in uow.cases.get_many([line.case_id for line in accepted])}
        paid_already = [cases[line.case_id].number for line in accepted
                        if any(p.policy_id == line.policy_id for p in uow.payouts.for_case(line.case_id))]
        if paid_already:
            raise InvalidInput("claim_case_paid", claim=claim.number, cases="、".join(paid_already))
        closed = uow.periods.closed_covering({c.settled_on for c in cases.values() if c.settled_on})
        if closed:
            raise PeriodClosed("claim_period_closed", period=closed[0].key, by=closed[0].closed_by or "?")
        payout = _held_to_ceilings(ledger, uow, claim, period, accepted, cases)
        # A rejected case is judged and paid at zero in the period, as a case that earned nothing
        # is: closing the period later does not pay it, and only an adjustment can overturn that.
        rejected = [line for line in uow.claims.lines(claim.id)  # type: ignore[arg-type]
                    if line.status == "rejected" and not uow.payouts.for_case(line.case_id)]
        payout += [PayoutLine(period_id=period.id or 0, payee=line.payee, unit_id=line.unit_id, case_id=line.case_id,
                              policy_id=line.policy_id, version=line.version, hash=line.hash, gross=line.gross,
                              amount=ZERO, capped_by=None) for line in rejected]
        added = uow.payouts.add_many(payout)
        assert added == len(payout), "a case paid twice slipped past the check above"
        after = uow.claims.move(claim.id, status="paid", step_since=ledger.date())  # type: ignore[arg-type]
        record(uow, ledger, claim, step, by, "pay", claim, after,
               extra={"period": period.key, "lines": len(accepted), "rejected": len(rejected),
                      "paid": str(sum((line.amount for line in payout), ZERO))})
        uow.commit()
        return after


def _held_to_ceilings(ledger: Ledger, uow: SqlUnitOfWork, claim: Claim, period: Period, accepted: list[ClaimLine],
                      cases: dict[Any, Case]) -> list[PayoutLine]:
    """The accepted lines as payout lines, the ceilings applied again to what is paid by now: a
    claim's amounts were worked out when it was submitted, and money paid since into the same
    windows (a period closed, another claim paid) leaves it less room. A line is never paid more
    than the reviewers accepted."""
    book = ledger.rules.book
    again: dict[str, Any] = {}
    for policy_id in sorted({line.policy_id for line in accepted}):
        payable = []
        for line in (line for line in accepted if line.policy_id == policy_id):
            version = book.by_hash(policy_id, line.hash)
            settled_on = cases[line.case_id].settled_on or claim.ends_on  # a claimed case is settled
            payable.append(PayableCase(f"{line.case_id:012d}", line.payee, settled_on, line.gross,
                                       unit=str(line.unit_id), caps=tuple(version.caps) if version else ()))
        again.update(capped_now(ledger, uow, policy_id, claim.starts_on, claim.ends_on, payable))
    payout = []
    for line in accepted:
        now = again[f"{line.case_id:012d}"]
        amount = min(line.amount, round_fen(now.paid))
        capped_by = line.capped_by if amount == line.amount else ",".join(now.capped_by) or line.capped_by
        payout.append(PayoutLine(period_id=period.id or 0, payee=line.payee, unit_id=line.unit_id,
                                 case_id=line.case_id, policy_id=line.policy_id, version=line.version, hash=line.hash,
                                 gross=line.gross, amount=amount, capped_by=capped_by))
    return payout


def _notice_over(uow: SqlUnitOfWork, ledger: Ledger, claim: Claim) -> None:
    if notice_step(claim) is None:
        return
    if claim.notice_ends_on is None:  # a chain with a notice pays only what was published
        raise InvalidInput("claim_not_published", claim=claim.number)
    if ledger.date() <= claim.notice_ends_on:
        raise InvalidInput("claim_notice_running", claim=claim.number, end=claim.notice_ends_on.isoformat(),
                           first=(claim.notice_ends_on + dt.timedelta(days=1)).isoformat())
    pending = [o.number for o in uow.claims.objections(claim.id) if o.status == "open"]  # type: ignore[arg-type]
    if pending:
        raise InvalidInput("claim_objections_open", claim=claim.number, objections="、".join(pending))


# --- reading claims ----------------------------------------------------------------------------


@dataclass
class ClaimView:
    """A claim as the claimant and the reviewers see it."""

    claim: Claim
    unit: Unit
    lines: list[tuple[ClaimLine, Case]]
    decisions: list[ClaimDecision]
    objections: list[Objection]
    today: dt.date
    steps_by: dict[str, list[str]] = field(default_factory=dict)
    # what a reviewer should look at twice, per case id: the case file's missing required items,
    # a severity raised after settlement, a near-duplicate case (`claim_flags`)
    notes: dict[int, list[Localized]] = field(default_factory=dict)

    @property
    def accepted(self) -> list[tuple[ClaimLine, Case]]:
        return [(line, case) for line, case in self.lines if line.status == "claimed"]

    @property
    def rejected(self) -> list[tuple[ClaimLine, Case]]:
        return [(line, case) for line, case in self.lines if line.status == "rejected"]

    @property
    def accepted_total(self) -> Decimal:
        return sum((line.amount for line, _ in self.accepted), ZERO)

    @property
    def rejected_total(self) -> Decimal:
        return sum((line.amount for line, _ in self.rejected), ZERO)

    @property
    def in_notice(self) -> bool:
        """Published, and the notice still running or an objection still open: payment waits."""
        c = self.claim
        return (c.status == "open" and c.notice_ends_on is not None and c.current().action == "pay"
                and (self.today <= c.notice_ends_on or any(o.status == "open" for o in self.objections)))

    @property
    def stage(self) -> Step:
        """The step the claim is at as people see it: the notice while it runs, else the awaited step."""
        step = notice_step(self.claim) if self.in_notice else None
        return step or self.claim.current()

    @property
    def due_on(self) -> dt.date | None:
        return self.claim.notice_ends_on if self.in_notice else self.claim.due_on()

    @property
    def overdue(self) -> bool:
        due = self.due_on
        return due is not None and self.today > due and not self.in_notice

    def case_number(self, case_id: int | None) -> str:
        return next((case.number for line, case in self.lines if case.id == case_id), "") if case_id else ""


def _view(ledger: Ledger, uow: SqlUnitOfWork, claim: Claim) -> ClaimView:
    unit = uow.units.get(claim.unit_id)
    assert unit is not None
    lines = [line for line in uow.claims.lines(claim.id) if line.status != "dropped"]  # type: ignore[arg-type]
    cases = {c.id: c for c in uow.cases.get_many([line.case_id for line in lines])}
    decisions = uow.claims.decisions(claim.id)  # type: ignore[arg-type]
    steps_by: dict[str, list[str]] = {}
    for d in decisions:
        names = steps_by.setdefault(d.step, [])
        if d.by_user not in names:
            names.append(d.by_user)
    return ClaimView(claim=claim, unit=unit, lines=[(line, cases[line.case_id]) for line in lines],
                     decisions=decisions, objections=uow.claims.objections(claim.id),  # type: ignore[arg-type]
                     today=ledger.date(), steps_by=steps_by, notes=_notes(ledger, uow, list(cases.values())))


def _notes(ledger: Ledger, uow: SqlUnitOfWork, shown: list[Case]) -> dict[int, list[Localized]]:
    from .case_file import missing_items
    from .claim_flags import flags_for

    notes: dict[int, list[Localized]] = {}
    for case in shown:
        assert case.id is not None
        missing = missing_items(ledger, ledger.projection.extra_values(case))
        if missing:
            notes[case.id] = missing
    for case_id, flags in flags_for(uow, [c.id for c in shown if c.id is not None], ledger).items():
        notes.setdefault(case_id, []).extend(flag.message for flag in flags)
    return notes


def show(ledger: Ledger, by: User, number: str) -> ClaimView:
    check(by, "read")
    with ledger.uow() as uow:
        claim = load(uow, number)
        require_unit(uow, by, claim.unit_id)
        return _view(ledger, uow, claim)


def list_claims(ledger: Ledger, by: User, *, period: str | None = None) -> list[ClaimView]:
    """The claims of the units `by` sees, optionally of one period."""
    check(by, "read")
    key = parse_period(period).key if period else None
    with ledger.uow() as uow:
        return [_view(ledger, uow, c) for c in uow.claims.find(unit_ids=narrowed(uow, by, None), period_key=key)]


def of_period(ledger: Ledger, key: str) -> list[ClaimView]:
    """Every claim of a period (for its statement)."""
    with ledger.uow() as uow:
        return [_view(ledger, uow, c) for c in uow.claims.find(period_key=parse_period(key).key)]




def write_notice(ledger: Ledger, by: User, number: str, path: Path, lang: Lang = "zh") -> Path:
    """The claim's public notice (公示表): its lines not rejected, parties' names masked, as
    FILE.xlsx or FILE.html (`public_notice.write_notice`)."""
    from .public_notice import NoticeLine
    from .public_notice import write_notice as write

    view = show(ledger, by, number)
    lines = [NoticeLine(unit=view.unit.name, number=case.number, category=ledger.label("category", case.category, lang),
                        severity=ledger.label("severity", case.severity, lang), payee=line.payee, amount=line.amount,
                        parties=tuple(case.parties)) for line, case in view.accepted]
    claim = view.claim
    step = notice_step(claim)
    published_on = claim.notice_ends_on - dt.timedelta(days=(step.notice_days or 1) - 1) \
        if step is not None and claim.notice_ends_on is not None else None
    title = tr("claim_notice_title", lang, unit=view.unit.name, period=claim.period_key)
    write(Path(path), title, lines, lang, period=claim.period_key, notice_from=published_on,
          notice_until=claim.notice_ends_on)
    return Path(path)


__all__ = ["ClaimView", "chain_steps", "submit", "pay", "show", "list_claims", "of_period", "write_notice"]
