"""What every ledger service needs: the database, the rules in force, and who is acting."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from ..store.messages import LedgerError, Message, did_you_mean
from ..store.uow import SqlUnitOfWork
from ..vocabulary import FieldDef, InvalidValue, Vocabulary
from .errors import InvalidInput

if TYPE_CHECKING:
    from ..rules.service import Rules
    from .projection import Projection


class RulesNotActivated(LedgerError):
    """A write through rules that are not the ledger's activated set: a draft, a ledger with no
    activated set, or files that changed since they were activated."""


@dataclass
class Ledger:
    """The ledger's dependencies, built once and passed to every service (tests pass their own)."""

    engine: Engine
    rules: "Rules"
    today: dt.date | None = None  # fixed in tests and the demo; None means the real date
    # A what-if ledger: opened on rules that are not its activated set (`--rules DIR`, a reloaded
    # draft, or a ledger that has none activated yet). It reads and never writes.
    draft: Path | None = None
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
        """Refuse, within a write that stores what the rules decide, unless the rules in memory
        are the ledger's activated set, file for file: every write calls this, so no draft,
        unactivated set or file edited on disk since activation ever decides a stored figure.
        The activated files are already kept (activation keeps them); only the check is left."""
        latest = uow.rule_sets.latest()
        if latest is None:
            raise RulesNotActivated("rules_none_activated", dir=str(self.rules.book.directory))
        if self.draft is not None:
            raise RulesNotActivated("rules_draft_write", draft=str(self.draft))
        activated = set(latest.files.values())
        differing = sorted({f["filename"] for f in self.rule_files() if f["hash"] not in activated}
                           | {name for name, h in latest.files.items() if h not in self.rule_hashes()}
                           | {Path(p.path).name for p in self.rules.book.all() if p.hash not in activated})
        if differing:
            raise RulesNotActivated("rules_not_activated_files", id=latest.id, files="、".join(differing),
                                    dir=str(self.rules.book.directory))

    def what_if(self) -> bool:
        """Opened on draft rules beside an activated set: figures may be shown, never stored. (A
        ledger with no activated set is not a what-if: it is refused until one is activated.)"""
        if self.draft is None:
            return False
        with self.uow() as uow:
            return uow.rule_sets.latest() is not None

    def activated_set(self) -> tuple[int, str] | None:
        """(id, source) of the rule set activated last — the one that decides stored figures — or
        None before any activation."""
        with self.uow() as uow:
            latest = uow.rule_sets.latest()
            return None if latest is None else (latest.id, latest.source)

    def is_activated_set(self) -> bool:
        """Whether the rules in memory are the ledger's activated set, file for file."""
        with self.uow() as uow:
            latest = uow.rule_sets.latest()
            return latest is not None and set(latest.files.values()) == self.rule_hashes()

    def rule_hashes(self) -> set[str]:
        return {f["hash"] for f in self.rule_files()}

    def rule_files(self) -> list[dict]:
        """The files of the rules in force as read when they were opened (or first asked for):
        kept by content hash, so a file edited on disk since is never passed off as the one that
        decided."""
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


__all__ = ["Ledger", "Message", "RulesNotActivated", "did_you_mean"]
