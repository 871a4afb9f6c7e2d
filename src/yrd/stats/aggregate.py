"""Values of region groups (and derived values of regions) from the indicator's rule.

A reported figure always wins: when the group itself has an observation for the period (the
statistics office's "长三角" total), that is the value. Otherwise the indicator's rule applies:

- ``sum`` — the members' values added up (GDP, population, land area, railway length);
- ``weighted_mean`` — the members' values weighted by the ``weight`` indicator of the same period
  (income weighted by population);
- ``ratio_of_sums`` — the group's numerator over the group's denominator times ``scale`` (R&D
  intensity = R&D expenditure / GDP × 100), each side itself reported or summed;
- ``formula`` — an expression over other indicators of the same region (urban / rural income),
  where ``code@group`` takes another group's value (central-area GDP per capita over the Delta's);
- ``none`` — no value can be computed (a model estimate, or a regional mean the ministry computes
  over cities, which provincial means cannot rebuild).

A single region with no reported figure is derived the same way when its rule is a ratio or a
formula (Jiangsu's railway density from its railway length and land area).

**Missing members.** By default a group value needs every member: a sum over three of four
provinces is a different quantity, not an approximation, so one missing member means no value,
and ``missing`` names each missing input as ``indicator@region``. ``partial=True`` computes over
the members that have data and marks the result ``complete=False``; it is for coverage displays,
not for evaluation. ``inputs`` names the figures a value rests on, so a caller can say which
members were used (`GroupValue.members_used`) and which were missing (`members_missing`).

**A municipality is its city.** The groups list Shanghai as its one prefecture-level city (310100);
the statistics publish the municipality (310000). Both are the same area, so a member that is its
province's only prefecture takes the province's figure (`municipal_cities`).

**Many at once.** `group_rows` (one indicator, several groups, every period with data) and
`region_rows` (every indicator of one group) read the figures they need in one query (`snapshot`)
and compute from memory; `group_value` is the one-off form.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy.orm import Session

from yrd.errors import InputError, NotFoundError
from yrd.regions.store import get_group, list_groups, list_regions
from yrd.stats.model import Observation
from yrd.stats.registry import Registry, load_registry
from yrd.stats.store import observations

_REF = re.compile(r"\b([a-z][a-z0-9_]*)@([a-z0-9][a-z0-9-]*)")
_OPS: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
}  # fmt: skip
MAX_DEPTH = 8


@dataclass
class GroupValue:
    """A value with how it was obtained, the figures it rests on and what was missing.

    ``inputs`` and ``missing`` name figures as ``indicator@region``; `members_used` and
    `members_missing` read the group's members out of them. With no value (a member missing, and
    ``partial`` off) ``members_used`` still lists the members that had their figures.
    """

    indicator: str
    region: str
    period: str
    value: float | None
    unit: str
    method: str  # reported, sum, weighted_mean, ratio_of_sums, formula, none
    complete: bool = True
    missing: list[str] = field(default_factory=list)  # "indicator@region" inputs without a value
    members: list[str] = field(default_factory=list)
    source: str = ""
    inputs: list[str] = field(default_factory=list)  # "indicator@region" figures the value rests on
    status: str | None = None  # of a reported figure
    vintage: int | None = None  # of a reported figure

    @property
    def kind(self) -> str:
        """``reported`` (a figure for the region itself), ``computed`` (by the rule) or ``none``."""
        if self.method == "reported":
            return "reported"
        return "none" if self.value is None else "computed"

    @property
    def members_missing(self) -> list[str]:
        gone = {m.partition("@")[2] for m in self.missing}
        return [m for m in self.members if m in gone]

    @property
    def members_used(self) -> list[str]:
        found = {m.partition("@")[2] for m in self.inputs}
        gone = set(self.members_missing)
        return [m for m in self.members if m in found and m not in gone]

    def to_dict(self) -> dict[str, Any]:
        return {**vars(self), "kind": self.kind, "members_used": self.members_used,
                "members_missing": self.members_missing}  # fmt: skip


@cache
def parse_formula(formula: str) -> tuple[ast.Expression, dict[str, tuple[str, str | None]]]:
    """A formula as a checked expression and its references: name → (indicator code, group or None).

    Raises:
        InputError: anything but numbers, codes, ``code@group``, + - * / and brackets.
    """
    refs: dict[str, tuple[str, str | None]] = {}

    def at(m: re.Match[str]) -> str:
        name = f"_ref{len(refs)}"
        refs[name] = (m.group(1), m.group(2))
        return name

    text = _REF.sub(at, formula)
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        raise InputError(f"bad formula {formula!r}") from None
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id not in refs:
            refs[node.id] = (node.id, None)
        elif not isinstance(node, ast.Expression | ast.BinOp | ast.UnaryOp | ast.Constant | ast.Name
                            | ast.Load | ast.USub | ast.UAdd | ast.operator) or (
            isinstance(node, ast.BinOp) and type(node.op) not in _OPS
        ) or (isinstance(node, ast.Constant) and not isinstance(node.value, int | float)):  # fmt: skip
            raise InputError(f"bad formula {formula!r}: only numbers, codes and + - * / are allowed")
    return tree, refs


def _evaluate(node: ast.AST, values: dict[str, float]) -> float:
    if isinstance(node, ast.Expression):
        return _evaluate(node.body, values)
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return values[node.id]
    if isinstance(node, ast.UnaryOp):
        v = _evaluate(node.operand, values)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.BinOp):
        return _OPS[type(node.op)](_evaluate(node.left, values), _evaluate(node.right, values))
    raise InputError("bad formula")


Key = tuple[str, str]  # (indicator, region)


class Aggregator:
    """Computes values over one snapshot of the data (current vintages, or as published at a date).

    ``values`` (the period's figures by indicator and region), ``groups`` (members by group code:
    every group, so that any other code is a region) and ``municipal`` (see `municipal_cities`) may
    be handed in already read, so that many periods and indicators cost one query (`group_rows`,
    `region_rows`); otherwise they are read here.
    """

    def __init__(
        self,
        session: Session,
        period: str,
        registry: Registry | None = None,
        as_of: str | date | None = None,
        partial: bool = False,
        *,
        values: Mapping[Key, Observation] | None = None,
        groups: Mapping[str, Sequence[str]] | None = None,
        municipal: Mapping[str, str] | None = None,
    ) -> None:
        self.session = session
        self.period = period
        self.registry = registry or load_registry()
        self.partial = partial
        if values is None:
            values = {(o.indicator, o.region): o for o in observations(session, period=period, as_of=as_of)}
        self._values = values
        self._members: dict[str, list[str] | None] = {g: list(m) for g, m in (groups or {}).items()}
        self._all_groups = groups is not None  # then a code not among them is not a group
        self._municipal = municipal

    def members(self, region: str) -> list[str] | None:
        """A group's member codes, or None when ``region`` is not a group."""
        if region not in self._members:
            if self._all_groups:
                return None
            try:
                self._members[region] = list(get_group(self.session, region).members)
            except NotFoundError:
                self._members[region] = None
        return self._members[region]

    def _reported(self, indicator: str, region: str) -> Observation | None:
        """The figure published for the region; a municipality's one city takes the municipality's."""
        found = self._values.get((indicator, region))
        if found is None and region.isdigit():
            if self._municipal is None:
                self._municipal = municipal_cities(self.session)
            province = self._municipal.get(region)
            found = self._values.get((indicator, province)) if province else None
        return found

    def value(self, indicator: str, region: str, _depth: int = 0) -> GroupValue:
        """The value of an indicator for a region or group in this period (see the module docstring)."""
        ind = self.registry.require(indicator)
        out = GroupValue(indicator, region, self.period, None, ind.unit, "none")
        members = self.members(region)
        out.members = members or []
        reported = self._reported(indicator, region)
        if reported is not None:
            out.value, out.source, out.method = reported.value, reported.source, "reported"
            out.status, out.vintage, out.inputs = reported.status, reported.vintage, [f"{indicator}@{region}"]
            return out
        if _depth > MAX_DEPTH:
            raise InputError(f"indicator {indicator}: its formulas refer to each other in a loop")
        rule = ind.aggregation
        if rule in ("sum", "weighted_mean"):
            if members is None:
                out.missing = [f"{indicator}@{region}"]
                return out
            out.method = rule
            self._combine(out, members, ind.weight if rule == "weighted_mean" else None, _depth)
        elif rule == "ratio_of_sums" and ind.numerator and ind.denominator:
            out.method = rule
            num = self.value(ind.numerator, region, _depth + 1)
            den = self.value(ind.denominator, region, _depth + 1)
            self._merge(out, num, den)
            if num.value is not None and den.value not in (None, 0.0):
                out.value = num.value / den.value * ind.scale  # type: ignore[operator]
        elif rule == "formula" and ind.formula:
            out.method = rule
            tree, refs = parse_formula(ind.formula)
            inputs: dict[str, float] = {}
            for name, (code, group) in refs.items():
                part = self.value(code, group or region, _depth + 1)
                self._merge(out, part)
                if part.value is not None:
                    inputs[name] = part.value
            if len(inputs) == len(refs):
                try:
                    out.value = _evaluate(tree, inputs)
                except ZeroDivisionError:
                    out.value = None
        else:
            out.missing = [f"{indicator}@{region}"]
        if out.value is not None:
            out.value = float(f"{out.value:.12g}")
        return out

    def _merge(self, out: GroupValue, *parts: GroupValue) -> None:
        for part in parts:
            _extend(out.missing, part.missing)
            _extend(out.inputs, part.inputs)
            out.complete = out.complete and part.complete

    def _combine(self, out: GroupValue, members: list[str], weight: str | None, depth: int) -> None:
        total = weights = 0.0
        used = 0
        for code in members:
            part = self.value(out.indicator, code, depth + 1)
            w = self.value(weight, code, depth + 1) if weight else None
            if part.value is None or (w is not None and w.value is None):
                gone = part.missing + (w.missing if w else [])
                _extend(out.missing, gone or [f"{out.indicator}@{code}"])  # never skip a member silently
                continue
            used += 1
            _extend(out.inputs, part.inputs + (w.inputs if w else []))
            if w is not None and w.value is not None:
                total += part.value * w.value
                weights += w.value
            else:
                total += part.value
        if out.missing:
            out.complete = False
            if not self.partial or used == 0:
                return
        if weight:
            out.value = total / weights if weights else None
        else:
            out.value = total


