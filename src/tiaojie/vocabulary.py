"""The shared vocabulary (`rules/fields.toml`): case fields with their types, and enumerations.

Every value a user types — on the command line, in a rule file, later in the UI — passes through
`FieldDef.coerce`, which accepts an enumeration's id or its Chinese (or English) label.

A field says what it describes (`subject`: "case" for a dispute case, else e.g. "banquet"), and
may be derived: `formula = "dissatisfied / respondents"` computes it from other fields, so nobody
enters it. `[[form]]` tables lay out the case-entry form's groups in order.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from . import checklist_messages  # noqa: F401 - joins the checklist's messages into the catalog
from .i18n import Lang, Localized, did_you_mean, pick
from .value_errors import InvalidValue
from .money import MoneyError, exact_fen, parse_yuan

FieldType = Literal["enum", "text", "int", "decimal", "money", "bool", "date", "checklist"]
NUMERIC_TYPES = ("int", "decimal", "money")
ORDERED_TYPES = ("int", "decimal", "money", "date")
DECIMAL_SCALE = 10**6  # decimals reach the engine as integers in millionths
RESERVED_FIELDS = {"_t", "sid", "id", "c", "_on"}
CASE = "case"  # the subject of a dispute case's fields
DERIVABLE_TYPES = ("int", "decimal", "money")  # the types a formula may give
# Case fields the ledger fills in itself, never on the form: the unit that holds the case, its level
# (the escalation policy's), and what the ledger counts from it (see `ledger.projection.BUILT_IN`).
LEDGER_SET_FIELDS = ("unit", "level", "sessions", "escalation_count", "parties_count", "mediators_count",
                     "escalated_on")
LEDGER_COUNTED_FIELDS = LEDGER_SET_FIELDS[2:]
SUBJECT_PATTERN = r"^[a-z][a-z0-9_]*$"

TYPE_NAMES: dict[str, tuple[str, str]] = {
    "enum": ("枚举", "enumeration"),
    "text": ("文本", "text"),
    "int": ("整数", "integer"),
    "decimal": ("数值", "number"),
    "money": ("金额", "amount of money"),
    "bool": ("是/否", "yes/no"),
    "date": ("日期", "date"),
    "checklist": ("清单", "checklist"),
}
# How a checklist's ticked items may be typed in one string: 调解协议书,封底 / 调解协议书、封底.
CHECKLIST_SEPARATORS = re.compile(r"[,，、;；\s]+")

_TRUE = {"true", "yes", "y", "1", "是", "有", "真"}
_FALSE = {"false", "no", "n", "0", "否", "无", "假"}


class EnumDef(BaseModel):
    """One enumeration: ids in order, each with a Chinese label (English optional)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(description="中文名称")
    title_en: str | None = Field(default=None, description="English name")
    labels: dict[str, str] = Field(description="id → 中文标签, in display order")
    labels_en: dict[str, str] = Field(default_factory=dict, description="id → English label")

    def lookup(self) -> dict[str, str]:
        """Every accepted spelling (id, Chinese label, English label) → id."""
        table: dict[str, str] = {}
        for value_id, label in self.labels.items():
            table[value_id] = value_id
            table[label] = value_id
        for value_id, label in self.labels_en.items():
            table.setdefault(label, value_id)
            table.setdefault(label.lower(), value_id)
        return table

    def label(self, value_id: str, lang: Lang = "zh") -> str:
        return pick(self.labels.get(value_id, value_id), self.labels_en.get(value_id), lang)


