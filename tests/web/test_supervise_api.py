"""The supervision API over HTTP: task lists and filters, assignment and the status workflow, progress
reports with evidence files (sniffed types, size limits, clean names, safe downloads), review, the
project register and its map, the supervisor's lists and the Excel export. Who may do what is checked
per role. Accounts and texts are SYNTHETIC (tests/web/logins.py)."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import NoMatchFound
from tests.web.logins import add_role_users, token_for

from yrd.db import Database
from yrd.settings import Settings
from yrd.supervise import progress, tasks
from yrd.supervise.roles import system
from yrd.web import api_supervise, pages_supervise
from yrd.web.app import create_app

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
ANHUI, SHANGHAI = "340000", "310000"


def build_app(db: Database, folder: Path) -> FastAPI:
    """The app, with the supervision routers included if the app does not include them yet."""
    app = create_app(Settings(data_dir=folder), db)
    if not _has(app, "download_evidence", "/api/evidence/1", file_id=1):
        app.include_router(api_supervise.router)
    if not _has(app, "report_review", "/reports/1/review", report_id=1):
        app.include_router(pages_supervise.router)
    return app


def _has(app: FastAPI, name: str, path: str, **params: Any) -> bool:
    try:
        return str(app.url_path_for(name, **params)) == path
    except NoMatchFound:
        return False


def copy_default(default_sqlite: Path, folder: Path) -> Database:
    path = folder / "supervise.sqlite"
    shutil.copyfile(default_sqlite, path)
    db = Database(f"sqlite:///{path}")
    add_role_users(db)
    return db


@pytest.fixture
def db(default_sqlite: Path, tmp_path: Path) -> Iterator[Database]:
    database = copy_default(default_sqlite, tmp_path)
    yield database
    database.dispose()


@pytest.fixture
def app(db: Database, tmp_path: Path) -> FastAPI:
    return build_app(db, tmp_path)


def as_user(app: FastAPI, username: str | None) -> TestClient:
    """A client with the user's bearer token (none: anonymous)."""
    headers = {"Authorization": f"Bearer {token_for(app.state.db, username)}"} if username else {}
    return TestClient(app, headers=headers)


def task_of(client: TestClient, body: str, without: str | None = None) -> dict[str, Any]:
    """An open, not-started task of a body (and not of another)."""
    for t in client.get("/api/tasks", params={"body": body, "status": "not_started"}).json()["data"]:
        codes = {b["code"] for b in [t["lead"], *t["partners"]] if b}
        if without is None or without not in codes:
            return t
    raise AssertionError(f"no task of {body} without {without}")


def shanghai_only(app: FastAPI) -> dict[str, Any]:
    """A task assigned to Shanghai alone (assigned here by the coordinator)."""
    coordinator = as_user(app, "coordinator")
    t = coordinator.get("/api/tasks", params={"status": "not_started"}).json()["data"][-1]
    done = coordinator.patch(
        f"/api/tasks/{t['id']}", json={"version": t["version"], "lead": SHANGHAI, "partners": []}
    )
    assert done.status_code == 200, done.text
    return done.json()


def file_report(
    client: TestClient, task_id: int, files: list[tuple[str, bytes, str]] | None = None, **fields: Any
):  # type: ignore[no-untyped-def]
    data = {"period": "2026Q3", "status": "in_progress", "narrative": "已开工建设。", "lang": "zh"} | fields
    upload = [("files", (name, io.BytesIO(content), ctype)) for name, content, ctype in (files or [])]
    return client.post(f"/api/tasks/{task_id}/reports", data=data, files=upload or None)


# ------------------------------------------------------------------------------------------------ reading


def test_tasks_list_filter_and_one_task(app: FastAPI) -> None:
    client = as_user(app, None)
    everything = client.get("/api/tasks").json()
    assert everything["count"] == len(everything["data"]) > 50
    anhui = client.get("/api/tasks", params={"body": ANHUI}).json()
    assert 0 < anhui["count"] <= everything["count"]
    assert all(ANHUI in {b["code"] for b in [t["lead"], *t["partners"]] if b} for t in anhui["data"])
    started = client.get("/api/tasks", params={"status": "in_progress"}).json()
    assert all(t["status"] == "in_progress" for t in started["data"])
    one = client.get(f"/api/tasks/{everything['data'][0]['id']}").json()
    assert {"overdue", "at_risk", "version", "links", "milestones", "moves"} <= set(one)
    assert one["links"]["unit"].startswith("/plans/")
    assert any(p["name_zh"] for p in one["partners"]) or one["lead"]
    assert client.get("/api/tasks", params={"status": "nonsense"}).status_code == 422
    assert client.get("/api/tasks/99999999").status_code == 404
    assert client.get(f"/api/tasks/{2**70}").status_code == 422
    assert client.get("/api/tasks/abc").status_code == 422
    assert client.get("/api/tasks", params={"chapter": "chp_3", "q": "都市圈"}).json()["count"] >= 1


