"""The aligner on its own (synthetic paragraphs from tests/data/bilingual, invented text) and the merge of a
bilingual copy into the official Chinese text (the seeds, read from ``../shared/seeds`` at run time)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from yrd.documents.align import (
    Bead,
    align_sequences,
    align_trees,
    anchors,
    describe_difference,
    english_lead,
    fold_chinese,
    merge_official,
    split_english,
)
from yrd.documents.bilingual import read_bilingual
from yrd.documents.locales import EN, ZH
from yrd.documents.model import Plan
from yrd.documents.readers import Line, plain_lines
from yrd.documents.structure import parse_structure

DATA = Path(__file__).resolve().parent / "data"
SYNTHETIC = DATA / "bilingual"
QINGXI = json.loads((SYNTHETIC / "synthetic_plan.json").read_text("utf-8"))
PARAS = [u for u in QINGXI["units"] if u["eid"].rsplit("__", 1)[-1].startswith("para")]
ZH_PARAS = [u["zh"] for u in PARAS]
EN_PARAS = [u["en"] for u in PARAS]


def shape(beads: list[Bead]) -> list[tuple[list[int], list[int]]]:
    return [(b.zh, b.en) for b in beads]


# ---------------------------------------------------------------------------------------------
# align_sequences


def test_one_to_one() -> None:
    beads = align_sequences(ZH_PARAS, EN_PARAS)
    assert shape(beads) == [([k], [k]) for k in range(len(PARAS))]
    assert min(b.score for b in beads) > 0.6
    assert sum(b.score for b in beads) / len(beads) > 0.9


@pytest.mark.parametrize("missing", [0, 5, 9, len(PARAS) - 1])
def test_a_missing_translation_is_a_one_to_nothing_bead(missing: int) -> None:
    en = EN_PARAS[:missing] + EN_PARAS[missing + 1 :]
    beads = align_sequences(ZH_PARAS, en)
    assert ([missing], []) in shape(beads)
    for b in beads:
        if b.zh and b.en:
            assert b.en[0] == b.zh[0] - (b.zh[0] > missing)


def test_an_added_english_paragraph_is_left_alone() -> None:
    note = "Translator's note: the names of places follow the official romanisation."
    en = [*EN_PARAS[:4], note, *EN_PARAS[4:]]
    assert ([], [4]) in shape(align_sequences(ZH_PARAS, en))


def test_merged_and_split_translations() -> None:
    merged = [*EN_PARAS[:4], f"{EN_PARAS[4]} {EN_PARAS[5]}", *EN_PARAS[6:9]]
    assert shape(align_sequences(ZH_PARAS[:9], merged))[4] == ([4, 5], [4])
    first, second = EN_PARAS[5].split(", and ", 1)
    split = [*EN_PARAS[:5], first + ".", second[0].upper() + second[1:], *EN_PARAS[6:9]]
    assert shape(align_sequences(ZH_PARAS[:9], split))[5] == ([5], [5, 6])


def test_anchors_decide_between_paragraphs_of_equal_length() -> None:
    zh = ["到2025年，覆盖率达到80%，新建项目120个。", "到2035年，覆盖率达到95%，新建项目300个。"]
    en = ["By 2035, coverage shall reach 95% with 300 new projects."]
    assert shape(align_sequences(zh, en)) == [([0], []), ([1], [0])]


def test_empty_sides() -> None:
    assert shape(align_sequences(ZH_PARAS[:2], [])) == [([0], []), ([1], [])]
    assert shape(align_sequences([], EN_PARAS[:2])) == [([], [0]), ([], [1])]
    assert align_sequences([], []) == []


def test_unrelated_texts_are_not_paired() -> None:
    zh = [QINGXI["units"][3]["zh"]]  # the preamble: areas, population, years
    en = ["Public participation shall be improved and channels for comments kept open."]
    assert sorted(shape(align_sequences(zh, en))) == [([], [0]), ([0], [])]


def test_a_pairing_whose_anchors_disagree_scores_low() -> None:
    zh = [QINGXI["units"][3]["zh"]]
    en = [
        "The Donghai Coast Area comprises Haining, Xiling and Beigang, covering 61,000 square kilometres "
        "with a resident population of 42.7 million in 2019. This Outline steers how the three coastal "
        "cities open up to the world in the coming years, and it runs until 2040."
    ]
    (bead,) = align_sequences(zh, en)
    assert bead.zh == [0] and bead.en == [0] and bead.score < 0.5


def test_scores_are_probabilities() -> None:
    beads = align_sequences(ZH_PARAS, EN_PARAS[::-1])
    assert all(0.0 <= b.score <= 1.0 for b in beads)


# ---------------------------------------------------------------------------------------------
# Features


@pytest.mark.parametrize(
    ("text", "lang", "want"),
    [
        ("到2025年，细颗粒物（PM2.5）平均浓度下降10%，面积35.8万平方公里", "zh",
         {"2025", "PM2.5", "10", "358000"}),
        ("by 2025 fine particles (PM2.5) fall by 10%, over 358,000 sq km", "en",
         {"2025", "PM2.5", "10", "358000"}),
        ("结算医疗费用约54亿元，建立G60科创走廊，加快5G网络", "zh", {"5.4e+09", "G60", "5G"}),
        ("roughly 5.4 billion yuan; the G60 corridor; 5G networks", "en", {"5.4e+09", "G60", "5G"}),
        ("It has 4 cities and two parks.", "en", set()),
    ],
)  # fmt: skip
def test_anchors(text: str, lang: str, want: set[str]) -> None:
    assert anchors(text, lang) == want


def test_split_english_at_sentence_ends() -> None:
    text = "One short sentence. Then a second, rather longer sentence follows here. And a third."
    assert split_english(text, [1, 2]) == [
        "One short sentence.",
        "Then a second, rather longer sentence follows here. And a third.",
    ]
    assert split_english("Only one sentence here.", [1, 1]) == ["Only one sentence here.", ""]


def test_english_lead() -> None:
    assert english_lead("Steady growth: GDP rose. Then more.") == "Steady growth:"
    assert english_lead("Growth will be steady. GDP shall rise by 5%.") == "Growth will be steady."
    assert english_lead("No lead in a single sentence") == ""


# ---------------------------------------------------------------------------------------------
# align_trees


def _tree(lines: list[str], lang: str) -> Plan:
    return parse_structure([Line(k, t) for k, t in enumerate(lines, 1)], ZH if lang == "zh" else EN, lang)


def test_trees_pair_headings_by_number_even_when_one_is_missing() -> None:
    zh = _tree(
        ["第一章 总则", ZH_PARAS[0], "第一节 目标", ZH_PARAS[1], ZH_PARAS[2], "第二节 布局", ZH_PARAS[3]],
        "zh",
    )
    en = _tree(
        ["Chapter I General", EN_PARAS[0], "Section 1 Goals", EN_PARAS[1], EN_PARAS[2], EN_PARAS[3]], "en"
    )
    result = align_trees(zh, en)
    pairs = {p.zh[0].eid: [u.eid for u in p.en] for p in result.pairs}
    assert pairs["chp_1"] == ["chp_1"]
    assert pairs["chp_1__sec_1__para_2"] == ["chp_1__sec_1__para_2"]
    assert pairs["chp_1__sec_2__para_1"] == ["chp_1__sec_1__para_3"]  # its heading is missing in English
    assert [u.eid for u in result.unpaired_zh] == ["chp_1__sec_2"]


# ---------------------------------------------------------------------------------------------
# merge_official


def test_fold_and_describe_difference() -> None:
    assert fold_chinese("中国（上海）自贸区， 新片区") == fold_chinese("中国(上海)自贸区,新片区")
    text = describe_difference("构建区域创新共同体", "构建区域创新共同体请你喝茶")
    assert text == "official «建区域创新共同体» vs «建区域创新共同体请你喝茶»"


@pytest.fixture
def synthetic_pair() -> tuple[Plan, Plan]:
    official = parse_structure(
        plain_lines((SYNTHETIC / "synthetic_official.txt").read_text("utf-8")), ZH, "official"
    )
    bilingual = read_bilingual((SYNTHETIC / "synthetic_page.txt").read_text("utf-8"), "page")
    return official, bilingual


def test_merge_synthetic_copies(synthetic_pair: tuple[Plan, Plan]) -> None:
    official, bilingual = synthetic_pair
    before = [(u.eid, dict(u.text), dict(u.heading)) for u in official.walk()]
    problems = merge_official(official, bilingual)
    # the official news lead starts with its dateline, the bilingual copy's does not
    assert [p.message.split(":")[0] for p in problems] == ["intro__para_1"]
    assert "青溪日报社" in problems[0].message
    after = [(u.eid, u.text.get("zh"), u.heading.get("zh")) for u in official.walk()]
    assert after == [
        (eid, text.get("zh"), heading.get("zh")) for eid, text, heading in before
    ]  # official wins
    for unit in official.walk():
        if unit.kind != "front":
            assert unit.text.get("en") or unit.heading.get("en"), unit.eid
            assert unit.align_score is not None
    assert official.title["en"] == QINGXI["title"]["en"]
    assert "en" in official.langs


def test_merge_reports_changed_and_missing_units(synthetic_pair: tuple[Plan, Plan]) -> None:
    official, bilingual = synthetic_pair
    para = official.find("chp_2__sec_1__para_2")
    assert para is not None
    para.text["zh"] = para.text["zh"].replace("2035", "2036")
    section = official.find("chp_3__sec_2")
    assert section is not None
    dropped = section.children.pop()
    extra = copy.deepcopy(dropped)
    extra.eid = "chp_3__sec_2__para_9"
    bilingual.find("chp_3__sec_2").children.append(extra)  # type: ignore[union-attr]
    messages = [p.message for p in merge_official(official, bilingual)]
    assert any(m.startswith("chp_2__sec_1__para_2: the bilingual copy's Chinese text differs") and "2036" in m
               for m in messages)  # fmt: skip
    assert "chp_3__sec_2__para_2: in the bilingual copy only, not in the official text" in messages
    assert "chp_3__sec_2__para_9: in the bilingual copy only, not in the official text" in messages


def test_merge_seed_page_into_the_official_text(seeds: Path) -> None:
    official = parse_structure(
        plain_lines((seeds / "000_094ee4e860bae67b.txt").read_text("utf-8")), ZH, "000"
    )
    bilingual = read_bilingual((seeds / "003_39bcb3656d9d8d7a.txt").read_text("utf-8"), "003")
    gold = json.loads((DATA / "alignment_gold.json").read_text("utf-8"))["units"]
    problems = merge_official(official, bilingual)
    differing = sorted({p.message.split(":")[0] for p in problems})
    # the official news lead carries the dateline; the page's heading of 第四章第一节 has stray text
    assert differing == ["chp_4__sec_1", "intro__para_1"]
    assert all(p.level == "warning" for p in problems)
    heading = next(p for p in problems if p.message.startswith("chp_4__sec_1"))
    assert "请你喝茶" in heading.message
    unit = official.find("chp_4__sec_1")
    assert unit is not None and unit.heading["zh"] == "构建区域创新共同体"  # the official text wins
    for eid, want in gold.items():
        unit = official.find(eid)
        assert unit is not None
        assert bool(unit.text.get("en") or unit.heading.get("en")) == (want is not None), eid
    pm = official.find("chp_2__sec_4__para_5")
    assert pm is not None and "PM2.5" in pm.text["zh"] and "PM2.5" in pm.text["en"]
    assert "Outline" in official.title["en"] and "en" in official.langs
