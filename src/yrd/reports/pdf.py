"""The report as PDF: WeasyPrint typesets the print layout of the HTML (A4, running header, page x of
y, contents with page numbers, bookmarks from the headings) and embeds subsets of the fonts it used.

The figures are the page's figures drawn as 150 dpi PNG (typesetting their SVG, every glyph an
outline, cost as much as the whole text), so the PDF needs no font beyond Noto Sans CJK SC for the
text, which is checked before typesetting: WeasyPrint would otherwise fall back silently to a font
without Chinese glyphs.
"""

from __future__ import annotations

from yrd.reports.figures import cjk_font
from yrd.reports.html import render_html
from yrd.reports.model import Report


def render_pdf(report: Report) -> bytes:
    """PDF bytes of the report (A4)."""
    from weasyprint import HTML  # imported here: loading Pango takes a moment, HTML/DOCX don't need it

    cjk_font()
    html = render_html(report, for_print=True)
    pdf: bytes = HTML(string=html, base_url=None).write_pdf(pdf_tags=True)
    return pdf
