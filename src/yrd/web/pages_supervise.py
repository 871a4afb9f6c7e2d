"""Pages of supervision: the task board (with the coordinator's merge), a task with its moves, assignment,
milestones, split, reports and history, the report form, a report's review and its author's edit, the
project register with its map, a body's quarter, the overdue list.

Every check of who may do what is the library's (`yrd.supervise`); the pages only hide the buttons and
forms it would refuse. Forms post with the page's CSRF token; a refused post shows the same page again
with the library's message and what was typed (a stale version: "changed by … since you opened it").
Every user-typed string reaches the templates as plain text and is escaped there. Each page links its
JSON twin (`yrd.web.urls_tasks`).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from yrd.db import Database
from yrd.documents.citation import cite
from yrd.errors import ConflictError, ForbiddenError, InputError, NotFoundError, YrdError
from yrd.supervise import lists, progress, projects, tasks
from yrd.supervise.bodies import body_name, known_bodies
from yrd.supervise.records import UNSET
from yrd.supervise.roles import Principal
from yrd.web import urls, urls_regions, urls_tasks
from yrd.web.api_supervise import MAX_ID, QUARTER, read_uploads
from yrd.web.auth import requires, viewer
from yrd.web.deps import DatabaseDep, SessionDep
from yrd.web.pages import N_, ui_lang
from yrd.web.pages import render as render_page
from yrd.web.pages_comments import comment_context, comment_notice

router = APIRouter(include_in_schema=False)

TaskId = Annotated[int, Path(ge=1, le=MAX_ID)]
ProjectId = Annotated[int, Path(ge=1, le=MAX_ID)]
ReportId = Annotated[int, Path(ge=1, le=MAX_ID)]

STATUS_NAMES = {
    "not_started": N_("Not started"),
    "in_progress": N_("In progress"),
    "delayed": N_("Delayed"),
    "completed": N_("Completed"),
    "cancelled": N_("Cancelled"),
    "superseded": N_("Superseded"),
    "planned": N_("Planned"),
    "preparing": N_("Preparing"),
    "under_construction": N_("Under construction"),
}
NEW_MILESTONE_ROWS = 2  # empty rows under a task's milestones, to add new ones
MAX_SPLIT_TEXT = 20 * (tasks.MAX_TITLE + 2)  # the split form's lines, all titles together
MAX_MERGE = 50  # as many tasks as the API merges at once
MAX_BOARD_ROWS = 5000  # hidden version inputs the board may send
EDITABLE_REVIEWS = ("submitted", "returned")  # the author may still change the report
REVIEW_NAMES = {"submitted": N_("Awaiting review"), "accepted": N_("Accepted"), "returned": N_("Returned")}
# The HTTP status of a refused form post (the page is shown again with the message).
FORM_STATUS: dict[type[YrdError], int] = {
    ConflictError: 409,
    NotFoundError: 404,
    ForbiddenError: 403,
    InputError: 400,
}
FORM_ERRORS = (ConflictError, NotFoundError, ForbiddenError, InputError)


def render(request: Request, template: str, context: dict[str, Any], **options: Any) -> HTMLResponse:
    """`pages.render` with the supervision URL builders in the context."""
    return render_page(request, template, {"urls_tasks": urls_tasks, **context}, **options)


def form_status(exc: YrdError) -> int:
    return next((code for cls, code in FORM_STATUS.items() if isinstance(exc, cls)), 400)


def _flash(request: Request, known: tuple[str, ...]) -> str | None:
    """What ``?done=`` says, if it is one of the known words (nothing from the query is echoed)."""
    done = request.query_params.get("done", "")
    return done if done in known else None


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _names(codes: Any, ui: str) -> list[dict[str, str]]:
    return [{"code": c, "name": body_name(c, ui), "href": urls_tasks.body_page(c)} for c in codes if c]


def chapter_label(chapter: str, ui: str) -> str:
    """ "第三章" / "Chapter III" for ``chp_3`` (as the plan writes it)."""
    return cite(chapter, ui, "").lstrip("《》, ") or chapter


def task_card(t: tasks.Task, ui: str) -> dict[str, Any]:
    """A task as the board and lists show it."""
    return {
        "id": t.id,
        "title": t.title,
        "chapter": t.chapter,
        "chapter_label": chapter_label(t.chapter, ui),
        "lead": _names([t.lead], ui),
        "partners": _names(t.partners, ui),
        "deadline": t.deadline or "",
        "status": t.status,
        "status_name": STATUS_NAMES.get(t.status, t.status),
        "overdue": t.overdue,
        "at_risk": t.at_risk,
        "open": t.status in tasks.OPEN_STATUSES,
        "version": t.version,
        "href": urls_tasks.task_page(t.id),
    }


def report_card(r: progress.Report, ui: str) -> dict[str, Any]:
    """A report as lists and its own page show it (texts as typed: escaped in the template)."""
    return {
        "id": r.id,
        "period": r.period,
        "status": r.status,
        "status_name": STATUS_NAMES.get(r.status, r.status),
        "narrative_lines": r.narrative.split("\n"),
        "lang": r.lang,
        "links": list(r.links),
        "indicators": list(r.indicators),
        "body": _names([r.body], ui),
        "author": r.author,
        "review": r.review,
        "review_name": REVIEW_NAMES.get(r.review, r.review),
        "review_comment": r.review_comment,
        "version": r.version,
        "created": f"{r.created_at:%Y-%m-%d %H:%M}",
        "files": [
            {
                "id": f.id,
                "name": f.name,
                "type": f.content_type,
                "size": f.size,
                "href": urls_tasks.evidence(f.id),
            }
            for f in r.files
        ],
        "href": urls_tasks.report_page(r.id),
        "subject_href": urls_tasks.task_page(r.task_id)
        if r.task_id is not None
        else urls_tasks.project_page(r.project_id or 0),
        "subject": f"#{r.task_id}" if r.task_id is not None else f"P{r.project_id}",
        "task_id": r.task_id,
    }


def _body_choices(ui: str) -> list[dict[str, str]]:
    return [{"code": c, "name": body_name(c, ui)} for c in sorted(known_bodies())]


# ---------------------------------------------------------------------------------------------- board


@router.get("/tasks", response_class=HTMLResponse)
def tasks_board(
    request: Request,
    session: SessionDep,
    chapter: Annotated[str, Query(max_length=32)] = "",
    body: Annotated[str, Query(max_length=64)] = "",
    status: Annotated[str, Query(max_length=32)] = "",
    overdue: bool = False,
    at_risk: bool = False,
    q: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    """Every task, filterable; a table with its bodies, deadline, status and risk markers."""
    filters = {
        "chapter": chapter,
        "body": body,
        "status": status,
        "overdue": overdue,
        "at_risk": at_risk,
        "q": q,
    }
    return _board(request, session, filters)


def _board(
    request: Request,
    session: Session,
    filters: dict[str, Any],
    *,
    merge_error: str | None = None,
    merge_draft: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The board; shown again by a refused merge with the message, the title typed and the rows ticked."""
    ui = ui_lang(request)
    status = filters["status"] if filters["status"] in (*tasks.TASK_STATUSES, tasks.SUPERSEDED) else ""
    filters = {**filters, "status": status}
    found = tasks.list_tasks(session, chapter=filters["chapter"] or None, body=filters["body"] or None,
                             status=status or None, overdue=True if filters["overdue"] else None,
                             at_risk=True if filters["at_risk"] else None,
                             q=filters["q"] or None)  # fmt: skip
    every = tasks.list_tasks(session)
    context = {
        "filters": filters,
        "tasks": [task_card(t, ui) for t in found],
        "chapters": [
            (c, chapter_label(c, ui)) for c in sorted({t.chapter for t in every}, key=lambda c: (len(c), c))
        ],
        "bodies": _names(sorted({b for t in every for b in t.bodies}), ui),
        "statuses": [(s, STATUS_NAMES[s]) for s in (*tasks.TASK_STATUSES, tasks.SUPERSEDED)],
        "xlsx_href": urls_tasks.tasks_xlsx(**filters, lang=ui),
        "counts": {s: sum(1 for t in found if t.status == s) for s in tasks.TASK_STATUSES},
        "may_merge": viewer(request).can("task:manage"),
        "merge_action": urls_tasks.tasks_merge_action(),
        "merge_error": merge_error,
        "merge_draft": merge_draft or {"title": "", "task_ids": []},
    }
    return render(
        request, "tasks_board.html", context, status=status_code, json_href=urls_tasks.api_tasks(**filters)
    )


