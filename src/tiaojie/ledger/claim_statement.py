"""A period's statement, for the claims made of it: the review chain each claim went through (who,
when, what decision), the lines rejected apart with their reasons, and — while the period is still
open — what payment (拨付) already wrote into it. Added to the sheets of `statements`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .claims import ClaimView, of_period
from .context import Ledger
from .period_rewards import PeriodReport

ZERO = Decimal("0.00")


@dataclass
class Sheet:
    """A table of the statement: `statements.Table`'s fields, so that module can take it as one."""

    title: str
    header: list[str]
    rows: list[list[object]]
    money_columns: set[int]


def claim_tables(ledger: Ledger, report: PeriodReport) -> list[Sheet]:
    """No sheet at all for a period nobody claimed: its statement stays as it was."""
    views = of_period(ledger, report.period.key)
    if not views:
        return []
    return [_chain(views), _rejected(views), *([_paid(views)] if report.period.status != "closed" else [])]


def _title(view: ClaimView, step_id: str | None) -> str:
    return view.claim.step_def(step_id).title if step_id else ""


def _chain(views: list[ClaimView]) -> Sheet:
    table = Sheet("申报审核", ["申报编号", "单位", "环节", "决定", "卷号", "办理人", "日期", "理由"], [], set())
    labels = {"submit": "提交申报", "resubmit": "重新申报", "accept": "通过", "reject_line": "核减案件", "return": "退回",
              "publish": "公示", "object": "登记异议", "uphold": "异议成立", "dismiss": "异议不成立", "pay": "拨付"}
    for view in views:
        for d in view.decisions:
            table.rows.append([view.claim.number, view.unit.name, _title(view, d.step), labels[d.decision],
                               view.case_number(d.case_id), d.by_user, d.decided_on.isoformat(), d.reason])
    return table


def _rejected(views: list[ClaimView]) -> Sheet:
    table = Sheet("核减", ["申报编号", "卷号", "单位", "领取人", "申报金额", "核减环节", "核减人", "理由"], [], {4})
    total = ZERO
    for view in views:
        for line, case in view.rejected:
            total += line.amount
            table.rows.append([view.claim.number, case.number, view.unit.name, line.payee, line.amount,
                               _title(view, line.decided_step), line.decided_by or "", line.reason])
    table.rows.append(["合计", "", "", "", total, "", "", ""])
    return table


def _paid(views: list[ClaimView]) -> Sheet:
    table = Sheet("已拨付", ["申报编号", "卷号", "单位", "领取人", "政策", "版本", "实发"], [], {6})
    total = ZERO
    for view in views:
        if view.claim.status != "paid":
            continue
        for line, case in view.accepted:
            total += line.amount
            table.rows.append([view.claim.number, case.number, view.unit.name, line.payee, line.policy_id,
                               line.version, line.amount])
    table.rows.append(["合计", "", "", "", "", "", total])
    return table
