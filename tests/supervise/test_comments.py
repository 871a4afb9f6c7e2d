"""Public comments and their moderation on SQLite and PostgreSQL: validation, subjects, rate limits,
permissions, optimistic locking and the audit trail. Plans, units, targets, tasks, projects, accounts
and comments are SYNTHETIC rows inserted for the tests, not the Outline."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, update

from yrd.db import Database
from yrd.db.models import CommentRow, ExtractedRow, PlanRow, ProjectRow, TaskRow, UnitRow, UserRow
from yrd.errors import AuthError, ConflictError, ForbiddenError, InputError, NotFoundError, ThrottledError
from yrd.supervise import audit
from yrd.supervise import comments as cm
from yrd.supervise.roles import ANONYMOUS, Principal

T0 = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
PLAN = "test-plan"
TARGET = "target:chp_2__sec_1__para_1:10-20"
CLIENT = "c" * 64


def _principal(user_id: int, role: str) -> Principal:
    return Principal(user_id=user_id, username=f"{role}1", role=role, display_name=f"The {role}")


@pytest.fixture
def world(db: Database) -> Iterator[Database]:
    """A SYNTHETIC plan with one unit and one target, a task, a project and one account per role."""
    with db.write() as s:
        s.add(PlanRow(id=PLAN, title_zh="测试规划", created_at=T0, updated_at=T0))
        s.flush()
        s.add(UnitRow(plan_id=PLAN, eid="chp_2__sec_1__para_1", kind="paragraph", num=1, seq=1, depth=2))
        s.add(ExtractedRow(plan_id=PLAN, id=TARGET, kind="target", eid="chp_2__sec_1__para_1", lang="zh",
                           start=10, end=20, text="达到60%", seq=1, data={}))  # fmt: skip
        s.add(TaskRow(id=7, plan_id=PLAN, eid="chp_2", title="测试任务", chapter="chp_2",
                      status="not_started", created_at=T0, updated_at=T0))  # fmt: skip
        s.add(ProjectRow(id=3, plan_id=PLAN, name="测试项目", type="railway", status="planned",
                         created_at=T0, updated_at=T0))  # fmt: skip
        for i, role in enumerate(("admin", "coordinator", "reporter", "analyst", "public"), start=1):
            s.add(UserRow(id=i, username=f"{role}1", display_name=f"The {role}", role=role, bodies=[],
                          password_hash="x", active=True, created_at=T0, password_changed_at=T0))  # fmt: skip
    yield db


ADMIN = _principal(1, "admin")
COORDINATOR = _principal(2, "coordinator")
REPORTER = _principal(3, "reporter")
ANALYST = _principal(4, "analyst")
PUBLIC = _principal(5, "public")


def _post(db: Database, actor: Principal = ANONYMOUS, **kwargs: object) -> cm.Comment:
    args: dict[str, object] = {"subject_kind": "unit", "subject_id": "chp_2__sec_1__para_1", "plan_id": PLAN,
                               "text": "建议加快进度。", "client": CLIENT, "now": T0}  # fmt: skip
    return cm.post_comment(db, actor, **(args | kwargs))  # type: ignore[arg-type]


def _audit(db: Database, entity: str) -> list[audit.AuditEntry]:
    with db.read() as session:
        return list(reversed(audit.entries(session, entity=entity)))


# ------------------------------------------------------------------------------------------- posting


def test_anonymous_comment_is_pending_and_audited_without_the_client(world: Database) -> None:
    comment = _post(world, author_name="  张三 ")
    assert (comment.status, comment.author_name, comment.user_id) == ("pending", "张三", None)
    assert comment.created_at == T0 and comment.version == 1
    [entry] = _audit(world, f"comment:{comment.id}")
    assert (entry.actor, entry.action, entry.before) == ("anonymous", "comment.post", None)
    assert entry.after == comment.public()
    assert CLIENT not in repr(entry.after) and "client" not in entry.after
    with world.read() as session:
        assert cm.published(session, "unit", "chp_2__sec_1__para_1", PLAN) == []
        assert cm.get_comment(session, comment.id) == comment
        assert cm.counts(session) == {"pending": 1, "published": 0, "rejected": 0}


@pytest.mark.parametrize("actor", [COORDINATOR, ADMIN], ids=["coordinator", "admin"])
def test_moderators_comments_are_published_at_once(world: Database, actor: Principal) -> None:
    comment = _post(world, actor)
    assert (comment.status, comment.moderator_id, comment.moderated_at) == ("published", actor.user_id, T0)
    assert comment.author_name == actor.display_name  # named by the account when no name is given
    with world.read() as session:
        assert cm.published(session, "unit", "chp_2__sec_1__para_1", PLAN) == [comment]


def test_logged_in_commenters_without_moderation_wait(world: Database) -> None:
    for actor in (PUBLIC, REPORTER, ANALYST):
        assert _post(world, actor, client=f"client-{actor.role}").status == "pending"


def test_text_is_stored_exactly_not_escaped(world: Database) -> None:
    typed = '<script>alert(1)</script> "><img src=x onerror=alert(1)> & 5 < 6\r\n第二行\t制表'
    comment = _post(world, text=f"  {typed}  ", author_name="<b>x</b>")
    assert comment.text == typed.replace("\r\n", "\n")
    assert comment.author_name == "<b>x</b>"
    with world.read() as session:
        assert cm.get_comment(session, comment.id).text == comment.text


@pytest.mark.parametrize(
    ("kind", "subject_id", "plan_id", "stored_id"),
    [("target", TARGET, None, TARGET), ("task", "7", None, "7"), ("project", "03", PLAN, "3")],
)
def test_every_kind_of_subject(
    world: Database, kind: str, subject_id: str, plan_id: str | None, stored_id: str
) -> None:
    comment = _post(world, COORDINATOR, subject_kind=kind, subject_id=subject_id, plan_id=plan_id)
    assert (comment.subject_kind, comment.subject_id, comment.plan_id) == (kind, stored_id, PLAN)
    with world.read() as session:
        assert cm.published(session, kind, stored_id) == [comment]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"subject_id": "chp_9"}, NotFoundError, "plan 'test-plan' has no unit 'chp_9'"),
        ({"plan_id": "other-plan"}, NotFoundError, "plan 'other-plan' has no unit"),
        ({"plan_id": None}, InputError, "plan_id: a comment on a unit needs the plan"),
        ({"subject_kind": "target", "subject_id": "target:x:1-2"}, NotFoundError, "no target 'target:x:1-2'"),
        ({"subject_kind": "task", "subject_id": "8"}, NotFoundError, "no task 8"),
        ({"subject_kind": "project", "subject_id": "3", "plan_id": "other"}, NotFoundError,
         "no project 3 in plan 'other'"),
        ({"subject_kind": "project", "subject_id": "three"}, InputError, "subject_id: a project is named"),
        ({"subject_kind": "region"}, InputError, "subject_kind: 'region' is not one of"),
        ({"subject_id": "  "}, InputError, "subject_id:"),
        ({"text": " \n\t "}, InputError, "text: write something"),
        ({"text": "字" * 2001}, InputError, "text: at most 2000 characters (got 2001)"),
        ({"text": "bell\x07"}, InputError, "text: control character U+0007 at position 5"),
        ({"text": "nul\x00"}, InputError, "text: control character U+0000"),
        ({"text": "c1\x85c1"}, InputError, "text: control character U+0085 at position 3"),
        ({"author_name": "名" * 61}, InputError, "author_name: at most 60 characters (got 61)"),
        ({"author_name": "a\x1bb"}, InputError, "author_name: control character U+001B"),
    ],
)  # fmt: skip
def test_invalid_comments_are_refused_and_nothing_is_stored(
    world: Database, kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=re.escape(message)):
        _post(world, **kwargs)
    with world.read() as session:
        assert cm.counts(session) == {"pending": 0, "published": 0, "rejected": 0}
        assert audit.entries(session) == []


def test_limits_are_inclusive(world: Database) -> None:
    comment = _post(world, text="字" * cm.TEXT_MAX, author_name="名" * cm.NAME_MAX)
    assert len(comment.text) == 2000 and len(comment.author_name) == 60


# ------------------------------------------------------------------------------------------- rate limit


def test_five_per_ten_minutes_per_client(world: Database) -> None:
    for i in range(5):
        _post(world, now=T0 + timedelta(minutes=i))
    with pytest.raises(ThrottledError, match="at most 5 in 10 minutes; try again in 60 seconds") as caught:
        _post(world, now=T0 + timedelta(minutes=9))
    assert caught.value.retry_after == 60  # when the first of the five leaves the window
    _post(world, client="d" * 64, now=T0 + timedelta(minutes=9))  # another client is not held back
    _post(world, now=T0 + timedelta(minutes=10, seconds=1))  # the first one has left the window
    with world.read() as session:
        assert cm.counts(session)["pending"] == 7


def test_thirty_per_day_per_client(world: Database) -> None:
    for i in range(30):
        _post(world, now=T0 + timedelta(minutes=11 * i))  # never five in ten minutes
    later = T0 + timedelta(minutes=11 * 30)
    with pytest.raises(ThrottledError, match="at most 30 in 24 hours; try again in 19 hours") as caught:
        _post(world, now=later)
    assert caught.value.retry_after == int((T0 + timedelta(days=1) - later).total_seconds())
    _post(world, now=T0 + timedelta(days=1, seconds=1))


def test_rejected_and_refused_comments_count_towards_the_limit(world: Database) -> None:
    first = _post(world)
    cm.moderate(world, COORDINATOR, first.id, decision="reject", version=1, now=T0)
    for _ in range(4):
        _post(world)
    with pytest.raises(ThrottledError):
        _post(world)


# ------------------------------------------------------------------------------------------- moderation


def test_publish_then_reject_with_audit(world: Database) -> None:
    comment = _post(world)
    at = T0 + timedelta(hours=1)
    shown = cm.moderate(world, COORDINATOR, comment.id, decision="publish", note=" 属实 ", version=1, now=at)
    assert (shown.status, shown.version, shown.moderator_id, shown.moderated_at) == ("published", 2, 2, at)
    assert shown.moderation_note == "属实"
    with world.read() as session:
        assert cm.published(session, "unit", "chp_2__sec_1__para_1", PLAN) == [shown]
        assert cm.published(session, "unit", "chp_2__sec_1__para_1", "another-plan") == []
        assert cm.queue(session) == []
        assert cm.queue(session, "published") == [shown]
    hidden = cm.moderate(world, ADMIN, comment.id, decision="reject", version=2, now=at)
    assert (hidden.status, hidden.version) == ("rejected", 3)
    entries = _audit(world, f"comment:{comment.id}")
    assert [(e.actor, e.action) for e in entries] == [
        ("anonymous", "comment.post"), ("coordinator1", "comment.moderate"), ("admin1", "comment.moderate")
    ]  # fmt: skip
    assert entries[1].before == comment.public() and entries[1].after == shown.public()
    assert entries[2].before == shown.public() and entries[2].after == hidden.public()
    with world.read() as session:
        assert audit.verify(session).ok


@pytest.mark.parametrize("actor", [PUBLIC, REPORTER, ANALYST], ids=["public", "reporter", "analyst"])
def test_moderation_is_refused_to_other_roles(world: Database, actor: Principal) -> None:
    comment = _post(world)
    with pytest.raises(ForbiddenError, match=f"the role '{actor.role}' may not publish or reject comments"):
        cm.moderate(world, actor, comment.id, decision="publish", version=1)
    with world.read() as session:
        assert cm.get_comment(session, comment.id).status == "pending"


def test_moderation_needs_a_login_and_the_scope(world: Database) -> None:
    comment = _post(world)
    with pytest.raises(AuthError, match="log in first"):
        cm.moderate(world, ANONYMOUS, comment.id, decision="publish", version=1)
    token = Principal(2, "coordinator1", "coordinator", scopes=frozenset({"comment:post"}), via="token")
    with pytest.raises(ForbiddenError, match="scopes do not include 'comment:moderate'"):
        cm.moderate(world, token, comment.id, decision="publish", version=1)
    assert _post(world, token).status == "pending"  # a narrowed token's comments wait too


def test_stale_version_is_a_conflict_naming_who_and_when(world: Database) -> None:
    comment = _post(world)
    cm.moderate(world, COORDINATOR, comment.id, decision="publish", version=1, now=T0 + timedelta(hours=2))
    with pytest.raises(ConflictError) as caught:
        cm.moderate(world, ADMIN, comment.id, decision="reject", version=1)
    assert str(caught.value) == (
        f"comment {comment.id} was changed by coordinator1 at 2024-05-01 10:00 UTC since you read it "
        "(you had version 1, it is now version 2 and published): reload it and decide again"
    )
    with world.read() as session:
        assert cm.get_comment(session, comment.id).status == "published"
    assert len(_audit(world, f"comment:{comment.id}")) == 2


def test_a_change_between_check_and_update_is_a_conflict(world: Database) -> None:
    """Another writer bumps the version after the check: the ORM's version guard turns it into
    StaleDataError, which moderate reports as a ConflictError and rolls back."""
    comment = _post(world)

    def sneak_in(_mapper: object, connection: object, target: CommentRow) -> None:
        connection.execute(  # type: ignore[attr-defined]
            update(CommentRow.__table__)
            .where(CommentRow.id == target.id)
            .values(version=CommentRow.version + 1)
        )

    event.listen(CommentRow, "before_update", sneak_in)
    try:
        with pytest.raises(ConflictError, match="changed by someone else while you moderated it"):
            cm.moderate(world, COORDINATOR, comment.id, decision="publish", version=1)
    finally:
        event.remove(CommentRow, "before_update", sneak_in)
    with world.read() as session:
        stored = cm.get_comment(session, comment.id)
    assert (stored.status, stored.version) == ("pending", 1)  # rolled back, sneaky bump included
    assert len(_audit(world, f"comment:{comment.id}")) == 1


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"decision": "approve"}, InputError, "decision: 'approve' is not one of publish, reject"),
        ({"note": "n" * 1001}, InputError, "note: at most 1000 characters"),
        ({"note": "\x00"}, InputError, "note: control character"),
        ({"comment_id": 999}, NotFoundError, "no comment 999"),
    ],
)
def test_invalid_moderation(
    world: Database, kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    comment = _post(world)
    args: dict[str, object] = {"comment_id": comment.id, "decision": "publish", "version": 1} | kwargs
    with pytest.raises(error, match=message):
        cm.moderate(world, COORDINATOR, **args)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------- reads


def test_queue_orders_pages_and_counts(world: Database) -> None:
    posted = [_post(world, client=f"client-{i}", now=T0 + timedelta(minutes=i)) for i in range(4)]
    for i, c in enumerate(posted[:2]):
        decision = "publish" if i == 0 else "reject"
        cm.moderate(world, COORDINATOR, c.id, decision=decision, version=1, now=T0 + timedelta(hours=i))
    with world.read() as session:
        assert [c.id for c in cm.queue(session)] == [posted[2].id, posted[3].id]  # oldest first
        assert [c.id for c in cm.queue(session, limit=1, offset=1)] == [posted[3].id]
        assert [c.id for c in cm.queue(session, "rejected")] == [posted[1].id]
        assert cm.counts(session) == {"pending": 2, "published": 1, "rejected": 1}
        for bad, message in ((("spam", 50, 0), "status: 'spam'"), (("pending", 0, 0), "limit"),
                             (("pending", 501, 0), "limit"), (("pending", 5, -1), "offset")):  # fmt: skip
            with pytest.raises(InputError, match=message):
                cm.queue(session, *bad)
        with pytest.raises(NotFoundError, match="no comment 999"):
            cm.get_comment(session, 999)


def test_published_comments_read_oldest_first(world: Database) -> None:
    first = _post(world, COORDINATOR, text="一", now=T0 + timedelta(minutes=5))
    second = _post(world, ADMIN, text="二", client="e" * 64, now=T0 + timedelta(minutes=6))
    _post(world, text="待审", client="f" * 64)
    with world.read() as session:
        assert [c.text for c in cm.published(session, "unit", "chp_2__sec_1__para_1")] == ["一", "二"]
        assert [c.id for c in cm.published(session, "unit", "chp_2__sec_1__para_1", PLAN)] == [
            first.id, second.id
        ]  # fmt: skip
