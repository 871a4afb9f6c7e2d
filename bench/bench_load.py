"""Benchmark: load both seed texts into a fresh SQLite database, and search it.

Measures (median of N runs, each in this one process):
  parse+align  reading, parsing and aligning 000 (plain) and 003 (bilingual) — goal < 1 s
  load         the same plus storing into a fresh SQLite file (what `yrd load` does)
  search       one query on the loaded database — goal < 20 ms

Run: .venv/bin/python bench/bench_load.py [--runs 7]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from pathlib import Path

from yrd.db import Database
from yrd.documents.load import combine, load_files, parse_file
from yrd.documents.search import search

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
FILES = [SEEDS / "000_094ee4e860bae67b.txt", SEEDS / "003_39bcb3656d9d8d7a.txt"]
QUERIES = ["城际铁路", "生态 绿色", "railway", "1+N", "示范区 制度"]


def timed(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    data = [(p.name, p.read_bytes()) for p in FILES]

    def parse_align() -> None:
        combine([parse_file(b, n) for n, b in data], None)

    def load() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            db = Database(f"sqlite:///{tmp}/bench.sqlite")
            db.migrate()
            load_files(db, data)
            db.dispose()

    parse_align()  # warm up imports
    print(f"machine: {platform.machine()}, python {platform.python_version()}")
    print(f"parse+align both seeds: {timed(parse_align, args.runs) * 1000:.0f} ms (median of {args.runs})")
    print(
        f"load both seeds into fresh SQLite: {timed(load, args.runs) * 1000:.0f} ms (median of {args.runs})"
    )
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{tmp}/bench.sqlite")
        db.migrate()
        load_files(db, data)
        with db.read() as session:
            for q in QUERIES:
                t = timed(lambda q=q: search(session, q), args.runs * 5)
                hits = search(session, q).total
                print(f"search {q!r}: {t * 1000:.1f} ms (median of {args.runs * 5}), {hits} hits")
        db.dispose()


if __name__ == "__main__":
    main()
