"""The statistics JSON API on a database with the embedded default and the shipped figures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from yrd.bootstrap import prepare_default
from yrd.db import Database
from yrd.settings import Settings
from yrd.stats.registry import load_registry
from yrd.stats.seed import seed_official_stats


@pytest.fixture(scope="module")
def stats_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    folder = tmp_path_factory.mktemp("stats-api")
    database = Database(f"sqlite:///{folder / 'yrd.sqlite'}")
    database.migrate()
    prepare_default(database)
    seed_official_stats(database)
    yield database
    database.dispose()


@pytest.fixture
def client(stats_db: Database, tmp_path: Path) -> Iterator[TestClient]:
    from yrd.web.app import create_app

    app = create_app(Settings(data_dir=tmp_path, default_lang="zh"), stats_db)
    with TestClient(app) as c:
        yield c


def test_indicators(client: TestClient) -> None:
    body = client.get("/api/indicators").json()
    assert body["count"] == len(load_registry()) == len(body["data"])
    one = client.get("/api/indicators/expressway_density").json()
    assert one["unit"] == "公里/万平方公里"
    [target] = one["targets"]
    assert (
        target["value"] == 500.0
        and target["value_text"].startswith("5公里/百平方公里")
        and target["target_year"] == 2025
    )
    income = client.get("/api/indicators/urban_rural_income_ratio").json()
    assert income["targets"][0]["scope"] == "central-area" and income["targets"][0]["value"] == 2.2


def test_observations_filters(client: TestClient) -> None:
    current = client.get("/api/observations", params={"indicator": "gdp", "region": "340000"}).json()
    every = client.get(
        "/api/observations", params={"indicator": "gdp", "region": "340000", "vintage": "all"}
    ).json()
    assert every["count"] > current["count"] > 0
    row = current["data"][0]
    assert {"region", "indicator", "period", "value", "unit", "source", "status", "vintage"} <= set(row)
    y2016 = [r for r in current["data"] if r["period"] == "2016"]
    assert [r["value"] for r in y2016] == [26307.7] and y2016[0]["vintage"] == 2
    old = client.get(
        "/api/observations",
        params={"indicator": "gdp", "region": "340000", "period": "2016", "as_of": "2016"},
    ).json()
    assert (
        old["count"] == 0
    )  # neither source gives a publication date: both count from the day they were loaded
    group = client.get(
        "/api/observations", params={"indicator": "rd_intensity", "group": "yrd", "period": "2022"}
    )
    assert {r["region"] for r in group.json()["data"]} == {"yrd", "310000", "320000", "330000", "340000"}


def test_series_for_charts(client: TestClient) -> None:
    body = client.get("/api/indicators/rd_intensity/series").json()
    assert body["unit"] == "%" and body["targets"][0]["value"] == 3.0
    regions = {s["region"]: s for s in body["series"]}
    assert {"310000", "320000", "330000", "340000", "yrd"} <= set(regions)
    yrd = [(p["period"], p["value"]) for p in regions["yrd"]["points"]]
    assert yrd[0] == ("2018", 2.81) and [p for p, _ in yrd] == sorted(p for p, _ in yrd)


def test_errors_have_the_one_shape(client: TestClient) -> None:
    missing = client.get("/api/indicators/gdpp")
    assert missing.status_code == 404 and missing.json()["ok"] is False and "gdp" in missing.json()["error"]
    bad = client.get("/api/observations", params={"as_of": "soon"})
    assert bad.status_code == 400 and "as_of" in bad.json()["error"]
    wrong = client.get("/api/observations", params={"vintage": "newest"})
    assert wrong.status_code == 422 and wrong.json()["ok"] is False
    group = client.get("/api/observations", params={"group": "nowhere"})
    assert group.status_code == 404
