"""The ledger commands end to end, through the real `tiaojie` app, on both databases."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from tiaojie.cli import app

RULES = Path(__file__).resolve().parents[2] / "rules"
runner = CliRunner()


def run(db_url, *args, user=None, lang=None):
    env = {"TIAOJIE_DB": db_url}
    if user:
        env["TIAOJIE_USER"] = user
    # no --rules: the demo starts on the bundled set (./rules here) activated, and writes use it
    return runner.invoke(app, [*(["--lang", lang] if lang else []), *args], env=env)


def test_demo_then_every_reading_command(db_url, tmp_path):
    result = run(db_url, "demo")
    assert result.exit_code == 0, result.output
    assert "已关闭期间 2026-01" in result.output

    stats = run(db_url, "stats", "--by", "unit")
    assert stats.exit_code == 0, stats.output
    assert "调成率" in stats.output and "合计" in stats.output
    english = run(db_url, "stats", "--by", "unit", lang="en")
    assert "settlement rate" in english.output and "total" in english.output and "调成率" not in english.output

    shown = run(db_url, "period", "show", "2026-01")
    assert shown.exit_code == 0 and "已关闭" in shown.output

    out = tmp_path / "jan.csv"
    exported = run(db_url, "statement", "2026-01", "--format", "csv", "-o", str(out))
    assert exported.exit_code == 0, exported.output
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert any(r[:1] == ["合计"] for r in rows)

    assert run(db_url, "audit", "verify").exit_code == 0
    assert run(db_url, "dividend", "show", "YW").exit_code == 0
    listing = run(db_url, "case", "list", "--unit", "LSJ-01", "--status", "调解成功", "--limit", "5", user="admin")
    assert listing.exit_code == 0 and "调解成功" in listing.output
    assert "违规" in run(db_url, "banquet", "list", user="admin").output


def test_writes_are_refused_clearly_without_traceback(db_url):
    assert run(db_url, "demo").exit_code == 0
    denied = run(db_url, "period", "close", "2026-03", user="med01")
    assert denied.exit_code == 1
    assert "无权关闭（锁定）期间" in denied.output and "may not close" not in denied.output
    assert "Traceback" not in denied.output
    in_english = run(db_url, "period", "close", "2026-03", user="med01", lang="en")
    assert in_english.exit_code == 1
    assert "may not close" in in_english.output and "无权" not in in_english.output

    locked = run(db_url, "case", "add", "LSJ-01-01", "LATE-1", "--category", "邻里", "--received", "2026-01-20", user="med01")
    assert locked.exit_code == 1 and "已关闭" in locked.output

    wrong = run(db_url, "case", "add", "LSJ-01-01", "X-0", "--category", "邻居", "--received", "2026-06-01",
                user="med01", lang="en")
    assert wrong.exit_code == 1
    assert wrong.output.count("field 'category'") == 1 and "'邻居'" in wrong.output and "字段" not in wrong.output

    nobody = run(db_url, "case", "add", "LSJ-01-01", "X-1", "--category", "邻里")
    assert nobody.exit_code == 1 and "TIAOJIE_USER" in nobody.output

    added = run(db_url, "case", "add", "LSJ-01-01", "X-2", "--category", "邻里", "--severity", "重大", "--received", "2026-06-01", user="med01")
    assert added.exit_code == 0, added.output
    settled = run(db_url, "case", "settle", "LSJ-01-01/X-2", "--by", "村委会", "--on", "2026-06-02", user="med01")
    assert settled.exit_code == 0 and "500.00" in settled.output

    # the number `case list` shows finds the case without its unit; its history reads in words
    assert run(db_url, "case", "edit", "X-2", "--set", "severity=一般", user="med01").exit_code == 0
    shown = run(db_url, "case", "show", "X-2", user="med01")
    assert shown.exit_code == 0 and shown.output.startswith("LSJ-01-01/X-2"), shown.output
    assert "med01 修改 (纠纷程度" in shown.output and "case.edit" not in shown.output
    other = run(db_url, "case", "add", "LSJ-01-02", "X-2", "--category", "邻里", "--received", "2026-06-01", user="admin")
    assert other.exit_code == 0, other.output
    assert run(db_url, "case", "show", "X-2", user="med01").exit_code == 0  # the other unit's X-2 is out of sight
    both = run(db_url, "case", "show", "X-2", user="admin")
    assert both.exit_code == 1 and "卷号「X-2」在多个单位都有" in both.output and "LSJ-01-02" in both.output
    sent = run(db_url, "case", "escalate", "LSJ-01-02/X-2", "--reason", "村里调不了", user="admin", lang="en")
    assert sent.exit_code == 0, sent.output
    up = run(db_url, "case", "show", "LSJ-01-02/X-2", user="admin", lang="en")
    assert "escalated from 'village station' to 'township office': 村里调不了 (admin)" in up.output, up.output

    # X-2 is settled in June, an open month: nothing paid yet for an adjustment to correct
    unpaid = run(db_url, "period", "adjust", "2026-12", "LSJ-01-01/X-2", "-30", "--reason", "多发", user="clerk")
    assert unpaid.exit_code == 1 and "Traceback" not in unpaid.output
    assert "案件 X-2（新建村）于 2026-06-02 调结，奖励尚未发放" in unpaid.output and "2026-06 关账时发放" in unpaid.output

    # the status 已上报 is the escalate command's, with the level and the reason
    assert run(db_url, "case", "add", "LSJ-01-01", "X-3", "--category", "邻里", "--received", "2026-06-01",
               user="med01").exit_code == 0
    by_hand = run(db_url, "case", "edit", "LSJ-01-01/X-3", "--set", "案件状态=已上报", user="med01")
    assert by_hand.exit_code == 1 and "Traceback" not in by_hand.output
    assert "案件 X-3" in by_hand.output and "「已上报」" in by_hand.output and "tiaojie case escalate" in by_hand.output
    in_english = run(db_url, "case", "edit", "LSJ-01-01/X-3", "--set", "status=escalated", user="med01", lang="en")
    assert in_english.exit_code == 1 and "case X-3" in in_english.output and "tiaojie case escalate" in in_english.output
    escalated = run(db_url, "case", "escalate", "LSJ-01-01/X-3", "--reason", "村级无法调处", user="med01")
    assert escalated.exit_code == 0 and "已上报" in escalated.output, escalated.output


def test_unreachable_database_message():
    result = runner.invoke(app, ["--rules", str(RULES), "stats", "--db", "postgresql://nobody@127.0.0.1:9/none"])
    assert result.exit_code == 1
    assert "无法连接数据库" in result.output and "cannot connect" not in result.output
    assert "Traceback" not in result.output
    english = runner.invoke(app, ["--lang", "en", "stats", "--db", "postgresql://nobody@127.0.0.1:9/none"])
    assert english.exit_code == 1 and "cannot connect to the database" in english.output


def test_import_command_reports_rows(db_url, tmp_path):
    assert run(db_url, "demo").exit_code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("单位,卷号,纠纷类型,受理日期,涉及金额\nLSJ-01-01,H1,邻里,2026-06-01,-3\nLSJ-01-01,H2,邻居,2026-13-01,5\n", encoding="utf-8")
    result = run(db_url, "import", str(bad), user="clerk")
    assert result.exit_code == 1
    assert "第 2 行，涉及金额" in result.output and "第 3 行，纠纷类型" in result.output and "第 3 行，受理日期" in result.output
    english = run(db_url, "import", str(bad), user="clerk", lang="en")
    assert english.exit_code == 1
    assert "row 2" in english.output and "nothing was written" in english.output
    good = tmp_path / "good.csv"
    good.write_text("unit,number,category,received_on\nLSJ-01-01,H1,neighbour,2026-06-01\n", encoding="utf-8")
    first = run(db_url, "import", str(good), user="clerk")
    assert first.exit_code == 0 and "导入 1 件" in first.output
    again = run(db_url, "import", str(good), user="clerk")
    assert "导入 0 件，已存在跳过 1 件" in again.output
