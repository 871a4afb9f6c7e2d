"""`yrd user`, `yrd token` and `yrd audit` on SQLite and PostgreSQL. Accounts are SYNTHETIC."""

from __future__ import annotations

import json

import pytest
import typer
from sqlalchemy import text
from typer.testing import CliRunner

from yrd.db import Database
from yrd.errors import AuthError
from yrd.supervise import accounts
from yrd.supervise.cli import register


@pytest.fixture
def run(db: Database, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("YRD_DATABASE_URL", db.url)
    app = typer.Typer()
    register(app)
    runner = CliRunner()

    def invoke(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
        return runner.invoke(app, list(args), input=stdin)

    return invoke


def test_user_add_list_set_and_passwd(run, db: Database) -> None:  # type: ignore[no-untyped-def]
    added = run("user", "add", "ah", "--role", "reporter", "--body", "340000", "--password-stdin",
                stdin="a long password\n")  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "added ah (reporter; bodies 340000)" in added.output
    assert accounts.login(db, "ah", "a long password", client="t")[0].bodies == ("340000",)
    made = run("user", "add", "coord", "--role", "coordinator", "--generate")
    password = made.output.split("password: ")[1].split()[0]
    assert accounts.login(db, "coord", password, client="t")[0].role == "coordinator"
    listed = json.loads(run("user", "list", "--format", "json").output)
    assert [(u["username"], u["role"]) for u in listed["data"]] == [
        ("ah", "reporter"),
        ("coord", "coordinator"),
    ]
    assert run("user", "set", "ah", "--disabled").exit_code == 0
    with db.read() as session:
        assert accounts.get_user(session, "ah").active is False
    changed = run("user", "passwd", "coord", "--password-stdin", stdin="another password\n")
    assert changed.exit_code == 0 and accounts.login(db, "coord", "another password", client="t")


def test_user_errors_are_one_line(run) -> None:  # type: ignore[no-untyped-def]
    for args, message in (
        (("user", "add", "x1", "--role", "reporter", "--generate"), "at least one responsible body"),
        (("user", "add", "x2", "--role", "emperor", "--generate"), "unknown role"),
        (("user", "add", "x3", "--password-stdin"), "nothing was read"),
        (("user", "set", "nobody", "--disabled"), "no user 'nobody'"),
    ):
        answer = run(*args, stdin="" if "--password-stdin" in args else None)
        assert answer.exit_code != 0 and message in answer.output, (args, answer.output)
        assert "Traceback" not in answer.output


def test_token_create_list_revoke(run, db: Database) -> None:  # type: ignore[no-untyped-def]
    run("user", "add", "bot", "--role", "analyst", "--generate")
    created = run("token", "create", "bot", "--name", "loader", "--scope", "stats:import")
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip().splitlines()[-1]
    assert secret.startswith("yrd_") and accounts.token_principal(db, secret).permissions == {"stats:import"}
    listed = json.loads(run("token", "list", "--format", "json").output)["data"]
    assert [(t["user"], t["name"], t["active"]) for t in listed] == [("bot", "loader", True)]
    assert secret not in json.dumps(listed)
    assert run("token", "revoke", str(listed[0]["id"])).exit_code == 0
    with pytest.raises(AuthError, match="revoked"):
        accounts.token_principal(db, secret)
    refused = run("token", "create", "bot", "--scope", "user:manage")
    assert refused.exit_code == 1 and "does not allow user:manage" in refused.output


def test_audit_verify_passes_then_names_the_altered_entry(run, db: Database) -> None:  # type: ignore[no-untyped-def]
    for name in ("u1", "u2", "u3"):
        run("user", "add", name, "--generate")
    run("user", "set", "u2", "--role", "analyst")
    ok = run("audit", "verify")
    assert ok.exit_code == 0 and "4 entries, chain intact" in ok.output
    log = json.loads(run("audit", "log", "--format", "json").output)["data"]
    assert [e["action"] for e in log] == ["user.update", "user.create", "user.create", "user.create"]
    assert log[0]["actor"].startswith("cli:")
    head = ok.output.split("head: ")[1].split()[0]
    assert head.startswith("4:") and run("audit", "verify", "--head", head).exit_code == 0
    run("user", "add", "u4", "--generate")
    with db.engine.begin() as conn:  # the newest entry removed: the chain alone still looks intact
        conn.execute(text("DELETE FROM audit_entry WHERE seq = 5"))
    assert run("audit", "verify").exit_code == 0
    run("user", "add", "u5", "--generate")  # and a rewrite of the tail is caught by the archived head
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entry WHERE seq >= 4"))
    cut = run("audit", "verify", "--head", head)
    assert cut.exit_code == 1 and "entry 4 is missing or differs" in cut.output
    for name in ("u6", "u7"):
        run("user", "add", name, "--generate")
    with db.engine.begin() as conn:  # an insider edits a past entry directly in the database
        conn.execute(text("UPDATE audit_entry SET actor = 'someone-else' WHERE seq = 2"))
    broken = run("audit", "verify")
    assert broken.exit_code == 1
    assert "entry 2: content altered" in broken.output and "1 entries before it are intact" in broken.output
