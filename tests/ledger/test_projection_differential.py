"""One road from a stored case to its policies, checked end to end: over ten thousand generated
stored cases — every vocabulary field set at random, fields kept in `extra` and a derived field
among them — the single-case path, the period (per case and in aggregate), the impact scan, the
overdue scan and the ledger page give each case the same reward, level and overdue days.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import tomllib
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from tiaojie.ledger import period_rewards, periods, views
from tiaojie.ledger.context import Ledger
from tiaojie.ledger.impact import impact
from tiaojie.ledger.importer import start_levels
from tiaojie.ledger.overdue import overdue_scan
from tiaojie.models import Case, Escalation
from tiaojie.rules.errors import EvaluationError
from tiaojie.rules.service import open_rules
from tiaojie.store.case_repository import CaseFilter

RULES = Path(__file__).resolve().parents[2] / "rules"
TODAY = dt.date(2026, 12, 20)
N = 10_000

EXTRA_FIELDS = """
[fields.online_mediation]
type = "bool"
title = "线上调解"
title_en = "mediated online"

[fields.hearing_count]
type = "int"
title = "听证次数"
title_en = "hearings"

[fields.compensation]
type = "money"
title = "赔偿金额"
title_en = "compensation"
"""

BONUS = """
[policy]
id = "online-bonus"
kind = "reward"
title = "线上调解补贴"
version = "2026.1"
effective_from = 2026-01-01
source = "测试用：线上调解、听证次数与赔偿金额"
hit = "first"
date_field = "settled_on"
inputs = ["status", "online_mediation", "hearing_count", "compensation", "settled_on", "parties_count", "sessions", "unit"{derived_input}]

[default]
amount = 0

[[rule]]
id = "online-big"
title = "线上调解且赔偿金额较大"
when = {{ status = "settled", online_mediation = true, compensation = {{ gte = 10000 }} }}
then = {{ amount = "50 + 10 * hearing_count" }}

[[rule]]
id = "online"
title = "线上调解"
when = {{ status = "settled", online_mediation = true }}
then = {{ amount = 30 }}
{derived_rule}
[[rule]]
id = "crowded"
title = "多方当事人、多次调解"
when = {{ status = "settled", parties_count = {{ gte = 3 }}, sessions = {{ gte = 2 }}, unit = ["D-T1-V1", "D-T2-V1"] }}
then = {{ amount = 20 }}

