"""The pages of the Statistics capability: the indicators, one indicator with its chart, a region's
figures, and the data coverage.

Each route reads through the library (`yrd.stats.store`, `yrd.stats.aggregate` for group values,
`yrd.stats.coverage`, `yrd.regions.store`) and the statistics API's helpers
(`api_stats.targets_by_indicator`, `api_stats.coverage`, `api_stats.as_of_parameter`, so a page and
its JSON twin cannot disagree), turns the result into plain values and renders a template with
`yrd.web.pages.render`. The indicator and region pages take ``?as_of=`` (figures as published by a
date); groups without a reported figure show the value computed from their members, marked.
Every link comes from `yrd.web.urls_stats` (or `urls`, `urls_extract`). The indicator chart is SVG
drawn on the server (`yrd.web.charts`, ``templates/_chart.html``) from the same series as the twin.
Labels people read (statuses, directions, rules) are gettext messages in ``templates/_stats.html``.

The router must be included before `pages.router`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from yrd.documents import store as documents_store
from yrd.documents.load import DEFAULT_PLAN
from yrd.errors import NotFoundError
from yrd.regions import store as regions_store
from yrd.stats import store
from yrd.stats.aggregate import GroupValue, group_rows, region_rows, standard_groups
from yrd.stats.coverage import indicator_counts
from yrd.stats.model import Indicator, Observation
from yrd.stats.registry import load_registry
from yrd.web import charts, urls, urls_extract, urls_stats
from yrd.web.api_stats import as_of_parameter, coverage, targets_by_indicator
from yrd.web.charts import COLOURS, SPARE_COLOURS, Chart, Frame, fmt_value, period_x
from yrd.web.deps import SessionDep
from yrd.web.pages import Doc, render, ui_lang

router = APIRouter(include_in_schema=False)

_URL = re.compile(r"https?://[^\s)（）]+")


# ---------------------------------------------------------------------------------------------- shared


def source_parts(text: str) -> dict[str, str]:
    """A source as a link (its first address, shown by host) and the words around it."""
    m = _URL.search(text or "")
    if not m:
        return {"url": "", "host": "", "text": text or ""}
    rest = (text[: m.start()] + text[m.end() :]).strip()
    rest = rest.removeprefix("(").removesuffix(")").strip() if rest.startswith("(") else rest
    return {"url": m.group(0), "host": urlsplit(m.group(0)).netloc, "text": rest}


class _Names:
    """Region and group names in the interface language, and the order regions are shown in."""

    def __init__(self, session: Session, ui: str) -> None:
        self.ui = ui
        self.names: dict[str, tuple[str, str]] = {}
        self.rank: dict[str, tuple[int, str]] = {}
        for r in regions_store.list_regions(session):
            self.names[r.code] = (r.name_zh, r.name_en)
            self.rank[r.code] = ({"province": 0}.get(r.level, 2), r.code)
        for g in regions_store.list_groups(session):
            self.names[g.code] = (g.name_zh, g.name_en)
            self.rank[g.code] = (1, f"{0 if g.code == 'yrd' else 1}{g.code}")

    def __contains__(self, code: str) -> bool:
        return code in self.names

    def name(self, code: str, lang: str | None = None) -> str:
        zh, en = self.names.get(code, (code, code))
        return zh if (lang or self.ui) == "zh" else en

    def order(self, code: str) -> tuple[int, str]:
        return self.rank.get(code, (3, code))


def _indicator_name(ind: Indicator, ui: str) -> str:
    return ind.name_zh if ui == "zh" else ind.name_en


def _other(ui: str) -> str:
    return "en" if ui == "zh" else "zh"


def _get_indicator(session: Session, code: str) -> Indicator:
    found = next((i for i in store.list_indicators(session) if i.code == code), None)
    if found is None:
        raise NotFoundError(f"no indicator {code!r}")
    return found


def plan_doc(session: Session) -> Doc | None:
    try:
        return Doc.of(documents_store.load_plan(session, DEFAULT_PLAN))
    except NotFoundError:
        return None


def _target_view(t: dict[str, Any], doc: Doc | None, ui: str) -> dict[str, Any]:
    """A linked target with its citation, a link into the reader and to its row on the targets page."""
    return {
        **t,
        "value_shown": fmt_value(t["value"]) if t["value"] is not None else t["value_text"],
        "cite": doc.cite(t["eid"], ui) if doc and t["eid"] in doc.by_eid else t["eid"],
        "href": urls.unit_page(t["plan"], t["eid"]),
        "row_href": urls_extract.record_href(t["plan"], t["id"]),
    }


def _stats_render(
    request: Request, template: str, context: dict[str, Any], json_href: str, tab: str
) -> HTMLResponse:
    values = {
        "urls_stats": urls_stats,
        "tab": tab,
        "json_twin": json_href,
        "tabs": [
            {"key": "indicators", "href": urls_stats.indicators_page()},
            {"key": "coverage", "href": urls_stats.coverage_page()},
            {"key": "region", "href": urls_stats.region_page("yrd")},
        ],
        **context,
    }
    return render(request, template, values, json_href=json_href)


# ---------------------------------------------------------------------------------------------- chart


@dataclass(frozen=True)
class Point:
    """One value on the chart: a stored figure, or a group's value computed from its members."""

    period: str
    value: float
    status: str | None = None
    computed: bool = False


