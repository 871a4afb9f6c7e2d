"""Several rules' verdicts side by side: an agreement mark and a headline verdict.

Agreement is judged among the rules that could assess the series (insufficient data is not a
vote): ``all_agree`` — one status; ``majority`` — one status held by more than half;
``split`` — no status has a majority; ``not_comparable`` — fewer than two rules could assess.
The headline is the verdict of the rule the indicator's metadata names (``headline``), by
default :data:`~yrd.evaluate.rules.DEFAULT_HEADLINE`; it is never silently replaced by another
rule, so an indicator whose headline rule lacks data shows "insufficient data" as its headline.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from yrd.errors import InputError
from yrd.evaluate.rules import DEFAULT_HEADLINE, RULES
from yrd.evaluate.status import INSUFFICIENT, STATUSES, Status, TargetSpec, Verdict
from yrd.evaluate.trend import TrendResult

AGREEMENTS = ("all_agree", "majority", "split", "not_comparable")


@dataclass(frozen=True)
class Comparison:
    verdicts: tuple[Verdict, ...]
    agreement: str
    majority: Status | None
    headline_method: str
    headline: Verdict


def compare(verdicts: Sequence[Verdict], headline: str | None = None) -> Comparison:
    """Agreement and headline for one series."""
    method = headline or DEFAULT_HEADLINE
    chosen = [v for v in verdicts if v.method == method]
    if not chosen:
        raise InputError(f"headline method {method!r} is not among the verdicts")
    votes = Counter(v.status for v in verdicts if v.status is not Status.INSUFFICIENT_DATA)
    n = sum(votes.values())
    top, count = votes.most_common(1)[0] if votes else (None, 0)
    if n < 2:
        agreement = "not_comparable"
    elif count == n:
        agreement = "all_agree"
    elif count * 2 > n:
        agreement = "majority"
    else:
        agreement = "split"
    majority = top if agreement in ("all_agree", "majority") else None
    return Comparison(tuple(verdicts), agreement, majority, method, chosen[0])


@dataclass(frozen=True)
class BatchComparison:
    """Agreement per row of several :class:`TrendResult` of the same panel."""

    methods: tuple[str, ...]
    agreement: np.ndarray  # codes into AGREEMENTS
    majority: np.ndarray  # status code, −1 without a majority
    headline_method: str
    headline: np.ndarray  # status codes of the headline rule

    def agreements(self) -> list[str]:
        return [AGREEMENTS[c] for c in self.agreement]


def compare_batch(results: Mapping[str, TrendResult], headline: str | None = None) -> BatchComparison:
    method = headline or DEFAULT_HEADLINE
    if method not in results:
        raise InputError(f"headline method {method!r} is not among the results")
    codes = np.stack([r.status for r in results.values()])  # (rules, rows)
    counts = np.stack([(codes == c).sum(axis=0) for c in range(INSUFFICIENT)], axis=0)  # (statuses, rows)
    n = counts.sum(axis=0)
    top = counts.argmax(axis=0)
    best = counts.max(axis=0)
    agreement = np.select([n < 2, best == n, best * 2 > n], [3, 0, 1], default=2).astype(np.int8)
    majority = np.where(agreement <= 1, top, -1).astype(np.int8)
    return BatchComparison(tuple(results), agreement, majority, method, results[method].status)


def evaluate(
    values: object,
    years: object,
    spec: TargetSpec,
    *,
    methods: Sequence[str] | None = None,
    eval_year: int | None = None,
    max_age: int | None = None,
    options: Mapping[str, dict] | None = None,
) -> dict[str, TrendResult]:
    """Run several rules on one panel; ``options`` passes rule-specific keywords by rule name."""
    names = list(methods) if methods is not None else list(RULES)
    unknown = [m for m in names if m not in RULES]
    if unknown:
        raise InputError(f"unknown methods {unknown}; known: {sorted(RULES)}")
    options = options or {}
    return {
        m: RULES[m](values, years, spec, eval_year=eval_year, max_age=max_age, **options.get(m, {}))
        for m in names
    }


def verdicts(values: object, years: object, spec: TargetSpec, **kwargs: object) -> list[Verdict]:
    """All rules' verdicts on one series."""
    return [r.verdict(0) for r in evaluate(values, years, spec, **kwargs).values()]  # type: ignore[arg-type]


def status_names(codes: np.ndarray) -> list[str]:
    return [str(STATUSES[c]) if c >= 0 else "" for c in codes]
