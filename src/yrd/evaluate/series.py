"""Panel helpers shared by the methods: a panel is a (regions × years) float array, NaN = missing.

Everything here works on whole panels at once (one row per region, or per region × indicator),
so evaluating thousands of series costs a handful of numpy operations, not a Python loop.
Undefined results (a growth rate from zero, a slope from one point) are NaN, computed under an
explicit mask so no numpy warning is raised.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from yrd.errors import InputError


def as_panel(values: object, years: object) -> tuple[np.ndarray, np.ndarray]:
    """(values as 2-D float, years as 1-D int), checked: years strictly increasing, shapes agree."""
    v = np.asarray(values, dtype=float)
    if v.ndim == 1:
        v = v[None, :]
    y = np.asarray(years)
    if y.ndim != 1 or v.ndim != 2 or v.shape[1] != y.shape[0]:
        raise InputError(f"values {v.shape} do not match years {y.shape}")
    if not np.all(y == np.round(y)):
        raise InputError("years must be whole numbers")
    y = y.astype(int)
    if y.size > 1 and np.any(np.diff(y) <= 0):
        raise InputError("years must be strictly increasing")
    return v, y


def per_row(x: object, n: int) -> np.ndarray:
    """A scalar or per-row array broadcast to n rows (float)."""
    a = np.asarray(x, dtype=float)
    if a.ndim == 0:
        return np.full(n, float(a))
    if a.shape != (n,):
        raise InputError(f"expected one value per row ({n}), got shape {a.shape}")
    return a


def last_k(mask: np.ndarray, k: int) -> np.ndarray:
    """Keep only the last k True cells of each row (the latest k observations)."""
    from_right = np.cumsum(mask[:, ::-1], axis=1)[:, ::-1]
    return mask & (from_right <= k)


@dataclass(frozen=True)
class Ends:
    """First and last observation of each row inside a mask."""

    n: np.ndarray
    first: np.ndarray
    last: np.ndarray
    v0: np.ndarray
    v1: np.ndarray
    t0: np.ndarray
    t1: np.ndarray


def ends(values: np.ndarray, years: np.ndarray, mask: np.ndarray) -> Ends:
    n = mask.sum(axis=1)
    first = mask.argmax(axis=1)
    last = mask.shape[1] - 1 - mask[:, ::-1].argmax(axis=1)
    rows = np.arange(values.shape[0])
    has = n > 0
    v0 = np.where(has, values[rows, first], np.nan)
    v1 = np.where(has, values[rows, last], np.nan)
    t0 = np.where(has, years[first], -1)
    t1 = np.where(has, years[last], -1)
    return Ends(n, first, last, v0, v1, t0, t1)


@np.errstate(over="ignore", under="ignore")
def safe_div(a: np.ndarray, b: np.ndarray, ok: np.ndarray | None = None) -> np.ndarray:
    """a / b where b != 0 (and ok), else NaN — without a warning."""
    a, b = np.broadcast_arrays(np.asarray(a, float), np.asarray(b, float))
    where = (b != 0) & np.isfinite(b) & np.isfinite(a)
    if ok is not None:
        where &= ok
    return np.divide(a, b, out=np.full(a.shape, np.nan), where=where)


@np.errstate(over="ignore", under="ignore")
def cagr(v0: np.ndarray, v1: np.ndarray, t0: np.ndarray, t1: np.ndarray) -> np.ndarray:
    """Compound annual growth rate (v1/v0)^(1/(t1−t0)) − 1.

    Defined only when both values have the same sign and neither is zero and t1 > t0; for two
    negative values it is the growth of the magnitude (the caller flips the direction).
    """
    v0, v1 = np.asarray(v0, float), np.asarray(v1, float)
    dt = np.asarray(t1, float) - np.asarray(t0, float)
    ok = (dt > 0) & (v0 * v1 > 0)
    ratio = safe_div(v1, v0, ok)
    inv = safe_div(np.ones_like(dt), dt, ok)
    out = np.full(ratio.shape, np.nan)
    np.power(ratio, inv, out=out, where=ok)
    return out - 1.0


def ols_slope(values: np.ndarray, years: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-row least-squares line through the masked points: (intercept at year 0, slope).

    NaN where a row has fewer than two points.
    """
    m = mask.astype(float)
    t = years.astype(float)[None, :] - float(years[0])  # centred on the first year for precision
    x = np.where(mask, values, 0.0)
    n = m.sum(axis=1)
    st = (m * t).sum(axis=1)
    sy = x.sum(axis=1)
    stt = (m * t * t).sum(axis=1)
    sty = (x * t).sum(axis=1)
    den = n * stt - st * st
    ok = (n >= 2) & (den > 0)
    slope = safe_div(n * sty - st * sy, den, ok)
    intercept = safe_div(sy - slope * st, n, ok) - slope * float(years[0])
    return intercept, slope


def log_ok(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Rows whose masked values are all strictly positive (a log-linear model is possible)."""
    return ~np.any(mask & ~(values > 0), axis=1)


def safe_log(values: np.ndarray) -> np.ndarray:
    """log where positive, NaN elsewhere, without a warning."""
    out = np.full(np.shape(values), np.nan)
    np.log(values, out=out, where=np.asarray(values) > 0)
    return out
