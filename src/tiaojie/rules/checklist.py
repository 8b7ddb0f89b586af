"""Checklist fields (a case file's 卷宗 materials) as the engine and an explanation see them.

The engine compares scalars, so a checklist reaches it as flags beside the field's own key (the
ticked ids, comma-joined, which only keys the caches): `<field>__complete` — every required item
ticked — and `<field>__has__<item>` for each item. A missing checklist is one with nothing ticked:
its flags are all false, so `complete = false` holds for a case whose file nobody has ticked yet.
"""

from __future__ import annotations

from typing import Any, Iterable

from ..i18n import Localized
from ..vocabulary import FieldDef


def complete_key(key: str) -> str:
    """The fact key of "every required item is ticked", for the field's fact key."""
    return key + "__complete"


def item_key(key: str, item: str) -> str:
    """The fact key of "this item is ticked"."""
    return f"{key}__has__{item}"


def engine_flags(key: str, fdef: FieldDef, ticked: frozenset[str] | None) -> dict[str, bool]:
    """The flags the engine reads for a checklist's value (None: nothing ticked)."""
    have = ticked or frozenset()
    flags = {item_key(key, item): item in have for item in fdef.items()}
    flags[complete_key(key)] = not fdef.missing_required(have)
    return flags


def missing_lines(fields: Iterable[FieldDef], typed: dict[str, Any]) -> list[Localized]:
    """For each checklist: the required items it lacks, named (zh/en), as an explanation line."""
    lines = []
    for fdef in fields:
        if fdef.type != "checklist" or not fdef.required_items() or fdef.enum_def is None:
            continue
        enum = fdef.enum_def
        missing = fdef.missing_required(typed.get(fdef.name))
        field = Localized("label", zh=fdef.title, en=fdef.title_en or fdef.title)
        if missing:
            items = Localized("label", zh="、".join(enum.label(i, "zh") for i in missing),
                              en=", ".join(enum.label(i, "en") for i in missing))
            lines.append(Localized("checklist_missing", field=field, items=items))
        else:
            lines.append(Localized("checklist_all_required", field=field))
    return lines
