"""Tasks: the plan's measures assigned to responsible bodies, their deadlines, milestones and status.

A task's status follows the workflow of docs/supervision.md (`MOVES`): reporters of the task's bodies
start it, mark it delayed and resume it; only a coordinator (``task:manage``) completes, cancels,
reopens or reinstates it.

Superseded tasks: `split_task` and `merge_tasks` replace tasks by new ones. The replaced task keeps
its row and history but gets the status ``superseded`` (outside the workflow: no move leads out of
it), a line in its note saying by which tasks, and for a merge ``merged_into``; a split's children
point back through ``parent_id``. Lists leave superseded tasks out unless asked
(``include_superseded=True`` or ``status="superseded"``).

"At risk" (`at_risk`): an open task (not completed, cancelled or superseded) that is delayed, or has
a milestone past its date and not done, or has not started while its deadline is at most
`RISK_DAYS` days away (or already past). "Overdue": an open task whose deadline is before today.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import String, cast, or_, select
from sqlalchemy.orm import Session

from yrd.db import Database
from yrd.db.models import ProgressReportRow, TaskRow
from yrd.errors import ConflictError, InputError, NotFoundError
from yrd.supervise.audit import AuditEntry
from yrd.supervise.bodies import check_bodies, check_body
from yrd.supervise.records import (
    UNSET,
    Tx,
    _Unset,
    audit_rows,
    check_date,
    check_text,
    now,
    snapshot,
    utc,
    versioned,
)
from yrd.supervise.roles import Principal

TASK_STATUSES = ("not_started", "in_progress", "delayed", "completed", "cancelled")
OPEN_STATUSES = ("not_started", "in_progress", "delayed")
SUPERSEDED = "superseded"
RISK_DAYS = 90
MAX_TITLE = 500
MAX_NOTE = 20_000
MAX_MILESTONES = 100

# (from, to) -> the permission the move needs; task:progress moves also need one of the task's bodies.
MOVES: dict[tuple[str, str], str] = {
    ("not_started", "in_progress"): "task:progress",
    ("not_started", "delayed"): "task:progress",
    ("in_progress", "delayed"): "task:progress",
    ("delayed", "in_progress"): "task:progress",
    **{(s, "completed"): "task:manage" for s in OPEN_STATUSES},
    **{(s, "cancelled"): "task:manage" for s in OPEN_STATUSES},
    ("completed", "in_progress"): "task:manage",  # reopen
    ("cancelled", "not_started"): "task:manage",  # reinstate
}

_FIELDS = ("id", "plan_id", "eid", "source_id", "title", "text", "chapter", "lead", "partners", "deadline",
           "milestones", "status", "parent_id", "merged_into", "note", "version")  # fmt: skip


@dataclass(frozen=True)
class Milestone:
    date: str  # ISO date
    label: str
    done: bool = False


@dataclass(frozen=True)
class Task:
    """A task as people read it, with what follows from its dates on ``today``."""

    id: int
    plan_id: str
    eid: str
    source_id: str | None  # "<plan_id>/<extracted id>" for a task seeded from the plan's text
    title: str
    text: str
    chapter: str
    lead: str | None
    partners: tuple[str, ...]
    deadline: str | None
    milestones: tuple[Milestone, ...]
    status: str
    parent_id: int | None
    merged_into: int | None
    note: str
    version: int
    created_at: datetime
    updated_at: datetime
    overdue: bool
    at_risk: bool
    last_period: str | None = None  # the period of its latest accepted progress report

    @property
    def bodies(self) -> tuple[str, ...]:
        """The lead, then the partners."""
        return tuple(dict.fromkeys(b for b in (self.lead, *self.partners) if b))

    @property
    def superseded(self) -> bool:
        return self.status == SUPERSEDED

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


def is_overdue(status: str, deadline: str | None, today: date) -> bool:
    return status in OPEN_STATUSES and deadline is not None and deadline < today.isoformat()


def is_at_risk(
    status: str, deadline: str | None, milestones: Iterable[Mapping[str, Any]], today: date
) -> bool:
    """See the module docstring."""
    if status not in OPEN_STATUSES:
        return False
    if status == "delayed":
        return True
    day = today.isoformat()
    if any(not m.get("done") and str(m.get("date", "")) < day for m in milestones):
        return True
    horizon = (today + timedelta(days=RISK_DAYS)).isoformat()
    return status == "not_started" and deadline is not None and deadline <= horizon


def _task(row: TaskRow, today: date, last_period: str | None = None) -> Task:
    milestones = tuple(Milestone(m["date"], m["label"], bool(m.get("done"))) for m in row.milestones or ())
    return Task(
        id=row.id,
        plan_id=row.plan_id,
        eid=row.eid,
        source_id=row.source_id,
        title=row.title,
        text=row.text,
        chapter=row.chapter,
        lead=row.lead,
        partners=tuple(row.partners or ()),
        deadline=row.deadline,
        milestones=milestones,
        status=row.status,
        parent_id=row.parent_id,
        merged_into=row.merged_into,
        note=row.note,
        version=row.version,
        created_at=utc(row.created_at) or row.created_at,
        updated_at=utc(row.updated_at) or row.updated_at,
        overdue=is_overdue(row.status, row.deadline, today),
        at_risk=is_at_risk(row.status, row.deadline, row.milestones or (), today),
        last_period=last_period,
    )


def _last_periods(session: Session, ids: Sequence[int] | None) -> dict[int, str]:
    """The period of each task's latest accepted report (accepted reports are public)."""
    query = (
        select(ProgressReportRow.task_id, ProgressReportRow.period)
        .where(ProgressReportRow.task_id.is_not(None), ProgressReportRow.review == "accepted")
        .order_by(ProgressReportRow.id)
    )
    if ids is not None:
        query = query.where(ProgressReportRow.task_id.in_(ids))
    return {task_id: period for task_id, period in session.execute(query)}


