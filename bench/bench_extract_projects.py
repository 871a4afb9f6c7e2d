"""Benchmark: the place, project and task extractors on the whole Outline, and their scores on the gold.

Measures (median of N runs, each in this one process):
  places / projects / tasks   each extractor over the whole Outline, warm (place index built)
  all three                   the three in a row, as the extraction pipeline runs them — goal < 1 s
  cold                        all three with the place index rebuilt first (a new process's first run)
and prints precision and recall on tests/extract/gold_projects_places.json and on the synthetic
outlines' hand gold, per record kind and per project type.

Run: .venv/bin/python bench/bench_extract_projects.py [--runs 9]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.extract.test_places import (  # noqa: E402
    GOLD,
    OUTLINES,
    place_key,
    project_key,
    score,
    synthetic,
    synthetic_gold,
)

from yrd.documents.load import default_files, parse_file  # noqa: E402
from yrd.extract import places as places_module  # noqa: E402
from yrd.extract.places import extract_places  # noqa: E402
from yrd.extract.projects import extract_projects  # noqa: E402
from yrd.extract.tasks import extract_tasks  # noqa: E402


def timed(fn: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def report(label: str, records: list[dict[str, Any]], items: list[dict[str, Any]], key: Callable) -> None:
    s = score(records, items, key)
    counts = f"{len(s.matched)} of {s.found} found, {s.expected} gold"
    print(f"  {label:<28} P {s.precision:.3f}  R {s.recall:.3f}  ({counts})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    _meta, files = default_files()
    plan = parse_file(files[0][1], files[0][0]).plan

    def everything() -> None:
        extract_places(plan)
        extract_projects(plan)
        extract_tasks(plan)

    def cold() -> None:
        places_module._INDEXES.clear()
        everything()

    everything()  # warm up imports and the gazetteer
    print(f"machine: {platform.uname().system} {platform.uname().release} {platform.machine()}, "
          f"{os.cpu_count()} cpus, python {platform.python_version()}")  # fmt: skip
    for name, fn in (("places", extract_places), ("projects", extract_projects), ("tasks", extract_tasks)):
        print(f"{name}: {timed(lambda fn=fn: fn(plan), args.runs) * 1000:.0f} ms (median of {args.runs})")
    print(f"all three: {timed(everything, args.runs) * 1000:.0f} ms (median of {args.runs})")
    print(f"all three, place index rebuilt: {timed(cold, args.runs) * 1000:.0f} ms (median of {args.runs})")

    gold = json.loads(GOLD.read_text("utf-8"))
    projects = [p.model_dump() for p in extract_projects(plan) if p.eid.startswith(("chp_4", "chp_5"))]
    places = [p.model_dump() for p in extract_places(plan) if p.eid.startswith(("preface", "chp_3"))]
    print("gold (Outline: projects of 第四、五章, places of 前言 and 第三章):")
    report("projects", projects, gold["projects"], project_key)
    for kind, n in sorted(Counter(i["type"] for i in gold["projects"]).items()):
        mine = [p for p in projects if p["type"] == kind]
        report(f"  {kind} ({n})", mine, [i for i in gold["projects"] if i["type"] == kind], project_key)
    matched = score(projects, gold["projects"], project_key).matched
    print(
        f"  names equal to the gold      {sum(r['name'] == g['name'] for r, g in matched)} of {len(matched)}"
    )
    report("places", places, gold["places"], place_key)
    for name, gazetteer in OUTLINES.items():
        outline = synthetic(name)
        items = synthetic_gold(name)
        print(f"synthetic {name}:")
        report(
            "projects",
            [p.model_dump() for p in extract_projects(outline, gazetteer)],
            items["projects"],
            project_key,
        )
        report(
            "places", [p.model_dump() for p in extract_places(outline, gazetteer)], items["places"], place_key
        )


if __name__ == "__main__":
    main()
