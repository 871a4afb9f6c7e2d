"""Quantitative targets of a plan outline: 到2025年，常住人口城镇化率达到70%.

A figure is a target when it sits in a goals section (发展目标, 主要目标 …), or elsewhere outside the
description of the present (发展基础, the preamble) when a target year is in force (到2025年) or the
verb states a goal (达到, 提高到, 控制在, 不低于 …). Qualitative goals (…总体达标, …全面达标) are targets
only when a national standard gives them a threshold (``data/thresholds.json``). The reading itself
(indicator, comparator, years, scope) is shared with the fact extractor in `yrd.extract.numbers`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from yrd.documents.model import Plan
from yrd.extract.model import Target
from yrd.extract.numbers import Statement, UnitReader, clauses, readers, scope_prefix, strip_lead

_QUALITATIVE = re.compile(r"(?P<how>(?:总体|全面|基本|稳定|全部|持续|均)?(?:达标|达到标准))$")


@dataclass(frozen=True)
class Threshold:
    """A standard's figure a qualitative target implies."""

    indicator: re.Pattern[str]
    requires: re.Pattern[str] | None
    threshold: str
    value: float | None
    unit: str
    source: str

    def applies(self, indicator: str) -> bool:
        return bool(self.indicator.search(indicator)) and (
            self.requires is None or bool(self.requires.search(indicator))
        )


def _source_text(source: dict[str, object]) -> str:
    """GB 3095-2012《环境空气质量标准》，环境保护部、国家质量监督检验检疫总局，2012年."""
    return f"{source['number']}《{source['title']}》，{source['issuer']}，{source['year']}年"


@cache
def thresholds() -> tuple[Threshold, ...]:
    """The thresholds shipped in ``yrd/data/thresholds.json``."""
    raw = json.loads((resources.files("yrd") / "data" / "thresholds.json").read_text("utf-8"))
    return tuple(
        Threshold(
            indicator=re.compile(t["indicator"]),
            requires=re.compile(t["requires"]) if t.get("requires") else None,
            threshold=t["threshold"],
            value=t["value"],
            unit=t["unit"],
            source=_source_text(t["source"]),
        )
        for t in raw["thresholds"]
    )


def threshold_for(indicator: str) -> Threshold | None:
    """The first threshold whose words the indicator contains."""
    return next((t for t in thresholds() if t.applies(indicator)), None)


def _from_statement(st: Statement, lang: str) -> Target:
    return Target(
        **st.fields(lang),  # type: ignore[arg-type]
        target_year=st.target_year,
        base_year=st.base_year,
        scope=st.scope,
    )


def _qualitative(reader: UnitReader, lang: str) -> list[Target]:
    """Clauses such as 细颗粒物（PM2.5）平均浓度总体达标 in a goal context, with the threshold they imply."""
    out: list[Target] = []
    text = reader.text
    if "达标" not in text and "达到标准" not in text:
        return out
    for cs, ce in clauses(text):
        m = _QUALITATIVE.search(text, cs, ce)
        if not m or any(cs <= q.start < ce for q in reader.quantities):
            continue
        if reader.section == "body" and reader.year_at(cs) is None:
            continue
        start = strip_lead(text, cs, m.start()).start
        indicator = text[start : m.start()]
        if not indicator or (found := threshold_for(indicator)) is None:
            continue
        out.append(
            Target(
                eid=reader.unit.eid,
                lang=lang,
                start=start,
                end=ce,
                text=text[start:ce],
                indicator=indicator,
                comparator="qualitative",
                value=found.value,
                value_text=m.group("how"),
                unit=found.unit,
                target_year=reader.year_at(cs),
                scope=scope_prefix(indicator) or "whole",
                threshold=found.threshold,
                threshold_source=found.source,
            )
        )
    return out


def extract_targets(plan: Plan, lang: str = "zh") -> list[Target]:
    """Every target of a plan, in document order.

    Example:
        >>> [t.indicator for t in extract_targets(plan)][:2]   # doctest: +SKIP
        ['中心区城乡居民收入差距', '中心区人均GDP与全域人均GDP差距']
    """
    out: list[Target] = []
    for reader in readers(plan, lang):
        if reader.section == "facts":
            continue
        found = [
            _from_statement(st, lang)
            for st in reader.statements()
            if st.role == "target" and not st.scope_count
        ]
        found += _qualitative(reader, lang)
        out.extend(sorted(found, key=lambda t: t.start))
    return out
