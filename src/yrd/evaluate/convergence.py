"""σ- and β-convergence of a (regions × years) panel (Barro & Sala-i-Martin 1992).

σ-convergence: the dispersion across regions falls over time — here the coefficient of
variation (unweighted and population-weighted) and the standard deviation of logs per year,
with the least-squares trend of the chosen measure over the years.

β-convergence: poorer regions grow faster. OLS of the mean annual log growth on the log
initial level, gᵢ = α + β ln yᵢ,₀ + εᵢ with gᵢ = (ln yᵢ,T − ln yᵢ,₀) / T; β < 0 is convergence.
Implied speed λ = −ln(1 + βT) / T and half-life ln 2 / λ (defined when 1 + βT > 0 and λ > 0).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from yrd.errors import InputError
from yrd.evaluate.series import as_panel, safe_div, safe_log

T_CLEAR = 2.0  # |t| at which a σ trend is called clear (≈ 5 % two-sided for many years; docs say why)


def _column_stats(v: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ok = np.isfinite(v) & np.isfinite(w)
    wz = np.where(ok, w, 0.0)
    wsum = wz.sum(axis=0)
    mean = safe_div((wz * np.where(ok, v, 0.0)).sum(axis=0), wsum)
    dev = np.where(ok, v - mean[None, :], 0.0)
    sd = np.sqrt(np.maximum(safe_div((wz * dev * dev).sum(axis=0), wsum), 0.0))
    return mean, sd


def cv_by_year(values: object, population: object | None = None) -> np.ndarray:
    v = np.asarray(values, float)
    w = np.ones_like(v) if population is None else np.asarray(population, float)
    mean, sd = _column_stats(v, w)
    return safe_div(sd, mean)


def sd_log_by_year(values: object) -> np.ndarray:
    logs = safe_log(np.asarray(values, float))
    _, sd = _column_stats(logs, np.ones_like(logs))
    return sd


@dataclass(frozen=True)
class Trend:
    slope: float
    se: float
    t: float
    direction: str  # "falling", "rising" or "no_clear_trend"
    n: int


def linear_trend(series: object, years: object) -> Trend:
    """Least-squares slope per year of a series, its standard error and t (NaN points skipped)."""
    y = np.asarray(series, float)
    x = np.asarray(years, float)
    ok = np.isfinite(y)
    y, x = y[ok], x[ok]
    n = int(y.size)
    if n < 3:
        return Trend(float("nan"), float("nan"), float("nan"), "no_clear_trend", n)
    xc = x - x.mean()
    sxx = float((xc * xc).sum())
    slope = float((xc * (y - y.mean())).sum() / sxx)
    resid = y - y.mean() - slope * xc
    se = float(np.sqrt((resid @ resid) / (n - 2) / sxx))
    t = slope / se if se > 0 else float("nan") if slope == 0 else float(np.copysign(np.inf, slope))
    clear = (np.isfinite(t) and abs(t) >= T_CLEAR) or np.isinf(t)
    direction = ("falling" if slope < 0 else "rising") if clear else "no_clear_trend"
    return Trend(slope, se, float(t), direction, n)


@dataclass(frozen=True)
class SigmaConvergence:
    years: np.ndarray
    cv: np.ndarray
    cv_weighted: np.ndarray
    sd_log: np.ndarray
    measure: str
    trend: Trend
    converging: bool
    params: dict[str, Any] = field(default_factory=dict)


def sigma_convergence(
    values: object, years: object, population: object | None = None, measure: str = "sd_log"
) -> SigmaConvergence:
    v, y = as_panel(values, years)
    series = {
        "cv": cv_by_year(v),
        "cv_weighted": cv_by_year(v, population) if population is not None else np.full(y.shape, np.nan),
        "sd_log": sd_log_by_year(v),
    }
    if measure not in series:
        raise InputError(f"unknown dispersion measure {measure!r}; use one of {sorted(series)}")
    trend = linear_trend(series[measure], y)
    return SigmaConvergence(
        y,
        series["cv"],
        series["cv_weighted"],
        series["sd_log"],
        measure,
        trend,
        trend.direction == "falling",
        {"t_clear": T_CLEAR},
    )


@dataclass(frozen=True)
class BetaConvergence:
    alpha: float
    beta: float
    se_beta: float
    t_beta: float
    r2: float
    n: int
    years: int
    speed: float | None
    half_life: float | None
    reason: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def converging(self) -> bool:
        return bool(np.isfinite(self.beta) and self.beta < 0)


def beta_convergence(
    values: object, years: object, *, start: int | None = None, end: int | None = None
) -> BetaConvergence:
    """Absolute β-convergence between the ``start`` and ``end`` years (default: first and last)."""
    v, y = as_panel(values, years)
    t0 = int(y[0]) if start is None else start
    t1 = int(y[-1]) if end is None else end
    if t0 not in y or t1 not in y or t1 <= t0:
        raise InputError(f"start {t0} and end {t1} must be years of the panel, start before end")
    y0, y1 = v[:, list(y).index(t0)], v[:, list(y).index(t1)]
    ok = (y0 > 0) & (y1 > 0)
    horizon = t1 - t0
    params = {"start": t0, "end": t1}
    nan = float("nan")
    x = np.log(y0[ok])
    g = (np.log(y1[ok]) - x) / horizon
    n = int(ok.sum())
    xc = x - x.mean() if n else x
    sxx = float((xc * xc).sum())
    if n < 3 or sxx == 0:
        why = "fewer than 3 regions with positive values" if n < 3 else "all regions start at the same level"
        return BetaConvergence(nan, nan, nan, nan, nan, n, horizon, None, None, why, params)
    beta = float((xc * (g - g.mean())).sum() / sxx)
    alpha = float(g.mean() - beta * x.mean())
    resid = g - alpha - beta * x
    ssr = float(resid @ resid)
    sst = float(((g - g.mean()) ** 2).sum())
    se = float(np.sqrt(ssr / (n - 2) / sxx))
    t = beta / se if se > 0 else (float(np.copysign(np.inf, beta)) if beta != 0 else nan)
    r2 = 1.0 - ssr / sst if sst > 0 else nan
    speed = half = None
    if 1.0 + beta * horizon > 0:
        speed = float(-np.log(1.0 + beta * horizon) / horizon)
        half = float(np.log(2.0) / speed) if speed > 0 else None
    return BetaConvergence(alpha, beta, se, t, r2, n, horizon, speed, half, "", params)
