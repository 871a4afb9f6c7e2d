"""`yrd task`, `yrd project`, `yrd reports` and `yrd comments`: supervision work from the console.

Each command parses its options, calls one function of the supervision library and prints the
result; every rule (who may do what, the task workflow, versions) lives in the library. The console
acts as the operator (`yrd.supervise.cli._operator`, an admin) except when filing a progress report,
which needs an author account: ``--as USER``.

The task and project groups are singular (`yrd task list`) like `yrd user` and `yrd token`:
`yrd tasks` and `yrd projects` already list what extraction found in a plan's text.
"""

from __future__ import annotations

import json
import mimetypes
import sys
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from yrd import clikit
from yrd.clikit import check_format, database, emit, errors, out
from yrd.errors import InputError
from yrd.supervise import accounts, comments, lists, progress, projects, tasks
from yrd.supervise.bodies import body_name
from yrd.supervise.cli import _operator
from yrd.supervise.records import UNSET, json_safe

task_app = typer.Typer(
    help="Tasks under supervision: list, show, assign, move along the workflow, export, what a body owes.",
    no_args_is_help=True,
)
project_app = typer.Typer(help="The register of major projects: list, edit.", no_args_is_help=True)
reports_app = typer.Typer(
    help="Progress reports on tasks and projects: list, file, review.", no_args_is_help=True
)
comments_app = typer.Typer(
    help="Public comments: the moderation queue, publish or reject.", no_args_is_help=True
)

Format = Annotated[str, typer.Option("--format", "-f", help="table, json or csv")]
Version = Annotated[int, typer.Option("--version", "-V", help="the version you read (see `show` or `list`)")]
Chapter = Annotated[str | None, typer.Option("--chapter", "-c", help="a chapter: 3 or chp_3")]
Body = Annotated[
    str | None, typer.Option("--body", "-b", help="a responsible body (lead or partner): 340000, …")
]
Status = Annotated[str | None, typer.Option("--status", "-s", help=", ".join(tasks.TASK_STATUSES))]
Overdue = Annotated[bool, typer.Option("--overdue", help="only open tasks past their deadline")]
AtRisk = Annotated[bool, typer.Option("--at-risk", help="only open tasks at risk")]
Query = Annotated[str | None, typer.Option("--q", "-q", help="words in the title, text or eId")]

TASK_COLUMNS = (
    "id",
    "chapter",
    "title",
    "lead",
    "partners",
    "deadline",
    "status",
    "overdue",
    "at_risk",
    "last_period",
    "version",
)
PROJECT_COLUMNS = ("id", "name", "type", "status", "start", "end", "lead", "provinces", "places", "version")
REPORT_COLUMNS = ("id", "subject", "period", "status", "body", "author", "review", "files", "version")
COMMENT_COLUMNS = (
    "id",
    "subject_kind",
    "subject_id",
    "author_name",
    "status",
    "created_at",
    "text",
    "version",
)


# ------------------------------------------------------------------------------------------ helpers


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _body(code: str | None) -> str:
    return f"{body_name(code, 'en')} ({code})" if code else "—"


def _task_dict(t: tasks.Task) -> dict[str, Any]:
    """A task as JSON: every field, dates as ISO strings."""
    return json_safe(asdict(t))  # type: ignore[no-any-return]


def _project_dict(p: projects.Project) -> dict[str, Any]:
    return json_safe(asdict(p))  # type: ignore[no-any-return]


def _report_dict(r: progress.Report) -> dict[str, Any]:
    data: dict[str, Any] = json_safe(asdict(r))
    data["subject"] = r.subject
    return data


def _changes(before: Mapping[str, Any], after: Mapping[str, Any], fields: Iterable[str]) -> str:
    """``field: old → new`` for every field that changed, so a write says what it did."""
    shown = []
    for name in fields:
        old, new = before.get(name), after.get(name)
        if old != new:
            shown.append(f"{name}: {_value(old)} → {_value(new)}")
    return "; ".join(shown) or "nothing changed"


def _value(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value)) or "—"
    return "—" if value in (None, "") else str(value)


def _task_table(found: list[tasks.Task], title: str) -> Table:
    table = Table("id", "ch.", "task", "lead", "partners", "deadline", "status", "flags", "v", title=title)
    for t in found:
        flags = " ".join(f for f, on in (("overdue", t.overdue), ("at-risk", t.at_risk)) if on)
        partners = ", ".join(t.partners[:3]) + (f" +{len(t.partners) - 3}" if len(t.partners) > 3 else "")
        table.add_row(
            str(t.id),
            t.chapter.removeprefix("chp_"),
            escape(_short(t.title)),
            escape(t.lead or "—"),
            escape(partners or "—"),
            t.deadline or "—",
            t.status,
            flags,
            str(t.version),
        )
    return table


