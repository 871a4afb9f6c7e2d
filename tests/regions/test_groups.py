"""Region groups: the two the Outline defines are derived from its text; the file's are validated."""

from __future__ import annotations

import copy
import json
from importlib import resources

import pytest

from yrd.documents.model import Plan
from yrd.errors import InputError
from yrd.regions import load_gazetteer
from yrd.regions.groups import (
    DEFINITIONS,
    central_area_members,
    demonstration_zone_members,
    derive_text_groups,
    group_from_dict,
    load_groups,
    read_group_file,
    validate,
)

G = load_gazetteer()
CENTRAL_27 = {
    *("上海", "南京", "无锡", "常州", "苏州", "南通", "扬州", "镇江", "盐城", "泰州", "杭州", "宁波"),
    *("温州", "湖州", "嘉兴", "绍兴", "金华", "舟山", "台州", "合肥", "芜湖", "马鞍山", "铜陵"),
    *("安庆", "滁州", "池州", "宣城"),
}


def test_central_area_is_the_27_cities_of_the_preamble(plan: Plan) -> None:
    central = derive_text_groups(plan)[0]
    assert central.code == "central-area" and central.definition == "text" and not central.partial
    assert len(central.members) == 27
    regions = [G.by_code(c) for c in central.members]
    assert all(r.level == "prefecture" for r in regions)
    assert {r.short_zh for r in regions} == CENTRAL_27
    # 泰州 (Jiangsu) and 台州 (Zhejiang) are both in; 宿州 (Anhui) is not, 苏州 (Jiangsu) is.
    assert {"321200", "331000", "320500"} <= set(central.members) and "341300" not in central.members
    assert central.source_ref == "yrd-outline-2019:preface__para_3"
    assert "前言第3段" in central.source


def test_demonstration_zone_is_three_counties(plan: Plan) -> None:
    demo = derive_text_groups(plan)[1]
    assert demo.code == "demo-zone" and demo.definition == "text"
    assert demo.members == ("310118", "320509", "330421")


def test_derivation_works_from_the_text_itself() -> None:
    """Change the sentence and the group changes: nothing is typed in."""
    assert central_area_members("上海市，江苏省南京、泰州，浙江省台州", G) == [
        "310100",
        "320100",
        "321200",
        "331000",
    ]
    assert central_area_members("安徽省宿州", G) == ["341300"]
    assert demonstration_zone_members("上海青浦、浙江嘉善", G) == ["310118", "330421"]
    with pytest.raises(InputError, match="北京"):
        central_area_members("北京市", G)
    with pytest.raises(InputError, match="宿州"):
        central_area_members("江苏省宿州", G)  # 宿州 is in Anhui


def test_a_count_that_disagrees_with_the_names_is_an_error(plan: Plan) -> None:
    changed = copy.deepcopy(plan)
    para = changed.find("preface__para_3")
    assert para is not None
    para.text["zh"] = para.text["zh"].replace("、宣城27个城市", "27个城市")
    with pytest.raises(InputError, match="says 27 cities but names 26"):
        derive_text_groups(changed)


def test_group_file_is_valid() -> None:
    _meta, groups = read_group_file()
    assert validate(groups) == []
    codes = [g.code for g in groups]
    for needed in ("lingang", "nanjing-mc", "hangzhou-mc", "hefei-mc", "suxichang-mc", "ningbo-mc",
                   "shanghai-mc", "subei", "zhexinan", "wanbei"):  # fmt: skip
        assert needed in codes
    for g in groups:
        assert g.definition in DEFINITIONS and g.definition != "text", g.code
        assert g.source.strip(), g.code
        assert g.definition != "unknown" or g.partial or not g.members, g.code
        assert all(c in G for c in g.members), g.code


def test_every_member_code_exists_and_sources_are_given() -> None:
    raw = json.loads((resources.files("yrd") / "data" / "regions" / "groups.json").read_text("utf-8"))
    for entry in raw["groups"]:
        assert entry["source"], entry["code"]
        for code in entry["members"] + entry["partial_members"]:
            assert G.get(code) is not None, (entry["code"], code)


def test_lingang_is_partial_counties() -> None:
    lingang = next(g for g in load_groups() if g.code == "lingang")
    assert lingang.partial and {"310115", "310120"} <= set(lingang.partial_members)
    assert all(G.by_code(c).level == "county" for c in lingang.members)
    assert "大治河" in lingang.note


def test_validate_finds_problems() -> None:
    bad = group_from_dict(
        {"code": "x", "name_zh": "x", "name_en": "x", "definition": "unknown", "source": " ",
         "members": ["999999", "320500"], "partial_members": ["310118"]}
    )  # fmt: skip
    problems = " ".join(validate([bad, bad]))
    for expected in (
        "code used twice",
        "no source",
        "must be marked partial",
        "999999",
        "310118 is not a member",
    ):
        assert expected in problems


def test_load_groups_puts_text_groups_first() -> None:
    groups = load_groups()
    assert [g.code for g in groups[:2]] == ["central-area", "demo-zone"]
    assert len({g.code for g in groups}) == len(groups) == 13


def test_planning_area_is_the_four_provinces_of_the_text(plan: Plan) -> None:
    yrd = next(g for g in derive_text_groups(plan) if g.code == "yrd")
    assert yrd.members == ("310000", "320000", "330000", "340000")
    assert yrd.definition == "text" and "前言第3段" in yrd.source
