"""Benchmark (issue 5): evaluating every target through the library's batch functions.

SYNTHETIC DATA — every value here is random, made up for timing only; none is a statistic.
Each "indicator" gets a random target 20–60 % above the panel's mean, "higher is better", and
gaps (NaN) in about 15 % of the cells, so the rules' window and minimum checks do real work.

Per indicator the full evaluation of a (regions × years) panel: all five trend rules
(`evaluate`), the side-by-side comparison (`compare_batch`), 0–100 progress scores, evidence
grades, projections to 2025 and 2035 and the year the target is reached.

  (a) 41 cities × 20 indicators × 10 years         goal < 100 ms
  (b) 3,000 regions × 100 indicators × 30 years    goal < 10 s

Run: .venv/bin/python bench/bench_evaluate.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np

from yrd.evaluate import TargetSpec, compare_batch, evaluate, grades, project, scores, year_reached
from yrd.evaluate.series import ends

CHUNK = 10  # indicators per batch call: 30,000 rows at (b) stay cache-friendly; (a) is two calls


def synthetic(regions: int, indicators: int, years: int, seed: int = 5) -> np.ndarray:
    """SYNTHETIC random walks with gaps: (indicators, regions, years)."""
    rng = np.random.default_rng(seed)
    start = rng.uniform(10, 100, size=(indicators, regions, 1))
    growth = rng.normal(0.03, 0.04, size=(indicators, regions, years))
    x = start * np.cumprod(1 + growth, axis=2)
    x[rng.random(x.shape) < 0.15] = np.nan
    return x


def evaluate_all(data: np.ndarray, years: np.ndarray) -> int:
    """Every target (one per indicator) in every region, as one (indicators · regions) × years panel
    with a target and worst bound per row; returns the number of verdicts."""
    k, r, _ = data.shape
    panel = data.reshape(k * r, -1)
    target = np.repeat(np.nanmean(data, axis=(1, 2)) * 1.4, r)
    worst = np.repeat(np.nanmin(data, axis=(1, 2)), r)
    last_year = int(years[-1])
    spec = TargetSpec("higher", target, 2025, lower_bound=worst)
    results = evaluate(panel, years, spec, eval_year=last_year)
    comparison = compare_batch(results)
    e = ends(panel, years, np.isfinite(panel))
    scores(e.v1, spec)
    grades(e.n, e.t1 - e.t0, last_year - e.t1, agreement=comparison.agreement)
    for milestone in (2025, 2035):
        project(panel, years, milestone)
    year_reached(panel, years, target, "higher")
    return panel.shape[0] * len(results)


def run(label: str, regions: int, indicators: int, n_years: int, runs: int, goal: float) -> None:
    data = synthetic(regions, indicators, n_years)
    years = np.arange(2024 - n_years + 1, 2025)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        verdicts = sum(evaluate_all(data[i : i + CHUNK], years) for i in range(0, len(data), CHUNK))
        times.append(time.perf_counter() - t)
    med = statistics.median(times)
    verdict = "meets" if med < goal else "MISSES"
    shape = f"{regions} regions × {indicators} indicators × {n_years} years"
    print(f"{label}: {shape}, {verdicts:,} verdicts: median {med * 1000:.1f} ms of {runs} "
          f"(min {min(times) * 1000:.1f}) — {verdict} goal < {goal * 1000:.0f} ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    machine = f"{platform.node()} · {platform.machine()} · {os.cpu_count()} CPUs"
    versions = f"Python {platform.python_version()} · numpy {np.__version__}"
    print(f"{machine} · {versions} · {time.strftime('%Y-%m-%d')}")
    print("SYNTHETIC data (random, for timing only)")
    run("(a)", 41, 20, 10, max(args.runs, 5) * 4, 0.1)
    run("(b)", 3000, 100, 30, args.runs, 10.0)


if __name__ == "__main__":
    main()
