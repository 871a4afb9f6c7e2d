"""The report as one self-contained HTML page: inline CSS, inline SVG figures, a table of contents,
and a print stylesheet that WeasyPrint turns into the PDF (`yrd.reports.pdf`).

Nothing in the page is fetched from anywhere: no script, no web font, no image URL. Each figure can
carry download links; their URLs come from the caller's ``figure_url(figure_id, "svg"|"png")`` (a
web route, or file names beside a saved page), and without it the figure has none.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from yrd.reports.figures import FONT_FAMILY, PRINT_DPI, inline_svg, render_figure
from yrd.reports.labels import HTML_LANG, format_number, label
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

FigureUrl = Callable[[str, str], str]


@cache
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("yrd.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def css_content(template: str) -> str:
    """A label with ``{page}``/``{pages}`` as a CSS ``content`` value for a page margin box."""
    parts: list[str] = []
    rest = template
    while rest:
        cut = min((rest.find(k) for k in ("{page}", "{pages}") if k in rest), default=-1)
        if cut < 0:
            parts.append(_css_string(rest))
            break
        if cut:
            parts.append(_css_string(rest[:cut]))
        key = "{pages}" if rest.startswith("{pages}", cut) else "{page}"
        parts.append(f"counter({key[1:-1]})")
        rest = rest[cut + len(key) :]
    return " ".join(parts)


def _css_string(text: str) -> str:
    """A CSS string literal that cannot end the ``<style>`` element it sits in (``</style>``)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    for ch, code in (("<", "\\3c "), (">", "\\3e "), ("\n", "\\a ")):
        escaped = escaped.replace(ch, code)
    return '"' + escaped + '"'


def _runs(content: Inline) -> list[dict[str, Any]]:
    return [{"text": r.text, "strong": r.strong, "em": r.em} for r in runs(content)]


def _cell(cell: Cell, align: str, lang: str) -> dict[str, Any]:
    value = cell.value
    if value is None:
        text = "" if cell.status is not None else "—"
    else:
        text = value if isinstance(value, str) else format_number(value)
    out: dict[str, Any] = {"text": text, "align": align, "status": None}
    if cell.status is not None:
        style = STATUS_STYLES[cell.status]
        out.update(
            status=str(cell.status), mark=style.mark, status_label=label(f"status.{cell.status}", lang)
        )
    return out


def _block(
    block: object, arr: Arrangement, figure_url: FigureUrl | None, *, raster: bool = False
) -> dict[str, Any]:
    lang = arr.lang
    if isinstance(block, Paragraph):
        return {"kind": "paragraph", "runs": _runs(block.content)}
    if isinstance(block, BulletList):
        return {"kind": "list", "ordered": block.ordered, "entries": [_runs(i) for i in block.items]}
    if isinstance(block, Note):
        title = block.title or label("warning" if block.tone == "warning" else "note", lang)
        return {"kind": "note", "tone": block.tone, "title": title, "runs": _runs(block.content)}
    if isinstance(block, Table):
        aligns = block.alignments()
        return {
            "kind": "table",
            "id": block.id,
            "caption": arr.caption(block),
            "source": arr.source(block),
            "header": list(zip(block.header, aligns, strict=True)),
            "rows": [[_cell(c, a, lang) for c, a in zip(row, aligns, strict=True)] for row in block.cells()],
        }
    if isinstance(block, Figure):
        caption = arr.caption(block)
        if raster:
            png = base64.b64encode(render_figure(block.spec, lang, "png", PRINT_DPI)).decode("ascii")
            alt = escape(block.alt or caption)
            picture = Markup(f'<img class="figure-img" alt="{alt}" src="data:image/png;base64,{png}">')
        else:
            svg = render_figure(block.spec, lang, "svg")
            picture = Markup(inline_svg(svg, f"{block.id}-svg", block.alt or caption))
        downloads = [(f.upper(), figure_url(block.id, f)) for f in ("svg", "png")] if figure_url else []
        return {
            "kind": "figure",
            "id": block.id,
            "caption": caption,
            "source": arr.source(block),
            "svg": picture,
            "downloads": downloads,
        }
    raise TypeError(f"no HTML for {type(block).__name__}")  # validate() lets no other type through


def render_html(report: Report, *, figure_url: FigureUrl | None = None, for_print: bool = False) -> str:
    """The whole report as an HTML document. ``for_print`` (what the PDF typesets) leaves out the
    download links and embeds the figures as 150 dpi PNG: WeasyPrint lays out a matplotlib SVG,
    every glyph an outline, about as slowly as all the report's text (docs/benchmarks.md)."""
    arr = arrange(report)
    lang = arr.lang
    sections = [
        {
            "id": p.id,
            "heading": p.heading,
            "level": p.level,
            "annex": p.annex,
            "blocks": [
                _block(b, arr, None if for_print else figure_url, raster=for_print) for b in p.section.blocks
            ],
        }
        for p in arr.sections
    ]
    return (
        environment()
        .get_template("report.html")
        .render(
            lang=lang,
            html_lang=HTML_LANG[lang],
            title=report.title,
            subtitle=report.subtitle,
            organisation=report.meta.organisation,
            meta_line=arr.meta_line(),
            created=report.meta.generated_at.isoformat() if report.meta.generated_at else "",
            sections=sections,
            toc=[s for s in sections if s["level"] <= 2],
            statuses={str(k): v for k, v in STATUS_STYLES.items()},
            font_family=FONT_FAMILY,
            l={k: label(k, lang) for k in ("contents", "download")},
            page_of=Markup(css_content(label("page_of", lang, page="{page}", pages="{pages}"))),
            running_title=Markup(_css_string(report.title)),
        )
    )
