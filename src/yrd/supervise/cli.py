"""`yrd user`, `yrd token` and `yrd audit`: accounts, API tokens and the audit log from the console.

The console is the server's operator: commands act as an admin named after the OS user (see
`roles.system`), and every write is in the audit log under that name.
"""

from __future__ import annotations

import getpass
import secrets
import sys
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from yrd import clikit
from yrd.clikit import check_format, database, emit, err, errors, out
from yrd.errors import InputError, YrdError
from yrd.supervise import accounts, audit
from yrd.supervise.roles import PERMISSIONS, ROLES, Principal, system

user_app = typer.Typer(
    help="Accounts: add, list, change role or bodies, set a password, disable.", no_args_is_help=True
)
token_app = typer.Typer(help="API tokens for machine clients: create, list, revoke.", no_args_is_help=True)
audit_app = typer.Typer(
    help="The hash-chained audit log: verify the chain, read entries.", no_args_is_help=True
)

Format = Annotated[str, typer.Option("--format", "-f", help="table, json or csv")]
Bodies = Annotated[
    list[str] | None, typer.Option("--body", "-b", help="a responsible body (repeat): 340000, …")
]


def _operator() -> Principal:
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "console"
    return system(f"cli:{name}"[:64])


def _password(stdin: bool, generate: bool) -> tuple[str, bool]:
    """From stdin, a prompt, or made up (then printed once)."""
    if stdin:
        value = sys.stdin.readline().rstrip("\n")
        if not value:
            raise InputError("--password-stdin: nothing was read from standard input")
        return value, False
    if generate or not sys.stdin.isatty():
        return secrets.token_urlsafe(12), True
    value = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    return value, False


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="lowercase letters, digits, . _ -")],
    role: Annotated[str, typer.Option("--role", "-r", help=", ".join(ROLES))] = "public",
    body: Bodies = None,
    name: Annotated[str, typer.Option("--name", help="display name")] = "",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="read the password from stdin")
    ] = False,
    generate: Annotated[bool, typer.Option("--generate", help="make up a password and print it")] = False,
) -> None:
    """Add an account (a reporter needs at least one --body)."""
    with errors(), database() as db:
        password, made = _password(password_stdin, generate)
        user = accounts.create_user(
            db, _operator(), username, password, role, bodies=body or (), display_name=name
        )
        out.print(
            f"[green]added[/] {escape(user.username)} ({user.role}"
            + (f"; bodies {', '.join(user.bodies)}" if user.bodies else "")
            + ")"
        )
        if made:
            out.print(f"password: [bold]{escape(password)}[/] (shown once; change it on /account)")


@user_app.command("list")
def user_list(format: Format = "table") -> None:
    """List the accounts."""
    with errors(), database() as db, db.read() as session:
        check_format(format)
        rows = [u.public() for u in accounts.list_users(session)]
        table = Table("user", "name", "role", "bodies", "active")
        for r in rows:
            table.add_row(
                escape(str(r["username"])),
                escape(str(r["display_name"])),
                str(r["role"]),
                " ".join(r["bodies"]),
                "yes" if r["active"] else "no",
            )
        columns = ("username", "display_name", "role", "bodies", "active")
        emit(rows, format, table, lambda: clikit.to_csv(rows, columns, list_sep=" "))


@user_app.command("set")
def user_set(
    username: str,
    role: Annotated[str | None, typer.Option("--role", "-r", help=", ".join(ROLES))] = None,
    body: Bodies = None,
    name: Annotated[str | None, typer.Option("--name")] = None,
    active: Annotated[bool | None, typer.Option("--active/--disabled", help="enable or disable")] = None,
) -> None:
    """Change an account's role, bodies (replaced by the --body list), name or state."""
    with errors(), database() as db:
        user = accounts.update_user(
            db, _operator(), username, role=role, bodies=body, display_name=name, active=active
        )
        out.print(
            f"[green]updated[/] {escape(user.username)}: {user.role}, bodies {' '.join(user.bodies) or '—'}, "
            f"{'active' if user.active else 'disabled'}"
        )


@user_app.command("passwd")
def user_passwd(
    username: str,
    password_stdin: Annotated[bool, typer.Option("--password-stdin")] = False,
    generate: Annotated[bool, typer.Option("--generate", help="make up a password and print it")] = False,
) -> None:
    """Set an account's password (its sessions end)."""
    with errors(), database() as db:
        password, made = _password(password_stdin, generate)
        accounts.set_password(db, _operator(), username, password)
        out.print(f"[green]password set[/] for {escape(username)}")
        if made:
            out.print(f"password: [bold]{escape(password)}[/]")


