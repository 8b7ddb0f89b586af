"""What a case's file (卷宗) still lacks: each checklist of the vocabulary read from the case's
stored value, and the required items not ticked. A reviewer sees it whether or not the reward
policy in force asks for a complete file, and whether or not anything was ticked."""

from __future__ import annotations

from typing import Any

from ..i18n import Localized
from ..rules.checklist import missing_lines
from ..vocabulary import FieldDef
from .context import Ledger


def checklist_lines(ledger: Ledger, extra: dict[str, Any]) -> list[Localized]:
    """One line per checklist: its missing required items named, or that every one is there."""
    checklists = [f for f in ledger.vocabulary.case_fields() if f.type == "checklist" and not f.derived]
    return missing_lines(checklists, {f.name: ticked(f, extra.get(f.name)) for f in checklists})


def missing_items(ledger: Ledger, extra: dict[str, Any]) -> list[Localized]:
    """Only the checklists that lack a required item."""
    return [line for line in checklist_lines(ledger, extra) if line.key == "checklist_missing"]


def ticked(fdef: FieldDef, value: Any) -> frozenset[str]:
    if value is None:
        return frozenset()
    try:
        return frozenset(fdef.coerce(value))
    except ValueError:  # items fields.toml no longer lists: what is still listed counts
        return frozenset(item for item in value if item in fdef.items())