def _points(obs: list[Observation]) -> list[Point]:
    return [Point(o.period, o.value, o.status) for o in obs]


def build_chart(
    unit: str, series: dict[str, list[Point]], targets: list[dict[str, Any]], names: _Names
) -> Chart | None:
    """Every region's series against the targets' lines; None when there is nothing to draw."""
    points = [(r, o) for r, obs in series.items() for o in obs]
    drawn_targets = [t for t in targets if t["value"] is not None]
    if not points and not drawn_targets:
        return None
    xs = [period_x(o.period) for _r, o in points] + [
        float(t["target_year"]) for t in drawn_targets if t["target_year"]
    ]
    ys = [o.value for _r, o in points] + [t["value"] for t in drawn_targets]
    frame = Frame.fit(xs, ys)
    c = frame.chart(unit)
    spare = iter(SPARE_COLOURS * 10)
    for region in sorted(series, key=names.order):
        obs = sorted(series[region], key=lambda o: period_x(o.period))
        dots = [
            frame.dot(period_x(o.period), o.value, o.period, urls_stats.value_anchor(region, o.period),
                      o.status, o.computed)
            for o in obs
        ]  # fmt: skip
        c.series.append(charts.series(region, names.name(region), COLOURS.get(region) or next(spare), dots))
    c.targets = [frame.target(t["value"], t["target_year"], **t) for t in drawn_targets]
    return c


# ---------------------------------------------------------------------------------------------- as of


def _as_of_view(as_of: str | None, every: list[Observation], current_href: str) -> dict[str, Any]:
    """The "as published on" form: the date asked for, the last day it covers, a link back to the
    current figures, and the years in which this page's figures were published, as suggestions."""
    years = {(o.published or o.recorded_at)[:4] for o in every}
    return {
        "value": as_of or "",
        "end": store.parse_as_of(as_of).isoformat() if as_of else None,
        "current_href": current_href,
        "years": sorted(years, reverse=True),
    }


# ---------------------------------------------------------------------------------------------- groups

MAX_NAMES = 6  # missing members named in a note before "and N more"


def _missing_names(missing: list[str], indicator: str, names: _Names) -> dict[str, Any]:
    """Missing inputs (``indicator@region``) by region name, naming the indicator when it is another."""
    shown = []
    for item in missing:
        code, _, region = item.partition("@")
        shown.append(names.name(region) + ("" if code == indicator else f" ({code})"))
    return {"names": shown[:MAX_NAMES], "more": max(0, len(shown) - MAX_NAMES)}


