"""The comment form on the unit page and the moderation queue, as a browser uses them: CSRF, redirects
that stay on this site, escaping of everything typed (stored and reflected XSS), rate limits and who may
moderate. Accounts and comment texts are SYNTHETIC."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.web.test_comments_api import PASSWORD, ROLES, UNIT, build_app

from yrd.db import Database
from yrd.documents.load import DEFAULT_PLAN
from yrd.supervise import accounts, comments
from yrd.supervise.roles import ANONYMOUS, system

PERMALINK = f"/plans/{DEFAULT_PLAN}/units/{UNIT}"
SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'


@pytest.fixture
def app(default_db: Database, tmp_path: Path) -> FastAPI:
    for role, bodies in ROLES.items():
        accounts.create_user(default_db, system("test"), f"{role}1", PASSWORD, role, bodies=bodies)
    return build_app(default_db, tmp_path)


def browser(app: FastAPI, role: str | None = None) -> TestClient:
    """A browser, logged in with a session cookie when a role is given."""
    client = TestClient(app, follow_redirects=False)
    if role is not None:
        _user, token = accounts.login(app.state.db, f"{role}1", PASSWORD, client=f"test-{role}")
        client.cookies.set("yrd_session", token)
    return client


@pytest.fixture
def visitor(app: FastAPI) -> Iterator[TestClient]:
    with browser(app) as c:
        yield c


@pytest.fixture
def coordinator(app: FastAPI) -> Iterator[TestClient]:
    with browser(app, "coordinator") as c:
        yield c


def csrf(client: TestClient, path: str = PERMALINK) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]


def form(token: str, **overrides: str) -> dict[str, str]:
    return {"csrf_token": token, "subject_kind": "unit", "subject_id": UNIT, "plan_id": DEFAULT_PLAN,
            "text": "建议公布年度进度。", "author_name": "测试者", "next": PERMALINK} | overrides  # fmt: skip


def pending_ids(db: Database) -> list[int]:
    with db.read() as session:
        return [c.id for c in comments.queue(session)]


def publish_all(db: Database) -> None:
    moderator = system("test")
    for comment_id in pending_ids(db):
        comments.moderate(db, moderator, comment_id, decision="publish", version=1)


# ---------------------------------------------------------------------------------------------- posting


def test_unit_page_carries_the_form_and_posting_comes_back_with_a_notice(
    app: FastAPI, visitor: TestClient
) -> None:
    page = visitor.get(PERMALINK)
    assert 'id="comments"' in page.text and 'action="/comments"' in page.text
    assert f'maxlength="{comments.TEXT_MAX}"' in page.text and f'maxlength="{comments.NAME_MAX}"' in page.text
    assert "No comments yet." in page.text
    posted = visitor.post("/comments", data=form(csrf(visitor)))
    assert posted.status_code == 303
    assert posted.headers["location"] == f"{PERMALINK}?commented=1#comments"
    after = visitor.get(posted.headers["location"])
    assert "will be shown once a coordinator has reviewed it" in after.text
    assert "建议公布年度进度。" not in after.text  # pending: not shown yet
    publish_all(app.state.db)
    shown = visitor.get(PERMALINK).text
    assert "建议公布年度进度。" in shown and "测试者" in shown


def test_a_coordinators_comment_is_shown_at_once(coordinator: TestClient) -> None:
    posted = coordinator.post("/comments", data=form(csrf(coordinator), author_name=""))
    assert posted.headers["location"] == f"{PERMALINK}?commented=2#comments"
    page = coordinator.get(posted.headers["location"]).text
    assert "Your comment is published." in page and "建议公布年度进度。" in page and "coordinator1" in page


def test_chinese_interface(visitor: TestClient) -> None:
    page = visitor.get(PERMALINK, params={"ui": "zh"}).text
    assert "发表评论" in page and "提交评论" in page and "暂无评论。" in page


def test_missing_or_wrong_csrf_token_is_403_and_nothing_is_stored(app: FastAPI, visitor: TestClient) -> None:
    csrf(visitor)  # the browser has its CSRF cookie
    data = form("")
    del data["csrf_token"]
    refused = visitor.post("/comments", data=data)
    assert refused.status_code == 403 and "CSRF token is missing or wrong" in refused.text
    assert visitor.post("/comments", data=form("forged")).status_code == 403
    assert pending_ids(app.state.db) == []


@pytest.mark.parametrize(
    "next_value",
    ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "", "evil"],
)
def test_next_never_leaves_the_site(visitor: TestClient, next_value: str) -> None:
    posted = visitor.post("/comments", data=form(csrf(visitor), next=next_value))
    assert posted.status_code == 303
    assert posted.headers["location"] == f"{PERMALINK}?commented=1#comments"


def test_next_keeps_a_local_page_and_its_query(visitor: TestClient) -> None:
    posted = visitor.post("/comments", data=form(csrf(visitor), next=f"/plans/{DEFAULT_PLAN}/chp_5?view=zh"))
    assert posted.headers["location"] == f"/plans/{DEFAULT_PLAN}/chp_5?view=zh&commented=1#comments"


def test_a_refused_comment_shows_the_form_again_with_the_draft(visitor: TestClient) -> None:
    refused = visitor.post("/comments", data=form(csrf(visitor), text="字" * 2001, author_name=ATTRIBUTE))
    assert refused.status_code == 400
    assert "Your comment was not posted" in refused.text
    assert "text: at most 2000 characters (got 2001)" in refused.text
    assert "字" * 2001 in refused.text  # nothing typed is lost
    assert ATTRIBUTE not in refused.text and "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in refused.text
    assert f'href="{PERMALINK}"' in refused.text
    gone = visitor.post("/comments", data=form(csrf(visitor), subject_id="chp_99"))
    assert gone.status_code == 404 and "does not exist" in gone.text


def test_rate_limit_is_429_with_retry_after(visitor: TestClient) -> None:
    token = csrf(visitor)
    for i in range(5):
        assert visitor.post("/comments", data=form(token, text=f"第{i}条")).status_code == 303
    refused = visitor.post("/comments", data=form(token, text="第六条"))
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert "Please try again in about 10 min." in refused.text and "第六条" in refused.text


# -------------------------------------------------------------------------------------------------- XSS


def test_typed_html_is_stored_as_is_and_shown_escaped(app: FastAPI, visitor: TestClient) -> None:
    token = csrf(visitor)
    visitor.post("/comments", data=form(token, text=f"{SCRIPT}\n{ATTRIBUTE}", author_name=SCRIPT))
    [comment_id] = pending_ids(app.state.db)
    with app.state.db.read() as session:
        assert comments.get_comment(session, comment_id).text == f"{SCRIPT}\n{ATTRIBUTE}"  # not escaped
    escaped_script = "&lt;script&gt;alert(1)&lt;/script&gt;"
    escaped_attribute = "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"

    with browser(app, "coordinator") as moderator:
        queue = moderator.get("/moderation").text
        assert SCRIPT not in queue and ATTRIBUTE not in queue and "<img src=x" not in queue
        assert queue.count(escaped_script) == 2 and escaped_attribute in queue

    publish_all(app.state.db)
    page = visitor.get(PERMALINK).text
    assert SCRIPT not in page and ATTRIBUTE not in page and "<img src=x" not in page
    assert page.count(escaped_script) == 2 and f"{escaped_script}<br>{escaped_attribute}" in page


def test_query_parameters_are_not_reflected(
    app: FastAPI, coordinator: TestClient, visitor: TestClient
) -> None:
    comments.post_comment(app.state.db, ANONYMOUS, subject_kind="unit", subject_id=UNIT, plan_id=DEFAULT_PLAN,
                          text="待审", client="x" * 64, now=datetime.now(UTC))  # fmt: skip
    page = coordinator.get("/moderation", params={"status": SCRIPT, "moderated": SCRIPT, "done": ATTRIBUTE})
    assert page.status_code == 200
    for shown in (SCRIPT, ATTRIBUTE, "&lt;script&gt;", "onerror=alert"):  # neither echoed nor escaped
        assert shown not in page.text
    assert "待审" in page.text  # an unknown status falls back to the pending tab
    unit = visitor.get(PERMALINK, params={"commented": SCRIPT})
    assert SCRIPT not in unit.text and "&lt;script&gt;" not in unit.text
    assert "will be shown once" not in unit.text and "Your comment is published" not in unit.text
    posted = visitor.post(
        "/comments", data=form(csrf(visitor), next=f'/plans/{DEFAULT_PLAN}/chp_5?x="{SCRIPT}')
    )
    assert posted.status_code == 303 and posted.headers["location"].startswith(
        f"/plans/{DEFAULT_PLAN}/chp_5?"
    )
    landing = visitor.get(posted.headers["location"])
    assert SCRIPT not in landing.text and ATTRIBUTE not in landing.text


# ------------------------------------------------------------------------------------------- moderation


def test_anonymous_visitors_are_sent_to_log_in(visitor: TestClient) -> None:
    answer = visitor.get("/moderation")
    assert answer.status_code == 303 and answer.headers["location"] == "/login?next=%2Fmoderation"


@pytest.mark.parametrize("role", ["public", "reporter", "analyst"])
def test_other_roles_get_403(app: FastAPI, role: str) -> None:
    with browser(app, role) as client:
        assert client.get("/moderation").status_code == 403
        comments.post_comment(app.state.db, ANONYMOUS, subject_kind="unit", subject_id=UNIT,
                              plan_id=DEFAULT_PLAN, text="待审", client="y" * 64)  # fmt: skip
        [comment_id] = pending_ids(app.state.db)
        token = csrf(client)
        refused = client.post(f"/moderation/{comment_id}",
                              data={"csrf_token": token, "decision": "publish", "version": "1"})  # fmt: skip
        assert refused.status_code == 403 and pending_ids(app.state.db) == [comment_id]


def test_moderating_from_the_queue(app: FastAPI, coordinator: TestClient, visitor: TestClient) -> None:
    visitor.post("/comments", data=form(csrf(visitor), text="请核实"))
    [comment_id] = pending_ids(app.state.db)
    queue = coordinator.get("/moderation")
    assert f'action="/moderation/{comment_id}"' in queue.text and "Waiting for a decision (1)" in queue.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', queue.text).group(1)  # type: ignore[union-attr]
    without = coordinator.post(f"/moderation/{comment_id}", data={"decision": "publish", "version": "1"})
    assert without.status_code == 403  # no CSRF token
    decision = {"csrf_token": token, "decision": "publish", "version": "1", "note": "属实"}
    done = coordinator.post(f"/moderation/{comment_id}", data=decision)
    assert done.status_code == 303
    assert done.headers["location"] == f"/moderation?moderated=publish&done={comment_id}"
    assert "The comment is published." in coordinator.get(done.headers["location"]).text
    assert "请核实" in visitor.get(PERMALINK).text
    published = coordinator.get("/moderation", params={"status": "published"}).text
    assert "请核实" in published and "属实" in published and "Reject comment" in published

    stale = coordinator.post(f"/moderation/{comment_id}",
                             data={"csrf_token": token, "decision": "reject", "version": "1"})  # fmt: skip
    assert stale.status_code == 409
    assert "changed by coordinator1" in stale.text and "reload it and decide again" in stale.text
    bad = coordinator.post(f"/moderation/{comment_id}",
                           data={"csrf_token": token, "decision": "delete", "version": "2"})  # fmt: skip
    assert bad.status_code == 400 and "decision: &#39;delete&#39; is not one of publish, reject" in bad.text
    with app.state.db.read() as session:
        assert comments.get_comment(session, comment_id).status == "published"
