"""The Evaluation pages in a real browser: the dashboard and its links, the target chart, the map and
its year slider, phone width.

Headless Chromium (Playwright) against uvicorn on the session's prepared database, with the helpers
of `test_extract_browser`. Without Chromium these tests skip, except in CI (``CI=true``) where they
fail. Screenshots go to ``$YRD_SCREENSHOT_DIR`` when set.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.web.test_extract_browser import PHONE, open_page, report

from yrd.web import urls_evaluate

pytestmark = pytest.mark.browser

RD = "target:chp_2__sec_4__para_3:94-106"


def test_dashboard_has_its_legend_and_a_cell_leads_to_the_target(
    site: str, browser: Any, shots: Path
) -> None:
    page, problems = open_page(browser, site + urls_evaluate.dashboard())
    page.set_default_timeout(60_000)  # the first assessment of the plan takes a few seconds
    legend = page.locator(".ev-legend li")
    assert legend.count() >= 7 and legend.first.is_visible()
    cells = page.locator("td.ev-cell")
    assert cells.count() >= 18 * 5
    # the sign is visible in every cell (black-and-white reading), the colour differs by status
    signs = page.eval_on_selector_all("td.ev-cell .ev-sign", "ns => ns.map(n => n.textContent.trim())")
    assert all(signs)
    fills = page.eval_on_selector_all(
        "td.ev-cell[data-status=achieved], td.ev-cell[data-status=insufficient_data]",
        "ns => ns.map(n => n.dataset.status + ' ' + getComputedStyle(n).backgroundColor)",
    )
    assert len({f.split(" ", 1)[0] for f in fills}) == 2 and len(set(fills)) >= 2
    page.screenshot(path=str(shots / "evaluation-dashboard.png"), full_page=True)
    report("dashboard", cells=cells.count(), legend=legend.count())
    link = page.locator(f'tr[data-target="{RD}"] td.ev-cell[data-region="310000"] a')
    with page.expect_navigation():
        link.click()
    assert urls_evaluate.target_page(RD).replace(":", "") in page.url.replace("%3A", "").replace(":", "")
    assert page.evaluate("location.hash") == "#" + urls_evaluate.region_anchor("310000")
    assert page.locator(f"#{urls_evaluate.region_anchor('310000')}").is_visible()
    assert problems == []
    page.context.close()


def test_target_chart_draws_observed_planned_and_projection(site: str, browser: Any, shots: Path) -> None:
    page, problems = open_page(browser, site + urls_evaluate.target_page(RD))
    page.set_default_timeout(60_000)
    svg = page.locator(".ev-chart svg.chart-svg")
    svg.wait_for()
    lengths = page.eval_on_selector_all(
        ".ev-chart g.series polyline",
        "ps => ps.map(p => [p.getAttribute('class'), p.getTotalLength(),"
        " getComputedStyle(p).strokeDasharray])",
    )
    kinds = {k for k, n, _d in lengths if n > 10}
    assert {"observed", "planned", "projection"} <= kinds
    dashes = {k: d for k, _n, d in lengths}
    assert dashes["observed"] == "none" and dashes["planned"] != "none" and dashes["projection"] != "none"
    assert dashes["planned"] != dashes["projection"]  # dashed vs dotted
    assert page.locator(".ev-chart g.target-line line").count() >= 1
    assert page.locator("table.ev-side tbody tr").count() == 5
    page.screenshot(path=str(shots / "evaluation-target.png"), full_page=True)
    report("target chart", polylines=len(lengths), kinds=sorted(kinds))
    assert problems == []
    page.context.close()


def test_map_draws_polygons_and_the_slider_changes_the_values(site: str, browser: Any, shots: Path) -> None:
    page, problems = open_page(browser, site + urls_evaluate.map_page("indicator:gdp_per_capita"))
    page.wait_for_selector('#ev-map[data-state="ready"]')
    paths = page.locator("#ev-map svg .areas path")
    assert paths.count() == 4
    slider = page.locator("#map-year")
    lo, hi = int(slider.get_attribute("min") or 0), int(slider.get_attribute("max") or 0)
    assert hi > lo

    def drawn() -> list[str]:
        return page.eval_on_selector_all(
            "#ev-map svg .areas path", "ps => ps.map(p => p.dataset.value + '|' + p.style.fill)"
        )

    at_hi = drawn()
    assert any(v.split("|")[0] for v in at_hi)  # something is coloured
    page.screenshot(path=str(shots / "evaluation-map.png"), full_page=True)
    slider.evaluate(f"s => {{ s.value = '{lo}'; s.dispatchEvent(new Event('input')); }}")
    assert page.locator("#map-year-out").inner_text() == str(lo)
    assert drawn() != at_hi
    assert f"year={lo}" in page.url
    legend = page.locator("#map-legend li")
    assert legend.count() >= 3 and "无数据" in legend.last.inner_text()
    report("map", paths=paths.count(), years=[lo, hi])
    assert problems == []
    page.context.close()


def test_map_of_a_target_score(site: str, browser: Any) -> None:
    page, problems = open_page(browser, site + urls_evaluate.map_page(f"target:{RD}"))
    page.wait_for_selector('#ev-map[data-state="ready"]')
    assert int(page.locator("#ev-map").get_attribute("data-painted") or 0) >= 1
    assert problems == []
    page.context.close()


@pytest.mark.parametrize(
    "url",
    [
        urls_evaluate.dashboard(),
        urls_evaluate.target_page(RD),
        urls_evaluate.methods_page(),
        urls_evaluate.map_page(),
        urls_evaluate.disparity_page("gdp_per_capita"),
        urls_evaluate.index_page(),
    ],
)
def test_no_evaluation_page_scrolls_sideways_on_a_phone(
    site: str, browser: Any, shots: Path, url: str
) -> None:
    page, problems = open_page(browser, site + url, viewport=PHONE, is_mobile=True, has_touch=True)
    if url.startswith("/map"):
        page.wait_for_selector('#ev-map[data-state="ready"]')
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{url}: {width}px wide"
    name = url.strip("/").replace("/", "-").replace("?", "-").replace("=", "-").replace(":", "-")
    page.screenshot(path=str(shots / f"evaluation-phone-{name}.png"), full_page=True)
    assert problems == []
    page.context.close()
