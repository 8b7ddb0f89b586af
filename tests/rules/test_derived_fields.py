"""Derived fields: `formula = "…"` in fields.toml, date differences, subjects and the case form."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from rules_helpers import RULES_DIR

from tiaojie.rules.classes import date_classes, number_classes
from tiaojie.rules.errors import EvaluationError, RuleSetError
from tiaojie.rules.examples import run_examples
from tiaojie.rules.expressions import ExpressionError, parse_expression
from tiaojie.rules.lint import lint_policy
from tiaojie.rules.loader import load_rules, read_vocabulary
from tiaojie.rules.service import open_rules
from tiaojie.vocabulary import LEDGER_SET_FIELDS, FormGroup

FIELDS_TEXT = (RULES_DIR / "fields.toml").read_text(encoding="utf-8")


# --- the expression language: date differences ----------------------------------------------


def test_two_dates_subtract_to_whole_days():
    expr = parse_expression("settled_on - received_on", dates=["settled_on", "received_on"])
    days = expr.evaluate({"settled_on": dt.date(2026, 3, 10), "received_on": dt.date(2026, 2, 27)})
    assert days == Decimal(11) and isinstance(days, Decimal)
    assert expr.dates == {"settled_on", "received_on"}
    # a difference is a number like any other
    half = parse_expression("(settled_on - received_on) / 2", dates=["settled_on", "received_on"])
    assert half.evaluate({"settled_on": dt.date(2027, 1, 1), "received_on": dt.date(2026, 12, 31)}) == Decimal("0.5")


@pytest.mark.parametrize("source", [
    "settled_on + 1", "1 + settled_on", "settled_on * 2", "settled_on / received_on", "-settled_on",
    "1 - settled_on", "settled_on - 1", "min(settled_on, received_on)", "round(settled_on)", "settled_on",
    "settled_on + received_on",
])
def test_dates_are_only_subtracted_from_dates(source):
    with pytest.raises(ExpressionError) as caught:
        parse_expression(source, dates=["settled_on", "received_on"])
    assert "日期" in caught.value.zh and "date" in caught.value.en


def test_formula_renders_with_titles():
    expr = parse_expression("round(dissatisfied / respondents, 2) + min(a, 1)")
    assert expr.render(str.upper) == "round(DISSATISFIED / RESPONDENTS, 2) + min(A, 1)"


# --- the vocabulary: subjects, derived fields, the case form ----------------------------------


def test_shipped_vocabulary_declares_subjects_formulas_and_form(rules):
    vocab = rules.book.vocabulary
    fields = vocab.fields
    for name in ("occasion", "date", "days", "tables", "gift", "filed_days_before", "host_age"):
        assert fields[name].subject == "banquet", name
    assert fields["age"].subject == fields["outside_worker"].subject == "canteen"
    for name in ("respondents", "dissatisfied", "dissatisfaction_rate", "review_on"):
        assert fields[name].subject == "review", name
    assert fields["status"].subject == fields["days_to_settle"].subject == "case"
    rate = fields["dissatisfaction_rate"]
    assert rate.derived and rate.formula == "dissatisfied / respondents" and rate.type == "decimal"
    assert rate.title == "不满意率"
    assert fields["days_to_settle"].derived and fields["days_to_settle"].formula == "settled_on - received_on"
    assert fields["days_to_settle"].type == "int" and fields["days_to_settle"].title == "调处天数"
    assert (fields["respondents"].type, fields["respondents"].title) == ("int", "参评人数")
    assert (fields["dissatisfied"].type, fields["dissatisfied"].title) == ("int", "不满意人数")
    assert not fields["respondents"].derived and fields["respondents"].formula is None
    assert re.fullmatch(r"fields\.toml:\d+", rate.where)

    case_names = [f.name for f in vocab.case_fields()]
    assert case_names[:3] == ["status", "severity", "category"]
    assert "days_to_settle" in case_names and "age" not in case_names and "respondents" not in case_names

    assert [g.title for g in vocab.form][:3] == ["案件", "调处", "卷宗"]
    assert vocab.form[2].fields == ["case_file", "matter_kind", "earlier_case", "follow_up_result"]
    assert vocab.form[0].fields == ["number", "source", "category", "severity", "urgency", "received_on",
                                    "accepted_on", "persons_involved", "amount_involved"]
    assert vocab.form[1].fields == ["status", "settled_by", "settled_on", "closed_on", "agreement",
                                    "agreement_fulfilled", "follow_up_done", "file_complete", "needs_verification"]
    groups = vocab.form_groups()
    assert [(g.title, g.title_en) for g in groups[:2]] == [("案件", "Case"), ("调处", "Mediation")]
    # every entered case field but those the ledger sets itself is on the form exactly once; the
    # ones no group lists follow in 其他 / Other (left out when there are none)
    assert [(g.title, g.title_en) for g in groups[3:]] in ([], [("其他", "Other")])
    ledger_set = set(LEDGER_SET_FIELDS)
    assert {"unit", "level"} <= ledger_set
    listed = [n for g in groups for n in g.fields]
    assert sorted(listed) == sorted(n for n in case_names if n not in ledger_set and n != "days_to_settle")
    assert isinstance(groups[0], FormGroup) and groups[0].label("en") == "Case"


def test_form_groups_without_form_or_leftovers(tmp_path):
    path = tmp_path / "fields.toml"
    path.write_text(
        '[fields.a]\ntype = "int"\ntitle = "甲"\n\n[fields.b]\ntype = "int"\ntitle = "乙"\nformula = "a * 2"\n\n'
        '[fields.unit]\ntype = "text"\ntitle = "单位"\n\n[fields.x]\ntype = "int"\ntitle = "丙"\nsubject = "banquet"\n',
        encoding="utf-8")
    vocab, errors = read_vocabulary(path)
    assert errors == []
    groups = vocab.form_groups()
    assert [(g.title, g.title_en, g.fields) for g in groups] == [("其他", "Other", ["a"])]  # b is derived, unit the ledger's, x no case field
    path.write_text(path.read_text(encoding="utf-8") + '\n[[form]]\ntitle = "全部"\nfields = ["a"]\n', encoding="utf-8")
    vocab, errors = read_vocabulary(path)
    assert errors == [] and [g.title for g in vocab.form_groups()] == ["全部"]  # no empty 其他


def _vocab_errors(tmp_path, extra: str):
    path = tmp_path / "fields.toml"
    path.write_text(FIELDS_TEXT + "\n" + extra, encoding="utf-8")
    with pytest.raises(RuleSetError) as caught:
        load_rules_with(tmp_path)
    return path, caught.value.errors


def load_rules_with(directory):
    (directory / "p.toml").write_text((RULES_DIR / "canteen-meal-2026.toml").read_text(encoding="utf-8"), encoding="utf-8")
    return load_rules(directory)


def _line_of(path, marker: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return max(i for i, line in enumerate(lines, start=1) if marker in line)


@pytest.mark.parametrize("extra, marker, key, en_part, zh_part", [
    ('[fields.bad]\ntype = "decimal"\ntitle = "坏"\nformula = "dissatisfied / respondent"\n',
     'formula = "dissatisfied / respondent"', "unknown_field", "did you mean 'respondents'", "respondent"),
    ('[fields.bad]\ntype = "enum"\nenum = "status"\ntitle = "坏"\nformula = "1 + 1"\n',
     'formula = "1 + 1"', "derived_type", "enumeration", "枚举"),
    ('[fields.bad]\ntype = "text"\ntitle = "坏"\nformula = "1 + 1"\n', 'formula = "1 + 1"', "derived_type", "text", "文本"),
    ('[fields.bad]\ntype = "bool"\ntitle = "坏"\nformula = "1 + 1"\n', 'formula = "1 + 1"', "derived_type", "yes/no", "是/否"),
    ('[fields.bad]\ntype = "date"\ntitle = "坏"\nformula = "received_on - received_on"\n',
     'formula = "received_on - received_on"', "derived_type", "date", "日期"),
    ('[fields.bad]\ntype = "int"\ntitle = "坏"\nformula = "(respondents +"\n', 'formula = "(respondents +"',
     "expr_syntax", "unexpected end", "表达式不完整"),
    ('[fields.bad]\ntype = "int"\ntitle = "坏"\nformula = "settled_on + 7"\n', 'formula = "settled_on + 7"',
     "expr_syntax", "subtracted from another date", "日期只能与日期相减"),
    ('[fields.bad]\ntype = "int"\ntitle = "坏"\nformula = "settled_on * 2"\n', 'formula = "settled_on * 2"',
     "expr_syntax", "subtracted from another date", "日期只能与日期相减"),
    ('[fields.bad]\ntype = "int"\ntitle = "坏"\nformula = "category * 2"\n', 'formula = "category * 2"',
     "expr_type", "'category'", "不是数值类型"),
    ('[fields.loop_a]\ntype = "int"\ntitle = "甲"\nformula = "loop_b + 1"\n\n'
     '[fields.loop_b]\ntype = "int"\ntitle = "乙"\nformula = "loop_a * 2"\n',
     'formula = "loop_b + 1"', "derived_cycle", "loop_a → loop_b → loop_a", "循环"),
    ('[fields.self]\ntype = "int"\ntitle = "自"\nformula = "self + 1"\n', 'formula = "self + 1"',
     "derived_cycle", "self → self", "循环"),
    ('[[form]]\ntitle = "坏"\nfields = ["persons_involvd"]\n', 'fields = ["persons_involvd"]',
     "form_unknown_field", "did you mean 'persons_involved'", "未定义"),
    ('[[form]]\ntitle = "坏"\nfields = ["age"]\n', 'fields = ["age"]', "form_not_case", "'canteen'", "不是案件"),
    ('[[form]]\ntitle = "坏"\nfields = ["days_to_settle"]\n', 'fields = ["days_to_settle"]', "form_derived",
     "settled_on - received_on", "派生字段"),
    ('[[form]]\ntitle = "坏"\nfields = ["status"]\n', 'fields = ["status"]', "form_duplicate", "'调处'", "两次"),
    ('[fields.bad]\ntype = "int"\ntitle = "坏"\nsubject = "Not A Subject"\n', 'subject = "Not A Subject"',
     "bad_value", "subject", "subject"),
])
def test_broken_vocabulary_is_located(tmp_path, extra, marker, key, en_part, zh_part):
    path, errors = _vocab_errors(tmp_path, extra)
    mine = [e for e in errors if e.key == key]
    assert mine, [e.render("en") for e in errors]
    err = mine[0]
    assert err.path == path and err.line == _line_of(path, marker), err.render("en")
    en, zh = err.render("en"), err.render("zh")
    assert en.startswith(f"{path}:{err.line}: ") and zh.startswith(f"{path}:{err.line}: ")
    assert en_part in en and zh_part in zh
    assert en != zh


def test_cycle_through_three_fields_is_one_error(tmp_path):
    extra = "".join(
        f'[fields.c{i}]\ntype = "int"\ntitle = "环{i}"\nformula = "c{(i + 1) % 3} + respondents"\n\n' for i in range(3))
    _, errors = _vocab_errors(tmp_path, extra)
    cycles = [e for e in errors if e.key == "derived_cycle"]
    assert len(cycles) == 1 and "c0 → c1 → c2 → c0" in cycles[0].render("en")


def test_a_derived_field_may_read_another(make_rules):
    extra = ('[fields.satisfied]\nsubject = "review"\ntype = "int"\ntitle = "满意人数"\n'
             'formula = "respondents - dissatisfied"\n\n'
             '[fields.satisfaction_pct]\nsubject = "review"\ntype = "decimal"\ntitle = "满意率（%）"\n'
             'formula = "100 - dissatisfaction_rate * 100"\n')
    directory = make_rules({"p.toml": POLICY.replace("dissatisfaction_rate = { gte = 0.4 }", "satisfaction_pct = { lt = 60 }")},
                           fields=FIELDS_TEXT + "\n" + extra)
    rules = open_rules(directory)
    try:
        policy = rules.book.versions("review")[0]
        assert list(policy.fields) == ["respondents", "dissatisfied", "dissatisfaction_rate", "satisfaction_pct"]
        outcome = rules.evaluate("review", {"respondents": 100, "dissatisfied": 41})
        assert outcome.fired == ("not-promoted",)
        outcome = rules.evaluate("review", {"respondents": 100, "dissatisfied": 40})
        assert outcome.fired == ()
    finally:
        rules.close()


# --- policies that read a derived field -----------------------------------------------------------

POLICY = """
[policy]
id = "review"
kind = "table"
title = "测评"
version = "1"
effective_from = 2026-01-01
source = "测试来源"

