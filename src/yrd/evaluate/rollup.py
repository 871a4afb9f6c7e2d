"""Roll target statuses up the plan's structure (measure → section → chapter → whole plan).

Rule (docs/methods.md, "Roll-up"): the rolled-up status is the **plurality** of the assessed
statuses below a node; a tie goes to the **worse** status; ``insufficient_data`` does not vote
and is the result only when nothing below could be assessed. Counts per status always travel
with the status, so a single target moving away is never hidden by the plurality.

Why not worst-of: with dozens of targets per chapter one stale or deteriorating series would
colour every chapter "moving away" and the roll-up would stop discriminating; why not a mean of
scores (Open SDG's aggregate): the rules do not share a numeric score.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from yrd.evaluate.status import CODE, STATUSES, Status

RULE = "plurality_ties_to_worse"


@dataclass(frozen=True)
class RolledUp:
    path: tuple[str, ...]
    status: Status
    counts: dict[Status, int]
    n: int
    rule: str = RULE


def rolled_status(counts: Counter[Status] | dict[Status, int]) -> Status:
    votes = {s: c for s, c in counts.items() if s is not Status.INSUFFICIENT_DATA and c > 0}
    if not votes:
        return Status.INSUFFICIENT_DATA
    best = max(votes.values())
    return max((s for s, c in votes.items() if c == best), key=CODE.__getitem__)


def roll_up(items: Iterable[tuple[tuple[str, ...], Status | str]]) -> dict[tuple[str, ...], RolledUp]:
    """Every prefix of every path (including ``()`` = the whole plan) with its counts and status."""
    counts: dict[tuple[str, ...], Counter[Status]] = {}
    for path, status in items:
        s = Status(status)
        for k in range(len(path) + 1):
            counts.setdefault(tuple(path[:k]), Counter())[s] += 1
    return {
        p: RolledUp(p, rolled_status(c), {s: c.get(s, 0) for s in STATUSES}, sum(c.values()))
        for p, c in sorted(counts.items())
    }
