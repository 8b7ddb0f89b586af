"""Activated rule sets (append-only) and every rule file kept by content hash."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from .repository import Repo, insert_ignoring_duplicates
from .schema import (
    PolicyFileRow,
    RuleSetRow,
)


class RuleSetRepository(Repo):
    """Activated rule sets (append-only) and every rule file kept by content hash."""

    def keep_files(self, files: Sequence[dict[str, Any]]) -> int:
        """Store files not yet kept; returns how many were new. A hash names its content, so an
        existing row never needs updating."""
        hashes = [f["hash"] for f in files]
        known = set(self.session.execute(select(PolicyFileRow.hash).where(PolicyFileRow.hash.in_(hashes))).scalars())
        fresh = [{**f, "first_seen": dt.datetime.now(dt.timezone.utc)} for f in files if f["hash"] not in known]
        # two writers keeping the same new file at once: the database keeps one, neither fails
        return insert_ignoring_duplicates(self.session, PolicyFileRow, fresh, ["hash"])

    def file(self, content_hash: str) -> PolicyFileRow | None:
        return self.session.get(PolicyFileRow, content_hash)

    def versions_of(self, policy_id: str) -> list[PolicyFileRow]:
        return list(self.session.execute(
            select(PolicyFileRow).where(PolicyFileRow.policy_id == policy_id).order_by(PolicyFileRow.first_seen)
        ).scalars())

    def add(self, *, by: str, source: str, files: dict[str, str], impact: dict[str, Any], warnings: list[str]) -> int:
        row = RuleSetRow(activated_by=by, source=source, files=files, impact=impact, accepted_warnings=warnings,
                         activated_at=dt.datetime.now(dt.timezone.utc))
        self.session.add(row)
        self.session.flush()
        return row.id

    def latest(self) -> RuleSetRow | None:
        return self.session.execute(select(RuleSetRow).order_by(RuleSetRow.id.desc()).limit(1)).scalar_one_or_none()

    def list(self) -> list[RuleSetRow]:
        return list(self.session.execute(select(RuleSetRow).order_by(RuleSetRow.id)).scalars())
