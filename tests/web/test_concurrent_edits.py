"""Many writers editing the same tasks at once over HTTP, on SQLite and PostgreSQL: zero lost updates,
zero server errors. Each writer reads a task, appends its mark to the note with the version it read
and, when refused as stale (409), reads again and retries. Tasks and accounts are SYNTHETIC."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx2 as httpx
import pytest
from tests.browser import serve
from tests.web.logins import add_role_users, token_for

from yrd.db import Database
from yrd.db.models import TaskRow
from yrd.settings import Settings
from yrd.supervise import audit
from yrd.web.app import create_app

WRITERS = 6
EDITS = 8  # per writer, spread over the tasks
TASKS = 2


def _tasks(db: Database) -> list[int]:
    now = datetime.now(UTC)
    with db.write() as session:
        rows = [TaskRow(plan_id="synthetic", eid=f"chp_1__para_{i}", title=f"SYNTHETIC task {i}", text="",
                        chapter="chp_1", partners=["340000"], milestones=[], status="not_started", note="",
                        created_at=now, updated_at=now) for i in range(TASKS)]  # fmt: skip
        session.add_all(rows)
        session.flush()
        return [r.id for r in rows]


@pytest.fixture
def fresh(db_url: str) -> Iterator[Database]:
    """An empty migrated database on each backend (the web tests' own `db` is a shared one)."""
    database = Database(db_url)
    database.migrate()
    yield database
    database.dispose()


def test_concurrent_edits_lose_nothing(fresh: Database, tmp_path: Path) -> None:
    db = fresh
    add_role_users(db)
    ids = _tasks(db)
    headers = {"Authorization": f"Bearer {token_for(db, 'coordinator')}"}
    statuses: list[int] = []
    done: dict[int, list[str]] = {i: [] for i in ids}
    lock = threading.Lock()

    def writer(n: int, base: str) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
            for k in range(EDITS):
                task_id = ids[(n + k) % TASKS]
                mark = f"w{n}e{k};"
                while True:
                    task = client.get(f"/api/tasks/{task_id}").json()
                    edit = {"note": task["note"] + mark, "version": task["version"]}
                    answer = client.patch(f"/api/tasks/{task_id}", json=edit)
                    with lock:
                        statuses.append(answer.status_code)
                    if answer.status_code == 200:
                        with lock:
                            done[task_id].append(mark)
                        break
                    assert answer.status_code == 409, answer.text
                    assert "reload it and apply your change again" in answer.json()["error"]

    with serve(create_app(Settings(data_dir=tmp_path), db)) as base:
        threads = [threading.Thread(target=writer, args=(n, base)) for n in range(WRITERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        with httpx.Client(base_url=base) as client:
            final = {i: client.get(f"/api/tasks/{i}").json() for i in ids}

    assert not any(s >= 500 for s in statuses)
    assert statuses.count(200) == WRITERS * EDITS
    for task_id, marks in done.items():
        note = final[task_id]["note"]
        assert sorted(m for m in note.split(";") if m) == sorted(m.rstrip(";") for m in marks)  # none lost
        assert final[task_id]["version"] == 1 + len(marks)
    with db.read() as session:
        assert audit.verify(session).ok
