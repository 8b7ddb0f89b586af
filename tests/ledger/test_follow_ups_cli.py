"""`tiaojie followup …` end to end, on both databases, in Chinese and English: a seeded draw shown
with its seed and refused a second time, a visit's result typed as its Chinese label, the money it
moves said in words, and the reviewers' flags naming the cases by unit and 卷号."""

from __future__ import annotations

import random

from typer.testing import CliRunner

from tiaojie.cli import app
from tiaojie.ledger import cases, periods

runner = CliRunner()


def run(db_url, *args, user="王财务", lang=None):
    env = {"TIAOJIE_DB": db_url, "TIAOJIE_USER": user}
    return runner.invoke(app, [*(["--lang", lang] if lang else []), *args], env=env)


def _settled(ledger, org, number, on, **more):
    return cases.add_case(ledger, org.mediator, "C-T1-V1", number=number, category="neighbour", severity="ordinary",
                          received_on=more.pop("received", "2026-05-01"), status="settled", settled_on=on,
                          settled_by="村委会", **more).case


def test_draw_show_record_and_flags_from_the_command_line(ledger, org, db_url):
    numbers = [f"M-{i:02d}" for i in range(1, 6)]
    for number in numbers:
        _settled(ledger, org, number, "2026-05-10")
    _settled(ledger, org, "D-1", "2026-05-12", received="2026-05-03", parties=["赵甲", "钱乙"])
    _settled(ledger, org, "D-2", "2026-05-20", received="2026-05-15", parties=["钱乙", "赵甲"])
    population = sorted([*numbers, "D-1", "D-2"])

    drawn = run(db_url, "followup", "draw", "2026-05", "--unit", "C-T1-V1", "--seed", "回访-1")
    assert drawn.exit_code == 0, drawn.output
    assert "调解成功 7 件，抽取 3 件" in drawn.output and "种子 回访-1" in drawn.output
    picked = [population[i] for i in random.Random("2026-05:C-T1-V1:回访-1").sample(range(7), 3)]
    lines = [line for line in drawn.output.splitlines() if "C-T1-V1" in line and "待回访" in line]
    assert [line.split()[2] for line in lines] == picked

    again = run(db_url, "followup", "draw", "2026-05", "--unit", "C-T1-V1", "--seed", "another")
    assert again.exit_code == 1 and "Traceback" not in again.output and "不能重抽" in again.output
    by_mediator = run(db_url, "followup", "draw", "2026-04", user="李调解")
    assert by_mediator.exit_code == 1 and "Traceback" not in by_mediator.output

    # paid in a closed May under the 2026 policy, which says nothing of follow-ups: nothing clawed back
    periods.close(ledger, org.clerk, "2026-05")
    recorded = run(db_url, "followup", "record", f"C-T1-V1/{picked[0]}", "--result", "协议未履行",
                   "--note", "对方未按期付款", "--date", "2026-06-10")
    assert recorded.exit_code == 0, recorded.output
    assert f"已登记案件 {picked[0]}（沙坪村）的回访结果：协议未履行（2026-06-10）" in recorded.output
    assert "在 2026-05 已付 200.00 元，按现行规则仍应得 200.00 元，无需调整" in recorded.output
    shown = run(db_url, "followup", "show", "2026-05", "--unit", "C-T1-V1", lang="en")
    assert shown.exit_code == 0, shown.output
    assert "7 cases settled, 3 drawn" in shown.output and "agreement not fulfilled (2026-06-10)" in shown.output
    bad = run(db_url, "followup", "record", f"C-T1-V1/{picked[1]}", "--result", "也许")
    assert bad.exit_code == 1 and "「也许」" in bad.output and "Traceback" not in bad.output

    flags = run(db_url, "followup", "flags", "2026-05")
    assert flags.exit_code == 0, flags.output
    assert "疑似重复" in flags.output and "C-T1-V1/D-2（2026-05-15）" in flags.output
    none = run(db_url, "followup", "flags", "2026-04", lang="en")
    assert none.exit_code == 0 and "no case of 2026-04 to flag" in none.output
