"""Who may act at a step of a claim's review chain, and the decisions taken there: accept, reject a
line, return the claim, publish the notice, record and resolve objections.

A step names the roles that take it and the level of the unit they work for, counted from the
claiming unit (`own`: that unit itself; `township`: the township above it; `county`: the county,
or a user without a unit, who works for the whole tree). Nobody acts at two steps of one claim:
the submitter does not review, a first reviewer does not take the second review, and so on.
Every decision is stored with the claim and written to the audit log in the same transaction.
"""

from __future__ import annotations

import datetime as dt

from ..claim_models import Claim, ClaimDecision, ClaimLine, Decision, Objection, Step, dump
from ..i18n import Localized
from ..models import Unit, User
from ..store.messages import Message
from ..store.uow import SqlUnitOfWork
from .access import check
from .context import Ledger
from .errors import InvalidInput, NotFound, PermissionDenied

LEVEL_KEYS = {"own": "claim_level_own", "village": "claim_level_village", "township": "claim_level_township",
              "county": "claim_level_county"}


def step_title(step: Step) -> Message:
    return Message("claim_step_title", zh=step.title, en=step.title_en or step.title)


def load(uow: SqlUnitOfWork, number: str) -> Claim:
    claim = uow.claims.by_number(number.strip())
    if claim is None:
        from ..store.messages import did_you_mean

        raise NotFound("claim_unknown", number=number, hint=did_you_mean(number, uow.claims.numbers()))
    return claim


def at_level(uow: SqlUnitOfWork, user: User, unit: Unit, level: str) -> bool:
    """Whether `user` works for the unit at `level` over the claiming `unit`."""
    if level == "own":
        return user.unit_id == unit.id
    if user.unit_id is None:  # a user without a unit works for the whole tree: the county's level
        return level == "county"
    walk: Unit | None = unit
    while walk is not None:
        if walk.id == user.unit_id:
            return walk.level == level
        walk = uow.units.get(walk.parent_id) if walk.parent_id is not None else None
    return False


def require_actor(uow: SqlUnitOfWork, claim: Claim, step: Step, by: User) -> None:
    """Refuse unless `by` may act at `step` of `claim`: the step's role, the step's unit level,
    and no decision of theirs at another step of the same claim."""
    check(by, "claim")
    unit = uow.units.get(claim.unit_id)
    assert unit is not None
    if by.role not in step.roles:
        raise PermissionDenied("claim_step_role", user=by.name, role=Message(f"role_{by.role}"), step=step_title(step),
                               claim=claim.number, roles=Localized("joined", items=tuple(Message(f"role_{r}") for r in step.roles)))
    if not at_level(uow, by, unit, step.unit_level):
        own = uow.units.get(by.unit_id) if by.unit_id is not None else None
        raise PermissionDenied("claim_step_level", user=by.name, scope=own.name if own else "—", step=step_title(step),
                               claim=claim.number, level=Message(LEVEL_KEYS[step.unit_level]), unit=unit.name)
    for earlier in uow.claims.decisions(claim.id):  # type: ignore[arg-type]
        if earlier.by_user == by.name and earlier.step != step.id:
            raise PermissionDenied("claim_two_steps", user=by.name, claim=claim.number, step=step_title(step),
                                   other=step_title(claim.step_def(earlier.step)))


def record(uow: SqlUnitOfWork, ledger: Ledger, claim: Claim, step: Step, by: User, decision: Decision,
           before: Claim | None, after: Claim, *, case_id: int | None = None, reason: str = "",
           extra: dict | None = None) -> None:
    """Store the decision and its audit entry (in the same transaction as what it changed)."""
    uow.claims.decide(ClaimDecision(claim_id=claim.id or 0, unit_id=claim.unit_id, step=step.id, decision=decision,
                                    case_id=case_id, reason=reason, by_user=by.name, decided_on=ledger.date()))
    uow.audit(by.name, f"claim.{decision}", "claim", claim.number, dump(before) if before else None,
              {**dump(after), "step_decided": step.id, **({"case_id": case_id} if case_id else {}),
               **({"reason": reason} if reason else {}), **(extra or {})})