def _group_value_row(v: GroupValue, names: _Names) -> dict[str, Any]:
    """A computed group value (or a gap: members' figures missing) as a row of the values table."""
    return {
        "kind": v.kind,
        "period": v.period,
        "anchor": urls_stats.value_anchor(v.region, v.period),
        "value": fmt_value(v.value),
        "rule": v.method,
        "used": len(v.members_used),
        "total": len(v.members),
        "missing": _missing_names(v.missing, v.indicator, names),
    }


@dataclass
class GroupTable:
    """A group's rows in an indicator's table and its points on the chart, or why it has none."""

    rows: list[dict[str, Any]]
    points: list[Point]
    never: list[str]  # members with no figures in any period, when the group has no value at all


def _group_table(values: list[GroupValue], reported: dict[str, dict[str, Any]], names: _Names) -> GroupTable:
    """Reported values as the stored rows; computed ones marked; gaps only where the group has values."""
    rows, points = [], []
    has_value = any(v.value is not None for v in values)
    for v in values:
        if v.kind == "reported" and v.period in reported:
            rows.append(reported[v.period])
            points.append(Point(v.period, v.value, v.status))  # type: ignore[arg-type]
        elif v.kind == "computed":
            rows.append(_group_value_row(v, names))
            points.append(Point(v.period, v.value, None, computed=True))  # type: ignore[arg-type]
        elif has_value and v.members_used:
            rows.append(_group_value_row(v, names))
    used = {m for v in values for m in v.members_used}
    members = values[0].members if values else []
    never = [] if has_value else [names.name(m) for m in members if m not in used]
    return GroupTable(rows, points, never)


# ---------------------------------------------------------------------------------------------- pages


@router.get("/indicators", response_class=HTMLResponse)
def indicators_page(request: Request, session: SessionDep) -> HTMLResponse:
    """Every indicator with how many figures it has; those the Outline's targets use come first."""
    ui = ui_lang(request)
    counts = indicator_counts(session)
    targets = targets_by_indicator(session)
    rows = []
    for ind in store.list_indicators(session):
        n = counts.get(ind.code, {})
        rows.append(
            {
                "ind": ind,
                "name": _indicator_name(ind, ui),
                "other": _indicator_name(ind, _other(ui)),
                "href": urls_stats.indicator_page(ind.code),
                "targets": len(targets.get(ind.code, [])),
                "observations": n.get("observations", 0),
                "vintages": n.get("vintages", 0),
                "regions": n.get("regions", 0),
                "first": n.get("first"),
                "last": n.get("last"),
            }
        )
    served = [r for r in rows if r["targets"]]
    context = {
        "sections": [("targets", served), ("basics", [r for r in rows if not r["targets"]])],
        "total": len(rows),
        "n_served": len(served),
        "n_served_data": sum(1 for r in served if r["observations"]),
        "n_observations": sum(r["observations"] for r in rows),
        "n_vintages": sum(r["vintages"] for r in rows),
    }
    return _stats_render(
        request, "indicators.html", context, urls_stats.api_indicators(counts=True), "indicators"
    )


Known = set[tuple[str, str, int]] | None  # (region, period, vintage) published by the as-of date


def _known(session: Session, code: str, as_of: str | None) -> Known:
    """The vintages of an indicator published by ``as_of``; None (all) without one."""
    if not as_of:
        return None
    rows = store.observations(session, indicator=code, vintage="all", as_of=as_of)
    return {(o.region, o.period, o.vintage) for o in rows}


