"""A stored dividend run as a spreadsheet: CSV or XLSX, the same rows from the CLI and the TUI.

The CSV is one table a spreadsheet program or a script reads as is: the header row first, one row
per member, then 未分配 (what could not be allocated) and 合计 (the pool). The money column adds up
to the pool exactly, to the fen. The XLSX has the same table on its first sheet, with the summary
and the policy version on two more.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ..models import DistributionRun, Member
from .exports import open_csv, write_csv_rows
from .statements import Table, write_tables_xlsx

HEADER = ["成员号", "姓名", "户", "加权股", "分红（元）"]


def allocation_rows(run: DistributionRun, members: dict[int, Member]) -> list[list[object]]:
    """Members' rows, then the leftover and the total: the money column sums to the pool."""
    rows: list[list[object]] = []
    for alloc in run.allocations:
        member = members.get(alloc.member_id)
        rows.append([member.member_no if member else str(alloc.member_id), member.name if member else "",
                     (member.household or "") if member else "", str(alloc.weighted_shares.normalize()), _fen(alloc.amount)])
    rows.append(["未分配", "", "", "", _fen(run.leftover)])
    rows.append(["合计", "", "", "", _fen(run.pool)])
    return rows


def _fen(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"))


def export_run(run: DistributionRun, members: dict[int, Member], path: Path) -> Path:
    """Write the run to `path` (.csv, else .xlsx); the path written."""
    rows = allocation_rows(run, members)
    if path.suffix.lower() == ".csv":
        fh, writer = open_csv(path)
        with fh:
            write_csv_rows(writer, [HEADER, *rows])
        return path
    tables = [
        Table("分红明细", HEADER, rows, {4}),
        # 收入 − 成本 − 提取 = 可分配, on the sheet as on the screen
        Table("汇总", ["项目", "金额"], [["收入", run.income], ["成本", Decimal(str(run.detail.get("costs", "0")))],
                                       ["提取", run.retained], ["可分配", run.pool], ["未分配", run.leftover]], {1}),
        Table("政策版本", ["政策", "版本", "内容哈希"], [[run.policy_id, run.version, run.hash]], set()),
    ]
    write_tables_xlsx(path, f"{run.year} 年分红（第 {run.run_no} 次计算）", tables)
    return path
