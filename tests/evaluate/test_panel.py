"""Panels, disparity reports, the integration index read from the database, on SQLite and PostgreSQL.

Every figure here is SYNTHETIC (round numbers chosen so the expectations can be computed by hand;
they repeat the worked examples of docs/methods.md).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from yrd.db import Database
from yrd.errors import InputError, NotFoundError
from yrd.evaluate.panel import disparity_report, index_dimensions, indicator_panel, integration_index
from yrd.regions.store import seed_regions
from yrd.stats import store
from yrd.stats.model import ObservationIn
from yrd.stats.registry import load_registry

SRC = "synthetic (test)"
REG = load_registry()


def obs(indicator: str, region: str, period: int, value: float) -> ObservationIn:
    unit = REG.require(indicator).unit
    return ObservationIn(
        region=region, indicator=indicator, period=str(period), value=value, unit=unit, source=SRC
    )


def load(db: Database, rows: list[ObservationIn]) -> Database:
    seed_regions(db)
    with db.write() as session:
        store.write_observations(session, {"id": "synthetic"}, rows)
    return db


def test_panel_reported_computed_missing_and_municipal(db: Database) -> None:
    rows = [
        obs("gdp", p, 2020, v)
        for p, v in zip(("310000", "320000", "330000", "340000"), (1, 2, 3, 4), strict=True)
    ]
    rows += [obs("gdp", "320000", 2021, 5.0), obs("gdp", "yrd", 2021, 99.0)]
    with load(db, rows).read() as session:
        p = indicator_panel(session, "gdp", ["yrd", "320000", "340000", "310100"])
        assert p.years == [2020, 2021] and p.values.shape == (4, 2)
        # yrd 2020: the sum of its members, computed; 2021: its reported figure (members incomplete)
        assert p.values[0].tolist() == [10.0, 99.0] and p.computed[0].tolist() == [True, False]
        assert p.row("320000").tolist() == [2.0, 5.0]
        assert p.values[2, 0] == 4.0 and math.isnan(p.values[2, 1])
        # 上海 the city (310100) takes the municipality's figures
        assert p.values[3, 0] == 1.0 and not p.computed[3].any()
        fixed = indicator_panel(session, "gdp", ["320000"], years=[2019, 2020])
        assert fixed.years == [2019, 2020] and math.isnan(fixed.values[0, 0])
        assert p.to_dict()["values"][2][1] is None
        with pytest.raises(NotFoundError):
            indicator_panel(session, "no_such_indicator", ["320000"])
        with pytest.raises(NotFoundError):
            indicator_panel(session, "gdp", ["nowhere"])


def test_disparity_report_by_city_with_decomposition(db: Database) -> None:
    # y = 1, 3, 4 in two Jiangsu cities and one Zhejiang city (docs/methods.md worked example)
    cities = ("320100", "320200", "330100")
    rows = [obs("gdp_per_capita", c, 2010, v) for c, v in zip(cities, (1.0, math.e, math.e**2), strict=True)]
    rows += [obs("gdp_per_capita", c, 2015, v) for c, v in zip(cities, (1.0, 3.0, 4.0), strict=True)]
    rows += [obs("resident_population", c, 2015, n) for c, n in zip(cities, (2.0, 1.0, 1.0), strict=True)]
    # 2020: ln y₁₀ = ln y₀ + 10 g with g = 0.05, 0.02, 0.01 (the β worked example, over 2010–2020)
    rows += [
        obs("gdp_per_capita", c, 2020, math.exp(x + 10 * g))
        for c, x, g in zip(cities, (0, 1, 2), (0.05, 0.02, 0.01), strict=True)
    ]
    rows += [obs("gdp_per_capita", "320300", 2021, 7.0)]  # one region alone: no disparity that year
    with load(db, rows).read() as session:
        r = disparity_report(session, "gdp_per_capita", "city")
    assert len(r.regions) == 41 and [y.year for y in r.years] == [2010, 2015, 2020]
    y = r.years[1]
    assert y.n_regions == 3 and y.regions == list(cities)
    assert y.cv == pytest.approx(0.4677, abs=1e-4)
    assert y.cv_weighted == pytest.approx(0.5774, abs=1e-4) and y.weighted_regions == list(cities)
    # weighted by population 2, 1, 1: Theil and Gini use them; check the unweighted case in 2010
    t = r.years[0]
    assert t.cv_weighted is None and t.notes
    d = r.to_dict()
    assert d["years"][0]["cv_weighted"] is None
    beta = d["beta"]
    assert (beta["start"], beta["end"], beta["n"]) == (2010, 2020, 3)
    assert beta["beta"] == pytest.approx(-0.02) and beta["half_life"] == pytest.approx(31.06, abs=0.01)
    assert beta["regions"] == list(cities)
    assert d["sigma"]["years"] == [2010, 2015, 2020] and set(d["sigma"]["regions"]["2015"]) == set(cities)


def test_disparity_unweighted_theil_decomposition(db: Database) -> None:
    cities = ("320100", "320200", "330100")
    rows = [obs("gdp_per_capita", c, 2015, v) for c, v in zip(cities, (1.0, 3.0, 4.0), strict=True)]
    with load(db, rows).read() as session:
        city = disparity_report(session, "gdp_per_capita", "city").years[0]
        province = disparity_report(session, "gdp_per_capita", "province")
    assert city.theil == pytest.approx(0.12430, abs=1e-5)
    assert city.theil_between == pytest.approx(0.05889, abs=1e-5)
    assert city.theil_within == pytest.approx(0.06541, abs=1e-5)
    assert city.gini == pytest.approx(0.25) and city.max_min_ratio == pytest.approx(4.0)
    assert province.years == [] and province.sigma is None and province.notes
    assert province.to_dict()["beta"] is None


def test_disparity_bad_input(db: Database) -> None:
    with load(db, []).read() as session:
        with pytest.raises(InputError, match="level"):
            disparity_report(session, "gdp", "county")  # type: ignore[arg-type]
        with pytest.raises(NotFoundError):
            disparity_report(session, "nope")


def test_index_dimensions_file_is_reviewed_and_known() -> None:
    spec = index_dimensions()
    assert "REVIEWED" in spec["about"]
    codes = ["coordination", "innovation", "infrastructure", "ecology", "public_services", "institutions"]
    assert [d["code"] for d in spec["dimensions"]] == codes
    for n, d in enumerate(spec["dimensions"], start=2):
        assert d["eid"] == f"chp_2__sec_4__para_{n}"
        for item in d["indicators"]:
            REG.require(item["code"])


def test_integration_index_hand_computed(db: Database) -> None:
    # A = 1, 2, 3 (urbanization, higher is better); B = 10, 30, 20 (PM2.5, lower is better); Anhui none
    provinces = ("310000", "320000", "330000")
    rows = [obs("urbanization_rate", p, 2020, v) for p, v in zip(provinces, (1.0, 2.0, 3.0), strict=True)]
    rows += [
        obs("pm25_concentration", p, 2020, v) for p, v in zip(provinces, (10.0, 30.0, 20.0), strict=True)
    ]
    rows += [obs("life_expectancy", "310000", 2020, 80.0)]  # one region only: left out
    with load(db, rows).read() as session:
        r = integration_index(session)
        g = integration_index(session, 2020, aggregation="geometric")
        with pytest.raises(InputError, match="weighting"):
            integration_index(session, weighting="votes")
        empty = integration_index(session, 2019)
    assert r.period == 2020 and r.years == [2020]
    assert [r.index[p][0] for p in provinces] == pytest.approx([0.5, 0.25, 0.75])
    assert r.index["340000"] == [None] or math.isnan(r.index["340000"][0])
    assert r.ranks == {"310000": 2, "320000": 3, "330000": 1, "340000": None}
    assert [g.index[p][0] for p in provinces] == pytest.approx([10.0, math.sqrt(50.5), math.sqrt(5050)])
    assert [u["indicator"] for u in r.used] == ["urbanization_rate", "pm25_concentration"]
    out = {x["indicator"]: x["reason"] for x in r.left_out}
    assert (
        out["life_expectancy"] == "1 region(s) with a value in 2020 (needs 2)"
        and out["rd_intensity"] == "no data"
    )
    assert {d["code"] for d in r.dimensions_left_out} == {
        "innovation",
        "infrastructure",
        "public_services",
        "institutions",
    }
    sens = r.sensitivity["regions"]
    assert len(r.sensitivity["variants"]) == 3 * 3 * 2
    assert all(sens[p]["min_rank"] <= sens[p]["median_rank"] <= sens[p]["max_rank"] for p in sens)
    assert sens["340000"]["min_rank"] == 4  # no value: last in every variant
    d = r.to_dict()
    assert d["index"]["340000"] == [None] and np.isfinite(d["index"]["310000"][0])
    assert empty.used == [] and empty.sensitivity is None and empty.to_dict()["ranks"]["310000"] is None
