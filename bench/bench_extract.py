"""Benchmark: every extractor over the whole Outline, in one process (goal: under 1 s).

Run: .venv/bin/python bench/bench_extract.py [--runs 9]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from collections import Counter

from yrd.documents.load import default_files, parse_file
from yrd.extract.pipeline import extractors, run_extractors


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    meta, files = default_files()
    plan = parse_file(files[0][1], files[0][0]).plan
    plan.date = meta["date"]
    records = run_extractors(plan)  # warm up: imports, gazetteer and vocabularies load once
    print(f"python {platform.python_version()} on {platform.machine()}")
    print("records:", dict(Counter(r.kind for r in records)))
    for kind, extract in extractors().items():
        samples = []
        for _ in range(args.runs):
            start = time.perf_counter()
            extract(plan)
            samples.append(time.perf_counter() - start)
        print(f"{kind:8s} {statistics.median(samples) * 1000:7.1f} ms (median of {args.runs})")
    samples = []
    for _ in range(args.runs):
        start = time.perf_counter()
        run_extractors(plan)
        samples.append(time.perf_counter() - start)
    print(f"all      {statistics.median(samples) * 1000:7.1f} ms (median of {args.runs})")


if __name__ == "__main__":
    main()