class FieldDef(BaseModel):
    """A case field a policy may read."""

    model_config = ConfigDict(extra="forbid")

    type: FieldType = Field(description="enum | text | int | decimal | money | bool | date")
    title: str = Field(description="中文名称")
    title_en: str | None = Field(default=None, description="English name")
    enum: str | None = Field(default=None, description="the enumeration, for type = enum (its values) or "
                                                          "type = checklist (its items)")
    required: list[str] | None = Field(
        default=None,
        description="type = checklist: the items a complete checklist has ticked (ids or Chinese labels); "
                    "the others are as needed",
    )
    description: str | None = None
    subject: str = Field(
        default=CASE, pattern=SUBJECT_PATTERN,
        description='what the field describes: "case" (a dispute case), or e.g. "banquet", "canteen", "review"',
    )
    formula: str | None = Field(
        default=None,
        description='derived: computed from other fields, e.g. "dissatisfied / respondents" or '
                    '"settled_on - received_on" (days); type int | decimal | money',
    )

    shown_as: Literal["percent"] | None = Field(
        default=None,
        description='how a number is shown to people: "percent" shows 0.4 as 40.0% (the value stays 0.4)',
    )

    # Filled in when the vocabulary is resolved; not part of the file format.
    name: str = Field(default="", exclude=True)
    enum_def: EnumDef | None = Field(default=None, exclude=True)
    # A derived field's parsed formula and where it is written (`fields.toml:LINE`), set when the
    # vocabulary file is read and checked.
    _expression: Any = PrivateAttr(default=None)
    _where: str = PrivateAttr(default="")

    @property
    def derived(self) -> bool:
        """Computed by its formula, never entered."""
        return self.formula is not None

    @property
    def expression(self) -> Any:
        """The parsed formula (a `tiaojie.rules.expressions.Expression`) of a checked derived
        field; None otherwise."""
        return self._expression

    @property
    def where(self) -> str:
        """`fields.toml:LINE` of a derived field's formula, for messages about it."""
        return self._where

    def label(self, lang: Lang = "zh") -> str:
        return pick(self.title, self.title_en, lang)

    def type_name(self, lang: Lang = "zh") -> str:
        zh, en = TYPE_NAMES[self.type]
        return en if lang == "en" else zh

    # --- values ---------------------------------------------------------------------------------
    def coerce(self, value: object):
        """A user's value → the typed value (enum id, int, Decimal, bool, date, str)."""
        kind = self.type
        if kind == "enum":
            assert self.enum_def is not None
            if isinstance(value, str):
                found = self._enum_lookup().get(value.strip()) or self._enum_lookup().get(value.strip().lower())
                if found:
                    return found
            choices = list(self.enum_def.labels)
            raise InvalidValue(
                Localized(
                    "unknown_enum_value",
                    field=self.name,
                    value=value,
                    hint=did_you_mean(value, list(self._enum_lookup())),
                    choices="、".join(f"{k}（{v}）" for k, v in self.enum_def.labels.items()) if choices else "",
                )
            )
        if kind == "checklist":
            return self._ticked(value)
        if kind == "text":
            if isinstance(value, str):
                return value
            raise InvalidValue(Localized("wrong_type", key=self.name, expected=self.type_name(), actual=_as_typed(value)))
        if kind == "bool":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
                return value.strip().lower() in _TRUE
            raise InvalidValue(Localized("wrong_type", key=self.name, expected=self.type_name(), actual=_as_typed(value)))
        if kind == "int":
            if isinstance(value, bool):
                raise InvalidValue(Localized("wrong_type", key=self.name, expected=self.type_name(), actual=_as_typed(value)))
            if isinstance(value, int):
                return value
            try:
                number = parse_yuan(value)
            except MoneyError:
                number = None
            if number is not None and number == number.to_integral_value():
                return int(number)
            raise InvalidValue(Localized("wrong_type", key=self.name, expected=self.type_name(), actual=_as_typed(value)))
        if kind in ("decimal", "money"):
            try:
                number = parse_yuan(value)
            except MoneyError:
                raise InvalidValue(
                    Localized("wrong_type", key=self.name, expected=self.type_name(), actual=_as_typed(value))
                ) from None
            if kind == "money" and exact_fen(number) is None:
                raise InvalidValue(Localized("bad_value", key=self.name, detail=Localized("money_places")))
            if kind == "decimal" and (number * DECIMAL_SCALE) != (number * DECIMAL_SCALE).to_integral_value():
                raise InvalidValue(Localized("bad_value", key=self.name, detail=Localized("decimal_places")))
            return number
        if kind == "date":
            if isinstance(value, dt.datetime):
                return value.date()
            if isinstance(value, dt.date):
                return value
            if isinstance(value, str):
                try:
                    return dt.date.fromisoformat(value.strip())
                except ValueError:
                    pass
            raise InvalidValue(Localized("bad_date", key=self.name, value=value))
        raise AssertionError(kind)  # pragma: no cover

    def _ticked(self, value: object) -> frozenset[str]:
        """A checklist's ticked items: a list of ids or labels, or one string of them separated by
        commas or 、 ("" ticks nothing)."""
        if isinstance(value, (set, frozenset)):
            value = sorted(value, key=str)
        if isinstance(value, str):
            value = [part for part in CHECKLIST_SEPARATORS.split(value.strip()) if part]
        if not isinstance(value, (list, tuple)):
            raise InvalidValue(Localized("wrong_type", key=self.name, expected=self.type_name(), actual=_as_typed(value)))
        lookup = self._enum_lookup()
        ticked: set[str] = set()
        for item in value:
            text = item.strip() if isinstance(item, str) else item
            found = (lookup.get(text) or lookup.get(text.lower())) if isinstance(text, str) else None
            if found is None:
                raise InvalidValue(Localized(
                    "checklist_unknown_item", field=Localized("label", zh=self.title, en=self.title_en or self.title),
                    value=item,
                    hint=did_you_mean(str(item), list(lookup)), choices=self.item_choices(),
                ))
            ticked.add(found)
        return frozenset(ticked)

    def item_choices(self) -> str:
        """A checklist's items as a message lists them: 封底（back_cover）、…"""
        labels = self.enum_def.labels if self.enum_def else {}
        return "、".join(f"{label}（{item}）" for item, label in labels.items())

    def items(self) -> list[str]:
        """A checklist's item ids, in the order fields.toml lists them."""
        return list(self.enum_def.labels) if self.enum_def else []

    def required_items(self) -> list[str]:
        """A checklist's required item ids (fields.toml may name them by label), in item order."""
        if not self.required:
            return []
        lookup = self._enum_lookup()
        wanted = {lookup.get(item, item) for item in self.required}
        return [item for item in self.items() if item in wanted]

    def missing_required(self, ticked: frozenset[str] | None) -> list[str]:
        """The required items not ticked (nothing ticked when the value is missing)."""
        have = ticked or frozenset()
        return [item for item in self.required_items() if item not in have]

    def _enum_lookup(self) -> dict[str, str]:
        cached = self.__dict__.get("_lookup_cache")
        if cached is None:
            cached = self.enum_def.lookup() if self.enum_def else {}
            self.__dict__["_lookup_cache"] = cached
        return cached

    def encode(self, value):
        """A typed value → what the engine sees: ids, ints (fen, millionths, date ordinals), bools."""
        kind = self.type
        if kind == "money":
            return int(value * 100)
        if kind == "decimal":
            return int(value * DECIMAL_SCALE)
        if kind == "date":
            return value.toordinal()
        if kind == "checklist":
            return ",".join(item for item in self.items() if item in value)
        return value

    def show(self, value, lang: Lang = "zh") -> str:
        """A typed value as a person reads it."""
        if value is None:
            return Localized("missing_value").render(lang)
        if self.type == "enum" and self.enum_def:
            return self.enum_def.label(value, lang)
        if self.type == "checklist" and self.enum_def:
            ticked = [self.enum_def.label(item, lang) for item in self.items() if item in value]
            return ("、" if lang != "en" else ", ").join(ticked) or Localized("checklist_none").render(lang)
        if self.type == "bool":
            return ("yes" if value else "no") if lang == "en" else ("是" if value else "否")
        if self.type == "money":
            return Localized("unit_yuan", value=f"{Decimal(value):.2f}").render(lang)
        if self.shown_as == "percent" and isinstance(value, (int, Decimal)):
            return f"{format((Decimal(value) * 100).normalize(), 'f')}%"  # a rule's 0.375 is 37.5%, exactly
        return str(value)


