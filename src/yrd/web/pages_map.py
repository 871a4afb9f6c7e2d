"""The map view: a choropleth of any indicator with figures, or of the progress score of any target,
by province or by city, with a year slider.

The page gives the choices and a table of the chosen year's values (so it says something without
script); ``static/evaluate_map.js`` draws the shipped boundaries (``/api/regions.geojson``, the same
equirectangular projection as ``static/map.js``) and colours them from ``/map/data``, which returns
every year at once with fixed classes, so the slider compares years on one scale and needs no
request. A target's score per year is the SDSN progress score of that year's figure between the
target and the worst bound of `yrd.evaluate.targets` (the worst first value of the regions); the
score of the assessment's year is the dashboard's. Its router is included by `pages_evaluate`.
"""

from __future__ import annotations

import math
import re
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy.orm import Session

from yrd.errors import NotFoundError
from yrd.evaluate.targets import TargetResult
from yrd.regions import store as regions_store
from yrd.stats import store
from yrd.web import urls_evaluate, urls_regions
from yrd.web.charts import fmt_value, nice_ticks
from yrd.web.deps import SessionDep
from yrd.web.pages import ui_lang

router = APIRouter(include_in_schema=False)

LEVEL_OF: dict[str, str] = {"province": "province", "city": "prefecture"}
SHOW_PATTERN = r"^(indicator|target):[\w:.\-]{1,200}$"
LEVEL_PATTERN = "^(" + "|".join(urls_evaluate.LEVELS) + ")$"
# A sequential ramp from light to dark (ColorBrewer "Blues", 7 classes); fewer classes take a spread.
RAMP: tuple[str, ...] = ("#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594")
SCORE_BREAKS: tuple[float, ...] = (0, 20, 40, 60, 80, 100)
_YEAR = re.compile(r"^\d{4}$")


def _ramp(n: int) -> list[str]:
    if n <= 0:
        return []
    if n == 1:
        return [RAMP[3]]
    return [RAMP[round(i * (len(RAMP) - 1) / (n - 1))] for i in range(n)]


def _names(session: Session, level: str, ui: str) -> dict[str, str]:
    return {r.code: (r.name_zh if ui == "zh" else r.name_en)
            for r in regions_store.list_regions(session, level=LEVEL_OF[level])}  # fmt: skip


def indicator_choices(session: Session, level: str, ui: str) -> list[dict[str, str]]:
    """Indicators with annual figures at this level, in the registry's order."""
    codes = set(_names(session, level, ui))
    found = {o.indicator for o in store.observations(session, region=sorted(codes)) if _YEAR.match(o.period)}
    return [
        {"value": f"indicator:{i.code}", "name": i.name_zh if ui == "zh" else i.name_en}
        for i in store.list_indicators(session)
        if i.code in found
    ]


def _indicator_values(session: Session, code: str, level: str, ui: str) -> dict[str, Any]:
    ind = next((i for i in store.list_indicators(session) if i.code == code), None)
    if ind is None:
        raise NotFoundError(f"no indicator {code!r}")
    names = _names(session, level, ui)
    values: dict[str, dict[str, float]] = {}
    for region, obs in store.series(session, code, sorted(names)).items():
        for o in obs:
            if _YEAR.match(o.period) and o.value is not None and math.isfinite(o.value):
                values.setdefault(o.period, {})[region] = o.value
    flat = [v for per in values.values() for v in per.values()]
    breaks = nice_ticks(min(flat), max(flat)) if flat else []
    return {
        "kind": "indicator",
        "code": code,
        "label": ind.name_zh if ui == "zh" else ind.name_en,
        "unit": ind.unit,
        "direction": ind.direction,
        "values": values,
        "breaks": breaks,
        "names": names,
    }


def target_scores(t: TargetResult) -> dict[str, dict[str, float]]:
    """A target's progress score per year and region (provinces and its group), as assessed."""
    out: dict[str, dict[str, float]] = {}
    for r in t.regions:
        for year, score in zip(r.years, r.scores, strict=False):
            if score is not None:
                out.setdefault(str(year), {})[r.region] = score
    return out


