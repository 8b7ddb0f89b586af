"""TOML syntax errors in words: whatever a slip does to a shipped rule file, reading it gives located
Chinese messages (English on request) and never raises; the hints for the usual slips are exact."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rules_helpers import RULES_DIR

from tiaojie.rules.reader import FileReader
from tiaojie.rules.toml_syntax import explain_toml

SHIPPED = sorted(RULES_DIR.glob("*.toml"))
SLIPS = list("＝，：“”‘’【】（）［］｛｝０５。、　\u00a0\ufeff\"'[]{}=,.#\n \t\\重大金额") + ["[[", "]]", '"""', "'''", "==", "\r\n"]


def _edit(text: str, edits: list[tuple[float, int, str]]) -> str:
    for where, how, slip in edits:
        i = int(where * len(text))
        if how == 0:
            text = text[:i] + slip + text[i:]
        elif how == 1:
            text = text[:i] + text[i + 1:]
        else:
            text = text[:i] + slip + text[i + 1:]
    return text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    source=st.sampled_from(SHIPPED),
    edits=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 2), st.sampled_from(SLIPS)), min_size=1, max_size=3),
)
def test_any_slip_gives_a_located_message(tmp_path: Path, source: Path, edits):
    text = _edit(source.read_text(encoding="utf-8"), edits)
    path = tmp_path / source.name
    path.write_text(text, encoding="utf-8")
    reader = FileReader(path)
    data = reader.read()
    try:
        tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError:
        assert data is None
        (error,) = reader.errors
        assert error.key == "toml_syntax"
        assert error.line is not None and 1 <= error.line <= text.count("\n") + 1
        zh, en = error.message("zh"), error.message("en")
        assert zh.startswith("TOML 语法错误") and en.startswith("TOML syntax error")
        plain = re.sub(r"U\+[0-9A-F]+", "", zh)
        written = text.replace("\ufeff", "").replace("\u00a0", " ")
        assert not [w for w in re.findall(r"[A-Za-z]{3,}", plain) if w not in written and w not in ("TOML", "YYYY", "title")], zh
    else:
        assert data is not None or reader.errors


@pytest.mark.parametrize("text, line, column, hint", [
    ('kind ＝ "reward"', 1, 6, "第 6 列是全角「＝」，应为半角「=」"),
    ('a = 1\nw = { a = "x"， b = "y" }', 2, 14, "全角「，」"),
    ("title = “调解”", 1, 9, "中文引号「“」"),
    ("【【rule】】", 1, 1, "改为：[[rule]]"),
    ("amount = ５００", 1, 10, "「５００」是全角数字，应为半角「500」"),
    ("w = { severity = 重大 }", 1, 18, '加引号：severity = "重大"'),
    ("hit = first", 1, 7, 'hit = "first"'),
    ("a = 1\n\nb = [1,\n2,\n\nc = 3\n", 3, None, "从第 3 行开始的列表"),
    ('a = 1\ntitle = "abc\nb = 2', 2, 13, "引号"),
    ('x = """abc\n\ny = 1\n', 1, None, '"""'),
    ("a = 1\na = 2\n", 2, 1, "第一次写在第 1 行"),
    ("[rule]\na = 1\n[rule]\na = 2\n", 3, 6, "[[rule]]"),
    ("m = \"\\d+\"", 1, 8, "m = '\\d+'"),
    ("d = 2026/3/2", 1, 9, "d = 2026-03-02"),
    ("n = 1,000", 1, 6, "n = 1000"),
    ("b = 是", 1, 5, "b = true"),
    ("w = { a = 1, }", 1, 14, "不能有逗号"),
    ("w = { a = 1 b = 2 }", 1, 13, "逗号"),
    ('w = { a = 1,\n b = 2 }', 1, 13, "同一行"),
])
def test_hints_for_the_usual_slips(text, line, column, hint):
    with pytest.raises(tomllib.TOMLDecodeError) as caught:
        tomllib.loads(text)
    got_line, message = explain_toml(text, str(caught.value))
    zh = message.render("zh")
    assert got_line == line, zh
    assert (f"（第 {column} 列）" in zh) if column else ("列）" not in zh.split("：")[0]), zh
    assert hint in zh, zh


def test_chinese_key_suggests_the_field_by_its_title():
    titles = [("field", "纠纷程度", "severity"), ("output", "奖励金额", "amount"), ("field", "涉及金额", "amount_involved")]
    for text, expected in [("w = { 纠纷程度 = \"重大\" }", "「纠纷程度」的编号是 severity"),
                           ("then = { 金额 = 500 }", "「奖励金额」的编号是 amount"),
                           ("[x]\n金额 = 1", "amount（奖励金额）、amount_involved（涉及金额）")]:
        with pytest.raises(tomllib.TOMLDecodeError) as caught:
            tomllib.loads(text)
        _, message = explain_toml(text, str(caught.value), titles)
        assert expected in message.render("zh")


def test_a_byte_order_mark_is_accepted(tmp_path: Path):
    path = tmp_path / "p.toml"
    path.write_bytes(b"\xef\xbb\xbf" + b'a = "x"\r\n')
    reader = FileReader(path)
    assert reader.read() == {"a": "x"} and not reader.errors