[[example]]
given = {{ status = "settled", online_mediation = true, compensation = 20000, hearing_count = 2 }}
expect = {{ amount = 70, fired = ["online-big"] }}
"""

DERIVED_RULE = """
[[rule]]
id = "quick"
title = "三日内调结"
when = { status = "settled", days_to_settle = { lte = 3 } }
then = { amount = 15 }
"""


def _rules_dir(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES, target)
    with (target / "fields.toml").open("a", encoding="utf-8") as fh:
        fh.write(EXTRA_FIELDS)
    # days_to_settle is derived in the shipped vocabulary: settled_on - received_on
    (target / "online-bonus-2026.toml").write_text(BONUS.format(
        derived_input=', "days_to_settle"', derived_rule=DERIVED_RULE), encoding="utf-8")
    return target


def _generate(ledger: Ledger, unit_ids: list[int], rng: random.Random) -> list[Case]:
    vocab = ledger.vocabulary
    enum = {name: list(vocab.fields[name].enum_def.labels) for name in ("category", "severity", "settled_by", "source",
                                                                            "urgency", "agreement")}
    cases = []
    for i in range(N):
        received = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(340))
        status = rng.choice(["received", "mediating", "settled", "settled", "settled", "failed", "withdrawn"])
        settled = received + dt.timedelta(days=rng.choice([0, 1, 2, 3, 4, 9, 30])) if status in ("settled", "failed") else None
        if settled is not None and settled > TODAY:
            settled = TODAY
        extra: dict = {}
        if rng.random() < 0.6:
            extra["online_mediation"] = rng.random() < 0.5
        if rng.random() < 0.8:
            extra["hearing_count"] = rng.randrange(4)
        if rng.random() < 0.7:
            extra["compensation"] = rng.choice([0, 500_00, 999_999, 1_000_000, 2_500_000])  # fen
        cases.append(Case(
            unit_id=rng.choice(unit_ids), number=f"D{i:05d}", source=rng.choice(enum["source"]),
            category=rng.choice(enum["category"]), severity=rng.choice(enum["severity"]),
            urgency=rng.choice(enum["urgency"]), parties=["甲", "乙", "丙", "丁"][: rng.randrange(1, 5)],
            persons_involved=rng.choice([0, 2, 29, 30, 31]),
            amount_involved=Decimal(rng.choice(["0", "999999.99", "1000000", "12.5"])),
            received_on=received, accepted_on=received if rng.random() < 0.5 else None, settled_on=settled,
            closed_on=settled if settled and rng.random() < 0.3 else None, status=status,
            settled_by=rng.choice(enum["settled_by"]) if settled else None,
            mediators=["甲调解"][: rng.randrange(2)], agreement_kind=rng.choice([None, *enum["agreement"]]),
            agreement_fulfilled=rng.random() < 0.5, follow_up_done=rng.random() < 0.5,
            file_complete=rng.random() < 0.5, needs_verification=rng.random() < 0.3, extra=extra,
        ))
    return cases


@pytest.fixture
def generated(engine, tmp_path):
    from tiaojie.ledger import access

    rules = open_rules(_rules_dir(tmp_path))
    from activated_rules import activated

    ledger = activated(Ledger(engine=engine, rules=rules, today=TODAY))
    admin = access.add_user(ledger, None, "admin", "admin", password="tiaojie-demo")
    access.add_unit(ledger, admin, "D", "某县", "county")
    villages = []
    for t in (1, 2):
        access.add_unit(ledger, admin, f"D-T{t}", f"乡{t}", "township", "D")
        for v in (1, 2, 3):
            villages.append(access.add_unit(ledger, admin, f"D-T{t}-V{v}", f"村{t}{v}", "village", f"D-T{t}").id)
    rng = random.Random(20261130)
    codes = views.unit_codes(ledger)
    cases = start_levels(ledger, _generate(ledger, villages, rng), codes)
    with ledger.uow() as uow:
        assert uow.cases.add_many(cases) == N
        uow.commit()
    with ledger.uow() as uow:  # some went up by hand: their sessions, escalation counts and levels
        for case in uow.cases.list(CaseFilter())[::12]:
            step = Escalation(escalated_on=case.received_on, from_level=case.level, to_level="county", by_user="admin")
            uow.cases.add_escalation(case.id, step)
        uow.commit()
    yield ledger
    rules.close()


def _single(ledger: Ledger, cases: list[Case]) -> dict[int, dict[str, Decimal | None]]:
    """Each case's reward per policy, read case by case through the projection."""
    codes = views.unit_codes(ledger)
    out: dict[int, dict[str, Decimal | None]] = {}
    for case in cases:
        data = ledger.projection.case_input(case, codes[case.unit_id], "reward")
        found: dict[str, Decimal | None] = {}
        for policy_id in ledger.reward_policies():
            try:
                found[policy_id] = ledger.rules.evaluate(policy_id, data, case.settled_on or TODAY).amount()
            except EvaluationError:
                found[policy_id] = None
        out[case.id] = found
    return out


