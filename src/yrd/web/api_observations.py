"""JSON API of observations: the filtered list and its downloads in every export format.

Kept apart from `yrd.web.api_stats` (registry, series, coverage, imports) because this is the hot
path the Datasette benchmark measures (bench/bench_api_vs_datasette.py).
"""

from __future__ import annotations

import json
from functools import partial
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from yrd.db import Database
from yrd.db.models import IndicatorRow
from yrd.errors import NotFoundError
from yrd.regions.store import get_group
from yrd.stats import exporters, store
from yrd.stats.model import Indicator, Observation
from yrd.stats.registry import load_registry
from yrd.web import urls_stats
from yrd.web.deps import SessionDep
from yrd.web.schemas import ErrorPublic

router = APIRouter(
    prefix="/api", tags=["statistics"], responses={404: {"model": ErrorPublic}, 422: {"model": ErrorPublic}}
)

# The media type of each download; SDMX-CSV's is the one the SDMX REST API registers.
MEDIA_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "sdmx-csv": "application/vnd.sdmx.data+csv; version=1.0.0; charset=utf-8",
}


def indicator_or_404(session: Session, code: str) -> Indicator:
    found = next((i for i in store.list_indicators(session) if i.code == code), None)
    if found is None:
        load_registry().require(code)  # raises with suggestions
        raise NotFoundError(f"no indicator {code!r}")
    return found


def regions_filter(session: Session, region: str | None, group: str | None) -> list[str] | None:
    if region is None and group is None:
        return None
    codes = [c for c in (region or "").split(",") if c]
    if group:
        codes += [group, *get_group(session, group).members]
    return codes


class ObservationFilters(BaseModel):
    """The query of `/api/observations` and its downloads (one declaration for every route)."""

    indicator: str | None = Field(None, description="indicator code")
    region: str | None = Field(None, description="region or group code(s), comma-separated")
    group: str | None = Field(None, description="a region group: its members and its own figures")
    period: str | None = Field(None, description="2023, 2023-Q2 or 2023-06")
    as_of: str | None = Field(None, description="as published by this date: YYYY[-MM[-DD]]")
    vintage: Literal["current", "all"] = Field("current", description="the current one or all")


FiltersQuery = Annotated[ObservationFilters, Query()]


def filtered_observations(session: SessionDep, f: FiltersQuery) -> list[Observation]:
    """The observations the query's filters select (shared by every download)."""
    if f.indicator is not None:
        indicator_or_404(session, f.indicator)
    regions = regions_filter(session, f.region, f.group)
    return store.observations(session, indicator=f.indicator, region=regions, period=f.period,
                              as_of=f.as_of, vintage=f.vintage)  # fmt: skip


ObservationsDep = Annotated[list[Observation], Depends(filtered_observations)]


class ObservationsPublic(BaseModel):
    data: list[Observation]
    count: int


def _check_indicator(session: Session, code: str) -> None:
    """`indicator_or_404` without building every indicator's model: one indexed lookup when the
    code is in the table, else `indicator_or_404` itself (the unseeded registry, or its 404)."""
    if session.scalar(select(IndicatorRow.code).where(IndicatorRow.code == code)) is None:
        indicator_or_404(session, code)


def observation_rows(
    session: Session, f: ObservationFilters
) -> tuple[list[store.Point], dict[int, store.Meta]]:
    """The rows `filtered_observations` selects, as the store's plain tuples (no model per row).

    An unknown indicator has no rows, so it is looked up only when there are none: a known one
    with data costs no second query."""
    regions = regions_filter(session, f.region, f.group)
    found = store.observation_rows(session, indicator=f.indicator, region=regions, period=f.period,
                                   as_of=f.as_of, vintage=f.vintage)  # fmt: skip
    if f.indicator is not None and not found[0]:
        _check_indicator(session, f.indicator)
    return found


_dumps = partial(json.dumps, ensure_ascii=False)


