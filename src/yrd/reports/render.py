"""One entry point for every format, shaped so a CLI command or a web route is one line:

    out.write_bytes(render(report, fmt))
    Response(render(report, fmt), media_type=MEDIA_TYPES[fmt],
             headers={"Content-Disposition": f'attachment; filename="{filename(report, fmt)}"'})

and the figures of a report as files, for "each figure can be downloaded".
"""

from __future__ import annotations

import re
from collections.abc import Callable

from yrd.errors import InputError
from yrd.reports.figures import render_figure
from yrd.reports.layout import arrange
from yrd.reports.model import Report

FORMATS: tuple[str, ...] = ("html", "pdf", "docx")
MEDIA_TYPES: dict[str, str] = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "svg": "image/svg+xml",
    "png": "image/png",
}


def check_format(fmt: str) -> str:
    """The format, lower-cased; `InputError` listing the choices when it is not one."""
    value = fmt.strip().lower() if isinstance(fmt, str) else fmt
    if value not in FORMATS:
        raise InputError(f"report format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    return value


def render(report: Report, fmt: str, *, figure_url: Callable[[str, str], str] | None = None) -> bytes:
    """The report as ``html`` (UTF-8), ``pdf`` or ``docx`` bytes.

    ``figure_url(figure_id, "svg"|"png")`` gives the HTML's figures download links (ignored for PDF
    and DOCX). Raises `InputError` for an unknown format or an inconsistent report.
    """
    fmt = check_format(fmt)
    if fmt == "html":
        from yrd.reports.html import render_html

        return render_html(report, figure_url=figure_url).encode("utf-8")
    if fmt == "pdf":
        from yrd.reports.pdf import render_pdf

        return render_pdf(report)
    from yrd.reports.word import render_docx

    return render_docx(report)


def figure_files(report: Report) -> dict[str, tuple[bytes, str]]:
    """Every figure as ``<id>.svg`` and ``<id>.png`` (200 dpi) → (bytes, media type), in document order."""
    arrange(report)  # the same checks as rendering: ids unique and usable as file names
    out: dict[str, tuple[bytes, str]] = {}
    for fig in report.figures():
        for fmt in ("svg", "png"):
            out[f"{fig.id}.{fmt}"] = (render_figure(fig.spec, report.lang, fmt), MEDIA_TYPES[fmt])
    return out


def filename(report: Report, fmt: str) -> str:
    """A download name: ``yrd-report-2024-zh.pdf`` (the period, when there is one, and the language)."""
    fmt = check_format(fmt)
    period = re.sub(r"[^A-Za-z0-9_-]+", "-", report.meta.period).strip("-")
    return "-".join(p for p in ("yrd-report", period, report.lang) if p) + f".{fmt}"
