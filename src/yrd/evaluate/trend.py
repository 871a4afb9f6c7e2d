"""What every trend rule shares: the checks before a verdict, and the batch result type.

Before any rule looks at growth, each series (row) goes through the same steps:

1. the target year: when it has passed, only observations up to it count (the question becomes
   "was the target met by its year", as EUSTAT's adaptation of the UNSD Progress Chart states);
2. the rule's window (from a base year, the last k points, the last n years);
3. band targets: a value below the band aims at its low edge ("higher is better"), above it at
   its high edge ("lower is better"), inside it the target is met;
4. insufficient data, with the reason: no numeric target for a rule that needs one, fewer
   observations than the rule's minimum, a latest observation older than ``max_age`` years
   before the evaluation year;
5. a target met by the latest observation is ``achieved`` whatever the trend (a met target needs
   no growth rate, so one recent observation suffices; the evidence grade says it is thin).

Each rule then classifies the remaining rows. A :class:`TrendResult` holds whole arrays; a
single series is a panel of one row (:meth:`TrendResult.verdict`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from yrd.evaluate.series import Ends, as_panel, ends, per_row
from yrd.evaluate.status import CODE, STATUSES, Direction, Status, TargetSpec, Verdict

OK, NO_TARGET, FEW_OBS, STALE, UNDEFINED, NO_SPAN = range(6)
REASONS = (
    "",
    "the rule needs a numeric target",
    "fewer than {min_obs} observations in the rule's window",
    "latest observation {age} years before the evaluation year (at most {max_age} allowed)",
    "growth rate undefined (a zero value or a change of sign)",
    "the target year is not after the first observation of the window",
)


@dataclass(frozen=True)
class TrendResult:
    """One rule applied to many series: arrays with one entry per row."""

    method: str
    labels: tuple[str, ...]
    metric_name: str
    params: dict[str, Any]
    status: np.ndarray
    label: np.ndarray
    observed_rate: np.ndarray
    required_rate: np.ndarray
    metric: np.ndarray
    n_obs: np.ndarray
    first_year: np.ndarray
    last_year: np.ndarray
    age: np.ndarray
    reason: np.ndarray
    past_target_year: np.ndarray

    def __len__(self) -> int:
        return int(self.status.shape[0])

    def statuses(self) -> list[Status]:
        return [STATUSES[c] for c in self.status]

    def verdict(self, i: int = 0) -> Verdict:
        code = int(self.reason[i])
        reason = REASONS[code].format(
            min_obs=self.params.get("min_obs"), max_age=self.params.get("max_age"), age=int(self.age[i])
        )
        if self.past_target_year[i]:
            note = f"target year {self.params.get('target_year')} has passed: assessed on data up to it"
            reason = f"{reason}; {note}" if reason else note
        lab = int(self.label[i])
        has = self.n_obs[i] > 0
        return Verdict(
            method=self.method,
            status=STATUSES[int(self.status[i])],
            label=self.labels[lab] if lab >= 0 else "insufficient_data",
            observed_rate=float(self.observed_rate[i]),
            required_rate=float(self.required_rate[i]),
            metric=float(self.metric[i]),
            metric_name=self.metric_name,
            n_obs=int(self.n_obs[i]),
            first_year=int(self.first_year[i]) if has else None,
            last_year=int(self.last_year[i]) if has else None,
            reason=reason,
            params=self.params,
        )


@dataclass
class Prepared:
    """A panel after the shared checks, ready for a rule's own arithmetic."""

    values: np.ndarray
    years: np.ndarray
    mask: np.ndarray
    ends: Ends
    d: np.ndarray  # +1 higher is better, −1 lower is better (per row; bands resolved)
    target: np.ndarray  # per row; NaN without a numeric target
    target_year: int | None
    met: np.ndarray
    reason: np.ndarray
    age: np.ndarray
    past: np.ndarray
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def todo(self) -> np.ndarray:
        """Rows the rule must classify itself (enough data, target not met)."""
        return (self.reason == OK) & ~self.met


