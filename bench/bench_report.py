"""Benchmark of the periodic assessment report: the PDF on the embedded default, as `yrd report` makes it.

Prepares a throwaway SQLite database with the embedded default (the Outline, regions, extracted
targets, shipped statistics), then times, per run: `assess` + the rest of building the report
(`build_assessment_report`), drawing every figure once (SVG, what the PDF embeds) and the whole PDF
(`render(report, "pdf")`, which draws the figures again and typesets with WeasyPrint). Prints the
median of the runs, the machine and the goal (< 15 s for the PDF, build included).

    .venv/bin/python bench/bench_report.py [--runs 3] [--lang zh] [--period 2024]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from yrd.bootstrap import prepare_default
from yrd.db import Database
from yrd.reports import render
from yrd.reports.assessment import build_assessment_report
from yrd.reports.figures import render_figure

GOAL = 15.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lang", default="zh")
    parser.add_argument("--period", type=int, default=2024)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{Path(folder) / 'yrd.sqlite'}")
        db.migrate()
        prepare_default(db)
        builds, figures, pdfs, totals = [], [], [], []
        size = 0
        for _ in range(args.runs):
            t0 = time.perf_counter()
            with db.read() as session:
                report = build_assessment_report(session, args.period, args.lang)
            t1 = time.perf_counter()
            for fig in report.figures():
                render_figure(fig.spec, report.lang, "svg")
            t2 = time.perf_counter()
            pdf = render(report, "pdf")
            t3 = time.perf_counter()
            builds.append(t1 - t0)
            figures.append(t2 - t1)
            pdfs.append(t3 - t2)
            totals.append((t1 - t0) + (t3 - t2))
            size = len(pdf)
        db.dispose()
    median = statistics.median
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, {platform.system()} {platform.release()}")  # fmt: skip
    print(f"date: {dt.date.today().isoformat()}  load average: {os.getloadavg()[0]:.1f}")
    n = len(report.figures())
    print(f"report: period {args.period}, {args.lang}, {n} figures, PDF {size / 1024:.0f} kB")
    print(f"build (assess + panels + sources): {median(builds):.1f} s")
    print(f"figures alone (SVG, once):         {median(figures):.1f} s")
    print(f"render PDF (figures + WeasyPrint): {median(pdfs):.1f} s")
    verdict = "meets" if median(totals) < GOAL else "misses"
    print(f"build + PDF: {median(totals):.1f} s (median of {args.runs}; goal < {GOAL:.0f} s: {verdict})")


if __name__ == "__main__":
    main()
