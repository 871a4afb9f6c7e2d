"""The evaluation JSON API on the real embedded default (SQLite: structure only)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from yrd.db import Database
from yrd.settings import Settings
from yrd.web.app import create_app

PATHS = ["/api/evaluation", "/api/evaluation/{target_id}", "/api/index", "/api/disparity/{indicator}",
         "/api/performance"]  # fmt: skip


@pytest.fixture
def client(default_db: Database, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(data_dir=tmp_path, default_lang="zh"), default_db)) as c:
        yield c


def test_endpoints_and_errors(client: TestClient) -> None:
    body = client.get("/api/evaluation", params={"method": ["open_sdg", "sdsn"], "headline": "sdsn"}).json()
    assert len(body["targets"]) == 18 and body["headline_method"] == "sdsn"
    tid = body["targets"][0]["id"]
    one = client.get(f"/api/evaluation/{tid}", params={"region": "320000"}).json()
    assert one["id"] == tid and [r["region"] for r in one["regions"]] == ["320000"]
    index = client.get("/api/index", params={"normalisation": "zscore", "aggregation": "geometric"}).json()
    assert index["normalisation"] == "zscore" and set(index["ranks"]) == {
        "310000",
        "320000",
        "330000",
        "340000",
    }
    dis = client.get("/api/disparity/gdp", params={"level": "province"}).json()
    assert dis["indicator"] == "gdp" and dis["regions"] == ["310000", "320000", "330000", "340000"]
    perf = client.get("/api/performance", params={"previous": 2020}).json()
    assert perf["count"] == 4 and perf["data"][0]["previous"] == 2020
    for path, status, word in [
        ("/api/evaluation/target:nope", 404, "no target"),
        ("/api/evaluation?region=999999", 404, "999999"),
        ("/api/evaluation?method=astrology", 422, "method"),
        ("/api/index?weighting=votes", 422, "weighting"),
        ("/api/index?normalisation=rank", 422, "normalisation"),
        ("/api/disparity/nope", 404, "nope"),
        ("/api/disparity/gdp?level=county", 422, "level"),
    ]:
        r = client.get(path)
        assert r.status_code == status, path
        err = r.json()
        assert set(err) == {"ok", "error", "errors"} and err["ok"] is False and word in err["error"], path


def test_openapi_describes_the_routes(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in PATHS:
        op = spec["paths"][path]["get"]
        assert op.get("summary"), path
        assert {"200", "404", "422"} <= set(op["responses"]), path
        assert "$ref" in str(op["responses"]["200"]["content"]["application/json"]["schema"]), path
    params = {p["name"] for p in spec["paths"]["/api/index"]["get"]["parameters"]}
    assert params == {"period", "normalisation", "weighting", "aggregation", "level"}
