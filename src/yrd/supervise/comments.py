"""Public comments on a unit of a plan, a target, a task or a project, and their moderation (issue 6).

Anyone may comment, anonymous visitors too; a comment waits as ``pending`` until a coordinator
publishes or rejects it, except that a moderator's own comments are published at once. Text is kept
exactly as typed (after trimming and turning CR LF into LF): escaping it is the renderer's job, so the
same text serves HTML pages, JSON and exports. Each client (a keyed hash of its address, made by the
caller) may post `RATE_LIMITS` comments per window; the client hash is stored for that check only and
never shown, not even in the audit log.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from yrd.db import Database
from yrd.db.models import CommentRow, ExtractedRow, ProjectRow, TaskRow, UnitRow, UserRow
from yrd.errors import ConflictError, InputError, NotFoundError, ThrottledError
from yrd.supervise import audit
from yrd.supervise.audit import to_utc
from yrd.supervise.roles import Principal

SUBJECT_KINDS = ("unit", "target", "project", "task")
STATUSES = ("pending", "published", "rejected")
# What each moderation decision sets the status to.
DECISIONS: dict[str, str] = {"publish": "published", "reject": "rejected"}
TEXT_MAX = 2000
NAME_MAX = 60
NOTE_MAX = 1000
CLIENT_MAX = 64  # the width of the column: a SHA-256 in hex
QUEUE_MAX = 500
# At most this many comments from one client in each sliding window, checked in this order.
RATE_LIMITS: tuple[tuple[timedelta, int], ...] = ((timedelta(minutes=10), 5), (timedelta(days=1), 30))
# The PostgreSQL advisory lock namespace of the rate check ("yrdcmnt"): two posts from one client
# queue, so both cannot pass a check that only one of them should.
_RATE_LOCK = 0x79_72_64_63_6D_6E_74


@dataclass(frozen=True)
class Comment:
    id: int
    subject_kind: str
    subject_id: str
    plan_id: str | None
    author_name: str
    user_id: int | None
    text: str
    status: str
    created_at: datetime  # UTC, aware
    moderator_id: int | None
    moderated_at: datetime | None
    moderation_note: str
    version: int

    def public(self) -> dict[str, Any]:
        """Every field but the client hash: what the audit log and moderators see."""
        return {
            "id": self.id,
            "subject_kind": self.subject_kind,
            "subject_id": self.subject_id,
            "plan_id": self.plan_id,
            "author_name": self.author_name,
            "user_id": self.user_id,
            "text": self.text,
            "status": self.status,
            "created_at": _iso(self.created_at),
            "moderator_id": self.moderator_id,
            "moderated_at": _iso(self.moderated_at),
            "moderation_note": self.moderation_note,
            "version": self.version,
        }


def _iso(at: datetime | None) -> str | None:
    return None if at is None else to_utc(at).isoformat(timespec="seconds")


def _comment(row: CommentRow) -> Comment:
    return Comment(
        id=row.id,
        subject_kind=row.subject_kind,
        subject_id=row.subject_id,
        plan_id=row.plan_id,
        author_name=row.author_name,
        user_id=row.user_id,
        text=row.text,
        status=row.status,
        created_at=to_utc(row.created_at),
        moderator_id=row.moderator_id,
        moderated_at=None if row.moderated_at is None else to_utc(row.moderated_at),
        moderation_note=row.moderation_note,
        version=row.version,
    )


# ------------------------------------------------------------------------------------------- checks


def clean_text(value: str, field: str, maximum: int, *, required: bool = False) -> str:
    """Trimmed text with CR LF and lone CR made LF; InputError naming the field when it is empty (if
    required), too long, or holds a control character other than newline and tab."""
    value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if required and not value:
        raise InputError(f"{field}: write something (1 to {maximum} characters)")
    if len(value) > maximum:
        raise InputError(f"{field}: at most {maximum} characters (got {len(value)})")
    for index, char in enumerate(value):
        if char not in "\n\t" and unicodedata.category(char) in ("Cc", "Cs"):
            raise InputError(
                f"{field}: control character U+{ord(char):04X} at position {index + 1} is not allowed "
                "(only line breaks and tabs are)"
            )
    return value


def _subject(session: Session, kind: str, subject_id: str, plan_id: str | None) -> tuple[str, str | None]:
    """The subject's canonical id and plan; NotFoundError naming it when it does not exist."""
    if kind not in SUBJECT_KINDS:
        raise InputError(f"subject_kind: {kind!r} is not one of {', '.join(SUBJECT_KINDS)}")
    subject_id = subject_id.strip()
    if not subject_id:
        raise InputError("subject_id: name the unit, target, task or project commented on")
    if kind == "unit":
        if not plan_id:
            raise InputError("plan_id: a comment on a unit needs the plan it belongs to")
        if session.get(UnitRow, (plan_id, subject_id)) is None:
            raise NotFoundError(f"plan {plan_id!r} has no unit {subject_id!r}")
        return subject_id, plan_id
    if kind == "target":
        query = select(ExtractedRow.plan_id).where(
            ExtractedRow.kind == "target", ExtractedRow.id == subject_id
        )
        if plan_id:
            query = query.where(ExtractedRow.plan_id == plan_id)
        plans = sorted(session.scalars(query))
        if not plans:
            where = f" in plan {plan_id!r}" if plan_id else ""
            raise NotFoundError(f"no target {subject_id!r}{where}")
        if len(plans) > 1:
            raise InputError(f"plan_id: the target {subject_id!r} is in several plans ({', '.join(plans)})")
        return subject_id, plans[0]
    try:
        number = int(subject_id)
    except ValueError:
        raise InputError(f"subject_id: a {kind} is named by its number, not {subject_id!r}") from None
    # a number beyond the database's integers names nothing (and must not reach the driver)
    row = session.get(ProjectRow if kind == "project" else TaskRow, number) if 0 < number < 2**31 else None
    if row is None or (plan_id and row.plan_id != plan_id):
        where = f" in plan {plan_id!r}" if plan_id else ""
        raise NotFoundError(f"no {kind} {number}{where}")
    return str(number), row.plan_id


