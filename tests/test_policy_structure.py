"""The follow-up policy parser on three synthetic documents of different shapes (tests/data/policy_docs)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import PLAIN_SEED, missing
from yrd.documents.citation import cite, parse_citation, short_title
from yrd.documents.locales import ZH
from yrd.documents.model import Plan
from yrd.documents.policy_structure import looks_like_policy, parse_policy
from yrd.documents.readers import Line, plain_lines, read_source
from yrd.documents.structure import parse_structure
from yrd.errors import InputError

DOCS = Path(__file__).parent / "data" / "policy_docs"
NAMES = ("implementation_plan.txt", "regulation.txt", "notice.txt")


def _lines(name: str) -> list[Line]:
    path = DOCS / name
    return plain_lines(read_source(path.read_bytes(), name).text)


def _plan(name: str) -> Plan:
    return parse_policy(_lines(name), name)


def _kinds(plan: Plan) -> Counter[str]:
    return Counter(u.kind for u in plan.walk())


def _text(plan: Plan, eid: str) -> str:
    unit = plan.find(eid)
    assert unit is not None, eid
    return unit.text["zh"]


def _heading(plan: Plan, eid: str) -> str:
    unit = plan.find(eid)
    assert unit is not None, eid
    return unit.heading["zh"]


@pytest.mark.parametrize("name", NAMES)
def test_material_is_marked_synthetic(name: str) -> None:
    first = (DOCS / name).read_text("utf-8").splitlines()[0]
    assert "SYNTHETIC TEST MATERIAL" in first and "不是官方文件" in first


def test_implementation_plan_tree() -> None:
    plan = _plan("implementation_plan.txt")
    assert plan.title == {"zh": "示例省推进长三角一体化交通与创新协同实施方案"}
    assert plan.issuer == {"zh": "示例省人民政府办公厅"}
    assert plan.date == "2026-03-01"
    assert plan.problems == []
    assert _kinds(plan) == Counter(front=1, chapter=3, section=7, paragraph=18)
    assert [u.eid for u in plan.units] == ["intro", "chp_1", "chp_2", "chp_3"]
    assert [_heading(plan, f"chp_{n}") for n in (1, 2, 3)] == ["总体要求", "重点任务", "保障措施"]
    assert _heading(plan, "chp_2__sec_1") == "共建轨道上的长三角"
    # text before the first heading is kept (the marker line and the purpose clause); the title is not
    assert _text(plan, "intro__para_2").startswith("为贯彻落实《长江三角洲区域一体化发展规划纲要》")
    assert len(plan.find("intro").children) == 2  # type: ignore[union-attr]


def test_implementation_plan_items_and_sub_items() -> None:
    plan = _plan("implementation_plan.txt")
    item = plan.find("chp_2__sec_1__para_2")
    assert item is not None and item.line == 13
    assert item.text["zh"] == "推进省际断头路贯通。实施省界道路连接工程，打通省际断头路5条。"
    assert item.lead["zh"] == "推进省际断头路贯通。"
    assert [c.eid for c in item.children] == ["chp_2__sec_1__para_2__para_1", "chp_2__sec_1__para_2__para_2"]
    assert _text(plan, "chp_2__sec_1__para_2__para_2") == "推进西部连接线前期工作，2024年开工。"
    assert _text(plan, "chp_2__sec_1__para_3").startswith("提升港口协同水平。")


def test_run_in_heading_keeps_its_body_and_the_items_their_numbers() -> None:
    plan = _plan("implementation_plan.txt")
    assert _heading(plan, "chp_2__sec_2") == "构建区域创新共同体"
    # the heading's own text is paragraph 0, so the items printed 1. 2. 3. keep their numbers
    assert _text(plan, "chp_2__sec_2__para_0") == "联合沪苏浙共建长三角科技创新共同体，促进创新资源开放共享。"
    assert _text(plan, "chp_2__sec_2__para_1").startswith("共建重大科研平台。")
    assert _text(plan, "chp_2__sec_2__para_3").startswith("加强创新人才交流。")
    assert cite("chp_2__sec_2__para_1", "zh", "方案", "policy_items") == "《方案》二、（二）1."
    assert cite("chp_2__sec_2__para_0", "zh", "方案", "policy_items") == "《方案》二、（二）"


def test_regulation_tree() -> None:
    plan = _plan("regulation.txt")
    assert plan.title == {"zh": "长三角示例区跨域项目协同管理办法（试行）"}
    assert plan.problems == []
    assert _kinds(plan) == Counter(front=1, part=4, paragraph=11)  # 10 articles and the marker line
    assert [_heading(plan, f"part_{n}") for n in range(1, 5)] == ["总则", "项目管理", "监督评估", "附则"]
    # an article keeps its number across parts, so part_2__para_4 is 第四条
    assert [u.eid for u in plan.find("part_2").children] == [  # type: ignore[union-attr]
        "part_2__para_4",
        "part_2__para_5",
        "part_2__para_6",
    ]
    # a second 款 stays with its article
    assert _text(plan, "part_2__para_4") == (
        "跨域项目实行统一的项目库管理。\n项目库由示例区执委会会同两省一市有关部门共同维护，每年更新一次。"
    )
    assert _text(plan, "part_4__para_10") == "本办法自2026年5月1日起施行。"


def test_notice_preamble_and_attached_plan() -> None:
    plan = _plan("notice.txt")
    assert plan.title == {"zh": "示例市长三角一体化公共服务便利共享行动方案"}
    assert plan.issuer == {"zh": "示例市人民政府办公厅"}
    assert plan.date == "2026-04-10"
    assert [u.eid for u in plan.units] == ["intro", "preface", "chp_1", "chp_2"]
    preface = plan.find("preface")
    assert preface is not None and len(preface.children) == 7
    assert _text(plan, "preface__para_1").startswith("关于印发《")
    assert _text(plan, "preface__para_3") == "各区人民政府，市政府各委、办、局："
    assert _kinds(plan) == Counter(front=1, preamble=1, chapter=2, section=4, paragraph=12)
    assert _heading(plan, "chp_2__sec_2") == "推进医疗检查结果互认"
    assert _text(plan, "chp_2__sec_2__para_0") == "在三级医院率先实现检查检验结果互认。"


@pytest.mark.parametrize(
    ("name", "eid", "zh"),
    [
        ("implementation_plan.txt", "chp_2__sec_1__para_2", "第二章第一节第2段"),
        ("regulation.txt", "part_2__para_4", "第二篇第4段"),
        ("notice.txt", "preface__para_3", "前言第3段"),
    ],
)
def test_citations_round_trip(name: str, eid: str, zh: str) -> None:
    plan = _plan(name)
    assert plan.find(eid) is not None
    short = short_title(plan.title["zh"], "zh")
    text = cite(eid, "zh", short)
    assert text.startswith(f"《{plan.title['zh']}》")
    assert text == f"《{plan.title['zh']}》{zh}"
    assert parse_citation(text) == eid
    assert parse_citation(cite(eid, "en", "Plan")) == eid


def test_eids_are_unique_and_stable() -> None:
    for name in NAMES:
        first, second = _plan(name), _plan(name)
        eids = [u.eid for u in first.walk()]
        assert len(eids) == len(set(eids)), name
        assert eids == [u.eid for u in second.walk()]


def test_detector_separates_the_genres() -> None:
    for name in NAMES:
        assert looks_like_policy(_lines(name)), name
    if not PLAIN_SEED.exists():
        missing(f"the Outline seed {PLAIN_SEED}")
    outline = plain_lines(read_source(PLAIN_SEED.read_bytes(), PLAIN_SEED.name).text)
    assert not looks_like_policy(outline)


def test_outline_genre_documents_still_parse_with_the_outline_parser() -> None:
    genre = Path(__file__).parent / "data" / "genre" / "regional_outline.txt"
    lines = plain_lines(read_source(genre.read_bytes(), genre.name).text)
    assert not looks_like_policy(lines)
    assert any(u.kind == "chapter" for u in parse_structure(lines, ZH, genre.name).walk())


def test_skipped_number_is_a_problem_naming_the_line() -> None:
    lines = [
        ln if ln.text != "三、保障措施" else Line(ln.no, "四、保障措施")
        for ln in _lines("implementation_plan.txt")
    ]
    plan = parse_policy(lines, "skip.txt")
    assert len(plan.problems) == 1
    problem = plan.problems[0]
    assert problem.line == 24 and problem.level == "warning"
    assert problem.message == "numbering skips: 四、 where 三、 was expected"
    assert str(problem) == "line 24: numbering skips: 四、 where 三、 was expected"
    assert plan.find("chp_4") is not None  # the printed number is kept, the document is not rewritten


def test_skipped_article_and_sub_item() -> None:
    lines = [
        Line(1, "示例办法"),
        Line(2, "第一条 总的要求。"),
        Line(3, "第三条 具体要求。"),
        Line(4, "一、任务"),
        Line(5, "1.甲事项。"),
        Line(6, "（1）子项。"),
        Line(7, "（3）子项。"),
    ]
    plan = parse_policy(lines)
    assert [(p.line, p.message) for p in plan.problems] == [
        (3, "numbering skips: 第三条 where 第二条 was expected"),
        (7, "numbering skips: （3） where （2） was expected"),
    ]


def test_gbk_input_parses_the_same() -> None:
    text = (DOCS / "implementation_plan.txt").read_text("utf-8")
    src = read_source(text.encode("gbk"), "implementation_plan.gbk.txt")
    assert src.encoding == "gb18030"
    gbk = parse_policy(plain_lines(src.text), src.name)
    utf = _plan("implementation_plan.txt")
    assert [(u.eid, u.heading, u.text, u.line) for u in gbk.walk()] == [
        (u.eid, u.heading, u.text, u.line) for u in utf.walk()
    ]
    assert gbk.title == utf.title


def test_empty_input_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"empty\.txt: no text to parse"):
        parse_policy([], "empty.txt")
    with pytest.raises(InputError, match="the file is empty"):
        read_source(b"  \n", "empty.txt")


def test_garbage_input_is_an_input_error() -> None:
    lines = [Line(1, "这是一段没有任何编号的文字。"), Line(2, "2.5"), Line(3, "（1）孤立的小项。")]
    with pytest.raises(
        InputError, match=r"garbage\.txt: not a policy document: no numbered headings .* 3 lines"
    ):
        parse_policy(lines, "garbage.txt")
    with pytest.raises(InputError, match="binary"):
        read_source(b"\x00\x01\x02garbage\xff", "garbage.bin")
