"""The ledger's commands: case, import, period, statement, dividend, banquet, stats, audit, db,
demo (and user / unit to set a ledger up). ``register(app)`` adds them to the root command.

Every command takes ``--db URL`` (or ``TIAOJIE_DB``; default a SQLite file in the user's data
directory); every command that writes takes ``--user NAME`` (or ``TIAOJIE_USER``) and checks the
user's role. Expected failures print a message in the chosen language (`--lang`, Chinese by
default) naming what went wrong, and exit 1 — never a traceback.
"""

from __future__ import annotations

import functools
import json
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, TypeGuard, get_args

import typer

from ..i18n import Lang, tr
from .context import _env_lang, settings

if TYPE_CHECKING:
    from ..ledger.stats import GroupBy
    from ..models import Role

DB_OPTION = typer.Option(None, "--db", envvar="TIAOJIE_DB", help="数据库地址或 SQLite 文件 / database URL or SQLite file")
USER_OPTION = typer.Option(None, "--user", envvar="TIAOJIE_USER", help="操作人 / acting user")


def _fail(text: str, code: int = 1) -> None:
    typer.echo(text, err=True)
    raise typer.Exit(code)


def _is_role(value: str) -> TypeGuard[Role]:
    from ..models import Role

    return value in get_args(Role)


def _is_grouping(value: str) -> TypeGuard[GroupBy]:
    from ..ledger.stats import GroupBy

    return value in get_args(GroupBy)


