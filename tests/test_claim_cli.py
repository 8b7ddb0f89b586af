"""`tiaojie claim …` end to end on both databases, in Chinese and English: a quarter claimed, a line
rejected with its reason, passed on, the notice's objection resolved, paid; who may not act twice,
and the public notice written with the parties' names masked."""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from tiaojie.cli import app

runner = CliRunner()
PASSWORD = "tiaojie-demo"  # conftest.TEST_PASSWORD: every test user's, read from TIAOJIE_PASSWORD


def run(db_url, *args, user="王财务", lang=None):
    env = {"TIAOJIE_DB": db_url, "TIAOJIE_USER": user}
    return runner.invoke(app, [*(["--lang", lang] if lang else []), *args], env=env)


@pytest.fixture
def county(db_url):
    """A county, a township, a village with three cases settled in 2026Q3 (500 + 200 + 200 yuan),
    and one user for each step of the shipped chain."""
    from tiaojie.ledger import access, cases
    from tiaojie.ledger.bootstrap import create_ledger

    ledger, _ = create_ledger(db_url, today=dt.date(2026, 9, 30))
    admin = access.add_user(ledger, None, "admin", "admin", password=PASSWORD)
    access.add_unit(ledger, admin, "C", "冷水江市", "county")
    access.add_unit(ledger, admin, "C-T1", "沙坪乡", "township", "C")
    access.add_unit(ledger, admin, "C-T1-V1", "沙坪村", "village", "C-T1")
    for name, role, unit in (("李调解", "mediator", "C-T1-V1"), ("赵初审", "clerk", "C-T1"), ("王财务", "clerk", "C"),
                             ("孙公示", "clerk", "C")):
        access.add_user(ledger, admin, name, role, unit, password=PASSWORD)
    for number, day, severity in (("Q3-001", "2026-07-10", "major"), ("Q3-002", "2026-08-11", "ordinary"),
                                  ("Q3-003", "2026-09-12", "ordinary")):
        case = cases.add_case(ledger, admin, "C-T1-V1", number=number, category="neighbour", severity=severity,
                              received_on=day, parties=["张三丰", "李四"]).case
        cases.settle_case(ledger, admin, case.id, settled_on=day, settled_by="mediation_committee")
    yield ledger
    ledger.close()


def test_a_claim_from_the_command_line(db_url, county, tmp_path):
    from tiaojie.ledger import claim_steps
    from tiaojie.ledger.access import resolve_user

    submitted = run(db_url, "claim", "submit", "C-T1-V1", "2026Q3", user="李调解")
    assert submitted.exit_code == 0, submitted.output
    assert "已提交申报 C-T1-V1-2026Q3：3 件，900.00 元；下一环节「初审」" in submitted.output
    number = "C-T1-V1-2026Q3"

    own = run(db_url, "claim", "accept", number, user="李调解", lang="en")
    assert own.exit_code == 1 and "Traceback" not in own.output
    assert "cannot act at the 'first review' step" in own.output

    rejected = run(db_url, "claim", "reject-line", number, "Q3-002", "--reason", "卷宗缺调解协议书", user="赵初审")
    assert rejected.exit_code == 0, rejected.output
    assert run(db_url, "claim", "accept", number, user="赵初审").exit_code == 0
    moved = run(db_url, "claim", "accept", number, user="王财务")
    assert "下一环节「公示」" in moved.output
    twice = run(db_url, "claim", "publish", number, user="王财务")
    assert twice.exit_code == 1 and "已办理申报 C-T1-V1-2026Q3 的「复核」环节" in twice.output
    twice_en = run(db_url, "claim", "publish", number, user="王财务", lang="en")
    assert "each step of a claim is taken by someone else" in twice_en.output

    # the notice ran from 14 to 20 October, with one objection raised during it
    county.today = dt.date(2026, 10, 14)
    clerk = resolve_user(county, "孙公示")
    claim_steps.publish(county, clerk, number)
    county.today = dt.date(2026, 10, 16)
    claim_steps.object_to(county, clerk, number, "Q3-003", "村民王五", "该纠纷未实际调处")
    late = run(db_url, "claim", "object", number, "Q3-001", "--by", "村民赵六", "--text", "金额不对", user="孙公示")
    assert late.exit_code == 1 and "公示已于 2026-10-20 结束" in late.output

    pending = run(db_url, "claim", "pay", number, user="admin", lang="en")
    assert pending.exit_code == 1 and f"{number}-O1" in pending.output and "resolve them" in pending.output
    resolved = run(db_url, "claim", "resolve", f"{number}-O1", "--dismissed", user="孙公示")
    assert resolved.exit_code == 0 and "不成立" in resolved.output

    paid = run(db_url, "claim", "pay", number, user="admin")
    assert paid.exit_code == 0, paid.output
    assert "申报 C-T1-V1-2026Q3 已拨付：2 件，700.00 元，记入期间 2026Q3" in paid.output

    shown = run(db_url, "claim", "show", number, user="李调解")
    assert shown.exit_code == 0, shown.output
    assert "核减：1 件，200.00 元" in shown.output and "卷宗缺调解协议书" in shown.output and "赵初审" in shown.output
    for step in ("申报", "初审", "复核", "公示", "拨付"):
        assert step in shown.output
    assert "已拨付" in shown.output
    listed = run(db_url, "claim", "list", user="赵初审", lang="en")
    assert number in listed.output and "paid" in listed.output and "700.00" in listed.output

    page = tmp_path / "公示.html"
    written = run(db_url, "claim", "notice", number, "-o", str(page), user="孙公示")
    assert written.exit_code == 0, written.output
    html = page.read_text(encoding="utf-8")
    assert "张**" in html and "张三丰" not in html and "Q3-001" in html and "Q3-002" not in html
    assert "700.00" in html
