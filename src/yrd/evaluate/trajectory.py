"""The planned path from the base year to the milestones (2025, 2035), and each year's gap to it.

A plan states where an indicator should be in its target years, not how it gets there; the two
usual readings are a straight line (equal absolute steps) and a compound path (equal growth
rates). Between milestones the path is interpolated piece by piece; before the base year and
after the last milestone there is no plan (NaN).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from yrd.errors import InputError
from yrd.evaluate.series import as_panel, safe_div
from yrd.evaluate.status import Direction

KINDS = ("linear", "compound")


def planned_path(
    base_year: int, base_value: float, milestones: Mapping[int, float], years: object, kind: str = "linear"
) -> np.ndarray:
    """The planned value in each of ``years``."""
    if kind not in KINDS:
        raise InputError(f"unknown path kind {kind!r}; use one of {KINDS}")
    points = sorted({base_year: base_value, **milestones}.items())
    if points[0][0] != base_year:
        raise InputError("milestones must come after the base year")
    xs = np.array([p[0] for p in points], float)
    ys = np.array([p[1] for p in points], float)
    t = np.asarray(years, float)
    inside = (t >= xs[0]) & (t <= xs[-1])
    if kind == "compound":
        if np.any(ys <= 0):
            raise InputError("a compound path needs positive base and milestone values; use kind='linear'")
        path = np.exp(np.interp(t, xs, np.log(ys)))
    else:
        path = np.interp(t, xs, ys)
    return np.where(inside, path, np.nan)


@dataclass(frozen=True)
class TrajectoryGap:
    """Observed values against the plan, per region and year."""

    kind: str
    years: np.ndarray
    planned: np.ndarray  # (years,)
    gap: np.ndarray  # observed − planned, (regions, years)
    relative_gap: np.ndarray  # gap / |planned|
    ahead: np.ndarray  # on or ahead of the plan in the desired direction (False where unknown)
    params: dict[str, Any] = field(default_factory=dict)


def trajectory_gap(
    values: object,
    years: object,
    *,
    base_year: int,
    base_value: float,
    milestones: Mapping[int, float],
    direction: Direction | str = Direction.HIGHER,
    kind: str = "linear",
) -> TrajectoryGap:
    v, y = as_panel(values, years)
    direction = Direction(direction)
    if direction is Direction.BAND:
        raise InputError("a planned path needs a numeric target, not a band")
    plan = planned_path(base_year, base_value, milestones, y, kind)
    gap = v - plan[None, :]
    rel = safe_div(gap, np.abs(plan)[None, :])
    d = 1.0 if direction is Direction.HIGHER else -1.0
    ahead = np.isfinite(gap) & (d * np.where(np.isfinite(gap), gap, 0.0) >= 0)
    params = {
        "base_year": base_year,
        "base_value": base_value,
        "milestones": dict(milestones),
        "direction": str(direction),
    }
    return TrajectoryGap(kind, y, plan, gap, rel, ahead, params)
