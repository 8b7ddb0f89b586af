"""The demo's claims: one at each step of the shipped review chain, for the demo year's third
quarter — submitted and awaiting 初审, one returned to its claimant, one at 复核 with a line rejected at
初审, one published with an objection still open, one past its notice and awaiting 拨付. Nothing is
paid: the demo's period figures stay those of its cases."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from typing import Iterator

from ..models import User
from ..rules.errors import EvaluationError
from . import access, claim_steps, claims
from .context import Ledger
from .errors import InvalidInput
from .periods import parse_period

REVIEWER = "review02"  # the reviewer (初审) of the demo's second township, 锡矿山街道
COUNTY_REVIEWER = "county01"  # the county's reviewer (复核); the admin publishes, the clerk pays


@contextmanager
def _on(ledger: Ledger, day: dt.date) -> Iterator[None]:
    """Decisions taken on an earlier day (a notice already over by today)."""
    kept = ledger.today
    ledger.today = day
    try:
        yield
    finally:
        ledger.today = kept


def _quarter(year: int, today: dt.date) -> str | None:
    """The demo year's third quarter, or its latest quarter over twelve days or more before today
    (the demo's chain takes twelve days); None when none is."""
    for quarter in (3, 2, 1):
        key = f"{year}Q{quarter}"
        if parse_period(key).ends_on + dt.timedelta(days=12) < today:
            return key
    return None


def demo_claims(ledger: Ledger, admin: User, mediators: dict[str, User], password: str, year: int) -> int:
    """The claims made, by the villages of the second and third townships; 0 when the rules hold no
    chain or no quarter is over yet."""
    today = ledger.date()
    key = _quarter(year, today)
    try:
        chain = claims.chain_steps(ledger, today)[2] if key else []
    except EvaluationError:
        chain = []
    if [s.action for s in chain] != ["claim", "review", "review", "notice", "pay"]:
        return 0
    reviewer = access.add_user(ledger, admin, REVIEWER, "clerk", "LSJ-02", password=password)
    county = access.add_user(ledger, admin, COUNTY_REVIEWER, "clerk", "LSJ", password=password)
    made = 0

    def submit(village: str) -> str | None:
        nonlocal made
        try:
            claim = claims.submit(ledger, mediators[village], village, key)  # type: ignore[arg-type]
        except InvalidInput:  # a village with nothing to claim that quarter
            return None
        made += 1
        return claim.number

    start = today - dt.timedelta(days=12)
    with _on(ledger, start):
        submit("LSJ-03-01")  # left at 初审
        returned = submit("LSJ-02-01")
        reviewed, published, to_pay = submit("LSJ-02-02"), submit("LSJ-02-03"), submit("LSJ-02-04")
    with _on(ledger, start + dt.timedelta(days=1)):
        if returned:
            claim_steps.return_claim(ledger, reviewer, returned, "请补齐调解协议书与回访记录后重新申报")
        for number in (reviewed, published, to_pay):
            if number:
                view = claims.show(ledger, reviewer, number)
                if len(view.lines) > 1:
                    claim_steps.reject_line(ledger, reviewer, number, view.lines[-1][1].number, "卷宗缺调解协议书")
                claim_steps.accept(ledger, reviewer, number)
    with _on(ledger, start + dt.timedelta(days=2)):
        for number in (published, to_pay):
            if number:
                claim_steps.accept(ledger, county, number)
        if to_pay:
            claim_steps.publish(ledger, admin, to_pay)
    with _on(ledger, start + dt.timedelta(days=4)):
        if to_pay:
            view = claims.show(ledger, admin, to_pay)
            objection = claim_steps.object_to(ledger, admin, to_pay, view.accepted[0][1].number, "村民王某",
                                              "该纠纷当事人已另行起诉")
            claim_steps.resolve(ledger, admin, objection.number, upheld=False)
    if published:
        with _on(ledger, today - dt.timedelta(days=2)):
            claim_steps.publish(ledger, admin, published)
            view = claims.show(ledger, admin, published)
            claim_steps.object_to(ledger, admin, published, view.accepted[0][1].number, "村民李某", "调解协议未履行")
    return made
