"""A corpus of broken rule sets, each made from a copy of the shipped rules/ by one edit, the way a
clerk editing in Notepad (or a script) breaks them. For each, `tiaojie rules check` exits non-zero,
names the file and the line the mistake is on, says it in Chinese without English fragments, and
prints no traceback. A file Notepad saved with a byte order mark (and CRLF line ends) passes.
"""

from __future__ import annotations

import re
import shutil
import typing
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pydantic import BaseModel
from rules_helpers import RULES_DIR
from typer.testing import CliRunner

from tiaojie.cli import app
from tiaojie.rules.conditions import OPERATORS
from tiaojie.rules.schema import PolicyFile
from tiaojie.vocabulary import Vocabulary

M = "mediation-reward-2026.toml"
E = "escalation-2026.toml"
B = "banquet-2026.toml"
D = "collective-dividend-yuwang-2026.toml"
C = "canteen-meal-2026.toml"
S = "satisfaction-review-2026.toml"
F = "fields.toml"
START = "\0start"  # `old` for an edit at the start of the file
END = "\0end"  # `old` for an edit at the end of the file

# Words a Chinese message may hold besides what the rule files themselves spell (their keys, ids and
# file names): the names of the formats and of the date pattern.
ALLOWED_WORDS = {"TOML", "JSON", "YYYY", "UTF", "GBK", "ANSI"}


def _schema_words() -> set[str]:
    """The rule files' own vocabulary: every key the schemas define, every choice they offer, and
    the condition operators — ids a message may name even where the broken file does not."""
    words: set[str] = set(OPERATORS) | {"any", "all"}
    seen: set[type] = set()

    def walk(annotation: object) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation in seen:
                return
            seen.add(annotation)
            for name, info in annotation.model_fields.items():
                words.add(name)
                walk(info.annotation)
            return
        if typing.get_origin(annotation) is typing.Literal:
            words.update(str(a) for a in typing.get_args(annotation))
        for arg in typing.get_args(annotation):
            walk(arg)

    walk(PolicyFile)
    walk(Vocabulary)
    return {w for word in words for w in re.findall(r"[A-Za-z]{3,}", word)}


SCHEMA_WORDS = _schema_words()

MAJOR_WHEN = 'when = { status = "settled", severity = "major", settled_by = ["village_committee", "village_group", "mediation_committee"] }'


@dataclass(frozen=True)
class Case:
    """One broken rule set: in `file`, the first `old` becomes `new` (or every `old`, with `count`)."""

    description: str
    file: str
    old: str
    new: str | bytes
    at: str | None = None  # text on the line the error names; default: the first non-blank line of `new`
    occurrence: int = 1  # … its n-th line holding `at`, from the edit on
    above: bool = False  # … the nearest line holding `at` at or above the edit (a table's header)
    also: tuple[tuple[str, str], ...] = ()  # further edits of the same file, each of the first occurrence
    count: int = 1
    passes: bool = False
    other_files: dict[str, str] = field(default_factory=dict)
    in_file: str | None = None  # the file the error names, when not the edited one
    regex: bool = False  # `old` is a regular expression (across lines)
    xfail: str = ""  # a known gap outside the rule-file reader, with its reason
    message: tuple[str, ...] = ()  # text the Chinese message must hold (a hint, a suggestion)


def deep(levels: int, op: str = "any") -> str:
    return "when = " + f"{{ {op} = [ " * levels + '{ status = "settled" }' + " ] }" * levels