def _extend(into: list[str], items: Iterable[str]) -> None:
    """Append the items not yet in the list, keeping their order."""
    for item in items:
        if item not in into:
            into.append(item)


def group_value(
    session: Session,
    indicator: str,
    region: str,
    period: str,
    as_of: str | date | None = None,
    partial: bool = False,
    registry: Registry | None = None,
) -> GroupValue:
    """One indicator's value for a group (or a region) in one period: the figure reported for it if
    there is one, else computed by the indicator's rule, with the members used and those missing.

    Example:
        >>> group_value(session, "rd_intensity", "yrd", "2022").method   # doctest: +SKIP
        'reported'
    """
    return Aggregator(session, period, registry, as_of, partial).value(indicator, region)


# ------------------------------------------------------------------------------------ many at once


# The groups whose values the pages show: the Outline's planning area, central area and
# demonstration zone, then the metropolitan circles (kinds in yrd/data/regions/groups.json).
PLAN_AREAS: tuple[str, ...] = ("yrd", "central-area", "demo-zone")
CIRCLE_KIND = "metropolitan-circle"


def standard_groups(session: Session) -> list[str]:
    """The planning area ``yrd``, the central area, the demonstration zone and the metropolitan circles."""
    circles = [g.code for g in list_groups(session) if g.kind == CIRCLE_KIND]
    return [*PLAN_AREAS, *(c for c in circles if c not in PLAN_AREAS)]


