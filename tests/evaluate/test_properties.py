"""Properties that must hold for any input (Hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from yrd.evaluate import TargetSpec, gini, open_sdg, scores, sensitivity, theil_t, verdicts
from yrd.evaluate.status import Status

positive = st.floats(min_value=0.01, max_value=1e6, allow_nan=False, allow_infinity=False)
finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@given(st.lists(st.tuples(positive, st.floats(0.1, 100), st.sampled_from("abc")), min_size=1, max_size=30))
def test_theil_decomposition_is_exact(rows):
    y, n, g = zip(*rows, strict=True)
    t = theil_t(list(y), list(n), list(g))
    assert abs(t.between + t.within - t.total) <= 1e-9 * max(1.0, abs(t.total))
    assert t.total >= -1e-12 and t.within >= -1e-12


@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=40), st.data())
def test_gini_in_unit_interval(values, data):
    weights = data.draw(st.lists(st.floats(0.01, 100), min_size=len(values), max_size=len(values)))
    g = gini(values, weights)
    assert np.isnan(g) or -1e-12 <= g <= 1.0


@given(
    st.lists(finite, min_size=1, max_size=20), finite, st.floats(1, 1e5), st.sampled_from(["higher", "lower"])
)
def test_progress_score_in_range(values, target, distance, direction):
    bound = target - distance if direction == "higher" else target + distance
    s = scores(values, TargetSpec(direction, target, lower_bound=bound))
    assert np.all((s >= 0) & (s <= 100))


@given(st.integers(1, 6), st.integers(2, 5), st.randoms(use_true_random=False))
@settings(max_examples=30, deadline=None)
def test_sensitivity_ranks_are_permutations(n_regions, k, rnd):
    rng = np.random.default_rng(rnd.randint(0, 2**32 - 1))
    data = rng.normal(10, 3, (n_regions, 2, k))
    data[rng.random(data.shape) < 0.1] = np.nan
    empty = np.all(np.isnan(data), axis=(0, 1))
    data[0, 0, empty] = 1.0  # every indicator needs at least one value
    groups = [("a", "b")[i % 2] for i in range(k)]
    s = sensitivity(data, groups, targets=[20.0] * k)
    for col in s.ranks.T:
        assert sorted(col.tolist()) == list(range(1, n_regions + 1))


@given(st.lists(st.one_of(st.none(), finite), min_size=1, max_size=12), finite)
@settings(max_examples=60)
def test_every_rule_returns_a_status_without_warnings(raw, target):
    values = [np.nan if v is None else v for v in raw]
    years = list(range(2010, 2010 + len(values)))
    spec = TargetSpec("higher", target, 2030, lower_bound=target - 1e6)
    for v in verdicts(values, years, spec):
        assert isinstance(v.status, Status)
        assert (v.status is Status.INSUFFICIENT_DATA) == bool(v.reason) or "target year" in v.reason


def test_batch_equals_one_series_at_a_time():
    rng = np.random.default_rng(7)
    panel = 100 * np.exp(np.cumsum(rng.normal(0.02, 0.05, (40, 12)), axis=1))
    panel[rng.random(panel.shape) < 0.2] = np.nan
    years = np.arange(2012, 2024)
    spec = TargetSpec("higher", 180.0, 2030)
    batch = open_sdg(panel, years, spec)
    for i in range(40):
        one = open_sdg(panel[i], years, spec).verdict()
        assert one.status is batch.verdict(i).status
        assert np.allclose(one.metric, batch.metric[i], equal_nan=True)
