"""Regional disparity: coefficient of variation, Theil T (with its exact decomposition), Gini, max/min.

All take one cross-section (a value per region) and optional population weights. Missing
values (NaN) are dropped together with their weights. A measure that is undefined (a zero
mean, no region) is NaN rather than an error, so a year with no data does not stop a series.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from yrd.errors import InputError
from yrd.evaluate.series import safe_div


def _clean(values: object, weights: object | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    y = np.asarray(values, float)
    w = np.ones_like(y) if weights is None else np.asarray(weights, float)
    if w.shape != y.shape:
        raise InputError(f"weights {w.shape} do not match values {y.shape}")
    keep = np.isfinite(y) & np.isfinite(w)
    if np.any(w[keep] < 0):
        raise InputError("weights must not be negative")
    return y[keep], w[keep], keep


def cv(values: object, weights: object | None = None) -> float:
    """sd / mean. With population weights it is Williamson's (1965) weighted CV:
    sqrt(Σ pᵢ (yᵢ − ȳ)²) / ȳ with pᵢ = Pᵢ / ΣP and ȳ the population-weighted mean."""
    y, w, _ = _clean(values, weights)
    if y.size == 0 or w.sum() == 0:
        return float("nan")
    p = w / w.sum()
    mean = float((p * y).sum())
    sd = float(np.sqrt((p * (y - mean) ** 2).sum()))
    return sd / mean if mean != 0 else float("nan")


def gini(values: object, weights: object | None = None) -> float:
    """Σᵢ Σⱼ wᵢ wⱼ |yᵢ − yⱼ| / (2 W² ȳ), computed in O(n log n) on the sorted values."""
    y, w, _ = _clean(values, weights)
    if y.size == 0 or w.sum() == 0:
        return float("nan")
    if np.any(y < 0):
        raise InputError("the Gini index needs non-negative values")
    order = np.argsort(y, kind="stable")
    y, w = y[order], w[order]
    total = w.sum()
    mean = (w * y).sum() / total
    if mean == 0:
        return float("nan")
    cum = np.cumsum(w)
    pairs = 2.0 * (w * y * (2.0 * cum - w - total)).sum()
    return float(pairs / (2.0 * total * total * mean))


def max_min_ratio(values: object) -> float:
    y, _, _ = _clean(values, None)
    if y.size == 0 or y.min() <= 0:
        return float("nan")
    return float(y.max() / y.min())


@dataclass(frozen=True)
class TheilT:
    """T = between + within; ``groups`` holds each group's own T and its income share."""

    total: float
    between: float
    within: float
    groups: dict[str, dict[str, float]]
    method: str = "theil_t_population_weighted"
    params: dict[str, Any] = field(default_factory=dict)


def _theil(y: np.ndarray, n: np.ndarray) -> float:
    """Σ sᵢ ln(sᵢ / qᵢ) with income shares s and population shares q; 0·ln 0 = 0."""
    income = n * y
    s = income / income.sum()
    q = n / n.sum()
    ratio = safe_div(s, q, s > 0)
    logs = np.zeros_like(s)
    np.log(ratio, out=logs, where=s > 0)
    return float((s * logs).sum())


def theil_t(values: object, population: object | None = None, groups: Sequence[str] | None = None) -> TheilT:
    """Theil's T index (Theil 1967) of per-capita values with population weights (1 each if
    none), decomposed exactly into between-group and within-group parts (Shorrocks 1980):
    T = Σ_g S_g T_g + Σ_g S_g ln(S_g / Q_g), S_g / Q_g = the group's income / population share."""
    raw = np.asarray(values, float)
    y, n, keep = _clean(raw, population)
    g = np.array(["all"] * raw.size if groups is None else list(groups), dtype=object)
    if g.shape != raw.shape:
        raise InputError(f"{g.size} group names for {raw.size} values")
    g = g[keep]
    if np.any(y < 0):
        raise InputError("the Theil index needs non-negative values")
    params = {"weighted": population is not None, "groups": None if groups is None else list(groups)}
    if y.size == 0 or (n * y).sum() == 0:
        return TheilT(float("nan"), float("nan"), float("nan"), {}, params=params)
    total_income, total_pop = (n * y).sum(), n.sum()
    parts: dict[str, dict[str, float]] = {}
    between = within = 0.0
    for name in dict.fromkeys(g):
        sel = g == name
        s_g = (n[sel] * y[sel]).sum() / total_income
        q_g = n[sel].sum() / total_pop
        t_g = _theil(y[sel], n[sel]) if s_g > 0 else 0.0
        parts[str(name)] = {"theil": t_g, "income_share": float(s_g), "population_share": float(q_g)}
        within += s_g * t_g
        if s_g > 0:
            between += s_g * float(np.log(s_g / q_g))
    total = _theil(y, n)
    return TheilT(total, float(between), float(within), parts, params=params)


@dataclass(frozen=True)
class Disparity:
    cv: float
    cv_weighted: float
    theil: TheilT
    gini: float
    max_min_ratio: float
    n_regions: int


def disparity(
    values: object, population: object | None = None, groups: Sequence[str] | None = None
) -> Disparity:
    """Every measure for one cross-section."""
    y = np.asarray(values, float)
    return Disparity(
        cv=cv(y),
        cv_weighted=cv(y, population) if population is not None else float("nan"),
        theil=theil_t(y, population, groups),
        gini=gini(y, population),
        max_min_ratio=max_min_ratio(y),
        n_regions=int(np.isfinite(y).sum()),
    )
