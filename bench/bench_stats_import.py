"""Benchmark (issue 4): import 1,000,000 SYNTHETIC observation rows, then query one indicator's series.

SYNTHETIC DATA — every value this script writes is random, made up for timing only; none is a
statistic. The source column of every row says so. The keys are real: the registry's indicators ×
the Delta's 350 regions (the gazetteer) × periods 2000–2035 (years and quarters), each key once;
each value lies in its indicator's valid range, in the indicator's unit, so the full validation
passes. The CSV is written to a temporary directory and removed afterwards.

Measures, on a fresh SQLite file and on a throwaway PostgreSQL server (tests/pg.py):
  import   `import_files` — the real path: read + decode the CSV, resolve every cell, check ranges
           and duplicates, write the vintages in one transaction — rows/s (goal ≥ 100,000)
  query    `store.series(session, INDICATOR)` — one indicator for all regions, the current vintage
           of every key, as `Observation` models — median of N (goal < 50 ms); also
           `store.series_points` (the same series as (period, value) pairs) and the SQL alone

Run: .venv/bin/python bench/bench_stats_import.py [--rows 1000000] [--runs 21] [--no-pg]
     [--keep PATH]   (keep the SQLite file, e.g. for bench/bench_api_vs_datasette.py)
"""

from __future__ import annotations

import argparse
import csv
import io
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select

from yrd.db import Database
from yrd.db.models import ObservationRow
from yrd.regions import load_gazetteer
from yrd.stats import store
from yrd.stats.importers.run import import_files
from yrd.stats.registry import load_registry

ROOT = Path(__file__).resolve().parents[1]
SOURCE = "SYNTHETIC benchmark data (bench/bench_stats_import.py) — not a statistic"
QUERY_INDICATOR = "gdp"
IMPORT_GOAL, QUERY_GOAL_MS = 100_000, 50.0


def periods() -> list[str]:
    """2000–2035: each year and its four quarters (180 periods)."""
    return [p for y in range(2000, 2036) for p in (str(y), *(f"{y}-Q{q}" for q in range(1, 5)))]


def _range(lo: float | None, hi: float | None) -> tuple[float, float]:
    """Where random values of an indicator are drawn from: inside its valid range."""
    if lo is None and hi is None:
        return -20.0, 20.0  # growth rates
    lo = 0.0 if lo is None else lo
    return lo, hi if hi is not None else lo + 10_000.0


def synthetic_csv(rows: int, seed: int = 4) -> bytes:
    """A tidy CSV of ``rows`` SYNTHETIC observations with unique keys (see the module docstring)."""
    rng = random.Random(seed)
    indicators = load_registry().indicators
    regions = [r.code for r in load_gazetteer()]
    pers = periods()
    total = len(indicators) * len(regions) * len(pers)
    if rows > total:
        raise SystemExit(f"only {total} distinct keys; ask for fewer rows")
    n_r, n_p = len(regions), len(pers)
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(["region", "indicator", "period", "value", "unit", "source", "status"])
    for k in sorted(rng.sample(range(total), rows)):
        i, rest = divmod(k, n_r * n_p)
        r, p = divmod(rest, n_p)
        ind = indicators[i]
        lo, hi = _range(ind.min_value, ind.max_value)
        value = f"{rng.uniform(lo, hi):.4f}"
        out.writerow([regions[r], ind.code, pers[p], value, ind.unit, SOURCE, "estimate"])
    return buf.getvalue().encode("utf-8")


