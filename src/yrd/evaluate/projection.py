"""Projection at the current pace, and the year a target would be reached.

The pace is a least-squares trend over the last ``last_n`` observations: log-linear (constant
growth rate, ln y = a + b·t) when every one of them is positive, otherwise linear (constant
absolute change, y = a + b·t) — a growth rate has no meaning across zero or a change of sign.
Each row says which model it used. A trend that does not move towards the target reaches it
"never at this pace" (NaN year, ``outcome`` "never").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from yrd.evaluate.series import as_panel, last_k, log_ok, ols_slope, per_row, safe_div, safe_log
from yrd.evaluate.status import Direction

MODELS = ("log_linear", "linear", "none")
OUTCOMES = ("already_met", "reached", "never", "insufficient_data")


@dataclass(frozen=True)
class Projection:
    to_year: int
    value: np.ndarray
    model: np.ndarray  # codes into MODELS
    rate: np.ndarray  # annual growth rate (log-linear) or change per year (linear)
    n_obs: np.ndarray
    params: dict[str, Any] = field(default_factory=dict)

    def models(self) -> list[str]:
        return [MODELS[c] for c in self.model]


def _fit(values: object, years: object, last_n: int, min_obs: int):
    v, y = as_panel(values, years)
    mask = last_k(np.isfinite(v), last_n)
    n = mask.sum(axis=1)
    use_log = log_ok(v, mask) & (n >= min_obs)
    data = np.where(use_log[:, None], safe_log(np.where(mask, v, np.nan)), v)
    a, b = ols_slope(data, y, mask & np.isfinite(data))
    model = np.where(n < min_obs, 2, np.where(use_log, 0, 1)).astype(np.int8)
    a = np.where(n >= min_obs, a, np.nan)
    b = np.where(n >= min_obs, b, np.nan)
    return v, y, mask, n, use_log, a, b, model


def project(values: object, years: object, to_year: int, *, last_n: int = 5, min_obs: int = 2) -> Projection:
    """The value each series would have in ``to_year`` at its recent pace."""
    _, _, _, n, use_log, a, b, model = _fit(values, years, last_n, min_obs)
    line = a + b * float(to_year)
    value = np.where(use_log, np.exp(np.where(use_log, line, 0.0)), line)
    value = np.where(model == 2, np.nan, value)
    rate = np.where(use_log, np.expm1(np.where(use_log, b, 0.0)), b)
    rate = np.where(model == 2, np.nan, rate)
    return Projection(int(to_year), value, model, rate, n, {"last_n": last_n, "min_obs": min_obs})


@dataclass(frozen=True)
class Reach:
    target: np.ndarray
    year: np.ndarray  # fractional year the trend line crosses the target (NaN: never / no data)
    first_full_year: np.ndarray  # the first whole year at or after it
    outcome: np.ndarray  # codes into OUTCOMES
    model: np.ndarray
    params: dict[str, Any] = field(default_factory=dict)

    def outcomes(self) -> list[str]:
        return [OUTCOMES[c] for c in self.outcome]


def year_reached(
    values: object,
    years: object,
    target: object,
    direction: Direction | str,
    *,
    last_n: int = 5,
    min_obs: int = 2,
) -> Reach:
    """When the recent trend reaches the target (a target already met → the latest year)."""
    v, y, mask, n, use_log, a, b, model = _fit(values, years, last_n, min_obs)
    rows = v.shape[0]
    tgt = per_row(target, rows)
    d = 1.0 if Direction(direction) is Direction.HIGHER else -1.0
    last_idx = mask.shape[1] - 1 - mask[:, ::-1].argmax(axis=1)
    latest = np.where(n > 0, v[np.arange(rows), last_idx], np.nan)
    latest_year = np.where(n > 0, y[last_idx], -1)
    met = np.isfinite(latest) & (d * (latest - tgt) >= 0)
    goal = np.where(use_log, safe_log(np.where(use_log & (tgt > 0), tgt, np.nan)), tgt)
    crossing = safe_div(goal - a, b)
    towards = d * b > 0
    year = np.where(met, latest_year, np.where(towards, crossing, np.nan))
    never = (model != 2) & ~met & ~(towards & np.isfinite(crossing))
    outcome = np.select([met, model == 2, never], [0, 3, 2], default=1).astype(np.int8)
    year = np.where(outcome == 1, np.maximum(year, latest_year), year)
    full = np.full(year.shape, np.nan)
    np.ceil(year, out=full, where=np.isfinite(year))
    return Reach(
        tgt, year, full, outcome, model, {"last_n": last_n, "min_obs": min_obs, "direction": str(direction)}
    )
