"""The regions map in a real browser: headless Chromium draws the city boundaries and highlights groups.

Same launch pattern as tests/web/test_browser.py: without Chromium these tests skip, except in CI
(``CI=true``) where they fail. Screenshots go to ``$YRD_SCREENSHOT_DIR`` when set.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import serve
from tests.regions.conftest import regions_app
from yrd.db import Database
from yrd.regions.store import seed_regions
from yrd.web import urls_regions

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a database with the regions seeded, on a free 127.0.0.1 port; its base URL."""
    folder = tmp_path_factory.mktemp("regions-browser")
    db = Database(f"sqlite:///{folder / 'yrd.sqlite'}")
    db.migrate()
    seed_regions(db)
    with serve(regions_app(db, folder)) as base:
        yield base
    db.dispose()


def open_map(browser: Any, url: str, locale: str = "zh-CN") -> Any:
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "request",
        lambda req: errors.append(f"off-site request {req.url}") if "127.0.0.1" not in req.url else None,
    )
    page.goto(url)
    page.wait_for_selector('#map[data-state="ready"]')
    assert errors == []
    return page


def test_map_draws_every_city(site: str, browser: Any, shots: Path) -> None:
    page = open_map(browser, site + urls_regions.regions_page())
    paths = page.locator("#map svg .prefectures path").count()
    assert paths == 41
    assert page.locator("#map svg path").count() >= 45  # and the 4 province outlines
    box = page.locator("#map svg").bounding_box()
    assert box is not None and box["width"] > 500 and box["height"] > 400
    filled = page.evaluate(
        """() => [...document.querySelectorAll('#map svg .prefectures path')]
               .filter(p => { const b = p.getBBox(); return b.width > 1 && b.height > 1; }).length"""
    )
    assert filled == 41
    page.locator("#map").screenshot(path=str(shots / "regions-map.png"))
    page.context.close()


def test_selecting_a_group_highlights_its_members(site: str, browser: Any, shots: Path) -> None:
    page = open_map(browser, site + urls_regions.regions_page(), "en-GB")
    page.select_option("#group-select", "central-area")
    assert page.locator("#map svg .prefectures path.in").count() == 27
    assert "group=central-area" in page.url
    assert page.locator('tr[data-group="central-area"].selected').count() == 1
    page.select_option("#group-select", "demo-zone")
    page.wait_for_selector("#map svg .highlights path.in")
    assert page.locator("#map svg .highlights path.in").count() == 3
    assert page.locator("#map svg .prefectures path.in").count() == 0
    page.locator("#map").screenshot(path=str(shots / "regions-map-demo-zone.png"))
    page.context.close()


def test_a_group_in_the_address_is_highlighted_on_load(site: str, browser: Any) -> None:
    page = open_map(browser, site + urls_regions.regions_page("lingang"))
    page.wait_for_selector("#map svg .highlights path.part")
    assert page.locator("#map svg .highlights path.part").count() == 3
    page.context.close()
