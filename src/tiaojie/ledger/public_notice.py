"""The public notice (公示) of a claim's payout lines: per unit, each case's number (卷号),
category, severity, masked parties, payee and amount, a subtotal per unit and a grand total — as a
spreadsheet (.xlsx) or a page to print (.html), in Chinese or English.

How names are masked (隐名), as county notices of 以奖代补 lists do — enough for a neighbour to
recognise a case, not enough to publish who quarrelled with whom:
- a person's name keeps its first character (the surname) and every other character becomes `*`:
  张三 → 张*, 李小明 → 李**; a two-character surname (复姓) is kept whole when a given name
  follows it: 欧阳娜娜 → 欧阳**, 司马光 → 司马*;
- a name of one character is shown as it is: it is at most a surname, which the rule shows anyway;
- a name written in letters (or with separators, as 阿依古丽·买买提) keeps its first character
  and masks every other letter, keeping spaces, `·`, `-`, `.` and `'`: John Smith → J*** *****,
  so the length of each part shows but no initial beyond the first;
- a company or an organisation (a name ending as 公司, 厂, 合作社, 委员会 … do) is not a person
  and is shown whole: the notice is about public money, and a legal person's name is public.
The payee is shown whole too: the notice exists to say who receives the money.

Money is Decimal, each line rounded half-up to the fen before it is added, so every subtotal is
the sum of the lines printed above it and the grand total the sum of the subtotals, to the fen.
Every cell goes through the formula-safe writer (a party named `=cmd|…` stays text) and every text
in the page is HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..i18n import Lang
from ..money import round_fen
from ..store.messages import tr
from .errors import InvalidInput
from .exports import append_row

ZERO = Decimal("0.00")
MASK = "*"
SEPARATORS = frozenset(" ·・.-'\u00b7\u30fb")
COMPOUND_SURNAMES = frozenset((
    "欧阳 太史 端木 上官 司马 东方 独孤 南宫 万俟 闻人 夏侯 诸葛 尉迟 公羊 赫连 澹台 皇甫 宗政 濮阳 公冶 太叔 申屠 "
    "公孙 慕容 仲孙 钟离 长孙 宇文 司徒 鲜于 司空 闾丘 子车 亓官 司寇 巫马 公西 颛孙 壤驷 公良 漆雕 乐正 宰父 谷梁 "
    "拓跋 夹谷 轩辕 令狐 段干 百里 呼延 东郭 南门 羊舌 微生 公户 公玉 公仪 梁丘 公仲 公上 公门 公山 公坚 左丘 公伯 "
    "西门 公祖 第五 公乘 贯丘 公皙 南荣 东里 东宫 仲长 子书 子桑 即墨 达奚 褚师"
).split())
ORGANISATION_ENDINGS = (
    "公司", "厂", "合作社", "委员会", "村委会", "居委会", "集团", "商店", "超市", "门市部", "经营部", "店", "中心",
    "学校", "小学", "中学", "幼儿园", "医院", "卫生院", "诊所", "协会", "基金会", "银行", "信用社", "局", "所", "站",
    "办事处", "政府", "农场", "林场", "养殖场", "工作室", "事务所", "物业", "车队", "工程队", "施工队",
)
LATIN_ORGANISATION_WORDS = frozenset(("co", "co.", "ltd", "ltd.", "inc", "inc.", "llc", "company", "corporation", "gmbh"))


@dataclass(frozen=True)
class NoticeLine:
    """One case on the notice: `category` and `severity` as the reader should see them (the
    vocabulary's labels), `parties` as recorded (they are masked here)."""

    unit: str
    number: str
    category: str
    severity: str
    payee: str
    amount: Decimal
    parties: tuple[str, ...]


def is_organisation(name: str) -> bool:
    text = name.strip()
    words = text.lower().replace(",", " ").split()
    return (any(text.endswith(ending) for ending in ORGANISATION_ENDINGS) or "有限" in text
            or bool(words and words[-1] in LATIN_ORGANISATION_WORDS))


def mask_name(name: str) -> str:
    """A party's name as the notice shows it (the rule is in the module's docstring)."""
    text = name.strip()
    if len(text) <= 1 or is_organisation(text):
        return text
    kept = 2 if len(text) > 2 and text[:2] in COMPOUND_SURNAMES else 1
    return text[:kept] + "".join(ch if ch in SEPARATORS else MASK for ch in text[kept:])


def masked_parties(parties: Sequence[str], lang: Lang) -> str:
    return ("、" if lang == "zh" else ", ").join(mask_name(p) for p in parties if p.strip())


@dataclass
class UnitBlock:
    unit: str
    lines: list[NoticeLine]

    @property
    def subtotal(self) -> Decimal:
        return sum((round_fen(line.amount) for line in self.lines), ZERO)


def unit_blocks(lines: Sequence[NoticeLine]) -> list[UnitBlock]:
    """The lines per unit, units in the order they first appear, cases by number within a unit."""
    blocks: dict[str, UnitBlock] = {}
    for line in lines:
        blocks.setdefault(line.unit, UnitBlock(line.unit, [])).lines.append(line)
    for block in blocks.values():
        block.lines.sort(key=lambda line: line.number)
    return list(blocks.values())


def grand_total(blocks: Sequence[UnitBlock]) -> Decimal:
    return sum((b.subtotal for b in blocks), ZERO)


def _header(lang: Lang) -> list[str]:
    return [tr(k, lang) for k in ("pn_th_seq", "pn_th_number", "pn_th_category", "pn_th_severity", "pn_th_parties",
                                  "pn_th_payee", "pn_th_amount")]


def _row(seq: int, line: NoticeLine, lang: Lang) -> list[object]:
    return [seq, line.number, line.category, line.severity, masked_parties(line.parties, lang), line.payee,
            round_fen(line.amount)]


def _date(value: dt.date | str) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _preamble(lang: Lang, period: str | None, notice_from: dt.date | str | None,
              notice_until: dt.date | str | None, contact: str | None) -> list[str]:
    """The lines under the title: the period paid, the notice period and where objections go."""
    out = []
    if period:
        out.append(tr("pn_period", lang, period=period))
    if notice_until is not None:
        if notice_from is not None:
            out.append(tr("pn_notice_span", lang, start=_date(notice_from), end=_date(notice_until)))
        else:
            out.append(tr("pn_notice_until", lang, end=_date(notice_until)))
        out.append(tr("pn_objections", lang, contact=contact) if contact else tr("pn_objections_plain", lang))
    out.append(tr("pn_masking", lang))
    return out


def _closing(issuer: str | None, issued_on: dt.date | str | None) -> list[str]:
    """The lines under the total, as a notice posted on a board ends: who publishes it, and when."""
    return [text for text in (issuer, _date(issued_on) if issued_on is not None else None) if text]


def notice_xlsx(path: Path, title: str, blocks: list[UnitBlock], lang: Lang, preamble: list[str],
                closing: Sequence[str] = ()) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None, "a new workbook has a sheet"
    sheet.title = tr("pn_sheet", lang)
    bold = Font(bold=True)
    append_row(sheet, [title])
    sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=14)
    for text in preamble:
        append_row(sheet, [text])
    count = 0
    for block in blocks:
        append_row(sheet, [])
        append_row(sheet, [tr("pn_unit", lang, unit=block.unit)])
        sheet.cell(sheet.max_row, 1).font = bold
        append_row(sheet, _header(lang))
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for seq, line in enumerate(block.lines, 1):
            append_row(sheet, _row(seq, line, lang), money_columns=(6,))
        append_row(sheet, [tr("pn_subtotal", lang, count=len(block.lines)), "", "", "", "", "", block.subtotal],
                   money_columns=(6,))
        sheet.cell(sheet.max_row, 1).font = bold
        count += len(block.lines)
    append_row(sheet, [])
    if not blocks:
        append_row(sheet, [tr("pn_nothing", lang)])
    append_row(sheet, [tr("pn_total", lang, count=count), "", "", "", "", "", grand_total(blocks)], money_columns=(6,))
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for text in closing:
        append_row(sheet, ["", "", "", "", "", "", text])
    for letter, width in zip("ABCDEFG", (6, 16, 14, 10, 28, 12, 14)):
        sheet.column_dimensions[letter].width = width
    book.save(path)


