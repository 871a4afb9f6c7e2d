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
not for evaluation.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from yrd.errors import InputError, NotFoundError
from yrd.regions.store import get_group
from yrd.stats.registry import Registry, load_registry
from yrd.stats.store import observations

_REF = re.compile(r"\b([a-z][a-z0-9_]*)@([a-z0-9][a-z0-9-]*)")
_OPS: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
}  # fmt: skip
MAX_DEPTH = 8


@dataclass
class GroupValue:
    """A value with how it was obtained and what was missing."""

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

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))


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


class Aggregator:
    """Computes values over one snapshot of the data (current vintages, or as published at a date)."""

    def __init__(
        self,
        session: Session,
        period: str,
        registry: Registry | None = None,
        as_of: str | date | None = None,
        partial: bool = False,
    ) -> None:
        self.session = session
        self.period = period
        self.registry = registry or load_registry()
        self.partial = partial
        self._values: dict[tuple[str, str], tuple[float, str]] = {
            (o.indicator, o.region): (o.value, o.source)
            for o in observations(session, period=period, as_of=as_of)
        }
        self._members: dict[str, list[str] | None] = {}

    def members(self, region: str) -> list[str] | None:
        """A group's member codes, or None when ``region`` is not a group."""
        if region not in self._members:
            try:
                self._members[region] = list(get_group(self.session, region).members)
            except NotFoundError:
                self._members[region] = None
        return self._members[region]

    def value(self, indicator: str, region: str, _depth: int = 0) -> GroupValue:
        """The value of an indicator for a region or group in this period (see the module docstring)."""
        ind = self.registry.require(indicator)
        out = GroupValue(indicator, region, self.period, None, ind.unit, "none")
        reported = self._values.get((indicator, region))
        if reported is not None:
            out.value, out.source, out.method = reported[0], reported[1], "reported"
            return out
        if _depth > MAX_DEPTH:
            raise InputError(f"indicator {indicator}: its formulas refer to each other in a loop")
        members = self.members(region)
        out.members = members or []
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
            out.missing.extend(m for m in part.missing if m not in out.missing)
            out.complete = out.complete and part.complete

    def _combine(self, out: GroupValue, members: list[str], weight: str | None, depth: int) -> None:
        total = weights = 0.0
        used = 0
        for code in members:
            part = self.value(out.indicator, code, depth + 1)
            w = self.value(weight, code, depth + 1) if weight else None
            if part.value is None or (w is not None and w.value is None):
                out.missing.extend(m for m in part.missing + (w.missing if w else []) if m not in out.missing)
                continue
            used += 1
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


def group_value(
    session: Session,
    indicator: str,
    region: str,
    period: str,
    as_of: str | date | None = None,
    partial: bool = False,
    registry: Registry | None = None,
) -> GroupValue:
    """One indicator's value for a group (or a region) in one period, reported or computed.

    Example:
        >>> group_value(session, "rd_intensity", "yrd", "2022").method   # doctest: +SKIP
        'reported'
    """
    return Aggregator(session, period, registry, as_of, partial).value(indicator, region)
