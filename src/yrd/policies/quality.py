"""How well the linking engine ranks: recall@k and mean reciprocal rank against hand labels.

Used by the tests, which assert floors, and by bench/bench_link.py, which records the figures in
docs/benchmarks.md; both the synthetic labelled units and a labelled real document go through here.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from yrd.extract.pipeline import run_extractors
from yrd.policies.link import OutlineIndex, link_plan
from yrd.policies.store import parse_policy_file


def recall_and_mrr(
    rankings: Sequence[Sequence[str]], gold: Sequence[Collection[str]], k: int = 5
) -> tuple[float, float]:
    """recall@k (a hit: any gold unit among the first ``k``) and the mean of 1 / the rank of the
    best-ranked gold unit (0 when none is ranked at all)."""
    hits, rr = 0, 0.0
    for ranked, wanted in zip(rankings, gold, strict=True):
        ranks = [i for i, eid in enumerate(ranked, 1) if eid in wanted]
        if ranks:
            hits += ranks[0] <= k
            rr += 1 / ranks[0]
    n = len(gold) or 1
    return hits / n, rr / n


def labelled_document(index: OutlineIndex, labels: Mapping[str, Any], root: Path) -> tuple[int, float, float]:
    """(labelled units, recall@5, MRR) of a labelled document: ``labels`` names the file (under
    ``root``) and gives each article's gold measures; articles with none are not counted."""
    path = root / labels["document"]
    doc = parse_policy_file(path.read_bytes(), path.name).plan
    found = link_plan(index, doc, k=20, records=run_extractors(doc), min_score=0)
    by_article = {u.num: u.eid for u in doc.walk() if u.kind == "paragraph"}
    units = [u for u in labels["units"] if u["gold"]]
    rankings = [[s.eid for s in found[by_article[u["article"]]]] for u in units]
    recall, mrr = recall_and_mrr(rankings, [set(u["gold"]) for u in units])
    return len(units), recall, mrr
