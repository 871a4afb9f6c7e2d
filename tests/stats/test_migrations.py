"""Migration 0005 (narrow observations) on SQLite and PostgreSQL: existing rows survive both ways."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from yrd.db import Database
from yrd.db.migrate import config, upgrade
from yrd.stats import store

ROWS = [  # SYNTHETIC test rows in the 0004 layout: two vintages of one key, another key, a NULL date
    ("310000", "gdp", "2023", 1, 47218.7, "亿元", "provisional", "synthetic A", "初步", None, "b1", False),
    ("310000", "gdp", "2023", 2, 47218.66, "亿元", "revised", "synthetic B", "", "2024-06", "b2", True),
    ("320000", "gdp", "2023", 1, 128222.2, "亿元", "provisional", "synthetic A", "初步", None, "b1", True),
]
NAMES = ("r", "i", "p", "v", "x", "u", "s", "src", "n", "pub", "b", "c")
COLUMNS = "region, indicator, period, vintage, value, unit, status, source, note, published, batch, current"


def _old_rows(db: Database) -> list[tuple[object, ...]]:
    with db.engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(text(f"SELECT id, {COLUMNS} FROM observation")))


def test_0005_moves_rows_to_meta_and_back(db_url: str) -> None:
    db = Database(db_url)
    try:
        upgrade(db.engine, "0004_stats")
        with db.engine.begin() as conn:
            for batch in ("b1", "b2"):
                conn.execute(text("INSERT INTO import_batch VALUES (:b, 'f.csv', '', 'csv', 2, :t, '', '')"),
                             {"b": batch, "t": f"2024-01-0{batch[1]} 00:00:00+00:00"})  # fmt: skip
            for row in ROWS:
                conn.execute(
                    text(f"INSERT INTO observation ({COLUMNS}, recorded_at) VALUES (:r, :i, :p, :v, :x, :u, "
                         ":s, :src, :n, :pub, :b, :c, :t)"),
                    dict(zip(NAMES, row, strict=True)) | {"t": "2024-01-02 00:00:00+00:00"},
                )  # fmt: skip
        before = _old_rows(db)
        upgrade(db.engine)
        with db.read() as session:
            hist = store.history(session, "gdp", "310000")
            seen = [
                (o.vintage, o.value, o.status, o.source, o.note, o.published, o.batch, o.current)
                for o in hist
            ]
            assert seen == [(1, 47218.7, "provisional", "synthetic A", "初步", None, "b1", False),
                            (2, 47218.66, "revised", "synthetic B", "", "2024-06", "b2", True)]  # fmt: skip
            assert [o.recorded_at[:10] for o in hist] == ["2024-01-02", "2024-01-02"]
            assert len(store.observations(session)) == 2
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM observation_meta")).scalar_one() == 2
        command.downgrade(config(db.engine), "0004_stats")
        assert _old_rows(db) == before
        upgrade(db.engine)
        with db.read() as session:
            assert len(store.observations(session, vintage="all")) == 3
    finally:
        db.dispose()


def _unique(db: Database) -> tuple[list[str], list[str]]:
    """(unique constraints, unique indexes) of ``observation``, by name."""
    with db.engine.connect() as conn:
        found = inspect(conn)
        constraints = [c["name"] for c in found.get_unique_constraints("observation")]
        indexes = [i["name"] for i in found.get_indexes("observation")  # PostgreSQL: not a constraint's
                   if i["unique"] and not i.get("duplicates_constraint")]  # fmt: skip
    return constraints, indexes


def test_0006_turns_the_key_constraint_into_a_unique_index_and_back(db_url: str) -> None:
    db = Database(db_url)
    try:
        upgrade(db.engine, "0005_observation_meta")
        assert _unique(db) == (["uq_observation_vintage"], [])
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO import_batch VALUES ('b1', 'f.csv', '', 'csv', 2, :t, '', '')"),
                         {"t": "2024-01-01 00:00:00+00:00"})  # fmt: skip
            conn.execute(text("INSERT INTO observation_meta (batch, recorded_at, unit, status, source, note) "
                              "VALUES ('b1', :t, '亿元', 'provisional', 'synthetic', '')"),
                         {"t": "2024-01-01 00:00:00+00:00"})  # fmt: skip
            for vintage, value, current in ((1, 47218.7, False), (2, 47218.66, True)):  # SYNTHETIC rows
                conn.execute(text("INSERT INTO observation (indicator, region, period, vintage, value, "
                                  "current, meta) VALUES ('gdp', '310000', '2023', :v, :x, :c, 1)"),
                             {"v": vintage, "x": value, "c": current})  # fmt: skip
        query = (
            "SELECT id, indicator, region, period, vintage, value, current, meta FROM observation ORDER BY id"
        )
        with db.engine.connect() as conn:
            before = [tuple(r) for r in conn.execute(text(query))]
        duplicate = text("INSERT INTO observation (indicator, region, period, vintage, value, current, meta) "
                         "VALUES ('gdp', '310000', '2023', 2, 1.0, false, 1)")  # fmt: skip
        upgrade(db.engine)
        assert _unique(db) == ([], ["uq_observation_vintage"])
        with db.engine.connect() as conn:
            assert [tuple(r) for r in conn.execute(text(query))] == before
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(duplicate)
        command.downgrade(config(db.engine), "0005_observation_meta")
        assert _unique(db) == (["uq_observation_vintage"], [])
        with db.engine.connect() as conn:
            assert [tuple(r) for r in conn.execute(text(query))] == before
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(duplicate)
        upgrade(db.engine)
        assert _unique(db) == ([], ["uq_observation_vintage"])
    finally:
        db.dispose()
