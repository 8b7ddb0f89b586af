"""`tiaojie evaluate --batch` keeps every good line: a line whose bytes are not in the file's
encoding, whose JSON does not parse (nested a hundred thousand deep, an integer of thousands of
digits) or whose case cannot be calculated with (a date of 9999-12-31, an amount of 1e300) is an
error in its place, and every other line is evaluated and written, in order."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tiaojie.cli import app
from tiaojie.rules.service import open_rules

RULES = Path(__file__).resolve().parents[1] / "rules"
AS_OF = "2026-06-30"
runner = CliRunner()

POLICY = "escalation"
GOOD = [
    {"received_on": "2026-03-01", "severity": "major", "category": "邻里"},
    {"received_on": "2026-05-20", "severity": "重大", "urgency": "urgent"},
    {"received_on": "2026-02-11", "severity": "simple", "status": "settled"},
    {"received_on": "2026-04-30", "needs_verification": True, "amount_involved": "12000.50", "persons_involved": 3},
]
BAD_LINES: dict[str, bytes] = {
    "not UTF-8": b'{"received_on": "2026-03-01", "severity": "\xd6\xd8\xb4\xf3"}',
    "deep": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "deep list": b'{"received_on": ' + b"[" * 5_000 + b"]" * 5_000 + b"}",
    "huge int": b'{"received_on": "2026-03-01", "persons_involved": ' + b"7" * 5_000 + b"}",
    "1e300": b'{"received_on": "2026-03-01", "severity": "major", "amount_involved": 1e300}',
    "far date": b'{"received_on": "9999-12-31", "severity": "major"}',
    "NaN": b'{"received_on": "2026-03-01", "severity": NaN}',
    "lone surrogate": b'{"received_on": "2026-03-01", "category": "\\ud800"}',
    "not JSON": b"{received_on: 2026-03-01}",
    "BOM mid-file": b'\xef\xbb\xbf{"received_on": "2026-03-01"}',
}


def _evaluate(*args: str, input: bytes | None = None, lang: str = "zh"):  # noqa: ANN202
    return runner.invoke(app, ["--rules", str(RULES), "--lang", lang, "evaluate", *args], input=input)


def _expected(policy: str, cases: list[dict]) -> list[dict]:
    """Each good case's outcome, evaluated on its own."""
    rules = open_rules(RULES)
    try:
        return [json.loads(json.dumps(rules.evaluate(policy, c, dt.date.fromisoformat(AS_OF)).to_json("zh"),
                                      ensure_ascii=False)) for c in cases]
    finally:
        rules.close()


def test_bad_lines_among_twenty_thousand_keep_every_other_line_in_order(tmp_path: Path):
    expected = _expected(POLICY, GOOD)
    bad_at = {15_000 + 97 * i: kind for i, kind in enumerate(BAD_LINES)}
    bad_at[1] = "not JSON"
    bad_at[20_000] = "deep"
    lines: list[bytes] = []
    for number in range(1, 20_001):
        kind = bad_at.get(number)
        lines.append(BAD_LINES[kind] if kind else json.dumps(GOOD[number % len(GOOD)], ensure_ascii=False).encode())
    file = tmp_path / "cases.jsonl"
    file.write_bytes(b"\n".join(lines) + b"\n")

    done = _evaluate(POLICY, "--batch", str(file), "--as-of", AS_OF)
    assert done.exception is None or isinstance(done.exception, SystemExit)
    assert done.exit_code == 1  # some lines failed
    out = [json.loads(row) for row in done.stdout.splitlines()]
    assert len(out) == 20_000
    for number, row in enumerate(out, start=1):
        if number in bad_at:
            assert row["line"] == number, (bad_at[number], row)
            assert row["error"] and "\n" not in row["error"]
        else:
            assert row == expected[number % len(GOOD)], number