def municipal_cities(session: Session) -> dict[str, str]:
    """Prefecture code → province code where the prefecture is its province's only one (上海: 310100 →
    310000): the groups list the city, the statistics publish the municipality, and both are one area."""
    prefectures: dict[str, list[str]] = {}
    for r in list_regions(session, level="prefecture"):
        if r.parent_code:
            prefectures.setdefault(r.parent_code, []).append(r.code)
    return {kids[0]: province for province, kids in prefectures.items() if len(kids) == 1}


def dependencies(registry: Registry, indicator: str, weights: bool = True) -> tuple[set[str], set[str]]:
    """The indicator codes a value of ``indicator`` may need (itself included), and the groups its
    formulas name (``code@group``). ``weights=False`` leaves out weighting indicators."""
    codes: set[str] = set()
    groups: set[str] = set()
    todo = [indicator]
    while todo:
        code = todo.pop()
        ind = registry.get(code)
        if code in codes or ind is None:
            continue
        codes.add(code)
        todo += [c for c in (ind.weight if weights else None, ind.numerator, ind.denominator) if c]
        if ind.aggregation == "formula" and ind.formula:
            for ref, group in parse_formula(ind.formula)[1].values():
                todo.append(ref)
                if group:
                    groups.add(group)
    return codes, groups


