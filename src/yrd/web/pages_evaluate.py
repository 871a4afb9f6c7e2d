"""The pages of the Evaluation capability: the dashboard of targets × regions, one target with its
chart and the five rules side by side, and a short page on the methods.

Each route reads through `yrd.evaluate.targets.assess` (and `yrd.evaluate.rollup.roll_up`), turns the
result into plain values and renders a template with `yrd.web.pages.render`; nothing is computed in
a template. An assessment of the whole plan takes seconds (group values are computed from their
members), so the last few are kept per app, keyed by the request's choices and a fingerprint of the
data (number and last id of the observations, last extraction run): an import or a new extraction
is seen on the next request. The target chart is SVG drawn on the server like the indicator chart
(`yrd.web.charts`): observed series solid, the planned straight path dashed, the projection dotted.
Labels people read (statuses, methods, grades) are gettext messages in ``templates/_evaluate.html``.

The router must be included before `pages.router`.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yrd.db.models import ExtractionRunRow, ObservationRow
from yrd.documents.load import DEFAULT_PLAN
from yrd.errors import NotFoundError
from yrd.evaluate.rollup import roll_up
from yrd.evaluate.rules import DEFAULT_HEADLINE, RULES
from yrd.evaluate.status import GOOD, STATUSES, Status
from yrd.evaluate.targets import Assessment, RegionResult, TargetResult, assess, share_on_track
from yrd.stats import store
from yrd.web import charts, urls, urls_evaluate, urls_stats
from yrd.web.charts import COLOURS, SPARE_COLOURS, Chart, Frame, fmt_value
from yrd.web.deps import SessionDep
from yrd.web.pages import render, ui_lang, unit_name
from yrd.web.pages_stats import plan_doc

router = APIRouter(include_in_schema=False)

METHODS: tuple[str, ...] = tuple(RULES)
HEADLINE_PATTERN = "^(" + "|".join(METHODS) + ")$"
MIN_PERIOD, MAX_PERIOD = 1990, 2100
CACHE_SIZE = 8
_LOCK = threading.Lock()
# A region's own marker on the chart, so the series can be told apart without colour.
SHAPES: tuple[str, ...] = ("circle", "square", "diamond", "triangle", "cross")


# ---------------------------------------------------------------------------------------------- cache


def data_fingerprint(session: Session) -> tuple[Any, ...]:
    """What an assessment depends on that can change while the app runs: observations and extraction."""
    n, last = session.execute(select(func.count(ObservationRow.id), func.max(ObservationRow.id))).one()
    runs = session.execute(select(func.count(), func.max(ExtractionRunRow.ran_at))).one()
    return (n, last, runs[0], str(runs[1]))


def cached(request: Request, session: Session, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
    """A value computed once per data fingerprint; the last ``CACHE_SIZE`` keys are kept per app."""
    fingerprint = data_fingerprint(session)
    state = request.app.state
    with _LOCK:
        cache: dict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] | None = getattr(
            state, "evaluate_cache", None
        )
        if cache is None:
            cache = {}
            state.evaluate_cache = cache
        hit = cache.get(key)
    if hit is not None and hit[0] == fingerprint:
        return hit[1]
    value = compute()
    with _LOCK:
        cache.pop(key, None)
        cache[key] = (fingerprint, value)
        while len(cache) > CACHE_SIZE:
            cache.pop(next(iter(cache)))
    return value


def assessment(
    request: Request, session: Session, period: int | None = None, headline: str | None = None
) -> Assessment:
    """The plan's targets assessed (cached; see the module docstring)."""
    return cached(
        request,
        session,
        ("assess", DEFAULT_PLAN, period, headline),
        lambda: assess(session, DEFAULT_PLAN, period, headline=headline),
    )


def data_years(request: Request, session: Session, codes: list[str]) -> list[int]:
    """The years in which any of these indicators has a figure (the dashboard's period choices)."""

    def compute() -> list[int]:
        found = {o.period[:4] for o in store.observations(session, indicator=codes)}
        return sorted(int(y) for y in found if y.isdigit())

    return cached(request, session, ("years", *sorted(codes)), compute)


# ---------------------------------------------------------------------------------------------- values


