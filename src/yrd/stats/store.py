"""Indicators and observations in the database: seeding the registry, writing vintages, reading series.

**The vintage rule.** A *key* is region × indicator × period. Every distinct value published for a
key is a *vintage* of that key, numbered 1, 2, 3 … in the order it was recorded; the highest is the
*current* one. The source is a property of a vintage, not part of the key: when two sources
disagree about one key (a preliminary and a revised GDP, a rounded and an exact income), both are
vintages of the same key and both stay visible in its history — nothing is overwritten. A row
whose value equals any stored vintage of its key (to 1e-9 relative) changes nothing, so importing
the same file twice, or a second source confirming a figure, writes nothing; a changed value
makes one new vintage for that key only. (A figure revised and later revised *back* to an earlier
value therefore leaves the later vintage current; the history shows all three.)

Everything here runs inside the caller's session and transaction: the importer calls
`write_observations` inside ``db.write()`` and an error anywhere rolls the whole import back.

``as_of`` reads the data "as published" at a date: a vintage counts from its ``published`` date
when the source gives one (the first day of a year or month given alone), else from the day it was
recorded here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import chain
from typing import Any, Literal, overload

import numpy as np
import pandas as pd
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from yrd.db import Database
from yrd.db.models import ImportBatchRow, IndicatorRow, ObservationMetaRow, ObservationRow
from yrd.errors import InputError
from yrd.stats.model import Indicator, Observation, ObservationIn
from yrd.stats.registry import Registry, load_registry
from yrd.supervise import audit

_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def _now() -> datetime:
    return datetime.now(UTC)


# --------------------------------------------------------------------------------------- indicators


@dataclass
class IndicatorSeed:
    added: int = 0
    updated: int = 0
    kept: int = 0  # edited by an admin, left alone


def seed_indicators(db: Database, registry: Registry | None = None) -> IndicatorSeed:
    """Copy the registry file into the ``indicator`` table (idempotent; admin edits are kept)."""
    registry = registry or load_registry()
    result = IndicatorSeed()
    with db.write() as session:
        rows = {row.code: row for row in session.scalars(select(IndicatorRow))}
        for seq, ind in enumerate(registry.indicators):
            data = ind.model_dump(mode="json")
            row = rows.get(ind.code)
            if row is None:
                session.add(IndicatorRow(code=ind.code, name_zh=ind.name_zh, name_en=ind.name_en,
                                         unit=ind.unit, data=data, seq=seq, origin="seed",
                                         updated_at=_now()))  # fmt: skip
                result.added += 1
            elif row.origin == "admin":
                result.kept += 1
            elif row.data != data or row.seq != seq:
                row.name_zh, row.name_en, row.unit, row.data, row.seq = (
                    ind.name_zh, ind.name_en, ind.unit, data, seq)  # fmt: skip
                row.updated_at = _now()
                result.updated += 1
    return result


def list_indicators(session: Session) -> list[Indicator]:
    """The indicators in the database, or the shipped registry's when it has not been seeded."""
    rows = list(session.scalars(select(IndicatorRow).order_by(IndicatorRow.seq, IndicatorRow.code)))
    if not rows:
        return list(load_registry().indicators)
    edited = ("name_zh", "name_en", "unit")  # columns an admin edits; the rest is in ``data``
    return [Indicator.model_validate({**row.data, **{k: getattr(row, k) for k in edited}}) for row in rows]


# ------------------------------------------------------------------------------------- observations


@dataclass
class Counts:
    new: int = 0
    revised: int = 0
    unchanged: int = 0


@dataclass
class WriteReport:
    """What a write did: ``new`` first vintages, ``revised`` new vintages of known keys, ``unchanged``."""

    batch: str
    new: int = 0
    revised: int = 0
    unchanged: int = 0
    by_indicator: dict[str, Counts] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.new or self.revised)


_TEXT_FIELDS = ("region", "indicator", "period", "unit", "status", "source", "note", "published")


