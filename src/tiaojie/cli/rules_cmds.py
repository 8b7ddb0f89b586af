"""`tiaojie rules check|test|lint|show`: what policy staff run after editing a rule file."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import typer

from ..i18n import tr
from ..rules.errors import RuleSetError
from .context import relative, settings

# The rules core (pydantic models, the engine) is imported by the commands that use it, so that
# `tiaojie` starts without it for the commands that do not.

rules_app = typer.Typer(help="检查、测试、审查与查看规则文件 / check, test, lint and show rule files", no_args_is_help=True)

DRAFT = typer.Option(None, "--draft", help="检查此草稿（tiaojie rules draft list）而非规则目录 / a draft instead of the rules directory")
DRAFT_DB = typer.Option(None, "--db", envvar="TIAOJIE_DB", help="草稿所属的台账 / the ledger the draft belongs to")


def _rules_dir(ctx: typer.Context, draft: str | None, db: str | None) -> Path:
    """The directory a command reads: the named draft of the ledger, else `--rules` / ./rules."""
    if draft is None:
        return settings(ctx).rules_dir
    from .policy_cmds import draft_dir

    return draft_dir(ctx, draft, db)


def _open(ctx: typer.Context, draft: str | None, db: str | None):  # noqa: ANN202
    from .ledger_common import handled

    directory = handled(_rules_dir)(ctx, draft, db)
    cfg = settings(ctx)
    return replace(cfg, rules_dir=directory).open_rules()


@rules_app.command("check")
def check(
    ctx: typer.Context,
    db: str = typer.Option(None, "--db", help="也列出台账中仍保存、但 fields.toml 已不再声明的字段；--draft 时为草稿所属的台账 / "
                                             "also name stored fields fields.toml no longer declares; with --draft, the draft's ledger"),
    draft: str = DRAFT,
) -> None:
    """校验全部规则文件；错误以 `文件:行: 说明` 列出 / validate every rule file."""
    from ..rules.service import open_rules
    from .ledger_common import handled

    cfg = settings(ctx)
    directory = handled(_rules_dir)(ctx, draft, db)
    try:
        rules = open_rules(directory)
    except RuleSetError as err:
        for error in err.errors:
            typer.echo(replace(error, path=Path(relative(error.path))).render(cfg.lang))
        typer.echo(tr("check_failed", cfg.lang, count=len(err.errors)), err=True)
        raise typer.Exit(1) from None
    for notice in rules.book.notices:  # information only: the check still passes
        typer.echo(replace(notice, path=Path(relative(notice.path))).render(cfg.lang))
    policies = list(rules.book.all())
    if db:
        from ..ledger.views import undeclared_stored_fields

        for name, count in undeclared_stored_fields(db, rules.book.vocabulary):
            typer.echo(tr("check_undeclared_stored", cfg.lang, field=name, cases=count))
    typer.echo(tr("check_ok", cfg.lang, files=len(policies), rows=sum(len(p.rows) for p in policies),
                  dir=relative(directory)))


@rules_app.command("test")
def test(ctx: typer.Context, coverage: bool = typer.Option(False, "--coverage", help="也列出没有示例覆盖的枚举取值 / also list enum values no example reaches"),
         draft: str = DRAFT, db: str = DRAFT_DB) -> None:
    """运行每个示例（规则文件中的 example 表）；列出差异与没有示例覆盖的规则 / run every example."""
    from ..rules.examples import run_examples

    cfg = settings(ctx)
    rules = _open(ctx, draft, db)
    report = run_examples(rules, coverage=coverage)
    for result in report.results:
        if not result.passed:
            result.policy.path = Path(relative(result.policy.path))
            typer.echo(result.render(cfg.lang))
    for policy, rule_id, line in report.unreached_rows:
        typer.echo(tr("test_unreached", cfg.lang, path=relative(policy.path), line=line or 1, rule=rule_id))
    for policy, field, value in report.unreached_values:
        typer.echo(tr("test_unreached_value", cfg.lang, path=relative(policy.path), field=field, value=value))
    typer.echo(tr("test_summary", cfg.lang, passed=report.passed, failed=report.failed))
    if report.failed:
        raise typer.Exit(1)


@rules_app.command("lint")
def lint(ctx: typer.Context, strict: bool = typer.Option(False, "--strict", help="有发现即返回 1 / exit 1 on any finding"),
         draft: str = DRAFT, db: str = DRAFT_DB) -> None:
    """遮蔽的规则、唯一命中表的重叠、取值组合的空缺，每条附示例 / shadowed rows, overlaps, gaps."""
    from ..rules.lint import lint_rules

    cfg = settings(ctx)
    rules = _open(ctx, draft, db)
    findings = lint_rules(rules)
    for finding in findings:
        finding.policy.path = Path(relative(finding.policy.path))
        typer.echo(finding.render(cfg.lang))
    if not findings:
        typer.echo(tr("lint_clean", cfg.lang))
    else:
        typer.echo(tr("lint_count", cfg.lang, count=len(findings)))
    if findings and strict:
        raise typer.Exit(1)


@rules_app.command("show")
def show(ctx: typer.Context, policy: str = typer.Argument(None, help="政策编号 / policy id")) -> None:
    """已加载的政策：编号、类型、版本、生效期、内容哈希 / what is loaded."""

    cfg = settings(ctx)
    rules = cfg.open_rules()
    lang = cfg.lang
    ids = [policy] if policy else rules.book.ids()
    if policy and policy not in rules.book.policies:
        from ..rules.errors import EvaluationError

        try:
            rules.book.versions(policy)
        except EvaluationError as err:
            typer.echo(err.message(lang), err=True)
            raise typer.Exit(1) from None
    header = ("policy", "kind", "version", "effective", "hash", "rows", "file") if lang == "en" else \
        ("政策", "类型", "版本", "生效期", "内容哈希", "规则数", "文件")
    lines = [header]
    for policy_id in ids:
        for p in rules.book.policies[policy_id]:
            lines.append((p.id, p.kind, p.version, p.range_text(), p.hash[7:19], str(len(p.rows)), relative(p.path)))
    widths = [max(_width(row[i]) for row in lines) for i in range(len(header))]
    for row in lines:
        typer.echo("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
    if policy:
        from ..rules.chain_text import chain_lines

        for p in rules.book.policies[policy]:
            typer.echo("")
            typer.echo(f"{p.title(lang)}  {p.version}  ({p.range_text()})")
            typer.echo(f"  {'source' if lang == 'en' else '出处'}: {p.header.source}")
            if p.fields:  # a review chain reads no case
                typer.echo(f"  {'reads' if lang == 'en' else '读取字段'}: {', '.join(p.fields)}")
            for line in chain_lines(p, lang):  # a review chain's steps, in order, and its checks
                typer.echo(f"  {line}")
            for rule in p.rows:
                outputs = ", ".join(f"{k} = {getattr(v, 'source', v)}" for k, v in rule.then.items())
                typer.echo(f"  [{rule.id}] {rule.label(lang)}")
                typer.echo(f"      {'when' if lang == 'en' else '条件'}: {rule.condition.describe(lang)}")
                if outputs:
                    typer.echo(f"      {'then' if lang == 'en' else '结果'}: {outputs}")


@rules_app.command("diff")
def diff(ctx: typer.Context, old: Path = typer.Argument(None, help="原规则目录 / the rules before"),
         new: Path = typer.Argument(None, help="新规则目录 / the rules after"),
         draft: str = typer.Option(None, "--draft", help="启用的规则集 → 此草稿 / the activated set → this draft"),
         db: str = DRAFT_DB) -> None:
    """两套规则逐条比较，用政策人员看得懂的话列出差别 / what changed, row by row, in words."""
    from ..rules.diff import diff_books
    from ..rules.loader import load_rules
    from .ledger_common import fail, handled

    cfg = settings(ctx)
    if draft is not None and old is None and new is None:
        old, new = handled(_draft_pair)(ctx, draft, db)
    elif old is None or new is None or draft is not None:
        fail(tr("draft_or_dir", cfg.lang))
    books = []
    for directory in (old, new):
        try:
            books.append(load_rules(directory))
        except RuleSetError as err:
            typer.echo(err.render(cfg.lang), err=True)
            raise typer.Exit(1) from None
    changes = diff_books(books[0], books[1])
    for change in changes:
        typer.echo(change.render(cfg.lang))
    if not changes:
        typer.echo(tr("diff_none", cfg.lang))


def _draft_pair(ctx: typer.Context, name: str, db: str | None) -> tuple[Path, Path]:
    """The ledger's activated set and its draft named `name`, as two directories."""
    from ..ledger.activated import activated_dir
    from ..ledger.errors import NotFound
    from .policy_cmds import find_draft

    ledger, draft = find_draft(ctx, name, db)
    try:
        active = activated_dir(ledger.engine)
        if active is None:
            raise NotFound("draft_no_activated_set")
        activated = ledger.activated_set()
        set_id = activated[0] if activated else "?"
        typer.echo(tr("draft_diff_against", settings(ctx).lang, set=set_id, name=draft.name))
        return active, draft.path
    finally:
        ledger.close()


def _register_ledger_commands() -> None:
    try:
        from .policy_cmds import register
    except ImportError:  # pragma: no cover - the ledger's database drivers are not installed
        return
    register(rules_app)


_register_ledger_commands()


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