def region_name(r: RegionResult, ui: str) -> str:
    return r.name_zh if ui == "zh" else r.name_en


def indicator_name(t: TargetResult, ui: str) -> str:
    return t.name_zh if ui == "zh" else t.name_en


def fmt_score(score: float | None) -> str:
    return "—" if score is None else f"{score:.0f}"


_REASON = re.compile(
    r"^(?:(?P<obs>\d+) observations|series spans (?P<span>-?\d+) years|latest observation (?P<age>-?\d+) "
    r"years before the evaluation|(?P<rep>\d+) of (?P<tot>\d+) regions report|methods: (?P<agr>[a-z ]+))"
    r" \((?P<grade>weak|moderate|strong)\)$"
)


def reason_parts(reason: str) -> dict[str, Any]:
    """An evidence reason as a kind, its numbers and its grade, so the template can say it in the
    interface language ("3 observations (weak)" → kind obs, n 3); unknown text is kept as it is."""
    m = _REASON.match(reason)
    if not m:
        return {"kind": "text", "text": reason, "grade": ""}
    g = m.groupdict()
    for kind in ("obs", "span", "age"):
        if g[kind] is not None:
            return {"kind": kind, "n": int(g[kind]), "grade": g["grade"]}
    if g["rep"] is not None:
        return {"kind": "coverage", "n": int(g["rep"]), "total": int(g["tot"]), "grade": g["grade"]}
    return {"kind": "agreement", "agreement": g["agr"].replace(" ", "_"), "grade": g["grade"]}


def cell_view(t: TargetResult, r: RegionResult, ui: str) -> dict[str, Any]:
    """One dashboard cell: status, score, evidence, and where it leads."""
    return {
        "region": r.region,
        "name": region_name(r, ui),
        "status": r.status,
        "score": fmt_score(r.score),
        "evidence": r.evidence,
        "reasons": [reason_parts(x) for x in r.evidence_reasons],
        "computed": r.computed,
        "latest": fmt_value(r.latest_value) if r.latest_value is not None else None,
        "latest_year": r.latest_year,
        "href": urls_evaluate.target_page(t.id) + "#" + urls_evaluate.region_anchor(r.region),
    }


def _sections(a: Assessment, ui: str, doc: Any) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Targets grouped by the chapter and section of the Outline they come from, each group with its
    roll-up (every target in every region counts once), and the roll-up of the whole plan."""
    groups: dict[tuple[str, ...], dict[str, Any]] = {}
    items: list[tuple[tuple[str, ...], str]] = []
    for t in a.targets:
        trail = doc.ancestors(t.eid) if doc and t.eid in doc.by_eid else []
        path = tuple(u.eid for u in trail if u.kind in ("chapter", "section")) or (t.eid,)
        if path not in groups:
            groups[path] = {
                "path": path,
                "names": [unit_name(u, ui) for u in trail if u.kind in ("chapter", "section")],
                "href": urls.unit_page(a.plan, path[-1]),
                "rows": [],
            }
        groups[path]["rows"].append(t)
        items.extend((path, r.status) for r in t.regions)
    rolled = roll_up(items)
    out = []
    for path, g in groups.items():
        chapter = rolled.get(path[:1])
        out.append({**g, "rollup": _rolled_view(rolled[path]), "chapter": _rolled_view(chapter)})
    return out, _rolled_view(rolled.get(()))


def _rolled_view(r: Any) -> dict[str, Any] | None:
    if r is None:
        return None
    return {
        "status": str(r.status),
        "n": r.n,
        "counts": [{"status": str(s), "n": r.counts.get(s, 0)} for s in STATUSES if r.counts.get(s, 0)],
        "good": sum(n for s, n in r.counts.items() if s in GOOD),
        "assessed": r.n - r.counts.get(Status.INSUFFICIENT_DATA, 0),
    }


def target_view(t: TargetResult, a: Assessment, ui: str, doc: Any) -> dict[str, Any]:
    head = t.headline()
    return {
        "id": t.id,
        "eid": t.eid,
        "name": indicator_name(t, ui),
        "other": t.name_en if ui == "zh" else t.name_zh,
        "indicator": t.indicator,
        "indicator_href": urls_stats.indicator_page(t.indicator),
        "text": t.text,
        "cite": t.citation_zh if ui == "zh" else t.citation_en,
        "cite_href": urls.unit_page(a.plan, t.eid),
        "href": urls_evaluate.target_page(t.id),
        "comparator": t.comparator,
        "value_text": t.value_text,
        "target_value": fmt_value(t.target_value) if t.target_value is not None else None,
        "target_year": t.target_year,
        "unit": t.unit,
        "scope": t.scope,
        "direction": t.direction,
        "group": head.region if head else None,
        "cells": [cell_view(t, r, ui) for r in t.regions],
    }


# ---------------------------------------------------------------------------------------------- pages


def ev_render(
    request: Request, template: str, context: dict[str, Any], json_href: str | None = None
) -> HTMLResponse:
    """`pages.render` with the evaluation pages' URL helpers."""
    values = {"urls_evaluate": urls_evaluate, "urls_stats": urls_stats, **context}
    return render(request, template, values, json_href=json_href)