SYNTAX = [
    # full-width punctuation and digits, curly quotes
    Case("full-width equals", M, 'kind = "reward"', 'kind ＝ "reward"', message=("第 6 列是全角「＝」，应为半角「=」", 'kind = "reward"')),
    Case("full-width comma in an inline table", M, 'severity = "major", settled_by', 'severity = "major"， settled_by', at="when =", message=("全角「，」",)),
    Case("full-width colon instead of =", M, 'kind = "reward"', 'kind："reward"', message=("全角「：」", 'kind = "reward"')),
    Case("curly quotes around a title", M, 'title = "人民调解以奖代补"', "title = “人民调解以奖代补”", message=("中文引号「“」", 'title = "人民调解以奖代补"')),
    Case("curly quotes in a condition", M, 'severity = "major", settled_by', "severity = “major”, settled_by", at="when =", message=("中文引号",)),
    Case("single curly quotes", M, 'hit = "first"', "hit = ‘first’", message=("中文引号「‘」",)),
    Case("full-width brackets 【【rule】】", M, '[[rule]]\nid = "major"', '【【rule】】\nid = "major"', message=("全角「【」", "[[rule]]")),
    Case("full-width square brackets around a list", E, 'levels = ["village", "township", "county"]', 'levels = ［"village", "township", "county"］', message=("全角「［」",)),
    Case("full-width braces", M, "then = { amount = 500 }", "then = ｛ amount = 500 ｝", message=("全角「｛」",)),
    Case("full-width digits ５００", M, "then = { amount = 500 }", "then = { amount = ５００ }", message=("「５００」是全角数字，应为半角「500」",)),
    Case("full-width digits in a date", M, "effective_from = 2026-01-01", "effective_from = ２０２６-01-01", message=("全角数字",)),
    Case("full-width space before a key", M, 'kind = "reward"', '　kind = "reward"', message=("全角空格",)),
    Case("full-width letters in a key", M, 'kind = "reward"', 'ｋｉｎｄ = "reward"', message=("全角字母",)),
    Case("full-width parentheses around a number", M, "then = { amount = 500 }", "then = { amount = （500） }", message=("全角「（」",)),
    Case("Chinese full stop as a decimal point", D, "fixed_rate = 0.04", "fixed_rate = 0。04", message=("全角「。」",)),
    Case("ideographic comma between list items", E, 'levels = ["village", "township", "county"]', 'levels = ["village"、"township", "county"]', message=("全角「、」",)),
    # values written as they are said
    Case("unquoted Chinese value in a condition", M, 'severity = "major", settled_by', "severity = 重大, settled_by", at="when =", message=('加引号：severity = "重大"',)),
    Case("unquoted Chinese title", M, 'title = "人民调解以奖代补"', "title = 人民调解以奖代补", message=('title = "人民调解以奖代补"',)),
    Case("unquoted English word", M, 'kind = "reward"', "kind = reward", message=('kind = "reward"',)),
    Case("unquoted formula", C, "price = 10 }", "price = 10 * age }", at="then =", message=("加引号",)),
    Case("yes written 是", E, "when = { needs_verification = true }", "when = { needs_verification = 是 }", message=("needs_verification = true",)),
    Case("True with a capital", C, "when = { outside_worker = true }", "when = { outside_worker = True }", message=("outside_worker = true",)),
    Case("date with slashes", M, "effective_from = 2026-01-01", "effective_from = 2026/01/01", message=("effective_from = 2026-01-01",)),
    Case("date in Chinese", M, "effective_from = 2026-01-01", "effective_from = 2026年1月1日", message=("effective_from = 2026-01-01",)),
    Case("date without leading zeros", M, "effective_from = 2026-01-01", "effective_from = 2026-1-1", message=("effective_from = 2026-01-01",)),
    Case("month 13", M, "effective_from = 2026-01-01", "effective_from = 2026-13-01", message=("不是有效日期",)),
    Case("February 30", M, "effective_from = 2026-01-01", "effective_from = 2026-02-30", message=("不是有效日期",)),
    Case("amount with a unit", M, "then = { amount = 500 }", "then = { amount = 500元 }", message=("amount = 500",)),
    Case("thousands separator", M, "max = 10000", "max = 10,000", message=("max = 10000",)),
    Case("leading zero", M, "max = 10000", "max = 010000", message=("max = 10000",)),
    Case("decimal without a leading zero", D, "fixed_rate = 0.04", "fixed_rate = .04", message=("fixed_rate = 0.04",)),
    Case("double equals", M, 'hit = "first"', 'hit == "first"', message=('hit = "first"',)),
    Case("nothing after =", M, 'hit = "first"', "hit = ", message=("后面要写值",)),
    # keys
    Case("Chinese key in [policy]", M, 'hit = "first"', '命中方式 = "first"', message=("「命中方式」是中文", "hit")),
    Case("Chinese key 金额 in then", M, "then = { amount = 500 }", "then = { 金额 = 500 }", message=("「金额」是中文", "amount")),
    Case("Chinese key 金额 in [default]", M, "[default]\namount = 0", "[default]\n金额 = 0", at="金额", message=("amount",)),
    Case("Chinese key in a condition", M, 'severity = "major", settled_by', '纠纷程度 = "major", settled_by', at="when =", message=("「纠纷程度」的编号是 severity",)),
    Case("key with a space", M, "effective_from = 2026-01-01", "effective from = 2026-01-01", message=("effective_from = 2026-01-01",)),
    Case("key without =", M, 'title = "人民调解以奖代补"', 'title "人民调解以奖代补"', message=('title = "人民调解以奖代补"',)),
    Case("line that is only a value", M, 'hit = "first"', '= "first"'),
    Case("key written twice", M, 'version = "2026.1"', 'version = "2026.1"\nversion = "2026.2"', at='version = "2026.2"', message=("「version」", "第一次写在第 9 行")),
    Case("key twice in an inline table", M, "then = { amount = 500 }", "then = { amount = 500, amount = 600 }", message=("「amount」",)),
    Case("dotted key into an inline table", M, "then = { amount = 500 }", "then = { amount = 500 }\nthen.note = 1", at="then.note"),
    # tables
    Case("[policy] twice", M, "[default]", '[policy]\nid = "x"\n\n[default]', message=("[policy]",)),
    Case("[rule] instead of [[rule]]", M, "[[rule]]", "[rule]", count=2, at="[rule]", occurrence=2, message=("[[rule]]",)),
    Case("[[rule]] after [rule]", M, "[[rule]]", "[rule]", at="[[rule]]", message=("[[rule]]",)),
    Case("[[rule] missing a bracket", M, '[[rule]]\nid = "major"', '[[rule]\nid = "major"', message=("[[rule]]",)),
    Case("[policy missing its bracket", M, "[policy]", "[policy", message=("[policy]",)),
    # inline tables and lists
    Case("inline table not closed", M, "then = { amount = 500 }", "then = { amount = 500"),
    Case("inline table over two lines", M, MAJOR_WHEN, 'when = { status = "settled",\n  severity = "major" }', message=("同一行",)),
    Case("comma after the last item", M, "then = { amount = 500 }", "then = { amount = 500, }", message=("不能有逗号",)),
    Case("missing comma between items", M, 'when = { status = "settled", severity = "major"', 'when = { status = "settled" severity = "major"', message=("逗号",)),
    Case("list not closed on its line", M, 'inputs = ["status", "severity", "settled_by", "settled_on"]', 'inputs = ["status", "severity", "settled_by", "settled_on"', message=("「]」",)),
    Case("multi-line list not closed", D, '  { id = "labour", title = "劳龄股", title_en = "labour-years share", weight = 0.5 },\n]', '  { id = "labour", title = "劳龄股", title_en = "labour-years share", weight = 0.5 },', at="share_classes = [", message=("「]」",)),
    # text
    Case("closing quote missing", M, 'title = "人民调解以奖代补"', 'title = "人民调解以奖代补', message=("引号",)),
    Case("closing single quote missing", M, 'title = "人民调解以奖代补"', "title = '人民调解以奖代补", message=("引号",)),
    Case("multi-line text not closed", M, 'source = "金平县', 'source = """金平县', at="source =", message=('"""',)),
    Case("backslash in double quotes", M, 'severity = "major", settled_by', 'number = { matches = "\\d+" }, settled_by', at="when =", message=("matches = '\\d+'",)),
    Case("two strings on a line", M, 'version = "2026.1"', 'version = "2026.1" "2026.2"'),
    Case("semicolon after a value", M, 'hit = "first"', 'hit = "first";', message=("分号",)),
    Case("control character in text", M, 'title = "人民调解以奖代补"', 'title = "人民调解\x01以奖代补"', message=("U+0001",)),
    Case("nesting deeper than the parser goes", M, MAJOR_WHEN, deep(300), message=("嵌套太深",)),
    Case("any nested 200 deep", M, MAJOR_WHEN, deep(200), message=("嵌套太深",)),
    Case("all nested 40 deep", M, MAJOR_WHEN, deep(40, "all"), message=("嵌套太深",)),
    # characters that cannot be seen
    Case("no-break space before a key", M, 'kind = "reward"', '\u00a0kind = "reward"', message=("U+00A0", 'kind = "reward"')),
    Case("zero-width space after a key", M, 'kind = "reward"', 'kind\u200b = "reward"', message=("U+200B",)),
    Case("byte order mark inside the file", M, "[default]", "\ufeff[default]", message=("U+FEFF",)),
    Case("no-break space inside an inline table", M, "then = { amount = 500 }", "then = {\u00a0amount = 500 }", message=("U+00A0",)),
    # encodings
    Case("GBK file (Notepad's ANSI)", M, START, "", at="金平县（云南）", message=("GBK",)),
    Case("UTF-16 file", M, START, "", at="金平县（云南）", message=("UTF-16",)),
    Case("Chinese key in fields.toml", F, 'type = "enum"\nenum = "status"', '类型 = "enum"\nenum = "status"', message=("「类型」的编号是 type",)),
    Case("full-width equals in fields.toml", F, 'type = "enum"\nenum = "status"', 'type ＝ "enum"\nenum = "status"', message=("全角「＝」",)),
    Case("unquoted value in fields.toml", F, 'title = "案件状态"\ntitle_en = "status"\n\n[fields', 'title = 案件状态\ntitle_en = "status"\n\n[fields', message=('title = "案件状态"',)),
]

