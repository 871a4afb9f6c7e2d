"""Tasks and projects made from what extraction found in a plan's text (idempotent).

One task per extracted task record, keyed by ``source_id`` = ``"<plan_id>/<extracted id>"``: the
extracted ids are unique within a plan only, and ``task.source_id`` is unique across plans. One
project per distinct project name of the plan (its mentions folded together). A rerun adds only what
is missing and never changes a task or project that exists, so edits made since are kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from yrd.db import Database
from yrd.db.models import ExtractedRow, PlanRow, ProjectRow, TaskRow
from yrd.errors import NotFoundError
from yrd.regions.gazetteer import Region
from yrd.supervise import audit
from yrd.supervise.projects import regions_by_code
from yrd.supervise.records import now

_MAX_SOURCE_ID = 200


def source_key(plan_id: str, extracted_id: str) -> str:
    """The ``source_id`` of the task seeded from an extracted record (hashed if it would not fit)."""
    key = f"{plan_id}/{extracted_id}"
    if len(key) <= _MAX_SOURCE_ID:
        return key
    return f"{plan_id}/sha1:{hashlib.sha1(extracted_id.encode('utf-8')).hexdigest()}"


def chapter_of(eid: str) -> str:
    """The chapter part of a unit's eId: ``chp_3`` for ``chp_3__sec_1__para_2``."""
    return eid.split("__", 1)[0]


def _task_rows(session: Session, plan_id: str) -> list[dict[str, Any]]:
    existing = set(session.scalars(select(TaskRow.source_id).where(TaskRow.plan_id == plan_id)))
    query = (
        select(ExtractedRow)
        .where(ExtractedRow.plan_id == plan_id, ExtractedRow.kind == "task")
        .order_by(ExtractedRow.seq)
    )
    stamp = now()
    rows: list[dict[str, Any]] = []
    for rec in session.scalars(query):
        key = source_key(plan_id, rec.id)
        if key in existing:
            continue
        data = rec.data
        bodies = list(dict.fromkeys(data.get("bodies") or []))
        lead = bodies[0] if data.get("bodies_stated") and bodies else None
        horizon = data.get("horizon")
        rows.append({
            "plan_id": plan_id, "eid": rec.eid, "source_id": key, "title": data.get("title") or rec.text[:40],
            "text": rec.text, "chapter": chapter_of(rec.eid), "lead": lead,
            "partners": [b for b in bodies if b != lead], "deadline": f"{horizon}-12-31" if horizon else None,
            "milestones": [], "status": "not_started", "parent_id": None, "merged_into": None, "note": "",
            "version": 1, "created_at": stamp, "updated_at": stamp,
        })  # fmt: skip
        existing.add(key)
    return rows


def _lead(places: list[str], regions: Mapping[str, Region]) -> str | None:
    """The province of the places when every place is a known region of that one province."""
    if not places or any(p not in regions for p in places):
        return None
    provinces = {regions[p].province_code for p in places}
    return provinces.pop() if len(provinces) == 1 else None


def _project_rows(session: Session, plan_id: str) -> list[dict[str, Any]]:
    existing = set(session.scalars(select(ProjectRow.name).where(ProjectRow.plan_id == plan_id)))
    query = (
        select(ExtractedRow)
        .where(ExtractedRow.plan_id == plan_id, ExtractedRow.kind == "project")
        .order_by(ExtractedRow.seq)
    )
    by_name: dict[str, dict[str, Any]] = {}
    for rec in session.scalars(query):
        name = rec.data.get("name") or rec.text
        if name in existing:
            continue
        entry = by_name.setdefault(
            name, {"type": rec.data.get("type") or "other", "places": [], "mentions": []}
        )
        entry["mentions"].append(rec.id)
        entry["places"].extend(p for p in rec.data.get("places") or [] if p not in entry["places"])
    if not by_name:
        return []
    regions = regions_by_code(session)
    stamp = now()
    return [
        {
            "plan_id": plan_id,
            "name": name,
            "type": e["type"],
            "places": e["places"],
            "mentions": e["mentions"],
            "status": "planned",
            "start": None,
            "end": None,
            "lead": _lead(e["places"], regions),
            "note": "",
            "version": 1,
            "created_at": stamp,
            "updated_at": stamp,
        }
        for name, e in by_name.items()
    ]


def seed_supervision(db: Database, plan_id: str, *, actor: str = "system") -> dict[str, int]:
    """Create the tasks and projects of a plan's extracted records that do not exist yet.

    Returns how many were created: ``{"tasks": n, "projects": m}``. A call that creates something
    writes one audit entry (``supervision.seed`` on ``plan:<id>``, the counts as ``after``).

    Raises:
        NotFoundError: no such plan.
    """
    with db.write() as session:
        if session.get(PlanRow, plan_id) is None:
            raise NotFoundError(f"no plan {plan_id!r}: load it first (`yrd load`)")
        tasks = _task_rows(session, plan_id)
        projects = _project_rows(session, plan_id)
        if tasks:
            session.execute(insert(TaskRow), tasks)
        if projects:
            session.execute(insert(ProjectRow), projects)
        counts = {"tasks": len(tasks), "projects": len(projects)}
        if tasks or projects:
            audit.record(session, actor, "supervision.seed", f"plan:{plan_id}", None, counts)
    return counts
