"""The pages of the Statistics capability: the indicators, one indicator with its chart, a region's
figures, and the data coverage.

Each route reads through the library (`yrd.stats.store`, `yrd.regions.store`) and the statistics API's
helpers (`api_stats.targets_by_indicator`, `api_stats.coverage`, so a page and its JSON twin cannot
disagree), turns the result into plain values and renders a template with `yrd.web.pages.render`.
Every link comes from `yrd.web.urls_stats` (or `urls`, `urls_extract`). The indicator chart is SVG
drawn here on the server — no script, no chart library — from the same series as the twin.
Labels people read (statuses, directions, rules) are gettext messages in ``templates/_stats.html``.

The router must be included before `pages.router`.
"""

from __future__ import annotations

import math
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
from yrd.stats.model import Indicator, Observation
from yrd.web import urls, urls_extract, urls_stats
from yrd.web.api_stats import coverage, indicator_counts, targets_by_indicator
from yrd.web.deps import SessionDep
from yrd.web.pages import Doc, render, ui_lang

router = APIRouter(include_in_schema=False)

# A colour per region that keeps its meaning from chart to chart (the Delta itself in ink, thicker).
COLOURS: dict[str, str] = {
    "310000": "#0b5f8f",
    "320000": "#c2410c",
    "330000": "#15803d",
    "340000": "#7c3aed",
    "yrd": "#1b2733",
    "central-area": "#b45309",
    "demo-zone": "#be185d",
}
SPARE_COLOURS = ("#0e7490", "#4d7c0f", "#9f1239", "#475569")
_URL = re.compile(r"https?://[^\s)（）]+")


# ---------------------------------------------------------------------------------------------- shared


def fmt_value(value: float | None) -> str:
    """A value for reading: thousands separated, no float noise (128,222 · 2.93 · 0.054)."""
    if value is None or not math.isfinite(value):
        return "—"
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    digits = 2 if abs(value) >= 100 else 4
    return f"{value:,.{digits}f}".rstrip("0").rstrip(".")


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


def _doc(session: Session) -> Doc | None:
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


