"""Every URL of the Regions capability, built here so that pages, API and tests agree."""

from __future__ import annotations

from urllib.parse import quote, urlencode


def _query(**params: str | None) -> str:
    args = {k: v for k, v in params.items() if v}
    return "?" + urlencode(args) if args else ""


def regions_page(group: str | None = None) -> str:
    return "/regions" + _query(group=group)


def region_anchor(code: str) -> str:
    """A region's row on the regions page."""
    return f"/regions#r{quote(code)}"


def group_anchor(code: str) -> str:
    """A group's entry on the regions page."""
    return f"/regions?group={quote(code)}#g-{quote(code)}"


def api_regions(level: str | None = None, group: str | None = None) -> str:
    return "/api/regions" + _query(level=level, group=group)


def api_region(code: str) -> str:
    return f"/api/regions/{quote(code)}"


def api_groups() -> str:
    return "/api/groups"


def api_group(code: str) -> str:
    return f"/api/groups/{quote(code)}"


def api_geojson(level: str = "prefecture", group: str | None = None) -> str:
    return "/api/regions.geojson" + _query(level=level, group=group)
