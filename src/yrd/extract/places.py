"""Place mentions: every province, city, county, region group and informal sub-region a plan names.

Divisions come from the gazetteer (`yrd.regions.load_gazetteer`: full and short names); the Delta,
its region groups, informal sub-regions and the natural features that must not be misread as
divisions come from ``yrd/data/place_names.json``. A paragraph is scanned once, left to right,
taking the longest known name at each position, so 杭州湾 (a bay) is never 杭州 and 太湖 (the lake)
is never 太湖县. Then context decides what a name means:

* a name several divisions share (普陀, 鼓楼) is resolved by a division written right before it
  (上海普陀) or named earlier in the same clause; otherwise it is reported ``ambiguous`` with its
  candidates. A name that means both a city and one of its own districts (淮安, 黄山, 上海) is the
  city.
* a run of province abbreviations (苏浙皖, 沪苏浙) names each province; a run that begins a route
  name (沪苏湖、 …) names none, since there 苏 is 苏州.
* 南京、杭州、合肥都市圈 names three groups, each item spanning its own characters.
* a group's bare short name (中心区, 示范区) counts only where it stands alone and the plan uses the
  group's full name somewhere; 苏南自主创新示范区 is not the demonstration zone.

Informal sub-regions (苏南, 皖江) are reported with status ``unknown``. Features and sub-county areas
are not reported (see docs/extraction_projects.md), but projects use them as proper names.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any, Protocol

from yrd.documents.model import Plan
from yrd.extract.actors import NEIGHBOUR_ABBREVIATIONS, PROVINCE_BY_ABBR, VERBS
from yrd.extract.model import PlaceMention

LANG = "zh"


class RegionLike(Protocol):
    """What the extractor needs of a gazetteer region."""

    code: str
    name_zh: str
    short_zh: str
    level: str
    parent_code: str | None


class GazetteerLike(Protocol):
    """What the extractor needs of a gazetteer (the real one or a test's fake)."""

    @property
    def regions(self) -> Sequence[Any]: ...

    def lookup(self, name: str) -> list[Any]: ...


def _load(name: str) -> Any:
    return json.loads((resources.files("yrd") / "data" / name).read_text(encoding="utf-8"))


_DATA = _load("place_names.json")
GROUP_NAMES: dict[str, list[str]] = _DATA["groups"]
GROUP_CANONICAL: dict[str, str] = {code: names[0] for code, names in GROUP_NAMES.items()}
_BARE: frozenset[str] = frozenset(_DATA["bare"])
_GROUP_SUFFIXES: tuple[str, ...] = tuple(_DATA["group_suffixes"])
_INFORMAL: tuple[str, ...] = tuple(_DATA["informal"])
_FEATURES: tuple[str, ...] = tuple(_DATA["features"])
_AREAS: tuple[str, ...] = tuple(_DATA["areas"])
GEO_NAME = re.compile(_DATA["geo_name"])

_CJK = re.compile(r"[\u4e00-\u9fff]")
_CLAUSE_END = "。；！？"
# What may stand right before a bare group name (中心区) for it to stand alone.
_BARE_AFTER = frozenset("的为在与和及对向以将把使由从至、，。；：（“")
_BARE_AFTER_WORDS: tuple[str, ...] = (*_DATA["bare_after_words"], *VERBS)
# A run of abbreviations followed by one or two characters and a list mark or a route head is a
# route name (沪苏湖、通苏嘉甬 …), where the characters are cities, not provinces.
_ROUTE_TAIL = re.compile(
    r"[\u4e00-\u9fff]{1,2}(?:、|等|铁路|高铁|城际|通道|跨海|过江|高速|磁悬浮|大桥|二桥|$)"
)
_LIST_SEP = "、和及与"
# What may stand before a county's short name for it to be read as one (not 弘扬中华 for 扬中).
_NAME_AFTER = frozenset("、和及与的在对向为至从由将把并或等区市县省镇")
_NAME_PREFIXES: tuple[str, ...] = tuple(_DATA["name_prefixes"])
_ADMIN_SUFFIX = "市区县省"
_SUFFIX_WORDS = frozenset({"区域", "市场", "县域", "市域", "县城", "区内", "市民"})
_RANK = {"province": 0, "prefecture": 1, "county": 2}


@dataclass(frozen=True)
class Hit:
    """A name found in a text, with what it was resolved to.

    ``kind`` is region, group, informal, abbr (one province of a run of abbreviations), feature or
    area; only the first four are place mentions.
    """

    start: int
    end: int
    kind: str
    surface: str
    name: str
    code: str | None = None
    status: str = "resolved"
    candidates: tuple[str, ...] = ()
    level: str | None = None

    @property
    def is_place(self) -> bool:
        return self.kind in ("region", "group", "informal", "abbr")

    @property
    def region_code(self) -> str | None:
        """The division's code when the hit is a resolved division."""
        return self.code if self.kind in ("region", "abbr") and self.status == "resolved" else None


@dataclass
class _Entry:
    name: str
    kind: str
    candidates: tuple[str, ...] = ()
    code: str | None = None
    # a county's short name (青浦 for 青浦区): two characters that may also be part of a word
    county_short: bool = False


@dataclass
class PlaceIndex:
    """Every name the scanner knows, indexed by first character, longest first."""

    entries: dict[str, list[_Entry]] = field(default_factory=dict)
    parent: dict[str, str | None] = field(default_factory=dict)
    level: dict[str, str] = field(default_factory=dict)
    name_of: dict[str, str] = field(default_factory=dict)
    suffix_items: dict[str, dict[str, str]] = field(default_factory=dict)
    full_names: frozenset[str] = frozenset()
    # one-character province abbreviations (沪 → 310000), and the characters a run of them may hold
    abbr: dict[str, str] = field(default_factory=dict)
    run_chars: frozenset[str] = frozenset()

    def add(self, entry: _Entry) -> None:
        bucket = self.entries.setdefault(entry.name[0], [])
        bucket[:] = [e for e in bucket if e.name != entry.name]  # data entries override the gazetteer
        bucket.append(entry)
        bucket.sort(key=lambda e: -len(e.name))

    def match(self, text: str, i: int) -> _Entry | None:
        """The longest known name starting at ``text[i]``."""
        for entry in self.entries.get(text[i], ()):
            if text.startswith(entry.name, i):
                return entry
        return None

    def ancestors(self, code: str) -> list[str]:
        out: list[str] = []
        parent = self.parent.get(code)
        while parent:
            out.append(parent)
            parent = self.parent.get(parent)
        return out

    def within(self, code: str, ancestor: str) -> bool:
        return code == ancestor or ancestor in self.ancestors(code)


def _regions_of(gazetteer: GazetteerLike) -> Iterable[Any]:
    regions = gazetteer.regions
    return regions.values() if isinstance(regions, dict) else regions


def build_index(gazetteer: GazetteerLike) -> PlaceIndex:
    """The scanner's index for one gazetteer: divisions (names of two characters or more) and the data."""
    index = PlaceIndex()
    for r in _regions_of(gazetteer):
        index.parent[r.code] = r.parent_code
        index.level[r.code] = r.level
        index.name_of[r.code] = r.name_zh
    full = {r.name_zh for r in _regions_of(gazetteer)}
    names = {n for r in _regions_of(gazetteer) for n in (r.name_zh, r.short_zh) if n and len(n) >= 2}
    for name in sorted(names):
        found = gazetteer.lookup(name)
        codes = tuple(dict.fromkeys(r.code for r in found))
        if codes:
            county_short = name not in full and all(r.level == "county" for r in found)
            index.add(_Entry(name, "region", codes, county_short=county_short))
    index.full_names = frozenset(full)
    # a gazetteer may say its provinces' abbreviations; the Delta's come from actors.json
    abbr = getattr(gazetteer, "abbreviations", None) or PROVINCE_BY_ABBR
    index.abbr = {ch: code for ch, code in abbr.items() if code in index.level}
    index.run_chars = frozenset(index.abbr) | frozenset(NEIGHBOUR_ABBREVIATIONS)
    for kind, words in (("feature", _FEATURES), ("area", _AREAS), ("informal", _INFORMAL)):
        for word in words:
            index.add(_Entry(word, kind))
    for code, group_names in GROUP_NAMES.items():
        for name in group_names:
            index.add(_Entry(name, "group", code=code))
            for suffix in _GROUP_SUFFIXES:
                if name.endswith(suffix) and len(name) > len(suffix):
                    index.suffix_items.setdefault(suffix, {})[name[: -len(suffix)]] = code
    return index


@cache
def default_gazetteer() -> GazetteerLike:
    """The shipped gazetteer (read once)."""
    from yrd.regions.gazetteer import load_gazetteer

    return load_gazetteer()


_INDEXES: dict[int, tuple[GazetteerLike, PlaceIndex]] = {}


def index_for(gazetteer: GazetteerLike | None = None) -> PlaceIndex:
    """The index of a gazetteer, built once per gazetteer object."""
    g = gazetteer if gazetteer is not None else default_gazetteer()
    cached = _INDEXES.get(id(g))
    if cached is None or cached[0] is not g:
        cached = (g, build_index(g))
        _INDEXES[id(g)] = cached
    return cached[1]


# -- scanning --------------------------------------------------------------------------------------


def _abbr_run(text: str, i: int, index: PlaceIndex) -> int:
    """End of a run of two to four province abbreviations starting at i (i when there is none)."""
    j = i
    while j < len(text) and text[j] in index.run_chars and j - i < 4:
        j += 1
    if j - i < 2 or not any(ch in index.abbr for ch in text[i:j]):
        return i
    if _ROUTE_TAIL.match(text, j):
        return i
    return j


def _word_ok(text: str, i: int, entry: _Entry, hits: list[Hit], index: PlaceIndex) -> bool:
    """Whether a short name at i is a word of its own: 以上城市 holds no 上城区, 弘扬中华 no 扬中市."""
    end = i + len(entry.name)
    if entry.kind != "region" or not entry.county_short:
        return True
    if end < len(text) and text[end] in _ADMIN_SUFFIX and text[end : end + 2] not in _SUFFIX_WORDS:
        return False  # 以上城市: 上城 followed by 市 is no 上城区
    if i == 0 or not _CJK.match(text[i - 1]) or text[i - 1] in _NAME_AFTER:
        return True
    if hits and hits[-1].end == i:
        return True
    before = text[max(0, i - 6) : i]
    return any(before.endswith(w) for w in (*VERBS, *_NAME_PREFIXES))


def _raw_hits(text: str, index: PlaceIndex) -> list[Hit]:
    hits: list[Hit] = []
    i = 0
    while i < len(text):
        entry = index.match(text, i)
        if entry is not None and not _word_ok(text, i, entry, hits, index):
            entry = None
        if entry is not None:
            end = i + len(entry.name)
            name = GROUP_CANONICAL[entry.code] if entry.kind == "group" and entry.code else entry.name
            hits.append(Hit(i, end, entry.kind, entry.name, name, entry.code, candidates=entry.candidates))
            i = end
            continue
        end = _abbr_run(text, i, index)
        if end > i:
            hits.extend(_abbr_hits(text, i, end, index))
            i = end
            continue
        i += 1
    return hits


def _abbr_hits(text: str, start: int, end: int, index: PlaceIndex) -> list[Hit]:
    """One province per abbreviation of a run (苏浙皖); a neighbour's (闽, 赣) names none."""
    out: list[Hit] = []
    for k in range(start, end):
        code = index.abbr.get(text[k])
        if code:
            out.append(
                Hit(k, k + 1, "abbr", text[k], index.name_of.get(code, text[k]), code, level="province")
            )
    return out


def _group_items(text: str, hits: list[Hit], index: PlaceIndex) -> list[Hit]:
    """Split 南京、杭州、合肥都市圈 into one group per item; the items' division hits give way."""
    extra: list[Hit] = []
    for hit in hits:
        if hit.kind != "group":
            continue
        suffix = next((s for s in _GROUP_SUFFIXES if hit.surface.endswith(s)), None)
        if suffix is None:
            continue
        items = index.suffix_items.get(suffix, {})
        p = hit.start
        while p > 0 and text[p - 1] in _LIST_SEP:
            item = next((x for x in sorted(items, key=len, reverse=True) if text.endswith(x, 0, p - 1)), None)
            if item is None:
                break
            code = items[item]
            extra.append(Hit(p - 1 - len(item), p - 1, "group", item, GROUP_CANONICAL[code], code))
            p = p - 1 - len(item)
    if not extra:
        return hits
    taken = [(h.start, h.end) for h in extra]
    kept = [h for h in hits if not any(s < h.end and h.start < e for s, e in taken)]
    return sorted(kept + extra, key=lambda h: h.start)


def _stands_alone(text: str, start: int) -> bool:
    if start == 0 or not _CJK.match(text[start - 1]) or text[start - 1] in _BARE_AFTER:
        return True
    before = text[max(0, start - 6) : start]
    return any(before.endswith(w) for w in _BARE_AFTER_WORDS)


def _bare_ok(hit: Hit, text: str, plan_text: str) -> bool:
    if hit.kind != "group" or hit.surface not in _BARE or hit.code is None:
        return True
    full = [n for n in GROUP_NAMES[hit.code] if n not in _BARE and len(n) > len(hit.surface)]
    return _stands_alone(text, hit.start) and any(n in plan_text for n in full)


def _collapse(codes: tuple[str, ...], index: PlaceIndex) -> tuple[str, ...]:
    """A city and its own district of the same name (淮安, 黄山, 上海) mean the broader one."""
    for code in codes:
        if all(index.within(other, code) for other in codes):
            return (code,)
    return codes


def _resolve(hit: Hit, prev: Hit | None, clause: list[Hit], index: PlaceIndex) -> Hit:
    """Decide which division a name means, from the name alone or from its context."""
    codes = _collapse(hit.candidates, index)
    # a division written right before (上海普陀) qualifies; an abbreviation run (岭泽石门) does not
    qualifier = prev.region_code if prev and prev.kind == "region" and prev.end == hit.start else None
    if qualifier and all(
        _RANK.get(index.level.get(c, ""), 0) > _RANK.get(index.level.get(qualifier, ""), 0) for c in codes
    ):
        inside = tuple(c for c in codes if index.within(c, qualifier))
        if not inside:
            # the division written before it contradicts every reading (南京江北 is no 江北区)
            return replace(hit, code=None, status="unknown", candidates=codes)
        codes = inside
    if len(codes) > 1:
        earlier = [h.region_code for h in clause if h.region_code]
        narrowed = tuple(c for c in codes if any(index.within(c, q) for q in earlier if q))
        if len(narrowed) == 1:
            codes = narrowed
    if len(codes) == 1:
        code = codes[0]
        return replace(
            hit,
            code=code,
            name=index.name_of.get(code, hit.surface),
            candidates=(),
            level=index.level.get(code),
        )
    return replace(hit, code=None, status="ambiguous", candidates=codes)


def scan(text: str, index: PlaceIndex, plan_text: str = "") -> list[Hit]:
    """Every name in a paragraph, resolved; features and areas included (``is_place`` tells them apart).

    ``plan_text`` is the whole plan's text, where a group's full name is looked for before its bare
    short name counts.
    """
    hits = _group_items(text, _raw_hits(text, index), index)
    out: list[Hit] = []
    clause: list[Hit] = []
    for hit in hits:
        if clause and any(ch in _CLAUSE_END for ch in text[clause[-1].end : hit.start]):
            clause = []
        if not _bare_ok(hit, text, plan_text or text):
            continue
        if hit.kind == "region":
            hit = _resolve(hit, out[-1] if out else None, clause, index)
        elif hit.kind == "informal":
            hit = replace(hit, status="unknown")
        out.append(hit)
        clause.append(hit)
    return out


def plan_text(plan: Plan) -> str:
    """All the Chinese text of a plan, for the checks that look beyond one paragraph."""
    return "\n".join(u.text.get(LANG, "") for u in plan.walk())


def to_mention(eid: str, text: str, hit: Hit) -> PlaceMention:
    """A place hit as a record."""
    is_group = hit.kind == "group"
    return PlaceMention(
        eid=eid,
        lang=LANG,
        start=hit.start,
        end=hit.end,
        text=text[hit.start : hit.end],
        name=hit.name if hit.status == "resolved" else hit.surface,
        region_code=None if is_group else hit.code,
        group_code=hit.code if is_group else None,
        status=hit.status,  # type: ignore[arg-type]
        candidates=list(hit.candidates) if hit.status != "resolved" else [],
    )


def extract_places(plan: Plan, gazetteer: GazetteerLike | None = None) -> list[PlaceMention]:
    """Every place mention in the plan's paragraphs, in document order.

    Headings are not read: a record's offsets point into a unit's text, and a heading's places
    recur in its paragraphs.
    """
    index = index_for(gazetteer)
    whole = plan_text(plan)
    out: list[PlaceMention] = []
    for unit in plan.walk():
        text = unit.text.get(LANG, "")
        if unit.kind != "paragraph" or not text:
            continue
        out.extend(to_mention(unit.eid, text, h) for h in scan(text, index, whole) if h.is_place)
    return out