@dataclass
class Snapshot:
    """Figures of some indicators for some groups and their members, by period (current, or as of)."""

    by_period: dict[str, dict[Key, Observation]]
    groups: dict[str, list[str]]
    municipal: dict[str, str]

    def periods(self, indicators: set[str]) -> list[str]:
        """The periods in which any of the indicators has a figure."""
        return sorted(p for p, values in self.by_period.items() if any(i in indicators for i, _r in values))

    def aggregator(self, session: Session, period: str, registry: Registry, partial: bool) -> Aggregator:
        return Aggregator(session, period, registry, partial=partial, values=self.by_period.get(period, {}),
                          groups=self.groups, municipal=self.municipal)  # fmt: skip


def snapshot(
    session: Session, indicators: Iterable[str] | None, groups: Iterable[str], as_of: str | date | None = None
) -> Snapshot:
    """One read of the figures the groups' values need: the groups' own and their members'.

    Raises:
        NotFoundError: a group code that is not a group.
        InputError: a bad ``as_of``.
    """
    known = {g.code: list(g.members) for g in list_groups(session)}
    wanted = list(dict.fromkeys(groups))
    unknown = [g for g in wanted if g not in known]
    if unknown:
        raise NotFoundError(f"no region group {unknown[0]!r}")
    municipal = municipal_cities(session)
    regions = set(wanted)
    for g in wanted:
        regions.update(known[g])
    regions.update(municipal[r] for r in list(regions) if r in municipal)
    codes = sorted(indicators) if indicators is not None else None
    by_period: dict[str, dict[Key, Observation]] = {}
    for o in observations(session, indicator=codes, region=sorted(regions), as_of=as_of):
        by_period.setdefault(o.period, {})[(o.indicator, o.region)] = o
    return Snapshot(by_period, known, municipal)


def group_rows(
    session: Session,
    indicator: str,
    groups: Sequence[str] | None = None,
    as_of: str | date | None = None,
    periods: Sequence[str] | None = None,
    registry: Registry | None = None,
    partial: bool = False,
) -> list[GroupValue]:
    """One indicator's value for each group (default `standard_groups`) in every period with data —
    a period in which the indicator or an input of its rule (not a weight) has a figure for one of
    the groups or their members — or in the given ``periods``; by group, then period.

    Raises:
        NotFoundError: an unknown indicator or group.
        InputError: a bad ``as_of``.
    """
    registry = registry or load_registry()
    registry.require(indicator)
    wanted = list(groups) if groups is not None else standard_groups(session)
    codes, referenced = dependencies(registry, indicator)
    snap = snapshot(session, codes, [*wanted, *sorted(referenced - set(wanted))], as_of)
    if periods is None:
        periods = snap.periods(dependencies(registry, indicator, weights=False)[0])
    rows: dict[str, list[GroupValue]] = {g: [] for g in wanted}
    for period in periods:
        agg = snap.aggregator(session, period, registry, partial)
        for g in wanted:
            rows[g].append(agg.value(indicator, g))
    return [row for g in wanted for row in rows[g]]


def region_rows(
    session: Session, group: str, as_of: str | date | None = None, registry: Registry | None = None
) -> dict[str, list[GroupValue]]:
    """Every indicator's values for one group, by period (see `group_rows`), from one read.

    Raises:
        NotFoundError: ``group`` is not a region group.
    """
    registry = registry or load_registry()
    referenced: set[str] = set()
    for ind in registry.indicators:
        referenced |= dependencies(registry, ind.code)[1]
    snap = snapshot(session, None, [group, *sorted(referenced - {group})], as_of)
    out: dict[str, list[GroupValue]] = {}
    aggregators: dict[str, Aggregator] = {}
    for ind in registry.indicators:
        for period in snap.periods(dependencies(registry, ind.code, weights=False)[0]):
            if period not in aggregators:
                aggregators[period] = snap.aggregator(session, period, registry, False)
            out.setdefault(ind.code, []).append(aggregators[period].value(ind.code, group))
    return out
