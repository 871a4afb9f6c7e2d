"""The entry points (`render`, `figure_files`, `filename`) and what they do with bad input: an
unknown format or an inconsistent report is an `InputError` with a message, an empty report still
renders a valid document in every format, a missing CJK font names the Debian package."""

from __future__ import annotations

import string
from io import BytesIO

import docx
import pytest
from lxml import html as lxml_html
from PIL import Image
from pypdf import PdfReader

from yrd.errors import ConfigError, InputError
from yrd.reports import (
    FORMATS,
    MEDIA_TYPES,
    Cell,
    ChoroplethMap,
    Figure,
    LineChart,
    Meta,
    Report,
    Section,
    Series,
    Table,
    figure_files,
    filename,
    render,
)
from yrd.reports import figures as figures_module
from yrd.reports.labels import label, labels

EMPTY = Report("空报告", "zh")


@pytest.mark.parametrize("fmt", ["odt", "", "html5"])
def test_unknown_format_is_an_input_error(fmt: str) -> None:
    with pytest.raises(InputError, match=r"format must be one of html, pdf, docx"):
        render(EMPTY, fmt)


def test_format_is_case_insensitive() -> None:
    assert render(EMPTY, " HTML ").startswith(b"<!doctype html>")


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_empty_report_is_a_valid_document(fmt: str) -> None:
    data = render(EMPTY, fmt)
    if fmt == "html":
        tree = lxml_html.document_fromstring(data)
        assert tree.findtext(".//h1") == "空报告"
        assert not tree.xpath("//nav")
    elif fmt == "pdf":
        reader = PdfReader(BytesIO(data))
        assert len(reader.pages) == 1
        assert "空报告" in reader.pages[0].extract_text()
    else:
        document = docx.Document(BytesIO(data))
        assert document.paragraphs[0].text == "空报告"
        assert len(document.inline_shapes) == 0


@pytest.mark.parametrize(
    ("report", "message"),
    [
        (Report("r", "fr"), "language must be one of zh, en"),  # type: ignore[arg-type]
        (Report("r", "en", sections=[Section("a", "x"), Section("b", "x")]), "'x' is used twice"),
        (Report("r", "en", sections=[Section("a", "1st")]), "must start with a letter"),
        (Report("r", "en", sections=[Section("a", "contents")]), "reserved"),
        (Report("r", "en", sections=[Section("a", "a", level=4)]), "level must be 1, 2 or 3"),
        (
            Report("r", "en", sections=[Section("a", "a", blocks=[Table(["x", "y"], [[1]])])]),
            "row 1 has 1 cells",
        ),
        (
            Report("r", "en", sections=[Section("a", "a", blocks=[Table(["x"], [[1]], align=["middle"])])]),
            "align",
        ),
        (Report("r", "en", sections=[Section("a", "a", blocks=["text"])]), "str is not a block type"),  # type: ignore[list-item]
        (
            Report("r", "en", sections=[Section("a", "a", blocks=[Table(["x"], [[Cell(1, "great")]])])]),  # type: ignore[arg-type]
            "unknown status",
        ),
    ],
)
def test_an_inconsistent_report_is_an_input_error(report: Report, message: str) -> None:
    with pytest.raises(InputError, match=message):
        render(report, "html")


def test_a_map_of_unknown_regions_is_an_input_error() -> None:
    report = Report("r", "en", sections=[Section("a", "a", blocks=[
        Figure(ChoroplethMap({"999999": 1.0}), "map", "fig-map")
    ])])  # fmt: skip
    with pytest.raises(InputError, match="999999"):
        render(report, "html")


def test_figure_files_are_svg_and_200_dpi_png() -> None:
    chart = LineChart([Series("合成", [(2020, 1.0), (2021, 2.0)])], unit="%")
    report = Report("r", "zh", sections=[Section("a", "a", blocks=[Figure(chart, "图", "fig-a")])])
    files = figure_files(report)
    assert list(files) == ["fig-a.svg", "fig-a.png"]
    svg, svg_type = files["fig-a.svg"]
    png, png_type = files["fig-a.png"]
    assert svg_type == MEDIA_TYPES["svg"] == "image/svg+xml" and png_type == "image/png"
    assert svg.startswith(b"<?xml") and b"<svg" in svg
    dpi = Image.open(BytesIO(png)).info["dpi"]
    assert dpi == pytest.approx((200, 200), abs=0.1)
    assert figure_files(report) == files  # deterministic: the same bytes every time


def test_filename() -> None:
    assert filename(Report("r", "zh", meta=Meta(period="2024")), "PDF") == "yrd-report-2024-zh.pdf"
    assert filename(EMPTY, "docx") == "yrd-report-zh.docx"


def test_labels_exist_in_both_languages_with_the_same_placeholders() -> None:
    for key, texts in labels().items():
        assert set(texts) == {"zh", "en"}, key
        fields = [{f for _, f, _, _ in string.Formatter().parse(texts[lang]) if f} for lang in ("zh", "en")]
        assert fields[0] == fields[1], key
    assert label("figure", "zh", n=2) == "图2"
    assert label("page_of", "en", page=1, pages=9) == "Page 1 of 9"
    with pytest.raises(InputError):
        label("figure", "de", n=1)


def test_a_missing_cjk_font_names_the_debian_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(figures_module, "FONT_FAMILY", "No Such Font CJK")
    monkeypatch.setattr(figures_module.glob, "glob", lambda *a, **k: [])
    figures_module.cjk_font.cache_clear()
    try:
        with pytest.raises(ConfigError, match="fonts-noto-cjk"):
            render(EMPTY, "pdf")
    finally:
        figures_module.cjk_font.cache_clear()
