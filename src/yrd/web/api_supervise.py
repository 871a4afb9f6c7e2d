"""The JSON API of supervision: tasks and their workflow, progress reports with evidence, the project
register, and the supervisor's lists (overdue, at risk, what a body owes, an Excel export).

Each route parses its input, calls one function of `yrd.supervise` (which checks who may do what and
raises the errors the app maps to 400, 401, 403, 404 and 409) and shapes the result. Text comes back
exactly as it was typed: clients escape it where they show it. Ids in paths are bounded whole numbers,
so a wrong one is a 422, never a server error.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Path, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from yrd.errors import AuthError, ForbiddenError, InputError
from yrd.supervise import lists, progress, projects, tasks
from yrd.supervise.bodies import body_name
from yrd.supervise.records import UNSET
from yrd.supervise.roles import Principal
from yrd.web import urls, urls_tasks
from yrd.web.api_accounts import AuditEntryPublic
from yrd.web.auth import AUTH_RESPONSES, EDIT_RESPONSES, ActorDep, requires
from yrd.web.deps import MAX_ID, DatabaseDep, SessionDep
from yrd.web.schemas import ErrorPublic

router = APIRouter(prefix="/api", tags=["supervision"])

TaskId = Annotated[int, Path(ge=1, le=MAX_ID, description="the task's number", examples=[12])]
ProjectId = Annotated[int, Path(ge=1, le=MAX_ID, description="the project's number", examples=[3])]
ReportId = Annotated[int, Path(ge=1, le=MAX_ID, description="the report's number", examples=[1])]
FileId = Annotated[int, Path(ge=1, le=MAX_ID, description="the evidence file's number", examples=[1])]
Version = Annotated[int, Field(ge=1, le=MAX_ID, description="the version you read (optimistic locking)")]
TaskStatus = Literal["not_started", "in_progress", "delayed", "completed", "cancelled"]
TaskStatusFilter = Literal["not_started", "in_progress", "delayed", "completed", "cancelled", "superseded"]
ProjectStatus = Literal["planned", "preparing", "under_construction", "completed"]
QUARTER = r"^(20\d{2}|2100)Q[1-4]$"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

BAD_INPUT: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorPublic, "description": "a field is not valid (the message names it)"},
    422: {"model": ErrorPublic, "description": "a parameter has the wrong type or is out of range"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorPublic, "description": "no such record, or one you may not see"}
}
READ_RESPONSES = {**BAD_INPUT, **NOT_FOUND}
WRITE_RESPONSES = {**EDIT_RESPONSES, **BAD_INPUT, **NOT_FOUND}


# ------------------------------------------------------------------------------------------------ shapes


class BodyRef(BaseModel):
    """A responsible body: a province or city (GB/T 2260 code) or a named body of the plans."""

    code: str = Field(examples=["340000"])
    name_zh: str = Field(examples=["安徽省"])
    name_en: str = Field(examples=["Anhui"])


class MilestonePublic(BaseModel):
    date: str = Field(description="ISO date", examples=["2026-06-30"])
    label: str = Field(max_length=200, examples=["方案印发"])
    done: bool = False


class TaskPublic(BaseModel):
    """A task with what follows from its dates today."""

    id: int = Field(examples=[12])
    plan_id: str = Field(examples=["yrd-outline-2019"])
    eid: str = Field(description="the plan unit it comes from", examples=["chp_5__sec_1__para_3"])
    source_id: str | None = Field(description="the extracted measure it was seeded from")
    title: str
    text: str = Field(description="the plan's text of the measure")
    chapter: str = Field(examples=["chp_5"])
    lead: BodyRef | None = Field(description="the lead body")
    partners: list[BodyRef]
    deadline: str | None = Field(description="ISO date", examples=["2025-12-31"])
    milestones: list[MilestonePublic]
    status: str = Field(description="not_started, in_progress, delayed, completed, cancelled or superseded")
    parent_id: int | None = Field(description="the task it was split from")
    merged_into: int | None = Field(description="the task it was merged into")
    note: str
    version: int = Field(description="send it back with an edit (optimistic locking)")
    created_at: datetime
    updated_at: datetime
    overdue: bool = Field(description="open and past its deadline")
    at_risk: bool = Field(
        description="open and delayed, late on a milestone, or not started near its deadline"
    )
    last_period: str | None = Field(description="the period of its latest accepted report")
    moves: list[str] = Field(description="the statuses the workflow allows next (whoever asks)")
    links: dict[str, str] = Field(description="self, html, unit (the plan text), reports, history")


class TasksPublic(BaseModel):
    data: list[TaskPublic]
    count: int


class TaskAssign(BaseModel):
    """What to change (fields left out stay as they are; null clears the lead, deadline or note)."""

    version: Version
    lead: str | None = Field(None, max_length=64, description="a body code", examples=["340000"])
    partners: list[Annotated[str, Field(max_length=64)]] | None = Field(
        None, max_length=100, examples=[["310000", "320000"]]
    )
    deadline: str | None = Field(None, max_length=32, description="YYYY-MM-DD", examples=["2026-12-31"])
    milestones: list[MilestonePublic] | None = Field(None, max_length=tasks.MAX_MILESTONES)
    note: str | None = Field(None, max_length=tasks.MAX_NOTE + 1000)


class StatusIn(BaseModel):
    status: TaskStatus = Field(examples=["in_progress"])
    version: Version
    comment: str = Field("", max_length=tasks.MAX_NOTE + 1000, description="why, for the record")


class SplitIn(BaseModel):
    titles: list[Annotated[str, Field(max_length=tasks.MAX_TITLE + 100)]] = Field(
        min_length=2, max_length=50, description="one title per new task", examples=[["甲", "乙"]]
    )
    version: Version


class MergeIn(BaseModel):
    task_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        min_length=2, max_length=50, examples=[[3, 4]]
    )
    title: str = Field(max_length=tasks.MAX_TITLE + 100, examples=["推进都市圈同城化与协调联动"])
    versions: dict[int, Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        description="the version you read of each task, by task id", examples=[{"3": 1, "4": 1}]
    )


class EvidencePublic(BaseModel):
    id: int
    name: str = Field(description="cleaned for display; never a path")
    content_type: str = Field(description="decided by the file's bytes", examples=["application/pdf"])
    size: int
    sha256: str
    created_at: datetime
    href: str = Field(description="the download")


class ReportPublic(BaseModel):
    """A progress report. Before it is accepted only reviewers, its author and its body's reporters see it."""

    id: int
    task_id: int | None
    project_id: int | None
    period: str = Field(examples=["2026Q3"])
    status: str = Field(description="the status the report says the task or project has")
    narrative: str = Field(description="plain text exactly as typed")
    lang: str = Field(examples=["zh"])
    links: list[str] = Field(description="web addresses given as evidence")
    indicators: list[str] = Field(description="codes of indicators it speaks to")
    body: BodyRef | None = Field(description="the body it was filed for")
    author: str = Field(description="the author's user name")
    review: str = Field(description="submitted, accepted or returned")
    review_comment: str
    reviewer_id: int | None
    version: int
    created_at: datetime
    reviewed_at: datetime | None
    files: list[EvidencePublic]
    hrefs: dict[str, str] = Field(description="self, html and the subject's page")


