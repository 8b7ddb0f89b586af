"""The review chain of mediation-reward claims as a rule file (kind `chain`): the shipped chain,
another chain written as a file and nothing else, every mistake located in both languages, and a
chain accepted by every rules command while never evaluated as a case."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from rules_helpers import RULES_DIR
from typer.testing import CliRunner

from tiaojie.cli import app
from tiaojie.rules.errors import EvaluationError, RuleError, RuleSetError
from tiaojie.rules.review_chain import CHAIN_ID, review_chain
from tiaojie.rules.service import open_rules

SHIPPED = "review-chain-2026.toml"
ON = dt.date(2026, 6, 1)
runner = CliRunner()

# A county without public notice: the county office reviews once and pays.
SHORT = """\
[policy]
id = "review-chain"
kind = "chain"
title = "简化审核链"
title_en = "Short review chain"
version = "2026.9"
effective_from = 2026-01-01
source = "测试来源：县司法局一级审核、不公示"

[checks]
follow_up_share = 0.05
follow_up_minimum = 2
duplicate_within_days = 60

[[step]]
id = "claim"
title = "申报"
title_en = "claim"
action = "claim"
roles = ["mediator"]
unit_level = "own"
days = 5

[[step]]
id = "county-review"
title = "县级审核"
title_en = "county review"
action = "review"
roles = ["admin"]
unit_level = "county"
days = 20

[[step]]
id = "pay"
title = "拨付"
action = "pay"
roles = ["clerk"]
unit_level = "county"
"""

NOTICE = """
[[step]]
id = "notice"
title = "公示"
action = "notice"
roles = ["clerk"]
unit_level = "county"
"""


def cli(*args: str):
    return runner.invoke(app, list(args))


def sub(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def rules_with(tmp_path: Path, chain: str | None, *, name: str = SHIPPED, extra: dict[str, str] | None = None) -> Path:
    """A copy of the shipped rules whose chain file is `chain` (None: no chain file at all)."""
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    (target / SHIPPED).unlink()
    if chain is not None:
        (target / name).write_text(chain, encoding="utf-8")
    for file, text in (extra or {}).items():
        (target / file).write_text(text, encoding="utf-8")
    return target


def errors_of(directory: Path) -> list[RuleError]:
    with pytest.raises(RuleSetError) as failed:
        open_rules(directory)
    return failed.value.errors


def line_of(text: str, marker: str, after: str | None = None) -> int:
    """The 1-based line of the first line holding `marker` (after the line holding `after`)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i, line in enumerate(lines) if i >= start and marker in line) + 1


@pytest.fixture(scope="module")
def shipped():
    rules = open_rules(RULES_DIR)
    yield rules
    rules.close()


# --- the shipped chain -------------------------------------------------------------------------

def test_the_shipped_chain_is_claim_two_reviews_a_weeks_notice_and_payment(shipped):
    chain = review_chain(shipped, ON)
    assert (chain.policy_id, chain.version, chain.title) == (CHAIN_ID, "2026.1", "以奖代补申报审核流程")
    assert chain.path.name == SHIPPED
    assert [(s.title, s.action, s.unit_level, s.roles, s.days, s.notice_days) for s in chain.steps] == [
        ("申报", "claim", "own", ("mediator", "clerk"), 10, None),
        ("初审", "review", "township", ("clerk", "admin"), 15, None),
        ("复核", "review", "county", ("clerk", "admin"), 15, None),
        ("公示", "notice", "county", ("clerk", "admin"), None, 7),
        ("拨付", "pay", "county", ("clerk", "admin"), None, None),
    ]
    assert chain.step("notice").notice_days == 7 and chain.step("first-review").unit_level == "township"
    assert chain.checks.follow_up_share == Decimal("0.10")
    assert (chain.checks.follow_up_minimum, chain.checks.duplicate_within_days) == (3, 30)


def test_the_chain_and_its_steps_cannot_be_changed_by_the_code_that_reads_them(shipped):
    chain = review_chain(shipped, ON)
    with pytest.raises(ValueError):
        chain.steps[0].days = 99  # type: ignore[misc]
    assert review_chain(shipped, ON).steps[0].days == 10


def test_an_unknown_step_is_refused_naming_the_steps_there_are(shipped):
    with pytest.raises(EvaluationError) as refused:
        review_chain(shipped, ON).step("pya")
    assert "pya" in refused.value.message("zh") and "「pay」" in refused.value.message("zh")
    assert "did you mean 'pay'" in refused.value.message("en")
    assert "claim, first-review, county-review, notice, pay" in refused.value.message("en")