Window = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def prepare(
    values: object,
    years: object,
    spec: TargetSpec,
    *,
    window: Window | None = None,
    needs_target: bool,
    min_obs: int,
    eval_year: int | None,
    max_age: int | None,
    params: dict[str, Any],
) -> Prepared:
    v, y = as_panel(values, years)
    n = v.shape[0]
    obs = np.isfinite(v)
    latest = ends(v, y, obs)
    eval_year = int(y.max()) if eval_year is None else int(eval_year)
    age = np.where(latest.n > 0, eval_year - latest.t1, 10**6)

    target_year = spec.year if spec.has_target else None
    past = np.zeros(n, bool)
    if target_year is not None:
        after = y > target_year
        past = np.any(obs & after[None, :], axis=1)
        obs = obs & ~after[None, :]
    mask = obs if window is None else window(v, y, obs)
    e = ends(v, y, mask)

    d, target, met = _direction_and_target(spec, e.v1, n)
    reason = np.full(n, OK, dtype=np.int8)
    reason[e.n < min_obs] = FEW_OBS
    if max_age is not None:
        reason[(age > max_age) & (reason == OK)] = STALE
    if needs_target and not spec.has_target:
        reason[:] = NO_TARGET
    if spec.value is not None:
        reason[np.isnan(target)] = NO_TARGET  # a per-region target left empty
    # A met target needs one recent observation, not a trend (see the module docstring).
    met_ok = met & (e.n >= 1) & (reason != NO_TARGET) & ((age <= max_age) if max_age is not None else True)
    reason[met_ok] = OK
    if target_year is not None:
        reason[(reason == OK) & ~met_ok & (e.t0 >= target_year)] = NO_SPAN

    params = {
        **params,
        "direction": str(spec.direction),
        "target": _plain(spec.value),
        "band": spec.band,
        "target_year": target_year,
        "eval_year": eval_year,
        "min_obs": min_obs,
        "max_age": max_age,
    }
    return Prepared(v, y, mask, e, d, target, target_year, met_ok, reason, age, past, params)


def _plain(x: Any) -> Any:
    return x.tolist() if isinstance(x, np.ndarray) else x


def _direction_and_target(spec: TargetSpec, latest: np.ndarray, n: int) -> tuple[np.ndarray, ...]:
    if spec.direction is Direction.BAND:
        lo, hi = per_row(spec.band[0], n), per_row(spec.band[1], n)  # type: ignore[index]
        below, above = latest < lo, latest > hi
        d = np.where(above, -1.0, 1.0)
        target = np.where(below, lo, np.where(above, hi, np.nan))
        met = (latest >= lo) & (latest <= hi)
        return d, target, met
    d = np.full(n, 1.0 if spec.direction is Direction.HIGHER else -1.0)
    if spec.value is None:
        return d, np.full(n, np.nan), np.zeros(n, bool)
    target = per_row(spec.value, n)
    met = np.isfinite(latest) & (d * (latest - target) >= 0)
    return d, target, met


def classify(x: np.ndarray, cuts: tuple[float, ...]) -> np.ndarray:
    """Label index by descending cut points: x ≥ cuts[0] → 0, ≥ cuts[1] → 1, …, below all → len(cuts)."""
    conds = [x >= c for c in cuts]
    return np.select(conds, list(range(len(cuts))), default=len(cuts))


def finish(
    p: Prepared,
    method: str,
    labels: tuple[str, ...],
    label_status: tuple[Status, ...] | None,
    metric_name: str,
    *,
    label: np.ndarray,
    observed: np.ndarray,
    required: np.ndarray,
    metric: np.ndarray,
    status: np.ndarray | None = None,
    achieved_label: int = 0,
) -> TrendResult:
    """Assemble a result: achieved rows, insufficient rows, and the rule's own classification.

    Rows the rule could not compute (NaN metric) become insufficient data ("growth rate undefined").
    """
    reason = p.reason.copy()
    undefined = p.todo & ~np.isfinite(metric) & ~np.isinf(metric)
    reason[undefined] = UNDEFINED
    todo = (reason == OK) & ~p.met
    metric = np.where(todo, metric, np.nan)
    lab = np.where(todo, label, -1)
    lab = np.where(p.met & (reason == OK), achieved_label, lab).astype(np.int8)
    if status is None:
        assert label_status is not None
        table = np.array([CODE[s] for s in label_status], dtype=np.int8)
        st = np.where(lab >= 0, table[np.maximum(lab, 0)], CODE[Status.INSUFFICIENT_DATA])
    else:
        st = np.where(todo, status, CODE[Status.INSUFFICIENT_DATA])
    st = np.where(p.met & (reason == OK), CODE[Status.ACHIEVED], st).astype(np.int8)
    return TrendResult(
        method=method,
        labels=labels,
        metric_name=metric_name,
        params=p.params,
        status=st,
        label=lab,
        observed_rate=observed,
        required_rate=required,
        metric=metric,
        n_obs=p.ends.n,
        first_year=p.ends.t0,
        last_year=p.ends.t1,
        age=p.age,
        reason=reason,
        past_target_year=p.past,
    )
