"""The bureau's statistics form as the statistics screen needs it: computed by the core's service
for the user signed in, and written as XLSX. Like `ledger_api`, each function runs in a worker."""

from __future__ import annotations

from pathlib import Path

from tiaojie.i18n import Lang
from tiaojie.ledger.stats_form import StatsForm, compute_form, write_form_xlsx

from .ledger_api import Session, _ledger


def stats_form(backend: Session, period: str | None) -> StatsForm:
    """The form for the cases received in `period` (all cases when empty) that the user may see."""
    return compute_form(_ledger(backend), period=period or None, user=backend.user)


def export_stats_form(backend: Session, period: str | None, path: Path, lang: Lang) -> Path:
    return write_form_xlsx(stats_form(backend, period), path, lang).resolve()
