"""What every ledger service needs: the database, the rules in force, and who is acting."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from sqlalchemy import Engine

from ..store.db import open_database
from ..store.messages import InvalidInput, Message, did_you_mean
from ..store.uow import SqlUnitOfWork
from ..vocabulary import FieldDef, InvalidValue, Vocabulary

if TYPE_CHECKING:
    from ..rules.service import Rules


@dataclass
class Ledger:
    """The ledger's dependencies, built once and passed to every service (tests pass their own)."""

    engine: Engine
    rules: "Rules"
    today: dt.date | None = None  # fixed in tests and the demo; None means the real date
    _vocab: Vocabulary | None = field(default=None, repr=False)

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine)

    def date(self) -> dt.date:
        return self.today or dt.date.today()

    @property
    def vocabulary(self) -> Vocabulary:
        return self.rules.book.vocabulary

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
        try:
            return self.field(field_name).coerce(value)
        except InvalidValue as err:
            raise InvalidInput("value_invalid", detail=err.detail) from None  # the detail names the field

    def label(self, field_name: str, value: object, lang: str = "zh") -> str:
        return self.field(field_name).show(value, lang)  # type: ignore[arg-type]

    def reward_policies(self) -> list[str]:
        return [pid for pid in self.rules.book.ids() if self.rules.book.versions(pid)[-1].kind == "reward"]

    def escalation_policies(self) -> list[str]:
        return [pid for pid in self.rules.book.ids() if self.rules.book.versions(pid)[-1].kind == "escalation"]

    def banquet_policies(self) -> list[str]:
        return [pid for pid in self.rules.book.ids() if self.rules.book.versions(pid)[-1].kind == "banquet"]

    def close(self) -> None:
        self.engine.dispose()


def open_ledger(
    db_url: str | None = None,
    rules_dir: Path | str | None = None,
    *,
    today: dt.date | None = None,
    load_rules: "Callable[[Path], Rules] | None" = None,
) -> Ledger:
    """The ledger at `db_url` with the rules of `rules_dir`, else the set in force in it.
    `load_rules` opens a directory of rules (default `open_rules`); a caller that already holds
    the set it expects passes one that returns it for that directory."""
    from ..rules.service import open_rules
    from .policy_changes import keep_rules, rules_in_force_dir

    engine = open_database(db_url)
    directory = Path(rules_dir) if rules_dir is not None else rules_in_force_dir(engine)
    ledger = Ledger(engine=engine, rules=(load_rules or open_rules)(directory), today=today)
    keep_rules(ledger, directory)  # outcomes computed now stay explainable after later changes
    return ledger


__all__ = ["Ledger", "open_ledger", "Message", "did_you_mean"]
