"""Money is never paid from an error: while a case of a period cannot be evaluated, the period is
neither computed nor closed — the refusal names the case and why — and nothing is written."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from tiaojie.ledger import cases, periods
from tiaojie.ledger.context import Ledger
from tiaojie.ledger.errors import InvalidInput
from tiaojie.rules.service import open_rules

RULES = Path(__file__).resolve().parents[2] / "rules"

HEARINGS = """
[fields.hearing_count]
type = "int"
title = "听证次数"
"""

PER_HEARING = """
[[rule]]
id = "hearings"
title = "按听证次数补贴"
when = { status = "settled", severity = "difficult" }
then = { amount = "100 * hearing_count" }
"""


def _rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES, target)
    with (target / "fields.toml").open("a", encoding="utf-8") as fh:
        fh.write(HEARINGS)
    reward = target / "mediation-reward-2026.toml"
    text = reward.read_text(encoding="utf-8").replace('inputs = ["status", ', 'inputs = ["hearing_count", "status", ')
    head, sep, rest = text.partition("[[rule]]")
    reward.write_text(head + PER_HEARING.lstrip() + "\n" + sep + rest, encoding="utf-8")
    return target


@pytest.mark.parametrize("with_lines", [True, False])
def test_a_case_that_cannot_be_evaluated_stops_compute_and_close(engine, make_org, tmp_path, with_lines):
    rules = open_rules(_rules(tmp_path))
    try:
        from activated_rules import activated

        ledger = activated(Ledger(engine=engine, rules=rules, today=dt.date(2026, 6, 15)))
        org = make_org(ledger)
        good = cases.add_case(ledger, org.mediator, "C-T1-V1", number="OK-1", category="neighbour",
                              received_on="2026-05-02").case
        cases.settle_case(ledger, org.mediator, good.id, settled_on="2026-05-03", settled_by="村委会")
        # a difficult case is paid per hearing; without the count the rule cannot say how much
        with pytest.raises(InvalidInput):
            cases.add_case(ledger, org.mediator, "C-T1-V1", number="BAD-1", category="neighbour", severity="疑难",
                           received_on="2026-05-02", status="settled", settled_on="2026-05-04", settled_by="村委会")
        bad = cases.add_case(ledger, org.mediator, "C-T1-V1", number="BAD-1", category="neighbour", severity="疑难",
                             received_on="2026-05-02").case
        with ledger.uow() as uow:  # settled as an import would store it: no outcome judged at write
            uow.cases.update(bad.model_copy(update={"status": "settled", "settled_on": dt.date(2026, 5, 4),
                                                    "settled_by": "village_committee"}))
            uow.commit()
        with pytest.raises(InvalidInput) as computed:
            periods.compute(ledger, org.clerk, "2026-05", with_lines=with_lines)
        assert "C-T1-V1/BAD-1" in computed.value.message("zh") and "hearing_count" in computed.value.message("zh")
        with pytest.raises(InvalidInput) as closed:
            periods.close(ledger, org.clerk, "2026-05")
        assert "C-T1-V1/BAD-1" in closed.value.message("zh")
        with ledger.uow() as uow:  # nothing was paid, nothing locked
            assert uow.payouts.for_case(good.id) == []
            period = uow.periods.by_key("2026-05")
            assert period is None or period.status == "open"
        # once the case says how many hearings there were, the period pays both
        cases.edit_case(ledger, org.mediator, bad.id, hearing_count=3)
        periods.close(ledger, org.clerk, "2026-05")
        paid = sorted(line.amount for line in periods.show(ledger, "2026-05").lines)
        assert paid == [Decimal("200.00"), Decimal("300.00")]
    finally:
        rules.close()


ENVIRONMENT = """
[[rule]]
id = "environment"
title = "环境污染纠纷按听证次数补贴"
when = { status = "settled", category = "environment" }
then = { amount = "100 * hearing_count" }
"""


def test_a_draft_that_cannot_judge_a_stored_case_of_an_open_period_is_not_activated(ledger, org, tmp_path):
    from tiaojie.ledger.impact import impact
    from tiaojie.ledger.policy_changes import ActivationRefused, activate, history

    added = cases.add_case(ledger, org.mediator, "C-T1-V1", number="ENV-1", category="environment",
                           received_on="2026-05-02").case
    cases.settle_case(ledger, org.mediator, added.id, settled_on="2026-05-03", settled_by="村委会")
    draft_dir = _rules(tmp_path)
    reward = draft_dir / "mediation-reward-2026.toml"
    text = reward.read_text(encoding="utf-8").replace('inputs = ["hearing_count", ', 'inputs = ["category", "hearing_count", ')
    head, sep, rest = text.partition("[[rule]]")
    reward.write_text(head + ENVIRONMENT.lstrip() + "\n" + sep + rest, encoding="utf-8")
    draft = open_rules(draft_dir)
    try:
        report = impact(ledger, draft)
    finally:
        draft.close()
    assert report.unjudged_count == 1 and report.unjudged[0][0] == "C-T1-V1/ENV-1"
    before = ledger.rules
    with pytest.raises(ActivationRefused) as refused:
        activate(ledger, org.policy, draft_dir, accept_warnings=True)
    assert "C-T1-V1/ENV-1" in refused.value.message("zh") and "hearing_count" in refused.value.message("zh")
    assert ledger.rules is before and len(history(ledger)) == 1  # the starting set alone
