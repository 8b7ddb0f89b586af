"""A loaded, checked policy version: rows with parsed conditions and outputs, ready to compile."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..i18n import Lang, pick
from ..vocabulary import FieldDef, Vocabulary
from .conditions import Condition
from .expressions import Expression
from .schema import (
    Cap,
    ChainChecksDef,
    ChainStepDef,
    DividendSection,
    EscalationSection,
    Example,
    OutputDef,
    PolicyHeader,
)

OutputValue = Decimal | int | str | bool | Expression


@dataclass
class CompiledRow:
    id: str
    title: str
    title_en: str | None
    condition: Condition
    then: dict[str, OutputValue]
    order: int  # position after sorting by priority, then file order; the engine's salience
    line: int | None
    message: str | None = None
    message_en: str | None = None
    effective_from: dt.date | None = None
    effective_until: dt.date | None = None

    def label(self, lang: Lang = "zh") -> str:
        return pick(self.title, self.title_en, lang)

    @property
    def dated(self) -> bool:
        return self.effective_from is not None or self.effective_until is not None

    def in_force(self, on: dt.date) -> bool:
        if self.effective_from and on < self.effective_from:
            return False
        if self.effective_until and on > self.effective_until:
            return False
        return True

    def holds(self, case: dict[str, Any], on: dt.date) -> bool:
        """The plain-Python reading of this row."""
        return self.in_force(on) and self.condition.holds(case)


@dataclass
class LocatedExample:
    example: Example
    index: int
    line: int | None


@dataclass
class Policy:
    header: PolicyHeader
    path: Path
    hash: str
    rows: list[CompiledRow]
    fields: dict[str, FieldDef]  # every field this policy reads, by name
    outputs: dict[str, OutputDef]
    default: dict[str, OutputValue]
    caps: list[Cap]
    dividend: DividendSection | None
    escalation: EscalationSection | None
    examples: list[LocatedExample]
    vocabulary: Vocabulary
    lines: dict = field(default_factory=dict, repr=False)
    steps: list[ChainStepDef] = field(default_factory=list)  # chain: the review chain's steps, in order
    checks: ChainChecksDef | None = None  # chain: the checks of a period's claims

    @property
    def id(self) -> str:
        return self.header.id

    @property
    def kind(self) -> str:
        return self.header.kind

    @property
    def version(self) -> str:
        return self.header.version

    @property
    def effective_from(self) -> dt.date:
        return self.header.effective_from

    @property
    def effective_until(self) -> dt.date | None:
        return self.header.effective_until

    @property
    def date_field(self) -> str | None:
        return self.header.date_field

    @property
    def date_sensitive(self) -> bool:
        return any(row.dated for row in self.rows)

    def title(self, lang: Lang = "zh") -> str:
        return pick(self.header.title, self.header.title_en, lang)

    def in_force(self, on: dt.date) -> bool:
        if on < self.effective_from:
            return False
        return self.effective_until is None or on <= self.effective_until

    def range_text(self) -> str:
        until = self.effective_until.isoformat() if self.effective_until else "…"
        return f"{self.effective_from.isoformat()} ~ {until}"

    def row(self, row_id: str) -> CompiledRow | None:
        return next((r for r in self.rows if r.id == row_id), None)

    def condition_fields(self) -> list[str]:
        """Fields the rows' conditions read, in vocabulary order — with, for a derived field, the
        inputs its formula reads (transitively): what a condition's verdict depends on."""
        from .derived import with_inputs

        names = with_inputs(self.condition_reads(), self.fields)
        return [n for n in self.fields if n in names]

    def condition_reads(self) -> list[str]:
        """Fields the rows' conditions compare, in vocabulary order — the engine projection (a
        derived field by its computed value, not its inputs)."""
        names: set[str] = set()
        for row in self.rows:
            names |= row.condition.fields()
        return [n for n in self.fields if n in names]

    def formula_reads(self) -> set[str]:
        """Fields a formula reads: an output's (default or row), or a derived field's."""
        out = self.derived_inputs()
        for values in [self.default, *(row.then for row in self.rows)]:
            for value in values.values():
                if isinstance(value, Expression):
                    out |= value.names
        return out

    def derived_inputs(self) -> set[str]:
        """The fields read only to compute a derived field (and read, maybe, elsewhere too)."""
        from .derived import formula_inputs

        out: set[str] = set()
        for fdef in self.fields.values():
            if fdef.derived:
                out |= formula_inputs(fdef)
        return out
