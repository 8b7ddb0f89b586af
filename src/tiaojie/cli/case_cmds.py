"""`tiaojie case …`, `tiaojie import` and `tiaojie stats`: cases registered, edited, settled,
escalated, listed and shown; a historical ledger imported; counts and rates computed from cases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard, get_args

import typer

from ..i18n import MESSAGES, Lang, tr
from .evaluate_cmd import utf8_args
from .ledger_common import DB_OPTION, USER_OPTION, acting_user, chosen_lang, handled, ledger_for, text_table

if TYPE_CHECKING:
    from ..ledger.context import Ledger
    from ..ledger.stats import GroupBy
    from ..models import Case, User

case_app = typer.Typer(help="案件登记、调结、升级与查询 / cases", no_args_is_help=True)


def _parse_kv(pairs: list[str], lang: Lang) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise typer.BadParameter(f"{pair} (field=value)")
        key, value = pair.split("=", 1)
        key = key.strip()
        if key in ("parties", "mediators"):
            out[key] = [v.strip() for v in value.replace("，", ",").replace("、", ",").split(",") if v.strip()]
        elif key in ("agreement_fulfilled", "follow_up_done", "file_complete", "needs_verification"):
            out[key] = value.strip().lower() in ("1", "true", "yes", "是", "y")
        elif key == "persons_involved":
            out[key] = _count(key, value, lang)
        else:
            out[key] = value
    return out


def _count(key: str, value: str, lang: Lang) -> int | str:
    """A count typed on the command line (full-width digits too); text that is not a whole number
    goes on as it is, for the case's own check to name."""
    from ..i18n import Localized
    from ..ledger.import_sheet import MAX_COUNT
    from .ledger_common import fail

    text = value.strip()
    if not text.isdecimal():
        return text
    if len(text) > 10 or int(text) > MAX_COUNT:
        shown = text if len(text) <= 20 else f"{text[:20]}…"
        fail(tr("input_invalid", lang, field=key, detail=Localized("count_too_large", value=shown, max=MAX_COUNT)))
    return int(text)


def _show_case(ledger: Ledger, case: Case, lang: Lang, user: User) -> None:
    """A case as every view shows it, to `user`: state, extra fields, current outcomes, and their history."""
    from ..ledger.case_file import checklist_lines
    from ..ledger.views import case_detail

    assert case.id is not None  # a stored case
    detail = case_detail(ledger, case.id, user=user)
    case, state = detail.case, detail.state
    f = ledger.label
    typer.echo(f"{detail.unit_code}/{case.number}  {f('category', case.category, lang)} · "
               f"{f('severity', case.severity, lang)} · {f('status', case.status, lang)} · {f('level', state.level, lang)}"
               + (f" · {tr('cli_due', lang, due=state.due_on)}" if state.due_on else "")
               + (f" · {tr('cli_overdue', lang, days=state.overdue)}" if state.overdue else ""))
    typer.echo(f"  {case.received_on} → {case.settled_on or '…'}  {f('settled_by', case.settled_by, lang) if case.settled_by else ''}"
               f"  {'、'.join(case.parties)}  {case.amount_involved:.2f}")
    for name, value in detail.extra.items():
        fdef = ledger.vocabulary.fields.get(name)
        typer.echo(f"  {fdef.label(lang) if fdef else name}: {fdef.show(value, lang) if fdef else value}")
    for line in checklist_lines(ledger, detail.extra):
        typer.echo(f"  {line.render(lang)}")
    for esc in case.escalations:
        typer.echo("  ↑ " + tr("cli_escalated", lang, on=esc.escalated_on, source=f("level", esc.from_level, lang),
                                target=f("level", esc.to_level, lang), reason=esc.reason, by=esc.by_user))
    for outcome in detail.outcomes:
        now = f" ({tr('cli_judged_now', lang)})" if outcome.policy_id in detail.judged_now else ""
        typer.echo(f"  [{outcome.policy_id} {outcome.version}]{now} {json.dumps(_shown(outcome.outputs), ensure_ascii=False)}")
        for line in outcome.explanation:
            typer.echo(f"    {line.get(lang, line.get('zh'))}")
    if detail.history:
        typer.echo(f"  {tr('cli_history', lang)}")
    for entry in detail.history:
        old = entry.outcome
        changed = "、".join(_field_label(ledger, name, lang) for name in entry.changed) or "—"
        at = old.replaced_at.strftime("%Y-%m-%d %H:%M") if old.replaced_at else "?"
        action = tr(f"case_action_{entry.action}", lang) if f"case_action_{entry.action}" in MESSAGES else entry.action
        typer.echo(f"    {at} {old.replaced_by or '?'} {action} ({changed}): "
                   f"[{old.policy_id} {old.version}] {json.dumps(_shown(old.outputs), ensure_ascii=False)}")


