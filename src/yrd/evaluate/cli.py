"""`yrd evaluate`, `yrd index` and `yrd disparity`: the evaluation in a terminal.

Each command parses its options, calls one function of `yrd.evaluate.targets` or
`yrd.evaluate.panel` and prints a table, JSON (the report's ``to_dict()``) or CSV. Added to the main
CLI with `register(app)`.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from yrd.clikit import check_format, database, default_plan, errors, out, to_csv
from yrd.evaluate.panel import _clean, disparity_report, integration_index
from yrd.evaluate.targets import Assessment, assess

Format = Annotated[str, typer.Option("--format", "-f", help="table, json or csv")]
AsOf = Annotated[str | None, typer.Option("--as-of", help="the figures as published by this date")]
EVAL_COLUMNS = ("target", "eid", "indicator", "region", "method", "status", "label", "metric_name", "metric",
                "observed_rate", "required_rate", "reason", "headline_status", "headline_method", "agreement",
                "score", "score_note", "evidence", "evidence_reasons", "target_value", "target_year",
                "latest_year", "latest_value", "projection_2025", "projection_2035", "projection_model",
                "reach_outcome", "reach_year", "computed", "inputs")  # fmt: skip
YEAR_COLUMNS = ("year", "n_regions", "cv", "cv_weighted", "theil", "theil_between", "theil_within", "gini",
                "max_min_ratio", "regions", "notes")  # fmt: skip


def _num(x: Any, digits: int = 4) -> str:
    return "–" if x is None else f"{x:.{digits}g}" if isinstance(x, float) else str(x)


def _json(data: Any) -> None:
    sys.stdout.write(json.dumps(_clean(data), ensure_ascii=False, indent=1, allow_nan=False) + "\n")


def evaluation_rows(a: Assessment) -> list[dict[str, Any]]:
    """One row per target × region × method, each with its inputs, score, projection and evidence."""
    rows = []
    for t in a.targets:
        for r in t.regions:
            inputs = " ".join(f"{y}:{v:g}" for y, v in zip(r.years, r.values, strict=True))
            for v in r.verdicts:
                rows.append({
                    "target": t.id, "eid": t.eid, "indicator": t.indicator, "region": r.region, **v,
                    "headline_status": r.status, "headline_method": r.headline_method,
                    "agreement": r.agreement,
                    "score": r.score, "score_note": r.score_note, "evidence": r.evidence,
                    "evidence_reasons": r.evidence_reasons, "target_value": r.target,
                    "target_year": t.target_year,
                    "latest_year": r.latest_year, "latest_value": r.latest_value,
                    "projection_2025": r.projection.get(2025), "projection_2035": r.projection.get(2035),
                    "projection_model": r.projection_model, "reach_outcome": r.reach_outcome,
                    "reach_year": r.reach_year, "computed": r.computed, "inputs": inputs,
                })  # fmt: skip
    return _clean(rows)


def evaluate_command(
    plan: Annotated[str | None, typer.Option("--plan", "-p", help="plan id (see `yrd plans`)")] = None,
    target: Annotated[list[str] | None, typer.Option("--target", "-t", help="target id (repeatable)")] = None,
    region: Annotated[list[str] | None, typer.Option("--region", "-r", help="region or group code")] = None,
    period: Annotated[
        int | None, typer.Option(help="evaluation year (default: the latest with data)")
    ] = None,
    method: Annotated[
        list[str] | None, typer.Option("--method", "-m", help="trend rule (repeatable)")
    ] = None,
    headline: Annotated[str | None, typer.Option(help="the rule whose status is the headline")] = None,
    as_of: AsOf = None,
    format: Format = "table",
) -> None:
    """Evaluate the plan's targets on the stored statistics: every rule's verdict per target and region."""
    with errors(), database() as db, db.read() as session:
        check_format(format)
        a = assess(session, default_plan(session, plan), period, targets=target, regions=region,
                   methods=method, headline=headline, as_of=as_of)  # fmt: skip
    if format == "json":
        _json(a.to_dict())
    elif format == "csv":
        sys.stdout.write(to_csv(evaluation_rows(a), EVAL_COLUMNS))
    else:
        out.print(_evaluation_table(a))


def _evaluation_table(a: Assessment) -> Table:
    table = Table(
        title=f"{a.plan}, evaluated {a.period}: {len(a.targets)} targets (headline {a.headline_method})"
    )
    for column in ("target", "indicator", "region", "status", "score", "agreement", "evidence"):
        table.add_column(column, no_wrap=column != "indicator")
    for t in a.targets:
        for r in t.regions:
            table.add_row(escape(t.id), escape(t.indicator), f"{r.region} {r.name_zh}", r.status,
                          _num(r.score), r.agreement, r.evidence)  # fmt: skip
    if a.unlinked:
        table.caption = f"{len(a.unlinked)} targets name no indicator and are not evaluated"
    return table


def index_command(
    period: Annotated[int | None, typer.Option(help="year (default: the one with most indicators)")] = None,
    normalisation: Annotated[str, typer.Option(help="minmax, zscore or distance_to_target")] = "minmax",
    weighting: Annotated[str, typer.Option(help="equal, entropy or pca")] = "equal",
    aggregation: Annotated[str, typer.Option(help="arithmetic or geometric")] = "arithmetic",
    level: Annotated[str, typer.Option(help="province or city")] = "province",
    format: Format = "table",
) -> None:
    """The composite integration index over the Outline's goal areas, with ranks and their sensitivity."""
    with errors(), database() as db, db.read() as session:
        check_format(format)
        r = integration_index(session, period, normalisation=normalisation, weighting=weighting,
                              aggregation=aggregation, level=level)  # fmt: skip
    d = r.to_dict()
    rows = _index_rows(d)
    if format == "json":
        _json(d)
        return
    if format == "csv":
        sys.stdout.write(to_csv(rows, tuple(rows[0]) if rows else ("region",)))
        return
    table = Table(title=f"Integration index {r.period} ({normalisation}, {weighting}, {aggregation})")
    for column in rows[0] if rows else ("region",):
        table.add_column(column, no_wrap=True)
    for row in rows:
        table.add_row(*(_num(v) for v in row.values()))
    out.print(table)
    out.print("used: " + (", ".join(f"{u['indicator']} ({u['dimension']})" for u in d["used"]) or "none"))
    for x in d["left_out"]:
        out.print(f"left out: {x['indicator']} ({x['dimension']}): {escape(x['reason'])}")
    for x in d["dimensions_left_out"]:
        out.print(f"dimension left out: {x['code']} {x['name_zh']}: {escape(x['reason'])}")