def _emit_tasks(found: list[tasks.Task], format: str, title: str) -> None:
    rows = [_task_dict(t) for t in found]
    emit(rows, format, _task_table(found, title), lambda: clikit.to_csv(rows, TASK_COLUMNS, list_sep=" "))


def _filters(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v not in (None, "", False)}


def _one_format(format: str) -> None:
    """For commands that show one record: a table (readable text) or JSON, not CSV."""
    check_format(format)
    if format == "csv":
        raise InputError("--format must be table or json for one record, not 'csv'")


def _json(data: Any) -> None:
    """One record as JSON on stdout (lists go through `clikit.emit`)."""
    sys.stdout.write(json.dumps(json_safe(data), ensure_ascii=False, indent=1) + "\n")


# -------------------------------------------------------------------------------------------- tasks


@task_app.command("list")
def task_list(
    chapter: Chapter = None,
    body: Body = None,
    status: Status = None,
    overdue: Overdue = False,
    at_risk: AtRisk = False,
    q: Query = None,
    format: Format = "table",
) -> None:
    """List tasks (superseded ones only with --status superseded)."""
    with errors(), database() as db, db.read() as session:
        check_format(format)
        found = tasks.list_tasks(
            session,
            chapter=chapter,
            body=body,
            status=status,
            overdue=overdue or None,
            at_risk=at_risk or None,
            q=q,
        )
        _emit_tasks(found, format, f"{len(found)} tasks")


@task_app.command("show")
def task_show(
    task_id: int,
    history: Annotated[int, typer.Option("--history", "-n", min=0, max=500, help="audit entries")] = 10,
    format: Annotated[str, typer.Option("--format", "-f", help="table or json")] = "table",
) -> None:
    """One task with its milestones, progress reports and latest history."""
    with errors(), database() as db, db.read() as session:
        _one_format(format)
        t = tasks.get_task(session, task_id)
        reports = progress.list_reports(session, _operator(), task_id=task_id)
        entries = tasks.task_history(session, task_id, limit=history) if history else []
    if format == "json":
        _json(
            {
                **_task_dict(t),
                "reports": [_report_dict(r) for r in reports],
                "history": [asdict(e) for e in entries],
            }
        )
        return
    out.print(
        f"[bold]task {t.id}[/] (version {t.version}) · {escape(t.eid)} · [bold]{t.status}[/]"
        + (" · [red]overdue[/]" if t.overdue else "")
        + (" · [yellow]at risk[/]" if t.at_risk else "")
    )
    out.print(escape(t.title))
    out.print(f"lead: {escape(_body(t.lead))}")
    out.print(f"partners: {escape(', '.join(_body(p) for p in t.partners) or '—')}")
    out.print(f"deadline: {t.deadline or '—'}   last accepted report: {t.last_period or '—'}")
    if t.note:
        out.print(f"note: {escape(t.note)}")
    if t.milestones:
        table = Table("date", "milestone", "done", title="milestones")
        for m in t.milestones:
            table.add_row(m.date, escape(m.label), "yes" if m.done else "no")
        out.print(table)
    reports_table = Table("id", "period", "status", "author", "review", "v", title=f"{len(reports)} reports")
    for r in reports:
        reports_table.add_row(str(r.id), r.period, r.status, escape(r.author), r.review, str(r.version))
    out.print(reports_table)
    if entries:
        log = Table("#", "at (UTC)", "who", "what", "record", title="history (newest first)")
        for e in entries:
            log.add_row(str(e.seq), f"{e.at:%Y-%m-%d %H:%M}", escape(e.actor), e.action, e.entity)
        out.print(log)


@task_app.command("assign")
def task_assign(
    task_id: int,
    version: Version,
    lead: Annotated[str | None, typer.Option("--lead", help='the lead body ("" clears it)')] = None,
    partner: Annotated[
        list[str] | None,
        typer.Option("--partner", help='a partner body (repeat; replaces the list; "" clears)'),
    ] = None,
    deadline: Annotated[str | None, typer.Option("--deadline", help='YYYY-MM-DD ("" clears it)')] = None,
    note: Annotated[str | None, typer.Option("--note")] = None,
) -> None:
    """Set a task's lead, partners, deadline or note."""
    with errors(), database() as db:
        with db.read() as session:
            before = _task_dict(tasks.get_task(session, task_id))
        t = tasks.assign_task(
            db,
            _operator(),
            task_id,
            version=version,
            lead=UNSET if lead is None else lead,
            partners=UNSET if partner is None else partner,
            deadline=UNSET if deadline is None else deadline,
            note=UNSET if note is None else note,
        )
        changed = _changes(before, _task_dict(t), ("lead", "partners", "deadline", "note"))
        out.print(f"[green]task {t.id}[/] (version {t.version}): {escape(changed)}")