def test_history_needs_audit_or_review(app: FastAPI) -> None:
    task_id = as_user(app, None).get("/api/tasks").json()["data"][0]["id"]
    assert as_user(app, None).get(f"/api/tasks/{task_id}/history").status_code == 401
    for role in ("public", "reporter"):
        assert as_user(app, role).get(f"/api/tasks/{task_id}/history").status_code == 403
    for role in ("analyst", "coordinator", "admin"):
        assert as_user(app, role).get(f"/api/tasks/{task_id}/history").status_code == 200


# ------------------------------------------------------------------------------------------ workflow


def test_coordinator_assigns_and_moves_and_a_stale_version_is_409(app: FastAPI) -> None:
    coordinator = as_user(app, "coordinator")
    t = task_of(coordinator, ANHUI)
    assigned = coordinator.patch(
        f"/api/tasks/{t['id']}",
        json={"version": t["version"], "lead": ANHUI, "partners": [SHANGHAI], "deadline": "2027-06-30",
              "milestones": [{"date": "2026-12-31", "label": "方案印发"}], "note": "按期推进"},
    )  # fmt: skip
    assert assigned.status_code == 200, assigned.text
    body = assigned.json()
    assert body["lead"]["code"] == ANHUI and [p["code"] for p in body["partners"]] == [SHANGHAI]
    assert body["deadline"] == "2027-06-30" and body["version"] == t["version"] + 1
    stale = coordinator.post(
        f"/api/tasks/{t['id']}/status", json={"status": "in_progress", "version": t["version"]}
    )
    assert stale.status_code == 409
    assert "coordinator" in stale.json()["error"] and "reload" in stale.json()["error"]
    moved = coordinator.post(
        f"/api/tasks/{t['id']}/status", json={"status": "in_progress", "version": body["version"]}
    )
    assert moved.status_code == 200 and moved.json()["status"] == "in_progress"
    wrong = coordinator.post(f"/api/tasks/{t['id']}/status", json={"status": "cancelled", "version": 1})
    assert wrong.status_code == 409
    bad_move = coordinator.post(
        f"/api/tasks/{t['id']}/status", json={"status": "not_started", "version": moved.json()["version"]}
    )
    assert bad_move.status_code == 409 and "cannot move" in bad_move.json()["error"]
    assert (
        coordinator.patch(f"/api/tasks/{t['id']}", json={"version": 1, "lead": "nowhere"}).status_code == 400
    )
    assert coordinator.patch(f"/api/tasks/{t['id']}", json={"version": 1}).status_code == 400
    history = coordinator.get(f"/api/tasks/{t['id']}/history").json()
    assert [e["action"] for e in history][:2] == ["task.status", "task.assign"]


def test_split_and_merge(app: FastAPI) -> None:
    coordinator = as_user(app, "coordinator")
    open_tasks = coordinator.get("/api/tasks", params={"status": "not_started"}).json()["data"]
    a, b, c = open_tasks[:3]
    split = coordinator.post(
        f"/api/tasks/{a['id']}/split", json={"titles": ["甲", "乙"], "version": a["version"]}
    )
    assert split.status_code == 201 and split.json()["count"] == 2
    assert (
        coordinator.post(f"/api/tasks/{a['id']}/split", json={"titles": ["x"], "version": 1}).status_code
        == 422
    )
    merged = coordinator.post(
        "/api/tasks/merge",
        json={"task_ids": [b["id"], c["id"]], "title": "合并任务", "versions": {str(b["id"]): b["version"],
                                                                           str(c["id"]): c["version"]}},
    )  # fmt: skip
    assert merged.status_code == 201, merged.text
    assert coordinator.get(f"/api/tasks/{b['id']}").json()["status"] == "superseded"
    assert (
        as_user(app, "reporter")
        .post("/api/tasks/merge", json={"task_ids": [1, 2], "title": "x", "versions": {}})
        .status_code
        == 403
    )