def _choices(request: Request, session: Session, a: Assessment) -> dict[str, Any]:
    years = data_years(request, session, sorted({t.indicator for t in a.targets}))
    if a.period not in years:
        years = sorted({*years, a.period})
    return {"periods": list(reversed(years)), "methods_all": METHODS}


@router.get("/evaluation", response_class=HTMLResponse)
def dashboard_page(
    request: Request,
    session: SessionDep,
    period: int | None = Query(None, ge=MIN_PERIOD, le=MAX_PERIOD),
    headline: str | None = Query(None, pattern=HEADLINE_PATTERN),
) -> HTMLResponse:
    """Targets × regions: each cell the headline status (colour and mark), score and evidence."""
    ui = ui_lang(request)
    a = assessment(request, session, period, headline)
    doc = plan_doc(session)
    sections, whole = _sections(a, ui, doc)
    for s in sections:
        s["rows"] = [target_view(t, a, ui, doc) for t in s["rows"]]
    good, assessed = share_on_track([r for t in a.targets for r in t.regions])
    context = {
        "a": a,
        "period": a.period,
        "headline": a.headline_method,
        "asked_period": period,
        "asked_headline": headline,
        "sections": sections,
        "whole": whole,
        "n_targets": len(a.targets),
        "n_cells": sum(len(t.regions) for t in a.targets),
        "good": good,
        "assessed": assessed,
        "statuses": [str(s) for s in STATUSES],
        "columns": ["group", "310000", "320000", "330000", "340000"],
        "province_names": _province_names(a, ui),
        **_choices(request, session, a),
    }
    return ev_render(request, "evaluation.html", context, urls_evaluate.api_evaluation())


def _province_names(a: Assessment, ui: str) -> dict[str, str]:
    names: dict[str, str] = {}
    for t in a.targets:
        for r in t.regions:
            names.setdefault(r.region, region_name(r, ui))
    return names


@router.get("/evaluation/{target_id}", response_class=HTMLResponse)
def target_page(
    request: Request,
    target_id: str,
    session: SessionDep,
    period: int | None = Query(None, ge=MIN_PERIOD, le=MAX_PERIOD),
    headline: str | None = Query(None, pattern=HEADLINE_PATTERN),
) -> HTMLResponse:
    """One target: its chart (observed, planned, projected), and per region the five rules' verdicts
    side by side with the agreement, the headline, the evidence and the projection."""
    ui = ui_lang(request)
    a = assessment(request, session, period, headline)
    t = next((x for x in a.targets if x.id == target_id), None)
    if t is None:
        raise NotFoundError(f"no evaluated target {target_id!r} in plan {a.plan!r}")
    doc = plan_doc(session)
    view = target_view(t, a, ui, doc)
    regions = [region_view(t, r, ui, i) for i, r in enumerate(t.regions)]
    names = _province_names(a, ui)
    for r in regions:
        r["missing"] = [names.get(code, code) for code in r["missing"]]
    context = {
        "a": a,
        "t": view,
        "period": a.period,
        # the indicator's own headline rule where the registry names one (its results say which)
        "headline": t.regions[0].headline_method if t.regions else a.headline_method,
        "asked_period": period,
        "asked_headline": headline,
        "regions": regions,
        "methods": list(a.methods),
        "chart": target_chart(t, regions),
        "others": [
            {
                "href": urls_evaluate.target_page(x.id, period, headline),
                "name": indicator_name(x, ui),
                "current": x.id == t.id,
            }
            for x in a.targets
        ],
        **_choices(request, session, a),
    }
    return ev_render(request, "evaluation_target.html", context, urls_evaluate.api_evaluation())


