"""Figures drawn from specs with matplotlib: one drawing for HTML, PDF (SVG) and DOCX (PNG).

Every text is set in Noto Sans CJK SC (Debian ``fonts-noto-cjk``), named explicitly so a Chinese
label can never fall back to a font without the glyph; text is converted to outlines in the SVG, so
the picture looks the same in any browser and in WeasyPrint whatever fonts they have. Output is
deterministic: a fixed ``svg.hashsalt``, no dates or software versions in the files.

matplotlib's settings are process-global, so drawing holds a lock (a web server may render two
reports at once); figures are made with `matplotlib.figure.Figure`, never pyplot, so no GUI backend
or global figure list is involved.
"""

from __future__ import annotations

import glob
import itertools
import math
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from io import BytesIO
from typing import Any

import matplotlib
from lxml import etree
from matplotlib import font_manager
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure as MplFigure
from matplotlib.patches import Patch
from matplotlib.path import Path

from yrd.errors import ConfigError, InputError
from yrd.regions.boundaries import load_boundaries
from yrd.reports.labels import label
from yrd.reports.model import BarChart, ChoroplethMap, FigureSpec, LineChart

FONT_FAMILY = "Noto Sans CJK SC"
FONT_PACKAGE = "fonts-noto-cjk"
PNG_DPI = 200  # downloads and Word
PRINT_DPI = 150  # figures inside the PDF: sharp at their printed 16 cm, and a second faster to typeset
WIDTH_IN = 6.3  # the A4 text width, so a figure is printed at 100 %
INK = "#1b2733"
MUTED = "#5b6670"
GRID = "#d9dee3"
# Okabe–Ito: told apart by readers with the common colour-vision deficiencies.
PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000", "#f0e442")
TARGET_COLOUR = "#b91c1c"
NO_DATA = "#e5e7eb"

_LOCK = threading.Lock()
_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK = "{http://www.w3.org/1999/xlink}href"
_URL_REF = re.compile(r"url\(#([^)]+)\)")


# ---------------------------------------------------------------------------------------------- font


@cache
def cjk_font() -> str:
    """The file of Noto Sans CJK SC; a `ConfigError` naming the Debian package when it is missing."""
    props = font_manager.FontProperties(family=FONT_FAMILY)
    try:
        return str(font_manager.fontManager.findfont(props, fallback_to_default=False))
    except ValueError:
        pass
    # matplotlib's font cache may predate the font's installation: add the files and ask again.
    for path in sorted(glob.glob("/usr/share/fonts/**/NotoSansCJK-*.tt[cf]", recursive=True)):
        font_manager.fontManager.addfont(path)
    try:
        return str(font_manager.fontManager.findfont(props, fallback_to_default=False))
    except ValueError:
        raise ConfigError(
            f"the font {FONT_FAMILY!r} is not installed; it sets the Chinese text of reports and "
            f"figures: install the Debian package {FONT_PACKAGE} (apt-get install {FONT_PACKAGE})"
        ) from None


def _rc() -> dict[str, Any]:
    return {
        "font.family": [FONT_FAMILY],
        "font.size": 9,
        "axes.titlesize": 10,
        "axes.edgecolor": MUTED,
        "axes.labelcolor": INK,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.unicode_minus": True,
        "text.color": INK,
        "xtick.color": MUTED,
        "ytick.color": MUTED,
        "legend.frameon": False,
        "svg.fonttype": "path",
        "svg.hashsalt": "yrd-report",
        "svg.id": None,
        "path.simplify": True,
    }


@contextmanager
def _drawing() -> Iterator[None]:
    cjk_font()
    with _LOCK, matplotlib.rc_context(_rc()):
        yield


# ---------------------------------------------------------------------------------------------- output


def _save(fig: MplFigure, fmt: str, dpi: int = PNG_DPI) -> bytes:
    buf = BytesIO()
    if fmt == "png":
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
        return buf.getvalue()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return _D_ATTR.sub(_compact_path, buf.getvalue().decode("utf-8")).encode("utf-8")


