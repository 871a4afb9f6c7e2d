"""`assess()` on the Outline's extracted targets, on SQLite and PostgreSQL.

Observations are SYNTHETIC (labelled in each test) except in the last test, which runs on the real
embedded default and checks structure only, never the results.
"""

from __future__ import annotations

import pytest

from yrd.bootstrap import prepare_default
from yrd.db import Database
from yrd.documents.load import DEFAULT_PLAN, load_default
from yrd.errors import InputError, NotFoundError
from yrd.evaluate.panel import performance
from yrd.evaluate.status import Status
from yrd.evaluate.targets import PROVINCES, assess
from yrd.extract.pipeline import extract_plan
from yrd.regions.store import seed_regions
from yrd.stats import store
from yrd.stats.aggregate import group_value
from yrd.stats.model import ObservationIn
from yrd.stats.registry import load_registry

REG = load_registry()
STATUSES = {str(s) for s in Status}


def obs(indicator: str, region: str, period: int, value: float) -> ObservationIn:
    unit = REG.require(indicator).unit
    return ObservationIn(region=region, indicator=indicator, period=str(period), value=value, unit=unit,
                         source="synthetic (test)")  # fmt: skip


@pytest.fixture
def plan_db(db: Database) -> Database:
    """The Outline loaded and extracted, the regions seeded, no statistics."""
    load_default(db)
    seed_regions(db)
    extract_plan(db, DEFAULT_PLAN)
    return db


def _energy(a):  # type: ignore[no-untyped-def]
    return next(t for t in a.targets if t.indicator == "energy_intensity")


def test_no_data_is_insufficient_everywhere(plan_db: Database) -> None:
    with plan_db.read() as session:
        a = assess(session, period=2020)
    assert len(a.targets) == 18 and a.period == 2020
    for t in a.targets:
        assert [r.region for r in t.regions][1:] == list(PROVINCES)
        for r in t.regions:
            assert r.status == "insufficient_data" and r.score is None and r.years == []
            assert {v["status"] for v in r.verdicts} == {"insufficient_data"}


def test_reduce_by_and_a_group_computed_from_members(plan_db: Database) -> None:
    # SYNTHETIC: energy intensity reported by the provinces; the Delta's computed from energy and GDP
    rows = []
    for i, p in enumerate(PROVINCES, start=1):
        rows += [obs("energy_intensity", p, 2017, 0.5 * i), obs("energy_intensity", p, 2020, 0.45 * i)]
        rows += [obs("energy_consumption", p, y, 100.0 * i) for y in (2017, 2020)]
        rows += [obs("gdp", p, 2017, 200.0 * i), obs("gdp", p, 2020, 250.0 * i)]
    with plan_db.write() as session:
        store.write_observations(session, {"id": "synthetic"}, rows)
    with plan_db.read() as session:
        t = _energy(assess(session, period=2020))
        yrd_2020 = group_value(session, "energy_intensity", "yrd", "2020").value
    by_region = {r.region: r for r in t.regions}
    # "较2017年下降10%": 90 % of each region's own 2017 value
    for i, p in enumerate(PROVINCES, start=1):
        assert by_region[p].target == pytest.approx(0.9 * 0.5 * i)
        assert by_region[p].values == pytest.approx([0.5 * i, 0.45 * i])
        assert by_region[p].status == "achieved"  # 0.45·i meets 0.9 · 0.5·i exactly
    yrd = by_region["yrd"]
    # the Delta: Σ energy / Σ GDP = 1000/2000 = 0.5 in 2017 and 1000/2500 = 0.4 in 2020, computed
    assert yrd.computed and yrd.values == pytest.approx([0.5, 0.4]) and yrd_2020 == pytest.approx(0.4)
    assert yrd.target == pytest.approx(0.45) and yrd.status == "achieved"


def test_errors_and_a_city(plan_db: Database) -> None:
    with plan_db.read() as session:
        with pytest.raises(NotFoundError, match="no target"):
            assess(session, targets=["target:nope"])
        with pytest.raises(NotFoundError, match="no region or region group"):
            assess(session, regions=["999999"])
        with pytest.raises(InputError, match="unknown method"):
            assess(session, methods=["astrology"])
        with pytest.raises(InputError, match="headline"):
            assess(session, methods=["open_sdg"], headline="eurostat")
        one = assess(
            session, period=2020, targets=[_energy(assess(session, period=2020)).id], regions=["320100"]
        )
    [t] = one.targets
    assert [r.region for r in t.regions] == ["320100"] and t.regions[0].name_zh == "南京市"


def test_real_default_structure(db: Database) -> None:
    prepare_default(db)
    with db.read() as session:
        a = assess(session)
        table = performance(session)
    d = a.to_dict()
    assert len(a.targets) == 18 and d["plan"] == DEFAULT_PLAN
    for t in a.targets:
        assert len(t.regions) == 5 and t.regions[0].region in ("yrd", "central-area")
        for r in t.regions:
            assert r.status in STATUSES and r.evidence in ("strong", "moderate", "weak")
            assert {v["method"] for v in r.verdicts} == set(a.methods)
            assert all(v["status"] in STATUSES for v in r.verdicts)
            assert r.score is None or 0 <= r.score <= 100
    assert [row["province"] for row in table] == list(PROVINCES)
    assert all(row["targets"] == 18 and 0 <= row["assessed"] <= 18 for row in table)


def test_the_registry_picks_an_indicators_headline_rule(default_db: Database) -> None:
    """The gap ratios name the projection-gap rule in the registry; an explicit headline wins."""
    registry = load_registry()
    with default_db.read() as session:
        own = assess(session)
        asked = assess(session, headline="sdsn")
    for t in own.targets:
        wanted = registry.require(t.indicator).headline_method or "open_sdg"
        assert {r.headline_method for r in t.regions} == {wanted}
        for r in t.regions:
            assert r.status == next(v["status"] for v in r.verdicts if v["method"] == wanted)
    assert any(t.regions[0].headline_method == "destatis_weather" for t in own.targets)
    assert {r.headline_method for t in asked.targets for r in t.regions} == {"sdsn"}
