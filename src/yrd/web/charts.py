"""Line charts drawn on the server as SVG: the geometry the pages compute and ``templates/_chart.html``
draws — no script, no chart library.

A `Frame` maps the data's x (years, or any number) and y domains onto a viewBox with its margins;
`Frame.fit` chooses the domains of a line chart (round y ticks from `nice_ticks`, at least two years
wide) and gives its ticks, dots, polylines and target lines in viewBox units. The indicator chart
(`pages_stats.build_chart`) and the target chart (`pages_evaluate.target_chart`) both build a `Chart`
this way; the small charts of the evaluation pages use the bare scale.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# A colour per region that keeps its meaning from chart to chart (the Delta itself in ink, thicker).
COLOURS: dict[str, str] = {
    "310000": "#0b5f8f",
    "320000": "#c2410c",
    "330000": "#15803d",
    "340000": "#7c3aed",
    "yrd": "#1b2733",
    "central-area": "#b45309",
    "demo-zone": "#be185d",
}
SPARE_COLOURS = ("#0e7490", "#4d7c0f", "#9f1239", "#475569")


def fmt_value(value: float | None) -> str:
    """A value for reading: thousands separated, no float noise (128,222 · 2.93 · 0.054)."""
    if value is None or not math.isfinite(value):
        return "—"
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    digits = 2 if abs(value) >= 100 else 4
    return f"{value:,.{digits}f}".rstrip("0").rstrip(".")


def period_x(period: str) -> float:
    """A period as a point on the time axis: 2023 → 2023.0, 2023-07 → 2023.5, 2023-Q3 → 2023.5."""
    year, _, part = period.partition("-")
    if part.startswith("Q"):
        return int(year) + (int(part[1:]) - 1) / 4
    if part:
        return int(year) + (int(part) - 1) / 12
    return float(year)


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering lo..hi, about ``count`` of them (steps of 1, 2, 2.5 or 5 × 10ⁿ)."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(lo / step) * step
    ticks = []
    value = first
    while value <= hi + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < hi:
        ticks.append(round(value, 10))
    return ticks


@dataclass
class Box:
    """An SVG viewBox of ``width`` × ``height`` and the margins around its plot area."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int


@dataclass
class Chart(Box):
    """A line chart's geometry, in the units of its viewBox, as ``_chart.html`` draws it: the frame,
    the series (observed dots and line; planned and projected paths where a page has them), the
    target lines, the ticks, and optionally a vertical "now" line."""

    unit: str = ""
    series: list[dict[str, Any]] = field(default_factory=list)
    targets: list[dict[str, Any]] = field(default_factory=list)
    x_ticks: list[dict[str, Any]] = field(default_factory=list)
    y_ticks: list[dict[str, Any]] = field(default_factory=list)
    now_x: float | None = None


@dataclass
class Frame(Box):
    """A viewBox with margins, and the data domains its plot area shows."""

    x_lo: float
    x_hi: float
    y_lo: float = 0.0
    y_hi: float = 1.0
    y_values: tuple[float, ...] = ()  # the y ticks, when the domain was fitted

    @classmethod
    def fit(
        cls,
        xs: Iterable[float],
        ys: Iterable[float],
        height: int = 360,
        width: int = 720,
        margins: tuple[int, int, int, int] = (70, 24, 30, 40),  # left, right, top, bottom
        x_default: tuple[float, float] = (2018.0, 2025.0),
    ) -> Frame:
        """A line chart's frame: x over the values (at least two wide), y over round ticks."""
        xs, ys = list(xs), list(ys)
        x_lo, x_hi = (min(xs), max(xs)) if xs else x_default
        if x_hi - x_lo < 2:
            x_lo, x_hi = x_lo - 1, x_hi + 1
        ticks = nice_ticks(min(ys), max(ys))
        y_lo, y_hi = ticks[0], ticks[-1]
        if y_hi == y_lo:
            y_hi = y_lo + 1
        return cls(width, height, *margins, x_lo, x_hi, y_lo, y_hi, tuple(ticks))

    @property
    def plot_w(self) -> int:
        return self.width - self.left - self.right

    @property
    def plot_h(self) -> int:
        return self.height - self.top - self.bottom

    def px(self, x: float) -> float:
        return round(self.left + (x - self.x_lo) / (self.x_hi - self.x_lo) * self.plot_w, 1)

    def py(self, y: float) -> float:
        return round(self.top + (self.y_hi - y) / (self.y_hi - self.y_lo) * self.plot_h, 1)

    def path(self, pairs: Iterable[tuple[float, float]]) -> str:
        """A polyline's points through (x, y) pairs."""
        return " ".join(f"{self.px(float(x))},{self.py(float(y))}" for x, y in pairs)

    def x_ticks(self) -> list[dict[str, Any]]:
        """A tick on every whole year (every other one over more than twelve years)."""
        step = 1 if self.x_hi - self.x_lo <= 12 else 2
        years = range(math.ceil(self.x_lo), math.floor(self.x_hi) + 1, step)
        return [{"x": self.px(y), "label": str(y)} for y in years]

    def y_ticks(self) -> list[dict[str, Any]]:
        return [{"y": self.py(v), "label": fmt_value(v)} for v in self.y_values]

    def chart(self, unit: str, now: float | None = None) -> Chart:
        """An empty chart in this frame with its ticks (and a "now" line at x ``now``)."""
        return Chart(
            self.width, self.height, self.left, self.right, self.top, self.bottom, unit,
            x_ticks=self.x_ticks(), y_ticks=self.y_ticks(), now_x=None if now is None else self.px(now),
        )  # fmt: skip

    def dot(
        self,
        x: float,
        y: float,
        period: str | int,
        anchor: str,
        status: str | None = None,
        computed: bool = False,
    ) -> dict[str, Any]:
        """A value on a series: where it is drawn, what its tooltip says, where it links to."""
        return {"x": self.px(x), "y": self.py(y), "period": period, "value": fmt_value(y), "status": status,
                "secondary": status == "secondary", "computed": computed, "anchor": anchor}  # fmt: skip

    def target(self, value: float, year: int | None, /, **about: Any) -> dict[str, Any]:
        """A target as a line across the plot at its value, with a diamond at its year when it has one."""
        return {
            **about,
            "y": self.py(value),
            "x1": self.left,
            "x2": self.left + self.plot_w,
            "mark_x": self.px(float(year)) if year else None,
            "value_label": fmt_value(value),
        }


def series(region: str, name: str, colour: str, dots: list[dict[str, Any]], **more: Any) -> dict[str, Any]:
    """A region's series: its dots joined by a line; ``more`` adds a page's own parts (``planned`` and
    ``projection`` polylines, ``projection_dots``)."""
    return {
        "region": region,
        "name": name,
        "colour": colour,
        "group": not region.isdigit(),
        "computed": any(d["computed"] for d in dots),
        "path": " ".join(f"{d['x']},{d['y']}" for d in dots),
        "dots": dots,
        "planned": "",
        "projection": "",
        "projection_dots": [],
        **more,
    }
