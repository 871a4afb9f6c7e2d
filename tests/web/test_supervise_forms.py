"""The coordinator's and the author's forms on the supervision pages, as a browser without script posts
them: milestones, split and merge of tasks, and the author's edit of a returned report. Each is refused
to the roles the library refuses, without a CSRF token, and shows what was typed escaped. Accounts and
texts are SYNTHETIC."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.web.test_supervise_api import ANHUI, PDF, as_user, build_app, copy_default, task_of
from tests.web.test_supervise_pages import browser

from yrd.db import Database
from yrd.supervise import accounts, progress
from yrd.supervise.roles import Principal

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
TEXT = b"SYNTHETIC minutes of the kick-off meeting\n"


@pytest.fixture
def app(default_sqlite: Path, tmp_path: Path) -> Iterator[FastAPI]:
    db: Database = copy_default(default_sqlite, tmp_path)
    yield build_app(db, tmp_path)
    db.dispose()


def principal(app: FastAPI, username: str) -> Principal:
    """The library's principal of a test account, to act without the web."""
    with app.state.db.read() as session:
        return accounts.get_user(session, username).principal()


def api_task(app: FastAPI, task_id: int) -> dict[str, Any]:
    return as_user(app, None).get(f"/api/tasks/{task_id}").json()


def open_tasks(app: FastAPI, n: int) -> list[dict[str, Any]]:
    return as_user(app, None).get("/api/tasks", params={"status": "not_started"}).json()["data"][:n]


# ----------------------------------------------------------------------------------------- milestones


def test_milestones_added_edited_and_shown_escaped(app: FastAPI) -> None:
    coordinator, token = browser(app, "coordinator")
    t = task_of(as_user(app, None), ANHUI)
    url = f"/tasks/{t['id']}"
    page = coordinator.get(url).text
    assert 'id="milestones-form"' in page and page.count('name="ms_date"') == len(t["milestones"]) + 2
    rows = {"ms_date": ["2026-12-31", ""], "ms_label": [SCRIPT, ""], "csrf_token": token}
    added = coordinator.post(f"{url}/milestones", data={**rows, "version": t["version"]})
    assert added.status_code == 303 and added.headers["location"] == f"{url}?done=milestones"
    stored = api_task(app, t["id"])
    assert stored["milestones"] == [{"date": "2026-12-31", "label": SCRIPT, "done": False}]
    shown = coordinator.get(f"{url}?done=milestones").text
    assert 'id="milestones-saved"' in shown and SCRIPT not in shown and ESCAPED in shown

    edit = {"ms_date": ["2026-12-31", "2026-06-30", ""], "ms_label": ["方案印发", "SYNTHETIC 中期评估", ""],
            "ms_done": ["0"], "csrf_token": token, "version": stored["version"]}  # fmt: skip
    edited = coordinator.post(f"{url}/milestones", data=edit)
    assert edited.status_code == 303
    assert api_task(app, t["id"])["milestones"] == [
        {"date": "2026-06-30", "label": "SYNTHETIC 中期评估", "done": False},
        {"date": "2026-12-31", "label": "方案印发", "done": True},
    ]
    stale = coordinator.post(f"{url}/milestones", data=edit)
    assert stale.status_code == 409 and 'id="task-error"' in stale.text

    undated = coordinator.post(f"{url}/milestones", data={"ms_date": [""], "ms_label": [SCRIPT],
                               "csrf_token": token, "version": stored["version"] + 1})  # fmt: skip
    assert undated.status_code == 400 and 'id="task-error"' in undated.text
    assert SCRIPT not in undated.text and f'name="ms_label" value="{ESCAPED}"' in undated.text  # kept


def test_milestones_refused_to_reporters_public_and_without_csrf(app: FastAPI) -> None:
    t = task_of(as_user(app, None), ANHUI)
    url = f"/tasks/{t['id']}"
    rows = {"ms_date": ["2026-12-31"], "ms_label": ["SYNTHETIC"], "version": t["version"]}
    for role in ("reporter", "public"):
        client, token = browser(app, role)
        assert 'id="milestones-form"' not in client.get(url).text
        assert client.post(f"{url}/milestones", data={**rows, "csrf_token": token}).status_code == 403
    anonymous = TestClient(app, follow_redirects=False).post(f"{url}/milestones", data=rows)
    assert anonymous.status_code in (303, 401, 403)
    coordinator, _ = browser(app, "coordinator")
    assert coordinator.post(f"{url}/milestones", data=rows).status_code == 403  # no CSRF token
    assert api_task(app, t["id"])["version"] == t["version"]


