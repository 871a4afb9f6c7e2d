"""The report page, the report downloads and the per-figure downloads, on the prepared default."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from yrd.db import Database
from yrd.reports import Report, Section, figure_files
from yrd.settings import Settings
from yrd.supervise import tasks
from yrd.supervise.roles import system
from yrd.web import pages_report
from yrd.web.app import create_app

PERIOD = 2024


@pytest.fixture(scope="module")
def client(extracted_db: Database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    pages_report.CACHE.clear()
    app = create_app(
        Settings(data_dir=tmp_path_factory.mktemp("report-web"), default_lang="zh"), extracted_db
    )
    with TestClient(app) as c:
        yield c
    pages_report.CACHE.clear()


@pytest.fixture(scope="module")
def html(client: TestClient) -> str:
    response = client.get(f"/report.html?period={PERIOD}&lang=en")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-disposition"] == f'inline; filename="yrd-report-{PERIOD}-en.html"'
    return response.text


def _report(client: TestClient) -> Report:
    with client.app.state.db.read() as session:  # type: ignore[attr-defined]
        return pages_report.CACHE.entry(session, PERIOD, "en", None).report


def test_page_offers_the_choices(client: TestClient) -> None:
    response = client.get(f"/report?period={PERIOD}&lang=en&ui=en")
    assert response.status_code == 200
    text = response.text
    assert "<h1>Assessment report</h1>" in text
    assert f'<option value="{PERIOD}" selected>' in text
    assert f'src="/report.html?period={PERIOD}&amp;lang=en"' in text
    for fmt in ("pdf", "docx"):
        assert f'href="/report.{fmt}?period={PERIOD}&amp;lang=en"' in text
    zh = client.get("/report?ui=zh").text
    assert "评估报告" in zh and "报告语言" in zh


def test_format_choice_redirects_to_the_file(client: TestClient) -> None:
    response = client.get(f"/report?period={PERIOD}&lang=zh&format=docx", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/report.docx?period={PERIOD}&lang=zh"


def test_html_report_has_every_figure_inline(client: TestClient, html: str) -> None:
    report = _report(client)
    assert "Executive summary" in html and "<script" not in html
    figures = report.figures()
    assert len(figures) >= 5
    assert html.count("<svg") >= len(figures)
    for fig in figures:
        assert f'id="{fig.id}"' in html
        assert f"/report/figures/{fig.id}.svg?period={PERIOD}&amp;lang=en" in html


def test_figure_downloads_are_the_figure_files(client: TestClient, html: str) -> None:
    report = _report(client)
    fig = report.figures()[0]
    alone = Report(report.title, report.lang, sections=[Section("x", "x", 1, [fig])])
    files = figure_files(alone)
    for ext, media in (("svg", "image/svg+xml"), ("png", "image/png")):
        name = f"{fig.id}.{ext}"
        response = client.get(f"/report/figures/{name}?period={PERIOD}&lang=en")
        assert response.status_code == 200
        assert response.headers["content-type"] == media
        assert response.headers["content-disposition"] == f'attachment; filename="{name}"'
        assert response.content == files[name][0]
    assert client.get(f"/report/figures/nope.svg?period={PERIOD}&lang=en").status_code == 404
    assert client.get(f"/report/figures/{fig.id}.gif?period={PERIOD}&lang=en").status_code == 404


@pytest.mark.parametrize(
    ("fmt", "media"),
    [
        ("pdf", "application/pdf"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ],
)
def test_pdf_and_docx_downloads(client: TestClient, html: str, monkeypatch: pytest.MonkeyPatch, fmt: str,
                                media: str) -> None:  # fmt: skip
    # the real PDF and DOCX are checked in tests/reports/test_assessment.py; here the route's plumbing
    calls: list[str] = []

    def fake(report: Report, kind: str, figure_url: object = None) -> bytes:
        calls.append(kind)
        return f"{kind}:{report.lang}".encode()

    monkeypatch.setattr(pages_report, "render", fake)
    response = client.get(f"/report.{fmt}?period={PERIOD}&lang=en")
    assert response.status_code == 200
    assert response.headers["content-type"] == media
    assert response.headers["content-disposition"] == f'attachment; filename="yrd-report-{PERIOD}-en.{fmt}"'
    assert response.content == f"{fmt}:en".encode()
    again = client.get(f"/report.{fmt}?period={PERIOD}&lang=en")
    assert again.content == response.content and calls == [fmt]  # rendered once, then cached


def test_bad_parameters_are_one_clear_error(client: TestClient) -> None:
    for url, status, words in [
        ("/report.pdf?lang=fr", 400, "lang must be one of zh, en"),
        ("/report?format=odt", 400, "format must be one of html, pdf, docx"),
        ("/report.html?period=abc", 422, "period"),
        ("/report.html?as_of=soon", 400, "as_of must be YYYY"),
    ]:
        response = client.get(url)
        assert response.status_code == status, url
        assert words in response.text
        assert "Traceback" not in response.text


def test_cache_key_follows_the_data(client: TestClient, html: str, tmp_path: Path) -> None:
    with client.app.state.db.read() as session:  # type: ignore[attr-defined]
        version = pages_report.data_version(session)
    assert re.match(r"^\d+:", version)
    assert client.get(f"/report.html?period={PERIOD}&lang=en").text == html  # served from the cache
    db = client.app.state.db  # type: ignore[attr-defined]
    with db.read() as session:
        task = tasks.list_tasks(session)[0]
    tasks.change_status(db, system("tests"), task.id, status="in_progress", version=task.version)
    with db.read() as session:  # a task moved: the report's task section changes, so does the key
        assert pages_report.data_version(session) != version
    for status in ("cancelled", "not_started"):  # put the shared database back as it was
        with db.read() as session:
            now = tasks.get_task(session, task.id)
        tasks.change_status(db, system("tests"), task.id, status=status, version=now.version)
