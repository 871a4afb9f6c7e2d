"""An append-only, hash-chained audit log of writes: who, when, what, before and after (issue 6).

Every entry carries ``prev_hash``, the previous entry's ``hash`` (64 zeros for the first), and its
own ``hash``: SHA-256 over the canonical JSON (sorted keys, no spaces, UTF-8, not ASCII-escaped) of
``{seq, at, actor, action, entity, before, after, prev_hash}``, with ``at`` as ISO 8601 in UTC with
microseconds (``2024-05-01T08:00:00.000000+00:00``). `verify` recomputes the chain in ``seq`` order
and names the first entry whose content was altered, whose link is broken or that is missing.

Concurrency: `record` reads the last entry and inserts the next one inside the caller's write
transaction, and the next ``seq`` is the last one plus one, computed under a lock, so the chain has
neither forks nor gaps:

* SQLite: `Database.write()` opens the transaction with ``BEGIN IMMEDIATE``, which takes the
  database's write lock before the read; a second writer waits (``busy_timeout``).
* PostgreSQL: ``pg_advisory_xact_lock(AUDIT_LOCK)`` before the read; it is held until the caller's
  transaction commits or rolls back. ``SELECT … FOR UPDATE`` on the last row is not used: it locks
  nothing while the table is empty, and after waiting it would still return the row it waited on,
  not the one committed meanwhile. Under READ COMMITTED (the default) the read after the lock sees
  every entry committed before. A caller in REPEATABLE READ that already read could see a stale
  last entry; its insert then fails on the primary key (no fork) and the transaction must be retried.

Call `record` in the same transaction as the write it describes, so that both commit or neither.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from yrd.db.models import AuditEntryRow

GENESIS = "0" * 64
AUDIT_LOCK = 0x79_72_64_61_75_64_69_74  # "yrdaudit": the PostgreSQL advisory lock key of appends


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: datetime  # UTC, aware
    actor: str
    action: str
    entity: str
    before: Any
    after: Any
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int  # entries checked before the first problem (all of them when ok)
    first_bad: int | None  # the seq of the first bad (or missing) entry
    reason: str


def to_utc(at: datetime) -> datetime:
    """Aware UTC; a naive time (what SQLite gives back) is taken as UTC."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _iso(at: datetime) -> str:
    return to_utc(at).isoformat(timespec="microseconds")


def canonical(
    seq: int, at: datetime, actor: str, action: str, entity: str, before: Any, after: Any, prev_hash: str
) -> bytes:
    """The bytes an entry's hash is computed over."""
    content = {
        "seq": seq,
        "at": _iso(at),
        "actor": actor,
        "action": action,
        "entity": entity,
        "before": before,
        "after": after,
        "prev_hash": prev_hash,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def entry_hash(
    seq: int, at: datetime, actor: str, action: str, entity: str, before: Any, after: Any, prev_hash: str
) -> str:
    return hashlib.sha256(canonical(seq, at, actor, action, entity, before, after, prev_hash)).hexdigest()


_COLUMNS = ("seq", "at", "actor", "action", "entity", "before", "after", "prev_hash", "hash")


def _row_hash(row: Any) -> str:
    return entry_hash(
        row.seq, row.at, row.actor, row.action, row.entity, row.before, row.after, row.prev_hash
    )


def _entry(row: AuditEntryRow) -> AuditEntry:
    return AuditEntry(row.seq, to_utc(row.at), row.actor, row.action, row.entity, row.before, row.after,
                      row.prev_hash, row.hash)  # fmt: skip


def _normalise(value: Any) -> Any:
    """What the JSON column gives back (tuples become lists, keys strings); fails early on non-JSON."""
    return None if value is None else json.loads(json.dumps(value, ensure_ascii=False))


def record(
    session: Session,
    actor: str,
    action: str,
    entity: str,
    before: Any = None,
    after: Any = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Append one entry in the caller's (write) transaction and return it.

    ``before`` and ``after`` are JSON values (``None`` when there is nothing, e.g. before a create);
    ``at`` defaults to now and is stored in UTC (a naive time is taken as UTC).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK})
    last = session.execute(
        select(AuditEntryRow.seq, AuditEntryRow.hash).order_by(AuditEntryRow.seq.desc()).limit(1)
    ).first()
    seq, prev_hash = (1, GENESIS) if last is None else (last.seq + 1, last.hash)
    when = to_utc(at or datetime.now(UTC))
    before, after = _normalise(before), _normalise(after)
    digest = entry_hash(seq, when, actor, action, entity, before, after, prev_hash)
    row = AuditEntryRow(seq=seq, at=when, actor=actor, action=action, entity=entity, before=before,
                        after=after, prev_hash=prev_hash, hash=digest)  # fmt: skip
    session.add(row)
    session.flush()
    return AuditEntry(seq, when, actor, action, entity, before, after, prev_hash, digest)


def verify(session: Session) -> VerifyResult:
    """Recompute the chain in ``seq`` order; stop at the first entry that is altered, unlinked or missing.

    A deleted entry shows as a gap in ``seq`` (the entries are numbered 1, 2, 3, … when written). The
    chain cannot tell that the newest entries were removed, nor a history rewritten as a whole with
    every hash recomputed: that needs the latest hash kept elsewhere (see docs/audit.md).
    """
    columns = [getattr(AuditEntryRow, name) for name in _COLUMNS]  # plain rows: no identity-map copies
    rows = session.execute(select(*columns).order_by(AuditEntryRow.seq).execution_options(yield_per=500))
    try:  # PostgreSQL streams through a server-side cursor: close it on an early return too
        return _check(rows)
    finally:
        rows.close()


def _check(rows: Iterable[Any]) -> VerifyResult:
    prev_hash, expected, checked = GENESIS, 1, 0
    for row in rows:
        if row.seq != expected:
            gap = f"{expected}" if row.seq == expected + 1 else f"{expected}–{row.seq - 1}"
            return VerifyResult(False, checked, expected, f"entry {gap} missing (deleted): the chain "
                                f"jumps from entry {expected - 1} to entry {row.seq}")  # fmt: skip
        if _row_hash(row) != row.hash:
            return VerifyResult(False, checked, row.seq, f"entry {row.seq}: content altered "
                                "(its stored hash does not match its content)")  # fmt: skip
        if row.prev_hash != prev_hash:
            link = "the first entry's prev_hash is not the genesis value" if row.seq == 1 else (
                f"its prev_hash does not match the hash of entry {row.seq - 1}")  # fmt: skip
            return VerifyResult(False, checked, row.seq, f"entry {row.seq}: chain broken ({link})")
        prev_hash, expected, checked = row.hash, row.seq + 1, checked + 1
    return VerifyResult(True, checked, None, f"{checked} entries, chain intact")


def entries(session: Session, entity: str | None = None, limit: int = 100) -> list[AuditEntry]:
    """The newest ``limit`` entries (of one ``entity`` if given), newest first."""
    query = select(AuditEntryRow).order_by(AuditEntryRow.seq.desc()).limit(limit)
    if entity is not None:
        query = query.where(AuditEntryRow.entity == entity)
    return [_entry(row) for row in session.execute(query).scalars()]


def entry_at(session: Session, seq: int) -> AuditEntry | None:
    """The entry numbered ``seq``, or None."""
    row = session.get(AuditEntryRow, seq)
    return None if row is None else _entry(row)