# -------------------------------------------------------------------------------------- split, merge


def test_split_through_the_form(app: FastAPI) -> None:
    coordinator, token = browser(app, "coordinator")
    t = task_of(as_user(app, None), ANHUI)
    url = f"/tasks/{t['id']}"
    assert 'id="split-form"' in coordinator.get(url).text
    reporter, rtoken = browser(app, "reporter")
    assert 'id="split-form"' not in reporter.get(url).text
    titles = f"SYNTHETIC 甲\n\n{SCRIPT}\n"
    form = {"titles": titles, "version": t["version"]}
    assert reporter.post(f"{url}/split", data={**form, "csrf_token": rtoken}).status_code == 403
    assert coordinator.post(f"{url}/split", data=form).status_code == 403  # no CSRF token

    one = coordinator.post(f"{url}/split", data={**form, "titles": SCRIPT, "csrf_token": token})
    assert one.status_code == 400 and 'id="task-error"' in one.text
    assert SCRIPT not in one.text and f">{ESCAPED}</textarea>" in one.text  # what was typed, escaped

    split = coordinator.post(f"{url}/split", data={**form, "csrf_token": token})
    assert split.status_code == 303
    first = split.headers["location"]
    assert re.fullmatch(r"/tasks/\d+\?done=split", first)
    child = coordinator.get(first).text
    assert 'id="split-done"' in child and "SYNTHETIC 甲" in child
    assert api_task(app, t["id"])["status"] == "superseded"
    children = as_user(app, None).get("/api/tasks", params={"q": "alert(1)"}).json()["data"]
    assert [c["title"] for c in children] == [SCRIPT]
    second = coordinator.get(f"/tasks/{children[0]['id']}").text
    assert SCRIPT not in second and ESCAPED in second
    again = coordinator.post(f"{url}/split", data={**form, "csrf_token": token})
    assert again.status_code == 409  # superseded (and stale)


def test_merge_from_the_board(app: FastAPI) -> None:
    coordinator, token = browser(app, "coordinator")
    a, b, c = open_tasks(app, 3)
    board = coordinator.get("/tasks").text
    assert 'id="merge-form"' in board and f'name="task_ids" value="{a["id"]}"' in board
    assert f'name="versions" value="{a["id"]}:{a["version"]}"' in board
    versions = re.findall(r'name="versions" value="([^"]+)"', board)
    for role in ("reporter", "analyst"):
        client, rtoken = browser(app, role)
        assert 'id="merge-form"' not in client.get("/tasks").text
        refused = client.post(
            "/tasks/merge", data={"csrf_token": rtoken, "title": "x", "task_ids": [a["id"]]}
        )
        assert refused.status_code == 403
    form = {"title": SCRIPT, "task_ids": [a["id"], b["id"]], "versions": versions}
    assert coordinator.post("/tasks/merge", data=form).status_code == 403  # no CSRF token

    alone = coordinator.post("/tasks/merge", data={**form, "task_ids": [a["id"]], "csrf_token": token})
    assert alone.status_code == 400 and 'id="merge-error"' in alone.text
    assert SCRIPT not in alone.text and f'value="{ESCAPED}"' in alone.text
    assert re.search(rf'name="task_ids" value="{a["id"]}"[^>]*checked', alone.text)  # the ticks are kept

    stale = [v if not v.startswith(f"{b['id']}:") else f"{b['id']}:{b['version'] + 5}" for v in versions]
    conflict = coordinator.post("/tasks/merge", data={**form, "versions": stale, "csrf_token": token})
    assert conflict.status_code == 409 and 'id="merge-error"' in conflict.text

    merged = coordinator.post("/tasks/merge", data={**form, "csrf_token": token})
    assert merged.status_code == 303
    new_id = int(re.fullmatch(r"/tasks/(\d+)\?done=merge", merged.headers["location"]).group(1))  # type: ignore[union-attr]
    page = coordinator.get(merged.headers["location"]).text
    assert 'id="merge-done"' in page and SCRIPT not in page and ESCAPED in page
    assert {api_task(app, a["id"])["status"], api_task(app, b["id"])["status"]} == {"superseded"}
    assert api_task(app, c["id"])["status"] == "not_started"
    assert api_task(app, new_id)["title"] == SCRIPT


