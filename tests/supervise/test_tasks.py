"""Tasks: listing and filters, assignment, the status workflow per role, optimistic locking (a stale
version and the ORM's StaleDataError), split and merge, history. All users and tasks are SYNTHETIC.

The helpers at the top (`add_user`, `add_task`, `add_project`) are shared by the other supervision
tests."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from yrd.db import Database
from yrd.db.models import AuditEntryRow, ProjectRow, TaskRow, UserRow
from yrd.errors import AuthError, ConflictError, ForbiddenError, InputError, NotFoundError
from yrd.supervise import audit, roles
from yrd.supervise.roles import Principal
from yrd.supervise.tasks import (
    SUPERSEDED,
    Milestone,
    get_task,
    is_at_risk,
    is_overdue,
    list_tasks,
    merge_tasks,
    split_task,
    task_history,
)
from yrd.supervise.tasks import assign_task as assign
from yrd.supervise.tasks import change_status as move

PLAN = "synthetic-plan"
T0 = datetime(2026, 1, 1, tzinfo=UTC)
TODAY = date(2026, 11, 22)


def add_user(db: Database, username: str, role: str, bodies: Iterable[str] = ()) -> Principal:
    """A SYNTHETIC account and the principal acting as it."""
    with db.write() as session:
        row = UserRow(
            username=username,
            display_name=username.title(),
            role=role,
            bodies=list(bodies),
            password_hash="SYNTHETIC",
            active=True,
            created_at=T0,
            password_changed_at=T0,
        )
        session.add(row)
        session.flush()
        return Principal(user_id=row.id, username=username, role=role, bodies=tuple(bodies))


def add_task(
    db: Database,
    title: str = "SYNTHETIC task",
    *,
    lead: str | None = None,
    partners: Iterable[str] = (),
    deadline: str | None = None,
    milestones: Iterable[Mapping[str, Any]] = (),
    status: str = "not_started",
    chapter: str = "chp_1",
    plan_id: str = PLAN,
    text: str = "",
) -> int:
    with db.write() as session:
        row = TaskRow(
            plan_id=plan_id,
            eid=f"{chapter}__para_1",
            source_id=None,
            title=title,
            text=text or f"{title} (SYNTHETIC text)",
            chapter=chapter,
            lead=lead,
            partners=list(partners),
            deadline=deadline,
            milestones=list(milestones),
            status=status,
            parent_id=None,
            merged_into=None,
            note="",
            version=1,
            created_at=T0,
            updated_at=T0,
        )
        session.add(row)
        session.flush()
        return row.id


def add_project(
    db: Database,
    name: str = "SYNTHETIC railway",
    *,
    places: Iterable[str] = (),
    lead: str | None = None,
    status: str = "planned",
    type: str = "railway",
    plan_id: str = PLAN,
) -> int:
    with db.write() as session:
        row = ProjectRow(
            plan_id=plan_id,
            name=name,
            type=type,
            places=list(places),
            mentions=[],
            status=status,
            start=None,
            end=None,
            lead=lead,
            note="",
            version=1,
            created_at=T0,
            updated_at=T0,
        )
        session.add(row)
        session.flush()
        return row.id


def read(db: Database, task_id: int) -> Any:
    with db.read() as session:
        return get_task(session, task_id, today=TODAY)


def audit_count(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(AuditEntryRow)) or 0


@pytest.fixture
def people(db: Database) -> dict[str, Principal]:
    return {
        "cora": add_user(db, "cora", "coordinator"),
        "wan": add_user(db, "wan", "reporter", ["340000"]),
        "su": add_user(db, "su", "reporter", ["320000"]),
        "ana": add_user(db, "ana", "analyst"),
        "pub": add_user(db, "pub", "public"),
    }


# ------------------------------------------------------------------------------------------- reading


def test_overdue_and_at_risk_rules() -> None:
    day = date(2026, 6, 30)
    assert is_overdue("in_progress", "2026-06-29", day) and not is_overdue("in_progress", "2026-06-30", day)
    assert not is_overdue("completed", "2020-01-01", day) and not is_overdue("not_started", None, day)
    assert not is_overdue(SUPERSEDED, "2020-01-01", day)
    assert is_at_risk("delayed", None, [], day)
    assert is_at_risk("in_progress", None, [{"date": "2026-06-29", "label": "x", "done": False}], day)
    assert not is_at_risk("in_progress", None, [{"date": "2026-06-29", "label": "x", "done": True}], day)
    assert not is_at_risk("in_progress", None, [{"date": "2026-06-30", "label": "x", "done": False}], day)
    assert is_at_risk("not_started", "2026-09-28", [], day)  # 90 days ahead
    assert not is_at_risk("not_started", "2026-09-29", [], day)
    assert not is_at_risk("in_progress", "2026-07-01", [], day)  # started: a near deadline is fine
    assert not is_at_risk("completed", None, [{"date": "2020-01-01", "label": "x"}], day)
    assert not is_at_risk("cancelled", "2026-07-01", [], day)


def test_list_filters_and_get(db: Database) -> None:
    a = add_task(
        db,
        "长三角 SYNTHETIC 一",
        lead="340000",
        partners=["310000"],
        deadline="2026-10-01",
        status="in_progress",
        chapter="chp_3",
    )
    b = add_task(
        db, "SYNTHETIC two", partners=["leading_group_office"], deadline="2027-06-30", chapter="chp_4"
    )
    c = add_task(db, "SYNTHETIC three", lead="leading_group", status="completed", deadline="2020-01-01")
    d = add_task(db, "SYNTHETIC four", lead="320000", status="delayed", plan_id="other-plan")
    with db.read() as s:
        ids = lambda **kw: [t.id for t in list_tasks(s, today=TODAY, **kw)]  # noqa: E731
        assert ids() == [a, b, c, d]
        assert ids(plan_id=PLAN) == [a, b, c]
        assert ids(chapter="chp_3") == ids(chapter="3") == [a]
        assert ids(body="340000") == [a] and ids(body="310000") == [a]
        assert ids(body="leading_group") == [c]  # not leading_group_office
        assert ids(body="leading_group_office") == [b]
        assert ids(status="completed") == [c] and ids(status=["delayed", "completed"]) == [c, d]
        assert ids(overdue=True) == [a] and ids(overdue=False) == [b, c, d]
        assert ids(at_risk=True) == [d] and ids(at_risk=False) == [a, b, c]
        assert ids(q="长三角") == [a] and ids(q="four") == [d]
        task = get_task(s, a, today=TODAY)
        assert task.overdue and not task.at_risk and task.bodies == ("340000", "310000")
        assert task.last_period is None and task.is_open and not task.superseded
        with pytest.raises(InputError, match="'done' is not a task status"):
            list_tasks(s, status="done")
        with pytest.raises(NotFoundError, match="no task with id 999"):
            get_task(s, 999)


# ------------------------------------------------------------------------------------------ assigning


def test_assign_validates_checks_permission_and_audits(db: Database, people: dict[str, Principal]) -> None:
    tid = add_task(db, partners=["310000"])
    cora = people["cora"]
    milestones = [{"date": "2026-12-01", "label": "SYNTHETIC second"}, Milestone("2026-06-01", "first", True)]
    task = assign(
        db,
        cora,
        tid,
        version=1,
        lead="340000",
        partners=["340000", "330100", "ndrc", "ndrc"],
        deadline="2026-12-31",
        milestones=milestones,
        note="SYNTHETIC note",
    )
    assert (task.lead, task.partners, task.deadline, task.version) == (
        "340000",
        ("330100", "ndrc"),
        "2026-12-31",
        2,
    )
    assert task.milestones == (
        Milestone("2026-06-01", "first", True),
        Milestone("2026-12-01", "SYNTHETIC second"),
    )
    with db.read() as s:
        [entry] = audit.entries(s, entity=f"task:{tid}")
    assert (entry.actor, entry.action) == ("cora", "task.assign")
    assert (
        entry.before["lead"] is None
        and entry.before["partners"] == ["310000"]
        and entry.before["version"] == 1
    )
    assert (
        entry.after["lead"] == "340000"
        and entry.after["deadline"] == "2026-12-31"
        and entry.after["version"] == 2
    )
    task = assign(db, cora, tid, version=2, lead=None, deadline=None)  # None clears
    assert (task.lead, task.deadline, task.partners) == (None, None, ("330100", "ndrc"))

    bad: list[tuple[dict[str, Any], str]] = [
        ({"lead": "999999"}, "lead: '999999' is not a responsible body"),
        ({"partners": ["340000", "nobody"]}, "partners: 'nobody' is not a responsible body"),
        ({"partners": "340000"}, "partners must be a list"),
        ({"deadline": "2026-02-30"}, "deadline '2026-02-30' is not a real date"),
        ({"deadline": "31.12.2026"}, "deadline must be a date written YYYY-MM-DD"),
        ({"milestones": [{"date": "2026-01-01"}]}, "milestone 1 label must not be empty"),
        ({"milestones": [{"date": "x", "label": "a"}]}, "milestone 1 date must be a date"),
        ({"milestones": [{"date": "2026-01-01", "label": "a", "owner": "b"}]}, "unknown field"),
        ({"milestones": [{"date": "2026-01-01", "label": "a", "done": "yes"}]}, "done must be true or false"),
        ({}, "nothing to change"),
    ]
    for kwargs, message in bad:
        with pytest.raises(InputError, match=message):
            assign(db, cora, tid, version=3, **kwargs)
    with pytest.raises(ForbiddenError, match="task:manage"):
        assign(db, people["wan"], tid, version=3, note="x")
    with pytest.raises(ForbiddenError):
        assign(db, people["ana"], tid, version=3, note="x")
    with pytest.raises(AuthError):
        assign(db, roles.ANONYMOUS, tid, version=3, note="x")
    with pytest.raises(NotFoundError, match="no task with id 999"):
        assign(db, cora, 999, version=1, note="x")
    assert read(db, tid).version == 3 and audit_count(db) == 2


# ------------------------------------------------------------------------------------------ workflow


def test_workflow_reporter_of_own_body(db: Database, people: dict[str, Principal]) -> None:
    tid = add_task(db, lead="340000", partners=["310000"])
    wan, su = people["wan"], people["su"]
    v = 1
    for status in ("in_progress", "delayed", "in_progress", "delayed"):
        task = move(db, wan, tid, status=status, version=v, comment="SYNTHETIC")
        assert (task.status, task.version) == (status, v + 1)
        v += 1
    for status in ("completed", "cancelled"):
        with pytest.raises(ForbiddenError, match="task:manage"):
            move(db, wan, tid, status=status, version=v)
    with pytest.raises(ForbiddenError, match="assigned to 310000, 340000; your bodies are 320000"):
        move(db, su, tid, status="in_progress", version=v)
    for who in ("ana", "pub"):
        with pytest.raises(ForbiddenError, match="task:progress"):
            move(db, people[who], tid, status="in_progress", version=v)
    with pytest.raises(AuthError):
        move(db, roles.ANONYMOUS, tid, status="in_progress", version=v)
    with db.read() as s:
        entries = audit.entries(s, entity=f"task:{tid}")
    assert [e.after["status"] for e in reversed(entries)] == [
        "in_progress",
        "delayed",
        "in_progress",
        "delayed",
    ]
    assert entries[0].before["status"] == "in_progress" and entries[0].after["comment"] == "SYNTHETIC"
    assert all(e.actor == "wan" and e.action == "task.status" for e in entries)


def test_workflow_coordinator_moves_and_illegal_moves(db: Database, people: dict[str, Principal]) -> None:
    tid = add_task(db, lead="340000")
    cora, wan = people["cora"], people["wan"]
    with pytest.raises(ConflictError) as err:
        move(db, cora, tid, status="not_started", version=1)
    assert str(err.value) == (
        f"task {tid} cannot move from not_started to not_started; from not_started it can move to: "
        "in_progress, delayed, completed, cancelled"
    )
    assert move(db, cora, tid, status="completed", version=1).status == "completed"
    with pytest.raises(
        ConflictError, match=r"from completed to delayed; from completed it can move to: in_progress$"
    ):
        move(db, cora, tid, status="delayed", version=2)
    with pytest.raises(ForbiddenError):  # reopening is the coordinator's
        move(db, wan, tid, status="in_progress", version=2)
    assert move(db, cora, tid, status="in_progress", version=2).status == "in_progress"
    assert move(db, cora, tid, status="cancelled", version=3).status == "cancelled"
    with pytest.raises(ConflictError, match=r"from cancelled it can move to: not_started$"):
        move(db, wan, tid, status="in_progress", version=4)
    with pytest.raises(ForbiddenError):
        move(db, wan, tid, status="not_started", version=4)
    task = move(db, cora, tid, status="not_started", version=4)
    assert (task.status, task.version) == ("not_started", 5)
    with pytest.raises(InputError, match="'finished' is not a task status"):
        move(db, cora, tid, status="finished", version=5)


# ------------------------------------------------------------------------------------ optimistic locks


def test_stale_version_names_who_and_when(db: Database, people: dict[str, Principal]) -> None:
    tid = add_task(db, lead="340000")
    seen_by_wan = read(db, tid).version
    assign(db, people["cora"], tid, version=1, note="SYNTHETIC first")
    with pytest.raises(ConflictError) as err:
        move(db, people["wan"], tid, status="in_progress", version=seen_by_wan)
    with db.read() as s:
        [entry] = audit.entries(s, entity=f"task:{tid}")
    when = entry.at.strftime("%Y-%m-%d %H:%M UTC")
    assert str(err.value) == (
        f"task {tid} was changed by cora at {when} (version 2) after you read version 1; "
        "reload it and apply your change again"
    )
    with pytest.raises(ConflictError, match="is at version 2, not 7"):
        assign(db, people["cora"], tid, version=7, note="x")
    task = read(db, tid)
    assert (task.status, task.note, task.version) == ("not_started", "SYNTHETIC first", 2)


@pytest.fixture
def concurrent_writer(db: Database) -> Iterator[list[int]]:
    """Makes the next flush of a changed task meet a row that another writer changed after the version
    check: the ORM's UPDATE matches no row and raises StaleDataError.

    On PostgreSQL a real second connection commits the change (with its audit entry by "alice"). On
    SQLite no second writer can commit while a write transaction holds the lock (BEGIN IMMEDIATE),
    so the version is bumped inside the same transaction and rolled back with it.
    """
    fired: list[int] = []

    def before_flush(session: Session, _context: object, _instances: object) -> None:
        dirty = [o for o in session.dirty if isinstance(o, TaskRow)]
        if fired or not dirty:
            return
        fired.append(dirty[0].id)
        if db.is_sqlite:
            session.connection().execute(
                update(TaskRow).where(TaskRow.id == dirty[0].id).values(version=TaskRow.version + 1)
            )
            return
        other = Database(db.url)
        try:
            with other.write() as s2:
                row = s2.get(TaskRow, dirty[0].id)
                assert row is not None
                row.note = "SYNTHETIC by alice"
                s2.flush()
                audit.record(s2, "alice", "task.assign", f"task:{row.id}", None, {"note": row.note})
        finally:
            other.dispose()

    event.listen(Session, "before_flush", before_flush)
    try:
        yield fired
    finally:
        event.remove(Session, "before_flush", before_flush)


def test_stale_data_error_becomes_conflict(
    db: Database, people: dict[str, Principal], concurrent_writer: list[int]
) -> None:
    tid = add_task(db, lead="340000")
    before = audit_count(db)
    with pytest.raises(ConflictError) as err:
        assign(db, people["cora"], tid, version=1, note="SYNTHETIC mine")
    assert concurrent_writer == [tid]
    task = read(db, tid)
    assert task.note != "SYNTHETIC mine"
    if db.is_sqlite:
        assert "changed by someone else while your change was saved" in str(err.value)
        assert (task.version, audit_count(db)) == (1, before)
    else:
        assert f"task {tid} was changed by alice at " in str(err.value)
        assert "(version 2) after you read version 1" in str(err.value)
        assert (task.version, task.note, audit_count(db)) == (2, "SYNTHETIC by alice", before + 1)


# --------------------------------------------------------------------------------------- split, merge


def test_split(db: Database, people: dict[str, Principal]) -> None:
    milestone = {"date": "2026-03-01", "label": "SYNTHETIC", "done": False}
    tid = add_task(
        db,
        lead="340000",
        partners=["310000"],
        deadline="2026-12-31",
        milestones=[milestone],
        status="in_progress",
    )
    cora = people["cora"]
    with pytest.raises(InputError, match="at least two titles"):
        split_task(db, cora, tid, titles=["only one"], version=1)
    with pytest.raises(ForbiddenError):
        split_task(db, people["wan"], tid, titles=["a", "b"], version=1)
    children = split_task(db, cora, tid, titles=["SYNTHETIC part A", " SYNTHETIC part B "], version=1)
    assert [c.title for c in children] == ["SYNTHETIC part A", "SYNTHETIC part B"]
    for c in children:
        assert (c.parent_id, c.lead, c.partners, c.deadline, c.status) == (
            tid,
            "340000",
            ("310000",),
            "2026-12-31",
            "in_progress",
        )
        assert c.milestones == (Milestone("2026-03-01", "SYNTHETIC"),) and c.version == 1
    parent = read(db, tid)
    ids = ", ".join(str(c.id) for c in children)
    assert parent.superseded and parent.status == SUPERSEDED and not parent.overdue and not parent.at_risk
    assert parent.note.startswith(f"split into tasks {ids} on ")
    with db.read() as s:
        assert [t.id for t in list_tasks(s)] == [c.id for c in children]
        assert [t.id for t in list_tasks(s, include_superseded=True)] == [tid, *(c.id for c in children)]
        assert [t.id for t in list_tasks(s, status=SUPERSEDED)] == [tid]
        [entry] = audit.entries(s, entity=f"task:{tid}")
        created = audit.entries(s, entity=f"task:{children[0].id}")
    assert entry.action == "task.split" and entry.after["children"] == [c.id for c in children]
    assert entry.before["status"] == "in_progress" and entry.after["status"] == SUPERSEDED
    assert (
        created[0].action == "task.create"
        and created[0].before is None
        and created[0].after["parent_id"] == tid
    )
    with pytest.raises(ConflictError, match=f"task {tid} is superseded"):
        assign(db, cora, tid, version=parent.version, note="x")
    with pytest.raises(ConflictError, match="from superseded it can move to: none"):
        move(db, cora, tid, status="in_progress", version=parent.version)
    done = add_task(db, status="completed")
    with pytest.raises(ConflictError, match="is completed; only open tasks can be split"):
        split_task(db, cora, done, titles=["a", "b"], version=1)


def test_merge(db: Database, people: dict[str, Principal]) -> None:
    m1 = {"date": "2026-05-01", "label": "SYNTHETIC one", "done": False}
    m2 = {"date": "2026-02-01", "label": "SYNTHETIC two", "done": True}
    a = add_task(db, "A", partners=["310000"], deadline="2027-06-30", milestones=[m1], text="text A")
    b = add_task(
        db,
        "B",
        lead="340000",
        partners=["320000", "310000"],
        deadline="2026-12-31",
        milestones=[m1, m2],
        status="delayed",
        text="text B",
    )
    c = add_task(db, "C", plan_id="other-plan")
    cora = people["cora"]
    with pytest.raises(InputError, match="at least two different tasks"):
        merge_tasks(db, cora, [a, a], title="x", versions={a: 1})
    with pytest.raises(InputError, match=f"give the version you read of task\\(s\\) {b}"):
        merge_tasks(db, cora, [a, b], title="x", versions={a: 1})
    with pytest.raises(InputError, match="different plans"):
        merge_tasks(db, cora, [a, c], title="x", versions={a: 1, c: 1})
    assign(db, cora, b, version=1, note="SYNTHETIC")
    with pytest.raises(ConflictError, match=f"task {b} was changed by cora"):
        merge_tasks(db, cora, [a, b], title="x", versions={a: 1, b: 1})
    assert (read(db, a).status, read(db, a).version) == ("not_started", 1)  # all or nothing
    merged = merge_tasks(db, cora, [a, b], title="SYNTHETIC merged", versions={a: 1, b: 2})
    assert (merged.title, merged.lead, merged.partners) == (
        "SYNTHETIC merged",
        "340000",
        ("310000", "320000"),
    )
    assert (merged.deadline, merged.status, merged.text) == ("2026-12-31", "delayed", "text A\n\ntext B")
    assert [m.label for m in merged.milestones] == ["SYNTHETIC two", "SYNTHETIC one"]
    assert merged.note == f"merged from tasks {a}, {b}"
    for source in (a, b):
        task = read(db, source)
        assert (task.status, task.merged_into) == (SUPERSEDED, merged.id)
        assert f"merged into task {merged.id} on " in task.note
    with db.read() as s:
        [created] = audit.entries(s, entity=f"task:{merged.id}")
        assert created.action == "task.create" and created.after["merged_from"] == [a, b]
        assert audit.entries(s, entity=f"task:{a}")[0].action == "task.merge"
        assert audit.verify(s).ok
    with pytest.raises(ConflictError, match=f"task {a} is superseded \\(merged into task {merged.id}\\)"):
        merge_tasks(db, cora, [a, merged.id], title="x", versions={a: 2, merged.id: 1})


def test_history_includes_reports_newest_first(db: Database, people: dict[str, Principal]) -> None:
    from yrd.supervise.progress import file_report

    tid = add_task(db, lead="340000")
    other = add_task(db, lead="340000")
    assign(db, people["cora"], tid, version=1, deadline="2026-12-31")
    report = file_report(
        db, people["wan"], task_id=tid, period="2026Q3", status="in_progress", narrative="SYNTHETIC progress"
    )
    move(db, people["wan"], tid, status="in_progress", version=2)
    move(db, people["wan"], other, status="in_progress", version=1)
    with db.read() as s:
        history = task_history(s, tid)
        with pytest.raises(NotFoundError):
            task_history(s, 999)
    assert [(e.action, e.entity) for e in history] == [
        ("task.status", f"task:{tid}"),
        ("report.file", f"report:{report.id}"),
        ("task.assign", f"task:{tid}"),
    ]
    assert history[0].seq > history[1].seq > history[2].seq
