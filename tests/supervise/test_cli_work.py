"""`yrd task`, `yrd project`, `yrd reports` and `yrd comments` as a user runs them, on a copy of the
prepared default (93 seeded tasks, 154 projects): what they print, what they change, and one line
with a non-zero exit for every bad input."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pytest
from click.testing import Result
from typer.testing import CliRunner

from yrd.cli import app
from yrd.db import Database
from yrd.supervise import accounts, comments, lists, tasks
from yrd.supervise.roles import ANONYMOUS, system

Run = Callable[..., Result]


@pytest.fixture
def db(default_sqlite: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    copy = tmp_path / "yrd.sqlite"
    shutil.copyfile(default_sqlite, copy)
    database = Database(f"sqlite:///{copy}")
    monkeypatch.setenv("YRD_DATABASE_URL", database.url)
    yield database
    database.dispose()


@pytest.fixture
def run(db: Database) -> Run:
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(app, list(args), env={"COLUMNS": "200"})

    return invoke


def _json(result: Result) -> dict:  # type: ignore[type-arg]
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def _one_error(result: Result, message: str, code: int = 1) -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.output
    assert message in " ".join(result.output.split()), result.output


def test_task_list_filters_and_formats(run: Run, db: Database) -> None:
    everything = _json(run("task", "list", "--format", "json"))
    assert everything["count"] == 93
    with db.read() as session:
        shanghai = [t.id for t in tasks.list_tasks(session, body="310000", chapter="3")]
    found = _json(run("task", "list", "--body", "310000", "--chapter", "3", "-f", "json"))
    assert [t["id"] for t in found["data"]] == shanghai and shanghai
    assert all("310000" in [t["lead"], *t["partners"]] for t in found["data"])
    assert _json(run("task", "list", "--status", "completed", "-f", "json"))["count"] == 0
    assert _json(run("task", "list", "--overdue", "-f", "json"))["count"] == 93  # deadlines of 2025
    csv_text = run("task", "list", "--q", "上海", "-f", "csv").stdout
    assert csv_text.startswith("id,chapter,title,lead,partners,deadline,status") and "上海" in csv_text
    table = run("task", "list", "--at-risk", "--body", "340000")
    assert table.exit_code == 0 and "tasks" in table.output and "at-risk" in table.output
    _one_error(run("task", "list", "--status", "done"), "status 'done' is not a task status")
    _one_error(run("task", "list", "--format", "xml"), "--format must be one of table, json, csv")


def test_assign_and_status_with_versions(run: Run, db: Database) -> None:
    done = run("task", "assign", "5", "--version", "1", "--lead", "340000", "--partner", "310000",
               "--deadline", "2027-03-31", "--note", "given to Anhui")  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "task 5 (version 2)" in done.output and "lead: — → 340000" in done.output
    assert "deadline: 2025-12-31 → 2027-03-31" in done.output
    stale = run("task", "assign", "5", "--version", "1", "--lead", "320000")
    _one_error(stale, "task 5 was changed by cli:")
    assert "after you read version 1" in stale.output
    moved = run("task", "status", "5", "in_progress", "--version", "2", "--comment", "started")
    assert moved.exit_code == 0 and "status: not_started → in_progress" in moved.output
    _one_error(
        run("task", "status", "5", "delayed", "--version", "2"), "(version 3) after you read version 2"
    )
    _one_error(run("task", "status", "5", "not_started", "--version", "3"), "cannot move from in_progress")
    _one_error(run("task", "status", "5", "finished", "--version", "3"), "'finished' is not a task status")
    _one_error(
        run("task", "assign", "5", "--version", "3", "--lead", "mars"), "'mars' is not a responsible body"
    )
    _one_error(run("task", "assign", "5", "--version", "3", "--deadline", "2027-02-30"), "is not a real date")
    _one_error(run("task", "assign", "5", "--version", "3"), "nothing to change")
    _one_error(run("task", "show", "999"), "no task with id 999", code=2)
    shown = _json(run("task", "show", "5", "--format", "json"))
    assert shown["status"] == "in_progress" and shown["lead"] == "340000" and shown["version"] == 3
    assert [e["action"] for e in shown["history"][:2]] == ["task.status", "task.assign"]
    text = run("task", "show", "5")
    assert text.exit_code == 0 and "Anhui (340000)" in text.output and "history" in text.output
    with db.read() as session:
        assert tasks.get_task(session, 5).partners == ("310000",)


def test_export_writes_a_workbook(run: Run, db: Database, tmp_path: Path) -> None:
    path = tmp_path / "tasks.xlsx"
    result = run("task", "export", str(path), "--body", "330000", "--lang", "en")
    assert result.exit_code == 0, result.output
    with db.read() as session:
        expected = tasks.list_tasks(session, body="330000")
    assert f"wrote {len(expected)} tasks" in result.output
    book = openpyxl.load_workbook(path)
    sheet = book["Tasks"]
    assert sheet.cell(1, 1).value == "ID" and sheet.max_row == 1 + len(expected)
    assert [sheet.cell(r, 1).value for r in range(2, sheet.max_row + 1)] == [t.id for t in expected]
    assert "body=330000" in str(book["About"].cell(3, 2).value)
    _one_error(run("task", "export", str(tmp_path / "tasks.csv")), "name it *.xlsx")
    _one_error(run("task", "export", str(tmp_path / "no" / "t.xlsx")), "no folder")
    _one_error(run("task", "export", str(tmp_path / "t.xlsx"), "--lang", "fr"), "export language")


def test_owes_and_overdue(run: Run, db: Database) -> None:
    assert run("task", "assign", "7", "--version", "1", "--deadline", "2027-05-15").exit_code == 0
    data = _json(run("task", "owes", "310000", "--quarter", "2027Q2", "--format", "json"))
    with db.read() as session:
        view = lists.body_view(session, "310000", quarter="2027Q2", viewer=system())
        late = lists.overdue(session)
    assert [t["id"] for t in data["due"]] == [t.id for t in view.due] == [7]
    assert len(data["overdue"]) == len(view.overdue) and data["start"] == "2027-04-01"
    table = run("task", "owes", "310000", "--quarter", "2027Q2")
    assert (
        table.exit_code == 0 and "上海市 (310000)" in table.output and "1 tasks due in 2027Q2" in table.output
    )
    assert [t["id"] for t in _json(run("task", "overdue", "-f", "json"))["data"]] == [t.id for t in late]
    _one_error(run("task", "owes", "310000", "--quarter", "2027-2"), "must be written like 2026Q4")
    _one_error(run("task", "owes", "atlantis"), "'atlantis' is not a responsible body")
    _one_error(run("task", "owes", "310000", "-f", "csv"), "table or json")


def test_project_list_and_set(run: Run) -> None:
    assert _json(run("project", "list", "-f", "json"))["count"] == 154
    rail = _json(run("project", "list", "--type", "park", "--body", "330000", "-f", "json"))
    assert rail["count"] and all(p["type"] == "park" and "330000" in p["provinces"] for p in rail["data"])
    _one_error(run("project", "set", "1", "--version", "1", "--start", "2027-01-01", "--end", "2026-01-01"),
               "start 2027-01-01 is after end 2026-01-01")  # fmt: skip
    _one_error(run("project", "set", "1", "--version", "1", "--status", "built"), "not a project status")
    done = run("project", "set", "1", "--version", "1", "--status", "under_construction", "--lead", "310000")
    assert done.exit_code == 0, done.output
    assert "project 1 (version 2)" in done.output and "status: planned → under_construction" in done.output
    _one_error(run("project", "set", "1", "--version", "1", "--note", "x"), "project 1 was changed by cli:")
    found = run("project", "list", "--status", "under_construction", "-f", "csv").stdout.splitlines()
    assert found[0].startswith("id,name,type,status") and len(found) == 2 and found[1].startswith("1,")


def test_file_and_review_a_report(run: Run, db: Database, tmp_path: Path) -> None:
    accounts.create_user(db, system(), "rep.sh", "a long password 1", "reporter", bodies=["310000"])
    folder = tmp_path / "evidence"
    folder.mkdir()
    (folder / "minutes.txt").write_text("会议纪要：已启动。\n", encoding="utf-8")
    filed = run("reports", "file", "--as", "rep.sh", "--task", "1", "--period", "2026Q3", "--status",
                "in_progress", "--narrative", "已启动", "--file", str(folder / "minutes.txt"),
                "--link", "https://example.org/news/1")  # fmt: skip
    assert filed.exit_code == 0, filed.output
    assert "filed report 1 on task:1 for 2026Q3" in filed.output and "minutes.txt" in filed.output
    listed = _json(run("reports", "list", "--task", "1", "--review", "submitted", "-f", "json"))["data"]
    assert [(r["id"], r["author"], r["files"], r["body"]) for r in listed] == [
        (1, "rep.sh", ["minutes.txt"], "310000")
    ]
    with db.read() as session:  # not yet public
        assert tasks.get_task(session, 1).status == "not_started"
        assert lists.body_view(session, "310000", viewer=ANONYMOUS).awaiting_review == ()
    _one_error(run("reports", "review", "1", "return", "--version", "1"), "a comment is needed")
    _one_error(run("reports", "review", "1", "approve", "--version", "1"), "must be accept or return")
    reviewed = run("reports", "review", "1", "accept", "--version", "1", "--comment", "ok")
    assert reviewed.exit_code == 0, reviewed.output
    assert "review: submitted → accepted; task:1 is in_progress" in reviewed.output
    _one_error(run("reports", "review", "1", "accept", "--version", "2"), "not awaiting review")
    base = ["reports", "file", "--period", "2026Q3", "--status", "in_progress", "--narrative", "x"]
    _one_error(run(*base, "--as", "nobody", "--task", "1"), "no user 'nobody'", code=2)
    _one_error(run(*base, "--as", "rep.sh"), "exactly one of --task ID or --project ID")
    _one_error(
        run(*base, "--as", "rep.sh", "--task", "1", "--file", str(folder / "gone.pdf")), "no such file"
    )
    (folder / "tool.exe").write_bytes(b"MZ\x90\x00" + bytes(100))
    _one_error(run(*base, "--as", "rep.sh", "--task", "1", "--file", str(folder / "tool.exe")), "tool.exe")
    _one_error(
        run(*base[:2], "--period", "soon", *base[4:], "--as", "rep.sh", "--task", "1"), "period 'soon'"
    )
    accounts.create_user(db, system(), "rep.js", "a long password 2", "reporter", bodies=["320000"])
    _one_error(run(*base, "--as", "rep.js", "--project", "3"), "your bodies are 320000")


def test_comments_queue_and_moderate(run: Run, db: Database) -> None:
    posted = comments.post_comment(db, ANONYMOUS, subject_kind="task", subject_id="1", text="进度太慢",
                                   author_name="市民", client="test-client")  # fmt: skip
    queue = _json(run("comments", "queue", "-f", "json"))
    assert [(c["id"], c["text"], c["status"]) for c in queue["data"]] == [(posted.id, "进度太慢", "pending")]
    table = run("comments", "queue")
    assert table.exit_code == 0 and "1 pending comments" in table.output
    done = run("comments", "moderate", str(posted.id), "publish", "--version", "1", "--note", "fine")
    assert (
        done.exit_code == 0 and f"comment {posted.id} (version 2): status: pending → published" in done.output
    )
    _one_error(run("comments", "moderate", str(posted.id), "reject", "--version", "1"), "since you read it")
    _one_error(run("comments", "moderate", str(posted.id), "hide", "--version", "2"), "'hide' is not one of")
    _one_error(run("comments", "moderate", "99", "reject", "--version", "1"), "no comment 99", code=2)
    _one_error(run("comments", "queue", "--status", "spam"), "'spam' is not one of")
    assert _json(run("comments", "queue", "--status", "published", "-f", "json"))["count"] == 1
