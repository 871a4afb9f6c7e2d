"""Chinese numeric expressions: values, units, qualifiers, ranges, years, and what is not a quantity."""

from __future__ import annotations

import math

import pytest

from yrd.extract.numbers import (
    chinese_number,
    clause_bounds,
    clauses,
    find_quantities,
    find_years,
    parse_change,
    parse_quantity,
    scope_prefix,
    scope_suffix,
)


@pytest.mark.parametrize(
    ("text", "value", "unit", "qualifier"),
    [
        ("70%", 70, "%", None),
        ("70％", 70, "%", None),
        ("2.2∶1", 2.2, "ratio", None),
        ("2.2：1", 2.2, "ratio", None),
        ("2.2:1", 2.2, "ratio", None),
        ("1:1.5", 1 / 1.5, "ratio", None),
        ("507公里/万平方公里", 507, "公里/万平方公里", None),
        ("5公里/百平方公里", 5, "公里/百平方公里", None),
        ("2.1万元", 2.1, "万元", None),
        ("11.5年", 11.5, "年", None),
        ("79岁", 79, "岁", None),
        ("35.8万平方公里", 35.8, "万平方公里", None),
        ("1/4", 0.25, "fraction", None),
        ("约1/2", 0.5, "fraction", "approx"),
        ("23.6万人次", 23.6, "万人次", None),
        ("近23.6万人次", 23.6, "万人次", "approx"),
        ("54亿元", 54, "亿元", None),
        ("约2300平方公里", 2300, "平方公里", "approx"),
        ("80%以上", 80, "%", "ge"),
        ("2.2∶1以内", 2.2, "ratio", "le"),
        ("1/3左右", 1 / 3, "fraction", "approx"),
        ("超过60%", 60, "%", "gt"),
        ("不低于95%", 95, "%", "ge"),
        ("不超过5.5%", 5.5, "%", "le"),
        ("4.2个百分点", 4.2, "个百分点", None),
        ("3百分点", 3, "个百分点", None),
        ("46个", 46, "个", None),
        ("100余家", 100, "家", "gt"),
        ("1.2亿吨标准煤", 1.2, "亿吨标准煤", None),
        ("28微克/立方米", 28, "微克/立方米", None),
        ("11.5万亿元", 11.5, "万亿元", None),
        ("四分之一", 0.25, "fraction", None),
        ("三分之二以上", 2 / 3, "fraction", "ge"),
        ("百分之五十", 50, "%", None),
        ("两个", 2, "个", None),
        ("十二家", 12, "家", None),
        ("２０％", 20, "%", None),
    ],
)
def test_parse_quantity(text: str, value: float, unit: str, qualifier: str | None) -> None:
    q = parse_quantity(text)
    assert q is not None, text
    assert math.isclose(q.value, value, rel_tol=1e-9)
    assert (q.unit, q.qualifier, q.text) == (unit, qualifier, text)


@pytest.mark.parametrize(("text", "low", "high", "unit"), [("5%—6%", 5, 6, "%"), ("5～6%", 5, 6, "%"),
                                                           ("3-4万人", 3, 4, "万人")])  # fmt: skip
def test_ranges(text: str, low: float, high: float, unit: str) -> None:
    q = parse_quantity(text)
    assert q is not None and q.is_range
    assert (q.value, q.high, q.unit) == (low, high, unit)


def test_counts_are_marked() -> None:
    assert parse_quantity("46个").count  # type: ignore[union-attr]
    assert parse_quantity("1.8万家").count  # type: ignore[union-attr]
    assert not parse_quantity("70%").count  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "text",
    [
        "2025年",  # a year
        "2021—2025年",  # a range of years
        "2018年11月5日",  # a date
        "G60科创走廊",  # names with Latin letters
        "5G网络",
        "4G网络",
        "IPv6规模部署",
        "细颗粒物（PM2.5）平均浓度",
        "1+N的规划和政策体系",  # plan names
        "“16+1”经贸合作示范区",
        "全球500强",  # no unit
        "1000千伏特高压交流输电工程",  # a specification inside a project name
        "120服务、110服务",
        "统一使用021电信区号",
        "第2次",  # an ordinal
        "做到“两个维护”",  # a quoted slogan
        "当前和今后一个时期",  # 一 is "a", not a count
        "每千人口",  # a bare magnitude is not a number
        "国Ⅵ排放标准和Ⅲ类水体",  # Roman numerals
    ],
)
def test_not_quantities(text: str) -> None:
    assert find_quantities(text) == []


