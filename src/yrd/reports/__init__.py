"""Assessment reports: a document model rendered as HTML, PDF and DOCX (see docs/reports.md).

Public surface::

    from yrd.reports import Report, Section, Paragraph, Table, Cell, Figure, LineChart, Status, ...
    from yrd.reports import render, figure_files, MEDIA_TYPES, FORMATS, filename

    render(report, "pdf")          # bytes; "html" | "pdf" | "docx"
    figure_files(report)           # {"fig-id.svg": (bytes, "image/svg+xml"), "fig-id.png": ...}

Renderers are imported lazily by `render`, so building a report does not load WeasyPrint or Word.
"""

from yrd.reports.model import (
    LANGS,
    STATUS_STYLES,
    Bar,
    BarChart,
    BulletList,
    Cell,
    ChoroplethMap,
    Figure,
    LineChart,
    Meta,
    Note,
    Paragraph,
    Report,
    Run,
    Section,
    Series,
    Source,
    Status,
    Table,
    validate,
)
from yrd.reports.render import FORMATS, MEDIA_TYPES, check_format, figure_files, filename, render

__all__ = [
    "FORMATS",
    "LANGS",
    "MEDIA_TYPES",
    "STATUS_STYLES",
    "Bar",
    "BarChart",
    "BulletList",
    "Cell",
    "ChoroplethMap",
    "Figure",
    "LineChart",
    "Meta",
    "Note",
    "Paragraph",
    "Report",
    "Run",
    "Section",
    "Series",
    "Source",
    "Status",
    "Table",
    "check_format",
    "figure_files",
    "filename",
    "render",
    "validate",
]
