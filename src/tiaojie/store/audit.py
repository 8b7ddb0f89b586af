"""The audit log's hash chain: canonical JSON, sha256, append under the head lock, verify.

Each row's hash covers its own content (seq, time, user, action, entity, before, after) and the
previous row's hash, so changing any row breaks its own hash and removing one breaks the next
row's link. The single ``audit_head`` row remembers the newest seq and hash, so removing the
newest rows — which leaves no broken link behind — is found too.

All of that lives in the database, so whoever can write it can also rewrite it consistently:
delete the newest rows and update the head, or recompute every hash after an edit. Two things
outside the database close that door. A published head (``N:HASH``, printed by period close,
activation and statements) pins the first N entries: the chain recomputed from the rows' content
must end in HASH. A key the county keeps outside the database (``audit_key``) signs every entry's
hash with an HMAC that a forger cannot recompute.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from ..models import AuditEntry
from .audit_key import audit_key, sign, signed_by
from .mapping import from_row, utc
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
    key = audit_key()  # before the lock: a key file that cannot be read refuses the write here
    # The migration creates the head row, so there is no first-writer race to insert it.
    head_row = session.execute(select(AuditHeadRow).where(AuditHeadRow.id == 1).with_for_update()).scalar_one()
    seq, prev = head_row.seq, head_row.hash
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
        rows.append({**fields, "hash": digest, "hmac": None if key is None else sign(key, digest)})
        prev = digest
    session.execute(insert(AuditRow), rows)
    session.execute(update(AuditHeadRow).where(AuditHeadRow.id == 1).values(seq=seq, hash=prev))
    return rows


@dataclass(frozen=True)
class Head:
    """A chain head, (count, hash): how many entries (the last one's seq) and the last entry's
    hash, GENESIS for none. Published outside the database it pins those entries; typed back in,
    `hash` may be a prefix."""

    count: int
    hash: str

    def text(self) -> str:
        return f"{self.count}:{self.hash}"

    def __iter__(self) -> Iterator[int | str]:  # `count, hash = head(session)`
        return iter((self.count, self.hash))


def head(session: Session) -> Head:
    """The chain's head as it stands: the newest entry's seq and hash."""
    row = session.execute(select(AuditRow.seq, AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)).first()
    return Head(0, GENESIS) if row is None else Head(row.seq, row.hash)


@dataclass
class ChainCheck:
    """What a walk of the chain found: problems mean tampering; notes say what was (not) checked."""

    count: int
    problems: list[Message] = field(default_factory=list)
    notes: list[Message] = field(default_factory=list)


_COLUMNS = (AuditRow.seq, AuditRow.at, AuditRow.user_name, AuditRow.action, AuditRow.entity, AuditRow.entity_id,
            AuditRow.before, AuditRow.after, AuditRow.prev_hash, AuditRow.hash, AuditRow.hmac)


def check(session: Session, *, heads: Sequence[Head] = (), key: bytes | None = None) -> ChainCheck:
    """Walk the chain once: every row against its hash and its link, the head row, each published
    head against the chain recomputed from the rows' content alone, and each HMAC under `key`."""
    result = ChainCheck(0)
    problems, notes = result.problems, result.notes
    expected_seq, prev = 1, GENESIS
    # The chain as the rows' content alone implies it, each hash linked to the one recomputed
    # before it: a forger who rewrote content and stored hashes alike cannot make it end in a
    # hash published before the rewrite.
    derived = GENESIS
    gaps: list[tuple[int, int]] = []
    pending = sorted(set(heads), key=lambda h: h.count)
    reached: dict[Head, str | None] = {}  # published head → the derived hash at its last entry
    waiting = 0
    while waiting < len(pending) and pending[waiting].count <= 0:
        reached[pending[waiting]] = GENESIS
        waiting += 1
    keyed, predate, first_keyed = 0, 0, None
    unsigned: list[int] = []
    forged: list[int] = []
    rows = session.execute(select(*_COLUMNS).order_by(AuditRow.seq).execution_options(yield_per=2000))
    for row in rows:
        result.count += 1
        if row.seq != expected_seq:
            gaps.append((expected_seq, row.seq - 1))
            problems.append(Message("audit_gap", start=expected_seq, end=row.seq - 1))
        content = dict(seq=row.seq, at=row.at, user_name=row.user_name, action=row.action, entity=row.entity,
                       entity_id=row.entity_id, before=row.before, after=row.after)
        recomputed = entry_hash(**content, prev_hash=row.prev_hash)
        if recomputed != row.hash:
            problems.append(Message("audit_changed", seq=row.seq))
        if row.prev_hash != prev:
            problems.append(Message("audit_link", seq=row.seq))
        derived = recomputed if row.prev_hash == derived else entry_hash(**content, prev_hash=derived)
        while waiting < len(pending) and pending[waiting].count <= row.seq:
            reached[pending[waiting]] = derived if pending[waiting].count == row.seq else None
            waiting += 1
        if row.hmac is not None:
            keyed += 1
            first_keyed = first_keyed or row.seq
            # over the hash recomputed from the content: the HMAC vouches for the content itself
            if key is not None and not signed_by(key, recomputed, row.hmac):
                forged.append(row.seq)
        elif first_keyed is None:
            predate += 1
        else:
            unsigned.append(row.seq)
        prev = row.hash
        expected_seq = row.seq + 1
    last_seq = expected_seq - 1

    head_row = session.get(AuditHeadRow, 1)
    head_seq, head_hash = (head_row.seq, head_row.hash) if head_row else (0, GENESIS)
    if head_seq != last_seq or head_hash != prev:
        problems.append(Message("audit_head", expected=head_seq, hash=head_hash[:12], actual=result.count))

    _check_heads(pending, reached, gaps, last_seq, problems, notes)
    if key is None:
        if keyed:
            notes.append(Message("audit_hmac_unchecked", count=keyed))
        return result
    problems.extend(Message("audit_hmac_missing", span=span) for span in _spans(unsigned))
    problems.extend(Message("audit_hmac_bad", span=span) for span in _spans(forged))
    if first_keyed is None and result.count:
        notes.append(Message("audit_hmac_none", count=result.count))
    elif predate:
        notes.append(Message("audit_hmac_predate", count=predate, first=first_keyed))
    if keyed and not forged and not unsigned:
        notes.append(Message("audit_hmac_ok", count=keyed))
    return result


def _check_heads(pending: list[Head], reached: dict[Head, str | None], gaps: list[tuple[int, int]], last_seq: int,
                 problems: list[Message], notes: list[Message]) -> None:
    """Each published head, fewest entries first: an earlier head that holds narrows down which
    entries a later one that fails can have been changed in."""
    held = 0
    for published in pending:
        shown = published.text()
        missing = [(start, min(end, published.count)) for start, end in gaps if start <= published.count]
        for start, end in missing:
            problems.append(Message("audit_anchor_missing", head=shown, span=_span(start, end)))
        if published.count > last_seq:
            problems.append(Message("audit_anchor_short", head=shown, actual=last_seq,
                                    span=_span(last_seq + 1, published.count)))
            continue
        derived = reached.get(published)
        if missing or derived is None:
            continue
        if derived.startswith(published.hash):
            notes.append(Message("audit_anchor_ok", head=shown, count=published.count))
            held = max(held, published.count)
        elif any(other.count == published.count and derived.startswith(other.hash) for other in pending):
            # another head of the same length holds: this one was never this ledger's (miscopied?)
            problems.append(Message("audit_anchor_foreign", head=shown, count=published.count))
        else:
            problems.append(Message("audit_anchor_changed", head=shown, actual=derived[:12],
                                    span=_span(held + 1, published.count)))


def _span(start: int, end: int) -> str:
    return str(start) if start == end else f"{start}–{end}"


def _spans(seqs: list[int]) -> list[str]:
    """Ascending entry numbers as runs: [3, 4, 5, 9] → ["3–5", "9"]."""
    runs: list[list[int]] = []
    for seq in seqs:
        if runs and seq == runs[-1][1] + 1:
            runs[-1][1] = seq
        else:
            runs.append([seq, seq])
    return [_span(a, b) for a, b in runs]


def verify(session: Session) -> tuple[int, list[Message]]:
    """Walk the chain, HMACs checked under the configured key; (entries seen, problems)."""
    found = check(session, key=audit_key())
    return found.count, found.problems


def recent(session: Session, limit: int) -> list[AuditEntry]:
    """The newest `limit` entries, oldest first."""
    rows = session.execute(select(AuditRow).order_by(AuditRow.seq.desc()).limit(limit)).scalars()
    return [from_row(r, AuditEntry) for r in rows][::-1]


# --- for the ledger's services, through a unit of work -------------------------------------------
class UnitOfWork(Protocol):
    """What of `uow.SqlUnitOfWork` these need (named structurally: uow imports this module)."""

    session: Session | None


def head_in(uow: UnitOfWork) -> Head:
    return head(_session(uow))


def check_in(uow: UnitOfWork, heads: Sequence[Head] = ()) -> ChainCheck:
    return check(_session(uow), heads=heads, key=audit_key())


def _session(uow: UnitOfWork) -> Session:
    if uow.session is None:
        raise RuntimeError("a unit of work is used outside its `with` block")
    return uow.session
