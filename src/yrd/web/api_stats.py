"""JSON API of the statistics: the indicator registry, observations with vintages, chart series,
coverage, downloads in every export format, and the one write: importing observation files.

Each route parses its input, calls `yrd.stats.store`, `yrd.stats.exporters` or
`yrd.stats.importers` (and the registry) and shapes the result; errors take the app's one error
shape. Writes need the bearer token of ``YRD_API_TOKEN`` (see `require_token`); a full role system
comes with issue 6.
"""

from __future__ import annotations

import hmac
import math
from collections import defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, Security, UploadFile
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from sqlalchemy.orm import Session

from yrd.documents.load import DEFAULT_PLAN
from yrd.errors import InputError, NotFoundError
from yrd.extract.model import Target
from yrd.extract.pipeline import list_records, record_id
from yrd.regions import store as regions_store
from yrd.stats import store
from yrd.stats.importers import ImportFailed, Issue, import_files, read_mapping
from yrd.stats.registry import link_targets, load_registry
from yrd.web import urls_stats
from yrd.web.api_observations import indicator_or_404, regions_filter
from yrd.web.deps import DatabaseDep, SessionDep
from yrd.web.schemas import ErrorPublic

router = APIRouter(
    prefix="/api", tags=["statistics"], responses={404: {"model": ErrorPublic}, 422: {"model": ErrorPublic}}
)

# The most an import request may upload, all files together (the importers hold them in memory).
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
TOKEN_HELP = (
    "writes are disabled: no API token is configured. Set YRD_API_TOKEN (e.g. "
    "YRD_API_TOKEN=$(python -c 'import secrets; print(secrets.token_urlsafe(32))') yrd serve) "
    "and send it as 'Authorization: Bearer <token>'"
)
bearer = HTTPBearer(
    auto_error=False,
    scheme_name="apiToken",
    description="The value of YRD_API_TOKEN, as `Authorization: Bearer <token>`. "
    "Only writes need it; a full role system comes with issue 6.",
)


def _links(code: str) -> dict[str, str]:
    return {
        "self": urls_stats.api_indicator(code),
        "series": urls_stats.api_series(code),
        "observations": urls_stats.api_observations(indicator=code),
        "page": urls_stats.indicator_page(code),
        "csv": urls_stats.indicator_download("csv", code),
    }


def targets_by_indicator(session: Session) -> dict[str, list[dict[str, Any]]]:
    """The embedded Outline's targets per indicator code, values in the indicator's unit."""
    try:
        records = [r for r in list_records(session, DEFAULT_PLAN, "target") if isinstance(r, Target)]
    except NotFoundError:
        return {}
    registry = load_registry()
    links = link_targets(registry, records)
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for t in records:
        code = links.get(record_id(t))
        if code is None:
            continue
        unit = registry.get(code).unit if code in registry else ""  # type: ignore[union-attr]
        value = None
        if t.value is not None:
            try:
                value = registry.convert(t.value, t.unit, unit)
            except InputError:
                value = None
        out[code].append({"id": record_id(t), "indicator_text": t.indicator, "comparator": t.comparator,
                          "value": value, "unit": unit if value is not None else t.unit,
                          "value_text": t.value_text, "target_year": t.target_year, "base_year": t.base_year,
                          "scope": t.scope, "eid": t.eid, "plan": DEFAULT_PLAN})  # fmt: skip
    return dict(out)


def _targets(session: Session, code: str) -> list[dict[str, Any]]:
    return targets_by_indicator(session).get(code, [])


def indicator_counts(session: Session) -> dict[str, dict[str, Any]]:
    """Per indicator: current values, all vintages, regions and the first and last period."""
    out: dict[str, dict[str, Any]] = {}
    for o in store.observations(session, vintage="all"):
        c = out.setdefault(
            o.indicator, {"observations": 0, "vintages": 0, "regions": set(), "periods": set()}
        )
        c["vintages"] += 1
        c["observations"] += o.current
        c["regions"].add(o.region)
        c["periods"].add(o.period)
    return {
        code: {"observations": c["observations"], "vintages": c["vintages"], "regions": len(c["regions"]),
               "first": min(c["periods"]), "last": max(c["periods"])}
        for code, c in out.items()
    }  # fmt: skip


EMPTY_COUNTS: dict[str, Any] = {"observations": 0, "vintages": 0, "regions": 0, "first": None, "last": None}


