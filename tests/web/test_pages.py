"""The HTML pages of the Documents capability, through a TestClient on a bare app."""

from __future__ import annotations

import re
from collections import deque
from pathlib import Path

import lxml.html
import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from yrd.documents.load import DEFAULT_PLAN
from yrd.web import i18n, urls

PLAN = DEFAULT_PLAN
# conftest.add_test_english gives this chapter made-up English, except its second section.
ENGLISH_CHAPTER = "chp_5"
UNTRANSLATED_SECTION = "chp_5__sec_2"
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en-GB,en;q=0.9"}


def page(client: TestClient, url: str, status: int = 200, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    response = client.get(url, headers=headers or ZH, follow_redirects=False)
    assert response.status_code == status, (url, response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith("text/html")
    return lxml.html.fromstring(response.text), response


def texts(tree, xpath: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [" ".join(e.text_content().split()) for e in tree.xpath(xpath)]


def pairs(tree, keys: str, values: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return dict(zip(texts(tree, keys), texts(tree, values), strict=True))


def json_twin(tree) -> str:  # type: ignore[no-untyped-def]
    links = tree.xpath('//head/link[@rel="alternate"][@type="application/json"]/@href')
    assert len(links) == 1
    return links[0]


# ---------------------------------------------------------------------------------------------- home


def test_home_lists_plans_and_offers_search(client: TestClient) -> None:
    tree, _ = page(client, "/")
    assert tree.xpath("/html/@lang") == ["zh-Hans"]
    assert "长三角一体化监测评估系统" in texts(tree, '//header//*[@class="brand-name"]')
    assert "YRD Integration Monitor" in texts(tree, '//header//*[@class="brand-other"]')
    assert tree.xpath(f'//a[@href="{urls.plan_page(PLAN)}"]')
    assert "长江三角洲区域一体化发展规划纲要" in " ".join(texts(tree, "//main//h3"))
    assert tree.xpath('//main//form[@role="search"][@action="/search"]//input[@name="q"]')
    assert tree.xpath('//header//form[@role="search"]//label[@for="site-q"]')
    assert json_twin(tree) == urls.api_plans()
    for landmark in ("header", "main", "footer"):
        assert tree.xpath(f"//{landmark}")


def test_pages_link_only_to_this_site(client: TestClient) -> None:
    """No CDN, no external font: every src and href stays on the site."""
    for url in ("/", urls.plan_page(PLAN), urls.chapter_page(PLAN, "chp_5"), urls.search_page("城际铁路")):
        tree, _ = page(client, url)
        for ref in tree.xpath("//@src | //@href"):
            assert ref.startswith(("/", "#")), (url, ref)


def test_static_assets_are_served_and_small(client: TestClient) -> None:
    tree, _ = page(client, "/")
    css = tree.xpath('//link[@rel="stylesheet"]/@href')[0]
    js = tree.xpath("//script/@src")[0]
    for ref, budget in ((css, 40_000), (js, 6_000)):
        response = client.get(ref)
        assert response.status_code == 200
        assert len(response.content) < budget
    assert "Noto Sans CJK SC" in client.get(css).text


# ---------------------------------------------------------------------------------------------- plan page


def test_plan_page_shows_metadata_contents_and_downloads(client: TestClient) -> None:
    tree, _ = page(client, urls.plan_page(PLAN))
    assert texts(tree, "//main//h1") == ["长江三角洲区域一体化发展规划纲要"]
    meta = " ".join(texts(tree, '//*[@class="meta"]'))
    assert "中共中央、国务院" in meta
    assert "2019年12月1日" in meta
    chapters = tree.xpath('//ol[@class="toc"]/li[contains(@class, "toc-chapter")]')
    assert len(chapters) == 12
    for n in (1, 5, 12):
        assert tree.xpath(f'//a[@href="{urls.chapter_page(PLAN, f"chp_{n}")}"]')
    assert tree.xpath(f'//a[@href="{urls.unit_page(PLAN, "chp_5__sec_1")}"]')
    assert "协同建设一体化综合交通体系" in " ".join(texts(tree, '//ol[@class="toc-sections"]//a'))
    assert tree.xpath(f'//a[@href="{urls.export(PLAN, "json")}"]')
    assert tree.xpath(f'//a[@href="{urls.export(PLAN, "akn")}"]')
    stats = pairs(tree, '//dl[contains(@class,"stats")]//dt', '//dl[contains(@class,"stats")]//dd')
    assert stats["章"] == "12"
    assert "2018年11月5日" in " ".join(texts(tree, '//section[@class="preamble"]//p'))
    assert json_twin(tree) == urls.api_plan(PLAN)


def test_plan_page_collapses_the_load_warnings(client: TestClient) -> None:
    warnings = client.get(urls.api_plan(PLAN)).json()["problems"]
    tree, _ = page(client, urls.plan_page(PLAN))
    details = tree.xpath('//details[@class="warnings"]')
    assert len(details) == (1 if warnings else 0)
    if warnings:
        assert details[0].get("open") is None


# ---------------------------------------------------------------------------------------------- reading


def test_chapter_page_paragraphs_have_anchors_permalinks_and_citations(client: TestClient) -> None:
    tree, _ = page(client, urls.chapter_page(PLAN, "chp_5"))
    para = tree.xpath('//article[@id="chp_5__sec_1__para_1"]')[0]
    assert para.xpath('.//strong[@class="lead"]/text()') == ["共建轨道上的长三角。"]
    assert para.xpath(f'.//a[@href="{urls.permalink(PLAN, "chp_5__sec_1__para_1")}"]')
    button = para.xpath(".//button[@data-copy]")[0]
    assert button.get("data-cite-zh") == "《纲要》第五章第一节第1段"
    assert button.get("data-cite-en") == "Outline, Ch. V, Sec. 1, para. 1"
    assert button.get("data-copy") == "《纲要》第五章第一节第1段"
    assert tree.xpath('//*[@id="chp_5__sec_1"]//h2')
    assert tree.xpath('//article[@id="chp_5__para_1"]')  # the chapter's opening paragraph
    assert tree.xpath(f'//a[@rel="prev"][@href="{urls.chapter_page(PLAN, "chp_4")}"]')
    assert tree.xpath(f'//a[@rel="next"][@href="{urls.chapter_page(PLAN, "chp_6")}"]')
    assert json_twin(tree) == urls.api_unit(PLAN, "chp_5")
    ids = tree.xpath("//@id")
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(("eid", "first"), [("preface", "preface__para_1"), ("intro", "intro__para_1")])
def test_preamble_and_news_lead_are_pages_too(client: TestClient, eid: str, first: str) -> None:
    tree, _ = page(client, urls.chapter_page(PLAN, eid))
    assert tree.xpath(f'//article[@id="{first}"]')
    assert json_twin(tree) == urls.api_unit(PLAN, eid)


def test_chinese_only_plan_offers_no_english_view(client: TestClient) -> None:
    tree, response = page(client, urls.chapter_page(PLAN, "chp_1", "both"))
    assert tree.xpath('//div[contains(@class, "reader")]/@class') == ["reader view-zh"]
    assert tree.xpath('//p[@class="notice"]')
    assert tree.xpath('//nav[@class="segmented"]/span[@aria-disabled="true"]')
    assert "yrd_view=both" in response.headers["set-cookie"]


def test_side_by_side_view_pairs_languages_unit_by_unit(en_client: TestClient) -> None:
    tree, _ = page(en_client, urls.chapter_page(PLAN, ENGLISH_CHAPTER, "both"))
    rows = tree.xpath('//article[contains(@class, "para")]')
    assert rows
    for row in rows:
        langs = row.xpath('./div[contains(@class, "cell")]/@lang')
        assert langs == ["zh-Hans", "en"]
    translated = tree.xpath('//article[@id="chp_5__sec_1__para_1"]/div[@lang="en"]')[0]
    assert translated.xpath('.//strong[@class="lead"]/text()') == ["Test lead 1."]
    untranslated = tree.xpath(f'//article[@id="{UNTRANSLATED_SECTION}__para_1"]/div[@lang="en"]')[0]
    assert texts(untranslated, './p[@class="missing"]') == ["此处暂无英文译文。"]


def test_english_view_says_where_english_is_missing_and_shows_the_chinese(en_client: TestClient) -> None:
    tree, _ = page(en_client, urls.chapter_page(PLAN, ENGLISH_CHAPTER, "en"), headers=EN)
    row = tree.xpath(f'//article[@id="{UNTRANSLATED_SECTION}__para_1"]')[0]
    assert texts(row, './/p[@class="missing"]') == ["No English text for this part."]
    assert row.xpath('.//p[@class="fallback"][@lang="zh-Hans"]')
    copy = tree.xpath('//article[@id="chp_5__sec_1__para_1"]//button[@data-copy]')[0]
    assert copy.get("data-copy") == "Outline, Ch. V, Sec. 1, para. 1"


def test_view_is_remembered_in_a_cookie(en_client: TestClient) -> None:
    chapter = urls.chapter_page(PLAN, ENGLISH_CHAPTER)
    tree, _ = page(en_client, chapter)
    assert tree.xpath('//div[contains(@class, "reader")]/@class') == ["reader view-both"]  # the default
    page(en_client, urls.chapter_page(PLAN, ENGLISH_CHAPTER, "en"))
    tree, _ = page(en_client, urls.chapter_page(PLAN, "preface"))
    assert tree.xpath('//div[contains(@class, "reader")]/@class') == ["reader view-en"]
    assert tree.xpath('//nav[@class="segmented"]/a[@aria-current="true"]/@data-view') == ["en"]
    page(en_client, chapter + "?view=nonsense")
    tree, _ = page(en_client, chapter)
    assert tree.xpath('//div[contains(@class, "reader")]/@class') == ["reader view-en"]


def test_a_unit_below_the_top_redirects_to_its_place(client: TestClient) -> None:
    response = client.get(urls.chapter_page(PLAN, "chp_5__sec_1"), follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == urls.unit_page(PLAN, "chp_5__sec_1")


# ---------------------------------------------------------------------------------------------- permalinks


def test_permalink_page_cites_places_and_shows_the_unit(en_client: TestClient) -> None:
    eid = "chp_5__sec_1__para_1"
    tree, _ = page(en_client, urls.permalink(PLAN, eid))
    assert texts(tree, "//cite") == ["《纲要》第五章第一节第1段", "Outline, Ch. V, Sec. 1, para. 1"]
    assert [b.get("data-copy") for b in tree.xpath("//main//button[@data-copy]")] == texts(tree, "//cite")
    crumbs = tree.xpath('//nav[@class="crumbs"]//a/@href')
    assert urls.unit_page(PLAN, "chp_5") in crumbs
    assert urls.unit_page(PLAN, "chp_5__sec_1") in crumbs
    assert tree.xpath(f'//a[@href="{urls.unit_page(PLAN, eid)}"]')  # read in context
    assert "共建轨道上的长三角。" in " ".join(texts(tree, '//section[@lang="zh-Hans"]'))
    assert "Test lead 1." in " ".join(texts(tree, '//section[@lang="en"]'))
    assert tree.xpath(f'//*[@id="{eid}"]')
    assert json_twin(tree) == urls.api_unit(PLAN, eid)


def test_permalink_of_a_section_lists_what_it_contains(client: TestClient) -> None:
    tree, _ = page(client, urls.permalink(PLAN, "chp_5__sec_1"))
    first = urls.permalink(PLAN, "chp_5__sec_1__para_1")
    assert tree.xpath(f'//section[@class="children"]//a[@href="{first}"]')


# ---------------------------------------------------------------------------------------------- search


def test_search_ranks_and_highlights_hits_linking_in_place(client: TestClient) -> None:
    tree, _ = page(client, urls.search_page("城际铁路"))
    hits = tree.xpath('//li[@class="hit"]')
    assert hits
    assert all(hit.xpath('.//p[@class="snippet"]/mark[text()="城际铁路"]') for hit in hits)
    first = hits[0].xpath('.//p[@class="hit-cite"]/a')[0]
    assert first.text_content() == "《纲要》第五章第一节第1段"
    assert first.get("href") == urls.unit_page(PLAN, "chp_5__sec_1__para_1")
    assert re.search(r"共 \d+ 条结果", " ".join(texts(tree, '//*[@role="status"]')))
    assert json_twin(tree) == urls.api_search("城际铁路")
    assert tree.xpath('//header//input[@name="q"]/@value') == ["城际铁路"]


def test_search_escapes_what_was_asked(client: TestClient) -> None:
    attack = '<script>alert("x")</script>'
    tree, response = page(client, urls.search_page(attack))
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;alert" in response.text
    assert tree.xpath('//input[@id="q"]/@value') == [attack]
    assert not tree.xpath("//body//script")


def test_search_pages_through_many_hits(client: TestClient) -> None:
    tree, _ = page(client, urls.search_page("发展"))
    assert len(tree.xpath('//li[@class="hit"]')) == 20
    second = urls.search_page("发展", page="2")
    assert tree.xpath(f'//nav[@class="pagination"]//a[@href="{second}"]')
    tree, _ = page(client, second)
    assert tree.xpath('//ol[@class="hits"]/@start') == ["21"]
    assert tree.xpath('//nav[@class="pagination"]//a[@aria-current="page"]/text()') == ["2"]


def test_search_filters_by_language_and_counts_each(en_client: TestClient) -> None:
    tree, _ = page(en_client, urls.search_page("made-up", lang="en"))
    hits = tree.xpath('//li[@class="hit"]')
    assert hits
    link = hits[0].xpath('.//p[@class="hit-cite"]/a')[0]
    assert link.get("lang") == "en"
    assert "view=both" in link.get("href")
    names = [a.text.strip() for a in tree.xpath('//nav[@class="chips"]/a')]
    chips = dict(zip(names, texts(tree, '//nav[@class="chips"]/a/span'), strict=True))
    assert chips["中文"] == "0"
    assert int(chips["英文"]) == len(hits) or len(hits) == 20


def test_search_without_a_query_explains_itself(client: TestClient) -> None:
    tree, _ = page(client, "/search")
    assert tree.xpath('//div[@class="tips"]')
    assert not tree.xpath('//li[@class="hit"]')


def test_search_with_a_too_long_query_says_so(client: TestClient) -> None:
    tree, _ = page(client, urls.search_page("长" * 300), status=400)
    assert tree.xpath('//p[contains(@class, "error")][@role="alert"]')


# ---------------------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "url",
    [
        urls.plan_page("no-such-plan"),
        urls.chapter_page(PLAN, "chp_99"),
        urls.permalink(PLAN, "chp_5__sec_9__para_9"),
        urls.permalink("no-such-plan", "chp_1"),
    ],
)
def test_unknown_plans_and_units_are_404_pages(client: TestClient, url: str) -> None:
    tree, _ = page(client, url, status=404)
    assert texts(tree, "//main//h1") == ["找不到该页面"]
    tree, _ = page(client, url, status=404, headers=EN)
    assert texts(tree, "//main//h1") == ["Page not found"]


def test_error_pages_escape_the_message(client: TestClient) -> None:
    _, response = page(client, urls.plan_page("<img src=x onerror=alert(1)>"), status=404)
    assert "<img src=x" not in response.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in response.text


def test_invalid_parameters_are_an_error_page(client: TestClient) -> None:
    tree, _ = page(client, "/search?q=x&page=0", status=422)
    assert texts(tree, '//p[@class="status"]') == ["422"]


# ---------------------------------------------------------------------------------------------- twins, links


@pytest.mark.parametrize(
    "url",
    [
        "/",
        urls.plan_page(PLAN),
        urls.chapter_page(PLAN, "chp_5"),
        urls.chapter_page(PLAN, "preface"),
        urls.permalink(PLAN, "chp_5__sec_1__para_1"),
        urls.search_page("城际铁路"),
        "/search",
    ],
)
def test_every_page_has_a_json_twin_that_resolves(client: TestClient, url: str) -> None:
    tree, _ = page(client, url)
    response = client.get(json_twin(tree))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()


DOWNLOADS = (".pdf", ".docx", ".png", ".svg", ".csv", ".xlsx", ".json", ".xml")


def test_every_link_between_pages_resolves(client: TestClient) -> None:
    """Walk the site from the home page: every page link found leads to a page."""
    seen: set[str] = set()
    queue = deque(["/"])
    while queue and len(seen) < 120:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        tree, _ = page(client, url)
        for href in tree.xpath("//a/@href"):
            target = href.split("#")[0]
            download = target.split("?")[0].endswith(DOWNLOADS)  # tested by the pages that offer them
            if target and not target.startswith(("/api/", "/docs", "/static/")) and not download \
                    and target not in seen:  # fmt: skip
                queue.append(target)
    assert len(seen) > 30


# ---------------------------------------------------------------------------------------------- languages


def test_interface_language_follows_the_browser_then_the_cookie(client: TestClient) -> None:
    tree, _ = page(client, "/", headers={})
    assert tree.xpath("/html/@lang") == ["zh-Hans"]
    tree, _ = page(client, "/", headers=EN)
    assert tree.xpath("/html/@lang") == ["en"]
    assert texts(tree, '//*[@class="brand-name"]') == ["YRD Integration Monitor"]
    tree, response = page(client, "/?ui=en", headers=ZH)
    assert "yrd_ui=en" in response.headers["set-cookie"]
    tree, _ = page(client, urls.plan_page(PLAN), headers=ZH)  # the cookie wins over the browser
    assert tree.xpath("/html/@lang") == ["en"]
    assert "Contents" in texts(tree, "//h2")
    page(client, "/?ui=zh", headers=EN)
    tree, _ = page(client, "/", headers=EN)
    assert tree.xpath("/html/@lang") == ["zh-Hans"]
    page(client, "/?ui=fr")  # not an interface language: ignored
    tree, _ = page(client, "/", headers=EN)
    assert tree.xpath("/html/@lang") == ["zh-Hans"]


def test_language_switch_keeps_the_page_and_its_query(client: TestClient) -> None:
    tree, _ = page(client, urls.search_page("城际铁路", lang="zh"))
    switch = tree.xpath('//nav[@class="ui-switch"]/a')
    links = {a.get("hreflang"): a.get("href") for a in switch}
    assert links["en"] == urls.with_params(urls.search_page("城际铁路", lang="zh"), ui="en")
    assert tree.xpath('//nav[@class="ui-switch"]/a[@aria-current="true"]/@lang') == ["zh-Hans"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("en-US,en;q=0.9", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("fr-FR,fr;q=0.9,en;q=0.5", "en"),
        ("en;q=0.3,zh;q=0.7", "zh"),
        ("de, fr", None),
        ("", None),
        ("zh;q=abc", None),
    ],
)
def test_accept_language(header: str, expected: str | None) -> None:
    assert i18n.from_accept_language(header) == expected


def test_with_params_keeps_other_parameters_and_the_anchor() -> None:
    assert urls.with_params("/plans/p/chp_5?view=zh#x", ui="en") == "/plans/p/chp_5?view=zh&ui=en#x"
    assert urls.with_params("/search?q=a&page=2", page=None) == "/search?q=a"


# ---------------------------------------------------------------------------------------------- catalogues


PLACEHOLDER = re.compile(r"%\(\w+\)\w")
# Names and placeholders that stay as they are in a Chinese translation.
NOT_TRANSLATED = re.compile(r"%\(\w+\)\w|JSON|API|XML|Akoma Ntoso|yrd load|innovation")


@pytest.mark.parametrize("lang", i18n.UI_LANGS)
def test_catalogues_are_complete(lang: str) -> None:
    """Every message the templates and pages.py use is translated, and nothing else is kept."""
    used = i18n.extract_messages()
    with Path(i18n.catalogue_path(lang)).open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    entries = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog if m.id}
    assert sorted(set(used) - set(entries)) == [], "messages missing from the catalogue"
    assert sorted(set(entries) - set(used)) == [], "messages no page uses any more"
    for key, message in entries.items():
        assert not message.fuzzy, key
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"untranslated: {key!r}"
        if lang == "en":
            assert strings == ids, key
        elif re.search(r"[A-Za-z]{3}", NOT_TRANSLATED.sub("", key)):
            assert re.search(r"[\u4e00-\u9fff]", "".join(strings)), f"not Chinese: {key!r}"
        placeholders = set(PLACEHOLDER.findall("".join(ids)))
        assert all(placeholders <= set(PLACEHOLDER.findall(s)) for s in strings), key
