"""Benchmark: extract the targets and facts of the whole Outline; print quality against the gold.

Measures (median of N runs, each in this one process, on the parsed embedded Outline):
  targets          extract_targets(plan)
  facts            extract_facts(plan)
  targets+facts    both — the goal for all extractors together is < 1 s; these should be a small share

Also prints precision/recall on tests/extract/gold_targets_facts.json and the machine it ran on.

Run: .venv/bin/python bench/bench_extract_targets.py [--runs 21]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.extract (the gold and its scoring)

from tests.extract import gold, outline, score  # noqa: E402

from yrd.extract.facts import extract_facts  # noqa: E402
from yrd.extract.targets import extract_targets  # noqa: E402


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float, float]:
    """(median, min, max) seconds of ``runs`` calls."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), min(samples), max(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    plan = outline()
    extract_targets(plan), extract_facts(plan)  # warm up imports and caches
    print(f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"machine: {' '.join(platform.uname())}; nproc {os.cpu_count()}; python {platform.python_version()}"
    )
    print(f"command: .venv/bin/python bench/bench_extract_targets.py --runs {args.runs}")
    jobs = {
        "targets": lambda: extract_targets(plan),
        "facts": lambda: extract_facts(plan),
        "targets+facts": lambda: (extract_targets(plan), extract_facts(plan)),
    }
    for name, fn in jobs.items():
        med, lo, hi = timed(fn, args.runs)
        print(f"{name}: {med * 1000:.1f} ms median of {args.runs} (min {lo * 1000:.1f}, max {hi * 1000:.1f})")
    fields = {"targets": ("target_year", "base_year", "scope", "indicator"),
              "facts": ("ref_year", "ref_year_stated", "base_year", "scope", "indicator")}  # fmt: skip
    found = {"targets": extract_targets(plan), "facts": extract_facts(plan)}
    for kind, records in found.items():
        s = score([r.model_dump() for r in records], gold()[kind], fields[kind])
        acc = ", ".join(f"{f} {s.accuracy(f):.3f}" for f in fields[kind])
        print(f"{kind}: precision {s.precision:.4f} ({s.matched}/{s.found}), "
              f"recall {s.recall:.4f} ({s.matched}/{s.expected}); {acc}")  # fmt: skip


if __name__ == "__main__":
    main()