def _target_values(request: Request, session: Session, target_id: str, level: str, ui: str) -> dict[str, Any]:
    from yrd.web.pages_evaluate import assessment

    a = assessment(request, session)
    t = next((x for x in a.targets if x.id == target_id), None)
    if t is None:
        raise NotFoundError(f"no evaluated target {target_id!r}")
    names = _names(session, level, ui)
    values = {y: {r: v for r, v in per.items() if r in names} for y, per in target_scores(t).items()}
    return {
        "kind": "target",
        "code": t.id,
        "label": (t.name_zh if ui == "zh" else t.name_en) + " · " + t.value_text,
        "unit": "0–100",
        "direction": "higher",
        "values": {y: per for y, per in values.items() if per},
        "breaks": list(SCORE_BREAKS),
        "names": names,
        "href": urls_evaluate.target_page(t.id),
    }


def map_values(request: Request, session: Session, show: str, level: str) -> dict[str, Any]:
    """Every year's values of what is shown, with the classes and their colours."""
    ui = ui_lang(request)
    kind, _, code = show.partition(":")
    data = (
        _indicator_values(session, code, level, ui)
        if kind == "indicator"
        else _target_values(request, session, code, level, ui)
    )
    years = sorted(int(y) for y in data["values"])
    data.update(
        {
            "show": show,
            "level": level,
            "years": years,
            "colours": _ramp(len(data["breaks"]) - 1),
            "break_labels": [fmt_value(b) for b in data["breaks"]],
        }
    )
    return data


def _year_rows(data: dict[str, Any], year: int | None) -> list[dict[str, Any]]:
    per = data["values"].get(str(year), {}) if year else {}
    return [
        {"code": c, "name": n, "value": fmt_value(per[c]) if c in per else None}
        for c, n in sorted(data["names"].items(), key=lambda kv: kv[0])
    ]


@router.get("/map/data")
def map_data(
    request: Request,
    session: SessionDep,
    show: str = Query(..., pattern=SHOW_PATTERN),
    level: str = Query("province", pattern=LEVEL_PATTERN),
) -> JSONResponse:
    """The map's values: ``{label, unit, years, values: {year: {region: value}}, breaks, colours, names}``."""
    return JSONResponse(map_values(request, session, show, level))


@router.get("/map", response_class=HTMLResponse)
def map_page(
    request: Request,
    session: SessionDep,
    show: str | None = Query(None, pattern=SHOW_PATTERN),
    level: str = Query("province", pattern=LEVEL_PATTERN),
    year: int | None = Query(None, ge=1900, le=2100),
) -> HTMLResponse:
    """A choropleth of an indicator or a target's progress score, by province or city, by year."""
    from yrd.web.pages_evaluate import assessment, ev_render

    ui = ui_lang(request)
    indicators = indicator_choices(session, level, ui)
    a = assessment(request, session)
    targets = [
        {"value": f"target:{t.id}", "name": (t.name_zh if ui == "zh" else t.name_en) + " · " + t.value_text}
        for t in a.targets
    ]
    if show is None:
        show = indicators[0]["value"] if indicators else (targets[0]["value"] if targets else "")
    data = map_values(request, session, show, level) if show else None
    years = data["years"] if data else []
    if year not in years:
        year = years[-1] if years else None
    context = {
        "show": show,
        "level": level,
        "year": year,
        "indicators": indicators,
        "targets": targets,
        "data": data,
        "rows": _year_rows(data, year) if data else [],
        "data_href": urls_evaluate.map_data(show, level) if show else "",
        "geojson": {
            "province": urls_regions.api_geojson("province"),
            "city": urls_regions.api_geojson("prefecture"),
        },
    }
    return ev_render(request, "map_view.html", context, urls_evaluate.map_data(show, level) if show else None)
