"""The pages of the Extraction capability: a plan's targets, facts, projects (with a map), places, tasks.

Each route reads through the library (`yrd.extract.pipeline.list_records`, `yrd.regions.store`),
turns records into plain values for a template and renders it with `yrd.web.pages.render`. Every
page links its JSON twin (``/api/plans/{plan}/{kind}s``) and the CSV download; every link comes from
`yrd.web.urls`, `urls_extract` or `urls_regions`. Filters are query parameters read on the server, so
the pages work without JavaScript; an unknown filter value is ignored. Labels people read (kinds,
comparators, scopes, project types, bodies) are gettext messages in ``templates/_extract.html``.

The router must be included before `pages.router`, whose ``/plans/{plan}/{top}`` matches any name.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from yrd.documents import store
from yrd.extract.actors import actor_names
from yrd.extract.model import KINDS, Record
from yrd.extract.pipeline import list_records, record_counts, record_id
from yrd.extract.projects import TYPES as PROJECT_TYPE_ORDER
from yrd.regions import store as regions_store
from yrd.regions.gazetteer import Region
from yrd.regions.groups import RegionGroup
from yrd.web import records, urls, urls_extract, urls_regions
from yrd.web.deps import SessionDep
from yrd.web.pages import Doc, plan_title, render, ui_lang, unit_name

router = APIRouter(include_in_schema=False)

# The project types of `yrd.extract.model.Project`, in the order the filter offers them.
PROJECT_TYPES = PROJECT_TYPE_ORDER
NO_PLACE = "none"
NO_YEAR = "none"


# ---------------------------------------------------------------------------------------------- shared


class _Ctx:
    """What every records page needs: the plan and its indexes, the regions, the interface language."""

    def __init__(self, request: Request, session: Session, plan_id: str) -> None:
        self.doc = Doc.of(store.load_plan(session, plan_id))
        self.plan_id = plan_id
        self.ui = ui_lang(request)
        self.session = session
        self.regions: dict[str, Region] = {r.code: r for r in regions_store.list_regions(session)}
        self.groups: dict[str, RegionGroup] = {g.code: g for g in regions_store.list_groups(session)}
        self.counts = record_counts(session, plan_id)

    def records(self, kind: str) -> list[Record]:
        return list_records(self.session, self.plan_id, kind)

    def region_name(self, code: str, lang: str | None = None) -> str:
        region = self.regions.get(code)
        if region is None:
            return code
        return region.name_zh if (lang or self.ui) == "zh" else region.name_en

    def group_name(self, code: str, lang: str | None = None) -> str:
        group = self.groups.get(code)
        if group is None:
            return code
        return group.name_zh if (lang or self.ui) == "zh" else group.name_en

    def row(self, r: Record) -> dict[str, Any]:
        """The parts every table row shows: anchor, citation linked to the reader, the sentence."""
        text = self.doc.by_eid[r.eid].text.get(r.lang, "") if r.eid in self.doc.by_eid else r.text
        rid = record_id(r)
        mark = records.Mark(r.kind, "", r)
        return {
            "r": r,
            "id": rid,
            "anchor": urls_extract.record_anchor(rid),
            "cite": self.doc.cite(r.eid, self.ui),
            "href": urls.unit_page(self.plan_id, r.eid),
            "sentence": records.sentence_of(text, r.start, r.end, mark),
        }

    def render(self, request: Request, template: str, kind: str, context: dict[str, Any]) -> HTMLResponse:
        plan = self.doc.plan
        tabs = [
            {
                "kind": k,
                "href": urls_extract.records_page(self.plan_id, k),
                "count": self.counts[k],
                "current": k == kind,
            }
            for k in KINDS
        ]
        values = {
            "plan": plan,
            "plan_title": plan_title(plan, self.ui),
            "kind": kind,
            "tabs": tabs,
            "regions_href": urls_regions.regions_page(),
            "json_twin": urls_extract.api_records(self.plan_id, kind),
            "csv_href": urls_extract.csv_records(self.plan_id, kind),
            "urls_extract": urls_extract,
            "extracted": sum(self.counts.values()) > 0,
            **context,
        }
        return render(request, template, values, json_href=urls_extract.api_records(self.plan_id, kind))


def _choice(value: str | None, allowed: set[str]) -> str:
    """A filter value, or "" when it is not one of the allowed values."""
    return value if value in allowed else ""


# ---------------------------------------------------------------------------------------------- targets


@router.get("/plans/{plan_id}/targets", response_class=HTMLResponse)
def targets_page(
    request: Request, plan_id: str, session: SessionDep, year: str | None = None
) -> HTMLResponse:
    """The plan's quantitative targets, grouped by target year; ?year=2025 or ?year=none filters."""
    ctx = _Ctx(request, session, plan_id)
    rows = [ctx.row(r) for r in ctx.records("target")]
    years = sorted({r["r"].target_year for r in rows if r["r"].target_year is not None})
    choice = _choice(year, {str(y) for y in years} | {NO_YEAR})
    groups: dict[int | None, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row["r"].target_year, []).append(row)
    ordered = [(y, groups[y]) for y in [*years, None] if y in groups]
    if choice:
        ordered = [(y, g) for y, g in ordered if (str(y) if y is not None else NO_YEAR) == choice]
    options = [{"value": str(y), "year": y, "count": len(groups[y])} for y in years]
    if None in groups:
        options.append({"value": NO_YEAR, "year": None, "count": len(groups[None])})
    context = {
        "groups": [{"year": y, "rows": g} for y, g in ordered],
        "total": len(rows),
        "shown": sum(len(g) for _, g in ordered),
        "year": choice,
        "year_options": options,
        "filter_href": urls_extract.records_page(plan_id, "target"),
    }
    return ctx.render(request, "targets.html", "target", context)


