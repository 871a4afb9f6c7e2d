"""Places: the hand-checked gold of the Outline, synthetic outlines, ambiguity, false friends.

Also the helpers the project and task tests share: a fake gazetteer for a synthetic region (the
real one covers only the Delta) and scoring against a gold annotation.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests import golden
from tests.extract import outline
from yrd.documents.load import parse_file
from yrd.documents.model import Plan, Unit, assign_eids
from yrd.extract.model import PlaceMention
from yrd.extract.places import GROUP_NAMES, extract_places

HERE = Path(__file__).parent
GOLD = HERE / "gold_projects_places.json"
SYNTHETIC = HERE.parent / "data" / "extract_projects"
# What the extractors reach on the gold (asserted, so a regression shows); the goal is 0.95.
GOAL = 0.95


# -- a fake gazetteer for the synthetic region of regional_outline.txt ------------------------------


@dataclass(frozen=True)
class FakeRegion:
    code: str
    name_zh: str
    short_zh: str
    level: str
    parent_code: str | None


@dataclass
class FakeGazetteer:
    """Invented divisions (codes 91xxxx/92xxxx are no real GB/T 2260 codes); 北塘 is in both provinces."""

    regions: list[FakeRegion]
    abbreviations: dict[str, str] = field(default_factory=dict)

    def lookup(self, name: str) -> list[FakeRegion]:
        return [r for r in self.regions if name in (r.name_zh, r.short_zh)]


VALLEY = FakeGazetteer(
    [
        FakeRegion("910000", "东岭省", "东岭", "province", None),
        FakeRegion("910100", "河口市", "河口", "prefecture", "910000"),
        FakeRegion("910102", "北塘区", "北塘", "county", "910100"),
        FakeRegion("910200", "石门市", "石门", "prefecture", "910000"),
        FakeRegion("910221", "安平县", "安平", "county", "910200"),
        FakeRegion("920000", "南泽省", "南泽", "province", None),
        FakeRegion("920100", "云台市", "云台", "prefecture", "920000"),
        FakeRegion("920102", "北塘区", "北塘", "county", "920100"),
        FakeRegion("920200", "青溪市", "青溪", "prefecture", "920000"),
        FakeRegion("920221", "临江县", "临江", "county", "920200"),
    ],
    {"岭": "910000", "泽": "920000"},
)
# Each synthetic outline with the gazetteer it is read with (None: the real one).
OUTLINES: dict[str, FakeGazetteer | None] = {"regional_outline": VALLEY, "five_year_outline": None}


def synthetic(name: str) -> Plan:
    path = SYNTHETIC / f"{name}.txt"
    return parse_file(path.read_bytes(), path.name).plan


def paragraphs(*texts: str) -> Plan:
    """A one-chapter plan of the given paragraphs (eIds chp_1__para_N)."""
    chapter = Unit("chapter", 1, heading={"zh": "测试"}, children=[
        Unit("paragraph", i, text={"zh": t}) for i, t in enumerate(texts, 1)])  # fmt: skip
    plan = Plan(units=[chapter])
    assign_eids(plan.units)
    return plan


# -- scoring ---------------------------------------------------------------------------------------


@cache
def gold() -> dict[str, Any]:
    return json.loads(GOLD.read_text("utf-8"))


def synthetic_gold(name: str) -> dict[str, Any]:
    return json.loads((SYNTHETIC / f"{name}.gold.json").read_text("utf-8"))


def place_key(r: dict[str, Any]) -> str | None:
    return r.get("group_code") or r.get("region_code") or r.get("status")


def project_key(r: dict[str, Any]) -> str | None:
    return r.get("type")


@dataclass
class Score:
    found: int
    expected: int
    matched: list[tuple[dict[str, Any], dict[str, Any]]]
    spurious: list[dict[str, Any]]
    missed: list[dict[str, Any]]

    @property
    def precision(self) -> float:
        return len(self.matched) / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return len(self.matched) / self.expected if self.expected else 1.0


def score(records: Sequence[dict[str, Any]], items: Sequence[dict[str, Any]], key: Callable) -> Score:
    """One-to-one matching: same unit, overlapping spans, same key (a type, a code)."""
    free = list(range(len(items)))
    matched, spurious = [], []
    for r in records:
        hit = next((i for i in free if r["eid"] == items[i]["eid"] and r["start"] < items[i]["end"]
                    and items[i]["start"] < r["end"] and key(r) == key(items[i])), None)  # fmt: skip
        if hit is None:
            spurious.append(r)
        else:
            free.remove(hit)
            matched.append((r, items[hit]))
    return Score(len(records), len(items), matched, spurious, [items[i] for i in free])


def in_scope(records: Sequence[Any], prefixes: tuple[str, ...]) -> list[dict[str, Any]]:
    return [r.model_dump() for r in records if r.eid.startswith(prefixes)]


def quotes_its_text(plan: Plan, records: Sequence[Any]) -> bool:
    units = {u.eid: u for u in plan.walk()}
    return all(units[r.eid].text[r.lang][r.start : r.end] == r.text for r in records)


# -- the Outline -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plan() -> Plan:
    return outline()


@pytest.fixture(scope="module")
def places(plan: Plan) -> list[PlaceMention]:
    return extract_places(plan)


def test_gold_places(places: list[PlaceMention]) -> None:
    s = score(in_scope(places, ("preface", "chp_3")), gold()["places"], place_key)
    assert s.expected == 150
    assert s.precision >= GOAL and s.recall >= GOAL
    # reached (see docs/extraction_projects.md): every mention in scope, nothing else
    assert (s.precision, s.recall) == (1.0, 1.0), (s.spurious, s.missed)


def test_records_quote_their_text(plan: Plan, places: list[PlaceMention]) -> None:
    assert places and quotes_its_text(plan, places)


def test_names_are_canonical(places: list[PlaceMention]) -> None:
    by_text = {(p.text, p.region_code or p.group_code): p.name for p in places}
    assert by_text[("青浦", "310118")] == "青浦区"
    assert by_text[("上海", "310000")] == "上海市"  # the municipality, not its prefecture-level row
    assert by_text[("苏", "320000")] == "江苏省"
    assert by_text[("临港", "lingang")] == "中国（上海）自由贸易试验区临港新片区"


def test_group_codes_are_those_of_the_regions_module() -> None:
    from yrd.regions.groups import load_groups

    known = {g.code for g in load_groups()} | {"yrd"}
    assert set(GROUP_NAMES) <= known


def test_enumerated_metropolitan_circles_are_split(places: list[PlaceMention]) -> None:
    got = [(p.text, p.group_code) for p in places if p.eid == "chp_3__sec_2__para_1"]
    assert got == [("南京", "nanjing-mc"), ("杭州", "hangzhou-mc"), ("合肥", "hefei-mc"),
                   ("苏锡常", "suxichang-mc"), ("宁波都市圈", "ningbo-mc")]  # fmt: skip


# -- context: false friends, abbreviations, bare group names -----------------------------------------


def mentions(*texts: str) -> list[tuple[str, str | None, str]]:
    return [(p.text, p.region_code or p.group_code, p.status) for p in extract_places(paragraphs(*texts))]


def test_false_friends_are_not_places() -> None:
    assert mentions("绿水青山就是金山银山，弘扬中华文化，地级及以上城市，推动企业上云和工业APP应用。") == []
    assert mentions("加强环太湖、杭州湾、钱塘江、黄浦江保护，规划建设东海二桥，加快大通关一体化。") == []
    # the full names still count
    assert mentions("安庆市太湖县和连云港市东海县") == [
        ("安庆市", "340800", "resolved"), ("太湖县", "340825", "resolved"),
        ("连云港市", "320700", "resolved"), ("东海县", "320722", "resolved")]  # fmt: skip


def test_province_abbreviations() -> None:
    assert mentions("苏浙皖各扬所长，浙皖闽赣生态旅游协作。") == [
        ("苏", "320000", "resolved"), ("浙", "330000", "resolved"), ("皖", "340000", "resolved"),
        ("浙", "330000", "resolved"), ("皖", "340000", "resolved")]  # fmt: skip
    # a route name of city abbreviations names no province: 苏 is 苏州 in 沪苏湖
    assert mentions("推动沪苏湖、通苏嘉甬等规划项目开工建设，沿沪宁产业创新带。") == []


def test_bare_group_names_need_the_full_name_and_to_stand_alone() -> None:
    demo = "以上海青浦、江苏吴江、浙江嘉善为长三角生态绿色一体化发展示范区。"
    assert ("示范区", "demo-zone", "resolved") in mentions(demo, "负责示范区改革创新。")
    second = [
        p
        for p in extract_places(paragraphs(demo, "加快苏南自主创新示范区建设。"))
        if p.eid == "chp_1__para_2"
    ]
    assert [(p.text, p.status) for p in second] == [("苏南", "unknown")]
    # without the full name anywhere, 示范区 is some other zone
    assert mentions("负责示范区改革创新。") == []


def test_city_and_own_district_mean_the_city() -> None:
    assert mentions("加快淮安、黄山发展。") == [
        ("淮安", "320800", "resolved"),
        ("黄山", "341000", "resolved"),
    ]


def test_ambiguous_names_are_flagged_or_resolved_by_context() -> None:
    got = extract_places(paragraphs("推进普陀旅游发展。", "上海普陀、舟山普陀联动。", "舟山市加快普陀发展。"))
    flagged = got[0]
    assert (flagged.status, flagged.region_code, sorted(flagged.candidates)) == (
        "ambiguous",
        None,
        ["310107", "330903"],
    )
    assert [(p.text, p.region_code) for p in got[1:]] == [
        ("上海", "310000"), ("普陀", "310107"), ("舟山", "330900"), ("普陀", "330903"),
        ("舟山市", "330900"), ("普陀", "330903")]  # fmt: skip


def test_informal_regions_are_unknown_not_guessed() -> None:
    assert mentions("加快苏南、皖江发展。") == [("苏南", None, "unknown"), ("皖江", None, "unknown")]


def test_a_division_contradicted_by_its_qualifier_is_not_guessed() -> None:
    # 南京 before 鼓楼 picks Nanjing's 鼓楼区 among the two; before 江宁 it agrees; before 北仑 it contradicts
    assert mentions("南京鼓楼") == [("南京", "320100", "resolved"), ("鼓楼", "320106", "resolved")]
    got = extract_places(paragraphs("南京北仑"))
    assert (got[1].status, got[1].region_code, got[1].candidates) == ("unknown", None, ["330206"])


# -- synthetic outlines ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", OUTLINES)
def test_synthetic_gold(name: str) -> None:
    plan = synthetic(name)
    got = extract_places(plan, OUTLINES[name])
    s = score([p.model_dump() for p in got], synthetic_gold(name)["places"], place_key)
    assert (s.precision, s.recall) == (1.0, 1.0), (s.spurious, s.missed)
    assert quotes_its_text(plan, got)


def test_fake_gazetteer_ambiguity() -> None:
    plan = synthetic("regional_outline")
    got = [p for p in extract_places(plan, VALLEY) if p.text == "北塘"]
    assert [(p.region_code, p.status) for p in got[:3]] == [("910102", "resolved"), ("920102", "resolved"),
                                                            (None, "ambiguous")]  # fmt: skip
    assert got[2].candidates == ["910102", "920102"]


@pytest.mark.parametrize("name", OUTLINES)
def test_synthetic_golden(name: str) -> None:
    rows = [[p.eid, p.start, p.text, p.name, p.region_code, p.group_code, p.status, p.candidates]
            for p in extract_places(synthetic(name), OUTLINES[name])]  # fmt: skip
    golden.check(rows, SYNTHETIC / f"{name}.places.expected.json")
