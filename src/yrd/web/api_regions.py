"""The JSON API of the Regions capability: the gazetteer, region groups and boundaries.

Each route parses its input, calls `yrd.regions.store` or `yrd.regions.boundaries` and shapes the
result; errors take the app's one error shape.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel

from yrd.regions import boundaries, store
from yrd.regions.gazetteer import Region
from yrd.regions.groups import RegionGroup
from yrd.web import urls_regions as urls
from yrd.web.deps import SessionDep
from yrd.web.schemas import ErrorPublic

router = APIRouter(
    prefix="/api", tags=["regions"], responses={404: {"model": ErrorPublic}, 422: {"model": ErrorPublic}}
)

LevelQuery = Literal["province", "prefecture", "county"]


class RegionPublic(BaseModel):
    code: str
    name_zh: str
    short_zh: str
    name_en: str
    level: str
    parent_code: str | None
    province_code: str
    lon: float
    lat: float
    links: dict[str, str]


class RegionsPublic(BaseModel):
    data: list[RegionPublic]
    count: int


class RegionDetail(RegionPublic):
    parent: RegionPublic | None
    children: list[RegionPublic]
    groups: list[str]


class GroupMemberPublic(BaseModel):
    code: str
    name_zh: str
    name_en: str
    level: str
    partial: bool


class GroupPublic(BaseModel):
    code: str
    name_zh: str
    name_en: str
    kind: str
    definition: str
    members: list[str]
    partial_members: list[str]
    partial: bool
    source: str
    source_ref: str | None
    note: str
    links: dict[str, str]


class GroupsPublic(BaseModel):
    data: list[GroupPublic]
    count: int


class GroupDetail(GroupPublic):
    regions: list[GroupMemberPublic]


def region_public(r: Region) -> dict[str, Any]:
    return r.to_dict() | {"links": {"self": urls.api_region(r.code), "html": urls.region_anchor(r.code)}}


def group_public(g: RegionGroup) -> dict[str, Any]:
    links = {"self": urls.api_group(g.code), "html": urls.group_anchor(g.code),
             "regions": urls.api_regions(group=g.code)}  # fmt: skip
    return g.to_dict() | {"links": links}


@router.get("/regions", response_model=RegionsPublic, summary="The Delta's regions (GB/T 2260)")
def list_regions(
    session: SessionDep,
    level: Annotated[LevelQuery | None, Query(description="province, prefecture or county")] = None,
    group: Annotated[str | None, Query(description="only regions inside this group")] = None,
) -> dict[str, Any]:
    data = [region_public(r) for r in store.list_regions(session, level=level, group=group)]
    return {"data": data, "count": len(data)}


@router.get(
    "/regions.geojson",
    summary="Simplified boundaries of one level as GeoJSON (WGS-84)",
    response_class=Response,
    responses={200: {"content": {"application/geo+json": {}}}},
)
def regions_geojson(
    session: SessionDep,
    level: Annotated[LevelQuery, Query(description="province, prefecture or county")] = "prefecture",
    group: Annotated[str | None, Query(description="only regions inside this group")] = None,
) -> Response:
    headers = {"Cache-Control": "public, max-age=3600"}
    if group is None:
        return Response(
            boundaries.boundaries_bytes(level), media_type="application/geo+json", headers=headers
        )
    codes = [r.code for r in store.list_regions(session, level=level, group=group)]
    body = boundaries.subset(level, codes)
    return Response(json.dumps(body, ensure_ascii=False), media_type="application/geo+json", headers=headers)


@router.get("/regions/{code}", response_model=RegionDetail, summary="One region with its parent and children")
def get_region(code: str, session: SessionDep) -> dict[str, Any]:
    region = store.get_region(session, code)
    everything = store.list_regions(session)
    parent = next((r for r in everything if r.code == region.parent_code), None)
    children = [region_public(r) for r in everything if r.parent_code == code]
    lineage = {code} | _ancestors(everything, region)  # a region is in a group if it or an ancestor is
    groups = [g.code for g in store.list_groups(session) if lineage & set(g.members)]
    return region_public(region) | {
        "parent": region_public(parent) if parent else None,
        "children": children,
        "groups": groups,
    }


def _ancestors(regions: list[Region], region: Region) -> set[str]:
    by_code = {r.code: r for r in regions}
    out: set[str] = set()
    code = region.parent_code
    while code:
        out.add(code)
        code = by_code[code].parent_code if code in by_code else None
    return out


@router.get("/groups", response_model=GroupsPublic, summary="Region groups with their sources")
def list_groups(session: SessionDep) -> dict[str, Any]:
    data = [group_public(g) for g in store.list_groups(session)]
    return {"data": data, "count": len(data)}


@router.get("/groups/{code}", response_model=GroupDetail, summary="One region group with its members named")
def get_group(code: str, session: SessionDep) -> dict[str, Any]:
    group = store.get_group(session, code)
    partial = set(group.partial_members)
    regions = []
    for member in group.members:
        r = store.get_region(session, member)
        regions.append({"code": r.code, "name_zh": r.name_zh, "name_en": r.name_en, "level": r.level,
                        "partial": member in partial})  # fmt: skip
    return group_public(group) | {"regions": regions}
