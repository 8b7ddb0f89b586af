"""`tiaojie household …` and `tiaojie visit …` end to end, on both databases, in Chinese and English:
an import's bad rows named by row and column, the duty report's coverage, unvisited households and
visits due."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tiaojie.cli import app
from tiaojie.ledger import people

runner = CliRunner()


def run(db_url, *args, user="王财务", lang=None):
    env = {"TIAOJIE_DB": db_url, "TIAOJIE_USER": user}
    return runner.invoke(app, [*(["--lang", lang] if lang else []), *args], env=env)


@pytest.fixture
def village(ledger, org):
    people.add_person(ledger, org.clerk, unit="C-T1-V1", name="张三", post="村党支部书记", party_member=True)
    people.add_person(ledger, org.clerk, unit="C-T1-V1", name="李四", post="村委会主任")
    return org


def _sheet(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_households_visits_and_the_duty_from_the_command_line(db_url, village, tmp_path):
    homes = _sheet(tmp_path / "农户.csv", ["村,户号,户主,村民小组,联系党员",
                                           "沙坪村,H01,王大,一组,张三", "沙坪村,H02,王二,一组,"])
    imported = run(db_url, "household", "import", str(homes))
    assert imported.exit_code == 0, imported.output
    assert "新增农户 2 户" in imported.output and "新增党员联系户 1 处" in imported.output
    one = run(db_url, "household", "add", "H03", "--unit", "C-T1-V1", "--head", "王三", "--address", "二组")
    assert "已登记农户 H03（户主 王三，沙坪村）" in one.output
    denied = run(db_url, "household", "add", "H04", "--unit", "C-T1-V1", "--head", "王四", user="李调解")
    assert denied.exit_code == 1 and "Traceback" not in denied.output
    listed = run(db_url, "household", "list", "--unit", "C-T1-V1")
    assert "王大" in listed.output and "张三" in listed.output

    added = run(db_url, "visit", "add", "H01", "--unit", "C-T1-V1", "--person", "张三", "--date", "2026-06-03",
                "--kind", "集中工作日", user="李调解")
    assert added.exit_code == 0, added.output
    assert "张三 于 2026-06-03 走访 H01（王大）" in added.output

    bad = _sheet(tmp_path / "走访.csv", ["村,户号,走访人,走访日期",
                                         "沙坪村,H01,李四,2026-05-01", "沙坪村,H02,李某,2026-05-02"])
    refused = run(db_url, "visit", "import", str(bad), user="李调解")
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert "第 3 行，走访人" in refused.output and "未写入任何数据" in refused.output
    in_english = run(db_url, "visit", "import", str(bad), user="李调解", lang="en")
    assert "row 3, 走访人" in in_english.output and "nothing was written" in in_english.output

    duty = run(db_url, "visit", "duty", "--as-of", "2026-06-15", "--unit", "C-T1-V1")
    assert duty.exit_code == 0, duty.output
    assert "截至 2026-06-15 的入户走访任务（入户走访任务 2026.1）" in duty.output  # the policy by its title
    units = run(db_url, "unit", "list")
    assert "沙坪村    村（社区）" in units.output and "乡镇" in units.output and " village " not in units.output
    assert " village " in run(db_url, "unit", "list", lang="en").output
    # 张三 visited H01 once of twice: 1 due there, 2 at H02 and H03; 李四 owes 6; H02, H03 nobody has seen
    committee = next(line for line in duty.output.splitlines() if line.startswith("沙坪村") and "两次" in line)
    assert committee.split()[2:8] == ["2026-01-01~2026-12-31", "3", "0", "0%", "1", "11"]
    assert committee.rstrip().endswith("H02 王二、H03 王三")
    english = run(db_url, "visit", "duty", "--as-of", "2026-06-15", lang="en")
    assert "still due" in english.output and "twice a year" in english.output and "尚需" not in english.output

    wrong = run(db_url, "visit", "duty", "--as-of", "2026-13-01")
    assert wrong.exit_code == 1 and "Traceback" not in wrong.output and "2026-13-01" in wrong.output
