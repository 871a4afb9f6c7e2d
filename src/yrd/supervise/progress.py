"""Progress reports on tasks and projects, their evidence files, and the coordinator's review.

A reporter files a report for one of its bodies; it is ``submitted`` until a coordinator accepts it
(then it is public and, for a task, moves the task to the status it reports) or returns it with a
comment (then its author edits it, which submits it again).

Who sees a report: everyone once it is accepted; before that (submitted or returned) only reviewers
(``report:review``), its author and reporters of the body it was filed for (or, with no body, of the
subject's bodies). To everyone else it does not exist: `NotFoundError`, as for a wrong id.

Evidence files are kept in the database with the report (all or nothing). Their type is decided by
their bytes, never by the name or the declared type: PDF, PNG, JPEG, Excel (XLSX), Word (DOCX) or
UTF-8 text (CSV or plain). Their names are cleaned for display only and are never used as a path.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from yrd.db import Database
from yrd.db.models import EvidenceFileRow, IndicatorRow, ProgressReportRow, ProjectRow, TaskRow, UserRow
from yrd.errors import ConflictError, ForbiddenError, InputError, NotFoundError
from yrd.supervise.projects import (
    PROJECT_STATUSES,
    check_project_status,
    provinces_of,
    regions_by_code,
    snapshot_project,
)
from yrd.supervise.records import UNSET, Tx, _Unset, check_text, now, snapshot, utc, versioned
from yrd.supervise.roles import BODY_BOUND, Principal
from yrd.supervise.tasks import SUPERSEDED, check_move, move, require_move

REPORT_TASK_STATUSES = ("not_started", "in_progress", "delayed", "completed")
REVIEWS = ("submitted", "accepted", "returned")
DECISIONS = {"accept": "accepted", "return": "returned"}
LANGS = ("zh", "en")
MAX_FILES = 5
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_LINKS = 20
MAX_INDICATORS = 50
MAX_NARRATIVE = 20_000
MAX_NAME = 120
_PERIOD = re.compile(r"^(\d{4})(?:Q([1-4])|-H([12])|-(0[1-9]|1[0-2]))?$")
_FIELDS = ("id", "task_id", "project_id", "period", "status", "narrative", "lang", "links", "indicators",
           "body", "author_id", "review", "review_comment", "reviewer_id", "version")  # fmt: skip

# Sniffed kinds: content type and the file name endings that go with it.
_KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "pdf": ("application/pdf", (".pdf",)),
    "png": ("image/png", (".png",)),
    "jpeg": ("image/jpeg", (".jpg", ".jpeg")),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)),
    "csv": ("text/csv", (".csv",)),
    "text": ("text/plain", (".txt", ".md", ".text")),
}
# Signatures of common refused files, only to say what a refused file looks like.
_LOOKS_LIKE = ((b"MZ", "a Windows program"), (b"\x7fELF", "a Linux program"), (b"GIF8", "a GIF image"),
               (b"\xd0\xcf\x11\xe0", "an old Office (97-2003) document"), (b"Rar!", "a RAR archive"),
               (b"\x1f\x8b", "a gzip archive"), (b"7z\xbc\xaf", "a 7-Zip archive"), (b"<", "HTML or XML"),
               (b"#!", "a script"))  # fmt: skip
ALLOWED_TYPES = "PDF, PNG, JPEG, Excel (.xlsx), Word (.docx), CSV or plain UTF-8 text"


@dataclass(frozen=True)
class Upload:
    """An uploaded file as received; ``name`` and ``content_type`` are the client's claims only."""

    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class EvidenceFile:
    id: int
    report_id: int
    name: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime


