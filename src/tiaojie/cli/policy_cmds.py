"""`tiaojie rules impact|activate|history|draft|export|import-table`: a rule change made in a draft
(a named copy of the activated set in the user's data directory), seen before it takes effect
(against the ledger's activated set, never the files on disk), put into force by a named officer,
and kept on record; a decision table taken to a spreadsheet and brought back into a draft."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ..i18n import Lang, did_you_mean, tr
from .context import settings
from .ledger_common import DB_OPTION, USER_OPTION, acting_user, fail, handled, ledger_for

if TYPE_CHECKING:
    from ..ledger.context import Ledger
    from ..ledger.drafts import Draft

DRAFT_OPTION = typer.Option(None, "--draft", help="草稿名（tiaojie rules draft list）/ a draft's name")

draft_app = typer.Typer(help="规则草稿：启用规则集的命名副本，在此修改后再启用 / rule drafts: named copies of the activated set",
                        no_args_is_help=True)


def register(rules_app: typer.Typer) -> None:
    rules_app.command("impact")(impact)
    rules_app.command("activate")(activate)
    rules_app.command("history")(history)
    rules_app.command("export")(export_table)
    rules_app.command("import-table")(import_table)
    rules_app.add_typer(draft_app, name="draft")


def open_ledger_of_drafts(db: str | None) -> Ledger:
    """The ledger whose drafts are meant, on its activated set (drafts are copies of it)."""
    from ..ledger.bootstrap import open_ledger

    return open_ledger(db)


def find_draft(ctx: typer.Context, name: str, db: str | None) -> tuple[Ledger, Draft]:
    """The ledger and its draft named `name`; says on stderr when the draft was copied from a set
    older than the one activated now."""
    from ..ledger.drafts import open_draft
    from ..store.messages import Message

    ledger = open_ledger_of_drafts(db)
    draft = open_draft(ledger, name)
    activated = ledger.activated_set()
    latest_id = None if activated is None else activated[0]
    if latest_id is not None and draft.base_set is not None and draft.base_set != latest_id:
        typer.echo(Message("draft_behind", name=draft.name, base=draft.base_set, latest=latest_id)
                   .render(settings(ctx).lang), err=True)
    return ledger, draft


def draft_dir(ctx: typer.Context, name: str, db: str | None) -> Path:
    """The directory of the draft named `name` (for the commands that read rules)."""
    ledger, draft = find_draft(ctx, name, db)
    ledger.close()
    return draft.path


def _draft_or_dir(ctx: typer.Context, directory: Path | None, name: str | None, db: str | None) -> Path:
    from ..ledger.errors import InvalidInput

    if (directory is None) == (name is None):
        raise InvalidInput("draft_or_dir")
    return directory if directory is not None else draft_dir(ctx, name or "", db)


@draft_app.command("new")
@handled
def draft_new(ctx: typer.Context, name: str = typer.Argument(..., help="草稿名 / the draft's name"),
              db: str = DB_OPTION) -> None:
    """把台账启用的规则集复制为一个新草稿 / copy the activated rule set into a new draft."""
    from ..ledger.drafts import new_draft

    ledger = open_ledger_of_drafts(db)
    draft = new_draft(ledger, name)
    typer.echo(tr("draft_created", settings(ctx).lang, name=draft.name, set=draft.base_set,
                  files=len(draft.base_files), path=str(draft.path)))


@draft_app.command("list")
@handled
def draft_list(ctx: typer.Context, db: str = DB_OPTION) -> None:
    """此台账的草稿，各自复制自哪个规则集、改了哪些文件 / this ledger's drafts and what each changed."""
    from ..ledger.drafts import list_drafts

    lang = settings(ctx).lang
    drafts = list_drafts(open_ledger_of_drafts(db))
    if not drafts:
        typer.echo(tr("draft_none", lang))
    for draft in drafts:
        changed = draft.changed_files()
        typer.echo(tr("draft_line", lang, name=draft.name, set=draft.base_set or "?", created=draft.created_at[:16].replace("T", " "),
                      changed=tr("draft_changed", lang, files="、".join(changed)) if changed else tr("draft_unchanged", lang)))