# ----------------------------------------------------------------------------------------------- task


def _task_page(
    request: Request,
    session: Session,
    task_id: int,
    *,
    error: str | None = None,
    status: int = 200,
    draft: dict[str, Any] | None = None,
    stale: bool = False,
    milestone_rows: list[dict[str, Any]] | None = None,
    split_text: str = "",
) -> HTMLResponse:
    ui = ui_lang(request)
    me = viewer(request)
    task = tasks.get_task(session, task_id)
    if milestone_rows is None:  # the stored ones, then room to add two more
        milestone_rows = [{"date": m.date, "label": m.label, "done": m.done} for m in task.milestones]
        milestone_rows += [{"date": "", "label": "", "done": False}] * NEW_MILESTONE_ROWS
    may_progress = me.can("task:progress") and me.can_act_for(task.bodies)
    moves = [
        {"status": s, "name": STATUS_NAMES[s]}
        for s in tasks.allowed_moves(task.status)
        if me.can(tasks.MOVES[(task.status, s)])
        and (tasks.MOVES[(task.status, s)] != "task:progress" or may_progress)
    ]
    history = (
        tasks.task_history(session, task_id, 200) if me.can("audit:read") or me.can("report:review") else None
    )
    reports = progress.list_reports(session, me, task_id=task_id)
    context = {
        "task": task,
        "card": task_card(task, ui),
        "unit_href": urls.permalink(task.plan_id, task.eid),
        "citation": cite(task.eid, ui, "").lstrip("《》, ") or task.eid,
        "note_lines": task.note.split("\n") if task.note else [],
        "text_lines": task.text.split("\n") if task.text else [],
        "moves": moves,
        "may_manage": me.can("task:manage") and not task.superseded,
        "may_split": me.can("task:manage") and task.status in tasks.OPEN_STATUSES,
        "milestone_rows": milestone_rows,
        "split_text": split_text,
        "may_report": me.can("report:file") and me.can_act_for(task.bodies) and not task.superseded,
        "reports": [report_card(r, ui) for r in reports],
        "history": history,
        "bodies": _body_choices(ui),
        "draft": draft
        or {
            "lead": task.lead or "",
            "partners": list(task.partners),
            "deadline": task.deadline or "",
            "note": task.note,
        },
        "error": error,
        "stale": stale,
        "done": _flash(request, ("status", "assign", "milestones", "split", "merge")),
        "comments": comment_context(session, "task", str(task_id)),
        "comment_notice": comment_notice(request),
        "status_action": urls_tasks.task_status_action(task_id),
        "assign_action": urls_tasks.task_assign_action(task_id),
        "milestones_action": urls_tasks.task_milestones_action(task_id),
        "split_action": urls_tasks.task_split_action(task_id),
        "report_href": urls_tasks.task_report_form(task_id),
    }
    return render(request, "task_page.html", context, status=status, json_href=urls_tasks.api_task(task_id))


