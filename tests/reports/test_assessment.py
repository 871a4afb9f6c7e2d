"""The periodic assessment report on the real embedded default (the Outline, its extracted targets and
the shipped statistics): built in both languages, rendered once per format (zh PDF and HTML, en DOCX
and HTML), and checked for what a reader must find in it."""

from __future__ import annotations

import io
import re
import string
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from yrd.bootstrap import prepare_default
from yrd.db import Database
from yrd.errors import InputError
from yrd.evaluate.targets import PROVINCES, Assessment, assess
from yrd.reports import Figure, Report, Table, render
from yrd.reports.assessment import build_assessment_report, texts

PERIOD = 2024
DAY = date(2025, 3, 1)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path_factory.mktemp('assessment') / 'yrd.sqlite'}")
    database.migrate()
    prepare_default(database)
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def assessment(db: Database) -> Assessment:
    with db.read() as session:
        return assess(session, period=PERIOD)


@pytest.fixture(scope="module")
def reports(db: Database, assessment: Assessment) -> dict[str, Report]:
    with db.read() as session:
        return {
            lang: build_assessment_report(session, PERIOD, lang, generated_at=DAY, assessment=assessment)
            for lang in ("zh", "en")
        }


@pytest.fixture(scope="module")
def pdf_text(reports: dict[str, Report]) -> str:
    data = render(reports["zh"], "pdf")
    assert data.startswith(b"%PDF")
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture(scope="module")
def docx(reports: dict[str, Report]) -> Document:
    return Document(io.BytesIO(render(reports["en"], "docx")))


def _all_text(report: Report) -> str:
    """Every string of the report's model (headings, paragraphs, lists, tables, captions, notes)."""
    parts = [report.title, report.subtitle]
    for section in [*report.sections, *report.annexes]:
        parts.append(section.heading)
        parts += [repr(block) for block in section.blocks]  # a dataclass repr shows every field
    parts += [repr(s) for s in report.meta.sources]
    return "\n".join(parts)


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_text_file_has_both_languages_with_the_same_placeholders() -> None:
    for key, value in texts().items():
        assert set(value) == {"zh", "en"}, key
        fields = [{f for _, f, _, _ in string.Formatter().parse(value[lang]) if f} for lang in ("zh", "en")]
        assert fields[0] == fields[1], key


def test_structure_in_both_languages(reports: dict[str, Report], assessment: Assessment) -> None:
    for lang, report in reports.items():
        ids = [s.id for s in report.sections]
        assert ids[0] == "summary"
        for section in ("targets", "maps", "disparity", "index", "performance"):
            assert section in ids, (lang, section)
        assert [a.id for a in report.annexes] == ["methods", "verdicts"]
        assert report.meta.period == str(PERIOD)
        assert str(PERIOD) in report.title
        # one subsection per linked target, one line chart per target with data
        assert sum(1 for s in report.sections if s.id.startswith("t-")) == len(assessment.targets)
        with_data = [t for t in assessment.targets if any(r.years for r in t.regions)]
        charts = [
            f
            for f in report.figures()
            if f.id.startswith("fig-") and f.id[4:] in {t.indicator for t in with_data}
        ]
        assert len(charts) == len(with_data)
        assert any(f.id.startswith("map-") for f in report.figures())
        assert "fig-index" in {f.id for f in report.figures()}


def test_summary_is_made_of_the_numbers(reports: dict[str, Report], assessment: Assessment) -> None:
    summary = reports["en"].sections[0]
    words = " ".join(str(getattr(b, "content", "")) for b in summary.blocks)
    assert f"the {len(assessment.targets)} targets" in words
    provincial = [r for t in assessment.targets for r in t.regions if r.region in PROVINCES]
    judged = [r for r in provincial if r.status != "insufficient_data"]
    assert f"Of the {len(provincial)} target × province assessments, {len(judged)} had enough data" in words
    for report in reports.values():  # the shipped statistics are real: nothing says SYNTHETIC
        assert "SYNTHETIC" not in _all_text(report).upper()
        assert "合成数据" not in _all_text(report)


def test_target_table_one_row_per_target(reports: dict[str, Report], assessment: Assessment) -> None:
    table = next(b for b in reports["zh"].sections[1].blocks if isinstance(b, Table))
    assert len(table.rows) == len(assessment.targets)
    assert table.header == ["目标", "出处", "区域整体", "整体值", "年份", "得分", "状态"]
    assert str(table.rows[0][1]).startswith("《纲要》")


def test_sources_annex_marks_secondary_sources(reports: dict[str, Report]) -> None:
    sources = reports["en"].meta.sources
    assert sources
    assert any(s.publisher == "secondary source" for s in sources)
    assert all("import batch: " in s.note for s in sources)
    assert any("seed-stats-" in s.note for s in sources)


def test_pdf_has_chinese_headings_and_indicator_names(pdf_text: str, assessment: Assessment) -> None:
    flat = _flat(pdf_text)
    headings = (
        "执行摘要 目标进展 空间格局 区域差距与收敛 一体化综合指数及其敏感性 各省市绩效 评估方法 数据来源"
    )
    for heading in headings.split():
        assert heading in flat, heading
    assert assessment.targets[0].name_zh in flat
    assert "第二章第四节第2段" in flat
    assert f"{PERIOD}" in flat


def test_docx_target_table_and_headings(docx: Document, assessment: Assessment) -> None:
    headings = [p.text for p in docx.paragraphs if p.style.name.startswith("Heading")]
    for heading in (
        "Executive summary",
        "Progress towards the targets",
        "Spatial pattern",
        "Performance by province",
    ):
        assert any(heading in h for h in headings), heading
    table = next(t for t in docx.tables if t.rows[0].cells[0].text == "Target")
    assert len(table.rows) == 1 + len(assessment.targets)
    assert table.rows[0].cells[1].text == "Citation"
    assert len(docx.inline_shapes) >= 5


def test_bad_options(db: Database, tmp_path: Path) -> None:
    with db.read() as session:
        with pytest.raises(InputError, match="language"):
            build_assessment_report(session, PERIOD, "fr")
        with pytest.raises(InputError, match="period"):
            build_assessment_report(session, 99, "zh")
        with pytest.raises(InputError, match="as_of"):
            build_assessment_report(session, PERIOD, "zh", as_of="yesterday")


def test_figures_are_drawable(reports: dict[str, Report]) -> None:
    for fig in reports["en"].figures():
        assert isinstance(fig, Figure) and fig.caption and re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", fig.id)
