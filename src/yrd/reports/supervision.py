"""The assessment report's supervision sections: task progress by responsible body, and the major
projects by status, type and province.

The numbers come from the supervision library as anyone may read them: tasks and projects from
`yrd.supervise.tasks.list_tasks` and `yrd.supervise.projects.list_projects`, progress reports from
`yrd.supervise.progress.list_reports` seen by the anonymous visitor, so only accepted (published)
reports count. The counting (`task_summary`, `project_summary`) is kept apart from the wording
(`task_section`, `project_section`) so tests can check the one against the library and the other
in both languages.

Choices (stated in the sections too):

- A task counts for every body that leads it or is its partner, so the body rows do not add up to
  the total; the last row counts each task once.
- "Overdue" and "at risk" are those of `yrd.supervise.tasks`, on the day the report is generated.
- An accepted report counts for the period when its own period (a year, half, quarter or month) lies
  in the report's year, and for the body it was filed for (else the task's lead).
- A project counts for every province its places lie in; projects with no known place are counted
  apart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from yrd.regions.gazetteer import load_gazetteer
from yrd.reports.assessment import texts, tr
from yrd.reports.labels import format_day
from yrd.reports.model import Block, Note, Paragraph, Section, Table
from yrd.supervise.bodies import body_name
from yrd.supervise.lists import body_names
from yrd.supervise.progress import Report as ProgressReport
from yrd.supervise.progress import list_reports
from yrd.supervise.projects import PROJECT_STATUSES, list_projects
from yrd.supervise.roles import ANONYMOUS
from yrd.supervise.tasks import TASK_STATUSES, list_tasks

PROVINCES: tuple[str, ...] = ("310000", "320000", "330000", "340000")


# ------------------------------------------------------------------------------------------ counting


@dataclass(frozen=True)
class BodyTasks:
    """One body's share of the tasks: what it leads or partners, and how that work stands."""

    body: str
    led: int
    partnered: int
    by_status: dict[str, int]
    overdue: int
    at_risk: int
    accepted_reports: int


@dataclass(frozen=True)
class TaskSummary:
    """The plan's tasks on ``today``: totals, and one `BodyTasks` per body named on any task."""

    today: date
    period: int
    total: int
    with_lead: int
    with_partners: int
    unassigned: int
    by_status: dict[str, int]
    overdue: int
    at_risk: int
    accepted_reports: int
    bodies: list[BodyTasks] = field(default_factory=list)


@dataclass(frozen=True)
class ProjectSummary:
    """The project register: counts by status, by type and status, and by province and status."""

    period: int
    total: int
    by_status: dict[str, int]
    by_type: dict[str, dict[str, int]]
    by_province: dict[str, dict[str, int]]
    unlocated: dict[str, int]
    accepted_reports: int


def in_period(report: ProgressReport, period: int) -> bool:
    """Whether a report's period (2026, 2026-H1, 2026Q3, 2026-10) lies in the year ``period``."""
    return report.period[:4] == str(period)


def _body_order(code: str) -> tuple[int, str]:
    """The provinces first, then the other regions by code, then the bodies that are not regions."""
    if code in PROVINCES:
        return (0, code)
    return (1, code) if load_gazetteer().get(code) is not None else (2, code)


def _statuses(values: Iterable[str], statuses: Iterable[str]) -> dict[str, int]:
    found = Counter(values)
    return {s: found.get(s, 0) for s in statuses}


def task_summary(session: Session, *, plan_id: str, period: int, today: date) -> TaskSummary:
    """Count the plan's tasks (superseded ones left out) and the accepted task reports of ``period``."""
    tasks = list_tasks(session, plan_id=plan_id, today=today)
    by_id = {t.id: t for t in tasks}
    reports = [
        r
        for r in list_reports(session, ANONYMOUS)
        if r.task_id in by_id and r.review == "accepted" and in_period(r, period)
    ]
    reported = Counter(r.body or by_id[r.task_id].lead for r in reports if r.task_id is not None)
    codes = sorted({b for t in tasks for b in t.bodies}, key=_body_order)
    bodies = []
    for code in codes:
        mine = [t for t in tasks if code in t.bodies]
        bodies.append(
            BodyTasks(
                body=code,
                led=sum(1 for t in mine if t.lead == code),
                partnered=sum(1 for t in mine if code in t.partners),
                by_status=_statuses((t.status for t in mine), TASK_STATUSES),
                overdue=sum(1 for t in mine if t.overdue),
                at_risk=sum(1 for t in mine if t.at_risk),
                accepted_reports=reported.get(code, 0),
            )
        )
    return TaskSummary(
        today=today,
        period=period,
        total=len(tasks),
        with_lead=sum(1 for t in tasks if t.lead),
        with_partners=sum(1 for t in tasks if t.partners),
        unassigned=sum(1 for t in tasks if not t.bodies),
        by_status=_statuses((t.status for t in tasks), TASK_STATUSES),
        overdue=sum(1 for t in tasks if t.overdue),
        at_risk=sum(1 for t in tasks if t.at_risk),
        accepted_reports=len(reports),
        bodies=bodies,
    )


def project_summary(session: Session, *, plan_id: str, period: int) -> ProjectSummary:
    """Count the plan's projects by status, type and province, and their accepted reports of ``period``."""
    projects = list_projects(session, plan_id=plan_id)
    ids = {p.id for p in projects}
    reports = [
        r
        for r in list_reports(session, ANONYMOUS)
        if r.project_id in ids and r.review == "accepted" and in_period(r, period)
    ]
    types = sorted({p.type for p in projects}, key=lambda t: (t == "other", t))
    provinces = sorted({c for p in projects for c in p.provinces}, key=_body_order)
    return ProjectSummary(
        period=period,
        total=len(projects),
        by_status=_statuses((p.status for p in projects), PROJECT_STATUSES),
        by_type={t: _statuses((p.status for p in projects if p.type == t), PROJECT_STATUSES) for t in types},
        by_province={
            c: _statuses((p.status for p in projects if c in p.provinces), PROJECT_STATUSES)
            for c in provinces
        },
        unlocated=_statuses((p.status for p in projects if not p.provinces), PROJECT_STATUSES),
        accepted_reports=len(reports),
    )