[outputs.promote]
type = "bool"
title = "可提拔"

[default]
promote = true

[[rule]]
id = "not-promoted"
title = "不予提拔"
when = { dissatisfaction_rate = { gte = 0.4 } }
then = { promote = false }
"""

QUICK = """
[policy]
id = "quick"
kind = "reward"
title = "快速调处奖励"
version = "1"
effective_from = 2026-01-01
source = "测试来源"

[[rule]]
id = "within-week"
title = "七日内调处成功"
when = { status = "settled", days_to_settle = { lte = 7 } }
then = { amount = "10 * (8 - days_to_settle)" }
"""


def test_shipped_satisfaction_review(rules):
    policy = rules.book.versions("satisfaction-review")[0]
    assert policy.kind == "table"
    assert "冷水江" in policy.header.source and "民意测评" in policy.header.source
    assert policy.date_field == "review_on"
    # the inputs come with the derived field: whatever selects "the fields a policy reads" gets them
    assert {"respondents", "dissatisfied", "dissatisfaction_rate"} <= set(policy.fields)
    assert {"respondents", "dissatisfied", "dissatisfaction_rate"} <= set(policy.condition_fields())
    assert policy.condition_reads() == ["dissatisfaction_rate"]
    plan = rules.evaluator.plan(policy)
    assert "dissatisfaction_rate" not in plan.key_names
    assert {"respondents", "dissatisfied"} <= set(plan.key_names)

    day = {"review_on": "2026-06-30"}
    out = rules.evaluate("satisfaction-review", {**day, "respondents": 100, "dissatisfied": 40})
    assert out.outputs == {"eligible": False, "warning_talk": True} and out.fired == ("dissatisfied-40",)
    out = rules.evaluate("satisfaction-review", {**day, "respondents": 100, "dissatisfied": 39})
    assert out.outputs == {"eligible": True, "warning_talk": False} and out.fired == ("below-40",)
    # 2 of 5 is 40% as well; 1 of 3 rounds to 0.333333
    assert rules.evaluate("satisfaction-review", {**day, "respondents": 5, "dissatisfied": 2}).fired == ("dissatisfied-40",)
    assert rules.evaluate("satisfaction-review", {**day, "respondents": "3", "dissatisfied": "1"}).fired == ("below-40",)


def test_a_value_given_for_the_derived_field_is_ignored(rules):
    case = {"review_on": "2026-06-30", "respondents": 100, "dissatisfied": 40, "dissatisfaction_rate": "0.01"}
    assert rules.evaluate("satisfaction-review", case).fired == ("dissatisfied-40",)
    case = {"review_on": "2026-06-30", "dissatisfaction_rate": "0.9"}  # inputs missing: no value at all
    outcome = rules.evaluate("satisfaction-review", case)
    assert outcome.fired == () and outcome.outputs == {"eligible": False, "warning_talk": False}
    # even a value that would not read as a number is ignored
    case = {"review_on": "2026-06-30", "respondents": 10, "dissatisfied": 1, "dissatisfaction_rate": "很高"}
    assert rules.evaluate("satisfaction-review", case).fired == ("below-40",)


def test_missing_input_leaves_the_derived_value_missing(rules):
    plan = rules.evaluator.plan(rules.book.versions("satisfaction-review")[0])
    assert plan.typed({"respondents": 10})["dissatisfaction_rate"] is None
    assert plan.typed({"respondents": 8, "dissatisfied": 1})["dissatisfaction_rate"] == Decimal("0.125")
    assert plan.typed({"respondents": 3, "dissatisfied": 2})["dissatisfaction_rate"] == Decimal("0.666667")  # half-up, 6 places


def test_division_by_zero_is_a_located_evaluation_error(rules):
    case = {"review_on": "2026-06-30", "respondents": 0, "dissatisfied": 0}
    with pytest.raises(EvaluationError) as caught:
        rules.evaluate("satisfaction-review", case)
    err = caught.value
    assert err.key == "derived_div_zero"
    line = next(i for i, text in enumerate(FIELDS_TEXT.splitlines(), start=1) if text == 'formula = "dissatisfied / respondents"')
    zh, en = err.message("zh"), err.message("en")
    assert zh.startswith(f"fields.toml:{line}: ") and en.startswith(f"fields.toml:{line}: ")
    assert "不满意率" in zh and "dissatisfied / respondents" in zh and "除以零" in zh
    assert "dissatisfaction_rate" in en and "divides by zero" in en
    # the batch path gives the same error in the case's place, and the other cases still run
    cases = [case, {"review_on": "2026-06-30", "respondents": 10, "dissatisfied": 5}, dict(case)]
    results = list(rules.evaluate_batch("satisfaction-review", cases))
    assert isinstance(results[0], EvaluationError) and results[0].key == "derived_div_zero"
    assert results[0].message("en") == en
    assert results[1].fired == ("dissatisfied-40",)
    assert isinstance(results[2], EvaluationError)


def test_explanation_shows_the_derived_value_and_its_formula(rules):
    out = rules.evaluate("satisfaction-review", {"review_on": "2026-06-30", "respondents": 100, "dissatisfied": 40})
    lines = [line.render("zh") for line in out.explanation]
    assert "不满意率 = 40.0%（不满意人数 / 参评人数）" in lines
    english = [line.render("en") for line in out.explanation]
    assert "dissatisfaction rate = 40.0% (dissatisfied respondents / respondents)" in english
    near = [line.render("zh") for line in out.near_misses]
    assert any("不满意率为40.0%，要求小于 40%" in line for line in near), near
    # nothing to show when the value is missing
    out = rules.evaluate("satisfaction-review", {"review_on": "2026-06-30"})
    assert not any("不满意率 =" in line.render("zh") for line in out.explanation)


def test_batch_agrees_with_one_by_one_and_caches_by_inputs(rules):
    import random

    rng = random.Random(5)
    cases = []
    for _ in range(3000):
        case = {"review_on": rng.choice(["2026-06-30", "2026-12-31"])}
        if rng.random() < 0.9:
            case["respondents"] = rng.choice([0, 1, 3, 5, 10, 100, "100", "20"])
        if rng.random() < 0.9:
            case["dissatisfied"] = rng.choice([0, 1, 2, 4, 39, 40, "40", 41])
        if rng.random() < 0.3:
            case["dissatisfaction_rate"] = rng.choice(["0", "1", 0.5])
        cases.append(case)

    def result(r):
        if isinstance(r, EvaluationError):
            return ("error", r.key, r.message("en"))
        return (r.fired, r.outputs)

    single = []
    for case in cases:
        try:
            single.append(result(rules.evaluate("satisfaction-review", case)))
        except EvaluationError as err:
            single.append(result(err))
    batch = [result(r) for r in rules.evaluate_batch("satisfaction-review", cases, chunk=257)]
    assert batch == single
    assert any(r[0] == "error" for r in single) and any(r[0] == ("below-40",) for r in single)


def test_date_difference_in_conditions_and_outputs(make_rules):
    directory = make_rules({"quick.toml": QUICK})
    rules = open_rules(directory)
    try:
        policy = rules.book.versions("quick")[0]
        assert policy.date_field == "settled_on"
        assert {"days_to_settle", "settled_on", "received_on", "status"} == set(policy.fields)
        plan = rules.evaluator.plan(policy)
        # the version-picking date is read by the formula: it must key the batch caches
        assert set(plan.key_names) == {"settled_on", "received_on", "status"}
        base = {"status": "settled", "received_on": "2026-03-01"}
        cases = [
            {**base, "settled_on": "2026-03-03"},  # 2 days: 60
            {**base, "settled_on": "2026-03-08"},  # 7 days: 10
            {**base, "settled_on": "2026-03-09"},  # 8 days: nothing
            {**base, "settled_on": "2026-03-03"},
            {"status": "settled", "settled_on": "2026-03-03"},  # no received_on: no days
        ]
        amounts = [r.outputs["amount"] for r in rules.evaluate_batch("quick", cases)]
        assert amounts == [Decimal("60.00"), Decimal("10.00"), Decimal("0.00"), Decimal("60.00"), Decimal("0.00")]
        assert [rules.evaluate("quick", c).outputs["amount"] for c in cases] == amounts
        lines = [line.render("zh") for line in rules.evaluate("quick", cases[0]).explanation]
        assert "调处天数 = 2（调处成功日期 - 受理日期）" in lines
        # the ledger's value classes see that the dates and the numbers read by formulas matter
        assert date_classes([policy]) is None
    finally:
        rules.close()


def test_output_formula_may_subtract_dates_only(make_rules):
    table = """
    [policy]
    id = "t"
    kind = "table"
    title = "天数"
    version = "1"
    effective_from = 2026-01-01
    source = "测试来源"

    [outputs.days]
    type = "int"
    title = "天数"

    [[rule]]
    id = "all"
    title = "全部"
    when = { status = "settled" }
    then = { days = "closed_on - received_on" }
    """
    rules = open_rules(make_rules({"t.toml": table}))
    try:
        out = rules.evaluate("t", {"status": "settled", "received_on": "2026-01-01", "closed_on": "2026-02-01"})
        assert out.outputs["days"] == 31
    finally:
        rules.close()
    broken = make_rules({"t.toml": table.replace('"closed_on - received_on"', '"closed_on + 3"')})
    with pytest.raises(RuleSetError) as caught:
        load_rules(broken)
    (err,) = caught.value.errors
    assert err.key == "expr_syntax" and err.path.name == "t.toml" and err.line == 17
    assert "subtracted from another date" in err.render("en")


def test_number_classes_see_formula_inputs(rules):
    versions = rules.book.versions("satisfaction-review")
    assert number_classes(versions, "respondents") is None
    assert number_classes(versions, "dissatisfied") is None
    assert number_classes(versions, "dissatisfaction_rate") is not None


def test_example_that_gives_the_derived_field_is_told(make_rules):
    policy = POLICY + '\n[[example]]\ngiven = { dissatisfaction_rate = 0.5 }\nexpect = { promote = false }\n'
    directory = make_rules({"p.toml": policy})
    with pytest.raises(RuleSetError) as caught:
        load_rules(directory)
    (err,) = caught.value.errors
    assert err.key == "derived_given"
    assert err.line == policy.strip("\n").splitlines().index("given = { dissatisfaction_rate = 0.5 }") + 1
    assert "dissatisfied / respondents" in err.render("en") and "dissatisfied, respondents" in err.render("en")
    assert "派生字段" in err.render("zh") and "dissatisfied、respondents" in err.render("zh")


def test_examples_give_the_inputs(make_rules):
    policy = POLICY + ('\n[[example]]\ngiven = { respondents = 10, dissatisfied = 4 }\nexpect = { promote = false, fired = ["not-promoted"] }\n'
                       '\n[[example]]\ngiven = { respondents = 10, dissatisfied = 3 }\nexpect = { promote = false }\n')
    rules = open_rules(make_rules({"p.toml": policy}))
    try:
        report = run_examples(rules)
        assert report.passed == 1 and report.failed == 1
        assert "promote expected False, got True" in report.results[1].render("en")
    finally:
        rules.close()


def test_shipped_examples_pass(rules):
    report = run_examples(rules)
    mine = [r for r in report.results if r.policy.id == "satisfaction-review"]
    assert len(mine) >= 3 and all(r.passed for r in mine)
    assert not [row for policy, row, _ in report.unreached_rows if policy.id == "satisfaction-review"]


def test_lint_treats_a_derived_field_as_any_field(make_rules):
    shadowed = POLICY + """
