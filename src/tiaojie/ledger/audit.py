"""The audit log as a service: verify the chain (against published heads, with the county's key),
read recent entries, and the chain head in the one text form every command prints.

A head is ``N:HASH`` — the number of entries and the full hash of the last one. Period close,
rule activation and statements print or carry it; kept outside the database (on paper, in an
e-mail, in the exported statement) it lets ``tiaojie audit verify --head N:HASH`` prove that the
first N entries were not rewritten since, which the chain alone cannot.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..i18n import Lang
from ..models import AuditEntry
from ..store import audit as audit_chain
from ..store.audit import Head
from ..store.messages import Message
from .context import Ledger
from .errors import InvalidInput

__all__ = ["AuditReport", "Head", "head", "head_line", "parse_head", "recent", "verify"]

MIN_PREFIX = 12  # hex digits of a head's hash a person must type back: 48 bits, not guessable
_HEAD = re.compile(r"^(\d+):([0-9a-f]{%d,64})$" % MIN_PREFIX)


@dataclass
class AuditReport:
    count: int
    problems: list[Message]
    notes: list[Message] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def render(self, lang: str = "zh") -> str:
        lines = [Message("audit_ok", count=self.count)] if self.ok else list(self.problems)
        return "\n".join(m.render(lang) for m in [*lines, *self.notes])  # type: ignore[arg-type]


def verify(ledger: Ledger, heads: Sequence[Head] = ()) -> AuditReport:
    """The chain, its head row, each published head, and the HMACs when a key is set."""
    with ledger.uow() as uow:
        found = audit_chain.check_in(uow, heads)
    # Whoever can write the database can make the chain agree with itself; only a head kept
    # outside it proves more, and the report says so rather than let "intact" imply it.
    notes = found.notes if heads else [*found.notes, Message("audit_no_anchor")]
    return AuditReport(found.count, found.problems, notes)


def head(ledger: Ledger) -> Head:
    with ledger.uow() as uow:
        return audit_chain.head_in(uow)


def head_line(ledger: Ledger, lang: Lang = "zh") -> str:
    """'审计链头 N:HASH（…）': what a close, an activation or the TUI shows after the write."""
    return Message("audit_head_now", head=head(ledger).text()).render(lang)


def parse_head(text: str) -> Head:
    """``N:HASH`` as typed back from a printout; the hash may be cut to its first 12 digits."""
    match = _HEAD.match(text.strip().lower())
    if match is None:
        raise InvalidInput("audit_head_bad", text=text, example="57:3f9a0c1d2e4b")
    return Head(int(match.group(1)), match.group(2))


def recent(ledger: Ledger, limit: int = 50) -> list[AuditEntry]:
    with ledger.uow() as uow:
        return uow.audit_entries(limit)
