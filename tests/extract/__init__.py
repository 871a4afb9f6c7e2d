"""Shared helpers for the extractor tests: the Outline, the gold annotation, and scoring against it."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from yrd.documents.load import default_files, parse_file
from yrd.documents.model import Plan, Unit, assign_eids

HERE = Path(__file__).parent
GOLD = HERE / "gold_targets_facts.json"
DATA = HERE.parent / "data" / "extract"
KEY_FIELDS = ("value", "unit", "comparator")


def outline() -> Plan:
    """The embedded Outline (official Chinese text) with its shipped date, parsed afresh."""
    meta, files = default_files()
    plan = parse_file(files[0][1], files[0][0]).plan
    plan.id, plan.date = meta["id"], meta["date"]
    return plan


def plan_of(*sections: tuple[str, list[str]], date: str | None = None) -> Plan:
    """A one-chapter plan built in code: (section heading, paragraphs) pairs; eIds chp_1__sec_N__para_M."""
    children = [
        Unit("section", i, heading={"zh": heading}, children=[
            Unit("paragraph", j, text={"zh": text}) for j, text in enumerate(paras, 1)])
        for i, (heading, paras) in enumerate(sections, 1)
    ]  # fmt: skip
    plan = Plan(units=[Unit("chapter", 1, heading={"zh": "测试"}, children=children)], date=date)
    assign_eids(plan.units)
    return plan


@cache
def gold() -> dict[str, Any]:
    return json.loads(GOLD.read_text("utf-8"))


def _same_value(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-6)


def matches(record: dict[str, Any], item: dict[str, Any]) -> bool:
    """Same unit, overlapping span, same value, unit and comparator."""
    return (
        record["eid"] == item["eid"]
        and record["start"] < item["end"]
        and item["start"] < record["end"]
        and _same_value(record["value"], item["value"])
        and record["unit"] == item["unit"]
        and record["comparator"] == item["comparator"]
    )


@dataclass
class Score:
    """Precision, recall and field accuracy of extracted records against gold items."""

    found: int
    expected: int
    matched: int
    missed: list[dict[str, Any]] = field(default_factory=list)
    spurious: list[dict[str, Any]] = field(default_factory=list)
    field_hits: dict[str, int] = field(default_factory=dict)

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    def accuracy(self, name: str) -> float:
        """Share of matched records whose field equals the gold."""
        return self.field_hits.get(name, 0) / self.matched if self.matched else 1.0


def score(records: list[dict[str, Any]], items: list[dict[str, Any]], fields: tuple[str, ...]) -> Score:
    """Match records to gold items one to one (first match in document order)."""
    free = list(range(len(items)))
    result = Score(found=len(records), expected=len(items), matched=0)
    for record in records:
        hit = next((i for i in free if matches(record, items[i])), None)
        if hit is None:
            result.spurious.append(record)
            continue
        free.remove(hit)
        result.matched += 1
        for name in fields:
            result.field_hits[name] = result.field_hits.get(name, 0) + (record[name] == items[hit][name])
    result.missed = [items[i] for i in free]
    return result
