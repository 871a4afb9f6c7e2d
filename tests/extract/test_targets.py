"""Targets: the hand-checked gold of the Outline, two synthetic outlines of the genre, thresholds."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from tests import golden
from tests.extract import DATA, gold, outline, plan_of, score
from yrd.documents.load import parse_file
from yrd.documents.model import Plan
from yrd.extract.model import Target
from yrd.extract.targets import extract_targets, threshold_for, thresholds

FIELDS = ("target_year", "base_year", "scope", "indicator")


@pytest.fixture(scope="module")
def plan() -> Plan:
    return outline()


@pytest.fixture(scope="module")
def targets(plan: Plan) -> list[Target]:
    return extract_targets(plan)


def synthetic(name: str, date: str) -> Plan:
    path = DATA / f"{name}.txt"
    parsed = parse_file(path.read_bytes(), path.name).plan
    parsed.date = date
    return parsed


def rows(records: list[Target]) -> list[tuple]:
    return [
        (t.eid, t.indicator, t.comparator, round(t.value, 4) if t.value is not None else None, t.unit,
         t.target_year, t.base_year, t.scope)
        for t in records
    ]  # fmt: skip


def table(text: str) -> list[tuple]:
    """Rows written as ``eid | indicator | comparator | value | unit | target year | base year | scope``."""
    out = []
    for line in text.strip().splitlines():
        eid, indicator, comparator, value, unit, year, base, scope = (c.strip() for c in line.split("|"))
        num = lambda s: None if s == "-" else int(s)  # noqa: E731
        out.append((eid, indicator, comparator, float(value), unit, num(year), num(base), scope))
    return out


def test_gold_precision_recall(targets: list[Target]) -> None:
    """Measured on the hand-checked annotation of every target of the Outline (18)."""
    result = score([t.model_dump() for t in targets], gold()["targets"], FIELDS)
    assert (result.expected, result.found) == (18, 18)
    assert result.precision == 1.0, result.spurious
    assert result.recall == 1.0, result.missed
    for name in FIELDS:
        assert result.accuracy(name) == 1.0, name


def test_spans_point_into_the_text(plan: Plan, targets: list[Target]) -> None:
    for t in targets:
        unit = plan.find(t.eid)
        assert unit is not None and unit.text["zh"][t.start : t.end] == t.text


def test_qualitative_targets_carry_their_threshold(targets: list[Target]) -> None:
    levee, pm25 = (t for t in targets if t.comparator == "qualitative")
    assert (pm25.indicator, pm25.value, pm25.unit, pm25.value_text) == (
        "细颗粒物（PM2.5）平均浓度",
        35,
        "μg/m³",
        "总体达标",
    )
    assert pm25.threshold_source is not None and pm25.threshold_source.startswith(
        "GB 3095-2012《环境空气质量标准》"
    )
    assert (levee.indicator, levee.value, levee.target_year) == ("重要江河骨干堤防", None, 2025)
    assert levee.threshold_source is not None and "GB 50201-2014" in levee.threshold_source


def test_no_target_outside_goals_without_a_cue(targets: list[Target]) -> None:
    """Facts of 发展基础 and the preamble are never targets; the 2035 vision has no figure."""
    assert {t.eid.split("__")[0] for t in targets} == {"chp_2", "chp_11"}
    assert not any(t.target_year == 2035 for t in targets)


FIVE_YEAR = table(
    """
    part_1__chp_2__para_2 | 地区生产总值 | increase_by | 5.5 | %/年 | 2030 | - | whole
    part_1__chp_2__para_2 | 城镇调查失业率 | le | 5.5 | % | 2030 | - | whole
    part_1__chp_2__para_2 | 居民消费价格涨幅 | within | 3 | % | 2030 | - | whole
    part_1__chp_2__para_3 | 全社会研发经费投入 | increase_by | 8 | %/年 | 2030 | - | whole
    part_1__chp_2__para_3 | 研发经费投入强度 | reach | 3.2 | % | 2030 | - | whole
    part_1__chp_2__para_3 | 每万人口高价值发明专利拥有量 | reach | 20 | 件 | 2030 | - | whole
    part_1__chp_2__para_3 | 数字经济核心产业增加值占地区生产总值比重 | reach | 15 | % | 2030 | - | whole
    part_1__chp_2__para_4 | 城镇新增就业 | ge | 500 | 万人 | 2030 | - | whole
    part_1__chp_2__para_4 | 人均预期寿命 | reach | 80.5 | 岁 | 2030 | - | whole
    part_1__chp_2__para_4 | 劳动年龄人口平均受教育年限 | reach | 11.8 | 年 | 2030 | - | whole
    part_1__chp_2__para_4 | 每千人口拥有3岁以下婴幼儿托位数 | reach | 4.5 | 个 | 2030 | - | whole
    part_1__chp_2__para_5 | 单位地区生产总值能耗 | reduce_by | 14 | % | 2030 | - | whole
    part_1__chp_2__para_5 | 单位地区生产总值二氧化碳排放 | reduce_by | 18 | % | 2030 | - | whole
    part_1__chp_2__para_5|设区市细颗粒物（PM2.5）平均浓度|reach|26|微克/立方米|2030|-|prefecture-level
    part_1__chp_2__para_5 | 地表水省控断面达到或好于Ⅲ类水体比例 | reach | 95 | % | 2030 | - | whole
    part_1__chp_2__para_5 | 森林覆盖率 | ge | 61 | % | 2030 | - | whole
    part_1__chp_2__para_6 | 粮食综合生产能力 | ge | 750 | 亿斤 | 2030 | - | whole
    part_1__chp_2__para_6 | 能源综合生产能力 | reach | 1.2 | 亿吨标准煤 | 2030 | - | whole
    part_2__chp_3__sec_1__para_1 | 省实验室 | ge | 10 | 家 | 2027 | - | whole
    part_2__chp_3__sec_1__para_1 | 国家级创新平台 | reach | 20 | 个 | 2027 | - | whole
    part_2__chp_3__sec_2__para_1 | 高新技术企业数量 | gt | 3 | 万家 | - | - | whole
    part_2__chp_3__sec_2__para_1 | 科技型中小企业 | reach | 5 | 万家 | - | - | whole
    part_2__chp_4__sec_1__para_1 | 都市圈常住人口城镇化率 | reach | 75 | % | 2030 | - | metropolitan-area
    part_2__chp_4__sec_1__para_2 | 农村自来水普及率 | ge | 95 | % | - | - | whole
    """
)

REGIONAL = table(
    """
    chp_2__sec_2__para_1 | 核心区城乡居民收入比 | le | 1.8 | ratio | 2030 | - | core-area
    chp_2__sec_2__para_1 | 全域人均地区生产总值与核心区之比 | reach | 0.6667 | ratio | 2030 | - | whole
    chp_2__sec_2__para_1 | 常住人口城镇化率 | within | 80 | % | 2030 | - | whole
    chp_2__sec_2__para_2 | 研发投入强度 | ge | 3.8 | % | 2030 | - | whole
    chp_2__sec_2__para_2 | 每万人口高价值发明专利拥有量 | reach | 30 | 件 | 2030 | - | whole
    chp_2__sec_2__para_2 | 高技术制造业增加值占规模以上工业增加值比重 | reach | 35 | % | 2030 | - | whole
    chp_2__sec_2__para_3 | 细颗粒物（PM2.5）年均浓度 | qualitative | 35 | μg/m³ | 2030 | - | whole
    chp_2__sec_2__para_3 | 地级及以上城市空气质量优良天数比率 | ge | 90 | % | 2030 | - | prefecture-and-above
    chp_2__sec_2__para_3 | 单位地区生产总值二氧化碳排放 | reduce_by | 25 | % | 2030 | 2020 | whole
    chp_2__sec_2__para_3 | 示范区森林覆盖率 | reach | 30 | % | 2030 | - | demo-zone
    chp_2__sec_2__para_4 | 铁路网密度 | reach | 400 | 公里/万平方公里 | 2030 | - | whole
    chp_2__sec_2__para_4 | 高速公路密度 | reach | 6.5 | 公里/百平方公里 | 2030 | - | whole
    chp_2__sec_2__para_4 | 5G用户普及率 | reach | 95 | % | 2030 | - | whole
    chp_2__sec_2__para_5 | 人均期望寿命 | reach | 82 | 岁 | 2030 | - | whole
    chp_2__sec_2__para_5 | 劳动年龄人口平均受教育年限 | reach | 12.5 | 年 | 2030 | - | whole
    chp_2__sec_2__para_5 | 每千人口执业（助理）医师数 | reach | 4.2 | 人 | 2030 | - | whole
    chp_2__sec_2__para_5 | 城乡居民基本养老保险参保率 | ge | 95 | % | 2030 | - | whole
    chp_3__sec_1__para_1 | 先行启动区面积 | le | 660 | 平方公里 | - | - | whole
    chp_3__sec_1__para_1 | 示范区内跨界河湖水质达标率 | reach | 95 | % | - | - | demo-zone
    chp_3__sec_1__para_1 | 跨界公交线路 | reach | 20 | 条 | - | - | whole
    """
)


def test_five_year_outline() -> None:
    """年均增长, 累计, 提高到, 下降到, 分别降低; a goals chapter headed “十五五”; 到2027年 in the body."""
    assert rows(extract_targets(synthetic("five_year_outline", "2026-01-20"))) == FIVE_YEAR


def test_regional_outline() -> None:
    """核心区/示范区/地级及以上城市, full-width and ASCII ratio colons, 较2020年下降, 全面达标, 以内."""
    assert rows(extract_targets(synthetic("regional_outline", "2025-03-15"))) == REGIONAL


def test_value_text_keeps_the_writing() -> None:
    found = {t.indicator: t.value_text for t in extract_targets(synthetic("five_year_outline", "2026-01-20"))}
    assert found["全社会研发经费投入"] == "8%以上"
    assert found["城镇调查失业率"] == "5.5%以内"
    assert found["能源综合生产能力"] == "1.2亿吨标准煤"


@pytest.mark.parametrize("name", ["five_year_outline", "regional_outline"])
def test_synthetic_golden(name: str) -> None:
    """Every field of every target and fact, against the reviewed golden file."""
    from yrd.extract.facts import extract_facts

    plan = synthetic(name, {"five_year_outline": "2026-01-20", "regional_outline": "2025-03-15"}[name])
    actual = {
        "targets": [t.model_dump() for t in extract_targets(plan)],
        "facts": [f.model_dump() for f in extract_facts(plan)],
    }
    golden.check(actual, DATA / f"{name}.expected.json")


def test_year_context_in_a_body_paragraph() -> None:
    """到2030年 holds to the end of its paragraph outside a goals section, and not into the next one."""
    plan = plan_of(
        ("建设绿色城市", ["到2030年，城市绿道长度达到500公里。", "加快建设。公共充电桩达到10万个。"])
    )
    assert [(t.indicator, t.value, t.target_year) for t in extract_targets(plan)] == [
        ("城市绿道长度", 500.0, 2030),
        ("公共充电桩", 10.0, None),
    ]


def test_year_carries_through_a_goals_section() -> None:
    """In a goals section 到2025年 holds for the following paragraphs until another year is named."""
    plan = plan_of(
        ("发展目标", ["到2025年，一体化取得进展。", "人均寿命达到80岁。", "到2035年，森林覆盖率达到40%。"])
    )
    assert [(t.indicator, t.target_year) for t in extract_targets(plan)] == [
        ("人均寿命", 2025),
        ("森林覆盖率", 2035),
    ]


def test_qualitative_needs_a_threshold_and_a_goal_context() -> None:
    plan = plan_of(
        ("发展目标", ["到2030年，城市污水处理全面达标，二氧化氮年均浓度总体达标。"]),
        ("改善环境", ["推动细颗粒物浓度稳定达标。"]),
    )
    (only,) = extract_targets(plan)  # no threshold for 污水处理; no goal context in the body section
    assert (only.indicator, only.value, only.unit, only.target_year) == (
        "二氧化氮年均浓度",
        40,
        "μg/m³",
        2030,
    )


def test_thresholds_file_is_complete() -> None:
    raw = json.loads((resources.files("yrd") / "data" / "thresholds.json").read_text("utf-8"))
    assert len(raw["thresholds"]) == len(thresholds()) >= 5
    for entry in raw["thresholds"]:
        assert set(entry["source"]) >= {"number", "title", "issuer", "year"}
        assert (entry["value"] is None) == (entry["unit"] == "")
    assert threshold_for("细颗粒物（PM2.5）平均浓度").value == 35  # type: ignore[union-attr]
    assert threshold_for("可吸入颗粒物（PM10）年均浓度").value == 70  # type: ignore[union-attr]
    assert threshold_for("细颗粒物（PM2.5）超标天数") is None
    assert threshold_for("城市污水处理") is None


def test_gold_file_offsets(plan: Plan) -> None:
    """The annotation's offsets and texts agree with the Outline's text."""
    for kind in ("targets", "facts"):
        for item in gold()[kind]:
            unit = plan.find(item["eid"])
            assert unit is not None and unit.text["zh"][item["start"] : item["end"]] == item["text"]


def test_genre_forms() -> None:
    """Ranges, 左右, 五年累计, 不低于, 稳定达标, building verbs shared by an enumeration, 2030年前."""
    plan = plan_of(
        ("主要目标", [
            "到2025年，地区生产总值年均增长5%—6%，人均地区生产总值达到13万元左右。",
            "城镇登记失业率控制在4.5%以内，城镇新增就业五年累计400万人。",
            "养老机构护理型床位占比不低于55%，二氧化氮年均浓度稳定达标。",
        ]),
        ("推进交通建设", [
            "到2027年，新建改建农村公路1万公里，建成高速公路1000公里、铁路500公里。",
            "力争2030年前实现碳达峰，非化石能源消费比重达到25%左右。",
        ]),
    )  # fmt: skip
    found = extract_targets(plan)
    assert [(t.indicator, t.comparator, t.value, t.unit, t.target_year) for t in found] == [
        ("地区生产总值", "increase_by", 5, "%/年", 2025),
        ("人均地区生产总值", "within", 13, "万元", 2025),
        ("城镇登记失业率", "le", 4.5, "%", 2025),
        ("城镇新增就业", "eq", 400, "万人", 2025),
        ("养老机构护理型床位占比", "ge", 55, "%", 2025),
        ("二氧化氮年均浓度", "qualitative", 40, "μg/m³", 2025),
        ("农村公路", "reach", 1, "万公里", 2027),
        ("高速公路", "reach", 1000, "公里", 2027),
        ("铁路", "reach", 500, "公里", 2027),
        ("非化石能源消费比重", "within", 25, "%", 2030),
    ]
    assert found[0].value_text == "5%—6%"


def test_spans_are_unique(targets: list[Target]) -> None:
    """The pipeline keys records by kind, unit and span: two targets never share one."""
    keys = [(t.eid, t.start, t.end) for t in targets]
    assert len(keys) == len(set(keys))