@router.get("/tasks/{task_id}", response_class=HTMLResponse)
def task_page(request: Request, session: SessionDep, task_id: TaskId) -> HTMLResponse:
    """A task: its plan text, bodies, dates, status, the moves this viewer may make, reports, history."""
    return _task_page(request, session, task_id)


@router.post("/tasks/{task_id}/status", response_class=HTMLResponse, response_model=None)
def task_status(
    request: Request,
    db: DatabaseDep,
    task_id: TaskId,
    actor: Annotated[Principal, requires("task:progress")],
    status: Annotated[str, Form(max_length=32)],
    version: Annotated[int, Form(ge=1, le=MAX_ID)],
    comment: Annotated[str, Form(max_length=tasks.MAX_NOTE + 1000)] = "",
) -> HTMLResponse | RedirectResponse:
    """Move the task; back to its page, or the page again saying why not."""
    try:
        tasks.change_status(db, actor, task_id, status=status, version=version, comment=comment)
    except FORM_ERRORS as exc:
        return _refused(request, db, task_id, exc)
    return _see_other(urls_tasks.task_page(task_id) + "?done=status")


def _refused(
    request: Request,
    db: Database,
    task_id: int,
    exc: YrdError,
    draft: dict[str, Any] | None = None,
    **typed: Any,
) -> HTMLResponse:
    """The task page again with the library's message and what was typed (``typed``: the other forms)."""
    if isinstance(exc, NotFoundError):
        raise exc
    with db.read() as session:
        return _task_page(
            request,
            session,
            task_id,
            error=str(exc),
            status=form_status(exc),
            draft=draft,
            stale=isinstance(exc, ConflictError) and "version" in str(exc),
            **typed,
        )


