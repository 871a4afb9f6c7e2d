"""How much a region's rank depends on the index's construction choices.

Every combination of normalisation × weighting (× aggregation, if several are asked for) is
built and the regions ranked in one year (1 = highest index). Ties are broken by region order so
each variant's ranks are a permutation of 1..n; a region without an index value in that year is
ranked last. The spread (min / median / max rank) says how robust each position is — the
uncertainty analysis step of the OECD/JRC Handbook (2008).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from yrd.evaluate.composite import NORMALISATIONS, WEIGHTINGS, composite_index


@dataclass(frozen=True)
class Sensitivity:
    variants: tuple[tuple[str, ...], ...]
    ranks: np.ndarray  # (regions, variants)
    min_rank: np.ndarray
    median_rank: np.ndarray
    max_rank: np.ndarray
    year_index: int
    params: dict[str, Any] = field(default_factory=dict)


def ranks_of(scores: np.ndarray) -> np.ndarray:
    """1 = best; NaN last; ties by position (a stable sort)."""
    key = np.where(np.isfinite(scores), -scores, np.inf)
    order = np.argsort(key, kind="stable")
    ranks = np.empty(scores.shape[0], dtype=int)
    ranks[order] = np.arange(1, scores.shape[0] + 1)
    return ranks


def sensitivity(
    data: object,
    groups: Sequence[str],
    *,
    year_index: int = -1,
    normalisations: Sequence[str] = NORMALISATIONS,
    weightings: Sequence[str] = WEIGHTINGS,
    aggregations: Sequence[str] = ("arithmetic",),
    directions: Sequence[int | str] | None = None,
    targets: Sequence[float] | None = None,
) -> Sensitivity:
    variants: list[tuple[str, ...]] = []
    columns: list[np.ndarray] = []
    for n in normalisations:
        for w in weightings:
            for a in aggregations:
                ci = composite_index(
                    data,
                    groups,
                    normalisation=n,
                    weighting=w,
                    aggregation=a,
                    directions=directions,
                    targets=targets,
                )
                variants.append((n, w, a))
                columns.append(ranks_of(ci.index[:, year_index]))
    ranks = np.stack(columns, axis=1)
    params = {"groups": list(groups), "targets": None if targets is None else list(targets)}
    return Sensitivity(
        tuple(variants),
        ranks,
        ranks.min(axis=1),
        np.median(ranks, axis=1),
        ranks.max(axis=1),
        year_index,
        params,
    )
