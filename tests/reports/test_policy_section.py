"""The assessment report's 1+N section on a copy of the prepared default, after a coordinator confirmed
two of the shipped regulation's suggested links through the library: the numbers match the library's,
only confirmed links count, an empty library gives one paragraph, and the section comes out in HTML
and DOCX in both languages.

Only this section is rendered, inside a small report, so the test does not typeset the charts again
(test_assessment does that); the full report is built once to check it carries the section."""

from __future__ import annotations

import html
import io
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import delete

from tests.reports.html_tables import html_rows
from yrd.db import Database
from yrd.db.models import PolicyDocRow, PolicyLinkRow
from yrd.policies import compare, store
from yrd.reports import Paragraph, Report, Section, Table, render
from yrd.reports.policies import SECTION_ID, PolicySummary, policy_section, policy_summary
from yrd.supervise.roles import system

PLAN = "yrd-outline-2019"
DAY = date(2026, 11, 22)
REGULATION = "上海市促进长三角生态绿色一体化发展示范区高质量发展条例"


def _copy(default_sqlite: Path, factory: pytest.TempPathFactory, name: str) -> Database:
    copy = factory.mktemp(name) / "yrd.sqlite"
    shutil.copyfile(default_sqlite, copy)
    return Database(f"sqlite:///{copy}")


@pytest.fixture(scope="module")
def db(default_sqlite: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The default with two suggested links of the shipped regulation confirmed, on two measures."""
    database = _copy(default_sqlite, tmp_path_factory, "policy-report")
    with database.read() as session:
        (doc,) = store.list_policies(session)
        suggested = store.links(session, doc.plan_id, state="suggested")
    assert not doc.links["confirmed"] and suggested  # the prepared default confirms nothing
    chosen: dict[str, store.Link] = {}
    for link in suggested:
        chosen.setdefault(link.outline_eid, link)
        if len(chosen) == 2:
            break
    for link in chosen.values():
        store.decide(database, system("test"), link.id, state="confirmed", version=link.version)
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def summary(db: Database) -> PolicySummary:
    with db.read() as session:
        return policy_summary(session, plan_id=PLAN)


@pytest.fixture(scope="module")
def sections(summary: PolicySummary) -> dict[str, Section]:
    return {lang: policy_section(summary, lang, DAY) for lang in ("zh", "en")}


def _table(section: Section, table_id: str) -> Table:
    return next(b for b in section.blocks if isinstance(b, Table) and b.id == table_id)


def test_summary_counts_match_the_library(db: Database, summary: PolicySummary) -> None:
    with db.read() as session:
        docs = store.list_policies(session)
        covered = store.coverage(session, PLAN)
        suggested = sum(len(store.links(session, d.plan_id, state="suggested")) for d in docs)
    assert summary.documents == len(docs) == 1
    assert summary.by_relation["supporting_policy"] == 1 and sum(summary.by_relation.values()) == 1
    assert summary.by_status == {"in_force": 1, "superseded": 0}
    assert summary.measures == covered.total == 93
    assert summary.covered == covered.covered == 2  # only the confirmed links count
    assert summary.suggested == suggested == sum(d.links["suggested"] for d in docs) > 0
    (row,) = summary.document_rows
    assert (row.title, row.relation, row.status, row.confirmed) == (REGULATION, "supporting_policy",
                                                                      "in_force", 2)  # fmt: skip


def test_province_table_matches_compare(db: Database, sections: dict[str, Section]) -> None:
    with db.read() as session:
        expected = compare.province_coverage(session, PLAN)
    for lang, section in sections.items():
        table = _table(section, "policy-province-table")
        assert [list(r) for r in table.rows] == [
            [p.name_zh if lang == "zh" else p.name_en, p.total, p.covered_count, p.own_count]
            for p in expected
        ]
    assert any(p.covered_count for p in expected)
    assert _table(sections["zh"], "policy-province-table").header[0] == "省市"


def test_documents_table_and_intro(sections: dict[str, Section]) -> None:
    zh, en = sections["zh"], sections["en"]
    assert zh.id == en.id == SECTION_ID
    assert zh.heading == "后续规划与政策（1+N）" and en.heading == "Follow-up plans and policies (1+N)"
    assert _table(zh, "policy-document-table").rows == [
        [REGULATION, "上海市人民代表大会常务委员会", "配套政策", "2024年3月27日", "现行有效", 2]
    ]
    assert _table(en, "policy-document-table").rows[0][2:] == [
        "Supporting policy",
        "27 March 2024",
        "In force",
        2,
    ]
    intro_zh, intro_en = (s.blocks[0] for s in (zh, en))
    assert isinstance(intro_zh, Paragraph) and isinstance(intro_en, Paragraph)
    assert "93项举措中，已有2项（占2%）" in str(intro_zh.content)
    assert "只计经确认的关联" in str(intro_zh.content)
    assert "Of the plan's 93 measures, 2 (2 %)" in str(intro_en.content)
    assert "Only confirmed links count" in str(intro_en.content)


def test_no_follow_up_document_gives_one_paragraph(
    default_sqlite: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    database = _copy(default_sqlite, tmp_path_factory, "policy-report-empty")
    try:
        with database.write() as session:
            session.execute(delete(PolicyLinkRow))
            session.execute(delete(PolicyDocRow))
        with database.read() as session:
            summary = policy_summary(session, plan_id=PLAN)
    finally:
        database.dispose()
    assert (summary.documents, summary.covered, summary.suggested) == (0, 0, 0)
    assert summary.measures == 93
    for lang, words in (("zh", "尚未收录"), ("en", "holds no follow-up")):
        section = policy_section(summary, lang, DAY)
        assert section.id == SECTION_ID
        (only,) = section.blocks
        assert isinstance(only, Paragraph) and words in str(only.content)


def _small(section: Section, lang: str) -> Report:
    return Report(title="1+N", lang=lang, sections=[section])  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_section_renders_in_html_and_docx(sections: dict[str, Section], lang: str) -> None:
    section = sections[lang]
    documents = _table(section, "policy-document-table")
    provinces = _table(section, "policy-province-table")
    page = render(_small(section, lang), "html").decode("utf-8")
    assert html.escape(section.heading) in page or section.heading in page
    assert html_rows(page, "policy-document-table") == [[str(c) for c in r] for r in documents.rows]
    assert len(html_rows(page, "policy-province-table")) == len(provinces.rows)
    document = Document(io.BytesIO(render(_small(section, lang), "docx")))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert any(section.heading in h for h in headings)
    found = next(t for t in document.tables if t.rows[0].cells[0].text == documents.header[0])
    assert [c.text for c in found.rows[1].cells] == [str(c) for c in documents.rows[0]]
    words = " ".join(p.text for p in document.paragraphs)
    assert ("2项（占2%）" if lang == "zh" else "2 (2 %)") in words


def test_full_report_carries_the_section_after_supervision(db: Database) -> None:
    from yrd.evaluate.targets import assess
    from yrd.reports.assessment import build_assessment_report

    with db.read() as session:
        assessment = assess(session, PLAN, 2024)
        for lang in ("zh", "en"):
            report = build_assessment_report(
                session, 2024, lang, PLAN, generated_at=DAY, assessment=assessment
            )
            ids = [s.id for s in report.sections]
            assert ids[-3:] == ["tasks", "projects", SECTION_ID], lang