SCHEMA = [
    # a value where a table is expected (each once a traceback)
    Case("when written as a string", M, MAJOR_WHEN, 'when = "status = settled"', message=("「when」应为表", 'when = { status = "settled" }')),
    Case("then written as a number", M, "then = { amount = 500 }", "then = 500", message=("「then」应为表",)),
    Case("deadlines written as a list", E, "deadlines = { village = 0, township = 15, county = 30 }", "deadlines = [0, 15, 30]", message=("「deadlines」应为表",)),
    Case("policy written as a string", M, '[policy]\nid = "mediation-reward"', 'policy = "人民调解以奖代补"\n[policy_header]\nid = "mediation-reward"', at="policy =", message=("[policy]",)),
    Case("given written as a string", M, 'given = { status = "settled", severity = "major", settled_by = "village_committee", settled_on = 2026-03-02 }', 'given = "settled"'),
    Case("cap written as a string", M, START, 'cap = "每月 10000 元"\n', at="cap =", also=(("[[cap]]", "[[caps]]"),), message=("[[cap]]",)),
    Case("escalation written as a string", E, START, 'escalation = "三级"\n', at="escalation =", also=(("[escalation]", "[escalation_levels]"),), message=("[escalation]",)),
    Case("a share class written as a string", D, '  { id = "labour", title = "劳龄股", title_en = "labour-years share", weight = 0.5 },', '  "labour",', at='"labour",'),
    # unknown keys
    Case("unknown key in [policy]", M, 'title = "人民调解以奖代补"', 'titel = "人民调解以奖代补"', message=("是否想写「title」",)),
    Case("unknown key in a rule", M, MAJOR_WHEN, MAJOR_WHEN.replace("when =", "whne ="), message=("是否想写「when」",)),
    Case("unknown key in an example", M, "expect = { amount = 500, fired = [\"major\"] }", "expcet = { amount = 500, fired = [\"major\"] }", message=("是否想写「expect」",)),
    Case("unknown key in a cap", M, "max = 10000", "maxx = 10000", message=("是否想写「max」",)),
    Case("unknown section [[rules]]", M, '[[rule]]\nid = "major"', '[[rules]]\nid = "major"', message=("是否想写「rule」",)),
    Case("unknown key in [escalation]", E, "on_overdue = \"next_level\"", "on_overdu = \"next_level\"", message=("是否想写「on_overdue」",)),
    Case("unknown key in an output", C, 'type = "money"\ntitle = "每餐价格"', 'typ = "money"\ntitle = "每餐价格"', message=("是否想写「type」",)),
    Case("unknown key in a share class", D, 'weight = 0.5 }', 'wieght = 0.5 }', at="labour", message=("是否想写「weight」",)),
    # missing keys
    Case("rule without a title", M, 'title = "成功调处重大矛盾纠纷"\n', "", at="[[rule]]", above=True, message=("「title」",)),
    Case("policy without an id", M, 'id = "mediation-reward"\n', "", at="[policy]", above=True, message=("「id」",)),
    Case("output without a title", C, 'type = "money"\ntitle = "每餐价格"\n', 'type = "money"\n', at="[outputs.price]", above=True, message=("「title」",)),
    Case("escalation without deadlines", E, "deadlines = { village = 0, township = 15, county = 30 }\n", "", at="[escalation]", above=True),
    # wrong types and values
    Case("priority as text", M, 'title = "成功调处重大矛盾纠纷"', 'title = "成功调处重大矛盾纠纷"\npriority = "high"', at="priority", message=("「priority」应为整数", '"high"')),
    Case("title as a number", M, 'title = "人民调解以奖代补"', "title = 5", message=("「title」应为文字",)),
    Case("version as a number", M, 'version = "2026.1"', "version = 2026.1", message=("「version」应为文字", "2026.1")),
    Case("kind not one of the kinds", M, 'kind = "reward"', 'kind = "rewards"', message=("reward | banquet",)),
    Case("hit not one of the choices", M, 'hit = "first"', 'hit = "all"', message=("first | unique | collect-sum",)),
    Case("date in quotes that is no date", M, "effective_from = 2026-01-01", 'effective_from = "2026-13-01"', message=("YYYY-MM-DD",)),
    Case("date as a number", M, "effective_from = 2026-01-01", "effective_from = 20260101", message=("YYYY-MM-DD",)),
    Case("date with a time", M, "effective_from = 2026-01-01", "effective_from = 2026-01-01T08:00:00", message=("不带时间",)),
    Case("effective_until before effective_from", M, "effective_from = 2026-01-01", "effective_from = 2026-01-01\neffective_until = 2025-12-31", at="effective_until"),
    Case("rule id with spaces and capitals", M, 'id = "major"', 'id = "Major Rule"', message=("小写",)),
    Case("empty rule id", M, 'id = "major"', 'id = ""', message=("小写",)),
    Case("empty title", M, 'title = "人民调解以奖代补"', 'title = ""', message=("至少 1 个字符",)),
    Case("cap period not a choice", M, 'period = "month"', 'period = "week"', message=("month | quarter | year",)),
    Case("negative cap", M, "max = 10000", "max = -5", message=("不能小于 0",)),
    Case("cap as words", M, "max = 10000", 'max = "很多"', message=("应为数字",)),
    Case("cap of cases with decimals", M, "max = 10000", "max_cases = 1.5", message=("应为整数",)),
    Case("cap that is not a number", M, "max = 10000", "max = nan", message=("有限",)),
    Case("meeting day 31", E, "monthly_meeting_day = 5", "monthly_meeting_day = 31", message=("不能大于 28",)),
    Case("meeting day 0", E, "monthly_meeting_day = 5", "monthly_meeting_day = 0", message=("不能小于 1",)),
    Case("no levels", E, 'levels = ["village", "township", "county"]', "levels = []", message=("至少要有 1 项",)),
    Case("levels as text", E, 'levels = ["village", "township", "county"]', 'levels = "village"', message=("应为列表",)),
    Case("a level as a number", E, 'levels = ["village", "township", "county"]', 'levels = ["village", 2, "county"]', message=("levels 的第 2 项",)),
    Case("deadline in words", E, "village = 0, township = 15", 'village = "当天", township = 15', at="deadlines =", message=("「deadlines.village」应为整数",)),
    Case("on_overdue not a choice", E, 'on_overdue = "next_level"', 'on_overdue = "up"', message=("next_level | stay",)),
    Case("closed statuses as text", E, 'closed_statuses = ["settled", "failed", "withdrawn"]', 'closed_statuses = "settled"', message=("应为列表",)),
    Case("no share classes", D, 'share_classes = [\n  { id = "member", title = "成员股", title_en = "member share", weight = 1 },\n  { id = "labour", title = "劳龄股", title_en = "labour-years share", weight = 0.5 },\n]', "share_classes = []", message=("至少要有 1 项",)),
    Case("share weight in words", D, "weight = 0.5 }", 'weight = "一半" }', at="labour", message=("应为数字",)),
    Case("inputs as text", M, 'inputs = ["status", "severity", "settled_by", "settled_on"]', 'inputs = "status"', message=("应为列表",)),
    Case("an input as a number", M, 'inputs = ["status", "severity", "settled_by", "settled_on"]', 'inputs = ["status", 1]', message=("inputs 的第 2 项",)),
    Case("as_of in words", E, "as_of = 2026-03-02", 'as_of = "明天"', message=("YYYY-MM-DD",)),
    Case("output type not a choice", C, 'type = "money"', 'type = "yuan"', message=("money | decimal",)),
    # the vocabulary
    Case("field type not a choice", F, 'type = "enum"\nenum = "status"', 'type = "enumeration"\nenum = "status"', message=("enum | text",)),
    Case("unknown key in a field", F, 'title = "案件状态"\ntitle_en = "status"\n\n[fields', 'titel = "案件状态"\ntitle_en = "status"\n\n[fields', message=("是否想写「title」",)),
    Case("subject with a capital", F, 'subject = "banquet"', 'subject = "Banquet"', message=("小写",)),
    Case("labels as text", F, 'labels = { normal = "一般", urgent = "紧急" }', 'labels = "一般、紧急"', message=("应为表",)),
    Case("form field unknown", F, 'fields = ["number", "source"', 'fields = ["numbr", "source"', message=("numbr",)),
    Case("formula syntax", F, 'formula = "settled_on - received_on"', 'formula = "settled_on - - "', at="formula ="),
    Case("formula unknown field", F, 'formula = "dissatisfied / respondents"', 'formula = "dissatisfied / respondent"', message=("respondents",)),
    Case("field of an undefined enumeration", F, 'type = "enum"\nenum = "status"', 'type = "enum"\nenum = "statuses"', at="enum = \"statuses\""),
    Case("formula on a text field", F, 'type = "text"\ntitle = "卷号"', 'type = "text"\nformula = "1 + 1"\ntitle = "卷号"', at='formula = "1 + 1"'),
]

