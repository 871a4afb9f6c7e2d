"""`yrd extract` and the listing commands (`yrd targets`, `facts`, `places`, `projects`, `tasks`)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from yrd.clikit import check_format, database, default_plan, emit, errors, out
from yrd.db.models import PlanRow
from yrd.errors import NotFoundError
from yrd.extract.pipeline import extract_plan, list_records, record_dict, to_csv

# The columns each kind shows in a terminal table (all fields go to JSON and CSV).
COLUMNS: dict[str, list[str]] = {
    "target": ["indicator", "comparator", "value_text", "target_year", "base_year", "scope"],
    "fact": ["indicator", "value_text", "ref_year", "scope"],
    "place": ["name", "region_code", "group_code", "status"],
    "project": ["name", "type", "places"],
    "task": ["title", "bodies", "bodies_stated"],
}


def register(app: typer.Typer) -> None:
    """Add the extraction commands to the main CLI."""

    @app.command()
    def extract(
        plan: Annotated[str | None, typer.Argument(help="plan id (default: the Outline)")] = None,
        force: Annotated[bool, typer.Option(help="re-run even when nothing changed")] = False,
    ) -> None:
        """Extract targets, facts, places, projects and tasks from a plan (re-runnable, atomic)."""
        with errors(), database() as db:
            with db.read() as session:
                plan_id = default_plan(session, plan)
            result = extract_plan(db, plan_id, force=force)
            verb = "extracted" if result.changed else "unchanged"
            summary = ", ".join(f"{n} {kind}s" for kind, n in result.counts.items())
            out.print(f"[green]{verb}[/] plan [bold]{plan_id}[/]: {summary}")

    def lister(kind: str) -> None:
        def command(
            plan: Annotated[str | None, typer.Option("--plan", "-p", help="plan id")] = None,
            format: Annotated[str, typer.Option("--format", "-f", help="table, json or csv")] = "table",
            unit: Annotated[str | None, typer.Option(help="only records of this unit (eId)")] = None,
        ) -> None:
            with errors(), database() as db, db.read() as session:
                check_format(format)
                plan_id = default_plan(session, plan)
                row = session.get(PlanRow, plan_id)
                if row is None:
                    raise NotFoundError(f"no plan {plan_id!r}")
                rows = [record_dict(r, row) for r in list_records(session, plan_id, kind, unit)]
            table = Table("citation", *COLUMNS[kind], title=f"{len(rows)} {kind}s of {plan_id}")
            for r in rows:
                where = r["citation"]["zh"].split("》", 1)[-1]  # the plan is in the title already
                cells = [where, *(_cell(r.get(c)) for c in COLUMNS[kind])]
                table.add_row(*(escape(c) for c in cells))
            emit(rows, format, table, lambda: to_csv(rows))

        command.__doc__ = f"List the {kind}s extracted from a plan (run `yrd extract` first)."
        app.command(name=f"{kind}s")(command)

    for kind in COLUMNS:
        lister(kind)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)