@dataclass(eq=False)
class ObservationColumns(Sequence[ObservationIn]):
    """Observations as columns: what the store writes, and what the columnar importer hands it.

    Every string column is a NumPy object array (``published`` may hold None), ``value`` is float64;
    all have one length. It is also a read-only sequence of `ObservationIn` (built on access), so
    code written for a list of rows keeps working. The rows must already be checked: the store
    trusts them as an importer's `ObservationIn`s.
    """

    region: np.ndarray
    indicator: np.ndarray
    period: np.ndarray
    value: np.ndarray
    unit: np.ndarray
    status: np.ndarray
    source: np.ndarray
    note: np.ndarray
    published: np.ndarray

    def __len__(self) -> int:
        return len(self.value)

    @overload
    def __getitem__(self, index: int) -> ObservationIn: ...
    @overload
    def __getitem__(self, index: slice) -> list[ObservationIn]: ...
    def __getitem__(self, index: int | slice) -> ObservationIn | list[ObservationIn]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        values = {name: getattr(self, name)[index] for name in _TEXT_FIELDS}
        return ObservationIn(**values, value=float(self.value[index]))

    @classmethod
    def from_rows(cls, rows: Iterable[ObservationIn]) -> ObservationColumns:
        """The columns of a list of rows (the store's one write path takes columns)."""
        rows = list(rows)
        text = {name: _objects([getattr(r, name) for r in rows]) for name in _TEXT_FIELDS}
        return cls(**text, value=np.array([float(r.value) for r in rows], dtype=np.float64))

    @classmethod
    def concat(cls, parts: Sequence[ObservationColumns]) -> ObservationColumns:
        if not parts:
            return cls.from_rows([])
        if len(parts) == 1:
            return parts[0]
        names = (*_TEXT_FIELDS, "value")
        return cls(**{n: np.concatenate([getattr(p, n) for p in parts]) for n in names})

    def take(self, index: np.ndarray) -> ObservationColumns:
        """The rows at these positions (or where this mask is true)."""
        names = (*_TEXT_FIELDS, "value")
        return ObservationColumns(**{n: getattr(self, n)[index] for n in names})


def _objects(items: Sequence[Any]) -> np.ndarray:
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def _factor(column: np.ndarray) -> tuple[np.ndarray, list[Any]]:
    """(codes, distinct values in order of appearance); None is a value like any other."""
    first = column[0] if len(column) else None
    if first is not None and column[-1] == first and (column == first).all():  # one source, unit …
        return np.zeros(len(column), dtype=np.int64), [first]
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    values = list(uniques)
    if (codes < 0).any():  # None (published): its own code, after the others
        codes = np.where(codes < 0, len(values), codes)
        values.append(None)
    return codes.astype(np.int64), values


def _meta(batch_meta: Mapping[str, Any] | Any) -> dict[str, Any]:
    meta = dict(batch_meta) if isinstance(batch_meta, Mapping) else dict(vars(batch_meta))
    files = meta.get("files") or meta.get("file_name") or ""
    formats = meta.get("formats") or meta.get("format") or ""
    return {
        "id": str(meta.get("id") or f"batch-{_now():%Y%m%dT%H%M%S%f}"),
        "file_name": ", ".join(files) if isinstance(files, list | tuple) else str(files),
        "sha256": str(meta.get("sha256") or ""),
        "format": ",".join(formats) if isinstance(formats, list | tuple) else str(formats),
        "created_by": str(meta.get("who") or meta.get("created_by") or ""),
        "note": str(meta.get("note") or ""),
    }


def _check_codes(session: Session, codes: Iterable[str]) -> None:
    known = {i.code for i in load_registry().indicators}
    known.update(session.scalars(select(IndicatorRow.code)))
    unknown = sorted(set(codes) - known)
    if unknown:
        raise InputError(f"unknown indicator code(s): {', '.join(unknown)}")


@dataclass
class _Keys:
    """Each row's key (indicator, region, period) as one int64, with the distinct parts."""

    key: np.ndarray
    indicators: list[str]
    regions: list[str]
    periods: list[str]
    indicator_codes: np.ndarray

    @classmethod
    def of(cls, cols: ObservationColumns) -> _Keys:
        ci, indicators = _factor(cols.indicator)
        cr, regions = _factor(cols.region)
        cp, periods = _factor(cols.period)
        key = (ci * len(regions) + cr) * len(periods) + cp
        return cls(key, indicators, regions, periods, ci)

    def encode(self, indicator: Sequence[str], region: Sequence[str], period: Sequence[str]) -> np.ndarray:
        """Keys of stored rows in this code space; -1 where a part is not among this write's."""
        ci = pd.Index(self.indicators).get_indexer(_objects(indicator))
        cr = pd.Index(self.regions).get_indexer(_objects(region))
        cp = pd.Index(self.periods).get_indexer(_objects(period))
        key = (ci * len(self.regions) + cr) * len(self.periods) + cp
        return np.where((ci < 0) | (cr < 0) | (cp < 0), -1, key).astype(np.int64)


@dataclass
class _Vintages:
    """Stored vintages of the keys a write touches; ``row`` > 0 is a stored id, < 0 a planned insert."""

    key: np.ndarray
    vintage: np.ndarray
    value: np.ndarray
    row: np.ndarray
    current: np.ndarray