INPUT_NUMBER = ('inputs = ["status"', 'inputs = ["number", "status"')

MEANING = [
    # conditions
    Case("regular expression with nothing to repeat", M, 'severity = "major", settled_by', "number = { matches = '*\\d' }, settled_by", at="when =", also=(INPUT_NUMBER,), message=("没有可重复的内容",)),
    Case("regular expression with an extra parenthesis", M, 'severity = "major", settled_by', "number = { matches = '\\d+)' }, settled_by", at="when =", also=(INPUT_NUMBER,), message=("「)」",)),
    Case("regular expression with a bad escape", M, 'severity = "major", settled_by', "number = { matches = '\\q' }, settled_by", at="when =", also=(INPUT_NUMBER,), message=("反斜杠",)),
    Case("regular expression with a backwards range", M, 'severity = "major", settled_by', "number = { matches = '[z-a]' }, settled_by", at="when =", also=(INPUT_NUMBER,), message=("前大后小",)),
    Case("inputs naming an unknown field", M, 'inputs = ["status", "severity"', 'inputs = ["status", "severty"', message=("severity",)),
    Case("hit on an escalation policy", E, 'date_field = "received_on"', 'date_field = "received_on"\nhit = "unique"', at="hit ="),
    Case("priority with decimals", M, 'title = "成功调处重大矛盾纠纷"', 'title = "成功调处重大矛盾纠纷"\npriority = 1.5', at="priority", message=("应为整数",)),
    Case("a cap's maximum of cases negative", M, "max = 10000", "max_cases = -1", message=("不能小于 0",)),
    Case("unknown field in a condition", M, 'severity = "major", settled_by', 'severty = "major", settled_by', at="when =", message=("是否想写「severity」",)),
    Case("unknown enum value", M, 'severity = "major", settled_by', 'severity = "majr", settled_by', at="when =", message=("是否想写「major」",)),
    Case("unknown operator", E, "persons_involved = { gte = 30 }", "persons_involved = { gtt = 30 }", at="when =", message=("gt",)),
    Case("order on an enumeration", M, 'severity = "major", settled_by', 'severity = { gt = "ordinary" }, settled_by', at="when ="),
    Case("between with one value", E, "persons_involved = { gte = 30 }", "persons_involved = { between = [30] }", at="when ="),
    Case("between upside down", E, "persons_involved = { gte = 30 }", "persons_involved = { between = [30, 1] }", at="when ="),
    Case("empty list of values", M, 'severity = "major", settled_by', 'severity = { in = [] }, settled_by', at="when ="),
    Case("invalid regular expression", M, 'severity = "major", settled_by', "number = { matches = '[a-' }, settled_by", at="when =", also=(INPUT_NUMBER,)),
    Case("untranslatable regular expression", M, 'severity = "major", settled_by', "number = { matches = '(?=A)\\d+' }, settled_by", at="when =", also=(INPUT_NUMBER,)),
    Case("exists with text", M, 'severity = "major", settled_by', 'number = { exists = "yes" }, settled_by', at="when =", also=(INPUT_NUMBER,)),
    Case("matches with a number", M, 'severity = "major", settled_by', "number = { matches = 5 }, settled_by", at="when =", also=(INPUT_NUMBER,)),
    Case("any with a table", M, 'severity = "major", settled_by', 'any = { severity = "major" }, settled_by', at="when ="),
    Case("any holding a string", M, 'severity = "major", settled_by', 'any = ["severity = major"], settled_by', at="when ="),
    Case("number compared with words", E, "persons_involved = { gte = 30 }", 'persons_involved = { gte = "很多" }', at="when ="),
    Case("enum list with a number", M, 'severity = "major", settled_by', 'severity = ["major", 5], settled_by', at="when ="),
    Case("date compared with words", M, 'severity = "major", settled_by', 'settled_on = { gte = "昨天" }, settled_by', at="when ="),
    Case("field the policy does not declare", M, 'severity = "major", settled_by', 'category = "neighbour", severity = "major", settled_by', at="when ="),
    Case("unknown date_field", M, 'date_field = "settled_on"', 'date_field = "settled_at"', message=("settled_on",)),
    # outputs
    Case("unknown output", M, "then = { amount = 500 }", "then = { amout = 500 }", message=("是否想写「amount」",)),
    Case("output of the wrong type", M, "then = { amount = 500 }", "then = { amount = true }"),
    Case("negative reward", M, "then = { amount = 500 }", "then = { amount = -5 }"),
    Case("amount with three decimals", M, "then = { amount = 500 }", "then = { amount = 500.125 }"),
    Case("amount beyond the ledger", M, "then = { amount = 500 }", "then = { amount = 1e30 }"),
    Case("formula syntax error", C, "price = 10 }", 'price = "10 * (age" }', at="then ="),
    Case("formula with an unknown field", C, "price = 10 }", 'price = "10 * ages" }', at="then =", message=("age",)),
    Case("formula over an enumeration", M, "then = { amount = 500 }", 'then = { amount = "2 * severity" }'),
    Case("constant division by zero", M, "then = { amount = 500 }", 'then = { amount = "200 / 0" }'),
    Case("retention rate over 1", D, "then = { retain_rate = 0.10 }", "then = { retain_rate = 1.5 }"),
    Case("fixed rate over 1", D, "fixed_rate = 0.04", "fixed_rate = 4"),
    Case("unknown default share class", D, 'default_class = "member"', 'default_class = "membr"'),
    Case("unknown escalation level", E, 'levels = ["village", "township", "county"]', 'levels = ["village", "town", "county"]', message=("township",)),
    Case("deadline for an unknown level", E, "county = 30 }", "county = 30, city = 60 }", at="deadlines ="),
    Case("deadline missing for a level", E, "village = 0, township = 15, county = 30", "village = 0, township = 15", at="deadlines ="),
    Case("unknown closed status", E, 'closed_statuses = ["settled", "failed", "withdrawn"]', 'closed_statuses = ["setled", "failed", "withdrawn"]', message=("settled",)),
    Case("table without outputs", C, '[outputs.eligible]\ntype = "bool"\ntitle = "可在食堂按此价就餐"\ntitle_en = "eligible at a listed price"\n\n[outputs.price]\ntype = "money"\ntitle = "每餐价格"\ntitle_en = "price per meal"\n', "", at='kind = "table"', above=True),
    Case("message on a reward row", M, "then = { amount = 500 }", 'then = { amount = 500 }\nmessage = "违规"', at="message ="),
    Case("banquet row without a message", B, 'message = "寿宴的寿星 {host_age} 岁，未满 60 岁"\n', "", at="[[rule]]", above=True),
    Case("section of another kind", M, "[default]", '[escalation]\nlevels = ["village"]\ndeadlines = { village = 0 }\n\n[default]', at="[escalation]"),
    Case("reserved field name", M, "[default]", '[fields.sid]\ntype = "text"\ntitle = "会话"\n\n[default]', at="[fields.sid]"),
    # rows and versions
    Case("duplicate rule id", M, 'id = "settled"', 'id = "major"', message=("第 20 行",)),
    Case("no rules at all", M, r"\[\[rule\]\].*", "", regex=True, at="[policy]", above=True),
    Case("a second version on the same dates", M, END, "", at='version = "2026.1"', in_file="mediation-reward-2027.toml",
         other_files={"mediation-reward-2027.toml": "copy"}),
    Case("overlapping versions", M, 'version = "2026.1"', 'version = "2026.1"\neffective_until = 2026-12-31', at="effective_from",
         in_file="mediation-reward-2026b.toml",
         other_files={"mediation-reward-2026b.toml": "copy:version = \"2026.1\"->version = \"2026.2\";effective_from = 2026-01-01->effective_from = 2026-07-01"}),
    # examples
    Case("example expecting an unknown output", M, 'expect = { amount = 500, fired = ["major"] }', 'expect = { amont = 500, fired = ["major"] }', message=("amount",)),
    Case("example expecting words of an amount", M, 'expect = { amount = 500, fired = ["major"] }', 'expect = { amount = "五百", fired = ["major"] }', message=("奖励金额", "五百")),
    Case("example expecting an amount of a yes/no", S, 'expect = { eligible = false, warning_talk = true, fired = ["dissatisfied-40"] }', 'expect = { eligible = 0, warning_talk = true, fired = ["dissatisfied-40"] }', message=("可予提拔",)),
    Case("example naming an unknown rule", M, 'expect = { amount = 500, fired = ["major"] }', 'expect = { amount = 500, fired = ["majr"] }', message=("major",)),
    Case("example with an unknown value", M, 'given = { status = "settled", severity = "major", settled_by = "village_committee", settled_on = 2026-03-02 }', 'given = { status = "settled", severity = "严重", settled_by = "village_committee", settled_on = 2026-03-02 }'),
    Case("example with a date in words", M, 'given = { status = "settled", severity = "major", settled_by = "village_committee", settled_on = 2026-03-02 }', 'given = { status = "settled", severity = "major", settled_by = "village_committee", settled_on = "三月二日" }'),
    Case("example with a fraction of a person", E, 'given = { severity = "simple", category = "neighbour"', 'given = { persons_involved = 1.5, severity = "simple", category = "neighbour"'),
    Case("example giving an unknown field", M, 'given = { status = "settled", severity = "major", settled_by = "village_committee", settled_on = 2026-03-02 }', 'given = { status = "settled", severty = "major", settled_by = "village_committee", settled_on = 2026-03-02 }', message=("severity",)),
    Case("example giving a derived field", S, "[[example]]", "[[example]]\ntitle = \"派生\"\ngiven = { dissatisfaction_rate = 0.5, review_on = 2026-06-30 }\nexpect = { eligible = false }\n\n[[example]]", at="given = { dissatisfaction_rate"),
]

