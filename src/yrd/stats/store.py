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

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from yrd.db import Database
from yrd.db.models import ImportBatchRow, IndicatorRow, ObservationRow
from yrd.errors import InputError
from yrd.stats.model import Indicator, Observation, ObservationIn
from yrd.stats.registry import Registry, load_registry

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


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


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


def _check_codes(session: Session, rows: Sequence[ObservationIn]) -> None:
    known = {i.code for i in load_registry().indicators}
    known.update(session.scalars(select(IndicatorRow.code)))
    unknown = sorted({r.indicator for r in rows} - known)
    if unknown:
        raise InputError(f"unknown indicator code(s): {', '.join(unknown)}")


def write_observations(
    session: Session, batch_meta: Mapping[str, Any] | Any, rows: Sequence[ObservationIn]
) -> WriteReport:
    """Record rows as vintages (see the module docstring), in the caller's transaction.

    ``batch_meta`` carries ``id`` (the same files should give the same id), ``files`` or
    ``file_name``, ``sha256``, ``formats`` or ``format``, ``who`` and ``note``; a batch id already
    stored is reused.

    Raises:
        InputError: an indicator code the registry does not know.
    """
    meta = _meta(batch_meta)
    report = WriteReport(meta["id"])
    if not rows:
        return report
    _check_codes(session, rows)
    now = _now()
    batch = session.get(ImportBatchRow, meta["id"])
    if batch is None:
        session.add(ImportBatchRow(**meta, rows=len(rows), created_at=now))
        session.flush()
    # the stored vintages of the keys this write touches: (indicator, region, period) → [(n, value, id)]
    stored: dict[tuple[str, str, str], list[tuple[int, float, int | None]]] = defaultdict(list)
    indicators = sorted({r.indicator for r in rows})
    regions = sorted({r.region for r in rows})
    for code in indicators:
        q = select(ObservationRow.region, ObservationRow.period, ObservationRow.vintage, ObservationRow.value,
                   ObservationRow.id).where(ObservationRow.indicator == code)  # fmt: skip
        if len(regions) <= 500:
            q = q.where(ObservationRow.region.in_(regions))
        for region, period, vintage, value, row_id in session.execute(q):
            stored[(code, region, period)].append((vintage, value, row_id))
    inserts: list[list[Any]] = []  # in the order of _INSERT_COLUMNS, values already as the driver takes them
    superseded: list[int] = []
    fresh: dict[tuple[str, str, str], int] = {}  # key → index in inserts of its current new vintage
    now_db, true_db, false_db = _bound(session, now)
    batch_id = meta["id"]
    for r in rows:
        key = (r.indicator, r.region, r.period)
        counts = report.by_indicator.get(r.indicator) or report.by_indicator.setdefault(r.indicator, Counts())
        vintages = stored.get(key)
        value = float(r.value)
        if vintages and any(_same(v, value) for _n, v, _id in vintages):
            report.unchanged += 1
            counts.unchanged += 1
            continue
        if vintages:
            number = max(n for n, _v, _id in vintages) + 1
            report.revised += 1
            counts.revised += 1
            superseded.extend(i for _n, _v, i in vintages if i is not None)
            if key in fresh:
                inserts[fresh[key]][-1] = false_db
        else:
            number = 1
            report.new += 1
            counts.new += 1
        fresh[key] = len(inserts)
        inserts.append([r.region, r.indicator, r.period, number, value, r.unit, r.status, r.source, r.note,
                        r.published, batch_id, now_db, true_db])  # fmt: skip
        stored[key].append((number, value, None))
    if superseded:
        for start in range(0, len(superseded), 500):
            chunk = superseded[start : start + 500]
            session.execute(update(ObservationRow).where(ObservationRow.id.in_(chunk)).values(current=False))
    if inserts:
        _insert(session, inserts)
    if batch is not None and inserts:
        batch.rows += len(inserts)
    session.flush()
    return report


_INSERT_COLUMNS = ("region", "indicator", "period", "vintage", "value", "unit", "status", "source", "note",
                   "published", "batch", "recorded_at", "current")  # fmt: skip


def _fast_insert(dialect: Any) -> bool:
    return dialect.name == "sqlite" or (dialect.name == "postgresql" and dialect.driver == "psycopg")