@task_app.command("status")
def task_status(
    task_id: int,
    status: Annotated[str, typer.Argument(help=", ".join(tasks.TASK_STATUSES))],
    version: Version,
    comment: Annotated[str, typer.Option("--comment", "-m", help="why (kept in the history)")] = "",
) -> None:
    """Move a task along the workflow (see docs/supervision.md)."""
    with errors(), database() as db:
        with db.read() as session:
            before = tasks.get_task(session, task_id).status
        t = tasks.change_status(db, _operator(), task_id, status=status, version=version, comment=comment)
        out.print(f"[green]task {t.id}[/] (version {t.version}): status: {before} → {t.status}")


@task_app.command("export")
def task_export(
    file: Annotated[Path, typer.Argument(help="the workbook to write (.xlsx)")],
    chapter: Chapter = None,
    body: Body = None,
    status: Status = None,
    overdue: Overdue = False,
    at_risk: AtRisk = False,
    q: Query = None,
    lang: Annotated[str, typer.Option("--lang", "-l", help="zh or en")] = "zh",
) -> None:
    """Write a task list as an Excel workbook (the filter is noted on its About sheet)."""
    with errors():
        if file.suffix.lower() != ".xlsx":
            raise InputError(f"{file}: the export is an Excel workbook; name it *.xlsx")
        if not file.parent.is_dir():
            raise InputError(f"{file}: cannot write (no folder {file.parent})")
        with database() as db, db.read() as session:
            found = tasks.list_tasks(
                session,
                chapter=chapter,
                body=body,
                status=status,
                overdue=overdue or None,
                at_risk=at_risk or None,
                q=q,
            )
        filters = _filters(chapter=chapter, body=body, status=status, overdue=overdue, at_risk=at_risk, q=q)
        data = lists.export_xlsx(found, lang, filters=filters)
        try:
            file.write_bytes(data)
        except OSError as exc:
            raise InputError(f"{file}: cannot write ({exc.strerror or exc})") from None
        out.print(f"[green]wrote[/] {len(found)} tasks to {escape(str(file))} ({len(data) // 1024 + 1} kB)")


@task_app.command("owes")
def task_owes(
    body: Annotated[str, typer.Argument(help="a responsible body: 340000, leading_group_office, …")],
    quarter: Annotated[str | None, typer.Option("--quarter", help="like 2026Q4 (default: this one)")] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="table or json")] = "table",
) -> None:
    """What a body owes in a quarter: tasks due, overdue tasks, reports awaiting review or returned."""
    with errors(), database() as db, db.read() as session:
        _one_format(format)
        view = lists.body_view(session, body, quarter=quarter, viewer=_operator())
    if format == "json":
        _json(
            {
                "body": view.body,
                "name": view.name,
                "quarter": view.quarter,
                "start": view.start,
                "end": view.end,
                "due": [_task_dict(t) for t in view.due],
                "overdue": [_task_dict(t) for t in view.overdue],
                "awaiting_review": [_report_dict(r) for r in view.awaiting_review],
                "returned": [_report_dict(r) for r in view.returned],
            }
        )
        return
    out.print(f"[bold]{escape(view.name)}[/] ({view.body}) · {view.quarter} ({view.start} – {view.end})")
    out.print(_task_table(list(view.due), f"{len(view.due)} tasks due in {view.quarter}"))
    out.print(_task_table(list(view.overdue), f"{len(view.overdue)} overdue tasks"))
    for what, found in (("awaiting review", view.awaiting_review), ("returned", view.returned)):
        table = Table("id", "subject", "period", "status", "author", title=f"{len(found)} reports {what}")
        for r in found:
            table.add_row(str(r.id), r.subject, r.period, r.status, escape(r.author))
        out.print(table)


@task_app.command("overdue")
def task_overdue(body: Body = None, format: Format = "table") -> None:
    """Open tasks past their deadline, earliest deadline first."""
    with errors(), database() as db, db.read() as session:
        check_format(format)
        found = lists.overdue(session, body=body)
        _emit_tasks(found, format, f"{len(found)} overdue tasks")


# ----------------------------------------------------------------------------------------- projects


