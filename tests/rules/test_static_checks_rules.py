"""What `rules check` and `rules lint` can tell before any case is seen: formulas that fail whatever
the case (a divisor always zero, a constant amount beyond the ledger's range or past the fen), a
policy that decides nothing, days between two versions that no version covers, and overlapping rows
in a `unique` policy of any kind — each as `path:line: message`, in Chinese (English available)."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from rules_helpers import RULES_DIR, write_rules
from typer.testing import CliRunner

from tiaojie.cli import app

runner = CliRunner()

REWARD = """\
[policy]
id = "reward-x"
kind = "reward"
title = "测试奖励"
version = "{version}"
effective_from = {start}
{until}source = "测试"
hit = "{hit}"

[default]
amount = 0

[[rule]]
id = "major"
title = "重大纠纷"
when = {{ status = "settled", severity = "major" }}
then = {{ amount = {major} }}

[[rule]]
id = "settled"
title = "调解成功"
when = {{ status = "settled" }}
then = {{ amount = 200 }}
"""


def reward(major: str = "500", *, hit: str = "first", version: str = "2026.1", start: str = "2026-01-01",
           until: str | None = None) -> str:
    return REWARD.format(major=major, hit=hit, version=version, start=start,
                         until=f"effective_until = {until}\n" if until else "")


def line_of(text: str, marker: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if marker in line)


def run(directory: Path, *args: str, lang: str = "zh"):
    result = runner.invoke(app, ["--lang", lang, "--rules", str(directory), "rules", *args])
    assert "Traceback" not in result.output
    return result


def located(result, path: str, line: int) -> str:
    """The one output line at `path:line`, with the message after it."""
    lines = [text for text in result.output.splitlines() if re.search(rf"{re.escape(path)}:{line}: ", text)]
    assert len(lines) == 1, result.output
    return lines[0].split(f"{path}:{line}: ", 1)[1]


def no_english(message: str) -> None:
    """Chinese prose: only what is quoted from the file (names, formulas, the formula language's
    functions, section names) may be Latin."""
    stripped = re.sub(r"「[^」]*」|\{[^}]*\}|\[\[?[a-z]+\]?\]|\([a-z]+\)|（[a-z]+）|\b(round|min|max)\b", "", message)
    assert not re.search(r"[A-Za-z]{3,}", stripped), message


# --- 1. formulas that fail whatever the case ---------------------------------------------------

@pytest.mark.parametrize("formula, words", [
    ("200 / 0", "除数「0」总是零"),  # the story: this passed check and lint
    ("100 / (2 - 2)", "除数「(2 - 2)」总是零"),
    ("min(500, 20 * days_to_settle) / (days_to_settle * 0)", "除数「(days_to_settle * 0)」总是零"),
    ("500 + 100 / (settled_on - settled_on)", "除数「(settled_on - settled_on)」总是零"),
    ("round(500, 40)", "round 的位数「40」应为 -16 到 16 之间的整数"),
])
def test_a_formula_that_always_fails_is_a_check_error_at_its_line(tmp_path, formula, words):
    text = reward(f'"{formula}"')
    directory = write_rules(tmp_path / "rules", {"reward-x.toml": text})
    result = run(directory, "check")
    assert result.exit_code == 1
    message = located(result, "reward-x.toml", line_of(text, "amount = \""))
    assert message == f"公式「{formula}」对任何案件都无法计算：{words}"
    no_english(message)


@pytest.mark.parametrize("formula, value, words", [
    ("99999999999 * 99999999999", "9999999999800000000001", "超出台账范围（绝对值最多 100000000000 元）"),
    ("100 / 3", "33.33333333333333333333333333", "金额最多两位小数（分）"),
    ("0.001 * 5", "0.005", "金额最多两位小数（分）"),
    ("200 - 300", "-100", "不能为负数"),
])
def test_a_constant_formula_whose_amount_the_ledger_cannot_take_is_a_check_error(tmp_path, formula, value, words):
    text = reward(f'"{formula}"')
    directory = write_rules(tmp_path / "rules", {"reward-x.toml": text})
    result = run(directory, "check")
    assert result.exit_code == 1
    message = located(result, "reward-x.toml", line_of(text, "amount = \""))
    assert message == f"输出「amount」的公式「{formula}」结果总是 {value}：{words}"
    no_english(message)


def test_a_constant_formula_the_ledger_can_take_still_checks(tmp_path):
    directory = write_rules(tmp_path / "rules", {"reward-x.toml": reward('"round(1000 / 3, 2)"')})
    assert run(directory, "check").exit_code == 0


def test_the_division_by_zero_reads_in_english_too(tmp_path):
    text = reward('"200 / 0"')
    directory = write_rules(tmp_path / "rules", {"reward-x.toml": text})
    result = run(directory, "check", lang="en")
    assert result.exit_code == 1
    assert located(result, "reward-x.toml", line_of(text, "amount = \"")) == \
        "formula '200 / 0' cannot be computed for any case: the divisor '0' is always zero"


def test_a_derived_field_whose_formula_always_fails_is_an_error_in_the_vocabulary(tmp_path):
    fields = (RULES_DIR / "fields.toml").read_text(encoding="utf-8")
    broken = fields.replace('formula = "dissatisfied / respondents"',
                            'formula = "dissatisfied / (respondents - respondents)"')
    assert broken != fields
    directory = write_rules(tmp_path / "rules", {"reward-x.toml": reward()}, fields=broken)
    result = run(directory, "check")
    assert result.exit_code == 1
    message = located(result, "fields.toml", line_of(broken, "respondents - respondents"))
    assert message == ("派生字段「dissatisfaction_rate」的公式「dissatisfied / (respondents - respondents)」"
                       "对任何案件都无法计算：除数「(respondents - respondents)」总是零")


# --- 2. overlaps in every `unique` policy --------------------------------------------------------

def test_overlapping_rows_in_a_unique_reward_are_a_lint_finding_with_an_example(tmp_path):
    text = reward(hit="unique")
    directory = write_rules(tmp_path / "rules", {"reward-x.toml": text})
    assert run(directory, "check").exit_code == 0  # lint's finding, as for a unique table
    result = run(directory, "lint")
    assert result.exit_code == 0
    message = located(result, "reward-x.toml", line_of(text, 'id = "settled"') - 1)  # its [[rule]]
    assert message.startswith("唯一命中表中规则「major」与「settled」重叠；例如：{")
    assert "status=settled" in message and "severity=major" in message
    strict = run(directory, "lint", "--strict")
    assert strict.exit_code == 1


def test_a_hit_the_kind_does_not_read_is_refused(tmp_path):
    banquet = (RULES_DIR / "banquet-2026.toml").read_text(encoding="utf-8")
    text = banquet.replace('date_field = "date"', 'date_field = "date"\nhit = "unique"')
    directory = write_rules(tmp_path / "rules", {"banquet-2026.toml": text})
    result = run(directory, "check")
    assert result.exit_code == 1
    message = located(result, "banquet-2026.toml", line_of(text, 'hit = "unique"'))
    assert message == "「hit = unique」不适用于 banquet 类政策"


# --- 3. a policy with no rules -------------------------------------------------------------------

@pytest.mark.parametrize("default", ["", "[default]\namount = 0\n"])
def test_a_reward_with_no_rules_is_an_error(tmp_path, default):
    text = reward().split("[default]")[0] + default
    directory = write_rules(tmp_path / "rules", {"reward-x.toml": text})
    result = run(directory, "check")
    assert result.exit_code == 1
    message = located(result, "reward-x.toml", line_of(text, "[policy]"))
    assert message == "政策「reward-x」（reward）没有任何规则：没有 [[rule]]，也没有决定结果的 [default]"
    no_english(message)


def test_a_banquet_with_no_rules_is_an_error(tmp_path):
    banquet = (RULES_DIR / "banquet-2026.toml").read_text(encoding="utf-8")
    text = banquet.split("[[rule]]")[0]
    directory = write_rules(tmp_path / "rules", {"banquet-2026.toml": text})
    result = run(directory, "check")
    assert result.exit_code == 1
    assert located(result, "banquet-2026.toml", line_of(text, "[policy]")).startswith("政策「banquet」（banquet）没有任何规则")


def test_a_reward_that_pays_by_its_default_alone_decides_something(tmp_path):
    text = reward().split("[default]")[0] + "[default]\namount = 50\n"
    assert run(write_rules(tmp_path / "rules", {"reward-x.toml": text}), "check").exit_code == 0


# --- 4. gaps between versions ---------------------------------------------------------------------

def test_days_between_two_versions_are_an_error_with_the_dates(tmp_path):
    first = reward(until="2026-05-31")
    second = reward(version="2026.2", start="2026-07-01")
    directory = write_rules(tmp_path / "rules", {"reward-x-2026-1.toml": first, "reward-x-2026-2.toml": second})
    result = run(directory, "check")
    assert result.exit_code == 1
    message = located(result, "reward-x-2026-2.toml", line_of(second, "effective_from"))
    assert message == ("政策「reward-x」的版本之间有空档：2026.1 适用至 2026-05-31，2026.2 自 2026-07-01 起生效，"
                       "2026-06-01 至 2026-06-30 没有生效的版本，这些日期的案件无法求值")
    english = run(directory, "check", lang="en")
    assert "no version is in force from 2026-06-01 to 2026-06-30" in english.output


@pytest.mark.parametrize("until", ["2026-06-30", None])
def test_versions_that_meet_leave_no_gap(tmp_path, until):
    first = reward(until=until)
    second = reward(version="2026.2", start="2026-07-01")
    directory = write_rules(tmp_path / "rules", {"reward-x-2026-1.toml": first, "reward-x-2026-2.toml": second})
    assert run(directory, "check").exit_code == 0


def test_a_gap_after_a_version_that_ends_later_than_the_next(tmp_path):
    texts = {
        "a.toml": reward(until="2026-12-31"),
        "b.toml": reward(version="2026.2", start="2026-03-01", until="2026-03-31"),
        "c.toml": reward(version="2027.1", start="2027-02-01"),
    }
    # 2026.2 overlaps 2026.1 (already an error); the gap is counted from 2026.1's end
    result = run(write_rules(tmp_path / "rules", texts), "check")
    assert result.exit_code == 1
    assert "2027-01-01 至 2027-01-31 没有生效的版本" in located(result, "c.toml", line_of(texts["c.toml"], "effective_from"))


# --- the shipped rules ------------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["check", "test", "lint"])
def test_the_shipped_rules_pass(command):
    result = run(RULES_DIR, command)
    assert result.exit_code == 0, result.output


def test_a_formula_that_reads_fields_and_can_be_computed_still_checks(tmp_path):
    text = reward('"min(500, 20 * days_to_settle)"')
    assert run(write_rules(tmp_path / "rules", {"reward-x.toml": textwrap.dedent(text)}), "check").exit_code == 0
