"""Stored statistics as the panels the evaluation methods take, and the reports built on them.

The methods of this package are pure (numpy in, dataclasses out); this module is the glue that
reads the database once per indicator and hands them whole panels:

- `indicator_panel`   one indicator's annual values, regions × years, NaN where missing; a group's
                      reported figure, else its value computed from its members (`group_value`);
- `disparity_report`  CV, weighted CV, Theil T (between/within provinces), Gini, max/min per year,
                      σ- and β-convergence — every figure with the regions it used;
- `integration_index` the composite index over the Outline's goal areas (data/index_dimensions.json),
                      with its sensitivity to the construction choices;
- `performance`       the per-province performance table from `assess()`.

Every report has ``to_dict()``: JSON-ready, NaN as None.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

import numpy as np
from sqlalchemy.orm import Session

from yrd.errors import InputError
from yrd.evaluate.assessment import performance_table
from yrd.evaluate.composite import AGGREGATIONS, NORMALISATIONS, WEIGHTINGS, composite_index
from yrd.evaluate.convergence import beta_convergence, sigma_convergence
from yrd.evaluate.disparity import cv, gini, max_min_ratio, theil_t
from yrd.evaluate.sensitivity import ranks_of, sensitivity
from yrd.regions.store import get_group, list_regions
from yrd.stats import store
from yrd.stats.aggregate import dependencies, group_value, municipal_cities
from yrd.stats.registry import Registry, load_registry

PROVINCES: tuple[str, ...] = ("310000", "320000", "330000", "340000")
POPULATION = "resident_population"
LEVELS = ("province", "city")
_YEAR = re.compile(r"^\d{4}$")


def _clean(x: Any) -> Any:
    """JSON-ready: NaN/inf → None, numpy scalars and arrays → Python."""
    if isinstance(x, dict):
        return {str(k): _clean(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_clean(v) for v in x]
    if isinstance(x, np.ndarray):
        return _clean(x.tolist())
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, float | np.floating):
        return float(x) if math.isfinite(x) else None
    return x


# ------------------------------------------------------------------------------------------ panels


@dataclass
class Panel:
    """One indicator's annual values: ``values[i, j]`` = region ``regions[i]`` in ``years[j]``."""

    indicator: str
    regions: list[str]
    years: list[int]
    values: np.ndarray
    computed: np.ndarray | None = None  # True where a group's value was computed from its members

    def row(self, region: str) -> np.ndarray:
        return self.values[self.regions.index(region)]

    def to_dict(self) -> dict[str, Any]:
        computed = self.computed if self.computed is not None else np.zeros(self.values.shape, bool)
        return _clean({"indicator": self.indicator, "regions": self.regions, "years": self.years,
                       "values": self.values, "computed": computed})  # fmt: skip


def _annual(rows: Sequence[Any]) -> dict[str, dict[int, float]]:
    out: dict[str, dict[int, float]] = {}
    for o in rows:
        if _YEAR.match(o.period) and o.value is not None and math.isfinite(o.value):
            out.setdefault(o.region, {})[int(o.period)] = float(o.value)
    return out


