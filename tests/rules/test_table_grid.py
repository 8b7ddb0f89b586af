"""The rule editor's grid: cells typed as text, rows added, moved and removed, saved through the
policy writer into a draft — or refused cell by cell, writing nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rules_helpers import RULES_DIR

from tiaojie.rules.loader import load_rules
from tiaojie.rules.table_grid import TableGrid
from tiaojie.rules.table_sheet import SheetError, read_spec

REWARD = "mediation-reward-2026.toml"


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    target = tmp_path / "draft"
    shutil.copytree(RULES_DIR, target)
    return target


def _grid(draft: Path, filename: str = REWARD) -> TableGrid:
    policy = next(p for p in load_rules(draft).all() if p.path.name == filename)
    return TableGrid(policy)


def test_a_new_tier_typed_into_the_grid_is_saved_as_a_rule(draft):
    grid = _grid(draft)
    titles = grid.titles("规则")
    col = titles.index
    assert grid.text("规则", 0, col("奖励金额")) == "500"
    grid.set("规则", 0, col("奖励金额"), "600")
    row = grid.add_row("规则", after=0)
    for title, text in (("编号", "difficult"), ("标题", "成功调处疑难矛盾纠纷"), ("案件状态", "调解成功"),
                        ("纠纷程度", "疑难"), ("调处主体", "村委会、村小组、调委会"), ("奖励金额", "300.50")):
        grid.set("规则", row, col(title), text)
    assert grid.move_row("规则", row, -1) == 0  # the new tier now fires first
    grid.remove_row("规则", grid.add_row("规则"))  # a row added by mistake, removed
    example_titles = grid.titles("示例")
    grid.set("示例", 0, example_titles.index("奖励金额"), "600")
    grid.set("示例", 2, example_titles.index("奖励金额"), "600")
    assert grid.changed
    done = grid.save(draft)
    assert (done.rows, done.examples) == (3, 5) and not grid.changed
    spec, text = read_spec(draft / REWARD)
    assert [r.id for r in spec.rule] == ["difficult", "major", "settled"]
    assert spec.rule[0].when == {"status": "settled", "severity": "difficult",
                                 "settled_by": ["village_committee", "village_group", "mediation_committee"]}
    assert str(spec.rule[0].then["amount"]) == "300.50" and spec.rule[1].then == {"amount": 600}
    assert text.startswith("# 人民调解“以奖代补”") and "[[cap]]" in text
    load_rules(draft)  # the draft checks, its examples included


def test_text_that_looks_like_a_formula_stays_text_and_bad_cells_are_located(draft):
    grid = _grid(draft)
    col = grid.titles("规则").index
    before = (draft / REWARD).read_bytes()
    grid.set("规则", 1, col("标题"), "=HYPERLINK(\"x\")")
    assert grid.book["规则"].cell(4, col("标题") + 1).data_type == "s"
    grid.set("规则", 0, col("纠纷程度"), "特大")
    grid.set("规则", 1, col("编号"), "")
    with pytest.raises(SheetError) as refused:
        grid.save(draft)
    text = "\n".join(refused.value.lines("zh"))
    assert "工作表「规则」第 4 行 A 列（编号）" in text
    assert (draft / REWARD).read_bytes() == before
    grid.set("规则", 1, col("编号"), "settled")
    with pytest.raises(SheetError) as refused:
        grid.save(draft)
    letter = "ABCDEFGHIJ"[col("纠纷程度")]
    assert f"工作表「规则」第 3 行 {letter} 列（纠纷程度）" in "\n".join(refused.value.lines("zh"))
    assert "特大" in "\n".join(refused.value.lines("zh"))
    assert (draft / REWARD).read_bytes() == before
    grid.set("规则", 0, col("纠纷程度"), "重大")
    grid.save(draft)
    spec, _ = read_spec(draft / REWARD)
    assert spec.rule[1].title == "=HYPERLINK(\"x\")"
