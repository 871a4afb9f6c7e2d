"""Trend rules on the worked example and the edge cases of docs/methods.md ("Trend status")."""

from __future__ import annotations

import math

import numpy as np
import pytest

from yrd.evaluate import (
    Status,
    TargetSpec,
    destatis_weather,
    eurostat,
    open_sdg,
    sdsn_arrows,
    unsd_progress_chart,
    verdicts,
)

YEARS = list(range(2018, 2024))
E = [100, 103, 106, 109, 112, 115]
SPEC = TargetSpec("higher", 150.0, 2030, lower_bound=50.0)
CAGR_OBS = 1.15 ** (1 / 5) - 1  # 0.028347
CAGR_REQ = 1.5 ** (1 / 12) - 1  # 0.034366


def by_method(values, years=YEARS, spec=SPEC, **kw):
    return {v.method: v for v in verdicts(values, years, spec, **kw)}


def test_worked_example_all_rules():
    v = by_method(E)
    # Open SDG and Eurostat: R = 0.028347 / 0.034366 = 0.8248
    for m, label in (("open_sdg", "progress_needs_acceleration"), ("eurostat", "moderate_progress")):
        assert v[m].metric == pytest.approx(CAGR_OBS / CAGR_REQ) and v[m].metric == pytest.approx(
            0.8248, abs=1e-4
        )
        assert v[m].observed_rate == pytest.approx(CAGR_OBS) and v[m].required_rate == pytest.approx(CAGR_REQ)
        assert (v[m].label, v[m].status) == (label, Status.MODERATE)
    # SDSN: scores 50 → 65, slope 3/yr, required (100 − 50)/12 = 4.1667, share 0.72
    assert v["sdsn"].observed_rate == pytest.approx(3.0)
    assert v["sdsn"].required_rate == pytest.approx(50 / 12)
    assert v["sdsn"].metric == pytest.approx(0.72)
    assert (v["sdsn"].label, v["sdsn"].status) == ("moderately_improving", Status.MODERATE)
    # Germany: change 3/yr, projection 115 + 3·7 = 136, shortfall (150 − 136)/35 = 0.4
    assert v["destatis_weather"].observed_rate == pytest.approx(3.0)
    assert v["destatis_weather"].metric == pytest.approx(0.4)
    assert (v["destatis_weather"].label, v["destatis_weather"].status) == ("cloudy", Status.STAGNATING)
    # UNSD: v_e = 115 · 1.15^(7/5) = 139.854, CR = (139.854 − 100)/50 = 0.7971
    assert v["unsd_progress_chart"].metric == pytest.approx((115 * 1.15**1.4 - 100) / 50)
    assert v["unsd_progress_chart"].metric == pytest.approx(0.7971, abs=1e-4)
    assert v["unsd_progress_chart"].status is Status.MODERATE
    assert "2018–2023, 6 observations" in v["open_sdg"].explain()


def test_target_already_met_is_achieved_even_with_one_observation():
    # latest 155 ≥ 150
    for values, years in (([140, 155], [2022, 2023]), ([155], [2023])):
        for v in verdicts(values, years, SPEC):
            assert v.status is Status.ACHIEVED, v.method
    assert open_sdg([155], [2023], SPEC).verdict().label == "target_achieved"
    assert destatis_weather([155], [2023], SPEC).verdict().label == "sun"
    assert open_sdg([155], [2023], SPEC).verdict().explain() == (
        "open_sdg: target_achieved (the 2023 observation meets the target) → achieved"
    )


def test_only_one_observation_is_insufficient_with_the_reason():
    v = by_method([120.0], [2023])
    assert all(x.status is Status.INSUFFICIENT_DATA for x in v.values())
    assert v["open_sdg"].reason == "fewer than 2 observations in the rule's window"
    assert v["destatis_weather"].reason == "fewer than 4 observations in the rule's window"
    assert v["eurostat"].reason == "fewer than 3 observations in the rule's window"


def test_series_with_gaps_uses_first_and_last_observation():
    # 100 (2018), gap, 121 (2020): CAGR = (121/100)^(1/2) − 1 = 0.10 exactly
    r = open_sdg([100, np.nan, 121], [2018, 2019, 2020], SPEC).verdict()
    assert r.observed_rate == pytest.approx(0.10)
    assert (r.n_obs, r.first_year, r.last_year) == (2, 2018, 2020)
    assert r.metric == pytest.approx(0.10 / CAGR_REQ)  # 2.91 → on track
    assert r.status is Status.ON_TRACK


