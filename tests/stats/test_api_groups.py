"""The statistics API's group values, group series, coverage and counts, on SQLite and PostgreSQL.

Every figure is SYNTHETIC: round numbers whose sums can be checked by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from yrd.db import Database
from yrd.settings import Settings
from yrd.stats import store
from yrd.stats.model import ObservationIn
from yrd.web import urls_stats

PROVINCES = ("310000", "320000", "330000", "340000")
SRC = "synthetic (test)"


def _obs(indicator: str, region: str, period: str, value: float, **extra: str) -> ObservationIn:
    return ObservationIn(region=region, indicator=indicator, period=period, value=value, unit="亿元",
                         source=SRC, **extra)  # fmt: skip


@pytest.fixture
def client(db: Database, tmp_path: Path) -> Iterator[TestClient]:
    """GDP of the four provinces: 2020 all four (100, 200, 300, 400, published 2021-03), 2021 without
    Anhui; the Delta reports 2022 itself (999). Shanghai's 2020 figure is revised to 150 in 2023-06."""
    rows = [_obs("gdp", c, "2020", 100.0 * i, published="2021-03") for i, c in enumerate(PROVINCES, 1)]
    rows += [_obs("gdp", c, "2021", 10.0) for c in PROVINCES[:3]]
    rows += [_obs("gdp", "yrd", "2022", 999.0)]
    with db.write() as session:
        store.write_observations(session, {"id": "synthetic-1"}, rows)
        store.write_observations(session, {"id": "synthetic-2"}, [
            _obs("gdp", "310000", "2020", 150.0, published="2023-06")])  # fmt: skip
    from yrd.web.app import create_app

    with TestClient(create_app(Settings(data_dir=tmp_path), db)) as c:
        yield c


def _rows(client: TestClient, **params: str) -> list[dict]:  # type: ignore[type-arg]
    answer = client.get(urls_stats.api_groups("gdp", **params))
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]


def test_group_values_reported_computed_or_none(client: TestClient) -> None:
    body = client.get(urls_stats.api_groups("gdp", groups="yrd")).json()
    assert body["unit"] == "亿元" and body["aggregation"] == "sum" and body["count"] == 3
    assert body["groups"] == [{"code": "yrd", "name_zh": "长三角", "name_en": "Yangtze River Delta",
                               "members": list(PROVINCES)}]  # fmt: skip
    by_period = {r["period"]: r for r in body["data"]}
    computed = by_period["2020"]  # 150 (revised) + 200 + 300 + 400
    assert (computed["value"], computed["kind"], computed["rule"]) == (1050.0, "computed", "sum")
    assert computed["members_used"] == list(PROVINCES) and computed["members_missing"] == []
    gap = by_period["2021"]
    assert (gap["value"], gap["kind"], gap["members_missing"], gap["missing"]) == (
        None, "none", ["340000"], ["gdp@340000"])  # fmt: skip
    assert gap["members_used"] == list(PROVINCES[:3])
    reported = by_period["2022"]
    assert (reported["value"], reported["kind"], reported["rule"], reported["vintage"]) == (
        999.0, "reported", None, 1)  # fmt: skip
    assert reported["source"] == SRC and reported["status"] == "official"


def test_group_values_as_published_and_for_one_period(client: TestClient) -> None:
    # as published in 2022: Shanghai's 2020 figure was still 100, and the 2021/2022 figures (with no
    # publication date) count from the day they were recorded, so they are not there yet
    [then] = _rows(client, groups="yrd", as_of="2022")
    assert (then["period"], then["value"]) == ("2020", 1000.0)
    [one] = _rows(client, groups="yrd,central-area", period="2021")[:1]
    assert one["group"] == "yrd" and one["kind"] == "none"
    default = {r["group"] for r in _rows(client, period="2020")}
    assert {"yrd", "central-area", "demo-zone", "nanjing-mc"} <= default


def test_series_gain_group_series_with_computed_points(client: TestClient) -> None:
    plain = client.get(urls_stats.api_series("gdp")).json()
    assert {s["region"] for s in plain["series"]} == {*PROVINCES, "yrd"}
    shanghai = next(s for s in plain["series"] if s["region"] == "310000")
    assert set(shanghai["points"][0]) >= {"period", "value", "status", "vintage", "source"}  # as before
    body = client.get(urls_stats.api_series("gdp", groups="yrd,central-area")).json()
    yrd = [s for s in body["series"] if s["region"] == "yrd"]
    assert len(yrd) == 1 and yrd[0]["group"] is True  # the stored series is replaced, not repeated
    points = [(p["period"], p["value"], p["kind"]) for p in yrd[0]["points"]]
    assert points == [("2020", 1050.0, "computed"), ("2022", 999.0, "reported")]  # 2021: no value
    assert next(s for s in body["series"] if s["region"] == "central-area")["points"] == []
    old = client.get(urls_stats.api_series("gdp", groups="yrd", as_of="2022")).json()
    assert old["as_of"] == "2022" and [p["value"] for p in old["series"][-1]["points"]] == [1000.0]


@pytest.mark.parametrize(
    ("url", "status", "names"),
    [
        (urls_stats.api_groups("gdp", period="20x"), 422, "period"),
        (urls_stats.api_groups("gdp", as_of="soon"), 422, "as_of"),
        (urls_stats.api_groups("gdp", as_of="2023-13"), 422, "as_of"),
        (urls_stats.api_groups("gdp", groups="yrd,nowhere"), 404, "groups"),
        (urls_stats.api_groups("no_such"), 404, "no_such"),
        (urls_stats.api_series("gdp", groups="nowhere"), 404, "groups"),
        (urls_stats.api_series("gdp", as_of="later"), 422, "as_of"),
    ],
)
def test_bad_parameters_are_refused_in_the_error_shape(
    client: TestClient, url: str, status: int, names: str
) -> None:
    answer = client.get(url)
    assert answer.status_code == status
    body = answer.json()
    assert body["ok"] is False and names in body["error"]


def test_coverage_and_counts_from_the_library(client: TestClient) -> None:
    cov = client.get(urls_stats.api_coverage()).json()
    gdp = next(i for i in cov["indicators"] if i["code"] == "gdp")
    assert gdp["cells"]["310000"] == {"2020": 2, "2021": 1} and gdp["vintages"] == 9
    assert gdp["missing"] == {"340000": [2021, 2022], "310000": [2022], "320000": [2022], "330000": [2022],
                              "yrd": [2020, 2021]}  # fmt: skip
    assert cov["years"] == [2020, 2021, 2022] and cov["summary"]["vintages"] == 9
    counts = {
        i["code"]: i["counts"] for i in client.get(urls_stats.api_indicators(counts=True)).json()["data"]
    }
    assert counts["gdp"] == {"observations": 8, "vintages": 9, "regions": 5, "first": "2020", "last": "2022"}
    assert counts["rd_intensity"]["observations"] == 0
