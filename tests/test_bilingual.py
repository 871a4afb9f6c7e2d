"""The bilingual reader: the seed page from ``../shared/seeds`` and synthetic pages.

The seed's English translation is copyrighted: it is read from ``shared/seeds`` at run time and
never copied here; the gold set names English segments by line, run index and a short hash only.
Everything under ``tests/data/bilingual`` is synthetic test material with invented sentences.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from yrd.documents.bilingual import (
    BilingualReading,
    evaluate_gold,
    read_bilingual,
    read_bilingual_detail,
    split_runs,
    widen_punctuation,
)
from yrd.documents.locales import EN, ZH
from yrd.documents.model import Plan
from yrd.documents.readers import plain_lines, read_source
from yrd.documents.structure import parse_structure
from yrd.errors import InputError

DATA = Path(__file__).resolve().parent / "data"
SYNTHETIC = DATA / "bilingual"
PAGE = "003_39bcb3656d9d8d7a.txt"
OFFICIAL = "000_094ee4e860bae67b.txt"


def _load(name: str) -> dict:  # type: ignore[type-arg]
    return json.loads((SYNTHETIC / name).read_text("utf-8"))


QINGXI = _load("synthetic_plan.json")
FIVE_YEAR = _load("synthetic_five_year.json")


# ---------------------------------------------------------------------------------------------
# The seed page


@pytest.fixture(scope="module")
def reading(seeds: Path) -> BilingualReading:
    return read_bilingual_detail((seeds / PAGE).read_text("utf-8"), PAGE)


@pytest.fixture(scope="module")
def official(seeds: Path) -> Plan:
    return parse_structure(plain_lines((seeds / OFFICIAL).read_text("utf-8")), ZH, OFFICIAL)


@pytest.fixture(scope="module")
def gold() -> dict[str, dict[str, int | str] | None]:
    return json.loads((DATA / "alignment_gold.json").read_text("utf-8"))["units"]


def test_seed_page_gives_the_official_tree(reading: BilingualReading, official: Plan) -> None:
    kinds = [u.kind for u in reading.plan.walk()]
    assert [u.eid for u in reading.plan.walk()] == [u.eid for u in official.walk()]
    assert kinds.count("chapter") == 12
    assert kinds.count("section") == 44
    assert len([u for u in reading.plan.walk() if u.eid.startswith("intro__para")]) == 2
    assert kinds.count("paragraph") == 139
    assert reading.plan.langs == ["zh", "en"]


def test_seed_gold_precision_and_recall(reading: BilingualReading, gold: dict) -> None:  # type: ignore[type-arg]
    assert len(gold) >= 150
    score = evaluate_gold(reading, gold)
    assert score.precision >= 0.99, score.wrong
    assert score.recall >= 0.99, score.missed
    assert (score.precision, score.recall) == (1.0, 1.0), (score.wrong, score.missed)


def test_gold_covers_the_whole_document(gold: dict) -> None:  # type: ignore[type-arg]
    eids = set(gold)
    assert {f"chp_{n}" for n in range(1, 13)} <= eids
    assert sum(1 for e in eids if e.rsplit("__", 1)[-1].startswith("sec_")) == 44
    assert "intro" in eids and gold["intro"] is None  # a unit with no English of its own


def test_seed_english_on_every_unit_that_has_it(reading: BilingualReading, gold: dict) -> None:  # type: ignore[type-arg]
    for eid, want in gold.items():
        unit = reading.plan.find(eid)
        assert unit is not None
        has_english = bool(unit.text.get("en") or unit.heading.get("en"))
        assert has_english == (want is not None), eid
        if want is not None:
            assert unit.align_score is not None and 0.5 <= unit.align_score <= 1.0, (eid, unit.align_score)
        else:
            assert unit.align_score is None


def test_seed_glued_headings_are_cut_and_broken_ones_joined(reading: BilingualReading) -> None:
    # line 119 of the page holds an English heading and the next Chinese paragraph
    sec = reading.plan.find("chp_1__sec_1")
    para = reading.plan.find("chp_1__sec_1__para_1")
    assert sec is not None and para is not None
    assert sec.heading["zh"] == "发展基础" and reading.english_sources["chp_1__sec_1"][0].line == 119
    assert para.text["zh"].startswith("经济社会发展全国领先。") and para.line == 119
    assert reading.english_sources["chp_1__sec_1__para_1"][0].line == 120
    # the heading of chapter 6, section 3 is broken over lines 314 and 315 of the page
    assert [s.line for s in reading.english_sources["chp_6__sec_3"]] == [314, 315]


def test_seed_chinese_is_normalised_to_full_width(reading: BilingualReading, official: Plan) -> None:
    ours = reading.plan.find("chp_1__sec_1__para_5")
    theirs = official.find("chp_1__sec_1__para_5")
    assert ours is not None and theirs is not None
    assert "（PM2.5）" in ours.text["zh"]
    assert ours.text["zh"] == theirs.text["zh"]
    assert "PM2.5" in ours.text["en"]
    assert "," not in ours.text["zh"] and "(" not in ours.text["zh"]


def test_seed_leads_titles_and_date(reading: BilingualReading) -> None:
    plan = reading.plan
    assert plan.title["zh"] == "长江三角洲区域一体化发展规划纲要"
    assert "Outline" in plan.title["en"] and "[" not in plan.title["en"]
    assert plan.date == "2019-12-01"
    assert plan.issuer["zh"] == "中共中央、国务院"
    with_lead = [u for u in plan.walk() if u.lead.get("zh")]
    assert len(with_lead) > 90
    # the lead opens the text (after a dash, as in the Chinese "——坚持创新共建。")
    assert all(u.lead.get("en") and u.lead["en"] in u.text["en"][: len(u.lead["en"]) + 2] for u in with_lead)
    assert all(u.lead["en"].endswith(":") for u in with_lead if u.eid.startswith("chp_1__sec_1"))


def test_seed_problems_are_the_real_ones(reading: BilingualReading) -> None:
    messages = [p.message for p in reading.plan.problems]
    # the page's heading of chapter 4, section 1 carries stray text the contents list lacks
    assert any("构建区域创新共同体请你喝茶" in m for m in messages)
    assert not any("no English" in m or "no Chinese counterpart" in m or "doubtful" in m for m in messages)


def test_seed_through_the_reader_pipeline(seeds: Path) -> None:
    src = read_source((seeds / PAGE).read_bytes(), PAGE)
    assert src.form == "bilingual"
    plan = read_bilingual(src.text, PAGE)
    assert sum(1 for u in plan.walk() if u.text.get("en")) == 139


# ---------------------------------------------------------------------------------------------
# Synthetic pages: the hand-laid one, then layouts generated from the same invented plans

_HALF = str.maketrans({"，": ",", "；": ";", "：": ":", "（": "(", "）": ")"})
STYLES = ["same_line", "chinese_first", "separate", "english_first", "shifted"]


def _is_heading(eid: str) -> bool:
    return not eid.rsplit("__", 1)[-1].startswith("para")


def _english(unit: dict) -> str:  # type: ignore[type-arg]
    """What the reader should give a unit: a heading's title, or a paragraph's text."""
    if _is_heading(unit["eid"]):
        head = EN.heading(unit["en"])
        assert head is not None
        return head.title
    return unit["en"]


def make_page(
    plan: dict,  # type: ignore[type-arg]
    style: str,
    *,
    drop: frozenset[str] = frozenset(),
    extra: tuple[str, str] | None = None,
    half_width: bool = True,
) -> str:
    """A bilingual page in one of several layouts, with English dropped or added where asked."""
    units = plan["units"]

    def zh(u: dict) -> str:  # type: ignore[type-arg]
        return u["zh"].translate(_HALF) if half_width else u["zh"]

    lines = ["SYNTHETIC TEST MATERIAL", "Sign out | History | Contact"]
    lines += [f"{plan['headline']['en']} [Effective]", plan["headline"]["zh"], ""]
    lines += [f"{u['en']} {zh(u)}" for u in units if u["eid"].startswith("intro__")]
    body = [u for u in units if not u["eid"].startswith("intro")]
    if any(u["eid"] == "preface" for u in body):
        lines.append("Contents 目录")
        lines += [f"{u['en']} {zh(u)}" for u in body if _is_heading(u["eid"])]
    items: list[tuple[str | None, str | None]] = []
    for u in body:
        items.append((zh(u), None if u["eid"] in drop else u["en"]))
        if extra and extra[0] == u["eid"]:
            items.append((None, extra[1]))
    lines += _lay_out(items, style)
    if "dateline" in plan:
        lines += [plan["dateline"]["zh"].translate(_HALF), plan["dateline"]["en"]]
    lines += ["", "Scan the code to read on your phone", "Home | About | Terms | 中文"]
    return "\n".join(lines) + "\n"


def _lay_out(items: list[tuple[str | None, str | None]], style: str) -> list[str]:
    def join(*parts: str | None) -> str:
        return " ".join(p for p in parts if p)

    if style == "shifted":  # each line: the English of one unit, then the Chinese of the next
        zhs = [z for z, _ in items]
        ens = [e for _, e in items]
        return [
            join(ens[k - 1] if k else None, zhs[k] if k < len(zhs) else None) for k in range(len(items) + 1)
        ]
    out: list[str] = []
    for z, e in items:
        if style == "same_line":
            out.append(join(e, z))
        elif style == "chinese_first":
            out.append(join(z, e))
        elif style == "separate":
            out += [x for x in (z, "", e, "") if x is not None]
        else:
            out += [x for x in (e, z) if x]
    return out


def check_english(plan: Plan, data: dict, drop: frozenset[str] = frozenset()) -> None:  # type: ignore[type-arg]
    for u in data["units"]:
        unit = plan.find(u["eid"])
        assert unit is not None, u["eid"]
        got = unit.heading.get("en") if _is_heading(u["eid"]) else unit.text.get("en")
        assert got == (None if u["eid"] in drop else _english(u)), u["eid"]
        assert unit.text.get("zh", unit.heading.get("zh")) is not None


def test_hand_laid_synthetic_page() -> None:
    plan = read_bilingual((SYNTHETIC / "synthetic_page.txt").read_text("utf-8"), "synthetic_page.txt")
    check_english(plan, QINGXI)
    for u in QINGXI["units"]:
        unit = plan.find(u["eid"])
        assert unit is not None
        if not _is_heading(u["eid"]):
            assert unit.text["zh"] == u["zh"]  # half-width punctuation widened back
    assert plan.title == QINGXI["title"]
    assert plan.date == "2023-03-08"
    assert plan.issuer["zh"] == "青溪湾区协调发展领导小组"
    para = plan.find("chp_1__sec_1__para_1")
    assert para is not None and para.lead == {
        "zh": "经济实力稳步增强。",
        "en": "Steadily growing economic strength:",
    }
    assert [p.message for p in plan.problems if "doubtful" in p.message or "no English" in p.message] == []


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("data", [QINGXI, FIVE_YEAR], ids=["regional", "five_year"])
def test_every_layout_of_every_outline(data: dict, style: str) -> None:  # type: ignore[type-arg]
    plan = read_bilingual(make_page(data, style), f"{style}.txt")
    check_english(plan, data)
    scores = [u.align_score for u in plan.walk() if u.align_score is not None]
    assert len(scores) == len(data["units"]) and min(scores) >= 0.5
    assert plan.title["en"] == data["title"]["en"]


@pytest.mark.parametrize("style", ["shifted", "separate", "same_line"])
def test_missing_english_for_one_paragraph(style: str) -> None:
    drop = frozenset({"chp_1__sec_1__para_2"})
    plan = read_bilingual(make_page(QINGXI, style, drop=drop), "missing.txt")
    check_english(plan, QINGXI, drop)
    unit = plan.find("chp_1__sec_1__para_2")
    assert unit is not None and unit.align_score is None
    assert any(p.message.startswith("chp_1__sec_1__para_2: no English") for p in plan.problems)


def test_missing_english_heading() -> None:
    drop = frozenset({"chp_1__sec_2"})
    plan = read_bilingual(make_page(QINGXI, "shifted", drop=drop), "missing_heading.txt")
    check_english(plan, QINGXI, drop)


@pytest.mark.parametrize(
    ("data", "after", "note"),
    [
        (QINGXI, "chp_2__sec_1__para_1", "Translator's note: the figures in this section are provisional."),
        (
            QINGXI,
            "chp_1__sec_2__para_1",
            "The figures in this section are provisional and may be revised later.",
        ),
        (FIVE_YEAR, "part_2__chp_3__sec_1__para_1", "Note: see the annex."),
    ],
)
@pytest.mark.parametrize("style", ["shifted", "english_first"])
def test_extra_english_paragraph(style: str, data: dict, after: str, note: str) -> None:  # type: ignore[type-arg]
    plan = read_bilingual(make_page(data, style, extra=(after, note)), "extra.txt")
    check_english(plan, data)
    assert not any(note in (u.text.get("en") or "") for u in plan.walk())
    assert any("no Chinese counterpart" in p.message for p in plan.problems)


def test_an_extra_paragraph_that_lengths_cannot_place_is_flagged() -> None:
    # the English of this paragraph is short for its Chinese, so an added sentence after it fits as well
    # as the paragraph alone: whichever the aligner picks, it must say that it is unsure
    note = "The figures in this section are provisional and may be revised later."
    eid = "part_1__chp_1__sec_1__para_1"
    plan = read_bilingual(make_page(FIVE_YEAR, "separate", extra=(eid, note)), "extra.txt")
    unit = plan.find(eid)
    assert unit is not None and unit.align_score is not None
    if note in unit.text["en"]:
        assert unit.align_score < 0.5
        assert any(p.message.startswith(f"{eid}: doubtful pairing") for p in plan.problems)


def test_one_english_paragraph_for_two_chinese() -> None:
    data = json.loads(json.dumps(QINGXI))
    units = {u["eid"]: u for u in data["units"]}
    first, second = units["chp_1__sec_1__para_1"], units["chp_1__sec_1__para_2"]
    merged = f"{first['en']} {second['en']}"
    page = make_page(data, "separate", drop=frozenset({second["eid"]})).replace(first["en"], merged)
    plan = read_bilingual(page, "merged.txt")
    check_english(plan, QINGXI)
    one, two = plan.find(first["eid"]), plan.find(second["eid"])
    assert one is not None and two is not None
    assert one.align_score is not None and two.align_score is not None
    assert max(one.align_score, two.align_score) < 0.7  # a split translation is flagged as doubtful


def test_chinese_heading_glued_to_its_paragraph() -> None:
    page = make_page(QINGXI, "separate", half_width=False)
    para = next(u for u in QINGXI["units"] if u["eid"] == "chp_1__sec_1__para_1")
    heading = "第一节 现实基础\n\nSection 1 Present Strengths\n\n"
    page = page.replace(
        heading, "Section 1 Present Strengths\n\n第一节 现实基础", 1
    )  # the contents keep theirs
    assert "第一节 现实基础" + para["zh"] in page
    plan = read_bilingual(page, "glued.txt")
    check_english(plan, QINGXI)


def test_english_without_headings_is_aligned_as_paragraphs() -> None:
    page = make_page(QINGXI, "separate")
    for u in QINGXI["units"]:
        if _is_heading(u["eid"]):
            page = page.replace(f"\n{u['en']}\n", "\n").replace(f"{u['en']} ", "")
    page = page.replace("Contents 目录", "目录")
    plan = read_bilingual(page, "no_english_headings.txt")
    heads = frozenset(u["eid"] for u in QINGXI["units"] if _is_heading(u["eid"]))
    check_english(plan, QINGXI, drop=heads)


def test_a_page_with_no_english_is_refused() -> None:
    text = (SYNTHETIC / "synthetic_official.txt").read_text("utf-8")
    with pytest.raises(InputError, match=r"^chinese_only\.txt: a bilingual page with no English text$"):
        read_bilingual("Logout History Contact us\n" + text, "chinese_only.txt")


def test_a_page_whose_chinese_is_not_an_outline_is_refused() -> None:
    with pytest.raises(InputError, match="not a plan outline"):
        read_bilingual("Some English text here. 一些中文文字。\nMore words follow. 更多文字。\n", "x.txt")


# ---------------------------------------------------------------------------------------------
# Script runs and punctuation


SPLITS: list[tuple[str, list[tuple[str, str]]]] = [
    ("Section 1 Basics 经济发展领先。Growth is fast.",
     [("en", "Section 1 Basics"), ("zh", "经济发展领先。"), ("en", "Growth is fast.")]),
    ("Preamble 2018年11月5日,会议召开。", [("en", "Preamble"), ("zh", "2018年11月5日,会议召开。")]),
    ("and the rest. “双一流”高校。", [("en", "and the rest."), ("zh", "“双一流”高校。")]),
    ("Principles ——坚持创新共建。", [("en", "Principles"), ("zh", "——坚持创新共建。")]),
    ("Goals G60科创走廊、5G网络和细颗粒物(PM2.5)浓度。",
     [("en", "Goals"), ("zh", "G60科创走廊、5G网络和细颗粒物(PM2.5)浓度。")]),
    ("Implementation (新华社北京2019年12月1日电)",
     [("en", "Implementation"), ("zh", "(新华社北京2019年12月1日电)")]),
    ("第四节 建立1+N 规划政策体系", [("zh", "第四节 建立1+N 规划政策体系")]),
    ("目录 Contents", [("zh", "目录"), ("en", "Contents")]),
    ("the Delta (长三角) grows fast. 规划（Pilot Zone）建设。",
     [("en", "the Delta (长三角) grows fast."), ("zh", "规划（Pilot Zone）建设。")]),
    ("Menu\xa0 English 中文 = 简体", [("en", "Menu English"), ("zh", "中文 = 简体")]),
]  # fmt: skip


@pytest.mark.parametrize(("line", "runs"), SPLITS)
def test_split_runs(line: str, runs: list[tuple[str, str]]) -> None:
    assert [(r.lang, r.text) for r in split_runs(line, 1)] == runs


def test_run_indexes_count_per_language() -> None:
    runs = split_runs("Alpha beta 甲。Gamma delta 乙。", 9)
    assert [(r.lang, r.index, r.line) for r in runs] == [
        ("en", 0, 9),
        ("zh", 0, 9),
        ("en", 1, 9),
        ("zh", 1, 9),
    ]


@pytest.mark.parametrize(
    ("raw", "wide"),
    [
        ("经济,社会;文化:生态(环境)", "经济，社会；文化：生态（环境）"),
        ("细颗粒物(PM2.5)平均浓度", "细颗粒物（PM2.5）平均浓度"),
        ("面积35.8万平方公里,约1,000人", "面积35.8万平方公里，约1,000人"),
        ("建立1+N 规划政策体系", "建立1+N规划政策体系"),
        ("是否?是!", "是否？是！"),
    ],
)
def test_widen_punctuation(raw: str, wide: str) -> None:
    assert widen_punctuation(raw) == wide
