"""The 1+N system by province and follow-up targets against the Outline's, on SQLite and PostgreSQL.

The Outline is the real one (the embedded official text, as in test_store.py). The follow-up
documents below are SYNTHETIC TEST MATERIAL written for these tests, not official texts.
"""

from __future__ import annotations

import pytest

from yrd.db import Database
from yrd.documents.load import DEFAULT_PLAN
from yrd.policies import store
from yrd.policies.compare import (
    VERDICTS,
    issuer_bodies,
    issuer_body,
    norm_indicator,
    province_codes,
    province_coverage,
    target_comparison,
)
from yrd.supervise.seed import seed_supervision

from .test_store import COORDINATOR, load_impl, outline_loaded

# Synthetic test material: an Anhui implementation plan whose targets differ from the Outline's
# (the Outline: 常住人口城镇化率 70%, 研发投入强度 3%以上, 铁路网密度 507公里/万平方公里,
# 单位GDP能耗较2017年下降10%, 人均期望寿命 79岁, all by 2025).
ANHUI = """【合成测试材料 SYNTHETIC TEST MATERIAL：为本项目编写的虚构文本，不是官方文件】
安徽省贯彻长三角区域一体化发展规划纲要实施方案
一、总体要求
（一）主要目标
1.到2025年，全省常住人口城镇化率达到72%，研发投入强度达到3%以上，单位地区生产总值能耗较2017年下降12%。
2.到2025年，铁路网密度达到400公里/万平方公里。
3.到2023年，人均预期寿命达到79岁。
二、重点任务
（一）共建轨道上的长三角
1.加快城际铁路建设。推进沿江城际铁路前期工作，力争2024年开工建设。
安徽省人民政府
2026年3月1日
"""

# Synthetic test material: a Jiangsu plan with a target in the wrong unit and one for a later year.
JIANGSU = """【合成测试材料 SYNTHETIC TEST MATERIAL：为本项目编写的虚构文本，不是官方文件】
江苏省推进长三角交通一体化专项规划
一、总体要求
（一）主要目标
1.到2025年，铁路网密度达到1.2万公里。
2.到2030年，全省常住人口城镇化率达到75%。
二、重点任务
（一）加快交通互联
1.推进省际断头路贯通。实施省界道路连接工程，打通省际断头路5条。
江苏省人民政府
2026年4月1日
"""


def _load(db: Database, text: str, name: str, relation: str = "implementation_plan") -> str:
    return store.load_policy(db, COORDINATOR, [(name, text.encode())], relation=relation).plan_id


def _by_code(db: Database) -> dict[str, object]:
    with db.read() as session:
        return {p.code: p for p in province_coverage(session)}


def test_issuer_body_reads_the_province_from_the_issuer() -> None:
    assert province_codes() == ("310000", "320000", "330000", "340000")
    assert issuer_body("安徽省人民政府") == "340000"
    assert issuer_body("上海市发展和改革委员会") == "310000"
    assert issuer_body("浙江省人民政府办公厅") == "330000"
    assert issuer_body("皖政办") == "340000"  # the province's one-character abbreviation
    assert issuer_body("江苏省苏州市人民政府") is None  # a city's document
    assert issuer_body("苏州市人民政府") is None  # 苏 starts a city's name here, not the abbreviation
    assert issuer_body("国家发展改革委") is None
    assert issuer_body("示例省人民政府办公厅") is None
    assert issuer_body("") is None
    assert issuer_bodies("浙江省人民政府、上海市人民政府") == ("330000", "310000")


def test_norm_indicator_drops_spaces_and_punctuation() -> None:
    assert norm_indicator(" 细颗粒物（PM2.5）平均浓度 ") == norm_indicator("细颗粒物(pm25)平均浓度")
    assert norm_indicator("常住人口，城镇化率") == "常住人口城镇化率"


