"""Facts: the hand-checked gold of the Outline, the synthetic outlines, and what is not a fact."""

from __future__ import annotations

import pytest

from tests.extract import DATA, gold, outline, plan_of, score
from yrd.documents.load import parse_file
from yrd.documents.model import Plan, Unit, assign_eids
from yrd.extract.facts import extract_facts
from yrd.extract.model import Fact

FIELDS = ("ref_year", "ref_year_stated", "base_year", "scope", "indicator")


@pytest.fixture(scope="module")
def plan() -> Plan:
    return outline()


@pytest.fixture(scope="module")
def facts(plan: Plan) -> list[Fact]:
    return extract_facts(plan)


def synthetic(name: str, date: str) -> Plan:
    path = DATA / f"{name}.txt"
    parsed = parse_file(path.read_bytes(), path.name).plan
    parsed.date = date
    return parsed


def table(text: str) -> list[tuple]:
    """Rows ``eid | indicator | comparator | value | unit | ref year (* = stated) | base year | scope``."""
    out = []
    for line in text.strip().splitlines():
        eid, indicator, comparator, value, unit, year, base, scope = (c.strip() for c in line.split("|"))
        stated = year.endswith("*")
        base_year = None if base == "-" else int(base)
        out.append(
            (eid, indicator, comparator, float(value), unit, int(year.rstrip("*")), stated, base_year, scope)
        )
    return out


def rows(records: list[Fact]) -> list[tuple]:
    return [
        (f.eid, f.indicator, f.comparator, round(f.value, 4) if f.value is not None else None, f.unit,
         f.ref_year, f.ref_year_stated, f.base_year, f.scope)
        for f in records
    ]  # fmt: skip


def test_gold_precision_recall(facts: list[Fact]) -> None:
    """Measured on the hand-checked annotation of every fact of the Outline (25)."""
    result = score([f.model_dump() for f in facts], gold()["facts"], FIELDS)
    assert (result.expected, result.found) == (25, 25)
    assert result.precision == 1.0, result.spurious
    assert result.recall == 1.0, result.missed
    for name in FIELDS:
        assert result.accuracy(name) == 1.0, name


def test_spans_point_into_the_text(plan: Plan, facts: list[Fact]) -> None:
    for f in facts:
        unit = plan.find(f.eid)
        assert unit is not None and unit.text["zh"][f.start : f.end] == f.text


def test_facts_come_from_the_present(facts: list[Fact]) -> None:
    """The Outline's facts are in the preamble and 发展基础; none in 发展目标."""
    assert {f.eid.split("__para")[0] for f in facts} == {"preface", "chp_1__sec_1"}


FIVE_YEAR = table(
    """
    part_1__chp_1__sec_1__para_1 | 地区生产总值 | increase_by | 6.1 | %/年 | 2025* | - | whole
    part_1__chp_1__sec_1__para_1 | 地区生产总值 | eq | 5.6 | 万亿元 | 2025* | - | whole
    part_1__chp_1__sec_1__para_1 | 人均地区生产总值 | gt | 10 | 万元 | 2025* | - | whole
    part_1__chp_1__sec_1__para_1 | 一般公共预算收入 | increase_by | 28 | % | 2026 | - | whole
    part_1__chp_1__sec_1__para_2 | 研发经费投入强度 | eq | 2.9 | % | 2026 | - | whole
    part_1__chp_1__sec_1__para_2 | 高新技术企业 | eq | 1.8 | 万家 | 2026 | - | whole
    part_1__chp_1__sec_1__para_2 | 每万人口高价值发明专利拥有量 | eq | 12 | 件 | 2026 | - | whole
    part_1__chp_1__sec_1__para_3 | 城镇新增就业 | eq | 620 | 万人 | 2026 | - | whole
    part_1__chp_1__sec_1__para_3 | 城镇调查失业率 | le | 5 | % | 2026 | - | whole
    part_1__chp_1__sec_1__para_3 | 人均预期寿命 | eq | 79.5 | 岁 | 2026 | - | whole
    part_1__chp_1__sec_1__para_3 | 5G基站 | eq | 12 | 万个 | 2026 | - | whole
    part_1__chp_1__sec_1__para_3 | 数字经济核心产业增加值占地区生产总值比重 | eq | 11 | % | 2026 | - | whole
    part_1__chp_1__sec_1__para_4|设区市细颗粒物（PM2.5）平均浓度|eq|28|微克/立方米|2026|-|prefecture-level
    part_1__chp_1__sec_1__para_4 | 地表水省控断面Ⅲ类以上水质比例 | eq | 92.5 | % | 2026 | - | whole
    part_1__chp_1__sec_1__para_4 | 单位地区生产总值能耗 | reduce_by | 15 | % | 2026 | - | whole
    part_1__chp_1__sec_1__para_4 | 森林覆盖率 | eq | 61.2 | % | 2026 | - | whole
    """
)