@project_app.command("list")
def project_list(
    type: Annotated[str | None, typer.Option("--type", "-t", help="railway, port, park, …")] = None,
    status: Annotated[
        str | None, typer.Option("--status", "-s", help=", ".join(projects.PROJECT_STATUSES))
    ] = None,
    body: Annotated[str | None, typer.Option("--body", "-b", help="the lead, a province or a place")] = None,
    q: Annotated[str | None, typer.Option("--q", "-q", help="words in the name")] = None,
    format: Format = "table",
) -> None:
    """List the major projects."""
    with errors(), database() as db, db.read() as session:
        check_format(format)
        found = projects.list_projects(session, type=type, status=status, body=body, q=q)
        rows = [_project_dict(p) for p in found]
        table = Table(
            "id",
            "project",
            "type",
            "status",
            "start",
            "end",
            "lead",
            "provinces",
            "v",
            title=f"{len(found)} projects",
        )
        for p in found:
            table.add_row(
                str(p.id),
                escape(_short(p.name, 30)),
                p.type,
                p.status,
                p.start or "—",
                p.end or "—",
                escape(p.lead or "—"),
                " ".join(p.provinces) or "—",
                str(p.version),
            )
        emit(rows, format, table, lambda: clikit.to_csv(rows, PROJECT_COLUMNS, list_sep=" "))


@project_app.command("set")
def project_set(
    project_id: int,
    version: Version,
    status: Annotated[
        str | None, typer.Option("--status", "-s", help=", ".join(projects.PROJECT_STATUSES))
    ] = None,
    start: Annotated[str | None, typer.Option("--start", help='YYYY-MM-DD ("" clears it)')] = None,
    end: Annotated[str | None, typer.Option("--end", help='YYYY-MM-DD ("" clears it)')] = None,
    lead: Annotated[str | None, typer.Option("--lead", help='the lead body ("" clears it)')] = None,
    note: Annotated[str | None, typer.Option("--note")] = None,
) -> None:
    """Edit a project's status, dates, lead body or note."""
    with errors(), database() as db:
        with db.read() as session:
            before = _project_dict(projects.get_project(session, project_id))
        given = {"status": status, "start": start, "end": end, "lead": lead, "note": note}
        p = projects.update_project(
            db,
            _operator(),
            project_id,
            version=version,
            **{k: UNSET if v is None else v for k, v in given.items()},
        )  # type: ignore[arg-type]
        changed = _changes(before, _project_dict(p), given)
        out.print(f"[green]project {p.id}[/] (version {p.version}): {escape(changed)}")


# ------------------------------------------------------------------------------------------ reports


def _uploads(paths: Iterable[Path]) -> list[progress.Upload]:
    """Evidence files read from disk; each is named by its file name only (never its folders)."""
    found = []
    for path in paths:
        if not path.is_file():
            raise InputError(f"--file {path}: no such file")
        size = path.stat().st_size
        if size > progress.MAX_FILE_BYTES:
            raise InputError(
                f"--file {path}: {size:,} bytes; at most {progress.MAX_FILE_BYTES:,} are allowed"
            )
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"--file {path}: cannot read ({exc.strerror or exc})") from None
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        found.append(progress.Upload(path.name, kind, data))
    return found


@reports_app.command("list")
def reports_list(
    task: Annotated[int | None, typer.Option("--task", help="reports on this task")] = None,
    project: Annotated[int | None, typer.Option("--project", help="reports on this project")] = None,
    review: Annotated[str | None, typer.Option("--review", "-r", help=", ".join(progress.REVIEWS))] = None,
    body: Annotated[str | None, typer.Option("--body", "-b", help="filed for this body")] = None,
    format: Format = "table",
) -> None:
    """List progress reports, newest first."""
    with errors(), database() as db, db.read() as session:
        check_format(format)
        found = progress.list_reports(
            session, _operator(), task_id=task, project_id=project, review=review, body=body
        )
        rows = [_report_dict(r) for r in found]
        for row in rows:
            row["files"] = [f["name"] for f in row["files"]]
        table = Table(
            "id",
            "on",
            "period",
            "says",
            "body",
            "author",
            "review",
            "files",
            "v",
            title=f"{len(found)} reports",
        )
        for r in found:
            table.add_row(
                str(r.id),
                r.subject,
                r.period,
                r.status,
                r.body or "—",
                escape(r.author),
                r.review,
                str(len(r.files)),
                str(r.version),
            )
        emit(rows, format, table, lambda: clikit.to_csv(rows, REPORT_COLUMNS, list_sep=" "))