@dataclass(frozen=True)
class Report:
    id: int
    task_id: int | None
    project_id: int | None
    period: str
    status: str
    narrative: str
    lang: str
    links: tuple[str, ...]
    indicators: tuple[str, ...]
    body: str | None
    author_id: int
    author: str  # the author's user name
    review: str
    review_comment: str
    reviewer_id: int | None
    version: int
    created_at: datetime
    reviewed_at: datetime | None
    files: tuple[EvidenceFile, ...] = ()

    @property
    def subject(self) -> str:
        return f"task:{self.task_id}" if self.task_id is not None else f"project:{self.project_id}"


# ------------------------------------------------------------------------------------- validation


def check_period(period: object) -> str:
    """A reporting period: a year (2026), a half (2026-H1), a quarter (2026Q3) or a month (2026-10).

    Raises:
        InputError: any other form, or a year outside 2000–2100.
    """
    text = period.strip() if isinstance(period, str) else ""
    match = _PERIOD.match(text)
    if not match or not 2000 <= int(match.group(1)) <= 2100:
        raise InputError(
            f"period {period!r} is not a reporting period: write a year (2026), a half year (2026-H1), "
            "a quarter (2026Q3) or a month (2026-10), in the years 2000–2100"
        )
    return text


def check_links(links: object) -> list[str]:
    """http(s) URLs, at most `MAX_LINKS`, duplicates dropped."""
    if isinstance(links, str | bytes) or not isinstance(links, Iterable):
        raise InputError(f"links must be a list of web addresses, not {links!r}")
    out: list[str] = []
    for i, link in enumerate(links, 1):
        url = link.strip() if isinstance(link, str) else ""
        try:
            parts = urlsplit(url)
        except ValueError:
            parts = None
        bad = any(ch.isspace() or unicodedata.category(ch) == "Cc" for ch in url)
        if not parts or parts.scheme.lower() not in ("http", "https") or not parts.hostname or bad:
            raise InputError(
                f"link {i} {link!r} is not a web address: it must start with http:// or https://"
            )
        if len(url) > 2000:
            raise InputError(f"link {i} is {len(url)} characters long; at most 2000 are allowed")
        if url not in out:
            out.append(url)
    if len(out) > MAX_LINKS:
        raise InputError(f"{len(out)} links given; at most {MAX_LINKS} are allowed")
    return out


def check_indicators(session: Session, codes: object) -> list[str]:
    """Codes of the indicator registry, duplicates dropped."""
    if isinstance(codes, str | bytes) or not isinstance(codes, Iterable):
        raise InputError(f"indicators must be a list of indicator codes, not {codes!r}")
    wanted = list(dict.fromkeys(str(c).strip() for c in codes))
    if len(wanted) > MAX_INDICATORS:
        raise InputError(f"{len(wanted)} indicators given; at most {MAX_INDICATORS} are allowed")
    if wanted:
        known = set(session.scalars(select(IndicatorRow.code).where(IndicatorRow.code.in_(wanted))))
        unknown = [c for c in wanted if c not in known]
        if unknown:
            raise InputError(
                f"unknown indicator code(s) {', '.join(map(repr, unknown))}: see `yrd indicators`"
            )
    return wanted


def clean_name(name: object) -> str:
    """A file name fit for display: no directory part (/ or \\), no control or format characters, no
    leading dots, at most `MAX_NAME` characters (keeping the extension); 'evidence' when nothing is left.

    Example:
        >>> clean_name("../../etc/passwd"), clean_name("..\\\\..\\\\x.pdf"), clean_name("..")
        ('passwd', 'x.pdf', 'evidence')
    """
    text = unicodedata.normalize("NFC", name if isinstance(name, str) else "")
    text = re.split(r"[/\\]", text)[-1]
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("C"))
    text = text.strip().lstrip(".").strip()
    if len(text) > MAX_NAME:
        stem, dot, ext = text.rpartition(".")
        ext = f".{ext}" if dot and stem and len(ext) <= 10 else ""
        text = text[: MAX_NAME - len(ext)].rstrip() + ext
    return text or "evidence"