def test_province_coverage_counts_confirmed_links_and_own_issuers(db: Database) -> None:
    outline_loaded(db)
    seed_supervision(db, DEFAULT_PLAN)
    before = _by_code(db)
    assert list(before) == ["310000", "320000", "330000", "340000"]
    anhui = before["340000"]
    assert anhui.total > 50 and anhui.covered == anhui.own == () and anhui.missing == anhui.measures
    assert anhui.name_zh == "安徽省"

    ah = _load(db, ANHUI, "anhui.txt")
    other = load_impl(db)  # issued by 示例省人民政府办公厅: no province of the Delta
    for pid in (ah, other):
        store.suggest_links(db, COORDINATOR, pid, k=3)
    with db.read() as session:
        ah_links = store.links(session, ah)
        other_links = store.links(session, other)
    assert _by_code(db)["340000"].covered == ()  # suggestions alone cover nothing

    shared = set(anhui.measures) & set(before["310000"].measures)
    first = next(x for x in ah_links if x.outline_eid in shared)
    store.decide(db, COORDINATOR, first.id, state="confirmed", version=first.version)
    after = _by_code(db)
    assert after["340000"].covered == after["340000"].own == (first.outline_eid,)
    assert first.outline_eid not in after["340000"].missing
    assert len(after["340000"].missing) == anhui.total - 1
    assert after["310000"].covered == (first.outline_eid,) and after["310000"].own == ()

    second = next(x for x in other_links if x.outline_eid in shared - {first.outline_eid})
    store.decide(db, COORDINATOR, second.id, state="confirmed", version=second.version)
    final = _by_code(db)
    assert final["340000"].covered_count == 2 and final["340000"].own_count == 1
    assert final["310000"].covered_count == 2 and final["310000"].own_count == 0
    assert set(final["340000"].covered) == {first.outline_eid, second.outline_eid}

    rejected = next(x for x in ah_links if x.outline_eid not in {first.outline_eid, second.outline_eid})
    store.decide(db, COORDINATOR, rejected.id, state="rejected", version=rejected.version)
    assert _by_code(db)["340000"].covered_count == 2  # a rejected link covers nothing


def test_targets_are_paired_with_the_outline_and_judged(db: Database) -> None:
    outline_loaded(db)
    ah = _load(db, ANHUI, "anhui.txt")
    js = _load(db, JIANGSU, "jiangsu.txt", relation="special_plan")
    with db.read() as session:
        pairs = target_comparison(session)
    assert {p.verdict for p in pairs} <= set(VERDICTS)
    found = {(p.follow_up.plan_id, p.follow_up.indicator, p.follow_up.year): p for p in pairs}

    urban = found[(ah, "常住人口城镇化率", 2025)]
    assert (urban.verdict, urban.direction, urban.indicator_code) == (
        "stricter",
        "higher",
        "urbanization_rate",
    )
    assert (urban.follow_up.value_text, urban.outline.value_text) == ("72%", "70%")
    assert urban.outline.plan_id == DEFAULT_PLAN and urban.outline.eid == "chp_2__sec_4__para_2"
    assert urban.outline.citation_zh.startswith("《纲要》第二章")
    assert urban.follow_up.eid.startswith("chp_1__sec_1__para_1")
    assert urban.issuer_body == "340000" and urban.reason_en and urban.reason_zh

    assert found[(ah, "研发投入强度", 2025)].verdict == "same"
    rail = found[(ah, "铁路网密度", 2025)]
    assert (rail.verdict, rail.outline.value, rail.follow_up.unit) == ("looser", 507.0, "公里/万平方公里")

    energy = found[(ah, "单位地区生产总值能耗", 2025)]  # the registry names both one indicator
    assert (energy.match, energy.outline.indicator, energy.direction) == ("registry", "单位GDP能耗", "lower")
    assert energy.verdict == "stricter"  # a 12% cut against 10%, both on 2017
    assert energy.reason_en == "a larger reduction (12 against 10 %)"

    life = found[(ah, "人均预期寿命", 2023)]  # the same value two years earlier
    assert (life.verdict, life.outline.year) == ("stricter", 2025)
    assert "earlier" in life.reason_en

    km = next(p for p in pairs if p.follow_up.plan_id == js and p.outline.indicator == "铁路网密度")
    assert km.verdict == "not comparable" and "different units" in km.reason_en
    assert km.reason_zh == "计量单位不同"

    later = found[(js, "常住人口城镇化率", 2030)]
    assert later.verdict == "not comparable" and "later target year" in later.reason_en
    assert (later.follow_up.year, later.outline.year) == (2030, 2025)
    assert later.issuer_body == "320000"