def snapshot_task(row: TaskRow) -> dict[str, Any]:
    """The task's public fields for an audit entry."""
    return snapshot(row, _FIELDS)


def _chapter(chapter: str) -> str:
    return f"chp_{chapter}" if chapter.isdigit() else chapter


def _check_status_filter(status: str | Iterable[str]) -> list[str]:
    wanted = [status] if isinstance(status, str) else list(status)
    for s in wanted:
        if s not in (*TASK_STATUSES, SUPERSEDED):
            raise InputError(f"status {s!r} is not a task status: use one of {', '.join(TASK_STATUSES)}")
    return wanted


def list_tasks(
    session: Session,
    *,
    plan_id: str | None = None,
    chapter: str | None = None,
    body: str | None = None,
    status: str | Iterable[str] | None = None,
    overdue: bool | None = None,
    at_risk: bool | None = None,
    q: str | None = None,
    include_superseded: bool = False,
    today: date | None = None,
) -> list[Task]:
    """Tasks in id order, filtered; ``body`` matches the lead or a partner, ``q`` the title, text or eid.

    ``today`` (default: the local date) decides what is overdue and at risk. Superseded tasks are
    left out unless ``include_superseded`` or asked for by status.

    Raises:
        InputError: an unknown status.
    """
    today = today or date.today()
    query = select(TaskRow).order_by(TaskRow.id)
    if plan_id is not None:
        query = query.where(TaskRow.plan_id == plan_id)
    if chapter:
        query = query.where(TaskRow.chapter == _chapter(chapter))
    if status is not None:
        query = query.where(TaskRow.status.in_(_check_status_filter(status)))
    elif not include_superseded:
        query = query.where(TaskRow.status != SUPERSEDED)
    if body:
        pattern = '%"' + body.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + '"%'
        query = query.where(
            or_(TaskRow.lead == body, cast(TaskRow.partners, String).like(pattern, escape="\\"))
        )
    if overdue is not None:
        late = (
            TaskRow.status.in_(OPEN_STATUSES) & TaskRow.deadline.is_not(None)
            & (TaskRow.deadline < today.isoformat())
        )  # fmt: skip
        query = query.where(late if overdue else ~late)
    if at_risk:  # only open tasks can be at risk; the rest of the rule is checked below
        query = query.where(TaskRow.status.in_(OPEN_STATUSES))
    if q and q.strip():
        like = f"%{q.strip()}%"
        query = query.where(or_(TaskRow.title.ilike(like), TaskRow.text.ilike(like), TaskRow.eid.ilike(like)))
    rows = list(session.scalars(query))
    periods = _last_periods(session, None if len(rows) > 500 else [r.id for r in rows])
    tasks = [_task(r, today, periods.get(r.id)) for r in rows]
    if body:
        tasks = [t for t in tasks if body in t.bodies]
    if at_risk is not None:
        tasks = [t for t in tasks if t.at_risk == at_risk]
    return tasks


