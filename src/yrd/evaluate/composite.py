"""Composite integration index: normalise, weight, aggregate (by dimension, then overall).

Follows the OECD/JRC *Handbook on Constructing Composite Indicators* (2008) steps. Data are a
(regions × years × indicators) array; the normalisation reference is every region-year, so one
scale holds across years and the index can be compared over time.

Normalisations (each turned so that higher = better):
- ``minmax``: (x − min) / (max − min) over the reference, in [0, 1];
- ``zscore``: (x − mean) / sd over the reference (sd with ddof = 0);
- ``distance_to_target``: (x − worst) / (target − worst), clipped to [0, 1] — the SDSN score / 100
  with the reference's worst value as lower bound.
A constant indicator carries no information: min–max and distance-to-target give 0.5, z-score 0.

Weights: ``equal``; ``entropy`` (Shannon entropy of the min–max normalised reference columns,
w ∝ 1 − e); ``pca`` (squared loadings of the first principal component of the correlation
matrix, summing to 1). Weights are renormalised within each dimension; dimensions weigh equally.

Aggregation: ``arithmetic`` (weighted mean) or ``geometric`` (weighted geometric mean). The
geometric mean needs positive inputs, so each normalised column is first mapped linearly onto
[1, 100] over the reference (for z-scores this equals min–max; stated in docs/methods.md).
Missing values are skipped with the remaining weights renormalised; a dimension without any
value is NaN, and so is the index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from yrd.errors import InputError
from yrd.evaluate.series import safe_div

NORMALISATIONS = ("minmax", "zscore", "distance_to_target")
WEIGHTINGS = ("equal", "entropy", "pca")
AGGREGATIONS = ("arithmetic", "geometric")


def _as_3d(data: object) -> np.ndarray:
    x = np.asarray(data, float)
    if x.ndim == 2:
        x = x[:, None, :]
    if x.ndim != 3:
        raise InputError(f"expected (regions, years, indicators), got shape {x.shape}")
    return x


def _signs(directions: Sequence[int | str] | None, k: int) -> np.ndarray:
    if directions is None:
        return np.ones(k)
    s = np.array([(-1.0 if d in (-1, "lower") else 1.0) for d in directions])
    if s.shape != (k,):
        raise InputError(f"{len(s)} directions for {k} indicators")
    return s


def _minmax(flat: np.ndarray) -> np.ndarray:
    lo, hi = np.nanmin(flat, axis=0), np.nanmax(flat, axis=0)
    out = safe_div(flat - lo, hi - lo)
    return np.where(np.isnan(flat), np.nan, np.where(hi == lo, 0.5, out))


def normalise(
    data: object,
    method: str = "minmax",
    *,
    directions: Sequence[int | str] | None = None,
    targets: Sequence[float] | None = None,
) -> np.ndarray:
    """Normalised copy of a (regions, years, indicators) array, higher = better."""
    x = _as_3d(data)
    r, t, k = x.shape
    s = _signs(directions, k)
    flat = x.reshape(r * t, k) * s
    if np.all(np.isnan(flat), axis=0).any():
        raise InputError("an indicator has no value at all")
    if method == "minmax":
        out = _minmax(flat)
    elif method == "zscore":
        mu, sd = np.nanmean(flat, axis=0), np.nanstd(flat, axis=0)
        out = np.where(sd == 0, 0.0, safe_div(flat - mu, sd))
        out = np.where(np.isnan(flat), np.nan, out)
    elif method == "distance_to_target":
        worst = np.nanmin(flat, axis=0)
        goal = np.nanmax(flat, axis=0) if targets is None else np.asarray(targets, float) * s
        span = goal - worst
        out = np.clip(safe_div(flat - worst, span), 0.0, 1.0)
        out = np.where(np.isnan(flat), np.nan, np.where(span == 0, 0.5, out))
    else:
        raise InputError(f"unknown normalisation {method!r}; use one of {NORMALISATIONS}")
    return out.reshape(r, t, k)


def entropy_weights(data: object, directions: Sequence[int | str] | None = None) -> np.ndarray:
    """Entropy weights from the min–max normalised reference (0·ln 0 = 0; constant → weight 0)."""
    x = normalise(data, "minmax", directions=directions)
    flat = x.reshape(-1, x.shape[2])
    ok = np.isfinite(flat)
    m = ok.sum(axis=0)
    col = np.nansum(flat, axis=0)
    p = safe_div(np.where(ok, flat, 0.0), col[None, :])
    p = np.where(np.isnan(p), 0.0, p)
    plogp = np.zeros_like(p)
    np.multiply(p, np.log(p, out=np.zeros_like(p), where=p > 0), out=plogp, where=p > 0)
    lnm = np.log(np.maximum(m, 2).astype(float))
    e = np.where(m >= 2, -plogp.sum(axis=0) / lnm, 1.0)
    e = np.where(col == 0, 1.0, e)
    d = np.clip(1.0 - e, 0.0, None)
    total = d.sum()
    return np.full(d.shape, 1.0 / d.size) if total <= 0 else d / total


def pca_weights(data: object, directions: Sequence[int | str] | None = None) -> np.ndarray:
    """Squared loadings of the first principal component of the indicators' correlation matrix.

    Uses complete region-years only; a constant indicator gets weight 0; with no usable
    correlation (fewer than two complete rows) the weights are equal.
    """
    x = normalise(data, "zscore", directions=directions)
    flat = x.reshape(-1, x.shape[2])
    flat = flat[np.all(np.isfinite(flat), axis=1)]
    k = flat.shape[1]
    sd = flat.std(axis=0) if flat.shape[0] else np.zeros(k)
    live = sd > 0
    if flat.shape[0] < 2 or not live.any():
        return np.full(k, 1.0 / k)
    z = flat[:, live] / sd[live]
    z = z - z.mean(axis=0)
    corr = (z.T @ z) / z.shape[0]
    _vals, vecs = np.linalg.eigh(corr)
    first = vecs[:, -1]
    w = np.zeros(k)
    w[live] = first**2
    return w / w.sum()


def weights_for(method: str, data: object, directions: Sequence[int | str] | None = None) -> np.ndarray:
    k = _as_3d(data).shape[2]
    if method == "equal":
        return np.full(k, 1.0 / k)
    if method == "entropy":
        return entropy_weights(data, directions)
    if method == "pca":
        return pca_weights(data, directions)
    raise InputError(f"unknown weighting {method!r}; use one of {WEIGHTINGS}")


def _positive(norm: np.ndarray) -> np.ndarray:
    """Each column mapped linearly onto [1, 100] over the reference (for the geometric mean)."""
    r, t, k = norm.shape
    return (1.0 + 99.0 * _minmax(norm.reshape(r * t, k))).reshape(r, t, k)


def _wmean(x: np.ndarray, w: np.ndarray, geometric: bool) -> np.ndarray:
    ok = np.isfinite(x)
    wsum = (ok * w).sum(axis=-1)
    if geometric:
        logs = np.log(np.where(ok, x, 1.0))
        val = safe_div((np.where(ok, logs, 0.0) * w).sum(axis=-1), wsum)
        out = np.full(val.shape, np.nan)
        np.exp(val, out=out, where=np.isfinite(val))
        return out
    return safe_div((np.where(ok, x, 0.0) * w).sum(axis=-1), wsum)


@dataclass(frozen=True)
class CompositeIndex:
    """Index per region and year, its dimension sub-indices, and how it was built."""

    index: np.ndarray  # (regions, years)
    dimensions: dict[str, np.ndarray]
    weights: np.ndarray
    normalisation: str
    weighting: str
    aggregation: str
    params: dict[str, Any] = field(default_factory=dict)


def composite_index(
    data: object,
    groups: Sequence[str],
    *,
    normalisation: str = "minmax",
    weighting: str = "equal",
    aggregation: str = "arithmetic",
    directions: Sequence[int | str] | None = None,
    targets: Sequence[float] | None = None,
) -> CompositeIndex:
    """``groups`` names each indicator's dimension (same order as the last axis of ``data``)."""
    x = _as_3d(data)
    k = x.shape[2]
    if len(groups) != k:
        raise InputError(f"{len(groups)} dimension names for {k} indicators")
    if aggregation not in AGGREGATIONS:
        raise InputError(f"unknown aggregation {aggregation!r}; use one of {AGGREGATIONS}")
    norm = normalise(x, normalisation, directions=directions, targets=targets)
    geometric = aggregation == "geometric"
    if geometric:
        norm = _positive(norm)
    w = weights_for(weighting, x, directions)
    names = list(dict.fromkeys(groups))
    dims: dict[str, np.ndarray] = {}
    for name in names:
        cols = np.array([g == name for g in groups])
        wd = w[cols]
        wd = np.full(wd.shape, 1.0 / wd.size) if wd.sum() <= 0 else wd / wd.sum()
        dims[name] = _wmean(norm[:, :, cols], wd, geometric)
    stacked = np.stack([dims[n] for n in names], axis=-1)
    whole = np.all(np.isfinite(stacked), axis=-1)
    index = np.where(whole, _wmean(stacked, np.full(len(names), 1.0 / len(names)), geometric), np.nan)
    params = {
        "groups": list(groups),
        "directions": None if directions is None else list(directions),
        "targets": None if targets is None else list(targets),
    }
    return CompositeIndex(index, dims, w, normalisation, weighting, aggregation, params)