# ---------------------------------------------------------------------------------------------- facts


@router.get("/plans/{plan_id}/facts", response_class=HTMLResponse)
def facts_page(request: Request, plan_id: str, session: SessionDep) -> HTMLResponse:
    """The figures the plan gives about the present state, in document order."""
    ctx = _Ctx(request, session, plan_id)
    rows = [ctx.row(r) for r in ctx.records("fact")]
    context = {"rows": rows, "total": len(rows), "stated": sum(1 for r in rows if r["r"].ref_year_stated)}
    return ctx.render(request, "facts.html", "fact", context)


# ---------------------------------------------------------------------------------------------- projects


def _province_of(ctx: _Ctx, code: str) -> str | None:
    region = ctx.regions.get(code)
    return region.province_code if region else None


@router.get("/plans/{plan_id}/projects", response_class=HTMLResponse)
def projects_page(
    request: Request,
    plan_id: str,
    session: SessionDep,
    type: str | None = None,  # the query parameter's name
    province: str | None = None,
) -> HTMLResponse:
    """Named projects with filters by type and province, a table and a map of where they are.

    A project is drawn once at each of its places (a marker per place, projects at the same place
    sharing it): the places are where the text puts the project, not a route, so no line is drawn
    between them.
    """
    ctx = _Ctx(request, session, plan_id)
    everything = ctx.records("project")
    provinces = [r for r in ctx.regions.values() if r.level == "province"]
    type_choice = _choice(type, set(PROJECT_TYPES))
    province_choice = _choice(province, {p.code for p in provinces} | {NO_PLACE})

    def in_province(r: Any) -> bool:
        if province_choice == NO_PLACE:
            return not r.places
        return not province_choice or any(_province_of(ctx, c) == province_choice for c in r.places)

    chosen = [r for r in everything if (not type_choice or r.type == type_choice) and in_province(r)]
    rows = []
    points: dict[str, dict[str, Any]] = {}
    projects: dict[str, dict[str, Any]] = {}
    for r in chosen:
        row = ctx.row(r)
        row["places"] = [
            {"code": c, "name": ctx.region_name(c), "href": urls_extract.place_href(plan_id, c)}
            for c in r.places
        ]
        rows.append(row)
        mapped = [c for c in r.places if c in ctx.regions]
        if not mapped:
            continue
        projects[row["anchor"]] = {
            "name": r.name,
            "type": r.type,
            "href": row["href"],
            "row": "#" + row["anchor"],
            "cite": row["cite"],
        }
        for code in mapped:
            region = ctx.regions[code]
            point = points.setdefault(
                code,
                {
                    "code": code,
                    "name": ctx.region_name(code),
                    "other": ctx.region_name(code, _other(ctx.ui)),
                    "level": region.level,
                    "lon": region.lon,
                    "lat": region.lat,
                    "projects": [],
                },
            )
            point["projects"].append(row["anchor"])
    type_counts = Counter(r.type for r in everything)
    context = {
        "rows": rows,
        "total": len(everything),
        "shown": len(rows),
        "unplaced": sum(1 for r in chosen if not any(c in ctx.regions for c in r.places)),
        "mapped": len(projects),
        "markers": len(points),
        "type": type_choice,
        "province": province_choice,
        "type_options": [{"value": t, "count": type_counts[t]} for t in PROJECT_TYPES if type_counts[t]],
        "province_options": [
            {
                "value": p.code,
                "name": ctx.region_name(p.code),
                "count": sum(1 for r in everything if any(_province_of(ctx, c) == p.code for c in r.places)),
            }
            for p in provinces
        ]
        + [{"value": NO_PLACE, "name": None, "count": sum(1 for r in everything if not r.places)}],
        "filter_href": urls_extract.records_page(plan_id, "project"),
        "map_data": _script_json({"points": list(points.values()), "projects": projects}),
        "geojson": {level: urls_regions.api_geojson(level) for level in ("province", "prefecture", "county")},
    }
    return ctx.render(request, "projects.html", "project", context)


