"""The supervision pages as a browser without script uses them: the board's filters, the moves and
forms each role sees, the report form (CSRF, errors that keep what was typed), review, escaping of
everything typed, the project register and a body's quarter. Accounts and texts are SYNTHETIC."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.web.logins import login
from tests.web.test_supervise_api import ANHUI, PDF, as_user, build_app, copy_default, shanghai_only, task_of

from yrd.db import Database

SCRIPT = "<script>alert(1)</script>"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def browser(app: FastAPI, username: str | None = None) -> tuple[TestClient, str]:
    """A browser (cookies, no redirects followed), logged in through the form when a user is given."""
    client = TestClient(app, follow_redirects=False)
    token = login(client, username) if username else CSRF.search(client.get("/login").text).group(1)  # type: ignore[union-attr]
    return client, token


@pytest.fixture
def app(default_sqlite: Path, tmp_path: Path) -> Iterator[FastAPI]:
    db: Database = copy_default(default_sqlite, tmp_path)
    yield build_app(db, tmp_path)
    db.dispose()


@pytest.fixture
def visitor(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as c:
        yield c


def test_board_filters_render(app: FastAPI, visitor: TestClient) -> None:
    page = visitor.get("/tasks")
    assert page.status_code == 200 and 'id="tasks"' in page.text
    assert 'rel="alternate" type="application/json" href="/api/tasks"' in page.text
    everything = page.text.count("data-task=")
    anhui = visitor.get("/tasks", params={"body": ANHUI})
    assert 0 < anhui.text.count("data-task=") <= everything
    assert f"/api/tasks.xlsx?body={ANHUI}" in anhui.text
    delayed = visitor.get("/tasks", params={"status": "not_started"})
    assert set(re.findall(r'data-task="\d+" data-status="(\w+)"', delayed.text)) == {"not_started"}
    assert visitor.get("/tasks", params={"status": "<b>"}).status_code == 200
    assert visitor.get("/tasks", params={"overdue": "true", "at_risk": "true"}).status_code == 200
    assert visitor.get("/overdue").status_code == 200
    assert visitor.get("/tasks/99999999").status_code == 404


def test_task_page_shows_the_moves_each_role_may_make(app: FastAPI) -> None:
    t = task_of(as_user(app, None), ANHUI)
    url = f"/tasks/{t['id']}"
    anonymous = TestClient(app).get(url).text
    assert (
        "data-move=" not in anonymous
        and 'id="assign-form"' not in anonymous
        and 'id="report-link"' not in anonymous
    )
    assert 'id="comments"' in anonymous and f"/plans/{t['plan_id']}/units/" in anonymous
    reporter, _ = browser(app, "reporter")
    page = reporter.get(url).text
    assert set(re.findall(r'data-move="(\w+)"', page)) == {"in_progress", "delayed"}
    assert 'id="report-link"' in page and 'id="assign-form"' not in page and 'id="history"' not in page
    coordinator, _ = browser(app, "coordinator")
    page = coordinator.get(url).text
    assert {"in_progress", "delayed", "completed", "cancelled"} <= set(re.findall(r'data-move="(\w+)"', page))
    assert 'id="assign-form"' in page and 'id="history"' in page
    for role in ("public", "analyst"):
        client, _ = browser(app, role)
        page = client.get(url).text
        assert "data-move=" not in page and 'id="report-link"' not in page
        assert client.get(f"{url}/report").status_code == 403
    assert 'id="history"' in browser(app, "analyst")[0].get(url).text
    other = shanghai_only(app)
    assert "data-move=" not in reporter.get(f"/tasks/{other['id']}").text
    assert reporter.get(f"/tasks/{other['id']}/report").status_code == 403
    login_redirect = TestClient(app, follow_redirects=False).get(f"{url}/report")
    assert login_redirect.status_code == 303 and login_redirect.headers["location"].startswith("/login")


def test_status_and_assign_forms_and_a_stale_version(app: FastAPI) -> None:
    coordinator, token = browser(app, "coordinator")
    t = task_of(as_user(app, None), ANHUI)
    url = f"/tasks/{t['id']}"
    moved = coordinator.post(
        f"{url}/status", data={"csrf_token": token, "status": "in_progress", "version": t["version"]}
    )
    assert moved.status_code == 303 and moved.headers["location"] == f"{url}?done=status"
    assign = {"csrf_token": token, "deadline": "2027-01-31", "note": SCRIPT, "lead": ANHUI}
    stale = coordinator.post(f"{url}/assign", data={**assign, "version": t["version"]})
    assert stale.status_code == 409 and "reload" in stale.text and 'id="task-error"' in stale.text
    assert "coordinator" in stale.text
    assert (
        SCRIPT not in stale.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in stale.text
    )  # the draft is kept
    saved = coordinator.post(f"{url}/assign", data={**assign, "version": t["version"] + 1})
    assert saved.status_code == 303
    page = coordinator.get(url).text
    assert "2027-01-31" in page and SCRIPT not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert (
        coordinator.post(f"{url}/status", data={"status": "delayed", "version": 1}).status_code == 403
    )  # no CSRF


def test_report_form_files_reviews_and_escapes(app: FastAPI) -> None:
    reporter, token = browser(app, "reporter")
    t = task_of(as_user(app, None), ANHUI)
    form_url = f"/tasks/{t['id']}/report"
    form = reporter.get(form_url)
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.text
    fields = {
        "period": "2026Q3",
        "status": "in_progress",
        "narrative": SCRIPT,
        "lang": "zh",
        "links": "",
        "indicators": "",
    }
    # no CSRF token: refused
    assert (
        reporter.post(form_url, data=fields, files=[("files", ("a.pdf", PDF, "application/pdf"))]).status_code
        == 403
    )
    # a bad period: the form again, with the message and what was typed
    bad = reporter.post(form_url, data={**fields, "period": "someday", "csrf_token": token})
    assert bad.status_code == 400 and "someday" in bad.text and 'id="form-error"' in bad.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in bad.text and SCRIPT not in bad.text
    exe = reporter.post(form_url, data={**fields, "csrf_token": token},
                        files=[("files", ("x.pdf", b"MZ" + b"\x00" * 40, "application/pdf"))])  # fmt: skip
    assert exe.status_code == 400 and "x.pdf" in exe.text
    filed = reporter.post(form_url, data={**fields, "csrf_token": token},
                          files=[("files", ("证明.pdf", PDF, "application/pdf"))])  # fmt: skip
    assert filed.status_code == 303, filed.text
    report_url = filed.headers["location"].split("?")[0]
    page = reporter.get(report_url).text
    assert "证明.pdf" in page and "/api/evidence/" in page
    assert SCRIPT not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'id="review-form"' not in page
    task_page = reporter.get(f"/tasks/{t['id']}").text
    assert report_url in task_page and SCRIPT not in task_page
    assert TestClient(app).get(report_url).status_code == 404  # not accepted: not public
    coordinator, ctoken = browser(app, "coordinator")
    review_page = coordinator.get(report_url).text
    assert 'id="review-form"' in review_page
    no_comment = coordinator.post(
        f"{report_url}/review", data={"csrf_token": ctoken, "decision": "return", "version": 1}
    )
    assert no_comment.status_code == 400 and 'id="review-error"' in no_comment.text
    accepted = coordinator.post(
        f"{report_url}/review", data={"csrf_token": ctoken, "decision": "accept", "version": 1}
    )
    assert accepted.status_code == 303
    assert as_user(app, None).get(f"/api/tasks/{t['id']}").json()["status"] == "in_progress"
    assert TestClient(app).get(report_url).status_code == 200


def test_projects_register_page_body_view(app: FastAPI, visitor: TestClient) -> None:
    register = visitor.get("/projects")
    assert (
        register.status_code == 200
        and 'id="projects-map"' in register.text
        and "projects_map.js" in register.text
    )
    first = re.search(r'data-project="(\d+)"', register.text).group(1)  # type: ignore[union-attr]
    page = visitor.get(f"/projects/{first}")
    assert page.status_code == 200 and 'id="comments"' in page.text and 'id="project-form"' not in page.text
    coordinator, token = browser(app, "coordinator")
    assert 'id="project-form"' in coordinator.get(f"/projects/{first}").text
    version = as_user(app, None).get(f"/api/projects/{first}").json()["version"]
    edit = {"csrf_token": token, "version": version, "status": "preparing", "note": SCRIPT}
    saved = coordinator.post(f"/projects/{first}/edit", data=edit)
    assert saved.status_code == 303
    shown = visitor.get(f"/projects/{first}").text
    assert SCRIPT not in shown and "&lt;script&gt;" in shown
    body = visitor.get(f"/bodies/{ANHUI}", params={"quarter": "2025Q4"})
    assert body.status_code == 200 and 'id="due"' in body.text and "2025Q3" in body.text
    assert visitor.get("/bodies/nowhere").status_code == 400