def region_view(t: TargetResult, r: RegionResult, ui: str, index: int) -> dict[str, Any]:
    """A region's results on a target page."""
    planned_at = next((v for y, v in r.planned if y == t.target_year), None)
    return {
        **cell_view(t, r, ui),
        "anchor": urls_evaluate.region_anchor(r.region),
        "colour": COLOURS.get(r.region) or SPARE_COLOURS[index % len(SPARE_COLOURS)],
        "shape": SHAPES[index % len(SHAPES)],
        "group": not r.region.isdigit(),
        "target": fmt_value(r.target) if r.target is not None else None,
        "target_value": r.target,
        "score_note": r.score_note,
        "headline_method": r.headline_method,
        "agreement": r.agreement,
        "verdicts": [
            {**v, "metric_shown": _fmt_metric(v["metric"]), "headline": v["method"] == r.headline_method}
            for v in r.verdicts
        ],
        "projection": [
            {"year": y, "value": fmt_value(v) if v is not None else None}
            for y, v in sorted(r.projection.items())
        ],
        "projection_model": r.projection_model,
        "reach_outcome": r.reach_outcome,
        "reach_year": r.reach_year,
        "planned_at": fmt_value(planned_at) if planned_at is not None else None,
        "missing": r.missing_members,
        "n_obs": len(r.years),
        "first_year": r.years[0] if r.years else None,
        "points": list(zip(r.years, r.values, strict=True)),
        "projection_points": [(y, v) for y, v in sorted(r.projection.items()) if v is not None],
        "planned": r.planned,
        "latest_value": r.latest_value,
        "latest_year_n": r.latest_year,
    }


def _fmt_metric(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:.3g}"


@router.get("/methods", response_class=HTMLResponse)
def methods_page(request: Request) -> HTMLResponse:
    """How a target is judged, in a few paragraphs per method (docs/methods.md has the formulas)."""
    return ev_render(request, "methods.html", {"methods": METHODS, "default_headline": DEFAULT_HEADLINE})


# ---------------------------------------------------------------------------------------------- chart


def target_chart(t: TargetResult, regions: list[dict[str, Any]]) -> Chart | None:
    """The geometry of a target's chart (SVG viewBox units): per region the observed series, the
    planned straight path and the projection from the latest value to 2025 and 2035; the target as a
    dashed line across the plot with a diamond at its year, and a "now" line at the latest figure.
    None when there is nothing to draw."""
    xs: list[float] = []
    ys: list[float] = []
    for r in regions:
        for y, v in r["points"] + r["planned"] + r["projection_points"]:
            xs.append(float(y))
            ys.append(float(v))
    drawn = [r for r in regions if r["points"] or r["planned"]]
    target_values = sorted({r["target_value"] for r in drawn if r["target_value"] is not None})
    if not target_values and t.target_value is not None:
        target_values = [t.target_value]
    if not xs:
        return None
    ys += target_values
    if t.target_year:
        xs.append(float(t.target_year))
    frame = Frame.fit(xs, ys, height=380)
    latest = [y for r in regions for y, _v in r["points"]]
    c = frame.chart(t.unit, now=float(max(latest)) if latest else None)
    for r in drawn:
        anchor = urls_evaluate.region_anchor(r["region"])
        proj: list[tuple[int, float]] = []
        if r["points"] and r["projection_points"]:
            last_year, last_value = r["points"][-1]
            proj = [(last_year, last_value)] + [(y, v) for y, v in r["projection_points"] if y > last_year]
        c.series.append(
            charts.series(
                r["region"],
                r["name"],
                r["colour"],
                [frame.dot(float(y), v, y, anchor) for y, v in r["points"]],
                shape=r["shape"],
                planned=frame.path(r["planned"]),
                projection=frame.path(proj) if len(proj) > 1 else "",
                projection_dots=[frame.dot(float(y), v, y, anchor) for y, v in proj[1:]],
            )
        )
    c.targets = [
        frame.target(v, t.target_year, value=fmt_value(v), value_text=fmt_value(v), target_year=t.target_year)
        for v in target_values
    ]
    return c


