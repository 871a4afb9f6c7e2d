"""The pages of extracted records in a real browser: the projects map, the reader's highlights, phones.

Headless Chromium (Playwright) against uvicorn on a free 127.0.0.1 port, on the session's prepared
database (`extracted_db`). Without Chromium these tests skip, except in CI (``CI=true``) where they
fail. Run with ``-s`` to see the measurements; screenshots go to ``$YRD_SCREENSHOT_DIR`` when set.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from yrd.documents.load import DEFAULT_PLAN
from yrd.web import urls, urls_extract

pytestmark = pytest.mark.browser

PLAN = DEFAULT_PLAN
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def open_page(
    browser: Any, url: str, viewport: dict[str, int] | None = None, **options: Any
) -> tuple[Any, list[str]]:
    """A page at url, recording script errors and any request that leaves the site."""
    context = browser.new_context(locale="zh-CN", viewport=viewport or DESKTOP, **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on(
        "request", lambda req: problems.append(f"off-site {req.url}") if "127.0.0.1" not in req.url else None
    )
    page.goto(url)
    return page, problems


def report(name: str, **numbers: Any) -> None:
    print(f"\n[browser] {name}: {json.dumps(numbers, ensure_ascii=False)}")


def ready_map(page: Any) -> None:
    page.wait_for_selector('#map[data-state="ready"][data-markers]')


# ---------------------------------------------------------------------------------------------- map


def test_projects_map_draws_cities_and_a_marker_per_place(site: str, browser: Any, shots: Path) -> None:
    page, problems = open_page(browser, site + urls_extract.records_page(PLAN, "project"))
    ready_map(page)
    cities = page.locator("#map svg .prefectures path").count()
    markers = page.locator("#map svg .markers .marker").count()
    data = json.loads(page.locator("#project-map-data").text_content())
    assert cities >= 41
    assert markers == len(data["points"]) > 0
    assert page.locator("#map").get_attribute("data-markers") == str(markers)
    inside = page.evaluate(
        """() => { const box = document.querySelector('#map svg').getBoundingClientRect();
                   return [...document.querySelectorAll('#map .markers .marker')].filter(m => {
                     const b = m.getBoundingClientRect();
                     return b.width > 4 && b.left >= box.left && b.right <= box.right
                            && b.top >= box.top && b.bottom <= box.bottom; }).length; }"""
    )
    assert inside == markers
    assert problems == []
    page.locator("#map").screenshot(path=str(shots / "projects-map.png"))
    report("projects map", city_paths=cities, markers=markers, projects_mapped=len(data["projects"]))
    page.context.close()


def test_clicking_a_marker_shows_its_projects_and_links_to_the_reader(
    site: str, browser: Any, shots: Path
) -> None:
    page, problems = open_page(browser, site + urls_extract.records_page(PLAN, "project"))
    ready_map(page)
    marker = page.locator("#map .markers .marker.level-prefecture").first
    code = marker.get_attribute("data-code")
    marker.hover()
    assert page.locator("#map .map-tip").inner_text() != ""
    marker.click()
    items = page.locator(".map-panel .panel-projects li")
    assert items.count() >= 1
    assert "chosen" in (marker.get_attribute("class") or "")
    data = json.loads(page.locator("#project-map-data").text_content())
    point = next(p for p in data["points"] if p["code"] == code)
    assert items.count() == len(point["projects"])
    assert page.locator(".map-panel h3").inner_text().startswith(point["name"])
    page.screenshot(path=str(shots / "projects-map-chosen.png"))
    link = items.first.locator("a.project-link")
    href = link.get_attribute("href")
    assert href == data["projects"][point["projects"][0]]["href"]
    link.click()
    page.wait_for_url(site + href)
    assert page.locator(f'article[id="{href.split("#")[1]}"]').count() == 1
    assert problems == []
    report("marker chosen", code=code, place=point["name"], projects=len(point["projects"]))
    page.context.close()


def test_a_marker_works_from_the_keyboard(site: str, browser: Any) -> None:
    page, _ = open_page(browser, site + urls_extract.records_page(PLAN, "project"))
    ready_map(page)
    page.locator("#map .markers .marker").last.focus()
    page.keyboard.press("Enter")
    assert page.locator(".map-panel .panel-projects li").count() >= 1
    page.context.close()


def test_filters_apply_on_change_and_the_map_follows(site: str, browser: Any) -> None:
    page, _ = open_page(browser, site + urls_extract.records_page(PLAN, "project"))
    ready_map(page)
    everything = page.locator("#map .markers .marker").count()
    page.select_option("#f-type", "airport")
    page.wait_for_url("**type=airport**")
    ready_map(page)
    airports = page.locator("#map .markers .marker").count()
    assert 0 < airports < everything
    types = set(
        page.locator("table.projects-table tbody tr").evaluate_all("rs => rs.map(r => r.dataset.type)")
    )
    assert types == {"airport"}
    report("filter by type", markers_all=everything, markers_airports=airports)
    page.context.close()


def test_sorting_a_column(site: str, browser: Any) -> None:
    page, _ = open_page(browser, site + urls_extract.records_page(PLAN, "target", year="2025"))
    page.locator("thead th", has_text="数值").locator("button.sort").click()
    values = page.locator("tbody tr td.value").evaluate_all("cs => cs.map(c => parseFloat(c.dataset.value))")
    numbers = [v for v in values if v == v]  # NaN (a qualitative target) sorts last
    assert numbers == sorted(numbers)
    page.context.close()


# ---------------------------------------------------------------------------------------------- reader


def test_highlights_appear_in_a_chapter_and_the_switch_hides_them(
    site: str, browser: Any, shots: Path
) -> None:
    page, problems = open_page(browser, site + urls.chapter_page(PLAN, "chp_5"))
    marks = {
        kind: page.locator(f"article .cell a.hl-{kind}").count() for kind in ("place", "project", "target")
    }
    assert marks["project"] > 20 and marks["place"] > 10
    first = page.locator("a.hl-project").first
    assert first.get_attribute("title")
    colour = first.evaluate("a => getComputedStyle(a).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    page.locator("#chp_5__sec_1__para_1").screenshot(path=str(shots / "chapter-highlights.png"))
    page.locator("a.marks-toggle").click()
    page.wait_for_url("**marks=0")
    assert page.locator("a.hl").count() == 0
    assert page.locator("a.marks-toggle").get_attribute("aria-checked") == "false"
    assert page.locator("#chp_5__sec_1__para_1 strong.lead").inner_text() == "共建轨道上的长三角。"
    page.goto(site + urls.chapter_page(PLAN, "chp_6"))  # the choice is remembered
    assert page.locator("a.hl").count() == 0
    page.locator("a.marks-toggle").click()
    page.wait_for_url("**marks=1")
    assert page.locator("a.hl").count() > 0
    assert problems == []
    report("chapter V highlights", **marks)
    page.context.close()


def test_a_highlight_leads_to_its_record(site: str, browser: Any) -> None:
    page, _ = open_page(browser, site + urls.chapter_page(PLAN, "chp_2"))
    target = page.locator("a.hl-target").first
    href = target.get_attribute("href")
    target.click()
    page.wait_for_url(site + href)
    row = page.locator(f'tr[id="{href.split("#")[1]}"]')
    assert row.count() == 1
    assert row.evaluate("r => getComputedStyle(r).backgroundColor") != "rgba(0, 0, 0, 0)"  # :target
    page.goto(site + urls.chapter_page(PLAN, "preface"))
    place = page.locator("a.hl-place").first
    href = place.get_attribute("href")
    place.click()
    page.wait_for_url(site + href)
    assert page.locator(f'tr[id="{href.split("#")[1]}"]').is_visible()
    page.context.close()


# ---------------------------------------------------------------------------------------------- phones


@pytest.mark.parametrize("kind", ["target", "fact", "project", "place", "task"])
def test_phone_width_has_no_horizontal_page_scroll(site: str, browser: Any, shots: Path, kind: str) -> None:
    page, problems = open_page(
        browser, site + urls_extract.records_page(PLAN, kind), viewport=PHONE, is_mobile=True, has_touch=True
    )
    if kind == "project":
        ready_map(page)
    root = "document.documentElement"
    widths = page.evaluate(f"[{root}.scrollWidth, {root}.clientWidth, document.body.scrollWidth]")
    assert widths[0] <= widths[1] and widths[2] <= widths[1], widths
    first = page.locator("table.records-table tbody tr").first
    box = first.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert problems == []
    page.screenshot(path=str(shots / f"phone-{kind}s.png"))
    report(f"phone 390 {kind}s", scroll_width=widths[0], client_width=widths[1], first_row_width=box["width"])
    page.context.close()