def _bound(session: Session, now: datetime) -> tuple[Any, Any, Any]:
    """recorded_at, True and False for the current column, as the driver takes them on the fast paths
    of `_insert` (what SQLAlchemy's type processing would make of them), else as they are."""
    dialect = session.get_bind().dialect
    if not _fast_insert(dialect):
        return now, True, False
    columns = ObservationRow.__table__.c

    def bind(column: str, value: Any) -> Any:
        process = columns[column].type.dialect_impl(dialect).bind_processor(dialect)
        return process(value) if process else value

    return bind("recorded_at", now), bind("current", True), bind("current", False)


def _insert(session: Session, rows: list[list[Any]]) -> None:
    """Bulk insert of observation rows (bound values, `_INSERT_COLUMNS` order) in the session's transaction.

    PostgreSQL: COPY; SQLite: the driver's executemany with one prepared statement; others: Core
    executemany. Per-row work through SQLAlchemy was most of an import's write time.
    """
    conn = session.connection()
    dialect = conn.dialect
    columns = ", ".join(_INSERT_COLUMNS)
    if not _fast_insert(dialect):
        session.execute(
            ObservationRow.__table__.insert(), [dict(zip(_INSERT_COLUMNS, r, strict=True)) for r in rows]
        )
    elif dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        with raw.cursor() as cur, cur.copy(f"COPY observation ({columns}) FROM STDIN") as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" * len(_INSERT_COLUMNS))
        conn.exec_driver_sql(
            f"INSERT INTO observation ({columns}) VALUES ({marks})", [tuple(r) for r in rows]
        )


def _observation(row: ObservationRow, current: bool | None = None) -> Observation:
    return Observation(
        region=row.region, indicator=row.indicator, period=row.period, value=row.value, unit=row.unit,
        status=row.status, source=row.source, note=row.note, published=row.published, vintage=row.vintage,  # type: ignore[arg-type]
        batch=row.batch, recorded_at=row.recorded_at.isoformat(timespec="seconds"),
        current=row.current if current is None else current,
    )  # fmt: skip


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


def _effective(row: ObservationRow) -> date:
    """When a vintage became known: its publication date if given (first day of a bare year/month)."""
    if row.published:
        m = _DATE.match(row.published)
        if m:
            return date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    recorded = row.recorded_at
    return recorded.date() if isinstance(recorded, datetime) else recorded


def _as_of(rows: Iterable[ObservationRow], as_of: date) -> list[Observation]:
    """Per key, the latest vintage known at ``as_of`` (marked current as of that date)."""
    best: dict[tuple[str, str, str], ObservationRow] = {}
    for row in rows:
        if _effective(row) > as_of:
            continue
        key = (row.indicator, row.region, row.period)
        if key not in best or row.vintage > best[key].vintage:
            best[key] = row
    return [_observation(row, current=True) for row in best.values()]


def _order(obs: list[Observation]) -> list[Observation]:
    return sorted(obs, key=lambda o: (o.indicator, o.region, o.period, o.vintage))


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
    """Stored observations, filtered; by default the current vintage of each key.

    ``vintage="all"`` gives every vintage; ``as_of`` gives, per key, the latest vintage published by
    that date (with ``vintage="all"``: every vintage published by then).

    Raises:
        InputError: a bad ``vintage`` or ``as_of``.
    """
    if vintage not in ("current", "all"):
        raise InputError(f"vintage must be current or all, not {vintage!r}")
    when = parse_as_of(as_of) if isinstance(as_of, str) else as_of
    q = select(ObservationRow)
    for column, wanted in ((ObservationRow.indicator, indicator), (ObservationRow.region, region),
                           (ObservationRow.period, period)):  # fmt: skip
        if isinstance(wanted, str):
            q = q.where(column == wanted)
        elif wanted is not None:
            q = q.where(column.in_(list(wanted)))
    if status:
        q = q.where(ObservationRow.status == status)
    if batch:
        q = q.where(ObservationRow.batch == batch)
    if vintage == "current" and when is None:
        q = q.where(ObservationRow.current.is_(True))
    rows = list(session.scalars(q))
    if when is None:
        return _order([_observation(r) for r in rows])
    if vintage == "all":
        return _order([_observation(r) for r in rows if _effective(r) <= when])
    return _order(_as_of(rows, when))


def series(
    session: Session, indicator: str, regions: Sequence[str] | None = None, as_of: str | date | None = None
) -> dict[str, list[Observation]]:
    """One indicator's values per region, in period order: the current vintages, or as published
    at ``as_of`` ("as published in 2023": ``as_of="2023"``)."""
    out: dict[str, list[Observation]] = {}
    for obs in observations(session, indicator=indicator, region=regions, as_of=as_of):
        out.setdefault(obs.region, []).append(obs)
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
