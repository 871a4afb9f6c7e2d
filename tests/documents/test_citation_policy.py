"""Citations of follow-up documents in their own numbering (第三条, 一、（二）3.); the Outline unchanged.

The policy texts in this file are SYNTHETIC TEST MATERIAL written for these tests, not official texts.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from yrd.db import Database
from yrd.db.models import PolicyDocRow
from yrd.documents import store
from yrd.documents.citation import (
    cite,
    cite_unit,
    guess_policy_style,
    parse_citation,
    plan_style,
    short_title,
)
from yrd.documents.export_json import plan_to_dict
from yrd.documents.model import Plan
from yrd.documents.policy_structure import parse_policy
from yrd.documents.readers import plain_lines
from yrd.documents.search import search

# synthetic test material (合成测试材料，不是官方文件)
ITEMS_TEXT = """\
示例县推进区域协同发展实施方案
一、总体要求
（一）指导思想
坚持协同联动，推动示例县融入区域一体化发展。
（二）主要目标
1.到2027年，跨界道路全部贯通。
2.到2030年，公共服务基本实现便利共享。
二、重点任务
（一）共建互联互通的交通网络
1.加快城际铁路建设。推进示例城际铁路前期工作。
2.推进跨界道路贯通。
（1）完成东部连接线建设。
（2）推进西部连接线前期工作。
3.提升港口协同水平。
"""

# synthetic test material (合成测试材料，不是官方文件)
ARTICLES_TEXT = """\
示例区跨域协作管理办法
第一部分 总则
第一条 为规范示例区跨域协作，制定本办法。
第二条 本办法适用于示例区内的跨域协作项目。
第二部分 管理
第三条 跨域协作项目实行清单管理。
第四条 执委会每年评估跨域协作项目并公开结果。
"""

# synthetic test material (合成测试材料，不是官方文件)
PARTS_TEXT = """\
示例市一体化发展行动计划
第一部分 总体思路
一、指导思想
坚持协同联动。
第二部分 重点任务
一、交通互联
（一）城际铁路
1.推进示例城际铁路建设。
二、公共服务
（一）医疗协作
1.推进检查结果互认。
"""


def _policy(text: str, plan_id: str = "policy-test") -> Plan:
    plan = parse_policy(plain_lines(text), "synthetic.txt")
    plan.id = plan_id
    return plan


# --- the Outline: unchanged ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("eid", "zh", "en"),
    [
        ("chp_5__sec_1__para_3", "《纲要》第五章第一节第3段", "Outline, Ch. V, Sec. 1, para. 3"),
        ("chp_1", "《纲要》第一章", "Outline, Ch. I"),
        ("preface__para_2", "《纲要》前言第2段", "Outline, Preamble, para. 2"),
        ("part_2__chp_3", "《纲要》第二篇第三章", "Outline, Part II, Ch. III"),
    ],
)
def test_outline_citations_are_unchanged(eid: str, zh: str, en: str) -> None:
    assert cite(eid, "zh", "纲要") == zh == cite(eid, "zh", "纲要", "outline")
    assert cite(eid, "en", "Outline") == en
    assert parse_citation(zh) == parse_citation(en) == eid


def test_outline_style_of_the_real_outline(outline: Plan) -> None:
    assert plan_style(outline) == "outline"
    assert cite_unit(outline, "chp_5__sec_1__para_3", "zh") == "《纲要》第五章第一节第3段"


def test_short_titles() -> None:
    assert short_title("长江三角洲区域一体化发展规划纲要", "zh") == "纲要"
    assert short_title("示例省推进协同发展实施方案", "zh", "policy_items") == "示例省推进协同发展实施方案"
    assert short_title("关于印发《示例行动方案》的通知", "zh", "policy_items") == "示例行动方案"
    assert short_title("示例区总体规划", "zh", "policy_items") == "示例区总体规划"  # not 规划 / 纲要
    assert short_title("", "en", "policy_articles") == "Policy"


def test_unknown_style_is_refused() -> None:
    with pytest.raises(ValueError, match="style"):
        cite("para_1", "zh", "x", "legal")


# --- each policy style: forms and round trips --------------------------------------------------


@pytest.mark.parametrize(
    ("eid", "zh", "en"),
    [
        ("chp_1__sec_2__para_3", "《方案》一、（二）3.", "方案, I.(2) 3."),
        ("chp_2__sec_1__para_2__para_1", "《方案》二、（一）2.（1）", "方案, II.(1) 2.(1)"),
        ("chp_3", "《方案》三、", "方案, III."),
        ("chp_2__sec_1", "《方案》二、（一）", "方案, II.(1)"),
        ("chp_2__para_1", "《方案》二、1.", "方案, II. 1."),
        ("part_2__chp_3__sec_1", "《方案》第二部分 三、（一）", "方案, Part II, III.(1)"),
        ("part_2__chp_1__sec_1__para_1", "《方案》第二部分 一、（一）1.", "方案, Part II, I.(1) 1."),
        ("part_2", "《方案》第二部分", "方案, Part II"),
        ("preface__para_3", "《方案》前言第3段", "方案, Preamble, para. 3"),
        ("intro__para_1", "《方案》导语第1段", "方案, Introductory note, para. 1"),
    ],
)
def test_policy_items_round_trip(eid: str, zh: str, en: str) -> None:
    assert cite(eid, "zh", "方案", style="policy_items") == zh
    assert cite(eid, "en", "方案", style="policy_items") == en
    assert parse_citation(zh) == parse_citation(en) == eid


@pytest.mark.parametrize(
    ("eid", "zh", "en"),
    [
        ("para_3", "《办法》第三条", "办法, Art. 3"),
        ("para_12__para_2", "《办法》第十二条（2）", "办法, Art. 12(2)"),
        ("part_2", "《办法》第二部分", "办法, Part II"),
        ("chp_2__sec_1", "《办法》第二章第一节", "办法, Ch. II, Sec. 1"),
    ],
)
def test_policy_articles_round_trip(eid: str, zh: str, en: str) -> None:
    assert cite(eid, "zh", "办法", style="policy_articles") == zh
    assert cite(eid, "en", "办法", style="policy_articles") == en
    assert parse_citation(zh) == parse_citation(en) == eid


def test_article_cited_alone_resolves_in_its_plan() -> None:
    plan = _policy(ARTICLES_TEXT)
    assert plan_style(plan) == "policy_articles"
    assert cite_unit(plan, "part_2__para_4", "zh") == "《示例区跨域协作管理办法》第四条"
    assert cite_unit(plan, "part_2__para_4", "en") == "示例区跨域协作管理办法, Art. 4"
    assert parse_citation("第四条") == "para_4"  # without the plan
    assert parse_citation("《示例区跨域协作管理办法》第四条", plan=plan) == "part_2__para_4"
    assert parse_citation("Art. 4", plan=plan) == "part_2__para_4"
    assert parse_citation("第二部分第四条") == "part_2__para_4"


def test_not_citations_are_refused() -> None:
    from yrd.errors import InputError

    for text in ("", "（1）", "hello", "第三条款"):
        with pytest.raises(InputError):
            parse_citation(text)


@pytest.mark.parametrize(("text", "style"), [(ITEMS_TEXT, "policy_items"), (ARTICLES_TEXT, "policy_articles"),
                                             (PARTS_TEXT, "policy_items")])  # fmt: skip
def test_every_unit_of_a_parsed_policy_round_trips(text: str, style: str) -> None:
    plan = _policy(text)
    assert plan_style(plan) == style
    for unit in plan.walk():
        for lang in ("zh", "en"):
            assert parse_citation(cite_unit(plan, unit.eid, lang), plan=plan) == unit.eid


def test_parsed_policy_cites_in_its_own_terms() -> None:
    plan = _policy(ITEMS_TEXT)
    item = plan.find("chp_2__sec_1__para_2__para_1")
    assert item is not None and item.text["zh"] == "完成东部连接线建设。"
    assert cite_unit(plan, item.eid, "zh") == "《示例县推进区域协同发展实施方案》二、（一）2.（1）"
    parts = _policy(PARTS_TEXT)
    assert (
        cite_unit(parts, "part_2__chp_2__sec_1__para_1", "zh")
        == "《示例市一体化发展行动计划》第二部分 二、（一）1."
    )
    assert cite_unit(parts, "part_2__chp_2__sec_1__para_1", "en") == (
        "示例市一体化发展行动计划, Part II, II.(1) 1."
    )
    assert [t.title for t in parts.toc[:3]] == ["第一部分 总体思路", "一、指导思想", "第二部分 重点任务"]


def test_guess_for_policies_stored_without_contents() -> None:
    assert guess_policy_style(_policy(ARTICLES_TEXT).units) == "policy_articles"
    assert guess_policy_style(_policy(ITEMS_TEXT).units) == "policy_items"


# --- stored and reloaded ----------------------------------------------------------------------------


def test_saved_and_reloaded_policy_keeps_its_style(sqlite_db: Database) -> None:
    items, articles = _policy(ITEMS_TEXT, "policy-items"), _policy(ARTICLES_TEXT, "policy-articles")
    with sqlite_db.write() as session:
        store.save_plan(session, items, [])
        store.save_plan(session, articles, [])
    with sqlite_db.read() as session:
        assert store.citation_style(session, "policy-items") == "policy_items"
        assert store.citation_style(session, "policy-articles") == "policy_articles"
        reloaded = store.load_plan(session, "policy-articles")
        assert plan_style(reloaded) == "policy_articles"
        assert store.cite_stored(session, "policy-articles", "part_2__para_3", "zh") == (
            "《示例区跨域协作管理办法》第三条"
        )
        assert store.cite_stored(session, "policy-items", "chp_1__sec_2__para_1", "zh") == (
            "《示例县推进区域协同发展实施方案》一、（二）1."
        )
        hits = search(session, "清单管理").hits
        assert [h.citation for h in hits if h.lang == "zh"] == ["《示例区跨域协作管理办法》第三条"]
    exported = plan_to_dict(reloaded)
    part = exported["units"][-1]
    assert part["citation"]["zh"] == "《示例区跨域协作管理办法》第二部分"
    assert part["children"][0]["citation"] == {
        "zh": "《示例区跨域协作管理办法》第三条",
        "en": "示例区跨域协作管理办法, Art. 3",
    }


def test_policy_stored_before_its_contents_were_recorded(sqlite_db: Database) -> None:
    old = _policy(ARTICLES_TEXT, "policy-old")
    old.toc = []  # as stored before parse_policy listed its numbering
    with sqlite_db.write() as session:
        store.save_plan(session, old, [])
        assert store.citation_style(session, "policy-old") == "outline"  # not known as a policy yet
        session.add(
            PolicyDocRow(plan_id="policy-old", relation="implementation_plan", status="in_force",
                         loaded_at=datetime.now(UTC))
        )  # fmt: skip
    with sqlite_db.read() as session:
        assert store.citation_style(session, "policy-old") == "policy_articles"
