"""The pages of extracted records and the reader's highlights, through a TestClient.

One database prepared as `yrd serve` does (the Outline, the regions, the records) is shared by the
session (`extracted_db` in conftest); the escaping tests load a tiny invented plan of their own.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import lxml.html
import pytest
from fastapi.testclient import TestClient

from yrd.db import Database
from yrd.documents.load import DEFAULT_PLAN
from yrd.documents.model import Unit
from yrd.extract.model import PlaceMention, Project, Target
from yrd.regions import load_gazetteer
from yrd.settings import Settings
from yrd.web import records, urls, urls_extract, urls_regions
from yrd.web.app import create_app

PLAN = DEFAULT_PLAN
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en-GB,en;q=0.9"}
KINDS = ("target", "fact", "project", "place", "task")


def page(client: TestClient, url: str, status: int = 200, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    response = client.get(url, headers=headers or ZH, follow_redirects=False)
    assert response.status_code == status, (url, response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith("text/html")
    return lxml.html.fromstring(response.text), response


def texts(tree: Any, xpath: str) -> list[str]:
    return [" ".join(e.text_content().split()) for e in tree.xpath(xpath)]


def rows(tree: Any) -> list[Any]:
    return tree.xpath('//table[contains(@class, "records-table")]/tbody/tr')


def api(client: TestClient, kind: str) -> list[dict[str, Any]]:
    return client.get(urls_extract.api_records(PLAN, kind)).json()["data"]


# ---------------------------------------------------------------------------------------------- every page


@pytest.mark.parametrize("kind", KINDS)
def test_each_page_links_its_json_twin_and_downloads(x_client: TestClient, kind: str) -> None:
    tree, _ = page(x_client, urls_extract.records_page(PLAN, kind))
    twin = tree.xpath('//head/link[@rel="alternate"][@type="application/json"]/@href')
    assert twin == [urls_extract.api_records(PLAN, kind)]
    body = x_client.get(twin[0]).json()
    assert body["count"] == len(body["data"]) > 0
    assert tree.xpath(f'//a[@href="{urls_extract.csv_records(PLAN, kind)}"][@download]')
    response = x_client.get(urls_extract.csv_records(PLAN, kind))
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(table) == body["count"]
    tabs = tree.xpath('//nav[@class="record-tabs"]/a/@href')
    assert urls_regions.regions_page() in tabs
    assert tree.xpath('//nav[@class="record-tabs"]/a[@aria-current="page"]/@href') == [
        urls_extract.records_page(PLAN, kind)
    ]
    for ref in tree.xpath("//@src | //@href"):
        assert ref.startswith(("/", "#")), ref


@pytest.mark.parametrize("kind", KINDS)
def test_unknown_plan_is_a_404_page_and_json_error(x_client: TestClient, kind: str) -> None:
    url = urls_extract.records_page("no-such-plan", kind)
    tree, _ = page(x_client, url, status=404)
    assert texts(tree, "//main//h1") == ["找不到该页面"]
    response = x_client.get(url, headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.json()["ok"] is False


@pytest.mark.parametrize("kind", ("target", "fact", "project", "task"))
def test_every_row_cites_its_unit_and_is_anchored_by_record_id(x_client: TestClient, kind: str) -> None:
    tree, _ = page(x_client, urls_extract.records_page(PLAN, kind))
    data = api(x_client, kind)
    found = rows(tree)
    assert len(found) == len(data)
    by_anchor = {urls_extract.record_anchor(r["id"]): r for r in data}
    for row in found:
        record = by_anchor[row.get("id")]
        cite = row.xpath('.//a[@class="cite"]')[0]
        assert cite.get("href") == urls.unit_page(PLAN, record["eid"])
        assert cite.text_content() == record["citation"]["zh"]
        if kind != "task":  # the sentence, with the record's own words marked
            assert row.xpath('.//p[@class="sentence"]/mark/text()') == [record["text"]]


# ---------------------------------------------------------------------------------------------- targets


def test_targets_are_grouped_by_year_with_readable_comparators(x_client: TestClient) -> None:
    tree, _ = page(x_client, urls_extract.records_page(PLAN, "target"))
    assert texts(tree, '//section[@class="record-group"]/h2') == ["到2025年 17", "未写明目标年份 1"]
    row = {texts(r, "./th")[0]: r for r in rows(tree)}
    rd = row["研发投入强度"]
    assert texts(rd, './td[@data-label="比较"]') == ["≥"]
    assert rd.xpath('.//span[@class="cmp"]/@title') == ["不低于"]
    assert texts(rd, './td[@data-label="数值"]') == ["3%以上"]
    assert texts(row["单位GDP能耗"], './td[@data-label="比较"]') == ["降低"]
    assert texts(row["单位GDP能耗"], './td[@data-label="基期年"]') == ["2017"]
    assert texts(row["中心区城乡居民收入差距"], './td[@data-label="范围"]') == ["中心区"]
    assert texts(row["地级及以上城市空气质量优良天数比率"], './td[@data-label="范围"]') == ["地级及以上城市"]
    dikes = texts(row["重要江河骨干堤防"], './td[@data-label="数值"]')[0]
    assert "全面达标" in dikes and "标准值" in dikes and "GB 50201-2014" in dikes
    assert texts(row["先行启动面积"], './td[@data-label="目标年份"]') == ["—"]


def test_targets_in_english_name_scope_and_comparator(x_client: TestClient) -> None:
    tree, _ = page(x_client, urls_extract.records_page(PLAN, "target"), headers=EN)
    assert tree.xpath("/html/@lang") == ["en"]
    cells = " | ".join(texts(tree, "//tbody//td"))
    for words in (
        "central area",
        "prefecture-level cities and above",
        "whole region",
        "reach",
        "reduce by",
        "meet the standard",
        "ratio",
    ):
        assert words in cells, words
    assert "By 2025 17" in texts(tree, "//h2")


@pytest.mark.parametrize(("year", "expected"), [("2025", 17), ("none", 1), ("1999", 18), ("", 18)])
def test_targets_filter_by_year(x_client: TestClient, year: str, expected: int) -> None:
    tree, _ = page(x_client, urls_extract.records_page(PLAN, "target", year=year))
    assert len(rows(tree)) == expected
    chosen = tree.xpath('//select[@name="year"]/option[@selected]/@value')
    assert chosen == ([year] if year in ("2025", "none") else [])


# ---------------------------------------------------------------------------------------------- facts


def test_facts_show_reference_year_and_whether_stated(x_client: TestClient) -> None:
    tree, _ = page(x_client, urls_extract.records_page(PLAN, "fact"))
    data = api(x_client, "fact")
    assert len(rows(tree)) == len(data) == 25
    unstated = sum(1 for r in data if not r["ref_year_stated"])
    assert len(tree.xpath('//td[@data-label="所指年份"]/span[contains(@class, "badge")]')) == unstated
    first = {texts(r, "./th")[0]: r for r in rows(tree)}["经济总量占全国"]
    assert texts(first, './td[@data-label="比较"]') == ["≈"]
    assert texts(first, './td[@data-label="单位"]') == ["比重"]


# ---------------------------------------------------------------------------------------------- projects


def _map_data(tree: Any) -> dict[str, Any]:
    return json.loads(tree.xpath('//script[@id="project-map-data"]/text()')[0])


def test_projects_table_map_data_and_counts(x_client: TestClient) -> None:
    tree, _ = page(x_client, urls_extract.records_page(PLAN, "project"))
    data = api(x_client, "project")
    assert len(rows(tree)) == len(data)
    placed = [r for r in data if r["places"]]
    gazetteer = load_gazetteer()
    mapped = _map_data(tree)
    assert len(mapped["projects"]) == len(placed)
    codes = {c for r in placed for c in r["places"]}
    assert {p["code"] for p in mapped["points"]} == codes
    for point in mapped["points"]:
        region = gazetteer.by_code(point["code"])
        assert (point["lon"], point["lat"]) == (region.lon, region.lat)
        assert all(pid in mapped["projects"] for pid in point["projects"])
    summary = " ".join(texts(tree, '//form[@class="filters"]//p[@role="status"]'))
    assert f"{len(data)} 个项目" in summary and f"地图上 {len(placed)} 个" in summary
    assert f"{len(data) - len(placed)} 个未写明地点" in summary
    row = tree.xpath(f'//tr[@id="{urls_extract.record_anchor(placed[0]["id"])}"]')[0]
    place_links = row.xpath('./td[@data-label="地名"]/a/@href')
    assert place_links == [urls_extract.place_href(PLAN, c) for c in placed[0]["places"]]
    assert tree.xpath('//figure[@id="map"]/@data-prefectures') == [urls_regions.api_geojson("prefecture")]
    assert tree.xpath('//script[@id="map-groups"]')  # map.js's hook, empty here


def test_projects_filter_by_type_and_province_without_script(x_client: TestClient) -> None:
    data = api(x_client, "project")
    gazetteer = load_gazetteer()
    form = page(x_client, urls_extract.records_page(PLAN, "project"))[0].xpath('//form[@class="filters"]')[0]
    assert form.get("method") == "get" and form.xpath('.//button[@type="submit"]')
    tree, _ = page(x_client, urls_extract.records_page(PLAN, "project", type="railway"))
    assert {r.get("data-type") for r in rows(tree)} == {"railway"}
    assert len(rows(tree)) == sum(1 for r in data if r["type"] == "railway")
    assert set(texts(tree, '//tbody//td[@data-label="类型"]')) == {"铁路"}
    tree, _ = page(x_client, urls_extract.records_page(PLAN, "project", province="330000"))
    in_zhejiang = [
        r for r in data if any(gazetteer.by_code(c).province_code == "330000" for c in r["places"])
    ]
    assert len(rows(tree)) == len(in_zhejiang) > 0
    tree, _ = page(x_client, urls_extract.records_page(PLAN, "project", province="none"))
    assert len(rows(tree)) == sum(1 for r in data if not r["places"])
    assert _map_data(tree)["points"] == []
    tree, _ = page(x_client, urls_extract.records_page(PLAN, "project", type="railway", province="320000"))
    both = [
        r
        for r in data
        if r["type"] == "railway" and any(gazetteer.by_code(c).province_code == "320000" for c in r["places"])
    ]
    assert len(rows(tree)) == len(both)
    tree, _ = page(x_client, urls_extract.records_page(PLAN, "project", type="<x>", province="99"))
    assert len(rows(tree)) == len(data)  # unknown values are ignored


def test_projects_in_english_name_types_and_places(x_client: TestClient) -> None:
    tree, _ = page(x_client, urls_extract.records_page(PLAN, "project", type="airport"), headers=EN)
    assert set(texts(tree, '//tbody//td[@data-label="Type"]')) == {"Airport"}
    places = " ".join(texts(tree, '//tbody//td[@data-label="Places"]'))
    assert "Hefei" in places or "Nantong" in places


# ---------------------------------------------------------------------------------------------- places


def test_places_are_counted_by_region_and_group_with_unresolved_flagged(x_client: TestClient) -> None:
    tree, _ = page(x_client, urls_extract.records_page(PLAN, "place"))
    data = api(x_client, "place")
    counts = [int(n) for n in texts(tree, '//td[@data-label="提及次数"]')]
    assert sum(counts) == len(data) == 455
    qingpu = sum(1 for r in data if r["region_code"] == "310118")
    row = tree.xpath(f'//tr[@id="{urls_extract.place_anchor("310118")}"]')[0]
    assert texts(row, './td[@data-label="提及次数"]') == [str(qingpu)]
    assert row.xpath("./th/a/@href") == [urls_regions.region_anchor("310118")]
    assert "Qingpu District" in texts(row, "./th")[0]
    assert len(row.xpath(".//details/ol/li")) == qingpu
    assert row.xpath(".//details/ol/li/a/@href")[0].startswith(f"/plans/{PLAN}/")
    central = tree.xpath(f'//tr[@id="{urls_extract.place_anchor("central-area")}"]')[0]
    assert central.xpath("./th/a/@href") == [urls_regions.group_anchor("central-area")]
    unresolved = [r for r in data if r["status"] != "resolved"]
    assert len(tree.xpath('//span[contains(@class, "status-unknown")]')) == len(
        {r["name"] for r in unresolved}
    )
    assert tree.xpath(f'//tr[@id="{urls_extract.place_anchor("苏南")}"]')


def test_regions_page_links_names_to_the_places_page(x_client: TestClient) -> None:
    tree, _ = page(x_client, urls_regions.regions_page())
    link = tree.xpath('//tr[@id="r310118"]//a[contains(@href, "/places#")]/@href')
    assert link == [urls_extract.place_href(PLAN, "310118")]
    assert tree.xpath(
        f'//tr[@id="g-central-area"]//a[@href="{urls_extract.place_href(PLAN, "central-area")}"]'
    )
    assert page(x_client, link[0].split("#")[0])[0].xpath(f'//*[@id="{link[0].split("#")[1]}"]')


# ---------------------------------------------------------------------------------------------- tasks


def test_tasks_by_chapter_with_bodies_stated_or_default(x_client: TestClient) -> None:
    tree, _ = page(x_client, urls_extract.records_page(PLAN, "task"))
    data = api(x_client, "task")
    assert len(rows(tree)) == len(data) == 93
    heads = texts(tree, '//section[@class="record-group"]/h2/a')
    assert heads[0].startswith("第三章") and heads[-1].startswith("第十二章")
    assert len(tree.xpath('//a[contains(@class, "body-chip") and contains(@class, "default")]')) == sum(
        len(r["bodies"]) for r in data if not r["bodies_stated"]
    )
    first = rows(tree)[0]
    assert texts(first, "./th") == ["提升上海服务功能"]
    assert texts(first, './/a[contains(@class, "body-chip")]') == ["上海市", "江苏省", "浙江省", "安徽省"]
    assert texts(first, './td[@data-label="期限"]') == ["2025"]


def test_tasks_filters_and_english_body_names(x_client: TestClient) -> None:
    data = api(x_client, "task")
    tree, _ = page(x_client, urls_extract.records_page(PLAN, "task", body="leading_group_office"), headers=EN)
    assert len(rows(tree)) == sum(1 for r in data if "leading_group_office" in r["bodies"]) > 0
    chips = set(texts(tree, '//a[contains(@class, "body-chip")]'))
    assert {"Office of the leading group", "Shanghai"} <= chips
    tree, _ = page(x_client, urls_extract.records_page(PLAN, "task", stated="1"))
    assert len(rows(tree)) == sum(1 for r in data if r["bodies_stated"])
    tree, _ = page(x_client, urls_extract.records_page(PLAN, "task", body="nobody", stated="maybe"))
    assert len(rows(tree)) == len(data)


# ---------------------------------------------------------------------------------------------- reader


def test_chapter_highlights_link_each_record_to_its_row(x_client: TestClient) -> None:
    tree, response = page(x_client, urls_extract.chapter_marks(PLAN, "chp_5", True))
    assert "yrd_marks=1" in response.headers["set-cookie"]
    para = tree.xpath('//article[@id="chp_5__sec_1__para_1"]/div[@lang="zh-Hans"]/p')[0]
    assert para.xpath('./strong[@class="lead"]')[0].text_content() == "共建轨道上的长三角。"
    assert para.xpath('./strong[@class="lead"]/a[contains(@class, "hl-place")]/text()') == ["长三角"]
    hl = para.xpath('.//a[contains(@class, "hl-project")][text()="商合杭铁路"]')[0]
    assert hl.get("title") == "铁路 · 商合杭铁路"
    anchor = hl.get("href").split("#")[1]
    projects, _ = page(x_client, hl.get("href").split("#")[0])
    assert projects.xpath(f'//tr[@id="{anchor}"]')
    # the whole paragraph's text is intact around the marks
    unit = x_client.get(urls.api_unit(PLAN, "chp_5__sec_1__para_1")).json()
    assert para.text_content() == unit["text"]["zh"]
    place = tree.xpath('//a[contains(@class, "hl-place")][text()="长三角"]')[0]
    assert place.get("title") == "地名 · Yangtze River Delta"
    assert place.get("href") == urls_extract.place_href(PLAN, "yrd")
    legend = texts(tree, '//span[@class="marks-legend"]/span')
    assert legend == ["项目", "地名"]


def test_chapter_highlights_of_targets_and_every_mark_leads_somewhere(x_client: TestClient) -> None:
    tree, _ = page(x_client, urls.chapter_page(PLAN, "chp_2"))
    target = tree.xpath('//a[contains(@class, "hl-target")][text()="常住人口城镇化率达到70%"]')[0]
    assert target.get("title") == "目标 · 常住人口城镇化率 70% · 2025"
    marks = tree.xpath('//a[contains(@class, "hl ")]')
    assert len(marks) > 20
    pages: dict[str, Any] = {}
    for a in marks:
        path, anchor = a.get("href").split("#")
        if path not in pages:
            pages[path] = page(x_client, path)[0]
        assert pages[path].xpath(f'//*[@id="{anchor}"]'), a.get("href")
    assert not tree.xpath('//div[@lang="en"]//a[contains(@class, "hl")]')


def test_highlights_toggle_is_remembered_in_a_cookie(x_client: TestClient) -> None:
    chapter = urls.chapter_page(PLAN, "chp_5")
    tree, _ = page(x_client, chapter)
    assert tree.xpath('//a[contains(@class, "hl")]')  # on by default
    switch = tree.xpath('//a[@class="marks-toggle"]')[0]
    assert switch.get("aria-checked") == "true"
    assert switch.get("href") == urls_extract.chapter_marks(PLAN, "chp_5", False)
    tree, response = page(x_client, switch.get("href"))
    assert "yrd_marks=0" in response.headers["set-cookie"]
    assert not tree.xpath('//a[contains(@class, "hl")]')
    assert texts(tree, '//article[@id="chp_5__sec_1__para_1"]//strong[@class="lead"]') == [
        "共建轨道上的长三角。"
    ]
    tree, _ = page(x_client, urls.chapter_page(PLAN, "chp_4"))  # remembered on another chapter
    assert not tree.xpath('//a[contains(@class, "hl")]')
    assert tree.xpath('//a[@class="marks-toggle"]/@aria-checked') == ["false"]
    page(x_client, urls_extract.chapter_marks(PLAN, "chp_4", True))
    tree, _ = page(x_client, chapter + "?marks=maybe")  # an unknown value keeps the cookie's choice
    assert tree.xpath('//a[contains(@class, "hl")]')


# ---------------------------------------------------------------------------------------------- navigation


def test_home_and_plan_page_count_and_link_the_records(x_client: TestClient) -> None:
    data = {kind: len(api(x_client, kind)) for kind in KINDS}
    tree, _ = page(x_client, "/")
    links = {
        a.get("href"): " ".join(a.text_content().split()) for a in tree.xpath('//p[@class="record-links"]/a')
    }
    for kind in KINDS:
        assert links[urls_extract.records_page(PLAN, kind)].endswith(str(data[kind]))
    assert urls_regions.regions_page() in links
    assert tree.xpath(f'//header//nav[@class="site-nav"]/a[@href="{urls_regions.regions_page()}"]')
    tree, _ = page(x_client, urls.plan_page(PLAN))
    cards = {
        a.get("href"): a.xpath('./span[@class="n"]/text()')[0]
        for a in tree.xpath("//ul[@class='record-cards']/li/a")
    }
    for kind in KINDS:
        assert cards[urls_extract.records_page(PLAN, kind)] == str(data[kind])
    assert cards[urls_regions.regions_page()] == "41"
    tree, _ = page(x_client, urls_regions.regions_page())
    assert tree.xpath('//nav[@class="site-nav"]/a[@aria-current="page"]')


def test_pages_before_extraction_say_so(client: TestClient) -> None:
    """The bare test database holds the Outline but no records: pages still answer, and explain."""
    tree, _ = page(client, urls_extract.records_page(PLAN, "project"))
    assert tree.xpath('//p[@class="notice"]')
    assert not rows(tree)
    tree, _ = page(client, urls.chapter_page(PLAN, "chp_5"))
    assert not tree.xpath('//a[contains(@class, "hl")]')


# ---------------------------------------------------------------------------------------------- escaping

EVIL = """新华社北京1月1日电 近日，中共中央、国务院印发了《<i>测试</i>区域协同发展规划纲要》，并发出通知。
前言
规划范围包括上海市、江苏省全域。规划期至2025年。
第一章　总体要求
第一节　发展目标
到2025年，<b>常住人口城镇化率达到70%，研发投入强度达到3%以上。
第二章　基础设施
第一节　交通
<script>alert(1)</script>加快建设。推进沪苏湖铁路、上海<img src=x>南京高速公路建设，支持苏州工业园区发展。
"""


@pytest.fixture(scope="module")
def evil(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, str]]:
    """An invented plan whose text holds markup, loaded and extracted on a database of its own."""
    from yrd.bootstrap import load_and_extract

    folder = tmp_path_factory.mktemp("web-evil")
    db = Database(f"sqlite:///{folder / 'yrd.sqlite'}")
    db.migrate()
    plan_id = load_and_extract(db, [("evil.txt", EVIL.encode())]).plan_id
    with TestClient(create_app(Settings(data_dir=folder, default_lang="zh"), db)) as c:
        yield c, plan_id
    db.dispose()


@pytest.mark.parametrize("where", ["target", "project", "place", "task", "chapter"])
def test_text_from_the_plan_is_escaped(evil: tuple[TestClient, str], where: str) -> None:
    client, plan_id = evil
    url = (
        urls.chapter_page(plan_id, "chp_2")
        if where == "chapter"
        else urls_extract.records_page(plan_id, where)
    )
    tree, response = page(client, url)
    for raw in ("<b>常住", "<img src=x>", "<script>alert(1)", "<i>测试"):
        assert raw not in response.text
    assert not tree.xpath("//main//img | //main//b | //main//i | //body//script[not(@src)][not(@type)]")
    if where == "project":
        assert "上海<img src=x>南京高速公路" in texts(tree, "//tbody/tr/th")
        assert "&lt;img src=x&gt;" in response.text
    if where == "chapter":
        marked = texts(tree, '//a[contains(@class, "hl-project")]')
        assert "上海<img src=x>南京高速公路" in marked


# ------------------------------------------------------------------------------------------- splitting text


def _target(start: int, end: int) -> Target:
    return Target(
        eid="p",
        start=start,
        end=end,
        text="x" * (end - start),
        indicator="i",
        comparator="eq",
        value=1,
        value_text="1",
        unit="",
        target_year=None,
    )


def _place(start: int, end: int) -> PlaceMention:
    return PlaceMention(eid="p", start=start, end=end, text="x" * (end - start), name="n")


def _project(start: int, end: int) -> Project:
    return Project(eid="p", start=start, end=end, text="x" * (end - start), name="n", type="railway")


def test_overlapping_spans_the_longer_wins_then_the_kind_then_the_earlier() -> None:
    inner, outer = _place(2, 4), _project(0, 8)
    assert records.choose_marks([inner, outer]) == [outer]  # a place inside a project's name
    left, right = _project(0, 5), _place(3, 10)
    assert records.choose_marks([left, right]) == [right]  # crossing spans: the longer, never cut
    same_target, same_place = _target(0, 4), _place(0, 4)
    assert records.choose_marks([same_place, same_target]) == [same_target]
    a, b = _place(0, 4), _place(2, 6)
    assert records.choose_marks([b, a]) == [a]
    apart = [_place(0, 2), _place(2, 4), _project(5, 9)]
    assert records.choose_marks(apart) == apart
    assert records.choose_marks([_place(3, 3)]) == []


def test_segments_keep_every_character_and_clip_to_the_range() -> None:
    text = "0123456789"
    marks = [records.Mark(r.kind, "#", r) for r in (_place(1, 3), _project(5, 8))]
    segs = records.segments(text, marks)
    assert [(s.text, bool(s.mark)) for s in segs] == [
        ("0", False),
        ("12", True),
        ("34", False),
        ("567", True),
        ("89", False),
    ]
    assert records.as_plain(records.segments(text, marks, 2, 6)) == "2345"
    assert [s.text for s in records.segments(text, marks, 2, 6) if s.mark] == ["2", "5"]


@pytest.mark.parametrize(
    ("text", "lead"),
    [
        ("共建轨道上的长三角。加快建设。", "共建轨道上的长三角。"),
        ("——坚持创新共建。推动", "坚持创新共建。"),
        ("没有主题句的段落。", ""),
        ("Lead. Body text", "Lead."),
    ],
)
def test_lead_and_body_cut_as_the_reader_shows_them(text: str, lead: str) -> None:
    unit = Unit(kind="paragraph", text={"zh": text}, lead={"zh": lead})
    head, body = records.lead_and_body(unit, "zh")
    assert text[body[0] : body[1]] == unit.body("zh")
    if lead:
        assert head is not None and text[head[0] : head[1]] == lead
    else:
        assert head is None


def test_sentence_of_marks_the_span_and_shortens_long_sentences() -> None:
    text = "第一句。到2025年，常住人口城镇化率达到70%，其他。第三句。"
    start = text.index("常住")
    end = start + len("常住人口城镇化率达到70%")
    segs = records.sentence_of(text, start, end, records.Mark("target", "", _target(start, end)))
    assert records.as_plain(segs) == "到2025年，常住人口城镇化率达到70%，其他。"
    assert [s.text for s in segs if s.mark] == ["常住人口城镇化率达到70%"]
    long = "开头" + "甲" * 200 + "目标" + "乙" * 200 + "。"
    i = long.index("目标")
    segs = records.sentence_of(long, i, i + 2, limit=40)
    plain = records.as_plain(segs)
    assert plain.startswith("…") and plain.endswith("…") and "目标" in plain and len(plain) <= 44


def test_url_builders() -> None:
    assert (
        urls_extract.records_page("p", "project", type="railway", province=None)
        == "/plans/p/projects?type=railway"
    )
    assert (
        urls_extract.record_href("p", "target:chp_2__sec_4__para_2:1-5")
        == "/plans/p/targets#target-chp_2__sec_4__para_2-1-5"
    )
    assert urls_extract.place_href("p", "310118") == "/plans/p/places#pl-310118"
    assert urls_extract.chapter_marks("p", "chp_5", False) == "/plans/p/chp_5?marks=0"


def test_assets_are_served_and_small(x_client: TestClient) -> None:
    for asset, budget in (("extract.js", 9_000), ("extract.css", 12_000), ("map.js", 12_000)):
        response = x_client.get(urls.static(asset))
        assert response.status_code == 200 and len(response.content) < budget, asset
