"""Accounts, login sessions, API tokens and login throttling.

Passwords are hashed with Argon2id (argon2-cffi's defaults, RFC 9106's second recommended profile)
and rehashed on login when those parameters change. Session and API tokens are 256-bit random
strings; only their SHA-256 is stored, so a copy of the database logs nobody in. A failed login is
kept for `THROTTLE_WINDOW`; after `MAX_FAILURES` failures for one user name, or `MAX_CLIENT_FAILURES`
from one client address, logins are refused for the rest of the window whatever the password.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yrd.db import Database
from yrd.db.models import ApiTokenRow, AppSecretRow, LoginAttemptRow, SessionRow, UserRow
from yrd.errors import AuthError, ConflictError, InputError, NotFoundError, ThrottledError
from yrd.supervise import audit
from yrd.supervise.audit import to_utc
from yrd.supervise.bodies import check_bodies
from yrd.supervise.roles import GRANTS, Principal, check_role, check_scopes

HASHER = PasswordHasher()
SESSION_TTL = timedelta(hours=12)
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES = 5
MAX_CLIENT_FAILURES = 20
MIN_PASSWORD = 10
TOKEN_PREFIX = "yrd_"
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
# Verifying against this keeps a login for an unknown name as slow as one for a known name.
_DUMMY_HASH = HASHER.hash("not a password of anyone")


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    role: str
    bodies: tuple[str, ...]
    active: bool
    created_at: datetime

    def principal(self, scopes: Iterable[str] | None = None, via: str = "session") -> Principal:
        return Principal(
            self.id,
            self.username,
            self.role,
            self.bodies,
            None if scopes is None else frozenset(scopes),
            via,
            self.display_name,
        )

    def public(self) -> dict[str, object]:
        """What the audit log and the API show of an account (never its password hash)."""
        return {
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role,
            "bodies": list(self.bodies),
            "active": self.active,
        }


@dataclass(frozen=True)
class Token:
    id: int
    user_id: int
    username: str
    name: str
    prefix: str
    scopes: tuple[str, ...]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None

    @property
    def active(self) -> bool:
        now = datetime.now(UTC)
        return self.revoked_at is None and (self.expires_at is None or to_utc(self.expires_at) > now)

    def public(self) -> dict[str, object]:
        return {
            "id": self.id,
            "user": self.username,
            "name": self.name,
            "prefix": self.prefix,
            "scopes": list(self.scopes),
            "expires_at": _iso(self.expires_at),
            "revoked_at": _iso(self.revoked_at),
        }


def _iso(at: datetime | None) -> str | None:
    return None if at is None else to_utc(at).isoformat(timespec="seconds")


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _user(row: UserRow) -> User:
    return User(
        row.id,
        row.username,
        row.display_name,
        row.role,
        tuple(row.bodies or ()),
        row.active,
        to_utc(row.created_at),
    )


def _token(row: ApiTokenRow, username: str) -> Token:
    def at(value: datetime | None) -> datetime | None:
        return None if value is None else to_utc(value)

    return Token(
        row.id,
        row.user_id,
        username,
        row.name,
        row.prefix,
        tuple(row.scopes or ()),
        to_utc(row.created_at),
        at(row.expires_at),
        at(row.revoked_at),
        at(row.last_used_at),
    )


# --------------------------------------------------------------------------------------------- users


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InputError(f"password: at least {MIN_PASSWORD} characters are needed (got {len(password)})")
    if len(password) > 1024:
        raise InputError("password: at most 1024 characters")
    return password


def check_username(username: str) -> str:
    if not USERNAME.match(username):
        raise InputError(
            f"username {username!r}: use 2–64 lowercase letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return username


def _check_bodies(role: str, bodies: Iterable[str]) -> list[str]:
    wanted = check_bodies(bodies)
    if role == "reporter" and not wanted:
        raise InputError("bodies: a reporter must be bound to at least one responsible body")
    return wanted


def create_user(
    db: Database,
    actor: Principal,
    username: str,
    password: str,
    role: str,
    *,
    bodies: Iterable[str] = (),
    display_name: str = "",
) -> User:
    actor.require("user:manage")
    check_username(username)
    check_password(password)
    check_role(role)
    now = datetime.now(UTC)
    try:
        with db.write() as session:
            row = UserRow(
                username=username,
                display_name=display_name.strip()[:120],
                role=role,
                bodies=_check_bodies(role, bodies),
                password_hash=HASHER.hash(password),
                active=True,
                created_at=now,
                password_changed_at=now,
            )
            session.add(row)
            session.flush()
            user = _user(row)
            audit.record(session, actor.username, "user.create", f"user:{username}", None, user.public())
    except IntegrityError:
        raise ConflictError(f"the user name {username!r} is taken") from None
    return user


def update_user(
    db: Database,
    actor: Principal,
    username: str,
    *,
    role: str | None = None,
    bodies: Iterable[str] | None = None,
    display_name: str | None = None,
    active: bool | None = None,
) -> User:
    """Change an account; disabling it also ends its sessions (its tokens stop working with it)."""
    actor.require("user:manage")
    with db.write() as session:
        row = _user_row(session, username)
        before = _user(row).public()
        if role is not None:
            row.role = check_role(role)
        if bodies is not None or role is not None:
            row.bodies = _check_bodies(row.role, row.bodies if bodies is None else bodies)
        if display_name is not None:
            row.display_name = display_name.strip()[:120]
        if active is not None:
            if not active and row.username == actor.username:
                raise InputError("you cannot disable your own account")
            row.active = active
            if not active:
                session.execute(delete(SessionRow).where(SessionRow.user_id == row.id))
        session.flush()
        user = _user(row)
        audit.record(session, actor.username, "user.update", f"user:{username}", before, user.public())
    return user


def set_password(
    db: Database, actor: Principal, username: str, password: str, *, current: str | None = None
) -> None:
    """Change a password: one's own with the current password, anyone's with user:manage. Every
    session of the account ends (a stolen session does not outlive a password change)."""
    check_password(password)
    with db.write() as session:
        row = _user_row(session, username)
        if actor.user_id == row.id and not actor.can("user:manage"):
            if current is None or not _verify(row.password_hash, current):
                raise AuthError("the current password is wrong")
        elif actor.user_id != row.id:
            actor.require("user:manage")
        row.password_hash = HASHER.hash(password)
        row.password_changed_at = datetime.now(UTC)
        session.execute(delete(SessionRow).where(SessionRow.user_id == row.id))
        audit.record(session, actor.username, "user.password", f"user:{username}", None, {"changed": True})


def _user_row(session: Session, username: str) -> UserRow:
    row = session.execute(select(UserRow).where(UserRow.username == username)).scalar_one_or_none()
    if row is None:
        raise NotFoundError(f"no user {username!r} (see `yrd user list`)")
    return row


def get_user(session: Session, username: str) -> User:
    return _user(_user_row(session, username))


def list_users(session: Session) -> list[User]:
    return [_user(r) for r in session.execute(select(UserRow).order_by(UserRow.username)).scalars()]


def count_users(session: Session) -> int:
    return session.execute(select(func.count()).select_from(UserRow)).scalar_one()


def _verify(stored: str, password: str) -> bool:
    try:
        return HASHER.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# ----------------------------------------------------------------------------------- login, sessions


def _throttle(session: Session, username: str, client: str, now: datetime) -> None:
    since = now - THROTTLE_WINDOW
    base = select(func.count(), func.min(LoginAttemptRow.at)).where(LoginAttemptRow.at > since)
    for column, key, limit in (
        (LoginAttemptRow.username, username, MAX_FAILURES),
        (LoginAttemptRow.client, client, MAX_CLIENT_FAILURES),
    ):
        count, first = session.execute(base.where(column == key)).one()
        if count >= limit:
            wait = int((to_utc(first) + THROTTLE_WINDOW - now).total_seconds()) + 1
            raise ThrottledError(
                f"too many failed logins; try again in {max(wait, 1) // 60 + 1} minutes", max(wait, 1)
            )


def login(
    db: Database, username: str, password: str, *, client: str, now: datetime | None = None
) -> tuple[User, str]:
    """Check a password; return the user and a new session token (the cookie's value).

    Every login makes a new session token, so a token planted before login (session fixation) is
    never the one that is logged in.
    """
    now = now or datetime.now(UTC)
    username = username.strip().lower()[:64]
    with db.write() as session:
        session.execute(delete(LoginAttemptRow).where(LoginAttemptRow.at <= now - THROTTLE_WINDOW))
        session.execute(delete(SessionRow).where(SessionRow.expires_at <= now))
        _throttle(session, username, client, now)
    with db.read() as session:
        row = session.execute(select(UserRow).where(UserRow.username == username)).scalar_one_or_none()
        ok = _verify(row.password_hash if row else _DUMMY_HASH, password) and row is not None and row.active
    with db.write() as session:
        if not ok or row is None:
            session.add(LoginAttemptRow(username=username, client=client, at=now))
            failure = "wrong user name or password"
        else:
            token = secrets.token_urlsafe(32)
            session.add(
                SessionRow(
                    token_hash=digest(token), user_id=row.id, created_at=now, expires_at=now + SESSION_TTL
                )
            )
            if HASHER.check_needs_rehash(row.password_hash):
                session.get(UserRow, row.id).password_hash = HASHER.hash(password)  # type: ignore[union-attr]
            session.execute(delete(LoginAttemptRow).where(LoginAttemptRow.username == username))
            audit.record(session, username, "user.login", f"user:{username}", None, None, at=now)
            return _user(row), token
    raise AuthError(failure)


def session_user(db: Database, token: str, now: datetime | None = None) -> User | None:
    """The user a session cookie belongs to, or None when it is unknown, expired or disabled."""
    now = now or datetime.now(UTC)
    with db.read() as session:
        found = session.execute(
            select(UserRow)
            .join(SessionRow, SessionRow.user_id == UserRow.id)
            .where(SessionRow.token_hash == digest(token), SessionRow.expires_at > now, UserRow.active)
        ).scalar_one_or_none()
        return None if found is None else _user(found)


def logout(db: Database, token: str) -> None:
    with db.write() as session:
        session.execute(delete(SessionRow).where(SessionRow.token_hash == digest(token)))


# ------------------------------------------------------------------------------------------- tokens


def create_token(
    db: Database,
    actor: Principal,
    username: str,
    *,
    name: str = "",
    scopes: Iterable[str] | None = None,
    expires_days: int | None = None,
    secret: str | None = None,
) -> tuple[Token, str]:
    """A new API token for a user (one's own with account:tokens, anyone's with user:manage).

    Scopes default to everything the user's role allows and cannot exceed it. The secret is returned
    once and never stored; ``secret`` adopts an existing one (the former ``YRD_API_TOKEN``).
    """
    actor.require("account:tokens")
    with db.write() as session:
        owner = _user_row(session, username)
        if owner.id != actor.user_id:
            actor.require("user:manage")
        allowed = GRANTS[owner.role]
        wanted = check_scopes(allowed if scopes is None else scopes)
        beyond = [s for s in wanted if s not in allowed]
        if beyond:
            raise InputError(
                f"scopes: the role {owner.role!r} of {username!r} does not allow {', '.join(beyond)}"
            )
        if expires_days is not None and not 1 <= expires_days <= 3650:
            raise InputError(f"expires: between 1 and 3650 days (got {expires_days})")
        value = secret or TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        expires = None if expires_days is None else now + timedelta(days=expires_days)
        row = ApiTokenRow(
            user_id=owner.id,
            name=name.strip()[:120],
            prefix=value[:10],
            token_hash=digest(value),
            scopes=wanted,
            created_at=now,
            expires_at=expires,
        )
        session.add(row)
        session.flush()
        token = _token(row, owner.username)
        audit.record(session, actor.username, "token.create", f"token:{row.id}", None, token.public())
    return token, value


def token_principal(db: Database, value: str) -> Principal:
    """The principal of a bearer token; AuthError when it is unknown, revoked, expired or its user
    is disabled."""
    now = datetime.now(UTC)
    with db.read() as session:
        found = session.execute(
            select(ApiTokenRow, UserRow)
            .join(UserRow, UserRow.id == ApiTokenRow.user_id)
            .where(ApiTokenRow.token_hash == digest(value))
        ).first()
    if found is None:
        raise AuthError("unknown API token")
    row, user = found
    if row.revoked_at is not None:
        raise AuthError(f"the API token {row.prefix}… was revoked")
    if row.expires_at is not None and to_utc(row.expires_at) <= now:
        raise AuthError(f"the API token {row.prefix}… expired")
    if not user.active:
        raise AuthError(f"the account {user.username!r} of this API token is disabled")
    if row.last_used_at is None or now - to_utc(row.last_used_at) > timedelta(minutes=5):
        with db.write() as session:  # coarse, so that reads do not all turn into writes
            session.get(ApiTokenRow, row.id).last_used_at = now  # type: ignore[union-attr]
    return _user(user).principal(row.scopes, via="token")


def list_tokens(session: Session, actor: Principal, username: str | None = None) -> list[Token]:
    """One's own tokens; with user:manage anyone's (``username`` None: all)."""
    query = select(ApiTokenRow, UserRow.username).join(UserRow, UserRow.id == ApiTokenRow.user_id)
    if username is None and not actor.can("user:manage"):
        username = actor.username
    if username is not None:
        if username != actor.username:
            actor.require("user:manage")
        query = query.where(UserRow.username == username)
    return [_token(row, name) for row, name in session.execute(query.order_by(ApiTokenRow.id))]


def revoke_token(db: Database, actor: Principal, token_id: int) -> Token:
    actor.require("account:tokens")
    with db.write() as session:
        found = session.execute(
            select(ApiTokenRow, UserRow.username)
            .join(UserRow, UserRow.id == ApiTokenRow.user_id)
            .where(ApiTokenRow.id == token_id)
        ).first()
        if found is None or (found[0].user_id != actor.user_id and not actor.can("user:manage")):
            raise NotFoundError(f"no API token {token_id} of yours")
        row, username = found
        before = _token(row, username).public()
        if row.revoked_at is None:
            row.revoked_at = datetime.now(UTC)
        token = _token(row, username)
        audit.record(session, actor.username, "token.revoke", f"token:{row.id}", before, token.public())
    return token


# ------------------------------------------------------------------------------------------ secrets


def app_secret(db: Database, name: str) -> bytes:
    """A server secret made on first use and shared by every worker (the CSRF and client-hash key)."""
    with db.read() as session:
        row = session.get(AppSecretRow, name)
        if row is not None:
            return bytes.fromhex(row.value)
    try:
        with db.write() as session:
            if session.get(AppSecretRow, name) is None:
                session.add(AppSecretRow(name=name, value=secrets.token_hex(32)))
    except IntegrityError:  # another worker made it first
        pass
    with db.read() as session:
        return bytes.fromhex(session.get(AppSecretRow, name).value)  # type: ignore[union-attr]


def keyed(secret: bytes, value: str) -> str:
    return hmac.new(secret, value.encode("utf-8"), hashlib.sha256).hexdigest()


# ------------------------------------------------------------------------------------ first run


LEGACY_USER = "api-token"


def ensure_admin(db: Database, password: str | None = None) -> str | None:
    """With no account at all, make ``admin`` and return its password (given, or a new random one);
    with any account, do nothing and return None."""
    from yrd.supervise.roles import system

    with db.read() as session:
        if count_users(session):
            return None
    password = password or secrets.token_urlsafe(12)
    try:
        create_user(db, system("first-run"), "admin", password, "admin", display_name="Administrator")
    except ConflictError:  # another process made it first
        return None
    return password


def adopt_legacy_token(db: Database, secret: str) -> None:
    """Make the former single ``YRD_API_TOKEN`` a token of this system: owned by the account
    ``api-token`` (role analyst), scoped to ``stats:import``, as it allowed only imports. Idempotent."""
    from yrd.supervise.roles import system

    with db.read() as session:
        if session.execute(select(ApiTokenRow.id).where(ApiTokenRow.token_hash == digest(secret))).first():
            return
        exists = session.execute(select(UserRow.id).where(UserRow.username == LEGACY_USER)).first()
    operator = system("YRD_API_TOKEN")
    if not exists:
        create_user(db, operator, LEGACY_USER, secrets.token_urlsafe(24), "analyst",
                    display_name="YRD_API_TOKEN (machine client)")  # fmt: skip
    create_token(db, operator, LEGACY_USER, name="YRD_API_TOKEN", scopes=["stats:import"], secret=secret)
