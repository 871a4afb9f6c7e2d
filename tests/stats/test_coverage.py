"""Data coverage and per-indicator counts from grouped queries, on SQLite and PostgreSQL.

Every figure here is SYNTHETIC (small round numbers; only the counts matter).
"""

from __future__ import annotations

from collections import Counter

import pytest

from yrd.db import Database
from yrd.stats import store
from yrd.stats.coverage import EMPTY_COUNTS, cells, coverage, indicator_counts, missing_years
from yrd.stats.model import ObservationIn

SRC = "synthetic (test)"


def _obs(indicator: str, region: str, period: str, value: float, unit: str = "亿元") -> ObservationIn:
    return ObservationIn(
        region=region, indicator=indicator, period=period, value=value, unit=unit, source=SRC
    )


def _load(db: Database, rows: list[ObservationIn], batch: str) -> None:
    with db.write() as session:
        store.write_observations(session, {"id": batch}, rows)


@pytest.fixture
def data(db: Database) -> Database:
    """GDP: Shanghai 2018, 2020 (revised once), 2020-Q2; Jiangsu 2019; the Delta 2020.
    Population: Anhui 2018. A city (Nanjing) 2021."""
    _load(db, [
        _obs("gdp", "310000", "2018", 1), _obs("gdp", "310000", "2020", 2),
        _obs("gdp", "310000", "2020-Q2", 3), _obs("gdp", "320000", "2019", 4), _obs("gdp", "yrd", "2020", 5),
        _obs("resident_population", "340000", "2018", 6, "万人"), _obs("gdp", "320100", "2021", 7),
    ], "b1")  # fmt: skip
    _load(db, [_obs("gdp", "310000", "2020", 2.5)], "b2")  # a revision: vintage 2
    return db


def test_cells_count_vintages_per_indicator_region_and_year(data: Database) -> None:
    with data.read() as session:
        grid = cells(session)
    # Shanghai 2020: two vintages of "2020" and one of "2020-Q2" → 3
    assert grid["gdp"]["310000"] == {2018: 1, 2020: 3}
    assert grid["gdp"]["320000"] == {2019: 1} and grid["gdp"]["yrd"] == {2020: 1}
    assert grid["resident_population"] == {"340000": {2018: 1}}
    # the same as counting every observation one by one
    with data.read() as session:
        every = store.observations(session, vintage="all")
    brute = Counter((o.indicator, o.region, int(o.period[:4])) for o in every)
    flat = {(i, r, y): n for i, per in grid.items() for r, years in per.items() for y, n in years.items()}
    assert flat == dict(brute)


def test_indicator_counts(data: Database) -> None:
    with data.read() as session:
        counts = indicator_counts(session)
    assert counts["gdp"] == {"observations": 6, "vintages": 7, "regions": 4, "first": "2018", "last": "2021"}
    assert counts["resident_population"]["observations"] == 1
    assert "rd_intensity" not in counts and EMPTY_COUNTS["observations"] == 0


def test_coverage_says_what_is_there_and_what_is_missing(data: Database) -> None:
    with data.read() as session:
        cov = coverage(session, {"gdp": ["target:x"]})
    assert cov["years"] == [2018, 2019, 2020, 2021]
    codes = [r["code"] for r in cov["regions"]]
    # provinces, then the Delta, then a city with its own figures
    assert codes == ["310000", "320000", "330000", "340000", "yrd", "320100"]
    assert cov["regions"][-1]["kind"] == "other" and cov["regions"][-1]["name_zh"] == "南京市"
    gdp = next(i for i in cov["indicators"] if i["code"] == "gdp")
    assert gdp["cells"]["310000"] == {"2018": 1, "2020": 3} and gdp["vintages"] == 7
    assert gdp["missing"] == {"310000": [2019, 2021], "320000": [2018, 2020, 2021], "yrd": [2018, 2019, 2021],
                              "320100": [2018, 2019, 2020]}  # fmt: skip
    assert gdp["without_data"] == ["330000", "340000"] and gdp["targets"] == ["target:x"]
    empty = next(i for i in cov["indicators"] if i["code"] == "rd_intensity")
    assert empty["cells"] == {} and empty["missing"] == {} and empty["without_data"] == codes
    assert cov["summary"] == {"indicators": len(cov["indicators"]), "with_data": 2, "target_indicators": 1,
                              "target_indicators_with_data": 1, "targets": 1, "vintages": 8}  # fmt: skip


def test_coverage_of_an_empty_database(db: Database) -> None:
    with db.read() as session:
        cov = coverage(session)
    assert cov["years"] == [] and cov["summary"]["vintages"] == 0
    assert [r["code"] for r in cov["regions"]] == ["310000", "320000", "330000", "340000", "yrd"]


def test_missing_years() -> None:
    gaps, without = missing_years({"a": {2018: 1, 2020: 2}}, ["a", "b"], [2018, 2019, 2020])
    assert gaps == {"a": [2019]} and without == ["b"]
