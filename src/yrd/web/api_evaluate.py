"""The JSON API of the evaluation (issue 5): target verdicts, the integration index, disparity and
the per-province performance table.

Each route parses its query, calls one function of `yrd.evaluate.targets` or `yrd.evaluate.panel`
and returns its ``to_dict()``; unknown choices are refused with 422 naming the parameter (Literal
query types), unknown targets, regions and indicators with 404, in the app's one error shape.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from yrd.evaluate.panel import _clean, disparity_report, integration_index, performance
from yrd.evaluate.rules import RULES
from yrd.evaluate.targets import assess
from yrd.web.deps import SessionDep
from yrd.web.schemas import ErrorPublic

router = APIRouter(
    prefix="/api", tags=["evaluation"], responses={404: {"model": ErrorPublic}, 422: {"model": ErrorPublic}}
)

Method = Literal["open_sdg", "eurostat", "sdsn", "destatis_weather", "unsd_progress_chart"]
assert set(Method.__args__) == set(RULES), "keep Method in step with yrd.evaluate.rules.RULES"  # type: ignore[attr-defined]
Level = Literal["province", "city"]
Num = float | None


class VerdictPublic(BaseModel):
    method: str
    status: str = Field(
        description="achieved, on_track, moderate, stagnating, moving_away, insufficient_data"
    )
    label: str = Field(description="the rule's own category")
    metric: Num
    metric_name: str
    observed_rate: Num
    required_rate: Num
    reason: str
    explain: str


class RegionResultPublic(BaseModel):
    region: str
    name_zh: str
    name_en: str
    computed: bool = Field(description="a group value computed from its members, not reported")
    years: list[int]
    values: list[float] = Field(description="the series the verdicts were computed from (the inputs)")
    target: Num = Field(description="the target in the indicator's unit for this region")
    latest_year: int | None
    latest_value: Num
    score: Num = Field(description="0–100 progress score")
    score_note: str
    status: str = Field(description="the headline rule's status")
    headline_method: str
    agreement: str
    verdicts: list[VerdictPublic]
    evidence: str
    evidence_reasons: list[str]
    projection: dict[str, Num] = Field(description="projected value per milestone year")
    projection_model: str
    reach_outcome: str
    reach_year: int | None
    planned: list[tuple[int, float]] = Field(description="the planned straight path (year, value)")
    missing_members: list[str]
    scores: list[Num] = Field(default_factory=list, description="the progress score of each observed year")


class TargetResultPublic(BaseModel):
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
    target_value: Num
    target_year: int | None
    scope: str
    regions: list[RegionResultPublic]


class AssessmentPublic(BaseModel):
    plan: str
    period: int
    methods: list[str]
    headline_method: str
    targets: list[TargetResultPublic]
    unlinked: list[str] = Field(description="targets whose wording names no indicator")


class IndexPublic(BaseModel):
    period: int | None
    level: str
    normalisation: str
    weighting: str
    aggregation: str
    regions: list[str]
    years: list[int]
    index: dict[str, list[Num]] = Field(description="region → index per year")
    dimensions: dict[str, dict[str, list[Num]]] = Field(description="dimension → region → value per year")
    ranks: dict[str, int | None] = Field(description="rank in the period (1 = highest)")
    used: list[dict[str, Any]] = Field(description="indicators used, with the regions that report them")
    left_out: list[dict[str, Any]] = Field(description="indicators left out, with the reason")
    dimensions_left_out: list[dict[str, Any]]
    weights: dict[str, float]
    sensitivity: dict[str, Any] | None = Field(
        description="min/median/max rank per region over every variant"
    )
    about: str
    notes: list[str]


class YearDisparityPublic(BaseModel):
    year: int
    n_regions: int
    regions: list[str]
    cv: Num
    cv_weighted: Num
    weighted_regions: list[str]
    theil: Num
    theil_between: Num
    theil_within: Num
    gini: Num
    max_min_ratio: Num
    notes: list[str]


class DisparityPublic(BaseModel):
    indicator: str
    level: str
    as_of: str | None
    regions: list[str]
    years: list[YearDisparityPublic]
    sigma: dict[str, Any] | None = Field(description="σ-convergence over the years")
    beta: dict[str, Any] | None = Field(description="β-convergence from the first to the last year")
    notes: list[str]


class PerformanceRow(BaseModel):
    province: str
    name_zh: str
    name_en: str
    period: int
    previous: int | None
    targets: int
    assessed: int
    on_track_pct: Num
    mean_score: Num
    on_track_pct_change: Num
    mean_score_change: Num
    raw: dict[str, Any] = Field(description="the same figures unrounded")
    rounding: str


class PerformancePublic(BaseModel):
    data: list[PerformanceRow]
    count: int


PlanQ = Annotated[str | None, Query(description="plan id (default: the embedded Outline)")]
PeriodQ = Annotated[int | None, Query(description="evaluation year (default: the latest with data)")]
AsOfQ = Annotated[str | None, Query(description="the figures as published by this date (YYYY[-MM[-DD]])")]
RegionsQ = Annotated[list[str] | None, Query(description="region or group codes (repeatable)")]
MethodsQ = Annotated[list[Method] | None, Query(description="trend rules (repeatable)")]
HeadlineQ = Annotated[Method | None, Query(description="the rule giving the headline status")]


def _assess(session: Any, plan: str | None, **kw: Any) -> dict[str, Any]:
    from yrd.documents.load import DEFAULT_PLAN

    return _clean(assess(session, plan or DEFAULT_PLAN, **kw).to_dict())


@router.get("/evaluation", response_model=AssessmentPublic, summary="The plan's targets evaluated")
def evaluation(
    session: SessionDep,
    plan: PlanQ = None,
    target: Annotated[list[str] | None, Query(description="target ids (repeatable)")] = None,
    region: RegionsQ = None,
    period: PeriodQ = None,
    method: MethodsQ = None,
    headline: HeadlineQ = None,
    as_of: AsOfQ = None,
) -> dict[str, Any]:
    return _assess(session, plan, period=period, targets=target, regions=region, methods=method,
                   headline=headline, as_of=as_of)  # fmt: skip


@router.get("/evaluation/{target_id}", response_model=TargetResultPublic, summary="One target evaluated")
def evaluation_target(
    session: SessionDep,
    target_id: str,
    plan: PlanQ = None,
    region: RegionsQ = None,
    period: PeriodQ = None,
    method: MethodsQ = None,
    headline: HeadlineQ = None,
    as_of: AsOfQ = None,
) -> dict[str, Any]:
    from yrd.errors import NotFoundError

    found = _assess(session, plan, period=period, targets=[target_id], regions=region, methods=method,
                    headline=headline, as_of=as_of)["targets"]  # fmt: skip
    if not found:
        raise NotFoundError(f"target {target_id!r} names no indicator, so it is not evaluated")
    return found[0]


@router.get("/index", response_model=IndexPublic, summary="The composite integration index")
def index(
    session: SessionDep,
    period: Annotated[int | None, Query(description="year (default: the one with most indicators)")] = None,
    normalisation: Literal["minmax", "zscore", "distance_to_target"] = "minmax",
    weighting: Literal["equal", "entropy", "pca"] = "equal",
    aggregation: Literal["arithmetic", "geometric"] = "arithmetic",
    level: Level = "province",
) -> dict[str, Any]:
    return integration_index(session, period, normalisation=normalisation, weighting=weighting,
                             aggregation=aggregation, level=level).to_dict()  # fmt: skip


@router.get(
    "/disparity/{indicator}", response_model=DisparityPublic, summary="Regional disparity of one indicator"
)
def disparity(
    session: SessionDep, indicator: str, level: Level = "city", as_of: AsOfQ = None
) -> dict[str, Any]:
    return disparity_report(session, indicator, level, as_of).to_dict()


@router.get("/performance", response_model=PerformancePublic, summary="Performance table per province")
def performance_api(
    session: SessionDep,
    period: PeriodQ = None,
    previous: Annotated[int | None, Query(description="the earlier year to compare with")] = None,
) -> dict[str, Any]:
    rows = performance(session, period, previous)
    return {"data": rows, "count": len(rows)}