@router.get("/indicators", summary="The indicator registry")
def indicators(
    session: SessionDep,
    counts: Annotated[
        bool, Query(description="per indicator: observations, vintages, regions, periods (reads them all)")
    ] = False,
) -> dict[str, Any]:
    numbers = indicator_counts(session) if counts else {}
    data = []
    for i in store.list_indicators(session):
        entry = {**i.model_dump(mode="json"), "links": _links(i.code)}
        if counts:
            entry["counts"] = numbers.get(i.code, EMPTY_COUNTS)
        data.append(entry)
    return {"data": data, "count": len(data)}


@router.get("/indicators/{code}", summary="One indicator: definition, unit, rule, linked targets")
def indicator(code: str, session: SessionDep) -> dict[str, Any]:
    ind = indicator_or_404(session, code)
    body = ind.model_dump(mode="json")
    body["targets"] = _targets(session, code)
    body["links"] = _links(code)
    return body


@router.get("/indicators/{code}/series", summary="For charts: each region's series and the targets")
def indicator_series(
    code: str,
    session: SessionDep,
    region: Annotated[str | None, Query(description="region or group code(s), comma-separated")] = None,
    group: Annotated[str | None, Query(description="a region group: its members and its own figures")] = None,
    as_of: Annotated[str | None, Query(description="as published by this date")] = None,
) -> dict[str, Any]:
    ind = indicator_or_404(session, code)
    data = store.series(session, code, regions_filter(session, region, group), as_of=as_of)
    series = [
        {"region": r, "points": [{"period": o.period, "value": o.value, "status": o.status,
                                  "vintage": o.vintage, "source": o.source} for o in points]}
        for r, points in sorted(data.items())
    ]  # fmt: skip
    return {"indicator": code, "name_zh": ind.name_zh, "name_en": ind.name_en, "unit": ind.unit,
            "direction": ind.direction, "targets": _targets(session, code), "series": series}  # fmt: skip


# ---------------------------------------------------------------------------------------------- coverage


def _year(period: str) -> int:
    return int(period[:4])