@draft_app.command("path")
@handled
def draft_path(ctx: typer.Context, name: str = typer.Argument(..., help="草稿名 / the draft's name"),
               db: str = DB_OPTION) -> None:
    """草稿所在目录（用文本编辑器修改时用）/ the draft's directory."""
    typer.echo(str(draft_dir(ctx, name, db)))


@draft_app.command("delete")
@handled
def draft_delete(ctx: typer.Context, name: str = typer.Argument(..., help="草稿名 / the draft's name"),
                 db: str = DB_OPTION) -> None:
    """删除一个草稿（启用过的规则仍保存在台账中）/ delete a draft (activated rules stay in the ledger)."""
    from ..ledger.drafts import delete_draft

    path = delete_draft(open_ledger_of_drafts(db), name)
    typer.echo(tr("draft_deleted", settings(ctx).lang, name=name, path=str(path)))


@handled
def export_table(
    ctx: typer.Context,
    policy: str = typer.Argument(..., help="政策编号（规则表：table、reward 类）/ a table policy's id"),
    output: Path = typer.Option(..., "-o", "--output", help="XLSX 文件 / the .xlsx file to write"),
    version: str = typer.Option(None, "--version", help="版本（默认最新）/ the version (default: the latest)"),
    draft: str = DRAFT_OPTION,
    db: str = DB_OPTION,
) -> None:
    """把规则表政策导出为 Excel/WPS 表格：一行一条规则，条件按字段名称分列 / a decision table to a spreadsheet."""
    from ..rules.errors import EvaluationError
    from ..rules.service import open_rules
    from ..rules.table_sheet import SheetError
    from ..rules.table_sheet import export_table as write_table

    cfg = settings(ctx)
    if draft is not None:
        directory = draft_dir(ctx, draft, db)
    elif cfg.rules_explicit:
        directory = cfg.rules_dir
    else:  # the rules in force: the ledger's activated set, as it stored them
        ledger = open_ledger_of_drafts(db)
        directory = ledger.rules.book.directory
        ledger.close()
    rules = open_rules(directory)
    try:
        versions = rules.book.versions(policy)
        chosen = next((p for p in versions if p.version == version), None) if version else versions[-1]
        if chosen is None:
            raise EvaluationError("unknown_policy", policy=f"{policy} {version}",
                                  hint=did_you_mean(version, [p.version for p in versions]))
        rows, examples = write_table(chosen, output)
    except SheetError as err:
        fail("\n".join(err.lines(cfg.lang)))
    except OSError as err:
        fail(tr("table_cannot_write", cfg.lang, path=str(output), detail=err.strerror or str(err)))
    finally:
        rules.close()
    typer.echo(tr("table_exported", cfg.lang, policy=chosen.id, version=chosen.version, rows=rows, examples=examples,
                  path=str(output)))


@handled
def import_table(
    ctx: typer.Context,
    workbook: Path = typer.Argument(..., help="tiaojie rules export 导出的 XLSX 文件 / a workbook from rules export"),
    draft: str = typer.Option(..., "--draft", help="写入此草稿 / the draft to write into"),
    db: str = DB_OPTION,
) -> None:
    """把表格中的规则与示例写回草稿中该政策的文件（其余内容不变），并检查草稿 / a spreadsheet back into a draft."""
    from ..rules.errors import RuleSetError
    from ..rules.examples import run_examples
    from ..rules.service import open_rules
    from ..rules.table_import import import_table as read_table
    from ..rules.table_sheet import SheetError

    cfg = settings(ctx)
    directory = draft_dir(ctx, draft, db)
    try:
        done = read_table(workbook, directory)
    except SheetError as err:
        for line in err.lines(cfg.lang):
            typer.echo(line, err=True)
        fail(tr("table_import_refused", cfg.lang, count=len(err.problems)))
    typer.echo(tr("table_imported", cfg.lang, policy=done.policy, version=done.version, rows=done.rows,
                  examples=done.examples, name=draft, path=str(done.path)))
    try:  # the draft as a whole, as `rules check` and `rules test` would say
        rules = open_rules(directory)
    except RuleSetError as err:
        fail(err.render(cfg.lang))
    try:
        report = run_examples(rules)
        for result in report.results:
            if not result.passed:
                typer.echo(result.render(cfg.lang))
        typer.echo(tr("test_summary", cfg.lang, passed=report.passed, failed=report.failed))
        if report.failed:
            raise typer.Exit(1)
    finally:
        rules.close()