@router.post("/tasks/{task_id}/assign", response_class=HTMLResponse, response_model=None)
def task_assign(
    request: Request,
    db: DatabaseDep,
    task_id: TaskId,
    actor: Annotated[Principal, requires("task:manage")],
    version: Annotated[int, Form(ge=1, le=MAX_ID)],
    lead: Annotated[str, Form(max_length=64)] = "",
    partners: Annotated[list[str] | None, Form()] = None,
    deadline: Annotated[str, Form(max_length=32)] = "",
    note: Annotated[str, Form(max_length=tasks.MAX_NOTE + 1000)] = "",
) -> HTMLResponse | RedirectResponse:
    """The coordinator's assignment form: lead, partners, deadline and note, all at once."""
    chosen = [p for p in partners or [] if p.strip()]
    try:
        tasks.assign_task(db, actor, task_id, version=version, lead=lead or None, partners=chosen,
                          deadline=deadline or None, note=note)  # fmt: skip
    except FORM_ERRORS as exc:
        draft = {"lead": lead, "partners": chosen, "deadline": deadline, "note": note}
        return _refused(request, db, task_id, exc, draft)
    return _see_other(urls_tasks.task_page(task_id) + "?done=assign")


def _milestone_rows(dates: list[str], labels: list[str], done: list[str]) -> list[dict[str, Any]]:
    """The milestone rows as typed: parallel lists of dates and labels; ``done`` holds ticked row numbers."""
    if max(len(dates), len(labels)) > tasks.MAX_MILESTONES + NEW_MILESTONE_ROWS:
        raise InputError(f"at most {tasks.MAX_MILESTONES} milestones are allowed")
    ticked = {d.strip() for d in done}
    count = max(len(dates), len(labels))
    return [
        {
            "date": (dates[i] if i < len(dates) else "").strip(),
            "label": (labels[i] if i < len(labels) else "").strip(),
            "done": str(i) in ticked,
        }
        for i in range(count)
    ]


@router.post("/tasks/{task_id}/milestones", response_class=HTMLResponse, response_model=None)
def task_milestones(
    request: Request,
    db: DatabaseDep,
    task_id: TaskId,
    actor: Annotated[Principal, requires("task:manage")],
    version: Annotated[int, Form(ge=1, le=MAX_ID)],
    ms_date: Annotated[list[str] | None, Form()] = None,
    ms_label: Annotated[list[str] | None, Form()] = None,
    ms_done: Annotated[list[str] | None, Form()] = None,
) -> HTMLResponse | RedirectResponse:
    """The coordinator's milestone table: every row replaces the stored list; a row left blank is dropped."""
    rows: list[dict[str, Any]] = []
    try:
        rows = _milestone_rows(ms_date or [], ms_label or [], ms_done or [])
        kept = [
            {"date": r["date"] or None, "label": r["label"], "done": r["done"]}
            for r in rows
            if r["date"] or r["label"]
        ]
        tasks.assign_task(db, actor, task_id, version=version, milestones=kept)
    except FORM_ERRORS as exc:
        return _refused(request, db, task_id, exc, milestone_rows=rows or None)
    return _see_other(urls_tasks.task_page(task_id) + "?done=milestones")


@router.post("/tasks/{task_id}/split", response_class=HTMLResponse, response_model=None)
def task_split(
    request: Request,
    db: DatabaseDep,
    task_id: TaskId,
    actor: Annotated[Principal, requires("task:manage")],
    version: Annotated[int, Form(ge=1, le=MAX_ID)],
    titles: Annotated[str, Form(max_length=MAX_SPLIT_TEXT)] = "",
) -> HTMLResponse | RedirectResponse:
    """Split a task into one new task per line typed; on to the first of them."""
    lines = [line.strip() for line in titles.splitlines() if line.strip()]
    try:
        children = tasks.split_task(db, actor, task_id, titles=lines, version=version)
    except FORM_ERRORS as exc:
        return _refused(request, db, task_id, exc, split_text=titles)
    return _see_other(urls_tasks.task_page(children[0].id) + "?done=split")


def _versions(values: list[str]) -> dict[int, int]:
    """The board's hidden ``task id:version`` pairs, as merge_tasks takes them."""
    out: dict[int, int] = {}
    for value in values:
        task_id, _, version = value.partition(":")
        if not (task_id.isdigit() and version.isdigit()) or not 0 < int(task_id) <= MAX_ID:
            raise InputError(f"a task version must read <task id>:<version>, not {value[:40]!r}")
        out[int(task_id)] = int(version)
    return out


