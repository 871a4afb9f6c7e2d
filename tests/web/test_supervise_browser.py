"""The supervision pages in headless Chromium, logged in through the login form as each role: the task
board's filters, a reporter filing a report with an uploaded file, the coordinator accepting it (the task
moves), the public and analysts without the report form, and the coordinator assigning a deadline.
Accounts and texts are SYNTHETIC; the app runs on a copy of the prepared default."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.browser import serve
from tests.web.logins import PASSWORD
from tests.web.test_supervise_api import ANHUI, PDF, build_app, copy_default

from yrd.supervise import tasks

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(default_sqlite: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("supervise-browser")
    db = copy_default(default_sqlite, folder)
    with db.read() as session:
        anhui = [t.id for t in tasks.list_tasks(session, body=ANHUI, status="not_started")]
    with serve(build_app(db, folder)) as base:
        yield {"base": base, "db": db, "anhui": anhui}
    db.dispose()


def logged_in(browser: Any, base: str, username: str) -> Any:
    """A new browser context, logged in through the /login form."""
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(f'[data-role="{username}"]').count() == 1, page.content()[:500]
    return page


def test_board_filters_by_status_and_body(site: dict[str, Any], browser: Any) -> None:
    for role in ("admin", "analyst"):
        page = logged_in(browser, site["base"], role)
        page.goto(f"{site['base']}/tasks")
        total = page.locator("#tasks tbody tr[data-task]").count()
        assert total > 50
        page.select_option("#task-filters select[name=body]", ANHUI)
        page.select_option("#task-filters select[name=status]", "not_started")
        page.click("#task-filters button[type=submit]")
        page.wait_for_url("**/tasks?*")
        rows = page.locator("#tasks tbody tr[data-task]")
        assert 0 < rows.count() < total
        assert set(rows.evaluate_all("rs => rs.map(r => r.dataset.status)")) == {"not_started"}
        assert f"body={ANHUI}" in page.get_attribute("#xlsx-link", "href")
        page.context.close()


def test_report_filed_accepted_and_the_task_moves(site: dict[str, Any], browser: Any, tmp_path: Path) -> None:
    task_id = site["anhui"][0]
    evidence = tmp_path / "progress.pdf"
    evidence.write_bytes(PDF)
    reporter = logged_in(browser, site["base"], "reporter")
    reporter.goto(f"{site['base']}/tasks/{task_id}")
    reporter.click("#report-link")
    reporter.fill("input[name=period]", "2026Q3")
    reporter.select_option("select[name=status]", "in_progress")
    reporter.fill("textarea[name=narrative]", "Work has started (synthetic test report).")
    reporter.set_input_files("#evidence-files", str(evidence))
    reporter.click("#report-form button[type=submit]")
    reporter.wait_for_url("**/reports/*")
    assert reporter.locator("#evidence a").inner_text() == "progress.pdf"
    report_url = reporter.url.split("?")[0]
    reporter.goto(f"{site['base']}/tasks/{task_id}")
    assert reporter.locator(f'#reports a[href="{report_url.removeprefix(site["base"])}"]').count() >= 1
    reporter.context.close()

    coordinator = logged_in(browser, site["base"], "coordinator")
    coordinator.goto(report_url)
    coordinator.click("#accept")
    coordinator.wait_for_selector("#reviewed")
    assert coordinator.locator("#review-state [data-status]").get_attribute("data-status") == "accepted"
    coordinator.goto(f"{site['base']}/tasks/{task_id}")
    assert coordinator.locator(".meta [data-status]").first.get_attribute("data-status") == "in_progress"
    coordinator.context.close()


def test_public_and_analyst_get_no_report_form(site: dict[str, Any], browser: Any) -> None:
    task_id = site["anhui"][1]
    for role in ("public", "analyst"):
        page = logged_in(browser, site["base"], role)
        page.goto(f"{site['base']}/tasks/{task_id}")
        assert page.locator("#report-link").count() == 0 and page.locator("[data-move]").count() == 0
        answer = page.goto(f"{site['base']}/tasks/{task_id}/report")
        assert answer is not None and answer.status == 403
        page.context.close()


def test_coordinator_assigns_a_deadline(site: dict[str, Any], browser: Any) -> None:
    task_id = site["anhui"][2]
    page = logged_in(browser, site["base"], "coordinator")
    page.goto(f"{site['base']}/tasks/{task_id}")
    page.fill("#assign-form input[name=deadline]", "2027-03-31")
    page.click("#assign-form button[type=submit]")
    page.wait_for_url("**done=assign")
    assert page.locator("#task-deadline").inner_text() == "2027-03-31"
    page.context.close()


def test_projects_map_draws_a_point_per_located_project(site: dict[str, Any], browser: Any) -> None:
    page = logged_in(browser, site["base"], "public")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{site['base']}/projects")
    page.wait_for_selector("#projects-map[data-drawn]")
    drawn = int(page.get_attribute("#projects-map", "data-drawn") or 0)
    assert drawn > 0 and page.locator("#projects-map circle.point").count() == drawn
    assert not errors
    page.context.close()