def indicator_panel(
    session: Session,
    code: str,
    regions: Sequence[str],
    as_of: str | None = None,
    years: Sequence[int] | None = None,
    *,
    registry: Registry | None = None,
) -> Panel:
    """Annual values (periods "YYYY") of one indicator, regions × years, NaN where missing.

    A region reports its own figures; a prefecture that is its province's only one (上海 310100)
    takes the municipality's when it has none. A group takes its reported figure, else the value
    computed from its members by the indicator's rule. Years: ``years``, else every year with data.

    Raises:
        NotFoundError: an unknown indicator, region or group.
    """
    registry = registry or load_registry()
    registry.require(code)
    regions = list(regions)
    known = {r.code for r in list_regions(session)}
    groups = [r for r in dict.fromkeys(regions) if r not in known]
    for g in groups:
        get_group(session, g)  # NotFoundError for a code that is neither region nor group
    municipal = {c: p for c, p in municipal_cities(session).items() if c in regions}
    read = sorted(set(regions) | set(municipal.values()))
    data = _annual(store.observations(session, indicator=code, region=read, as_of=as_of))
    for city, province in municipal.items():
        data[city] = {**data.get(province, {}), **data.get(city, {})}
    computed: set[tuple[str, int]] = set()
    if groups:
        wanted = set(years) if years else _data_years(session, registry, code, as_of)
        for g in groups:
            have = data.setdefault(g, {})
            for year in sorted(wanted - set(have)):
                gv = group_value(session, code, g, str(year), as_of=as_of, registry=registry)
                if gv.value is not None and math.isfinite(gv.value):
                    have[year] = float(gv.value)
                    computed.add((g, year))
    cols = sorted(set(years)) if years else sorted({y for r in regions for y in data.get(r, {})})
    values = np.full((len(regions), len(cols)), np.nan)
    mask = np.zeros(values.shape, bool)
    for i, r in enumerate(regions):
        for j, y in enumerate(cols):
            v = data.get(r, {}).get(y)
            if v is not None:
                values[i, j] = v
                mask[i, j] = (r, y) in computed
    return Panel(code, regions, cols, values, mask)


def _data_years(session: Session, registry: Registry, code: str, as_of: str | None) -> set[int]:
    """Years in which the indicator or anything its group rule needs has a figure anywhere."""
    codes, _ = dependencies(registry, code)
    rows = store.observations(session, indicator=sorted(codes), as_of=as_of)
    return {int(o.period) for o in rows if _YEAR.match(o.period)}


def cities(session: Session) -> list[str]:
    """The 41 prefecture-level cities of the four provinces, in code order."""
    return [r.code for r in list_regions(session, level="prefecture") if r.province_code in PROVINCES]


def level_regions(session: Session, level: str) -> tuple[list[str], list[str]]:
    """(region codes, the province of each) of one level."""
    if level == "province":
        return list(PROVINCES), list(PROVINCES)
    if level == "city":
        rows = [r for r in list_regions(session, level="prefecture") if r.province_code in PROVINCES]
        return [r.code for r in rows], [r.province_code for r in rows]
    raise InputError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")


# --------------------------------------------------------------------------------------- disparity


@dataclass
class YearDisparity:
    """Every disparity measure of one year, with the regions it used."""

    year: int
    n_regions: int
    regions: list[str]
    cv: float
    cv_weighted: float | None
    weighted_regions: list[str]  # regions with both a value and a population
    theil: float | None
    theil_between: float | None
    theil_within: float | None
    gini: float | None
    max_min_ratio: float | None
    notes: list[str] = field(default_factory=list)


@dataclass
class DisparityReport:
    indicator: str
    level: str
    as_of: str | None
    regions: list[str]
    years: list[YearDisparity]
    sigma: dict[str, Any] | None
    beta: dict[str, Any] | None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return _clean({
            "indicator": self.indicator, "level": self.level, "as_of": self.as_of, "regions": self.regions,
            "years": [vars(y) for y in self.years], "sigma": self.sigma, "beta": self.beta,
            "notes": self.notes,
        })  # fmt: skip


def _year_disparity(
    year: int, codes: list[str], y: np.ndarray, pop: np.ndarray, groups: list[str] | None
) -> YearDisparity:
    ok = np.isfinite(y)
    used = [c for c, k in zip(codes, ok, strict=True) if k]
    wok = ok & np.isfinite(pop) & (pop > 0)
    weighted = [c for c, k in zip(codes, wok, strict=True) if k]
    # weights only when every reporting region has a population (else the measures mix bases)
    w = pop if weighted == used else None
    notes: list[str] = []
    if w is None:
        notes.append(
            f"population of {len(used) - len(weighted)} region(s) missing: unweighted Theil and Gini"
        )
    cv_w = cv(y, pop) if weighted == used else None
    t_total = t_between = t_within = g = None
    if np.any(y[ok] < 0):
        notes.append("negative values: no Theil or Gini")
    else:
        th = theil_t(
            y[ok], None if w is None else w[ok], None if groups is None else list(np.array(groups)[ok])
        )
        t_total = th.total
        if groups is not None:
            t_between, t_within = th.between, th.within
        g = gini(y[ok], None if w is None else w[ok])
    return YearDisparity(year, int(ok.sum()), used, cv(y), cv_w, weighted, t_total, t_between, t_within, g,
                         max_min_ratio(y), notes)  # fmt: skip


