"""The 1+N system by province, and follow-up targets against the Outline's (issue 7).

`province_coverage`: for each provincial responsible body (the gazetteer's province-level regions),
the Outline measures it is assigned as a task's lead or partner, how many have a confirmed follow-up
document (any issuer), and how many have one issued by the province itself (`issuer_body`).

`target_comparison`: every target extracted from a follow-up document paired with the Outline's
target on the same indicator, and judged stricter, looser, the same, or not comparable.

Choices stated here because they are ours:

- **Assigned measures.** A province's tasks of the Outline (lead or partner), superseded ones left
  out, mapped to the measure (the task's unit); a split or merged task counts its measure once.
- **Own issuer.** The issuer names the province (安徽省人民政府, 上海市发展改革委, 皖…): the province's
  Chinese name, or its name without the suffix, appears in the issuer text, and is not followed at
  once by the name of one of its cities (江苏省苏州市人民政府 is a city's document). A joint document
  counts for every province it names.
- **Same indicator.** Names compared without spaces and punctuation (NFKC, lower case): equal names
  first, then names the indicator registry resolves to one indicator (单位GDP能耗 / 单位地区生产总值
  能耗), then one name containing the other (常住人口城镇化率 / 全省常住人口城镇化率).
- **Direction.** The registry's direction of the indicator; else the comparators' (ge, gt,
  increase_by → higher is better; le, lt, reduce_by → lower is better); else unknown, and only an
  equal value can be judged ("same").
- **Years.** Judged on value only when the follow-up's target year is not later than the
  Outline's. An earlier year with the same value is stricter; an earlier year with a looser value is
  not comparable. A missing year on either side is judged on value.
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yrd.db.models import PlanRow, PolicyDocRow
from yrd.documents.load import DEFAULT_PLAN
from yrd.documents.store import citation_style, cite_stored
from yrd.errors import InputError
from yrd.extract.model import Target
from yrd.extract.pipeline import list_records
from yrd.policies.store import coverage
from yrd.regions.gazetteer import PROVINCE_ABBREVIATIONS, Region, load_gazetteer
from yrd.stats.registry import load_registry
from yrd.supervise.tasks import list_tasks

VERDICTS = ("stricter", "looser", "same", "not comparable")
_HIGHER = frozenset({"ge", "gt", "increase_by"})
_LOWER = frozenset({"le", "lt", "reduce_by"})
_RELATIVE = frozenset({"reduce_by", "increase_by"})
_EPS = 1e-9


# ------------------------------------------------------------------------------------------ shapes


@dataclass(frozen=True)
class ProvinceCoverage:
    """One provincial responsible body's measures and their confirmed follow-up documents."""

    code: str
    name_zh: str
    name_en: str
    measures: tuple[str, ...]  # eids of the measures assigned to it, in document order
    covered: tuple[str, ...]  # … with at least one confirmed follow-up document (any issuer)
    own: tuple[str, ...]  # … with a confirmed follow-up document the province issued itself
    missing: tuple[str, ...]  # … with no confirmed follow-up document

    @property
    def total(self) -> int:
        return len(self.measures)

    @property
    def covered_count(self) -> int:
        return len(self.covered)

    @property
    def own_count(self) -> int:
        return len(self.own)

    def to_dict(self) -> dict[str, Any]:
        """The fields and the three counts, as the CLI and the API give them."""
        return {**asdict(self), "total": self.total, "covered_count": self.covered_count,
                "own_count": self.own_count}  # fmt: skip


@dataclass(frozen=True)
class TargetSide:
    """One target as a citation: where it stands and what it says."""

    plan_id: str
    eid: str
    citation_zh: str
    indicator: str
    comparator: str
    value: float | None
    value_text: str
    unit: str
    year: int | None
    base_year: int | None
    scope: str
    text: str


@dataclass(frozen=True)
class TargetPair:
    """A follow-up document's target beside the Outline's target on the same indicator."""

    policy_title: str
    issuer: str
    issuer_body: str | None
    follow_up: TargetSide
    outline: TargetSide
    match: str  # "exact", "registry" or "containment"
    indicator_code: str | None  # the registry's indicator, when it resolves one
    direction: str  # "higher", "lower" or "unknown"
    verdict: str  # one of VERDICTS
    reason_en: str
    reason_zh: str


# ---------------------------------------------------------------------------------------- issuers


@cache
def _provinces() -> tuple[Region, ...]:
    return tuple(load_gazetteer().by_level("province"))


def province_codes() -> tuple[str, ...]:
    """The provincial responsible bodies: the gazetteer's province-level regions, in code order."""
    return tuple(r.code for r in _provinces())


@cache
def _city_names(code: str) -> tuple[str, ...]:
    names = {n for r in load_gazetteer().children(code) for n in (r.name_zh, r.short_zh) if n}
    return tuple(sorted(names, key=len, reverse=True))


def _names_a_city(text: str) -> bool:
    """Whether a text starts with a city's name (苏州市…, not 苏政办…)."""
    return any(text.startswith(city) for code in province_codes() for city in _city_names(code))