# ----------------------------------------------------------------------------------------- report edit


def returned_report(app: FastAPI) -> tuple[progress.Report, int]:
    """A report filed by the Anhui reporter with one file, returned by the coordinator (the library)."""
    db = app.state.db
    t = task_of(as_user(app, None), ANHUI)
    filed = progress.file_report(db, principal(app, "reporter"), task_id=t["id"], period="2026Q3",
                                 status="in_progress", narrative="SYNTHETIC 已开工。",
                                 files=[progress.Upload("纪要.pdf", "application/pdf", PDF)])  # fmt: skip
    back = progress.review_report(db, principal(app, "coordinator"), filed.id, decision="return",
                                  comment="SYNTHETIC 请补充证明材料", version=filed.version)  # fmt: skip
    assert back.review == "returned"
    return back, t["id"]


def test_author_edits_a_returned_report(app: FastAPI) -> None:
    report, _ = returned_report(app)
    url = f"/reports/{report.id}"
    reporter, token = browser(app, "reporter")
    page = reporter.get(url).text
    assert 'id="edit-form"' in page and 'enctype="multipart/form-data"' in page and "纪要.pdf" in page
    form = {"version": report.version, "period": "2026Q4", "status": "delayed", "narrative": SCRIPT,
            "lang": "zh", "links": "https://example.org/notice", "indicators": "",
            "remove_files": [report.files[0].id]}  # fmt: skip
    upload = [("files", ("minutes.txt", TEXT, "text/plain"))]
    assert reporter.post(f"{url}/edit", data=form, files=upload).status_code == 403  # no CSRF token

    bad = reporter.post(f"{url}/edit", data={**form, "period": "someday", "csrf_token": token})
    assert bad.status_code == 400 and 'id="edit-error"' in bad.text and 'value="someday"' in bad.text
    assert SCRIPT not in bad.text and f">{ESCAPED}</textarea>" in bad.text
    assert re.search(rf'name="remove_files" value="{report.files[0].id}" checked', bad.text)

    saved = reporter.post(f"{url}/edit", data={**form, "csrf_token": token}, files=upload)
    assert saved.status_code == 303 and saved.headers["location"] == f"{url}?done=edited"
    now = as_user(app, "reporter").get(f"/api/reports/{report.id}").json()
    assert now["review"] == "submitted" and now["period"] == "2026Q4" and now["status"] == "delayed"
    assert now["narrative"] == SCRIPT and [f["name"] for f in now["files"]] == ["minutes.txt"]
    shown = reporter.get(f"{url}?done=edited").text
    assert 'id="edited"' in shown and SCRIPT not in shown and ESCAPED in shown
    stale = reporter.post(f"{url}/edit", data={**form, "remove_files": [], "csrf_token": token})
    assert stale.status_code == 409 and 'id="edit-error"' in stale.text


def test_only_the_author_edits_and_not_once_accepted(app: FastAPI) -> None:
    report, _ = returned_report(app)
    url = f"/reports/{report.id}"
    form = {"version": report.version, "period": "2026Q4", "status": "in_progress", "narrative": "SYNTHETIC"}
    other, otoken = browser(app, "reporter2")
    assert other.get(url).status_code == 404
    assert other.post(f"{url}/edit", data={**form, "csrf_token": otoken}).status_code in (403, 404)
    coordinator, ctoken = browser(app, "coordinator")
    assert 'id="edit-form"' not in coordinator.get(url).text
    assert coordinator.post(f"{url}/edit", data={**form, "csrf_token": ctoken}).status_code == 403
    public, ptoken = browser(app, "public")
    assert public.post(f"{url}/edit", data={**form, "csrf_token": ptoken}).status_code == 403

    reporter, token = browser(app, "reporter")
    resubmitted = reporter.post(f"{url}/edit", data={**form, "csrf_token": token})
    assert resubmitted.status_code == 303
    version = as_user(app, "reporter").get(f"/api/reports/{report.id}").json()["version"]
    accepted = coordinator.post(f"{url}/review", data={"csrf_token": ctoken, "decision": "accept",
                                                       "version": version})  # fmt: skip
    assert accepted.status_code == 303
    assert 'id="edit-form"' not in reporter.get(url).text
    late = reporter.post(f"{url}/edit", data={**form, "version": version + 1, "csrf_token": token})
    assert late.status_code == 409