def _index_rows(d: dict[str, Any]) -> list[dict[str, Any]]:
    if d["period"] is None or d["period"] not in d["years"]:
        return []
    col = d["years"].index(d["period"])
    sens = (d["sensitivity"] or {}).get("regions", {})
    return [{"region": r, "index": d["index"][r][col], "rank": d["ranks"][r],
             **{dim: v[r][col] for dim, v in d["dimensions"].items()},
             "min_rank": sens.get(r, {}).get("min_rank"), "median_rank": sens.get(r, {}).get("median_rank"),
             "max_rank": sens.get(r, {}).get("max_rank")}
            for r in d["regions"]]  # fmt: skip


def disparity_command(
    indicator: Annotated[str, typer.Argument(help="indicator code (see `yrd indicators`)")],
    level: Annotated[str, typer.Option(help="province or city")] = "city",
    as_of: AsOf = None,
    format: Format = "table",
) -> None:
    """Regional disparity of one indicator per year (CV, Theil, Gini, max/min) and σ/β-convergence."""
    with errors(), database() as db, db.read() as session:
        check_format(format)
        r = disparity_report(session, indicator, level, as_of)  # type: ignore[arg-type]
    d = r.to_dict()
    if format == "json":
        _json(d)
        return
    if format == "csv":
        sys.stdout.write(to_csv(d["years"], YEAR_COLUMNS))
        return
    table = Table(title=f"Disparity of {indicator} across {len(r.regions)} {level} units")
    for column in YEAR_COLUMNS[:-2]:
        table.add_column(column, no_wrap=True)
    for y in d["years"]:
        table.add_row(*(_num(y[c]) for c in YEAR_COLUMNS[:-2]))
    out.print(table)
    for note in d["notes"]:
        out.print(note)
    if d["sigma"]:
        s = d["sigma"]
        out.print(
            f"σ-convergence ({s['measure']}): slope {_num(s['slope'])}, t {_num(s['t'])} → {s['direction']}"
        )
    if d["beta"]:
        b = d["beta"]
        detail = (
            f"β {_num(b['beta'])}, t {_num(b['t'])}, n {b['n']}" if b["beta"] is not None else b["reason"]
        )
        out.print(f"β-convergence {b['start']}–{b['end']}: {detail}")


def register(app: typer.Typer) -> None:
    """Add `yrd evaluate`, `yrd index` and `yrd disparity` to the main CLI."""
    app.command("evaluate")(evaluate_command)
    app.command("index")(index_command)
    app.command("disparity")(disparity_command)