def _reported_rows(
    shown: list[Observation], vintages: dict[tuple[str, str], list[Observation]], region: str, known: Known
) -> dict[str, dict[str, Any]]:
    """A region's stored values as table rows by period: the vintage shown, with the earlier ones and,
    when reading as of a date, the later ones (revisions published after it)."""
    rows = {}
    for o in shown:
        others = vintages.get((region, o.period), [])
        before = sorted((v for v in others if v.vintage < o.vintage), key=lambda v: -v.vintage)
        after = sorted((v for v in others if v.vintage > o.vintage), key=lambda v: v.vintage)
        rows[o.period] = {
            "kind": "reported",
            "o": o,
            "period": o.period,
            "anchor": urls_stats.value_anchor(region, o.period),
            "value": fmt_value(o.value),
            "source": source_parts(o.source),
            "earlier": [
                {"o": v, "value": fmt_value(v.value), "source": source_parts(v.source)} for v in before
            ],
            "later": [{"o": v, "value": fmt_value(v.value)} for v in after],
            "tooltip": "; ".join(f"v{v.vintage}: {fmt_value(v.value)}" for v in before),
        }
    return rows


def _sources(every: list[Observation]) -> list[dict[str, Any]]:
    sources: dict[str, dict[str, Any]] = {}
    for o in every:
        s = sources.setdefault(o.source, {"source": source_parts(o.source), "count": 0, "statuses": set()})
        s["count"] += 1
        s["statuses"].add(o.status)
    return sorted(sources.values(), key=lambda s: -s["count"])


def _indicator_tables(
    ind: Indicator,
    shown: dict[str, list[Observation]],
    every: list[Observation],
    by_group: dict[str, list[GroupValue]],
    names: _Names,
    as_of: str | None,
    known: Known,
) -> tuple[list[dict[str, Any]], dict[str, list[Point]], list[dict[str, Any]]]:
    """The values table by region (groups with their computed values), the chart's series, and the
    groups without any value, with the members that never have figures."""
    regions, series, uncomputed = [], {}, []
    vintages: dict[tuple[str, str], list[Observation]] = {}
    for o in every:
        vintages.setdefault((o.region, o.period), []).append(o)
    for region in sorted(set(shown) | set(by_group), key=names.order):
        reported = _reported_rows(shown.get(region, []), vintages, region, known)
        if region in by_group:
            table = _group_table(by_group[region], reported, names)
            rows, points = table.rows, table.points
            if not rows and ind.aggregation != "none":
                uncomputed.append({"code": region, "name": names.name(region), "never": table.never})
        else:
            rows, points = list(reported.values()), _points(shown[region])
        if points:
            series[region] = points
        if rows:
            regions.append(
                {
                    "code": region,
                    "name": names.name(region),
                    "colour": COLOURS.get(region, ""),
                    "href": urls_stats.region_page(region, as_of) if region in names else None,
                    "rows": sorted(rows, key=lambda r: period_x(r["period"])),
                }
            )
    return regions, series, uncomputed