# ---------------------------------------------------------------------------------------------- disparity

LEVEL_PATTERN = "^(province|city)$"
MEASURES: tuple[str, ...] = ("cv", "cv_weighted", "theil", "gini", "max_min_ratio")


def spark(years: list[int], values: list[float | None], width: int = 220, height: int = 90) -> dict[str, Any]:
    """A small line chart's geometry (one measure over the years), for the small multiples."""
    pairs = [(y, v) for y, v in zip(years, values, strict=True) if v is not None and math.isfinite(v)]
    if not pairs:
        return {"width": width, "height": height, "path": "", "dots": [], "lo": "—", "hi": "—"}
    lo, hi = min(v for _y, v in pairs), max(v for _y, v in pairs)
    if hi == lo:
        lo, hi = lo - 0.5 * (abs(lo) or 1) * 0.1, hi + 0.5 * (abs(hi) or 1) * 0.1
    x_lo, x_hi = min(years), max(years)
    frame = Frame(width, height, 8, 8, 10, 18, x_lo, x_lo + ((x_hi - x_lo) or 1), lo, hi)
    dots = [{"x": frame.px(y), "y": frame.py(v), "year": y, "value": f"{v:.4g}"} for y, v in pairs]
    return {
        "width": width,
        "height": height,
        "path": " ".join(f"{d['x']},{d['y']}" for d in dots),
        "dots": dots,
        "lo": f"{lo:.3g}",
        "hi": f"{hi:.3g}",
        "first": str(x_lo),
        "last": str(x_hi),
    }


@router.get("/disparity/{indicator}", response_class=HTMLResponse)
def disparity_page(
    request: Request,
    indicator: str,
    session: SessionDep,
    level: str = Query("province", pattern=LEVEL_PATTERN),
) -> HTMLResponse:
    """Disparity of one indicator among provinces or cities over the years, with σ- and β-convergence."""
    from yrd.evaluate.panel import disparity_report
    from yrd.web.pages_map import indicator_choices
    from yrd.web.pages_stats import _Names

    ui = ui_lang(request)
    names = _Names(session, ui)
    ind = next((i for i in store.list_indicators(session) if i.code == indicator), None)
    if ind is None:
        raise NotFoundError(f"no indicator {indicator!r}")
    report = disparity_report(session, indicator, level).to_dict()  # type: ignore[arg-type]
    years = [y["year"] for y in report["years"]]
    context = {
        "ind": ind,
        "name": ind.name_zh if ui == "zh" else ind.name_en,
        "level": level,
        "r": report,
        "rows": [{**y, "names": [names.name(c) for c in y["regions"]]} for y in report["years"]],
        "sparks": [{"measure": m, **spark(years, [y.get(m) for y in report["years"]])} for m in MEASURES],
        "beta_regions": [names.name(c) for c in (report["beta"] or {}).get("regions", [])],
        "choices": [
            {
                "code": c["value"].split(":", 1)[1],
                "name": c["name"],
                "href": urls_evaluate.disparity_page(c["value"].split(":", 1)[1], level),
            }
            for c in indicator_choices(session, level, ui)
        ],
        "level_links": {lv: urls_evaluate.disparity_page(indicator, lv) for lv in ("province", "city")},
    }
    return ev_render(
        request, "disparity.html", context, urls_evaluate.api_disparity(indicator) + f"?level={level}"
    )


# ---------------------------------------------------------------------------------------------- index

NORMALISATIONS: tuple[str, ...] = ("minmax", "zscore", "distance_to_target")
WEIGHTINGS: tuple[str, ...] = ("equal", "entropy", "pca")
AGGREGATIONS: tuple[str, ...] = ("arithmetic", "geometric")