@handled
def impact(
    ctx: typer.Context,
    directory: Path = typer.Argument(None, help="规则目录（或用 --draft）/ a rules directory (or --draft)"),
    draft: str = DRAFT_OPTION,
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
    source = _draft_or_dir(ctx, directory, draft, db)
    ledger = ledger_for(ctx, db)
    draft_rules = open_rules(source)
    report = compute_impact(ledger, draft_rules, period=period, unit=unit)
    if fmt == "json":
        typer.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    elif fmt == "xlsx":
        if output is None:
            raise typer.BadParameter("--format xlsx needs -o FILE")
        write_xlsx(report, output, cfg.lang)
        typer.echo(str(output))
    else:
        for line in render_table(report, cfg.lang):
            typer.echo(line)


@handled
def activate(
    ctx: typer.Context,
    directory: Path = typer.Argument(None, help="规则目录（或用 --draft）/ a rules directory (or --draft)"),
    draft: str = DRAFT_OPTION,
    accept_warnings: bool = typer.Option(False, "--accept-warnings", help="接受审查发现 / accept lint findings"),
    db: str = DB_OPTION,
    user: str = USER_OPTION,
) -> None:
    """检查、测试、审查通过后启用草稿，并记入审计日志 / put a draft into force."""
    from ..ledger.policy_changes import activate as do_activate
    from ..rules.impact import render_table

    cfg = settings(ctx)
    source = _draft_or_dir(ctx, directory, draft, db)
    ledger = ledger_for(ctx, db)
    who = acting_user(ledger, user)
    done = do_activate(ledger, who, source, accept_warnings=accept_warnings)
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


def write_xlsx(report, path: Path, lang: Lang = "zh") -> None:  # noqa: ANN001
    from decimal import Decimal

    from openpyxl import Workbook

    from ..ledger.export_words import word, words
    from ..ledger.exports import append_row

    data = report.to_json(sample=500)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = word("im_sheet_policies", lang)
    append_row(sheet, words(lang, "im_policy", "im_evaluated", "im_changed", "im_old_total", "im_new_total", "im_delta",
                            "im_closed_changed", "im_closed_delta"))
    for policy_id, p in data["policies"].items():
        append_row(sheet, [policy_id, p["evaluated"], p["changed"], Decimal(p["old_total"]), Decimal(p["new_total"]),
                           Decimal(p["delta"]), p["changed_in_closed_periods"], Decimal(p["closed_delta_not_applied"])])
    for part, key in (("unit", "by_unit"), ("payee", "by_payee")):
        ws = book.create_sheet(word(f"im_sheet_by_{part}", lang))
        append_row(ws, words(lang, f"im_{part}", "im_delta"))
        for name, delta in data[key].items():
            append_row(ws, [name, Decimal(delta)])
    ws = book.create_sheet(word("im_sheet_sample", lang))
    append_row(ws, words(lang, "im_case", "im_policy", "im_unit", "im_payee", "im_old", "im_new", "im_delta",
                         "im_old_fired", "im_new_fired", "im_cause"))
    for c in data["sample"]:
        append_row(ws, [c["case"], c["policy"], c["unit"], c["payee"], Decimal(c["old"]), Decimal(c["new"]),
                        Decimal(c["delta"]), "/".join(c["old_fired"]), "/".join(c["new_fired"]), c["cause"]])
    book.save(path)
