"""The indicator registry: the shipped file, label resolution, suggestions, unit conversion, target links."""

from __future__ import annotations

import pytest

from yrd.errors import InputError, NotFoundError
from yrd.extract.pipeline import record_id
from yrd.extract.targets import extract_targets
from yrd.regions.groups import embedded_plan
from yrd.stats.aggregate import parse_formula
from yrd.stats.registry import link_targets, load_registry, registry_from_data


def test_file_is_consistent() -> None:
    reg = load_registry()
    assert len(reg) >= 40
    for ind in reg.indicators:
        assert ind.name_zh and ind.name_en and ind.unit and ind.definition_zh and ind.definition_en
        assert ind.definition_source, ind.code
        assert reg.is_unit(ind.unit), f"{ind.code}: unit {ind.unit} is not declared"
        for ref in filter(None, (ind.weight, ind.numerator, ind.denominator)):
            assert ref in reg, f"{ind.code} refers to unknown {ref}"
        if ind.aggregation == "ratio_of_sums":
            assert ind.numerator and ind.denominator
        if ind.aggregation == "weighted_mean":
            assert ind.weight
        if ind.aggregation == "formula":
            _tree, refs = parse_formula(ind.formula or "")
            assert all(code in reg for code, _group in refs.values()), ind.code


# For each ratio: the unit its numerator and denominator are brought to, and a factor (100 for %).
RATIO_UNITS = {
    "rd_intensity": ("元", "元", 100),
    "urbanization_rate": ("人", "人", 100),
    "hightech_output_share": ("元", "元", 100),
    "railway_density": ("公里", "万平方公里", 1),
    "expressway_density": ("公里", "万平方公里", 1),
    "gdp_per_capita": ("元", "人", 1),
    "budget_expenditure_per_capita": ("元", "人", 1),
    "energy_intensity": ("吨标准煤", "万元", 1),
}


def test_ratio_scales_match_the_units() -> None:
    """numerator / denominator * scale must be in the indicator's unit (a wrong scale is a silent error)."""
    reg = load_registry()
    for ind in reg.indicators:
        if ind.aggregation != "ratio_of_sums":
            continue
        assert ind.code in RATIO_UNITS, f"add a unit check for {ind.code}"
        top, bottom, factor = RATIO_UNITS[ind.code]
        num, den = reg.require(ind.numerator or ""), reg.require(ind.denominator or "")
        expected = reg.convert(1, num.unit, top) / reg.convert(1, den.unit, bottom) * factor
        assert ind.scale == pytest.approx(expected), ind.code


def test_every_outline_target_links() -> None:
    targets = extract_targets(embedded_plan())
    assert len(targets) == 18
    links = link_targets(load_registry(), targets)
    assert [t.indicator for t in targets if record_id(t) not in links] == []
    assert set(links.values()) >= {
        "urbanization_rate",
        "urban_rural_income_ratio",
        "central_gdp_per_capita_ratio",
        "rd_intensity",
        "st_progress_contribution",
        "hightech_output_share",
        "major_dike_compliance",
        "railway_density",
        "expressway_density",
        "coverage_5g",
        "pm25_concentration",
        "good_air_days_ratio",
        "cross_border_water_compliance",
        "energy_intensity",
        "budget_expenditure_per_capita",
        "schooling_years_working_age",
        "life_expectancy",
        "ftz_initial_area",
    }


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("城镇人口比重(%)", "urbanization_rate"),
        ("城镇人口比重（%）", "urbanization_rate"),
        ("常住人口城镇化率", "urbanization_rate"),
        ("地区生产总值(亿元)", "gdp"),
        ("地区生产总值（初步核算）", "gdp"),
        ("年末常住人口(万人)", "resident_population"),
        ("居民人均可支配收入(元)", "disposable_income"),
        ("研究与试验发展(R&D)经费", "rd_expenditure"),
        ("R&D经费投入强度", "rd_intensity"),
        ("PM2.5年均浓度", "pm25_concentration"),
        ("环境空气质量优良率（AQI）", "good_air_days_ratio"),
        ("gdp", "gdp"),
        ("Gross regional product (GDP)", "gdp"),
    ],
)
def test_resolve(label: str, code: str) -> None:
    found = load_registry().resolve(label)
    assert found is not None and found.code == code


def test_split_label_and_unknowns() -> None:
    reg = load_registry()
    assert reg.split_label("地区生产总值（初步核算）(亿元)") == ("地区生产总值", "亿元", ["初步核算"])
    assert reg.split_label("研究与试验发展(R&D)经费") == ("研究与试验发展(R&D)经费", None, [])
    assert reg.resolve("粮食产量") is None
    assert reg.get("nope") is None
    with pytest.raises(NotFoundError, match="did you mean"):
        reg.require("gdp_per_capita_x")


def test_suggest() -> None:
    reg = load_registry()
    assert reg.suggest("城镇化")[0] == "urbanization_rate"
    assert "gdp" in reg.suggest("地区生产总量")
    assert len(reg.suggest("人均可支配收入额", n=2)) == 2
    assert reg.suggest("zzzz") == []


@pytest.mark.parametrize(
    ("value", "src", "dst", "expected"),
    [
        (12.82, "万亿元", "亿元", 128200.0),
        (4504.5, "十亿元", "亿元", 45045.0),
        (2.1, "万元", "元", 21000.0),
        (85.26, "百万人", "万人", 8526.0),
        (24152700, "人", "万人", 2415.27),
        (5, "公里/百平方公里", "公里/万平方公里", 500.0),
        (1.46, "万公里", "公里", 14600.0),
        (35.8, "万平方公里", "平方公里", 358000.0),
        (5, "‰", "%", 0.5),
        (0.25, "fraction", "%", 25.0),
        (35, "μg/m³", "微克/立方米", 35.0),
        (2.24, "比值(城镇:农村=X:1)", "ratio", 2.24),
    ],
)
def test_convert(value: float, src: str, dst: str, expected: float) -> None:
    assert load_registry().convert(value, src, dst) == pytest.approx(expected)


def test_convert_refuses_other_kinds() -> None:
    reg = load_registry()
    for src, dst in (("万人", "亿元"), ("%", "岁"), ("公里", "平方公里"), ("furlong", "公里")):
        with pytest.raises(InputError, match="cannot convert"):
            reg.convert(1, src, dst)


def test_duplicate_alias_is_refused() -> None:
    data = {
        "indicators": [
            {"code": "a", "name_zh": "甲", "name_en": "A", "unit": "%", "aliases": ["同名"]},
            {"code": "b", "name_zh": "乙", "name_en": "B", "unit": "%", "aliases": ["同名"]},
        ]
    }
    with pytest.raises(ValueError, match="names both"):
        registry_from_data(data)