def _zip_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    if any(n.startswith("word/") for n in names):
        return "docx"
    return None


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def sniff(data: bytes, name: str = "") -> str | None:
    """The kind of file the bytes are (a key of the allowed kinds), or None. The name only tells CSV
    from other text."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if _is_text(data):
        return "csv" if name.lower().endswith(".csv") else "text"
    return None


def _refusal(name: str, data: bytes) -> str:
    looks = next((what for magic, what in _LOOKS_LIKE if data.startswith(magic)), None)
    if data.startswith(b"PK\x03\x04"):
        looks = "a ZIP archive that is not an Excel or Word file"
    elif looks is None:
        looks = "binary data" if b"\x00" in data else "text that is not UTF-8"
    return f"evidence file {name!r} is refused: its content is {looks}; allowed are {ALLOWED_TYPES}"


@dataclass(frozen=True)
class _Checked:
    name: str
    content_type: str
    data: bytes
    sha256: str


def check_files(files: Sequence[Upload], already: int = 0) -> list[_Checked]:
    """The uploads, each checked by its bytes, with clean names.

    Raises:
        InputError: too many files, an empty or too large one, a type not allowed (naming the file).
    """
    files = list(files)
    if len(files) + already > MAX_FILES:
        have = f" (the report already has {already})" if already else ""
        raise InputError(f"{len(files)} evidence files given{have}; at most {MAX_FILES} per report")
    out: list[_Checked] = []
    for upload in files:
        name = clean_name(upload.name)
        data = bytes(upload.data)
        if not data:
            raise InputError(f"evidence file {name!r} is empty")
        if len(data) > MAX_FILE_BYTES:
            raise InputError(f"evidence file {name!r} is {len(data):,} bytes; at most {MAX_FILE_BYTES:,} "
                             f"bytes ({MAX_FILE_BYTES / 1024 / 1024:g} MiB) are allowed")  # fmt: skip
        kind = sniff(data, name)
        if kind is None:
            raise InputError(_refusal(name, data))
        content_type, endings = _KINDS[kind]
        if not name.lower().endswith(endings):  # the name says what the bytes are (photo.pdf.png)
            name = clean_name(name + endings[0])
        out.append(_Checked(name, content_type, data, hashlib.sha256(data).hexdigest()))
    return out


# ---------------------------------------------------------------------------------------- reading


def _files(session: Session, report_ids: Sequence[int]) -> dict[int, list[EvidenceFile]]:
    if not report_ids:
        return {}
    f = EvidenceFileRow
    columns = (f.id, f.report_id, f.name, f.content_type, f.size, f.sha256, f.created_at)
    query = select(*columns).where(EvidenceFileRow.report_id.in_(report_ids)).order_by(EvidenceFileRow.id)
    out: dict[int, list[EvidenceFile]] = {}
    for r in session.execute(query):
        out.setdefault(r.report_id, []).append(_meta(r))
    return out


def _report(row: ProgressReportRow, author: str, files: Iterable[EvidenceFile]) -> Report:
    return Report(
        id=row.id,
        task_id=row.task_id,
        project_id=row.project_id,
        period=row.period,
        status=row.status,
        narrative=row.narrative,
        lang=row.lang,
        links=tuple(row.links or ()),
        indicators=tuple(row.indicators or ()),
        body=row.body,
        author_id=row.author_id,
        author=author,
        review=row.review,
        review_comment=row.review_comment,
        reviewer_id=row.reviewer_id,
        version=row.version,
        created_at=utc(row.created_at) or row.created_at,
        reviewed_at=utc(row.reviewed_at),
        files=tuple(files),
    )


class _Bodies:
    """The responsible bodies of reports' subjects, looked up once per call."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._regions: Mapping[str, Any] | None = None
        self._cache: dict[str, tuple[str, ...]] = {}

    def of_task(self, row: TaskRow) -> tuple[str, ...]:
        return tuple(b for b in (row.lead, *(row.partners or [])) if b)

    def of_project(self, row: ProjectRow) -> tuple[str, ...]:
        if row.lead:
            return (row.lead,)
        if self._regions is None:
            self._regions = regions_by_code(self.session)
        return provinces_of(row.places or (), self._regions)

    def of_report(self, row: ProgressReportRow) -> tuple[str, ...]:
        key = f"t{row.task_id}" if row.task_id is not None else f"p{row.project_id}"
        if key not in self._cache:
            if row.task_id is not None:
                task = self.session.get(TaskRow, row.task_id)
                self._cache[key] = self.of_task(task) if task else ()
            else:
                project = self.session.get(ProjectRow, row.project_id)
                self._cache[key] = self.of_project(project) if project else ()
        return self._cache[key]