@pytest.mark.parametrize("kind, words", [
    ("not UTF-8", "不是 utf-8 编码"),
    ("deep", "嵌套层数过多"),
    ("huge int", "位数过多"),
    ("far date", "9999-12-31"),
    ("1e300", "「amount_involved」应为金额"),
    ("NaN", "没有取值「nan」"),
    ("lone surrogate", "无效的字符"),
    ("not JSON", "第 2 列应为双引号括起的字段名"),
    ("deep list", "嵌套层数过多"),
    ("BOM mid-file", "BOM"),
])
def test_each_kind_of_bad_line_says_what_is_wrong_in_chinese(tmp_path: Path, kind: str, words: str):
    file = tmp_path / "cases.jsonl"
    file.write_bytes(json.dumps(GOOD[0]).encode() + b"\n" + BAD_LINES[kind] + b"\n" + json.dumps(GOOD[2]).encode())
    done = _evaluate(POLICY, "--batch", str(file), "--as-of", AS_OF, "--allow-unknown")
    out = [json.loads(row) for row in done.stdout.splitlines()]
    assert len(out) == 3 and done.exit_code == 1
    assert out[1]["line"] == 2 and words in out[1]["error"], out[1]
    assert "Traceback" not in done.output and "Error" not in out[1]["error"]
    assert "outputs" in out[0] and "outputs" in out[2]


def test_english_on_request(tmp_path: Path):
    file = tmp_path / "cases.jsonl"
    file.write_bytes(b"\n".join([BAD_LINES["not UTF-8"], BAD_LINES["deep"], BAD_LINES["far date"]]) + b"\n")
    done = _evaluate(POLICY, "--batch", str(file), "--as-of", AS_OF, lang="en")
    errors = [json.loads(row)["error"] for row in done.stdout.splitlines()]
    assert errors[0].startswith("line 1 is not utf-8")
    assert "nested too deeply" in errors[1]
    assert "9999-12-31 is beyond what can be calculated" in errors[2]


def test_gb18030_is_read_when_asked(tmp_path: Path):
    cases = [{"status": "settled", "severity": "重大", "settled_by": "调委会", "settled_on": "2026-05-20"},
             {"status": "failed", "severity": "简易"}]
    file = tmp_path / "cases.jsonl"
    file.write_bytes("\r\n".join(json.dumps(c, ensure_ascii=False) for c in cases).encode("gb18030") + b"\r\n")
    done = _evaluate("mediation-reward", "--batch", str(file), "--as-of", AS_OF, "--encoding", "gb18030")
    assert done.exit_code == 0, done.output
    assert [json.loads(row) for row in done.stdout.splitlines()] == _expected("mediation-reward", cases)
    # read as UTF-8, each such line alone is refused, naming the remedy
    done = _evaluate("mediation-reward", "--batch", str(file), "--as-of", AS_OF)
    out = [json.loads(row) for row in done.stdout.splitlines()]
    assert [row["line"] for row in out] == [1, 2] and all("--encoding gb18030" in row["error"] for row in out)


def test_a_bom_at_the_start_and_windows_line_ends_are_read(tmp_path: Path):
    file = tmp_path / "cases.jsonl"
    file.write_bytes(b"\xef\xbb\xbf" + b"\r\n".join(json.dumps(c).encode() for c in GOOD[:2]) + b"\r\n\r\n")
    done = _evaluate(POLICY, "--batch", str(file), "--as-of", AS_OF)
    assert done.exit_code == 0, done.output
    assert [json.loads(row) for row in done.stdout.splitlines()] == _expected(POLICY, GOOD[:2])


def test_standard_input_and_a_last_line_without_newline():
    data = json.dumps(GOOD[0]).encode() + b"\n" + BAD_LINES["not UTF-8"] + b"\n" + json.dumps(GOOD[1]).encode()
    done = _evaluate(POLICY, "--batch", "-", "--as-of", AS_OF, input=data)
    out = [json.loads(row) for row in done.stdout.splitlines()]
    assert [row.get("line") for row in out] == [None, 2, None]
    assert [out[0], out[2]] == _expected(POLICY, GOOD[:2])


