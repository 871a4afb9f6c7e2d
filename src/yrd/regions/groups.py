"""Region groups: sets of regions the plan speaks of as one (中心区, 示范区, 都市圈, 苏北 …).

Two groups are *defined by the Outline's own text* and are derived from it, never typed: the central
area (the 27 cities the preamble lists: "以上海市，江苏省南京、…27个城市为中心区") and the
demonstration zone ("以上海青浦、江苏吴江、浙江嘉善为…示范区"). The names in those sentences are
matched against the gazetteer, and the derivation checks itself against the count the text states.

The other groups the text names without defining them ship in ``yrd/data/regions/groups.json``,
each with the document its list comes from, or marked ``definition="unknown"`` / ``partial=True``
where no authoritative list was found.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

from yrd.documents.citation import cite, short_title
from yrd.documents.model import Plan, Unit
from yrd.errors import InputError, NotFoundError
from yrd.regions.gazetteer import Gazetteer, Region, load_gazetteer

Definition = Literal["text", "data", "unknown"]
DEFINITIONS: tuple[str, ...] = ("text", "data", "unknown")

# The sentences of the Outline's preamble that define the two text groups.
_CENTRAL = re.compile(r"以([^。；]*?)(\d+)个城市为中心区")
_DEMO = re.compile(r"以([^。；为]*?)为长三角生态绿色一体化发展示范区")
_SCOPE = re.compile(r"规划范围包括([^。；（(]*?)全域")


@dataclass(frozen=True)
class RegionGroup:
    """A named set of regions with where its membership comes from.

    ``members`` are GB/T 2260 codes (a prefecture stands for its whole area). ``partial`` says the
    members do not exactly make up the group: the list may be incomplete or unverified, or some
    members are only partly inside, as ``partial_members`` lists (the Lingang new area covers parts
    of 浦东新区 and 奉贤区).
    """

    code: str
    name_zh: str
    name_en: str
    members: tuple[str, ...]
    kind: str
    definition: Definition
    source: str
    partial: bool = False
    partial_members: tuple[str, ...] = ()
    note: str = ""
    source_ref: str | None = None  # "plan_id:eid" of the defining unit, for text groups

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "kind": self.kind,
            "definition": self.definition,
            "members": list(self.members),
            "partial_members": list(self.partial_members),
            "partial": self.partial,
            "source": self.source,
            "source_ref": self.source_ref,
            "note": self.note,
        }


@dataclass
class _Found:
    unit: Unit
    match: re.Match[str]
    extra: dict[str, Any] = field(default_factory=dict)


def _find(plan: Plan, pattern: re.Pattern[str]) -> _Found:
    """The first paragraph whose Chinese text matches, preamble first (where the Outline defines them)."""
    units = sorted(plan.walk(), key=lambda u: u.kind != "paragraph" or not u.eid.startswith("preface"))
    for unit in units:
        m = pattern.search(unit.text.get("zh", ""))
        if m:
            return _Found(unit, m)
    raise NotFoundError(f"plan {plan.id!r} has no sentence matching {pattern.pattern!r}")


def _province_prefix(g: Gazetteer, text: str) -> tuple[Region, str] | None:
    """The province a phrase starts with (江苏省南京 → 江苏省, 南京; 上海青浦 → 上海市, 青浦)."""
    for p in g.by_level("province"):
        for name in (p.name_zh, p.short_zh):
            if text.startswith(name):
                return p, text[len(name) :]
    return None


def _one(g: Gazetteer, name: str, level: str, province: Region, where: str) -> Region:
    hits = [r for r in g.lookup(name) if r.level == level and r.province_code == province.code]
    if len(hits) != 1:
        raise InputError(f"{where}: {name!r} names {len(hits)} {level}s of {province.name_zh}, not one")
    return hits[0]


def central_area_members(sentence_list: str, g: Gazetteer, where: str = "") -> list[str]:
    """Prefecture codes named in "上海市，江苏省南京、无锡…，浙江省杭州…" (a municipality is its city)."""
    codes: list[str] = []
    for segment in re.split(r"[，,]", sentence_list):
        segment = segment.strip()
        if not segment:
            continue
        found = _province_prefix(g, segment)
        if found is None:
            raise InputError(f"{where}: {segment!r} does not start with a province")
        province, rest = found
        if not rest:  # 上海市: the province-level city is itself the prefecture-level city
            codes.extend(r.code for r in g.children(province.code) if r.level == "prefecture")
            continue
        codes.extend(_one(g, name, "prefecture", province, where).code for name in rest.split("、") if name)
    return codes


def demonstration_zone_members(sentence_list: str, g: Gazetteer, where: str = "") -> list[str]:
    """County codes named in "上海青浦、江苏吴江、浙江嘉善"."""
    codes: list[str] = []
    for item in sentence_list.split("、"):
        found = _province_prefix(g, item.strip())
        if found is None:
            raise InputError(f"{where}: {item!r} does not start with a province")
        province, rest = found
        codes.append(_one(g, rest, "county", province, where).code)
    return codes


def _source(plan: Plan, unit: Unit) -> tuple[str, str]:
    title = plan.title.get("zh", "") or plan.id
    issuer = plan.issuer.get("zh", "")
    year = (plan.date or "")[:4]
    meta = "，".join(x for x in (issuer, year) if x)
    citation = cite(unit.eid, "zh", short_title(title, "zh"))
    return f"《{title}》（{meta}），{citation}", f"{plan.id}:{unit.eid}"


def derive_text_groups(plan: Plan, gazetteer: Gazetteer | None = None) -> list[RegionGroup]:
    """The central area and the demonstration zone, read from the plan's own sentences.

    Raises:
        NotFoundError: the plan has no sentence defining them.
        InputError: a name in the sentence matches no region (or several), or the central area's
            count differs from the number the sentence states.
    """
    g = gazetteer or load_gazetteer()
    found = _find(plan, _SCOPE)
    where = f"{plan.id}:{found.unit.eid}"
    provinces = []
    for name in re.split(r"[、，,]", found.match.group(1)):
        hits = [r for r in g.lookup(name.strip()) if r.level == "province"]
        if len(hits) != 1:
            raise InputError(f"{where}: {name!r} names {len(hits)} provinces, not one")
        provinces.append(hits[0].code)
    planning_area = _text_group(
        plan, found, "yrd", "长三角", "Yangtze River Delta", provinces,
        "The planning area: the whole of the provinces the text names.",
    )  # fmt: skip
    found = _find(plan, _CENTRAL)
    where = f"{plan.id}:{found.unit.eid}"
    central = central_area_members(found.match.group(1), g, where)
    stated = int(found.match.group(2))
    if len(central) != stated or len(set(central)) != stated:
        raise InputError(f"{where}: the text says {stated} cities but names {len(set(central))}")
    central_area = _text_group(
        plan, found, "central-area", "中心区", "Central area", central,
        f"{stated} cities named in the text (中心区面积22.5万平方公里 as the text states)",
    )  # fmt: skip
    found = _find(plan, _DEMO)
    where = f"{plan.id}:{found.unit.eid}"
    demo = demonstration_zone_members(found.match.group(1), g, where)
    demo_zone = _text_group(
        plan, found, "demo-zone", "长三角生态绿色一体化发展示范区",
        "Yangtze River Delta Ecology and Greenery Integrated Development Demonstration Zone", demo,
        "The whole of the three counties; the Outline's 第十章 sets out what the zone does.",
    )  # fmt: skip
    return [central_area, demo_zone, planning_area]


def _text_group(
    plan: Plan, found: Any, code: str, name_zh: str, name_en: str, members: list[str], note: str
) -> RegionGroup:
    """A group the plan's own sentence defines, citing that sentence as its source."""
    source, ref = _source(plan, found.unit)
    return RegionGroup(
        code=code, name_zh=name_zh, name_en=name_en, members=tuple(sorted(members)), kind="plan-area",
        definition="text", source=source, source_ref=ref, note=note,
    )  # fmt: skip


