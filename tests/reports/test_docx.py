"""The DOCX: outline headings, tables with status marks as text and shaded cells, one inline picture
per figure, captions, East-Asian font on every run, page fields. Rendered once per language."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn

from tests.reports.sample import t
from yrd.reports import STATUS_STYLES, Report, Status, render
from yrd.reports.word import EAST_ASIA_FONT, render_docx


@pytest.fixture(scope="module")
def document(report: Report) -> Any:
    return docx.Document(BytesIO(render(report, "docx")))


def _headings(document: Any) -> list[tuple[int, str]]:
    return [
        (int(p.style.name.split()[-1]), p.text)
        for p in document.paragraphs
        if p.style.name.startswith("Heading ")
    ]


def test_headings_with_levels_and_annexes(document: Any, lang: str) -> None:
    expected = [(1, t("summary", lang)), (1, t("targets", lang)), (2, t("maps", lang)), (1, t("index", lang))]
    headings = _headings(document)
    assert headings[:4] == expected
    annex = ("附录A　" + "方法说明") if lang == "zh" else "Annex A. Methods"
    sources = "附录B　数据来源" if lang == "zh" else "Annex B. Data sources"
    assert headings[4:] == [(1, annex), (1, sources)]
    # Word's built-in heading styles carry the outline level (navigation pane, TOC field).
    outline = document.styles["Heading 2"].element.pPr.find(qn("w:outlineLvl"))
    assert outline is not None and outline.get(qn("w:val")) == "1"


def test_status_table_reads_without_colour(document: Any, lang: str) -> None:
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == t("header", lang)
    assert table.rows[1].cells[0].text == t("urban", lang)
    assert table.rows[1].cells[1].text == "70"
    on_track = table.rows[1].cells[3]
    word = "进展顺利" if lang == "zh" else "On track"
    assert on_track.text == f"{STATUS_STYLES[Status.ON_TRACK].mark} {word}"
    fill = on_track._tc.tcPr.find(qn("w:shd")).get(qn("w:fill"))
    assert fill == STATUS_STYLES[Status.ON_TRACK].tint.lstrip("#").upper()
    assert table.rows[6].cells[2].text == "—"  # no value and no status
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_one_inline_picture_per_figure_with_caption_and_alt_text(
    document: Any, report: Report, lang: str
) -> None:
    assert len(document.inline_shapes) == len(report.figures()) == 3
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    first = "图1　" + str(t("chart", lang)) if lang == "zh" else f"Figure 1. {t('chart', lang)}"
    assert first in captions
    assert any(c.startswith("表1" if lang == "zh" else "Table 1") for c in captions)
    for shape in document.inline_shapes:
        assert shape._inline.docPr.get("descr")


def test_every_run_names_its_east_asian_font(document: Any) -> None:
    body_runs = [r for p in document.paragraphs for r in p.runs]
    body_runs += [
        r
        for tb in document.tables
        for row in tb.rows
        for c in row.cells
        for p in c.paragraphs
        for r in p.runs
    ]
    texts = [r for r in body_runs if r.text.strip()]
    assert texts
    for run in texts:
        fonts = run._r.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == EAST_ASIA_FONT, run.text
    normal = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal.get(qn("w:eastAsia")) == EAST_ASIA_FONT
    heading = document.styles["Heading 1"].element.rPr.find(qn("w:rFonts"))
    assert heading.get(qn("w:eastAsiaTheme")) is None  # a theme font would win over the named one


def test_page_fields_toc_and_properties(document: Any, report: Report) -> None:
    footer = document.sections[0].footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer
    body = document.element.body.xml
    assert 'TOC \\o "1-2"' in body
    assert document.core_properties.title == report.title
    assert document.sections[0].page_width.cm == pytest.approx(21.0, abs=0.01)


def test_another_east_asian_font_for_readers_without_noto(report: Report) -> None:
    document = docx.Document(BytesIO(render_docx(report, east_asia_font="SimSun")))
    fonts = document.paragraphs[1].runs[0]._r.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "SimSun"