def can_see(viewer: Principal, row: ProgressReportRow, subject_bodies: Iterable[str]) -> bool:
    """Whether a viewer may see a report (see the module docstring)."""
    if row.review == "accepted" or viewer.can("report:review"):
        return True
    if viewer.user_id is not None and viewer.user_id == row.author_id:
        return True
    if viewer.role in BODY_BOUND and viewer.can("report:file"):
        bodies = {row.body} if row.body else set(subject_bodies)
        return bool(bodies & set(viewer.bodies))
    return False


def _authors(session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    query = select(UserRow.id, UserRow.username).where(UserRow.id.in_(wanted))
    return {r.id: r.username for r in session.execute(query)}


def _visible_row(session: Session, report_id: int, viewer: Principal) -> ProgressReportRow:
    row = session.get(ProgressReportRow, report_id)
    if row is None or not can_see(viewer, row, _Bodies(session).of_report(row)):
        raise NotFoundError(f"no progress report with id {report_id}")
    return row


def get_report(session: Session, report_id: int, viewer: Principal) -> Report:
    """One report, if the viewer may see it.

    Raises:
        NotFoundError: no such report, or one the viewer may not see (the two are not told apart).
    """
    row = _visible_row(session, report_id, viewer)
    return _report(
        row,
        _authors(session, [row.author_id]).get(row.author_id, ""),
        _files(session, [row.id]).get(row.id, []),
    )


def list_reports(
    session: Session,
    viewer: Principal,
    *,
    task_id: int | None = None,
    project_id: int | None = None,
    review: str | None = None,
    body: str | None = None,
) -> list[Report]:
    """The reports the viewer may see, newest first, filtered by subject, review state and body.

    ``body`` matches the body a report was filed for.

    Raises:
        InputError: an unknown review state.
    """
    query = select(ProgressReportRow).order_by(ProgressReportRow.id.desc())
    if task_id is not None:
        query = query.where(ProgressReportRow.task_id == task_id)
    if project_id is not None:
        query = query.where(ProgressReportRow.project_id == project_id)
    if review is not None:
        if review not in REVIEWS:
            raise InputError(f"review {review!r} must be one of {', '.join(REVIEWS)}")
        query = query.where(ProgressReportRow.review == review)
    if body:
        query = query.where(ProgressReportRow.body == body)
    bodies = _Bodies(session)
    rows = [r for r in session.scalars(query) if can_see(viewer, r, bodies.of_report(r))]
    authors = _authors(session, (r.author_id for r in rows))
    files = _files(session, [r.id for r in rows])
    return [_report(r, authors.get(r.author_id, ""), files.get(r.id, [])) for r in rows]


def get_evidence(session: Session, file_id: int, viewer: Principal) -> tuple[EvidenceFile, bytes]:
    """An evidence file's description and bytes, if the viewer may see its report.

    Raises:
        NotFoundError: no such file, or one of a report the viewer may not see.
    """
    row = session.get(EvidenceFileRow, file_id)
    if row is None:
        raise NotFoundError(f"no evidence file with id {file_id}")
    try:
        _visible_row(session, row.report_id, viewer)
    except NotFoundError:
        raise NotFoundError(f"no evidence file with id {file_id}") from None
    return _meta(row), bytes(row.data)


# ---------------------------------------------------------------------------------------- writing


def _snapshot(row: ProgressReportRow, files: Iterable[EvidenceFileRow]) -> dict[str, Any]:
    """A report's public fields and its files' descriptions (never their bytes)."""
    out = snapshot(row, _FIELDS)
    out["files"] = [{"id": f.id, "name": f.name, "content_type": f.content_type, "size": f.size,
                     "sha256": f.sha256} for f in files]  # fmt: skip
    return out


def _report_files(session: Session, report_id: int) -> list[EvidenceFileRow]:
    # Only the description columns: the bytes are not loaded to describe a report.
    return list(
        session.scalars(
            select(EvidenceFileRow)
            .where(EvidenceFileRow.report_id == report_id)
            .order_by(EvidenceFileRow.id)
            .options(defer(EvidenceFileRow.data))
        )
    )


def _choose_body(actor: Principal, subject: str, bodies: Sequence[str], body: str | None) -> str | None:
    """The body a report is filed for: the one given, else the reporter's first body among the
    subject's, else the subject's first body."""
    if body is not None:
        if body not in bodies:
            theirs = ", ".join(bodies) or "none assigned yet"
            raise InputError(f"body {body!r} is not responsible for {subject} (its bodies: {theirs})")
        actor.require_body([body], f"filing for {body}")
        return body
    if actor.role in BODY_BOUND:
        return next((b for b in actor.bodies if b in bodies), None)
    return bodies[0] if bodies else None


def _add_files(session: Session, report_id: int, files: Iterable[_Checked]) -> None:
    stamp = now()
    session.add_all(
        EvidenceFileRow(
            report_id=report_id,
            name=f.name,
            content_type=f.content_type,
            size=len(f.data),
            sha256=f.sha256,
            data=f.data,
            created_at=stamp,
        )
        for f in files
    )


def file_report(
    db: Database,
    actor: Principal,
    *,
    task_id: int | None = None,
    project_id: int | None = None,
    period: str,
    status: str,
    narrative: str,
    lang: str = "zh",
    links: Iterable[str] = (),
    indicators: Iterable[str] = (),
    body: str | None = None,
    files: Sequence[Upload] = (),
) -> Report:
    """File a progress report on one task or one project, with its evidence files (all or nothing).

    Raises:
        ForbiddenError / AuthError: without ``report:file``, or a reporter not of the subject's bodies.
        InputError: no author account, not exactly one subject, a bad period, status, narrative,
            language, link, indicator or file (the message names it).
        NotFoundError: no such task or project.
        ConflictError: the task is superseded.
    """
    actor.require("report:file")
    if actor.user_id is None:
        raise InputError(f"a progress report needs an author account; {actor.username!r} is not a user: "
                         "act as a user (--as USER)")  # fmt: skip
    if (task_id is None) == (project_id is None):
        raise InputError(
            "a progress report is on exactly one task or one project: give task_id or project_id"
        )
    with db.read() as session:
        bodies_of = _Bodies(session)
        if task_id is not None:
            task = session.get(TaskRow, task_id)
            if task is None:
                raise NotFoundError(f"no task with id {task_id}")
            subject, bodies, statuses = f"task {task_id}", bodies_of.of_task(task), REPORT_TASK_STATUSES
            if task.status == SUPERSEDED:
                raise ConflictError(f"task {task_id} is superseded; report on the tasks that replace it")
        else:
            project = session.get(ProjectRow, project_id)
            if project is None:
                raise NotFoundError(f"no project with id {project_id}")
            subject, bodies, statuses = (
                f"project {project_id}",
                bodies_of.of_project(project),
                PROJECT_STATUSES,
            )
        actor.require_body(bodies, subject)
        chosen = _choose_body(actor, subject, bodies, body)
        checked_indicators = check_indicators(session, indicators)
    checked_period = check_period(period)
    if status not in statuses:
        raise InputError(f"status {status!r} cannot be reported on a {subject.split()[0]}: use one of "
                         f"{', '.join(statuses)}")  # fmt: skip
    text = check_text(narrative, "narrative", max_len=MAX_NARRATIVE, min_len=1)
    if lang not in LANGS:
        raise InputError(f"lang {lang!r} must be one of {', '.join(LANGS)}")
    checked_links = check_links(links)
    checked_files = check_files(files)
    with versioned(db, actor.username) as tx:
        row = ProgressReportRow(task_id=task_id, project_id=project_id, period=checked_period, status=status,
                                narrative=text, lang=lang, links=checked_links, indicators=checked_indicators,
                                body=chosen, author_id=actor.user_id, review="submitted", review_comment="",
                                reviewer_id=None, version=1, created_at=now(), reviewed_at=None)  # fmt: skip
        tx.session.add(row)
        tx.session.flush()
        _add_files(tx.session, row.id, checked_files)
        tx.session.flush()
        stored = _report_files(tx.session, row.id)
        tx.log("report.file", f"report:{row.id}", None, _snapshot(row, stored))
        report = _report(row, actor.username, [_meta(f) for f in stored])
    return report


def _meta(f: Any) -> EvidenceFile:
    """The description of an evidence file (a row or a row of its columns)."""
    return EvidenceFile(
        f.id, f.report_id, f.name, f.content_type, f.size, f.sha256, utc(f.created_at) or f.created_at
    )


def update_report(
    db: Database,
    actor: Principal,
    report_id: int,
    *,
    version: int,
    period: str | _Unset = UNSET,
    status: str | _Unset = UNSET,
    narrative: str | _Unset = UNSET,
    lang: str | _Unset = UNSET,
    links: Iterable[str] | _Unset = UNSET,
    indicators: Iterable[str] | _Unset = UNSET,
    add_files: Sequence[Upload] = (),
    remove_files: Iterable[int] = (),
) -> Report:
    """The author edits a submitted or returned report; it is submitted (again) for review.

    Raises:
        NotFoundError: no such report, or one the actor may not see.
        ForbiddenError: not the author, or no longer a reporter of the report's body.
        InputError: a bad field or file, a file id not of this report, nothing to change.
        ConflictError: a stale ``version``, or the report is already accepted.
    """
    actor.require("report:file")
    with db.read() as session:  # who may change it comes before what is wrong with the change
        row = _visible_row(session, report_id, actor)
        if actor.user_id is None or row.author_id != actor.user_id:
            raise ForbiddenError(f"only the author of report {report_id} may change it")
        actor.require_body([row.body] if row.body else _Bodies(session).of_report(row), f"report {report_id}")
    remove = set(remove_files)
    fields = (period, status, narrative, lang, links, indicators)
    if all(v is UNSET for v in fields) and not add_files and not remove:
        raise InputError(
            "nothing to change: give period, status, narrative, lang, links, indicators or files"
        )
    checked_period = period if isinstance(period, _Unset) else check_period(period)
    text = (
        narrative
        if isinstance(narrative, _Unset)
        else check_text(narrative, "narrative", max_len=MAX_NARRATIVE, min_len=1)
    )
    if not isinstance(lang, _Unset) and lang not in LANGS:
        raise InputError(f"lang {lang!r} must be one of {', '.join(LANGS)}")
    checked_links = links if isinstance(links, _Unset) else check_links(links)
    with db.read() as session:
        checked_indicators = (
            indicators if isinstance(indicators, _Unset) else check_indicators(session, indicators)
        )
        statuses = REPORT_TASK_STATUSES if row.task_id is not None else PROJECT_STATUSES
    if not isinstance(status, _Unset) and status not in statuses:
        raise InputError(f"status {status!r} cannot be reported here: use one of {', '.join(statuses)}")
    with versioned(db, actor.username) as tx:
        row = tx.load(ProgressReportRow, report_id, "report", version)
        if row.review == "accepted":
            raise ConflictError(f"report {report_id} is accepted already and can no longer be changed")
        current = _report_files(tx.session, report_id)
        unknown = sorted(remove - {f.id for f in current})
        if unknown:
            raise InputError(
                f"evidence file(s) {', '.join(map(str, unknown))} are not files of report {report_id}"
            )
        checked_files = check_files(add_files, already=len(current) - len(remove))
        before = _snapshot(row, current)
        changes = {"period": checked_period, "status": status, "narrative": text, "lang": lang,
                   "links": checked_links, "indicators": checked_indicators}  # fmt: skip
        for name, value in changes.items():
            if not isinstance(value, _Unset):
                setattr(row, name, value)
        for f in current:
            if f.id in remove:
                tx.session.delete(f)
        _add_files(tx.session, report_id, checked_files)
        row.review, row.review_comment, row.reviewer_id, row.reviewed_at = "submitted", "", None, None
        tx.session.flush()
        stored = _report_files(tx.session, report_id)
        tx.log("report.update", f"report:{report_id}", before, _snapshot(row, stored))
        report = _report(row, actor.username, [_meta(f) for f in stored])
    return report


def review_report(
    db: Database, actor: Principal, report_id: int, *, decision: str, comment: str = "", version: int
) -> Report:
    """Accept or return a submitted report.

    Accepting a task report that says in_progress, delayed or completed moves the task to that status
    (when it is not there already); accepting a project report sets the project's status. Both
    changes are audited with the review.

    Raises:
        ForbiddenError / AuthError: without ``report:review`` (or ``task:manage`` for the task's move).
        InputError: an unknown decision, a return without a comment.
        NotFoundError: no such report.
        ConflictError: a stale ``version``, a report not awaiting review, a task move the workflow
            does not allow from the task's current status.
    """
    actor.require("report:review")
    if decision not in DECISIONS:
        raise InputError(f"decision {decision!r} must be accept or return")
    comment = check_text(comment, "comment", max_len=MAX_NARRATIVE)
    if decision == "return" and not comment:
        raise InputError("say why the report is returned: a comment is needed")
    with versioned(db, actor.username) as tx:
        row = tx.load(ProgressReportRow, report_id, "report", version)
        if row.review != "submitted":
            raise ConflictError(f"report {report_id} is {row.review}, not awaiting review")
        files = _report_files(tx.session, report_id)
        before = _snapshot(row, files)
        row.review, row.review_comment = DECISIONS[decision], comment
        row.reviewer_id, row.reviewed_at = actor.user_id, now()
        tx.session.flush()
        tx.log("report.review", f"report:{report_id}", before, _snapshot(row, files))
        if decision == "accept":
            _apply(tx, actor, row)
        authors = _authors(tx.session, [row.author_id])
        report = _report(row, authors.get(row.author_id, ""), [_meta(f) for f in files])
    return report


def _apply(tx: Tx, actor: Principal, report: ProgressReportRow) -> None:
    """What an accepted report changes: the task's or the project's status."""
    if report.task_id is not None:
        if report.status not in ("in_progress", "delayed", "completed"):
            return
        task = tx.load(TaskRow, report.task_id, "task")
        if task.status == report.status:
            return
        try:
            permission = check_move(task, report.status)
        except ConflictError as exc:
            raise ConflictError(
                f"accepting report {report.id} would move task {task.id} from {task.status} to "
                f"{report.status}: {exc}; change the task first or return the report"
            ) from None
        require_move(actor, task, permission)
        move(tx, task, report.status, f"accepted report {report.id}")
    else:
        project = tx.load(ProjectRow, report.project_id, "project")  # type: ignore[arg-type]
        check_project_status(report.status)
        if project.status == report.status:
            return
        before = snapshot_project(project)
        project.status = report.status
        project.updated_at = now()
        tx.session.flush()
        tx.log(
            "project.update",
            f"project:{project.id}",
            before,
            {**snapshot_project(project), "report": report.id},
        )
