"""A demo ledger: a county with townships and village stations, mediators, a year of cases
across categories and severities, two collectives, banquet filings and one closed period.

The cases are made up (seeded, so every demo is the same); everything computed from them —
rewards, caps, levels, dividends, banquet violations — is computed by the real rules.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from ..models import Case, User
from ..store.messages import Conflict
from . import access, banquets, dividends, people, periods, reviews
from . import matters as matter_book
from . import meetings as meeting_book
from .context import Ledger
from .demo_claims import demo_claims
from .demo_visits import demo_visits
from .importer import start_levels
from .policy_changes import start_rules

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志文斌海燕春林云飞德福"
TOWNSHIPS = {
    "LSJ-01": ("沙塘湾街道", ["新建村", "沙塘湾社区", "联盟村", "光明村"]),
    "LSJ-02": ("锡矿山街道", ["七里江村", "南矿社区", "长龙村", "飞水岩村"]),
    "LSJ-03": ("禾青镇", ["石湾村", "高车村", "杨源村", "合群村"]),
}
CATEGORY_WEIGHTS = {
    "neighbour": 22, "marriage_family": 18, "housing_land": 14, "contract": 8, "damages": 8, "forest_land": 6,
    "labour": 5, "land_acquisition": 4, "business": 3, "traffic": 4, "consumer": 2, "environment": 2,
    "property_mgmt": 2, "medical": 1, "other": 1,
}
SEVERITY_WEIGHTS = {"simple": 35, "ordinary": 45, "difficult": 15, "major": 5}
SETTLED_BY_WEIGHTS = {"village_committee": 50, "mediation_committee": 25, "village_group": 15, "township": 10}
# Every demo user signs in with this one password (the README and the demo's output say it). Only
# the demo uses it: a real ledger's users are given their own.
DEMO_PASSWORD = "tiaojie-demo"
OCCASIONS = ["wedding", "funeral", "longevity", "birth", "school", "housewarming", "birthday"]


@dataclass
class DemoSummary:
    units: int
    users: int
    cases: int
    closed_period: str
    computed_periods: list[str]
    collectives: int
    banquet_filings: int
    cadres: int = 0
    reviews: int = 0
    matters: int = 0
    meetings: int = 0
    claims: int = 0


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def build_demo(ledger: Ledger, *, year: int = 2026, seed: int = 2026) -> DemoSummary:
    """Fill an empty ledger. Refuses a ledger that already has users."""
    rng = random.Random(seed)
    with ledger.uow() as uow:
        if uow.users.count():
            raise Conflict("user_exists", user=uow.users.list()[0].name)
    start_rules(ledger)  # a new ledger starts on the set it was opened with, activated (in the audit log)
    admin, clerk, mediators, villages = _organisation(ledger)
    end = min(ledger.date(), dt.date(year, 12, 31))
    if end < dt.date(year, 3, 1):
        end = dt.date(year, 12, 31)
    with ledger.uow() as uow:
        unit_ids = {u.code: u.id for u in uow.units.list() if u.id is not None}
    cases = _cases(rng, year, end, villages, unit_ids, mediators)
    cases = _case_files(ledger, random.Random(seed + 1), cases)  # its own draws: the cases stay the same
    # Each case starts at the level the escalation policy gives it, as one added alone would.
    cases = start_levels(ledger, cases, {v: k for k, v in unit_ids.items()})
    with ledger.uow() as uow:
        uow.cases.add_many(cases)
        uow.audit(admin.name, "demo", "cases", None, None, {"cases": len(cases), "seed": seed, "year": year})
        uow.commit()
    _escalate_some(ledger, end, mediators, {v: k for k, v in unit_ids.items()})
    months = sorted({c.settled_on.strftime("%Y-%m") for c in cases if c.settled_on})
    closed = months[0] if months else f"{year}-01"
    if periods.parse_period(closed).ends_on < ledger.date():  # a month still running cannot be closed
        periods.close(ledger, clerk, closed)
    else:
        closed = "—"
    for key in months[1:]:
        periods.compute(ledger, clerk, key, with_lines=False)  # the months the clerk has looked at
    _collectives(ledger, clerk, rng, year)
    filings = _banquets(ledger, rng, year, end, villages, mediators)
    cadres, reviewed = _reviews(ledger, clerk, rng, year, end, villages)
    demo_visits(ledger, clerk, mediators, seed, year, villages)
    raised, held = _matters(ledger, mediators[villages[0][0]], end, villages[0][0])
    claimed = demo_claims(ledger, admin, mediators, DEMO_PASSWORD, year)
    with ledger.uow() as uow:
        users = len(uow.users.list())
        units = len(uow.units.list())
    return DemoSummary(units, users, len(cases), closed, months, 2, filings, cadres, reviewed, raised, held, claimed)


def _organisation(ledger: Ledger) -> tuple[User, User, dict[str, User], list[tuple[str, str]]]:
    """The county, its townships and village stations, and a user per role: (admin, clerk,
    mediator by village code, villages as (code, name))."""
    admin = access.add_user(ledger, None, "admin", "admin", password=DEMO_PASSWORD)
    access.add_unit(ledger, admin, "LSJ", "冷水江市", "county")
    villages: list[tuple[str, str]] = []
    for code, (name, village_names) in TOWNSHIPS.items():
        access.add_unit(ledger, admin, code, name, "township", "LSJ")
        for i, village in enumerate(village_names, start=1):
            vcode = f"{code}-{i:02d}"
            access.add_unit(ledger, admin, vcode, village, "village", code)
            villages.append((vcode, village))
    clerk = access.add_user(ledger, admin, "clerk", "clerk", "LSJ", password=DEMO_PASSWORD)
    access.add_user(ledger, admin, "policy", "policy", "LSJ", password=DEMO_PASSWORD)
    mediators = {}
    for n, (vcode, _) in enumerate(villages, start=1):
        mediators[vcode] = access.add_user(ledger, admin, f"med{n:02d}", "mediator", vcode, password=DEMO_PASSWORD)
    return admin, clerk, mediators, villages


def _cases(rng: random.Random, year: int, end: dt.date, villages: list[tuple[str, str]], unit_ids: dict[str, int],
           mediators: dict[str, User]) -> list[Case]:
    """A year of cases per village station, up to `end`."""
    span = (end - dt.date(year, 1, 1)).days
    cases: list[Case] = []
    for vcode, _ in villages:
        for n in range(rng.randint(30, 55)):
            cases.append(_case(rng, year, end, span, unit_ids[vcode], vcode, n, mediators[vcode].name))
    return [c.model_copy(update={"closed_on": None}) if c.closed_on and c.closed_on > end else c for c in cases]


def _case(rng: random.Random, year: int, end: dt.date, span: int, unit_id: int, vcode: str, n: int,
          mediator: str) -> Case:
    received = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, span))
    severity = _pick(rng, SEVERITY_WEIGHTS)
    age = (end - received).days
    roll = rng.random()
    settles = received + dt.timedelta(days=rng.randint(0, 20))
    settled_on: dt.date | None = settles
    if settles > end or (age < 30 and roll < 0.35):
        status, settled_on = rng.choice(["received", "mediating"]), None
    elif roll < 0.08:
        status = "failed"
    elif roll < 0.10:
        status = "withdrawn"
    else:
        status = "settled"
    settled_by = _pick(rng, SETTLED_BY_WEIGHTS) if status in ("settled", "failed") else None
    if severity in ("difficult", "major") and settled_by and rng.random() < 0.4:
        settled_by = "township"
    parties = [_name(rng) for _ in range(rng.choice((2, 2, 2, 3, 4)))]
    return Case(
        unit_id=unit_id, number=f"{received.year}-{vcode[-5:]}-{n + 1:03d}",
        source=rng.choice(["application"] * 6 + ["initiative"] * 3 + ["transfer", "entrusted", "assigned"]),
        category=_pick(rng, CATEGORY_WEIGHTS), severity=severity,
        urgency="urgent" if rng.random() < 0.07 else "normal",
        parties=parties, persons_involved=len(parties) + rng.choice((0, 0, 1, 3)),
        amount_involved=Decimal(rng.choice((0, 0, 500, 1200, 3000, 8000, 20000, 56000))),
        received_on=received, accepted_on=received, settled_on=settled_on,
        closed_on=settled_on + dt.timedelta(days=rng.randint(0, 10)) if settled_on and status != "settled" or (settled_on and rng.random() < 0.7) else None,
        status=status, settled_by=settled_by, mediators=[mediator],
        agreement_kind=(rng.choice(["oral", "written", "written"]) if status == "settled" else None),
        agreement_fulfilled=status == "settled" and rng.random() < 0.9,
        follow_up_done=status == "settled" and rng.random() < 0.7,
        file_complete=status in ("settled", "failed") and rng.random() < 0.85,
        needs_verification=rng.random() < 0.2,
    )


def _case_files(ledger: Ledger, rng: random.Random, cases: list[Case]) -> list[Case]:
    """What each case's file holds, as a station keeps it: the intake papers while mediating; the
    required items once settled — all of them where the file is complete, one or two short
    where not — and the follow-up and performance papers a settled case gathers; a failed
    mediation's file has no agreement."""
    fdef = ledger.vocabulary.fields.get("case_file")
    if fdef is None or fdef.type != "checklist":  # rules of the county's own, without a case file
        return cases
    required = fdef.required_items()
    filed = []
    for case in cases:
        if case.status in ("received", "mediating", "withdrawn"):
            items = required[:3]
        elif case.status == "failed":  # no agreement was reached, so the file has none
            items = [item for item in required if item != "agreement"]
        elif case.file_complete:
            items = required + [item for item, kept in (("performance", case.agreement_fulfilled),
                                                        ("follow_up", case.follow_up_done)) if kept]
        else:
            lacking = set(rng.sample(required[2:], rng.choice((1, 1, 2))))
            items = [item for item in required if item not in lacking]
        ticked = [item for item in fdef.items() if item in items]
        filed.append(case.model_copy(update={"extra": {**case.extra, "case_file": ticked}}))
    return filed


