"""Numbers beyond the database's integers, in paths and bodies, are refused with 4xx and never reach
the driver (SQLite raises OverflowError on them: a 500). Found by fuzzing; SYNTHETIC accounts."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.web.logins import add_role_users, token_for

from yrd.db import Database
from yrd.settings import Settings
from yrd.web.app import create_app

HUGE = 10**20


@pytest.mark.parametrize(
    ("method", "url", "kwargs"),
    [
        ("DELETE", f"/api/tokens/{HUGE}", {}),
        ("POST", f"/api/comments/{HUGE}/moderation", {"json": {"decision": "publish", "version": 1}}),
        ("POST", "/api/comments", {"json": {"subject_kind": "task", "subject_id": str(HUGE), "text": "x"}}),
        ("POST", "/api/comments", {"json": {"subject_kind": "project", "subject_id": "-5", "text": "x"}}),
        ("GET", f"/api/tasks/{HUGE}", {}),
        ("GET", f"/api/reports/{HUGE}", {}),
        ("GET", f"/api/evidence/{HUGE}", {}),
        ("PATCH", "/api/tasks/1", {"json": {"version": HUGE, "note": "x"}}),
        ("PATCH", f"/api/projects/{HUGE}", {"json": {"version": 1, "note": "x"}}),
    ],
)
def test_out_of_range_numbers_are_refused(
    default_sqlite: Path, tmp_path: Path, method: str, url: str, kwargs: dict[str, Any]
) -> None:
    shutil.copyfile(default_sqlite, tmp_path / "yrd.sqlite")
    db = Database(f"sqlite:///{tmp_path / 'yrd.sqlite'}")
    add_role_users(db)
    client = TestClient(create_app(Settings(data_dir=tmp_path), db), raise_server_exceptions=False)
    answer = client.request(
        method, url, headers={"Authorization": f"Bearer {token_for(db, 'admin')}"}, **kwargs
    )
    assert 400 <= answer.status_code < 500, answer.text
    assert answer.json()["ok"] is False
    db.dispose()