class ReportsPublic(BaseModel):
    data: list[ReportPublic]
    count: int


class ReportUpdate(BaseModel):
    """The author's edit of a submitted or returned report (it is submitted again)."""

    version: Version
    period: str | None = Field(None, max_length=20, examples=["2026Q4"])
    status: str | None = Field(None, max_length=32, examples=["in_progress"])
    narrative: str | None = Field(None, max_length=progress.MAX_NARRATIVE + 1000)
    lang: Literal["zh", "en"] | None = None
    links: list[Annotated[str, Field(max_length=2100)]] | None = Field(None, max_length=100)
    indicators: list[Annotated[str, Field(max_length=64)]] | None = Field(None, max_length=200)
    remove_files: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field([], max_length=20)


class ReviewIn(BaseModel):
    decision: Literal["accept", "return"] = Field(examples=["accept"])
    comment: str = Field("", max_length=progress.MAX_NARRATIVE + 1000, description="needed to return")
    version: Version


class ProjectPublic(BaseModel):
    id: int
    plan_id: str
    name: str
    type: str
    places: list[str] = Field(description="GB/T 2260 codes of its places")
    mentions: list[str] = Field(description="ids of the extracted records that name it")
    status: str = Field(description="planned, preparing, under_construction or completed")
    start: str | None
    end: str | None
    lead: BodyRef | None
    bodies: list[BodyRef] = Field(description="who answers for it: the lead, else its provinces")
    note: str
    version: int
    created_at: datetime
    updated_at: datetime
    links: dict[str, str]


