"""Seeding tasks and projects from extraction: on the real Outline (the prepared embedded default), and
on SYNTHETIC extracted records on both backends (two plans whose records share ids, the lead rules,
idempotency, one audit entry per call)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from yrd.db import Database
from yrd.db.models import ExtractedRow, PlanRow, ProjectRow, TaskRow
from yrd.errors import NotFoundError
from yrd.supervise import audit
from yrd.supervise.projects import list_projects
from yrd.supervise.seed import chapter_of, seed_supervision, source_key
from yrd.supervise.tasks import list_tasks

OUTLINE = "yrd-outline-2019"
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_seed_the_real_outline(default_db: Database) -> None:
    with default_db.read() as s:
        extracted = list(s.scalars(select(ExtractedRow).where(ExtractedRow.plan_id == OUTLINE)))
    task_records = [r for r in extracted if r.kind == "task"]
    names = {r.data["name"] for r in extracted if r.kind == "project"}
    assert len(task_records) == 93 and len(names) < sum(r.kind == "project" for r in extracted)

    # the prepared default was seeded by `prepare_default`, as `yrd serve` does; seeding again adds nothing
    counts = {"tasks": 93, "projects": len(names)}
    assert seed_supervision(default_db, OUTLINE) == {"tasks": 0, "projects": 0}
    with default_db.read() as s:
        tasks = list_tasks(s, plan_id=OUTLINE, include_superseded=True)
        projects = list_projects(s, plan_id=OUTLINE)
        entries = [e for e in audit.entries(s, limit=1000) if e.action == "supervision.seed"]
        assert audit.verify(s).ok
    assert [(e.action, e.actor, e.after) for e in entries] == [("supervision.seed", "system", counts)]

    by_source = {t.source_id: t for t in tasks}
    for record in task_records:
        task = by_source[source_key(OUTLINE, record.id)]
        bodies = record.data["bodies"]
        assert (task.eid, task.title, task.text) == (record.eid, record.data["title"], record.text)
        assert task.chapter == chapter_of(record.eid) and task.chapter.startswith("chp_")
        assert task.deadline == f"{record.data['horizon']}-12-31"
        assert (task.status, task.version, task.milestones) == ("not_started", 1, ())
        assert task.lead == (bodies[0] if record.data["bodies_stated"] else None)
        assert list(task.bodies) == bodies
    assert any(t.lead for t in tasks) and any(t.lead is None for t in tasks)

    g60 = next(p for p in projects if p.name == "G60科创走廊")
    assert len(g60.mentions) == 2 and g60.status == "planned" and g60.type == "platform"
    suzhou = next(p for p in projects if p.name == "苏州工业园区")
    assert (suzhou.places, suzhou.lead) == (("320500",), "320000")
    assert all(p.lead is None for p in projects if len(p.provinces) > 1)


def _plan(session: Any, plan_id: str) -> None:
    session.add(PlanRow(id=plan_id, title_zh="SYNTHETIC", created_at=T0, updated_at=T0))
    session.flush()  # the plan before its records (no ORM relationship orders them)


def _record(plan_id: str, rid: str, kind: str, eid: str, seq: int, **data: Any) -> ExtractedRow:
    return ExtractedRow(
        plan_id=plan_id,
        id=rid,
        kind=kind,
        eid=eid,
        lang="zh",
        start=0,
        end=4,
        text=f"SYNTHETIC {rid}",
        seq=seq,
        data={"kind": kind, **data},
    )


def test_seed_synthetic_records(db: Database) -> None:
    with pytest.raises(NotFoundError, match="no plan 'nope'"):
        seed_supervision(db, "nope")
    with db.write() as s:
        for plan in ("synthetic-a", "synthetic-b"):
            _plan(s, plan)
            s.add_all(
                [
                    _record(
                        plan,
                        "task:chp_2__para_1:0-4",
                        "task",
                        "chp_2__para_1",
                        1,
                        title="SYNTHETIC 甲",
                        bodies=["340000", "320000"],
                        bodies_stated=True,
                        horizon=2025,
                    ),
                    _record(
                        plan,
                        "task:chp_2__para_2:0-4",
                        "task",
                        "chp_2__para_2",
                        2,
                        title="SYNTHETIC 乙",
                        bodies=["310000", "320000"],
                        bodies_stated=False,
                        horizon=None,
                    ),
                    _record(
                        plan,
                        "project:1",
                        "project",
                        "chp_2__para_1",
                        3,
                        name="SYNTHETIC 铁路",
                        type="railway",
                        places=["320100"],
                    ),
                    _record(
                        plan,
                        "project:2",
                        "project",
                        "chp_2__para_2",
                        4,
                        name="SYNTHETIC 铁路",
                        type="other",
                        places=["320500", "320100"],
                    ),
                    _record(
                        plan,
                        "project:3",
                        "project",
                        "chp_2__para_2",
                        5,
                        name="SYNTHETIC 通道",
                        type="expressway",
                        places=["310000", "320500"],
                    ),
                    _record(
                        plan,
                        "project:4",
                        "project",
                        "chp_2__para_2",
                        6,
                        name="SYNTHETIC 平台",
                        type="platform",
                        places=[],
                    ),
                ]
            )
    assert seed_supervision(db, "synthetic-a") == {"tasks": 2, "projects": 3}
    assert seed_supervision(db, "synthetic-b", actor="cora") == {"tasks": 2, "projects": 3}
    assert seed_supervision(db, "synthetic-a") == {"tasks": 0, "projects": 0}
    with db.read() as s:
        tasks = {(t.plan_id, t.title): t for t in list_tasks(s)}
        projects = {(p.plan_id, p.name): p for p in list_projects(s)}
        entries = audit.entries(s)
        assert len(s.scalars(select(TaskRow)).all()) == 4 and len(s.scalars(select(ProjectRow)).all()) == 6
    first = tasks[("synthetic-a", "SYNTHETIC 甲")]
    assert (first.source_id, first.chapter, first.deadline) == (
        "synthetic-a/task:chp_2__para_1:0-4",
        "chp_2",
        "2025-12-31",
    )
    assert (first.lead, first.partners) == ("340000", ("320000",))
    second = tasks[("synthetic-b", "SYNTHETIC 乙")]
    assert (second.lead, second.partners, second.deadline) == (None, ("310000", "320000"), None)
    rail = projects[("synthetic-a", "SYNTHETIC 铁路")]
    assert (rail.type, rail.places, rail.mentions, rail.lead) == (
        "railway",
        ("320100", "320500"),
        ("project:1", "project:2"),
        "320000",
    )
    assert projects[("synthetic-a", "SYNTHETIC 通道")].lead is None  # two provinces
    assert projects[("synthetic-a", "SYNTHETIC 平台")].lead is None  # no place
    assert [(e.actor, e.entity, e.after) for e in entries] == [
        ("cora", "plan:synthetic-b", {"tasks": 2, "projects": 3}),
        ("system", "plan:synthetic-a", {"tasks": 2, "projects": 3}),
    ]