def test_reporter_of_anhui_works_on_anhui_tasks_only(app: FastAPI) -> None:
    reporter = as_user(app, "reporter")
    t = task_of(reporter, ANHUI)
    started = reporter.post(
        f"/api/tasks/{t['id']}/status", json={"status": "in_progress", "version": t["version"]}
    )
    assert started.status_code == 200, started.text
    delayed = reporter.post(
        f"/api/tasks/{t['id']}/status", json={"status": "delayed", "version": started.json()["version"]}
    )
    assert delayed.status_code == 200
    completed = reporter.post(
        f"/api/tasks/{t['id']}/status", json={"status": "completed", "version": delayed.json()["version"]}
    )
    assert completed.status_code == 403
    filed = file_report(reporter, t["id"], [("evidence.pdf", PDF, "application/pdf")], status="delayed")
    assert filed.status_code == 201, filed.text
    report = filed.json()
    assert report["review"] == "submitted" and report["body"]["code"] == ANHUI
    assert report["files"][0]["content_type"] == "application/pdf"
    # Shanghai only: no move, no report
    other = shanghai_only(app)
    assert (
        reporter.post(
            f"/api/tasks/{other['id']}/status", json={"status": "in_progress", "version": other["version"]}
        ).status_code
        == 403
    )
    assert file_report(reporter, other["id"]).status_code == 403
    # a reporter does not review; the public and analysts neither file nor move
    review = {"decision": "accept", "version": report["version"]}
    assert reporter.post(f"/api/reports/{report['id']}/review", json=review).status_code == 403
    for role in ("public", "analyst"):
        client = as_user(app, role)
        assert file_report(client, t["id"]).status_code == 403
        assert (
            client.post(
                f"/api/tasks/{t['id']}/status", json={"status": "in_progress", "version": 1}
            ).status_code
            == 403
        )
        assert client.patch(f"/api/tasks/{t['id']}", json={"version": 1, "note": "x"}).status_code == 403
    anonymous = as_user(app, None)
    assert file_report(anonymous, t["id"]).status_code == 401
    assert (
        anonymous.post(
            f"/api/tasks/{t['id']}/status", json={"status": "in_progress", "version": 1}
        ).status_code
        == 401
    )
    # not accepted yet: hidden from the public, visible to the author
    assert anonymous.get(f"/api/reports/{report['id']}").status_code == 404
    assert as_user(app, "reporter2").get(f"/api/reports/{report['id']}").status_code == 404
    assert reporter.get(f"/api/reports/{report['id']}").status_code == 200
    assert anonymous.get(f"/api/tasks/{t['id']}/reports").json()["count"] == 0


def test_review_accepts_and_moves_the_task_and_returns_need_a_comment(app: FastAPI) -> None:
    reporter, coordinator = as_user(app, "reporter"), as_user(app, "coordinator")
    t = task_of(reporter, ANHUI)
    first = file_report(reporter, t["id"]).json()
    refused = coordinator.post(
        f"/api/reports/{first['id']}/review", json={"decision": "return", "version": 1}
    )
    assert refused.status_code == 400
    returned = coordinator.post(
        f"/api/reports/{first['id']}/review",
        json={"decision": "return", "comment": "请补充材料", "version": 1},
    )
    assert returned.status_code == 200 and returned.json()["review"] == "returned"
    edited = reporter.patch(f"/api/reports/{first['id']}", json={"version": returned.json()["version"],
                                                                 "narrative": "已补充材料。"})  # fmt: skip
    assert edited.status_code == 200 and edited.json()["review"] == "submitted"
    accepted = coordinator.post(
        f"/api/reports/{first['id']}/review", json={"decision": "accept", "version": edited.json()["version"]}
    )
    assert accepted.status_code == 200, accepted.text
    assert coordinator.get(f"/api/tasks/{t['id']}").json()["status"] == "in_progress"
    assert as_user(app, None).get(f"/api/reports/{first['id']}").status_code == 200
    again = coordinator.post(f"/api/reports/{first['id']}/review", json={"decision": "accept", "version": 99})
    assert again.status_code == 409


# ------------------------------------------------------------------------------------------ evidence


