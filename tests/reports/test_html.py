"""The HTML page: self-contained (no URL to fetch, no script), contents links that resolve, every
figure an inline SVG with unique ids, status marks with words, escaping. Rendered once per language."""

from __future__ import annotations

import re
from typing import Any

import pytest
from lxml import html as lxml_html

from tests.reports.sample import t
from yrd.reports import Meta, Paragraph, Report, Section, Source, render
from yrd.reports.html import css_content


@pytest.fixture(scope="module")
def page(report: Report) -> str:
    return render(report, "html", figure_url=lambda fig, fmt: f"figures/{fig}.{fmt}").decode("utf-8")


@pytest.fixture(scope="module")
def tree(page: str) -> Any:
    return lxml_html.document_fromstring(page)


def test_language_title_and_synthetic_label(tree: Any, report: Report, lang: str) -> None:
    assert tree.get("lang") == ("zh-Hans" if lang == "zh" else "en")
    assert tree.findtext(".//title") == report.title
    assert t("synthetic_note", lang) in tree.text_content()


def test_contents_links_resolve_to_ids(tree: Any, lang: str) -> None:
    ids = tree.xpath("//@id")
    assert len(ids) == len(set(ids)), "duplicate ids"
    links = tree.xpath("//nav[@id='contents']//a/@href")
    assert len(links) == 6  # 4 sections, an annex, the sources annex
    for href in links:
        assert href.startswith("#") and tree.xpath(f"//*[@id='{href[1:]}']"), href
    texts = [a.text_content() for a in tree.xpath("//nav[@id='contents']//a")]
    assert texts[0] == t("summary", lang)
    assert texts[-1] == ("附录B　数据来源" if lang == "zh" else "Annex B. Data sources")


def test_every_figure_is_an_inline_svg(tree: Any) -> None:
    figures = tree.xpath("//figure")
    assert len(figures) == 3
    for fig in figures:
        svgs = fig.xpath("./svg")
        assert len(svgs) == 1
        svg = svgs[0]
        assert svg.get("viewbox") or svg.get("viewBox")
        assert svg.get("role") == "img" and svg.xpath("./title")
        assert fig.xpath("./figcaption")
    assert not tree.xpath("//img | //object | //embed | //iframe")


def test_nothing_is_fetched_from_anywhere(page: str, tree: Any) -> None:
    assert "http://" not in page and "https://" not in page
    assert not tree.xpath("//script | //link[@rel='stylesheet'] | //*[@src]")
    hrefs = tree.xpath("//@href")
    assert all(h.startswith(("#", "figures/")) for h in hrefs), hrefs
    assert "@import" not in page and "@font-face" not in page


def test_status_cells_show_mark_and_word(tree: Any, lang: str) -> None:
    cells = tree.xpath("//td[@data-status]")
    assert [c.get("data-status") for c in cells] == [
        "on_track", "moderate", "stagnating", "achieved", "moving_away", "insufficient_data"
    ]  # fmt: skip
    word = "进展顺利" if lang == "zh" else "On track"
    assert cells[0].text_content() == f"● {word}"
    assert cells[0].xpath("./span[@class='mark']/@aria-hidden") == ["true"]


def test_figure_download_links(tree: Any) -> None:
    links = tree.xpath("//figure[@id='fig-map-gdp']//a[@download]/@href")
    assert links == ["figures/fig-map-gdp.svg", "figures/fig-map-gdp.png"]


def test_without_a_url_builder_there_are_no_download_links(report: Report) -> None:
    page = render(report, "html").decode("utf-8")
    assert "download" not in lxml_html.document_fromstring(page).xpath("string(//figure)")
    assert not lxml_html.document_fromstring(page).xpath("//a[@download]")


def test_text_is_escaped() -> None:
    hostile = Report(
        "<script>alert(1)</script>",
        "en",
        sections=[Section("A & B", "s", blocks=[Paragraph("<b>not bold</b>")])],
    )
    page = render(hostile, "html").decode("utf-8")
    assert "<script>" not in page
    assert "&lt;b&gt;not bold&lt;/b&gt;" in page


def test_source_urls_are_text_not_resources() -> None:
    source = Source("nbs", "Statistical yearbook", url="https://www.stats.gov.cn/")
    report = Report("R", "en", meta=Meta(sources=[source]))
    tree = lxml_html.document_fromstring(render(report, "html"))
    assert "https://www.stats.gov.cn/" in tree.xpath("string(//section[@class='level-1 annex'])")
    assert not [v for v in tree.xpath("//@href | //@src") if v.startswith("http")]


def test_page_label_as_css_content() -> None:
    assert css_content("第 {page} 页，共 {pages} 页") == '"第 " counter(page) " 页，共 " counter(pages) " 页"'
    assert css_content("Page {page} of {pages}") == '"Page " counter(page) " of " counter(pages)'
    assert re.fullmatch(r'"a\\"b"', css_content('a"b'))
