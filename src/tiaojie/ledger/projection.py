"""One road from a stored case to its policies.

Every vocabulary field a case can hold is declared here once, with where its value comes from:
a column of ``cases``, a key of ``cases.extra`` (any case field fields.toml declares that has no
column: policy staff add those without code), or a value computed from the case (its unit's
code, how many escalations it went through …). Each kind of source reads a loaded `Case` here and
is rendered as SQL in `store.case_inputs`, so the single-case writes, the live panel, pages,
overdue scans, periods, statistics and impact all read the same thing by the same name.

Fields with a formula in fields.toml (derived fields) are not kept anywhere: the rules core
computes them from their inputs, which this projection supplies.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from ..models import Case
from ..money import to_fen
from ..store.case_inputs import (
    Column,
    Count,
    EscalatedLevel,
    EscalatedOn,
    ExtraKey,
    Source,
    StoredForm,
    UnitCode,
    decoder,
)
from ..vocabulary import FieldDef, Vocabulary

# Case fields with a column (or a value computed from the case) of their own. Any other case field
# of the vocabulary is kept in `cases.extra`.
BUILT_IN: dict[str, Source] = {
    "number": Column("number", "number"),
    "source": Column("source", "source"),
    "category": Column("category", "category"),
    "severity": Column("severity", "severity"),
    "urgency": Column("urgency", "urgency"),
    "status": Column("status", "status"),
    "settled_by": Column("settled_by", "settled_by"),
    "level": Column("level", "level"),
    "received_on": Column("received_on", "received_on"),
    "accepted_on": Column("accepted_on", "accepted_on"),
    "settled_on": Column("settled_on", "settled_on"),
    "closed_on": Column("closed_on", "closed_on"),
    "persons_involved": Column("persons_involved", "persons_involved"),
    "amount_involved": Column("amount_involved_fen", "amount_involved", fen=True),
    "agreement": Column("agreement_kind", "agreement_kind"),
    "agreement_fulfilled": Column("agreement_fulfilled", "agreement_fulfilled"),
    "follow_up_done": Column("follow_up_done", "follow_up_done"),
    "file_complete": Column("file_complete", "file_complete"),
    "needs_verification": Column("needs_verification", "needs_verification"),
    "unit": UnitCode(),
    # a dispute mediated in several sessions (one per level it went through) is paid once
    "sessions": Count("escalations", plus=1),
    "escalation_count": Count("escalations"),
    "escalated_on": EscalatedOn(),
    "parties_count": Count("parties"),
    "mediators_count": Count("mediators"),
}

# Where a policy kind reads a field differently. An escalation policy decides the level a case
# starts at; what it must respect is where the case was sent by hand, not the level stored from
# its own last verdict (else a case edited down from 重大 would stay at the county).
PER_KIND: dict[str, dict[str, Source]] = {
    "escalation": {"level": EscalatedLevel()},
}

STORED_FORM: dict[str, StoredForm] = {
    "enum": "text", "text": "text", "int": "int", "bool": "bool", "money": "fen", "decimal": "decimal", "date": "date",
    "checklist": "ids",  # the ticked items' ids, a JSON list in the checklist's own order
}

# Model attributes a user may set that are not vocabulary fields of the same name.
MODEL_ONLY = ("summary", "parties", "mediators", "agreement_kind", "unit_id", "escalations")


def _is_case_field(fdef: FieldDef) -> bool:
    return getattr(fdef, "subject", "case") == "case" and not getattr(fdef, "formula", None)


class Projection:
    """The vocabulary's case fields and where each comes from, for one loaded vocabulary."""

    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        self._readers: dict[tuple, Callable[[Case, str | None], dict[str, Any]]] = {}
        self.sources: dict[str, Source] = {}
        for name, fdef in vocabulary.fields.items():
            if name in BUILT_IN:
                self.sources[name] = BUILT_IN[name]
            elif _is_case_field(fdef):
                self.sources[name] = ExtraKey(name, STORED_FORM[fdef.type])
        for name, source in BUILT_IN.items():
            self.sources.setdefault(name, source)  # read by the ledger even where not declared

    # --- declarations ---------------------------------------------------------------------------
    def source(self, name: str, kind: str | None = None) -> Source | None:
        if kind is not None:
            special = PER_KIND.get(kind, {}).get(name)
            if special is not None:
                return special
        return self.sources.get(name)

    def sources_for(self, names: Iterable[str], kind: str | None = None) -> list[tuple[str, Source]]:
        """(name, source) for each of `names` a stored case can hold, in the order given; fields
        no case holds (a banquet's, a derived one) are left out: to a policy they are missing."""
        found = []
        for name in dict.fromkeys(names):
            source = self.source(name, kind)
            if source is not None:
                found.append((name, source))
        return found

    def extra_fields(self) -> list[FieldDef]:
        """The case fields kept in `cases.extra`, in the vocabulary's order."""
        return [self.vocabulary.fields[n] for n, s in self.sources.items() if isinstance(s, ExtraKey)
                and n in self.vocabulary.fields]

    def is_extra(self, name: str) -> bool:
        return isinstance(self.sources.get(name), ExtraKey)

    # --- a loaded case --------------------------------------------------------------------------
    def case_input(self, case: Case, unit_code: str | None, kind: str | None = None,
                   names: Iterable[str] | None = None) -> dict[str, Any]:
        """The case as a policy of `kind` reads it: field id → typed value (Decimal money); missing
        values left out. `names` narrows it to the fields a caller needs."""
        return self.reader(kind, tuple(names) if names is not None else None)(case, unit_code)

    def reader(self, kind: str | None = None, names: tuple[str, ...] | None = None) -> Callable[[Case, str | None], dict[str, Any]]:
        """`case_input` for one kind and set of names, prepared once: bulk paths call it per case."""
        key = (kind, names)
        found = self._readers.get(key)
        if found is None:
            wanted = self.sources_for(names if names is not None else self.sources, kind)
            getters = [(name, self._getter(source)) for name, source in wanted]

            def found(case: Case, unit_code: str | None) -> dict[str, Any]:
                data: dict[str, Any] = {}
                for name, get in getters:
                    value = get(case, unit_code)
                    if value is not None:
                        data[name] = value
                return data

            self._readers[key] = found
        return found

    def _getter(self, source: Source) -> Callable[[Case, str | None], Any]:
        if isinstance(source, Column):
            attr = source.attr
            return lambda case, _unit: getattr(case, attr)
        return lambda case, unit: self.read(source, case, unit)

    def read(self, source: Source, case: Case, unit_code: str | None) -> Any:
        if isinstance(source, Column):
            return getattr(case, source.attr)
        if isinstance(source, ExtraKey):
            raw = case.extra.get(source.key)
            if raw is None:
                return None
            convert = decoder(source)
            return convert(raw) if convert else raw
        if isinstance(source, Count):
            return len(getattr(case, source.of) or ()) + source.plus
        if isinstance(source, UnitCode):
            return unit_code
        if isinstance(source, EscalatedLevel):
            return case.escalations[-1].to_level if case.escalations else None
        if isinstance(source, EscalatedOn):
            return case.escalations[-1].escalated_on if case.escalations else None
        raise TypeError(source)  # pragma: no cover

    # --- rows of the bulk paths -----------------------------------------------------------------
    @staticmethod
    def decoders(sources: Iterable[tuple[str, Source]]) -> list[Callable[[Any], Any] | None]:
        return [decoder(source) for _, source in sources]

    # --- the stored form of extra fields ----------------------------------------------------------
    def encode_extra(self, name: str, value: Any) -> Any:
        """A typed value of an extra field → what `cases.extra` keeps (JSON: fen, strings)."""
        if value is None:
            return None
        form = STORED_FORM[self.vocabulary.fields[name].type]
        if form == "fen":
            return to_fen(value)
        if form == "decimal":
            return str(value)
        if form == "date":
            return value.isoformat()
        if form == "ids":  # nothing ticked is kept as no value: the checklist reads the same
            return [item for item in self.vocabulary.fields[name].items() if item in value] or None
        return value

    def extra_values(self, case: Case) -> dict[str, Any]:
        """The case's extra fields, typed, declared ones in the vocabulary's order; a value whose
        field fields.toml no longer declares is kept and shown as stored."""
        out: dict[str, Any] = {}
        for fdef in self.extra_fields():
            if case.extra.get(fdef.name) is not None:
                out[fdef.name] = self.read(ExtraKey(fdef.name, STORED_FORM[fdef.type]), case, None)
        for name, raw in case.extra.items():
            if name not in out and name not in self.vocabulary.fields and raw is not None:
                out[name] = raw
        return out


__all__ = ["Projection", "BUILT_IN", "PER_KIND", "MODEL_ONLY"]