def _shown(outputs: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in outputs.items() if not k.startswith("_")}


def _field_label(ledger: Ledger, name: str, lang: Lang) -> str:
    fdef = ledger.vocabulary.fields.get({"agreement_kind": "agreement"}.get(name, name))
    if fdef is None and f"case_changed_{name}" in MESSAGES:
        return tr(f"case_changed_{name}", lang)
    return fdef.label(lang) if fdef else name


def _find_case(ledger: Ledger, ref: str, unit: str | None, user: User) -> Case:
    from ..ledger.views import find_case

    return find_case(ledger, ref, unit, user)


def _case_id(ledger: Ledger, ref: str, unit: str | None) -> int:
    from ..ledger.views import find_case_id

    return find_case_id(ledger, ref, unit)


@case_app.command("add")
@handled
@utf8_args
def case_add(
    ctx: typer.Context,
    unit: str = typer.Argument(..., help="单位代码或名称 / unit code or name"),
    number: str = typer.Argument(..., help="卷号 / case number"),
    category: str = typer.Option(..., "--category", help="纠纷类型，如 邻里 / neighbour"),
    received_on: str = typer.Option(None, "--received", help="受理日期 YYYY-MM-DD（默认今天）"),
    severity: str = typer.Option("ordinary", "--severity", help="简易/一般/疑难/重大"),
    fields: list[str] = typer.Option(None, "--set", help="其他字段 field=value，可重复 / more fields"),
    db: str = DB_OPTION,
    user: str = USER_OPTION,
) -> None:
    """登记案件，按受理日期的政策确定层级与时限 / add a case; stores the escalation outcome."""
    from ..ledger.cases import add_case

    ledger = ledger_for(ctx, db)
    by = acting_user(ledger, user)
    values = {"number": number, "category": category, "severity": severity,
              "received_on": received_on or ledger.date().isoformat(), **_parse_kv(fields, chosen_lang(ctx))}
    result = add_case(ledger, by, unit, **values)
    _show_case(ledger, result.case, chosen_lang(ctx), by)


@case_app.command("edit")
@handled
@utf8_args
def case_edit(
    ctx: typer.Context,
    ref: str = typer.Argument(..., help="UNIT/NUMBER, NUMBER or id"),
    fields: list[str] = typer.Option(..., "--set", help="field=value"),
    unit: str = typer.Option(None, "--unit"),
    db: str = DB_OPTION,
    user: str = USER_OPTION,
) -> None:
    from ..ledger.cases import edit_case

    ledger = ledger_for(ctx, db)
    by = acting_user(ledger, user)
    result = edit_case(ledger, by, _case_id(ledger, ref, unit), **_parse_kv(fields, chosen_lang(ctx)))
    _show_case(ledger, result.case, chosen_lang(ctx), by)