class ProjectsPublic(BaseModel):
    data: list[ProjectPublic]
    count: int


class ProjectUpdate(BaseModel):
    """What to change (fields left out stay; null clears a date or the lead)."""

    version: Version
    status: ProjectStatus | None = None
    start: str | None = Field(None, max_length=32, examples=["2024-01-01"])
    end: str | None = Field(None, max_length=32, examples=["2027-12-31"])
    lead: str | None = Field(None, max_length=64, examples=["320000"])
    note: str | None = Field(None, max_length=projects.MAX_NOTE + 1000)


class FeatureCollection(BaseModel):
    """GeoJSON: one Point per project (the mean of its places)."""

    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[dict[str, Any]]
    omitted: int = Field(description="projects with no known place, left off the map")


class BodyViewPublic(BaseModel):
    """What one body owes in a quarter."""

    body: BodyRef
    quarter: str = Field(examples=["2026Q4"])
    start: date
    end: date
    due: list[TaskPublic] = Field(description="open tasks with the deadline or a milestone in the quarter")
    overdue: list[TaskPublic]
    awaiting_review: list[ReportPublic] = Field(description="only those the viewer may see")
    returned: list[ReportPublic]


# ---------------------------------------------------------------------------------------------- shaping


def body_ref(code: str | None) -> dict[str, str] | None:
    if not code:
        return None
    return {"code": code, "name_zh": body_name(code, "zh"), "name_en": body_name(code, "en")}


def task_public(t: tasks.Task) -> dict[str, Any]:
    return {
        "id": t.id, "plan_id": t.plan_id, "eid": t.eid, "source_id": t.source_id, "title": t.title,
        "text": t.text, "chapter": t.chapter, "lead": body_ref(t.lead),
        "partners": [body_ref(p) for p in t.partners], "deadline": t.deadline,
        "milestones": [{"date": m.date, "label": m.label, "done": m.done} for m in t.milestones],
        "status": t.status, "parent_id": t.parent_id, "merged_into": t.merged_into, "note": t.note,
        "version": t.version, "created_at": t.created_at, "updated_at": t.updated_at,
        "overdue": t.overdue, "at_risk": t.at_risk, "last_period": t.last_period,
        "moves": tasks.allowed_moves(t.status),
        "links": {"self": urls_tasks.api_task(t.id), "html": urls_tasks.task_page(t.id),
                  "unit": urls.permalink(t.plan_id, t.eid), "reports": urls_tasks.api_task_reports(t.id),
                  "history": urls_tasks.api_task_history(t.id)},
    }  # fmt: skip


def report_public(r: progress.Report) -> dict[str, Any]:
    subject = (
        urls_tasks.task_page(r.task_id)
        if r.task_id is not None
        else urls_tasks.project_page(r.project_id or 0)
    )
    return {
        "id": r.id, "task_id": r.task_id, "project_id": r.project_id, "period": r.period,
        "status": r.status, "narrative": r.narrative, "lang": r.lang, "links": list(r.links),
        "indicators": list(r.indicators), "body": body_ref(r.body), "author": r.author, "review": r.review,
        "review_comment": r.review_comment, "reviewer_id": r.reviewer_id, "version": r.version,
        "created_at": r.created_at, "reviewed_at": r.reviewed_at,
        "files": [{"id": f.id, "name": f.name, "content_type": f.content_type, "size": f.size,
                   "sha256": f.sha256, "created_at": f.created_at, "href": urls_tasks.evidence(f.id)}
                  for f in r.files],
        "hrefs": {"self": urls_tasks.api_report(r.id), "html": urls_tasks.report_page(r.id),
                  "subject": subject},
    }  # fmt: skip


def project_public(p: projects.Project) -> dict[str, Any]:
    return {
        "id": p.id, "plan_id": p.plan_id, "name": p.name, "type": p.type, "places": list(p.places),
        "mentions": list(p.mentions), "status": p.status, "start": p.start, "end": p.end,
        "lead": body_ref(p.lead), "bodies": [body_ref(b) for b in p.bodies], "note": p.note,
        "version": p.version, "created_at": p.created_at, "updated_at": p.updated_at,
        "links": {"self": urls_tasks.api_project(p.id), "html": urls_tasks.project_page(p.id),
                  "reports": urls_tasks.api_project_reports(p.id)},
    }  # fmt: skip


