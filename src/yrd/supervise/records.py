"""What the supervision modules share: the versioned write, checks of codes and dates, audit snapshots.

Every edit of a task, project or report goes through `versioned`: one `db.write()` transaction in
which the rows are loaded and checked against the version the caller read (`Tx.load`), changed,
flushed, and only then described in the audit log (`Tx.log`). Recording the audit entries last keeps
the lock order the same in every write on PostgreSQL (rows first, then the audit lock), so two
writers wait for each other instead of deadlocking. When a concurrent writer commits between the
version check and the UPDATE, the ORM's ``version_id_col`` finds no row to update and raises
`StaleDataError`; `versioned` turns that into the same `ConflictError` as a stale version.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Final, TypeVar

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from yrd.db import Database
from yrd.db.models import AuditEntryRow
from yrd.errors import ConflictError, InputError, NotFoundError
from yrd.supervise import audit
from yrd.supervise.audit import AuditEntry, to_utc


class _Unset:
    """The marker of an argument not given (``None`` is a value: it clears a field)."""

    _instance: _Unset | None = None

    def __new__(cls) -> _Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Final = _Unset()
Row = TypeVar("Row")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def now() -> datetime:
    return datetime.now(UTC)


def iso(value: datetime | None) -> str | None:
    """An aware UTC time as ISO 8601 (SQLite gives naive times back: they are UTC)."""
    return None if value is None else to_utc(value).isoformat()


def utc(value: datetime | None) -> datetime | None:
    return None if value is None else to_utc(value)


# ------------------------------------------------------------------------------------------ checks


def check_date(value: object, what: str) -> str | None:
    """An ISO date (YYYY-MM-DD) as a string, or None.

    Raises:
        InputError: not a real date in that form.
    """
    if value is None or value == "":
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    if not isinstance(value, str) or not _ISO_DATE.match(value.strip()):
        raise InputError(f"{what} must be a date written YYYY-MM-DD, not {value!r}")
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise InputError(f"{what} {value!r} is not a real date") from None


def check_text(value: object, what: str, *, max_len: int, min_len: int = 0) -> str:
    """A stripped string of bounded length."""
    if not isinstance(value, str):
        raise InputError(f"{what} must be text, not {type(value).__name__}")
    text = value.strip()
    if len(text) < min_len:
        raise InputError(
            f"{what} must not be empty" if min_len == 1 else f"{what} needs {min_len}+ characters"
        )
    if len(text) > max_len:
        raise InputError(f"{what} is {len(text)} characters long; at most {max_len} are allowed")
    return text


def json_safe(value: Any) -> Any:
    """Dates and times as ISO strings, tuples as lists: what an audit entry can hold."""
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(v) for v in value]
    return value


def snapshot(row: object, fields: Iterable[str]) -> dict[str, Any]:
    """The public fields of a row, JSON-safe, for an audit entry's before or after."""
    return {name: json_safe(getattr(row, name)) for name in fields}


# -------------------------------------------------------------------------------------- conflicts


def _when(at: datetime) -> str:
    return (utc(at) or at).strftime("%Y-%m-%d %H:%M UTC")


def last_change(session: Session, entity: str) -> AuditEntry | None:
    """The newest audit entry of one entity."""
    found = audit.entries(session, entity=entity, limit=1)
    return found[0] if found else None


def conflict_message(session: Session, entity: str, stored: int | None, seen: int) -> str:
    """Why an edit based on version ``seen`` is refused, naming who changed the record and when."""
    label = entity.replace(":", " ", 1)
    if stored is None:
        return f"{label} no longer exists; reload the list"
    if seen > stored:
        return f"{label} is at version {stored}, not {seen}; reload it and apply your change again"
    last = last_change(session, entity)
    who = f" by {last.actor} at {_when(last.at)}" if last is not None else ""
    return (
        f"{label} was changed{who} (version {stored}) after you read version {seen}; "
        "reload it and apply your change again"
    )


@dataclass
class _Watched:
    entity: str
    model: type
    key: int | str
    seen: int


@dataclass
class Tx:
    """One versioned write in progress: its session, the rows it guards, the audit entries it owes."""

    session: Session
    actor: str
    watched: list[_Watched] = field(default_factory=list)
    pending: list[tuple[str, str, Any, Any]] = field(default_factory=list)

    def load(self, model: type[Row], key: int | str, kind: str, version: int | None = None) -> Row:
        """A row to change; with ``version``, refused unless it is still the version the caller read.

        Raises:
            NotFoundError: no such row.
            ConflictError: a different stored version.
        """
        row = self.session.get(model, key, populate_existing=True)
        entity = f"{kind}:{key}"
        if row is None:
            raise NotFoundError(f"no {kind} with id {key}")
        stored: int = row.version  # type: ignore[attr-defined]
        if version is not None:
            if isinstance(version, bool) or not isinstance(version, int):
                raise InputError(f"version must be the whole number you read, not {version!r}")
            if stored != version:
                raise ConflictError(conflict_message(self.session, entity, stored, version))
        self.watched.append(_Watched(entity, model, key, stored))
        return row

    def log(self, action: str, entity: str, before: Any, after: Any) -> None:
        """An audit entry, written after every row change of this transaction is flushed."""
        self.pending.append((action, entity, before, after))


@contextmanager
def versioned(db: Database, actor: str) -> Iterator[Tx]:
    """A write transaction whose loaded rows are guarded by their versions; see the module docstring.

    Raises:
        ConflictError: a guarded row changed between the check and the UPDATE.
    """
    tx: Tx | None = None
    try:
        with db.write() as session:
            tx = Tx(session, actor)
            yield tx
            session.flush()  # the UPDATEs (and their row locks) before the audit lock
            for action, entity, before, after in tx.pending:
                audit.record(session, actor, action, entity, before, after)
    except StaleDataError:
        raise ConflictError(_stale_message(db, tx.watched if tx else [])) from None


def _stale_message(db: Database, watched: list[_Watched]) -> str:
    with db.read() as session:
        for w in watched:
            primary_key = sa_inspect(w.model).primary_key[0]
            stored = session.scalar(select(w.model.version).where(primary_key == w.key))  # type: ignore[attr-defined]
            if stored != w.seen:
                return conflict_message(session, w.entity, stored, w.seen)
    return "the record was changed by someone else while your change was saved; reload it and try again"


def audit_rows(session: Session, entities: Iterable[str], limit: int = 500) -> list[AuditEntry]:
    """The audit entries of several entities, newest first."""
    wanted = sorted(set(entities))
    if not wanted:
        return []
    query = (
        select(AuditEntryRow)
        .where(AuditEntryRow.entity.in_(wanted))
        .order_by(AuditEntryRow.seq.desc())
        .limit(limit)
    )
    return [
        AuditEntry(
            r.seq, utc(r.at) or r.at, r.actor, r.action, r.entity, r.before, r.after, r.prev_hash, r.hash
        )
        for r in session.scalars(query)
    ]
