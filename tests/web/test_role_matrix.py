"""The whole matrix of role × endpoint: every write and every restricted read, asked by each role,
is allowed or refused as docs/supervision.md says — and no route is left out of the table.

"Allowed" means the server did not refuse on who is asking (any status but 401 and 403; a 404, 409
or 422 from the request itself is fine); "refused" means 401 for the anonymous and 403 for everyone
else — or 404 where a record is hidden from those who may not see it. The API is asked with each
role's bearer token, the pages' forms through a logged-in browser session with its CSRF token.
Accounts and records are SYNTHETIC, on a copy of the prepared default.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from tests.web.logins import add_role_users, login, token_for

from yrd.db import Database
from yrd.policies import store as policies
from yrd.settings import Settings
from yrd.supervise import accounts, comments, progress, projects, tasks
from yrd.supervise.roles import ANONYMOUS, system
from yrd.web.app import create_app

WHO = ("anonymous", "public", "reporter", "reporter2", "analyst", "coordinator", "admin")
EVERYONE = frozenset(WHO)
LOGGED_IN = EVERYONE - {"anonymous"}
COORDINATION = frozenset({"coordinator", "admin"})
AUDIT = frozenset({"analyst", "coordinator", "admin"})
# The reporter acts for Anhui (340000): the task and project used below are Anhui's; reporter2
# acts for Shanghai only and is refused on them like a role without the permission.
REPORTING = frozenset({"reporter", "coordinator", "admin"})
PDF = b"%PDF-1.4\n% SYNTHETIC evidence\n"
NOTICE = (Path(__file__).parents[1] / "data" / "policy_docs" / "notice.txt").read_bytes()  # SYNTHETIC


@dataclass(frozen=True)
class Cell:
    method: str
    path: str  # the route's template, e.g. /api/tasks/{task_id}
    allowed: frozenset[str]
    send: Callable[[dict[str, Any]], dict[str, Any]] | None = None  # request kwargs from the fixtures
    hidden: bool = False  # refusals may be 404 (the record is not shown to them at all)
    allowed_also: frozenset[int] = frozenset()  # statuses that still mean "allowed" (a wrong password)


def _json(body: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda ids: {"json": body(ids)}


def _form(body: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda ids: {"data": body(ids)}


def _report_form(ids: dict[str, Any]) -> dict[str, Any]:
    return {
        "data": {"period": "2026Q4", "status": "in_progress", "narrative": "SYNTHETIC progress"},
        "files": [("files", ("note.pdf", PDF, "application/pdf"))],
    }


API: list[Cell] = [
    Cell("GET", "/api/me", EVERYONE),
    Cell("GET", "/api/tokens", LOGGED_IN),
    Cell("POST", "/api/tokens", LOGGED_IN, _json(lambda ids: {"name": "matrix"})),
    Cell("DELETE", "/api/tokens/{token_id}", LOGGED_IN),  # an unknown id: 404 for those allowed
    Cell("GET", "/api/users", frozenset({"admin"})),
    Cell(
        "POST",
        "/api/users",
        frozenset({"admin"}),
        _json(lambda ids: {"username": "made-by-matrix", "password": "x" * 12, "role": "public"}),
    ),
    Cell("PATCH", "/api/users/{username}", frozenset({"admin"}), _json(lambda ids: {"display_name": "M"})),
    Cell("GET", "/api/audit", AUDIT),
    Cell("GET", "/api/audit/verify", AUDIT),
    Cell(
        "POST",
        "/api/observations/import",
        frozenset({"analyst", "admin"}),
        lambda ids: {
            "files": [("files", ("a.csv", b"region,indicator,period,value\n", "text/csv"))],
            "data": {"dry_run": "true"},
        },
    ),
    Cell("GET", "/api/comments", EVERYONE),
    Cell(
        "POST",
        "/api/comments",
        EVERYONE,
        _json(lambda ids: {"subject_kind": "task", "subject_id": str(ids["task"]), "text": "SYNTHETIC"}),
    ),
    Cell("GET", "/api/comments/queue", COORDINATION),
    Cell(
        "POST",
        "/api/comments/{comment_id}/moderation",
        COORDINATION,
        _json(lambda ids: {"decision": "publish", "version": ids["comment_version"]()}),
    ),
    Cell("GET", "/api/tasks", EVERYONE),
    Cell("GET", "/api/tasks.xlsx", EVERYONE),
    Cell("GET", "/api/tasks/{task_id}", EVERYONE),
    Cell("GET", "/api/tasks/{task_id}/history", AUDIT | COORDINATION),
    Cell(
        "PATCH",
        "/api/tasks/{task_id}",
        COORDINATION,
        _json(lambda ids: {"note": "SYNTHETIC note", "version": ids["task_version"]()}),
    ),
    Cell(
        "POST",
        "/api/tasks/{task_id}/status",
        REPORTING,
        _json(lambda ids: {"status": "delayed", "version": ids["task_version"]()}),
    ),
    Cell(
        "POST",
        "/api/tasks/{task_id}/split",
        COORDINATION,
        _json(lambda ids: {"titles": ["SYNTHETIC a"], "version": 1}),
    ),  # a stale version: 409 when allowed
    Cell(
        "POST",
        "/api/tasks/merge",
        COORDINATION,
        _json(lambda ids: {"task_ids": [ids["task"]], "title": "M", "versions": {}}),
    ),
    Cell("GET", "/api/overdue", EVERYONE),
    Cell("GET", "/api/at-risk", EVERYONE),
    Cell("GET", "/api/bodies/{code}/owes", EVERYONE),
    Cell("GET", "/api/tasks/{task_id}/reports", EVERYONE),
    Cell("POST", "/api/tasks/{task_id}/reports", REPORTING, _report_form),
    Cell("GET", "/api/projects/{project_id}/reports", EVERYONE),
    Cell(
        "POST",
        "/api/projects/{project_id}/reports",
        REPORTING,
        lambda ids: {"data": {"period": "2026Q4", "status": "preparing", "narrative": "SYNTHETIC"}},
    ),
    Cell("GET", "/api/reports/{report_id}", frozenset({"reporter", "coordinator", "admin"}), hidden=True),
    Cell(
        "PATCH",
        "/api/reports/{report_id}",
        frozenset({"reporter"}),
        _json(lambda ids: {"narrative": "SYNTHETIC edit", "version": ids["report_version"]()}),
        hidden=True,
    ),
    Cell(
        "POST",
        "/api/reports/{report_id}/review",
        COORDINATION,
        _json(lambda ids: {"decision": "return", "comment": "more", "version": ids["report_version"]()}),
        hidden=True,
    ),
    Cell("GET", "/api/evidence/{file_id}", frozenset({"reporter", "coordinator", "admin"}), hidden=True),
    Cell("GET", "/api/projects", EVERYONE),
    Cell("GET", "/api/projects.geojson", EVERYONE),
    Cell("GET", "/api/projects/{project_id}", EVERYONE),
    Cell(
        "PATCH",
        "/api/projects/{project_id}",
        COORDINATION,
        _json(lambda ids: {"note": "SYNTHETIC", "version": ids["project_version"]()}),
    ),
    Cell("GET", "/api/policies", EVERYONE),
    Cell(
        "POST",
        "/api/policies",
        COORDINATION,
        lambda ids: {
            "data": {"relation": "special_plan", "suggest": "false"},
            "files": [("files", ("notice.txt", NOTICE, "text/plain"))],
        },
    ),
    Cell("GET", "/api/policy-links/queue", EVERYONE),
    Cell(
        "PATCH",
        "/api/policies/{plan_id}",
        COORDINATION,
        _json(lambda ids: {"version": ids["policy_version"](), "number": "SYNTHETIC"}),
    ),
    Cell("POST", "/api/policies/{plan_id}/suggestions", COORDINATION, _json(lambda ids: {"k": 1})),
    Cell(
        "POST",
        "/api/policy-links/{link_id}/decision",
        COORDINATION,
        _json(lambda ids: {"state": "rejected", "version": ids["link_version"]()}),
    ),
    Cell("GET", "/api/coverage", EVERYONE),
]

PAGES: list[Cell] = [
    # anyone may try to log in (a wrong password is a 401 of the attempt, not a refusal of the form)
    Cell(
        "POST",
        "/login",
        EVERYONE,
        _form(lambda ids: {"username": "nobody", "password": "x"}),
        allowed_also=frozenset({401}),
    ),
    Cell("POST", "/logout", EVERYONE, _form(lambda ids: {})),
    Cell("GET", "/account", LOGGED_IN),
    Cell(
        "POST", "/account/password", LOGGED_IN, _form(lambda ids: {"current": "wrong", "password": "short"})
    ),
    Cell("POST", "/account/tokens", LOGGED_IN, _form(lambda ids: {"name": "matrix"})),
    Cell("POST", "/account/tokens/{token_id}/revoke", LOGGED_IN, _form(lambda ids: {})),
    Cell("GET", "/admin/users", frozenset({"admin"})),
    Cell("POST", "/admin/users", frozenset({"admin"}), _form(lambda ids: {"username": "x", "password": "y"})),
    Cell("POST", "/admin/users/{username}", frozenset({"admin"}), _form(lambda ids: {"role": "public"})),
    Cell("GET", "/audit", AUDIT),
    Cell(
        "POST",
        "/comments",
        EVERYONE,
        _form(lambda ids: {"subject_kind": "task", "subject_id": str(ids["task"]), "text": "SYNTHETIC"}),
    ),
    Cell("GET", "/moderation", COORDINATION),
    Cell(
        "POST",
        "/moderation/{comment_id}",
        COORDINATION,
        _form(lambda ids: {"decision": "publish", "version": ids["comment_version"]()}),
    ),
    Cell(
        "POST",
        "/tasks/{task_id}/status",
        REPORTING,
        _form(lambda ids: {"status": "in_progress", "version": ids["task_version"]()}),
    ),
    Cell(
        "POST",
        "/tasks/{task_id}/assign",
        COORDINATION,
        _form(lambda ids: {"note": "SYNTHETIC", "version": ids["task_version"]()}),
    ),
    Cell(
        "POST",
        "/tasks/{task_id}/milestones",
        COORDINATION,
        _form(lambda ids: {"ms_date": "2026-12-31", "ms_label": "M", "version": ids["task_version"]()}),
    ),
    Cell("POST", "/tasks/{task_id}/split", COORDINATION, _form(lambda ids: {"titles": "a", "version": 1})),
    Cell("POST", "/tasks/merge", COORDINATION, _form(lambda ids: {"title": "M", "task_ids": ids["task"]})),
    Cell(
        "POST",
        "/reports/{report_id}/edit",
        frozenset({"reporter"}),
        _form(lambda ids: {"narrative": "SYNTHETIC edit", "version": ids["report_version"]()}),
        hidden=True,
    ),
    Cell("GET", "/tasks/{task_id}/report", REPORTING),
    Cell("POST", "/tasks/{task_id}/report", REPORTING, _report_form),
    Cell("GET", "/projects/{project_id}/report", REPORTING),
    Cell(
        "POST",
        "/projects/{project_id}/report",
        REPORTING,
        lambda ids: {"data": {"period": "2026Q4", "status": "preparing", "narrative": "SYNTHETIC"}},
    ),
    Cell("GET", "/reports/{report_id}", frozenset({"reporter", "coordinator", "admin"}), hidden=True),
    Cell(
        "POST",
        "/reports/{report_id}/review",
        COORDINATION,
        _form(lambda ids: {"decision": "return", "comment": "more", "version": ids["report_version"]()}),
        hidden=True,
    ),
    Cell(
        "POST",
        "/projects/{project_id}/edit",
        COORDINATION,
        _form(lambda ids: {"note": "SYNTHETIC", "version": ids["project_version"]()}),
    ),
    Cell("GET", "/policies/review", EVERYONE),
    Cell(
        "POST",
        "/policies",
        COORDINATION,
        lambda ids: {
            "data": {"relation": "special_plan"},
            "files": [("files", ("notice.txt", NOTICE, "text/plain"))],
        },
    ),
    Cell("POST", "/policies/{plan_id}/suggest", COORDINATION, _form(lambda ids: {})),
    Cell(
        "POST",
        "/policies/{plan_id}/edit",
        COORDINATION,
        _form(
            lambda ids: {
                "version": ids["policy_version"](),
                "relation": "supporting_policy",
                "status": "in_force",
                "number": "SYNTHETIC",
            }
        ),
    ),
    Cell(
        "POST",
        "/policies/links/{link_id}",
        COORDINATION,
        _form(lambda ids: {"state": "confirmed", "version": ids["link_version"]()}),
    ),
]


@pytest.fixture(scope="module")
def world(default_sqlite: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The app on a copy of the default, one account per role, and an Anhui task with a submitted
    report (with a file) by the Anhui reporter, an Anhui project and a pending comment."""
    folder = tmp_path_factory.mktemp("matrix")
    shutil.copyfile(default_sqlite, folder / "yrd.sqlite")
    db = Database(f"sqlite:///{folder / 'yrd.sqlite'}")
    add_role_users(db)
    admin = system("tests")
    with db.read() as session:
        task = next(t for t in tasks.list_tasks(session) if "340000" in t.bodies and "310000" not in t.bodies)
        project = next(
            p for p in projects.list_projects(session) if "340000" in p.bodies and "310000" not in p.bodies
        )
        reporter = accounts.get_user(session, "reporter")
    report = progress.file_report(
        db,
        reporter.principal(),
        task_id=task.id,
        period="2026Q3",
        status="in_progress",
        narrative="SYNTHETIC",
        files=[progress.Upload("e.pdf", "application/pdf", PDF)],
    )
    comment = comments.post_comment(
        db, ANONYMOUS, subject_kind="task", subject_id=str(task.id), text="SYNTHETIC", client="matrix"
    )

    with db.read() as session:
        [policy] = policies.list_policies(session)  # the shipped regulation
        link = policies.links(session, policy.plan_id)[0]

    def version_of(read: Callable[[Any], Any]) -> Callable[[], int]:
        def current() -> int:
            with db.read() as session:
                return read(session).version

        return current

    ids = {
        "task": task.id,
        "project": project.id,
        "report": report.id,
        "file": report.files[0].id,
        "comment": comment.id,
        "username": "public",
        "token": 999999,
        "code": "340000",
        "task_version": version_of(lambda s: tasks.get_task(s, task.id)),
        "project_version": version_of(lambda s: projects.get_project(s, project.id)),
        "report_version": version_of(lambda s: progress.get_report(s, report.id, admin)),
        "comment_version": version_of(lambda s: comments.get_comment(s, comment.id)),
        "policy": policy.plan_id,
        "link": link.id,
        "policy_version": version_of(lambda s: policies.policy(s, policy.plan_id)),
        "link_version": version_of(
            lambda s: next(x for x in policies.links(s, policy.plan_id) if x.id == link.id)
        ),
    }
    app = create_app(Settings(data_dir=folder), db)
    yield {"db": db, "app": app, "ids": ids}
    db.dispose()


