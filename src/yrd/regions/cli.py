"""`yrd regions` and `yrd groups`: the gazetteer and the region groups in a terminal, as JSON or CSV.

Added to the main CLI with `register(app)`. The commands read the configured database (an admin's
group edits live there) and fall back to the shipped files when it has not been seeded yet.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from yrd import clikit
from yrd.clikit import check_format, database, emit, errors
from yrd.errors import YrdError
from yrd.regions.gazetteer import LEVELS
from yrd.regions.store import list_groups, list_regions

REGION_COLUMNS = (
    "code",
    "name_zh",
    "short_zh",
    "name_en",
    "level",
    "parent_code",
    "province_code",
    "lon",
    "lat",
)
GROUP_COLUMNS = ("code", "name_zh", "name_en", "kind", "definition", "partial", "members", "partial_members",
                 "source", "note")  # fmt: skip


@contextmanager
def _session() -> Iterator[Any]:
    """A read session on the configured database; user errors become one line and a non-zero exit."""
    with errors(), database() as db, db.read() as session:
        yield session


def to_csv(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    """CSV with a header; list values (members) joined with spaces."""
    return clikit.to_csv(rows, columns, list_sep=" ")


def regions_command(
    level: Annotated[str | None, typer.Option("--level", help="province, prefecture or county")] = None,
    group: Annotated[
        str | None, typer.Option("--group", help="only regions in this group (see `yrd groups`)")
    ] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="table, json or csv")] = "table",
) -> None:
    """List the Delta's regions with GB/T 2260 codes, Chinese and English names and a point."""
    with _session() as session:
        check_format(format)
        if level is not None and level not in LEVELS:
            raise YrdError(f"--level must be one of {', '.join(LEVELS)}, not {level!r}")
        rows = [r.to_dict() for r in list_regions(session, level=level, group=group)]
    table = Table(title=f"{len(rows)} regions")
    for column in ("code", "名称", "English", "level", "parent", "lon", "lat"):
        table.add_column(column, no_wrap=column != "English")
    for r in rows:
        table.add_row(r["code"], r["name_zh"], r["name_en"], r["level"], r["parent_code"] or "",
                      f"{r['lon']:.3f}", f"{r['lat']:.3f}")  # fmt: skip
    emit(rows, format, table, lambda: to_csv(rows, REGION_COLUMNS))


def groups_command(
    format: Annotated[str, typer.Option("--format", "-f", help="table, json or csv")] = "table",
) -> None:
    """List the region groups: members, how each is defined and where its list comes from."""
    with _session() as session:
        check_format(format)
        rows = [g.to_dict() for g in list_groups(session)]
    table = Table(title=f"{len(rows)} groups")
    table.add_column("code", no_wrap=True)
    table.add_column("名称")
    table.add_column("definition", no_wrap=True)
    table.add_column("members", justify="right")
    table.add_column("source", overflow="ellipsis", no_wrap=True, max_width=36)
    for g in rows:
        status = g["definition"] + (" (partial)" if g["partial"] else "")
        table.add_row(g["code"], g["name_zh"], status, str(len(g["members"])), escape(g["source"]))
    emit(rows, format, table, lambda: to_csv(rows, GROUP_COLUMNS))


def register(app: typer.Typer) -> None:
    """Add `yrd regions` and `yrd groups` to the main CLI."""
    app.command("regions")(regions_command)
    app.command("groups")(groups_command)
