"""Tasks: which paragraphs are measures, who is responsible, the horizon; and the actor roles."""

from __future__ import annotations

import pytest

from tests import golden
from tests.extract import outline
from tests.extract.test_places import OUTLINES, SYNTHETIC, VALLEY, paragraphs, quotes_its_text, synthetic
from yrd.documents.model import Plan
from yrd.extract.actors import BODIES, PROVINCE_CODES, actor_names, roles
from yrd.extract.model import Task
from yrd.extract.places import index_for, scan
from yrd.extract.tasks import default_bodies, extract_tasks, horizon

FOUR = ["310000", "320000", "330000", "340000"]


@pytest.fixture(scope="module")
def plan() -> Plan:
    return outline()


@pytest.fixture(scope="module")
def tasks(plan: Plan) -> list[Task]:
    return extract_tasks(plan)


def by_eid(tasks: list[Task]) -> dict[str, Task]:
    return {t.eid: t for t in tasks}


def test_measures_are_the_paragraphs_of_chapters_3_to_12(plan: Plan, tasks: list[Task]) -> None:
    assert len(tasks) == 93
    assert {t.eid.split("__")[0] for t in tasks} == {f"chp_{n}" for n in range(3, 13)}
    # chapter lead-ins (chp_N__para_1 before the sections) sum a chapter up; they are no measures
    assert all("__sec_" in t.eid for t in tasks)
    # every paragraph of a section in chapters 3-12 is one
    expected = [u.eid for u in plan.walk() if u.kind == "paragraph" and "__sec_" in u.eid
                and 3 <= int(u.eid.split("__")[0][4:]) <= 12]  # fmt: skip
    assert [t.eid for t in tasks] == expected
    assert quotes_its_text(plan, tasks) and all(t.start == 0 and t.end == len(t.text) for t in tasks)


def test_titles_are_lead_phrases(tasks: list[Task]) -> None:
    got = by_eid(tasks)
    assert got["chp_3__sec_1__para_1"].title == "提升上海服务功能"
    assert got["chp_8__sec_1__para_2"].title == "打造虹桥国际开放枢纽"
    assert got["chp_5__sec_4__para_1"].title == "以长江为纽带"  # no lead phrase: the first clause


def test_default_bodies_come_from_the_text(plan: Plan, tasks: list[Task]) -> None:
    assert default_bodies(plan, index_for()) == FOUR  # 第十二章第三节: …作为…的责任主体
    defaulted = [t for t in tasks if not t.bodies_stated]
    assert len(defaulted) == 82
    assert all(t.bodies == FOUR for t in defaulted)
    assert all(t.horizon == 2025 for t in tasks)
    assert horizon(plan) == 2025


@pytest.mark.parametrize(
    ("eid", "bodies"),
    [
        ("chp_10__sec_1__para_1", ["310000", "320000", "330000"]),  # 沪苏浙共同制定实施…
        # 地方依据总体方案…; 由沪苏浙共同编制
        ("chp_10__sec_2__para_1", ["local_governments", "310000", "320000", "330000"]),
        ("chp_5__sec_3__para_2", ["340000"]),  # 支持安徽打造…
        ("chp_9__sec_3__para_2", ["330300", "331000"]),  # 支持浙江温州、台州开展…
        ("chp_4__sec_1__para_4", ["local_governments"]),  # 支持地方探索…
        ("chp_12__sec_3__para_1", [*FOUR, "relevant_departments"]),
        ("chp_12__sec_4__para_1", ["leading_group_office", *FOUR, "relevant_departments"]),  # 会同…
        ("chp_12__sec_5__para_1", ["leading_group_office"]),
    ],
)
def test_stated_bodies(tasks: list[Task], eid: str, bodies: list[str]) -> None:
    task = by_eid(tasks)[eid]
    assert (task.bodies, task.bodies_stated) == (bodies, True)


@pytest.mark.parametrize(
    "eid",
    [
        "chp_3__sec_1__para_2",  # 发挥江苏制造业发达…等优势: Jiangsu is the object
        "chp_7__sec_2__para_1",  # 鼓励沪苏浙一流大学…到安徽设立分支机构: universities act, in Anhui
        "chp_6__sec_3__para_1",  # 在浙江丽水开展…试点: a location
        "chp_10__sec_2__para_4",  # 建立沪苏浙财政协同投入机制: a modifier
    ],
)
def test_places_as_objects_are_not_bodies(tasks: list[Task], eid: str) -> None:
    assert not by_eid(tasks)[eid].bodies_stated