[[rule]]
id = "half"
title = "过半不满意"
when = { dissatisfaction_rate = { gte = 0.5 } }
then = { promote = false }
"""
    rules = open_rules(make_rules({"p.toml": shadowed}))
    try:
        findings = lint_policy(rules.book.versions("review")[0])
        assert [f.message.key for f in findings] == ["lint_shadowed"]
        text = findings[0].render("en")
        assert "'half'" in text and "not-promoted" in text and "dissatisfaction_rate=0.5" in text
    finally:
        rules.close()


def test_shipped_policy_lints_clean(rules):
    assert lint_policy(rules.book.versions("satisfaction-review")[0]) == []


def test_policy_files_cannot_declare_derived_fields(make_rules):
    text = POLICY + '\n[fields.ratio]\ntype = "decimal"\ntitle = "比"\nformula = "respondents / 2"\n'
    with pytest.raises(RuleSetError) as caught:
        load_rules(make_rules({"p.toml": text}))
    assert [e.key for e in caught.value.errors] == ["derived_local"]
    assert "fields.toml" in caught.value.errors[0].render("en")


def test_declared_inputs_bring_the_formula_inputs(make_rules):
    text = POLICY.replace('source = "测试来源"', 'source = "测试来源"\ninputs = ["dissatisfaction_rate"]')
    rules = open_rules(make_rules({"p.toml": text}))
    try:
        policy = rules.book.versions("review")[0]
        assert list(policy.fields) == ["dissatisfaction_rate", "respondents", "dissatisfied"]
        assert rules.evaluate("review", {"respondents": 4, "dissatisfied": 2}).outputs == {"promote": False}
    finally:
        rules.close()


def test_check_test_lint_pass_on_shipped_rules():
    from typer.testing import CliRunner

    from tiaojie.cli import app

    runner = CliRunner()
    for command in ("check", "test", "lint"):
        result = runner.invoke(app, ["--rules", str(RULES_DIR), "rules", command])
        assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["--rules", str(RULES_DIR), "rules", "lint"])
    assert "satisfaction-review" not in result.output
