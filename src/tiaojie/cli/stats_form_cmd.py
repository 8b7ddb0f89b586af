"""`tiaojie stats --form`: the statistics form the justice bureau asks for, on screen as a table
and, with `-o FILE.xlsx`, as a spreadsheet with Chinese headers (English with `--lang en`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from .ledger_common import chosen_lang

if TYPE_CHECKING:
    from ..ledger.context import Ledger

WIDTH_OFF_TERMINAL = 240  # piped or captured: wide enough that no heading wraps


def show_form(ctx: typer.Context, ledger: Ledger, period: str | None, unit: str | None, output: Path | None) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from ..ledger.stats_form import compute_form, form_header, form_rows, form_title, write_form_xlsx
    from ..store.messages import Message

    lang = chosen_lang(ctx)
    form = compute_form(ledger, period=period, unit=unit)
    if output is not None:
        write_form_xlsx(form, output, lang)
    probe = Console()
    console = probe if probe.is_terminal else Console(width=WIDTH_OFF_TERMINAL, no_color=True, highlight=False)
    for first, rows in (("sf_th_category", form.by_category), ("sf_th_unit", form.by_unit)):
        table = Table(title=Text(form_title(form, lang)), show_lines=False, header_style="bold")
        for index, heading in enumerate(form_header(form, lang, first)):
            table.add_column(Text(heading), justify="left" if index == 0 else "right")
        shown = form_rows(rows, lang)
        for index, values in enumerate(shown):
            table.add_row(*(Text(str(v)) for v in values), style="bold" if index == len(shown) - 1 else "")
        console.print(table)
    if output is not None:
        typer.echo(Message("sf_saved", path=str(output)).render(lang))