@router.get("/indicators/{code}", response_class=HTMLResponse)
def indicator_page(
    request: Request, code: str, session: SessionDep, as_of: str | None = None
) -> HTMLResponse:
    """One indicator: what it measures, the targets it serves, a chart of every region's series and
    the groups' values against the target line, the values with their status and vintages, sources,
    downloads; with ``as_of``, everything as published by that date."""
    ui = ui_lang(request)
    ind = _get_indicator(session, code)
    as_of = as_of_parameter(as_of)
    names = _Names(session, ui)
    doc = plan_doc(session)
    targets = [_target_view(t, doc, ui) for t in targets_by_indicator(session).get(code, [])]
    shown = store.series(session, code, as_of=as_of)
    every = store.observations(session, indicator=code, vintage="all")
    # group values need the registry's rule: an indicator only an admin added has none
    groups = standard_groups(session) if code in load_registry() else []
    by_group: dict[str, list[GroupValue]] = {g: [] for g in groups}
    for v in group_rows(session, code, groups, as_of=as_of):
        by_group[v.region].append(v)
    known = _known(session, code, as_of)
    regions, series, uncomputed = _indicator_tables(ind, shown, every, by_group, names, as_of, known)
    n_shown = sum(len(v) for v in shown.values())
    context = {
        "ind": ind,
        "name": _indicator_name(ind, ui),
        "other": _indicator_name(ind, _other(ui)),
        "definition": (ind.definition_zh if ui == "zh" else ind.definition_en) or ind.definition_zh,
        "definition_lang": ui if (ind.definition_zh if ui == "zh" else ind.definition_en) else "zh",
        "targets": targets,
        "chart": build_chart(ind.unit, series, targets, names),
        "regions": regions,
        "uncomputed": uncomputed,
        "n_values": n_shown,
        "n_computed": sum(1 for g in regions for r in g["rows"] if r["kind"] == "computed"),
        "n_vintages": len(every),
        "n_secondary": sum(1 for o in every if o.status == "secondary"),
        "sources": _sources(every),
        "formats": [
            {
                "fmt": f,
                "label": label,
                "href": urls_stats.indicator_download(f, code, as_of=as_of),
                "all": urls_stats.indicator_download(f, code, vintage="all"),
            }
            for f, label in (("csv", "CSV"), ("xlsx", "Excel"), ("json", "JSON"), ("sdmx-csv", "SDMX-CSV"))
        ],
        "as_of": _as_of_view(as_of, every, urls_stats.indicator_page(code)),
        "series_href": urls_stats.api_series(code, as_of=as_of, groups=",".join(groups)),
        "groups_href": urls_stats.api_groups(code, as_of=as_of),
        "observations_href": urls_stats.api_observations(indicator=code, vintage="all"),
        "depends_on": [
            {"code": c, "href": urls_stats.indicator_page(c)}
            for c in (ind.weight, ind.numerator, ind.denominator)
            if c
        ],
    }
    return _stats_render(request, "indicator.html", context, urls_stats.api_indicator(code), "indicators")


def _latest_reported(session: Session, code: str, as_of: str | None) -> dict[str, list[Observation]]:
    """A region's shown figures per indicator, in period order (current, or as of a date)."""
    out: dict[str, list[Observation]] = {}
    for o in store.observations(session, region=code, as_of=as_of):
        out.setdefault(o.indicator, []).append(o)
    return out


def _region_row(
    values: list[GroupValue | Observation], vintages: int, code: str, ind: Indicator
) -> dict[str, Any]:
    """An indicator's latest value for a region or group, the periods with values (computed marked)."""
    latest = max(values, key=lambda v: period_x(v.period))
    computed = isinstance(latest, GroupValue) and latest.kind == "computed"
    return {
        "period": latest.period,
        "value": fmt_value(latest.value),
        "unit": latest.unit,
        "kind": "computed" if computed else "reported",
        "status": latest.status,
        "rule": latest.method if isinstance(latest, GroupValue) else None,
        "used": len(latest.members_used) if isinstance(latest, GroupValue) else 0,
        "total": len(latest.members) if isinstance(latest, GroupValue) else 0,
        "value_href": urls_stats.indicator_page(ind.code)
        + "#"
        + urls_stats.value_anchor(code, latest.period),
        "periods": [
            {"period": v.period, "computed": isinstance(v, GroupValue) and v.kind == "computed"}
            for v in sorted(values, key=lambda v: period_x(v.period))
        ],
        "vintages": vintages,
        "source": source_parts(latest.source),
    }