def get_task(session: Session, task_id: int, today: date | None = None) -> Task:
    """One task.

    Raises:
        NotFoundError: no task has that id.
    """
    row = session.get(TaskRow, task_id)
    if row is None:
        raise NotFoundError(f"no task with id {task_id}")
    return _task(row, today or date.today(), _last_periods(session, [task_id]).get(task_id))


def task_history(session: Session, task_id: int, limit: int = 500) -> list[AuditEntry]:
    """The audit entries of a task and of its progress reports, newest first.

    Entries of reports not yet accepted are included: show the history to those who may read the
    audit log (``audit:read``) or review reports.

    Raises:
        NotFoundError: no task has that id.
    """
    if session.get(TaskRow, task_id) is None:
        raise NotFoundError(f"no task with id {task_id}")
    reports = session.scalars(select(ProgressReportRow.id).where(ProgressReportRow.task_id == task_id))
    return audit_rows(session, [f"task:{task_id}", *(f"report:{r}" for r in reports)], limit)


# ------------------------------------------------------------------------------------------- writes


def check_milestones(value: object) -> list[dict[str, Any]]:
    """Milestones as stored: a list of {date, label, done}, in date order.

    Raises:
        InputError: not a list of such objects, a bad date, an empty label.
    """
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise InputError(f"milestones must be a list of {{date, label, done}}, not {value!r}")
    items = list(value)
    if len(items) > MAX_MILESTONES:
        raise InputError(f"{len(items)} milestones given; at most {MAX_MILESTONES} are allowed")
    out: list[dict[str, Any]] = []
    for i, item in enumerate(items, 1):
        if isinstance(item, Milestone):
            item = {"date": item.date, "label": item.label, "done": item.done}
        if not isinstance(item, Mapping):
            raise InputError(f"milestone {i} must be an object with date, label and done, not {item!r}")
        unknown = sorted(set(item) - {"date", "label", "done"})
        if unknown:
            raise InputError(f"milestone {i} has unknown field(s) {', '.join(map(str, unknown))}")
        when = check_date(item.get("date"), f"milestone {i} date")
        if when is None:
            raise InputError(f"milestone {i} needs a date (YYYY-MM-DD)")
        label = check_text(item.get("label", ""), f"milestone {i} label", max_len=200, min_len=1)
        done = item.get("done", False)
        if not isinstance(done, bool):
            raise InputError(f"milestone {i} done must be true or false, not {done!r}")
        out.append({"date": when, "label": label, "done": done})
    return sorted(out, key=lambda m: m["date"])


def _load(tx: Tx, task_id: int, version: int | None) -> TaskRow:
    return tx.load(TaskRow, task_id, "task", version)


def _not_superseded(row: TaskRow) -> None:
    if row.status == SUPERSEDED:
        where = f"merged into task {row.merged_into}" if row.merged_into else "split into new tasks"
        raise ConflictError(f"task {row.id} is superseded ({where}); change the tasks that replace it")


def _append_note(note: str, line: str) -> str:
    return f"{note}\n{line}" if note else line


def assign_task(
    db: Database,
    actor: Principal,
    task_id: int,
    *,
    version: int,
    lead: str | _Unset | None = UNSET,
    partners: Iterable[str] | _Unset = UNSET,
    deadline: str | date | _Unset | None = UNSET,
    milestones: Iterable[Mapping[str, Any] | Milestone] | _Unset = UNSET,
    note: str | _Unset = UNSET,
) -> Task:
    """Set a task's lead and partner bodies, deadline, milestones or note (what is given; None clears).

    Raises:
        ForbiddenError / AuthError: without ``task:manage``.
        InputError: an unknown body, a bad date or milestone, nothing to change.
        NotFoundError: no such task.
        ConflictError: the task changed since ``version`` was read, or it is superseded.
    """
    actor.require("task:manage")
    if all(v is UNSET for v in (lead, partners, deadline, milestones, note)):
        raise InputError("nothing to change: give lead, partners, deadline, milestones or note")
    new_lead = lead if isinstance(lead, _Unset) or not lead else check_body(lead, "lead")
    new_partners = partners if isinstance(partners, _Unset) else check_bodies(partners, "partners")
    new_deadline = deadline if isinstance(deadline, _Unset) else check_date(deadline, "deadline")
    new_milestones = milestones if isinstance(milestones, _Unset) else check_milestones(milestones)
    new_note = note if isinstance(note, _Unset) else check_text(note, "note", max_len=MAX_NOTE)
    with versioned(db, actor.username) as tx:
        row = _load(tx, task_id, version)
        _not_superseded(row)
        before = snapshot_task(row)
        if not isinstance(new_lead, _Unset):
            row.lead = new_lead or None
        if not isinstance(new_partners, _Unset):
            row.partners = new_partners
        if row.lead in (row.partners or []):  # the lead is not its own partner
            row.partners = [p for p in row.partners if p != row.lead]
        if not isinstance(new_deadline, _Unset):
            row.deadline = new_deadline
        if not isinstance(new_milestones, _Unset):
            row.milestones = new_milestones
        if not isinstance(new_note, _Unset):
            row.note = new_note
        row.updated_at = now()
        tx.session.flush()
        tx.log("task.assign", f"task:{task_id}", before, snapshot_task(row))
        task = _task(row, date.today())
    return task