PASSES = [
    Case("byte order mark (Notepad)", M, START, "\ufeff", passes=True),
    Case("byte order mark and CRLF line ends", M, START, "\ufeff", passes=True),
    Case("byte order mark in fields.toml", F, START, "\ufeff", passes=True),
]

CASES = SYNTAX + SCHEMA + MEANING + PASSES


def test_corpus_size():
    assert len(CASES) >= 100
    assert len({c.description for c in CASES}) == len(CASES)


def _apply(case: Case, text: str) -> tuple[str, int]:
    """The edited text and where the edit starts."""
    if case.old == START:
        return str(case.new) + text, 0
    if case.old == END:
        return text + str(case.new), len(text)
    if case.regex:
        m = re.search(case.old, text, re.S)
        assert m, case.old
        return re.sub(case.old, str(case.new), text, flags=re.S), m.start()
    assert case.old in text, f"{case.old!r} is not in {case.file}"
    where = text.index(case.old)
    return text.replace(case.old, str(case.new), case.count), where


def _expected_line(case: Case, text: str, where: int) -> int:
    new = str(case.new)
    marker = case.at or next((line for line in new.splitlines() if line.strip()), None)
    start_line = text[:where].count("\n") + 1
    if marker is None:
        return start_line
    found = [number for number, line in enumerate(text.splitlines(), start=1) if marker in line]
    if case.above:
        return max(n for n in found if n <= start_line)
    after = [n for n in found if n >= start_line] or found
    assert len(after) >= case.occurrence, f"{marker!r} is not in the edited {case.file}"
    return after[case.occurrence - 1]