def handled(fn: Callable) -> Callable:
    """Expected failures → a message in the chosen language on stderr and exit 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ..rules.errors import EvaluationError, RuleSetError
        from ..store.messages import LedgerError

        try:
            return fn(*args, **kwargs)
        except LedgerError as err:
            lang = _lang_of(args, kwargs)
            for p in getattr(getattr(err, "result", None), "problems", None) or ():
                typer.echo(p.render(lang), err=True)
            _fail(err.message(lang))
        except RuleSetError as err:
            _fail(err.render(_lang_of(args, kwargs)))
        except EvaluationError as err:
            _fail(err.message(_lang_of(args, kwargs)))

    return wrapper


def _lang_of(args: tuple, kwargs: dict) -> Lang:
    """The `--lang` of the command being run (from its context), else TIAOJIE_LANG."""
    ctx = next((a for a in (*args, *kwargs.values()) if hasattr(a, "find_root")), None)
    return settings(ctx).lang if ctx is not None else _env_lang()


def _ledger(ctx: typer.Context, db: str | None):
    """The ledger with the rules in force: `--rules DIR` when given, else the set last activated
    in this ledger, else ./rules or the bundled set."""
    from ..ledger.bootstrap import open_ledger

    cfg = settings(ctx)
    return open_ledger(db, cfg.rules_dir if cfg.rules_explicit else None)


def _user(ledger, name: str | None):  # noqa: ANN001, ANN202
    from ..ledger.access import resolve_user

    return resolve_user(ledger, name)


def _lang(ctx: typer.Context) -> Lang:
    return settings(ctx).lang


def _table(header: list[str], rows: list[list[Any]], lang: Lang = "zh") -> str:
    """Rows under `header` (catalog keys of column headings), columns aligned for Chinese text."""
    def width(text: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

    cells = [[tr(key, lang) if key.startswith("th_") else key for key in header]] + [["" if c is None else str(c) for c in row] for row in rows]
    widths = [max(width(r[i]) for r in cells) for i in range(len(header))]
    lines = []
    for index, row in enumerate(cells):
        lines.append("  ".join(c + " " * (widths[i] - width(c)) for i, c in enumerate(row)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _parse_kv(pairs: list[str]) -> dict[str, Any]:
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
            out[key] = int(value)
        else:
            out[key] = value
    return out


# --- db ----------------------------------------------------------------------------------------

db_app = typer.Typer(help="数据库：升级结构、查看位置 / database: upgrade the schema, show where it is", no_args_is_help=True)


@db_app.command("upgrade")
@handled
def db_upgrade(ctx: typer.Context, db: str = DB_OPTION) -> None:
    """把数据库结构升级到最新版本（新数据库直接创建）/ bring the schema to the current version."""
    from ..store.db import make_engine, resolve_url, safe_url, upgrade
    from ..store.messages import Message

    url = resolve_url(db)
    engine = make_engine(url)
    head = upgrade(engine)
    typer.echo(f"{safe_url(url)}: {Message('db_upgraded', head=head).render(_lang(ctx))}")
    engine.dispose()


@db_app.command("where")
@handled
def db_where(db: str = DB_OPTION) -> None:
    """显示正在使用的数据库与结构版本 / show the database in use and its schema version."""
    from ..store.db import current_revision, head_revision, make_engine, resolve_url, safe_url

    url = resolve_url(db)
    engine = make_engine(url)
    typer.echo(f"{safe_url(url)}  schema {current_revision(engine) or '-'} (head {head_revision()})")
    engine.dispose()


# --- users and units ---------------------------------------------------------------------------

user_app = typer.Typer(help="用户 / users", no_args_is_help=True)
unit_app = typer.Typer(help="单位 / units", no_args_is_help=True)


@user_app.command("add")
@handled
def user_add(
    ctx: typer.Context,
    name: str = typer.Argument(...),
    role: str = typer.Option(..., "--role", help="mediator | clerk | policy | admin"),
    unit: str = typer.Option(None, "--unit"),
    db: str = DB_OPTION,
    user: str = USER_OPTION,
) -> None:
    """添加用户；空台账的第一个用户须为 admin，无需 --user / add a user (the first must be an admin)."""
    from ..ledger import access

    ledger = _ledger(ctx, db)
    with ledger.uow() as uow:
        empty = uow.users.count() == 0
    by = None if empty else _user(ledger, user)
    if not _is_role(role):
        raise typer.BadParameter(role, param_hint="--role")
    created = access.add_user(ledger, by, name, role, unit)
    typer.echo(f"{created.name} ({created.role})")


@user_app.command("list")
@handled
def user_list(ctx: typer.Context, db: str = DB_OPTION) -> None:
    ledger = _ledger(ctx, db)
    with ledger.uow() as uow:
        units = {u.id: u.code for u in uow.units.list()}
        typer.echo(_table(["th_user", "th_role", "th_unit"], [[u.name, u.role, units.get(u.unit_id, "")] for u in uow.users.list()], lang=_lang(ctx)))


@unit_app.command("add")
@handled
def unit_add(
    ctx: typer.Context,
    code: str = typer.Argument(...),
    name: str = typer.Argument(...),
    level: str = typer.Option(..., "--level", help="county | township | village"),
    parent: str = typer.Option(None, "--parent"),
    db: str = DB_OPTION,
    user: str = USER_OPTION,
) -> None:
    from ..ledger import access

    ledger = _ledger(ctx, db)
    unit = access.add_unit(ledger, _user(ledger, user), code, name, level, parent)
    typer.echo(f"{unit.code} {unit.name}")


@unit_app.command("list")
@handled
def unit_list(ctx: typer.Context, db: str = DB_OPTION) -> None:
    ledger = _ledger(ctx, db)
    with ledger.uow() as uow:
        units = uow.units.list()
    codes = {u.id: u.code for u in units}
    typer.echo(_table(["th_code", "th_name_unit", "th_level", "th_parent"], [[u.code, u.name, u.level, codes.get(u.parent_id, "")] for u in units], lang=_lang(ctx)))


# --- cases -------------------------------------------------------------------------------------

case_app = typer.Typer(help="案件登记、调结、升级与查询 / cases", no_args_is_help=True)


def _show_case(ledger, case, lang: Lang, outcomes=None) -> None:  # noqa: ANN001
    """A case as every view shows it: state, extra fields, current outcomes, and their history."""
    from ..ledger.views import case_detail

    detail = case_detail(ledger, case.id)
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
    for esc in case.escalations:
        typer.echo(f"  ↑ {esc.escalated_on} {esc.from_level} → {esc.to_level} {esc.reason} ({esc.by_user})")
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
        typer.echo(f"    {at} {old.replaced_by or '?'} {entry.action} ({changed}): "
                   f"[{old.policy_id} {old.version}] {json.dumps(_shown(old.outputs), ensure_ascii=False)}")


def _shown(outputs: dict) -> dict:  # noqa: ANN001
    return {k: v for k, v in outputs.items() if not k.startswith("_")}


def _field_label(ledger, name: str, lang: Lang) -> str:  # noqa: ANN001
    fdef = ledger.vocabulary.fields.get({"agreement_kind": "agreement"}.get(name, name))
    return fdef.label(lang) if fdef else name


def _find_case(ledger, ref: str, unit: str | None):  # noqa: ANN001, ANN202
    from ..ledger.views import find_case

    return find_case(ledger, ref, unit)


@case_app.command("add")
@handled
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

    ledger = _ledger(ctx, db)
    by = _user(ledger, user)
    values = {"number": number, "category": category, "severity": severity,
              "received_on": received_on or ledger.date().isoformat(), **_parse_kv(fields)}
    result = add_case(ledger, by, unit, **values)
    _show_case(ledger, result.case, _lang(ctx), result.outcomes)


@case_app.command("edit")
@handled
def case_edit(
    ctx: typer.Context,
    ref: str = typer.Argument(..., help="UNIT/NUMBER or id"),
    fields: list[str] = typer.Option(..., "--set", help="field=value"),
    unit: str = typer.Option(None, "--unit"),
    db: str = DB_OPTION,
    user: str = USER_OPTION,
) -> None:
    from ..ledger.cases import edit_case

    ledger = _ledger(ctx, db)
    by = _user(ledger, user)
    result = edit_case(ledger, by, _find_case(ledger, ref, unit).id, **_parse_kv(fields))
    _show_case(ledger, result.case, _lang(ctx))


@case_app.command("show")
@handled
def case_show(ctx: typer.Context, ref: str = typer.Argument(...), unit: str = typer.Option(None, "--unit"), db: str = DB_OPTION) -> None:
    ledger = _ledger(ctx, db)
    _show_case(ledger, _find_case(ledger, ref, unit), _lang(ctx))


@case_app.command("settle")
@handled
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

    ledger = _ledger(ctx, db)
    by = _user(ledger, user)
    case = _find_case(ledger, ref, unit)
    result = settle_case(ledger, by, case.id, settled_on=on or ledger.date().isoformat(), settled_by=settled_by,
                         status="failed" if failed else "settled", **_parse_kv(fields))
    _show_case(ledger, result.case, _lang(ctx), result.outcomes)


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

    ledger = _ledger(ctx, db)
    by = _user(ledger, user)
    result = escalate_case(ledger, by, _find_case(ledger, ref, unit).id, on=on, reason=reason, to_level=to)
    _show_case(ledger, result.case, _lang(ctx), result.outcomes)


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
) -> None:
    from ..ledger.views import list_cases, unit_codes

    ledger = _ledger(ctx, db)
    lang = _lang(ctx)
    found = list_cases(ledger, unit=unit, status=status, category=category, period=period, overdue=overdue, limit=limit)
    codes = unit_codes(ledger)
    f = ledger.label
    typer.echo(_table(
        ["th_unit", "th_number", "th_category", "th_severity", "th_status", "th_level", "th_received", "th_settled_on"],
        [[codes[c.unit_id], c.number, f("category", c.category, lang), f("severity", c.severity, lang), f("status", c.status, lang),
          f("level", c.level, lang), c.received_on, c.settled_on or ""] for c in found], lang=_lang(ctx)
    ))
    typer.echo(f"{len(found)}")


# --- import ------------------------------------------------------------------------------------


@handled
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

    ledger = _ledger(ctx, db)
    by = _user(ledger, user)
    result = import_file(ledger, by, file, skip_bad=skip_bad, bad_path=bad_file, encoding=encoding)
    for p in result.problems:
        typer.echo(p.render(_lang(ctx)), err=True)
    typer.echo(result.summary().render(_lang(ctx)))
    if result.bad_file:
        from ..store.messages import Message

        typer.echo(Message("imp_bad_saved", path=result.bad_file).render(_lang(ctx)))


# --- periods and statements ----------------------------------------------------------------------

period_app = typer.Typer(help="期间：计算、查看、关闭（锁定）、调整 / periods", no_args_is_help=True)


def _print_report(report, lang: Lang) -> None:  # noqa: ANN001
    status = tr(f"cli_period_{report.period.status}", lang)
    typer.echo(f"{report.period.key}  {report.period.starts_on} – {report.period.ends_on}  {status}")
    typer.echo(_table(
        ["th_payee", "th_cases", "th_gross", "th_paid", "th_adjust", "th_total"],
        [[p.payee, p.cases, f"{p.gross:.2f}", f"{p.paid:.2f}", f"{p.adjustments:.2f}", f"{p.total:.2f}"] for p in report.payees]
        + [[tr("th_total", lang), sum(p.cases for p in report.payees), "", "", "", f"{report.total:.2f}"]], lang=lang
    ))
    for policy, version, digest in report.versions:
        typer.echo(f"  {policy} {version} {digest[:19]}")
    for case_id, reason in report.skipped:
        typer.echo(f"  ! case {case_id}: {reason}", err=True)


@period_app.command("compute")
@handled
def period_compute(ctx: typer.Context, period: str = typer.Argument(...), lines: bool = typer.Option(False, "--lines"), db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """按领取人试算奖补（含封顶），关闭前不发放 / rewards per payee with caps; nothing is paid until close."""
    from ..ledger import periods

    ledger = _ledger(ctx, db)
    report = periods.compute(ledger, _user(ledger, user), period, with_lines=lines)
    _print_report(report, _lang(ctx))
    if lines:
        _print_lines(ledger, report, _lang(ctx))


def _print_lines(ledger, report, lang: Lang) -> None:  # noqa: ANN001
    with ledger.uow() as uow:
        numbers = {line.case_id: uow.cases.get(line.case_id).number for line in report.lines}
    typer.echo(_table(["th_payee", "th_number", "th_policy", "th_version", "th_gross", "th_paid", "th_capped"],
                      [[line.payee, numbers[line.case_id], line.policy_id, line.version, f"{line.gross:.2f}", f"{line.amount:.2f}", line.capped_by or ""]
                       for line in report.lines], lang=lang))


@period_app.command("show")
@handled
def period_show(ctx: typer.Context, period: str = typer.Argument(...), lines: bool = typer.Option(False, "--lines"), db: str = DB_OPTION) -> None:
    from ..ledger import periods

    ledger = _ledger(ctx, db)
    report = periods.show(ledger, period, with_lines=lines)
    _print_report(report, _lang(ctx))
    if lines:
        _print_lines(ledger, report, _lang(ctx))


@period_app.command("close")
@handled
def period_close(ctx: typer.Context, period: str = typer.Argument(...), db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """发放并锁定：写入逐案发放明细，之后案件与发放不能再改 / pay and lock the period."""
    from ..ledger import periods

    ledger = _ledger(ctx, db)
    closed = periods.close(ledger, _user(ledger, user), period)
    typer.echo(tr("cli_closed_by", _lang(ctx), period=closed.key, by=closed.closed_by, at=f"{closed.closed_at:%Y-%m-%d %H:%M}"))


@period_app.command("adjust")
@handled
def period_adjust(
    ctx: typer.Context,
    period: str = typer.Argument(..., help="登记调整的（未关闭）期间 / the open period that books it"),
    case: str = typer.Argument(..., help="UNIT/NUMBER or id"),
    amount: str = typer.Argument(..., help="元，可为负 / yuan, may be negative"),
    reason: str = typer.Option(..., "--reason"),
    db: str = DB_OPTION,
    user: str = USER_OPTION,
) -> None:
    """更正已关闭期间的案件：在未关闭期间登记调整并说明原因 / book a correction."""
    from ..ledger import periods

    ledger = _ledger(ctx, db)
    by = _user(ledger, user)
    adj = periods.adjust(ledger, by, period, _find_case(ledger, case, None).id, ledger.coerce("amount_involved", amount.lstrip("-")) * (-1 if amount.startswith("-") else 1), reason)
    typer.echo(f"{period}: {adj.payee} {adj.amount:.2f} — {adj.reason}")


@handled
def statement_cmd(
    ctx: typer.Context,
    period: str = typer.Argument(...),
    fmt: str = typer.Option("xlsx", "--format", help="xlsx | csv"),
    out: Path = typer.Option(..., "-o", "--output"),
    db: str = DB_OPTION,
) -> None:
    """导出发放表：按领取人、按单位、明细、调整、政策版本 / export a period statement."""
    from ..ledger.statements import export_statement

    ledger = _ledger(ctx, db)
    typer.echo(str(export_statement(ledger, period, out, fmt)))


# --- dividends -----------------------------------------------------------------------------------

dividend_app = typer.Typer(help="集体经济组织分红 / collective dividends", no_args_is_help=True)


@dividend_app.command("run")
@handled
def dividend_run(
    ctx: typer.Context,
    collective: str = typer.Argument(...),
    year: int = typer.Argument(...),
    policy: str = typer.Option("collective-dividend", "--policy"),
    income: str = typer.Option("0", "--income", help="其他收入（元）"),
    costs: str = typer.Option("0", "--costs", help="成本（元）"),
    db: str = DB_OPTION,
    user: str = USER_OPTION,
) -> None:
    from ..ledger import dividends
    from ..money import parse_yuan

    ledger = _ledger(ctx, db)
    run = dividends.run_dividend(ledger, _user(ledger, user), collective, year, policy_id=policy, income=parse_yuan(income), costs=parse_yuan(costs))
    _print_run(ledger, run, _lang(ctx))


def _print_run(ledger, run, lang: Lang) -> None:  # noqa: ANN001
    from ..ledger.dividends import members_by_id

    members = members_by_id(ledger, run.collective_id)
    typer.echo(tr("cli_dividend_run", lang, year=run.year, run=run.run_no, policy=run.policy_id, version=run.version,
                  income=f"{run.income:.2f}", retained=f"{run.retained:.2f}", pool=f"{run.pool:.2f}",
                  leftover=f"{run.leftover:.2f}"))
    for line in run.detail.get("explanation", []):
        typer.echo(f"  {line.get(lang, line.get('zh'))}")
    typer.echo(_table(["th_member", "th_person", "th_shares", "th_dividend"],
                      [[members[a.member_id].member_no, members[a.member_id].name, a.weighted_shares, f"{a.amount:.2f}"] for a in run.allocations]
                      + [[tr("th_total", lang), "", "", f"{sum((a.amount for a in run.allocations), Decimal(0)):.2f}"]], lang=lang))


@dividend_app.command("show")
@handled
def dividend_show(
    ctx: typer.Context,
    collective: str = typer.Argument(None),
    year: int = typer.Option(None, "--year"),
    out: Path = typer.Option(None, "-o", "--output", help="导出 .xlsx 或 .csv"),
    db: str = DB_OPTION,
) -> None:
    from ..ledger import dividends

    ledger = _ledger(ctx, db)
    runs = dividends.list_runs(ledger, collective, year)
    for run in runs:
        _print_run(ledger, run, _lang(ctx))
    if out and runs:
        _export_run(ledger, runs[-1], out)
        typer.echo(str(out))


def _export_run(ledger, run, out: Path) -> None:  # noqa: ANN001
    from ..ledger.dividends import members_by_id
    from ..ledger.statements import Table, _write_csv, _write_xlsx

    members = members_by_id(ledger, run.collective_id)
    total = sum((a.amount for a in run.allocations), Decimal(0))
    tables = [
        Table("分红明细", ["成员号", "姓名", "户", "加权股", "分红"],
              [[members[a.member_id].member_no, members[a.member_id].name, members[a.member_id].household or "", str(a.weighted_shares), a.amount]
               for a in run.allocations] + [["合计", "", "", "", total]], {4}),
        Table("汇总", ["项目", "金额"], [["收入", run.income], ["提取", run.retained], ["可分配", run.pool], ["未分配", run.leftover]], {1}),
        Table("政策版本", ["政策", "版本", "内容哈希"], [[run.policy_id, run.version, run.hash]], set()),
    ]
    title = f"{run.year} 年分红（第 {run.run_no} 次计算）"
    (_write_csv if out.suffix.lower() == ".csv" else _write_xlsx)(out, title, tables)


# --- banquets ----------------------------------------------------------------------------------

banquet_app = typer.Typer(help="酒席报备与检查 / banquet filings", no_args_is_help=True)


def _banquet_args(ledger, unit, household, occasion, date, days, tables, gift, filed_on, host_age):  # noqa: ANN001, ANN202
    from ..ledger.banquets import build_filing

    return build_filing(ledger, unit=unit, household=household, occasion=occasion, held_on=date, days=days, tables=tables,
                        gift=gift, filed_on=filed_on, host_age=host_age)


def _print_check(result, lang: Lang) -> None:  # noqa: ANN001
    f = result.filing
    verdict = "合规 compliant" if result.compliant else f"违规 {len(f.violations)} 项 violations"
    typer.echo(f"{f.household} {f.occasion} {f.held_on}  {verdict}  [{f.policy_id} {f.version}]")
    for line in result.explanation:
        typer.echo(f"  {line.get(lang, line['zh'])}")


def _banquet_command(store: bool):  # noqa: ANN202
    @handled
    def command(
        ctx: typer.Context,
        household: str = typer.Argument(..., help="户主 / household"),
        occasion: str = typer.Option(..., "--occasion", help="婚嫁/丧事/寿宴…"),
        date: str = typer.Option(..., "--date", help="办酒日期"),
        days: int = typer.Option(1, "--days"),
        tables: int = typer.Option(..., "--tables"),
        gift: str = typer.Option(..., "--gift", help="每人礼金（元）"),
        filed_on: str = typer.Option(None, "--filed-on", help="报备日期（默认今天）"),
        host_age: int = typer.Option(None, "--host-age"),
        unit: str = typer.Option(None, "--unit"),
        db: str = DB_OPTION,
        user: str = USER_OPTION,
    ) -> None:
        from ..ledger import banquets

        ledger = _ledger(ctx, db)
        filing = _banquet_args(ledger, unit, household, occasion, date, days, tables, gift, filed_on, host_age)
        if store:
            result = banquets.file_banquet(ledger, _user(ledger, user), filing)
        else:
            result = banquets.evaluate_filing(ledger, filing)
        _print_check(result, _lang(ctx))
        if not result.compliant and not store:
            raise typer.Exit(3)

    command.__doc__ = "登记酒席报备并检查、保存违规项 / file a banquet" if store else "只检查，不保存 / check without storing"
    return command


banquet_app.command("file")(_banquet_command(True))
banquet_app.command("check")(_banquet_command(False))


@banquet_app.command("list")
@handled
def banquet_list(ctx: typer.Context, unit: str = typer.Option(None, "--unit"), year: int = typer.Option(None, "--year"), db: str = DB_OPTION) -> None:
    from ..ledger.banquets import list_filings

    ledger = _ledger(ctx, db)
    rows = list_filings(ledger, unit=unit, year=year)
    typer.echo(_table(["th_household", "th_occasion", "th_date", "th_days", "th_tables", "th_gift", "th_violations"],
                      [[f.household, ledger.label("occasion", f.occasion), f.held_on, f.days, f.tables, f"{f.gift:.2f}",
                        "、".join(v["title"] for v in f.violations)] for f in rows], lang=_lang(ctx)))


# --- stats and audit -----------------------------------------------------------------------------


@handled
def stats_cmd(
    ctx: typer.Context,
    by: str = typer.Option("none", "--by", help="unit | category | month"),
    period: str = typer.Option(None, "--period"),
    unit: str = typer.Option(None, "--unit"),
    db: str = DB_OPTION,
) -> None:
    """受理、调成、不成、升级、超期件数，调成率由案件计算 / counts and rates computed from cases."""
    from ..ledger.stats import compute_stats

    if not _is_grouping(by):
        raise typer.BadParameter(by, param_hint="--by")
    ledger = _ledger(ctx, db)
    rows = compute_stats(ledger, by=by, period=period, unit=unit)
    typer.echo(_table(
        ["th_group", "th_received", "th_settled", "th_failed", "th_escalated", "th_overdue", "th_rate", "th_paid_yuan", "th_due_yuan"],
        [[tr("th_total", _lang(ctx)) if r.key == "total" else r.label, r.received, r.settled, r.failed, r.escalated,
          r.overdue, f"{r.rate}%" if r.rate is not None else "—",
          f"{r.paid:.2f}", f"{r.due:.2f}"] for r in rows], lang=_lang(ctx)
    ))


audit_app = typer.Typer(help="审计日志 / audit log", no_args_is_help=True)


@audit_app.command("verify")
@handled
def audit_verify(ctx: typer.Context, db: str = DB_OPTION) -> None:
    """校验哈希链：发现被修改或删除的记录 / verify the hash chain."""
    from ..ledger.audit import verify

    ledger = _ledger(ctx, db)
    report = verify(ledger)
    typer.echo(report.render(_lang(ctx)))
    if not report.ok:
        raise typer.Exit(1)


@audit_app.command("log")
@handled
def audit_log(ctx: typer.Context, limit: int = typer.Option(30, "--limit"), db: str = DB_OPTION) -> None:
    from ..ledger.audit import recent

    ledger = _ledger(ctx, db)
    typer.echo(_table(["#", "th_time", "th_user", "th_action", "th_object"],
                      [[e.seq, f"{e.at:%Y-%m-%d %H:%M:%S}", e.user_name, e.action, f"{e.entity} {e.entity_id or ''}"] for e in recent(ledger, limit)], lang=_lang(ctx)))


# --- demo --------------------------------------------------------------------------------------


@handled
def demo_cmd(ctx: typer.Context, db: str = DB_OPTION, year: int = typer.Option(2026, "--year")) -> None:
    """创建演示台账：县、乡镇、村工作站、调解员、一年的案件、两个集体、酒席报备、一个已关闭期间 / a demo ledger."""
    from ..ledger.demo import build_demo
    from ..store.db import resolve_url, safe_url

    ledger = _ledger(ctx, db)
    summary = build_demo(ledger, year=year)
    typer.echo(f"{safe_url(resolve_url(db))}")
    typer.echo(tr("cli_demo_made", _lang(ctx), units=summary.units, users=summary.users, cases=summary.cases,
                  collectives=summary.collectives, filings=summary.banquet_filings, closed=summary.closed_period))
    typer.echo(tr("cli_demo_try", _lang(ctx)) + "  tiaojie stats --by unit;  TIAOJIE_USER=clerk tiaojie period show "
               f"{summary.computed_periods[-1] if summary.computed_periods else year};  tiaojie case list --overdue")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
    app.add_typer(user_app, name="user")
    app.add_typer(unit_app, name="unit")
    app.add_typer(case_app, name="case")
    app.command("import")(import_cmd)
    app.add_typer(period_app, name="period")
    app.command("statement")(statement_cmd)
    app.add_typer(dividend_app, name="dividend")
    app.add_typer(banquet_app, name="banquet")
    app.command("stats")(stats_cmd)
    app.add_typer(audit_app, name="audit")
    app.command("demo")(demo_cmd)