def test_every_path_gives_each_case_the_same_outputs(generated, tmp_path):
    ledger = generated
    with ledger.uow() as uow:
        cases = uow.cases.list()
    assert len(cases) == N
    by_id = {c.id: c for c in cases}
    single = _single(ledger, cases)
    policies = ledger.reward_policies()
    assert "online-bonus" in policies
    # the generated ledger exercises the extra fields: some cases earn the bonus by each rule
    bonus = [amounts["online-bonus"] for amounts in single.values()]
    assert {Decimal(30), Decimal(20), Decimal(15), None} <= set(bonus) and any(a and a >= 50 for a in bonus)

    # the period, case by case (what closing pays) and in aggregate (what compute shows)
    year = periods.parse_period("2026")
    with ledger.uow() as uow:
        units = {u.id: u for u in uow.units.list()}
        for policy_id in policies:
            skipped: list = []
            lines = period_rewards.case_lines(ledger, uow, policy_id, year, units, skipped)
            # a case the policy cannot judge (an output formula reads a field it lacks) is held
            # back by every path alike: never paid, named
            cannot = {cid for cid, a in single.items() if a[policy_id] is None and by_id[cid].settled_on}
            assert {cid for cid, _ in skipped} == cannot, policy_id
            paid = {line.case_id: line.gross for line in lines}
            expected = {cid: a[policy_id] for cid, a in single.items() if a[policy_id]}
            assert paid == expected, policy_id
            totals: dict = {}
            held: list = []
            assert period_rewards.aggregate(ledger, uow, policy_id, year, units, totals, set(), held)
            assert (len(held) > 0) == (len(cannot) > 0)
            per_payee: dict[str, Decimal] = defaultdict(Decimal)
            for line in lines:
                per_payee[line.payee] += line.gross
            assert {p: t.gross for p, t in totals.items()} == dict(per_payee), policy_id

    # the impact scan: a draft without the reward policies takes every case's reward away
    draft_dir = tmp_path / "draft"
    shutil.copytree(ledger.rules.book.directory, draft_dir)
    for path in draft_dir.glob("*.toml"):
        if tomllib.loads(path.read_text(encoding="utf-8")).get("policy", {}).get("kind") == "reward":
            path.unlink()
    draft = open_rules(draft_dir)
    try:
        report = impact(ledger, draft)
    finally:
        draft.close()
    codes = views.unit_codes(ledger)
    by_key = {f"{codes[c.unit_id]}/{c.number}": c.id for c in cases}
    for policy_id in policies:
        changed = {by_key[ch.case_id]: ch.old for ch in report.changes if ch.policy == policy_id}
        assert changed == {cid: a[policy_id] for cid, a in single.items() if a[policy_id]}, policy_id
        assert report.policies[policy_id].errors == sum(1 for a in single.values() if a[policy_id] is None)

    # overdue: the bulk scan, the per-case state and the ledger page under the overdue filter
    states = {}
    with ledger.uow() as uow:
        for start in range(0, N, 500):
            part = cases[start:start + 500]
            states.update(zip((c.id for c in part), views.case_states(ledger, uow, part, TODAY)))
        scanned = {row[0]: days for row, days in overdue_scan(ledger, uow, CaseFilter(), TODAY)}
    late = {cid for cid, state in states.items() if state.overdue > 0}
    assert 0 < len(late) < N
    assert {cid for cid, days in scanned.items() if days > 0} == late
    assert all(scanned[cid] == states[cid].overdue for cid in scanned)
    page = views.case_page(ledger, None, as_of=TODAY, overdue=True, size=N)
    assert {row.case.id for row in page.rows} == late
    assert all(row.state.overdue == states[row.case.id].overdue for row in page.rows)

    # the ledger page shows each case's state as the single-case view does: level and reward
    whole = views.case_page(ledger, None, as_of=TODAY, size=N)
    assert len(whole.rows) == N
    first = policies[0]
    for row in whole.rows:
        state = states[row.case.id]
        assert (row.state.level, row.state.overdue, row.state.due_on) == (state.level, state.overdue, state.due_on)
        expected_reward = single[row.case.id][first] if row.case.settled_on else None
        assert row.state.reward == expected_reward, row.case.number

