"""Benchmark and accuracy of the bilingual reader and the aligner on the two seed texts.

Times, in one process, what a load of the Outline from its two copies does before storage: decode
and parse the official Chinese text (000), read the bilingual page (003: script runs, two trees,
alignment), and merge the page's English into the official tree. Prints the median of several
runs (caches cleared before each), the precision and recall of the pairings on the gold set, and,
with ``--robustness``, the same after deleting English paragraphs or headings from the page.

    .venv/bin/python bench/bench_align.py [--runs 9] [--robustness] [--seeds ../shared/seeds]

The seed texts are read from ``../shared/seeds`` (the English translation is copyrighted and is
never copied into the project).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

from yrd.documents import align
from yrd.documents.align import merge_official
from yrd.documents.bilingual import evaluate_gold, read_bilingual_detail
from yrd.documents.locales import ZH
from yrd.documents.readers import plain_lines, read_source
from yrd.documents.structure import parse_structure

ROOT = Path(__file__).resolve().parents[1]
OFFICIAL, PAGE = "000_094ee4e860bae67b.txt", "003_39bcb3656d9d8d7a.txt"
GOLD = ROOT / "tests" / "data" / "alignment_gold.json"


def run_once(official: bytes, page: bytes) -> float:
    """Seconds to read, parse and align both seeds and merge them, from cold caches."""
    align.clear_caches()
    start = time.perf_counter()
    plain = read_source(official, OFFICIAL)
    plan = parse_structure(plain_lines(plain.text), ZH, OFFICIAL)
    bilingual = read_source(page, PAGE)
    reading = read_bilingual_detail(bilingual.text, PAGE)
    merge_official(plan, reading.plan)
    return time.perf_counter() - start


def robustness(text: str, gold: dict, trials: int) -> list[tuple[str, int, float, float, float]]:  # type: ignore[type-arg]
    """Precision and recall after blanking the English of random units (which then have none)."""
    base = read_bilingual_detail(text, PAGE)
    lines = text.split("\n")
    paras = [e for e, v in gold.items() if v and "__para_" in e]
    heads = [e for e, v in gold.items() if v and "__para_" not in e and e != "preface"]
    rng = random.Random(2019)
    rows = []
    for what, pool, n in (("paragraphs", paras, 1), ("paragraphs", paras, 15), ("headings", heads, 5)):
        scores = []
        for _ in range(trials):
            page, expected = list(lines), dict(gold)
            for eid in rng.sample(pool, n):
                for seg in base.english_sources[eid]:
                    page[seg.line - 1] = page[seg.line - 1].replace(seg.text, "", 1)
                expected[eid] = None
            scores.append(evaluate_gold(read_bilingual_detail("\n".join(page), PAGE), expected))
        precisions = [s.precision for s in scores]
        rows.append(
            (what, n, statistics.mean(precisions), min(precisions), statistics.mean(s.recall for s in scores))
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--robustness", action="store_true", help="also delete English and measure again")
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    args = parser.parse_args()
    official, page = (args.seeds / OFFICIAL).read_bytes(), (args.seeds / PAGE).read_bytes()
    run_once(official, page)  # imports and compiled patterns, once per process
    times = [run_once(official, page) for _ in range(args.runs)]
    gold = json.loads(GOLD.read_text("utf-8"))["units"]
    score = evaluate_gold(read_bilingual_detail(page.decode("utf-8"), PAGE), gold)
    print(f"date:     {dt.date.today().isoformat()}")
    print(f"machine:  {' '.join(platform.uname())}")
    print(f"cpus:     {os.cpu_count()}")
    print(f"python:   {sys.version.split()[0]}")
    print(f"command:  {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(
        f"time:     median {statistics.median(times) * 1000:.0f} ms over {args.runs} runs "
        f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}) for reading, parsing and aligning "
        "both seeds and merging them"
    )
    print(
        f"gold:     {len(gold)} units, {score.expected} with English; precision {score.precision:.4f} "
        f"({score.correct}/{score.made}), recall {score.recall:.4f} ({score.correct}/{score.expected})"
    )
    if args.robustness:
        for what, n, mean_p, worst_p, mean_r in robustness(page.decode("utf-8"), gold, trials=10):
            print(
                f"robust:   English of {n:2d} {what:10s} deleted (10 draws): precision mean {mean_p:.4f}, "
                f"worst {worst_p:.4f}; recall mean {mean_r:.4f}"
            )


if __name__ == "__main__":
    main()
