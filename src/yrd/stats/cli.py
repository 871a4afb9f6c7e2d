"""`yrd indicators` and `yrd data history`: the registry and one key's vintages in a terminal.

`data_app` is the `yrd data` sub-command group; the importer module adds `import` and `export` to
it. Added to the main CLI with `register(app)`.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from yrd.clikit import check_format, database, emit, errors, to_csv
from yrd.stats import store
from yrd.stats.import_cli import register_import
from yrd.stats.registry import load_registry

data_app = typer.Typer(help="Statistics: observations with sources and vintages.", no_args_is_help=True)
register_import(data_app)

INDICATOR_COLUMNS = ("code", "name_zh", "name_en", "unit", "direction", "aggregation", "weight", "numerator",
                     "denominator", "scale", "formula", "definition_zh", "definition_en", "definition_source",
                     "aliases", "note")  # fmt: skip
OBSERVATION_COLUMNS = ("region", "indicator", "period", "vintage", "current", "value", "unit", "status",
                       "published", "recorded_at", "source", "note", "batch")  # fmt: skip
Format = Annotated[str, typer.Option("--format", "-f", help="table, json or csv")]


def indicators_command(format: Format = "table") -> None:
    """List the indicator registry: codes, names, units, how each aggregates over a region group."""
    with errors(), database() as db, db.read() as session:
        check_format(format)
        rows = [i.model_dump(mode="json") for i in store.list_indicators(session)]
    table = Table(title=f"{len(rows)} indicators")
    for column in ("code", "名称", "unit", "direction", "aggregation"):
        table.add_column(column, no_wrap=column == "code")
    for r in rows:
        table.add_row(r["code"], r["name_zh"], r["unit"], r["direction"], r["aggregation"])
    emit(rows, format, table, lambda: to_csv(rows, INDICATOR_COLUMNS))


@data_app.command("history")
def history_command(
    indicator: Annotated[str, typer.Argument(help="indicator code or name (see `yrd indicators`)")],
    region: Annotated[str, typer.Argument(help="GB/T 2260 code or region-group code (yrd, central-area …)")],
    format: Format = "table",
) -> None:
    """Every vintage of one indicator in one region: each value, when and where it was published."""
    with errors(), database() as db, db.read() as session:
        check_format(format)
        registry = load_registry()
        ind = registry.get(indicator) or registry.resolve(indicator) or registry.require(indicator)
        rows = [o.model_dump(mode="json") for o in store.history(session, ind.code, region)]
    table = Table(title=f"{ind.code} ({ind.name_zh}) in {region}: {len(rows)} vintages")
    for column in ("period", "vintage", "value", "unit", "status"):
        table.add_column(column, no_wrap=True)
    table.add_column("source", overflow="fold", max_width=60)
    for r in rows:
        mark = "*" if r["current"] else ""
        table.add_row(r["period"], f"{r['vintage']}{mark}", f"{r['value']:g}", r["unit"], r["status"],
                      escape(r["source"]))  # fmt: skip
    emit(rows, format, table, lambda: to_csv(rows, OBSERVATION_COLUMNS))


def register(app: typer.Typer) -> None:
    """Add `yrd indicators` and the `yrd data` group to the main CLI."""
    app.command("indicators")(indicators_command)
    app.add_typer(data_app, name="data")
