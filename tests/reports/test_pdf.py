"""The PDF: Chinese as real text in an embedded Noto Sans CJK SC (no fallback font, no Type 3
boxes), the fixed strings of the layout, bookmarks and metadata. Rendered once per language."""

from __future__ import annotations

import logging
from io import BytesIO
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject

from tests.reports.sample import t
from yrd.reports import Report, render


@pytest.fixture(scope="module")
def pdf(report: Report) -> bytes:
    logger = logging.getLogger("weasyprint")
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append  # type: ignore[method-assign]
    logger.addHandler(handler)
    try:
        data = render(report, "pdf")
    finally:
        logger.removeHandler(handler)
    # WeasyPrint logs (rather than raises) what it ignores: the stylesheet and the SVG must need none.
    assert [r.getMessage() for r in records] == []
    return data


@pytest.fixture(scope="module")
def reader(pdf: bytes) -> PdfReader:
    return PdfReader(BytesIO(pdf))


@pytest.fixture(scope="module")
def text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def _resolve(obj: Any) -> Any:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _fonts(reader: PdfReader) -> list[DictionaryObject]:
    """Every font dictionary used by any page or form XObject (figures could hide fonts there)."""
    found: dict[int, DictionaryObject] = {}

    def walk(resources: Any) -> None:
        resources = _resolve(resources)
        if not resources:
            return
        for font in _resolve(resources.get("/Font", {})).values():
            font = _resolve(font)
            found[id(font)] = font
        for xobject in _resolve(resources.get("/XObject", {})).values():
            xobject = _resolve(xobject)
            if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
                walk(xobject["/Resources"])

    for page in reader.pages:
        walk(page.get("/Resources"))
    return list(found.values())


def test_is_a_pdf_with_pages(pdf: bytes, reader: PdfReader) -> None:
    assert pdf.startswith(b"%PDF-")
    assert len(reader.pages) >= 4


def test_chinese_headings_and_table_cells_are_text(text: str, lang: str) -> None:
    for key in ("summary", "targets", "index", "urban", "rail", "targets_table", "synthetic"):
        value = t(key, lang)
        assert isinstance(value, str)
        assert value in text, key
    if lang == "zh":
        for word in (
            "执行摘要",
            "常住人口城镇化率",
            "进展顺利",
            "偏离目标",
            "数据不足",
            "已实现",
            "目录",
            "附录A",
        ):
            assert word in text
        assert "第 2 页，共" in text and "第 1 页" not in text  # none on the title page
        assert "图1" in text and "表1" in text
    else:
        for word in ("Executive summary", "On track", "Moving away", "Contents", "Annex A", "Page 2 of"):
            assert word in text
    assert "\ufffd" not in text


def test_fonts_are_embedded_noto_cjk_and_never_type3(reader: PdfReader) -> None:
    fonts = _fonts(reader)
    assert fonts
    for font in fonts:
        assert font["/Subtype"] != "/Type3", font.get("/BaseFont")
        assert "NotoSansCJK" in str(font["/BaseFont"]).replace("-", ""), font["/BaseFont"]
        descendant = _resolve(font["/DescendantFonts"][0]) if "/DescendantFonts" in font else font
        descriptor = _resolve(descendant["/FontDescriptor"])
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, font["/BaseFont"]
        assert "/ToUnicode" in font  # what makes the Chinese extractable and searchable


def test_bookmarks_and_metadata(reader: PdfReader, report: Report) -> None:
    titles = [str(item.title) for item in reader.outline if not isinstance(item, list)]
    assert report.title in titles
    flat = str(reader.outline)
    assert report.sections[0].heading in flat
    assert reader.metadata is not None and reader.metadata.title == report.title


def test_contents_carries_page_numbers(text: str, lang: str) -> None:
    """The contents lists each section with its page (target-counter), e.g. "执行摘要 ..... 3"."""
    heading = t("summary", lang)
    assert isinstance(heading, str)
    line = next(line for line in text.splitlines() if line.startswith(heading) and "." in line)
    assert line.rstrip()[-1].isdigit()