@router.get("/regions/{code}/statistics", response_class=HTMLResponse)
def region_statistics_page(
    request: Request, code: str, session: SessionDep, as_of: str | None = None
) -> HTMLResponse:
    """All indicators of one region or region group: the latest value of each (for a group, computed
    from its members where none is reported, marked), and what is missing; ``as_of`` as for indicators."""
    ui = ui_lang(request)
    names = _Names(session, ui)
    if code not in names:
        raise NotFoundError(f"no region or region group {code!r}")
    as_of = as_of_parameter(as_of)
    is_group = not code.isdigit()
    every = store.observations(session, region=code, vintage="all")
    shown = _latest_reported(session, code, as_of)
    vintages: dict[str, int] = {}
    for o in store.observations(session, region=code, vintage="all", as_of=as_of):
        vintages[o.indicator] = vintages.get(o.indicator, 0) + 1
    group_values = region_rows(session, code, as_of=as_of) if is_group else {}
    targets = targets_by_indicator(session)
    rows, missing = [], []
    for ind in store.list_indicators(session):
        entry = {
            "ind": ind,
            "name": _indicator_name(ind, ui),
            "href": urls_stats.indicator_page(ind.code, as_of),
            "targets": len(targets.get(ind.code, [])),
        }
        values: list[GroupValue | Observation] = list(shown.get(ind.code, []))
        if is_group:
            values = [v for v in group_values.get(ind.code, []) if v.value is not None] or values
        if not values:
            missing.append(entry)
            continue
        rows.append(entry | _region_row(values, vintages.get(ind.code, 0), code, ind))
    with_data = {o.region for o in store.observations(session)}
    context = {
        "code": code,
        "is_group": is_group,
        "region_name": names.name(code),
        "region_other": names.name(code, _other(ui)),
        "rows": rows,
        "n_computed": sum(1 for r in rows for p in r["periods"] if p["computed"]),
        "missing": missing,
        "switch": [
            {"code": c, "name": names.name(c), "href": urls_stats.region_page(c, as_of), "current": c == code}
            for c in sorted(with_data | {code} | set(standard_groups(session)[:3]), key=names.order)
            if c in names
        ],
        "downloads": [
            {"label": label, "href": urls_stats.download(f, region=code, as_of=as_of)}
            for f, label in (("csv", "CSV"), ("xlsx", "Excel"), ("sdmx-csv", "SDMX-CSV"))
        ],
        "as_of": _as_of_view(as_of, every, urls_stats.region_page(code)),
    }
    return _stats_render(
        request, "region_stats.html", context, urls_stats.api_observations(region=code, as_of=as_of), "region"
    )


@router.get("/statistics/coverage", response_class=HTMLResponse)
def coverage_page(request: Request, session: SessionDep) -> HTMLResponse:
    """Indicator × region × year: how many vintages there are and what is missing; target indicators
    marked, so every target's indicator can be seen to have data or not."""
    ui = ui_lang(request)
    data = coverage(session)
    years = data["years"]
    by_id = {t["id"]: t for ts in targets_by_indicator(session).values() for t in ts}
    doc = plan_doc(session)
    regions = [
        {**r, "name": r["name_zh"] if ui == "zh" else r["name_en"], "href": urls_stats.region_page(r["code"])}
        for r in data["regions"]
    ]
    rows = []
    for ind in data["indicators"]:
        cells = []
        for r in regions:
            per = ind["cells"].get(r["code"], {})
            strip = [{"year": y, "n": per.get(str(y), 0)} for y in years]
            cells.append(
                {
                    "region": r,
                    "strip": strip,
                    "years": sum(1 for s in strip if s["n"]),
                    "vintages": sum(per.values()),
                    # one tooltip per cell, not per square, to keep the page light: "2018, 2020 ×2"
                    "label": ", ".join(
                        f"{s['year']}" + (f" ×{s['n']}" if s["n"] > 1 else "") for s in strip if s["n"]
                    ),
                }
            )
        rows.append(
            {
                **ind,
                "name": ind["name_zh"] if ui == "zh" else ind["name_en"],
                "href": urls_stats.indicator_page(ind["code"]),
                "target_views": [_target_view(by_id[t], doc, ui) for t in ind["targets"] if t in by_id],
                "cells": cells,
            }
        )
    served = [r for r in rows if r["targets"]]
    context = {
        "years": years,
        "regions": regions,
        "sections": [("targets", served), ("basics", [r for r in rows if not r["targets"]])],
        "summary": data["summary"],
        "no_data": [r for r in served if not r["vintages"]],
    }
    return _stats_render(request, "coverage.html", context, urls_stats.api_coverage(), "coverage")
