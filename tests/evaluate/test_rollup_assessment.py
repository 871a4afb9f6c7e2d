"""Roll-up of statuses and the performance table (docs/methods.md)."""

from __future__ import annotations

import math

import pytest

from yrd.evaluate import Status, performance_table, roll_up
from yrd.evaluate.rounding import round_half_even, share_decimals

S = Status


def test_roll_up_worked_example():
    items = [
        (("ch1", "s1"), S.ON_TRACK),
        (("ch1", "s1"), S.MODERATE),
        (("ch1", "s2"), S.MOVING_AWAY),
        (("ch2", "s1"), "insufficient_data"),
    ]
    r = roll_up(items)
    assert r[("ch1", "s1")].status is S.MODERATE  # tie on_track/moderate → worse
    assert r[("ch1",)].status is S.MOVING_AWAY  # three-way tie → worst
    assert r[("ch2",)].status is S.INSUFFICIENT_DATA  # nothing assessable
    assert r[()].counts[S.INSUFFICIENT_DATA] == 1 and r[()].n == 4
    c = r[("ch1",)].counts
    assert (c[S.ON_TRACK], c[S.MODERATE], c[S.MOVING_AWAY]) == (1, 1, 1)
    assert c[S.ACHIEVED] == c[S.STAGNATING] == c[S.INSUFFICIENT_DATA] == 0


def test_roll_up_plurality_beats_a_single_bad_target():
    items = [(("ch",), S.ON_TRACK)] * 3 + [(("ch",), S.MOVING_AWAY), (("ch",), S.INSUFFICIENT_DATA)]
    r = roll_up(items)[("ch",)]
    assert r.status is S.ON_TRACK and r.counts[S.MOVING_AWAY] == 1


def test_rounding_half_even_on_decimal_digits():
    assert [round_half_even(x) for x in (2.5, 3.5, -2.5, 62.5)] == [2, 4, -2, 62]
    assert round_half_even(0.125, 2) == 0.12 and round_half_even(0.135, 2) == 0.14
    assert round_half_even(2.675, 2) == 2.68  # decimal digits as written, not binary
    assert math.isnan(round_half_even(float("nan")))
    assert [share_decimals(n) for n in (1, 4, 100, 101, 1000, 1001)] == [0, 0, 0, 1, 1, 2]


def test_performance_table_worked_example():
    now = [
        ("上海", "t1", "on_track", 80), ("上海", "t2", "achieved", 100), ("上海", "t3", "moderate", 55),
        ("上海", "t4", "insufficient_data", None),
        ("江苏", "t1", "on_track", 62), ("江苏", "t2", "moderate", 63),
    ]  # fmt: skip
    before = [
        ("上海", "t1", "on_track", 70), ("上海", "t2", "moderate", 90), ("上海", "t3", "moderate", 50),
        ("上海", "t4", "insufficient_data", None),
    ]  # fmt: skip
    a = performance_table(now, before)
    sh = a.table.set_index("province").loc["上海"]
    raw = a.raw.set_index("province").loc["上海"]
    # 2 of 3 assessed on track = 66.67 % → 67; mean (80+100+55)/3 = 78.33 → 78
    assert (sh["targets"], sh["assessed"]) == (4, 3)
    assert raw["on_track_pct"] == pytest.approx(200 / 3) and sh["on_track_pct"] == 67
    assert raw["mean_score"] == pytest.approx(235 / 3) and sh["mean_score"] == 78
    # before: 1/3 = 33.33 %, mean 70 → changes +33.33 → 33 and +8.33 → 8
    assert raw["on_track_pct_change"] == pytest.approx(100 / 3) and sh["on_track_pct_change"] == 33
    assert sh["mean_score_change"] == 8
    js = a.table.set_index("province").loc["江苏"]
    # mean 62.5 → 62 (half to even); no previous assessment → no change
    assert js["mean_score"] == 62 and js["on_track_pct"] == 50
    assert math.isnan(js["mean_score_change"])
    assert "GB/T 8170" in a.rounding