def disparity_report(
    session: Session,
    code: str,
    level: Literal["province", "city"] = "city",
    as_of: str | None = None,
) -> DisparityReport:
    """Regional disparity of one indicator per year (years with at least two regions reporting),
    with σ-convergence over those years and β-convergence from the first to the last of them.

    Cities are decomposed by province (Theil between/within); provinces are not decomposed. Weights
    are the resident population of the same region and year, when every reporting region has one.

    Raises:
        NotFoundError: an unknown indicator. InputError: an unknown level.
    """
    codes, provinces = level_regions(session, level)
    panel = indicator_panel(session, code, codes, as_of=as_of)
    keep = [j for j in range(len(panel.years)) if np.isfinite(panel.values[:, j]).sum() >= 2]
    years = [panel.years[j] for j in keep]
    values = panel.values[:, keep]
    pop = indicator_panel(session, POPULATION, codes, as_of=as_of, years=years).values if years else values
    groups = provinces if level == "city" else None
    rows = [_year_disparity(yr, codes, values[:, j], pop[:, j], groups) for j, yr in enumerate(years)]
    notes = [] if years else ["no year with at least two regions reporting"]
    return DisparityReport(code, level, as_of, codes, rows, _sigma(codes, values, years, pop),
                           _beta(codes, values, years), notes)  # fmt: skip


def _sigma(codes: list[str], values: np.ndarray, years: list[int], pop: np.ndarray) -> dict[str, Any] | None:
    if len(years) < 2:
        return None
    has_pop = bool(np.all(np.isfinite(pop) | ~np.isfinite(values)))
    positive = bool(np.all(values[np.isfinite(values)] > 0))
    s = sigma_convergence(values, years, pop if has_pop else None, measure="sd_log" if positive else "cv")
    t = s.trend
    return {
        "measure": s.measure, "years": years, "cv": s.cv, "cv_weighted": s.cv_weighted if has_pop else None,
        "sd_log": s.sd_log if positive else None, "slope": t.slope, "se": t.se, "t": t.t,
        "direction": t.direction, "converging": s.converging, "n_years": t.n, "t_clear": s.params["t_clear"],
        "regions": {str(y): [c for c, v in zip(codes, values[:, j], strict=True) if np.isfinite(v)]
                    for j, y in enumerate(years)},
    }  # fmt: skip


def _beta(codes: list[str], values: np.ndarray, years: list[int]) -> dict[str, Any] | None:
    if len(years) < 2:
        return None
    b = beta_convergence(values, years)
    y0, y1 = values[:, 0], values[:, -1]
    used = [c for c, a, z in zip(codes, y0, y1, strict=True) if a > 0 and z > 0]
    return {"start": years[0], "end": years[-1], "alpha": b.alpha, "beta": b.beta, "se": b.se_beta,
            "t": b.t_beta, "r2": b.r2, "n": b.n, "speed": b.speed, "half_life": b.half_life,
            "converging": b.converging, "reason": b.reason, "regions": used}  # fmt: skip


# ----------------------------------------------------------------------------------- composite index


@cache
def index_dimensions() -> dict[str, Any]:
    """The reviewed dimensions of the integration index (src/yrd/data/index_dimensions.json)."""
    text = resources.files("yrd.data").joinpath("index_dimensions.json").read_text(encoding="utf-8")
    return json.loads(text)


@dataclass
class IndexReport:
    period: int | None
    level: str
    normalisation: str
    weighting: str
    aggregation: str
    regions: list[str]
    years: list[int]
    index: dict[str, list[float | None]]  # region → value per year
    dimensions: dict[str, dict[str, list[float | None]]]  # dimension → region → value per year
    ranks: dict[str, int | None]  # in ``period``; None without an index value
    used: list[dict[str, Any]]
    left_out: list[dict[str, Any]]
    dimensions_left_out: list[dict[str, Any]]
    weights: dict[str, float]
    sensitivity: dict[str, Any] | None
    about: str
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return _clean(vars(self).copy())