def allowed_moves(status: str) -> list[str]:
    """The statuses a task can move to from ``status``, whoever asks."""
    return [to for (frm, to) in MOVES if frm == status]


def check_move(row: TaskRow, status: str) -> str:
    """The permission a move needs.

    Raises:
        InputError: not a task status.
        ConflictError: the workflow has no such move from the current status.
    """
    if status not in TASK_STATUSES:
        raise InputError(f"status {status!r} is not a task status: use one of {', '.join(TASK_STATUSES)}")
    permission = MOVES.get((row.status, status))
    if permission is None:
        allowed = ", ".join(allowed_moves(row.status)) or "none"
        raise ConflictError(
            f"task {row.id} cannot move from {row.status} to {status}; from {row.status} it can move to: "
            f"{allowed}"
        )
    return permission


def require_move(actor: Principal, row: TaskRow, permission: str) -> None:
    actor.require(permission)
    if permission == "task:progress":
        actor.require_body([row.lead, *(row.partners or [])], f"task {row.id}")


def move(tx: Tx, row: TaskRow, status: str, comment: str = "") -> None:
    """Change a loaded task's status and owe the audit entry (the caller has checked the move)."""
    before = snapshot_task(row)
    row.status = status
    row.updated_at = now()
    tx.session.flush()
    after = snapshot_task(row)
    if comment:
        after["comment"] = comment
    tx.log("task.status", f"task:{row.id}", before, after)


def change_status(
    db: Database, actor: Principal, task_id: int, *, status: str, version: int, comment: str = ""
) -> Task:
    """Move a task along the workflow (see `MOVES` and docs/supervision.md).

    Raises:
        ForbiddenError / AuthError: the move needs a permission or a body the actor lacks.
        InputError: an unknown status or a comment that is too long.
        ConflictError: a stale ``version``, or a move the workflow does not allow (the message lists
            the allowed ones).
    """
    actor.require("task:progress")
    comment = check_text(comment, "comment", max_len=MAX_NOTE)
    with versioned(db, actor.username) as tx:
        row = _load(tx, task_id, version)
        # who may act on this task at all comes before what the workflow allows from here
        actor.require_body([row.lead, *(row.partners or [])], f"task {row.id}")
        require_move(actor, row, check_move(row, status))
        move(tx, row, status, comment)
        task = _task(row, date.today())
    return task


def _child(row: TaskRow, title: str, stamp: datetime) -> TaskRow:
    return TaskRow(plan_id=row.plan_id, eid=row.eid, source_id=None, title=title, text=row.text,
                   chapter=row.chapter, lead=row.lead, partners=list(row.partners or []),
                   deadline=row.deadline, milestones=list(row.milestones or []), status=row.status,
                   parent_id=row.id, merged_into=None, note=f"split from task {row.id}", version=1,
                   created_at=stamp, updated_at=stamp)  # fmt: skip