def issuer_bodies(issuer: str) -> tuple[str, ...]:
    """Every province an issuer names, in the order named (one for most documents, several for a
    joint one); a city's body (江苏省苏州市…) names none."""
    text = unicodedata.normalize("NFKC", issuer or "").strip()
    found: list[tuple[int, str]] = []
    for region in _provinces():
        names = sorted({region.name_zh, region.short_zh}, key=len, reverse=True)
        abbrs = [a for a, code in PROVINCE_ABBREVIATIONS.items() if code == region.code]
        for name in names:
            pos = text.find(name)
            if pos < 0:
                continue
            rest = text[pos + len(name) :]
            if not any(rest.startswith(city) for city in _city_names(region.code)):
                found.append((pos, region.code))
            break
        else:  # 皖政办, 沪府发: a one-character abbreviation only at the very start
            if any(text.startswith(a) for a in abbrs) and not _names_a_city(text):
                found.append((0, region.code))
    return tuple(dict.fromkeys(code for _, code in sorted(found)))


def issuer_body(issuer: str) -> str | None:
    """The province an issuer belongs to (安徽省人民政府 → 340000), the first named of a joint
    document's, or None (a national body, a city, an unknown issuer)."""
    codes = issuer_bodies(issuer)
    return codes[0] if codes else None


# --------------------------------------------------------------------------------------- coverage


def province_coverage(session: Session, outline_plan_id: str = DEFAULT_PLAN) -> list[ProvinceCoverage]:
    """Each provincial responsible body's assigned measures and how far follow-up documents cover them.

    Raises:
        NotFoundError: no such plan.
    """
    result = coverage(session, outline_plan_id)
    order = {m.eid: i for i, m in enumerate(result.measures)}
    docs = {d.plan_id: d.issuer for d in session.scalars(select(PolicyDocRow))}
    covered = {m.eid for m in result.measures if not m.none}
    own_of: dict[str, set[str]] = {}
    for m in result.measures:
        for link in m.links:
            for code in issuer_bodies(docs.get(link["policy_plan_id"], "")):
                own_of.setdefault(code, set()).add(m.eid)
    assigned: dict[str, set[str]] = {}
    for task in list_tasks(session, plan_id=outline_plan_id):
        if task.eid in order:
            for body in task.bodies:
                assigned.setdefault(body, set()).add(task.eid)
    out = []
    for region in _provinces():
        eids = tuple(sorted(assigned.get(region.code, ()), key=order.__getitem__))
        own = own_of.get(region.code, set())
        out.append(
            ProvinceCoverage(
                code=region.code,
                name_zh=region.name_zh,
                name_en=region.name_en,
                measures=eids,
                covered=tuple(e for e in eids if e in covered),
                own=tuple(e for e in eids if e in own),
                missing=tuple(e for e in eids if e not in covered),
            )
        )
    return out


# ---------------------------------------------------------------------------------------- targets


def norm_indicator(name: str) -> str:
    """An indicator name's matching key: NFKC, lower case, no spaces or punctuation."""
    text = unicodedata.normalize("NFKC", name).lower()
    return "".join(ch for ch in text if not unicodedata.category(ch).startswith(("P", "Z", "C")))


def _code(name: str) -> str | None:
    ind = load_registry().resolve(name)
    return ind.code if ind else None


def _best_match(target: Target, outline: list[Target]) -> tuple[Target, str] | None:
    key = norm_indicator(target.indicator)
    if not key:
        return None
    for o in outline:
        if norm_indicator(o.indicator) == key:
            return o, "exact"
    code = _code(target.indicator)
    if code is not None:
        for o in outline:
            if _code(o.indicator) == code:
                return o, "registry"
    for o in outline:
        other = norm_indicator(o.indicator)
        if other and (other in key or key in other):
            return o, "containment"
    return None


def _direction(code: str | None, a: str, b: str) -> str:
    if code is not None:
        ind = load_registry().get(code)
        if ind is not None and ind.direction in ("higher", "lower"):
            return ind.direction
    sides = {"higher" if c in _HIGHER else "lower" for c in (a, b) if c in _HIGHER | _LOWER}
    return sides.pop() if len(sides) == 1 else "unknown"


def _in_unit(value: float, unit: str, to_unit: str) -> float | None:
    registry = load_registry()
    if registry.canonical_unit(unit) == registry.canonical_unit(to_unit):
        return value
    try:
        return registry.convert(value, unit, to_unit)
    except InputError:
        return None


def _num(x: float) -> str:
    return f"{x:g}"


