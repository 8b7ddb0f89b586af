"""The `tiaojie` command as policy staff and scripts use it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tiaojie.cli import app

REPO = Path(__file__).resolve().parent.parent
RULES = REPO / "rules"
runner = CliRunner()


def run(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES, target)
    return target


def test_check_passes_on_shipped_rules():
    result = run("--rules", str(RULES), "rules", "check")
    assert result.exit_code == 0, result.output
    assert "规则检查通过" in result.output


def test_check_reports_file_and_line_and_exits_1(rules_copy: Path):
    path = rules_copy / "mediation-reward-2026.toml"
    text = path.read_text(encoding="utf-8").replace('when = { status = "settled", severity = "major"', 'when = { status = "settled", severity = "majr"')
    path.write_text(text, encoding="utf-8")
    line = next(i for i, text_line in enumerate(text.splitlines(), 1) if '"majr"' in text_line)
    result = run("--rules", str(rules_copy), "rules", "check")
    assert result.exit_code == 1
    assert f"mediation-reward-2026.toml:{line}:" in result.output
    assert "majr" in result.output and "major" in result.output  # names the bad value and suggests
    english = run("--rules", str(rules_copy), "--lang", "en", "rules", "check")
    assert "did you mean 'major'" in english.output


def test_rules_test_counts_examples_and_passes():
    from tiaojie.rules.service import open_rules

    examples = sum(len(p.examples) for p in open_rules(RULES).book.all())
    result = run("--rules", str(RULES), "rules", "test")
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == f"示例 {examples} 个通过，0 个未通过"


def test_rules_test_shows_the_difference_and_unreached_rows(rules_copy: Path):
    path = rules_copy / "mediation-reward-2026.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("expect = { amount = 500, fired = [\"major\"] }", "expect = { amount = 600, fired = [\"major\"] }", 1)
    # a third row that no example reaches
    text = text.replace("[[cap]]", '[[rule]]\nid = "orphan"\ntitle = "无示例的规则"\nwhen = { status = "received" }\nthen = { amount = 1 }\n\n[[cap]]')
    path.write_text(text, encoding="utf-8")
    result = run("--rules", str(rules_copy), "rules", "test")
    assert result.exit_code == 1
    assert "奖励金额 期望 600.00，实际 500.00" in result.output
    assert "mediation-reward-2026.toml:" in result.output
    assert "「orphan」没有示例覆盖" in result.output
    assert result.output.strip().splitlines()[-1].endswith("1 个未通过")


def test_lint_finds_shadowed_rows_overlaps_and_gaps(rules_copy: Path):
    (rules_copy / "fees-2026.toml").write_text('''
[policy]
id = "fees"
kind = "table"
title = "调解服务收费"
version = "1"
effective_from = 2026-01-01
source = "test"
hit = "unique"
inputs = ["severity", "persons_involved"]

[outputs.fee]
type = "money"
title = "费用"

[[rule]]
id = "big"
title = "人数多"
when = { persons_involved = { gte = 10 } }
then = { fee = "20 * persons_involved" }

[[rule]]
id = "major"
title = "重大"
when = { severity = "major" }
then = { fee = 300 }
''', encoding="utf-8")
    path = rules_copy / "canteen-meal-2026.toml"
    text = path.read_text(encoding="utf-8")
    # a row after age ≥ 60 that can only ever see cases age ≥ 60 already took
    text = text.replace("[[example]]", '[[rule]]\nid = "age-65"\ntitle = "65 岁以上"\nwhen = { age = { gte = 65 } }\nthen = { eligible = true, price = 7.5 }\n\n[[example]]', 1)
    path.write_text(text, encoding="utf-8")
    result = run("--rules", str(rules_copy), "rules", "lint", "--strict")
    assert result.exit_code == 1
    out = result.output
    assert "「age-65」被前面的规则「age-80」" in out or "「age-65」被前面的规则「age-60」" in out or "age-65" in out
    assert "「big」与「major」重叠" in out
    assert "没有规则命中且无默认值" in out
    assert "例如：{" in out


def test_lint_is_clean_on_shipped_rules():
    result = run("--rules", str(RULES), "rules", "lint", "--strict")
    assert result.exit_code == 0, result.output


def test_show_lists_policies_with_versions_and_hashes():
    result = run("--rules", str(RULES), "rules", "show")
    assert result.exit_code == 0
    for policy in ("mediation-reward", "banquet", "collective-dividend", "escalation", "canteen-meal"):
        assert policy in result.output
    detail = run("--rules", str(RULES), "--lang", "en", "rules", "show", "mediation-reward")
    assert "major dispute settled" in detail.output and "amount = 500" in detail.output


def test_evaluate_one_case_from_stdin():
    case = {"status": "调解成功", "severity": "重大", "settled_by": "村委会", "settled_on": "2026-05-20"}
    result = run("--rules", str(RULES), "evaluate", "mediation-reward", "-", input=json.dumps(case))
    assert result.exit_code == 0, result.output
    outcome = json.loads(result.output)
    assert outcome["outputs"] == {"amount": "500.00"}
    assert outcome["fired"] == ["major"]
    assert outcome["version"] == "2026.1" and outcome["hash"].startswith("sha256:")
    assert "成功调处重大矛盾纠纷" in outcome["explanation"][0]
    english = json.loads(run("--rules", str(RULES), "--lang", "en", "evaluate", "mediation-reward", "-", input=json.dumps(case)).output)
    assert english["explanation"] == ["matched 'major dispute settled': reward 500.00 yuan"]


def test_evaluate_bad_input_names_the_field():
    result = run("--rules", str(RULES), "evaluate", "mediation-reward", "-", input='{"status": "settled", "severity": "huge"}')
    assert result.exit_code == 1
    assert "severity" in json.loads(result.output)["error"]


def test_evaluate_escalation_as_of(tmp_path: Path):
    case = {"severity": "major", "category": "land_acquisition", "urgency": "urgent", "received_on": "2026-01-10", "status": "mediating"}
    file = tmp_path / "case.json"
    file.write_text(json.dumps(case), encoding="utf-8")
    outcome = json.loads(run("--rules", str(RULES), "evaluate", "escalation", str(file), "--as-of", "2026-02-19").output)
    assert outcome["level"] == "county"
    assert outcome["due_on"] == "2026-02-09"
    assert outcome["days_overdue"] == 10


def test_batch_keeps_order_and_reports_bad_lines(tmp_path: Path):
    lines = [
        json.dumps({"status": "settled", "severity": "major", "settled_by": "village_group"}),
        "{not json",
        "",
        json.dumps({"status": "settled", "severity": "impossible"}),
        json.dumps({"status": "settled", "settled_by": "调委会"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"status": "failed"}),
    ]
    file = tmp_path / "cases.jsonl"
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("--rules", str(RULES), "evaluate", "mediation-reward", "--batch", str(file))
    assert result.exit_code == 1  # some lines failed
    out = [json.loads(row) for row in result.output.splitlines()]
    assert len(out) == 6  # the blank line gives nothing
    assert out[0]["outputs"]["amount"] == "500.00"
    assert out[1]["line"] == 2 and "JSON" in out[1]["error"]
    assert out[2]["line"] == 4 and "severity" in out[2]["error"]
    assert out[3]["outputs"]["amount"] == "200.00"
    assert out[4]["line"] == 6
    assert out[5]["outputs"]["amount"] == "0.00"


def test_console_script_runs_end_to_end(tmp_path: Path):
    """The installed entry point, as a separate process, run outside the repository."""
    exe = Path(sys.executable).parent / "tiaojie"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "tiaojie"]
    done = subprocess.run(cmd + ["--rules", str(RULES), "evaluate", "canteen-meal", "-"], input='{"age": 82}',
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["outputs"]["price"] == "6.00"