def test_before_the_chain_is_in_force_the_error_says_the_date_and_the_versions(shipped):
    with pytest.raises(EvaluationError) as refused:
        review_chain(shipped, dt.date(2025, 12, 31))
    assert refused.value.key == "chain_not_in_force"
    assert "2025-12-31" in refused.value.message("zh") and "2026.1 2026-01-01" in refused.value.message("zh")
    assert "no version in force on 2025-12-31" in refused.value.message("en")


def test_bundled_rules_still_check_test_and_lint_clean():
    for command in ("check", "test", "lint"):
        result = cli("--rules", str(RULES_DIR), "rules", command)
        assert result.exit_code == 0, result.output
    assert "review-chain" in cli("--rules", str(RULES_DIR), "rules", "show").output


# --- another chain is a file change only ---------------------------------------------------------

def test_a_three_step_chain_without_notice_is_a_file_change_only(tmp_path):
    rules = open_rules(rules_with(tmp_path, SHORT))
    try:
        chain = review_chain(rules, ON)
        assert chain.version == "2026.9"
        assert [(s.id, s.action, s.unit_level, s.roles) for s in chain.steps] == [
            ("claim", "claim", "own", ("mediator",)), ("county-review", "review", "county", ("admin",)),
            ("pay", "pay", "county", ("clerk",))]
        assert not any(s.action == "notice" for s in chain.steps)
        assert chain.step("pay").title_en == "拨付"  # no English title written: the Chinese one
        assert (chain.checks.follow_up_share, chain.checks.follow_up_minimum) == (Decimal("0.05"), 2)
    finally:
        rules.close()


def test_a_later_version_of_the_chain_takes_over_on_its_date(tmp_path):
    later = sub(sub(SHORT, "effective_from = 2026-01-01", "effective_from = 2026-07-01"), 'version = "2026.9"', 'version = "2026.2"')
    directory = rules_with(tmp_path, None, extra={SHIPPED: (RULES_DIR / SHIPPED).read_text(encoding="utf-8"),
                                                  "review-chain-2026-07.toml": later})
    rules = open_rules(directory)
    try:
        assert len(review_chain(rules, dt.date(2026, 6, 30)).steps) == 5
        assert len(review_chain(rules, dt.date(2026, 7, 1)).steps) == 3
    finally:
        rules.close()


def test_with_two_chain_policies_the_one_named_review_chain_is_the_chain(tmp_path):
    other = sub(SHORT, 'id = "review-chain"', 'id = "pilot-chain"')
    directory = rules_with(tmp_path, None, extra={"pilot-chain.toml": other,
                                                  SHIPPED: (RULES_DIR / SHIPPED).read_text(encoding="utf-8")})
    rules = open_rules(directory)
    try:
        assert review_chain(rules, ON).policy_id == "review-chain" and len(review_chain(rules, ON).steps) == 5
    finally:
        rules.close()
    alone = open_rules(rules_with(tmp_path / "alone", other))
    try:
        assert review_chain(alone, ON).policy_id == "pilot-chain"  # the only chain, whatever its id
    finally:
        alone.close()


def test_rules_without_a_chain_say_so_in_both_languages(tmp_path):
    rules = open_rules(rules_with(tmp_path, None))
    try:
        with pytest.raises(EvaluationError) as refused:
            review_chain(rules, ON)
    finally:
        rules.close()
    assert "没有审核链" in refused.value.message("zh") and "no review chain" in refused.value.message("en")


# --- each mistake, located -------------------------------------------------------------------------

