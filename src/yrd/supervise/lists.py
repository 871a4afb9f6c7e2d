"""The supervisor's lists: overdue tasks, tasks at risk, what one body owes in a quarter, and an Excel
export of a task list.

"Overdue" and "at risk" are defined in `yrd.supervise.tasks`. A quarter is written ``2026Q4``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy.orm import Session

from yrd.errors import InputError
from yrd.extract.actors import actor_names
from yrd.regions.gazetteer import load_gazetteer
from yrd.supervise.bodies import check_body, known_bodies
from yrd.supervise.progress import Report, list_reports
from yrd.supervise.roles import ANONYMOUS, Principal
from yrd.supervise.tasks import SUPERSEDED, Task, list_tasks

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
EXPORT_LANGS = ("zh", "en")

# English names of the bodies that are not regions (as the web app's catalogue has them).
_BODIES_EN = {
    "leading_group_office": "Office of the leading group",
    "leading_group": "Leading group for the integrated development of the Yangtze River Delta",
    "ndrc": "National Development and Reform Commission",
    "relevant_departments": "Relevant departments",
    "central_government": "CPC Central Committee and State Council",
    "local_governments": "Local Party committees and governments",
    "regional_cooperation_office": "Yangtze River Delta regional cooperation office",
}
_HEADERS = {
    "zh": ("编号", "章", "任务", "牵头单位", "参与单位", "完成时限", "状态", "逾期", "有风险", "最近报告期"),
    "en": ("ID", "Chapter", "Task", "Lead", "Partners", "Deadline", "Status", "Overdue", "At risk",
           "Last report period"),
}  # fmt: skip
_WIDTHS = (8, 10, 48, 22, 48, 12, 12, 8, 8, 14)
_STATUS = {
    "zh": {"not_started": "未开始", "in_progress": "进行中", "delayed": "滞后", "completed": "已完成",
           "cancelled": "已取消", SUPERSEDED: "已被替代"},
    "en": {"not_started": "Not started", "in_progress": "In progress", "delayed": "Delayed",
           "completed": "Completed", "cancelled": "Cancelled", SUPERSEDED: "Superseded"},
}  # fmt: skip
_YES_NO = {"zh": ("是", "否"), "en": ("yes", "no")}
_ABOUT = {
    "zh": ("任务清单", "生成时间", "筛选条件", "无", "任务数", "来源"),
    "en": ("Task list", "Generated", "Filter", "none", "Tasks", "Source"),
}
_SOURCE = "YRD Integration Monitor · 长三角一体化监测评估系统"


def quarter_of(day: date) -> str:
    """The quarter a day falls in: ``2026Q4`` for 2026-11-22."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def quarter_bounds(quarter: str) -> tuple[date, date]:
    """The first and last day of a quarter.

    Raises:
        InputError: not written like 2026Q4.
    """
    match = _QUARTER.match(quarter.strip()) if isinstance(quarter, str) else None
    if not match:
        raise InputError(f"quarter {quarter!r} must be written like 2026Q4")
    year, q = int(match.group(1)), int(match.group(2))
    first = date(year, 3 * q - 2, 1)
    last = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
    return first, date.fromordinal(last.toordinal() - 1)


def overdue(
    session: Session, today: date | None = None, body: str | None = None, plan_id: str | None = None
) -> list[Task]:
    """Open tasks past their deadline (of one body if given), earliest deadline first."""
    tasks = list_tasks(session, plan_id=plan_id, body=body, overdue=True, today=today)
    return sorted(tasks, key=lambda t: (t.deadline or "", t.id))


def at_risk(
    session: Session, today: date | None = None, body: str | None = None, plan_id: str | None = None
) -> list[Task]:
    """Open tasks at risk (see `yrd.supervise.tasks`), of one body if given, earliest deadline first."""
    tasks = list_tasks(session, plan_id=plan_id, body=body, at_risk=True, today=today)
    return sorted(tasks, key=lambda t: (t.deadline or "9999", t.id))


@dataclass(frozen=True)
class BodyView:
    """What one body owes in a quarter."""

    body: str
    name: str
    quarter: str
    start: date
    end: date
    due: tuple[Task, ...]  # open, with the deadline or an unfinished milestone in the quarter
    overdue: tuple[Task, ...]  # open and past the deadline (on ``today``)
    awaiting_review: tuple[Report, ...]  # reports filed for the body, not yet reviewed
    returned: tuple[Report, ...]  # reports returned to the body for changes


