"""The audit log as a service: verify the chain, read recent entries."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import AuditEntry
from ..store.messages import Message
from .context import Ledger


@dataclass
class AuditReport:
    count: int
    problems: list[Message]

    @property
    def ok(self) -> bool:
        return not self.problems

    def render(self, lang: str = "zh") -> str:
        if self.ok:
            return Message("audit_ok", count=self.count).render(lang)  # type: ignore[arg-type]
        return "\n".join(p.render(lang) for p in self.problems)  # type: ignore[arg-type]


def verify(ledger: Ledger) -> AuditReport:
    with ledger.uow() as uow:
        count, problems = uow.verify_audit()
        return AuditReport(count, problems)


def recent(ledger: Ledger, limit: int = 50) -> list[AuditEntry]:
    with ledger.uow() as uow:
        return uow.audit_entries(limit)
