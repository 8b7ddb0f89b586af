"""Checklist fields (a case file's 卷宗 materials): declared in fields.toml with required and
as-needed items, ticked by id or Chinese label, tested in conditions (complete / has / lacks) the
same way by the engine and by Python, the missing required items named in an outcome, and every
mistake in a declaration, a condition or a value located and said in both languages."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from rules_helpers import RULES_DIR

from tiaojie.rules.errors import EvaluationError, RuleSetError
from tiaojie.rules.loader import load_rules
from tiaojie.rules.service import open_rules
from tiaojie.value_errors import InvalidValue

FIELDS = """
[enums.item]
title = "卷宗材料"
title_en = "case file item"
labels = { application = "申请书", agreement = "调解协议书", cover = "封底", evidence = "证据材料" }
labels_en = { application = "application", agreement = "mediation agreement", cover = "back cover", evidence = "evidence" }

[enums.status]
title = "案件状态"
labels = { settled = "调解成功", failed = "调解不成" }

[fields.status]
type = "enum"
enum = "status"
title = "案件状态"

[fields.file]
type = "checklist"
enum = "item"
required = ["application", "调解协议书", "cover"]
title = "卷宗材料"
title_en = "case file"
"""

POLICY = """
[policy]
id = "p"
kind = "reward"
title = "卷宗奖补"
version = "1"
effective_from = 2026-01-01
source = "测试"

[default]
amount = 0

[[rule]]
id = "incomplete"
title = "卷宗不齐全"
title_en = "file incomplete"
when = { status = "settled", file = { complete = false } }
then = { amount = 0 }

[[rule]]
id = "confirmed"
title = "卷宗齐全且附证据"
when = { status = "settled", file = { complete = true, has = ["证据材料"] } }
then = { amount = 150 }

[[rule]]
id = "complete"
title = "卷宗齐全"
title_en = "file complete"
when = { status = "settled", file = { complete = true } }
then = { amount = 100 }
"""

LACKS = """
[policy]
id = "q"
kind = "reward"
title = "缺证据"
version = "1"
effective_from = 2026-01-01
source = "测试"
hit = "collect-sum"

[[rule]]
id = "lacks"
title = "缺少封底或证据"
when = { file = { lacks = ["cover", "evidence"] } }
then = { amount = 7 }