def _script_json(data: Any) -> str:
    """JSON to place inside a <script> element: <, > and & escaped, so no text can close the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _other(ui: str) -> str:
    return "en" if ui == "zh" else "zh"


# ---------------------------------------------------------------------------------------------- places


@router.get("/plans/{plan_id}/places", response_class=HTMLResponse)
def places_page(request: Request, plan_id: str, session: SessionDep) -> HTMLResponse:
    """Every place the plan names, counted per region and per group; unresolved names flagged."""
    ctx = _Ctx(request, session, plan_id)
    by_key: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in ctx.records("place"):
        if r.status == "resolved" and r.region_code:
            key = ("region", r.region_code)
        elif r.status == "resolved" and r.group_code:
            key = ("group", r.group_code)
        else:
            key = ("unresolved", r.name)
        by_key.setdefault(key, []).append(ctx.row(r))

    def entry(key: tuple[str, str], rows: list[dict[str, Any]]) -> dict[str, Any]:
        what, code = key
        out: dict[str, Any] = {
            "key": code,
            "anchor": urls_extract.place_anchor(code),
            "rows": rows,
            "count": len(rows),
        }
        if what == "region":
            region = ctx.regions.get(code)
            out |= {
                "name": ctx.region_name(code),
                "other": ctx.region_name(code, _other(ctx.ui)),
                "level": region.level if region else "",
                "region_href": urls_regions.region_anchor(code),
                "province": region.province_code if region else "",
            }
        elif what == "group":
            out |= {
                "name": ctx.group_name(code),
                "other": ctx.group_name(code, _other(ctx.ui)),
                "group_href": urls_regions.group_anchor(code) if code in ctx.groups else None,
            }
        else:
            first = rows[0]["r"]
            out |= {
                "name": code,
                "status": first.status,
                "candidates": [{"code": c, "name": ctx.region_name(c)} for c in first.candidates],
            }
        return out

    level_rank = {"province": 0, "prefecture": 1, "county": 2}
    regions = sorted(
        (entry(k, v) for k, v in by_key.items() if k[0] == "region"),
        key=lambda e: (e["province"], level_rank.get(e["level"], 3), -e["count"], e["key"]),
    )
    provinces = []
    for code in records.unique(e["province"] for e in regions):
        members = [e for e in regions if e["province"] == code]
        provinces.append(
            {
                "code": code,
                "name": ctx.region_name(code),
                "regions": members,
                "count": sum(e["count"] for e in members),
            }
        )
    groups = sorted(
        (entry(k, v) for k, v in by_key.items() if k[0] == "group"), key=lambda e: (-e["count"], e["key"])
    )
    unresolved = sorted(
        (entry(k, v) for k, v in by_key.items() if k[0] == "unresolved"),
        key=lambda e: (-e["count"], e["key"]),
    )
    context = {
        "provinces": provinces,
        "groups": groups,
        "unresolved": unresolved,
        "total": ctx.counts["place"],
        "n_regions": len(regions),
        "n_groups": len(groups),
        "n_unresolved": sum(e["count"] for e in unresolved),
    }
    return ctx.render(request, "places.html", "place", context)


# ---------------------------------------------------------------------------------------------- tasks


@router.get("/plans/{plan_id}/tasks", response_class=HTMLResponse)
def tasks_page(
    request: Request, plan_id: str, session: SessionDep, body: str | None = None, stated: str | None = None
) -> HTMLResponse:
    """The plan's measures by chapter with their responsible bodies; ?body=CODE, ?stated=1|0 filter."""
    ctx = _Ctx(request, session, plan_id)
    everything = ctx.records("task")
    zh_names = actor_names()

    def body_view(code: str, is_stated: bool) -> dict[str, Any]:
        name = ctx.region_name(code) if code in ctx.regions else zh_names.get(code, code)
        return {
            "code": code,
            "name": name,
            "stated": is_stated,
            "href": urls_extract.records_page(plan_id, "task", body=code),
        }

    all_bodies = records.unique(code for r in everything for code in r.bodies)
    body_choice = _choice(body, set(all_bodies))
    stated_choice = _choice(stated, {"1", "0"})
    chosen = [
        r
        for r in everything
        if (not body_choice or body_choice in r.bodies)
        and (not stated_choice or r.bodies_stated == (stated_choice == "1"))
    ]
    chapters: dict[str, dict[str, Any]] = {}
    for r in chosen:
        top = urls.chapter_of(r.eid) or r.eid
        if top not in chapters:
            unit = ctx.doc.by_eid.get(top)
            chapters[top] = {
                "eid": top,
                "name": unit_name(unit, ctx.ui) if unit else top,
                "href": urls.chapter_page(plan_id, top),
                "rows": [],
            }
        row = ctx.row(r)
        row["bodies"] = [body_view(code, r.bodies_stated) for code in r.bodies]
        chapters[top]["rows"].append(row)
    horizons = records.unique(r.horizon for r in everything if r.horizon)
    context = {
        "chapters": list(chapters.values()),
        "total": len(everything),
        "shown": len(chosen),
        "n_stated": sum(1 for r in everything if r.bodies_stated),
        "n_default": sum(1 for r in everything if not r.bodies_stated),
        "horizons": horizons,
        "body": body_choice,
        "stated": stated_choice,
        "body_options": [
            {
                "value": code,
                "name": body_view(code, True)["name"],
                "count": sum(1 for r in everything if code in r.bodies),
            }
            for code in all_bodies
        ],
        "filter_href": urls_extract.records_page(plan_id, "task"),
    }
    return ctx.render(request, "tasks.html", "task", context)