def test_actor_codes_have_names() -> None:
    names = actor_names()
    assert [names[c] for c in PROVINCE_CODES] == ["上海市", "江苏省", "浙江省", "安徽省"]
    assert {b.code for b in BODIES} <= set(names)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("上海要加快建设国际航运中心。", [("subject", ("310000",))]),
        ("沪苏浙共同制定实施示范区饮用水水源保护法规。", [("subject", ("310000", "320000", "330000"))]),
        ("各类专项规划由沪苏浙共同编制。", [("agent", ("310000", "320000", "330000"))]),
        ("支持苏浙皖打造绿色发展样板。", [("supported", ("320000", "330000", "340000"))]),
        (
            "领导小组办公室要会同三省一市和有关部门编制规划。",
            [("subject", ("leading_group_office",)), ("partner", (*FOUR, "relevant_departments"))],
        ),
        ("安徽，加快推进皖北振兴。", []),  # no verb right after
        ("发挥上海龙头带动作用。", []),
        ("在浙江丽水开展试点。", []),
        ("推动上海与近沪区域联动发展。", []),
    ],
)
def test_roles(text: str, expected: list[tuple[str, tuple[str, ...]]]) -> None:
    got = [(r.role, r.phrase.codes) for r in roles(text, scan(text, index_for()))]
    assert got == expected


def test_a_plan_without_a_responsibility_sentence_has_no_default() -> None:
    plan = paragraphs("推进合肥发展。", "支持安徽打造新兴产业聚集地。")
    got = extract_tasks(plan)
    assert [(t.bodies, t.bodies_stated, t.horizon) for t in got] == [
        ([], False, None),
        (["340000"], True, None),
    ]


# -- synthetic outlines ------------------------------------------------------------------------------


def test_synthetic_regional_outline() -> None:
    plan = synthetic("regional_outline")
    got = extract_tasks(plan, VALLEY)
    assert {t.horizon for t in got} == {2030}
    assert len(got) == 11 and not any(t.eid.startswith(("preface", "chp_1")) for t in got)
    # 东岭省要…
    assert (got[0].title, got[0].bodies, got[0].bodies_stated) == ("提升河口服务功能", ["910000"], True)
    # 支持南泽省打造…; not 鼓励东岭省一流大学…到南泽省
    assert (got[1].bodies, got[1].bodies_stated) == (["920000"], True)
    assert (got[2].bodies, got[2].bodies_stated) == (["910000", "920000"], False)  # the plan's default
    assert quotes_its_text(plan, got)


def test_synthetic_five_year_outline() -> None:
    plan = synthetic("five_year_outline")
    got = extract_tasks(plan)
    assert horizon(plan) == 2030  # 规划期为2026—2030年
    # the goals chapter (主要目标) is in part 1; part 1 and the chapter lead-ins are no measures
    assert [t.eid for t in got] == [
        "part_2__chp_3__sec_1__para_1", "part_2__chp_3__sec_1__para_2", "part_3__chp_4__para_1",
        "part_3__chp_5__para_1", "part_4__chp_6__sec_1__para_1", "part_4__chp_6__sec_2__para_1"]  # fmt: skip
    stated = {t.eid: t.bodies for t in got if t.bodies_stated}
    assert stated == {
        "part_3__chp_5__para_1": ["340100", "340200"],
        "part_4__chp_6__sec_2__para_1": ["341200", "341300"],
    }
    assert all(t.bodies == [] for t in got if not t.bodies_stated)  # no "…责任主体" sentence


@pytest.mark.parametrize("name", OUTLINES)
def test_synthetic_golden(name: str) -> None:
    rows = [
        [t.eid, t.title, t.bodies, t.bodies_stated, t.horizon]
        for t in extract_tasks(synthetic(name), OUTLINES[name])
    ]
    golden.check(rows, SYNTHETIC / f"{name}.tasks.expected.json")