def observations_json(rows: list[store.Point], metas: dict[int, store.Meta]) -> bytes:
    """``{"data": […], "count": n}`` exactly as `JSONResponse` would write the `Observation` dumps
    (same keys in the same order, compact separators, non-ASCII as is), built from text pieces:
    what a vintage shares (unit … published, batch, recorded_at) is encoded once per meta row and
    each region, indicator and period once, so a row costs one string format."""
    shared = {
        key: (
            f',"unit":{_dumps(m.unit)},"status":{_dumps(m.status)},"source":{_dumps(m.source)},'
            f'"note":{_dumps(m.note)},"published":{_dumps(m.published)},"vintage":',
            f',"batch":{_dumps(m.batch)},"recorded_at":{_dumps(m.recorded_at)},"current":',
        )
        for key, m in metas.items()
    }
    texts: dict[str, str] = {}

    def text(value: str) -> str:
        found = texts.get(value)
        if found is None:
            found = texts[value] = _dumps(value)
        return found

    parts = []
    for region, indicator, period, value, vintage, current, meta in rows:
        head, tail = shared[meta]
        flag = "true" if current else "false"
        parts.append(f'{{"region":{text(region)},"indicator":{text(indicator)},"period":{text(period)},'
                     f'"value":{float(value)!r}{head}{int(vintage)}{tail}{flag}}}')  # fmt: skip
    return f'{{"data":[{",".join(parts)}],"count":{len(parts)}}}'.encode()


@router.get(
    "/observations",
    summary="Observations: by indicator, region or group, period, vintage",
    response_model=ObservationsPublic,
)
async def list_observations(request: Request, filters: FiltersQuery) -> Response:
    # The hot path the Datasette benchmark measures: one trip to the thread pool for the session,
    # the query and the JSON text (sync dependencies would cost a trip each), plain tuples to JSON
    # text with no model or dict per row (see docs/benchmarks.md, statistics); the response model
    # documents the shape.
    db = request.app.state.db
    body = await run_in_threadpool(_observations_body, db, filters)
    return Response(body, media_type="application/json")


def _observations_body(db: Database, filters: ObservationFilters) -> bytes:
    with db.read() as session:
        return observations_json(*observation_rows(session, filters))


def _download(rows: list[Observation], fmt: str, stem: str) -> Response:
    body = exporters.render(rows, fmt)
    name = f"{stem}.{urls_stats.EXTENSIONS[fmt]}"
    return Response(
        body, media_type=MEDIA_TYPES[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def _download_routes(fmt: str) -> None:
    """The two download routes of one export format: all observations, and one indicator's."""
    ext = urls_stats.EXTENSIONS[fmt]
    documented = {200: {"content": {MEDIA_TYPES[fmt].split(";")[0]: {}}}}

    def everything(rows: ObservationsDep) -> Response:
        return _download(rows, fmt, "observations")

    def one(
        code: str,
        session: SessionDep,
        region: Annotated[str | None, Query(description="region or group code(s), comma-separated")] = None,
        group: Annotated[
            str | None, Query(description="a region group: its members and its own figures")
        ] = None,
        as_of: Annotated[str | None, Query(description="as published by this date: YYYY[-MM[-DD]]")] = None,
        vintage: Annotated[
            Literal["current", "all"], Query(description="the current one or all")
        ] = "current",
    ) -> Response:
        filters = ObservationFilters(indicator=code, region=region, group=group, as_of=as_of, vintage=vintage)
        rows = filtered_observations(session, filters)
        return _download(rows, fmt, code)

    router.add_api_route(f"/observations.{ext}", everything, methods=["GET"], response_class=Response,
                         summary=f"Download observations as {fmt} (the filters of /api/observations)",
                         responses=documented, name=f"observations_{fmt}")  # fmt: skip
    router.add_api_route(f"/indicators/{{code}}/observations.{ext}", one, methods=["GET"],
                         response_class=Response, summary=f"Download one indicator's observations as {fmt}",
                         responses=documented, name=f"indicator_observations_{fmt}")  # fmt: skip


for _fmt in exporters.EXPORT_FORMATS:
    _download_routes(_fmt)
