"""The register of the plan's major projects: status, dates and lead body, and a map layer of them.

A project is one name of the plan's text (`yrd.supervise.seed` folds its mentions together). Its
responsible bodies are its lead when one is set, else the provinces its places lie in: those are the
bodies whose reporters may report on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yrd.db import Database
from yrd.db.models import ProjectRow
from yrd.errors import InputError, NotFoundError
from yrd.regions.gazetteer import Region
from yrd.regions.store import list_regions
from yrd.supervise.bodies import check_body
from yrd.supervise.records import (
    UNSET,
    _Unset,
    check_date,
    check_text,
    now,
    snapshot,
    utc,
    versioned,
)
from yrd.supervise.roles import Principal

PROJECT_STATUSES = ("planned", "preparing", "under_construction", "completed")
MAX_NOTE = 20_000
_FIELDS = ("id", "plan_id", "name", "type", "places", "mentions", "status", "start", "end", "lead", "note",
           "version")  # fmt: skip


@dataclass(frozen=True)
class Project:
    id: int
    plan_id: str
    name: str
    type: str
    places: tuple[str, ...]  # GB/T 2260 codes
    mentions: tuple[str, ...]  # ids of the extracted records that name it
    status: str
    start: str | None
    end: str | None
    lead: str | None
    note: str
    version: int
    created_at: datetime
    updated_at: datetime
    provinces: tuple[str, ...] = ()  # the provinces its places lie in

    @property
    def bodies(self) -> tuple[str, ...]:
        """Who answers for it: the lead, or else the provinces of its places."""
        return (self.lead,) if self.lead else self.provinces


def regions_by_code(session: Session) -> dict[str, Region]:
    """Every region (the table, or the shipped gazetteer before it is seeded)."""
    return {r.code: r for r in list_regions(session)}


def provinces_of(places: Iterable[str], regions: Mapping[str, Region]) -> tuple[str, ...]:
    """The provinces of the places that are known regions, in the order of the places."""
    found = (regions[p].province_code for p in places if p in regions)
    return tuple(dict.fromkeys(found))


def _project(row: ProjectRow, regions: Mapping[str, Region]) -> Project:
    return Project(
        id=row.id,
        plan_id=row.plan_id,
        name=row.name,
        type=row.type,
        places=tuple(row.places or ()),
        mentions=tuple(row.mentions or ()),
        status=row.status,
        start=row.start,
        end=row.end,
        lead=row.lead,
        note=row.note,
        version=row.version,
        created_at=utc(row.created_at) or row.created_at,
        updated_at=utc(row.updated_at) or row.updated_at,
        provinces=provinces_of(row.places or (), regions),
    )


def snapshot_project(row: ProjectRow) -> dict[str, Any]:
    return snapshot(row, _FIELDS)


def check_project_status(status: object) -> str:
    if status not in PROJECT_STATUSES:
        raise InputError(
            f"status {status!r} is not a project status: use one of {', '.join(PROJECT_STATUSES)}"
        )
    return str(status)


def list_projects(
    session: Session,
    *,
    plan_id: str | None = None,
    type: str | None = None,
    status: str | None = None,
    body: str | None = None,
    q: str | None = None,
) -> list[Project]:
    """Projects in id order; ``body`` matches the lead, a province or a place, ``q`` the name.

    Raises:
        InputError: an unknown status.
    """
    query = select(ProjectRow).order_by(ProjectRow.id)
    if plan_id is not None:
        query = query.where(ProjectRow.plan_id == plan_id)
    if type:
        query = query.where(ProjectRow.type == type)
    if status:
        query = query.where(ProjectRow.status == check_project_status(status))
    if q and q.strip():
        query = query.where(ProjectRow.name.ilike(f"%{q.strip()}%"))
    regions = regions_by_code(session)
    projects = [_project(r, regions) for r in session.scalars(query)]
    if body:
        projects = [p for p in projects if body == p.lead or body in p.provinces or body in p.places]
    return projects


def get_project(session: Session, project_id: int) -> Project:
    """One project.

    Raises:
        NotFoundError: no project has that id.
    """
    row = session.get(ProjectRow, project_id)
    if row is None:
        raise NotFoundError(f"no project with id {project_id}")
    return _project(row, regions_by_code(session))


def update_project(
    db: Database,
    actor: Principal,
    project_id: int,
    *,
    version: int,
    status: str | _Unset = UNSET,
    start: str | date | _Unset | None = UNSET,
    end: str | date | _Unset | None = UNSET,
    lead: str | _Unset | None = UNSET,
    note: str | _Unset = UNSET,
) -> Project:
    """Edit a project's register entry (what is given; None clears a date or the lead).

    Raises:
        ForbiddenError / AuthError: without ``project:manage``.
        InputError: an unknown status or body, a bad date, a start after the end, nothing to change.
        NotFoundError: no such project.
        ConflictError: the project changed since ``version`` was read.
    """
    actor.require("project:manage")
    if all(v is UNSET for v in (status, start, end, lead, note)):
        raise InputError("nothing to change: give status, start, end, lead or note")
    new_status = status if isinstance(status, _Unset) else check_project_status(status)
    new_start = start if isinstance(start, _Unset) else check_date(start, "start")
    new_end = end if isinstance(end, _Unset) else check_date(end, "end")
    new_note = note if isinstance(note, _Unset) else check_text(note, "note", max_len=MAX_NOTE)
    with db.read() as session:
        new_lead = lead if isinstance(lead, _Unset) or not lead else check_body(lead, "lead")
        regions = regions_by_code(session)
    with versioned(db, actor.username) as tx:
        row = tx.load(ProjectRow, project_id, "project", version)
        before = snapshot_project(row)
        if not isinstance(new_status, _Unset):
            row.status = new_status
        if not isinstance(new_start, _Unset):
            row.start = new_start
        if not isinstance(new_end, _Unset):
            row.end = new_end
        if row.start and row.end and row.start > row.end:
            raise InputError(f"start {row.start} is after end {row.end}")
        if not isinstance(new_lead, _Unset):
            row.lead = new_lead or None
        if not isinstance(new_note, _Unset):
            row.note = new_note
        row.updated_at = now()
        tx.session.flush()
        tx.log("project.update", f"project:{project_id}", before, snapshot_project(row))
        project = _project(row, regions)
    return project


def projects_geojson(session: Session, projects: Iterable[Project]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection with one Point per project: the mean of its places' points.

    Projects none of whose places is a known region are left out; ``omitted`` counts them.
    """
    regions = regions_by_code(session)
    features: list[dict[str, Any]] = []
    omitted = 0
    for p in projects:
        points = [(regions[c].lon, regions[c].lat) for c in p.places if c in regions]
        if not points:
            omitted += 1
            continue
        lon = round(sum(x for x, _ in points) / len(points), 6)
        lat = round(sum(y for _, y in points) / len(points), 6)
        features.append({
            "type": "Feature",
            "id": p.id,
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"id": p.id, "name": p.name, "type": p.type, "status": p.status, "lead": p.lead,
                           "places": list(p.places), "start": p.start, "end": p.end},
        })  # fmt: skip
    return {"type": "FeatureCollection", "features": features, "omitted": omitted}