class TimedStore:
    """The real store, timing its write (so the import splits into read+check and write)."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def write_observations(self, session: Any, batch_meta: Any, rows: list[Any]) -> Any:
        start = time.perf_counter()
        try:
            return store.write_observations(session, batch_meta, rows)
        finally:
            self.seconds = time.perf_counter() - start


def median_ms(fn: Callable[[], Any], runs: int) -> tuple[float, float, float]:
    """(median, min, max) in ms over ``runs`` calls, after one warm-up call."""
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), min(samples), max(samples)


def bench(label: str, db: Database, files: Sequence[tuple[str, bytes]], rows: int, runs: int) -> dict:
    """Import into a migrated empty database, then time the series query; print and return figures."""
    db.migrate()
    timed = TimedStore()
    start = time.perf_counter()
    report = import_files(db, files, store=timed)  # type: ignore[arg-type]
    seconds = time.perf_counter() - start
    total = report.total
    assert total.new == rows and total.revised == 0, report.to_dict()
    rate = rows / seconds
    print(f"[{label}] import {rows:,} SYNTHETIC rows (full validation, one transaction): "
          f"{seconds:.2f} s = {rate:,.0f} rows/s (goal ≥ {IMPORT_GOAL:,}) "
          f"— read+check {seconds - timed.seconds:.2f} s, write {timed.seconds:.2f} s")  # fmt: skip
    with db.read() as session:
        found = store.series(session, QUERY_INDICATOR)
        points = sum(len(v) for v in found.values())

        def api_level() -> None:
            with db.read() as s:
                store.series(s, QUERY_INDICATOR)

        def sql_only() -> None:
            with db.read() as s:
                q = select(ObservationRow.region, ObservationRow.period, ObservationRow.value).where(
                    ObservationRow.indicator == QUERY_INDICATOR, ObservationRow.current.is_(True)
                )
                s.execute(q).all()

        def plain_points() -> None:
            with db.read() as s:
                store.series_points(s, QUERY_INDICATOR)

        med, lo, hi = median_ms(api_level, runs)
        pts_med, pts_lo, pts_hi = median_ms(plain_points, runs)
        sql_med, _, _ = median_ms(sql_only, runs)
    print(f"[{label}] store.series({QUERY_INDICATOR!r}), all regions: {len(found)} regions, "
          f"{points:,} points: median {med:.1f} ms of {runs} (min {lo:.1f}, max {hi:.1f}; "
          f"goal < {QUERY_GOAL_MS:.0f} ms); store.series_points median {pts_med:.1f} ms "
          f"(min {pts_lo:.1f}, max {pts_hi:.1f}); SQL alone {sql_med:.1f} ms")  # fmt: skip
    return {"rate": rate, "seconds": seconds, "write": timed.seconds, "query_ms": med, "sql_ms": sql_med,
            "points_ms": pts_med, "points": points}  # fmt: skip


def _pg_module() -> Any:
    """tests/pg.py: how the tests start a throwaway PostgreSQL server."""
    sys.path.insert(0, str(ROOT))
    from tests import pg

    return pg


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    parser.add_argument("--keep", type=Path, help="copy the imported SQLite file here")
    args = parser.parse_args()
    print(f"python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {platform.platform()}")
    print("DATA: SYNTHETIC — random values in each indicator's valid range; not statistics.")
    start = time.perf_counter()
    data = synthetic_csv(args.rows, args.seed)
    print(f"generated {args.rows:,} SYNTHETIC rows, {len(data) / 1e6:.1f} MB CSV, "
          f"in {time.perf_counter() - start:.1f} s (not timed below)")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="yrd-bench-") as tmp:
        path = Path(tmp) / "synthetic_observations.csv"
        path.write_bytes(data)
        files = [(path.name, path.read_bytes())]
        del data
        db = Database(f"sqlite:///{tmp}/bench.sqlite")
        bench("SQLite", db, files, args.rows, args.runs)
        db.dispose()
        if args.keep:
            args.keep.parent.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(f"{tmp}/bench.sqlite")
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            con.close()
            shutil.copyfile(f"{tmp}/bench.sqlite", args.keep)
            print(f"kept the SQLite file (SYNTHETIC data) at {args.keep}")
        if args.no_pg:
            return
        pg = _pg_module()
        try:
            server = pg.start()
        except RuntimeError as exc:
            print(f"[PostgreSQL] skipped: {exc}", file=sys.stderr)
            return
        try:
            version = pg.subprocess.run([str(server.bindir / "postgres"), "--version"], capture_output=True,
                                        text=True).stdout.strip()  # fmt: skip
            print(f"PostgreSQL: {version} on 127.0.0.1:{server.port} (fsync=off, throwaway)")
            db = Database(server.url())
            bench("PostgreSQL", db, files, args.rows, args.runs)
            db.dispose()
        finally:
            pg.stop(server)


if __name__ == "__main__":
    main()
