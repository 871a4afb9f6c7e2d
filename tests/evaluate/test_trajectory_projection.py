"""Planned path and projection at the current pace (docs/methods.md)."""

from __future__ import annotations

import numpy as np
import pytest

from yrd.errors import InputError
from yrd.evaluate import planned_path, project, trajectory_gap, year_reached

MILESTONES = {2025: 150.0, 2035: 250.0}


def test_linear_and_compound_paths():
    # linear: 100 + 2·10 = 120; 150 + 5·10 = 200
    assert planned_path(2020, 100, MILESTONES, [2022, 2030]).tolist() == pytest.approx([120, 200])
    # compound: 100·1.5^(2/5) = 117.608; 150·(250/150)^(1/2) = 193.649
    comp = planned_path(2020, 100, MILESTONES, [2022, 2030], "compound")
    assert comp.tolist() == pytest.approx([100 * 1.5**0.4, 150 * (250 / 150) ** 0.5])
    assert comp[0] == pytest.approx(117.61, abs=0.005)
    # no plan outside base year .. last milestone
    assert np.isnan(planned_path(2020, 100, MILESTONES, [2019, 2036])).all()


def test_gap_and_ahead_by_direction():
    g = trajectory_gap([[118.0, np.nan]], [2022, 2023], base_year=2020, base_value=100, milestones=MILESTONES)
    assert g.gap[0, 0] == pytest.approx(-2.0)  # 118 − 120
    assert g.relative_gap[0, 0] == pytest.approx(-2 / 120)
    assert g.ahead.tolist() == [[False, False]]  # behind; unknown year not "ahead"
    gc = trajectory_gap(
        [118.0], [2022], base_year=2020, base_value=100, milestones=MILESTONES, kind="compound"
    )
    assert gc.gap[0, 0] == pytest.approx(118 - 100 * 1.5**0.4)  # +0.39
    assert gc.ahead[0, 0]
    low = trajectory_gap(
        [118.0], [2022], base_year=2020, base_value=100, milestones=MILESTONES, direction="lower"
    )
    assert low.ahead[0, 0]  # below plan is ahead when lower is better


def test_path_errors():
    with pytest.raises(InputError):
        planned_path(2020, -1, MILESTONES, [2022], "compound")
    with pytest.raises(InputError):
        planned_path(2020, 100, MILESTONES, [2022], "spline")
    with pytest.raises(InputError):
        planned_path(2026, 100, MILESTONES, [2026])
    with pytest.raises(InputError):
        trajectory_gap([1.0], [2022], base_year=2020, base_value=1, milestones=MILESTONES, direction="band")


def test_log_linear_projection_and_reach_year():
    years = [2020, 2021, 2022, 2023]
    p = project([100, 110, 121, 133.1], years, 2025)
    # exact 10 % growth: 133.1 · 1.1² = 161.051
    assert p.models() == ["log_linear"] and p.rate[0] == pytest.approx(0.10)
    assert p.value[0] == pytest.approx(161.051)
    r = year_reached([100, 110, 121, 133.1], years, 200, "higher")
    # 2023 + ln(200/133.1)/ln(1.1) = 2027.27
    assert r.year[0] == pytest.approx(2023 + np.log(200 / 133.1) / np.log(1.1))
    assert r.first_full_year[0] == 2028 and r.outcomes() == ["reached"]


def test_linear_projection_for_zero_or_negative_values():
    p = project([-2, 0, 2], [2021, 2022, 2023], 2025)
    assert p.models() == ["linear"] and p.value[0] == pytest.approx(6.0) and p.rate[0] == pytest.approx(2.0)
    r = year_reached([-2, 0, 2], [2021, 2022, 2023], 5, "higher")
    assert r.year[0] == pytest.approx(2024.5) and r.first_full_year[0] == 2025


def test_never_already_met_and_insufficient():
    years = [2020, 2021, 2022]
    r = year_reached([[10, 9, 8], [10, 12, 14], [np.nan, np.nan, 5], [5, 5, 5]], years, 12, "higher")
    assert r.outcomes() == ["never", "already_met", "insufficient_data", "never"]
    assert np.isnan(r.year[0]) and r.year[1] == 2022 and np.isnan(r.year[3])
    # lower is better, falling 10 %/yr from 100: reaches 50 when 0.9^t = 0.5 → t = ln 0.5 / ln 0.9 = 6.58
    r = year_reached([100, 90, 81], years, 50, "lower")
    assert r.year[0] == pytest.approx(2020 + np.log(0.5) / np.log(0.9))


def test_projection_uses_the_last_n_observations():
    # 2015–2019 flat at 100, then ×1.1 for three years; last_n = 3 sees only the growth
    years = list(range(2015, 2023))
    values = [100, 100, 100, 100, 100, 110, 121, 133.1]
    assert project(values, years, 2023, last_n=3).value[0] == pytest.approx(146.41)
    assert project([np.nan, 5.0], [2021, 2022], 2025).models() == ["none"]
