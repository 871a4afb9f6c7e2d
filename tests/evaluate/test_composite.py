"""Composite index, weights and sensitivity (docs/methods.md, "Composite integration index")."""

from __future__ import annotations

import numpy as np
import pytest

from yrd.errors import InputError
from yrd.evaluate import composite_index, entropy_weights, normalise, pca_weights, sensitivity
from yrd.evaluate.sensitivity import ranks_of

# regions × indicators (one year): A higher is better, B lower is better
DATA = np.array([[1, 10], [2, 30], [3, 20]], float)
GROUPS = ["a", "b"]
DIRS = [1, "lower"]


def test_minmax_arithmetic_worked_example():
    ci = composite_index(DATA, GROUPS, directions=DIRS)
    # A → 0, .5, 1; B (lower better) → 1, 0, .5; mean of the two dimensions
    assert ci.index[:, 0].tolist() == pytest.approx([0.5, 0.25, 0.75])
    assert ci.dimensions["b"][:, 0].tolist() == pytest.approx([1.0, 0.0, 0.5])
    assert (ci.normalisation, ci.weighting, ci.aggregation) == ("minmax", "equal", "arithmetic")


def test_geometric_worked_example():
    ci = composite_index(DATA, GROUPS, directions=DIRS, aggregation="geometric")
    # columns onto [1, 100]: A 1, 50.5, 100; B 100, 1, 50.5 → √100, √50.5, √5050
    assert ci.index[:, 0].tolist() == pytest.approx([10.0, np.sqrt(50.5), np.sqrt(5050)])


def test_zscore_and_distance_to_target():
    z = normalise(DATA, "zscore", directions=DIRS)[:, 0, 0]
    # A: mean 2, sd √(2/3) → (−1, 0, 1)/0.8165
    assert z.tolist() == pytest.approx([-1 / np.sqrt(2 / 3), 0.0, 1 / np.sqrt(2 / 3)])
    d = normalise(DATA, "distance_to_target", directions=DIRS, targets=[5, 5])[:, 0, :]
    # A: (x − 1)/(5 − 1) → 0, .25, .5; B (negated): worst −30, target −5 → (−10+30)/25 = .8, 0, .4
    assert d[:, 0].tolist() == pytest.approx([0.0, 0.25, 0.5])
    assert d[:, 1].tolist() == pytest.approx([0.8, 0.0, 0.4])
    with pytest.raises(InputError):
        normalise(DATA, "rank")


def test_entropy_weights_worked_example():
    w = entropy_weights(np.array([[0, 5], [1, 5], [2, 7]], float))
    # normalised (0, ½, 1) and (0, 0, 1): e1 = −(⅓ ln ⅓ + ⅔ ln ⅔)/ln 3 = 0.5794, e2 = 0
    e1 = -(1 / 3 * np.log(1 / 3) + 2 / 3 * np.log(2 / 3)) / np.log(3)
    assert w.tolist() == pytest.approx([(1 - e1) / (2 - e1), 1 / (2 - e1)])
    assert w[0] == pytest.approx(0.2961, abs=1e-4)
    # a constant indicator carries no information
    assert entropy_weights(np.array([[1, 3], [2, 3], [3, 3]], float)).tolist() == pytest.approx([1.0, 0.0])


def test_pca_weights():
    # two perfectly correlated indicators and one uncorrelated: first PC (1, 1, 0)/√2 → ½, ½, 0
    x = np.array([[1, 2, 1], [2, 4, -1], [3, 6, -1], [4, 8, 1]], float)
    assert pca_weights(x).tolist() == pytest.approx([0.5, 0.5, 0.0], abs=1e-9)
    # a constant column weighs 0
    assert pca_weights(np.array([[1, 5], [2, 5], [3, 5]], float)).tolist() == pytest.approx([1.0, 0.0])


def test_missing_values_reweight_within_a_dimension():
    data = np.array([[[1, 10, 0]], [[2, np.nan, 1]], [[3, 30, 2]]], float)  # regions × 1 year × 3
    ci = composite_index(data, ["a", "a", "b"])
    # region 2: dimension a has only indicator 1 (min–max .5); dimension b 0.5 → index 0.5
    assert ci.index[1, 0] == pytest.approx(0.5)
    empty = np.array([[[1, np.nan]], [[2, 5]]], float)
    assert np.isnan(composite_index(empty, ["a", "b"]).index[0, 0])


def test_years_share_one_scale():
    # 2 regions × 2 years × 1 indicator: the reference is all region-years
    data = np.array([[[1], [3]], [[2], [5]]], float)
    ci = composite_index(data, ["a"])
    # (x − 1)/(5 − 1): 1 → 0, 3 → .5, 2 → .25, 5 → 1
    assert ci.index.ravel().tolist() == pytest.approx([0.0, 0.5, 0.25, 1.0])


def test_sensitivity_ranks():
    s = sensitivity(DATA, GROUPS, directions=DIRS, targets=[5, 5])
    assert len(s.variants) == 9 and s.ranks.shape == (3, 9)
    i = s.variants.index(("minmax", "equal", "arithmetic"))
    assert s.ranks[:, i].tolist() == [2, 3, 1]
    for col in s.ranks.T:
        assert sorted(col.tolist()) == [1, 2, 3]
    assert (s.min_rank <= s.median_rank).all() and (s.median_rank <= s.max_rank).all()


def test_single_region_and_identical_regions():
    one = sensitivity(np.array([[1.0, 2.0]]), GROUPS)
    assert one.ranks.tolist() == [[1] * 9]
    same = composite_index(np.array([[4.0, 4.0], [4.0, 4.0]]), GROUPS)
    assert same.index[:, 0].tolist() == [0.5, 0.5]  # constant indicators → 0.5
    assert ranks_of(np.array([0.5, 0.5, np.nan])).tolist() == [1, 2, 3]


def test_input_errors():
    with pytest.raises(InputError):
        composite_index(DATA, ["a"])
    with pytest.raises(InputError):
        composite_index(DATA, GROUPS, aggregation="harmonic")
    with pytest.raises(InputError):
        composite_index(DATA, GROUPS, weighting="expert")
    with pytest.raises(InputError):
        composite_index(np.array([[1.0, np.nan], [2.0, np.nan]]), GROUPS)
