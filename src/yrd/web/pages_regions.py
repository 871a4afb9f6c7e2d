"""The regions page: the Delta's hierarchy with codes and bilingual names, the region groups with
their sources, and a map drawn in the browser from the boundary GeoJSON (``static/map.js``).

The route reads through `yrd.regions.store` and hands plain values to ``regions.html``; every
string people read is a gettext message in the template. The JSON twin is ``/api/regions``.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from yrd.regions import store
from yrd.regions.gazetteer import Region, load_gazetteer
from yrd.regions.groups import RegionGroup
from yrd.web import records, urls_extract, urls_regions
from yrd.web.deps import SessionDep
from yrd.web.pages import render, ui_lang

router = APIRouter(include_in_schema=False)


def _name(r: Region, ui: str) -> str:
    return r.name_zh if ui == "zh" else r.name_en


def _hierarchy(regions: list[Region]) -> list[dict[str, Any]]:
    """Provinces, each with its prefectures, each with its counties, in code order."""
    kids: dict[str | None, list[Region]] = {}
    for r in regions:
        kids.setdefault(r.parent_code, []).append(r)
    return [
        {
            "region": p,
            "prefectures": [{"region": c, "counties": kids.get(c.code, [])} for c in kids.get(p.code, [])],
        }
        for p in kids.get(None, [])
    ]


def _group_view(g: RegionGroup, by_code: dict[str, Region], ui: str, selected: str | None) -> dict[str, Any]:
    partial = set(g.partial_members)
    members = [
        {
            "code": c,
            "name": _name(by_code[c], ui),
            "partial": c in partial,
            "href": urls_regions.region_anchor(c),
        }
        for c in g.members
        if c in by_code
    ]
    status = "unknown" if g.definition == "unknown" else "partial" if g.partial else "complete"
    return {
        "group": g,
        "name": g.name_zh if ui == "zh" else g.name_en,
        "other_name": g.name_en if ui == "zh" else g.name_zh,
        "members": members,
        "status": status,
        "href": urls_regions.group_anchor(g.code),
        "json_href": urls_regions.api_group(g.code),
        "selected": g.code == selected,
    }


def _map_groups(groups: list[RegionGroup], by_code: dict[str, Region]) -> str:
    """What map.js needs to highlight each group: member codes split by layer."""
    out = {}
    for g in groups:
        out[g.code] = {
            "prefecture": [c for c in g.members if by_code[c].level != "county"],
            "county": [c for c in g.members if by_code[c].level == "county"],
            "partial": list(g.partial_members),
        }
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


def _mention_links(mentions: tuple[str, Any] | None) -> dict[str, dict[str, Any]] | None:
    """Each region or group a plan names: how often, and its row on that plan's places page."""
    if mentions is None:
        return None
    plan_id, counts = mentions
    return {code: {"n": n, "href": urls_extract.place_href(plan_id, code)} for code, n in counts.items()}


@router.get("/regions", response_class=HTMLResponse)
def regions_page(request: Request, session: SessionDep, group: str | None = None) -> HTMLResponse:
    """The hierarchy, the groups and the map; ?group=CODE highlights one group (without JavaScript too)."""
    ui = ui_lang(request)
    regions = store.list_regions(session)
    by_code = {r.code: r for r in regions}
    groups = store.list_groups(session)
    selected = group if any(g.code == group for g in groups) else None
    meta = load_gazetteer().metadata
    counts = {level: sum(r.level == level for r in regions) for level in ("province", "prefecture", "county")}
    mentions = records.place_mentions(session)
    context = {
        "mentions": _mention_links(mentions),
        "hierarchy": _hierarchy(regions),
        "counts": counts,
        "groups": [_group_view(g, by_code, ui, selected) for g in groups],
        "selected": selected,
        "map_groups": _map_groups(groups, by_code),
        "geojson": {level: urls_regions.api_geojson(level) for level in ("province", "prefecture", "county")},
        "sources": [meta["divisions"], meta["boundaries"]],
        "name_of": lambda r: _name(r, ui),
        "other_name_of": lambda r: _name(r, "en" if ui == "zh" else "zh"),
        "regions_page": urls_regions.regions_page,
    }
    return render(request, "regions.html", context, json_href=urls_regions.api_regions())