def _stored(session: Session, keys: _Keys) -> _Vintages:
    """The stored vintages of this write's indicators (and regions, when they are few)."""
    o = ObservationRow.__table__.c
    found: list[tuple[Any, ...]] = []
    for start in range(0, len(keys.indicators), 500):
        q = select(o.indicator, o.region, o.period, o.vintage, o.value, o.id, o.current).where(
            o.indicator.in_(keys.indicators[start : start + 500])
        )
        if len(keys.regions) <= 500:
            q = q.where(o.region.in_(keys.regions))
        found.extend(session.execute(q))
    if not found:
        empty = np.empty(0, dtype=np.int64)
        return _Vintages(empty, empty, np.empty(0), empty, np.empty(0, dtype=bool))
    ind, reg, per, vintage, value, ids, current = zip(*found, strict=True)
    key = keys.encode(ind, reg, per)
    mine = key >= 0
    return _Vintages(key[mine], np.array(vintage, np.int64)[mine], np.array(value, np.float64)[mine],
                     np.array(ids, np.int64)[mine], np.array(current, bool)[mine])  # fmt: skip


def _close(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """`math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)`, element-wise, for finite values."""
    return np.abs(a - b) <= np.maximum(1e-9 * np.maximum(np.abs(a), np.abs(b)), 1e-12)


def _ranges(start: np.ndarray, count: np.ndarray) -> np.ndarray:
    """start[i], start[i]+1 … start[i]+count[i]-1 for every i, concatenated."""
    total = int(count.sum())
    offsets = np.cumsum(count) - count
    return np.repeat(start - offsets, count) + np.arange(total)


def _occurrence(key: np.ndarray) -> np.ndarray:
    """0 for the first row of each key, 1 for its second … (an importer gives each key once)."""
    series = pd.Series(key)
    if not series.duplicated().any():
        return np.zeros(len(key), dtype=np.int64)
    return series.groupby(key, sort=False).cumcount().to_numpy(dtype=np.int64)


@dataclass
class _Plan:
    """What to write: per input row 0 unchanged, 1 new, 2 revised; the inserts; the superseded ids."""

    outcome: np.ndarray
    position: np.ndarray  # input row of each insert
    vintage: np.ndarray
    current: np.ndarray
    superseded: list[int]


def _plan(key: np.ndarray, value: np.ndarray, stored: _Vintages) -> _Plan:
    """Apply the vintage rule to every row at once.

    Rows are taken in rounds — the first row of each key, then the second … — so that within a
    round every key is there once and the comparison with the stored vintages is a vectorised join
    (a sort and two binary searches). Each round's inserts count as stored for the next, exactly as
    the rule reads row by row.
    """
    outcome = np.zeros(len(key), dtype=np.int8)
    occurrence = _occurrence(key)
    positions: list[np.ndarray] = []
    vintages: list[np.ndarray] = []
    current = np.empty(0, dtype=bool)
    superseded: list[int] = []
    s = stored
    for r in range(int(occurrence.max(initial=-1)) + 1):
        pos = np.flatnonzero(occurrence == r)
        k, v = key[pos], value[pos]
        order = np.argsort(s.key, kind="stable")
        lo = np.searchsorted(s.key[order], k, "left")
        count = np.searchsorted(s.key[order], k, "right") - lo
        pair_new = np.repeat(np.arange(len(k)), count)
        pair_old = order[_ranges(lo, count)]
        same = np.zeros(len(k), dtype=bool)
        same[pair_new[_close(v[pair_new], s.value[pair_old])]] = True
        top = np.zeros(len(k), dtype=np.int64)
        np.maximum.at(top, pair_new, s.vintage[pair_old])
        changed = ~same
        outcome[pos] = np.where(same, 0, np.where(count > 0, 2, 1))
        gone = pair_old[changed[pair_new] & s.current[pair_old]]
        s.current[gone] = False
        superseded.extend(s.row[gone][s.row[gone] > 0].tolist())
        current[-s.row[gone][s.row[gone] < 0] - 1] = False
        base = len(current)
        fresh = int(changed.sum())
        positions.append(pos[changed])
        vintages.append(top[changed] + 1)
        current = np.concatenate([current, np.ones(fresh, dtype=bool)])
        s = _Vintages(np.concatenate([s.key, k[changed]]), np.concatenate([s.vintage, top[changed] + 1]),
                      np.concatenate([s.value, v[changed]]),
                      np.concatenate([s.row, -(base + np.arange(fresh, dtype=np.int64)) - 1]),
                      np.concatenate([s.current, np.ones(fresh, dtype=bool)]))  # fmt: skip
    position = np.concatenate(positions) if positions else np.empty(0, dtype=np.int64)
    vintage = np.concatenate(vintages) if vintages else np.empty(0, dtype=np.int64)
    order = np.argsort(position, kind="stable")  # insert in input order, as the rows came
    return _Plan(outcome, position[order], vintage[order], current[order], superseded)


def _report(report: WriteReport, plan: _Plan, keys: _Keys) -> None:
    """Totals and per-indicator counts (indicators in the order they first appear)."""
    n = len(keys.indicators)
    per = [np.bincount(keys.indicator_codes[plan.outcome == t], minlength=n) for t in (1, 2, 0)]
    for i, code in enumerate(keys.indicators):
        report.by_indicator[code] = Counts(int(per[0][i]), int(per[1][i]), int(per[2][i]))
    report.new, report.revised, report.unchanged = (int(p.sum()) for p in per)


def write_observations(
    session: Session, batch_meta: Mapping[str, Any] | Any, rows: Sequence[ObservationIn] | ObservationColumns
) -> WriteReport:
    """Record rows as vintages (see the module docstring), in the caller's transaction.

    ``rows`` is a list of `ObservationIn` or, from the columnar importer, `ObservationColumns`; a
    list is turned into columns, so there is one write path. ``batch_meta`` carries ``id`` (the
    same files should give the same id), ``files`` or ``file_name``, ``sha256``, ``formats`` or
    ``format``, ``who`` and ``note``; a batch id already stored is reused.

    Raises:
        InputError: an indicator code the registry does not know.
    """
    cols = rows if isinstance(rows, ObservationColumns) else ObservationColumns.from_rows(rows)
    meta = _meta(batch_meta)
    report = WriteReport(meta["id"])
    if not len(cols):
        return report
    keys = _Keys.of(cols)
    _check_codes(session, keys.indicators)
    now = _now()
    batch = session.get(ImportBatchRow, meta["id"])
    if batch is None:
        session.add(ImportBatchRow(**meta, rows=len(cols), created_at=now))
        session.flush()
    plan = _plan(keys.key, cols.value, _stored(session, keys))
    _report(report, plan, keys)
    o = ObservationRow.__table__.c
    for start in range(0, len(plan.superseded), 500):
        chunk = plan.superseded[start : start + 500]
        session.execute(update(ObservationRow.__table__).where(o.id.in_(chunk)).values(current=False))
    if len(plan.position):
        every = len(plan.position) == len(cols)  # positions are in input order: then all of them
        metas = _insert_meta(session, cols if every else cols.take(plan.position), meta["id"], now)
        _insert(session, keys, plan, cols.value, metas, bulk=_bulk(session, len(plan.position)))
    if batch is not None and len(plan.position):
        batch.rows += len(plan.position)
    session.flush()
    if report.new or report.revised:
        changed = {"files": meta["file_name"], "new": report.new, "revised": report.revised,
                   "unchanged": report.unchanged}  # fmt: skip
        who = meta["created_by"] or "system"
        audit.record(session, who, "observations.import", f"batch:{meta['id']}", None, changed)
    return report


_META_FIELDS = ("unit", "status", "source", "note", "published")


def _insert_meta(session: Session, cols: ObservationColumns, batch: str, now: datetime) -> np.ndarray:
    """One `ObservationMetaRow` per distinct (unit, status, source, note, published) among the
    inserted rows; the id of each row's."""
    group = np.zeros(len(cols), dtype=np.int64)
    for name in _META_FIELDS:
        codes, _values = _factor(getattr(cols, name))
        group, _uniques = pd.factorize(group * (int(codes.max()) + 1) + codes)
    _, first = np.unique(group, return_index=True)
    params = [{"batch": batch, "recorded_at": now, **{n: getattr(cols, n)[i] for n in _META_FIELDS}}
              for i in first.tolist()]  # fmt: skip
    table = ObservationMetaRow.__table__
    ids = session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), params)
    return np.array(ids.scalars().all(), dtype=np.int64)[group]


