"""The pages in a real browser: headless Chromium (Playwright) against the app served by uvicorn.

The app runs in a background thread on a free 127.0.0.1 port, on a temporary SQLite database loaded
with both seeds (the official Chinese text and the bilingual page, read from ``shared/seeds`` at run
time, never copied). Without Chromium these tests skip, except in CI (``CI=true``) where they fail.
Screenshots go to ``$YRD_SCREENSHOT_DIR`` when set, else to a temporary folder.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.browser import serve
from tests.conftest import BILINGUAL_SEED, PLAIN_SEED, missing

from yrd.db import Database
from yrd.documents.load import load_files
from yrd.settings import Settings
from yrd.web import urls

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The app on a free port, with the bilingual Outline loaded: its base URL and plan id."""
    if not PLAIN_SEED.exists() or not BILINGUAL_SEED.exists():
        missing(f"seed texts not found beside the project ({PLAIN_SEED.parent})")
    from yrd.web.app import create_app

    folder = tmp_path_factory.mktemp("browser")
    db = Database(f"sqlite:///{folder / 'yrd.sqlite'}")
    db.migrate()
    result = load_files(db, [(p.name, p.read_bytes()) for p in (PLAIN_SEED, BILINGUAL_SEED)])
    with serve(create_app(Settings(data_dir=folder), db)) as base:
        yield {"base": base, "plan": result.plan_id}
    db.dispose()


