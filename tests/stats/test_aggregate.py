"""Group values from members with the indicator's rule, on SQLite and PostgreSQL.

Figures are SYNTHETIC (round numbers chosen for easy arithmetic) unless a comment says otherwise.
"""

from __future__ import annotations

import pytest

from yrd.db import Database
from yrd.errors import InputError, NotFoundError
from yrd.stats import store
from yrd.stats.aggregate import (
    Aggregator,
    group_rows,
    group_value,
    municipal_cities,
    parse_formula,
    region_rows,
    standard_groups,
)
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
        # the central area's 27 cities have no figures but Shanghai's (its one city, 310100, is the
        # municipality 310000): no value, the 26 others listed as missing
        central = group_value(session, "rd_expenditure", "central-area", "2020")
        assert central.value is None and len(central.missing) == 26 and central.kind == "none"
        assert central.members_used == ["310100"] and "310100" not in central.members_missing
        assert len(central.members_missing) == 26 == len(central.members) - 1


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


# ---------------------------------------------------------------------------------------- what was used


def test_a_computed_value_says_which_members_and_figures_it_used(data: Database) -> None:
    _load(data, [_obs("highway_length", c, 1000.0, "公里") for c in PROVINCES[:3]])
    with data.read() as session:
        full = group_value(session, "rd_expenditure", "yrd", "2020")
        assert (full.kind, full.members_used, full.members_missing) == ("computed", list(PROVINCES), [])
        assert full.inputs == [f"rd_expenditure@{c}" for c in PROVINCES]
        gap = group_value(session, "highway_length", "yrd", "2020")
        assert (gap.kind, gap.members_used, gap.members_missing) == ("none", list(PROVINCES[:3]), ["340000"])
        # a ratio: the Delta's R&D intensity rests on R&D expenditure and GDP of all four provinces
        ratio = group_value(session, "rd_intensity", "yrd", "2020")
        assert ratio.members_used == list(PROVINCES) and len(ratio.inputs) == 8
        assert ratio.to_dict()["kind"] == "computed" and ratio.to_dict()["members_missing"] == []


def test_a_reported_figure_carries_its_vintage_and_status(data: Database) -> None:
    _load(data, [_obs("rd_expenditure", "yrd", 999.0, "亿元")])
    _load(data, [_obs("rd_expenditure", "yrd", 1001.0, "亿元")])  # a revision: vintage 2
    with data.read() as session:
        v = group_value(session, "rd_expenditure", "yrd", "2020")
        assert (v.kind, v.value, v.vintage, v.status, v.inputs) == (
            "reported", 1001.0, 2, "official", ["rd_expenditure@yrd"])  # fmt: skip
        assert v.members_used == [] and v.members == list(PROVINCES)


def test_a_municipality_stands_for_its_one_city(data: Database) -> None:
    with data.read() as session:
        assert municipal_cities(session) == {"310100": "310000"}  # Jiangsu, Zhejiang, Anhui have many
        city = Aggregator(session, "2020").value("gdp", "310100")
        assert (city.value, city.kind, city.inputs) == (5000.0, "reported", ["gdp@310100"])
        assert Aggregator(session, "2020").value("gdp", "320100").value is None  # Nanjing: no figure


# ---------------------------------------------------------------------------------------- many at once


def test_group_rows_cover_every_period_with_data(data: Database) -> None:
    # SYNTHETIC: GDP 2021 for three provinces only; Anhui's comes in 2022 with the others missing
    _load(data, [_obs("gdp", c, 1.0, "亿元", "2021") for c in PROVINCES[:3]])
    _load(data, [_obs("gdp", "340000", 7.0, "亿元", "2022")])
    with data.read() as session:
        rows = group_rows(session, "gdp", ["yrd", "central-area"])
        yrd = [(v.period, v.value, v.kind) for v in rows if v.region == "yrd"]
        assert yrd == [("2020", 50000.0, "computed"), ("2021", None, "none"), ("2022", None, "none")]
        assert [v.members_missing for v in rows if v.region == "yrd"][1:] == [["340000"], list(PROVINCES[:3])]
        assert [v.region for v in rows] == ["yrd"] * 3 + ["central-area"] * 3
        # the same values one at a time
        for v in rows:
            one = group_value(session, "gdp", v.region, v.period)
            assert (one.value, one.missing, one.inputs) == (v.value, v.missing, v.inputs)
        assert [v.period for v in group_rows(session, "gdp", ["yrd"], periods=["2020"])] == ["2020"]


def test_group_rows_of_a_ratio_include_the_periods_of_its_inputs(data: Database) -> None:
    # SYNTHETIC: only the inputs of R&D intensity have figures in 2020, the indicator itself none
    with data.read() as session:
        [v] = group_rows(session, "rd_intensity", ["yrd"])
        assert (v.period, v.method, v.value) == ("2020", "ratio_of_sums", pytest.approx(2.0))


def test_standard_groups_are_the_plan_areas_then_the_metropolitan_circles(data: Database) -> None:
    with data.read() as session:
        groups = standard_groups(session)
        assert groups[:3] == ["yrd", "central-area", "demo-zone"]
        assert "nanjing-mc" in groups and "shanghai-mc" in groups and "subei" not in groups
        rows = group_rows(session, "rd_expenditure")
        assert {v.region for v in rows} == set(groups)


def test_group_rows_as_published_at_a_date(data: Database) -> None:
    # SYNTHETIC: Anhui's land area published 2019-06 as 100, revised in 2022-03 to 140
    first = [_obs("land_area", c, 100.0, "平方公里", "2018") for c in PROVINCES]
    first = [o.model_copy(update={"published": "2019-06"}) for o in first]
    _load(data, first)
    _load(data, [first[3].model_copy(update={"value": 140.0, "published": "2022-03"})])
    with data.read() as session:
        assert group_rows(session, "land_area", ["yrd"], as_of="2021")[0].value == 400.0
        assert group_rows(session, "land_area", ["yrd"], as_of="2022-03-01")[0].value == 440.0
        assert group_rows(session, "land_area", ["yrd"])[0].value == 440.0
        assert group_rows(session, "land_area", ["yrd"], as_of="2019-05") == []  # nothing published yet


def test_unknown_groups_and_indicators_are_refused(data: Database) -> None:
    with data.read() as session:
        with pytest.raises(NotFoundError):
            group_rows(session, "gdp", ["nowhere"])
        with pytest.raises(NotFoundError):
            group_rows(session, "no_such_indicator", ["yrd"])


def test_region_rows_give_every_indicator_of_a_group(data: Database) -> None:
    _load(data, [_obs("rd_expenditure", "yrd", 999.0, "亿元")])
    with data.read() as session:
        rows = region_rows(session, "yrd")
        assert [(v.value, v.kind) for v in rows["rd_expenditure"]] == [(999.0, "reported")]
        assert [(v.value, v.kind) for v in rows["gdp"]] == [(50000.0, "computed")]
        assert rows["disposable_income"][0].value == pytest.approx(30000.0)
        assert rows["urban_rural_income_ratio"][0].kind == "none"  # only Zhejiang has the inputs
        for code, values in rows.items():  # the same as one at a time
            for v in values:
                assert group_value(session, code, "yrd", v.period).value == v.value, code