@router.post("/tasks/merge", response_class=HTMLResponse, response_model=None)
def tasks_merge(
    request: Request,
    db: DatabaseDep,
    actor: Annotated[Principal, requires("task:manage")],
    title: Annotated[str, Form(max_length=tasks.MAX_TITLE + 100)] = "",
    task_ids: Annotated[list[Annotated[int, Field(ge=1, le=MAX_ID)]] | None, Form()] = None,
    versions: Annotated[list[str] | None, Form()] = None,
) -> HTMLResponse | RedirectResponse:
    """Merge the tasks ticked on the board into one with the title typed; on to the new task."""
    chosen = list(dict.fromkeys(task_ids or []))
    try:
        if len(chosen) > MAX_MERGE or len(versions or []) > MAX_BOARD_ROWS:
            raise InputError(f"at most {MAX_MERGE} tasks can be merged at once")
        merged = tasks.merge_tasks(db, actor, chosen, title=title, versions=_versions(versions or []))
    except FORM_ERRORS as exc:
        if isinstance(exc, NotFoundError):
            raise
        filters = {"chapter": "", "body": "", "status": "", "overdue": False, "at_risk": False, "q": ""}
        with db.read() as session:
            return _board(request, session, filters, merge_error=str(exc), status_code=form_status(exc),
                          merge_draft={"title": title, "task_ids": chosen})  # fmt: skip
    return _see_other(urls_tasks.task_page(merged.id) + "?done=merge")


# --------------------------------------------------------------------------------------------- reports


def _subject(session: Session, kind: str, subject_id: int) -> dict[str, Any]:
    if kind == "task":
        t = tasks.get_task(session, subject_id)
        return {"kind": "task", "id": t.id, "title": t.title, "bodies": t.bodies,
                "href": urls_tasks.task_page(t.id), "action": urls_tasks.task_report_form(t.id),
                "statuses": progress.REPORT_TASK_STATUSES, "superseded": t.superseded}  # fmt: skip
    p = projects.get_project(session, subject_id)
    return {"kind": "project", "id": p.id, "title": p.name, "bodies": p.bodies,
            "href": urls_tasks.project_page(p.id), "action": urls_tasks.project_report_form(p.id),
            "statuses": projects.PROJECT_STATUSES, "superseded": False}  # fmt: skip


