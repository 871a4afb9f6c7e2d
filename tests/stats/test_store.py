"""The observation store on SQLite and PostgreSQL: seeding indicators, vintages, as-of reads, rollback."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError

from yrd.db import Database
from yrd.db.models import ImportBatchRow, IndicatorRow, ObservationMetaRow, ObservationRow
from yrd.errors import InputError
from yrd.stats import store
from yrd.stats.model import ObservationIn
from yrd.stats.registry import load_registry

# Real figures from the shipped data (Anhui GDP 2016: yearbook 24117.89, revised 26307.70 亿元).
YEARBOOK = ObservationIn(
    region="340000",
    indicator="gdp",
    period="2016",
    value=24117.89,
    unit="亿元",
    status="provisional",
    source="安徽统计年鉴 (test)",
    published="2017",
)
REVISED = YEARBOOK.model_copy(update={"value": 26307.70, "status": "revised", "published": "2024-06"})
OTHER = ObservationIn(
    region="320000",
    indicator="gdp",
    period="2016",
    value=77388.3,
    unit="亿元",
    source="test row",
    published="2017",
)


def _write(db: Database, rows: list[ObservationIn], batch: str = "b1") -> store.WriteReport:
    with db.write() as session:
        return store.write_observations(session, {"id": batch, "files": ["t.csv"], "format": "csv"}, rows)


def test_seed_indicators_is_idempotent_and_keeps_admin_edits(db: Database) -> None:
    first = store.seed_indicators(db)
    assert first.added == len(load_registry())
    assert store.seed_indicators(db).added == store.seed_indicators(db).updated == 0
    with db.write() as session:
        row = session.get(IndicatorRow, "gdp")
        assert row is not None
        row.origin, row.name_en = "admin", "GDP (edited)"
    again = store.seed_indicators(db)
    assert again.kept == 1
    with db.read() as session:
        assert next(i for i in store.list_indicators(session) if i.code == "gdp").name_en == "GDP (edited)"


def test_same_rows_twice_change_nothing(db: Database) -> None:
    first = _write(db, [YEARBOOK, OTHER])
    assert (first.new, first.revised, first.unchanged) == (2, 0, 0)
    second = _write(db, [YEARBOOK, OTHER])
    assert (second.new, second.revised, second.unchanged) == (0, 0, 2)
    assert second.by_indicator["gdp"].unchanged == 2
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(ObservationRow)) == 2
        assert session.scalar(select(func.count()).select_from(ImportBatchRow)) == 1


def test_a_revised_value_is_a_new_vintage_and_the_old_one_stays(db: Database) -> None:
    _write(db, [YEARBOOK, OTHER])
    report = _write(db, [REVISED, OTHER], batch="b2")
    assert (report.new, report.revised, report.unchanged) == (0, 1, 1)
    with db.read() as session:
        hist = store.history(session, "gdp", "340000")
        assert [(o.vintage, o.value, o.current) for o in hist] == [(1, 24117.89, False), (2, 26307.7, True)]
        assert [o.batch for o in hist] == ["b1", "b2"]
        current = store.series(session, "gdp")
        assert current["340000"][0].value == 26307.7 and current["320000"][0].vintage == 1
        # as published in 2023: the revision (2024-06) was not out yet
        then = store.series(session, "gdp", ["340000"], as_of="2023")
        assert [o.value for o in then["340000"]] == [24117.89]
        assert store.series(session, "gdp", ["340000"], as_of="2016") == {}
        assert len(store.observations(session, indicator="gdp", vintage="all")) == 3
        assert len(store.observations(session, indicator="gdp", vintage="all", as_of="2023-12-31")) == 2
    # the old value again (a second source confirming it) is not a new vintage
    assert _write(db, [YEARBOOK], batch="b3").unchanged == 1


def test_disagreeing_rows_in_one_write_are_both_kept(db: Database) -> None:
    report = _write(db, [YEARBOOK, REVISED])
    assert (report.new, report.revised) == (1, 1)
    with db.read() as session:
        assert [o.current for o in store.history(session, "gdp", "340000")] == [False, True]
        assert len(store.observations(session, region="340000")) == 1


def test_filters_and_errors(db: Database) -> None:
    _write(db, [YEARBOOK, OTHER])
    with db.read() as session:
        assert [o.region for o in store.observations(session, region=["320000"])] == ["320000"]
        assert store.observations(session, period="2017") == []
        assert len(store.observations(session, status="provisional")) == 1
        with pytest.raises(InputError, match="as_of"):
            store.observations(session, as_of="last year")
        with pytest.raises(InputError, match="vintage"):
            store.observations(session, vintage="newest")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="unknown indicator"):
        _write(db, [YEARBOOK.model_copy(update={"indicator": "no_such_code"})])


def test_an_error_in_the_transaction_writes_nothing(db: Database) -> None:
    with pytest.raises(RuntimeError), db.write() as session:
        store.write_observations(session, {"id": "b1"}, [YEARBOOK, OTHER])
        raise RuntimeError("the importer found a bad row later")
    with db.read() as session:
        assert store.observations(session) == []
        assert session.scalar(select(func.count()).select_from(ImportBatchRow)) == 0


def test_parse_as_of() -> None:
    assert str(store.parse_as_of("2024-02")) == "2024-02-29"
    assert str(store.parse_as_of("2023")) == "2023-12-31"
    with pytest.raises(InputError):
        store.parse_as_of("2023-13")


def test_read_models_equal_validated_ones_and_the_api_json_is_jsonresponse_s(db: Database) -> None:
    from fastapi.responses import JSONResponse

    from yrd.stats.model import Observation
    from yrd.web.api_observations import observations_json

    _write(db, [YEARBOOK, OTHER])
    _write(db, [REVISED], batch="b2")
    with db.read() as session:
        every = store.observations(session, vintage="all")
        assert every == [Observation.model_validate(o.model_dump()) for o in every]
        assert [o.model_fields_set for o in every] == [
            Observation(**o.model_dump()).model_fields_set for o in every
        ]
        for kw in ({}, {"vintage": "all"}, {"as_of": "2023"}, {"indicator": "gdp", "region": ["340000"]}):
            rows = store.observations(session, **kw)  # type: ignore[arg-type]
            body = JSONResponse({"data": [o.model_dump(mode="json") for o in rows], "count": len(rows)}).body
            assert observations_json(*store.observation_rows(session, **kw)) == body  # type: ignore[arg-type]


def test_many_vintages_of_one_key_in_one_write_follow_the_rule_row_by_row(db: Database) -> None:
    # the store takes a write in rounds (first row of each key, then the second …): same as row by row
    values = [1.0, 2.0, 1.0, 3.0, 2.0 + 1e-12, 4.0]
    rows = [YEARBOOK.model_copy(update={"value": v}) for v in values] + [OTHER, OTHER]
    report = _write(db, rows)
    assert (report.new, report.revised, report.unchanged) == (2, 3, 3)
    with db.read() as session:
        hist = store.history(session, "gdp", "340000")
        assert [(o.vintage, o.value, o.current) for o in hist] == [
            (1, 1.0, False), (2, 2.0, False), (3, 3.0, False), (4, 4.0, True)
        ]  # fmt: skip
    again = _write(
        db, [YEARBOOK.model_copy(update={"value": 3.0}), YEARBOOK.model_copy(update={"value": 5.0})], "b2"
    )
    assert (again.revised, again.unchanged) == (1, 1)
    with db.read() as session:
        assert [o.current for o in store.history(session, "gdp", "340000")] == [False] * 4 + [True]


def test_columns_and_rows_write_alike(db: Database) -> None:
    cols = store.ObservationColumns.from_rows([YEARBOOK, OTHER])
    assert list(cols) == [YEARBOOK, OTHER] and cols[1:] == [OTHER] and len(cols) == 2
    with db.write() as session:
        report = store.write_observations(session, {"id": "c"}, cols)
    assert report.by_indicator["gdp"].new == 2
    assert _write(db, [YEARBOOK, OTHER], "c").unchanged == 2


def _bulk_rows() -> list[ObservationIn]:
    """SYNTHETIC test rows: 3 regions × 20 years of gdp, one key twice (two vintages in one write)."""
    rows = [
        OTHER.model_copy(update={"region": r, "period": str(2000 + y), "value": 1000.0 + 10 * y + i})
        for i, r in enumerate(("310000", "320000", "340000"))
        for y in range(20)
    ]
    return [*rows, rows[5].model_copy(update={"value": 5.5, "status": "revised", "source": "second"})]


def _stored_rows(db: Database) -> list[tuple[object, ...]]:
    with db.read() as session:
        return [
            (
                o.indicator,
                o.region,
                o.period,
                o.vintage,
                o.value,
                o.current,
                o.unit,
                o.status,
                o.source,
                o.batch,
            )
            for o in store.observations(session, vintage="all")
        ]


def _has_unique_index(db: Database) -> bool:
    from sqlalchemy import inspect

    with db.engine.connect() as conn:
        found = inspect(conn).get_indexes("observation")
    return any(i["name"] == "uq_observation_vintage" and i["unique"] for i in found)


def test_a_bulk_load_stores_what_an_incremental_load_stores(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = _bulk_rows()
    dropped: list[bool] = []
    real_insert = store._insert

    def spy(*args: object, bulk: bool = False) -> None:
        dropped.append(bulk)
        real_insert(*args, bulk=bulk)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "_insert", spy)
    monkeypatch.setattr(store, "_BULK_MIN", 10**9)  # never: row by row into the indexed table
    _write(db, rows, "b1")
    _write(db, [YEARBOOK.model_copy(update={"value": 1.0})], "b2")
    incremental = _stored_rows(db)
    with db.write() as session:
        for table in ("observation", "observation_meta", "import_batch"):
            session.execute(text(f"DELETE FROM {table}"))
    monkeypatch.setattr(store, "_BULK_MIN", 1)
    with db.write() as session:  # an empty table: a bulk load; one row stored: not 10× fewer
        assert store._bulk(session, 2) and not store._bulk(session, 0)
    _write(db, rows, "b1")
    with db.write() as session:
        assert not store._bulk(session, 10) and store._bulk(session, 10 * len(rows) + 1)
    _write(db, [YEARBOOK.model_copy(update={"value": 1.0})], "b2")
    assert dropped == [False, False, True, False]
    assert _stored_rows(db) == incremental and len(incremental) == len(rows) + 1
    assert _has_unique_index(db)
    with pytest.raises(IntegrityError), db.write() as session:  # the rebuilt index still holds the key
        key = {"indicator": "gdp", "region": "310000", "period": "2000", "vintage": 1}
        session.execute(insert(ObservationRow).values(**key, value=1.0, current=False, meta=1))


def test_a_bulk_load_with_a_duplicate_key_rolls_back_entirely(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(db, [YEARBOOK], "b0")
    before = _stored_rows(db)
    real_plan = store._plan

    def twice(*args: object) -> store._Plan:  # force what the vintage rule never plans: one key twice
        plan = real_plan(*args)  # type: ignore[arg-type]
        dup = np.concatenate([plan.position, plan.position[:1]])
        return store._Plan(plan.outcome, dup, np.concatenate([plan.vintage, plan.vintage[:1]]),
                           np.concatenate([plan.current, plan.current[:1]]), plan.superseded)  # fmt: skip

    monkeypatch.setattr(store, "_plan", twice)
    monkeypatch.setattr(store, "_BULK_MIN", 1)
    dropped: list[bool] = []
    real_bulk = store._bulk
    monkeypatch.setattr(store, "_bulk", lambda s, n: dropped.append(real_bulk(s, n)) or dropped[-1])
    with pytest.raises(IntegrityError):
        _write(db, _bulk_rows(), "b1")
    assert dropped == [True]
    assert _stored_rows(db) == before
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(ImportBatchRow)) == 1
        assert session.scalar(select(func.count()).select_from(ObservationMetaRow)) == 1
    assert _has_unique_index(db)


def test_series_points_are_the_series_values(db: Database) -> None:
    _write(db, _bulk_rows())
    _write(db, [YEARBOOK, OTHER], "b2")
    _write(db, [REVISED], "b3")
    with db.read() as session:
        for kw in ({}, {"regions": ["340000", "310000"]}, {"as_of": "2023"}):
            for _ in range(2):  # the second call reuses the compiled query
                points = store.series_points(session, "gdp", **kw)  # type: ignore[arg-type]
                full = store.series(session, "gdp", **kw)  # type: ignore[arg-type]
                assert points == {r: [(o.period, o.value) for o in obs] for r, obs in full.items()}
        assert store.series_points(session, "gdp")["340000"][-1] == ("2019", 1192.0)