def _open_at(claim: Claim, *actions: str) -> Step:
    """The awaited step, when the claim is in review and that step is one of `actions`."""
    step = claim.current()
    if claim.status == "paid":
        raise InvalidInput("claim_paid", claim=claim.number)
    if claim.status == "returned":
        raise InvalidInput("claim_returned", claim=claim.number)
    if step.action not in actions:
        raise InvalidInput("claim_not_at", claim=claim.number, step=step_title(step),
                           wanted=Message(f"claim_action_{actions[0]}"))
    return step


def _reason(text: str | None) -> str:
    if not text or not text.strip():
        raise InvalidInput("claim_reason_needed")
    return text.strip()


def _line_of(uow: SqlUnitOfWork, claim: Claim, case_ref: str) -> ClaimLine:
    """The claim's line for a case, by its number (卷号), as `NUMBER` or `UNIT/NUMBER`."""
    number = case_ref.strip().split("/")[-1]
    lines = [line for line in uow.claims.lines(claim.id) if line.status != "dropped"]  # type: ignore[arg-type]
    cases = {c.id: c for c in uow.cases.get_many([line.case_id for line in lines])}
    for line in lines:
        if cases[line.case_id].number == number:
            return line
    from ..store.messages import did_you_mean

    raise NotFound("claim_no_line", claim=claim.number, case=case_ref,
                   hint=did_you_mean(number, [c.number for c in cases.values()]))


def _advance(uow: SqlUnitOfWork, ledger: Ledger, claim: Claim, **values: object) -> Claim:
    nxt = claim.next_step()
    assert nxt is not None
    return uow.claims.move(claim.id, step=nxt.id, step_since=ledger.date(), **values)  # type: ignore[arg-type]


def accept(ledger: Ledger, by: User, number: str) -> Claim:
    """The reviewer passes the claim (its lines not rejected) on to the next step."""
    with ledger.uow() as uow:
        claim = load(uow, number)
        step = _open_at(claim, "review")
        require_actor(uow, claim, step, by)
        after = _advance(uow, ledger, claim)
        record(uow, ledger, claim, step, by, "accept", claim, after)
        uow.commit()
        return after


def reject_line(ledger: Ledger, by: User, number: str, case_ref: str, reason: str | None) -> ClaimLine:
    """The case is not paid; the reason is kept on the line and shown to the claimant."""
    why = _reason(reason)
    with ledger.uow() as uow:
        claim = load(uow, number)
        step = _open_at(claim, "review")
        require_actor(uow, claim, step, by)
        line = _line_of(uow, claim, case_ref)
        if line.status == "rejected":
            raise InvalidInput("claim_line_rejected", claim=claim.number, case=case_ref, step=line.decided_step or "",
                               reason=line.reason)
        uow.claims.update_line(line.id, status="rejected", reason=why, decided_by=by.name,  # type: ignore[arg-type]
                               decided_step=step.id)
        after = line.model_copy(update={"status": "rejected", "reason": why, "decided_by": by.name,
                                        "decided_step": step.id})
        record(uow, ledger, claim, step, by, "reject_line", claim, claim, case_id=line.case_id, reason=why,
               extra={"line": dump(after)})
        uow.commit()
        return after


def return_claim(ledger: Ledger, by: User, number: str, reason: str | None) -> Claim:
    """Back to the claimant, who may correct the cases and submit again."""
    why = _reason(reason)
    with ledger.uow() as uow:
        claim = load(uow, number)
        step = _open_at(claim, "review", "notice")
        require_actor(uow, claim, step, by)
        after = uow.claims.move(claim.id, status="returned", step=claim.chain[0].id,  # type: ignore[arg-type]
                                step_since=ledger.date(), notice_ends_on=None)
        record(uow, ledger, claim, step, by, "return", claim, after, reason=why)
        uow.commit()
        return after


