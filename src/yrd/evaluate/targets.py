"""The plan's targets evaluated on the stored statistics: the bridge from extraction and statistics
to the methods of this package.

For each extracted target linked to an indicator (`yrd.stats.registry.link_targets`), every
evaluated region's annual series is read (a group's reported figures, else its value computed
from its members by the indicator's rule, `yrd.stats.aggregate`), turned into a `TargetSpec` and
run through every trend rule, the progress score, the projection to 2025 and 2035, the year the
target would be reached, the planned straight path and the evidence grade.

Choices stated here because they are ours, not the methods' (docs/methods.md repeats them):

- **Regions.** The four provincial units (the responsible bodies, 第十二章第三节) and the group the
  target speaks of: the whole Delta (``yrd``) unless the text scopes it to the central area.
- **Target in the indicator's unit.** "5公里/百平方公里" becomes 500 公里/万平方公里 through the
  registry's conversions; "reduce by 10 % on 2017" becomes 90 % of each region's 2017 value.
- **Direction.** The registry's direction of the indicator; the comparator's (≥ → higher,
  ≤ → lower) when the registry says none.
- **Worst bound of the progress score.** SDSN takes the 2.5th percentile of all countries; with a
  handful of regions we take the worst first value of any evaluated region (at least three must
  have data); otherwise, or when even that meets the target, zero (twice the target when lower is
  better), the natural worst of these indicators.
- **Planned path.** A straight line from the region's value in the base year (the target's, else
  the last year with data up to the Outline's 2018, else the first year with data) to the target;
  none for a region that already met the target in its base year.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from yrd.db.models import PlanRow
from yrd.documents.citation import cite, short_title
from yrd.documents.load import DEFAULT_PLAN
from yrd.errors import InputError, NotFoundError
from yrd.evaluate.compare import compare, evaluate
from yrd.evaluate.evidence import evidence
from yrd.evaluate.progress import scores
from yrd.evaluate.projection import OUTCOMES, project, year_reached
from yrd.evaluate.rules import DEFAULT_HEADLINE, RULES
from yrd.evaluate.status import GOOD, Direction, Status, TargetSpec
from yrd.evaluate.trajectory import planned_path
from yrd.extract.model import Target
from yrd.extract.pipeline import list_records, record_id
from yrd.regions.store import get_group, get_region
from yrd.stats import store
from yrd.stats.aggregate import group_rows
from yrd.stats.model import Indicator
from yrd.stats.registry import Registry, link_targets, load_registry

PROVINCES: tuple[str, ...] = ("310000", "320000", "330000", "340000")
MILESTONES: tuple[int, ...] = (2025, 2035)
OUTLINE_BASE_YEAR = 2018  # the Outline (2019) describes the Delta as of 2018
MIN_BOUND_REGIONS = 3  # fewer regions with data give no empirical worst bound
_YEAR = re.compile(r"^\d{4}$")
_HIGHER = {"ge", "gt", "reach", "increase_by"}
_LOWER = {"le", "lt", "reduce_by"}


@dataclass
class RegionResult:
    """One target in one region: the series it was judged on and every verdict on it."""

    region: str
    name_zh: str
    name_en: str
    computed: bool  # a group value computed from members (not reported)
    years: list[int]
    values: list[float]
    target: float | None
    latest_year: int | None
    latest_value: float | None
    score: float | None
    score_note: str
    status: str  # the headline rule's status
    headline_method: str
    agreement: str
    verdicts: list[dict[str, Any]]
    evidence: str
    evidence_reasons: list[str]
    projection: dict[int, float | None]
    projection_model: str
    reach_outcome: str
    reach_year: int | None
    planned: list[tuple[int, float]]
    missing_members: list[str] = field(default_factory=list)
    scores: list[float | None] = field(default_factory=list)  # the progress score of each of ``years``


@dataclass
class TargetResult:
    """One target of the plan with its results per region."""

    id: str
    eid: str
    citation_zh: str
    citation_en: str
    text: str
    indicator: str
    name_zh: str
    name_en: str
    unit: str
    direction: str
    comparator: str
    value_text: str
    target_value: float | None
    target_year: int | None
    scope: str
    regions: list[RegionResult]

    def headline(self) -> RegionResult | None:
        """The result for the group the target speaks of (the first region evaluated)."""
        return self.regions[0] if self.regions else None


@dataclass
class Assessment:
    plan: str
    period: int
    methods: list[str]
    headline_method: str
    targets: list[TargetResult]
    unlinked: list[str]  # ids of targets whose wording names no indicator

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _direction(ind: Indicator, target: Target) -> Direction:
    if ind.direction in ("higher", "lower", "band"):
        return Direction(ind.direction)
    if target.comparator in _LOWER:
        return Direction.LOWER
    return Direction.HIGHER


def _target_value(target: Target, ind: Indicator, registry: Registry) -> float | None:
    """The target in the indicator's unit (None for a relative target or a missing number)."""
    if target.value is None or target.comparator in ("reduce_by", "increase_by"):
        return None
    if target.unit in ("", "ratio") or target.unit == ind.unit:
        return float(target.value)
    try:
        return float(registry.convert(target.value, target.unit, ind.unit))
    except InputError:
        return float(target.value)


