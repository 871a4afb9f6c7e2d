"""Published trend rules, each on whole panels (regions × years).

- :func:`open_sdg` — Statistics Canada's progress measure as shipped in Open SDG (sdg-build):
  ratio of observed to required CAGR, cuts 0.95 / 0.60 / 0; without a target, the direction-
  adjusted CAGR with cuts 1.5 % / 0.5 % / 0.
- :func:`eurostat` — Eurostat's EU SDG monitoring report: over the last five years, ratio of
  actual to required growth (cuts 0.95 / 0.60 / 0); without a quantified target, the annual
  growth rate against ±1 %.
- :func:`sdsn_arrows` — SDSN Sustainable Development Report trend arrows: the linear annual gain
  of the 0–100 score against the gain needed to reach 100 by the target year (cuts 100 % / 50 %).
- :func:`destatis_weather` — the German Sustainable Development Strategy's weather symbols: the
  mean annual change of the last six points projected to the target year; shortfall < 5 % / ≤ 20 %
  of the remaining gap.
- :func:`unsd_progress_chart` — the UNSD Progress Chart "current trend" ratio, with the cuts
  0.95 / 0.10 of EUSTAT's published adaptation.

docs/methods.md gives each formula, its source and which thresholds could not be confirmed.
"""

from __future__ import annotations

import math

import numpy as np

from yrd.errors import InputError
from yrd.evaluate.progress import scores
from yrd.evaluate.series import cagr, last_k, safe_div
from yrd.evaluate.status import CODE, Direction, Status, TargetSpec
from yrd.evaluate.trend import Prepared, TrendResult, classify, finish, prepare

S = Status
OPEN_SDG_ZERO = 0.001  # Open SDG replaces a zero base or target by 0.001 (its documented fallback)
# Extreme inputs (1e-180 → 1) may overflow to ±inf or produce inf/inf; both end as "undefined"
# or an extreme category, which is the right answer. Division by zero stays guarded explicitly.
extreme = np.errstate(over="ignore", under="ignore", invalid="ignore")


def _from_year(base_year: int | None):
    if base_year is None:
        return None
    return lambda v, y, obs: obs & (y >= base_year)[None, :]


