"""Figures drawn from specs: deterministic bytes, CJK through Noto Sans CJK SC without a missing-glyph
warning (pytest turns warnings into errors), SVG fit for inlining, edge cases of each kind."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from lxml import etree
from PIL import Image

from yrd.errors import InputError
from yrd.regions.boundaries import load_boundaries
from yrd.reports import Bar, BarChart, ChoroplethMap, LineChart, Series
from yrd.reports.figures import cjk_font, class_breaks, inline_svg, render_figure

LINE = LineChart(
    [
        Series("长三角（合成）", [(2019, 1.0), (2020, 2.5), (2021, 3.0)]),
        Series("上海（合成）", [(2019, 2.0)]),
    ],
    unit="万人",
    title="合成数据",
    target=5.0,
    target_x=2025,
    required_path=[(2021, 3.0), (2025, 5.0)],
    projection=[(2021, 3.0), (2025, 4.0)],
    y_from_zero=True,
)


def test_the_font_is_noto_sans_cjk() -> None:
    assert "NotoSansCJK" in cjk_font()


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_drawing_is_deterministic(fmt: str) -> None:
    first = render_figure(LINE, "zh", fmt)
    assert render_figure(LINE, "zh", fmt) == first
    if fmt == "svg":
        assert b"<dc:date>" not in first and b"Matplotlib v" not in first
        assert b"<text" not in first  # text as outlines: the same in every viewer, no font needed


def test_png_is_200_dpi_at_text_width() -> None:
    image = Image.open(BytesIO(render_figure(LINE, "en", "png")))
    assert image.info["dpi"] == pytest.approx((200, 200), abs=0.1)
    assert image.width == 1260  # 6.3 in × 200 dpi


def test_inline_svg_has_prefixed_ids_and_no_namespaces_or_urls() -> None:
    markup = inline_svg(render_figure(LINE, "zh", "svg"), "fig-a", "图1 <合成>")
    assert markup.startswith("<svg") and "xmlns" not in markup and "http" not in markup
    assert "<style" not in markup and "style=" not in markup
    ids = re.findall(r'\bid="([^"]+)"', markup)
    assert ids and all(i == "fig-a" or i.startswith("fig-a-") for i in ids)
    assert len(ids) == len(set(ids))
    refs = re.findall(r'(?:href="#|url\(#)([^")]+)', markup)
    assert refs and set(refs) <= set(ids)
    assert "图1 &lt;合成&gt;" in markup
    root = etree.fromstring(markup.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"', 1))
    assert root.get("viewBox") and root.get("width") is None


def test_empty_and_partial_charts_still_draw() -> None:
    assert render_figure(LineChart([]), "en", "svg").startswith(b"<?xml")
    assert render_figure(LineChart([Series("a", [])], target=3.0), "en", "svg")
    bars = BarChart(
        [Bar("上海", None), Bar("江苏", 0.5, 0.4, 0.6, highlight=True)],
        reference=0.45,
        reference_label="均值",
    )
    assert render_figure(bars, "zh", "png").startswith(b"\x89PNG")


def test_map_of_every_level_and_of_no_data() -> None:
    provinces = {f["id"]: float(i) for i, f in enumerate(load_boundaries("province")["features"])}
    assert render_figure(ChoroplethMap(provinces, level="province", classes=2), "en", "svg")
    counties = [f["id"] for f in load_boundaries("county")["features"]][:5]
    assert render_figure(ChoroplethMap(dict.fromkeys(counties, None), level="county"), "zh", "svg")
    with pytest.raises(InputError, match="2 to 9 classes"):
        render_figure(ChoroplethMap(provinces, level="province", classes=12), "en", "svg")


def test_class_breaks() -> None:
    assert class_breaks([0.0, 10.0], 5) == [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
    assert class_breaks([3.0, 3.0], 5) == [3.0, 3.0]


def test_unknown_figure_format() -> None:
    with pytest.raises(InputError, match="svg or png"):
        render_figure(LINE, "en", "gif")
