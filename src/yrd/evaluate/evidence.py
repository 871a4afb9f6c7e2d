"""How much a verdict can be trusted: a grade (strong / moderate / weak) with its reasons.

Each criterion gets its own grade and the verdict's grade is the weakest of them — a verdict is
only as strong as its thinnest support, and the reasons list every criterion below "strong", so a
reader sees what to improve. The cut points are this project's choices (no source publishes
one), stated in :data:`CUTS` and in docs/methods.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

GRADES = ("weak", "moderate", "strong")  # index = grade code; min() = the weakest
WEAK, MODERATE, STRONG = 0, 1, 2

#: criterion → (strong if ≥ / ≤ this, moderate if ≥ / ≤ this); "age" is better when smaller.
CUTS: dict[str, tuple[float, float]] = {
    "n_obs": (5, 3),
    "span": (5, 3),
    "age": (2, 4),
    "coverage": (0.8, 0.5),
}
AGREEMENT_GRADE = {"all_agree": STRONG, "majority": MODERATE, "not_comparable": MODERATE, "split": WEAK}


def _grade(x: np.ndarray, criterion: str) -> np.ndarray:
    strong, moderate = CUTS[criterion]
    if criterion == "age":
        return np.select([x <= strong, x <= moderate], [STRONG, MODERATE], default=WEAK)
    return np.select([x >= strong, x >= moderate], [STRONG, MODERATE], default=WEAK)


def grades(
    n_obs: object,
    span: object,
    age: object,
    coverage: object | None = None,
    agreement: object | None = None,
) -> np.ndarray:
    """Batch grade codes (see :data:`GRADES`); ``agreement`` takes agreement names or codes of compare."""
    g = np.minimum(_grade(np.asarray(n_obs, float), "n_obs"), _grade(np.asarray(span, float), "span"))
    g = np.minimum(g, _grade(np.asarray(age, float), "age"))
    if coverage is not None:
        g = np.minimum(g, _grade(np.asarray(coverage, float), "coverage"))
    if agreement is not None:
        a = np.asarray(agreement)
        if a.dtype.kind in "iu":
            from yrd.evaluate.compare import AGREEMENTS

            a = np.array(AGREEMENTS)[a]
        g = np.minimum(g, np.vectorize(AGREEMENT_GRADE.__getitem__, otypes=[int])(a))
    return g


@dataclass(frozen=True)
class Evidence:
    grade: str
    reasons: tuple[str, ...]
    inputs: dict[str, Any] = field(default_factory=dict)
    method: str = "weakest_criterion"


def evidence(
    n_obs: int,
    span: int,
    age: int,
    *,
    regions_reporting: int | None = None,
    regions_total: int | None = None,
    agreement: str | None = None,
) -> Evidence:
    """Grade one verdict and say why."""
    reasons: list[str] = []
    per: dict[str, int] = {}

    def note(name: str, code: int, text: str) -> None:
        per[name] = code
        if code < STRONG:
            reasons.append(f"{text} ({GRADES[code]})")

    note("n_obs", int(_grade(np.array(n_obs, float), "n_obs")), f"{n_obs} observations")
    note("span", int(_grade(np.array(span, float), "span")), f"series spans {span} years")
    note(
        "age",
        int(_grade(np.array(age, float), "age")),
        f"latest observation {age} years before the evaluation",
    )
    coverage = None
    if regions_total:
        coverage = (regions_reporting or 0) / regions_total
        note(
            "coverage",
            int(_grade(np.array(coverage), "coverage")),
            f"{regions_reporting} of {regions_total} regions report",
        )
    if agreement is not None:
        note("agreement", AGREEMENT_GRADE[agreement], f"methods: {agreement.replace('_', ' ')}")
    inputs = {
        "n_obs": n_obs,
        "span": span,
        "age": age,
        "coverage": coverage,
        "agreement": agreement,
        "criteria": {k: GRADES[v] for k, v in per.items()},
    }
    return Evidence(GRADES[min(per.values())], tuple(reasons), inputs)
