"""Disparity and convergence (docs/methods.md)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from yrd.errors import InputError
from yrd.evaluate import beta_convergence, cv, disparity, gini, max_min_ratio, sigma_convergence, theil_t
from yrd.evaluate.convergence import linear_trend


def test_worked_example():
    t = theil_t([1, 3, 4], groups=["a", "a", "b"])
    # shares 1/8, 3/8, 1/2 against 1/3 each
    total = 1 / 8 * math.log(3 / 8) + 3 / 8 * math.log(9 / 8) + 1 / 2 * math.log(3 / 2)
    between = 0.5 * math.log(0.75) + 0.5 * math.log(1.5)
    t_a = 0.25 * math.log(0.5) + 0.75 * math.log(1.5)
    assert t.total == pytest.approx(total) and t.total == pytest.approx(0.12430, abs=1e-5)
    assert t.between == pytest.approx(between) and t.between == pytest.approx(0.05889, abs=1e-5)
    assert t.within == pytest.approx(0.5 * t_a) and t.groups["a"]["theil"] == pytest.approx(t_a)
    assert t.between + t.within == pytest.approx(t.total)
    assert gini([1, 3, 4]) == pytest.approx(0.25)  # 12 / (2·9·8/3)
    assert cv([1, 3, 4]) == pytest.approx(math.sqrt(14 / 9) / (8 / 3))  # 0.4677
    assert cv([1, 3, 4], [2, 1, 1]) == pytest.approx(math.sqrt(1.6875) / 2.25)  # 0.5774
    assert max_min_ratio([1, 3, 4]) == 4.0


def test_population_weighted_theil_equals_replicated_regions():
    # a region with population 2 is two identical regions of population 1
    w = theil_t([1, 3, 4], [2, 1, 1], ["a", "a", "b"])
    r = theil_t([1, 1, 3, 4], None, ["a", "a", "a", "b"])
    assert w.total == pytest.approx(r.total) and w.between == pytest.approx(r.between)
    assert gini([1, 3, 4], [2, 1, 1]) == pytest.approx(gini([1, 1, 3, 4]))


def test_identical_values_have_zero_disparity():
    d = disparity([5, 5, 5], [1, 2, 3], ["a", "b", "b"])
    assert (d.cv, d.cv_weighted, d.gini, d.max_min_ratio) == (0.0, 0.0, 0.0, 1.0)
    assert d.theil.total == pytest.approx(0.0, abs=1e-15)
    assert d.theil.between == pytest.approx(0.0, abs=1e-15) and d.theil.within == pytest.approx(
        0.0, abs=1e-15
    )


def test_single_region():
    d = disparity([7.0], [3.0], ["a"])
    assert (d.cv, d.gini, d.max_min_ratio, d.n_regions) == (0.0, 0.0, 1.0, 1)
    assert d.theil.total == 0.0
    b = beta_convergence([[1.0, 2.0]], [2010, 2020])
    assert math.isnan(b.beta) and "fewer than 3 regions" in b.reason and not b.converging


def test_undefined_cases_are_nan_not_errors():
    assert math.isnan(cv([0, 0])) and math.isnan(gini([0, 0])) and math.isnan(max_min_ratio([0, 2]))
    assert math.isnan(theil_t([0, 0]).total)
    assert math.isnan(cv([np.nan, np.nan]))
    assert disparity([1, np.nan, 3]).n_regions == 2
    with pytest.raises(InputError):
        gini([-1, 2])
    with pytest.raises(InputError):
        theil_t([1, 2], groups=["a"])


def test_beta_convergence_worked_example():
    x0 = np.array([0.0, 1.0, 2.0])
    g = np.array([0.05, 0.02, 0.01])
    panel = np.column_stack([np.exp(x0), np.exp(x0 + 10 * g)])
    b = beta_convergence(panel, [2010, 2020])
    # β = Sxy/Sxx = −0.04/2; residuals (1, −2, 1)/300; se = √(SSR/(n−2)/Sxx)
    assert b.beta == pytest.approx(-0.02) and b.alpha == pytest.approx(0.14 / 3)
    ssr = 6 / 300**2
    assert b.se_beta == pytest.approx(math.sqrt(ssr / 1 / 2)) and b.se_beta == pytest.approx(
        0.005774, abs=1e-6
    )
    assert b.t_beta == pytest.approx(-0.02 / math.sqrt(ssr / 2))
    sst = (0.05 - 0.08 / 3) ** 2 + (0.02 - 0.08 / 3) ** 2 + (0.01 - 0.08 / 3) ** 2
    assert b.r2 == pytest.approx(1 - ssr / sst) and b.r2 == pytest.approx(0.9231, abs=1e-4)
    assert b.speed == pytest.approx(-math.log(0.8) / 10) and b.half_life == pytest.approx(31.06, abs=0.01)
    assert b.converging


def test_beta_divergence_and_same_start():
    panel = np.column_stack([[1.0, np.e, np.e**2], np.exp([0.1, 1.3, 2.5])])  # richer grow faster
    b = beta_convergence(panel, [2010, 2020])
    assert b.beta == pytest.approx(0.02) and not b.converging and b.half_life is None
    same = beta_convergence([[1.0, 2.0], [1.0, 3.0], [1.0, 4.0]], [2010, 2020])
    assert "same level" in same.reason
    with pytest.raises(InputError):
        beta_convergence(panel, [2010, 2020], start=2015)


def test_sigma_convergence():
    # two regions drifting together: ln ratio 1, .8, .6, .4, .2 → sd of logs 0.5, 0.4, …
    years = np.arange(2016, 2021)
    gaps = np.array([1.0, 0.8, 0.6, 0.4, 0.2])
    panel = np.vstack([np.ones(5), np.exp(gaps)])
    s = sigma_convergence(panel, years)
    assert s.sd_log.tolist() == pytest.approx((gaps / 2).tolist())
    assert s.trend.slope == pytest.approx(-0.1) and s.trend.direction == "falling" and s.converging
    same = sigma_convergence(np.ones((3, 5)), years)
    assert same.sd_log.tolist() == [0.0] * 5 and same.cv.tolist() == [0.0] * 5
    assert same.trend.direction == "no_clear_trend" and not same.converging
    w = sigma_convergence(panel, years, population=np.ones((2, 5)), measure="cv_weighted")
    assert w.cv_weighted.tolist() == pytest.approx(w.cv.tolist())
    with pytest.raises(InputError):
        sigma_convergence(panel, years, measure="gini")


def test_linear_trend_standard_error():
    # y = 1, 3, 2, 4 on t = 0..3: Sxx = 5, Sxy = 4 → slope 0.8; fitted 1.3, 2.1, 2.9, 3.7;
    # residuals −.3, .9, −.9, .3 → SSR 1.8; se = √(1.8/2/5) = √0.18 = 0.4243; t = 1.886 < 2
    tr = linear_trend([1.0, 3.0, 2.0, 4.0], np.arange(4.0))
    assert tr.slope == pytest.approx(0.8) and tr.se == pytest.approx(math.sqrt(0.18))
    assert tr.t == pytest.approx(0.8 / math.sqrt(0.18))
    assert tr.direction == "no_clear_trend"
    assert linear_trend([1.0, 2.0], [0, 1]).direction == "no_clear_trend"  # two points: no trend test
