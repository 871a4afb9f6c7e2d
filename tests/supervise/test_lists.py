"""The supervisor's lists: quarters, overdue and at-risk tasks on a fixed day, what one body owes in a
quarter, and the Excel export. All tasks, users and reports are SYNTHETIC."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime

import openpyxl
import pytest

from tests.supervise.test_tasks import add_task, add_user
from yrd.db import Database
from yrd.errors import InputError
from yrd.supervise.lists import at_risk, body_view, export_xlsx, overdue, quarter_bounds, quarter_of
from yrd.supervise.progress import file_report, review_report
from yrd.supervise.tasks import Milestone, Task

TODAY = date(2026, 11, 22)


def test_quarters() -> None:
    assert [quarter_of(date(2026, m, 1)) for m in (1, 3, 4, 6, 7, 9, 10, 12)] == [
        "2026Q1",
        "2026Q1",
        "2026Q2",
        "2026Q2",
        "2026Q3",
        "2026Q3",
        "2026Q4",
        "2026Q4",
    ]
    assert quarter_bounds("2026Q1") == (date(2026, 1, 1), date(2026, 3, 31))
    assert quarter_bounds("2024Q1") == (date(2024, 1, 1), date(2024, 3, 31))
    assert quarter_bounds("2026Q4") == (date(2026, 10, 1), date(2026, 12, 31))
    for bad in ("2026Q5", "2026-Q1", "Q1", ""):
        with pytest.raises(InputError, match="must be written like 2026Q4"):
            quarter_bounds(bad)


def test_overdue_and_at_risk_lists(db: Database) -> None:
    late = add_task(db, "SYNTHETIC late", lead="340000", deadline="2026-11-01", status="in_progress")
    later = add_task(db, "SYNTHETIC later", partners=["340000"], deadline="2026-06-30", status="delayed")
    soon = add_task(db, "SYNTHETIC soon", lead="320000", deadline="2027-01-31")
    milestone = {"date": "2026-11-01", "label": "SYNTHETIC", "done": False}
    slipping = add_task(db, "SYNTHETIC slipping", lead="320000", milestones=[milestone], status="in_progress")
    add_task(db, "SYNTHETIC done", lead="340000", deadline="2020-01-01", status="completed")
    add_task(db, "SYNTHETIC far", lead="340000", deadline="2030-12-31")
    with db.read() as s:
        assert [t.id for t in overdue(s, today=TODAY)] == [later, late]
        assert [t.id for t in overdue(s, today=TODAY, body="340000")] == [later, late]
        assert [t.id for t in overdue(s, today=TODAY, body="320000")] == []
        assert [t.id for t in overdue(s, today=date(2026, 6, 1))] == []
        assert [t.id for t in at_risk(s, today=TODAY)] == [later, soon, slipping]
        assert [t.id for t in at_risk(s, today=TODAY, body="320000")] == [soon, slipping]


def test_body_view(db: Database) -> None:
    wan = add_user(db, "wan", "reporter", ["340000"])
    cora = add_user(db, "cora", "coordinator")
    by_deadline = add_task(db, "SYNTHETIC due", lead="340000", deadline="2026-12-15")
    in_q = {"date": "2026-10-15", "label": "SYNTHETIC", "done": False}
    by_milestone = add_task(
        db, "SYNTHETIC milestone", partners=["340000"], deadline="2027-12-31", milestones=[in_q]
    )
    done_milestone = {**in_q, "done": True}
    add_task(db, "SYNTHETIC finished step", lead="340000", deadline="2027-12-31", milestones=[done_milestone])
    add_task(db, "SYNTHETIC completed", lead="340000", deadline="2026-12-15", status="completed")
    add_task(db, "SYNTHETIC other body", lead="320000", deadline="2026-12-15")
    late = add_task(db, "SYNTHETIC late", lead="340000", deadline="2026-03-31", status="in_progress")
    waiting = file_report(db, wan, task_id=by_deadline, period="2026Q4", status="in_progress", narrative="x")
    sent_back = file_report(db, wan, task_id=late, period="2026Q3", status="delayed", narrative="y")
    review_report(db, cora, sent_back.id, decision="return", comment="SYNTHETIC: why?", version=1)
    with db.read() as s:
        view = body_view(s, "340000", today=TODAY, viewer=wan)
        assert (view.body, view.name, view.quarter) == ("340000", "安徽省", "2026Q4")
        assert (view.start, view.end) == (date(2026, 10, 1), date(2026, 12, 31))
        assert [t.id for t in view.due] == [by_deadline, by_milestone]
        assert [t.id for t in view.overdue] == [late]
        assert [r.id for r in view.awaiting_review] == [waiting.id]
        assert [r.id for r in view.returned] == [sent_back.id]
        q3 = body_view(s, "340000", quarter="2026Q1", today=TODAY, viewer=cora)
        assert [t.id for t in q3.due] == [late] and len(q3.awaiting_review) == 1
        public = body_view(s, "340000", today=TODAY)  # anonymous: no unreviewed reports
        assert public.awaiting_review == () and public.returned == () and len(public.due) == 2
        with pytest.raises(InputError, match="body: 'atlantis' is not a responsible body"):
            body_view(s, "atlantis")
        with pytest.raises(InputError, match="quarter '2026-4' must be written like 2026Q4"):
            body_view(s, "340000", quarter="2026-4")


def _task(i: int, **kw: object) -> Task:
    base = Task(
        id=i,
        plan_id="synthetic",
        eid=f"chp_{i}__para_1",
        source_id=None,
        title=f"SYNTHETIC {i}",
        text="",
        chapter=f"chp_{i}",
        lead="340000",
        partners=("310000", "ndrc"),
        deadline="2026-12-31",
        milestones=(Milestone("2026-06-01", "m"),),
        status="in_progress",
        parent_id=None,
        merged_into=None,
        note="",
        version=1,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        updated_at=datetime(2026, 1, 1, tzinfo=UTC),
        overdue=False,
        at_risk=True,
        last_period="2026Q3",
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def _open(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_export_xlsx() -> None:
    tasks = [
        _task(1),
        _task(
            2,
            lead=None,
            partners=(),
            deadline=None,
            status="delayed",
            overdue=True,
            last_period=None,
            title='=HYPERLINK("http://evil")',
        ),
    ]
    when = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
    book = _open(export_xlsx(tasks, "zh", filters={"body": "340000", "overdue": None}, generated=when))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "编号",
        "章",
        "任务",
        "牵头单位",
        "参与单位",
        "完成时限",
        "状态",
        "逾期",
        "有风险",
        "最近报告期",
    )
    assert rows[1] == (
        1,
        "chp_1",
        "SYNTHETIC 1",
        "安徽省",
        "上海市、国家发展改革委",
        "2026-12-31",
        "进行中",
        "否",
        "是",
        "2026Q3",
    )
    assert rows[2][3:] == (None, None, None, "滞后", "是", "是", None)
    assert rows[2][2] == '=HYPERLINK("http://evil")' and sheet["C3"].data_type == "s"  # text, not a formula
    assert len(rows) == 3
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:J3"
    assert sheet.column_dimensions["C"].width == 48
    about = {r[0]: r[1] for r in book["About"].iter_rows(values_only=True)}
    assert (
        about["生成时间"] == "2026-11-22 10:00 UTC"
        and about["筛选条件"] == "body=340000"
        and about["任务数"] == 2
    )

    book = _open(export_xlsx(tasks, "en"))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:4] == ("ID", "Chapter", "Task", "Lead") and rows[0][-1] == "Last report period"
    assert rows[1][3:9] == (
        "Anhui",
        "Shanghai; National Development and Reform Commission",
        "2026-12-31",
        "In progress",
        "no",
        "yes",
    )
    assert {r[0]: r[1] for r in book["About"].iter_rows(values_only=True)}["Filter"] == "none"
    assert len(list(_open(export_xlsx([], "en")).worksheets[0].iter_rows())) == 1
    with pytest.raises(InputError, match="export language must be one of zh, en"):
        export_xlsx(tasks, "fr")


def test_export_real_task_list(db: Database) -> None:
    add_task(db, "SYNTHETIC a", lead="340000", deadline="2026-01-01", status="in_progress")
    add_task(db, "SYNTHETIC b", partners=["330100"])
    with db.read() as s:
        tasks = overdue(s, today=TODAY)
    rows = list(_open(export_xlsx(tasks, "en")).worksheets[0].iter_rows(values_only=True))
    assert [r[2] for r in rows[1:]] == ["SYNTHETIC a"] and rows[1][7] == "yes"
