"""The Statistics pages in a real browser: the indicator chart, the coverage grid, phone width.

Headless Chromium (Playwright) against uvicorn on the session's prepared database, with the
fixtures of `test_extract_browser` (a server per module). Without Chromium these tests skip, except
in CI (``CI=true``) where they fail. Screenshots go to ``$YRD_SCREENSHOT_DIR`` when set.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.web.test_extract_browser import PHONE, open_page, report

from yrd.web import urls_stats

pytestmark = pytest.mark.browser


def test_indicator_chart_draws_every_region_and_the_target_line(site: str, browser: Any, shots: Path) -> None:
    page, problems = open_page(browser, site + urls_stats.indicator_page("rd_intensity"))
    chart = page.locator("svg.chart-svg")
    chart.wait_for()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 600 and box["height"] > 250
    series = page.eval_on_selector_all(
        "svg.chart-svg g.series",
        "gs => gs.map(g => ({region: g.dataset.region, dots: g.querySelectorAll('.dot').length,"
        " line: g.querySelector('polyline') ? g.querySelector('polyline').getTotalLength() : 0,"
        " colour: getComputedStyle(g).getPropertyValue('--c').trim()}))",
    )
    assert len(series) >= 4
    assert all(s["dots"] >= 1 for s in series)
    assert sum(1 for s in series if s["line"] > 50) >= 4  # drawn lines, not just points
    assert len({s["colour"] for s in series}) == len(series)  # one colour per region
    target = page.locator("svg.chart-svg g.target-line line").first
    target_box = target.bounding_box()
    grid = page.locator("svg.chart-svg g.grid line").first.bounding_box()
    assert grid is not None and target_box is not None
    assert abs(target_box["width"] - grid["width"]) < 2  # across the whole plot
    assert box["y"] < target_box["y"] < box["y"] + box["height"]
    # a point links to its row in the table of values
    page.locator("svg.chart-svg g.series a").first.click()
    assert page.evaluate("location.hash").startswith("#v-")
    page.screenshot(path=str(shots / "stats-indicator.png"), full_page=True)
    report(
        "indicator chart",
        series=len(series),
        width=round(box["width"]),
        target_y=round(target_box["y"] - box["y"]),
    )
    assert problems == []
    page.context.close()


def test_coverage_page_renders_the_grid(site: str, browser: Any, shots: Path) -> None:
    page, problems = open_page(browser, site + urls_stats.coverage_page())
    rows = page.locator("table.coverage-table tbody tr")
    assert rows.count() == 48
    assert page.locator("tr.for-target").count() == 18
    filled = page.locator(".coverage-table .strip i.c1, .coverage-table .strip i.c2").count()
    empty = page.locator(".coverage-table .strip i.c0").count()
    assert filled > 100 and empty > filled  # what is there, and what is missing
    square = page.locator(".coverage-table .strip i.c1").first.bounding_box()
    assert square is not None and square["width"] >= 5 and square["height"] >= 12
    page.screenshot(path=str(shots / "stats-coverage.png"), full_page=False)
    report("coverage", rows=rows.count(), filled=filled, empty=empty)
    assert problems == []
    page.context.close()


@pytest.mark.parametrize(
    "url",
    [
        urls_stats.indicators_page(),
        urls_stats.indicator_page("rd_intensity"),
        urls_stats.indicator_page("gdp"),
        urls_stats.region_page("320000"),
        urls_stats.region_page("central-area", as_of="2023"),
        urls_stats.indicator_page("gdp", as_of="2024"),
        urls_stats.coverage_page(),
    ],
)
def test_no_page_scrolls_sideways_on_a_phone(site: str, browser: Any, shots: Path, url: str) -> None:
    page, problems = open_page(browser, site + url, viewport=PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{url}: {width}px wide"
    name = url.strip("/").replace("/", "-").replace("?", "-").replace("=", "-")
    page.screenshot(path=str(shots / f"stats-phone-{name}.png"), full_page=False)
    assert problems == []
    page.context.close()


def test_the_as_of_form_changes_the_vintage_shown(site: str, browser: Any, shots: Path) -> None:
    """Shanghai's GDP 2020 (real shipped figures): three vintages; the third has no publication date,
    so as published by the end of 2024 the second is shown, and the third is named as a later revision."""
    page, problems = open_page(browser, site + urls_stats.indicator_page("gdp"))
    row = page.locator(f"#{urls_stats.value_anchor('310000', '2020')}")
    now = row.get_attribute("data-vintage")
    assert now is not None and int(now) >= 2
    page.fill("#as-of", "2024")
    with page.expect_navigation():
        page.press("#as-of", "Enter")
    assert "as_of=2024" in page.url
    assert page.locator(".as-of-status").get_attribute("data-as-of") == "2024-12-31"
    then = row.get_attribute("data-vintage")
    assert then is not None and int(then) < int(now)
    assert row.locator(".later-note").is_visible() and f"v{now}" in row.locator(".later-note").inner_text()
    page.locator("#as-of").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "stats-as-of.png"), full_page=False)
    with page.expect_navigation():
        page.locator(".as-of-status a").click()  # back to the current figures
    assert "as_of" not in page.url and row.get_attribute("data-vintage") == now
    report("as of", current=now, as_of_2024=then)
    assert problems == []
    page.context.close()


def test_a_computed_group_value_is_marked(site: str, browser: Any, shots: Path) -> None:
    """The Delta's GDP 2018: no figure reported for the Delta, the four provinces' summed."""
    page, problems = open_page(browser, site + urls_stats.indicator_page("gdp"))
    row = page.locator(f"#{urls_stats.value_anchor('yrd', '2018')}")
    assert row.get_attribute("data-kind") == "computed"
    badge = row.locator(".badge.gv-computed")
    assert badge.is_visible() and badge.inner_text() == "计算值"
    colours = badge.evaluate("b => [getComputedStyle(b).backgroundColor, getComputedStyle(b).borderStyle]")
    assert colours[1] == "dashed"
    assert "4 个成员中的 4 个" in row.locator("td.source").inner_text()
    squares = page.locator('svg.chart-svg g.series[data-region="yrd"] rect.dot.computed')
    assert squares.count() >= 1 and squares.first.bounding_box() is not None
    squares.first.click()  # a computed point leads to its row too
    assert page.evaluate("location.hash") == "#" + urls_stats.value_anchor("yrd", "2018")
    row.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "stats-computed-row.png"), full_page=False)
    report("computed group value", squares=squares.count())
    assert problems == []
    page.context.close()