_D_ATTR = re.compile(r' d="([^"]*)"')
_LONG_DECIMAL = re.compile(r"(\d+\.\d{2})\d+")


def _compact_path(m: re.Match[str]) -> str:
    """Path data to 0.01 pt on one line: a map's outlines shrink by a third, invisibly."""
    return ' d="' + " ".join(_LONG_DECIMAL.sub(r"\1", m.group(1)).split()) + '"'


def render_figure(spec: FigureSpec, lang: str, fmt: str, dpi: int = PNG_DPI) -> bytes:
    """The figure as ``svg`` (standalone file) or ``png`` (``dpi``, 200 by default) bytes."""
    if fmt not in ("svg", "png"):
        raise InputError(f"a figure is drawn as svg or png, not {fmt!r}")
    with _drawing():
        fig = draw(spec, lang)
        return _save(fig, fmt, dpi)


def draw(spec: FigureSpec, lang: str) -> MplFigure:
    """The matplotlib figure of a spec (call inside `_drawing`, as `render_figure` does)."""
    if isinstance(spec, LineChart):
        return _line(spec, lang)
    if isinstance(spec, BarChart):
        return _bars(spec, lang)
    if isinstance(spec, ChoroplethMap):
        return _map(spec, lang)
    raise InputError(f"{type(spec).__name__} is not a figure spec")


def inline_svg(svg: bytes, prefix: str, title: str) -> str:
    """An SVG file as markup to place inside HTML: no XML prolog, metadata or namespace declarations,
    every id prefixed (two figures' glyph and clip ids would clash), styles scoped to this figure,
    a title for screen readers, and sized by CSS from its viewBox."""
    root = etree.fromstring(svg)
    for meta in root.findall(f"{{{_SVG_NS}}}metadata"):
        root.remove(meta)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if "id" in el.attrib:
            el.set("id", f"{prefix}-{el.get('id')}")
        href = el.attrib.pop(_XLINK, None) or el.get("href")
        if href and href.startswith("#"):
            el.set("href", f"#{prefix}-{href[1:]}")
        style = el.attrib.pop("style", None)
        if style:  # as attributes: an HTML page's CSS parser would take (and warn about) style="fill: …"
            for decl in style.split(";"):
                name, _, value = decl.partition(":")
                if value.strip():
                    el.set(name.strip(), value.strip())
        for name in ("clip-path", "mask", "fill", "stroke"):
            value = el.get(name)
            if value and "url(#" in value:
                el.set(name, _URL_REF.sub(lambda m: f"url(#{prefix}-{m.group(1)})", value))
    for style in root.iter(f"{{{_SVG_NS}}}style"):  # `*{stroke-linejoin: round; …}` would leak into the page
        style.getparent().remove(style)
    root.set("stroke-linejoin", "round")  # … so the same defaults, inherited instead
    root.set("stroke-linecap", "butt")
    for name in ("width", "height"):
        root.attrib.pop(name, None)
    root.set("id", prefix)
    root.set("role", "img")
    root.set("aria-labelledby", f"{prefix}-title")
    heading = etree.Element(f"{{{_SVG_NS}}}title", id=f"{prefix}-title")
    heading.text = title
    root.insert(0, heading)
    text = etree.tostring(root, encoding="unicode")
    return re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", text)


# ---------------------------------------------------------------------------------------------- charts


def _new(height: float) -> MplFigure:
    return MplFigure(figsize=(WIDTH_IN, height), layout="constrained")


def _year_axis(ax: Any, xs: Sequence[float]) -> None:
    lo, hi = math.floor(min(xs)), math.ceil(max(xs))
    step = 1 if hi - lo <= 12 else 2
    ax.set_xticks(range(lo, hi + 1, step))
    ax.set_xlim(lo - 0.3, hi + 0.3)


