"""Logging in and out, CSRF, session fixation, throttling, open redirects, tokens over HTTP.
Accounts are SYNTHETIC (tests/web/logins.py)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.web.logins import PASSWORD, add_role_users, csrf_of, login, token_for

from yrd.db import Database
from yrd.settings import Settings
from yrd.supervise import accounts
from yrd.web.app import create_app


@pytest.fixture
def auth_db(default_sqlite: Path, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "auth.sqlite"
    shutil.copyfile(default_sqlite, path)
    db = Database(f"sqlite:///{path}")
    add_role_users(db)
    yield db
    db.dispose()


@pytest.fixture
def client(auth_db: Database, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(data_dir=tmp_path), auth_db)) as c:
        yield c


def test_login_sets_strict_cookies_and_the_header_names_the_user(client: TestClient) -> None:
    token = csrf_of(client)
    answer = client.post(
        "/login",
        data={"username": "coordinator", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    cookies = {c.split("=")[0]: c.lower() for c in answer.headers.get_list("set-cookie")}
    assert "httponly" in cookies["yrd_session"] and "samesite=lax" in cookies["yrd_session"]
    assert "httponly" in cookies["yrd_csrf"]
    assert client.get("/api/me").json()["role"] == "coordinator"
    assert 'data-role="coordinator"' in client.get("/").text


def test_forms_without_the_csrf_token_are_refused(client: TestClient) -> None:
    refused = client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert refused.status_code == 403 and "CSRF" in refused.text
    token = login(client, "admin")
    for data in ({}, {"csrf_token": "forged"}, {"csrf_token": token + "x"}):
        answer = client.post("/account/tokens", data={"name": "t", **data})
        assert answer.status_code == 403, data
    assert client.post("/account/tokens", data={"name": "t", "csrf_token": token}).status_code == 200
    # the JSON API with a session cookie needs the token in a header; a bearer token needs none
    assert client.post("/api/tokens", json={"name": "x"}).status_code == 403
    created = client.post("/api/tokens", json={"name": "x"}, headers={"X-CSRF-Token": token})
    assert created.status_code == 201
    bare = TestClient(client.app)
    assert (
        bare.post(
            "/api/tokens", json={"name": "y"}, headers={"Authorization": f"Bearer {created.json()['token']}"}
        ).status_code
        == 201
    )


def test_a_csrf_token_of_another_browser_does_not_work(client: TestClient, auth_db: Database) -> None:
    other = TestClient(client.app)
    stolen = login(other, "admin")
    login(client, "admin")
    assert client.post("/account/tokens", data={"name": "t", "csrf_token": stolen}).status_code == 403


def test_session_fixation_a_planted_session_id_is_never_logged_in(
    client: TestClient, auth_db: Database
) -> None:
    client.get("/login")
    domain = next(c.domain for c in client.cookies.jar)  # the jar's own domain, so the server replaces them
    client.cookies.set("yrd_session", "attacker-chosen-value", domain=domain, path="/")
    client.cookies.set("yrd_csrf", "attacker-chosen-seed", domain=domain, path="/")
    login(client, "admin")
    session_cookie = client.cookies.get("yrd_session")
    assert session_cookie and session_cookie != "attacker-chosen-value"
    assert client.cookies.get("yrd_csrf") != "attacker-chosen-seed"
    attacker = TestClient(client.app)
    attacker.cookies.set("yrd_session", "attacker-chosen-value")
    assert attacker.get("/api/me").json()["authenticated"] is False
    # the session before a new login ends with it
    before = session_cookie
    login(client, "coordinator")
    assert accounts.session_user(auth_db, before) is None


def test_logout_ends_the_session_on_the_server(client: TestClient, auth_db: Database) -> None:
    token = login(client, "analyst")
    cookie = client.cookies.get("yrd_session")
    assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    replay = TestClient(client.app)
    replay.cookies.set("yrd_session", cookie)  # type: ignore[arg-type]
    assert replay.get("/api/me").json()["authenticated"] is False


def test_login_throttling_answers_429_with_retry_after(client: TestClient) -> None:
    token = csrf_of(client)
    for _ in range(accounts.MAX_FAILURES):
        wrong = client.post(
            "/login", data={"username": "admin", "password": "not it at all", "csrf_token": token}
        )
        assert wrong.status_code == 401 and "wrong user name or password" in wrong.text
    throttled = client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token})
    assert throttled.status_code == 429 and int(throttled.headers["retry-after"]) > 0
    assert client.get("/api/me").json()["authenticated"] is False


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_login_never_redirects_to_another_site(client: TestClient, target: str) -> None:
    token = csrf_of(client)
    answer = client.post(
        "/login",
        data={"username": "admin", "password": PASSWORD, "csrf_token": token, "next": target},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/"


def test_reflected_input_on_the_login_page_is_escaped(client: TestClient) -> None:
    attack = '/"><script>alert(1)</script>'
    page = client.get("/login", params={"next": attack})
    assert "<script>alert(1)</script>" not in page.text
    failed = client.post(
        "/login",
        data={
            "username": '"><img src=x onerror=alert(1)>',
            "password": "x" * 12,
            "csrf_token": csrf_of(client),
        },
    )
    assert failed.status_code == 401 and "<img src=x" not in failed.text and "&#34;&gt;&lt;img" in failed.text


def test_revoked_tokens_stop_at_once(client: TestClient, auth_db: Database) -> None:
    secret = token_for(auth_db, "coordinator")
    bearer = {"Authorization": f"Bearer {secret}"}
    mine = client.get("/api/tokens", headers=bearer).json()
    assert client.get("/api/me", headers=bearer).json()["username"] == "coordinator"
    assert client.delete(f"/api/tokens/{mine[0]['id']}", headers=bearer).status_code == 200
    refused = client.get("/api/me", headers=bearer)
    assert refused.status_code == 401 and "revoked" in refused.json()["error"]
    assert refused.headers["www-authenticate"] == "Bearer"


def test_a_token_cannot_revoke_another_user_s_token(client: TestClient, auth_db: Database) -> None:
    theirs = token_for(auth_db, "coordinator")
    bearer = {"Authorization": f"Bearer {token_for(auth_db, 'reporter')}"}
    with auth_db.read() as session:
        their_id = next(
            t.id for t in accounts.list_tokens(session, accounts.get_user(session, "coordinator").principal())
        )
    assert client.delete(f"/api/tokens/{their_id}", headers=bearer).status_code == 404
    assert client.get("/api/me", headers={"Authorization": f"Bearer {theirs}"}).status_code == 200


def test_scopes_narrow_what_a_token_may_do(client: TestClient, auth_db: Database) -> None:
    narrow = token_for(auth_db, "admin", scopes=["audit:read"])
    bearer = {"Authorization": f"Bearer {narrow}"}
    assert client.get("/api/audit/verify", headers=bearer).json()["ok"] is True
    refused = client.get("/api/users", headers=bearer)
    assert refused.status_code == 403 and "scopes" in refused.json()["error"]


def test_pages_that_need_a_login_send_browsers_to_it(client: TestClient) -> None:
    answer = client.get("/account", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/login?next=%2Faccount"
    login(client, "public")
    assert client.get("/admin/users").status_code == 403
    assert client.get("/audit").status_code == 403


def test_the_admin_adds_a_reporter_who_can_then_log_in(client: TestClient) -> None:
    token = login(client, "admin")
    added = client.post(
        "/admin/users",
        data={
            "username": "zj",
            "password": PASSWORD,
            "role": "reporter",
            "bodies": "330000",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert added.status_code == 303
    bad = client.post(
        "/admin/users",
        data={"username": "zj2", "password": PASSWORD, "role": "reporter", "bodies": "", "csrf_token": token},
    )
    assert bad.status_code == 400 and "at least one responsible body" in bad.text
    fresh = TestClient(client.app)
    login(fresh, "zj")
    assert fresh.get("/api/me").json()["bodies"] == ["330000"]