def test_zero_base_open_sdg_fallback_and_others_insufficient():
    spec = TargetSpec("higher", 20.0, 2030, lower_bound=0.0)
    v = by_method([0, 5, 10], [2018, 2019, 2020], spec)
    # Open SDG replaces 0 by 0.001: obs (10/0.001)^(1/2) − 1 = 99; req (20/0.001)^(1/12) − 1 = 1.2825
    assert v["open_sdg"].observed_rate == pytest.approx(99.0)
    assert v["open_sdg"].required_rate == pytest.approx(20000 ** (1 / 12) - 1)
    assert v["open_sdg"].metric == pytest.approx(99.0 / (20000 ** (1 / 12) - 1))
    assert v["open_sdg"].status is Status.ON_TRACK
    for m in ("eurostat", "unsd_progress_chart"):
        assert v[m].status is Status.INSUFFICIENT_DATA
        assert "growth rate undefined" in v[m].reason
    # SDSN works on scores: 0 → 50, slope 25/yr, required (100 − 0)/12 → share 3 → on track
    assert v["sdsn"].metric == pytest.approx(25 / (100 / 12))


def test_negative_values_flip_direction_and_sign_change_is_insufficient():
    # all negative, rising towards 0: magnitude CAGR (6/10)^(1/2) − 1 = −0.2254, direction flipped → +0.2254
    r = open_sdg([-10, -8, -6], [2018, 2019, 2020], TargetSpec("higher")).verdict()
    assert r.metric == pytest.approx(1 - 0.6**0.5)
    assert r.status is Status.ON_TRACK
    r = open_sdg([-5, 5], [2018, 2019], TargetSpec("higher")).verdict()
    assert r.status is Status.INSUFFICIENT_DATA and "change of sign" in r.reason


def test_band_target_below_above_inside():
    spec = TargetSpec("band", band=(45, 55), year=2030, lower_bound=(25, 85))
    panel = [[35, 36, 37, 38, 39, 40], [70, 68, 66, 64, 62, 60], [50] * 6]
    r = destatis_weather(panel, YEARS, spec)
    # below: change +1/yr, h = 40 + 7 = 47, shortfall (45 − 47)/5 = −0.4 → sun
    # above: change −2/yr, h = 60 − 14 = 46, shortfall −1·(55 − 46)/5 = −1.8 → sun
    assert r.metric[:2].tolist() == pytest.approx([-0.4, -1.8])
    assert r.statuses() == [Status.ON_TRACK, Status.ON_TRACK, Status.ACHIEVED]
    # Open SDG on the below-band row aims at 45: R = ((40/35)^(1/5) − 1)/((45/35)^(1/12) − 1)
    o = open_sdg(panel, YEARS, spec)
    assert o.metric[0] == pytest.approx(((40 / 35) ** 0.2 - 1) / ((45 / 35) ** (1 / 12) - 1))
    # above the band "lower is better" towards 55: both CAGRs negative, ratio positive
    assert o.metric[1] == pytest.approx(((60 / 70) ** 0.2 - 1) / ((55 / 70) ** (1 / 12) - 1))


def test_lower_is_better():
    spec = TargetSpec("lower", 5.0, 2030, lower_bound=20.0)
    v = by_method([10, 9.6, 9.2, 8.8, 8.4, 8.0], spec=spec)
    # R = (0.8^(1/5) − 1)/(0.5^(1/12) − 1) = −0.043648/−0.056126 = 0.7777
    assert v["open_sdg"].metric == pytest.approx(0.7777, abs=1e-4)
    assert v["open_sdg"].status is Status.MODERATE
    # Germany: change −0.4, h = 8 − 2.8 = 5.2, shortfall = −(5 − 5.2)/3 = 0.0667 → slightly cloudy
    assert v["destatis_weather"].metric == pytest.approx(0.2 / 3)
    assert v["destatis_weather"].label == "slightly_cloudy"
    # worsening series → moving away in every rule that can assess
    w = by_method([8.0, 8.4, 8.8, 9.2, 9.6, 10], spec=spec)
    assert {x.status for x in w.values()} == {Status.MOVING_AWAY}


def test_target_year_already_passed():
    spec = TargetSpec("higher", 150.0, 2020)
    r = open_sdg([100, 110, 120, 130, 140, 155], YEARS, spec).verdict()
    # assessed on 2018–2020: R = (1.2^(1/2) − 1)/(1.5^(1/2) − 1) = 0.09545/0.22474 = 0.4247
    assert r.last_year == 2020
    assert r.metric == pytest.approx((1.2**0.5 - 1) / (1.5**0.5 - 1))
    assert (r.label, r.status) == ("limited_progress", Status.STAGNATING)
    assert "target year 2020 has passed" in r.reason
    # no observation before the target year at all
    late = open_sdg([100, 120], [2021, 2022], spec).verdict()
    assert late.status is Status.INSUFFICIENT_DATA


def test_stale_latest_observation():
    r = open_sdg(E, YEARS, SPEC, eval_year=2030, max_age=3).verdict()
    # latest 2023, evaluated 2030: 7 years old
    assert r.status is Status.INSUFFICIENT_DATA
    assert r.reason == "latest observation 7 years before the evaluation year (at most 3 allowed)"