def group_from_dict(data: dict[str, Any]) -> RegionGroup:
    """A group from its JSON form (the file's and the API's)."""
    return RegionGroup(
        code=data["code"],
        name_zh=data["name_zh"],
        name_en=data["name_en"],
        members=tuple(data.get("members", ())),
        kind=data.get("kind", ""),
        definition=data["definition"],
        source=data.get("source", ""),
        partial=bool(data.get("partial", False)),
        partial_members=tuple(data.get("partial_members", ())),
        note=data.get("note", ""),
        source_ref=data.get("source_ref"),
    )


def validate(groups: Iterable[RegionGroup], gazetteer: Gazetteer | None = None) -> list[str]:
    """What is wrong with a list of groups (empty when nothing is): unknown codes, missing sources."""
    g = gazetteer or load_gazetteer()
    problems: list[str] = []
    seen: set[str] = set()
    for group in groups:
        if group.code in seen:
            problems.append(f"{group.code}: code used twice")
        seen.add(group.code)
        if group.definition not in DEFINITIONS:
            problems.append(f"{group.code}: definition {group.definition!r} is not one of {DEFINITIONS}")
        if not group.source.strip():
            problems.append(f"{group.code}: no source (say 'unknown' and why)")
        if group.definition == "unknown" and not (group.partial or not group.members):
            problems.append(f"{group.code}: an unknown definition with members must be marked partial")
        for code in (*group.members, *group.partial_members):
            if code not in g:
                problems.append(f"{group.code}: member {code} is not in the gazetteer")
        for code in group.partial_members:
            if code not in group.members:
                problems.append(f"{group.code}: partial member {code} is not a member")
    return problems


def read_group_file() -> tuple[dict[str, Any], list[RegionGroup]]:
    """The shipped groups file: its metadata and the groups it defines."""
    path = resources.files("yrd") / "data" / "regions" / "groups.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["metadata"], [group_from_dict(d) for d in data["groups"]]


@cache
def embedded_plan() -> Plan:
    """The Outline that ships with the package, parsed (the text groups are derived from it)."""
    from yrd.documents.load import default_files, parse_file

    meta, files = default_files()
    name, data = files[0]
    plan = parse_file(data, name).plan
    plan.id, plan.date = meta["id"], meta["date"]
    plan.title, plan.issuer = dict(meta["title"]), dict(meta["issuer"])
    return plan


def load_groups() -> list[RegionGroup]:
    """Every shipped group: the two derived from the embedded Outline, then the file's.

    Raises:
        InputError: the file names a region the gazetteer lacks, or a group has no source.
    """
    groups = derive_text_groups(embedded_plan()) + read_group_file()[1]
    problems = validate(groups)
    if problems:
        raise InputError("groups.json: " + "; ".join(problems))
    return groups
