"""What every ledger service needs: the database, the rules in force, and who is acting."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from ..store.messages import Message, did_you_mean
from ..store.uow import SqlUnitOfWork
from ..vocabulary import FieldDef, InvalidValue, Vocabulary
from .errors import InvalidInput

if TYPE_CHECKING:
    from ..rules.service import Rules
    from .projection import Projection


@dataclass
class Ledger:
    """The ledger's dependencies, built once and passed to every service (tests pass their own)."""

    engine: Engine
    rules: "Rules"
    today: dt.date | None = None  # fixed in tests and the demo; None means the real date
    _projection: "Projection | None" = field(default=None, repr=False)
    _files: "tuple[Rules, list[dict]] | None" = field(default=None, repr=False)

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine)

    def date(self) -> dt.date:
        return self.today or dt.date.today()

    @property
    def vocabulary(self) -> Vocabulary:
        return self.rules.book.vocabulary

    @property
    def projection(self) -> "Projection":
        """How a stored case becomes each policy's input, for the vocabulary of the rules in force
        (rebuilt when the rules are swapped for a set with another vocabulary)."""
        from .projection import Projection

        kept = self._projection
        if kept is None or kept.vocabulary is not self.vocabulary:
            kept = self._projection = Projection(self.vocabulary)
        return kept

    def field(self, name: str) -> FieldDef:
        fdef = self.vocabulary.fields.get(name)
        if fdef is None:
            raise InvalidInput("vocab_missing", enum=name)
        return fdef

    def enum_ids(self, field_name: str) -> list[str]:
        fdef = self.field(field_name)
        return list(fdef.enum_def.labels) if fdef.enum_def else []

    def coerce(self, field_name: str, value: object):
        """A user's value for a vocabulary field (id or Chinese label) → its typed value."""
        fdef = self.field(field_name)
        try:
            return fdef.coerce(value)
        except InvalidValue as err:
            raise InvalidInput("value_invalid", detail=_titled(err.detail, fdef)) from None

    def label(self, field_name: str, value: object, lang: str = "zh") -> str:
        return self.field(field_name).show(value, lang)  # type: ignore[arg-type]

    def keep_rules_in(self, uow: SqlUnitOfWork) -> None:
        """Keep the files of the rules in force in the ledger, within a write that stores what they
        decided (outcomes, payouts, filings, dividend runs), so it stays explainable after later
        changes. Only writes keep files: opening the ledger, or a refused command, writes nothing."""
        uow.rule_sets.keep_files(self.rule_files())

    def rule_files(self) -> list[dict]:
        """The files of the rules in force as read when they were opened (or first asked for):
        kept by content hash, so a file edited on disk since is never passed off as the one that
        decided."""
        from pathlib import Path

        from .rule_cache import rule_files

        kept = self._files
        if kept is None or kept[0] is not self.rules:
            kept = self._files = (self.rules, rule_files(Path(self.rules.book.directory)))
        return kept[1]

    def open_statuses(self) -> tuple[str, ...]:
        """The statuses of a case still being handled: every status the escalation policy in
        force does not call closed (fields.toml and the rule files decide, not the code)."""
        closed: set[str] = set()
        for policy_id in self.escalation_policies():
            section = self.rules.book.versions(policy_id)[-1].escalation
            if section is not None:
                closed |= set(section.closed_statuses)
        if not closed:
            closed = {"settled", "failed", "withdrawn"}
        return tuple(s for s in self.enum_ids("status") if s not in closed)

    def reward_policies(self) -> list[str]:
        return [pid for pid in self.rules.book.ids() if self.rules.book.versions(pid)[-1].kind == "reward"]

    def escalation_policies(self) -> list[str]:
        return [pid for pid in self.rules.book.ids() if self.rules.book.versions(pid)[-1].kind == "escalation"]

    def banquet_policies(self) -> list[str]:
        return [pid for pid in self.rules.book.ids() if self.rules.book.versions(pid)[-1].kind == "banquet"]

    def close(self) -> None:
        self.engine.dispose()


def _titled(detail: object, fdef: FieldDef) -> object:
    """The vocabulary's message about a value, naming the field by its title, not its id."""
    from ..i18n import Localized

    if not isinstance(detail, Localized):
        return detail
    title = Localized("label", zh=fdef.title, en=fdef.title_en or fdef.name)
    params = {k: (title if k in ("field", "key") and v == fdef.name else v) for k, v in detail.params.items()}
    return Localized(detail.key, **params)


__all__ = ["Ledger", "Message", "did_you_mean"]