def test_rules_needing_a_target():
    spec = TargetSpec("higher")
    for rule in (sdsn_arrows, destatis_weather, unsd_progress_chart):
        assert rule(E, YEARS, spec).verdict().reason == "the rule needs a numeric target"
    # per-region target left empty
    r = open_sdg([E, E], YEARS, TargetSpec("higher", np.array([150.0, np.nan]), 2030))
    assert r.statuses() == [Status.MODERATE, Status.INSUFFICIENT_DATA]


def test_direction_only_rules():
    # CAGR 2 %/yr: Open SDG ≥ 1.5 % on track; Eurostat ≥ 1 % significant progress
    up = [100 * 1.02**k for k in range(6)]
    assert open_sdg(up, YEARS, TargetSpec("higher")).verdict().status is Status.ON_TRACK
    assert eurostat(up, YEARS, TargetSpec("higher")).verdict().label == "significant_progress"
    # 1 %/yr: Open SDG 0.5–1.5 % moderate; 0.3 %/yr: limited progress; Eurostat 0.3 %: moderate progress
    assert (
        open_sdg([100 * 1.01**k for k in range(6)], YEARS, TargetSpec("higher")).verdict().status
        is Status.MODERATE
    )
    slow = [100 * 1.003**k for k in range(6)]
    assert open_sdg(slow, YEARS, TargetSpec("higher")).verdict().label == "limited_progress"
    assert eurostat(slow, YEARS, TargetSpec("higher")).verdict().label == "moderate_progress"
    # falling 0.5 %/yr: Eurostat moderate movement away, 2 %/yr: significant movement away
    assert eurostat([100 * 0.995**k for k in range(6)], YEARS, TargetSpec("higher")).verdict().label == (
        "moderate_movement_away"
    )
    assert eurostat([100 * 0.98**k for k in range(6)], YEARS, TargetSpec("higher")).verdict().status is (
        Status.MOVING_AWAY
    )


def test_eurostat_uses_only_the_last_five_years():
    # 2010–2023: flat until 2018, then +3/yr. The window 2018–2023 sees only the rise.
    years = list(range(2010, 2024))
    values = [100] * 9 + [103, 106, 109, 112, 115]
    r = eurostat(values, years, SPEC).verdict()
    assert (r.first_year, r.n_obs) == (2018, 6)
    assert r.metric == pytest.approx(CAGR_OBS / CAGR_REQ)
    # Open SDG from the first observation: CAGR (115/100)^(1/13) − 1, required (1.5)^(1/20) − 1
    o = open_sdg(values, years, SPEC).verdict()
    assert o.metric == pytest.approx((1.15 ** (1 / 13) - 1) / (1.5 ** (1 / 20) - 1))


def test_open_sdg_base_year_after_a_missing_year():
    # base_year 2019 has no data → first year after it (2020) is the base
    r = open_sdg([100, np.nan, 110, 121], [2018, 2019, 2020, 2021], SPEC, base_year=2019).verdict()
    assert r.first_year == 2020
    assert r.observed_rate == pytest.approx(0.10)


def test_base_already_past_target_then_lost_is_deterioration():
    # lower is better, target 5; base 4 met it, now 6 does not: R = −(6/4 − 1)/|(5/4)^(1/12) − 1| < 0
    r = open_sdg([4, 6], [2018, 2019], TargetSpec("lower", 5.0, 2030)).verdict()
    assert r.metric < 0 and r.status is Status.MOVING_AWAY


def test_unsd_regression_and_sdsn_decreasing():
    down = [115, 112, 109, 106, 103, 100]
    v = by_method(down)
    # UNSD: CR = (100·(100/115)^(7/5) − 115)/(150 − 115) < 0 → stagnation_or_regression, moving away
    cr = (100 * (100 / 115) ** 1.4 - 115) / 35
    assert v["unsd_progress_chart"].metric == pytest.approx(cr)
    assert v["unsd_progress_chart"].label == "stagnation_or_regression"
    assert v["unsd_progress_chart"].status is Status.MOVING_AWAY
    assert (v["sdsn"].label, v["sdsn"].status) == ("decreasing", Status.MOVING_AWAY)
    assert v["destatis_weather"].label == "thunderstorm"


def test_sdsn_default_lower_bound_is_the_panel_percentile():
    spec = TargetSpec("higher", 150.0, 2030)
    r = sdsn_arrows([E, [50, 60, 70, 80, 90, 100]], YEARS, spec)
    allv = np.array([*E, 50, 60, 70, 80, 90, 100], float)
    assert r.params["lower_bound"] == pytest.approx(np.percentile(allv, 2.5))
    assert not math.isnan(r.metric[0])