def new_page(
    browser: Any, locale: str = "zh-CN", viewport: dict[str, int] | None = None, **options: Any
) -> Any:
    context = browser.new_context(locale=locale, viewport=viewport or DESKTOP, **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def report(name: str, **numbers: Any) -> None:
    """Print measurements so that `pytest -s` shows them."""
    print(f"\n[browser] {name}: {json.dumps(numbers, ensure_ascii=False)}")


# ---------------------------------------------------------------------------------------------- reading


def test_side_by_side_columns_are_visible_and_aligned(
    site: dict[str, str], browser: Any, shots: Path
) -> None:
    page = new_page(browser)
    page.goto(site["base"] + urls.chapter_page(site["plan"], "chp_5", "both"))
    rows = page.locator("article.unit.para")
    assert rows.count() > 5
    measures = page.evaluate(
        """() => Array.from(document.querySelectorAll('article.unit.para')).map(row => {
            const [zh, en] = row.querySelectorAll(':scope > .cell');
            const firstLine = cell => {
                const keep = n => n.textContent.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP;
                const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT, {acceptNode: keep});
                const node = walker.nextNode();
                const range = document.createRange();
                range.setStart(node, 0); range.setEnd(node, 1);
                return range.getBoundingClientRect();
            };
            const a = zh.getBoundingClientRect(), b = en.getBoundingClientRect();
            return {id: row.id, zhTop: a.top, enTop: b.top, zhRight: a.right, enLeft: b.left,
                    zhWidth: a.width, enWidth: b.width,
                    zhLine: firstLine(zh).top, enLine: firstLine(en).top,
                    zhLineBottom: firstLine(zh).bottom, enLineBottom: firstLine(en).bottom};
        })"""
    )
    cell_offsets = [abs(m["zhTop"] - m["enTop"]) for m in measures]
    line_offsets = [abs(m["zhLine"] - m["enLine"]) for m in measures]
    assert max(cell_offsets) <= 1, measures
    assert max(line_offsets) <= 6, measures
    for m in measures:
        assert m["enLeft"] > m["zhRight"], m  # two columns, English to the right
        assert m["zhWidth"] > 300 and m["enWidth"] > 300, m
    assert page.locator("article.unit.para .cell[lang=en]").first.is_visible()
    report(
        "side by side, chapter V",
        rows=len(measures),
        max_cell_top_offset_px=round(max(cell_offsets), 2),
        max_first_line_offset_px=round(max(line_offsets), 2),
        column_width_px=round(measures[0]["zhWidth"]),
    )
    page.screenshot(path=str(shots / "chapter-both.png"))
    page.context.close()


def test_page_weight_of_a_chapter(site: dict[str, str], browser: Any) -> None:
    page = new_page(browser)
    responses: list[Any] = []
    page.on("response", lambda response: responses.append(response))
    page.goto(site["base"] + urls.chapter_page(site["plan"], "chp_5", "both"), wait_until="load")
    sizes = {r.url: len(r.body()) for r in responses if r.ok}
    total = sum(sizes.values())
    assert all(u.startswith(site["base"]) for u in sizes), sizes  # nothing from elsewhere
    assert total < 250_000, sizes
    report("page weight, chapter V side by side", requests=len(sizes), bytes=total,
           by_file={u.removeprefix(site["base"]).split("?")[0]: n for u, n in sizes.items()})  # fmt: skip
    page.context.close()


def test_view_choice_is_remembered(site: dict[str, str], browser: Any) -> None:
    page = new_page(browser)
    page.goto(site["base"] + urls.chapter_page(site["plan"], "chp_2"))
    page.locator("nav.segmented a[data-view=en]").click()
    page.wait_for_url("**view=en")
    assert page.locator("div.reader").get_attribute("class") == "reader view-en"
    page.locator("a[rel=next]").first.click()
    page.wait_for_url("**/chp_3")
    assert page.locator("div.reader").get_attribute("class") == "reader view-en"
    assert page.locator("article.unit.para .cell[lang=zh-Hans]").count() == 0
    page.context.close()


# ---------------------------------------------------------------------------------------------- language


def test_interface_language_switch_is_remembered(site: dict[str, str], browser: Any, shots: Path) -> None:
    page = new_page(browser, locale="zh-CN")
    page.goto(site["base"] + "/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator(".brand-name").inner_text() == "长三角一体化监测评估系统"
    page.locator("nav.ui-switch a[hreflang=en]").click()
    page.wait_for_url("**ui=en")
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator(".plan-card h3 a").first.click()
    page.wait_for_url(f"**{urls.plan_page(site['plan'])}")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#contents-h").inner_text() == "Contents"
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies.get("yrd_ui") == "en"
    page.screenshot(path=str(shots / "plan-en.png"))
    page.context.close()


# ---------------------------------------------------------------------------------------------- citing


def test_permalink_leads_to_the_unit_and_back_in_context(site: dict[str, str], browser: Any) -> None:
    eid = "chp_5__sec_1__para_2"
    page = new_page(browser)
    page.goto(site["base"] + urls.chapter_page(site["plan"], "chp_5", "both"))
    page.locator(f"article#{eid} a.pnum").click()
    page.wait_for_url(f"**{urls.permalink(site['plan'], eid)}")
    assert page.locator("h1").inner_text() == "《纲要》第五章第一节第2段"
    assert page.locator("cite").all_inner_texts() == [
        "《纲要》第五章第一节第2段",
        "Outline, Ch. V, Sec. 1, para. 2",
    ]
    assert page.locator("section.unit-text[lang=en] .body").inner_text().strip()
    page.get_by_role("link", name="在原文中阅读").click()
    page.wait_for_url(f"**#{eid}")
    assert page.evaluate("document.querySelector(':target')?.id") == eid
    box = page.locator(f"article#{eid}").bounding_box()
    assert box is not None and 0 <= box["y"] < DESKTOP["height"] / 2
    report("permalink round trip", target_top_px=round(box["y"]))
    page.context.close()


def test_copy_citation_puts_it_on_the_clipboard(site: dict[str, str], browser: Any, shots: Path) -> None:
    page = new_page(browser, permissions=["clipboard-read", "clipboard-write"])
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site["base"])
    page.goto(site["base"] + urls.chapter_page(site["plan"], "chp_5", "zh"))
    button = page.locator("article#chp_5__sec_1__para_3 button.copy")
    assert button.get_attribute("data-copy") == "《纲要》第五章第一节第3段"
    assert button.get_attribute("data-cite-en") == "Outline, Ch. V, Sec. 1, para. 3"
    button.click()
    toast = page.locator("#toast")
    toast.wait_for(state="visible")
    assert "《纲要》第五章第一节第3段" in toast.inner_text()
    assert toast.inner_text().startswith("已复制")
    assert page.evaluate("navigator.clipboard.readText()") == "《纲要》第五章第一节第3段"
    page.screenshot(path=str(shots / "chapter-zh-copied.png"))
    page.context.close()


# ---------------------------------------------------------------------------------------------- search


def test_search_in_chinese_and_english_highlights_hits(
    site: dict[str, str], browser: Any, shots: Path
) -> None:
    page = new_page(browser)
    page.goto(site["base"] + "/")
    page.locator("#home-q").fill("城际铁路")
    page.locator("#home-q").press("Enter")
    page.wait_for_url("**/search?q=*")
    marks = page.locator("li.hit mark")
    assert marks.count() >= 3
    assert set(marks.all_inner_texts()) == {"城际铁路"}
    background = page.evaluate("getComputedStyle(document.querySelector('li.hit mark')).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    zh_hits = page.locator("li.hit").count()
    page.screenshot(path=str(shots / "search-zh.png"))

    page.locator("#site-q").fill("inter-city railway")
    page.locator("#site-q").press("Enter")
    page.wait_for_url("**q=inter-city*")
    hits = page.locator("li.hit")
    assert hits.count() >= 1
    assert {t.lower() for t in page.locator("li.hit mark").all_inner_texts()} >= {"inter-city", "railway"}
    assert page.locator("li.hit .badge").first.inner_text() == "英文"
    en_hits = hits.count()
    page.locator("li.hit .hit-cite a").first.click()
    page.wait_for_url("**#*")
    target = page.evaluate("document.querySelector(':target')?.id")
    assert target and target.startswith("chp_")
    assert page.locator("div.reader").get_attribute("class") == "reader view-both"
    report("search", zh_hits_城际铁路=zh_hits, en_hits_inter_city_railway=en_hits, landed_on=target)
    page.context.close()


# ---------------------------------------------------------------------------------------------- phone, access


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "plan",
        "chapter",
        "unit",
        "/search?q=%E5%9F%8E%E9%99%85%E9%93%81%E8%B7%AF",
    ],
)
def test_phone_width_has_no_horizontal_scroll(
    site: dict[str, str], browser: Any, shots: Path, path: str
) -> None:
    plan = site["plan"]
    url = {
        "plan": urls.plan_page(plan),
        "chapter": urls.chapter_page(plan, "chp_5", "both"),
        "unit": urls.permalink(plan, "chp_5__sec_1__para_1"),
    }.get(path, path)
    page = new_page(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(site["base"] + url)
    root = "document.documentElement"
    widths = page.evaluate(f"[{root}.scrollWidth, {root}.clientWidth, document.body.scrollWidth]")
    assert widths[0] <= widths[1] and widths[2] <= widths[1], widths
    if path == "chapter":
        zh = page.locator("article#chp_5__sec_1__para_1 .cell[lang=zh-Hans]").bounding_box()
        en = page.locator("article#chp_5__sec_1__para_1 .cell[lang=en]").bounding_box()
        assert zh and en and en["y"] >= zh["y"] + zh["height"] - 1  # stacked, Chinese first
    report(f"phone 390x844 {path}", scroll_width=widths[0], client_width=widths[1])
    page.screenshot(path=str(shots / f"phone-{path.strip('/').split('?')[0] or 'home'}.png"), full_page=False)
    page.context.close()


def test_keyboard_and_contrast(site: dict[str, str], browser: Any) -> None:
    page = new_page(browser)
    page.goto(site["base"] + urls.chapter_page(site["plan"], "chp_5", "both"))
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip"
    skip_box = page.locator("a.skip").bounding_box()
    assert skip_box is not None and skip_box["y"] >= 0
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    ratios = page.evaluate(
        """() => {
            const rgb = s => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
            const lum = c => { const [r, g, b] = c.map(v => { v /= 255;
                return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
                return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
            const bg = el => {
                for (; el; el = el.parentElement) {
                    const c = getComputedStyle(el).backgroundColor;
                    if (!/rgba\\(.*, 0\\)$/.test(c) && c !== 'transparent') return rgb(c);
                }
                return [255, 255, 255];
            };
            const out = {};
            for (const sel of ['.para .cell p', '.lead', '.pnum', '.crumbs a', '.segmented a',
                               '.segmented a[aria-current]', '.col-heads span', '.brand-other',
                               '.ui-switch a:not([aria-current])', '.in-chapter a', 'footer.site p']) {
                const el = document.querySelector(sel);
                if (!el) continue;
                const a = lum(rgb(getComputedStyle(el).color)), b = lum(bg(el));
                out[sel] = Math.round(100 * (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)) / 100;
            }
            return out;
        }"""
    )
    assert ratios and min(ratios.values()) >= 4.5, ratios
    report("contrast ratios", **ratios)
    page.context.close()
