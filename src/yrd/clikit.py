"""What every `yrd` command shares: consoles, the database, one-line errors, output formats."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy.exc import OperationalError

from yrd.db import Database
from yrd.documents import store
from yrd.documents.load import DEFAULT_PLAN
from yrd.errors import NotFoundError, YrdError
from yrd.settings import Settings

out = Console()
err = Console(stderr=True, soft_wrap=True)
FORMATS = ("table", "json", "csv")


@contextmanager
def errors() -> Iterator[None]:
    """Every user error becomes one line on stderr and a non-zero exit, never a traceback."""
    try:
        yield
    except YrdError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2 if isinstance(exc, NotFoundError) else 1) from None
    except OperationalError as exc:
        err.print(f"[bold red]error:[/] database: {escape(str(exc.orig))}")
        raise typer.Exit(1) from None


@contextmanager
def database() -> Iterator[Database]:
    """The configured database, migrated, and closed again when the command ends."""
    db = Database(Settings().url)
    try:
        db.migrate()
        yield db
    finally:
        db.dispose()


def default_plan(session: Any, plan_id: str | None) -> str:
    """The plan asked for, else the embedded Outline, else the first plan loaded."""
    if plan_id is not None:
        return plan_id
    ids = [r.id for r in store.list_plans(session)]
    if not ids:
        raise NotFoundError("no plans loaded (run `yrd load`)")
    return DEFAULT_PLAN if DEFAULT_PLAN in ids else ids[0]


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise YrdError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")


def emit(rows: list[dict[str, Any]], fmt: str, table: Table, csv_text: Callable[[], str]) -> None:
    """Print rows as a table, JSON (``{"data": [...], "count": n}``) or CSV."""
    if fmt == "json":
        sys.stdout.write(json.dumps({"data": rows, "count": len(rows)}, ensure_ascii=False, indent=1) + "\n")
    elif fmt == "csv":
        sys.stdout.write(csv_text())
    else:
        out.print(table)


def to_csv(rows: list[dict[str, Any]], columns: tuple[str, ...], list_sep: str = ";") -> str:
    """CSV with a header row of `columns`; list values joined with `list_sep`."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: list_sep.join(v) if isinstance(v, list) else v for k, v in row.items()})
    return buf.getvalue()


def report_load(result: Any, noun: str = "plan", extra: str = "") -> None:
    """What a load did: each file, the plan's counts, and its warnings (plans and policies alike)."""
    for f in result.files:
        out.print(f"  {escape(f['name'])}: {f['form']}, {f['encoding']}, {f['status']}")
    c = result.counts
    verb = "loaded" if result.changed else "unchanged"
    out.print(
        f"[green]{verb}[/] {noun} [bold]{result.plan_id}[/]: {c.get('chapters', 0)} chapters, "
        f"{c.get('sections', 0)} sections, {c.get('paragraphs', 0)} paragraphs{extra}"
    )
    for w in result.warnings:
        err.print(f"[yellow]warning:[/] {escape(str(w))}")