# ------------------------------------------------------------------------------------------- wording


def _name(code: str, lang: str) -> str:
    """A body's name: the supervision lists' names (English ones for the bodies that are not regions)."""
    return body_names(lang).get(code) or body_name(code, lang)


def _counts(by_status: dict[str, int], prefix: str, lang: str) -> str:
    items = [tr("count_item", lang, status=tr(f"{prefix}{s}", lang), n=n) for s, n in by_status.items() if n]
    return tr("clause_sep", lang).join(items) or tr("none", lang)


def _source(lang: str, today: date) -> str:
    return tr("source_supervision", lang, date=format_day(today, lang))


def task_section(summary: TaskSummary, lang: str) -> Section:
    """ "Task progress by responsible body": a paragraph of totals, the table, and how to read it."""
    heading = tr("tasks", lang)
    day = format_day(summary.today, lang)
    if not summary.total:
        return Section(heading, "tasks", 1, [Paragraph(tr("tasks_none", lang, date=day))])
    blocks: list[Block] = [
        Paragraph(
            tr(
                "tasks_intro",
                lang,
                total=summary.total,
                date=day,
                counts=_counts(summary.by_status, "task_status_", lang),
                overdue=summary.overdue,
                at_risk=summary.at_risk,
                unassigned=summary.unassigned,
                reports=summary.accepted_reports,
                period=summary.period,
            )
        )
    ]
    header = [
        tr("col_body", lang),
        tr("col_led", lang),
        tr("col_partnered", lang),
        *(tr(f"task_status_{s}", lang) for s in TASK_STATUSES),
        tr("col_overdue", lang),
        tr("col_at_risk", lang),
        tr("col_reports", lang, period=summary.period),
    ]
    rows: list[list[str | int | None]] = [
        [
            _name(b.body, lang),
            b.led,
            b.partnered,
            *(b.by_status[s] for s in TASK_STATUSES),
            b.overdue,
            b.at_risk,
            b.accepted_reports,
        ]
        for b in summary.bodies
    ]
    rows.append(
        [
            tr("row_all_tasks", lang),
            summary.with_lead,
            summary.with_partners,
            *(summary.by_status[s] for s in TASK_STATUSES),
            summary.overdue,
            summary.at_risk,
            summary.accepted_reports,
        ]
    )
    blocks += [
        Table(
            header,
            rows,
            caption=tr("tasks_caption", lang, date=day),
            id="task-body-table",
            align=["left", *["right"] * (len(header) - 1)],
            source=_source(lang, summary.today),
        ),
        Note(tr("tasks_note", lang)),
    ]
    return Section(heading, "tasks", 1, blocks)


def _status_rows(groups: dict[str, dict[str, int]], label: dict[str, str]) -> list[list[str | int | None]]:
    return [[label[k], *(c[s] for s in PROJECT_STATUSES), sum(c.values())] for k, c in groups.items()]


def project_section(summary: ProjectSummary, lang: str, today: date) -> Section:
    """ "Major projects": a paragraph of totals, then the projects by type and by province."""
    heading = tr("projects", lang)
    if not summary.total:
        return Section(heading, "projects", 1, [Paragraph(tr("projects_none", lang))])
    status_header = [tr(f"project_status_{s}", lang) for s in PROJECT_STATUSES]
    total = tr("col_total", lang)
    align = ["left", *["right"] * (len(PROJECT_STATUSES) + 1)]
    types = {
        t: tr(f"project_type_{t}", lang) if f"project_type_{t}" in texts() else t for t in summary.by_type
    }
    by_type = _status_rows(summary.by_type, types)
    by_type.append([tr("row_all_projects", lang), *(summary.by_status.values()), summary.total])
    by_province = _status_rows(summary.by_province, {c: _name(c, lang) for c in summary.by_province})
    if any(summary.unlocated.values()):
        by_province.append(
            [tr("row_unlocated", lang), *summary.unlocated.values(), sum(summary.unlocated.values())]
        )
    source = _source(lang, today)
    blocks: list[Block] = [
        Paragraph(
            tr(
                "projects_intro",
                lang,
                total=summary.total,
                counts=_counts(summary.by_status, "project_status_", lang),
                reports=summary.accepted_reports,
                period=summary.period,
            )
        ),
        Table(
            [tr("col_project_type", lang), *status_header, total],
            by_type,
            caption=tr("projects_type_caption", lang),
            id="project-type-table",
            align=align,
            source=source,
        ),
        Table(
            [tr("col_province", lang), *status_header, total],
            by_province,
            caption=tr("projects_province_caption", lang),
            id="project-province-table",
            align=align,
            source=source,
        ),
        Note(tr("projects_note", lang)),
    ]
    return Section(heading, "projects", 1, blocks)


def supervision_sections(
    session: Session, *, plan_id: str, period: int, lang: str, today: date
) -> list[Section]:
    """The two sections, in ``lang``, of the plan's tasks and projects as they stand on ``today``."""
    tasks = task_summary(session, plan_id=plan_id, period=period, today=today)
    projects = project_summary(session, plan_id=plan_id, period=period)
    return [task_section(tasks, lang), project_section(projects, lang, today)]
