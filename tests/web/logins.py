"""Logging in as each role in web tests: SYNTHETIC accounts, one per role, on a test database."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from yrd.db import Database
from yrd.supervise import accounts
from yrd.supervise.roles import ROLES, system

PASSWORD = "test password 123"
# The reporter acts for Anhui; a second reporter for Shanghai tests the body binding.
BODIES = {"reporter": ("340000",), "reporter2": ("310000",)}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def add_role_users(db: Database) -> dict[str, str]:
    """One account per role (user name = role name) plus ``reporter2``; returns role → user name."""
    names = {role: role for role in ROLES} | {"reporter2": "reporter2"}
    with db.read() as session:
        existing = {u.username for u in accounts.list_users(session)}
    for name in names:
        if name in existing:
            continue
        role = "reporter" if name == "reporter2" else name
        accounts.create_user(db, system("tests"), name, PASSWORD, role, bodies=BODIES.get(name, ()))
    return names


def csrf_of(client: TestClient, path: str = "/login") -> str:
    """The CSRF token of a page (and the cookie it belongs to, kept by the client)."""
    page = client.get(path)
    found = CSRF.search(page.text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Log the client in through the login form; returns the CSRF token of the new session."""
    token = csrf_of(client)
    answer = client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                         follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303, answer.text[:500]
    return csrf_of(client, "/account")


def token_for(db: Database, username: str, scopes: list[str] | None = None) -> str:
    """A bearer token of the account (all of its role, or the given scopes)."""
    return accounts.create_token(db, system("tests"), username, scopes=scopes, name="test")[1]
