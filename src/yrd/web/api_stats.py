"""JSON API of the statistics: the indicator registry, chart series, group values (reported or
computed from members), coverage, and the one write: importing observation files. (The
observation list and its downloads are in `yrd.web.api_observations`.)

Each route parses its input, calls `yrd.stats.store`, `yrd.stats.aggregate`, `yrd.stats.coverage`
or `yrd.stats.importers` (and the registry) and shapes the result; errors take the app's one error
shape: a bad ``as_of``/``period`` is a 422 naming the parameter, as FastAPI's own checks are.
The import needs the permission ``stats:import`` (an analyst's or admin's session or API token;
see `yrd.web.auth`).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from typing import Annotated, Any, NoReturn

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from yrd.documents.load import DEFAULT_PLAN
from yrd.errors import InputError, NotFoundError
from yrd.extract.model import Target
from yrd.extract.pipeline import list_records, record_id
from yrd.regions import store as regions_store
from yrd.stats import coverage as stats_coverage
from yrd.stats import store
from yrd.stats.aggregate import GroupValue, group_rows, standard_groups
from yrd.stats.importers import ImportFailed, Issue, import_files, read_mapping
from yrd.stats.model import Observation
from yrd.stats.registry import link_targets, load_registry
from yrd.supervise.roles import Principal
from yrd.web import urls_stats
from yrd.web.api_observations import indicator_or_404, regions_filter
from yrd.web.auth import AUTH_RESPONSES, requires
from yrd.web.deps import DatabaseDep, SessionDep
from yrd.web.schemas import ErrorPublic

router = APIRouter(
    prefix="/api", tags=["statistics"], responses={404: {"model": ErrorPublic}, 422: {"model": ErrorPublic}}
)

PERIOD = re.compile(r"^\d{4}(-(Q[1-4]|\d{2}))?$")
# The most an import request may upload, all files together (the importers hold them in memory).
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


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


@router.get("/indicators", summary="The indicator registry")
def indicators(
    session: SessionDep,
    counts: Annotated[
        bool, Query(description="per indicator: observations, vintages, regions, periods (reads them all)")
    ] = False,
) -> dict[str, Any]:
    numbers = stats_coverage.indicator_counts(session) if counts else {}
    data = []
    for i in store.list_indicators(session):
        entry = {**i.model_dump(mode="json"), "links": _links(i.code)}
        if counts:
            entry["counts"] = numbers.get(i.code, stats_coverage.EMPTY_COUNTS)
        data.append(entry)
    return {"data": data, "count": len(data)}


@router.get("/indicators/{code}", summary="One indicator: definition, unit, rule, linked targets")
def indicator(code: str, session: SessionDep) -> dict[str, Any]:
    ind = indicator_or_404(session, code)
    body = ind.model_dump(mode="json")
    body["targets"] = _targets(session, code)
    body["links"] = _links(code)
    return body


def bad_parameter(name: str, why: str) -> NoReturn:
    """Refuse a query parameter with a 422 in the app's error shape, as FastAPI's own checks do."""
    raise RequestValidationError([{"loc": ("query", name), "msg": why, "type": "value_error"}])


def as_of_parameter(as_of: str | None) -> str | None:
    """``as_of`` checked (YYYY, YYYY-MM or YYYY-MM-DD); blank means the current vintages."""
    if as_of is None or not as_of.strip():
        return None
    try:
        store.parse_as_of(as_of)
    except InputError as exc:
        bad_parameter("as_of", str(exc))
    return as_of.strip()


def groups_parameter(session: Session, text: str | None) -> list[str]:
    """Group codes from a comma list; ``None`` or blank gives the standard groups.

    Raises:
        NotFoundError: a code that is not a region group (the message names the parameter).
    """
    codes = list(dict.fromkeys(c.strip() for c in (text or "").split(",") if c.strip()))
    if not codes:
        return standard_groups(session)
    known = {g.code for g in regions_store.list_groups(session)}
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise NotFoundError(f"groups: no region group {unknown[0]!r} (known: {', '.join(sorted(known))})")
    return codes


def group_row(v: GroupValue) -> dict[str, Any]:
    """A group value as JSON: reported or computed, by which rule, from which members."""
    return {"group": v.region, "period": v.period, "value": v.value, "unit": v.unit, "kind": v.kind,
            "rule": None if v.kind == "reported" else v.method, "complete": v.complete,
            "members": v.members, "members_used": v.members_used, "members_missing": v.members_missing,
            "inputs": v.inputs, "missing": v.missing, "source": v.source, "status": v.status,
            "vintage": v.vintage}  # fmt: skip


def _reported_point(o: Observation) -> dict[str, Any]:
    return {"period": o.period, "value": o.value, "status": o.status, "vintage": o.vintage,
            "source": o.source, "kind": "reported"}  # fmt: skip


def _point(v: GroupValue) -> dict[str, Any]:
    return {"period": v.period, "value": v.value, "status": v.status, "vintage": v.vintage,
            "source": v.source, "kind": v.kind, "rule": None if v.kind == "reported" else v.method,
            "members_used": v.members_used, "members_missing": v.members_missing}  # fmt: skip


@router.get("/indicators/{code}/series", summary="For charts: each region's series and the targets")
def indicator_series(
    code: str,
    session: SessionDep,
    region: Annotated[str | None, Query(description="region or group code(s), comma-separated")] = None,
    group: Annotated[str | None, Query(description="a region group: its members and its own figures")] = None,
    as_of: Annotated[str | None, Query(description="as published by this date: YYYY[-MM[-DD]]")] = None,
    groups: Annotated[
        str | None,
        Query(
            description="group code(s), comma-separated: their series with values computed from members "
            "where none is reported (points with kind=computed)"
        ),
    ] = None,
) -> dict[str, Any]:
    ind = indicator_or_404(session, code)
    as_of = as_of_parameter(as_of)
    data = store.series(session, code, regions_filter(session, region, group), as_of=as_of)
    series = [
        {"region": r, "points": [_reported_point(o) for o in points]} for r, points in sorted(data.items())
    ]
    if groups is not None and groups.strip():
        wanted = groups_parameter(session, groups)
        rows = group_rows(session, code, wanted, as_of=as_of)
        series = [s for s in series if s["region"] not in wanted]
        for g in wanted:
            points = [_point(v) for v in rows if v.region == g and v.value is not None]
            series.append({"region": g, "group": True, "points": points})
    return {"indicator": code, "name_zh": ind.name_zh, "name_en": ind.name_en, "unit": ind.unit,
            "direction": ind.direction, "as_of": as_of, "targets": _targets(session, code),
            "series": series}  # fmt: skip


@router.get(
    "/indicators/{code}/groups",
    summary="Group values: the figure reported for each region group, else computed from its members",
)
def indicator_groups(
    code: str,
    session: SessionDep,
    period: Annotated[
        str | None, Query(description="one period (2023, 2023-Q2, 2023-06); all when left out")
    ] = None,
    as_of: Annotated[str | None, Query(description="as published by this date: YYYY[-MM[-DD]]")] = None,
    groups: Annotated[
        str | None,
        Query(
            description="group code(s), comma-separated; default: yrd, central-area, demo-zone and the "
            "metropolitan circles"
        ),
    ] = None,
) -> dict[str, Any]:
    """Per group and period: ``value``, ``unit``, ``kind`` (``reported``, ``computed`` or ``none``), the
    ``rule`` used, ``members_used`` and ``members_missing`` (and the figures: ``inputs``, ``missing``).
    A computed value needs every member; without one there is no value and ``missing`` says why."""
    ind = indicator_or_404(session, code)
    as_of = as_of_parameter(as_of)
    if period is not None and not PERIOD.match(period):
        bad_parameter("period", f"must be YYYY, YYYY-Qn or YYYY-MM, not {period!r}")
    wanted = groups_parameter(session, groups)
    rows = group_rows(session, code, wanted, as_of=as_of, periods=[period] if period else None)
    named = {g.code: g for g in regions_store.list_groups(session)}
    return {
        "indicator": code, "name_zh": ind.name_zh, "name_en": ind.name_en, "unit": ind.unit,
        "aggregation": ind.aggregation, "period": period, "as_of": as_of,
        "groups": [{"code": g, "name_zh": named[g].name_zh, "name_en": named[g].name_en,
                    "members": list(named[g].members)} for g in wanted],
        "data": [group_row(v) for v in rows], "count": len(rows),
    }  # fmt: skip


# ---------------------------------------------------------------------------------------------- coverage


def coverage(session: Session) -> dict[str, Any]:
    """`yrd.stats.coverage.coverage` with the Outline's targets marked (the page and its twin share it)."""
    targets = {code: [t["id"] for t in ts] for code, ts in targets_by_indicator(session).items()}
    return stats_coverage.coverage(session, targets)