def publish(ledger: Ledger, by: User, number: str) -> Claim:
    """Publish the list: the notice runs `notice_days` days from today, objections are taken while
    it runs, and payment waits until it is over and every objection is resolved."""
    with ledger.uow() as uow:
        claim = load(uow, number)
        step = _open_at(claim, "notice")
        require_actor(uow, claim, step, by)
        days = step.notice_days or 1
        ends = ledger.date() + dt.timedelta(days=days - 1)
        after = _advance(uow, ledger, claim, notice_ends_on=ends)
        record(uow, ledger, claim, step, by, "publish", claim, after)
        uow.commit()
        return after


def notice_step(claim: Claim) -> Step | None:
    return next((s for s in claim.chain if s.action == "notice"), None)


def object_to(ledger: Ledger, by: User, number: str, case_ref: str, raised_by: str, text: str) -> Objection:
    """Record an objection to a line, received while the notice runs."""
    if not raised_by or not raised_by.strip():
        raise InvalidInput("claim_objection_who")
    if not text or not text.strip():
        raise InvalidInput("claim_objection_text")
    with ledger.uow() as uow:
        claim = load(uow, number)
        step = notice_step(claim)
        if step is None:
            raise InvalidInput("claim_no_notice", claim=claim.number)
        today = ledger.date()
        if claim.status != "open" or claim.notice_ends_on is None:
            raise InvalidInput("claim_not_published", claim=claim.number)
        if today > claim.notice_ends_on:
            raise InvalidInput("claim_notice_over", claim=claim.number, end=claim.notice_ends_on.isoformat(),
                               today=today.isoformat())
        require_actor(uow, claim, step, by)
        line = _line_of(uow, claim, case_ref)
        if line.status != "claimed":
            raise InvalidInput("claim_line_rejected", claim=claim.number, case=case_ref, step=line.decided_step or "",
                               reason=line.reason)
        seq = uow.claims.objection_count(claim.id) + 1  # type: ignore[arg-type]
        objection = uow.claims.add_objection(Objection(
            number=f"{claim.number}-O{seq}", claim_id=claim.id or 0, line_id=line.id or 0, unit_id=claim.unit_id,
            raised_by=raised_by.strip(), raised_on=today, text=text.strip(), recorded_by=by.name,
        ))
        record(uow, ledger, claim, step, by, "object", claim, claim, case_id=line.case_id, reason=objection.text,
               extra={"objection": dump(objection)})
        uow.commit()
        return objection


def resolve(ledger: Ledger, by: User, objection_number: str, *, upheld: bool) -> Objection:
    """Upheld: the line is rejected with the objection as its reason. Dismissed: the line stays."""
    with ledger.uow() as uow:
        objection = uow.claims.objection(objection_number.strip())
        if objection is None:
            raise NotFound("claim_objection_unknown", number=objection_number)
        claim = uow.claims.get(objection.claim_id)
        assert claim is not None
        step = notice_step(claim)
        assert step is not None
        if objection.status != "open":
            raise InvalidInput("claim_objection_resolved", number=objection.number,
                               status=Message(f"claim_objection_{objection.status}"), by=objection.resolved_by or "")
        if claim.status != "open":
            raise InvalidInput("claim_paid" if claim.status == "paid" else "claim_returned", claim=claim.number)
        require_actor(uow, claim, step, by)
        status = "upheld" if upheld else "dismissed"
        uow.claims.resolve_objection(objection.id, status=status, resolved_by=by.name,  # type: ignore[arg-type]
                                     resolved_on=ledger.date())
        line = next(line for line in uow.claims.lines(claim.id) if line.id == objection.line_id)  # type: ignore[arg-type]
        why = f"{objection.number}（{objection.raised_by} {objection.raised_on.isoformat()}）：{objection.text}"
        if upheld and line.status == "claimed":
            uow.claims.update_line(line.id, status="rejected", reason=why, decided_by=by.name,  # type: ignore[arg-type]
                                   decided_step=step.id)
        after = objection.model_copy(update={"status": status, "resolved_by": by.name, "resolved_on": ledger.date()})
        record(uow, ledger, claim, step, by, "uphold" if upheld else "dismiss", claim, claim, case_id=line.case_id,
               reason=why, extra={"objection": dump(after)})
        uow.commit()
        return after
