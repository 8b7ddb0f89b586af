"""`tiaojie rules impact|activate|history`: a rule change seen before it takes effect (against the
ledger's activated set, never the files on disk), put into force by a named officer, and kept on
record."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from ..i18n import tr
from .context import settings
from .ledger_common import DB_OPTION, USER_OPTION, acting_user, handled, ledger_for


def register(rules_app: typer.Typer) -> None:
    rules_app.command("impact")(impact)
    rules_app.command("activate")(activate)
    rules_app.command("history")(history)


@handled
def impact(
    ctx: typer.Context,
    draft: Path = typer.Argument(..., help="规则草稿目录 / the draft rules directory"),
    period: str = typer.Option(None, "--period", help="只看此期间 / only this period (2026-05, 2026Q2, 2026)"),
    unit: str = typer.Option(None, "--unit", help="只看此单位及下级 / only this unit and those under it"),
    fmt: str = typer.Option("table", "--format", help="table | json | xlsx"),
    output: Path = typer.Option(None, "-o", "--output", help="xlsx 输出文件 / file for --format xlsx"),
    db: str = DB_OPTION,
) -> None:
    """草稿规则相对已启用规则集对已存案件的影响（按政策、单位、领取人，精确到分）/ what a draft would change
    against the activated set."""
    from ..ledger.impact import impact as compute_impact
    from ..rules.impact import render_table
    from ..rules.service import open_rules

    cfg = settings(ctx)
    ledger = ledger_for(ctx, db)
    draft_rules = open_rules(draft)
    report = compute_impact(ledger, draft_rules, period=period, unit=unit)
    if fmt == "json":
        typer.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    elif fmt == "xlsx":
        if output is None:
            raise typer.BadParameter("--format xlsx needs -o FILE")
        write_xlsx(report, output)
        typer.echo(str(output))
    else:
        for line in render_table(report, cfg.lang):
            typer.echo(line)


@handled
def activate(
    ctx: typer.Context,
    draft: Path = typer.Argument(..., help="规则草稿目录 / the draft rules directory"),
    accept_warnings: bool = typer.Option(False, "--accept-warnings", help="接受审查发现 / accept lint findings"),
    db: str = DB_OPTION,
    user: str = USER_OPTION,
) -> None:
    """检查、测试、审查通过后启用草稿，并记入审计日志 / put a draft into force."""
    from ..ledger.policy_changes import activate as do_activate
    from ..rules.impact import render_table

    cfg = settings(ctx)
    ledger = ledger_for(ctx, db)
    who = acting_user(ledger, user)
    done = do_activate(ledger, who, draft, accept_warnings=accept_warnings)
    for line in render_table(done.impact, cfg.lang):
        typer.echo(line)
    typer.echo(tr("activated", cfg.lang, id=done.rule_set_id, files=len(done.files), user=who.name))
    from ..ledger.audit import head_line  # the chain head after the activation's entry, to keep on paper
    typer.echo(head_line(ledger, cfg.lang))


@handled
def history(ctx: typer.Context, db: str = DB_OPTION) -> None:
    """规则启用记录：谁在何时启用了哪些文件 / who put which rule files into force, and when."""
    from ..ledger.policy_changes import history as list_history

    cfg = settings(ctx)
    ledger = ledger_for(ctx, db)
    rows = list_history(ledger)
    if not rows:
        typer.echo(tr("history_empty", cfg.lang))
    for row in rows:
        summary = row["impact"]
        typer.echo(tr("history_line", cfg.lang, id=row["id"], at=row["at"].strftime("%Y-%m-%d %H:%M"), by=row["by"],
                      changed=summary.get("changed_cases", 0), delta=summary.get("total_delta", "0.00")))
        for name, content_hash in sorted(row["files"].items()):
            typer.echo(f"    {name}  {content_hash[7:19]}")
        for warning in row["accepted_warnings"]:
            typer.echo(f"    ! {warning}")


def write_xlsx(report, path: Path) -> None:  # noqa: ANN001
    from decimal import Decimal

    from openpyxl import Workbook

    from ..ledger.exports import append_row

    data = report.to_json(sample=500)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "政策"
    append_row(sheet, ["政策", "求值件数", "变化件数", "原合计", "新合计", "变化", "已关闭期间变化件数", "已关闭期间变化（不予改动）"])
    for policy_id, p in data["policies"].items():
        append_row(sheet, [policy_id, p["evaluated"], p["changed"], Decimal(p["old_total"]), Decimal(p["new_total"]),
                           Decimal(p["delta"]), p["changed_in_closed_periods"], Decimal(p["closed_delta_not_applied"])])
    for title, key in (("单位", "by_unit"), ("领取人", "by_payee")):
        ws = book.create_sheet(title)
        append_row(ws, [title, "变化"])
        for name, delta in data[key].items():
            append_row(ws, [name, Decimal(delta)])
    ws = book.create_sheet("变化示例")
    append_row(ws, ["案件", "政策", "单位", "领取人", "原金额", "新金额", "变化", "原命中", "新命中", "起因"])
    for c in data["sample"]:
        append_row(ws, [c["case"], c["policy"], c["unit"], c["payee"], Decimal(c["old"]), Decimal(c["new"]),
                        Decimal(c["delta"]), "/".join(c["old_fired"]), "/".join(c["new_fired"]), c["cause"]])
    book.save(path)
