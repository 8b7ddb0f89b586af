"""The fields one policy file may read, and those it does.

A policy may read the vocabulary's fields, its kind's own (a dividend's `year`, `gross` …) and the
fields its file declares under `[fields]`; when its header lists `inputs`, only those. What it reads
is what its rows, formulas and version-picking date name — or, with `inputs`, exactly those — and,
for a derived field, the inputs of its formula.
"""

from __future__ import annotations

from typing import Iterable, Mapping

from ..i18n import did_you_mean
from ..vocabulary import RESERVED_FIELDS, FieldDef, Vocabulary
from .derived import with_inputs
from .errors import Loc
from .reader import FileReader
from .schema import PolicyFile


class FieldScope:
    """Resolves the names a policy file uses, reports the ones it may not use, and keeps the ones
    it reads (`used`)."""

    def __init__(self, reader: FileReader, available: dict[str, FieldDef], declared: list[str] | None,
                 used: Iterable[str] = ()):
        self.reader = reader
        self.available = available  # every field the file may name, by name
        self.declared = declared  # the header's `inputs`, when it lists them
        self.used: set[str] = set(used)

    @classmethod
    def read(cls, spec: PolicyFile, reader: FileReader, vocab: Vocabulary, own_fields: Mapping[str, FieldDef],
             required: Iterable[str]) -> FieldScope:
        """The scope of one file: the vocabulary, the kind's `own_fields`, then the file's
        `[fields]` (each checked); the header's `inputs` checked against them. The kind's
        `required` inputs are read whatever the rows say."""
        available: dict[str, FieldDef] = dict(vocab.fields)
        for name, own in own_fields.items():
            available[name] = own.model_copy()
        for name, fdef in spec.fields.items():
            if name in RESERVED_FIELDS:
                reader.error(("fields", name), "reserved_field", field=name)
                continue
            fdef = fdef.model_copy()
            fdef.name = name
            if fdef.formula is not None:
                reader.error(("fields", name, "formula"), "derived_local", field=name)
                continue
            if fdef.type == "enum":
                if fdef.enum not in vocab.enums:
                    reader.error(("fields", name, "enum"), "unknown_enum", field=name, enum=fdef.enum)
                    continue
                fdef.enum_def = vocab.enums[fdef.enum]
            available[name] = fdef
        declared = spec.policy.inputs
        if declared is not None:
            for i, name in enumerate(declared):
                if name not in available:
                    reader.error(("policy", "inputs", i), "unknown_field", field=name, hint=did_you_mean(name, available))
        return cls(reader, available, declared, required)

    def resolve(self, name: str) -> FieldDef | None:
        """The field a name stands for, if the policy may read it."""
        if self.declared is not None and name not in self.declared:
            return None
        return self.available.get(name)

    def known(self) -> list[str]:
        """The names the policy may read, for 'did you mean'."""
        return list(self.declared) if self.declared is not None else list(self.available)

    def missing(self, loc: Loc, name: str) -> None:
        """Report a name the policy may not read: left out of its `inputs`, or unknown."""
        if self.declared is not None and name in self.available:
            self.reader.error(loc, "undeclared_input", field=name)
        else:
            self.reader.error(loc, "unknown_field", field=name, hint=did_you_mean(name, self.known()))

    def reads(self) -> dict[str, FieldDef]:
        """The fields the policy reads, by name: its `inputs` in their order (then the inputs of
        their formulas), else the used fields and their formulas' inputs in vocabulary order."""
        available = self.available
        if self.declared is not None:
            reads = [n for n in self.declared if n in available]
        else:
            reads = [n for n in available if n in self.used]
        # A derived field is computed from its formula's inputs: the policy reads those too.
        closure = with_inputs(reads, available)
        if self.declared is None:
            reads = [n for n in available if n in closure]  # vocabulary order
        else:
            reads += [n for n in available if n in closure and n not in reads]
        return {name: available[name] for name in reads}
