"""Progress reports: filing with validation (periods, links, indicators, evidence files sniffed by their
bytes, cleaned names), who sees what, the review and its effects, the author's edits. All users,
tasks, projects, reports and files are SYNTHETIC."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import UTC, datetime

import openpyxl
import pytest
from sqlalchemy import func, select

from tests.supervise.test_tasks import add_project, add_task, add_user, read
from yrd.db import Database
from yrd.db.models import EvidenceFileRow, IndicatorRow, ProgressReportRow
from yrd.errors import AuthError, ConflictError, ForbiddenError, InputError, NotFoundError
from yrd.supervise import audit, progress, roles
from yrd.supervise.progress import (
    Upload,
    check_links,
    check_period,
    clean_name,
    file_report,
    get_evidence,
    get_report,
    list_reports,
    review_report,
    sniff,
    update_report,
)
from yrd.supervise.projects import get_project
from yrd.supervise.roles import Principal
from yrd.supervise.tasks import change_status

PDF = b"%PDF-1.7\n% SYNTHETIC\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16
CSV = "地区,值\n340000,1.5\n".encode()
EXE = b"MZ\x90\x00\x03" + b"\x00" * 60


def _zip(*names: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name in names:
            z.writestr(name, "<x/>")
    return buf.getvalue()


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["SYNTHETIC", 1])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


DOCX = _zip("[Content_Types].xml", "word/document.xml")


# -------------------------------------------------------------------------------------- pure checks


def test_periods() -> None:
    for good in ("2026", "2026Q1", "2026Q4", "2026-H1", "2026-H2", "2026-01", "2026-12", " 2026Q3 "):
        assert check_period(good) == good.strip()
    for bad in (
        "2026Q5",
        "2026-13",
        "2026-H3",
        "26Q1",
        "2026 Q1",
        "1999",
        "2101Q1",
        "2026-1",
        "",
        None,
        2026,
    ):
        with pytest.raises(InputError, match="is not a reporting period"):
            check_period(bad)


def test_links() -> None:
    assert check_links(["https://example.org/a", " http://example.org/b ", "https://example.org/a"]) == [
        "https://example.org/a",
        "http://example.org/b",
    ]
    for bad in ("ftp://example.org", "javascript:alert(1)", "example.org", "https://", "https://a b.org", 5):
        with pytest.raises(InputError, match="is not a web address"):
            check_links([bad])
    with pytest.raises(InputError, match="21 links given; at most 20"):
        check_links([f"https://example.org/{i}" for i in range(21)])
    with pytest.raises(InputError, match="must be a list"):
        check_links("https://example.org")


def test_clean_names() -> None:
    assert clean_name("../../etc/passwd") == "passwd"
    assert clean_name("..\\..\\x.pdf") == "x.pdf"
    assert clean_name("C:\\Users\\a\\报告.pdf") == "报告.pdf"
    assert clean_name("/abs/path/.hidden.pdf") == "hidden.pdf"
    assert clean_name("evil\x00name\r\n.pdf") == "evilname.pdf"
    assert clean_name("rtl\u202egnp.pdf") == "rtlgnp.pdf"  # the right-to-left override is a format character
    assert clean_name("..") == clean_name("") == clean_name("  ") == clean_name("/") == "evidence"
    long = clean_name("a" * 300 + ".xlsx")
    assert len(long) == 120 and long.endswith(".xlsx")


def test_sniffing_ignores_the_name() -> None:
    assert sniff(PDF) == "pdf" and sniff(PNG, "x.pdf") == "png" and sniff(JPEG) == "jpeg"
    assert sniff(_xlsx()) == "xlsx" and sniff(DOCX, "a.txt") == "docx"
    assert sniff(CSV, "a.csv") == "csv" and sniff(CSV, "a.txt") == "text"
    assert sniff(EXE, "report.pdf") is None
    assert sniff(_zip("a.txt")) is None  # a zip that is not an Office file
    assert sniff(_zip("[Content_Types].xml", "ppt/slide1.xml")) is None  # PowerPoint is not allowed
    assert sniff(b"PK\x03\x04 not really a zip") is None
    assert sniff(b"text with NUL\x00") is None
    assert sniff("GBK 文本".encode("gbk")) is None


def test_check_files_names_and_types(monkeypatch: pytest.MonkeyPatch) -> None:
    files = progress.check_files(
        [
            Upload("../../etc/passwd", "text/plain", b"SYNTHETIC root:x:0:0"),
            Upload("..\\..\\x.pdf", "application/pdf", PDF),
            Upload("photo.pdf", "application/pdf", PNG),
        ]
    )
    assert [(f.name, f.content_type) for f in files] == [
        ("passwd.txt", "text/plain"),
        ("x.pdf", "application/pdf"),
        ("photo.pdf.png", "image/png"),
    ]
    assert files[1].sha256 == hashlib.sha256(PDF).hexdigest()
    with pytest.raises(
        InputError, match=r"evidence file 'report.pdf' is refused: its content is a Windows program"
    ):
        progress.check_files([Upload("report.pdf", "application/pdf", EXE)])
    with pytest.raises(InputError, match=r"'x.docx' is refused: its content is a ZIP archive that is not"):
        progress.check_files([Upload("x.docx", "application/zip", _zip("a.txt"))])
    with pytest.raises(InputError, match=r"'empty.csv' is empty"):
        progress.check_files([Upload("empty.csv", "text/csv", b"")])
    with pytest.raises(InputError, match="6 evidence files given; at most 5 per report"):
        progress.check_files([Upload(f"{i}.pdf", "", PDF) for i in range(6)])
    monkeypatch.setattr(progress, "MAX_FILE_BYTES", 32)
    with pytest.raises(InputError, match=r"evidence file 'big.csv' is 33 bytes; at most 32 bytes"):
        progress.check_files([Upload("big.csv", "text/csv", b"x" * 33)])
    assert progress.check_files([Upload("ok.csv", "text/csv", b"x" * 32)])[0].content_type == "text/csv"


# ------------------------------------------------------------------------------------------ filing


@pytest.fixture
def people(db: Database) -> dict[str, Principal]:
    return {
        "cora": add_user(db, "cora", "coordinator"),
        "wan": add_user(db, "wan", "reporter", ["340000"]),
        "wan2": add_user(db, "wan2", "reporter", ["340000"]),
        "su": add_user(db, "su", "reporter", ["320000"]),
        "ana": add_user(db, "ana", "analyst"),
    }


def _counts(db: Database) -> tuple[int, int]:
    with db.read() as s:
        reports = s.scalar(select(func.count()).select_from(ProgressReportRow)) or 0
        files = s.scalar(select(func.count()).select_from(EvidenceFileRow)) or 0
    return reports, files


def _file(db: Database, actor: Principal, task_id: int, **kw: object) -> progress.Report:
    args: dict[str, object] = {"period": "2026Q3", "status": "in_progress", "narrative": "SYNTHETIC progress"}
    return file_report(db, actor, task_id=task_id, **{**args, **kw})  # type: ignore[arg-type]


def test_file_report_with_evidence_and_visibility(db: Database, people: dict[str, Principal]) -> None:
    tid = add_task(db, lead="340000", partners=["310000"])
    with db.write() as s:
        s.add(
            IndicatorRow(
                code="synthetic_rate",
                name_zh="SYNTHETIC",
                name_en="SYNTHETIC",
                unit="%",
                data={},
                seq=0,
                origin="seed",
                updated_at=datetime(2026, 1, 1, tzinfo=UTC),
            )
        )
    uploads = [
        Upload("../../etc/passwd", "text/plain", CSV),
        Upload("..\\..\\x.pdf", "application/pdf", PDF),
        Upload("表.xlsx", "application/octet-stream", _xlsx()),
    ]
    report = _file(
        db,
        people["wan"],
        tid,
        narrative="  SYNTHETIC 进展  ",
        links=["https://example.org/r"],
        indicators=["synthetic_rate"],
        files=uploads,
        lang="en",
    )
    assert (report.review, report.body, report.author, report.version) == ("submitted", "340000", "wan", 1)
    assert (report.narrative, report.lang, report.links) == (
        "SYNTHETIC 进展",
        "en",
        ("https://example.org/r",),
    )
    assert [f.name for f in report.files] == ["passwd.txt", "x.pdf", "表.xlsx"]
    assert [f.size for f in report.files] == [len(CSV), len(PDF), len(uploads[2].data)]
    with db.read() as s:
        [entry] = audit.entries(s, entity=f"report:{report.id}")
    assert (entry.action, entry.actor, entry.before) == ("report.file", "wan", None)
    assert entry.after["files"][1] == {
        "id": report.files[1].id,
        "name": "x.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
        "sha256": hashlib.sha256(PDF).hexdigest(),
    }

    pdf_id = report.files[1].id
    with db.read() as s:
        for who in ("wan", "wan2", "cora"):  # the author, a reporter of the body, a reviewer
            assert get_report(s, report.id, people[who]).id == report.id
            meta, data = get_evidence(s, pdf_id, people[who])
            assert (meta.name, data) == ("x.pdf", PDF)
        for viewer in (people["su"], people["ana"], roles.ANONYMOUS):
            with pytest.raises(NotFoundError, match=f"^no progress report with id {report.id}$"):
                get_report(s, report.id, viewer)
            with pytest.raises(NotFoundError, match=f"^no evidence file with id {pdf_id}$"):
                get_evidence(s, pdf_id, viewer)
            assert list_reports(s, viewer, task_id=tid) == []
        assert [r.id for r in list_reports(s, people["wan2"], task_id=tid)] == [report.id]
    review_report(db, people["cora"], report.id, decision="accept", version=1)
    with db.read() as s:  # accepted: public
        assert get_report(s, report.id, roles.ANONYMOUS).review == "accepted"
        assert get_evidence(s, pdf_id, people["su"])[1] == PDF
        assert [r.id for r in list_reports(s, roles.ANONYMOUS, review="accepted")] == [report.id]
        with pytest.raises(InputError, match="review 'done' must be one of"):
            list_reports(s, roles.ANONYMOUS, review="done")


def test_file_report_refusals_leave_nothing(
    db: Database, people: dict[str, Principal], monkeypatch: pytest.MonkeyPatch
) -> None:
    tid = add_task(db, lead="340000")
    wan = people["wan"]
    bad: list[tuple[dict[str, object], str]] = [
        ({"period": "2026Q5"}, "period '2026Q5' is not a reporting period"),
        ({"status": "cancelled"}, "status 'cancelled' cannot be reported on a task"),
        ({"narrative": "   "}, "narrative must not be empty"),
        ({"narrative": "x" * 20_001}, "narrative is 20001 characters long; at most 20000"),
        ({"lang": "fr"}, "lang 'fr' must be one of zh, en"),
        ({"links": ["file:///etc/passwd"]}, "link 1 'file:///etc/passwd' is not a web address"),
        ({"indicators": ["no_such_indicator"]}, "unknown indicator code\\(s\\) 'no_such_indicator'"),
        ({"body": "320000"}, "body '320000' is not responsible for task"),
        ({"files": [Upload("a.pdf", "application/pdf", PDF)] * 6}, "6 evidence files given; at most 5"),
        (
            {"files": [Upload("ok.pdf", "", PDF), Upload("setup.pdf", "application/pdf", EXE)]},
            "evidence file 'setup.pdf' is refused: its content is a Windows program",
        ),
    ]
    for kwargs, message in bad:
        with pytest.raises(InputError, match=message):
            _file(db, wan, tid, **kwargs)
    monkeypatch.setattr(progress, "MAX_FILE_BYTES", 1024)
    with pytest.raises(InputError, match=r"evidence file 'big.pdf' is 1,025 bytes; at most 1,024 bytes"):
        _file(db, wan, tid, files=[Upload("big.pdf", "application/pdf", PDF + b" " * (1025 - len(PDF)))])
    with pytest.raises(InputError, match="exactly one task or one project"):
        file_report(db, wan, period="2026", status="in_progress", narrative="x")
    with pytest.raises(InputError, match="exactly one task or one project"):
        file_report(db, wan, task_id=tid, project_id=1, period="2026", status="in_progress", narrative="x")
    with pytest.raises(InputError, match="needs an author account; 'system' is not a user"):
        _file(db, roles.system(), tid)
    with pytest.raises(ForbiddenError, match=f"task {tid} is assigned to 340000; your bodies are 320000"):
        _file(db, people["su"], tid)
    with pytest.raises(ForbiddenError, match="report:file"):
        _file(db, people["ana"], tid)
    with pytest.raises(AuthError):
        _file(db, roles.ANONYMOUS, tid)
    with pytest.raises(NotFoundError, match="no task with id 999"):
        _file(db, wan, 999)
    assert _counts(db) == (0, 0)

    def broken_audit(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("SYNTHETIC failure after the report and its files were inserted")

    monkeypatch.setattr(audit, "record", broken_audit)  # the write fails at its very end
    with pytest.raises(RuntimeError, match="SYNTHETIC failure"):
        _file(db, wan, tid, files=[Upload("a.pdf", "application/pdf", PDF), Upload("b.csv", "text/csv", CSV)])
    assert _counts(db) == (0, 0)  # all or nothing
    monkeypatch.undo()
    with db.read() as s:
        assert audit.entries(s) == []


def test_review_moves_the_task_and_returns_need_a_comment(db: Database, people: dict[str, Principal]) -> None:
    tid = add_task(db, lead="340000")
    wan, cora = people["wan"], people["cora"]
    first = _file(db, wan, tid, status="completed")
    with pytest.raises(ForbiddenError, match="report:review"):
        review_report(db, wan, first.id, decision="accept", version=1)
    with pytest.raises(InputError, match="comment is needed"):
        review_report(db, cora, first.id, decision="return", version=1)
    with pytest.raises(InputError, match="decision 'maybe' must be accept or return"):
        review_report(db, cora, first.id, decision="maybe", version=1)
    returned = review_report(
        db, cora, first.id, decision="return", comment="SYNTHETIC: add evidence", version=1
    )
    assert (returned.review, returned.review_comment, returned.reviewer_id) == (
        "returned",
        "SYNTHETIC: add evidence",
        cora.user_id,
    )
    with pytest.raises(ConflictError, match=f"report {first.id} is returned, not awaiting review"):
        review_report(db, cora, first.id, decision="accept", version=2)
    with db.read() as s:  # still not public, but the author sees the comment
        assert get_report(s, first.id, wan).review_comment == "SYNTHETIC: add evidence"
        with pytest.raises(NotFoundError):
            get_report(s, first.id, people["su"])

    with pytest.raises(ForbiddenError, match="only the author"):
        update_report(db, people["wan2"], first.id, version=2, narrative="x")
    with pytest.raises(NotFoundError):
        update_report(db, people["su"], first.id, version=2, narrative="x")
    edited = update_report(
        db,
        wan,
        first.id,
        version=2,
        narrative="SYNTHETIC with evidence",
        add_files=[Upload("proof.pdf", "application/pdf", PDF)],
    )
    assert (edited.review, edited.review_comment, edited.version) == ("submitted", "", 3)
    assert [f.name for f in edited.files] == ["proof.pdf"]
    with pytest.raises(ConflictError, match=f"report {first.id} was changed by wan"):
        review_report(db, cora, first.id, decision="accept", version=2)
    accepted = review_report(db, cora, first.id, decision="accept", version=3)
    assert accepted.review == "accepted" and accepted.reviewed_at is not None
    task = read(db, tid)
    assert (task.status, task.version, task.last_period) == ("completed", 2, "2026Q3")
    with db.read() as s:
        [moved] = audit.entries(s, entity=f"task:{tid}")
        reviews = audit.entries(s, entity=f"report:{first.id}")
    assert (moved.action, moved.actor, moved.before["status"], moved.after["status"]) == (
        "task.status",
        "cora",
        "not_started",
        "completed",
    )
    assert moved.after["comment"] == f"accepted report {first.id}"
    assert [e.action for e in reviews] == ["report.review", "report.update", "report.review", "report.file"]
    assert reviews[0].before["review"] == "submitted" and reviews[0].after["review"] == "accepted"
    with pytest.raises(ConflictError, match="accepted already"):
        update_report(db, wan, first.id, version=4, narrative="x")

    # A report whose status the workflow cannot reach from the task's status is not accepted.
    change_status(db, cora, tid, status="in_progress", version=2)  # reopen
    change_status(db, cora, tid, status="cancelled", version=3)
    late = _file(db, cora, tid, status="delayed", narrative="SYNTHETIC by the coordinator")
    assert late.body == "340000"  # the coordinator files for the lead by default
    with pytest.raises(ConflictError, match=f"would move task {tid} from cancelled to delayed"):
        review_report(db, cora, late.id, decision="accept", version=1)
    assert read(db, tid).status == "cancelled"


def test_update_report_files(
    db: Database, people: dict[str, Principal], monkeypatch: pytest.MonkeyPatch
) -> None:
    tid = add_task(db, lead="340000")
    wan = people["wan"]
    report = _file(db, wan, tid, files=[Upload("a.pdf", "", PDF), Upload("b.csv", "", CSV)])
    a, _ = report.files
    with pytest.raises(InputError, match=f"evidence file\\(s\\) 999 are not files of report {report.id}"):
        update_report(db, wan, report.id, version=1, remove_files=[999])
    with pytest.raises(InputError, match="4 evidence files given \\(the report already has 2\\); at most 5"):
        update_report(
            db, wan, report.id, version=1, add_files=[Upload(f"{i}.pdf", "", PDF) for i in range(4)]
        )
    with pytest.raises(InputError, match="nothing to change"):
        update_report(db, wan, report.id, version=1)
    edited = update_report(
        db,
        wan,
        report.id,
        version=1,
        remove_files=[a.id],
        add_files=[Upload("c.png", "", PNG)],
        status="delayed",
        links=["https://example.org/x"],
        period="2026-H2",
    )
    assert [f.name for f in edited.files] == ["b.csv", "c.png"]
    assert (edited.status, edited.links, edited.period, edited.version) == (
        "delayed",
        ("https://example.org/x",),
        "2026-H2",
        2,
    )
    with db.read() as s:
        with pytest.raises(NotFoundError):
            get_evidence(s, a.id, wan)
        [entry] = audit.entries(s, entity=f"report:{report.id}", limit=1)
    assert [f["name"] for f in entry.before["files"]] == ["a.pdf", "b.csv"]
    assert [f["name"] for f in entry.after["files"]] == ["b.csv", "c.png"]


def test_project_reports(db: Database, people: dict[str, Principal]) -> None:
    pid = add_project(db, places=["340100", "340200"])  # Hefei and Wuhu: Anhui answers for it
    wan, su, cora = people["wan"], people["su"], people["cora"]
    with pytest.raises(InputError, match="status 'in_progress' cannot be reported on a project"):
        file_report(db, wan, project_id=pid, period="2026", status="in_progress", narrative="x")
    with pytest.raises(ForbiddenError, match=f"project {pid} is assigned to 340000"):
        file_report(db, su, project_id=pid, period="2026", status="preparing", narrative="x")
    report = file_report(
        db,
        wan,
        project_id=pid,
        period="2026-10",
        status="under_construction",
        narrative="SYNTHETIC: construction began",
    )
    assert (report.body, report.subject) == ("340000", f"project:{pid}")
    with db.read() as s:
        assert [r.id for r in list_reports(s, people["wan2"], project_id=pid, body="340000")] == [report.id]
        assert list_reports(s, su, project_id=pid) == []
    review_report(db, cora, report.id, decision="accept", version=1)
    with db.read() as s:
        project = get_project(s, pid)
        [entry] = audit.entries(s, entity=f"project:{pid}")
    assert (project.status, project.version) == ("under_construction", 2)
    assert entry.before["status"] == "planned" and entry.after["report"] == report.id
