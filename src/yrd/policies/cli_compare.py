"""Commands for the 1+N system by province and for follow-up targets against the Outline's.

Two Typer command functions, registered by `yrd.policies.cli` (not here): `provinces_command`
(each province's assigned measures and their confirmed follow-up documents) and `targets_command`
(follow-up targets judged against the Outline's). Each calls one function of
`yrd.policies.compare` and prints a table, JSON or CSV, like `yrd coverage`.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from yrd.clikit import check_format, database, default_plan, emit, errors, out, to_csv
from yrd.errors import InputError
from yrd.policies.compare import VERDICTS, province_coverage, target_comparison

Format = Annotated[str, typer.Option("--format", "-f", help="table, json or csv")]
Plan = Annotated[str | None, typer.Option("--plan", "-p", help="the Outline's plan id")]


def provinces_command(
    plan: Plan = None,
    fmt: Format = "table",
    missing: Annotated[
        bool, typer.Option("--missing", help="list each province's measures with no follow-up")
    ] = False,
) -> None:
    """Each province's measures (as lead or partner) and how many have a confirmed follow-up document,
    in all and issued by the province itself."""
    with errors():
        check_format(fmt)
        with database() as db, db.read() as session:
            outline = default_plan(session, plan)
            found = province_coverage(session, outline)
        rows = [p.to_dict() for p in found]
        if fmt == "json":
            body = {"data": rows, "count": len(rows), "outline_plan_id": outline}
            sys.stdout.write(json.dumps(body, ensure_ascii=False, indent=1) + "\n")
            return
        columns = ("code", "name_zh", "name_en", "total", "covered_count", "own_count", "missing")
        table = Table("province", "measures", "with follow-up", "own follow-up", "without")
        for p in found:
            table.add_row(
                f"{p.code} {escape(p.name_zh)}", str(p.total), str(p.covered_count), str(p.own_count),
                str(len(p.missing)),
            )  # fmt: skip
        emit(rows, fmt, table, lambda: to_csv(rows, columns))
        if missing and fmt == "table":
            for p in found:
                out.print(f"\n[bold]{p.code} {escape(p.name_zh)}[/], no follow-up ({len(p.missing)}):")
                out.print(escape(", ".join(p.missing)) or "none")


def _side(side: dict[str, Any]) -> str:
    year = f"{side['year']}: " if side["year"] else ""
    return f"{year}{side['comparator']} {side['value_text']}"


def targets_command(
    plan: Plan = None,
    fmt: Format = "table",
    verdict: Annotated[str | None, typer.Option("--verdict", help=", ".join(VERDICTS))] = None,
) -> None:
    """Targets of follow-up documents beside the Outline's on the same indicator: stricter, looser,
    the same, or not comparable, and why."""
    with errors():
        check_format(fmt)
        if verdict is not None and verdict not in VERDICTS:
            raise InputError(f"--verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
        with database() as db, db.read() as session:
            pairs = target_comparison(session, default_plan(session, plan))
        pairs = [p for p in pairs if verdict is None or p.verdict == verdict]
        rows = [asdict(p) for p in pairs]
        table = Table("indicator", "follow-up", "Outline", "verdict", "why")
        for r in rows:
            f, o = r["follow_up"], r["outline"]
            table.add_row(
                escape(f["indicator"]), escape(f"{_side(f)}\n{f['plan_id']} {f['eid']}"),
                escape(f"{_side(o)}\n{o['citation_zh']}"), r["verdict"], escape(r["reason_en"]),
            )  # fmt: skip
        flat = [
            {**{k: v for k, v in r.items() if k not in ("follow_up", "outline")},
             **{f"follow_up_{k}": v for k, v in r["follow_up"].items()},
             **{f"outline_{k}": v for k, v in r["outline"].items()}}
            for r in rows
        ]  # fmt: skip
        columns = tuple(flat[0]) if flat else ("verdict",)
        if not rows and fmt == "table":
            out.print("no follow-up target shares an indicator with the Outline's targets")
            return
        emit(rows, fmt, table, lambda: to_csv(flat, columns))
