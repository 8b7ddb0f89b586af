"""A stored dividend run as a spreadsheet: CSV or XLSX, the same rows from the CLI and the TUI.

The CSV is one table a spreadsheet program or a script reads as is: the header row first, one row
per member, then 未分配 (what could not be allocated) and 合计 (the pool). The money column adds up
to the pool exactly, to the fen. The XLSX has the same table on its first sheet, with the summary
and the policy version on two more. Headers, those two rows and the sheet names are in the user's
language (Chinese unless English was chosen: Unallocated, Total); members' names as stored.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ..i18n import Lang
from ..models import DistributionRun, Member
from .export_words import word, words
from .exports import open_csv, write_csv_rows
from .statements import Table, write_tables_xlsx


def header(lang: Lang = "zh") -> list[str]:
    return words(lang, "dv_member_no", "dv_name", "dv_household", "dv_shares", "dv_amount")


def allocation_rows(run: DistributionRun, members: dict[int, Member], lang: Lang = "zh") -> list[list[object]]:
    """Members' rows, then the leftover and the total: the money column sums to the pool."""
    rows: list[list[object]] = []
    for alloc in run.allocations:
        member = members.get(alloc.member_id)
        rows.append([member.member_no if member else str(alloc.member_id), member.name if member else "",
                     (member.household or "") if member else "", str(alloc.weighted_shares.normalize()), _fen(alloc.amount)])
    rows.append([word("dv_leftover", lang), "", "", "", _fen(run.leftover)])
    rows.append([word("dv_total", lang), "", "", "", _fen(run.pool)])
    return rows


def _fen(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"))


def export_run(run: DistributionRun, members: dict[int, Member], path: Path, lang: Lang = "zh") -> Path:
    """Write the run to `path` (.csv, else .xlsx) in `lang`; the path written."""
    rows = allocation_rows(run, members, lang)
    if path.suffix.lower() == ".csv":
        fh, writer = open_csv(path)
        with fh:
            write_csv_rows(writer, [header(lang), *rows])
        return path
    tables = [
        Table(word("dv_sheet_allocations", lang), header(lang), rows, {4}),
        # 收入 − 成本 − 提取 = 可分配, on the sheet as on the screen
        Table(word("dv_sheet_summary", lang), words(lang, "dv_item", "dv_money"),
              [[word("dv_income", lang), run.income], [word("dv_costs", lang), Decimal(str(run.detail.get("costs", "0")))],
               [word("dv_retained", lang), run.retained], [word("dv_pool", lang), run.pool],
               [word("dv_leftover", lang), run.leftover]], {1}),
        Table(word("st_sheet_versions", lang), words(lang, "st_policy", "st_version", "st_hash"),
              [[run.policy_id, run.version, run.hash]], set()),
    ]
    write_tables_xlsx(path, word("dv_title", lang, year=run.year, run=run.run_no), tables)
    return path