def split_task(
    db: Database, actor: Principal, task_id: int, *, titles: Sequence[str], version: int
) -> list[Task]:
    """Replace an open task by two or more tasks with these titles.

    Each child copies the parent's unit, text, bodies, deadline, milestones and status and points to it
    through ``parent_id``; the parent becomes superseded (see the module docstring).

    Raises:
        ForbiddenError / AuthError: without ``task:manage``.
        InputError: fewer than two titles, or an empty or too long one.
        ConflictError: a stale ``version``, or the task is not open.
    """
    actor.require("task:manage")
    if isinstance(titles, str) or len(titles) < 2:
        raise InputError("a split needs at least two titles, one per new task")
    clean = [check_text(t, f"title {i}", max_len=MAX_TITLE, min_len=1) for i, t in enumerate(titles, 1)]
    with versioned(db, actor.username) as tx:
        row = _load(tx, task_id, version)
        _not_superseded(row)
        if row.status not in OPEN_STATUSES:
            raise ConflictError(f"task {task_id} is {row.status}; only open tasks can be split")
        stamp = now()
        children = [_child(row, title, stamp) for title in clean]
        tx.session.add_all(children)
        tx.session.flush()
        ids = [c.id for c in children]
        before = snapshot_task(row)
        row.status = SUPERSEDED
        row.note = _append_note(row.note, f"split into tasks {', '.join(map(str, ids))} on {stamp.date()}")
        row.updated_at = stamp
        tx.session.flush()
        tx.log("task.split", f"task:{task_id}", before, {**snapshot_task(row), "children": ids})
        for c in children:
            tx.log("task.create", f"task:{c.id}", None, {**snapshot_task(c), "split_from": task_id})
        today = date.today()
        result = [_task(c, today) for c in children]
    return result


def _merged_status(statuses: Iterable[str]) -> str:
    """The most urgent of the merged tasks' statuses: delayed, then in progress, else not started."""
    found = set(statuses)
    for status in ("delayed", "in_progress"):
        if status in found:
            return status
    return "not_started"


def merge_tasks(
    db: Database, actor: Principal, task_ids: Sequence[int], *, title: str, versions: Mapping[int, int]
) -> Task:
    """Replace two or more open tasks of one plan by one new task.

    The new task takes the first task's unit and chapter, the first lead among the tasks (in the order
    given), every other body as a partner, the earliest deadline, all milestones, the texts joined,
    and the most urgent status (delayed, then in progress, else not started). Each source gets
    ``merged_into`` and becomes superseded.

    Raises:
        ForbiddenError / AuthError: without ``task:manage``.
        InputError: fewer than two tasks, a missing version, tasks of different plans.
        ConflictError: a stale version, or a task that is not open.
    """
    actor.require("task:manage")
    ids = list(dict.fromkeys(task_ids))
    if len(ids) < 2:
        raise InputError("a merge needs at least two different tasks")
    missing = [i for i in ids if i not in versions]
    if missing:
        raise InputError(f"give the version you read of task(s) {', '.join(map(str, missing))}")
    clean = check_text(title, "title", max_len=MAX_TITLE, min_len=1)
    with versioned(db, actor.username) as tx:
        rows = [_load(tx, i, versions[i]) for i in ids]
        for row in rows:
            _not_superseded(row)
            if row.status not in OPEN_STATUSES:
                raise ConflictError(f"task {row.id} is {row.status}; only open tasks can be merged")
        plans = sorted({r.plan_id for r in rows})
        if len(plans) > 1:
            raise InputError(f"tasks of different plans cannot be merged ({', '.join(plans)})")
        lead = next((r.lead for r in rows if r.lead), None)
        bodies = [b for r in rows for b in (r.lead, *(r.partners or [])) if b and b != lead]
        deadlines = [r.deadline for r in rows if r.deadline]
        milestones: list[dict[str, Any]] = []
        for r in rows:
            milestones.extend(m for m in r.milestones or [] if m not in milestones)
        stamp = now()
        merged = TaskRow(plan_id=rows[0].plan_id, eid=rows[0].eid, source_id=None, title=clean,
                         text="\n\n".join(dict.fromkeys(r.text for r in rows if r.text)),
                         chapter=rows[0].chapter, lead=lead, partners=list(dict.fromkeys(bodies)),
                         deadline=min(deadlines) if deadlines else None,
                         milestones=sorted(milestones, key=lambda m: m["date"]),
                         status=_merged_status(r.status for r in rows), parent_id=None, merged_into=None,
                         note=f"merged from tasks {', '.join(map(str, ids))}", version=1,
                         created_at=stamp, updated_at=stamp)  # fmt: skip
        tx.session.add(merged)
        tx.session.flush()
        befores = {r.id: snapshot_task(r) for r in rows}
        for r in rows:
            r.status, r.merged_into, r.updated_at = SUPERSEDED, merged.id, stamp
            r.note = _append_note(r.note, f"merged into task {merged.id} on {stamp.date()}")
        tx.session.flush()
        tx.log("task.create", f"task:{merged.id}", None, {**snapshot_task(merged), "merged_from": ids})
        for r in rows:
            tx.log("task.merge", f"task:{r.id}", befores[r.id], snapshot_task(r))
        task = _task(merged, date.today())
    return task
