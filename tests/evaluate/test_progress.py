"""Progress score 0–100 (docs/methods.md, "Progress score")."""

from __future__ import annotations

import numpy as np
import pytest

from yrd.errors import InputError
from yrd.evaluate import TargetSpec, progress_score, scores


def test_higher_is_better_midway():
    # 100 · (60 − 40) / (80 − 40) = 50
    r = progress_score(60, TargetSpec("higher", 80, lower_bound=40))
    assert r.score == pytest.approx(50.0)
    assert not r.met and not r.clipped
    assert r.method == "progress_score_sdsn" and r.params["target"] == 80


def test_lower_is_better_counts_down():
    # 100 · (4 − 10) / (2 − 10) = 100 · (−6)/(−8) = 75
    assert progress_score(4, TargetSpec("lower", 2, lower_bound=10)).score == pytest.approx(75.0)


def test_target_already_met_is_100_and_clipped():
    r = progress_score(90, TargetSpec("higher", 80, lower_bound=40))
    assert r.score == 100.0 and r.met and r.clipped


def test_below_the_worst_bound_is_zero():
    r = progress_score(30, TargetSpec("higher", 80, lower_bound=40))
    assert r.score == 0.0 and r.clipped and not r.met


def test_band_target():
    spec = TargetSpec("band", band=(45, 55), lower_bound=(25, 85))
    # inside → 100; 35: 100·(35−25)/(45−25) = 50; 70: 100·(70−85)/(55−85) = 50
    assert scores([50, 35, 70, 20, 90, np.nan], spec).tolist()[:5] == pytest.approx([100, 50, 50, 0, 0])
    assert np.isnan(scores([np.nan], spec)[0])
    assert progress_score(45, spec).met


def test_per_region_targets_broadcast():
    # targets 80 and 60 with bound 40: 60 → 50 and 100
    spec = TargetSpec("higher", np.array([80.0, 60.0]), lower_bound=40.0)
    assert scores(np.array([60.0, 60.0]), spec).tolist() == pytest.approx([50.0, 100.0])


@pytest.mark.parametrize(
    "spec",
    [
        TargetSpec("higher", 80, lower_bound=90),
        TargetSpec("lower", 2, lower_bound=1),
        TargetSpec("higher", 80),
        TargetSpec("band", band=(45, 55), lower_bound=(50, 85)),
    ],
)
def test_bounds_on_the_wrong_side_are_refused(spec):
    with pytest.raises(InputError):
        scores([60], spec)


def test_band_spec_is_checked():
    with pytest.raises(InputError):
        TargetSpec("band")
    with pytest.raises(InputError):
        TargetSpec("band", band=(5, 1))
    with pytest.raises(InputError):
        TargetSpec("higher", 1, band=(0, 2))