def _annual(
    session: Session, code: str, region: str, as_of: str | None
) -> tuple[dict[int, float], bool, list[str]]:
    """A region's annual values: reported ones, or for a group computed from its members."""
    series = store.series(session, code, [region], as_of=as_of).get(region, [])
    reported = {int(o.period): o.value for o in series if _YEAR.match(o.period)}
    if region in PROVINCES or _is_region(session, region):
        return reported, False, []  # a region reports its own figures; only groups are computed
    missing: list[str] = []
    computed: dict[int, float] = {}
    rows = [g for g in group_rows(session, code, [region], as_of=as_of) if _YEAR.match(g.period)]
    for gv in rows:
        if gv.kind == "computed" and gv.value is not None and math.isfinite(gv.value):
            computed[int(gv.period)] = gv.value
    if rows and rows[-1].value is None:
        missing = rows[-1].members_missing  # what keeps the latest period from having a value
    return {**computed, **reported}, bool(computed), missing


def _is_region(session: Session, code: str) -> bool:
    try:
        get_region(session, code)
    except NotFoundError:
        return False
    return True


def _names(session: Session, code: str) -> tuple[str, str]:
    """A region's or group's names (NotFoundError when it is neither)."""
    try:
        r = get_region(session, code)
    except NotFoundError:
        try:
            g = get_group(session, code)
        except NotFoundError:
            raise NotFoundError(
                f"no region or region group {code!r} (see `yrd regions`, `yrd groups`)"
            ) from None
        return g.name_zh, g.name_en
    return r.name_zh, r.name_en


def _meets(x: float, target: float, direction: Direction) -> bool:
    """Whether a value already meets a (non-band) target: no path is planned from there."""
    return x <= target if direction is Direction.LOWER else x >= target


def _base(years: list[int], values: list[float], stated: int | None) -> tuple[int, float] | None:
    if not years:
        return None
    pairs = dict(zip(years, values, strict=True))
    if stated is not None and stated in pairs:
        return stated, pairs[stated]
    before = [y for y in years if y <= OUTLINE_BASE_YEAR]
    year = max(before) if before else years[0]
    return year, pairs[year]


def _finite(x: Any) -> float | None:
    v = float(x)
    return v if math.isfinite(v) else None