def _report_form(
    request: Request,
    session: Session,
    actor: Principal,
    kind: str,
    subject_id: int,
    *,
    draft: dict[str, Any] | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    ui = ui_lang(request)
    subject = _subject(session, kind, subject_id)
    actor.require_body(subject["bodies"], f"{kind} {subject_id}")
    context = {
        "subject": subject,
        "status_names": STATUS_NAMES,
        "bodies": _names(subject["bodies"], ui),
        "draft": draft
        or {
            "period": lists.quarter_of(date.today()),
            "status": "",
            "narrative": "",
            "lang": ui,
            "links": "",
            "indicators": "",
            "body": "",
        },
        "error": error,
        "max_files": progress.MAX_FILES,
        "max_mib": f"{progress.MAX_FILE_BYTES / 1024 / 1024:g}",
        "allowed": progress.ALLOWED_TYPES,
    }
    return render(request, "report_form.html", context, status=status)


def _post_report(
    request: Request,
    db: Database,
    actor: Principal,
    kind: str,
    subject_id: int,
    fields: dict[str, str],
    files: list[UploadFile] | None,
) -> HTMLResponse | RedirectResponse:
    links = [x.strip() for x in fields["links"].split() if x.strip()]
    indicators = [x.strip() for x in fields["indicators"].replace(",", " ").split() if x.strip()]
    subject = {"task_id": subject_id} if kind == "task" else {"project_id": subject_id}
    try:
        report = progress.file_report(db, actor, **subject, period=fields["period"], status=fields["status"],
                                      narrative=fields["narrative"], lang=fields["lang"], links=links,
                                      indicators=indicators, body=fields["body"] or None,
                                      files=read_uploads(files))  # fmt: skip
    except (ConflictError, ForbiddenError, InputError) as exc:
        if isinstance(exc, ForbiddenError):
            raise
        with db.read() as session:
            return _report_form(request, session, actor, kind, subject_id, draft=fields, error=str(exc),
                                status=form_status(exc))  # fmt: skip
    return _see_other(urls_tasks.report_page(report.id) + "?done=filed")


class ReportForm(BaseModel):
    """The fields of the report form as typed (text; the library checks them and names what is wrong)."""

    period: str = Field("", max_length=20)
    status: str = Field("", max_length=32)
    narrative: str = Field("", max_length=progress.MAX_NARRATIVE + 1000)
    lang: str = Field("zh", max_length=64)
    links: str = Field("", max_length=50_000)
    indicators: str = Field("", max_length=50_000)
    body: str = Field("", max_length=64)


class ReportEdit(ReportForm):
    """The author's edit: the same fields, the version read and the files to remove."""

    version: int = Field(ge=1, le=MAX_ID)
    remove_files: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = []


ReportFormF = Annotated[ReportForm, Form()]
FilesF = Annotated[list[UploadFile] | None, File()]


@router.get("/tasks/{task_id}/report", response_class=HTMLResponse)
def task_report_form(
    request: Request,
    session: SessionDep,
    task_id: TaskId,
    actor: Annotated[Principal, requires("report:file")],
) -> HTMLResponse:
    """The report form, for reporters of the task's bodies and coordinators."""
    return _report_form(request, session, actor, "task", task_id)


@router.post("/tasks/{task_id}/report", response_class=HTMLResponse, response_model=None)
def task_report_post(
    request: Request,
    db: DatabaseDep,
    task_id: TaskId,
    actor: Annotated[Principal, requires("report:file")],
    form: ReportFormF,
    files: FilesF = None,
) -> HTMLResponse | RedirectResponse:
    return _post_report(request, db, actor, "task", task_id, form.model_dump(), files)


@router.get("/projects/{project_id}/report", response_class=HTMLResponse)
def project_report_form(
    request: Request,
    session: SessionDep,
    project_id: ProjectId,
    actor: Annotated[Principal, requires("report:file")],
) -> HTMLResponse:
    return _report_form(request, session, actor, "project", project_id)


@router.post("/projects/{project_id}/report", response_class=HTMLResponse, response_model=None)
def project_report_post(
    request: Request,
    db: DatabaseDep,
    project_id: ProjectId,
    actor: Annotated[Principal, requires("report:file")],
    form: ReportFormF,
    files: FilesF = None,
) -> HTMLResponse | RedirectResponse:
    return _post_report(request, db, actor, "project", project_id, form.model_dump(), files)


def _report_page(
    request: Request,
    session: Session,
    report_id: int,
    *,
    error: str | None = None,
    status: int = 200,
    edit_error: str | None = None,
    edit_draft: dict[str, Any] | None = None,
) -> HTMLResponse:
    me = viewer(request)
    report = progress.get_report(session, report_id, me)
    may_edit = (
        me.can("report:file")
        and me.user_id is not None
        and me.user_id == report.author_id
        and report.review in EDITABLE_REVIEWS
    )
    context = {
        "report": report_card(report, ui_lang(request)),
        "may_review": me.can("report:review") and report.review == "submitted",
        "review_action": urls_tasks.report_review_action(report_id),
        "may_edit": may_edit,
        "edit_action": urls_tasks.report_edit_action(report_id),
        "edit_error": edit_error,
        "edit_draft": edit_draft
        or {
            "period": report.period,
            "status": report.status,
            "narrative": report.narrative,
            "lang": report.lang,
            "links": "\n".join(report.links),
            "indicators": " ".join(report.indicators),
            "remove": [],
        },
        "statuses": projects.PROJECT_STATUSES if report.task_id is None else progress.REPORT_TASK_STATUSES,
        "status_names": STATUS_NAMES,
        "max_files": progress.MAX_FILES,
        "max_mib": f"{progress.MAX_FILE_BYTES / 1024 / 1024:g}",
        "allowed": progress.ALLOWED_TYPES,
        "error": error,
        "done": _flash(request, ("filed", "reviewed", "edited")),
    }
    return render(
        request, "progress_report.html", context, status=status, json_href=urls_tasks.api_report(report_id)
    )


@router.get("/reports/{report_id}", response_class=HTMLResponse)
def report_page(request: Request, session: SessionDep, report_id: ReportId) -> HTMLResponse:
    """A report with its evidence; reviewers get the accept/return form."""
    return _report_page(request, session, report_id)


@router.post("/reports/{report_id}/review", response_class=HTMLResponse, response_model=None)
def report_review(
    request: Request,
    db: DatabaseDep,
    report_id: ReportId,
    actor: Annotated[Principal, requires("report:review")],
    decision: Annotated[str, Form(max_length=16)],
    version: Annotated[int, Form(ge=1, le=MAX_ID)],
    comment: Annotated[str, Form(max_length=progress.MAX_NARRATIVE + 1000)] = "",
) -> HTMLResponse | RedirectResponse:
    try:
        progress.review_report(db, actor, report_id, decision=decision, comment=comment, version=version)
    except (ConflictError, InputError) as exc:
        with db.read() as session:
            return _report_page(request, session, report_id, error=str(exc), status=form_status(exc))
    return _see_other(urls_tasks.report_page(report_id) + "?done=reviewed")


@router.post("/reports/{report_id}/edit", response_class=HTMLResponse, response_model=None)
def report_edit(
    request: Request,
    db: DatabaseDep,
    report_id: ReportId,
    actor: Annotated[Principal, requires("report:file")],
    form: Annotated[ReportEdit, Form()],
    files: FilesF = None,
) -> HTMLResponse | RedirectResponse:
    """The author's edit of a submitted or returned report, which submits it (again) for review."""
    remove = list(dict.fromkeys(form.remove_files))
    try:
        progress.update_report(db, actor, report_id, version=form.version, period=form.period,
                               status=form.status, narrative=form.narrative, lang=form.lang,
                               links=_words(form.links), indicators=_words(form.indicators.replace(",", " ")),
                               remove_files=remove, add_files=read_uploads(files))  # fmt: skip
    except (ConflictError, InputError) as exc:
        draft = {**form.model_dump(exclude={"version", "remove_files", "body"}), "remove": remove}
        with db.read() as session:
            return _report_page(request, session, report_id, edit_error=str(exc), edit_draft=draft,
                                status=form_status(exc))  # fmt: skip
    return _see_other(urls_tasks.report_page(report_id) + "?done=edited")


def _words(text: str) -> list[str]:
    return [x.strip() for x in text.split() if x.strip()]


# -------------------------------------------------------------------------------------------- projects


def project_card(p: projects.Project, ui: str) -> dict[str, Any]:
    return {"id": p.id, "name": p.name, "type": p.type, "status": p.status,
            "status_name": STATUS_NAMES.get(p.status, p.status), "start": p.start or "", "end": p.end or "",
            "bodies": _names(p.bodies, ui), "href": urls_tasks.project_page(p.id)}  # fmt: skip


@router.get("/projects", response_class=HTMLResponse)
def projects_register(
    request: Request,
    session: SessionDep,
    type: Annotated[str, Query(max_length=64)] = "",
    status: Annotated[str, Query(max_length=32)] = "",
    body: Annotated[str, Query(max_length=64)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    """The register of major projects, filterable, with a map of their points."""
    ui = ui_lang(request)
    status = status if status in projects.PROJECT_STATUSES else ""
    found = projects.list_projects(
        session, type=type or None, status=status or None, body=body or None, q=q or None
    )
    every = projects.list_projects(session)
    filters = {"type": type, "status": status, "body": body, "q": q}
    context = {
        "filters": filters,
        "projects": [project_card(p, ui) for p in found],
        "types": sorted({p.type for p in every}),
        "statuses": [(s, STATUS_NAMES[s]) for s in projects.PROJECT_STATUSES],
        "bodies": _names(sorted({b for p in every for b in p.bodies}), ui),
        "geojson_href": urls_tasks.projects_geojson(**filters),
        "boundaries_href": urls_regions.api_geojson("province"),
    }
    return render(request, "projects_register.html", context, json_href=urls_tasks.api_projects(**filters))


def _project_page(
    request: Request,
    session: Session,
    project_id: int,
    *,
    error: str | None = None,
    status: int = 200,
    draft: dict[str, str] | None = None,
) -> HTMLResponse:
    ui = ui_lang(request)
    me = viewer(request)
    project = projects.get_project(session, project_id)
    context = {
        "project": project,
        "card": project_card(project, ui),
        "note_lines": project.note.split("\n") if project.note else [],
        "may_manage": me.can("project:manage"),
        "may_report": me.can("report:file") and me.can_act_for(project.bodies),
        "reports": [report_card(r, ui) for r in progress.list_reports(session, me, project_id=project_id)],
        "statuses": [(s, STATUS_NAMES[s]) for s in projects.PROJECT_STATUSES],
        "bodies": _body_choices(ui),
        "draft": draft
        or {
            "status": project.status,
            "start": project.start or "",
            "end": project.end or "",
            "lead": project.lead or "",
            "note": project.note,
        },
        "error": error,
        "done": request.query_params.get("done") == "edit",
        "comments": comment_context(session, "project", str(project_id)),
        "comment_notice": comment_notice(request),
        "edit_action": urls_tasks.project_edit_action(project_id),
        "report_href": urls_tasks.project_report_form(project_id),
    }
    return render(
        request, "project_page.html", context, status=status, json_href=urls_tasks.api_project(project_id)
    )


@router.get("/projects/{project_id}", response_class=HTMLResponse)
def project_page(request: Request, session: SessionDep, project_id: ProjectId) -> HTMLResponse:
    return _project_page(request, session, project_id)


@router.post("/projects/{project_id}/edit", response_class=HTMLResponse, response_model=None)
def project_edit(
    request: Request,
    db: DatabaseDep,
    project_id: ProjectId,
    actor: Annotated[Principal, requires("project:manage")],
    version: Annotated[int, Form(ge=1, le=MAX_ID)],
    status: Annotated[str, Form(max_length=32)] = "",
    start: Annotated[str, Form(max_length=32)] = "",
    end: Annotated[str, Form(max_length=32)] = "",
    lead: Annotated[str, Form(max_length=64)] = "",
    note: Annotated[str, Form(max_length=projects.MAX_NOTE + 1000)] = "",
) -> HTMLResponse | RedirectResponse:
    """The coordinator's edit of a project's register entry."""
    try:
        projects.update_project(db, actor, project_id, version=version, status=status or UNSET,
                                start=start or None, end=end or None, lead=lead or None,
                                note=note)  # fmt: skip
    except (ConflictError, InputError) as exc:
        draft = {"status": status, "start": start, "end": end, "lead": lead, "note": note}
        with db.read() as session:
            return _project_page(request, session, project_id, error=str(exc), status=form_status(exc),
                                 draft=draft)  # fmt: skip
    return _see_other(urls_tasks.project_page(project_id) + "?done=edit")


# ----------------------------------------------------------------------------------------------- lists


@router.get("/bodies/{code}", response_class=HTMLResponse)
def body_page(
    request: Request,
    session: SessionDep,
    code: Annotated[str, Path(max_length=64)],
    quarter: Annotated[str | None, Query(pattern=QUARTER)] = None,
) -> HTMLResponse:
    """What a body owes this quarter (or another), its overdue tasks, its reports in review or returned."""
    ui = ui_lang(request)
    view = lists.body_view(session, code, quarter=quarter, viewer=viewer(request))
    year, q = int(view.quarter[:4]), int(view.quarter[-1])
    prev_q = f"{year - 1}Q4" if q == 1 else f"{year}Q{q - 1}"
    next_q = f"{year + 1}Q1" if q == 4 else f"{year}Q{q + 1}"
    context = {
        "view": view,
        "name": body_name(view.body, ui),
        "due": [task_card(t, ui) for t in view.due],
        "overdue": [task_card(t, ui) for t in view.overdue],
        "awaiting": [report_card(r, ui) for r in view.awaiting_review],
        "returned": [report_card(r, ui) for r in view.returned],
        "prev_href": urls_tasks.body_page(view.body, prev_q) if year > 2000 or q > 1 else None,
        "next_href": urls_tasks.body_page(view.body, next_q) if year < 2100 or q < 4 else None,
        "prev_q": prev_q,
        "next_q": next_q,
    }
    return render(request, "body_view.html", context, json_href=urls_tasks.api_body(view.body, view.quarter))


@router.get("/overdue", response_class=HTMLResponse)
def overdue_page(request: Request, session: SessionDep) -> HTMLResponse:
    """Open tasks past their deadline and tasks at risk, with the Excel exports."""
    ui = ui_lang(request)
    context = {
        "overdue": [task_card(t, ui) for t in lists.overdue(session)],
        "at_risk": [task_card(t, ui) for t in lists.at_risk(session)],
        "overdue_xlsx": urls_tasks.tasks_xlsx(overdue=True, lang=ui),
        "at_risk_xlsx": urls_tasks.tasks_xlsx(at_risk=True, lang=ui),
    }
    return render(request, "overdue.html", context, json_href=urls_tasks.api_overdue())
