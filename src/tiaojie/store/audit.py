"""The audit log's hash chain: canonical JSON, sha256, append under the head lock, verify.

Each row's hash covers its own content (seq, time, user, action, entity, before, after) and the
previous row's hash, so changing any row breaks its own hash and removing one breaks the next
row's link. The single ``audit_head`` row remembers the newest seq and hash, so removing the
newest rows — which leaves no broken link behind — is found too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from ..models import AuditEntry
from .mapping import utc
from .messages import Message
from .schema import AuditHeadRow, AuditRow

GENESIS = "0" * 64


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return utc(value).isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"not JSON: {value!r}")


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_default)


def plain(value: Any) -> Any:
    """A value as it will read back from a JSON column: so the hash written equals the hash read."""
    return None if value is None else json.loads(canonical_json(value))


def entry_hash(
    *,
    seq: int,
    at: dt.datetime,
    user_name: str,
    action: str,
    entity: str,
    entity_id: str | None,
    before: Any,
    after: Any,
    prev_hash: str,
) -> str:
    body = canonical_json(
        {
            "seq": seq,
            # microseconds, UTC: what both databases hand back unchanged
            "at": utc(at).isoformat(timespec="microseconds"),
            "user": user_name,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "before": before,
            "after": after,
        }
    )
    return hashlib.sha256((body + prev_hash).encode("utf-8")).hexdigest()


def append(session: Session, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Append entries in order. Locks the head row until the transaction ends."""
    if not entries:
        return []
    # The migration creates the head row, so there is no first-writer race to insert it.
    head = session.execute(select(AuditHeadRow).where(AuditHeadRow.id == 1).with_for_update()).scalar_one()
    seq, prev = head.seq, head.hash
    # Whole-second-and-microsecond UTC, no more precision than the column keeps.
    now = utc(dt.datetime.now(dt.timezone.utc))
    rows = []
    for entry in entries:
        seq += 1
        fields = dict(
            seq=seq,
            at=now,
            user_name=entry["user_name"],
            action=entry["action"],
            entity=entry["entity"],
            entity_id=None if entry.get("entity_id") is None else str(entry["entity_id"]),
            before=plain(entry.get("before")),
            after=plain(entry.get("after")),
            prev_hash=prev,
        )
        digest = entry_hash(**fields)
        rows.append({**fields, "hash": digest})
        prev = digest
    session.execute(insert(AuditRow), rows)
    session.execute(update(AuditHeadRow).where(AuditHeadRow.id == 1).values(seq=seq, hash=prev))
    return rows


def verify(session: Session) -> tuple[int, list[Message]]:
    """Walk the chain; returns (entries seen, problems). No problems means intact."""
    problems: list[Message] = []
    expected_seq, prev = 1, GENESIS
    count = 0
    for row in session.execute(select(AuditRow).order_by(AuditRow.seq)).scalars():
        count += 1
        if row.seq != expected_seq:
            problems.append(Message("audit_gap", start=expected_seq, end=row.seq - 1))
        recomputed = entry_hash(
            seq=row.seq,
            at=row.at,
            user_name=row.user_name,
            action=row.action,
            entity=row.entity,
            entity_id=row.entity_id,
            before=row.before,
            after=row.after,
            prev_hash=row.prev_hash,
        )
        if recomputed != row.hash:
            problems.append(Message("audit_changed", seq=row.seq))
        if row.prev_hash != prev:
            problems.append(Message("audit_link", seq=row.seq))
        prev = row.hash
        expected_seq = row.seq + 1
    head = session.get(AuditHeadRow, 1)
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if head_seq != expected_seq - 1 or head_hash != prev:
        problems.append(Message("audit_head", expected=head_seq, hash=head_hash[:12], actual=count))
    return count, problems



def recent(session: Session, limit: int) -> list[AuditEntry]:
    """The newest `limit` entries, oldest first."""
    from sqlalchemy import select

    from .mapping import from_row
    from .schema import AuditRow

    rows = session.execute(select(AuditRow).order_by(AuditRow.seq.desc()).limit(limit)).scalars()
    return [from_row(r, AuditEntry) for r in rows][::-1]
