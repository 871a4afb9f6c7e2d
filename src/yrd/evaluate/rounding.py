"""Rounding that claims no more precision than the data have.

Rounding follows GB/T 8170-2008 (数值修约规则): round half to even ("四舍六入五成双") applied to
the decimal digits as written, so 2.5 → 2 and 3.5 → 4, and 0.125 → 0.12 at two decimals.

How many decimals: a share of n items moves in steps of 100/n percentage points, so it is given
with ``share_decimals(n)`` = max(0, ⌈log10 n⌉ − 2) decimals — whole percent up to 100 items, one
decimal up to 1,000. Progress scores (0–100) are given in whole points: the choice of lower bound
alone moves them by more than a point.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, Decimal

RULE = "GB/T 8170-2008 round half to even; shares 100/n resolution; scores whole points"


def round_half_even(x: float, decimals: int = 0) -> float:
    if x is None or not math.isfinite(x):
        return x
    q = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(x))).quantize(q, rounding=ROUND_HALF_EVEN)) + 0.0


def share_decimals(n: int) -> int:
    return max(0, math.ceil(math.log10(n)) - 2) if n > 0 else 0