@case_app.command("file")
@handled
@utf8_args
def case_file(
    ctx: typer.Context,
    ref: str = typer.Argument(..., help="UNIT/NUMBER, NUMBER or id"),
    tick: list[str] = typer.Option(None, "--tick", help="勾选材料，如 调解协议书,封底（中文或 id，可重复）/ items to tick"),
    untick: list[str] = typer.Option(None, "--untick", help="取消勾选 / items to untick"),
    field: str = typer.Option("case_file", "--field", help="清单字段（默认卷宗材料）/ the checklist field"),
    unit: str = typer.Option(None, "--unit"),
    db: str = DB_OPTION,
    user: str = USER_OPTION,
) -> None:
    """卷宗材料：勾选或取消勾选，显示缺少的必备材料 / tick a case file's items; shows what is still missing."""
    from ..i18n import Localized
    from ..ledger.case_file import ticked as ticked_in
    from ..ledger.cases import edit_case
    from .ledger_common import fail

    ledger = ledger_for(ctx, db)
    by = acting_user(ledger, user)
    lang = chosen_lang(ctx)
    name = _checklist_name(ledger, field)
    fdef = ledger.vocabulary.fields[name]
    case = _find_case(ledger, ref, unit, by)
    before = ticked_in(fdef, ledger.projection.extra_values(case).get(name))
    ticked = frozenset(ledger.coerce(name, ",".join(tick))) if tick else frozenset()
    unticked = frozenset(ledger.coerce(name, ",".join(untick))) if untick else frozenset()
    if ticked & unticked:
        both = "、".join(fdef.show(frozenset([item]), lang) for item in fdef.items() if item in ticked & unticked)
        fail(tr("input_invalid", lang, field=fdef.label(lang), detail=Localized("checklist_tick_and_untick", items=both)))
    after = (before | ticked) - unticked
    if after != before:
        assert case.id is not None
        case = edit_case(ledger, by, case.id, **{name: [i for i in fdef.items() if i in after] or None}).case
    _show_case(ledger, case, lang, by)


def _checklist_name(ledger: Ledger, field: str) -> str:
    """The checklist a user names by id or title."""
    from ..ledger.errors import InvalidInput
    from ..store.messages import did_you_mean

    checklists = {f.name: f for f in ledger.vocabulary.case_fields() if f.type == "checklist"}
    for name, fdef in checklists.items():
        if field in (name, fdef.title, fdef.title_en):
            return name
    raise InvalidInput("case_unknown_field", field=field, hint=did_you_mean(field, list(checklists)))


@case_app.command("show")
@handled
def case_show(ctx: typer.Context, ref: str = typer.Argument(...), unit: str = typer.Option(None, "--unit"), db: str = DB_OPTION,
              user: str = USER_OPTION) -> None:
    """一件案件的全部情况（仅限本人单位及下属单位）/ one case, if it is in the user's units."""
    ledger = ledger_for(ctx, db)
    by = acting_user(ledger, user)
    _show_case(ledger, _find_case(ledger, ref, unit, by), chosen_lang(ctx), by)


@case_app.command("settle")
@handled
@utf8_args
def case_settle(
    ctx: typer.Context,
    ref: str = typer.Argument(...),
    settled_by: str = typer.Option(..., "--by", help="调处主体，如 村委会 / village_committee"),
    on: str = typer.Option(None, "--on", help="调处日期（默认今天）"),
    failed: bool = typer.Option(False, "--failed", help="调解不成 / mediation failed"),
    fields: list[str] = typer.Option(None, "--set"),
    unit: str = typer.Option(None, "--unit"),
    db: str = DB_OPTION,
    user: str = USER_OPTION,
) -> None:
    """记录调结并按调结日期的政策计算奖补 / settle a case; stores the reward outcome."""
    from ..ledger.cases import settle_case

    ledger = ledger_for(ctx, db)
    by = acting_user(ledger, user)
    case_id = _case_id(ledger, ref, unit)
    result = settle_case(ledger, by, case_id, settled_on=on or ledger.date().isoformat(), settled_by=settled_by,
                         status="failed" if failed else "settled", **_parse_kv(fields, chosen_lang(ctx)))
    _show_case(ledger, result.case, chosen_lang(ctx), by)


@case_app.command("escalate")
@handled
def case_escalate(
    ctx: typer.Context,
    ref: str = typer.Argument(...),
    reason: str = typer.Option("", "--reason"),
    to: str = typer.Option(None, "--to", help="目标层级（默认上一级）"),
    on: str = typer.Option(None, "--on"),
    unit: str = typer.Option(None, "--unit"),
    db: str = DB_OPTION,
    user: str = USER_OPTION,
) -> None:
    from ..ledger.cases import escalate_case

    ledger = ledger_for(ctx, db)
    by = acting_user(ledger, user)
    result = escalate_case(ledger, by, _case_id(ledger, ref, unit), on=on, reason=reason, to_level=to)
    _show_case(ledger, result.case, chosen_lang(ctx), by)