[[rule]]
id = "has"
title = "附调解协议书"
when = { file = ["agreement"] }
then = { amount = 11 }
"""

ON = dt.date(2026, 5, 1)


@pytest.fixture
def checklist_rules(make_rules):
    directory = make_rules({"p.toml": POLICY, "q.toml": LACKS}, fields=FIELDS)
    loaded = open_rules(directory)
    yield loaded
    loaded.close()


def test_a_value_is_the_ticked_items_by_id_or_label_in_any_separator(checklist_rules):
    fdef = checklist_rules.book.vocabulary.fields["file"]
    assert fdef.required_items() == ["application", "agreement", "cover"]
    assert fdef.coerce("申请书、调解协议书") == {"application", "agreement"}
    assert fdef.coerce("application, cover，证据材料") == {"application", "cover", "evidence"}
    assert fdef.coerce(["Mediation agreement", "封底"]) == {"agreement", "cover"}
    assert fdef.coerce("") == frozenset() and fdef.coerce([]) == frozenset()
    assert fdef.missing_required(frozenset({"cover"})) == ["application", "agreement"]
    assert fdef.missing_required(None) == ["application", "agreement", "cover"]
    assert fdef.show(frozenset({"cover", "application"})) == "申请书、封底"  # in the checklist's order
    assert fdef.show(frozenset({"cover", "application"}), "en") == "application, back cover"
    assert fdef.show(frozenset()) == "（无）"
    with pytest.raises(InvalidValue) as caught:
        fdef.coerce("申请书、协议书")
    zh, en = caught.value.detail.render("zh"), caught.value.detail.render("en")
    assert "「卷宗材料」没有材料项「协议书」" in zh and "调解协议书（agreement）" in zh
    assert "'case file' has no item '协议书'" in en and "did you mean '调解协议书'" in en
    with pytest.raises(InvalidValue):
        fdef.coerce(3)


def test_conditions_read_the_same_in_the_engine_and_in_python(checklist_rules):
    items = ["application", "agreement", "cover", "evidence"]
    p = checklist_rules.book.select("p", ON)
    q = checklist_rules.book.select("q", ON)
    seen = set()
    for n in range(len(items) + 1):
        for ticked in itertools.combinations(items, n):
            for status in ("settled", "failed"):
                case = {"status": status, "file": list(ticked)}
                have = set(ticked)
                complete = {"application", "agreement", "cover"} <= have
                expected = 0
                if status == "settled" and complete:
                    expected = 150 if "evidence" in have else 100
                outcome = checklist_rules.evaluate("p", case, ON)
                assert outcome.amount() == expected, case
                # the plain-Python reading agrees with the engine's: the first row that holds fired
                typed = {"status": status, "file": frozenset(ticked)}
                first = next((row.id for row in p.rows if row.holds(typed, ON)), None)
                assert outcome.fired == ((first,) if first else ()), case
                summed = checklist_rules.evaluate("q", {"file": list(ticked)}, ON).amount()
                lacks = not {"cover", "evidence"} <= have
                assert summed == (7 if lacks else 0) + (11 if "agreement" in have else 0), ticked
                assert {r.id for r in q.rows if r.holds({"file": frozenset(ticked)}, ON)} == \
                    set(checklist_rules.evaluate("q", {"file": list(ticked)}, ON).fired)
                seen.add(expected)
    assert seen == {0, 100, 150}
    # nothing ticked at all (the field missing) is an empty file: not complete, lacking everything
    missing = checklist_rules.evaluate("p", {"status": "settled"}, ON)
    assert missing.fired == ("incomplete",)
    assert checklist_rules.evaluate("q", {}, ON).amount() == 7


def test_the_explanation_names_the_missing_required_items(checklist_rules):
    outcome = checklist_rules.evaluate("p", {"status": "settled", "file": "申请书、证据材料"}, ON)
    assert outcome.amount() == 0 and outcome.fired == ("incomplete",)
    lines = [line.render("zh") for line in outcome.explanation]
    assert "卷宗材料缺少必备项：调解协议书、封底" in lines
    assert "case file lacks required items: mediation agreement, back cover" in [
        line.render("en") for line in outcome.explanation]
    done = checklist_rules.evaluate("p", {"status": "settled", "file": "申请书、调解协议书、封底"}, ON)
    assert done.amount() == 100
    assert "卷宗材料必备项齐全" in [line.render("zh") for line in done.explanation]
    # a policy that never asks for a complete file says nothing about it
    assert not any("必备" in line.render("zh") for line in checklist_rules.evaluate("q", {}, ON).explanation)


def test_an_unknown_item_in_a_value_is_the_cases_error(checklist_rules):
    with pytest.raises(EvaluationError) as caught:
        checklist_rules.evaluate("p", {"status": "settled", "file": ["申请书", "照片"]}, ON)
    assert "「卷宗材料」没有材料项「照片」" in caught.value.message("zh")
    assert "'case file' has no item '照片'" in caught.value.message("en")


def line_of(text: str, marker: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if marker in line)


@pytest.mark.parametrize(("fields", "marker", "key", "words"), [
    (FIELDS.replace('enum = "item"\n', ""), "[fields.file]", "checklist_needs_enum", "needs enum"),
    (FIELDS.replace('enum = "item"', 'enum = "items"'), 'enum = "items"', "unknown_enum", "items"),
    (FIELDS.replace('"调解协议书", "cover"]', '"调解协议", "cover"]'), "required =", "checklist_unknown_required",
     "调解协议"),
    (FIELDS.replace('"调解协议书", "cover"]', '"调解协议书", "agreement"]'), "required =",
     "checklist_duplicate_required", "twice"),
    (FIELDS.replace('enum = "status"\n', 'enum = "status"\nrequired = ["settled"]\n'), 'required = ["settled"]',
     "checklist_only", "not one"),
])
def test_a_bad_checklist_declaration_is_located(make_rules, fields, marker, key, words):
    directory = make_rules({"p.toml": POLICY}, fields=fields)
    with pytest.raises(RuleSetError) as caught:
        load_rules(directory)
    mine = [e for e in caught.value.errors if e.key == key]
    assert mine, [e.render("en") for e in caught.value.errors]
    text = (directory / "fields.toml").read_text(encoding="utf-8")
    assert mine[0].line == line_of(text, marker)
    assert mine[0].render("zh").startswith(f"{directory / 'fields.toml'}:{mine[0].line}: ")
    assert words in mine[0].render("en") and mine[0].render("zh") != mine[0].render("en")


@pytest.mark.parametrize(("condition", "key"), [
    ('file = { has = ["申请书", "照片"] }', "checklist_unknown_item"),
    ("file = { complete = 1 }", "checklist_complete_bool"),
    ('file = { eq = "申请书" }', "checklist_operator"),
    ('file = { gt = "申请书" }', "checklist_operator"),
    ("status = { complete = true }", "operator_type"),
    ("file = { has = [] }", "empty_list"),
])
def test_a_bad_condition_on_a_checklist_is_located(make_rules, condition, key):
    policy = POLICY.replace('when = { status = "settled", file = { complete = false } }', f"when = {{ {condition} }}")
    directory = make_rules({"p.toml": policy}, fields=FIELDS)
    with pytest.raises(RuleSetError) as caught:
        load_rules(directory)
    mine = [e for e in caught.value.errors if e.key == key]
    assert mine, [e.render("en") for e in caught.value.errors]
    assert mine[0].path.name == "p.toml"
    assert mine[0].line == line_of((directory / "p.toml").read_text(encoding="utf-8"), condition.split(" =")[0] + " = {")
    assert mine[0].render("zh") != mine[0].render("en")


def test_the_shipped_case_file_lists_six_required_items_and_seven_as_needed():
    rules = open_rules(RULES_DIR)
    try:
        fdef = rules.book.vocabulary.fields["case_file"]
        enum = fdef.enum_def
        assert [enum.labels[i] for i in fdef.required_items()] == [
            "申请书或受理登记表", "权利义务告知书", "当事人身份证明", "调解记录", "调解协议书", "封底"]
        assert [enum.labels[i] for i in fdef.items() if i not in fdef.required_items()] == [
            "授权委托书", "调查记录", "证据材料", "履行凭证", "回访记录", "司法确认材料", "卷宗情况说明"]
        follow = rules.book.vocabulary.fields["follow_up_result"].enum_def
        assert follow.labels == {"fulfilled": "协议已履行", "unfulfilled": "协议未履行", "unreached": "联系不到当事人"}
    finally:
        rules.close()