@token_app.command("create")
def token_create(
    username: Annotated[str, typer.Argument(help="the account the token acts as")],
    name: Annotated[str, typer.Option("--name", help="what it is for")] = "",
    scope: Annotated[
        list[str] | None, typer.Option("--scope", "-s", help=f"repeat; any of {', '.join(PERMISSIONS)}")
    ] = None,
    expires_days: Annotated[int | None, typer.Option("--expires-days")] = None,
) -> None:
    """Create an API token; the secret is printed once and stored only as a hash."""
    with errors(), database() as db:
        token, secret = accounts.create_token(
            db, _operator(), username, name=name, scopes=scope or None, expires_days=expires_days
        )
        err.print(
            f"[green]token {token.id}[/] for {escape(username)}: scopes {', '.join(token.scopes)}"
            + (f", expires {token.expires_at:%Y-%m-%d}" if token.expires_at else "")
        )
        err.print("send it as 'Authorization: Bearer <token>'; it is shown only now:")
        sys.stdout.write(secret + "\n")


@token_app.command("list")
def token_list(
    user: Annotated[str | None, typer.Option("--user", help="only this account's")] = None,
    format: Format = "table",
) -> None:
    """List API tokens (never their secrets)."""
    with errors(), database() as db, db.read() as session:
        check_format(format)
        rows = [t.public() | {"active": t.active} for t in accounts.list_tokens(session, _operator(), user)]
        table = Table("id", "user", "name", "begins", "scopes", "expires", "state")
        for r in rows:
            table.add_row(
                str(r["id"]),
                escape(str(r["user"])),
                escape(str(r["name"])),
                f"{r['prefix']}…",
                ", ".join(r["scopes"]),
                str(r["expires_at"] or "—"),
                "active" if r["active"] else "revoked/expired",
            )
        columns = ("id", "user", "name", "prefix", "scopes", "expires_at", "revoked_at", "active")
        emit(rows, format, table, lambda: clikit.to_csv(rows, columns, list_sep=" "))


@token_app.command("revoke")
def token_revoke(token_id: int) -> None:
    """Revoke an API token: it stops working at once."""
    with errors(), database() as db:
        token = accounts.revoke_token(db, _operator(), token_id)
        out.print(f"[green]revoked[/] token {token.id} ({escape(token.prefix)}…) of {escape(token.username)}")


@audit_app.command("verify")
def audit_verify(
    head: Annotated[
        str | None,
        typer.Option(
            "--head", help="SEQ:HASH printed by an earlier verify: also check that entry is unchanged"
        ),
    ] = None,
) -> None:
    """Recompute the hash chain; exit 1 naming the first altered, unlinked or missing entry.

    The chain alone cannot show that the newest entries were cut off or the whole log rewritten;
    archive the printed head and pass it back with --head to check for that too.
    """
    with errors(), database() as db, db.read() as session:
        result = audit.verify(session)
        if not result.ok:
            raise YrdError(f"audit log: {result.reason} ({result.checked} entries before it are intact)")
        if head is not None:
            seq_text, _, digest = head.partition(":")
            if not seq_text.isdigit() or len(digest) != 64:
                raise InputError(f"--head {head!r}: give SEQ:HASH as printed by `yrd audit verify`")
            found = audit.entry_at(session, int(seq_text))
            if found is None or found.hash != digest:
                raise YrdError(f"audit log: entry {seq_text} is missing or differs from the archived head "
                               "(the log was cut off or rewritten)")  # fmt: skip
        out.print(f"[green]ok[/] {escape(result.reason)}")
        last = audit.entries(session, limit=1)
        if last:
            out.print(f"head: {last[0].seq}:{last[0].hash}  (keep it; `--head` checks it later)")


@audit_app.command("log")
def audit_log(
    entity: Annotated[
        str | None, typer.Option("--entity", "-e", help="one record: task:12, user:alice, …")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=100000)] = 50,
    format: Format = "table",
) -> None:
    """The newest entries of the audit log."""
    with errors(), database() as db, db.read() as session:
        check_format(format)
        found = audit.entries(session, entity=entity, limit=limit)
        rows = [
            {
                "seq": e.seq,
                "at": e.at.isoformat(),
                "actor": e.actor,
                "action": e.action,
                "entity": e.entity,
                "before": e.before,
                "after": e.after,
                "hash": e.hash,
            }
            for e in found
        ]
        table = Table("#", "at (UTC)", "who", "what", "record")
        for e in found:
            table.add_row(
                str(e.seq), f"{e.at:%Y-%m-%d %H:%M:%S}", escape(e.actor), e.action, escape(e.entity)
            )
        columns = ("seq", "at", "actor", "action", "entity", "hash")
        emit(rows, format, table, lambda: clikit.to_csv(rows, columns))


def register(app: typer.Typer) -> None:
    """Add `yrd user`, `yrd token`, `yrd audit` and the supervision work commands to the main CLI."""
    from yrd.supervise import cli_work  # imported here: it reuses this module's `_operator`

    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")
    app.add_typer(audit_app, name="audit")
    cli_work.register(app)