def test_find_quantities_spans() -> None:
    text = "进出口总额、外商直接投资、对外投资分别占全国的37%、39%和29%"
    found = find_quantities(text)
    assert [q.text for q in found] == ["37%", "39%", "29%"]
    assert all(text[q.start : q.end] == q.text for q in found)


@pytest.mark.parametrize(
    ("text", "year", "role"),
    [
        ("到2025年，", 2025, "target"),
        ("至2030年", 2030, "target"),
        ("2035年前", 2035, "target"),
        ("展望二〇三五年", 2035, "target"),
        ("较2017年下降10%", 2017, "base"),
        ("比2020年提高", 2020, "base"),
        ("与2015年相比", 2015, "base"),
        ("截至2020年底", 2020, "asof"),
        ("2015年以来", 2015, "since"),
        ("2023年末常住人口", 2023, "stated"),
        ("“十四五”时期", 2025, "stated"),
        ("“十五五”规划", 2030, "stated"),
        ("十一五期间", 2010, "stated"),
    ],
)
def test_years(text: str, year: int, role: str) -> None:
    (found,) = find_years(text)
    assert (found.year, found.role) == (year, role)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("三", 3),
        ("十二", 12),
        ("二十", 20),
        ("一百零五", 105),
        ("两千", 2000),
        ("三万五千", 35000),
        ("一亿", 10**8),
    ],
)
def test_chinese_number(text: str, value: int) -> None:
    assert chinese_number(text) == value


def test_chinese_number_rejects() -> None:
    with pytest.raises(ValueError):
        chinese_number("五G")


def test_clause_bounds() -> None:
    text = (
        "到2025年，细颗粒物（PM2.5）平均浓度总体达标，比例达到2.2:1以内。"
        "规划范围包括全域（面积35.8万平方公里）。"
    )
    pm = text.index("平均浓度")
    assert text[slice(*clause_bounds(text, pm))] == "细颗粒物（PM2.5）平均浓度总体达标"
    ratio = text.index("2.2")
    assert text[slice(*clause_bounds(text, ratio))] == "比例达到2.2:1以内"
    area = text.index("35.8")
    assert text[slice(*clause_bounds(text, area))] == "面积35.8万平方公里"
    assert text[slice(*clause_bounds(text, area, sentence=True))] == "规划范围包括全域（面积35.8万平方公里）"
    assert [text[a:b] for a, b in clauses(text)][:3] == [
        "到2025年",
        "细颗粒物（PM2.5）平均浓度总体达标",
        "比例达到2.2:1以内",
    ]


def test_scopes() -> None:
    assert scope_prefix("中心区城乡居民收入差距") == "central-area"
    assert scope_prefix("地级及以上城市空气质量优良天数比率") == "prefecture-and-above"
    assert scope_prefix("常住人口城镇化率") is None
    assert scope_suffix("以上海青浦、江苏吴江、浙江嘉善为长三角生态绿色一体化发展示范区") == "demo-zone"
    assert scope_suffix("安徽省全域") == "whole"


@pytest.mark.parametrize(
    ("text", "comparator", "value", "unit", "base"),
    [
        ("下降10%", "reduce_by", 10, "%", None),
        ("较2017年下降10%", "reduce_by", 10, "%", 2017),
        ("累计降低13.5%", "reduce_by", 13.5, "%", None),
        ("年均增长5.5%左右", "increase_by", 5.5, "%/年", None),
        ("较2020年提高4.2个百分点", "increase_by", 4.2, "个百分点", 2020),
        ("增长1倍", "increase_by", 1, "倍", None),
    ],
)
def test_parse_change(text: str, comparator: str, value: float, unit: str, base: int | None) -> None:
    change = parse_change(text)
    assert change is not None
    assert (change.comparator, change.quantity.value, change.unit, change.base_year) == (
        comparator,
        value,
        unit,
        base,
    )


@pytest.mark.parametrize("text", ["达到70%", "下降到30微克/立方米", "城镇化率下降10%", "下降"])
def test_not_a_change(text: str) -> None:
    assert parse_change(text) is None