@reports_app.command("file")
def reports_file(
    as_user: Annotated[str, typer.Option("--as", help="the author's account (a reporter of the body)")],
    period: Annotated[str, typer.Option("--period", "-p", help="2026, 2026-H1, 2026Q3 or 2026-10")],
    status: Annotated[str, typer.Option("--status", "-s", help="what the report says the status is")],
    narrative: Annotated[str, typer.Option("--narrative", "-m", help="what was done")],
    task: Annotated[int | None, typer.Option("--task", help="a report on this task")] = None,
    project: Annotated[int | None, typer.Option("--project", help="a report on this project")] = None,
    file: Annotated[list[Path] | None, typer.Option("--file", help="evidence (repeat)")] = None,
    link: Annotated[list[str] | None, typer.Option("--link", help="a URL of evidence (repeat)")] = None,
    lang: Annotated[str, typer.Option("--lang", "-l", help="the narrative's language: zh or en")] = "zh",
    body: Annotated[str | None, typer.Option("--body", "-b", help="the body reported for")] = None,
) -> None:
    """File a progress report as a user, with evidence files and links; it awaits review."""
    with errors():
        if (task is None) == (project is None):
            raise InputError("give exactly one of --task ID or --project ID")
        uploads = _uploads(file or [])
        with database() as db:
            with db.read() as session:
                user = accounts.get_user(session, as_user)
            if not user.active:
                raise InputError(f"the account {as_user!r} is disabled")
            r = progress.file_report(
                db,
                user.principal(via="cli"),
                task_id=task,
                project_id=project,
                period=period,
                status=status,
                narrative=narrative,
                lang=lang,
                links=link or (),
                body=body,
                files=uploads,
            )
        names = ", ".join(f.name for f in r.files) or "none"
        out.print(
            f"[green]filed[/] report {r.id} on {r.subject} for {r.period} (says {r.status}; "
            f"files: {escape(names)}); awaiting review"
        )


@reports_app.command("review")
def reports_review(
    report_id: int,
    decision: Annotated[str, typer.Argument(help="accept or return")],
    version: Version,
    comment: Annotated[str, typer.Option("--comment", "-m", help="needed to return a report")] = "",
) -> None:
    """Accept or return a report; accepting moves its task's or project's status."""
    with errors(), database() as db:
        r = progress.review_report(
            db, _operator(), report_id, decision=decision, comment=comment, version=version
        )
        with db.read() as session:
            if r.task_id is not None:
                now = tasks.get_task(session, r.task_id).status
            else:
                now = projects.get_project(session, r.project_id or 0).status
        out.print(
            f"[green]report {r.id}[/] (version {r.version}): review: submitted → {r.review}; "
            f"{r.subject} is {now}"
        )


# ----------------------------------------------------------------------------------------- comments


@comments_app.command("queue")
def comments_queue(
    status: Annotated[str, typer.Option("--status", "-s", help=", ".join(comments.STATUSES))] = "pending",
    limit: Annotated[int, typer.Option("--limit", "-n", help=f"at most {comments.QUEUE_MAX}")] = 50,
    format: Format = "table",
) -> None:
    """Comments of one status: pending ones oldest first."""
    with errors(), database() as db, db.read() as session:
        check_format(format)
        found = comments.queue(session, status, limit=limit)
        rows = [c.public() for c in found]
        table = Table("id", "on", "by", "at (UTC)", "comment", "v", title=f"{len(found)} {status} comments")
        for c in found:
            table.add_row(
                str(c.id),
                escape(f"{c.subject_kind} {c.subject_id}"),
                escape(c.author_name or "—"),
                f"{c.created_at:%Y-%m-%d %H:%M}",
                escape(_short(c.text, 50)),
                str(c.version),
            )
        emit(rows, format, table, lambda: clikit.to_csv(rows, COMMENT_COLUMNS))


@comments_app.command("moderate")
def comments_moderate(
    comment_id: int,
    decision: Annotated[str, typer.Argument(help="publish or reject")],
    version: Version,
    note: Annotated[str, typer.Option("--note", "-m", help="why (seen by moderators)")] = "",
) -> None:
    """Publish or reject a comment."""
    with errors(), database() as db:
        with db.read() as session:
            before = comments.get_comment(session, comment_id).status
        c = comments.moderate(db, _operator(), comment_id, decision=decision, note=note, version=version)
        out.print(f"[green]comment {c.id}[/] (version {c.version}): status: {before} → {c.status}")


def register(app: typer.Typer) -> None:
    """Add `yrd task`, `yrd project`, `yrd reports` and `yrd comments` to the main CLI."""
    app.add_typer(task_app, name="task")
    app.add_typer(project_app, name="project")
    app.add_typer(reports_app, name="reports")
    app.add_typer(comments_app, name="comments")
