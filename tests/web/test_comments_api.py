"""The comments API on a private copy of the embedded default: posting (anonymous, logged in, with and
without cookies), validation, rate limits, the moderation queue and its permissions, stale versions,
and a complete OpenAPI description. Accounts and comment texts are SYNTHETIC."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from yrd.db import Database
from yrd.db.models import ExtractedRow
from yrd.documents.load import DEFAULT_PLAN
from yrd.settings import Settings
from yrd.supervise import accounts, audit
from yrd.supervise.roles import system
from yrd.web.app import create_app

UNIT = "chp_5__sec_1__para_3"
PASSWORD = "correct horse battery"
ROLES = {"coordinator": [], "reporter": ["340000"], "analyst": [], "public": []}


def build_app(db: Database, folder: Path) -> FastAPI:
    return create_app(Settings(data_dir=folder, default_lang="en"), db)


@pytest.fixture
def app(default_db: Database, tmp_path: Path) -> FastAPI:
    operator = system("test")
    for role, bodies in ROLES.items():
        accounts.create_user(default_db, operator, f"{role}1", PASSWORD, role, bodies=bodies)
    return build_app(default_db, tmp_path)


@pytest.fixture
def api(app: FastAPI) -> Iterator[TestClient]:
    """A client without cookies (a script): JSON writes need no CSRF token."""
    with TestClient(app) as c:
        yield c


@pytest.fixture
def tokens(app: FastAPI) -> dict[str, str]:
    db = app.state.db
    return {role: accounts.create_token(db, system("test"), f"{role}1")[1] for role in ROLES}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def body(**overrides: Any) -> dict[str, Any]:
    return {"subject_kind": "unit", "subject_id": UNIT, "plan_id": DEFAULT_PLAN,
            "text": "建议公布年度进度。", "author_name": "测试者"} | overrides  # fmt: skip


def test_anonymous_post_waits_then_shows_once_published(api: TestClient, tokens: dict[str, str]) -> None:
    text = "第一行\n第二行 <b>不是HTML</b> & “引号”"
    posted = api.post("/api/comments", json=body(text=f"  {text}  "))
    assert posted.status_code == 201, posted.text
    comment = posted.json()
    assert (comment["status"], comment["text"], comment["author_name"]) == ("pending", text, "测试者")
    assert comment["links"]["html"] == f"/plans/{DEFAULT_PLAN}/units/{UNIT}"
    assert "client" not in comment and "version" not in comment
    query = {"subject_kind": "unit", "subject_id": UNIT, "plan_id": DEFAULT_PLAN}
    assert api.get("/api/comments", params=query).json() == {"data": [], "count": 0}

    queue = api.get("/api/comments/queue", headers=bearer(tokens["coordinator"])).json()
    assert queue["counts"] == {"pending": 1, "published": 0, "rejected": 0}
    [waiting] = queue["data"]
    assert (waiting["id"], waiting["version"], waiting["user_id"]) == (comment["id"], 1, None)

    decided = api.post(f"/api/comments/{comment['id']}/moderation", headers=bearer(tokens["coordinator"]),
                       json={"decision": "publish", "note": "属实", "version": 1})  # fmt: skip
    assert decided.status_code == 200, decided.text
    assert (decided.json()["status"], decided.json()["version"]) == ("published", 2)
    shown = api.get("/api/comments", params=query).json()
    assert shown["count"] == 1 and shown["data"][0]["text"] == text
    assert "moderation_note" not in shown["data"][0]  # moderators' notes stay with moderators


def test_logged_in_posts_carry_the_account_and_moderators_publish_at_once(
    api: TestClient, tokens: dict[str, str]
) -> None:
    public = api.post("/api/comments", json=body(author_name=""), headers=bearer(tokens["public"])).json()
    assert (public["status"], public["author_name"]) == ("pending", "public1")
    own = api.post("/api/comments", json=body(), headers=bearer(tokens["coordinator"])).json()
    assert own["status"] == "published"
    with api.app.state.db.read() as session:  # type: ignore[attr-defined]
        [entry] = audit.entries(session, entity=f"comment:{own['id']}")
    assert (entry.actor, entry.action) == ("coordinator1", "comment.post")
    assert "client" not in entry.after


def test_comment_on_a_target(api: TestClient, default_db: Database) -> None:
    with default_db.read() as session:
        target = session.scalar(select(ExtractedRow.id).where(ExtractedRow.kind == "target").limit(1))
    assert target is not None
    posted = api.post("/api/comments", json=body(subject_kind="target", subject_id=target, plan_id=None))
    assert posted.status_code == 201, posted.text
    assert posted.json()["plan_id"] == DEFAULT_PLAN
    assert posted.json()["links"]["html"].startswith(f"/plans/{DEFAULT_PLAN}/targets#target-")


@pytest.mark.parametrize(
    ("overrides", "status", "message"),
    [
        ({"text": "   "}, 400, "text: write something"),
        ({"text": "字" * 2001}, 400, "text: at most 2000 characters (got 2001)"),
        ({"text": "a\x00b"}, 400, "text: control character U+0000"),
        ({"author_name": "名" * 61}, 400, "author_name: at most 60 characters"),
        ({"subject_id": "chp_99"}, 404, "has no unit 'chp_99'"),
        ({"plan_id": None}, 400, "plan_id: a comment on a unit needs the plan"),
        ({"subject_kind": "region"}, 422, "subject_kind"),
        ({"text": None}, 422, "text"),
    ],
)
def test_bad_comments_get_the_error_shape(
    api: TestClient, overrides: dict[str, Any], status: int, message: str
) -> None:
    answer = api.post("/api/comments", json=body(**overrides))
    assert answer.status_code == status
    assert answer.json()["ok"] is False and message in answer.json()["error"]


def test_rate_limit_is_429_with_retry_after(api: TestClient) -> None:
    for i in range(5):
        assert api.post("/api/comments", json=body(text=f"第{i}条")).status_code == 201
    refused = api.post("/api/comments", json=body(text="第六条"))
    assert refused.status_code == 429
    assert re.fullmatch(r"\d+", refused.headers["retry-after"])
    assert 500 < int(refused.headers["retry-after"]) <= 600
    assert refused.json()["error"].startswith("too many comments from your address: at most 5 in 10 minutes")


@pytest.mark.parametrize("role", ["public", "reporter", "analyst"])
def test_moderation_is_refused_to_other_roles(api: TestClient, tokens: dict[str, str], role: str) -> None:
    comment = api.post("/api/comments", json=body()).json()
    queue = api.get("/api/comments/queue", headers=bearer(tokens[role]))
    assert queue.status_code == 403 and "may not publish or reject comments" in queue.json()["error"]
    decided = api.post(f"/api/comments/{comment['id']}/moderation", headers=bearer(tokens[role]),
                       json={"decision": "publish", "version": 1})  # fmt: skip
    assert decided.status_code == 403 and decided.json()["ok"] is False


def test_moderation_needs_a_login(api: TestClient) -> None:
    comment = api.post("/api/comments", json=body()).json()
    assert api.get("/api/comments/queue").status_code == 401
    decided = api.post(
        f"/api/comments/{comment['id']}/moderation", json={"decision": "publish", "version": 1}
    )
    assert decided.status_code == 401 and "log in first" in decided.json()["error"]


def test_stale_version_is_409_and_bad_decisions_are_refused(api: TestClient, tokens: dict[str, str]) -> None:
    comment = api.post("/api/comments", json=body()).json()
    url, auth = f"/api/comments/{comment['id']}/moderation", bearer(tokens["coordinator"])
    assert api.post(url, headers=auth, json={"decision": "reject", "version": 1}).status_code == 200
    stale = api.post(url, headers=auth, json={"decision": "publish", "version": 1})
    assert stale.status_code == 409
    assert "changed by coordinator1" in stale.json()["error"] and "version 2" in stale.json()["error"]
    assert api.post(url, headers=auth, json={"decision": "approve", "version": 2}).status_code == 422
    missing = api.post(
        "/api/comments/99999/moderation", headers=auth, json={"decision": "publish", "version": 1}
    )
    assert missing.status_code == 404


def test_queue_filters_and_pages(api: TestClient, tokens: dict[str, str]) -> None:
    ids = [api.post("/api/comments", json=body(text=f"第{i}条")).json()["id"] for i in range(3)]
    auth = bearer(tokens["coordinator"])
    page = api.get("/api/comments/queue", params={"limit": 2, "offset": 1}, headers=auth).json()
    assert [c["id"] for c in page["data"]] == ids[1:] and page["count"] == 2
    assert api.get("/api/comments/queue", params={"status": "rejected"}, headers=auth).json()["data"] == []
    assert api.get("/api/comments/queue", params={"status": "spam"}, headers=auth).status_code == 422


def test_browser_json_posts_need_the_csrf_token(app: FastAPI) -> None:
    """A request with cookies (a browser) must prove it comes from one of our pages."""
    with TestClient(app) as browser:
        page = browser.get(f"/plans/{DEFAULT_PLAN}/units/{UNIT}")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        assert browser.cookies.get("yrd_csrf")
        refused = browser.post("/api/comments", json=body())
        assert refused.status_code == 403 and "CSRF" in refused.json()["error"]
        assert browser.post("/api/comments", json=body(), headers={"X-CSRF-Token": token}).status_code == 201


def test_openapi_describes_every_route(api: TestClient) -> None:
    spec = api.get("/openapi.json").json()
    paths = spec["paths"]
    routes = {("/api/comments", "get"), ("/api/comments", "post"), ("/api/comments/queue", "get"),
              ("/api/comments/{comment_id}/moderation", "post")}  # fmt: skip
    for path, method in routes:
        operation = paths[path][method]
        assert operation["summary"] and operation["tags"] == ["comments"]
        assert "application/json" in operation["responses"][next(iter(operation["responses"]))]["content"]
    post = paths["/api/comments"]["post"]["responses"]
    assert {"201", "400", "401", "403", "404", "422", "429"} <= set(post)
    assert "Retry-After" in post["429"]["description"]
    assert {"401", "403", "409"} <= set(paths["/api/comments/{comment_id}/moderation"]["post"]["responses"])
    assert {"401", "403"} <= set(paths["/api/comments/queue"]["get"]["responses"])
    schema = spec["components"]["schemas"]["CommentIn"]["properties"]
    assert all(schema[f].get("description") for f in ("subject_kind", "subject_id", "plan_id", "text"))
    assert schema["text"]["examples"]
    assert not any(p.startswith(("/comments", "/moderation")) for p in paths)  # pages stay out
