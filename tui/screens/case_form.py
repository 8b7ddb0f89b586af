"""The case-entry form as the vocabulary lays it out: which case fields are typed in, in which
groups and order, each with its kind — before any widget is drawn (see `tui.screens.entry`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..backend import LEDGER_COMPUTED
from ..strings import Lang

if TYPE_CHECKING:
    from tiaojie.rules.labels import VocabularyLabels


@dataclass(frozen=True)
class FormField:
    name: str  # the vocabulary's case field, or one of the model's own (parties, summary)
    kind: str  # the field's type: text | enum | date | int | money | decimal | bool | checklist
    enum: str | None = None  # the enumeration of an enum field (a checklist's: its items)
    label_key: str | None = None  # UI catalog key; None: the vocabulary's title
    placeholder_key: str | None = None


@dataclass(frozen=True)
class FormGroup:
    title: str  # "" for a vocabulary that declares no groups: no header
    fields: tuple[FormField, ...]


# The case's own fields beside the vocabulary's: who the parties are and what the dispute is about.
PARTIES = FormField("parties", "text", label_key="f_parties", placeholder_key="f_parties_hint")
SUMMARY = FormField("summary", "text", label_key="f_summary")
HINTS = {"date": "f_date_hint", "money": "f_amount_hint", "decimal": "f_decimal_hint"}
TYPED = ("date", "int", "money", "decimal")  # typed in as text, checked by the vocabulary's type
PRIMARY = 8  # the fields shown first; the others mount right after the first paint
REQUIRED = ("number", "category", "received_on")
DEFAULTS = {"severity": "ordinary", "status": "received", "urgency": "normal", "source": "application"}


def form_groups(labels: VocabularyLabels, lang: Lang) -> list[FormGroup]:
    """The case-entry form from the vocabulary (`[[form]]` groups of fields.toml, then 其他 with
    the case fields no group lists): each entered case field with its type, the parties after
    the case number and the summary at the end of that group. Derived fields and those the
    ledger fills in itself are not entered."""
    skip = set(labels.derived) | LEDGER_COMPUTED | {PARTIES.name, SUMMARY.name}
    seen: set[str] = set()
    groups: list[tuple[str, list[FormField]]] = []
    for title, names in labels.form_groups(lang):
        specs: list[FormField] = []
        for name in names:
            kind = labels.kinds.get(name)
            if kind is None or name in skip or name in seen:
                continue
            seen.add(name)
            specs.append(FormField(name, kind[0], kind[1] or None, placeholder_key=HINTS.get(kind[0])))
            if name == "number":
                specs.append(PARTIES)
        if specs:
            groups.append((title, specs))
    if not groups:
        groups.append(("", []))
    home = next((g for g in groups if PARTIES in g[1]), None)
    if home is None:
        home = groups[0]
        home[1].insert(0, PARTIES)
    home[1].append(SUMMARY)
    return [FormGroup(title, tuple(specs)) for title, specs in groups]


def form_rows(groups: list[FormGroup]) -> tuple[list[FormField | str], int]:
    """The form's rows in order — a group's title, then its fields — and where the rows shown
    first end: after the `PRIMARY`th field (the rest mount after the first paint)."""
    rows: list[FormField | str] = []
    for group in groups:
        if group.title:
            rows.append(group.title)
        rows.extend(group.fields)
    fields_seen = 0
    for at, row in enumerate(rows):
        if isinstance(row, FormField):
            fields_seen += 1
            if fields_seen == PRIMARY:
                return rows, at + 1
    return rows, len(rows)
