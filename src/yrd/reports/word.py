"""The report as a Word document (python-docx), for people who edit the text before it is issued.

Headings use Word's own Heading 1–3 styles (so the outline, the navigation pane and a TOC field work);
tables carry each status as its mark and word plus a tinted cell; figures are the 200 dpi PNGs of
the same drawings as the HTML and PDF, with captions in Word's Caption style. Word does not embed
fonts here, so every style and run names its East-Asian font (``w:eastAsia``) explicitly: Noto Sans
CJK SC by default, or another (SimSun, Microsoft YaHei) for readers who lack it — see docs/reports.md.

Named ``word`` so it does not shadow the ``docx`` package it imports.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time
from io import BytesIO
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from yrd.reports.figures import FONT_FAMILY, render_figure
from yrd.reports.labels import WORD_LANG, format_number, label
from yrd.reports.layout import Arrangement, arrange
from yrd.reports.model import (
    STATUS_STYLES,
    BulletList,
    Cell,
    Figure,
    Inline,
    Note,
    Paragraph,
    Report,
    Table,
    runs,
)

EAST_ASIA_FONT = FONT_FAMILY
FIGURE_WIDTH = Cm(16)
TEXT_WIDTH = Cm(17.4)  # A4 less 1.8 cm margins
MIN_COLUMN = Cm(1.5)
MUTED = RGBColor(0x5B, 0x66, 0x70)
_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
}
_STYLED = ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Heading 4", "Caption",
           "List Bullet", "List Number", "Header", "Footer", "TOC Heading")  # fmt: skip


def _set_fonts(rpr: Any, font: str) -> None:
    """Name ``font`` for Latin, East-Asian and complex script text, dropping theme fonts that win."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)


def _shade(element: Any, fill: str) -> None:
    """A background fill on a cell's or paragraph's properties element."""
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill.lstrip("#").upper())
    element.append(shd)


def _field(paragraph: Any, instruction: str, placeholder: str, font: str) -> None:
    """A Word field (PAGE, NUMPAGES, TOC …) that Word computes when it lays the document out."""

    def run_with(child: Any) -> None:
        run = paragraph.add_run()
        _set_fonts(run._r.get_or_add_rPr(), font)
        run._r.append(child)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    _set_fonts(paragraph.add_run(placeholder)._r.get_or_add_rPr(), font)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _widths(table: Any) -> list[Any]:
    """Column widths in proportion to each column's longest text (a Chinese character counts
    double), each at least 1.5 cm, filling the text width: the indicator names get the room."""
    ems = [
        max(sum(2 if ord(ch) > 0x2E80 else 1 for ch in cell.text) for cell in column.cells) + 2
        for column in table.columns
    ]
    total = max(0, TEXT_WIDTH - MIN_COLUMN * len(ems))
    return [MIN_COLUMN + int(total * e / sum(ems)) for e in ems]