_INSERT_COLUMNS = ("indicator", "region", "period", "vintage", "value", "current", "meta")
# SQLite: a bigger page cache (KiB, negative) while a large insert runs; the unique index of a big
# table no longer fits the default 2 MB and each insert would go to the file. (Its sorter, which
# builds an index after a bulk load, uses the same budget.)
_SQLITE_CACHE_KIB, _BIG_INSERT = 262_144, 50_000
# A bulk load: at least this many inserts, and more than this many times the rows already stored.
_BULK_MIN, _BULK_RATIO = 50_000, 10


def _bulk(session: Session, inserts: int) -> bool:
    """Whether this write is a bulk load: many rows into an empty or nearly empty ``observation``.

    Counts the stored rows only up to the bound that matters, so a small write into a big table
    costs one short index scan, not a count of the table.
    """
    if inserts < _BULK_MIN:
        return False
    bound = inserts // _BULK_RATIO + 1  # enough to tell: stored * ratio < inserts
    some = select(ObservationRow.__table__.c.id).limit(bound).subquery()
    stored = session.execute(select(func.count()).select_from(some)).scalar_one()
    return stored * _BULK_RATIO < inserts


def _insert(
    session: Session, keys: _Keys, plan: _Plan, value: np.ndarray, metas: np.ndarray, bulk: bool = False
) -> None:
    """Insert the planned rows in the session's transaction, with the driver directly.

    PostgreSQL (psycopg): binary COPY; SQLite: a prepared ``executemany`` of 100-row ``INSERT``
    statements; others: Core executemany. Keys are decoded from their codes here, so the
    strings are the few distinct objects, not one per row.

    ``bulk`` (many rows into an empty or nearly empty table, see `_bulk`): the table's indexes
    (the unique key) are dropped before the insert and created again after it, in the same
    transaction — one sort instead of a b-tree insert per row. The vintage rule never plans two
    inserts of one (key, vintage), and the recreated unique index checks it all the same: a
    duplicate fails ``CREATE UNIQUE INDEX`` and the caller's rollback undoes the whole write,
    the dropped index included (SQLite and PostgreSQL both run DDL inside the transaction). On
    PostgreSQL ``DROP INDEX`` takes an exclusive lock on ``observation`` until the commit:
    concurrent readers of the table wait for the bulk load, which only happens while the table is
    (nearly) empty.
    """
    pos = plan.position
    n_reg, n_per = len(keys.regions), len(keys.periods)
    key = keys.key[pos]
    columns = {
        "indicator": _objects(keys.indicators)[key // (n_reg * n_per)],
        "region": _objects(keys.regions)[(key // n_per) % n_reg],
        "period": _objects(keys.periods)[key % n_per],
        "vintage": plan.vintage,
        "value": value[pos],
        "current": plan.current,
        "meta": metas,
    }
    conn = session.connection()
    dialect = conn.dialect
    indexes = sorted(ObservationRow.__table__.indexes, key=lambda i: str(i.name)) if bulk else []
    big = len(pos) >= _BIG_INSERT and dialect.name == "sqlite"
    with _sqlite_cache(conn.connection.driver_connection, big):
        for index in indexes:
            index.drop(conn)
        if dialect.name == "postgresql" and dialect.driver == "psycopg":
            _copy_pg(conn.connection.driver_connection, keys, key, columns)
        elif dialect.name == "sqlite":
            _executemany_sqlite(conn.connection.driver_connection, columns)
        else:
            lists = [columns[c].tolist() for c in _INSERT_COLUMNS]
            rows = [dict(zip(_INSERT_COLUMNS, r, strict=True)) for r in zip(*lists, strict=True)]
            session.execute(insert(ObservationRow.__table__), rows)
        for index in indexes:
            index.create(conn)  # a duplicate key raises here; the caller rolls back


@contextmanager
def _sqlite_cache(raw: Any, big: bool) -> Iterator[None]:
    """SQLite: the larger page cache for the duration of a big insert (and its index builds)."""
    if not big:
        yield
        return
    before = raw.execute("PRAGMA cache_size").fetchone()[0]
    raw.execute(f"PRAGMA cache_size = {-_SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA cache_size = {int(before)}")


# SQLite: rows per INSERT statement (7 parameters each, under the old 999-parameter limit). One
# statement of 100 rows instead of 100 of one halves a million-row insert (3.6 → 1.8 s measured):
# the per-statement step, reset and Python iteration dominate, not the b-tree.
_SQLITE_ROWS_PER_INSERT = 100


def _executemany_sqlite(raw: Any, columns: dict[str, np.ndarray]) -> None:
    names = ", ".join(_INSERT_COLUMNS)
    row = "(" + ", ".join("?" * len(_INSERT_COLUMNS)) + ")"
    lists = [columns[c].tolist() for c in _INSERT_COLUMNS]
    k, width = _SQLITE_ROWS_PER_INSERT, len(_INSERT_COLUMNS)
    n = len(lists[0])
    whole = n // k * k
    if whole:
        flat = list(chain.from_iterable(zip(*(v[:whole] for v in lists), strict=True)))
        step = k * width
        raw.executemany(f"INSERT INTO observation ({names}) VALUES {', '.join([row] * k)}",
                        (flat[i : i + step] for i in range(0, len(flat), step)))  # fmt: skip
    if whole < n:
        rest = zip(*(v[whole:] for v in lists), strict=True)
        raw.executemany(f"INSERT INTO observation ({names}) VALUES {row}", rest)


_COPY_CHUNK = 100_000
# COPY's binary format: a header, then per row the field count, and each field as its length and
# its bytes (big-endian numbers); the fixed-width tail of every row (vintage int4, value float8,
# current bool, meta int4, each with its length) is one NumPy record.
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
_COPY_TAIL = np.dtype([
    ("n_vintage", ">i4"), ("vintage", ">i4"), ("n_value", ">i4"), ("value", ">f8"),
    ("n_current", ">i4"), ("current", "u1"), ("n_meta", ">i4"), ("meta", ">i4"),
])  # fmt: skip


def _copy_pg(raw: Any, keys: _Keys, key: np.ndarray, columns: dict[str, np.ndarray]) -> None:
    """COPY … FROM STDIN in binary format, built a chunk of rows at a time: the key texts are encoded
    once per distinct value, the numbers are one NumPy record per row, and each row is the join of
    four byte strings (text COPY measured ≈ 1 s slower on a million rows: Python formats every number
    and the server parses it again)."""
    names = ", ".join(_INSERT_COLUMNS)
    n_reg, n_per = len(keys.regions), len(keys.periods)
    field_count = len(_INSERT_COLUMNS).to_bytes(2, "big")
    pieces = [
        (_fields(keys.indicators, field_count), key // (n_reg * n_per)),
        (_fields(keys.regions), (key // n_per) % n_reg),
        (_fields(keys.periods), key % n_per),
    ]
    n = len(key)
    with raw.cursor() as cur, cur.copy(f"COPY observation ({names}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.write(_COPY_HEADER)
        for start in range(0, n, _COPY_CHUNK):
            end = min(n, start + _COPY_CHUNK)
            tail = np.empty(end - start, dtype=_COPY_TAIL)
            tail["n_vintage"], tail["n_value"], tail["n_current"], tail["n_meta"] = 4, 8, 1, 4
            tail["vintage"] = columns["vintage"][start:end]
            tail["value"] = columns["value"][start:end]
            tail["current"] = columns["current"][start:end]
            tail["meta"] = columns["meta"][start:end]
            parts = [values[codes[start:end]].tolist() for values, codes in pieces]
            parts.append(tail.view(f"V{_COPY_TAIL.itemsize}").tolist())
            copy.write(b"".join(chain.from_iterable(zip(*parts, strict=True))))
        copy.write(b"\xff\xff")  # the trailer: field count -1


def _fields(values: list[str], prefix: bytes = b"") -> np.ndarray:
    """Each text as one binary COPY field (its UTF-8 length, then the bytes), after ``prefix``."""
    encoded = [str(v).encode() for v in values]
    return _objects([prefix + len(e).to_bytes(4, "big") + e for e in encoded])


# ------------------------------------------------------------------------------------------- reading


def parse_as_of(text: str) -> date:
    """The last day a date-like text covers: "2023" → 2023-12-31, "2023-06" → 2023-06-30.

    Raises:
        InputError: not YYYY, YYYY-MM or YYYY-MM-DD.
    """
    m = _DATE.match(text.strip())
    if not m:
        raise InputError(f"as_of must be YYYY, YYYY-MM or YYYY-MM-DD, not {text!r}")
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if month and not 1 <= int(month) <= 12:
            raise ValueError(month)
        if day:
            return date(year, int(month), int(day))
        if month:
            nxt = date(year + (int(month) == 12), int(month) % 12 + 1, 1)
            return date.fromordinal(nxt.toordinal() - 1)
        return date(year, 12, 31)
    except ValueError:
        raise InputError(f"as_of is not a date: {text!r}") from None


@dataclass(frozen=True)
class Meta:
    """What the observations of one `ObservationMetaRow` share, ready to show."""

    unit: str
    status: str
    source: str
    note: str
    published: str | None
    batch: str
    recorded_at: str  # ISO 8601, seconds
    effective: date  # from when the vintage counts for ``as_of``


def _effective(published: str | None, recorded: datetime | date) -> date:
    """When a vintage became known: its publication date if given (first day of a bare year/month)."""
    if published:
        m = _DATE.match(published)
        if m:
            return date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    return recorded.date() if isinstance(recorded, datetime) else recorded


def _metas(session: Session, ids: Iterable[int]) -> dict[int, Meta]:
    """The meta rows with these ids (a handful per import), through the driver with a query
    compiled once per count of ids (this runs on every request of the observation API)."""
    m = ObservationMetaRow.__table__.c
    wanted = sorted(set(ids))
    out: dict[int, Meta] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        names = [f"m{i}" for i in range(len(chunk))]
        q = select(m.id, m.unit, m.status, m.source, m.note, m.published, m.batch, m.recorded_at).where(
            m.id.in_([bindparam(n) for n in names])
        )
        rows = _fetch(session, q, dict(zip(names, chunk, strict=True)), cache=f"metas:{len(chunk)}")
        for id_, unit, status, source, note, published, batch, recorded in rows:
            recorded = _as_datetime(recorded)
            shown = recorded.isoformat(timespec="seconds")
            out[id_] = Meta(
                unit, status, source, note, published, batch, shown, _effective(published, recorded)
            )
    return out


def _as_datetime(value: Any) -> datetime:
    """A timestamp as SQLAlchemy would give it: PostgreSQL's driver gives a datetime, SQLite's text
    (read as the naive datetime SQLAlchemy's SQLite type makes of it)."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


# One observation as read: region, indicator, period, value, vintage, current, meta id.
Point = tuple[str, str, str, float, int, bool, int]


def observation_rows(
    session: Session,
    indicator: str | Sequence[str] | None = None,
    region: str | Sequence[str] | None = None,
    period: str | Sequence[str] | None = None,
    as_of: str | date | None = None,
    vintage: Literal["current", "all"] = "current",
    status: str | None = None,
    batch: str | None = None,
) -> tuple[list[Point], dict[int, Meta]]:
    """What `observations` returns, as plain tuples and their shared `Meta` (for hot paths: the
    JSON API serialises these without building a model per row). Same filters, same order, same
    ``as_of`` rule; with ``as_of`` and ``vintage="current"`` the tuples say current=True.

    Raises:
        InputError: a bad ``vintage`` or ``as_of``.
    """
    if vintage not in ("current", "all"):
        raise InputError(f"vintage must be current or all, not {vintage!r}")
    when = parse_as_of(as_of) if isinstance(as_of, str) else as_of
    o, m = ObservationRow.__table__.c, ObservationMetaRow.__table__.c
    q = select(o.region, o.indicator, o.period, o.value, o.vintage, o.current, o.meta)
    # Named parameters and a key for the query's shape, so each shape is compiled once: compiling
    # cost more than running the query on the observation API's typical request.
    values: dict[str, Any] = {}
    shape: list[str] = []
    for name, column, wanted in (("indicator", o.indicator, indicator), ("region", o.region, region),
                                 ("period", o.period, period)):  # fmt: skip
        if isinstance(wanted, str):
            q = q.where(column == bindparam(name))
            values[name] = wanted
            shape.append(name)
        elif wanted is not None:
            items = list(wanted)
            names = [f"{name}{i}" for i in range(len(items))]
            q = q.where(column.in_([bindparam(n) for n in names]))
            values.update(zip(names, items, strict=True))
            shape.append(f"{name}:{len(items)}")
    if status:
        q = q.where(o.meta.in_(select(m.id).where(m.status == bindparam("status"))))
        values["status"] = status
        shape.append("status")
    if batch:
        q = q.where(o.meta.in_(select(m.id).where(m.batch == bindparam("batch"))))
        values["batch"] = batch
        shape.append("batch")
    if vintage == "current" and when is None:
        q = q.where(o.current.is_(True))
        shape.append("current")
    # the unique index's order: no sort when one indicator is asked for
    q = q.order_by(o.indicator, o.region, o.period, o.vintage)
    rows: list[Point] = _fetch(session, q, values, cache="rows:" + ",".join(shape))
    metas = _metas(session, {r[6] for r in rows})
    if when is None:
        return rows, metas
    known = [r for r in rows if metas[r[6]].effective <= when]
    if vintage == "all":
        return known, metas
    return _latest(known), metas


_COMPILED: dict[tuple[str, str], tuple[str, dict[str, Any], tuple[str, ...] | None]] = {}


def _fetch(
    session: Session, query: Any, values: Mapping[str, Any] | None = None, cache: str | None = None
) -> list[Any]:
    """The rows of a Core query as the driver's plain tuples: on a read of tens of thousands of rows,
    SQLAlchemy's row objects cost more than the query. (``current`` comes as 0/1 on SQLite.)

    ``values`` fill named `bindparam`s; ``cache`` names a query whose shape never changes (only
    those values do), compiled once per dialect. psycopg reads the rows in binary format (numbers
    need no parsing; the same Python values)."""
    conn = session.connection()
    known = _COMPILED.get((cache, conn.dialect.name)) if cache else None
    if known is None:
        compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
        known = (str(compiled), dict(compiled.params), compiled.positiontup)
        if cache:
            _COMPILED[cache, conn.dialect.name] = known
    sql, bound, order = known
    params: Any = {**bound, **(values or {})}
    if order is not None:
        params = [params[name] for name in order]
    raw = conn.connection.driver_connection
    binary = conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg"
    cursor = raw.cursor(binary=True) if binary else raw.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, params)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _latest(rows: list[Point]) -> list[Point]:
    """Per key the last row (rows come in key and vintage order), marked current."""
    out: list[Point] = []
    for row in rows:
        if out and out[-1][:3] == row[:3]:
            out[-1] = row
        else:
            out.append(row)
    return [(*r[:5], True, r[6]) for r in out]


# What `Observation.model_construct` sets, done directly: the database gives back what the store
# checked on the way in, so re-validating (or model_construct's per-field loop, slower still) is
# wasted on a read of thousands of rows. tests/stats/test_store.py checks it equals a validated one.
_FIELDS_SET = frozenset(Observation.model_fields)
_new, _set = Observation.__new__, object.__setattr__


def _observation(row: Point, meta: Meta) -> Observation:
    obs = _new(Observation)
    _set(obs, "__dict__", {
        "region": row[0], "indicator": row[1], "period": row[2], "value": row[3], "unit": meta.unit,
        "status": meta.status, "source": meta.source, "note": meta.note, "published": meta.published,
        "vintage": row[4], "batch": meta.batch, "recorded_at": meta.recorded_at, "current": bool(row[5]),
    })  # fmt: skip
    _set(obs, "__pydantic_fields_set__", _FIELDS_SET)
    _set(obs, "__pydantic_extra__", None)
    _set(obs, "__pydantic_private__", None)
    return obs


def observations(
    session: Session,
    indicator: str | Sequence[str] | None = None,
    region: str | Sequence[str] | None = None,
    period: str | Sequence[str] | None = None,
    as_of: str | date | None = None,
    vintage: Literal["current", "all"] = "current",
    status: str | None = None,
    batch: str | None = None,
) -> list[Observation]:
    """Stored observations, filtered, in (indicator, region, period, vintage) order; by default the
    current vintage of each key.

    ``vintage="all"`` gives every vintage; ``as_of`` gives, per key, the latest vintage published by
    that date (with ``vintage="all"``: every vintage published by then).

    Raises:
        InputError: a bad ``vintage`` or ``as_of``.
    """
    rows, metas = observation_rows(session, indicator, region, period, as_of, vintage, status, batch)
    return [_observation(r, metas[r[6]]) for r in rows]


def series(
    session: Session, indicator: str, regions: Sequence[str] | None = None, as_of: str | date | None = None
) -> dict[str, list[Observation]]:
    """One indicator's values per region, in period order: the current vintages, or as published
    at ``as_of`` ("as published in 2023": ``as_of="2023"``)."""
    out: dict[str, list[Observation]] = {}
    for obs in observations(session, indicator=indicator, region=regions, as_of=as_of):
        out.setdefault(obs.region, []).append(obs)
    return out


def series_points(
    session: Session, indicator: str, regions: Sequence[str] | None = None, as_of: str | date | None = None
) -> dict[str, list[tuple[str, float]]]:
    """`series` as plain (period, value) pairs per region: for charts and other hot paths that
    need neither the source nor the vintage of each point."""
    out: dict[str, list[tuple[str, float]]] = {}
    rows: list[Any]
    if as_of is None:
        # three columns, not `observation_rows`' seven: on 20,795 points the driver's tuples are
        # most of the time, the index scan a few ms
        o = ObservationRow.__table__.c
        q = select(o.region, o.period, o.value).where(
            o.indicator == bindparam("indicator", indicator), o.current.is_(True)
        )
        if isinstance(regions, str):
            q = q.where(o.region == regions)
        elif regions is not None:
            q = q.where(o.region.in_(list(regions)))
        q = q.order_by(o.indicator, o.region, o.period, o.vintage)
        # all regions (the chart's case): the SQL compiled once per dialect, not on every call
        rows = _fetch(
            session, q, {"indicator": indicator}, cache="series_points" if regions is None else None
        )
    else:
        rows = [(r[0], r[2], r[3]) for r in observation_rows(session, indicator, regions, as_of=as_of)[0]]
    for region, period, value in rows:
        points = out.get(region)
        if points is None:
            points = out[region] = []
        points.append((period, value))
    return out


def history(session: Session, indicator: str, region: str) -> list[Observation]:
    """Every vintage of one indicator in one region, by period then vintage."""
    return observations(session, indicator=indicator, region=region, vintage="all")


def batches(session: Session) -> list[dict[str, Any]]:
    """The import batches, newest first."""
    rows = session.scalars(select(ImportBatchRow).order_by(ImportBatchRow.created_at.desc()))
    return [
        {"id": b.id, "file_name": b.file_name, "sha256": b.sha256, "format": b.format, "rows": b.rows,
         "created_at": b.created_at.isoformat(timespec="seconds"), "created_by": b.created_by, "note": b.note}
        for b in rows
    ]  # fmt: skip