def _line(spec: LineChart, lang: str) -> MplFigure:
    fig = _new(3.4)
    ax = fig.add_subplot()
    ax.grid(axis="y", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    xs: list[float] = []
    ys: list[float] = []
    for colour, s in zip(PALETTE * 4, spec.series, strict=False):
        if not s.points:
            continue
        px, py = zip(*sorted(s.points), strict=True)
        ax.plot(px, py, color=colour, linewidth=1.8, marker="o", markersize=3.5, label=s.label)
        xs += px
        ys += py
    if spec.required_path:
        px, py = zip(*sorted(spec.required_path), strict=True)
        ax.plot(px, py, color=TARGET_COLOUR, linewidth=1.3, linestyle=(0, (5, 3)),
                label=label("required_path", lang))  # fmt: skip
        xs += px
        ys += py
    if spec.projection:
        px, py = zip(*sorted(spec.projection), strict=True)
        ax.plot(px, py, color=MUTED, linewidth=1.5, linestyle=(0, (1, 2)), label=label("projection", lang))
        xs += px
        ys += py
    if spec.target is not None:
        name = spec.target_label or label("target", lang)
        if spec.target_x is not None:
            ax.plot([spec.target_x], [spec.target], linestyle="none", marker="*", markersize=11,
                    color=TARGET_COLOUR, label=name)  # fmt: skip
            xs.append(spec.target_x)
        else:
            ax.axhline(spec.target, color=TARGET_COLOUR, linewidth=1, label=name)
        ys.append(spec.target)
    if xs:
        _year_axis(ax, xs)
    if spec.y_from_zero or not ys:
        ax.set_ylim(bottom=0)
    if spec.unit:
        ax.set_ylabel(spec.unit)
    if spec.title:
        ax.set_title(spec.title, loc="left")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    return fig


def _bars(spec: BarChart, lang: str) -> MplFigure:
    n = len(spec.bars)
    fig = _new(max(1.6, 0.6 + 0.28 * n))
    ax = fig.add_subplot()
    ax.grid(axis="x", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    ys = list(range(n))
    values = [b.value if b.value is not None else 0.0 for b in spec.bars]
    colours = [PALETTE[1] if b.highlight else PALETTE[0] for b in spec.bars]
    ax.barh(ys, values, color=colours, height=0.62)
    for y, b in zip(ys, spec.bars, strict=True):
        if b.value is None:
            ax.text(0, y, " " + label("no_data", lang), va="center", color=MUTED, fontsize=8)
        elif b.low is not None and b.high is not None:
            ax.errorbar([b.value], [y], xerr=[[b.value - b.low], [b.high - b.value]], fmt="none",
                        ecolor=INK, elinewidth=1, capsize=2.5)  # fmt: skip
    if spec.reference is not None:
        ax.axvline(spec.reference, color=TARGET_COLOUR, linewidth=1, linestyle=(0, (4, 2)),
                   label=spec.reference_label or None)  # fmt: skip
        if spec.reference_label:
            ax.legend(loc="lower right", fontsize=8)
    ax.set_yticks(ys, [b.label for b in spec.bars])
    ax.set_ylim(n - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    if spec.unit:
        ax.set_xlabel(spec.unit)
    if spec.title:
        ax.set_title(spec.title, loc="left")
    return fig


# ---------------------------------------------------------------------------------------------- map


def _ring_area(ring: Sequence[Sequence[float]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0, *_), (x1, y1, *_) in itertools.pairwise(ring)) / 2


def _path(geometry: dict[str, Any]) -> Path:
    """A GeoJSON (Multi)Polygon as one compound path: outer rings anticlockwise, holes clockwise,
    so matplotlib's non-zero fill leaves the holes open whatever order the file wrote them in."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    vertices: list[Sequence[float]] = []
    codes: list[int] = []
    for polygon in polygons:
        for i, ring in enumerate(polygon):
            outer = i == 0
            if (_ring_area(ring) > 0) != outer:
                ring = ring[::-1]
            vertices += [p[:2] for p in ring]
            codes += [Path.MOVETO] + [Path.LINETO] * (len(ring) - 2) + [Path.CLOSEPOLY]
    return Path(vertices, codes)


def class_breaks(values: Sequence[float], classes: int) -> list[float]:
    """``classes`` + 1 equal-interval breaks from the lowest to the highest value."""
    lo, hi = min(values), max(values)
    if hi == lo:
        return [lo, hi]
    return [lo + (hi - lo) * i / classes for i in range(classes + 1)]


def _fmt_break(v: float, span: float) -> str:
    decimals = max(0, 2 - math.floor(math.log10(span))) if span > 0 else 0
    return f"{v:,.{min(decimals, 3)}f}".replace("-", "−")


def _map(spec: ChoroplethMap, lang: str) -> MplFigure:
    if spec.classes < 2 or spec.classes > 9:
        raise InputError(f"a map has 2 to 9 classes, not {spec.classes}")
    layer = load_boundaries(spec.level)["features"]
    known = {f["id"] for f in layer}
    unknown = sorted(set(spec.values) - known)
    if unknown:
        raise InputError(f"map values for regions not in the {spec.level} layer: {', '.join(unknown[:5])}")
    present = [v for v in spec.values.values() if v is not None and math.isfinite(v)]
    breaks = class_breaks(present, spec.classes) if present else []
    steps = max(1, len(breaks) - 1)
    cmap = matplotlib.colormaps[spec.cmap].resampled(steps + 1)
    colours = [matplotlib.colors.to_hex(cmap(i + 1)) for i in range(steps)]  # skip the palest

    def colour(v: float | None) -> str:
        if v is None or not math.isfinite(v) or not breaks:
            return NO_DATA
        i = next((k for k in range(steps) if v <= breaks[k + 1]), steps - 1)
        return colours[i]

    fig = _new(4.6)
    ax = fig.add_subplot()
    feats = sorted(layer, key=lambda f: f["id"])
    faces = [colour(spec.values.get(f["id"])) for f in feats]
    hatches = [spec.values.get(f["id"]) is None for f in feats]
    paths = [_path(f["geometry"]) for f in feats]
    ax.add_collection(PathCollection([p for p, h in zip(paths, hatches, strict=True) if not h],
                                     facecolors=[c for c, h in zip(faces, hatches, strict=True) if not h],
                                     edgecolors="white", linewidths=0.4))  # fmt: skip
    missing = [p for p, h in zip(paths, hatches, strict=True) if h]
    if missing:
        ax.add_collection(PathCollection(missing, facecolors=NO_DATA, edgecolors="#9ca3af", linewidths=0.4,
                                         hatch="////"))  # fmt: skip
    if spec.level != "province":
        provinces = [_path(f["geometry"]) for f in load_boundaries("province")["features"]]
        ax.add_collection(PathCollection(provinces, facecolors="none", edgecolors=INK, linewidths=0.9))
    xs = [v[0] for p in paths for v in p.vertices]
    ys = [v[1] for p in paths for v in p.vertices]
    ax.set_xlim(min(xs) - 0.1, max(xs) + 0.1)
    ax.set_ylim(min(ys) - 0.1, max(ys) + 0.1)
    ax.set_aspect(1 / math.cos(math.radians((min(ys) + max(ys)) / 2)))  # plate carrée looks squashed
    ax.set_axis_off()
    span = breaks[-1] - breaks[0] if breaks else 0
    handles = [
        Patch(
            facecolor=c,
            edgecolor="none",
            label=f"{_fmt_break(breaks[i], span)} – {_fmt_break(breaks[i + 1], span)}",
        )
        for i, c in reversed(list(enumerate(colours)))
        if breaks
    ]  # the highest class first
    if missing:
        handles.append(
            Patch(facecolor=NO_DATA, edgecolor="#9ca3af", hatch="////", label=label("no_data", lang))
        )
    if handles:
        ax.legend(handles=handles, loc="lower left", title=spec.unit or None, fontsize=8,
                  title_fontsize=8, alignment="left")  # fmt: skip
    if spec.title:
        ax.set_title(spec.title, loc="left")
    return fig