class _Writer:
    def __init__(self, arr: Arrangement, font: str) -> None:
        self.arr = arr
        self.lang = arr.lang
        self.font = font
        self.doc: Any = Document()
        self._setup()

    # ------------------------------------------------------------------------------------------ set-up

    def _setup(self) -> None:
        doc, report = self.doc, self.arr.report
        for name in _STYLED:
            style = doc.styles[name]
            _set_fonts(style.element.get_or_add_rPr(), self.font)
        normal = doc.styles["Normal"]
        normal.font.size = Pt(10.5)
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), WORD_LANG[self.lang])
        lang.set(qn("w:eastAsia"), "zh-CN")
        normal.element.get_or_add_rPr().append(lang)
        section = doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = Cm(1.8)
        section.top_margin = section.bottom_margin = Cm(2.2)
        section.different_first_page_header_footer = True
        header = section.header.paragraphs[0]
        self._text(header, report.title, size=Pt(8), colour=MUTED)
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._page_of(footer)
        props = doc.core_properties
        props.title = report.title
        props.subject = report.subtitle
        props.author = report.meta.organisation or "YRD Integration Monitor"
        props.last_modified_by = props.author
        props.language = WORD_LANG[self.lang]
        props.revision = 1
        props.comments = ""
        created = report.meta.generated_at
        if created is not None:
            moment = created if isinstance(created, datetime) else datetime.combine(created, time())
            props.created = props.modified = moment.replace(tzinfo=moment.tzinfo or UTC)
        settings = doc.settings.element
        update = OxmlElement("w:updateFields")  # Word offers to fill the TOC and page fields on opening
        update.set(qn("w:val"), "true")
        settings.append(update)

    def _page_of(self, paragraph: Any) -> None:
        """第 {PAGE} 页，共 {NUMPAGES} 页 / Page {PAGE} of {NUMPAGES}, from the label."""
        template = label("page_of", self.lang, page="\0PAGE\0", pages="\0NUMPAGES\0")
        for i, part in enumerate(template.split("\0")):
            if i % 2:
                _field(paragraph, part, "1", self.font)
            elif part:
                self._text(paragraph, part)
        for run in paragraph.runs:
            run.font.size = Pt(8)
            run.font.color.rgb = MUTED

    # ------------------------------------------------------------------------------------------ text

    def _text(self, paragraph: Any, text: str, *, bold: bool = False, italic: bool = False,
              size: Any = None, colour: RGBColor | None = None) -> Any:  # fmt: skip
        run = paragraph.add_run(text)
        _set_fonts(run._r.get_or_add_rPr(), self.font)
        run.bold = bold or None
        run.italic = italic or None
        if size is not None:
            run.font.size = size
        if colour is not None:
            run.font.color.rgb = colour
        return run

    def _inline(self, paragraph: Any, content: Inline) -> None:
        for r in runs(content):
            # Chinese is not slanted: emphasis is bold there, italic in English.
            em_bold = r.em and self.lang == "zh"
            self._text(paragraph, r.text, bold=r.strong or em_bold, italic=r.em and not em_bold)

    def _small(self, text: str) -> None:
        p = self.doc.add_paragraph()
        p.paragraph_format.space_after = Pt(10)
        self._text(p, text, size=Pt(8.5), colour=MUTED)

    # ------------------------------------------------------------------------------------------ parts

    def title_page(self) -> None:
        report = self.arr.report
        if report.meta.organisation:
            self._text(self.doc.add_paragraph(), report.meta.organisation, colour=MUTED)
        self._text(self.doc.add_paragraph(style="Title"), report.title)
        if report.subtitle:
            self._text(self.doc.add_paragraph(style="Subtitle"), report.subtitle)
        line = self.arr.meta_line()
        if line:
            self._text(self.doc.add_paragraph(), " · ".join(line), colour=MUTED)
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def contents(self) -> None:
        if not self.arr.sections:
            return
        self._text(self.doc.add_paragraph(style="TOC Heading"), label("contents", self.lang))
        _field(
            self.doc.add_paragraph(), 'TOC \\o "1-2" \\h \\z \\u', label("toc_field", self.lang), self.font
        )
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def heading(self, text: str, level: int) -> None:
        p = self.doc.add_heading(level=level)
        self._text(p, text)

    def block(self, block: object) -> None:
        if isinstance(block, Paragraph):
            self._inline(self.doc.add_paragraph(), block.content)
        elif isinstance(block, BulletList):
            style = "List Number" if block.ordered else "List Bullet"
            for item in block.items:
                self._inline(self.doc.add_paragraph(style=style), item)
        elif isinstance(block, Note):
            self.note(block)
        elif isinstance(block, Table):
            self.table(block)
        elif isinstance(block, Figure):
            self.figure(block)
        else:  # validate() lets no other type through
            raise TypeError(f"no DOCX for {type(block).__name__}")

    def note(self, block: Note) -> None:
        p = self.doc.add_paragraph()
        ppr = p._p.get_or_add_pPr()
        borders = OxmlElement("w:pBdr")
        left = OxmlElement("w:left")
        colour = "B45309" if block.tone == "warning" else "0B5F8F"
        for k, v in (("w:val", "single"), ("w:sz", "24"), ("w:space", "8"), ("w:color", colour)):
            left.set(qn(k), v)
        borders.append(left)
        ppr.append(borders)
        _shade(ppr, "#FFF7E6" if block.tone == "warning" else "#EEF5FA")
        title = block.title or label("warning" if block.tone == "warning" else "note", self.lang)
        self._text(p, title + " ", bold=True)
        self._inline(p, block.content)

    def _caption(self, text: str, *, keep_with_next: bool) -> None:
        p = self.doc.add_paragraph(style="Caption")
        p.paragraph_format.keep_with_next = keep_with_next
        self._text(p, text)

    def table(self, block: Table) -> None:
        self._caption(self.arr.caption(block), keep_with_next=True)
        aligns = block.alignments()
        rows = block.cells()
        table = self.doc.add_table(rows=1 + len(rows), cols=len(block.header))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        head = table.rows[0]
        trpr = head._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")  # the header row repeats on every page the table spans
        repeat.set(qn("w:val"), "true")
        trpr.append(repeat)
        for cell, text, align in zip(head.cells, block.header, aligns, strict=True):
            p = cell.paragraphs[0]
            p.alignment = _ALIGN[align]
            self._text(p, text, bold=True)
            _shade(cell._tc.get_or_add_tcPr(), "#F4F6F8")
        for row, cells in zip(table.rows[1:], rows, strict=True):
            for cell, value, align in zip(row.cells, cells, aligns, strict=True):
                self._cell(cell, value, align)
        for column, width in zip(table.columns, _widths(table), strict=True):
            for cell in column.cells:
                cell.width = width
        if block.source:
            self._small(self.arr.source(block))
        else:
            self.doc.add_paragraph()

    def _cell(self, cell: Any, value: Cell, align: str) -> None:
        p = cell.paragraphs[0]
        p.alignment = _ALIGN[align]
        if value.status is not None:
            style = STATUS_STYLES[value.status]
            self._text(p, style.mark + " ", colour=RGBColor.from_string(style.colour.lstrip("#").upper()))
            self._text(p, label(f"status.{value.status}", self.lang))
            _shade(cell._tc.get_or_add_tcPr(), style.tint)
            if value.value is not None:
                self._text(p, " ")
        v = value.value
        if v is not None:
            self._text(p, v if isinstance(v, str) else format_number(v))
        elif value.status is None:
            self._text(p, "—")

    def figure(self, block: Figure) -> None:
        png = render_figure(block.spec, self.lang, "png")
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.keep_with_next = True
        shape = p.add_run().add_picture(BytesIO(png), width=FIGURE_WIDTH)
        caption = self.arr.caption(block)
        shape._inline.docPr.set("descr", block.alt or caption)  # alt text for screen readers
        self._caption(caption, keep_with_next=bool(block.source))
        if block.source:
            self._small(self.arr.source(block))

    def write(self, sections: Iterable[Any]) -> bytes:
        self.title_page()
        self.contents()
        for placed in sections:
            self.heading(placed.heading, placed.level)
            for block in placed.section.blocks:
                self.block(block)
        buf = BytesIO()
        self.doc.save(buf)
        return buf.getvalue()


def render_docx(report: Report, *, east_asia_font: str = EAST_ASIA_FONT) -> bytes:
    """DOCX bytes of the report; ``east_asia_font`` names the font Word uses for Chinese."""
    arr = arrange(report)
    return _Writer(arr, east_asia_font).write(arr.sections)
