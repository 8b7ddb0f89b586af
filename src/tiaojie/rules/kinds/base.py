"""A policy kind as one strategy: what a rule file of the kind may hold and how it is checked, how a
case is read and the engine asked, what the matched rows decide and how that is shown, and what
lint looks for. Each kind is a subclass in a module of its own; `KINDS` lists them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal, Mapping

from ...vocabulary import FieldDef, Vocabulary
from ..errors import Loc
from ..outcome import Outcome
from ..policy import CompiledRow, Policy
from ..reader import FileReader
from ..schema import OutputDef, PolicyFile, Row
from ..scope import FieldScope

Shadowing = Literal["first", "per_output"]


@dataclass
class Decision:
    """Everything a kind needs to turn matched rows into an outcome."""

    policy: Policy
    typed: dict[str, Any]  # the case's typed values by field name
    matched: list[CompiledRow]  # rows whose conditions hold, in salience order
    as_of: dt.date
    on: dt.date  # the date that picked the version
    context: dict[str, Any] = field(default_factory=dict)  # kind-specific prepared input
    # False when `matched` holds only the first matching row (the engine was asked for the first
    # hit only): the rows after it may hold too.
    all_matched: bool = True


class PolicyKind:
    """The defaults every kind starts from; a kind overrides what it does differently."""

    name: str = ""

    # --- the rule file -------------------------------------------------------------------------
    section: str | None = None  # the file section this kind needs (and no other kind may have)
    also_sections: tuple[str, ...] = ()  # further sections it needs, likewise its own (checked with `section`)
    caps: bool = False  # whether `[[cap]]` ceilings apply
    declares_outputs: bool = False  # whether the file declares its outputs under `[outputs]`
    outputs: Mapping[str, OutputDef] = {}  # the outputs its rows set without declaring them
    fields: Mapping[str, FieldDef] = {}  # the fields it reads besides the vocabulary's
    date_field: str | None = None  # the field whose date picks the version, unless the file says
    required_inputs: tuple[str, ...] = ()  # fields it reads whatever the rows say
    non_negative_money: bool = False  # whether a money output may not be negative
    takes_hit: bool = False  # whether the header's `hit` (first | unique | collect-sum) decides
    example_keys: frozenset[str] = frozenset({"fired"})  # what an example may expect besides outputs
    given_keys: frozenset[str] = frozenset()  # what an example may give besides the fields

    def sections(self) -> tuple[str, ...]:
        """Every file section that belongs to this kind alone."""
        return ((self.section,) if self.section else ()) + self.also_sections

    def output_defs(self, spec: PolicyFile, reader: FileReader, vocab: Vocabulary) -> dict[str, OutputDef]:
        """The outputs the file's rows and default may set."""
        return dict(self.outputs)

    def check_row(self, row: Row, loc: Loc, scope: FieldScope) -> None:
        """What a row of this kind may hold besides its conditions and outputs."""
        if row.message:
            scope.reader.error(loc + ("message",), "kind_forbids", key="message", kind=self.name)

    def check_section(self, spec: PolicyFile, reader: FileReader, vocab: Vocabulary) -> None:
        """The checks of this kind's own `section`, run whenever a file has one."""

    def decides_without_rows(self, policy: Policy) -> bool:
        """Whether a policy of this kind with no `[[rule]]` still decides something (its
        `[default]`, its own section); one that does not is an error."""
        return False

    # --- evaluation ------------------------------------------------------------------------------
    def refuse_cases(self, policy: Policy) -> None:
        """Raise EvaluationError, said for policy staff, when this kind decides no case (a review
        chain): checked before a case is read, so a batch is refused whole."""
    # True when a case is a document the kind reads itself (`prepare`), not a flat projection of
    # fields: such cases are evaluated one by one, never from a batch's caches.
    reads_own_input: bool = False
    # True when `decide` reads the date that picked the version (deadlines run from it).
    decides_by_date: bool = False

    def prepare(self, policy: Policy, case: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """For a kind that `reads_own_input`: (typed values the conditions read, the context
        `decide` reads); raises EvaluationError."""
        raise NotImplementedError(self.name)

    def first_hit_only(self, policy: Policy) -> bool:
        """Whether only the first matching row decides (so the engine is asked for that one)."""
        return False

    def decide(self, d: Decision) -> Outcome:
        raise NotImplementedError(self.name)

    # --- lint ------------------------------------------------------------------------------------
    def shadowing(self, policy: Policy) -> Shadowing | None:
        """How a row can be shadowed by earlier ones: the first match wins, or each output comes
        from the first row that sets it; None when every matching row counts."""
        return "first" if self.first_hit_only(policy) else None

    def overlaps_matter(self, policy: Policy) -> bool:
        """Whether two rows holding for one case is an error: a `unique` policy, of any kind that
        takes `hit`."""
        return self.takes_hit and policy.header.hit == "unique"

    def gaps_matter(self, policy: Policy) -> bool:
        """Whether a case no row holds for is a gap (a table without a default)."""
        return False