BROKEN = [
    # (what, file text, error key, marker of the line, line the marker is searched after, English text)
    ("unknown role", sub(SHORT, 'roles = ["admin"]', 'roles = ["admin", "clerc"]'),
     "chain_unknown_role", 'roles = ["admin", "clerc"]', None, ("'clerc'", "did you mean 'clerk'")),
    ("unknown unit level", sub(SHORT, 'unit_level = "county"', 'unit_level = "town"'),
     "chain_unknown_level", 'unit_level = "town"', None, ("'town'", "use: own, village, township, county")),
    ("notice step without days", sub(SHORT, '\n[[step]]\nid = "pay"', NOTICE + '\n[[step]]\nid = "pay"'),
     "chain_notice_days", 'action = "notice"', None, ("'notice'", "notice_days")),
    ("notice days on a review step", sub(SHORT, "days = 20", "days = 20\nnotice_days = 7"),
     "chain_notice_days_only", "notice_days = 7", None, ("'county-review'", "not a notice step")),
    ("no claim step first", sub(SHORT, 'action = "claim"', 'action = "review"'),
     "chain_first_claim", 'action = "review"', None, ("starts with 'claim' (review)",)),
    ("no pay step last", sub(SHORT, 'action = "pay"', 'action = "review"'),
     "chain_last_pay", 'action = "review"', 'id = "pay"', ("ends with 'pay' (review)",)),
    ("duplicate step ids", sub(SHORT, 'id = "county-review"', 'id = "claim"'),
     "chain_duplicate_step", 'id = "claim"', 'title = "申报"', ("'claim'", "first on line 16")),
    ("review step before the claim",
     SHORT.split("[[step]]")[0] + "[[step]]" + SHORT.split("[[step]]")[2] + "[[step]]" + SHORT.split("[[step]]")[1]
     + "[[step]]" + SHORT.split("[[step]]")[3],
     "chain_before_claim", 'action = "review"', None, ("'county-review' (review)", "before the claim step 'claim'")),
    ("days = 0", sub(SHORT, "days = 20", "days = 0"),
     "chain_days_positive", "days = 0", None, ("'days'", "more than 0 days: 0")),
    ("negative days", sub(SHORT, "days = 5", "days = -3"),
     "chain_days_positive", "days = -3", None, ("'claim'", "-3")),
    ("pay before another step", sub(SHORT, 'action = "review"', 'action = "pay"'),
     "chain_pay_not_last", 'action = "pay"', None, ("'county-review' is followed by 'pay'",)),
    ("follow-up share above 1", sub(SHORT, "follow_up_share = 0.05", "follow_up_share = 5"),
     "chain_share_range", "follow_up_share = 5", None, ("between 0 and 1", "5")),
    ("near-duplicate window of 0 days", sub(SHORT, "duplicate_within_days = 60", "duplicate_within_days = 0"),
     "chain_days_field", "duplicate_within_days = 0", None, ("duplicate_within_days",)),
    ("unknown action", sub(SHORT, 'action = "review"', 'action = "approve"'),
     "bad_choice", 'action = "approve"', None, ("approve",)),
    ("no [checks]", SHORT.split("[checks]")[0] + "[[step]]" + SHORT.split("[[step]]", 1)[1],
     "kind_section", "kind =", None, ("[checks]",)),
    ("no steps", SHORT.split("[[step]]")[0],
     "kind_section", "kind =", None, ("chain", "[step]")),
    ("a rule row in a chain", SHORT + '\n[[rule]]\nid = "r"\ntitle = "行"\nwhen = { status = "settled" }\n',
     "chain_kind_forbids", "[[rule]]", None, ("[[rule]]", "decides no case")),
    ("an example in a chain", SHORT + '\n[[example]]\ngiven = { status = "settled" }\n',
     "chain_kind_forbids", "[[example]]", None, ("[example]",)),
    ("inputs in a chain", sub(SHORT, 'source = "', 'inputs = ["status"]\nsource = "'),
     "chain_kind_forbids", "inputs =", None, ("inputs",)),
]


@pytest.mark.parametrize("what, text, key, marker, after, english", BROKEN, ids=[b[0] for b in BROKEN])
def test_each_mistake_in_a_chain_is_located_in_chinese_and_english(tmp_path, what, text, key, marker, after, english):
    errors = errors_of(rules_with(tmp_path, text))
    found = [e for e in errors if e.key == key]
    assert found, [e.render("en") for e in errors]
    error = found[0]
    assert error.path.name == SHIPPED
    assert error.line == line_of(text, marker, after), error.render("en")
    assert error.render("zh").startswith(f"{error.path}:{error.line}: ")
    zh, en = error.message("zh"), error.message("en")
    assert zh != en and any("\u4e00" <= ch <= "\u9fff" for ch in zh)
    for part in english:
        assert part in en, en


def test_a_review_before_the_claim_is_not_also_called_a_missing_claim(tmp_path):
    steps = SHORT.split("[[step]]")
    text = steps[0] + "[[step]]" + steps[2] + "[[step]]" + steps[1] + "[[step]]" + steps[3]
    assert {e.key for e in errors_of(rules_with(tmp_path, text))} == {"chain_before_claim"}


def test_every_mistake_of_one_chain_file_is_reported_at_once(tmp_path):
    text = sub(sub(sub(SHORT, 'roles = ["mediator"]', 'roles = ["mediatr"]'), "days = 20", "days = 0"),
               'unit_level = "own"', 'unit_level = "self"')
    assert {e.key for e in errors_of(rules_with(tmp_path, text))} == {
        "chain_unknown_role", "chain_days_positive", "chain_unknown_level"}


def test_chain_sections_in_another_kind_of_file_are_refused(tmp_path):
    reward = (RULES_DIR / "mediation-reward-2026.toml").read_text(encoding="utf-8")
    steps = "[[step]]" + SHORT.split("[[step]]", 1)[1]
    directory = rules_with(tmp_path, SHORT, extra={"mediation-reward-2026.toml": reward + "\n" + steps})
    errors = [e for e in errors_of(directory) if e.path.name == "mediation-reward-2026.toml"]
    assert [e.key for e in errors] == ["kind_forbids"]
    assert errors[0].line == line_of(reward + "\n" + steps, "[[step]]")
    assert "'step' does not apply to a reward policy" in errors[0].message("en")