def _wait(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} seconds"
    if seconds < 2 * 3600:
        return f"{math.ceil(seconds / 60)} minutes"
    return f"{math.ceil(seconds / 3600)} hours"


def _window(window: timedelta) -> str:
    return f"{window.days * 24} hours" if window.days else f"{int(window.total_seconds() // 60)} minutes"


def limits_text() -> str:
    """The rate limits in words, for messages and documentation: "at most 5 in 10 minutes and …"."""
    return "at most " + " and ".join(f"{limit} in {_window(window)}" for window, limit in RATE_LIMITS)


def _throttle(session: Session, client: str, now: datetime) -> None:
    """ThrottledError when the client has used up a window's allowance; says when it may post again."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:ns, hashtext(:client))"),
                        {"ns": _RATE_LOCK & 0x7FFFFFFF, "client": client})  # fmt: skip
    for window, limit in RATE_LIMITS:
        recent = session.scalars(
            select(CommentRow.created_at)
            .where(CommentRow.client == client, CommentRow.created_at > now - window)
            .order_by(CommentRow.created_at.desc())
            .limit(limit)
        ).all()
        if len(recent) >= limit:
            # Posting is possible again once the oldest of the newest `limit` leaves the window.
            retry = max(1, math.ceil((to_utc(recent[-1]) + window - now).total_seconds()))
            raise ThrottledError(
                f"too many comments from your address: at most {limit} in {_window(window)}; "
                f"try again in {_wait(retry)}",
                retry,
            )


# ------------------------------------------------------------------------------------------- writes


def post_comment(
    db: Database,
    actor: Principal,
    *,
    subject_kind: str,
    subject_id: str,
    plan_id: str | None = None,
    text: str,
    author_name: str = "",
    client: str,
    now: datetime | None = None,
) -> Comment:
    """Store a comment: pending until moderated, published at once when a moderator writes it.

    ``client`` is the caller's key for rate limits (the web app's keyed hash of the address), stored
    as given. A logged-in author who gives no name is shown under their account's name.
    """
    actor.require("comment:post")
    body = clean_text(text, "text", TEXT_MAX, required=True)
    name = clean_text(author_name, "author_name", NAME_MAX)
    if actor.authenticated and not name:
        name = (actor.display_name or actor.username)[:NAME_MAX]
    if not client or len(client) > CLIENT_MAX:
        raise ValueError(f"client: a key of 1 to {CLIENT_MAX} characters is needed (got {len(client)})")
    now = to_utc(now or datetime.now(UTC))
    moderator = actor.can("comment:moderate")
    with db.write() as session:
        subject_id, plan_id = _subject(session, subject_kind, subject_id, plan_id or None)
        _throttle(session, client, now)
        row = CommentRow(
            subject_kind=subject_kind,
            subject_id=subject_id,
            plan_id=plan_id,
            author_name=name,
            user_id=actor.user_id,
            text=body,
            status="published" if moderator else "pending",
            client=client,
            created_at=now,
            moderator_id=actor.user_id if moderator else None,
            moderated_at=now if moderator else None,
            moderation_note="",
        )
        session.add(row)
        session.flush()
        comment = _comment(row)
        audit.record(session, actor.username, "comment.post", f"comment:{row.id}", None, comment.public(),
                     at=now)  # fmt: skip
    return comment


def _changed_by(session: Session, row: CommentRow, seen: int) -> str:
    """Why a moderation with a stale version is refused: who changed the comment and when."""
    who = ""
    if row.moderator_id is not None:
        name = session.scalar(select(UserRow.username).where(UserRow.id == row.moderator_id))
        who = f" by {name}" if name else ""
    when = f" at {to_utc(row.moderated_at):%Y-%m-%d %H:%M} UTC" if row.moderated_at else ""
    return (
        f"comment {row.id} was changed{who}{when} since you read it (you had version {seen}, it is now "
        f"version {row.version} and {row.status}): reload it and decide again"
    )


def moderate(
    db: Database,
    actor: Principal,
    comment_id: int,
    *,
    decision: str,
    note: str = "",
    version: int,
    now: datetime | None = None,
) -> Comment:
    """Publish or reject a comment (a decision may be revised later, e.g. unpublishing).

    ``version`` is the one the moderator read: a comment changed since is refused with ConflictError
    rather than decided on without seeing the change.
    """
    actor.require("comment:moderate")
    if decision not in DECISIONS:
        raise InputError(f"decision: {decision!r} is not one of {', '.join(DECISIONS)}")
    note = clean_text(note, "note", NOTE_MAX)
    now = to_utc(now or datetime.now(UTC))
    try:
        with db.write() as session:
            row = session.get(CommentRow, comment_id)
            if row is None:
                raise NotFoundError(f"no comment {comment_id}")
            if row.version != version:
                raise ConflictError(_changed_by(session, row, version))
            before = _comment(row).public()
            row.status = DECISIONS[decision]
            row.moderation_note = note
            row.moderator_id = actor.user_id
            row.moderated_at = now
            session.flush()  # the version check of the UPDATE runs here
            comment = _comment(row)
            audit.record(session, actor.username, "comment.moderate", f"comment:{row.id}", before,
                         comment.public(), at=now)  # fmt: skip
    except StaleDataError:
        raise ConflictError(
            f"comment {comment_id} was changed by someone else while you moderated it: reload it and "
            "decide again"
        ) from None
    return comment


# -------------------------------------------------------------------------------------------- reads


def get_comment(session: Session, comment_id: int) -> Comment:
    row = session.get(CommentRow, comment_id)
    if row is None:
        raise NotFoundError(f"no comment {comment_id}")
    return _comment(row)


def published(
    session: Session, subject_kind: str, subject_id: str, plan_id: str | None = None
) -> list[Comment]:
    """The published comments on one subject, oldest first (a conversation reads down the page).

    Units are named by plan and eId, so pass ``plan_id`` for them: two plans may share an eId.
    """
    query = select(CommentRow).where(
        CommentRow.subject_kind == subject_kind,
        CommentRow.subject_id == subject_id,
        CommentRow.status == "published",
    )
    if plan_id is not None:
        query = query.where(CommentRow.plan_id == plan_id)
    return [_comment(r) for r in session.scalars(query.order_by(CommentRow.created_at, CommentRow.id))]


def queue(session: Session, status: str = "pending", limit: int = 50, offset: int = 0) -> list[Comment]:
    """Comments of one status for moderators: pending ones oldest first (first come, first decided),
    published and rejected ones most recently decided first."""
    if status not in STATUSES:
        raise InputError(f"status: {status!r} is not one of {', '.join(STATUSES)}")
    if not 1 <= limit <= QUEUE_MAX:
        raise InputError(f"limit: between 1 and {QUEUE_MAX} (got {limit})")
    if offset < 0:
        raise InputError(f"offset: 0 or more (got {offset})")
    query = select(CommentRow).where(CommentRow.status == status)
    if status == "pending":
        query = query.order_by(CommentRow.created_at, CommentRow.id)
    else:
        query = query.order_by(CommentRow.moderated_at.desc(), CommentRow.id.desc())
    return [_comment(r) for r in session.scalars(query.limit(limit).offset(offset))]


def usernames(session: Session, user_ids: Iterable[int]) -> dict[int, str]:
    """The user names of accounts (authors and moderators), for moderators' lists."""
    wanted = sorted(set(user_ids))
    if not wanted:
        return {}
    return dict(session.execute(select(UserRow.id, UserRow.username).where(UserRow.id.in_(wanted))).all())


def counts(session: Session) -> dict[str, int]:
    """How many comments have each status (every status present, zero included)."""
    found = dict(session.execute(select(CommentRow.status, func.count()).group_by(CommentRow.status)).all())
    return {status: int(found.get(status, 0)) for status in STATUSES}