PARAM = re.compile(r"\{(\w+)\}")
NAMES = {
    "task_id": "task",
    "project_id": "project",
    "report_id": "report",
    "file_id": "file",
    "comment_id": "comment",
    "username": "username",
    "token_id": "token",
    "code": "code",
    "plan_id": "policy",
    "link_id": "link",
}


def _url(path: str, ids: dict[str, Any]) -> str:
    return PARAM.sub(lambda m: str(ids[NAMES[m.group(1)]]), path)


def _check(cell: Cell, who: str, status: int, text: str) -> str | None:
    if who in cell.allowed:
        ok = status not in (401, 403) or status in cell.allowed_also
    elif who == "anonymous":
        ok = status == 401 or (cell.hidden and status == 404) or (status == 303 and cell.method == "GET")
    else:
        ok = status == 403 or (cell.hidden and status == 404)
    verdict = "allow" if who in cell.allowed else "refuse"
    return (
        None if ok else f"{cell.method} {cell.path} as {who}: expected {verdict}, got {status} {text[:160]}"
    )


def test_every_api_write_and_restricted_read_per_role(world: dict[str, Any]) -> None:
    db, ids = world["db"], world["ids"]
    bearer = {who: {"Authorization": f"Bearer {token_for(db, who)}"} for who in WHO if who != "anonymous"}
    bearer["anonymous"] = {}
    client = TestClient(world["app"])
    problems = []
    for cell in API:
        for who in WHO:
            kwargs = cell.send(ids) if cell.send else {}
            answer = client.request(cell.method, _url(cell.path, ids), headers=bearer[who], **kwargs)
            problems.append(_check(cell, who, answer.status_code, answer.text))
    assert [p for p in problems if p] == []