@pytest.mark.parametrize("encoding", ["no-such-encoding", "utf-16", "utf-32"])
def test_an_encoding_that_cannot_be_read_line_by_line_is_refused(tmp_path: Path, encoding: str):
    file = tmp_path / "cases.jsonl"
    file.write_bytes(json.dumps(GOOD[0]).encode())
    done = _evaluate("mediation-reward", "--batch", str(file), "--encoding", encoding)
    assert done.exit_code == 2
    assert done.output.strip().count("\n") == 0 and encoding in done.output


def test_a_missing_file_is_one_line():
    done = _evaluate("mediation-reward", "--batch", "/no/such/file.jsonl")
    assert done.exit_code == 2 and done.output.strip() == "无法读取文件：/no/such/file.jsonl"


@pytest.mark.parametrize("data, words", [
    (BAD_LINES["not UTF-8"], "第 1 行不是 utf-8 编码"),
    (BAD_LINES["deep"], "嵌套层数过多"),
    (BAD_LINES["huge int"], "位数过多"),
    (b'{"received_on": "9999-12-31", "severity": "major"}', "「received_on」的值 9999-12-31 超出可计算的范围"),
    (BAD_LINES["1e300"], "「amount_involved」应为金额"),
    (b'{"received_on": "2026-03-01",\n "severity": }\n', "第 2 行不是有效的 JSON：第 14 列应为一个值"),
    (b'\xef\xbb\xbf{"received_on": "2026-03-01"}', None),
])
def test_one_case_with_odd_values_is_one_message(data: bytes, words: str | None):
    done = _evaluate("escalation", "-", "--as-of", AS_OF, input=data)
    assert done.exception is None or isinstance(done.exception, SystemExit)
    if words is None:
        assert done.exit_code == 0 and json.loads(done.stdout)["outputs"]["level"]
        return
    assert done.exit_code == 1
    assert words in json.loads(done.stdout)["error"], done.stdout


def test_undecodable_lines_first_last_and_side_by_side(tmp_path: Path):
    good = json.dumps(GOOD[0]).encode()
    bad = BAD_LINES["not UTF-8"]
    file = tmp_path / "cases.jsonl"
    file.write_bytes(b"\n".join([bad, good, bad, bad, b"\xff", good, b"", bad]))  # no newline after the last
    done = _evaluate(POLICY, "--batch", str(file), "--as-of", AS_OF)
    out = [json.loads(row) for row in done.stdout.splitlines()]
    assert [row.get("line") for row in out] == [1, None, 3, 4, 5, None, 8]
    assert out[1] == out[5] == _expected(POLICY, GOOD[:1])[0]
    assert "第 44 个字节" in out[0]["error"] and "第 1 个字节" in out[4]["error"]


def test_gb18030_lines_that_do_not_decode_are_named_among_lines_that_do(tmp_path: Path):
    cases = [{"status": "settled", "severity": "重大", "settled_by": "调委会", "settled_on": "2026-05-20"},
             {"status": "failed", "severity": "简易"}]
    good = [json.dumps(c, ensure_ascii=False).encode("gb18030") for c in cases]
    bad = json.dumps({"status": "settled", "severity": "X"}).encode("gb18030").replace(b'"X"', b'"\x81\x20"')
    bom = "\ufeff".encode("gb18030")  # as Notepad saves it
    file = tmp_path / "cases.jsonl"
    file.write_bytes(bom + b"\r\n".join([good[0], bad, good[1], b"\xff\xfe", good[0]]))
    done = _evaluate("mediation-reward", "--batch", str(file), "--as-of", AS_OF, "--encoding", "gb18030")
    assert done.exit_code == 1
    out = [json.loads(row) for row in done.stdout.splitlines()]
    expected = _expected("mediation-reward", cases)
    assert [out[0], out[2], out[4]] == [expected[0], expected[1], expected[0]]
    assert out[1] == {"line": 2, "error": "第 2 行不是 gb18030 编码（第 36 个字节）；如为 GBK/GB18030 导出的文件，请指定 --encoding gb18030"}
    assert out[3]["line"] == 4 and "第 4 行不是 gb18030 编码（第 1 个字节）" in out[3]["error"]