def judge(follow_up: Target, outline: Target, direction: str) -> tuple[str, str, str]:
    """The verdict on a follow-up target against the Outline's, with its reason in English and Chinese."""
    nc = "not comparable"
    if "qualitative" in (follow_up.comparator, outline.comparator) or None in (
        follow_up.value,
        outline.value,
    ):
        return nc, "a qualitative target", "定性目标，无法比较"
    if (follow_up.comparator in _RELATIVE) != (outline.comparator in _RELATIVE):
        return nc, "a relative change against an absolute level", "一为变化幅度、一为绝对水平"
    if follow_up.comparator in _RELATIVE and follow_up.comparator != outline.comparator:
        return nc, "an increase against a reduction", "一为提高幅度、一为下降幅度"
    bases = (follow_up.base_year, outline.base_year)
    if follow_up.comparator in _RELATIVE and None not in bases and bases[0] != bases[1]:
        return nc, "changes on different base years", "变化幅度的基期不同"
    bounds = {c for c in (follow_up.comparator, outline.comparator) if c in ("ge", "gt", "le", "lt")}
    if bounds & {"ge", "gt"} and bounds & {"le", "lt"}:
        return nc, "a floor against a ceiling", "一为下限、一为上限"
    if follow_up.scope != outline.scope:
        return nc, f"different scopes ({follow_up.scope} / {outline.scope})", "适用范围不同"
    assert follow_up.value is not None and outline.value is not None
    value = _in_unit(follow_up.value, follow_up.unit, outline.unit)
    if value is None:
        return nc, f"different units ({follow_up.unit or '-'} / {outline.unit or '-'})", "计量单位不同"
    fy, oy = follow_up.target_year, outline.target_year
    if fy is not None and oy is not None and fy > oy:
        return nc, f"a later target year ({fy} against {oy})", f"目标年份较晚（{fy}年对{oy}年）"
    earlier = fy is not None and oy is not None and fy < oy
    # a relative target asks for more with a larger change (its comparator fixes which way)
    if follow_up.comparator in _RELATIVE or direction == "higher":
        better = 1.0
    elif direction == "lower":
        better = -1.0
    else:
        better = 0.0
    diff = value - outline.value
    shown = f"{_num(value)} against {_num(outline.value)}{' ' + outline.unit if outline.unit else ''}"
    if abs(diff) <= _EPS * max(1.0, abs(outline.value)):
        if earlier:
            return (
                "stricter",
                f"the same value by an earlier year ({fy} against {oy})",
                f"同一数值、提前实现（{fy}年对{oy}年）",
            )
        return "same", "the same value and year", "数值与年份相同"
    if better == 0.0:
        return nc, "different values and the direction is unknown", "数值不同且指标方向不明"
    if follow_up.comparator in _RELATIVE:
        size = "larger" if diff > 0 else "smaller"
        what = "reduction" if follow_up.comparator == "reduce_by" else "increase"
        if diff > 0:
            return "stricter", f"a {size} {what} ({shown})", "变化幅度要求更大"
        if earlier:
            return nc, f"an earlier year but a {size} {what} ({shown})", "年份提前但变化幅度较小"
        return "looser", f"a {size} {what} ({shown})", "变化幅度要求更小"
    if diff * better > 0:
        return "stricter", f"{'higher' if diff > 0 else 'lower'} value ({shown})", "目标要求更严"
    if earlier:
        return nc, f"an earlier year but a looser value ({shown})", "年份提前但目标要求更宽松"
    return "looser", f"{'higher' if diff > 0 else 'lower'} value ({shown})", "目标要求更宽松"


def _side(session: Session, t: Target, plan_id: str, style: str) -> TargetSide:
    return TargetSide(
        plan_id=plan_id, eid=t.eid, citation_zh=cite_stored(session, plan_id, t.eid, "zh", style),
        indicator=t.indicator,
        comparator=t.comparator, value=t.value, value_text=t.value_text, unit=t.unit, year=t.target_year,
        base_year=t.base_year, scope=t.scope, text=t.text,
    )  # fmt: skip


def target_comparison(session: Session, outline_plan_id: str = DEFAULT_PLAN) -> list[TargetPair]:
    """Every follow-up document's target that has an Outline target on the same indicator, judged.

    Follow-up documents are the plans with a ``policy_doc`` row, in plan-id order; targets in
    document order. Targets with no counterpart in the Outline are left out.

    Raises:
        NotFoundError: no such plan.
    """
    outline_targets = [
        t for t in list_records(session, outline_plan_id, kind="target") if isinstance(t, Target)
    ]
    outline_style = citation_style(session, outline_plan_id)
    stmt = select(PolicyDocRow, PlanRow).join(PlanRow, PlanRow.id == PolicyDocRow.plan_id)
    pairs: list[TargetPair] = []
    for doc, plan in session.execute(stmt.order_by(PolicyDocRow.plan_id)):
        style = citation_style(session, doc.plan_id)
        for t in list_records(session, doc.plan_id, kind="target"):
            if not isinstance(t, Target):
                continue
            found = _best_match(t, outline_targets)
            if found is None:
                continue
            o, how = found
            code = _code(t.indicator) or _code(o.indicator)
            direction = _direction(code, t.comparator, o.comparator)
            verdict, en, zh = judge(t, o, direction)
            pairs.append(
                TargetPair(
                    policy_title=plan.title_zh,
                    issuer=doc.issuer,
                    issuer_body=issuer_body(doc.issuer),
                    follow_up=_side(session, t, doc.plan_id, style),
                    outline=_side(session, o, outline_plan_id, outline_style),
                    match=how,
                    indicator_code=code,
                    direction=direction,
                    verdict=verdict,
                    reason_en=en,
                    reason_zh=zh,
                )
            )
    return pairs
