"""The gazetteer: counts against the source package, codes and names both ways, lookups."""

from __future__ import annotations

import re

import pytest

from yrd.errors import NotFoundError
from yrd.regions import load_gazetteer

G = load_gazetteer()
PROVINCES = {"310000": "上海市", "320000": "江苏省", "330000": "浙江省", "340000": "安徽省"}


def test_four_provinces_and_41_prefecture_level_cities() -> None:
    assert {r.code: r.name_zh for r in G.by_level("province")} == PROVINCES
    prefectures = G.by_level("prefecture")
    assert len(prefectures) == 41
    per_province = {p: sum(r.province_code == p for r in prefectures) for p in PROVINCES}
    assert per_province == {"310000": 1, "320000": 13, "330000": 11, "340000": 16}


def test_county_counts_match_the_source_package() -> None:
    """The build recorded the package's own counts; the shipped list must agree with them."""
    meta = G.metadata
    counties = G.by_level("county")
    per_province = {p: sum(r.province_code == p for r in counties) for p in PROVINCES}
    assert per_province == meta["counties_per_province"]
    assert meta["counts"] == {"province": 4, "prefecture": 41, "county": len(counties)}
    # 2023 divisions: Shanghai 16 districts, Jiangsu 95, Zhejiang 90, Anhui 104 county-level units
    assert per_province == {"310000": 16, "320000": 95, "330000": 90, "340000": 104}
    dropped = meta["source_rows"]["development_zones_dropped"]
    assert meta["source_rows"]["areas_rows"] - dropped == len(counties)


def test_every_region_is_well_formed() -> None:
    codes = [r.code for r in G]
    assert codes == sorted(codes) and len(set(codes)) == len(codes)
    for r in G:
        assert re.fullmatch(r"3[1-4]\d{4}", r.code), r
        assert r.province_code == r.code[:2] + "0000"
        if r.level == "province":
            assert r.parent_code is None
        elif r.level == "prefecture":
            assert r.parent_code == r.province_code and r.code.endswith("00")
        else:
            assert r.parent_code == r.code[:4] + "00" and G.by_code(r.parent_code).level == "prefecture"
            assert not 71 <= int(r.code[4:]) <= 79, "NBS development zones are not divisions"
        assert 114 < r.lon < 123.5 and 27 < r.lat < 35.5, r
        assert r.name_en and r.name_en.isascii() and r.short_zh and r.short_zh in r.name_zh


def test_code_and_name_round_trip() -> None:
    for r in G:
        assert G.by_code(r.code) is r
        assert r in G.lookup(r.name_zh)
        assert r in G.lookup(r.short_zh)
        same = [x for x in G.lookup(r.name_en) if x.name_en == r.name_en]
        # Shanghai is both the province-level unit and its one prefecture-level city
        assert same == [r] or (r.code in ("310000", "310100") and r in same), r.name_en


def test_unknown_code_is_not_found() -> None:
    with pytest.raises(NotFoundError):
        G.by_code("110000")
    assert G.get("999999") is None and "999999" not in G


@pytest.mark.parametrize(
    ("code", "english"),
    [
        ("310000", "Shanghai"),
        ("310100", "Shanghai"),
        ("320300", "Xuzhou"),
        ("320500", "Suzhou, Jiangsu"),
        ("341300", "Suzhou, Anhui"),
        ("321200", "Taizhou, Jiangsu"),
        ("331000", "Taizhou, Zhejiang"),
        ("310118", "Qingpu District"),
        ("320509", "Wujiang District"),
        ("330421", "Jiashan County"),
        ("310115", "Pudong New Area"),
        ("310112", "Minhang District"),
        ("310105", "Changning District"),
        ("340300", "Bengbu"),
        ("341500", "Lu'an"),
        ("340500", "Ma'anshan"),
        ("341621", "Guoyang County"),
        ("320583", "Kunshan City"),
        ("331127", "Jingning She Autonomous County"),
        ("310107", "Putuo District, Shanghai"),
        ("330903", "Putuo District, Zhoushan"),
    ],
)
def test_english_names_follow_official_usage(code: str, english: str) -> None:
    assert G.by_code(code).name_en == english


def test_english_names_are_unique_within_a_level() -> None:
    for level in ("province", "prefecture", "county"):
        names = [r.name_en for r in G.by_level(level)]
        assert len(names) == len(set(names)), level


def test_short_names() -> None:
    assert G.by_code("320500").short_zh == "苏州"
    assert G.by_code("310118").short_zh == "青浦"
    assert G.by_code("310115").short_zh == "浦东"
    assert G.by_code("341021").short_zh == "歙县"  # a one-character stem stays whole


@pytest.mark.parametrize(
    ("name", "codes"),
    [
        ("沪", ["310000"]),
        ("苏", ["320000"]),
        ("浙", ["330000"]),
        ("皖", ["340000"]),
        ("上海", ["310000", "310100"]),
        ("上海市", ["310000", "310100"]),
        ("江苏", ["320000"]),
        ("苏州", ["320500"]),
        ("苏州市", ["320500"]),
        ("宿州", ["341300"]),
        ("青浦", ["310118"]),
        ("青浦区", ["310118"]),
        ("黄山", ["341000", "341003"]),
        ("鼓楼区", ["320106", "320302"]),
        ("Suzhou", ["320500", "341300"]),
        ("taizhou", ["321200", "331000"]),
        ("Taizhou, Zhejiang", ["331000"]),
        ("Qingpu", ["310118"]),
        (" 嘉善县 ", ["330421"]),
        ("北京", []),
    ],
)
def test_lookup_short_informal_and_ambiguous_names(name: str, codes: list[str]) -> None:
    assert [r.code for r in G.lookup(name)] == codes


def test_hierarchy_helpers() -> None:
    assert [r.code for r in G.children("310100")][:2] == ["310101", "310104"]
    assert [r.code for r in G.ancestors("320509")] == ["320500", "320000"]
    assert len(G.descendants("320000")) == 13 + 95
    assert G.counties_of(["310100", "330421"]) == [*[r.code for r in G.children("310100")], "330421"]
    assert G.names()[0] == max(G.names(), key=len)