# ---------------------------------------------------------------------------------------------- reader


def mark_label(regions: dict[str, Region], groups: dict[str, RegionGroup], r: Record) -> str:
    """The data part of a highlight's tooltip: a place's English name, a project's name, a figure."""
    if r.kind == "place":
        if r.region_code and r.region_code in regions:
            return regions[r.region_code].name_en
        if r.group_code and r.group_code in groups:
            return groups[r.group_code].name_en
        return ""
    if r.kind == "project":
        return r.name
    if r.kind in ("target", "fact"):
        return f"{r.indicator} {r.value_text}"
    return ""


def mark_href(plan_id: str, r: Record) -> str:
    """Where a highlight leads: a place's row on the places page, else the record's own row."""
    if r.kind == "place":
        key = (r.region_code or r.group_code) if r.status == "resolved" else r.name
        return urls_extract.place_href(plan_id, key or r.name)
    return urls_extract.record_href(plan_id, record_id(r))


def reader_marks(session: Session, plan_id: str, top: Any) -> dict[str, dict[str, Any]]:
    """The highlights of one top-level unit for the chapter page (see `records.chapter_marks`)."""
    regions = {r.code: r for r in regions_store.list_regions(session)}
    groups = {g.code: g for g in regions_store.list_groups(session)}
    return records.chapter_marks(
        session,
        plan_id,
        top,
        href=lambda r: mark_href(plan_id, r),
        label=lambda r: mark_label(regions, groups, r),
    )