def _evaluate_region(
    session: Session,
    target: Target,
    ind: Indicator,
    region: str,
    series: tuple[dict[int, float], bool, list[str]],
    spec_value: float | None,
    bound: float | None,
    period: int,
    methods: list[str],
    headline: str,
) -> RegionResult:
    data, computed, missing = series
    years = sorted(y for y in data if y <= period)
    values = [data[y] for y in years]
    direction = _direction(ind, target)
    value = spec_value
    if target.comparator in ("reduce_by", "increase_by") and target.value is not None and target.base_year:
        base = data.get(target.base_year)
        if base is not None:
            sign = -1 if target.comparator == "reduce_by" else 1
            value = base * (1 + sign * target.value / 100)
    year = target.target_year or MILESTONES[0]
    spec = TargetSpec(direction, value, year, lower_bound=bound if value is not None else None)
    name_zh, name_en = _names(session, region)
    arr = np.array([values if values else [np.nan]], dtype=float)
    yrs = np.array(years if years else [period])
    results = evaluate(arr, yrs, spec, methods=methods, eval_year=period)
    verdicts = [r.verdict(0) for r in results.values()]
    comparison = compare(verdicts, headline)
    latest_year = years[-1] if years else None
    latest_value = values[-1] if values else None
    score, note, yearly = None, "", [None] * len(values)
    if latest_value is None:
        note = "no data"
    elif value is None:
        note = "no numeric target"
    elif bound is None:
        note = "no worst bound"
    else:
        try:
            scored = scores(
                np.array(values, dtype=float), TargetSpec(direction, value, year, lower_bound=bound)
            )
        except InputError as exc:
            note = str(exc)
        else:
            yearly = [round(float(x), 1) if math.isfinite(x) else None for x in scored]
            score = yearly[-1]
    if years:
        ev = evidence(len(years), years[-1] - years[0], period - years[-1], agreement=comparison.agreement)
        grade, reasons = ev.grade, list(ev.reasons)
    else:
        grade, reasons = "weak", ["no observations"]
    projection = {m: _finite(project(arr, yrs, m).value[0]) if years else None for m in MILESTONES}
    model = project(arr, yrs, MILESTONES[0]).models()[0] if years else "none"
    reach_outcome, reach_year = "insufficient_data", None
    if value is not None and years:
        reach = year_reached(arr, yrs, value, direction)
        reach_outcome = OUTCOMES[int(reach.outcome[0])]
        reach_year = int(reach.first_full_year[0]) if np.isfinite(reach.first_full_year[0]) else None
    planned: list[tuple[int, float]] = []
    base = _base(years, values, target.base_year)
    met_at_base = base is not None and value is not None and _meets(base[1], value, direction)
    if base is not None and value is not None and year > base[0] and not met_at_base:
        path_years = list(range(base[0], year + 1))
        path = planned_path(base[0], base[1], {year: value}, path_years)
        planned = [(y, float(v)) for y, v in zip(path_years, path, strict=True)]
    return RegionResult(
        region=region, name_zh=name_zh, name_en=name_en, computed=computed, years=years, values=values,
        target=value, latest_year=latest_year, latest_value=latest_value, score=score, score_note=note,
        status=str(comparison.headline.status), headline_method=comparison.headline_method,
        agreement=comparison.agreement,
        verdicts=[{"method": v.method, "status": str(v.status), "label": v.label, "metric": _finite(v.metric),
                   "metric_name": v.metric_name, "observed_rate": _finite(v.observed_rate),
                   "required_rate": _finite(v.required_rate), "reason": v.reason, "explain": v.explain()}
                  for v in verdicts],
        evidence=grade, evidence_reasons=reasons, projection=projection, projection_model=model,
        reach_outcome=reach_outcome, reach_year=reach_year, planned=planned, missing_members=missing,
        scores=yearly,
    )  # fmt: skip


def _worst_bound(
    series: Sequence[dict[int, float]], direction: Direction, value: float | None
) -> float | None:
    """The progress score's worst bound: the worst first value of any region (see the module doc)."""
    firsts = [s[min(s)] for s in series if s]
    if value is None or direction is Direction.BAND:
        return None
    if len(firsts) >= MIN_BOUND_REGIONS:
        worst = min(firsts) if direction is Direction.HIGHER else max(firsts)
        meets = worst >= value if direction is Direction.HIGHER else worst <= value
        if not meets:
            return worst
    # every region met it from the start: the natural worst (zero; twice the target when lower is better)
    fallback = 0.0 if direction is Direction.HIGHER else 2 * value
    return fallback if fallback != value else None


