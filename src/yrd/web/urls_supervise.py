"""Addresses of the supervision capability's pages and API (accounts, tasks, projects, comments)."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from starlette.requests import Request


def safe_next(value: str | None, default: str = "/") -> str:
    """A local path to go back to, or ``default``: never another site (no ``//host``, scheme or
    backslash), so a ``next`` parameter cannot send anyone away (open redirect)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    if any(ord(c) < 32 for c in value) or len(value) > 2000:
        return default
    return value


def local_path(request: Request) -> str:
    """The request's own path and query, to come back to after logging in."""
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def login_page(next: str | None = None) -> str:
    target = safe_next(next, "")
    return "/login" + (f"?{urlencode({'next': target})}" if target and target != "/" else "")


def logout() -> str:
    return "/logout"


def account_page() -> str:
    return "/account"


def users_page() -> str:
    return "/admin/users"


def user_page(username: str) -> str:
    return f"/admin/users/{quote(username)}"


def audit_page() -> str:
    return "/audit"