class FormGroup(BaseModel):
    """`[[form]]`: one group of the case-entry form — a title and its fields in order."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, description="中文标题")
    title_en: str | None = Field(default=None, description="English title")
    fields: list[str] = Field(description="case fields, in the order the form shows them")

    def label(self, lang: Lang = "zh") -> str:
        return pick(self.title, self.title_en, lang)


OTHER_GROUP = ("其他", "Other")


class Vocabulary(BaseModel):
    """`fields.toml`: the enumerations, the fields, and the case-entry form's groups."""

    model_config = ConfigDict(extra="forbid")

    enums: dict[str, EnumDef] = Field(default_factory=dict)
    fields: dict[str, FieldDef] = Field(default_factory=dict)
    form: list[FormGroup] = Field(default_factory=list, description="[[form]]: the case-entry form's groups")

    def resolved(self) -> "Vocabulary":
        for name, field in self.fields.items():
            field.name = name
            if field.type in ("enum", "checklist") and field.enum in self.enums:
                field.enum_def = self.enums[field.enum]
        return self

    def case_fields(self) -> list[FieldDef]:
        """The fields of a dispute case (subject "case"), in declaration order."""
        return [f for f in self.fields.values() if f.subject == CASE]

    def form_groups(self) -> list[FormGroup]:
        """The declared form groups, then 其他 / Other with every case field that is entered (not
        derived, not set by the ledger) and that no group lists; 其他 is left out when empty."""
        groups = list(self.form)
        listed = {name for group in groups for name in group.fields}
        rest = [
            f.name for f in self.case_fields()
            if not f.derived and f.name not in listed and f.name not in LEDGER_SET_FIELDS
        ]
        if rest:
            groups.append(FormGroup(title=OTHER_GROUP[0], title_en=OTHER_GROUP[1], fields=rest))
        return groups


def decimal_or_none(value: object) -> Decimal | None:
    try:
        return parse_yuan(value)
    except (MoneyError, InvalidOperation):
        return None


def _as_typed(value: object) -> str:
    """A refused value as the user typed it: numbers plainly, text quoted."""
    if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
        return str(value)
    return repr(value)
