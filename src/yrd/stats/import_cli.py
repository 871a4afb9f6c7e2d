"""`yrd data import` and `yrd data export`: parse arguments, call the library, print the outcome.

Added to the `data` sub-app with `register_import(data_app)`. A bad file prints one line per error
(file, row, column, value; at most `MAX_SHOWN`, then how many more) and exits 1, with no traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table

from yrd.clikit import database, err, errors, out
from yrd.errors import YrdError
from yrd.stats.exporters import EXPORT_FORMATS, export
from yrd.stats.importers import FORMATS, MAX_SHOWN, ImportFailed, ImportReport, import_files, read_mapping


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _print_report(report: ImportReport) -> None:
    for f in report.files:
        extra = []
        if f.missing:
            extra.append(f"{_n(f.missing, 'cell')} without a figure")
        if f.outside:
            extra.append(f"{_n(f.outside, 'row')} outside the Delta skipped")
        out.print(
            f"  {escape(f.name)}: {f.format}, {f.encoding}, {f.observations} observations"
            + (f" ({'; '.join(extra)})" if extra else ""),
            soft_wrap=True,
        )
    table = Table(title="would be written (dry run)" if report.dry_run else "written")
    for column in ("indicator", "new", "revised", "unchanged"):
        table.add_column(column, justify="left" if column == "indicator" else "right")
    for code, c in sorted(report.by_indicator.items()):
        table.add_row(code, str(c.new), str(c.revised), str(c.unchanged))
    out.print(table)
    t = report.total
    verb = "dry run, nothing written:" if report.dry_run else "imported"
    out.print(
        f"[green]{verb}[/] {t.new} new, {t.revised} revised, {t.unchanged} unchanged (batch {report.batch})"
    )


def import_command(
    files: Annotated[list[Path], typer.Argument(help="CSV, Excel or NBS export files")],
    format: Annotated[
        str | None, typer.Option("--format", "-f", help="csv, xlsx, nbs or wide (default: detected)")
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option("--mapping", "-m", help="JSON mapping for wide yearbook tables")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="show what would change; write nothing")] = False,
) -> None:
    """Import observations, all or nothing: any error in any file writes nothing."""
    with errors():
        if format is not None and format not in FORMATS:
            raise YrdError(f"--format must be one of {', '.join(FORMATS)}, not {format!r}")
        data = []
        for path in files:
            if not path.is_file():
                raise YrdError(f"{path}: no such file")
            data.append((str(path), path.read_bytes()))
        rules = None
        if mapping is not None:
            if not mapping.is_file():
                raise YrdError(f"{mapping}: no such file")
            rules = read_mapping(mapping.read_bytes(), str(mapping))
        try:
            with (
                database() as db,
                Progress(
                    SpinnerColumn(),
                    TextColumn("{task.description}"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    console=err,
                    transient=True,
                ) as progress,
            ):
                task = progress.add_task("reading", total=len(data) + 1)

                def step(name: str) -> None:
                    progress.update(task, description=f"reading {name}", advance=1)

                report = import_files(db, data, format, rules, dry_run, progress=step)
                progress.update(task, description="written", completed=len(data) + 1)
        except ImportFailed as exc:
            for line in exc.lines(MAX_SHOWN):
                err.print(f"[bold red]error:[/] {escape(line)}", highlight=False)
            noun = "error" if len(exc.issues) == 1 else "errors"
            err.print(f"{len(exc.issues)} {noun}; nothing imported")
            raise typer.Exit(1) from None
    _print_report(report)


def export_command(
    indicator: Annotated[str | None, typer.Option("--indicator", "-i", help="indicator code or name")] = None,
    region: Annotated[str | None, typer.Option("--region", "-r", help="region or group code or name")] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="csv, xlsx, json or sdmx-csv")] = "csv",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="file to write (default: stdout)")
    ] = None,
) -> None:
    """Export the current observations as CSV, Excel, JSON records or SDMX-CSV 1.0."""
    with errors():
        if format not in EXPORT_FORMATS:
            raise YrdError(f"--format must be one of {', '.join(EXPORT_FORMATS)}, not {format!r}")
        if format == "xlsx" and output is None:
            raise YrdError("--format xlsx needs --output FILE (a workbook is not terminal text)")
        with database() as db:
            data, count = export(db, format, indicator, region)
        if output is None:
            sys.stdout.write(data.decode("utf-8"))
            sys.stdout.flush()
        else:
            output.write_bytes(data)
            err.print(f"wrote {count} observations to {escape(str(output))}")


def register_import(data_app: typer.Typer) -> None:
    """Add `import` and `export` to the `yrd data` sub-app."""
    data_app.command("import")(import_command)
    data_app.command("export")(export_command)
