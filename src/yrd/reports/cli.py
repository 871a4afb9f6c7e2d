"""`yrd report`: the periodic assessment report as an HTML, PDF or Word file.

Added to the main CLI with `register(app)`. Reads the configured database (run `yrd load` first),
builds the report with `yrd.reports.assessment.build_assessment_report` and writes one file —
by default `filename(report, fmt)` (``yrd-report-2024-zh.pdf``) in the current directory — then
prints its path and size. Bad options give one line and a non-zero exit, never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from yrd.clikit import database, default_plan, errors, out
from yrd.errors import InputError
from yrd.reports.model import LANGS
from yrd.reports.render import check_format, filename, render


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{n / 1024:.0f} kB"


def report(
    period: Annotated[
        int | None, typer.Option(help="the year assessed (default: the latest year with data)")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", "-l", help="zh or en")] = "zh",
    fmt: Annotated[str, typer.Option("--format", "-f", help="html, pdf or docx")] = "pdf",
    out_file: Annotated[
        Path | None, typer.Option("--out", "-o", help="file to write (default: a name in .)")
    ] = None,
    plan: Annotated[str | None, typer.Option("--plan", "-p", help="plan id (see `yrd plans`)")] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="use the figures published by this date (YYYY[-MM[-DD]])")
    ] = None,
) -> None:
    """Write the periodic assessment report of the plan's targets (HTML, PDF or Word)."""
    with errors():
        fmt = check_format(fmt)
        if lang not in LANGS:
            raise InputError(f"--lang must be one of {', '.join(LANGS)}, not {lang!r}")
        if out_file is not None and not out_file.parent.is_dir():
            raise InputError(f"{out_file}: cannot write (no folder {out_file.parent})")
        from yrd.reports.assessment import build_assessment_report

        with database() as db, db.read() as session:
            built = build_assessment_report(session, period, lang, default_plan(session, plan), as_of)
        data = render(built, fmt)
        path = out_file if out_file is not None else Path(filename(built, fmt))
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise InputError(f"{path}: cannot write ({exc.strerror or exc})") from None
        out.print(f"{escape(str(path))}  {_size(len(data))}")


def register(app: typer.Typer) -> None:
    app.command("report")(report)
