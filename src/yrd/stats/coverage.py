"""What data there is: per indicator × region × year how many vintages are stored, what is missing,
and per indicator how many figures, regions and periods.

Both are grouped SQL queries on the ``observation`` table (``GROUP BY indicator, region,
substr(period, 1, 4)``), so the cost grows with the number of cells, not of observations: the
coverage page and the indicator counts used to read every observation per request. Only the
columns ``indicator, region, period, vintage, value, current`` are read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import case, func, literal_column, select
from sqlalchemy.orm import Session

from yrd.db.models import ObservationRow
from yrd.regions import store as regions_store
from yrd.stats import store

Obs = ObservationRow
# Literal arguments, not bound ones: PostgreSQL sees the same expression in SELECT and GROUP BY.
YEAR = func.substr(Obs.period, literal_column("1"), literal_column("4"))
Cells = dict[str, dict[str, dict[int, int]]]  # indicator → region → year → vintages


def cells(session: Session) -> Cells:
    """Indicator → region → year → the number of vintages stored for that year's periods."""
    q = select(Obs.indicator, Obs.region, YEAR, func.count()).group_by(Obs.indicator, Obs.region, YEAR)
    out: Cells = {}
    for indicator, region, year, n in session.execute(q):
        out.setdefault(indicator, {}).setdefault(region, {})[int(year)] = n
    return out


def indicator_counts(session: Session) -> dict[str, dict[str, Any]]:
    """Per indicator with figures: ``observations`` (current vintages), ``vintages`` (all),
    ``regions``, and the ``first`` and ``last`` period."""
    current = func.sum(case((Obs.current.is_(True), 1), else_=0))
    q = select(Obs.indicator, current, func.count(), func.count(Obs.region.distinct()),
               func.min(Obs.period), func.max(Obs.period)).group_by(Obs.indicator)  # fmt: skip
    return {
        code: {"observations": int(now or 0), "vintages": n, "regions": regions, "first": first, "last": last}
        for code, now, n, regions, first, last in session.execute(q)
    }


EMPTY_COUNTS: dict[str, Any] = {"observations": 0, "vintages": 0, "regions": 0, "first": None, "last": None}


def _columns(session: Session, reported: set[str]) -> list[dict[str, str]]:
    """The provinces, the Delta, the other groups with figures, then cities and counties with figures."""
    regions = [{"code": r.code, "name_zh": r.name_zh, "name_en": r.name_en, "kind": "province"}
               for r in regions_store.list_regions(session, level="province")]  # fmt: skip
    groups = [g for g in regions_store.list_groups(session) if g.code in reported or g.code == "yrd"]
    groups.sort(key=lambda g: g.code != "yrd")  # the Delta as a whole first, then the smaller groups
    regions += [{"code": g.code, "name_zh": g.name_zh, "name_en": g.name_en, "kind": "group"} for g in groups]
    others = sorted(reported - {r["code"] for r in regions})
    if others:
        everywhere = {r.code: r for r in regions_store.list_regions(session)}
        for c in others:
            r = everywhere.get(c)
            regions.append({"code": c, "name_zh": r.name_zh if r else c, "name_en": r.name_en if r else c,
                            "kind": "other"})  # fmt: skip
    return regions


def missing_years(per_region: Mapping[str, Mapping[int, int]], regions: Sequence[str], years: Sequence[int]
                  ) -> tuple[dict[str, list[int]], list[str]]:  # fmt: skip
    """What is missing for one indicator: the years without a figure of each region that has some,
    and the regions without any."""
    gaps = {r: [y for y in years if y not in per_region[r]] for r in regions if r in per_region}
    return {r: ys for r, ys in gaps.items() if ys}, [r for r in regions if r not in per_region]


def coverage(session: Session, targets: Mapping[str, Sequence[str]] | None = None) -> dict[str, Any]:
    """Indicator × region × year: how many vintages are stored, and what is missing.

    Regions are the Delta's provinces, then the Delta and the other region groups that have figures,
    then any city or county with figures; years run from the first to the last year with data, so an
    empty cell is a year with no figure. ``targets`` (indicator code → target ids) marks the
    indicators the plan's targets are measured by.
    """
    grid = cells(session)
    seen = sorted({y for per in grid.values() for years in per.values() for y in years})
    years = list(range(seen[0], seen[-1] + 1)) if seen else []
    regions = _columns(session, {r for per in grid.values() for r in per})
    codes = [r["code"] for r in regions]
    targets = targets or {}
    out = []
    for ind in store.list_indicators(session):
        per = grid.get(ind.code, {})
        gaps, without = missing_years(per, codes, years)
        out.append({
            "code": ind.code, "name_zh": ind.name_zh, "name_en": ind.name_en, "unit": ind.unit,
            "targets": list(targets.get(ind.code, [])),
            "vintages": sum(n for by_year in per.values() for n in by_year.values()),
            "cells": {r: {str(y): n for y, n in sorted(per[r].items())} for r in sorted(per)},
            "missing": gaps, "without_data": without,
        })  # fmt: skip
    served = [i for i in out if i["targets"]]
    summary = {
        "indicators": len(out),
        "with_data": sum(1 for i in out if i["vintages"]),
        "target_indicators": len(served),
        "target_indicators_with_data": sum(1 for i in served if i["vintages"]),
        "targets": sum(len(i["targets"]) for i in served),
        "vintages": sum(i["vintages"] for i in out),
    }
    return {"years": years, "regions": regions, "indicators": out, "summary": summary}