def _other_file(directory: Path, name: str, spec: str) -> None:
    source = (directory / M).read_text(encoding="utf-8")
    if spec.startswith("copy:"):
        for pair in spec[5:].split(";"):
            old, new = pair.split("->")
            assert old in source, old
            source = source.replace(old, new, 1)
    (directory / name).write_text(source, encoding="utf-8")


def _words_of_the_files(directory: Path) -> set[str]:
    """The words a message may quote: what the rule files spell outside comments and English
    titles — keys, ids, values — and the file names."""
    words: set[str] = set()
    for path in directory.iterdir():
        words |= set(re.findall(r"[A-Za-z]{3,}", path.name))
        raw = path.read_bytes()
        text = raw.decode("utf-8", errors="replace") if not raw.startswith(b"\xff\xfe") else ""
        for line in text.splitlines():
            if re.match(r"\s*[A-Za-z_]+_en\s*=", line):
                continue
            words |= set(re.findall(r"[A-Za-z]{3,}", re.sub(r"\s#.*$|^\s*#.*$", "", line)))
    return words


def english_fragments(output: str, directory: Path) -> list[str]:
    """Runs of three or more ASCII letters in the Chinese output that neither the rule files nor
    the format names account for: pydantic's, tomllib's or Python's English leaking through."""
    text = re.sub(r"U\+[0-9A-F]{4,6}", "", output.replace(str(directory), ""))  # a character named by its code
    allowed = _words_of_the_files(directory) | ALLOWED_WORDS | SCHEMA_WORDS
    return [w for w in re.findall(r"[A-Za-z]{3,}", text) if w not in allowed]


