"""The JSON export of the real Outline, checked against docs/plan.schema.json and for its content."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.schemas import assert_valid
from yrd.documents.export_json import plan_to_dict, plan_to_json
from yrd.documents.model import Plan

WORK = "/akn/cn/act/plan/2019-12-01/yrd-outline-2019"


@pytest.fixture(scope="module")
def exported(outline: Plan) -> dict[str, Any]:
    return plan_to_dict(outline)


def synthetic_bilingual(plan: Plan) -> Plan:
    """The Outline with SYNTHETIC English on a few units: our own test words, not any translation."""
    plan = copy.deepcopy(plan)
    plan.langs = ["zh", "en"]
    chapter = plan.find("chp_5")
    para = plan.find("chp_5__sec_1__para_3")
    assert chapter is not None and para is not None
    chapter.heading["en"] = "Synthetic chapter heading"
    para.text["en"] = "Synthetic lead: First synthetic sentence. Second synthetic sentence."
    para.lead["en"] = "Synthetic lead:"
    para.align_score = 0.75
    return plan


def units(tree: dict[str, Any]) -> Iterator[dict[str, Any]]:
    stack = list(reversed(tree["units"]))
    while stack:
        unit = stack.pop()
        yield unit
        stack.extend(reversed(unit["children"]))


def by_id(tree: dict[str, Any], eid: str) -> dict[str, Any]:
    return next(u for u in units(tree) if u["id"] == eid)


def test_the_outline_export_matches_the_schema(exported: dict[str, Any]) -> None:
    assert_valid(exported, "plan")


def test_json_text_is_the_same_data_with_readable_chinese(outline: Plan, exported: dict[str, Any]) -> None:
    text = plan_to_json(outline)
    assert json.loads(text) == exported
    assert "长江三角洲区域一体化发展规划纲要" in text
    assert "\\u" not in text


def test_plan_metadata(exported: dict[str, Any]) -> None:
    assert exported["id"] == "yrd-outline-2019"
    assert exported["date"] == "2019-12-01"
    assert exported["title"] == {"zh": "长江三角洲区域一体化发展规划纲要"}
    assert exported["issuer"] == {"zh": "中共中央、国务院"}
    assert exported["languages"] == ["zh"]
    assert exported["frbr_uri"] == WORK
    assert exported["expression_uris"] == {"zh": f"{WORK}/zho@2019-12-01"}


def test_the_whole_tree_is_there(outline: Plan, exported: dict[str, Any]) -> None:
    kinds = [u["kind"] for u in units(exported)]
    assert kinds.count("chapter") == 12
    assert kinds.count("section") == 44
    assert [u["id"] for u in units(exported)] == [u.eid for u in outline.walk()]
    toc_kinds = [e["kind"] for e in exported["toc"]]
    assert (toc_kinds.count("chapter"), toc_kinds.count("section")) == (12, 44)
    assert exported["problems"] == [
        {"level": p.level, "message": p.message, "line": p.line, "column": p.column, "source": p.source}
        for p in outline.problems
    ]


def test_chinese_and_english_citations(exported: dict[str, Any]) -> None:
    assert by_id(exported, "preface")["citation"]["zh"] == "《纲要》前言"
    assert by_id(exported, "chp_5__sec_1")["citation"]["zh"] == "《纲要》第五章第一节"
    para = by_id(exported, "chp_5__sec_1__para_3")
    assert para["citation"] == {"zh": "《纲要》第五章第一节第3段", "en": "Outline, Ch. V, Sec. 1, para. 3"}


def test_heading_lead_and_sentences(exported: dict[str, Any]) -> None:
    assert by_id(exported, "chp_5")["heading"] == {"zh": "提升基础设施互联互通水平"}
    para = by_id(exported, "chp_3__sec_1__para_1")
    assert para["lead"] == {"zh": "提升上海服务功能。"}
    assert para["sentences"]["zh"][:2] == [
        "提升上海服务功能。",
        "面向全球、面向未来，提升上海城市能级和核心竞争力，引领长三角一体化发展。",
    ]
    for unit in units(exported):
        if unit["kind"] == "paragraph":
            assert "".join(unit["sentences"]["zh"]).replace(" ", "") == unit["text"]["zh"].replace(" ", "")
        else:
            assert unit["text"] == unit["sentences"] == {}
        assert unit["align_score"] is None  # a Chinese-only plan pairs nothing


def test_a_synthetic_bilingual_plan_exports_english_where_it_has_it(outline: Plan) -> None:
    exported = plan_to_dict(synthetic_bilingual(outline))
    assert_valid(exported, "plan")
    assert exported["languages"] == ["zh", "en"]
    assert exported["expression_uris"]["en"].endswith("/eng@2019-12-01")
    para = by_id(exported, "chp_5__sec_1__para_3")
    assert para["sentences"]["en"] == [
        "Synthetic lead: First synthetic sentence.",
        "Second synthetic sentence.",
    ]
    assert para["align_score"] == 0.75
    assert "en" not in by_id(exported, "chp_5__sec_1__para_1")["text"]  # a gap is a missing key


def test_an_unnamed_parse_has_no_uri_but_is_still_valid(outline: Plan) -> None:
    plan = copy.deepcopy(outline)
    plan.id, plan.date = "", None
    exported = plan_to_dict(plan)
    assert (exported["frbr_uri"], exported["expression_uris"]) == (None, {})
    assert_valid(exported, "plan")


Change = Callable[[dict[str, Any]], None]
_DELETE = object()
_PROBLEM = {"level": "warning", "message": "m", "line": 1, "column": None, "source": None}
_CHP1 = "units/2"  # front, preamble, then chapter 1


def _set(path: str, value: Any) -> Change:
    """A change that sets (or, given _DELETE, removes) the value at a slash path of the export."""

    def change(doc: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        target: Any = doc
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        if value is _DELETE:
            del target[last]
        else:
            target[int(last) if last.isdigit() else last] = value

    return change


def _nest_paragraph(doc: dict[str, Any]) -> None:
    """A paragraph holding a (well-formed) paragraph: paragraphs are leaves."""
    para = doc["units"][2]["children"][0]
    para["children"] = [copy.deepcopy(para)]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(_set("units", _DELETE), "'units' is a required property", id="no-units"),
        pytest.param(_set("format", "yrd-plan/0"), "'yrd-plan/1' was expected", id="other-format"),
        pytest.param(_set(f"{_CHP1}/kind", "article"), "is not one of", id="unknown-kind"),
        pytest.param(_set(f"{_CHP1}/id", "chapter-1"), "does not match", id="bad-eid"),
        pytest.param(_set(f"{_CHP1}/kind", "section"), "does not match", id="kind-disagrees-with-eid"),
        pytest.param(
            _set(f"{_CHP1}/citation/en", _DELETE), "'en' is a required property", id="no-en-citation"
        ),
        pytest.param(_set(f"{_CHP1}/align_score", 1.5), "greater than the maximum", id="score-above-1"),
        pytest.param(_set(f"{_CHP1}/heading/fr", "Contexte"), "is not one of", id="unknown-language"),
        pytest.param(_nest_paragraph, "is expected to be empty", id="paragraph-with-children"),
        pytest.param(_set(f"{_CHP1}/extra", 1), "Additional properties", id="extra-field"),
        pytest.param(_set("problems", [{**_PROBLEM, "level": "fatal"}]), "is not one of", id="bad-level"),
    ],
)
def test_invalid_documents_are_rejected(exported: dict[str, Any], change: Change, expected: str) -> None:
    doc = copy.deepcopy(exported)
    change(doc)
    with pytest.raises(AssertionError, match=expected):
        assert_valid(doc, "plan")
