"""Group values from members with the indicator's rule, on SQLite and PostgreSQL.

Figures are SYNTHETIC (round numbers chosen for easy arithmetic) unless a comment says otherwise.
"""

from __future__ import annotations

import pytest

from yrd.db import Database
from yrd.errors import InputError
from yrd.stats import store
from yrd.stats.aggregate import group_value, parse_formula
from yrd.stats.model import ObservationIn

PROVINCES = ("310000", "320000", "330000", "340000")
SRC = "synthetic (test)"


def _obs(indicator: str, region: str, value: float, unit: str, period: str = "2020") -> ObservationIn:
    return ObservationIn(
        region=region, indicator=indicator, period=period, value=value, unit=unit, source=SRC
    )


def _load(db: Database, rows: list[ObservationIn]) -> None:
    with db.write() as session:
        store.write_observations(session, {"id": "synthetic"}, rows)


@pytest.fixture
def data(db: Database) -> Database:
    rows = []
    for i, code in enumerate(PROVINCES, start=1):
        rows += [
            _obs("rd_expenditure", code, 100.0 * i, "亿元"),  # 100, 200, 300, 400
            _obs("gdp", code, 5000.0 * i, "亿元"),  # 5000 … 20000
            _obs("resident_population", code, 1000.0 * i, "万人"),
            _obs("disposable_income", code, 10000.0 * i, "元"),
        ]
    rows += [
        _obs("railway_length", "320000", 4000, "公里"),
        _obs("land_area", "320000", 100000, "平方公里"),
        _obs("urban_disposable_income", "330000", 60000, "元"),
        _obs("rural_disposable_income", "330000", 30000, "元"),
        _obs("gdp_per_capita", "central-area", 120000, "元"),
        _obs("gdp_per_capita", "yrd", 100000, "元"),
    ]
    _load(db, rows)
    return db


def test_sum_and_missing_members(data: Database) -> None:
    with data.read() as session:
        v = group_value(session, "rd_expenditure", "yrd", "2020")
        assert (v.value, v.method, v.missing, v.complete) == (1000.0, "sum", [], True)
        assert v.members == list(PROVINCES)
        none = group_value(session, "rd_expenditure", "yrd", "2021")
        assert none.value is None and none.missing == [f"rd_expenditure@{c}" for c in PROVINCES]
        # the central area's 27 cities have no figures at all: no value, every member listed
        central = group_value(session, "rd_expenditure", "central-area", "2020")
        assert central.value is None and len(central.missing) == 27


def test_one_missing_member_means_no_value_unless_partial(data: Database) -> None:
    _load(data, [_obs("highway_length", c, 1000.0, "公里") for c in PROVINCES[:3]])
    with data.read() as session:
        strict = group_value(session, "highway_length", "yrd", "2020")
        assert strict.value is None and strict.missing == ["highway_length@340000"] and not strict.complete
        partial = group_value(session, "highway_length", "yrd", "2020", partial=True)
        assert (
            partial.value == 3000.0 and not partial.complete and partial.missing == ["highway_length@340000"]
        )


def test_a_reported_group_figure_wins(data: Database) -> None:
    _load(data, [_obs("rd_expenditure", "yrd", 999.0, "亿元")])
    with data.read() as session:
        v = group_value(session, "rd_expenditure", "yrd", "2020")
        assert (v.value, v.method, v.source) == (999.0, "reported", SRC)


def test_weighted_mean(data: Database) -> None:
    with data.read() as session:
        v = group_value(session, "disposable_income", "yrd", "2020")
        # Σ income × population / Σ population = (1+4+9+16)·10⁷ / 10⁴ = 30000
        assert v.method == "weighted_mean" and v.value == pytest.approx(30000.0)


def test_ratio_of_sums(data: Database) -> None:
    with data.read() as session:
        v = group_value(session, "rd_intensity", "yrd", "2020")
        assert v.method == "ratio_of_sums" and v.value == pytest.approx(1000 / 50000 * 100)
        per_head = group_value(session, "gdp_per_capita", "320000", "2020")  # a region, derived
        assert per_head.value == pytest.approx(10000 / 2000 * 10000)
        density = group_value(session, "railway_density", "320000", "2020")
        assert density.value == pytest.approx(400.0)  # 4000 km / 10 万km²
        missing = group_value(session, "railway_density", "310000", "2020")
        assert missing.value is None and set(missing.missing) == {"railway_length@310000", "land_area@310000"}


def test_formulas(data: Database) -> None:
    with data.read() as session:
        ratio = group_value(session, "urban_rural_income_ratio", "330000", "2020")
        assert ratio.method == "formula" and ratio.value == 2.0
        central = group_value(session, "central_gdp_per_capita_ratio", "central-area", "2020")
        assert central.value == pytest.approx(1.2)
        no_rule = group_value(session, "pm25_concentration", "yrd", "2020")
        assert no_rule.value is None and no_rule.method == "none"


def test_as_of(data: Database) -> None:
    with data.read() as session:
        assert group_value(session, "rd_expenditure", "yrd", "2020", as_of="1999").value is None


@pytest.mark.parametrize("bad", ["__import__('os')", "gdp ** 2", "gdp(1)", "'a' + gdp", "gdp +"])
def test_formula_parser_refuses_anything_else(bad: str) -> None:
    with pytest.raises(InputError):
        parse_formula(bad)


def test_formula_references() -> None:
    _tree, refs = parse_formula("gdp_per_capita@central-area / gdp_per_capita@yrd")
    assert sorted(refs.values()) == [("gdp_per_capita", "central-area"), ("gdp_per_capita", "yrd")]
