"""The project register: listing and filters, edits with permissions, locking and audit, the map layer.
All projects and users are SYNTHETIC (the places are real GB/T 2260 codes)."""

from __future__ import annotations

import pytest

from tests.supervise.test_tasks import add_project, add_user
from yrd.db import Database
from yrd.errors import ConflictError, ForbiddenError, InputError, NotFoundError
from yrd.regions.gazetteer import load_gazetteer
from yrd.supervise import audit
from yrd.supervise.projects import get_project, list_projects, projects_geojson, update_project


def test_list_filters_and_bodies(db: Database) -> None:
    a = add_project(db, "SYNTHETIC 沪苏 railway", places=["310000", "320500"])
    b = add_project(db, "SYNTHETIC Hefei airport", places=["340100"], type="airport", status="preparing")
    c = add_project(db, "SYNTHETIC platform", lead="ndrc", type="platform")
    with db.read() as s:
        ids = lambda **kw: [p.id for p in list_projects(s, **kw)]  # noqa: E731
        assert ids() == [a, b, c]
        assert ids(type="airport") == [b] and ids(status="preparing") == [b]
        assert ids(body="340000") == [b] and ids(body="320500") == [a] and ids(body="ndrc") == [c]
        assert ids(q="沪苏") == [a] and ids(plan_id="nope") == []
        project = get_project(s, a)
        assert project.provinces == ("310000", "320000") and project.bodies == ("310000", "320000")
        assert get_project(s, c).bodies == ("ndrc",)
        with pytest.raises(InputError, match="'built' is not a project status"):
            list_projects(s, status="built")
        with pytest.raises(NotFoundError, match="no project with id 999"):
            get_project(s, 999)


def test_update_project(db: Database) -> None:
    pid = add_project(db, places=["340100"])
    cora = add_user(db, "cora", "coordinator")
    wan = add_user(db, "wan", "reporter", ["340000"])
    with pytest.raises(ForbiddenError, match="project:manage"):
        update_project(db, wan, pid, version=1, status="preparing")
    project = update_project(
        db,
        cora,
        pid,
        version=1,
        status="under_construction",
        start="2026-03-01",
        end="2028-12-31",
        lead="340000",
        note="SYNTHETIC",
    )
    assert (project.status, project.start, project.end, project.lead, project.version) == (
        "under_construction",
        "2026-03-01",
        "2028-12-31",
        "340000",
        2,
    )
    bad = [
        ({"status": "built"}, "'built' is not a project status"),
        ({"start": "2029-01-01"}, "start 2029-01-01 is after end 2028-12-31"),
        ({"end": "2026-13-01"}, "end '2026-13-01' is not a real date"),
        ({"lead": "no-such-body"}, "lead: 'no-such-body' is not a responsible body"),
        ({}, "nothing to change"),
    ]
    for kwargs, message in bad:
        with pytest.raises(InputError, match=message):
            update_project(db, cora, pid, version=2, **kwargs)
    with pytest.raises(
        ConflictError, match=f"project {pid} was changed by cora at .* after you read version 1"
    ):
        update_project(db, cora, pid, version=1, status="completed")
    project = update_project(db, cora, pid, version=2, end=None, lead=None)
    assert (project.end, project.lead, project.bodies) == (None, None, ("340000",))
    with db.read() as s:
        entries = audit.entries(s, entity=f"project:{pid}")
    assert [e.action for e in entries] == ["project.update", "project.update"]
    assert entries[1].before["status"] == "planned" and entries[1].after["status"] == "under_construction"
    assert entries[0].after == {**entries[0].before, "end": None, "lead": None, "version": 3}


def test_geojson_points_and_omitted(db: Database) -> None:
    add_project(db, "SYNTHETIC two cities", places=["320100", "340100"])
    add_project(db, "SYNTHETIC nowhere", places=[])
    add_project(db, "SYNTHETIC unknown place", places=["110000"])
    with db.read() as s:
        geo = projects_geojson(s, list_projects(s))
    g = load_gazetteer()
    nanjing, hefei = g.by_code("320100"), g.by_code("340100")
    assert geo["type"] == "FeatureCollection" and geo["omitted"] == 2
    [feature] = geo["features"]
    assert feature["geometry"]["type"] == "Point"
    lon, lat = feature["geometry"]["coordinates"]
    assert lon == pytest.approx((nanjing.lon + hefei.lon) / 2, abs=1e-6)
    assert lat == pytest.approx((nanjing.lat + hefei.lat) / 2, abs=1e-6)
    assert feature["properties"]["name"] == "SYNTHETIC two cities"
    assert feature["properties"]["places"] == ["320100", "340100"]
