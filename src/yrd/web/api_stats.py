"""JSON API of the statistics: the indicator registry, observations with vintages, chart series.

Each route parses its input, calls `yrd.stats.store` (and the registry) and shapes the result;
errors take the app's one error shape.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from yrd.documents.load import DEFAULT_PLAN
from yrd.errors import InputError, NotFoundError
from yrd.extract.model import Target
from yrd.extract.pipeline import list_records, record_id
from yrd.regions.store import get_group
from yrd.stats import store
from yrd.stats.model import Indicator
from yrd.stats.registry import link_targets, load_registry
from yrd.web.deps import SessionDep
from yrd.web.schemas import ErrorPublic

router = APIRouter(
    prefix="/api", tags=["statistics"], responses={404: {"model": ErrorPublic}, 422: {"model": ErrorPublic}}
)


def _indicator(session: Session, code: str) -> Indicator:
    found = next((i for i in store.list_indicators(session) if i.code == code), None)
    if found is None:
        load_registry().require(code)  # raises with suggestions
        raise NotFoundError(f"no indicator {code!r}")
    return found


def _links(code: str) -> dict[str, str]:
    return {
        "self": f"/api/indicators/{code}",
        "series": f"/api/indicators/{code}/series",
        "observations": f"/api/observations?indicator={code}",
    }


def _targets(session: Session, code: str) -> list[dict[str, Any]]:
    """The embedded Outline's targets measured by this indicator, values in the indicator's unit."""
    try:
        records = [r for r in list_records(session, DEFAULT_PLAN, "target") if isinstance(r, Target)]
    except NotFoundError:
        return []
    registry = load_registry()
    links = link_targets(registry, records)
    unit = registry.get(code).unit if code in registry else ""
    out = []
    for t in records:
        if links.get(record_id(t)) != code:
            continue
        value = None
        if t.value is not None:
            try:
                value = registry.convert(t.value, t.unit, unit)
            except InputError:
                value = None
        out.append({"id": record_id(t), "indicator_text": t.indicator, "comparator": t.comparator,
                    "value": value, "unit": unit if value is not None else t.unit, "value_text": t.value_text,
                    "target_year": t.target_year, "base_year": t.base_year, "scope": t.scope,
                    "eid": t.eid, "plan": DEFAULT_PLAN})  # fmt: skip
    return out


@router.get("/indicators", summary="The indicator registry")
def indicators(session: SessionDep) -> dict[str, Any]:
    data = [{**i.model_dump(mode="json"), "links": _links(i.code)} for i in store.list_indicators(session)]
    return {"data": data, "count": len(data)}


@router.get("/indicators/{code}", summary="One indicator: definition, unit, rule, linked targets")
def indicator(code: str, session: SessionDep) -> dict[str, Any]:
    ind = _indicator(session, code)
    body = ind.model_dump(mode="json")
    body["targets"] = _targets(session, code)
    body["links"] = _links(code)
    return body


def _regions(session: Session, region: str | None, group: str | None) -> list[str] | None:
    if region is None and group is None:
        return None
    codes = [c for c in (region or "").split(",") if c]
    if group:
        codes += [group, *get_group(session, group).members]
    return codes


@router.get("/observations", summary="Observations: by indicator, region or group, period, vintage")
def list_observations(
    session: SessionDep,
    indicator: Annotated[str | None, Query(description="indicator code")] = None,
    region: Annotated[str | None, Query(description="region or group code(s), comma-separated")] = None,
    group: Annotated[str | None, Query(description="a region group: its members and its own figures")] = None,
    period: Annotated[str | None, Query(description="2023, 2023-Q2 or 2023-06")] = None,
    as_of: Annotated[str | None, Query(description="as published by this date: YYYY[-MM[-DD]]")] = None,
    vintage: Annotated[Literal["current", "all"], Query(description="the current one or all")] = "current",
) -> dict[str, Any]:
    if indicator is not None:
        _indicator(session, indicator)
    rows = store.observations(session, indicator=indicator, region=_regions(session, region, group),
                              period=period, as_of=as_of, vintage=vintage)  # fmt: skip
    data = [o.model_dump(mode="json") for o in rows]
    return {"data": data, "count": len(data)}


@router.get("/indicators/{code}/series", summary="For charts: each region's series and the targets")
def indicator_series(
    code: str,
    session: SessionDep,
    region: Annotated[str | None, Query(description="region or group code(s), comma-separated")] = None,
    group: Annotated[str | None, Query(description="a region group: its members and its own figures")] = None,
    as_of: Annotated[str | None, Query(description="as published by this date")] = None,
) -> dict[str, Any]:
    ind = _indicator(session, code)
    data = store.series(session, code, _regions(session, region, group), as_of=as_of)
    series = [
        {"region": r, "points": [{"period": o.period, "value": o.value, "status": o.status,
                                  "vintage": o.vintage, "source": o.source} for o in points]}
        for r, points in sorted(data.items())
    ]  # fmt: skip
    return {"indicator": code, "name_zh": ind.name_zh, "name_en": ind.name_en, "unit": ind.unit,
            "direction": ind.direction, "targets": _targets(session, code), "series": series}  # fmt: skip
