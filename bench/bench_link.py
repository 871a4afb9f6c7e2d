"""Benchmark: the 1+N linking engine — index the Outline, link a 200-paragraph policy (goal: < 2 s).

The timed policy is synthetic: the labelled units of tests/data/policies/labels.json, repeated and
perturbed (clauses reordered, a local phrase added) until it has 200 paragraphs; recall@5 and MRR are
measured against the labels on that document, and again on the REAL shipped regulation against its
blind hand labels (tests/data/policies/real_labels_shanghai.json).

Run: .venv/bin/python bench/bench_link.py [--runs 5] [--paragraphs 200]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import time
from pathlib import Path

from yrd.documents.load import default_files, parse_file
from yrd.documents.model import Plan, Unit, assign_eids
from yrd.extract.pipeline import run_extractors
from yrd.policies import build_index, link_plan
from yrd.policies.quality import labelled_document, recall_and_mrr

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "tests" / "data" / "policies" / "labels.json"
REAL = ROOT / "tests" / "data" / "policies" / "real_labels_shanghai.json"
LOCAL = ["由市发展改革委牵头，", "各区县要细化分工，", "力争年底前取得阶段性成效。", "纳入年度重点工作清单。"]


def perturb(text: str, rng: random.Random) -> str:
    """The same measure in a different order and with some local wording."""
    body = text.rstrip("。")
    clauses = body.split("，")
    rng.shuffle(clauses)
    return rng.choice(LOCAL[:2]) + "，".join(clauses) + "。" + rng.choice(LOCAL[2:])


def policy_of(units: list[dict[str, str]], size: int) -> tuple[Plan, list[str]]:
    """A one-chapter policy of ``size`` paragraphs and the labelled Outline eId of each."""
    rng = random.Random(7)
    texts, gold = [], []
    for i in range(size):
        u = units[i % len(units)]
        texts.append(u["text"] if i < len(units) else perturb(u["text"], rng))
        gold.append(u["eid"])
    chapter = Unit("chapter", 1, heading={"zh": "实施方案"}, children=[
        Unit("paragraph", i, text={"zh": t}) for i, t in enumerate(texts, 1)])  # fmt: skip
    plan = Plan(units=[chapter])
    assign_eids(plan.units)
    return plan, gold


def median_seconds(fn: object, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--paragraphs", type=int, default=200)
    args = parser.parse_args()
    meta, files = default_files()
    outline = parse_file(files[0][1], files[0][0]).plan
    outline.date = meta["date"]
    units = json.loads(LABELS.read_text("utf-8"))["units"]
    policy, gold = policy_of(units, args.paragraphs)

    start = time.perf_counter()
    records = run_extractors(outline)
    extract_s = time.perf_counter() - start
    index = build_index(outline, records)
    link_plan(index, policy)  # warm up: the place gazetteer loads once
    build_s = median_seconds(lambda: build_index(outline, records), args.runs)
    link_s = median_seconds(lambda: link_plan(index, policy), args.runs)

    links = link_plan(index, policy)
    recall, mrr = recall_and_mrr([[s.eid for s in found] for found in links.values()], [{g} for g in gold])
    real = json.loads(REAL.read_text("utf-8"))
    real_n, real_recall, real_mrr = labelled_document(index, real, ROOT)
    print(f"python {platform.python_version()} on {platform.machine()}")
    print(f"outline: {len(index.eids)} measure units, {len(index.vocab)} terms; extraction {extract_s:.3f} s")
    print(f"index build  {build_s:.4f} s (median of {args.runs})")
    print(f"link {len(gold)} paragraphs  {link_s:.4f} s (median of {args.runs}), "
          f"{link_s / len(gold) * 1000:.2f} ms per paragraph")  # fmt: skip
    print(f"recall@5 {recall:.3f}  MRR {mrr:.3f}  ({len(units)} labelled units, {len(gold)} paragraphs)")
    print(f"REAL document ({real['document']}): recall@5 {real_recall:.3f}  MRR {real_mrr:.3f}  "
          f"({real_n} labelled articles)")  # fmt: skip
    print(
        f"| index the Outline's measures and link a {len(gold)}-paragraph policy | "
        f"`.venv/bin/python bench/bench_link.py --runs {args.runs}` | **{build_s * 1000:.0f} ms** + "
        f"**{link_s * 1000:.0f} ms** median of {args.runs}; recall@5 {recall:.3f}, MRR {mrr:.3f} | < 2 s |"
    )


if __name__ == "__main__":
    main()