def coverage(session: Session) -> dict[str, Any]:
    """Indicator × region × year: how many vintages are stored, and which indicators serve targets.

    Regions are the Delta's provinces, then the Delta and the other region groups that have figures;
    years run from the first to the last year with data, so an empty cell is a year with no figure.
    """
    rows = store.observations(session, vintage="all")
    cells: dict[str, dict[str, dict[int, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    for o in rows:
        cells[o.indicator][o.region][_year(o.period)] += 1
    years = sorted({_year(o.period) for o in rows})
    years = list(range(years[0], years[-1] + 1)) if years else []
    regions = [{"code": r.code, "name_zh": r.name_zh, "name_en": r.name_en, "kind": "province"}
               for r in regions_store.list_regions(session, level="province")]  # fmt: skip
    reported = {o.region for o in rows}
    groups = [g for g in regions_store.list_groups(session) if g.code in reported or g.code == "yrd"]
    groups.sort(key=lambda g: g.code != "yrd")  # the Delta as a whole first, then the smaller groups
    regions += [{"code": g.code, "name_zh": g.name_zh, "name_en": g.name_en, "kind": "group"} for g in groups]
    known = {r["code"] for r in regions}
    if reported - known:  # cities and counties with figures of their own
        everywhere = {r.code: r for r in regions_store.list_regions(session)}
        regions += [{"code": c, "name_zh": everywhere[c].name_zh if c in everywhere else c,
                     "name_en": everywhere[c].name_en if c in everywhere else c, "kind": "other"}
                    for c in sorted(reported - known)]  # fmt: skip
    targets = targets_by_indicator(session)
    out = []
    for ind in store.list_indicators(session):
        by_region = cells.get(ind.code, {})
        out.append({
            "code": ind.code, "name_zh": ind.name_zh, "name_en": ind.name_en, "unit": ind.unit,
            "targets": [t["id"] for t in targets.get(ind.code, [])],
            "vintages": sum(n for per in by_region.values() for n in per.values()),
            "cells": {r: {str(y): n for y, n in sorted(per.items())} for r, per in sorted(by_region.items())},
        })  # fmt: skip
    served = [i for i in out if i["targets"]]
    summary = {
        "indicators": len(out),
        "with_data": sum(1 for i in out if i["vintages"]),
        "target_indicators": len(served),
        "target_indicators_with_data": sum(1 for i in served if i["vintages"]),
        "targets": sum(len(i["targets"]) for i in served),
        "vintages": len(rows),
    }
    return {"years": years, "regions": regions, "indicators": out, "summary": summary}


@router.get("/statistics/coverage", summary="Data coverage: vintages per indicator × region × year")
def coverage_route(session: SessionDep) -> dict[str, Any]:
    return coverage(session)


# ---------------------------------------------------------------------------------------------- writes


class ImportIssuePublic(BaseModel):
    file: str
    row: int | None = None
    column: str | None = None
    value: str | float | int | None = None
    message: str


class ImportErrorPublic(BaseModel):
    ok: bool = False
    error: str
    errors: list[ImportIssuePublic] = []


def _error(status: int, message: str, errors: list[dict[str, Any]] | None = None,
           headers: dict[str, str] | None = None) -> JSONResponse:  # fmt: skip
    from yrd.web.app import error_body

    return JSONResponse(error_body(message, errors), status_code=status, headers=headers)


def require_token(request: Request, credentials: HTTPAuthorizationCredentials | None) -> JSONResponse | None:
    """None when the request carries the configured token; else the refusal to send.

    No token configured → 403 (writes are off, and the message says how to turn them on); a missing
    or wrong token → 401. The comparison takes constant time (`hmac.compare_digest`).
    """
    expected = getattr(request.app.state.settings, "api_token", None)
    if not expected:
        return _error(403, TOKEN_HELP)
    given = credentials.credentials if credentials is not None else ""
    if not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        why = "a wrong API token" if given else "no API token: send 'Authorization: Bearer <token>'"
        return _error(401, why, headers={"WWW-Authenticate": "Bearer"})
    return None


def _issue(issue: Issue) -> dict[str, Any]:
    value = issue.value
    odd = value is not None and not isinstance(value, str | int | float)
    if odd or (isinstance(value, float) and not math.isfinite(value)):
        value = str(value)  # JSON has no NaN or inf, and no other types
    return {"file": issue.file, "row": issue.row, "column": issue.column, "value": value,
            "message": issue.message}  # fmt: skip


@router.post(
    "/observations/import",
    summary="Import observation files (tidy CSV/Excel, NBS exports, wide tables): all or nothing",
    responses={
        400: {
            "model": ImportErrorPublic,
            "description": "a file has errors: each with file, row, column, value",
        },
        401: {"model": ErrorPublic, "description": "no token or a wrong one"},
        403: {"model": ErrorPublic, "description": "writes are disabled: YRD_API_TOKEN is not set"},
        413: {"model": ErrorPublic, "description": "the files are larger than the limit"},
    },
)
def import_observations(
    request: Request,
    db: DatabaseDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
    files: Annotated[list[UploadFile], File(description="one or more files, imported as one batch")],
    format: Annotated[str | None, Form(description="csv, xlsx, nbs or wide; detected when left out")] = None,
    mapping: Annotated[str | None, Form(description="a wide table's mapping, as JSON text")] = None,
    dry_run: Annotated[bool, Form(description="check and count, write nothing")] = False,
) -> Any:
    """Read, check and write the files in one transaction; any error in any file writes nothing.

    The answer counts what was (or, with ``dry_run``, would be) written per indicator: ``new``
    first vintages, ``revised`` new vintages of known keys, ``unchanged`` rows equal to a stored one.
    """
    refused = require_token(request, credentials)
    if refused is not None:
        return refused
    loaded: list[tuple[str, bytes]] = []
    size = 0
    for upload in files:
        data = upload.file.read(MAX_UPLOAD_BYTES + 1 - size)
        size += len(data)
        if size > MAX_UPLOAD_BYTES:
            return _error(413, f"the files are larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB together")
        loaded.append((upload.filename or f"file{len(loaded) + 1}", data))
    chosen = read_mapping(mapping) if mapping else None
    try:
        report = import_files(db, loaded, fmt=format or None, mapping=chosen, dry_run=dry_run)
    except ImportFailed as exc:
        noun = "error" if len(exc.issues) == 1 else "errors"
        return _error(400, f"{len(exc.issues)} {noun}, nothing imported", [_issue(i) for i in exc.issues])
    return {"ok": True, **report.to_dict()}