def notice_html(title: str, blocks: list[UnitBlock], lang: Lang, preamble: list[str],
                closing: Sequence[str] = ()) -> str:
    """A page to print: the title, the notice lines, one table per unit with its subtotal, the total."""
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
        f"<title>{e(title)}</title>",
        "<style>body{font-family:sans-serif;margin:2em}h1{text-align:center}"
        "table{border-collapse:collapse;width:100%;margin-bottom:1.2em}"
        "th,td{border:1px solid #444;padding:4px 6px;text-align:left;vertical-align:top}th{background:#eee}"
        "td.money,th.money{text-align:right}tr.subtotal td,p.total{font-weight:bold}p.closing{text-align:right}"
        "@media print{body{margin:0}h2{page-break-after:avoid}table{page-break-inside:auto}"
        "tr{page-break-inside:avoid}thead{display:table-header-group}}</style></head><body>",
        f"<h1>{e(title)}</h1>",
    ]
    parts += [f'<p class="notice">{e(text)}</p>' for text in preamble]
    header = _header(lang)
    count = 0
    for block in blocks:
        parts.append(f"<h2>{e(tr('pn_unit', lang, unit=block.unit))}</h2><table><thead><tr>")
        parts += [f'<th class="money">{e(h)}</th>' if i == 6 else f"<th>{e(h)}</th>" for i, h in enumerate(header)]
        parts.append("</tr></thead><tbody>")
        for seq, line in enumerate(block.lines, 1):
            cells = _row(seq, line, lang)
            parts.append("<tr>" + "".join(f'<td class="money">{e(str(c))}</td>' if i == 6 else f"<td>{e(str(c))}</td>"
                                          for i, c in enumerate(cells)) + "</tr>")
        parts.append(f'<tr class="subtotal"><td colspan="6">{e(tr("pn_subtotal", lang, count=len(block.lines)))}</td>'
                     f'<td class="money">{block.subtotal}</td></tr>')
        parts.append("</tbody></table>")
        count += len(block.lines)
    if not blocks:
        parts.append(f"<p>{e(tr('pn_nothing', lang))}</p>")
    colon = "：" if lang == "zh" else ": "
    parts.append(f'<p class="total">{e(tr("pn_total", lang, count=count))}{colon}{grand_total(blocks)}</p>')
    parts += [f'<p class="closing">{e(text)}</p>' for text in closing]
    parts.append("</body></html>")
    return "\n".join(parts)


def write_notice(path: Path, title: str, lines: Sequence[NoticeLine], lang: Lang, *, period: str | None = None,
                 notice_from: dt.date | str | None = None, notice_until: dt.date | str | None = None,
                 contact: str | None = None, issuer: str | None = None,
                 issued_on: dt.date | str | None = None) -> None:
    """The notice as FILE.xlsx or as a printable FILE.html (.htm too); any other suffix is refused.
    `period` (e.g. 2026Q3), the notice period (`notice_from`–`notice_until`) and where objections
    go (`contact`) are printed under the title when given; who publishes it (`issuer`, e.g. 冷水江市
    司法局) and the day (`issued_on`) under the total."""
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".html", ".htm"):
        raise InvalidInput("pn_bad_suffix", path=str(path))
    blocks = unit_blocks(lines)
    preamble = _preamble(lang, period, notice_from, notice_until, contact)
    closing = _closing(issuer, issued_on)
    if suffix == ".xlsx":
        notice_xlsx(path, title, blocks, lang, preamble, closing)
    else:
        path.write_text(notice_html(title, blocks, lang, preamble, closing), encoding="utf-8")


__all__ = ["NoticeLine", "mask_name", "write_notice", "is_organisation", "unit_blocks", "grand_total"]