def test_every_form_and_restricted_page_per_role(world: dict[str, Any]) -> None:
    ids = world["ids"]
    problems = []
    for who in WHO:
        browser = TestClient(world["app"])
        token = login(browser, who) if who != "anonymous" else _anonymous_csrf(browser)
        for cell in PAGES:
            if cell.path == "/logout":
                continue  # would end the session the other cells use; asked last below
            kwargs = cell.send(ids) if cell.send else {}
            if cell.method == "POST":
                kwargs["data"] = {**kwargs.get("data", {}), "csrf_token": token}
            answer = browser.request(cell.method, _url(cell.path, ids), follow_redirects=False, **kwargs)
            problems.append(_check(cell, who, answer.status_code, answer.text))
        out = browser.post("/logout", data={"csrf_token": token}, follow_redirects=False)
        problems.append(_check(PAGES[1], who, out.status_code, out.text))
    assert [p for p in problems if p] == []


def _anonymous_csrf(browser: TestClient) -> str:
    page = browser.get("/login")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


def _routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    """Every API route with its full path, also inside routers that the app includes (which this
    FastAPI keeps as included-router entries rather than flattening them)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        context = getattr(route, "include_context", None)
        if context is not None:
            yield from _routes(context.included_router.routes, prefix + context.prefix)


def test_the_matrix_names_every_route_that_writes(world: dict[str, Any]) -> None:
    """A new write route must be added to the matrix above, with the roles it allows."""
    listed = {(c.method, c.path) for c in API + PAGES}
    found = list(_routes(world["app"].routes))
    assert len(found) > 100  # the walk does see the included routers
    writes = {(method, path) for path, route in found for method in route.methods
              if method in ("POST", "PUT", "PATCH", "DELETE")}  # fmt: skip
    assert sorted(writes - listed) == []
