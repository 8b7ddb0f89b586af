"""The public notice (公示): parties masked as the notice's rule says, totals that balance to the
fen, no cell a spreadsheet would run, no text a browser would run."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tiaojie.ledger.errors import InvalidInput
from tiaojie.ledger.public_notice import NoticeLine, mask_name, write_notice


@pytest.mark.parametrize(("name", "shown"), [
    ("张三", "张*"),
    ("李小明", "李**"),
    ("欧阳娜娜", "欧阳**"),   # a compound surname is kept whole
    ("司马光", "司马*"),
    ("欧阳", "欧*"),          # two characters: surname 欧, given name 阳
    ("王", "王"),             # one character is at most a surname
    ("  赵四 ", "赵*"),
    ("John Smith", "J*** *****"),
    ("阿依古丽·买买提", "阿***·***"),
    ("青山建筑工程有限公司", "青山建筑工程有限公司"),  # a company is not a person
    ("东坡村村民委员会", "东坡村村民委员会"),
    ("ACME Co., Ltd", "ACME Co., Ltd"),
    ("", ""),
])
def test_mask_name(name: str, shown: str) -> None:
    assert mask_name(name) == shown


def _lines() -> list[NoticeLine]:
    return [
        NoticeLine("东坡村", "DP-2026-002", "邻里", "一般", "王调解", Decimal("200"), ("张三", "欧阳娜娜")),
        NoticeLine("东坡村", "DP-2026-001", "婚姻家庭", "疑难", "王调解", Decimal("333.335"), ("李小明",)),
        NoticeLine("西河村", "XH-2026-001", "合同", "重大", "=HYPERLINK(\"http://x\")", Decimal("0.01"),
                   ("=cmd|' /C calc'!A0", "青山建筑工程有限公司")),
        NoticeLine("西河村", "XH-2026-002", "损害赔偿", "简易", "赵五", Decimal("99.994"), ("<script>alert(1)</script>",)),
    ]


def _rows(path: Path) -> list[tuple]:
    sheet = load_workbook(path).active
    assert sheet is not None
    return [tuple(c.value for c in row) for row in sheet.iter_rows()]


def test_xlsx_lists_each_unit_with_masked_parties_and_totals_to_the_fen(tmp_path: Path) -> None:
    path = tmp_path / "notice.xlsx"
    write_notice(path, "2026年第三季度人民调解以奖代补公示", _lines(), "zh", period="2026Q3",
                 notice_from=dt.date(2026, 10, 8), notice_until=dt.date(2026, 10, 14), contact="镇司法所")
    rows = _rows(path)
    text = "\n".join(str(c) for row in rows for c in row if c is not None)
    assert rows[0][0] == "2026年第三季度人民调解以奖代补公示"
    assert "公示期：2026-10-08 至 2026-10-14" in text and "镇司法所" in text
    assert ("序号", "卷号", "纠纷类型", "纠纷程度", "当事人", "领取人", "金额（元）") in rows
    assert "张三" not in text and "欧阳娜娜" not in text and "李小明" not in text
    assert "张*、欧阳**" in text and "李**" in text
    units = [row[0] for row in rows if isinstance(row[0], str) and row[0].startswith("单位：")]
    assert units == ["单位：东坡村", "单位：西河村"]
    # numbers in order within a unit; each line rounded half-up to the fen
    lines = [row for row in rows if isinstance(row[1], str) and row[1][:2] in ("DP", "XH")]
    assert [row[1] for row in lines] == ["DP-2026-001", "DP-2026-002", "XH-2026-001", "XH-2026-002"]
    amounts = [Decimal(str(row[6])) for row in lines]
    assert amounts == [Decimal("333.34"), Decimal("200.00"), Decimal("0.01"), Decimal("99.99")]
    sub_values = [Decimal(str(row[6])) for row in rows if isinstance(row[0], str) and row[0].startswith("小计")]
    assert sub_values == [Decimal("533.34"), Decimal("100.00")]
    total = [row for row in rows if isinstance(row[0], str) and row[0].startswith("合计")]
    assert total == [("合计（4 件）", None, None, None, None, None, 633.34)]
    assert Decimal(str(total[0][6])) == sum(amounts) == sum(sub_values)


def test_xlsx_cells_never_hold_a_formula(tmp_path: Path) -> None:
    path = tmp_path / "notice.xlsx"
    write_notice(path, "=SUM(A1)", _lines(), "zh")
    sheet = load_workbook(path).active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    values = [c.value for c in cells]
    assert "=SUM(A1)" in values  # the title, kept as text
    assert "=HYPERLINK(\"http://x\")" in values  # a payee shown whole, as text
    assert "=****' ** ****'***、青山建筑工程有限公司" in values  # masked, the separators kept, still text


def test_xlsx_in_english(tmp_path: Path) -> None:
    path = tmp_path / "notice.xlsx"
    write_notice(path, "Q3 notice", _lines(), "en")
    rows = _rows(path)
    assert ("no.", "case no.", "category", "severity", "parties", "payee", "amount (yuan)") in rows
    assert any(row[0] == "total (4 cases)" for row in rows)


def test_html_escapes_text_and_prints_one_table_per_unit(tmp_path: Path) -> None:
    path = tmp_path / "notice.html"
    write_notice(path, "公示 <b>", _lines(), "zh", notice_until="2026-10-14")
    page = path.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;************************" in page  # masked, then escaped
    assert "公示 &lt;b&gt;" in page
    assert "@media print" in page
    assert page.count("<table>") == 2
    assert "公示期至 2026-10-14" in page
    assert "张三" not in page and "张*、欧阳**" in page
    assert "<td class=\"money\">533.34</td>" in page and "<td class=\"money\">100.00</td>" in page
    assert "合计（4 件）：633.34" in page


def test_html_escapes_an_unmasked_script(tmp_path: Path) -> None:
    path = tmp_path / "notice.html"
    line = NoticeLine("<script>x</script>", "1", "邻里", "一般", "<script>alert(1)</script>", Decimal(1), ())
    write_notice(path, "t", [line], "zh")
    page = path.read_text(encoding="utf-8")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_an_empty_notice_says_so_and_totals_zero(tmp_path: Path) -> None:
    path = tmp_path / "notice.xlsx"
    write_notice(path, "t", [], "zh")
    rows = _rows(path)
    assert ("本期无公示事项。",) + (None,) * 6 in rows or any(row[0] == "本期无公示事项。" for row in rows)
    assert any(row[0] == "合计（0 件）" and row[6] == 0 for row in rows)


def test_the_issuer_and_the_day_close_the_notice(tmp_path: Path) -> None:
    page_path, sheet_path = tmp_path / "n.html", tmp_path / "n.xlsx"
    for path in (page_path, sheet_path):
        write_notice(path, "t", _lines(), "zh", issuer="=冷水江市司法局", issued_on=dt.date(2026, 10, 8))
    page = page_path.read_text(encoding="utf-8")
    assert page.index("合计（4 件）") < page.index('<p class="closing">=冷水江市司法局</p>') < page.index("2026-10-08")
    rows = _rows(sheet_path)
    assert rows[-2][6] == "=冷水江市司法局" and rows[-1][6] == "2026-10-08"  # text, never a formula
    assert str(rows[-3][0]).startswith("合计")


def test_other_suffixes_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as refused:
        write_notice(tmp_path / "notice.pdf", "t", _lines(), "zh")
    assert "notice.pdf" in refused.value.message("zh")
    assert not (tmp_path / "notice.pdf").exists()