def require_history(actor: Principal) -> None:
    """A task's history holds entries of unaccepted reports: only auditors and reviewers read it."""
    if actor.can("audit:read") or actor.can("report:review"):
        return
    if not actor.authenticated:
        raise AuthError("log in first: a task's history needs the permission 'audit:read' or 'report:review'")
    raise ForbiddenError(
        f"the role {actor.role!r} may not read a task's history (audit:read or report:review)"
    )


def read_uploads(files: list[UploadFile] | None) -> list[progress.Upload]:
    """The uploaded files, each read up to one byte over the limit, so a huge one is refused unread."""
    files = [f for f in files or [] if f.filename or f.size]
    if len(files) > progress.MAX_FILES:
        raise InputError(f"{len(files)} evidence files given; at most {progress.MAX_FILES} per report")
    out: list[progress.Upload] = []
    limit = progress.MAX_FILE_BYTES
    for f in files:
        data = f.file.read(limit + 1)
        if len(data) > limit:
            name = progress.clean_name(f.filename or "")
            raise InputError(
                f"evidence file {name!r} is larger than {limit:,} bytes ({limit / 1024 / 1024:g} MiB), "
                "the most a file may have"
            )
        out.append(progress.Upload(f.filename or "", f.content_type or "", data))
    return out


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII fallback name and the exact name as RFC 5987 ``filename*``."""
    fallback = "".join(c for c in name if 32 <= ord(c) < 127 and c not in '"\\;').strip() or "evidence"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


# ----------------------------------------------------------------------------------------------- tasks


@router.get("/tasks", response_model=TasksPublic, summary="Tasks, filtered", responses=READ_RESPONSES)
def list_tasks(
    session: SessionDep,
    plan: Annotated[str | None, Query(max_length=64, examples=["yrd-outline-2019"])] = None,
    chapter: Annotated[str | None, Query(max_length=32, description="chp_5 or 5", examples=["chp_5"])] = None,
    body: Annotated[
        str | None, Query(max_length=64, description="lead or partner body code", examples=["340000"])
    ] = None,
    status: TaskStatusFilter | None = None,
    overdue: Annotated[bool | None, Query(description="only (true) or no (false) overdue tasks")] = None,
    at_risk: Annotated[bool | None, Query(description="only (true) or no (false) tasks at risk")] = None,
    q: Annotated[str | None, Query(max_length=200, description="words of the title, text or unit id")] = None,
    include_superseded: Annotated[bool, Query(description="also tasks replaced by a split or merge")] = False,
) -> dict[str, Any]:
    found = tasks.list_tasks(session, plan_id=plan, chapter=chapter, body=body, status=status,
                             overdue=overdue, at_risk=at_risk, q=q,
                             include_superseded=include_superseded)  # fmt: skip
    return {"data": [task_public(t) for t in found], "count": len(found)}


@router.get(
    "/tasks.xlsx",
    response_class=Response,
    summary="Tasks, filtered, as an Excel workbook",
    responses={200: {"content": {XLSX: {}}, "description": "the workbook"}, **READ_RESPONSES},
)
def tasks_xlsx(
    session: SessionDep,
    plan: Annotated[str | None, Query(max_length=64)] = None,
    chapter: Annotated[str | None, Query(max_length=32)] = None,
    body: Annotated[str | None, Query(max_length=64)] = None,
    status: TaskStatusFilter | None = None,
    overdue: bool | None = None,
    at_risk: bool | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    include_superseded: bool = False,
    lang: Annotated[Literal["zh", "en"], Query(description="language of the headers and names")] = "zh",
) -> Response:
    filters = {"plan_id": plan, "chapter": chapter, "body": body, "status": status, "overdue": overdue,
               "at_risk": at_risk, "q": q, "include_superseded": include_superseded}  # fmt: skip
    data = lists.export_xlsx(tasks.list_tasks(session, **filters), lang, filters=filters)
    name = f"tasks-{date.today().isoformat()}.xlsx"
    return Response(data, media_type=XLSX, headers={"Content-Disposition": content_disposition(name)})


@router.post(
    "/tasks/merge",
    response_model=TaskPublic,
    status_code=201,
    summary="Merge open tasks of one plan into a new one (coordinators)",
    responses=WRITE_RESPONSES,
)
def merge_tasks(
    db: DatabaseDep, body: MergeIn, actor: Annotated[Principal, requires("task:manage")]
) -> dict[str, Any]:
    merged = tasks.merge_tasks(db, actor, body.task_ids, title=body.title, versions=body.versions)
    return task_public(merged)


@router.get("/tasks/{task_id}", response_model=TaskPublic, summary="One task", responses=READ_RESPONSES)
def get_task(session: SessionDep, task_id: TaskId) -> dict[str, Any]:
    return task_public(tasks.get_task(session, task_id))


@router.get(
    "/tasks/{task_id}/history",
    response_model=list[AuditEntryPublic],
    summary="The audit entries of a task and its reports, newest first (auditors and reviewers)",
    responses={**AUTH_RESPONSES, **READ_RESPONSES},
)
def task_history(session: SessionDep, task_id: TaskId, actor: ActorDep) -> list[AuditEntryPublic]:
    require_history(actor)
    return [
        AuditEntryPublic(seq=e.seq, at=e.at.isoformat(), actor=e.actor, action=e.action, entity=e.entity,
                         before=e.before, after=e.after, prev_hash=e.prev_hash, hash=e.hash)
        for e in tasks.task_history(session, task_id)
    ]  # fmt: skip


@router.patch(
    "/tasks/{task_id}",
    response_model=TaskPublic,
    summary="Assign a task: lead, partners, deadline, milestones, note (coordinators)",
    responses=WRITE_RESPONSES,
)
def assign_task(
    db: DatabaseDep, task_id: TaskId, body: TaskAssign, actor: Annotated[Principal, requires("task:manage")]
) -> dict[str, Any]:
    given = body.model_fields_set
    task = tasks.assign_task(
        db,
        actor,
        task_id,
        version=body.version,
        lead=body.lead if "lead" in given else UNSET,
        partners=(body.partners or []) if "partners" in given else UNSET,
        deadline=body.deadline if "deadline" in given else UNSET,
        milestones=[m.model_dump() for m in body.milestones or []] if "milestones" in given else UNSET,
        note=(body.note or "") if "note" in given else UNSET,
    )
    return task_public(task)


@router.post(
    "/tasks/{task_id}/status",
    response_model=TaskPublic,
    summary="Move a task along the workflow (reporters of its bodies, coordinators)",
    responses=WRITE_RESPONSES,
)
def change_status(
    db: DatabaseDep, task_id: TaskId, body: StatusIn, actor: Annotated[Principal, requires("task:progress")]
) -> dict[str, Any]:
    task = tasks.change_status(
        db, actor, task_id, status=body.status, version=body.version, comment=body.comment
    )
    return task_public(task)


@router.post(
    "/tasks/{task_id}/split",
    response_model=TasksPublic,
    status_code=201,
    summary="Split an open task into new ones (coordinators)",
    responses=WRITE_RESPONSES,
)
def split_task(
    db: DatabaseDep, task_id: TaskId, body: SplitIn, actor: Annotated[Principal, requires("task:manage")]
) -> dict[str, Any]:
    children = tasks.split_task(db, actor, task_id, titles=body.titles, version=body.version)
    return {"data": [task_public(t) for t in children], "count": len(children)}


@router.get("/overdue", response_model=TasksPublic, summary="Open tasks past their deadline")
def overdue(session: SessionDep) -> dict[str, Any]:
    found = lists.overdue(session)
    return {"data": [task_public(t) for t in found], "count": len(found)}


@router.get("/at-risk", response_model=TasksPublic, summary="Open tasks at risk")
def at_risk(session: SessionDep) -> dict[str, Any]:
    found = lists.at_risk(session)
    return {"data": [task_public(t) for t in found], "count": len(found)}


@router.get(
    "/bodies/{code}/owes",
    response_model=BodyViewPublic,
    summary="What a body owes in a quarter: tasks due, overdue, its reports awaiting review or returned",
    responses=READ_RESPONSES,
)
def body_owes(
    session: SessionDep,
    actor: ActorDep,
    code: Annotated[str, Path(max_length=64, description="a body code", examples=["340000"])],
    quarter: Annotated[
        str | None, Query(pattern=QUARTER, description="default: this quarter", examples=["2026Q4"])
    ] = None,
) -> dict[str, Any]:
    view = lists.body_view(session, code, quarter=quarter, viewer=actor)
    return {
        "body": body_ref(view.body), "quarter": view.quarter, "start": view.start, "end": view.end,
        "due": [task_public(t) for t in view.due], "overdue": [task_public(t) for t in view.overdue],
        "awaiting_review": [report_public(r) for r in view.awaiting_review],
        "returned": [report_public(r) for r in view.returned],
    }  # fmt: skip


# --------------------------------------------------------------------------------------------- reports


class ReportIn(BaseModel):
    """A progress report as filed (multipart form fields; evidence files come as ``files``)."""

    period: str = Field(max_length=20, description="2026, 2026-H1, 2026Q3 or 2026-10", examples=["2026Q3"])
    status: str = Field(
        max_length=32,
        description="tasks: not_started, in_progress, delayed or completed; "
        "projects: planned, preparing, under_construction or completed",
    )
    narrative: str = Field(max_length=progress.MAX_NARRATIVE + 1000, description="plain text")
    lang: Literal["zh", "en"] = "zh"
    links: list[str] = Field(default_factory=list, description="web addresses (repeat the field)")
    indicators: list[str] = Field(default_factory=list, description="indicator codes (repeat the field)")
    body: str | None = Field(None, max_length=64, description="the body filed for (default: yours)")


def _file(
    db: Any, actor: Principal, subject: dict[str, int], form: ReportIn, files: list[UploadFile] | None
) -> dict[str, Any]:
    report = progress.file_report(
        db, actor, **subject, period=form.period, status=form.status, narrative=form.narrative,
        lang=form.lang, links=[x for x in form.links if x.strip()],
        indicators=[x for x in form.indicators if x.strip()], body=form.body or None,
        files=read_uploads(files),
    )  # fmt: skip
    return report_public(report)


ReportForm = Annotated[ReportIn, Form()]
FilesForm = Annotated[
    list[UploadFile] | None,
    File(description=f"evidence: {progress.ALLOWED_TYPES}; at most {progress.MAX_FILES} files"),
]


@router.get(
    "/tasks/{task_id}/reports",
    response_model=ReportsPublic,
    summary="The progress reports on a task the viewer may see, newest first",
    responses=READ_RESPONSES,
)
def task_reports(session: SessionDep, task_id: TaskId, actor: ActorDep) -> dict[str, Any]:
    tasks.get_task(session, task_id)
    found = progress.list_reports(session, actor, task_id=task_id)
    return {"data": [report_public(r) for r in found], "count": len(found)}


@router.post(
    "/tasks/{task_id}/reports",
    response_model=ReportPublic,
    status_code=201,
    summary="File a progress report on a task, with evidence files (reporters of its bodies, coordinators)",
    responses=WRITE_RESPONSES,
)
def file_task_report(
    db: DatabaseDep,
    task_id: TaskId,
    actor: Annotated[Principal, requires("report:file")],
    form: ReportForm,
    files: FilesForm = None,
) -> dict[str, Any]:
    return _file(db, actor, {"task_id": task_id}, form, files)


@router.get(
    "/projects/{project_id}/reports",
    response_model=ReportsPublic,
    summary="The progress reports on a project the viewer may see, newest first",
    responses=READ_RESPONSES,
)
def project_reports(session: SessionDep, project_id: ProjectId, actor: ActorDep) -> dict[str, Any]:
    projects.get_project(session, project_id)
    found = progress.list_reports(session, actor, project_id=project_id)
    return {"data": [report_public(r) for r in found], "count": len(found)}


@router.post(
    "/projects/{project_id}/reports",
    response_model=ReportPublic,
    status_code=201,
    summary="File a progress report on a project, with evidence (reporters of its bodies, coordinators)",
    responses=WRITE_RESPONSES,
)
def file_project_report(
    db: DatabaseDep,
    project_id: ProjectId,
    actor: Annotated[Principal, requires("report:file")],
    form: ReportForm,
    files: FilesForm = None,
) -> dict[str, Any]:
    return _file(db, actor, {"project_id": project_id}, form, files)


@router.get(
    "/reports/{report_id}",
    response_model=ReportPublic,
    summary="One progress report",
    responses=READ_RESPONSES,
)
def get_report(session: SessionDep, report_id: ReportId, actor: ActorDep) -> dict[str, Any]:
    return report_public(progress.get_report(session, report_id, actor))


@router.patch(
    "/reports/{report_id}",
    response_model=ReportPublic,
    summary="Edit one's own submitted or returned report (it is submitted again)",
    responses=WRITE_RESPONSES,
)
def update_report(
    db: DatabaseDep,
    report_id: ReportId,
    body: ReportUpdate,
    actor: Annotated[Principal, requires("report:file")],
) -> dict[str, Any]:
    given = body.model_fields_set
    changes = {name: getattr(body, name) if name in given and getattr(body, name) is not None else UNSET
               for name in ("period", "status", "narrative", "lang", "links", "indicators")}  # fmt: skip
    report = progress.update_report(db, actor, report_id, version=body.version,
                                    remove_files=body.remove_files, **changes)  # fmt: skip
    return report_public(report)


@router.post(
    "/reports/{report_id}/review",
    response_model=ReportPublic,
    summary="Accept or return a submitted report (reviewers); accepting moves the task or project",
    responses=WRITE_RESPONSES,
)
def review_report(
    db: DatabaseDep,
    report_id: ReportId,
    body: ReviewIn,
    actor: Annotated[Principal, requires("report:review")],
) -> dict[str, Any]:
    report = progress.review_report(
        db, actor, report_id, decision=body.decision, comment=body.comment, version=body.version
    )
    return report_public(report)


@router.get(
    "/evidence/{file_id}",
    response_class=Response,
    summary="Download an evidence file (as an attachment; its type decided by its bytes)",
    responses={200: {"content": {"application/octet-stream": {}}, "description": "the file"}, **NOT_FOUND,
               422: BAD_INPUT[422]},
)  # fmt: skip
def download_evidence(session: SessionDep, file_id: FileId, actor: ActorDep) -> Response:
    meta, data = progress.get_evidence(session, file_id, actor)
    headers = {"Content-Disposition": content_disposition(meta.name), "X-Content-Type-Options": "nosniff",
               "Cache-Control": "private, no-store"}  # fmt: skip
    return Response(data, media_type=meta.content_type, headers=headers)


# -------------------------------------------------------------------------------------------- projects


@router.get(
    "/projects",
    response_model=ProjectsPublic,
    summary="The project register, filtered",
    responses=READ_RESPONSES,
)
def list_projects(
    session: SessionDep,
    type: Annotated[str | None, Query(max_length=64, description="the project's kind")] = None,
    status: ProjectStatus | None = None,
    body: Annotated[str | None, Query(max_length=64, description="lead, province or place code")] = None,
    q: Annotated[str | None, Query(max_length=200, description="words of the name")] = None,
) -> dict[str, Any]:
    found = projects.list_projects(session, type=type, status=status, body=body, q=q)
    return {"data": [project_public(p) for p in found], "count": len(found)}


@router.get(
    "/projects.geojson",
    response_model=FeatureCollection,
    summary="The projects as GeoJSON points, filtered like the register",
    responses=READ_RESPONSES,
)
def projects_geojson(
    session: SessionDep,
    type: Annotated[str | None, Query(max_length=64)] = None,
    status: ProjectStatus | None = None,
    body: Annotated[str | None, Query(max_length=64)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> dict[str, Any]:
    found = projects.list_projects(session, type=type, status=status, body=body, q=q)
    return projects.projects_geojson(session, found)


@router.get(
    "/projects/{project_id}", response_model=ProjectPublic, summary="One project", responses=READ_RESPONSES
)
def get_project(session: SessionDep, project_id: ProjectId) -> dict[str, Any]:
    return project_public(projects.get_project(session, project_id))


@router.patch(
    "/projects/{project_id}",
    response_model=ProjectPublic,
    summary="Edit a project's status, dates, lead or note (coordinators)",
    responses=WRITE_RESPONSES,
)
def update_project(
    db: DatabaseDep,
    project_id: ProjectId,
    body: ProjectUpdate,
    actor: Annotated[Principal, requires("project:manage")],
) -> dict[str, Any]:
    given = body.model_fields_set
    project = projects.update_project(
        db,
        actor,
        project_id,
        version=body.version,
        status=body.status if "status" in given and body.status is not None else UNSET,
        start=body.start if "start" in given else UNSET,
        end=body.end if "end" in given else UNSET,
        lead=body.lead if "lead" in given else UNSET,
        note=(body.note or "") if "note" in given else UNSET,
    )
    return project_public(project)
