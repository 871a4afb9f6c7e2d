"""The 1+N pages in headless Chromium: a coordinator logs in through the form, loads a follow-up document
in the policy library, confirms and rejects suggestions in the review queue, and sees the coverage view
count the confirmed measure; the public sees no decision buttons and is refused the decision route.

The app runs on a copy of the prepared default (with the shipped real regulation); the loaded document
(tests/data/policy_docs/implementation_plan.txt) and the accounts are SYNTHETIC test material.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.browser import serve
from tests.web.test_supervise_api import build_app, copy_default
from tests.web.test_supervise_browser import logged_in

pytestmark = pytest.mark.browser

DOCS = Path(__file__).parents[1] / "data" / "policy_docs"
TITLE = "示例省推进长三角一体化交通与创新协同实施方案"
COVERED = re.compile(r"(\d+) of (\d+) measures")


@pytest.fixture(scope="module")
def site(default_sqlite: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("policies-browser")
    db = copy_default(default_sqlite, folder)
    with serve(build_app(db, folder)) as base:
        yield base
    db.dispose()


def covered(page: Any, base: str) -> tuple[int, int]:
    page.goto(f"{base}/policies/coverage")
    found = COVERED.search(page.locator("#coverage-summary").inner_text())
    assert found, page.locator("#coverage-summary").inner_text()
    return int(found[1]), int(found[2])


@pytest.fixture(scope="module")
def loaded(site: str, browser: Any) -> str:
    """The coordinator loads the synthetic document through the library's form; its page's address."""
    page = logged_in(browser, site, "coordinator")
    page.goto(f"{site}/policies")
    form = page.locator("form.pl-load")
    form.locator("input[name=files]").set_input_files(str(DOCS / "implementation_plan.txt"))
    form.locator("select[name=relation]").select_option("implementation_plan")
    form.locator("input[name=number]").fill("示发〔2026〕1号")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/policies/policy-*?done=loaded")
    assert page.locator("h1").inner_text() == TITLE
    assert page.get_by_text("The document is loaded and its links are suggested.").count() == 1
    assert page.locator(".pl-cand[data-state=suggested]").count() > 20
    url = page.url.split("?")[0]
    page.context.close()
    return url


def test_library_search_and_filters(site: str, browser: Any, loaded: str) -> None:
    page = logged_in(browser, site, "analyst")
    page.goto(f"{site}/policies")
    assert page.locator(".policies-table tbody tr").count() == 2
    page.select_option("form.pl-filters select[name=relation]", "implementation_plan")
    page.locator("form.pl-filters button[type=submit]").click()
    page.wait_for_url("**relation=implementation_plan*")
    rows = page.locator(".policies-table tbody tr")
    assert rows.count() == 1 and TITLE in rows.inner_text()
    page.fill("form.pl-filters input[name=q]", "示发〔2026〕1号")
    page.locator("form.pl-filters button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".policies-table tbody tr").count() == 1
    page.fill("form.pl-filters input[name=q]", "没有这个文件")
    page.locator("form.pl-filters button[type=submit]").click()
    page.wait_for_load_state()
    assert (
        page.locator(".policies-table").count() == 0 and page.get_by_text("No document matches.").count() == 1
    )
    assert page.locator("form.pl-load").count() == 0  # analysts do not load documents
    page.context.close()


def test_review_queue_confirm_reject_and_coverage(site: str, browser: Any, loaded: str) -> None:
    page = logged_in(browser, site, "coordinator")
    before, total = covered(page, site)
    page.goto(f"{site}/policies/review")
    doc_id = loaded.rsplit("/", 1)[1]
    page.select_option("form.pl-filters select[name=policy]", doc_id)
    page.locator("form.pl-filters button[type=submit]").click()
    page.wait_for_url(f"**policy={doc_id}*")
    waiting = int(re.search(r"\d+", page.locator("form.pl-filters .summary").inner_text())[0])  # type: ignore[index]
    first = page.locator("section.pl-para").first
    best = first.locator(".pl-cand").first
    measure = best.locator("a.cite").inner_text()
    best.locator("button[value=confirmed]").click()
    page.wait_for_url("**done=confirmed*")
    assert page.get_by_text("Your decision is saved.").count() == 1
    # the paragraph stays in the queue while its other candidates wait; reject them all
    first = page.locator("section.pl-para").first
    assert first.locator(".pl-cand[data-state=confirmed]").count() == 1
    while (
        pending := page.locator("section.pl-para").first.locator(".pl-cand[data-state=suggested]")
    ).count():
        if page.locator("section.pl-para").first.locator(".pl-cand[data-state=confirmed]").count() == 0:
            break  # the decided paragraph left the queue
        pending.first.locator("button[value=rejected]").click()
        page.wait_for_url("**done=rejected*")
    summary = page.locator("form.pl-filters .summary").inner_text()
    assert int(re.search(r"\d+", summary)[0]) == waiting - 1  # type: ignore[index]
    # the next paragraph in one click: this measure, not the others
    second = page.locator("section.pl-para", has=page.locator("button[value='confirmed+rest']")).first
    text = second.locator("blockquote").inner_text()
    second.locator("button[value='confirmed+rest']").first.click()
    page.wait_for_url("**done=confirmed*")
    summary = page.locator("form.pl-filters .summary").inner_text()
    assert int(re.search(r"\d+", summary)[0]) == waiting - 2  # type: ignore[index]
    assert text not in page.locator("main").inner_text()

    after, total_after = covered(page, site)
    assert total_after == total and before + 1 <= after <= before + 2
    page.goto(f"{site}/policies/coverage?missing=1")
    missing_rows = page.locator("tr[data-covered]")
    assert missing_rows.count() == total - after
    assert page.locator("tr[data-covered=yes]").count() == 0
    page.goto(f"{site}/policies/coverage")
    row = page.locator("tr[data-covered=yes]")
    assert row.count() == after and measure in " ".join(row.all_inner_texts())
    assert all(TITLE in text for text in row.all_inner_texts())
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel").click()
    assert download.value.suggested_filename == "coverage.xlsx"
    page.goto(loaded + "?state=confirmed")
    assert page.locator(".pl-cand").count() == 2
    page.context.close()


def test_public_sees_no_decisions(site: str, browser: Any, loaded: str) -> None:
    page = logged_in(browser, site, "public")
    page.goto(f"{site}/policies/review")
    assert page.locator("section.pl-para").count() > 0
    assert page.locator(".pl-cand button").count() == 0
    assert page.get_by_text("Only coordinators decide on links").count() == 1
    page.goto(loaded)
    assert page.locator(".pl-cand button").count() == 0 and page.locator("form.actions").count() == 0
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    answer = page.request.post(f"{site}/policies/links/1", form={"state": "confirmed", "version": "1",
                                                                 "csrf_token": token or ""})  # fmt: skip
    assert answer.status == 403
    page.context.close()
