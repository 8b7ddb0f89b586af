"""`tiaojie rules diff A B`: changes in the words a policy officer reads."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from tiaojie.cli import app
from tiaojie.rules.diff import diff_books
from tiaojie.rules.loader import load_rules

REPO = Path(__file__).resolve().parent.parent


def _copy(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(REPO / "rules", target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_raising_the_major_reward_reads_500_to_600(tmp_path):
    new = _copy(tmp_path, "new")
    _edit(new / "mediation-reward-2026.toml", "then = { amount = 500 }", "then = { amount = 600 }")
    changes = diff_books(load_rules(REPO / "rules"), load_rules(new))
    assert [c.render("zh") for c in changes] == ["mediation-reward: 「成功调处重大矛盾纠纷」奖励金额 500.00 → 600.00"]
    assert changes[0].render("en") == "mediation-reward: 'major dispute settled' reward 500.00 → 600.00"


def test_rows_added_removed_reordered_and_conditions_changed(tmp_path):
    new = _copy(tmp_path, "new")
    path = new / "canteen-meal-2026.toml"
    _edit(path, "when = { age = { gte = 80 } }", "when = { age = { gte = 85 } }")
    _edit(path, '[[rule]]\nid = "age-60"', '[[rule]]\nid = "age-90"\ntitle = "90 岁以上老人"\nwhen = { age = { gte = 90 } }\nthen = { eligible = true, price = 0 }\n\n[[rule]]\nid = "age-60"')
    text = path.read_text(encoding="utf-8")
    start = text.index('[[rule]]\nid = "outside-worker"')
    end = text.index("[[rule]]", start + 5)
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    _edit(path, ', fired = ["outside-worker"]', "")
    lines = [c.render("zh") for c in diff_books(load_rules(REPO / "rules"), load_rules(new))]
    assert any("「80 岁以上老人」条件：年龄不少于 80 → 年龄不少于 85" in line for line in lines)
    assert any(line.startswith("canteen-meal: 新增规则「90 岁以上老人」：年龄不少于 90 →") for line in lines)
    assert any("删除规则「外来务工人员」" in line for line in lines)


def test_a_new_version_is_compared_with_the_latest_old_one_and_identical_sets_say_so(tmp_path):
    new = _copy(tmp_path, "new")
    # the shipped rules end with 2027.1: a 2028 version raises its 200-yuan row
    text = (new / "mediation-reward-2027.toml").read_text(encoding="utf-8")
    text = text.replace('version = "2027.1"', 'version = "2028.1"').replace("effective_from = 2027-01-01", "effective_from = 2028-01-01")
    text = text.replace("then = { amount = 200 }", "then = { amount = 250 }").replace("expect = { amount = 200", "expect = { amount = 250")
    text = text.replace("settled_on = 2027-", "settled_on = 2028-")
    (new / "mediation-reward-2028.toml").write_text(text, encoding="utf-8")
    _edit(new / "mediation-reward-2027.toml", 'source = "', 'effective_until = 2027-12-31\nsource = "')
    lines = [c.render("zh") for c in diff_books(load_rules(REPO / "rules"), load_rules(new))]
    assert "mediation-reward: 版本 2027.1（2027-01-01 ~ …）→ 2028.1（2028-01-01 ~ …）" in lines
    assert any("奖励金额 200.00 → 250.00" in line for line in lines)
    runner = CliRunner()
    same = runner.invoke(app, ["rules", "diff", str(REPO / "rules"), str(REPO / "rules")])
    assert same.exit_code == 0 and "两套规则没有差别" in same.output


def test_examples_changed_added_and_removed_are_named_by_their_titles(tmp_path):
    new = _copy(tmp_path, "new")
    path = new / "satisfaction-review-2026.toml"
    _edit(path, 'title = "100 人参评，39 人不满意：可予提拔"', 'title = "100 人参评，30 人不满意：可予提拔"')
    _edit(path, "respondents = 100, dissatisfied = 39 }", "respondents = 100, dissatisfied = 30 }")
    _edit(path, "given = { review_on = 2026-06-30, respondents = 100, dissatisfied = 40 }",
          "given = { review_on = 2026-06-30, respondents = 10, dissatisfied = 4 }")
    lines = [c.render("zh") for c in diff_books(load_rules(REPO / "rules"), load_rules(new))]
    assert lines == ["satisfaction-review: 新增示例「100 人参评，30 人不满意：可予提拔」",
                     "satisfaction-review: 删除示例「100 人参评，39 人不满意：可予提拔」",
                     "satisfaction-review: 示例「100 人参评，40 人不满意：不予提拔」有改动"]


def test_a_file_whose_comments_alone_changed_is_said_to_decide_the_same(tmp_path):
    new = _copy(tmp_path, "new")
    path = new / "satisfaction-review-2026.toml"
    path.write_text("# 县里的说明\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    changes = diff_books(load_rules(REPO / "rules"), load_rules(new))
    assert [c.render("en") for c in changes] == [
        "satisfaction-review: only comments, the source or descriptions changed; the rules are the same"]
