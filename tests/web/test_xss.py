"""Script in every text field a user can fill, stored and reflected: every page that shows it shows it
as text. Accounts and records are SYNTHETIC, on a copy of the prepared default."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.web.logins import add_role_users, login, token_for

from yrd.db import Database
from yrd.settings import Settings
from yrd.supervise import accounts, comments, progress, projects, tasks
from yrd.supervise.roles import ANONYMOUS, system
from yrd.web import urls
from yrd.web.app import create_app

SCRIPT = "<script>alert('xss')</script>"
TAG = '"><img src=x onerror=alert(1)>'
PAYLOADS = (SCRIPT, TAG)
PLAN = "yrd-outline-2019"
UNIT = "chp_5__sec_1__para_3"


def _raw(text: str) -> list[str]:
    """The payloads found unescaped in a page."""
    return [p for p in PAYLOADS if p in text or "<script>alert(" in text or "<img src=x" in text]


@pytest.fixture(scope="module")
def site(default_sqlite: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("xss")
    shutil.copyfile(default_sqlite, folder / "yrd.sqlite")
    db = Database(f"sqlite:///{folder / 'yrd.sqlite'}")
    add_role_users(db)
    admin = system("tests")
    text = f"{SCRIPT} {TAG}"
    accounts.update_user(db, admin, "coordinator", display_name=text)
    accounts.create_token(db, admin, "coordinator", name=text)
    with db.read() as session:
        task = next(t for t in tasks.list_tasks(session) if "340000" in t.bodies)
        project = projects.list_projects(session)[0]
        reporter = accounts.get_user(session, "reporter").principal()
    task = tasks.assign_task(db, admin, task.id, version=task.version, note=text, lead="340000",
                             milestones=[{"date": "2026-12-31", "label": text, "done": False}])  # fmt: skip
    projects.update_project(db, admin, project.id, version=project.version, note=text)
    report = progress.file_report(
        db, reporter, task_id=task.id, period="2026Q3", status="in_progress", narrative=text,
        links=["https://example.org/?q=%3Cscript%3E"],
        files=[progress.Upload(f"{TAG}.pdf", "application/pdf", b"%PDF-1.4\n% SYNTHETIC\n")],
    )  # fmt: skip
    for kind, subject in (("unit", UNIT), ("task", str(task.id)), ("project", str(project.id))):
        posted = comments.post_comment(db, ANONYMOUS, subject_kind=kind, subject_id=subject, plan_id=PLAN,
                                       text=text, author_name=TAG, client=f"xss-{kind}")  # fmt: skip
        if kind != "project":  # one stays pending, for the moderation queue
            comments.moderate(db, admin, posted.id, decision="publish", version=posted.version)
    app = create_app(Settings(data_dir=folder), db)
    yield {"db": db, "app": app, "task": task.id, "project": project.id, "report": report.id}
    db.dispose()


def test_stored_script_is_shown_as_text_on_every_page(site: dict[str, Any]) -> None:
    admin = TestClient(site["app"])
    login(admin, "admin")
    pages = [
        "/", urls.permalink(PLAN, UNIT), "/tasks", f"/tasks/{site['task']}", f"/reports/{site['report']}",
        "/projects", f"/projects/{site['project']}", "/moderation", "/admin/users", "/audit",
        "/bodies/340000", "/overdue",
    ]  # fmt: skip
    for path in pages:
        answer = admin.get(path)
        assert answer.status_code == 200, path
        assert _raw(answer.text) == [], path
    shown = admin.get(f"/tasks/{site['task']}").text
    assert "&lt;script&gt;alert(" in shown  # there, as text
    coordinator = TestClient(site["app"])
    login(coordinator, "coordinator")
    assert _raw(coordinator.get("/account").text) == []  # the display name in the header, the token name


def test_reflected_input_is_escaped(site: dict[str, Any]) -> None:
    client = TestClient(site["app"])
    for path, params in (
        ("/tasks", {"q": SCRIPT, "chapter": TAG, "body": TAG, "status": SCRIPT}),
        ("/projects", {"q": SCRIPT, "type": TAG, "status": TAG, "body": SCRIPT}),
        ("/overdue", {"body": SCRIPT}),
        (f"/bodies/{TAG}", {"quarter": SCRIPT}),
        ("/login", {"next": f"/{TAG}"}),
        ("/search", {"q": SCRIPT}),
        (f"/tasks/{site['task']}", {"done": SCRIPT}),
        (urls.permalink(PLAN, UNIT), {"commented": SCRIPT}),
    ):
        answer = client.get(path, params=params)
        assert answer.status_code < 500, path
        assert _raw(answer.text) == [], (path, answer.status_code)


def test_links_and_file_names_cannot_carry_script(site: dict[str, Any]) -> None:
    bearer = {"Authorization": f"Bearer {token_for(site['db'], 'reporter')}"}
    client = TestClient(site["app"])
    form = {"period": "2026Q4", "status": "in_progress", "narrative": "x"}
    for link in ("javascript:alert(1)", f"https://example.org/{TAG}"):
        refused = client.post(
            f"/api/tasks/{site['task']}/reports", headers=bearer, data={**form, "links": link}
        )
        assert refused.status_code == 400 and "not a web address" in refused.json()["error"]
    report = client.get(f"/api/reports/{site['report']}", headers=bearer).json()
    evidence = client.get(report["files"][0]["href"], headers=bearer)
    assert evidence.headers["content-disposition"].startswith("attachment;")
    assert evidence.headers["x-content-type-options"] == "nosniff"
    fallback = evidence.headers["content-disposition"].split('filename="')[1].split('";')[0]
    assert '"' not in fallback and "\r" not in fallback and "\n" not in fallback  # no header injection
