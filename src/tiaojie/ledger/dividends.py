"""Collectives and dividend distribution runs.

A run reads the collective's members, holdings and fiscal investments from the ledger, lets the
collective's own dividend policy (fixed return on investments, retentions, weighted pool) decide,
and stores the run with every member's allocation to the fen. Each collective is bound to its
policy when it is made (禹王 to a fixed return on invested subsidies, 金胜 to a revenue share):
a run never falls back to another collective's policy, and only policy staff change the binding. The rule file's share-class weights decide; the
ledger's share classes name which class each holding belongs to.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from ..i18n import Lang
from ..models import Allocation, Collective, DistributionRun, FiscalInvestment, Holding, Member, ShareClass, User
from ..rules.errors import EvaluationError
from ..store.messages import Conflict, did_you_mean
from .access import check
from .cases import unit_id
from .context import Ledger
from .errors import InvalidInput, NotFound


def dividend_policies(ledger: Ledger) -> list[str]:
    """The ids of the dividend policies in the ledger's rules, in the rule book's order."""
    book = ledger.rules.book
    return [pid for pid in book.ids() if book.versions(pid)[-1].kind == "dividend"]


def policy_label(ledger: Ledger, policy_id: str | None, lang: Lang = "zh") -> str:
    """A bound policy as shown before a run: its title in `lang` and its id."""
    if policy_id is None:
        return "—"
    book = ledger.rules.book
    title = book.versions(policy_id)[-1].title(lang) if policy_id in book.ids() else policy_id
    return f"{title}（{policy_id}）" if lang != "en" else f"{title} ({policy_id})"


def _dividend_policy(ledger: Ledger, policy_id: str) -> str:
    choices = dividend_policies(ledger)
    if policy_id not in choices:
        raise InvalidInput("not_dividend_policy", policy=policy_id, choices="、".join(choices) or "—")
    return policy_id


def add_collective(ledger: Ledger, by: User, code: str, name: str, unit: str | None = None, *, policy_id: str) -> Collective:
    """A collective, bound from the start to the dividend policy its runs use."""
    check(by, "collective_edit")
    _dividend_policy(ledger, policy_id)
    with ledger.uow() as uow:
        if uow.collectives.by_code(code):
            raise Conflict("unit_exists", code=code)
        holder = unit_id(uow, unit) if unit else None
        collective = uow.collectives.add(Collective(code=code, name=name, unit_id=holder, policy_id=policy_id))
        uow.audit(by.name, "collective.add", "collective", collective.id, None, collective)
        uow.commit()
        return collective


def set_policy(ledger: Ledger, by: User, code: str, policy_id: str) -> Collective:
    """Bind a collective to another dividend policy: policy staff's decision, audited with the
    binding before and after. Runs already stored keep the policy they were made with."""
    check(by, "collective_policy")
    _dividend_policy(ledger, policy_id)
    with ledger.uow() as uow:
        before = _collective(uow, code)
        uow.collectives.set_policy(before.id, policy_id)  # type: ignore[arg-type]
        after = before.model_copy(update={"policy_id": policy_id})
        uow.audit(by.name, "collective.set_policy", "collective", before.id, {"policy_id": before.policy_id},
                  {"policy_id": policy_id})
        uow.commit()
        return after


def collective(ledger: Ledger, code: str) -> Collective:
    """One collective by code, with the policy it is bound to (shown before a run)."""
    with ledger.uow() as uow:
        return _collective(uow, code)


def _collective(uow: Any, code: str) -> Collective:
    found = uow.collectives.by_code(code)
    if found is None:
        raise NotFound("unknown_collective", code=code, hint=did_you_mean(code, [c.code for c in uow.collectives.list()]))
    return found


def bound_policy(found: Collective, given: str | None = None) -> str:
    """The policy a run of this collective uses: the one bound to it. A `given` policy that
    differs is refused naming both, never used instead."""
    if found.policy_id is None:
        raise InvalidInput("collective_unbound", code=found.code)
    if given is not None and given != found.policy_id:
        raise InvalidInput("dividend_policy_differs", code=found.code, bound=found.policy_id, given=given)
    return found.policy_id


def setup_collective(
    ledger: Ledger,
    by: User,
    code: str,
    *,
    share_classes: list[dict[str, Any]],
    members: list[dict[str, Any]],
    investments: list[dict[str, Any]] = (),  # type: ignore[assignment]
) -> None:
    """Add share classes, members with their holdings ({'class': shares}), and fiscal
    investments to a collective, in one transaction."""
    check(by, "collective_edit")
    with ledger.uow() as uow:
        collective = _collective(uow, code)
        classes = {c.code: c for c in uow.collectives.share_classes(collective.id)}  # type: ignore[arg-type]
        for spec in share_classes:
            if spec["code"] not in classes:
                classes[spec["code"]] = uow.collectives.add_share_class(
                    ShareClass(collective_id=collective.id, code=spec["code"], name=spec["name"], weight=Decimal(str(spec["weight"])))
                )
        for spec in members:
            member = uow.collectives.add_member(
                Member(collective_id=collective.id, member_no=spec["member_no"], name=spec["name"], household=spec.get("household"))
            )
            for class_code, shares in spec.get("holdings", {}).items():
                if class_code not in classes:
                    raise InvalidInput("case_field", field="share_class", detail=class_code)
                uow.collectives.add_holding(Holding(member_id=member.id, share_class_id=classes[class_code].id, shares=shares))
        for spec in investments:
            uow.collectives.add_investment(FiscalInvestment(collective_id=collective.id, **spec))
        uow.audit(by.name, "collective.setup", "collective", collective.id, None, {
            "share_classes": share_classes, "members": len(members), "investments": list(investments)})
        uow.commit()


def _months_held(inv: FiscalInvestment, year: int) -> int:
    """Whole months of the year the investment was held (a month started counts)."""
    start = max(inv.starts_on, dt.date(year, 1, 1))
    end = min(inv.ends_on or dt.date(year, 12, 31), dt.date(year, 12, 31))
    if end < start:
        return 0
    return (end.year - start.year) * 12 + end.month - start.month + 1


def run_dividend(
    ledger: Ledger,
    by: User,
    collective_code: str,
    year: int,
    *,
    policy_id: str | None = None,
    income: Decimal = Decimal("0"),
    costs: Decimal = Decimal("0"),
) -> DistributionRun:
    """Run the collective's dividend under the policy bound to it (`policy_id`, when given, must
    be that one)."""
    check(by, "dividend")
    with ledger.uow() as uow:
        collective = _collective(uow, collective_code)
        policy_id = bound_policy(collective, policy_id)
        members = {m.id: m for m in uow.collectives.members(collective.id)}  # type: ignore[arg-type]
        classes = {c.id: c for c in uow.collectives.share_classes(collective.id)}  # type: ignore[arg-type]
        entries = []
        owner: dict[str, int] = {}
        for holding in sorted(uow.collectives.holdings(collective.id), key=lambda h: (members[h.member_id].member_no, h.share_class_id)):  # type: ignore[arg-type]
            member = members[holding.member_id]
            entry_id = f"{member.member_no}/{classes[holding.share_class_id].code}"
            owner[entry_id] = member.id  # type: ignore[assignment]
            entries.append({"id": entry_id, "name": member.name, "shares": holding.shares, "class": classes[holding.share_class_id].code})
        investments = [
            {"id": str(inv.id), "title": inv.project, "principal": str(inv.principal), "rate": str(inv.rate), "months": _months_held(inv, year)}
            for inv in uow.collectives.investments(collective.id)  # type: ignore[arg-type]
            if _months_held(inv, year) > 0
        ]
        data = {"year": year, "investments": investments, "income": str(income), "costs": str(costs), "members": entries}
        try:
            outcome = ledger.rules.evaluate(policy_id, data, as_of=dt.date(year, 12, 31))
        except EvaluationError as err:
            raise InvalidInput("case_field", field=policy_id, detail=err.localized) from None
        out = outcome.outputs
        per_member: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
        for alloc in outcome.details.get("allocations", []):
            target = per_member[owner[alloc["member"]]]
            target[0] += Decimal(alloc["weight"])
            target[1] += alloc["amount"].amount
        zh, en = outcome.to_json("zh"), outcome.to_json("en")
        run = DistributionRun(
            collective_id=collective.id, year=year, policy_id=outcome.policy, version=outcome.version, hash=outcome.hash,
            income=Decimal(out.get("fixed_return", 0)) + income, retained=out["retained"], pool=out["pool"], leftover=out["leftover"],
            detail={
                "inputs": data, "outputs": zh["outputs"], "fired": zh["fired"],
                "explanation": [{"zh": a, "en": b} for a, b in zip(zh["explanation"], en["explanation"])],
                "retentions": zh.get("retentions", []), "costs": str(costs),
            },
            by_user=by.name,
            allocations=[Allocation(member_id=mid, weighted_shares=w, amount=amount) for mid, (w, amount) in sorted(per_member.items())],
        )
        stored = uow.distributions.add(run)
        # The allocations must add up to the pool less what could not be allocated, to the fen.
        assert sum((a.amount for a in stored.allocations), Decimal(0)) == stored.pool - stored.leftover
        ledger.keep_rules_in(uow)
        uow.audit(by.name, "dividend.run", "distribution", stored.id, None, {
            "collective": collective_code, "year": year, "run_no": stored.run_no, "pool": str(stored.pool),
            "version": stored.version, "hash": stored.hash})
        uow.commit()
        return stored


def collectives(ledger: Ledger) -> list[Collective]:
    """Every collective economic organisation in the ledger."""
    with ledger.uow() as uow:
        return uow.collectives.list()


def list_runs(ledger: Ledger, collective_code: str | None = None, year: int | None = None) -> list[DistributionRun]:
    with ledger.uow() as uow:
        cid = _collective(uow, collective_code).id if collective_code else None
        return uow.distributions.list(cid, year)


def members_by_id(ledger: Ledger, collective_id: int) -> dict[int, Member]:
    with ledger.uow() as uow:
        return {m.id: m for m in uow.collectives.members(collective_id)}  # type: ignore[misc]