@dataclass
class Chart:
    """An SVG line chart's geometry, in the units of its viewBox; the template draws it."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    series: list[dict[str, Any]]
    targets: list[dict[str, Any]]
    x_ticks: list[dict[str, Any]]
    y_ticks: list[dict[str, Any]]
    unit: str


def _x(period: str) -> float:
    """A period as a point on the time axis: 2023 → 2023.0, 2023-07 → 2023.5, 2023-Q3 → 2023.5."""
    year, _, part = period.partition("-")
    if part.startswith("Q"):
        return int(year) + (int(part[1:]) - 1) / 4
    if part:
        return int(year) + (int(part) - 1) / 12
    return float(year)


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering lo..hi, about ``count`` of them (steps of 1, 2, 2.5 or 5 × 10ⁿ)."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(lo / step) * step
    ticks = []
    value = first
    while value <= hi + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < hi:
        ticks.append(round(value, 10))
    return ticks


def build_chart(
    unit: str, series: dict[str, list[Observation]], targets: list[dict[str, Any]], names: _Names
) -> Chart | None:
    """Every region's series against the targets' lines; None when there is nothing to draw."""
    points = [(r, o) for r, obs in series.items() for o in obs]
    drawn_targets = [t for t in targets if t["value"] is not None]
    if not points and not drawn_targets:
        return None
    xs = [_x(o.period) for _r, o in points] + [
        float(t["target_year"]) for t in drawn_targets if t["target_year"]
    ]
    ys = [o.value for _r, o in points] + [t["value"] for t in drawn_targets]
    x_lo, x_hi = (min(xs), max(xs)) if xs else (2018.0, 2025.0)
    if x_hi - x_lo < 2:
        x_lo, x_hi = x_lo - 1, x_hi + 1
    y_ticks = nice_ticks(min(ys), max(ys))
    y_lo, y_hi = y_ticks[0], y_ticks[-1]
    if y_hi == y_lo:
        y_hi = y_lo + 1
    c = Chart(720, 360, 70, 24, 30, 40, [], [], [], [], unit)
    plot_w, plot_h = c.width - c.left - c.right, c.height - c.top - c.bottom

    def px(x: float) -> float:
        return round(c.left + (x - x_lo) / (x_hi - x_lo) * plot_w, 1)

    def py(y: float) -> float:
        return round(c.top + (y_hi - y) / (y_hi - y_lo) * plot_h, 1)

    c.y_ticks = [{"y": py(v), "label": fmt_value(v)} for v in y_ticks]
    step = 1 if x_hi - x_lo <= 12 else 2
    c.x_ticks = [{"x": px(y), "label": str(y)} for y in range(math.ceil(x_lo), math.floor(x_hi) + 1, step)]
    spare = iter(SPARE_COLOURS * 10)
    for region in sorted(series, key=names.order):
        obs = sorted(series[region], key=lambda o: _x(o.period))
        dots = [
            {"x": px(_x(o.period)), "y": py(o.value), "period": o.period, "value": fmt_value(o.value),
             "status": o.status, "secondary": o.status == "secondary",
             "anchor": urls_stats.value_anchor(region, o.period)}
            for o in obs
        ]  # fmt: skip
        c.series.append(
            {
                "region": region,
                "name": names.name(region),
                "colour": COLOURS.get(region) or next(spare),
                "group": region in COLOURS and not region.isdigit(),
                "path": " ".join(f"{d['x']},{d['y']}" for d in dots),
                "dots": dots,
            }
        )
    for t in drawn_targets:
        c.targets.append(
            {
                **t,
                "y": py(t["value"]),
                "x1": c.left,
                "x2": c.left + plot_w,
                "mark_x": px(float(t["target_year"])) if t["target_year"] else None,
                "value_label": fmt_value(t["value"]),
            }
        )
    return c


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


@router.get("/indicators/{code}", response_class=HTMLResponse)
def indicator_page(request: Request, code: str, session: SessionDep) -> HTMLResponse:
    """One indicator: what it measures, the targets it serves, a chart of every region's series
    against the target line, the values with their status and earlier vintages, sources, downloads."""
    ui = ui_lang(request)
    ind = _get_indicator(session, code)
    names = _Names(session, ui)
    doc = _doc(session)
    targets = [_target_view(t, doc, ui) for t in targets_by_indicator(session).get(code, [])]
    current = store.series(session, code)
    every = store.observations(session, indicator=code, vintage="all")
    earlier: dict[tuple[str, str], list[Observation]] = {}
    for o in every:
        if not o.current:
            earlier.setdefault((o.region, o.period), []).append(o)
    regions = []
    for region in sorted(current, key=names.order):
        rows = []
        for o in current[region]:
            before = sorted(earlier.get((region, o.period), []), key=lambda v: -v.vintage)
            rows.append(
                {
                    "o": o,
                    "anchor": urls_stats.value_anchor(region, o.period),
                    "value": fmt_value(o.value),
                    "source": source_parts(o.source),
                    "earlier": [
                        {"o": v, "value": fmt_value(v.value), "source": source_parts(v.source)}
                        for v in before
                    ],
                    "tooltip": "; ".join(f"v{v.vintage}: {fmt_value(v.value)}" for v in before),
                }
            )
        regions.append(
            {
                "code": region,
                "name": names.name(region),
                "href": urls_stats.region_page(region) if region in names else None,
                "colour": COLOURS.get(region, ""),
                "rows": rows,
            }
        )
    sources: dict[str, dict[str, Any]] = {}
    for o in every:
        s = sources.setdefault(o.source, {"source": source_parts(o.source), "count": 0, "statuses": set()})
        s["count"] += 1
        s["statuses"].add(o.status)
    formats = [
        {
            "fmt": f,
            "label": label,
            "href": urls_stats.indicator_download(f, code),
            "all": urls_stats.indicator_download(f, code, vintage="all"),
        }
        for f, label in (("csv", "CSV"), ("xlsx", "Excel"), ("json", "JSON"), ("sdmx-csv", "SDMX-CSV"))
    ]
    context = {
        "ind": ind,
        "name": _indicator_name(ind, ui),
        "other": _indicator_name(ind, _other(ui)),
        "definition": (ind.definition_zh if ui == "zh" else ind.definition_en) or ind.definition_zh,
        "definition_lang": ui if (ind.definition_zh if ui == "zh" else ind.definition_en) else "zh",
        "targets": targets,
        "chart": build_chart(ind.unit, current, targets, names),
        "regions": regions,
        "n_values": sum(len(r["rows"]) for r in regions),
        "n_vintages": len(every),
        "n_secondary": sum(1 for o in every if o.status == "secondary"),
        "sources": sorted(sources.values(), key=lambda s: -s["count"]),
        "formats": formats,
        "series_href": urls_stats.api_series(code),
        "observations_href": urls_stats.api_observations(indicator=code, vintage="all"),
        "depends_on": [
            {"code": c, "href": urls_stats.indicator_page(c)}
            for c in (ind.weight, ind.numerator, ind.denominator)
            if c
        ],
    }
    return _stats_render(request, "indicator.html", context, urls_stats.api_indicator(code), "indicators")


@router.get("/regions/{code}/statistics", response_class=HTMLResponse)
def region_statistics_page(request: Request, code: str, session: SessionDep) -> HTMLResponse:
    """All indicators of one region or region group: the latest value of each, and what is missing."""
    ui = ui_lang(request)
    names = _Names(session, ui)
    if code not in names:
        raise NotFoundError(f"no region or region group {code!r}")
    latest: dict[str, Observation] = {}
    periods: dict[str, set[str]] = {}
    vintages: dict[str, int] = {}
    for o in store.observations(session, region=code, vintage="all"):
        vintages[o.indicator] = vintages.get(o.indicator, 0) + 1
        if o.current:
            periods.setdefault(o.indicator, set()).add(o.period)
            if o.indicator not in latest or o.period > latest[o.indicator].period:
                latest[o.indicator] = o
    targets = targets_by_indicator(session)
    rows, missing = [], []
    for ind in store.list_indicators(session):
        entry = {
            "ind": ind,
            "name": _indicator_name(ind, ui),
            "href": urls_stats.indicator_page(ind.code),
            "targets": len(targets.get(ind.code, [])),
        }
        o = latest.get(ind.code)
        if o is None:
            missing.append(entry)
            continue
        entry |= {
            "o": o,
            "value": fmt_value(o.value),
            "value_href": urls_stats.indicator_page(ind.code) + "#" + urls_stats.value_anchor(code, o.period),
            "periods": sorted(periods[ind.code]),
            "vintages": vintages[ind.code],
            "source": source_parts(o.source),
        }
        rows.append(entry)
    with_data = {o.region for o in store.observations(session)}
    context = {
        "code": code,
        "region_name": names.name(code),
        "region_other": names.name(code, _other(ui)),
        "rows": rows,
        "missing": missing,
        "switch": [
            {"code": c, "name": names.name(c), "href": urls_stats.region_page(c), "current": c == code}
            for c in sorted(with_data | {code}, key=names.order)
            if c in names
        ],
        "downloads": [
            {"label": label, "href": urls_stats.download(f, region=code)}
            for f, label in (("csv", "CSV"), ("xlsx", "Excel"), ("sdmx-csv", "SDMX-CSV"))
        ],
    }
    return _stats_render(
        request, "region_stats.html", context, urls_stats.api_observations(region=code), "region"
    )


@router.get("/statistics/coverage", response_class=HTMLResponse)
def coverage_page(request: Request, session: SessionDep) -> HTMLResponse:
    """Indicator × region × year: how many vintages there are and what is missing; target indicators
    marked, so every target's indicator can be seen to have data or not."""
    ui = ui_lang(request)
    data = coverage(session)
    years = data["years"]
    by_id = {t["id"]: t for ts in targets_by_indicator(session).values() for t in ts}
    doc = _doc(session)
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
