"""Performance assessment (绩效考核) table per province.

For each province: how many targets, how many could be assessed, the share of assessed targets
on track (``achieved`` or ``on_track``), the mean progress score, and the change of both since
the previous assessment. Changes are computed from unrounded values and rounded afterwards, so a
change may differ by one unit from the difference of the rounded figures (docs/methods.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from yrd.evaluate.rounding import RULE, round_half_even, share_decimals
from yrd.evaluate.status import GOOD, Status

COLUMNS = [
    "province",
    "targets",
    "assessed",
    "on_track_pct",
    "mean_score",
    "on_track_pct_change",
    "mean_score_change",
]


@dataclass(frozen=True)
class Assessment:
    table: pd.DataFrame  # rounded for publication
    raw: pd.DataFrame  # unrounded
    rounding: str = RULE


def _summary(records: Iterable[tuple[str, str, Status | str, float | None]]) -> pd.DataFrame:
    rows = [
        {"province": p, "target": t, "status": Status(s), "score": np.nan if sc is None else float(sc)}
        for p, t, s, sc in records
    ]
    df = pd.DataFrame(rows, columns=["province", "target", "status", "score"])
    df["assessed"] = df["status"] != Status.INSUFFICIENT_DATA
    df["good"] = df["status"].isin(GOOD)
    g = df.groupby("province", sort=True)
    out = pd.DataFrame(
        {
            "targets": g["target"].nunique(),
            "assessed": g["assessed"].sum().astype(int),
            "good": g["good"].sum().astype(int),
            "mean_score": g["score"].mean(),
        }
    )
    out["on_track_pct"] = 100.0 * out["good"] / out["assessed"].replace(0, np.nan)
    return out


def performance_table(
    current: Iterable[tuple[str, str, Status | str, float | None]],
    previous: Iterable[tuple[str, str, Status | str, float | None]] | None = None,
) -> Assessment:
    """Records are (province, target id, status, progress score or None)."""
    now = _summary(current)
    if previous is not None:
        before = _summary(previous).reindex(now.index)
        now["on_track_pct_change"] = now["on_track_pct"] - before["on_track_pct"]
        now["mean_score_change"] = now["mean_score"] - before["mean_score"]
    else:
        now["on_track_pct_change"] = np.nan
        now["mean_score_change"] = np.nan
    raw = now.reset_index()[COLUMNS]
    table = raw.copy()
    for i, row in raw.iterrows():
        dec = share_decimals(int(row["assessed"]))
        table.at[i, "on_track_pct"] = round_half_even(row["on_track_pct"], dec)
        table.at[i, "on_track_pct_change"] = round_half_even(row["on_track_pct_change"], dec)
        table.at[i, "mean_score"] = round_half_even(row["mean_score"], 0)
        table.at[i, "mean_score_change"] = round_half_even(row["mean_score_change"], 0)
    return Assessment(table, raw)
