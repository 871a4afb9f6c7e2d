"""The assessment report's task and project sections on a copy of the prepared default, after some
supervision work done through the library: the numbers match the library's own lists, only accepted
reports count, and the sections come out in HTML and DOCX in both languages.

The full report is built once per language (cheap); only its two supervision sections are rendered,
so the test does not typeset every chart again (test_assessment does that)."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from tests.reports.html_tables import html_rows
from yrd.db import Database
from yrd.evaluate.targets import assess
from yrd.reports import Report, Section, Table, render
from yrd.reports.supervision import in_period, project_summary, task_summary
from yrd.supervise import accounts, progress, projects, tasks
from yrd.supervise.bodies import body_name
from yrd.supervise.roles import ANONYMOUS, system

PLAN = "yrd-outline-2019"
PERIOD = 2024
DAY = date(2026, 11, 22)


def _work(db: Database) -> None:
    """Move tasks and projects, and file reports, as the operator and as a reporter of Shanghai."""
    admin = system("test")
    tasks.change_status(db, admin, 1, status="in_progress", version=1)
    tasks.change_status(db, admin, 2, status="delayed", version=1)
    tasks.change_status(db, admin, 3, status="completed", version=1)
    tasks.change_status(db, admin, 4, status="cancelled", version=1)
    tasks.assign_task(db, admin, 5, version=1, lead="340000", partners=[], deadline="2031-12-31")
    projects.update_project(db, admin, 10, version=1, status="completed")
    user = accounts.create_user(db, admin, "rep.sh", "a long password 1", "reporter", bodies=["310000"])
    author = user.principal(via="cli")

    def report(period: str, accept: bool, **subject: int) -> None:
        status = "under_construction" if "project_id" in subject else "in_progress"
        filed = progress.file_report(db, author, period=period, status=status, narrative="进展", **subject)
        if accept:
            progress.review_report(db, admin, filed.id, decision="accept", version=filed.version)

    report("2024Q3", True, task_id=6)  # counts for Shanghai in 2024
    report("2025", True, task_id=7)  # another year
    report("2024-H2", False, task_id=8)  # not accepted: not published, not counted
    report("2024-10", True, project_id=3)  # a project in Shanghai and Zhejiang


@pytest.fixture(scope="module")
def db(default_sqlite: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    copy = tmp_path_factory.mktemp("supervision-report") / "yrd.sqlite"
    shutil.copyfile(default_sqlite, copy)
    database = Database(f"sqlite:///{copy}")
    _work(database)
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def reports(db: Database) -> dict[str, Report]:
    from yrd.reports.assessment import build_assessment_report

    with db.read() as session:
        assessment = assess(session, PLAN, PERIOD)
        return {
            lang: build_assessment_report(
                session, PERIOD, lang, PLAN, generated_at=DAY, assessment=assessment
            )
            for lang in ("zh", "en")
        }


def _section(report: Report, section_id: str) -> Section:
    return next(s for s in report.sections if s.id == section_id)


def _table(section: Section, table_id: str) -> Table:
    return next(b for b in section.blocks if isinstance(b, Table) and b.id == table_id)


def _only(report: Report) -> Report:
    """The report with just its supervision sections, for a quick render."""
    sections = [s for s in report.sections if s.id in ("tasks", "projects")]
    return Report(title=report.title, lang=report.lang, meta=report.meta, sections=sections)


def test_sections_follow_the_performance_section(reports: dict[str, Report]) -> None:
    for lang, report in reports.items():
        ids = [s.id for s in report.sections]
        assert ids[-4:] == ["performance", "tasks", "projects", "policies"], lang
    assert _section(reports["en"], "tasks").heading == "Task progress by responsible body"
    assert _section(reports["zh"], "projects").heading == "重大项目"


def test_task_numbers_match_the_library(db: Database, reports: dict[str, Report]) -> None:
    with db.read() as session:
        found = tasks.list_tasks(session, plan_id=PLAN, today=DAY)
        accepted = progress.list_reports(session, ANONYMOUS)
        summary = task_summary(session, plan_id=PLAN, period=PERIOD, today=DAY)
    assert summary.total == len(found) == 93
    # in progress: task 1, and tasks 6 and 7 moved by their accepted reports (whatever their period)
    assert summary.by_status == {
        "not_started": 87,
        "in_progress": 3,
        "delayed": 1,
        "completed": 1,
        "cancelled": 1,
    }
    for status in tasks.TASK_STATUSES:
        assert summary.by_status[status] == sum(1 for t in found if t.status == status)
    assert summary.overdue == sum(t.overdue for t in found)
    assert summary.at_risk == sum(t.at_risk for t in found)
    assert summary.accepted_reports == 1  # 2024Q3 on task 6; not the 2025 one nor the unreviewed one
    assert [r.review for r in accepted] == ["accepted", "accepted", "accepted"]
    assert [r.period for r in accepted if r.task_id and in_period(r, PERIOD)] == ["2024Q3"]
    for lang, report in reports.items():
        table = _table(_section(report, "tasks"), "task-body-table")
        rows = {str(r[0]): r for r in table.rows}
        for code in ("310000", "340000"):
            mine = [t for t in found if code in t.bodies]
            expected = [
                sum(1 for t in mine if t.lead == code),
                sum(1 for t in mine if code in t.partners),
                *(sum(1 for t in mine if t.status == s) for s in tasks.TASK_STATUSES),
                sum(t.overdue for t in mine),
                sum(t.at_risk for t in mine),
                1 if code == "310000" else 0,
            ]
            assert list(rows[body_name(code, lang)][1:]) == expected, (lang, code)
        total = table.rows[-1]
        assert total[3:8] == [summary.by_status[s] for s in tasks.TASK_STATUSES]
        assert total[-3:] == [summary.overdue, summary.at_risk, 1]
        assert len(table.rows) == 1 + len({b for t in found for b in t.bodies})


def test_project_numbers_match_the_library(db: Database, reports: dict[str, Report]) -> None:
    with db.read() as session:
        found = projects.list_projects(session, plan_id=PLAN)
        summary = project_summary(session, plan_id=PLAN, period=PERIOD)
    assert summary.total == len(found) == 154
    assert summary.by_status == {"planned": 152, "preparing": 0, "under_construction": 1, "completed": 1}
    assert summary.accepted_reports == 1
    en = _section(reports["en"], "projects")
    by_type = _table(en, "project-type-table")
    assert by_type.rows[-1] == ["All projects", 152, 0, 1, 1, 154]
    parks = next(r for r in by_type.rows if r[0] == "Park or zone")
    assert parks[-1] == sum(1 for p in found if p.type == "park")
    by_province = {r[0]: r for r in _table(en, "project-province-table").rows}
    for code, name in (("310000", "Shanghai"), ("330000", "Zhejiang")):
        mine = [p for p in found if code in p.provinces]
        assert by_province[name][1:] == [
            *(sum(1 for p in mine if p.status == s) for s in projects.PROJECT_STATUSES),
            len(mine),
        ]
    assert by_province["Not located"][-1] == sum(1 for p in found if not p.provinces)
    zh = _table(_section(reports["zh"], "projects"), "project-type-table")
    assert zh.header[0] == "类型" and zh.rows[-1] == ["全部项目", 152, 0, 1, 1, 154]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sections_render_in_html_and_docx(reports: dict[str, Report], lang: str) -> None:
    report = reports[lang]
    table = _table(_section(report, "tasks"), "task-body-table")
    page = render(_only(report), "html").decode("utf-8")
    for heading in (_section(report, "tasks").heading, _section(report, "projects").heading):
        assert heading in page
    rows = html_rows(page, "task-body-table")
    assert rows[0] == [str(c) for c in table.rows[0]]
    assert len(rows) == len(table.rows)
    assert "project-province-table" in page
    document = Document(io.BytesIO(render(_only(report), "docx")))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert any(_section(report, "tasks").heading in h for h in headings)
    found = next(t for t in document.tables if t.rows[0].cells[0].text == table.header[0])
    assert [c.text for c in found.rows[1].cells] == [str(c) for c in table.rows[0]]
    assert len(found.rows) == 1 + len(table.rows)
    words = " ".join(p.text for p in document.paragraphs)
    assert ("93项任务" if lang == "zh" else "93 tasks of the plan") in words
