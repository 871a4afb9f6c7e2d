"""Accounts, sessions, tokens and login throttling on SQLite and PostgreSQL. Accounts are SYNTHETIC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from yrd.db import Database
from yrd.db.models import ApiTokenRow, SessionRow, UserRow
from yrd.errors import AuthError, ConflictError, ForbiddenError, InputError, ThrottledError
from yrd.supervise import accounts, audit
from yrd.supervise.roles import ANONYMOUS, system

ADMIN = system("test")
PASSWORD = "correct horse battery"


def _user(db: Database, name: str = "alice", role: str = "reporter", bodies: tuple[str, ...] = ("340000",)):  # type: ignore[no-untyped-def]
    return accounts.create_user(db, ADMIN, name, PASSWORD, role, bodies=bodies)


def test_passwords_are_argon2_hashes_and_login_makes_a_new_session_each_time(db: Database) -> None:
    _user(db)
    with db.read() as session:
        stored = session.execute(select(UserRow.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    user, first = accounts.login(db, "alice", PASSWORD, client="c1")
    _, second = accounts.login(db, "Alice ", PASSWORD, client="c1")  # names are case- and space-insensitive
    assert user.username == "alice" and first != second
    with db.read() as session:
        hashes = set(session.execute(select(SessionRow.token_hash)).scalars())
    assert hashes == {accounts.digest(first), accounts.digest(second)}  # only digests are stored
    assert accounts.session_user(db, first).username == "alice"  # type: ignore[union-attr]
    accounts.logout(db, first)
    assert accounts.session_user(db, first) is None and accounts.session_user(db, second) is not None


def test_wrong_password_unknown_user_and_disabled_account_are_one_refusal(db: Database) -> None:
    _user(db)
    for name, password in (("alice", "wrong password!"), ("nobody", PASSWORD)):
        with pytest.raises(AuthError, match="wrong user name or password"):
            accounts.login(db, name, password, client="c")
    accounts.update_user(db, ADMIN, "alice", active=False)
    with pytest.raises(AuthError, match="wrong user name or password"):
        accounts.login(db, "alice", PASSWORD, client="c2")


def test_login_is_throttled_per_user_name_and_per_client(db: Database) -> None:
    _user(db)
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    for i in range(accounts.MAX_FAILURES):
        with pytest.raises(AuthError):
            accounts.login(db, "alice", "wrong password!", client=f"c{i}", now=now + timedelta(seconds=i))
    with pytest.raises(ThrottledError) as refused:  # even the right password, from a new client
        accounts.login(db, "alice", PASSWORD, client="fresh", now=now + timedelta(minutes=1))
    assert 0 < refused.value.retry_after <= accounts.THROTTLE_WINDOW.total_seconds()
    later = now + accounts.THROTTLE_WINDOW + timedelta(seconds=10)
    assert accounts.login(db, "alice", PASSWORD, client="fresh", now=later)[0].username == "alice"
    for i in range(accounts.MAX_CLIENT_FAILURES):  # one client guessing many names
        with pytest.raises(AuthError):
            accounts.login(db, f"guess{i}", "x" * 12, client="bot", now=later + timedelta(seconds=i))
    with pytest.raises(ThrottledError):
        accounts.login(db, "alice", PASSWORD, client="bot", now=later + timedelta(minutes=1))


def test_password_change_needs_the_current_one_and_ends_every_session(db: Database) -> None:
    alice = _user(db).principal()
    _, token = accounts.login(db, "alice", PASSWORD, client="c")
    with pytest.raises(AuthError, match="current password"):
        accounts.set_password(db, alice, "alice", "a new password!", current="wrong")
    with pytest.raises(InputError, match="at least 10"):
        accounts.set_password(db, alice, "alice", "short", current=PASSWORD)
    accounts.set_password(db, alice, "alice", "a new password!", current=PASSWORD)
    assert accounts.session_user(db, token) is None
    assert accounts.login(db, "alice", "a new password!", client="c")[0].username == "alice"
    _user(db, "bob")
    with pytest.raises(ForbiddenError):  # nobody sets another's password without user:manage
        accounts.set_password(db, alice, "bob", "a new password!", current=PASSWORD)


def test_tokens_are_hashed_scoped_by_role_and_revocable(db: Database) -> None:
    alice = _user(db).principal()
    token, secret = accounts.create_token(db, alice, "alice", name="script", scopes=["report:file"])
    with db.read() as session:
        stored = session.execute(select(ApiTokenRow.token_hash, ApiTokenRow.prefix)).one()
    assert stored.token_hash == accounts.digest(secret) and secret.startswith("yrd_")
    principal = accounts.token_principal(db, secret)
    assert principal.username == "alice" and principal.permissions == {"report:file"}
    with pytest.raises(InputError, match="does not allow stats:import"):
        accounts.create_token(db, alice, "alice", scopes=["stats:import"])
    with pytest.raises(InputError, match="unknown scope"):
        accounts.create_token(db, alice, "alice", scopes=["everything"])
    _user(db, "bob")
    with pytest.raises(ForbiddenError):  # not for someone else
        accounts.create_token(db, alice, "bob")
    with pytest.raises(AuthError):
        accounts.create_token(db, ANONYMOUS, "alice")
    accounts.revoke_token(db, alice, token.id)
    with pytest.raises(AuthError, match="revoked"):
        accounts.token_principal(db, secret)
    with pytest.raises(AuthError, match="unknown"):
        accounts.token_principal(db, secret + "x")


def test_a_disabled_account_s_tokens_stop_working(db: Database) -> None:
    _user(db)
    _, secret = accounts.create_token(db, ADMIN, "alice")
    accounts.update_user(db, ADMIN, "alice", active=False)
    with pytest.raises(AuthError, match="disabled"):
        accounts.token_principal(db, secret)


def test_expired_tokens_are_refused(db: Database) -> None:
    _user(db)
    token, secret = accounts.create_token(db, ADMIN, "alice", expires_days=1)
    with db.write() as session:
        session.get(ApiTokenRow, token.id).expires_at = datetime.now(UTC) - timedelta(seconds=1)  # type: ignore[union-attr]
    with pytest.raises(AuthError, match="expired"):
        accounts.token_principal(db, secret)


def test_account_rules_name_the_field(db: Database) -> None:
    with pytest.raises(InputError, match="username"):
        accounts.create_user(db, ADMIN, "Bad Name", PASSWORD, "public")
    with pytest.raises(InputError, match="unknown role"):
        accounts.create_user(db, ADMIN, "carol", PASSWORD, "king")
    with pytest.raises(InputError, match="reporter must be bound"):
        accounts.create_user(db, ADMIN, "carol", PASSWORD, "reporter")
    with pytest.raises(InputError, match="'999999' is not a responsible body"):
        accounts.create_user(db, ADMIN, "carol", PASSWORD, "reporter", bodies=["999999"])
    alice = _user(db).principal()
    with pytest.raises(ConflictError, match="taken"):
        _user(db)
    with pytest.raises(ForbiddenError, match="user:manage"):
        accounts.create_user(db, alice, "dave", PASSWORD, "admin")


def test_every_account_write_is_audited_without_secrets(db: Database) -> None:
    _user(db)
    accounts.update_user(db, ADMIN, "alice", role="analyst", bodies=[])
    token, secret = accounts.create_token(db, ADMIN, "alice")
    accounts.revoke_token(db, ADMIN, token.id)
    with db.read() as session:
        entries = list(reversed(audit.entries(session)))
        assert audit.verify(session).ok
    assert [e.action for e in entries] == ["user.create", "user.update", "token.create", "token.revoke"]
    assert entries[1].before["role"] == "reporter" and entries[1].after["role"] == "analyst"
    text = repr([(e.before, e.after) for e in entries])
    assert "argon2" not in text and secret not in text and accounts.digest(secret) not in text


def test_first_run_admin_and_the_legacy_token(db: Database) -> None:
    password = accounts.ensure_admin(db)
    assert password and accounts.login(db, "admin", password, client="c")[0].role == "admin"
    assert accounts.ensure_admin(db) is None  # only on an empty account table
    accounts.adopt_legacy_token(db, "legacy-secret-value")
    accounts.adopt_legacy_token(db, "legacy-secret-value")  # idempotent
    principal = accounts.token_principal(db, "legacy-secret-value")
    assert (principal.username, principal.permissions) == ("api-token", {"stats:import"})
    with db.read() as session:
        assert len(accounts.list_tokens(session, ADMIN)) == 1
