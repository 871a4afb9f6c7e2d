"""Progress score 0–100: where a value stands between a stated worst bound and the target.

SDSN's normalisation (Sachs, Schmidt-Traub et al., SDG Index and Dashboards; Sustainable
Development Report, methods summary): x' = 100 · (x − lower bound) / (target − lower bound),
clipped to [0, 100]. The same formula serves "lower is better" (the bound is then above the
target), and a band target scores 100 inside the band and is normalised towards the nearer edge
outside it, each side with its own worst bound.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from yrd.errors import InputError
from yrd.evaluate.series import safe_div
from yrd.evaluate.status import Direction, TargetSpec

METHOD = "progress_score_sdsn"


def _one_side(x: np.ndarray, bound: np.ndarray, target: np.ndarray) -> np.ndarray:
    return np.clip(100.0 * safe_div(x - bound, target - bound), 0.0, 100.0)


def scores(values: object, spec: TargetSpec) -> np.ndarray:
    """Scores for any array of values (NaN stays NaN)."""
    x = np.asarray(values, dtype=float)
    if spec.lower_bound is None:
        raise InputError("a progress score needs a lower bound (the worst performance)")
    if spec.direction is Direction.BAND:
        lo, hi = (np.asarray(b, float) for b in spec.band)  # type: ignore[union-attr]
        worst_lo, worst_hi = (np.asarray(b, float) for b in spec.lower_bound)  # type: ignore[union-attr]
        if np.any(worst_lo >= lo) or np.any(worst_hi <= hi):
            raise InputError("band bounds must lie outside the band: (worst below, worst above)")
        below = _one_side(x, worst_lo, lo)
        above = _one_side(x, worst_hi, hi)
        out = np.where(x < lo, below, np.where(x > hi, above, 100.0))
        return np.where(np.isnan(x), np.nan, out)
    if spec.value is None:
        raise InputError("a progress score needs a numeric target")
    target = np.asarray(spec.value, float)
    bound = np.asarray(spec.lower_bound, float)
    wrong = bound >= target if spec.direction is Direction.HIGHER else bound <= target
    if np.any(wrong):
        side = "below" if spec.direction is Direction.HIGHER else "above"
        raise InputError(f"the lower bound must lie {side} the target for direction={spec.direction}")
    out = _one_side(x, bound, target)
    return np.where(np.isnan(x), np.nan, out)


@dataclass(frozen=True)
class ProgressScore:
    """One value's score, with what it was computed from."""

    value: float
    score: float
    met: bool
    clipped: bool
    method: str = METHOD
    params: dict[str, Any] = field(default_factory=dict)


def progress_score(value: float, spec: TargetSpec) -> ProgressScore:
    """Score one value; ``met`` = the target is reached (score 100), ``clipped`` = outside the bounds."""
    s = float(scores(np.array([value]), spec)[0])
    if spec.direction is Direction.BAND:
        lo, hi = spec.band  # type: ignore[misc]
        worst_lo, worst_hi = spec.lower_bound  # type: ignore[misc]
        met = lo <= value <= hi
        clipped = value < worst_lo or value > worst_hi
    else:
        met = (value >= spec.value) if spec.direction is Direction.HIGHER else (value <= spec.value)  # type: ignore[operator]
        lb = spec.lower_bound
        beyond_bound = (value < lb) if spec.direction is Direction.HIGHER else (value > lb)  # type: ignore[operator]
        clipped = bool(beyond_bound) or (bool(met) and value != spec.value)
    params = {
        "direction": str(spec.direction),
        "target": spec.value,
        "band": spec.band,
        "lower_bound": spec.lower_bound,
    }
    return ProgressScore(float(value), s, bool(met), bool(clipped), params=params)