def _escalate_some(ledger: Ledger, end: dt.date, mediators: dict[str, User], unit_codes: dict[int, str]) -> None:
    """Some open matters the villages could not answer in time went up a level."""
    from ..store.case_repository import CaseFilter
    from .cases import escalate_case

    with ledger.uow() as uow:
        open_cases = uow.cases.list(CaseFilter(statuses=ledger.open_statuses()))
    for case in [c for c in open_cases if c.level != "county"][:: max(1, len(open_cases) // 12)][:12]:
        if case.id is None:
            continue
        escalate_case(ledger, mediators[unit_codes[case.unit_id]], case.id, on=min(end, case.received_on + dt.timedelta(days=8)),
                      reason="村级未能按期答复，报乡镇群众工作办")


def _collectives(ledger: Ledger, clerk: User, rng: random.Random, year: int) -> None:
    """禹王 (fixed 4% on invested subsidies) and 金胜 (revenue share), each with a year's run."""
    dividends.add_collective(ledger, clerk, "YW", "禹王社区股份经济合作社", "LSJ-01-02", policy_id="collective-dividend")
    dividends.setup_collective(
        ledger, clerk, "YW",
        share_classes=[{"code": "member", "name": "成员股", "weight": 1}, {"code": "labour", "name": "劳龄股", "weight": "0.5"}],
        members=[{"member_no": f"{i:03d}", "name": _name(rng), "household": f"{i:03d}户",
                  "holdings": {"member": rng.randint(1, 5), **({"labour": rng.randint(1, 3)} if rng.random() < 0.4 else {})}}
                 for i in range(1, 31)],
        investments=[{"project": "财政补助资金量化入股（3.1 亿元项目）", "principal": Decimal("9000000"), "rate": Decimal("0.04"),
                      "starts_on": dt.date(year - 1, 1, 1), "source": "都江堰 禹王社区"}],
    )
    dividends.add_collective(ledger, clerk, "JS", "金胜社区集体经济组织", "LSJ-02-02", policy_id="revenue-share")
    dividends.setup_collective(
        ledger, clerk, "JS",
        share_classes=[{"code": "member", "name": "成员股", "weight": 1}],
        members=[{"member_no": f"{i:03d}", "name": _name(rng), "holdings": {"member": 1}} for i in range(1, 26)],
    )
    dividends.run_dividend(ledger, clerk, "YW", year)
    dividends.run_dividend(ledger, clerk, "JS", year, income=Decimal("200000"))


def _banquets(ledger: Ledger, rng: random.Random, year: int, end: dt.date, villages: list[tuple[str, str]],
              mediators: dict[str, User]) -> int:
    """Banquet filings of six villages, checked against the banquet policy; how many."""
    span = (end - dt.date(year, 1, 1)).days
    filings = 0
    for vcode, _ in villages[:6]:
        for _ in range(rng.randint(3, 6)):
            held = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(10, span))
            occasion = rng.choice(OCCASIONS)
            filing = banquets.build_filing(
                ledger, unit=vcode, household=f"{_name(rng)}家", occasion=occasion, held_on=held,
                days=rng.choice((1, 1, 1, 2, 3)), tables=rng.choice((6, 10, 12, 15, 18, 22, 30)),
                gift=rng.choice((50, 80, 100, 100, 200, 400)), filed_on=held - dt.timedelta(days=rng.choice((2, 7, 10, 14))),
                host_age=rng.randint(55, 90) if occasion == "longevity" else None,
            )
            banquets.file_banquet(ledger, mediators[vcode], filing)
            filings += 1
    return filings


POSTS = ("村党支部书记", "村委会主任", "村委委员")


def _reviews(ledger: Ledger, clerk: User, rng: random.Random, year: int, end: dt.date,
             villages: list[tuple[str, str]]) -> tuple[int, int]:
    """Three cadres in each of the first three villages and, once the half-year is over, their
    first-half review — one cadre at 40% dissatisfied, the line the review policy draws; (cadres,
    reviews)."""
    cadres = reviewed = 0
    review_on = dt.date(year, 6, 28)
    for vcode, _ in villages[:3]:
        for post in POSTS:
            cadre = people.add_person(ledger, clerk, unit=vcode, name=_name(rng), post=post, party_member=rng.random() < 0.7)
            cadres += 1
            if review_on > end:
                continue
            respondents = rng.randrange(60, 121, 5)
            dissatisfied = respondents * 2 // 5 if reviewed == 1 else rng.randint(0, respondents // 4)
            reviews.record_review(ledger, clerk, unit=vcode, cadre=cadre.name, review_on=review_on,
                                  respondents=respondents, dissatisfied=dissatisfied)
            reviewed += 1
    return cadres, reviewed


MATTERS = (  # (raised by, what they ask, urgency, parties concerned, days before the demo's last day)
    ("沙坪村三组村民", "灌溉水渠堵塞，稻田缺水", "normal", ("village", "company"), 40),
    ("合作社社员", "上季度分红迟迟未发", "normal", ("company", "village", "government"), 38),
    ("王大妈等五户", "连日降雨，后山滑坡威胁住房", "urgent", ("village", "government", "experts"), 10),
)


def _matters(ledger: Ledger, mediator: User, end: dt.date, village: str) -> tuple[int, int]:
    """Three matters in one village, the monthly meeting the rules send the normal ones to and the
    emergency meeting for the urgent one, each with its consensus and measures — one measure left
    past its due date (overdue), one carried out — and one matter resolved; (matters, meetings).
    The meeting days are the ones the escalation policy gave the matters, not dates of the demo's."""
    raised = [matter_book.add_matter(ledger, mediator, unit=village, raised_by=who, summary=what, urgency=urgency,
                                     parties=parties, raised_on=end - dt.timedelta(days=before))
              for who, what, urgency, parties, before in MATTERS]
    monthly = min(m.meeting_by for m in raised if m.meeting_kind == "monthly")
    urgent = next(m for m in raised if m.meeting_kind == "emergency")
    held = 0
    for kind, day in (("monthly", monthly), ("emergency", urgent.meeting_by)):
        meeting = meeting_book.plan_meeting(ledger, mediator, unit=village, held_on=day, kind=kind)
        held += 1
        for name, party in (("周经理", "company"), ("李支书", "village"), ("杨副乡长", "government"),
                            ("陈教授", "experts")):
            meeting_book.attend(ledger, mediator, meeting.number, name=name, party=party)
        for item in meeting_book.meeting_detail(ledger, mediator, meeting.number).items:
            number = item.matter.number
            meeting_book.decide(ledger, mediator, meeting.number, matter=number,
                                consensus=f"四方同意先行处置「{item.matter.summary}」，办公室协调落实")
            first = meeting_book.add_measure(ledger, mediator, meeting.number, matter=number, action="现场核实并提出方案",
                                             owner="李支书", due_on=day + dt.timedelta(days=2))
            meeting_book.mark_done(ledger, mediator, f"{meeting.number}/{first.seq}", done_on=day + dt.timedelta(days=1))
            if kind == "emergency":  # still within its time
                meeting_book.add_measure(ledger, mediator, meeting.number, matter=number, action="搬迁受威胁住户并排危",
                                         owner="杨副乡长", due_on=end + dt.timedelta(days=20))
                continue
            second = meeting_book.add_measure(ledger, mediator, meeting.number, matter=number, action="组织施工或兑付",
                                              owner="周经理", due_on=day + dt.timedelta(days=3))
            if number == raised[0].number:
                meeting_book.mark_done(ledger, mediator, f"{meeting.number}/{second.seq}",
                                       done_on=day + dt.timedelta(days=3))
            # the other is left undone: past its due date it shows as overdue
    matter_book.close_matter(ledger, mediator, raised[0].number, resolved=True, closed_on=end,
                             reason="水渠已清淤，恢复灌溉")
    return len(raised), held
