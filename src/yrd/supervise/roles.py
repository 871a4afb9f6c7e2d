"""Roles, permissions and who is asking: the one table every check on the server reads.

A request, a CLI command or a test acts as a `Principal`: a user's role and responsible bodies,
narrowed by the scopes of the API token it came with (a token never grants more than its user's
role). Reporters act only for their bodies; `can_act_for` is that second check.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from yrd.errors import AuthError, ForbiddenError, InputError

ROLES = ("admin", "coordinator", "reporter", "analyst", "public")

# What each permission lets one do. The names are also the scopes of API tokens.
PERMISSIONS: dict[str, str] = {
    "comment:post": "comment on a unit, target, task or project",
    "account:tokens": "create and revoke one's own API tokens",
    "report:file": "file progress reports on tasks and projects (reporters: of their bodies only)",
    "task:progress": "start a task, mark it delayed or resume it (reporters: of their bodies only)",
    "task:manage": "assign tasks, set deadlines and milestones, split, merge, close, cancel or reopen",
    "report:review": "accept or return progress reports",
    "project:manage": "edit the project register (status, dates, lead body)",
    "comment:moderate": "publish or reject comments",
    "stats:import": "import statistics",
    "audit:read": "read the audit log",
    "user:manage": "create accounts, change roles and bodies, disable accounts, revoke anyone's tokens",
}

_BASE = {"comment:post", "account:tokens"}
GRANTS: dict[str, frozenset[str]] = {
    "public": frozenset(_BASE),
    "reporter": frozenset(_BASE | {"report:file", "task:progress"}),
    "analyst": frozenset(_BASE | {"stats:import", "audit:read"}),
    "coordinator": frozenset(
        _BASE
        | {"report:file", "task:progress", "task:manage", "report:review", "project:manage"}
        | {"comment:moderate", "audit:read"}
    ),
    "admin": frozenset(PERMISSIONS),
}

# Roles whose work is bound to responsible bodies: they act only where one of their bodies is lead or
# partner. The others act on every task.
BODY_BOUND = frozenset({"reporter"})


@dataclass(frozen=True)
class Principal:
    """Who is asking. ``user_id`` is None for an anonymous visitor and for the CLI's console operator;
    ``scopes`` None means the full role."""

    user_id: int | None
    username: str
    role: str
    bodies: tuple[str, ...] = ()
    scopes: frozenset[str] | None = None
    via: str = "session"  # session, token, cli or anonymous
    display_name: str = field(default="", compare=False)

    @property
    def authenticated(self) -> bool:
        return self.via != "anonymous"

    @property
    def permissions(self) -> frozenset[str]:
        granted = GRANTS.get(self.role, frozenset()) if self.authenticated else frozenset({"comment:post"})
        return granted if self.scopes is None else granted & self.scopes

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    def require(self, permission: str) -> None:
        """Raise unless allowed: AuthError when nobody is logged in, ForbiddenError otherwise."""
        if permission not in PERMISSIONS:
            raise ValueError(f"unknown permission {permission!r}")
        if self.can(permission):
            return
        if not self.authenticated:
            raise AuthError(f"log in first: this needs the permission {permission!r}")
        if self.scopes is not None and permission in GRANTS.get(self.role, frozenset()):
            raise ForbiddenError(f"this API token's scopes do not include {permission!r}")
        raise ForbiddenError(f"the role {self.role!r} may not {PERMISSIONS[permission]} ({permission})")

    def can_act_for(self, bodies: Iterable[str | None]) -> bool:
        """Whether the role's body binding allows acting on something with these responsible bodies."""
        if self.role not in BODY_BOUND:
            return True
        return bool(set(self.bodies) & {b for b in bodies if b})

    def require_body(self, bodies: Iterable[str | None], what: str) -> None:
        wanted = sorted({b for b in bodies if b})
        if not self.can_act_for(wanted):
            mine = ", ".join(self.bodies) or "none"
            theirs = ", ".join(wanted) or "none assigned yet"
            raise ForbiddenError(f"{what} is assigned to {theirs}; your bodies are {mine}")


ANONYMOUS = Principal(user_id=None, username="anonymous", role="public", via="anonymous")


def system(name: str = "system") -> Principal:
    """The principal of the CLI and of the first-run seeding: an operator at the server's console."""
    return Principal(user_id=None, username=name, role="admin", via="cli", scopes=None)


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    return role


def check_scopes(scopes: Iterable[str]) -> list[str]:
    wanted = sorted(set(scopes))
    unknown = [s for s in wanted if s not in PERMISSIONS]
    if unknown:
        raise InputError(f"unknown scope(s) {', '.join(unknown)}: use any of {', '.join(PERMISSIONS)}")
    return wanted