def _pattern(choices: tuple[str, ...]) -> str:
    return "^(" + "|".join(choices) + ")$"


def rank_chart(regions: list[dict[str, Any]], n: int) -> dict[str, Any]:
    """Rank ranges as horizontal bars (1 = best at the left), the median and this index's rank marked."""
    row_h, left, right, top = 34, 150, 24, 26
    width = 640
    height = top + row_h * len(regions) + 10
    n = max(n, 2)
    px = Frame(width, height, left, right, top, 10, 1, n).px

    rows = []
    for i, r in enumerate(regions):
        s = r["sensitivity"]
        if not s:
            continue
        y = top + row_h * i + row_h / 2
        xs = {"x1": px(s["min_rank"]), "x2": px(s["max_rank"]), "xm": px(s["median_rank"])}
        rows.append({**r, **xs, "y": y, "xr": px(r["rank"]) if r["rank"] else None})
    return {"width": width, "height": height, "left": left, "top": top, "rows": rows,
            "ticks": [{"x": px(k), "label": k} for k in range(1, n + 1)]}  # fmt: skip


@router.get("/index-composite", response_class=HTMLResponse)
def index_page(
    request: Request,
    session: SessionDep,
    period: int | None = Query(None, ge=MIN_PERIOD, le=MAX_PERIOD),
    normalisation: str = Query("minmax", pattern=_pattern(NORMALISATIONS)),
    weighting: str = Query("equal", pattern=_pattern(WEIGHTINGS)),
    aggregation: str = Query("arithmetic", pattern=_pattern(AGGREGATIONS)),
    level: str = Query("province", pattern=LEVEL_PATTERN),
) -> HTMLResponse:
    """The composite integration index per region and dimension, and how its ranks move with the
    construction choices (every normalisation × weighting × aggregation)."""
    from yrd.evaluate.panel import index_dimensions, integration_index
    from yrd.web.pages_stats import _Names

    ui = ui_lang(request)
    names = _Names(session, ui)
    rep = integration_index(session, period, normalisation=normalisation, weighting=weighting,
                            aggregation=aggregation, level=level).to_dict()  # fmt: skip
    dims = {d["code"]: d for d in index_dimensions()["dimensions"]}
    col = rep["years"].index(rep["period"]) if rep["period"] in rep["years"] else None
    sens = (rep.get("sensitivity") or {}).get("regions", {})

    def at(values: list[float | None] | None) -> str:
        v = values[col] if values is not None and col is not None else None
        return "—" if v is None else f"{v:.3f}"

    regions = sorted(
        [{"code": c, "name": names.name(c), "value": at(rep["index"].get(c)), "rank": rep["ranks"].get(c),
          "dims": [at(rep["dimensions"][d].get(c)) for d in rep["dimensions"]], "sensitivity": sens.get(c)}
         for c in rep["regions"]],
        key=lambda r: (r["rank"] is None, r["rank"] or 0, r["code"]),
    )  # fmt: skip
    dim_names = [
        (dims.get(d, {}).get("name_zh" if ui == "zh" else "name_en") or d) for d in rep["dimensions"]
    ]
    context = {
        "rep": rep,
        "regions": regions,
        "dim_names": dim_names,
        "chart": rank_chart(regions, len([r for r in regions if r["sensitivity"]])) if sens else None,
        "n_variants": len((rep.get("sensitivity") or {}).get("variants", [])),
        "choices": {"normalisation": NORMALISATIONS, "weighting": WEIGHTINGS, "aggregation": AGGREGATIONS},
        "chosen": {"normalisation": normalisation, "weighting": weighting, "aggregation": aggregation},
        "level": level,
        "dims_out": [
            {**d, "name": d["name_zh"] if ui == "zh" else d["name_en"]} for d in rep["dimensions_left_out"]
        ],
        "ind_names": {
            i.code: (i.name_zh if ui == "zh" else i.name_en) for i in store.list_indicators(session)
        },
    }
    return ev_render(request, "index_composite.html", context, urls_evaluate.api_index())


# The map view has its own module; its routes come in with this router (one line in app.py).
from yrd.web import pages_map  # noqa: E402  (it imports this module's helpers when a page is built)

router.include_router(pages_map.router)