def assess(
    session: Session,
    plan: str = DEFAULT_PLAN,
    period: int | None = None,
    *,
    targets: Sequence[str] | None = None,
    regions: Sequence[str] | None = None,
    methods: Sequence[str] | None = None,
    headline: str | None = None,
    as_of: str | None = None,
    registry: Registry | None = None,
) -> Assessment:
    """Evaluate the plan's targets as of ``period`` (default: the latest year with any data).

    The status of each result is the verdict of ``headline`` when given, else of the indicator's
    own `headline_method` in the registry (the gap ratios use the projection-gap rule), else Open SDG.

    Raises:
        InputError: an unknown method. NotFoundError: an unknown plan, target id or region.
    """
    registry = registry or load_registry()
    chosen = list(methods) if methods else list(RULES)
    unknown = [m for m in chosen if m not in RULES]
    if unknown:
        raise InputError(f"unknown method(s) {', '.join(unknown)}; known: {', '.join(RULES)}")
    head = headline or (DEFAULT_HEADLINE if DEFAULT_HEADLINE in chosen else chosen[0])
    if head not in chosen:
        raise InputError(f"headline method {head!r} is not among the methods evaluated")
    records = [r for r in list_records(session, plan, "target") if isinstance(r, Target)]
    row = session.get(PlanRow, plan)
    if row is None:
        raise NotFoundError(f"no plan {plan!r} (see `yrd plans`)")
    titles = {lang: short_title(t, lang) for lang, t in (("zh", row.title_zh), ("en", row.title_en))}
    links = link_targets(registry, records)
    if targets:
        wanted = set(targets)
        known = {record_id(r) for r in records}
        missing = sorted(wanted - known)
        if missing:
            raise NotFoundError(f"no target {missing[0]!r} in plan {plan!r} (see `yrd targets`)")
        records = [r for r in records if record_id(r) in wanted]
    for code in regions or ():
        _names(session, code)  # an unknown region fails before any work, whatever the targets
    if period is None:
        period = _latest_year(session, sorted(set(links.values())))
    out: list[TargetResult] = []
    for target in records:
        code = links.get(record_id(target))
        if code is None:
            continue
        ind = registry.require(code)
        group = "central-area" if target.scope == "central-area" else "yrd"
        codes = list(regions) if regions else [group, *PROVINCES]
        series = {r: _annual(session, code, r, as_of) for r in codes}
        direction = _direction(ind, target)
        value = _target_value(target, ind, registry)
        bound = _worst_bound([s[0] for s in series.values()], direction, value)
        own = ind.headline_method if ind.headline_method in chosen else head
        results = [_evaluate_region(session, target, ind, r, series[r], value, bound, period, chosen,
                                    head if headline else own)
                   for r in codes]  # fmt: skip
        out.append(TargetResult(
            id=record_id(target), eid=target.eid, citation_zh=cite(target.eid, "zh", titles["zh"]),
            citation_en=cite(target.eid, "en", titles["en"]), text=target.text, indicator=code,
            name_zh=ind.name_zh, name_en=ind.name_en, unit=ind.unit, direction=str(direction),
            comparator=target.comparator, value_text=target.value_text, target_value=value,
            target_year=target.target_year, scope=target.scope, regions=results,
        ))  # fmt: skip
    unlinked = [record_id(r) for r in records if record_id(r) not in links]
    return Assessment(plan, period, chosen, head, out, unlinked)


def _latest_year(session: Session, codes: Sequence[str]) -> int:
    years = [
        int(o.period[:4])
        for o in store.observations(session, indicator=list(codes))
        if o.period[:4].isdigit()
    ]
    return max(years) if years else OUTLINE_BASE_YEAR


def share_on_track(results: Sequence[RegionResult]) -> tuple[int, int]:
    """(on track or achieved, assessed) among results with enough data."""
    assessed = [r for r in results if r.status != Status.INSUFFICIENT_DATA]
    return sum(1 for r in assessed if Status(r.status) in GOOD), len(assessed)