def test_uploads_are_sniffed_limited_and_named_safely(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    coordinator = as_user(app, "coordinator")
    t = task_of(coordinator, ANHUI)
    exe = file_report(coordinator, t["id"], [("x.pdf", b"MZ\x90\x00" + b"\x00" * 64, "application/pdf")])
    assert (
        exe.status_code == 400 and "x.pdf" in exe.json()["error"] and "Windows program" in exe.json()["error"]
    )
    monkeypatch.setattr(progress, "MAX_FILE_BYTES", 1000)
    big = file_report(coordinator, t["id"], [("big.pdf", PDF + b"0" * 5000, "application/pdf")])
    assert big.status_code in (400, 413) and "big.pdf" in big.json()["error"]
    monkeypatch.undo()
    sneaky = file_report(coordinator, t["id"], [("../../etc/passwd", PDF, "text/plain")])
    assert sneaky.status_code == 201, sneaky.text
    stored = sneaky.json()["files"][0]
    assert "/" not in stored["name"] and ".." not in stored["name"] and stored["name"].startswith("passwd")
    download = coordinator.get(stored["href"])
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["x-content-type-options"] == "nosniff"
    disposition = download.headers["content-disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''passwd" in disposition
    assert "/" not in disposition.split("filename=")[1]
    assert as_user(app, None).get(stored["href"]).status_code == 404  # its report is not accepted yet
    assert as_user(app, None).get("/api/evidence/99999999").status_code == 404
    chinese = file_report(coordinator, t["id"], [("进度 报告.pdf", PDF, "application/pdf")]).json()
    header = coordinator.get(chinese["files"][0]["href"]).headers["content-disposition"]
    assert "filename*=UTF-8''%E8%BF%9B%E5%BA%A6%20%E6%8A%A5%E5%91%8A.pdf" in header
    too_many = file_report(coordinator, t["id"], [(f"{i}.pdf", PDF, "application/pdf") for i in range(6)])
    assert too_many.status_code == 400


def test_browser_json_writes_need_the_csrf_header(app: FastAPI, db: Database) -> None:
    from tests.web.logins import login

    client = TestClient(app)
    token = login(client, "coordinator")
    t = task_of(client, ANHUI)
    move = {"status": "in_progress", "version": t["version"]}
    assert client.post(f"/api/tasks/{t['id']}/status", json=move).status_code == 403
    assert (
        client.post(f"/api/tasks/{t['id']}/status", json=move, headers={"X-CSRF-Token": token}).status_code
        == 200
    )


# ------------------------------------------------------------------------------------- lists, projects


def test_lists_export_and_body_view(app: FastAPI) -> None:
    import openpyxl

    client = as_user(app, None)
    for path in ("/api/overdue", "/api/at-risk"):
        answer = client.get(path).json()
        assert answer["count"] == len(answer["data"])
    xlsx = client.get("/api/tasks.xlsx", params={"body": ANHUI, "lang": "en"})
    assert xlsx.status_code == 200 and xlsx.headers["content-type"].startswith("application/vnd.openxml")
    assert "attachment" in xlsx.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    sheet = book["Tasks"]
    assert sheet.cell(1, 1).value == "ID"
    assert sheet.max_row - 1 == client.get("/api/tasks", params={"body": ANHUI}).json()["count"]
    assert client.get("/api/tasks.xlsx", params={"lang": "fr"}).status_code == 422
    view = client.get(f"/api/bodies/{ANHUI}/owes", params={"quarter": "2025Q4"})
    assert view.status_code == 200, view.text
    assert view.json()["body"]["code"] == ANHUI and view.json()["start"] == "2025-10-01"
    assert any(t["deadline"] == "2025-12-31" for t in view.json()["due"])
    assert client.get("/api/bodies/nowhere/owes").status_code == 400
    assert client.get(f"/api/bodies/{ANHUI}/owes", params={"quarter": "0000Q1"}).status_code == 422


def test_projects_register_edit_and_geojson(app: FastAPI) -> None:
    client = as_user(app, None)
    register = client.get("/api/projects").json()
    assert register["count"] > 100
    p = register["data"][0]
    assert client.get(f"/api/projects/{p['id']}").json()["name"] == p["name"]
    geo = client.get("/api/projects.geojson").json()
    assert geo["type"] == "FeatureCollection" and geo["features"]
    assert geo["features"][0]["geometry"]["type"] == "Point"
    assert client.get("/api/projects", params={"status": "nonsense"}).status_code == 422
    coordinator = as_user(app, "coordinator")
    change = {"version": p["version"], "status": "preparing", "start": "2024-01-01"}
    edited = coordinator.patch(f"/api/projects/{p['id']}", json=change)
    assert edited.status_code == 200 and edited.json()["status"] == "preparing"
    assert (
        coordinator.patch(f"/api/projects/{p['id']}", json={"version": p["version"], "note": "x"}).status_code
        == 409
    )
    assert (
        as_user(app, "reporter")
        .patch(f"/api/projects/{p['id']}", json={"version": 2, "note": "x"})
        .status_code
        == 403
    )
    fields = {"period": "2026", "status": "under_construction", "narrative": "开工。"}
    filed = coordinator.post(f"/api/projects/{p['id']}/reports", data=fields)
    assert filed.status_code == 201, filed.text
    assert coordinator.get(f"/api/projects/{p['id']}/reports").json()["count"] == 1


def test_the_openapi_description_covers_every_route(app: FastAPI) -> None:
    spec = app.openapi()
    ours = {
        path: ops
        for path, ops in spec["paths"].items()
        if any("supervision" in o.get("tags", []) for o in ops.values())
    }
    assert len(ours) >= 18
    for path, ops in ours.items():
        for method, op in ops.items():
            assert op.get("summary"), (method, path)
            if op.get("parameters") or op.get("requestBody"):  # what can be wrong is described
                assert set(op["responses"]) - {"200", "201", "422"}, (method, path)


def test_system_seeded_tasks_keep_their_count(db: Database) -> None:
    with db.read() as session:
        assert len(tasks.list_tasks(session)) == 93
    assert system("x").can("task:manage")
