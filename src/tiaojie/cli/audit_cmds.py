"""`tiaojie audit …`: the ledger's hash-chained audit log — its head to publish, verify it (against
heads published earlier, with the county's key), read its newest entries."""

from __future__ import annotations

import typer

from .ledger_common import DB_OPTION, chosen_lang, handled, ledger_for, text_table

audit_app = typer.Typer(help="审计日志 / audit log", no_args_is_help=True)

HEAD_OPTION = typer.Option(
    None, "--head",
    help="此前公布的链头 N:HASH，可重复；证明前 N 条未被改写 / a head published earlier (repeatable): "
         "proves the first N entries were not rewritten",
)


@audit_app.command("verify")
@handled
def audit_verify(ctx: typer.Context, head: list[str] = HEAD_OPTION, db: str = DB_OPTION) -> None:
    """校验哈希链：发现被修改或删除的记录；--head 核对此前公布的链头；设有 TIAOJIE_AUDIT_KEY 或
    TIAOJIE_AUDIT_KEY_FILE（密钥保存在台账之外）时逐条核对 HMAC / verify the hash chain, published heads
    (--head) and, with the county's key (TIAOJIE_AUDIT_KEY or TIAOJIE_AUDIT_KEY_FILE), every entry's HMAC."""
    from ..ledger.audit import parse_head, verify

    heads = [parse_head(text) for text in head or ()]
    ledger = ledger_for(ctx, db)
    report = verify(ledger, heads)
    typer.echo(report.render(chosen_lang(ctx)))
    if not report.ok:
        raise typer.Exit(1)


@audit_app.command("head")
@handled
def audit_head(ctx: typer.Context, db: str = DB_OPTION) -> None:
    """链头 N:HASH：留存于台账之外，日后用 verify --head 核对 / the chain head to keep outside the ledger."""
    from ..ledger.audit import head

    typer.echo(head(ledger_for(ctx, db)).text())


@audit_app.command("log")
@handled
def audit_log(ctx: typer.Context, limit: int = typer.Option(30, "--limit"), db: str = DB_OPTION) -> None:
    from ..ledger.audit import recent

    ledger = ledger_for(ctx, db)
    typer.echo(text_table(["#", "th_time", "th_user", "th_action", "th_object"],
                          [[e.seq, f"{e.at:%Y-%m-%d %H:%M:%S}", e.user_name, e.action, f"{e.entity} {e.entity_id or ''}"] for e in recent(ledger, limit)], lang=chosen_lang(ctx)))