def test_rules_check_prints_each_chain_error_at_its_line_and_fails(tmp_path):
    text = sub(SHORT, 'roles = ["admin"]', 'roles = ["boss"]')
    directory = rules_with(tmp_path, text)
    result = cli("--rules", str(directory), "rules", "check")
    assert result.exit_code == 1
    line = line_of(text, 'roles = ["boss"]')
    assert f"{SHIPPED}:{line}: 环节「county-review」：角色「boss」不存在" in result.output
    result = cli("--lang", "en", "--rules", str(directory), "rules", "check")
    assert "step 'county-review': there is no role 'boss'" in result.output


# --- a chain in the rules commands, never evaluated ---------------------------------------------------

def test_check_test_lint_and_show_accept_a_chain_of_any_shape(tmp_path):
    directory = rules_with(tmp_path, SHORT)
    for command in (("check",), ("test",), ("lint", "--strict"), ("show", "review-chain")):
        result = cli("--rules", str(directory), "rules", *command)
        assert result.exit_code == 0, (command, result.output)
    assert "0 failed" in cli("--lang", "en", "--rules", str(directory), "rules", "test").output
    shown = cli("--lang", "en", "--rules", str(directory), "rules", "show", "review-chain").output
    assert "[county-review] county review: reviewed by admin of the county, within 20 days" in shown
    assert "[notice]" not in shown and "[pay] 拨付: paid by clerk of the county, no time limit" in shown


def test_rules_show_names_each_step_of_the_chain_in_words():
    shown = cli("--rules", str(RULES_DIR), "rules", "show", "review-chain").output
    for line in ("[claim] 申报：申报单位的调解员或财务申报，限 10 天",
                 "[first-review] 初审：上级乡（镇）的财务或管理员审核，限 15 天",
                 "[county-review] 复核：县（市）的财务或管理员审核，限 15 天",
                 "[notice] 公示：县（市）的财务或管理员公示，公示期 7 天",
                 "[pay] 拨付：县（市）的财务或管理员拨付，不限天数",
                 "回访抽查：每期调解成功的案件抽取 10%，至少 3 件"):
        assert line in shown, (line, shown)
    assert "读取字段" not in shown and "township" not in shown
    english = cli("--rules", str(RULES_DIR), "rules", "show", "review-chain", "--lang", "en").output
    for line in ("[claim] claim: claimed by mediator or clerk of the claiming unit, within 10 days",
                 "[first-review] first review: reviewed by clerk or admin of the township above it, within 15 days",
                 "[notice] public notice: published by clerk or admin of the county, on notice for 7 days",
                 "[pay] payment: paid by clerk or admin of the county, no time limit"):
        assert line in english, (line, english)


def test_diff_names_the_steps_and_checks_that_changed(tmp_path):
    directory = rules_with(tmp_path, SHORT)
    result = cli("--rules", str(directory), "rules", "diff", str(RULES_DIR), str(directory))
    assert result.exit_code == 0, result.output
    assert "删除环节「公示」" in result.output and "删除环节「初审」" in result.output
    assert "环节「申报」days 10 → 5" in result.output and "核查 duplicate_within_days 30 → 60" in result.output
    english = cli("--lang", "en", "--rules", str(directory), "rules", "diff", str(RULES_DIR), str(directory)).output
    assert "step 'county review' days 15 → 20" in english and "step 'first review' removed" in english
    assert "step 'public notice' removed" in english and "check follow_up_share 0.10 → 0.05" in english


def test_evaluating_the_chain_is_refused_in_words(shipped, tmp_path):
    with pytest.raises(EvaluationError) as refused:
        shipped.evaluate(CHAIN_ID, {"status": "settled"})
    assert refused.value.key == "chain_not_evaluated"
    assert "审核链" in refused.value.message("zh") and "decides no case" in refused.value.message("en")
    with pytest.raises(EvaluationError) as refused_batch:  # a batch is refused whole, before any case
        list(shipped.evaluate_batch(CHAIN_ID, [{"status": "settled"}]))
    assert refused_batch.value.key == "chain_not_evaluated"
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"status": "settled"}), encoding="utf-8")
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps({"status": "settled"}) + "\n" + json.dumps({"status": "failed"}) + "\n", encoding="utf-8")
    table = tmp_path / "cases.csv"
    table.write_text("status\nsettled\n", encoding="utf-8")
    for given in ([str(case)], ["--batch", str(cases)], ["--batch", str(table), "-o", str(tmp_path / "out.csv")]):
        result = cli("--rules", str(RULES_DIR), "evaluate", CHAIN_ID, *given)
        assert result.exit_code == 2, (given, result.output)
        assert "不对案件作出判定" in result.output, (given, result.output)
        assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