def _check_choice(name: str, value: str, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise InputError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")


def integration_index(
    session: Session,
    period: int | None = None,
    *,
    normalisation: str = "minmax",
    weighting: str = "equal",
    aggregation: str = "arithmetic",
    level: str = "province",
    as_of: str | None = None,
) -> IndexReport:
    """The composite integration index of the regions of ``level`` over the Outline's goal areas.

    An indicator is used when at least two regions have a value in ``period``; the default period
    is the year in which the most indicators are usable (the latest of equals) — with sparse data
    the latest year alone would often leave nearly everything out. Every indicator left out is
    listed with the reason; a dimension without a usable indicator is left out of the index.

    Raises:
        InputError: an unknown normalisation, weighting, aggregation or level.
    """
    _check_choice("normalisation", normalisation, NORMALISATIONS)
    _check_choice("weighting", weighting, WEIGHTINGS)
    _check_choice("aggregation", aggregation, AGGREGATIONS)
    codes, _ = level_regions(session, level)
    registry = load_registry()
    spec = index_dimensions()
    candidates: list[tuple[dict[str, Any], dict[str, Any], Panel]] = []
    left_out: list[dict[str, Any]] = []
    for dim in spec["dimensions"]:
        for item in dim["indicators"]:
            if registry.get(item["code"]) is None:
                left_out.append(_entry(dim, item, "not in the indicator registry"))
                continue
            candidates.append(
                (dim, item, indicator_panel(session, item["code"], codes, as_of, registry=registry))
            )
    usable = {
        y: sum(1 for *_, p in candidates if _reporting(p, y) >= 2) for *_, p in candidates for y in p.years
    }
    if period is None and usable:
        period = max(usable, key=lambda y: (usable[y], y))
    used_items: list[tuple[dict[str, Any], dict[str, Any], Panel]] = []
    for dim, item, p in candidates:
        n = _reporting(p, period) if period is not None else 0
        if n >= 2:
            used_items.append((dim, item, p))
        else:
            why = "no data" if not p.years else f"{n} region(s) with a value in {period} (needs 2)"
            left_out.append(_entry(dim, item, why))
    dims_used = list(dict.fromkeys(d["code"] for d, _, _ in used_items))
    dims_out = [{"code": d["code"], "name_zh": d["name_zh"], "name_en": d["name_en"], "eid": d["eid"],
                 "reason": "no indicator in the Outline or the registry" if not d["indicators"]
                 else "no indicator with data for two regions"}
                for d in spec["dimensions"] if d["code"] not in dims_used]  # fmt: skip
    notes = [f"{len(dims_used)} of {len(spec['dimensions'])} dimensions have data; the index is the "
             "equally weighted mean of those only"]  # fmt: skip
    report = IndexReport(period, level, normalisation, weighting, aggregation, codes, [], {}, {},
                         {c: None for c in codes}, [], left_out, dims_out, {}, None, spec["about"],
                         notes)  # fmt: skip
    if not used_items or period is None:
        report.notes.append("no indicator has data for two regions: no index")
        return report
    return _build(report, used_items, registry)


def _reporting(p: Panel, year: int | None) -> int:
    if year is None or year not in p.years:
        return 0
    return int(np.isfinite(p.values[:, p.years.index(year)]).sum())


def _entry(dim: dict[str, Any], item: dict[str, Any], reason: str) -> dict[str, Any]:
    return {"indicator": item["code"], "dimension": dim["code"], "eid": dim["eid"], "reason": reason}


def _build(report: IndexReport, items: list[tuple[dict[str, Any], dict[str, Any], Panel]],
           registry: Registry) -> IndexReport:  # fmt: skip
    """Stack the used panels (years ≤ period), build the index, its ranks and its sensitivity."""
    period = report.period
    assert period is not None
    years = sorted({y for *_, p in items for y in p.years if y <= period})
    data = np.full((len(report.regions), len(years), len(items)), np.nan)
    for k, (_, _, p) in enumerate(items):
        for j, y in enumerate(p.years):
            if y <= period:
                data[:, years.index(y), k] = p.values[:, j]
    groups = [d["code"] for d, _, _ in items]
    directions = [-1 if registry.require(i["code"]).direction == "lower" else 1 for _, i, _ in items]
    targets = [_target(i, data[:, :, k], directions[k]) for k, (_, i, _) in enumerate(items)]
    opts = {"directions": directions, "targets": targets}
    ci = composite_index(data, groups, normalisation=report.normalisation, weighting=report.weighting,
                         aggregation=report.aggregation, **opts)  # fmt: skip
    col = years.index(period)
    ranks = ranks_of(ci.index[:, col])
    report.years = years
    report.index = {r: list(ci.index[i]) for i, r in enumerate(report.regions)}
    report.dimensions = {
        d: {r: list(v[i]) for i, r in enumerate(report.regions)} for d, v in ci.dimensions.items()
    }
    report.ranks = {r: int(ranks[i]) if np.isfinite(ci.index[i, col]) else None
                    for i, r in enumerate(report.regions)}  # fmt: skip
    report.weights = {i["code"]: float(w) for (_, i, _), w in zip(items, ci.weights, strict=True)}
    report.used = [{"indicator": i["code"], "dimension": d["code"], "eid": d["eid"],
                    "direction": "lower" if directions[k] < 0 else "higher", "target": i.get("target"),
                    "supplementary": bool(i.get("supplementary")),
                    "regions": [r for r, v in zip(report.regions, data[:, col, k], strict=True)
                                if np.isfinite(v)]}
                   for k, (d, i, _) in enumerate(items)]  # fmt: skip
    s = sensitivity(data, groups, year_index=col, aggregations=AGGREGATIONS, **opts)
    report.sensitivity = {
        "year": period, "variants": [list(v) for v in s.variants],
        "regions": {r: {"min_rank": int(s.min_rank[i]), "median_rank": float(s.median_rank[i]),
                        "max_rank": int(s.max_rank[i]), "ranks": s.ranks[i].tolist()}
                    for i, r in enumerate(report.regions)},
        "note": "regions without an index value in a variant rank last in it",
    }  # fmt: skip
    return report


def _target(item: dict[str, Any], values: np.ndarray, direction: int) -> float:
    """The Outline's target, else the best observed value (distance-to-target needs one per column)."""
    if item.get("target") is not None:
        return float(item["target"])
    return float(np.nanmax(values) if direction > 0 else np.nanmin(values))


# ------------------------------------------------------------------------------------- performance


def _records(assessment: Any) -> list[tuple[str, str, str, float | None]]:
    return [(r.region, t.id, r.status, r.score) for t in assessment.targets for r in t.regions
            if r.region in PROVINCES]  # fmt: skip


def performance(
    session: Session, period: int | None = None, previous: int | None = None
) -> list[dict[str, Any]]:
    """Per province: targets, assessed, share on track (of those assessed), mean progress score, and
    their change since ``previous`` (rounded by GB/T 8170; the unrounded figures under ``raw``)."""
    from yrd.evaluate.targets import assess  # targets imports this module's neighbours; keep it lazy

    now = assess(session, period=period)
    before = assess(session, period=previous) if previous is not None else None
    table = performance_table(_records(now), _records(before) if before else None)
    names = {r.code: (r.name_zh, r.name_en) for r in list_regions(session, level="province")}
    raw = {row["province"]: row for row in table.raw.to_dict("records")}
    rows = []
    for row in table.table.to_dict("records"):
        zh, en = names.get(row["province"], ("", ""))
        rows.append({**row, "name_zh": zh, "name_en": en, "period": now.period, "previous": previous,
                     "raw": raw[row["province"]], "rounding": table.rounding})  # fmt: skip
    return _clean(rows)