REGIONAL = table(
    """
    preface__para_1 | 总面积 | eq | 5.6 | 万平方公里 | 2025 | - | whole
    preface__para_1 | 常住人口 | approx | 8600 | 万人 | 2023* | - | whole
    preface__para_1 | 地区生产总值 | eq | 11.5 | 万亿元 | 2023* | - | whole
    preface__para_1 | 地区生产总值占全国 | approx | 0.1111 | fraction | 2023* | - | whole
    preface__para_1 | 面积 | eq | 1.2 | 万平方公里 | 2025 | - | core-area
    chp_1__sec_1__para_1 | 湾区人均地区生产总值 | gt | 13 | 万元 | 2023* | - | whole
    chp_1__sec_1__para_1 | 进出口总额占全国的比重 | approx | 15 | % | 2023* | - | whole
    chp_1__sec_1__para_2 | 国家重点实验室 | eq | 42 | 个 | 2025 | - | whole
    chp_1__sec_1__para_2 | “双一流”建设高校 | eq | 8 | 所 | 2025 | - | whole
    chp_1__sec_1__para_2 | 研发经费支出 | increase_by | 10.2 | %/年 | 2025 | - | whole
    chp_1__sec_1__para_2 | 全社会研发投入强度 | eq | 3.4 | % | 2025 | - | whole
    chp_1__sec_1__para_3 | 铁路营业里程 | eq | 6500 | 公里 | 2025 | - | whole
    chp_1__sec_1__para_3 | 高速铁路 | eq | 3200 | 公里 | 2025 | - | whole
    chp_1__sec_1__para_3 | 港口货物吞吐量 | gt | 30 | 亿吨 | 2025 | - | whole
    chp_1__sec_1__para_3 | 民用机场旅客吞吐量 | approx | 2.8 | 亿人次 | 2025 | - | whole
    chp_1__sec_1__para_4 | 设区市空气质量优良天数比率 | eq | 86.5 | % | 2025 | - | prefecture-level
    chp_1__sec_1__para_4|设区市空气质量优良天数比率|increase_by|4.2|个百分点|2025|2020|prefecture-level
    chp_1__sec_1__para_4 | PM2.5平均浓度 | eq | 29 | 微克/立方米 | 2025 | - | whole
    chp_1__sec_1__para_4 | PM2.5平均浓度 | reduce_by | 35 | % | 2025 | 2015 | whole
    """
)


def test_five_year_outline() -> None:
    """“十四五”时期 as the stated year, 年均增长, 累计, a figure that leaves its indicator unsaid."""
    assert rows(extract_facts(synthetic("five_year_outline", "2026-01-20"))) == FIVE_YEAR


def test_regional_outline() -> None:
    """Areas in parentheses with their scope, 2023年末, 约占全国的九分之一, 较2020年提高4.2个百分点."""
    assert rows(extract_facts(synthetic("regional_outline", "2025-03-15"))) == REGIONAL


