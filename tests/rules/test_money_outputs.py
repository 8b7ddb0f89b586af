"""Amounts in rule files are checked where they are written: more than two decimals (never
rounded silently) or beyond the ledger's one documented maximum is an error at its line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tiaojie.rules.errors import RuleSetError
from tiaojie.rules.service import open_rules

RULES = Path(__file__).resolve().parents[2] / "rules"


@pytest.mark.parametrize("amount, words", [("1e30", "超出台账范围"), ("500.005", "最多两位小数"),
                                           ("100000000000.01", "超出台账范围")])
def test_a_reward_amount_out_of_range_or_past_the_fen_is_refused_at_its_line(tmp_path, amount, words):
    target = tmp_path / "rules"
    shutil.copytree(RULES, target)
    reward = target / "mediation-reward-2026.toml"
    text = reward.read_text(encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), start=1) if "then = { amount = 500 }" in row)
    reward.write_text(text.replace("then = { amount = 500 }", f"then = {{ amount = {amount} }}"), encoding="utf-8")
    with pytest.raises(RuleSetError) as refused:
        open_rules(target)
    [error] = refused.value.errors
    assert error.path.name == reward.name and error.line == line
    assert words in error.render("zh")