def _growth(p: Prepared, *, zero: float | None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(observed CAGR, required CAGR, effective direction, base value) of the window's ends.

    ``zero`` replaces exact zeros (Open SDG's fallback); two negative ends are the growth of the
    magnitude, so the desired direction flips (Open SDG's documented rule).
    """
    e = p.ends
    v0, v1, target = e.v0.copy(), e.v1.copy(), p.target.copy()
    if zero is not None:
        v0[v0 == 0] = zero
        v1[v1 == 0] = zero
        target[target == 0] = zero
    d = np.where((v0 < 0) & (v1 < 0), -p.d, p.d)
    observed = cagr(v0, v1, e.t0, e.t1)
    ty = float(p.target_year) if p.target_year is not None else np.nan
    required = cagr(v0, target, e.t0, np.full(v0.shape, ty))
    return observed, required, d, v0


def _ratio(observed: np.ndarray, required: np.ndarray, d: np.ndarray) -> np.ndarray:
    """R = d · CAGR_obs / |CAGR_req|; a required rate of 0 (base on the target) with movement away is −∞."""
    r = safe_div(d * observed, np.abs(required))
    return np.where((required == 0) & np.isfinite(observed), -np.inf, r)


OPEN_SDG_LABELS = (
    "target_achieved",
    "on_track",
    "progress_needs_acceleration",
    "limited_progress",
    "deterioration",
)
OPEN_SDG_STATUS = (S.ACHIEVED, S.ON_TRACK, S.MODERATE, S.STAGNATING, S.MOVING_AWAY)


@extreme
def open_sdg(
    values: object,
    years: object,
    spec: TargetSpec,
    *,
    base_year: int | None = None,
    eval_year: int | None = None,
    min_obs: int = 2,
    max_age: int | None = None,
    cuts: tuple[float, float, float] = (0.95, 0.60, 0.0),
    no_target_cuts: tuple[float, float, float] = (0.015, 0.005, 0.0),
) -> TrendResult:
    """Statistics Canada / Open SDG progress status (both the target and the no-target method)."""
    params = {
        "base_year": base_year,
        "cuts": cuts,
        "no_target_cuts": no_target_cuts,
        "zero_replacement": OPEN_SDG_ZERO,
    }
    p = prepare(
        values,
        years,
        spec,
        window=_from_year(base_year),
        needs_target=False,
        min_obs=min_obs,
        eval_year=eval_year,
        max_age=max_age,
        params=params,
    )
    observed, required, d, _ = _growth(p, zero=OPEN_SDG_ZERO)
    if spec.has_target:
        metric, name, use = _ratio(observed, required, d), "ratio_observed_to_required_cagr", cuts
    else:
        metric, name, use = d * observed, "direction_adjusted_cagr", no_target_cuts
    label = classify(metric, use) + 1
    return finish(
        p,
        "open_sdg",
        OPEN_SDG_LABELS,
        OPEN_SDG_STATUS,
        name,
        label=label,
        observed=observed,
        required=required,
        metric=metric,
    )


EUROSTAT_LABELS = (
    "target_met",
    "significant_progress",
    "moderate_progress",
    "insufficient_progress",
    "movement_away",
    "moderate_movement_away",
    "significant_movement_away",
)
EUROSTAT_STATUS = (
    S.ACHIEVED,
    S.ON_TRACK,
    S.MODERATE,
    S.STAGNATING,
    S.MOVING_AWAY,
    S.MOVING_AWAY,
    S.MOVING_AWAY,
)


@extreme
def eurostat(
    values: object,
    years: object,
    spec: TargetSpec,
    *,
    period: int = 5,
    eval_year: int | None = None,
    min_obs: int = 3,
    max_age: int | None = None,
    cuts: tuple[float, float, float] = (0.95, 0.60, 0.0),
    direction_cuts: tuple[float, float] = (0.01, -0.01),
) -> TrendResult:
    """Eurostat's short-term assessment: the last ``period`` years before the latest observation."""

    def window(v: np.ndarray, y: np.ndarray, obs: np.ndarray) -> np.ndarray:
        last = np.where(obs.any(axis=1), np.max(np.where(obs, y[None, :], -(10**6)), axis=1), 0)
        return obs & (y[None, :] >= (last - period)[:, None])

    params = {"period": period, "cuts": cuts, "direction_cuts": direction_cuts}
    p = prepare(
        values,
        years,
        spec,
        window=window,
        needs_target=False,
        min_obs=min_obs,
        eval_year=eval_year,
        max_age=max_age,
        params=params,
    )
    observed, required, d, _ = _growth(p, zero=None)
    if spec.has_target:
        metric, name = _ratio(observed, required, d), "ratio_actual_to_required_growth"
        label = classify(metric, cuts) + 1
    else:
        metric, name = d * observed, "direction_adjusted_cagr"
        sig, neg = direction_cuts
        label = np.select([metric >= sig, metric > 0, metric > neg], [1, 2, 5], default=6)
    return finish(
        p,
        "eurostat",
        EUROSTAT_LABELS,
        EUROSTAT_STATUS,
        name,
        label=label,
        observed=observed,
        required=required,
        metric=metric,
    )


SDSN_LABELS = ("achieved_or_maintaining", "on_track", "moderately_improving", "stagnating", "decreasing")
SDSN_STATUS = (S.ACHIEVED, S.ON_TRACK, S.MODERATE, S.STAGNATING, S.MOVING_AWAY)


def _column(x: object, n: int) -> object:
    a = np.asarray(x, float)
    return a[:, None] if a.ndim == 1 and a.shape[0] == n else x


def default_lower_bound(values: object, spec: TargetSpec) -> float:
    """SDSN-style worst bound from the panel itself: the 2.5th (or 97.5th) percentile of all values."""
    v = np.asarray(values, float)
    finite = v[np.isfinite(v)]
    if spec.direction is Direction.BAND:
        raise InputError("give lower_bound explicitly (band targets need one per side)")
    if finite.size == 0:
        return math.nan  # no data at all: every series is insufficient data anyway
    q = 2.5 if spec.direction is Direction.HIGHER else 97.5
    return float(np.percentile(finite, q))


@extreme
def sdsn_arrows(
    values: object,
    years: object,
    spec: TargetSpec,
    *,
    start_year: int | None = None,
    eval_year: int | None = None,
    min_obs: int = 2,
    max_age: int | None = None,
    on_track: float = 1.0,
    moderate: float = 0.5,
) -> TrendResult:
    """SDSN trend arrows on the 0–100 score: share = observed annual gain / gain required."""
    params = {"start_year": start_year, "on_track": on_track, "moderate": moderate}
    p = prepare(
        values,
        years,
        spec,
        window=_from_year(start_year),
        needs_target=True,
        min_obs=min_obs,
        eval_year=eval_year,
        max_age=max_age,
        params=params,
    )
    n = p.values.shape[0]
    if spec.has_target:
        bound = spec.lower_bound if spec.lower_bound is not None else default_lower_bound(p.values, spec)
        p.params["lower_bound"] = bound
        band = None if spec.band is None else (_column(spec.band[0], n), _column(spec.band[1], n))
        col = TargetSpec(
            spec.direction,
            _column(spec.value, n) if spec.value is not None else None,  # type: ignore[arg-type]
            spec.year,
            band,
            _column(bound, n) if spec.band is None else bound,
        )  # type: ignore[arg-type]
        s = scores(p.values, col)
    else:
        s = np.full(p.values.shape, np.nan)
    rows = np.arange(n)
    e = p.ends
    s0, s1 = s[rows, e.first], s[rows, e.last]
    dt = (e.t1 - e.t0).astype(float)
    slope = safe_div(s1 - s0, dt, e.n >= 2)
    ty = float(p.target_year) if p.target_year is not None else np.nan
    required = safe_div(100.0 - s0, ty - e.t0, ty > e.t0)
    share = safe_div(slope, required, required > 0)
    share = np.where((required == 0) & np.isfinite(slope), -np.inf, share)  # base at 100, now below
    label = np.select([share >= on_track, share >= moderate, share >= 0], [1, 2, 3], default=4)
    return finish(
        p,
        "sdsn",
        SDSN_LABELS,
        SDSN_STATUS,
        "share_of_required_annual_gain",
        label=label,
        observed=slope,
        required=required,
        metric=share,
    )


WEATHER_LABELS = ("sun", "slightly_cloudy", "cloudy", "thunderstorm")
WEATHER_STATUS = (S.ON_TRACK, S.MODERATE, S.STAGNATING, S.MOVING_AWAY)


@extreme
def destatis_weather(
    values: object,
    years: object,
    spec: TargetSpec,
    *,
    points: int = 6,
    eval_year: int | None = None,
    min_obs: int = 4,
    max_age: int | None = None,
    sun: float = 0.05,
    cloud: float = 0.20,
) -> TrendResult:
    """German weather symbols: shortfall of the projected value as a share of the remaining gap."""
    params = {"points": points, "sun": sun, "cloud": cloud}
    p = prepare(
        values,
        years,
        spec,
        window=lambda v, y, obs: last_k(obs, points),
        needs_target=True,
        min_obs=min_obs,
        eval_year=eval_year,
        max_age=max_age,
        params=params,
    )
    e = p.ends
    change = safe_div(e.v1 - e.v0, (e.t1 - e.t0).astype(float), e.n >= 2)
    ty = float(p.target_year) if p.target_year is not None else np.nan
    horizon = np.maximum(ty - e.t1, 0.0)
    projected = e.v1 + change * horizon
    gap = np.abs(p.target - e.v1)
    shortfall = safe_div(p.d * (p.target - projected), gap)
    required = safe_div(p.target - e.v1, ty - e.t1, ty > e.t1)
    wrong_way = p.d * change <= 0
    label = np.where(wrong_way, 3, np.select([shortfall < sun, shortfall <= cloud], [0, 1], default=2))
    status = np.array([CODE[s] for s in WEATHER_STATUS], dtype=np.int8)[label]
    metric = np.where(np.isfinite(change), shortfall, np.nan)
    return finish(
        p,
        "destatis_weather",
        WEATHER_LABELS,
        None,
        "shortfall_share_of_gap",
        label=label,
        observed=change,
        required=required,
        metric=metric,
        status=status,
    )


UNSD_LABELS = ("target_met", "on_track", "fair_progress_acceleration_needed", "stagnation_or_regression")


@extreme
def unsd_progress_chart(
    values: object,
    years: object,
    spec: TargetSpec,
    *,
    base_year: int | None = None,
    eval_year: int | None = None,
    min_obs: int = 2,
    max_age: int | None = None,
    on_track: float = 0.95,
    fair: float = 0.10,
) -> TrendResult:
    """UNSD Progress Chart current-trend ratio CR = (v_T^e − v_b) / (v_T − v_b), EUSTAT's cuts."""
    params = {"base_year": base_year, "on_track": on_track, "fair": fair}
    p = prepare(
        values,
        years,
        spec,
        window=_from_year(base_year),
        needs_target=True,
        min_obs=min_obs,
        eval_year=eval_year,
        max_age=max_age,
        params=params,
    )
    e = p.ends
    growth = cagr(e.v0, e.v1, e.t0, e.t1)
    ty = float(p.target_year) if p.target_year is not None else np.nan
    horizon = np.maximum(ty - e.t1, 0.0)
    base = 1.0 + growth
    factor = np.full(base.shape, np.nan)
    np.power(base, horizon, out=factor, where=np.isfinite(base) & (base > 0))
    expected = e.v1 * factor
    cr = safe_div(expected - e.v0, p.target - e.v0)
    cr = np.where((p.target == e.v0) & np.isfinite(expected), -np.inf, cr)  # base on the target, now off
    required = cagr(e.v0, p.target, e.t0, np.full(e.t0.shape, ty))
    label = np.select([cr >= on_track, cr >= fair], [1, 2], default=3)
    status = np.select(
        [cr >= on_track, cr >= fair, cr >= 0],
        [CODE[S.ON_TRACK], CODE[S.MODERATE], CODE[S.STAGNATING]],
        default=CODE[S.MOVING_AWAY],
    ).astype(np.int8)
    return finish(
        p,
        "unsd_progress_chart",
        UNSD_LABELS,
        None,
        "current_trend_ratio",
        label=label,
        observed=growth,
        required=required,
        metric=cr,
        status=status,
    )


RULES = {
    "open_sdg": open_sdg,
    "eurostat": eurostat,
    "sdsn": sdsn_arrows,
    "destatis_weather": destatis_weather,
    "unsd_progress_chart": unsd_progress_chart,
}
DEFAULT_HEADLINE = "open_sdg"