def test_not_facts() -> None:
    """Years, dates, ordinals, names with numbers, plan names, slogans, plan durations, project specs."""
    text = (
        "2018年11月5日，首届进口博览会在上海举办。党的十九大以来，第三次全国国土调查完成。"
        "建立G60科创走廊，加快5G和IPv6部署，降低PM2.5浓度，形成1+N的规划和政策体系，建设“16+1”经贸合作示范区，"
        "招引全球500强企业，建设1000千伏特高压工程和地铁2号线，统一120服务和021电信区号，做到“两个维护”。"
        "今后5年，实现政务服务24小时不打烊，主要城市间1小时通达。规划期为2021—2025年。"
        "建设跨海大桥，全长约36公里，设计速度100公里/小时。"
    )
    plan = plan_of(("发展基础", [text]), date="2019-12-01")
    assert extract_facts(plan) == []


def test_reference_year_without_a_date() -> None:
    plan = plan_of(("发展基础", ["常住人口城镇化率超过60%。2020年，森林覆盖率为41%。"]))
    assert [(f.value, f.ref_year, f.ref_year_stated) for f in extract_facts(plan)] == [
        (60, None, False),
        (41, 2020, True),
    ]


def test_body_figure_without_a_goal_is_a_fact() -> None:
    """A present figure outside the description of the present (a preamble-like aside in the body)."""
    plan = plan_of(
        ("加强交通建设", ["示范区面积约2300平方公里，铁路网密度达到500公里/万平方公里。"]), date="2019-12-01"
    )
    (area,) = extract_facts(plan)
    assert (area.indicator, area.comparator, area.value, area.scope) == (
        "示范区面积",
        "approx",
        2300,
        "demo-zone",
    )


def test_a_hand_built_preamble() -> None:
    """The preamble is a place of facts; the tree needs no sections."""
    para = Unit("paragraph", 1, text={"zh": "规划范围包括甲省全域（面积10.2万平方公里）。"})
    plan = Plan(units=[Unit("preamble", children=[para])], date="2024-05-01")
    assign_eids(plan.units)
    (fact,) = extract_facts(plan)
    assert (fact.eid, fact.indicator, fact.value, fact.unit, fact.scope, fact.ref_year) == (
        "preface__para_1", "面积", 10.2, "万平方公里", "whole", 2024)  # fmt: skip


def test_genre_forms() -> None:
    """Forms of the genre: a multiple of a base, from–to, a verb-only head, a duration, 余/多, 其中."""
    plan = plan_of(
        ("发展基础", [
            "湾区人均地区生产总值超过13万元，是全国平均水平的1.5倍。",
            "城乡居民收入比由2.5∶1缩小到2.1∶1。",
            "全省高速公路通车里程5000多公里，新增2000公里。",
            "截至2020年底，全省5G基站超过5万个，覆盖所有县城。",
            "人口总量1.2亿人，其中城镇人口8000万人。",
            "全省共有国家级开发区20家、省级开发区100余家。",
            "2020年粮食产量达到750亿斤，连续5年保持在700亿斤以上。",
        ]),
        date="2026-01-01",
    )  # fmt: skip
    assert [(f.indicator, f.comparator, f.value, f.unit, f.ref_year) for f in extract_facts(plan)] == [
        ("湾区人均地区生产总值", "gt", 13, "万元", 2026),
        ("湾区人均地区生产总值相当于全国平均水平", "eq", 1.5, "倍", 2026),
        ("城乡居民收入比", "eq", 2.1, "ratio", 2026),
        ("高速公路通车里程", "gt", 5000, "公里", 2026),
        ("高速公路通车里程新增", "eq", 2000, "公里", 2026),
        ("5G基站", "gt", 5, "万个", 2020),
        ("人口总量", "eq", 1.2, "亿人", 2026),
        ("城镇人口", "eq", 8000, "万人", 2026),
        ("国家级开发区", "eq", 20, "家", 2026),
        ("省级开发区", "gt", 100, "家", 2026),
        ("粮食产量", "eq", 750, "亿斤", 2020),
        ("粮食产量", "ge", 700, "亿斤", 2020),
    ]


def test_spans_are_unique(facts: list[Fact]) -> None:
    """The pipeline keys records by kind, unit and span: two facts never share one."""
    keys = [(f.eid, f.start, f.end) for f in facts]
    assert len(keys) == len(set(keys))