def _due_in(task: Task, first: str, last: str) -> bool:
    if task.deadline and first <= task.deadline <= last:
        return True
    return any(not m.done and first <= m.date <= last for m in task.milestones)


def body_view(
    session: Session,
    body: str,
    *,
    quarter: str | None = None,
    today: date | None = None,
    viewer: Principal = ANONYMOUS,
) -> BodyView:
    """The open tasks of a body (lead or partner) due in a quarter (default: today's), its overdue
    tasks, and its reports awaiting review or returned.

    Reports not yet accepted are shown only to those who may see them (`yrd.supervise.progress`):
    pass the ``viewer``; the anonymous default sees none.

    Raises:
        InputError: an unknown body or a badly written quarter.
    """
    today = today or date.today()
    code = check_body(body, "body")
    quarter = quarter or quarter_of(today)
    start, end = quarter_bounds(quarter)
    tasks = list_tasks(session, body=code, status=("not_started", "in_progress", "delayed"), today=today)
    first, last = start.isoformat(), end.isoformat()
    due = tuple(sorted((t for t in tasks if _due_in(t, first, last)), key=lambda t: (t.deadline or "", t.id)))
    late = tuple(sorted((t for t in tasks if t.overdue), key=lambda t: (t.deadline or "", t.id)))
    reports = list_reports(session, viewer, body=code)
    return BodyView(
        body=code,
        name=known_bodies().get(code, code),
        quarter=quarter,
        start=start,
        end=end,
        due=due,
        overdue=late,
        awaiting_review=tuple(r for r in reports if r.review == "submitted"),
        returned=tuple(r for r in reports if r.review == "returned"),
    )


def body_names(lang: str) -> dict[str, str]:
    """Every body's name in ``lang``: regions from the gazetteer, other bodies from the actors' list."""
    names = {r.code: (r.name_zh if lang == "zh" else r.name_en) for r in load_gazetteer().regions}
    if lang == "zh":
        names.update(actor_names())
    else:
        names.update(_BODIES_EN)
    return names


def write_cell(sheet: Any, row: int, column: int, value: Any) -> None:
    if isinstance(value, str):  # a worksheet cannot hold control characters (a typed filter may have any)
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text that looks like a formula stays text


def export_xlsx(
    tasks: Sequence[Task],
    lang: str = "zh",
    *,
    filters: Mapping[str, Any] | None = None,
    names: Mapping[str, str] | None = None,
    generated: datetime | None = None,
) -> bytes:
    """A task list as an Excel workbook: one row per task under a frozen, filterable header in
    ``lang``, and an "About" sheet with the generation time and the filter that chose the tasks.

    Raises:
        InputError: a language other than zh or en.
    """
    import openpyxl  # imported here: only exports pay for it
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    if lang not in EXPORT_LANGS:
        raise InputError(f"export language must be one of {', '.join(EXPORT_LANGS)}, not {lang!r}")
    names = body_names(lang) if names is None else names
    yes, no = _YES_NO[lang]
    sep = "、" if lang == "zh" else "; "
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "任务" if lang == "zh" else "Tasks"
    for column, header in enumerate(_HEADERS[lang], 1):
        sheet.cell(row=1, column=column, value=header).font = Font(bold=True)
    for i, t in enumerate(tasks, 2):
        values = (
            t.id,
            t.chapter,
            t.title,
            names.get(t.lead, t.lead) if t.lead else "",
            sep.join(names.get(p, p) for p in t.partners),
            t.deadline or "",
            _STATUS[lang].get(t.status, t.status),
            yes if t.overdue else no,
            yes if t.at_risk else no,
            t.last_period or "",
        )
        for column, value in enumerate(values, 1):
            write_cell(sheet, i, column, value)
    for column, width in enumerate(_WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(_HEADERS[lang]))}{len(tasks) + 1}"

    title, when, filt, none, count, source = _ABOUT[lang]
    about = book.create_sheet("About")
    stamp = (generated or datetime.now(UTC)).astimezone(UTC)
    shown = [f"{k}={v}" for k, v in (filters or {}).items() if v not in (None, "", False)]
    rows = [(title, ""), (when, stamp.strftime("%Y-%m-%d %H:%M UTC")), (filt, "; ".join(shown) or none),
            (count, len(tasks)), (source, _SOURCE)]  # fmt: skip
    for r, (key, value) in enumerate(rows, 1):
        write_cell(about, r, 1, key)
        write_cell(about, r, 2, value)
    about.column_dimensions["A"].width = 16
    about.column_dimensions["B"].width = 60
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