@router.get("/statistics/coverage", summary="Data coverage: vintages per indicator × region × year")
def coverage_route(session: SessionDep) -> dict[str, Any]:
    """Per indicator: ``cells`` (region → year → vintages), ``missing`` (region → years without a
    figure, for regions with some) and ``without_data`` (regions with none)."""
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
        **AUTH_RESPONSES,
        413: {"model": ErrorPublic, "description": "the files are larger than the limit"},
    },
)
def import_observations(
    db: DatabaseDep,
    actor: Annotated[Principal, requires("stats:import")],
    files: Annotated[list[UploadFile], File(description="one or more files, imported as one batch")],
    format: Annotated[str | None, Form(description="csv, xlsx, nbs or wide; detected when left out")] = None,
    mapping: Annotated[str | None, Form(description="a wide table's mapping, as JSON text")] = None,
    dry_run: Annotated[bool, Form(description="check and count, write nothing")] = False,
) -> Any:
    """Read, check and write the files in one transaction; any error in any file writes nothing.

    The answer counts what was (or, with ``dry_run``, would be) written per indicator: ``new``
    first vintages, ``revised`` new vintages of known keys, ``unchanged`` rows equal to a stored one.
    """
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
        report = import_files(
            db, loaded, fmt=format or None, mapping=chosen, dry_run=dry_run, who=actor.username
        )
    except ImportFailed as exc:
        noun = "error" if len(exc.issues) == 1 else "errors"
        return _error(400, f"{len(exc.issues)} {noun}, nothing imported", [_issue(i) for i in exc.issues])
    return {"ok": True, **report.to_dict()}
