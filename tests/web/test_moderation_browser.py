"""Public comments and their moderation in headless Chromium: an anonymous visitor comments on a unit of
the Outline through its form and is told it awaits moderation; the public, reporters and analysts are
refused the queue; the coordinator sees the comment escaped (its markup never runs) and publishes it
onto the unit page; an admin rejects another. Comments and accounts are SYNTHETIC; the app runs on a
copy of the prepared default."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.browser import serve
from tests.web.test_supervise_api import build_app, copy_default
from tests.web.test_supervise_browser import logged_in

from yrd.web import urls

pytestmark = pytest.mark.browser

PLAN, EID = "yrd-outline-2019", "chp_5__sec_1__para_3"
MARKUP = "<b>bold</b> <script>window.__xss=1</script>"
PLAIN = "SYNTHETIC comment that the admin rejects"


@pytest.fixture(scope="module")
def site(default_sqlite: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("moderation-browser")
    db = copy_default(default_sqlite, folder)
    with serve(build_app(db, folder)) as base:
        yield {"base": base, "unit": f"{base}{urls.permalink(PLAN, EID)}"}
    db.dispose()


@pytest.fixture(scope="module")
def posted(site: dict[str, Any], browser: Any) -> list[str]:
    """Both comments, posted by an anonymous visitor through the unit page's form; the notices seen."""
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    notices = []
    for text in (MARKUP, PLAIN):
        opened = page.goto(site["unit"])
        assert opened is not None and opened.status == 200
        form = page.locator("#comments form.comment-form")
        form.locator("textarea[name=text]").fill(text)
        form.locator("button[type=submit]").click()
        page.wait_for_url("**commented=*")
        notices.append(page.locator("#comments .notice").inner_text())
        assert text not in page.locator("#comments").inner_text()  # not shown before moderation
    context.close()
    return notices


def queue_item(page: Any, text: str) -> Any:
    return page.locator("ol.moderation-list > li", has_text=text)


def test_anonymous_comment_awaits_moderation(posted: list[str]) -> None:
    assert len(posted) == 2
    assert all("once a coordinator has reviewed it" in notice for notice in posted)


@pytest.mark.parametrize("role", ["public", "reporter", "analyst"])
def test_the_queue_is_refused_to_other_roles(site: dict[str, Any], browser: Any, role: str) -> None:
    page = logged_in(browser, site["base"], role)
    answer = page.goto(f"{site['base']}/moderation")
    assert answer is not None and answer.status == 403
    assert page.locator("ol.moderation-list").count() == 0
    page.context.close()


def test_coordinator_sees_it_escaped_and_publishes_it(
    site: dict[str, Any], browser: Any, posted: list[str]
) -> None:
    page = logged_in(browser, site["base"], "coordinator")
    page.goto(f"{site['base']}/moderation")
    item = queue_item(page, MARKUP)
    assert item.count() == 1
    assert MARKUP in item.locator(".comment-text").inner_text()  # the literal text, not markup
    assert item.locator(".comment-text b, .comment-text script").count() == 0
    assert page.evaluate("typeof window.__xss") == "undefined"
    item.locator("button[name=decision][value=publish]").click()
    page.wait_for_url("**/moderation?*")
    assert page.get_by_text("The comment is published.").count() == 1
    assert queue_item(page, MARKUP).count() == 0 and queue_item(page, PLAIN).count() == 1
    page.goto(site["unit"])
    shown = page.locator("#comments .comment-list")
    assert MARKUP in shown.inner_text() and shown.locator("b, script").count() == 0
    assert page.evaluate("typeof window.__xss") == "undefined"
    page.context.close()


def test_admin_rejects_a_comment(site: dict[str, Any], browser: Any, posted: list[str]) -> None:
    page = logged_in(browser, site["base"], "admin")
    page.goto(f"{site['base']}/moderation")
    queue_item(page, PLAIN).locator("button[name=decision][value=reject]").click()
    page.wait_for_url("**/moderation?*")
    assert page.get_by_text("The comment is rejected.").count() == 1
    assert queue_item(page, PLAIN).count() == 0
    page.goto(f"{site['base']}/moderation?status=rejected")
    assert queue_item(page, PLAIN).count() == 1
    page.goto(site["unit"])
    assert PLAIN not in page.locator("#comments").inner_text()
    page.context.close()