runner = CliRunner()


def _check(directory: Path, lang: str = "zh"):
    return runner.invoke(app, ["--rules", str(directory), "--lang", lang, "rules", "check"])


@pytest.mark.parametrize("case", [
    pytest.param(c, id=c.description, marks=[pytest.mark.xfail(reason=c.xfail, strict=True)] if c.xfail else [])
    for c in CASES
])
def test_broken_rule_set(case: Case, tmp_path: Path):
    directory = tmp_path / "rules"
    shutil.copytree(RULES_DIR, directory)
    path = directory / case.file
    text = path.read_text(encoding="utf-8")
    edited, where = _apply(case, text)
    for old, new in case.also:
        assert old in edited, old
        edited = edited.replace(old, new, 1)
    if case.description.startswith("GBK"):
        path.write_bytes(edited.encode("gb18030"))
    elif case.description.startswith("UTF-16"):
        path.write_bytes(edited.encode("utf-16"))
    elif "CRLF" in case.description:
        path.write_bytes(edited.replace("\n", "\r\n").encode("utf-8"))
    else:
        path.write_text(edited, encoding="utf-8")
    for name, spec in case.other_files.items():
        _other_file(directory, name, spec)

    error_file = case.in_file or case.file
    if case.in_file:
        edited, where = (directory / case.in_file).read_text(encoding="utf-8"), 0
    result = _check(directory)
    output = result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in output
    if case.passes:
        assert result.exit_code == 0, output
        assert "规则检查通过" in output
        return
    assert result.exit_code != 0, output
    line = _expected_line(case, edited, where)
    assert f"{directory / error_file}:{line}: " in output, f"expected {error_file}:{line}, got:\n{output}"
    fragments = english_fragments(output, directory)
    assert not fragments, f"English in the Chinese output: {fragments}\n{output}"
    assert re.search(r"[\u4e00-\u9fff]", output.split(f"{error_file}:{line}: ", 1)[1].splitlines()[0])
    for text_ in case.message:
        assert text_ in output, f"{text_!r} not in:\n{output}"
    english = _check(directory, "en")
    assert english.exit_code != 0
    assert f"{directory / error_file}:{line}: " in english.output
    assert "Traceback" not in english.output
