"""Options shared by every command (`--db`, `--user`, `--rules`, `--lang`), and loading rules with located errors."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ..i18n import Lang
from ..rules.errors import RuleSetError
from ..rules.locations import default_rules_dir

if TYPE_CHECKING:
    from ..rules.service import Rules


@dataclass
class Settings:
    rules_dir: Path
    lang: Lang
    rules_explicit: bool = False  # --rules given: it wins over the ledger's activated set
    db: str | None = None  # --db / TIAOJIE_DB given to the root command
    user: str | None = None  # --user / TIAOJIE_USER given to the root command

    def open_rules(self) -> Rules:
        from ..rules.service import open_rules  # loaded by the commands that read rules, not by every command

        try:
            return open_rules(self.rules_dir)
        except RuleSetError as err:
            typer.echo(err.render(self.lang), err=True)
            raise typer.Exit(1) from None


def settings(ctx: typer.Context) -> Settings:
    obj = ctx.find_root().obj
    if obj is None:
        obj = Settings(default_rules_dir(), _env_lang())
    return obj


def _env_lang() -> Lang:
    return "en" if os.environ.get("TIAOJIE_LANG", "zh").lower().startswith("en") else "zh"


def relative(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