def test_containment_matches_a_scoped_wording_and_no_policy_means_no_pairs(db: Database) -> None:
    outline_loaded(db)
    with db.read() as session:
        assert target_comparison(session) == []
    from yrd.extract.model import Target
    from yrd.policies.compare import _best_match

    def target(indicator: str) -> Target:
        return Target(eid="x", start=0, end=0, text="", indicator=indicator, comparator="reach",
                      value=1.0, value_text="1", unit="%", target_year=2025)  # fmt: skip

    outline = [target("常住人口城镇化率"), target("研发投入强度")]
    assert _best_match(target("全省常住人口城镇化率"), outline) == (outline[0], "containment")
    assert _best_match(target("常住人口 城镇化率"), outline) == (outline[0], "exact")
    assert _best_match(target("森林覆盖率"), outline) is None


@pytest.mark.parametrize(
    ("comparator", "value", "unit", "verdict"),
    [
        ("reach", 72.0, "%", "stricter"),
        ("reach", 68.0, "%", "looser"),
        ("ge", 70.0, "%", "same"),
        ("le", 70.0, "%", "same"),
        ("reach", 72.0, "万人", "not comparable"),
        ("qualitative", None, "", "not comparable"),
        ("increase_by", 2.0, "%", "not comparable"),
    ],
)
def test_judge(comparator: str, value: float | None, unit: str, verdict: str) -> None:
    from yrd.extract.model import Target
    from yrd.policies.compare import judge

    outline = Target(eid="o", start=0, end=0, text="", indicator="常住人口城镇化率", comparator="reach",
                     value=70.0, value_text="70%", unit="%", target_year=2025)  # fmt: skip
    follow = outline.model_copy(update={"comparator": comparator, "value": value, "unit": unit})
    assert judge(follow, outline, "higher")[0] == verdict
    lower = judge(follow, outline, "lower")[0]
    assert lower == {"stricter": "looser", "looser": "stricter"}.get(verdict, verdict)


def test_cli_commands(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    import csv
    import io
    import json

    import typer
    from typer.testing import CliRunner

    from yrd.clikit import out
    from yrd.policies.cli_compare import provinces_command, targets_command

    monkeypatch.setenv("YRD_DATABASE_URL", db.url)
    monkeypatch.setattr(out, "width", 200)  # a wide terminal: table cells on one line
    app = typer.Typer()
    app.command("provinces")(provinces_command)
    app.command("targets")(targets_command)
    runner = CliRunner()
    outline_loaded(db)
    seed_supervision(db, DEFAULT_PLAN)
    ah = _load(db, ANHUI, "anhui.txt")

    shown = runner.invoke(app, ["provinces"])
    assert shown.exit_code == 0, shown.output
    assert "340000 安徽省" in shown.output and "own follow-up" in shown.output
    body = json.loads(runner.invoke(app, ["provinces", "--format", "json"]).output)
    assert body["count"] == 4 and body["outline_plan_id"] == DEFAULT_PLAN
    anhui = next(r for r in body["data"] if r["code"] == "340000")
    assert anhui["covered_count"] == 0 and anhui["missing"] == anhui["measures"] and anhui["total"] > 50
    listed = runner.invoke(app, ["provinces", "--missing"])
    assert anhui["missing"][0] in "".join(listed.output.split())
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, ["provinces", "--format", "csv"]).output)))
    assert [r["code"] for r in rows] == ["310000", "320000", "330000", "340000"]

    table = runner.invoke(app, ["targets"])
    assert table.exit_code == 0, table.output
    assert "常住人口城镇化率" in table.output and "stricter" in table.output
    assert "《纲要》第二章第四节第2段" in table.output
    data = json.loads(runner.invoke(app, ["targets", "--format", "json", "--verdict", "looser"]).output)
    assert [(r["follow_up"]["plan_id"], r["outline"]["indicator"]) for r in data["data"]] == [
        (ah, "铁路网密度")
    ]
    flat = list(csv.DictReader(io.StringIO(runner.invoke(app, ["targets", "--format", "csv"]).output)))
    assert {"verdict", "reason_zh", "follow_up_value_text", "outline_citation_zh"} <= set(flat[0])
    bad = runner.invoke(app, ["targets", "--verdict", "harsher"])
    assert bad.exit_code == 1 and "--verdict must be one of" in " ".join(bad.output.split())
    none = runner.invoke(app, ["targets", "--plan", "nope"])
    assert none.exit_code == 2
