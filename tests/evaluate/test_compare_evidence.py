"""Verdicts side by side, headline method, evidence strength (docs/methods.md)."""

from __future__ import annotations

import numpy as np
import pytest

from yrd.errors import InputError
from yrd.evaluate import Status, TargetSpec, compare, compare_batch, evaluate, evidence, grades, verdicts
from yrd.evaluate.status import CODE, Verdict

YEARS = list(range(2018, 2024))
SPEC = TargetSpec("higher", 150.0, 2030, lower_bound=50.0)


def v(method: str, status: Status) -> Verdict:
    return Verdict(method, status, status.value, 0.0, 0.0, 0.0, "m", 3, 2018, 2020)


def test_worked_example_is_a_majority_with_the_open_sdg_headline():
    c = compare(verdicts([100, 103, 106, 109, 112, 115], YEARS, SPEC))
    # four rules say moderate, Germany says stagnating (docs worked example)
    assert c.agreement == "majority" and c.majority is Status.MODERATE
    assert c.headline_method == "open_sdg" and c.headline.status is Status.MODERATE


def test_agreement_marks():
    on, mod, stag, na = Status.ON_TRACK, Status.MODERATE, Status.STAGNATING, Status.INSUFFICIENT_DATA
    assert compare([v("open_sdg", on), v("b", on), v("c", na)]).agreement == "all_agree"
    assert compare([v("open_sdg", on), v("b", mod), v("c", stag)]).agreement == "split"
    # 2 of 4 is not more than half
    assert compare([v("open_sdg", on), v("b", on), v("c", mod), v("d", stag)]).agreement == "split"
    assert compare([v("open_sdg", on), v("b", na), v("c", na)]).agreement == "not_comparable"


def test_headline_from_metadata_and_never_replaced():
    c = compare(
        [v("open_sdg", Status.INSUFFICIENT_DATA), v("eurostat", Status.ON_TRACK)], headline="open_sdg"
    )
    assert c.headline.status is Status.INSUFFICIENT_DATA
    c = compare([v("open_sdg", Status.MODERATE), v("eurostat", Status.ON_TRACK)], headline="eurostat")
    assert c.headline.status is Status.ON_TRACK
    with pytest.raises(InputError):
        compare([v("open_sdg", Status.ON_TRACK)], headline="nope")


def test_batch_matches_single_series():
    panel = np.array(
        [
            [100, 103, 106, 109, 112, 115],  # majority moderate
            [115, 112, 109, 106, 103, 100],  # all moving away
            [np.nan] * 5 + [120],  # one observation: nobody can assess
        ]
    )
    res = evaluate(panel, YEARS, SPEC)
    b = compare_batch(res)
    assert b.agreements() == ["majority", "all_agree", "not_comparable"]
    assert b.majority.tolist() == [CODE[Status.MODERATE], CODE[Status.MOVING_AWAY], -1]
    for i in range(3):
        single = compare([r.verdict(i) for r in res.values()])
        assert single.agreement == b.agreements()[i]
    with pytest.raises(InputError):
        evaluate(panel, YEARS, SPEC, methods=["nope"])


def test_evidence_worked_example():
    e = evidence(6, 5, 1, regions_reporting=3, regions_total=4, agreement="majority")
    # 6 obs strong, span 5 strong, age 1 strong, coverage 0.75 moderate, majority moderate → moderate
    assert e.grade == "moderate"
    assert e.reasons == ("3 of 4 regions report (moderate)", "methods: majority (moderate)")
    assert e.inputs["criteria"]["n_obs"] == "strong"


def test_evidence_weakest_link():
    assert evidence(6, 5, 1).grade == "strong" and evidence(6, 5, 1).reasons == ()
    assert evidence(2, 5, 1).grade == "weak"  # 2 observations
    assert evidence(6, 5, 6).grade == "weak"  # latest 6 years old
    assert evidence(6, 5, 3).grade == "moderate"
    assert evidence(6, 5, 1, agreement="split").grade == "weak"


def test_evidence_batch_agrees_with_scalar():
    n = np.array([6, 4, 2, 6])
    span = np.array([5, 5, 5, 5])
    age = np.array([1, 1, 1, 5])
    agree = np.array(["all_agree", "majority", "all_agree", "all_agree"])
    g = grades(n, span, age, agreement=agree)
    expected = [
        evidence(int(a), int(b), int(c), agreement=str(d)).grade
        for a, b, c, d in zip(n, span, age, agree, strict=True)
    ]
    assert (
        [("weak", "moderate", "strong")[x] for x in g] == expected == ["strong", "moderate", "weak", "weak"]
    )
    # agreement codes from compare_batch are accepted too
    assert grades(n, span, age, agreement=np.array([0, 1, 0, 0])).tolist() == g.tolist()