@case_app.command("list")
@handled
def case_list(
    ctx: typer.Context,
    unit: str = typer.Option(None, "--unit"),
    status: str = typer.Option(None, "--status"),
    category: str = typer.Option(None, "--category"),
    period: str = typer.Option(None, "--period", help="2026-05 | 2026Q2 | 2026"),
    overdue: bool = typer.Option(False, "--overdue"),
    limit: int = typer.Option(200, "--limit"),
    db: str = DB_OPTION,
    user: str = USER_OPTION,
) -> None:
    """本人单位及下属单位的案件 / the cases of the user's unit and the units under it."""
    from ..ledger.views import list_cases, unit_codes

    ledger = ledger_for(ctx, db)
    by = acting_user(ledger, user)
    lang = chosen_lang(ctx)
    found = list_cases(ledger, user=by, unit=unit, status=status, category=category, period=period, overdue=overdue,
                       limit=limit)
    codes = unit_codes(ledger)
    f = ledger.label
    typer.echo(text_table(
        ["th_unit", "th_number", "th_category", "th_severity", "th_status", "th_level", "th_received", "th_settled_on"],
        [[codes[c.unit_id], c.number, f("category", c.category, lang), f("severity", c.severity, lang), f("status", c.status, lang),
          f("level", c.level, lang), c.received_on, c.settled_on or ""] for c in found], lang=chosen_lang(ctx)
    ))
    typer.echo(f"{len(found)}")




@handled
@utf8_args
def import_cmd(
    ctx: typer.Context,
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV 或 XLSX"),
    skip_bad: bool = typer.Option(False, "--skip-bad", help="写入正确的行，错误行另存 / write good rows, save bad ones"),
    bad_file: Path = typer.Option(None, "--bad-file", help="错误行保存位置（默认 FILE.bad.csv）"),
    encoding: str = typer.Option(None, "--encoding", help="如 gb18030（默认 UTF-8）"),
    db: str = DB_OPTION,
    user: str = USER_OPTION,
) -> None:
    """导入历史台账（中文或英文表头）；有错误行则不写入 / import a historical ledger (all or nothing)."""
    from ..ledger.importer import import_file

    ledger = ledger_for(ctx, db)
    by = acting_user(ledger, user)
    result = import_file(ledger, by, file, skip_bad=skip_bad, bad_path=bad_file, encoding=encoding, lang=chosen_lang(ctx))
    for p in result.problems:
        typer.echo(p.render(chosen_lang(ctx)), err=True)
    typer.echo(result.summary().render(chosen_lang(ctx)))
    if result.bad_file:
        from ..store.messages import Message

        typer.echo(Message("imp_bad_saved", path=result.bad_file).render(chosen_lang(ctx)))



def _is_grouping(value: str) -> TypeGuard[GroupBy]:
    from ..ledger.stats import GroupBy

    return value in get_args(GroupBy)



@handled
def stats_cmd(
    ctx: typer.Context,
    by: str = typer.Option("none", "--by", help="unit | category | month"),
    period: str = typer.Option(None, "--period"),
    unit: str = typer.Option(None, "--unit"),
    db: str = DB_OPTION,
    form: bool = typer.Option(False, "--form", help="司法局统计表：按纠纷类型 / the bureau's form, by dispute type"),
    output: Path = typer.Option(None, "-o", "--output", help="统计表另存为 FILE.xlsx / the form as FILE.xlsx"),
) -> None:
    """受理、调成、不成、升级、超期件数，调成率由案件计算 / counts and rates computed from cases."""
    from ..ledger.stats import compute_stats

    if not _is_grouping(by):
        raise typer.BadParameter(by, param_hint="--by")
    ledger = ledger_for(ctx, db)
    if form or output is not None:
        from .stats_form_cmd import show_form

        show_form(ctx, ledger, period, unit, output)
        return
    rows = compute_stats(ledger, by=by, period=period, unit=unit)
    typer.echo(text_table(
        ["th_group", "th_received", "th_settled", "th_failed", "th_escalated", "th_overdue", "th_rate", "th_paid_yuan", "th_due_yuan"],
        [[tr("th_total", chosen_lang(ctx)) if r.key == "total" else r.label, r.received, r.settled, r.failed, r.escalated,
          r.overdue, f"{r.rate}%" if r.rate is not None else "—",
          f"{r.paid:.2f}", f"{r.due:.2f}"] for r in rows], lang=chosen_lang(ctx)
    ))

