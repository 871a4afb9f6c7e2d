"""The common vocabulary of verdicts: statuses, directions, what a target says, and one verdict.

Every trend rule keeps its own category (``label``: Open SDG's "progress_needs_acceleration",
the German "slightly_cloudy" …) and maps it to one of six common statuses, so rules can be shown
side by side and rolled up. The status order below is the order of severity used wherever one
status must be chosen from several (ties in a roll-up, the worst of a group).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

from yrd.errors import InputError


class Status(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    MODERATE = "moderate"
    STAGNATING = "stagnating"
    MOVING_AWAY = "moving_away"
    INSUFFICIENT_DATA = "insufficient_data"


#: Index = the integer code batch results store; also the severity order (higher = worse).
STATUSES: tuple[Status, ...] = tuple(Status)
CODE: dict[Status, int] = {s: i for i, s in enumerate(STATUSES)}
INSUFFICIENT = CODE[Status.INSUFFICIENT_DATA]
#: Statuses that count as "on track" in shares and performance tables.
GOOD = frozenset({Status.ACHIEVED, Status.ON_TRACK})


class Direction(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"
    BAND = "band"


@dataclass(frozen=True)
class TargetSpec:
    """What a target asks for.

    ``value`` is the numeric target (a number, or one per region as an array); None for an
    indicator with only a desired direction. ``band`` = (low, high) for a band target (the value
    is then None). ``lower_bound`` is the worst-performance bound used by score normalisation
    (SDSN's "lower bound"); for a band it is a pair (worst below the band, worst above it).
    """

    direction: Direction | str
    value: float | np.ndarray | None = None
    year: int | None = None
    band: tuple[Any, Any] | None = None
    lower_bound: float | tuple[float, float] | np.ndarray | None = None

    def __post_init__(self) -> None:
        direction = Direction(self.direction)
        object.__setattr__(self, "direction", direction)
        if direction is Direction.BAND:
            if self.band is None:
                raise InputError("a band target needs band=(low, high)")
            if np.any(np.asarray(self.band[0], float) > np.asarray(self.band[1], float)):
                raise InputError(f"band low above high: {self.band}")
        elif self.band is not None:
            raise InputError("band= is only for direction='band'")

    @property
    def has_target(self) -> bool:
        return self.value is not None or self.band is not None


@dataclass(frozen=True)
class Verdict:
    """One rule's verdict on one series, with what it was computed from."""

    method: str
    status: Status
    label: str
    observed_rate: float
    required_rate: float
    metric: float
    metric_name: str
    n_obs: int
    first_year: int | None
    last_year: int | None
    reason: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    def explain(self) -> str:
        """One sentence a report can print."""
        if self.status is Status.INSUFFICIENT_DATA:
            return f"{self.method}: insufficient data — {self.reason}"
        if self.status is Status.ACHIEVED:
            return (
                f"{self.method}: {self.label} (the {self.last_year} observation meets the target) → achieved"
            )
        span = f"{self.first_year}–{self.last_year}, {self.n_obs} observations"
        return f"{self.method}: {self.label} ({self.metric_name} = {self.metric:.3g}; {span}) → {self.status}"
