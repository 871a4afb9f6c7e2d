"""Named projects: railways, crossings, airports, ports, waterways, energy and water works, parks,
platforms and science facilities, each typed and placed.

The genre names a project as a proper-name prefix followed by a head noun (北沿江高铁, 南通新机场,
合肥国际航空货运集散中心); ``yrd/data/project_types.json`` maps the heads to types. Nothing here
lists this document's projects. A paragraph is read clause by clause (split at ，。；：), and each
clause into segments at 、和及:

1. **Chunks.** Each head noun is extended to the left over the name until a verb (规划建设), a
   function word (的, 等) or a segment boundary; a later head swallows an earlier one it reaches
   (沿江高铁武合宁通道). A head followed by 群/网/体系 … describes something else (港口群).
2. **Names, not descriptions.** The prefix must not be made only of generic modifiers (省际, 区域性,
   重点); a *generic* head (平台, 中心, 基地, 工程 …) also needs evidence of a proper name: a place or
   area, a river or lake name, a code such as G60, or the Delta (长三角X).
3. **Enumerations.** Segments joined by 、和及 form a list. In "常泰、龙潭、苏通第二、崇海等过江通道"
   the category after 等 names every item (常泰过江通道 …); in "浙江宁海、长龙山、衢江和安徽绩溪、
   金寨抽水蓄能电站" the last item's head is shared. A bare item among headed items takes the list's
   type (沪苏湖 among railways is 沪苏湖铁路). Each item keeps its own span.
4. **Names carrying no head** follow the genre's patterns (引江济淮, 皖电东送).

A province written before a place qualifies it and is dropped from the name (安徽合肥综合性国家科学
中心 → 合肥综合性国家科学中心) but kept in the places; in a list it carries over to the items after
it (浙江宁海、长龙山 → 长龙山 is in Zhejiang).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from yrd.documents.model import Plan
from yrd.extract.model import Project
from yrd.extract.places import GEO_NAME, GazetteerLike, Hit, PlaceIndex, index_for, plan_text, scan

LANG = "zh"


def _load() -> dict[str, Any]:
    return json.loads((resources.files("yrd") / "data" / "project_types.json").read_text(encoding="utf-8"))


_DATA = _load()
HEADS: dict[str, str] = _DATA["heads"]
GENERIC_HEADS: frozenset[str] = frozenset(_DATA["generic_heads"])
TYPES: tuple[str, ...] = (
    "railway",
    "expressway",
    "crossing",
    "airport",
    "port",
    "waterway",
    "energy",
    "water",
    "park",
    "platform",
    "science_facility",
    "other",
)
_HINT_ORDER = ("airport", "waterway", "port", "energy", "water", "railway", "science_facility")
_HINTS: dict[str, tuple[str, ...]] = {t: tuple(_DATA["hints"].get(t, ())) for t in _HINT_ORDER}
_CANONICAL: dict[str, str] = _DATA["canonical_head"]
_NAME_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), t) for p, t in _DATA["name_patterns"].items()
)
_MODIFIERS: tuple[str, ...] = tuple(sorted(_DATA["generic_modifiers"], key=len, reverse=True))
_MODIFIER_SET: frozenset[str] = frozenset(m for m in _MODIFIERS if len(m) > 1)
_MODIFIER_LENGTHS: tuple[int, ...] = tuple(sorted({len(m) for m in _MODIFIER_SET}, reverse=True))
_LEADING_MODIFIERS = re.compile("(?:" + "|".join(map(re.escape, _MODIFIERS)) + ")*")
_BLOCKERS: tuple[str, ...] = tuple(_DATA["head_blockers"])
_VERBS: tuple[str, ...] = tuple(sorted(_DATA["boundary_verbs"], key=len, reverse=True))
_FUNCTION = frozenset(_DATA["function_words"])
_PHASES: tuple[str, ...] = tuple(sorted(_DATA["phase"], key=len, reverse=True))
_ZONE_ENDINGS: str = _DATA["item_stops"]["zone_endings"]
_DIRECTIONS: tuple[str, ...] = tuple(_DATA["item_stops"]["directions"])
_SHARED_FOLLOWERS: tuple[str, ...] = tuple(_DATA["shared_followers"])
_ACTIONS: tuple[str, ...] = tuple(sorted(_DATA["actions"], key=len, reverse=True))
_HEAD_INDEX: dict[str, tuple[str, ...]] = {}
for _word in sorted(HEADS, key=len, reverse=True):
    _HEAD_INDEX[_word[0]] = (*_HEAD_INDEX.get(_word[0], ()), _word)

_NOT_HEADS: tuple[str, ...] = tuple(_DATA["not_heads"])
_HEAD_RE = re.compile(
    "(?:"
    + "|".join(map(re.escape, sorted([*HEADS, *_NOT_HEADS], key=len, reverse=True)))
    + ")"
    + "(?!"
    + "|".join(map(re.escape, _BLOCKERS))
    + ")"
)
_VERB_RE = re.compile("|".join(map(re.escape, _VERBS)))
_COMPONENT_JOINERS = ("以及", "及", "和")
_PAREN = re.compile(r"（[^（）]{1,6}）")
_CLAUSE_STOPS = re.compile(r"[，。；：！？《》「」\n]")
_SEPARATORS = re.compile(r"以及|[、和及]")
_CODE = re.compile(r"[A-Z]+\d+")
# Words in which a function word's character is part of the word (高等级, 自由, 长江南京以下).
_FUNCTION_IN_WORDS: dict[str, tuple[str, ...]] = {}
for _w in _DATA["function_word_exceptions"]:
    for _ch in set(_w) & _FUNCTION:
        _FUNCTION_IN_WORDS[_ch] = (*_FUNCTION_IN_WORDS.get(_ch, ()), _w)


@dataclass(frozen=True)
class _Head:
    start: int
    end: int
    word: str

    @property
    def type(self) -> str:
        return HEADS[self.word]

    @property
    def generic(self) -> bool:
        return self.word in GENERIC_HEADS


@dataclass
class _Chunk:
    """A head with the name before it."""

    start: int
    end: int
    head: _Head
    inner: list[_Head] = field(default_factory=list)


@dataclass
class _Item:
    """One item of a segment: its characters and, when it ends in a head, its chunk."""

    start: int
    end: int
    chunk: _Chunk | None = None
    pattern_type: str | None = None


@dataclass
class _Segment:
    start: int
    end: int
    item: _Item | None
    category: tuple[int, int, list[_Head]] | None = None  # after 等
    action: str | None = None


@dataclass
class _Found:
    """A project before it becomes a record."""

    start: int
    end: int
    name: str
    type: str
    action: str | None
    places: list[str]


# -- heads and chunks ------------------------------------------------------------------------------


def find_heads(text: str) -> list[_Head]:
    """Every head noun of the text, the longest at each position, not where it modifies a noun.

    A head may be split by a short parenthesis (接收（转运）站 is a 接收站).
    """
    heads = [_Head(m.start(), m.end(), m.group()) for m in _HEAD_RE.finditer(text) if m.group() in HEADS]
    for m in _PAREN.finditer(text):
        left, right = text[max(0, m.start() - 4) : m.start()], text[m.end() : m.end() + 4]
        for h in _HEAD_RE.finditer(left + right):
            if h.start() < len(left) < h.end() and h.group() in HEADS:
                start = m.start() - (len(left) - h.start())
                heads.append(_Head(start, m.end() + h.end() - len(left), h.group()))
    heads.sort(key=lambda h: h.start)
    return [
        h for k, h in enumerate(heads) if not any(o.start <= h.start and h.end < o.end for o in heads[:k])
    ]


def _is_function(text: str, i: int) -> bool:
    ch = text[i]
    if ch not in _FUNCTION:
        return False
    return not any(text.startswith(w, i - w.index(ch)) for w in _FUNCTION_IN_WORDS.get(ch, ()))


def boundaries(text: str) -> frozenset[int]:
    """Positions a name cannot extend to the left of: right after a verb or a function word."""
    ends: set[int] = set()
    for verb in _VERBS:
        j = text.find(verb)
        while j >= 0:
            ends.add(j + len(verb))
            j = text.find(verb, j + 1)
    ends.update(i + 1 for i, ch in enumerate(text) if ch in _FUNCTION and _is_function(text, i))
    return frozenset(ends)


def name_start(stops: frozenset[int], end: int, floor: int) -> int:
    """Where a name ending at ``end`` begins: after the last verb or function word before it."""
    i = end
    while i > floor and i not in stops:
        i -= 1
    return i


def _phase_end(text: str, end: int) -> int:
    word = next((p for p in _PHASES if text.startswith(p, end)), None)
    return end + len(word) if word else end


def chunks(text: str, stops: frozenset[int], heads: Sequence[_Head], start: int, end: int) -> list[_Chunk]:
    """The chunks of one stretch of text, right to left so that an outer head swallows inner ones."""
    out: list[_Chunk] = []
    inside = [h for h in heads if start <= h.start and h.end <= end]
    for head in reversed(inside):
        if out and out[-1].start <= head.start:
            out[-1].inner.append(head)
            continue
        s = name_start(stops, head.start, start)
        out.append(_Chunk(s, min(_phase_end(text, head.end), end), head))
    return list(reversed(out))


# -- names and evidence ----------------------------------------------------------------------------


def strip_modifiers(prefix: str) -> str:
    """The prefix less the generic modifiers (省际, 区域性, 重点 …) at its start and its end.

    One-character modifiers (新, 大) go only from the start: 合新 is a route, not 合 + 新.
    """
    prefix = prefix[_LEADING_MODIFIERS.match(prefix).end() :]  # type: ignore[union-attr]
    while prefix:
        cut = next((n for n in _MODIFIER_LENGTHS if prefix[-n:] in _MODIFIER_SET), 0)
        if not cut:
            break
        prefix = prefix[:-cut]
    return prefix


def _has_evidence(text: str, start: int, end: int, places: Sequence[Hit]) -> bool:
    """Whether text[start:end] carries a proper name: a place, an area, a river, a code."""
    part = text[start:end]
    if any(start <= h.start and h.end <= end for h in places):
        return True
    return bool(_CODE.search(part) or GEO_NAME.search(part))


def _prefix_ok(prefix: str) -> bool:
    """A prefix that names: not empty, not only modifiers, not starting with a head (港区进港铁路)."""
    core = strip_modifiers(prefix)
    if len(core) < 2 and not _CODE.search(core):
        return False
    return not any(core.startswith(h) for h in _HEAD_INDEX.get(core[0], ()))


def chunk_type(text: str, chunk: _Chunk) -> str:
    """The type of a chunk: its head's, or for a generic head what the words inside say."""
    head = chunk.head
    inner_types = [h.type for h in chunk.inner if h.type != head.type]
    if head.type == "crossing" and inner_types:
        return inner_types[0]  # 特高压交流输电工程过江通道 is the power line's crossing
    if not head.generic:
        return head.type
    part = text[chunk.start : chunk.end]
    patterned = next((t for p, t in _NAME_PATTERNS if p.search(part)), None)
    return patterned or hint_type(part) or head.type


def hint_type(part: str) -> str | None:
    """The type the words of a name suggest (航空 → airport, 天然气 → energy), if any."""
    return next((kind for kind in _HINT_ORDER if any(w in part for w in _HINTS[kind])), None)


def chunk_ok(text: str, chunk: _Chunk, places: Sequence[Hit]) -> bool:
    """Whether a chunk names a project rather than describes a kind of work."""
    if (
        chunk.start > 0
        and text[chunk.start - 1] == "的"
        and not _has_evidence(text, chunk.start, chunk.end, places)
    ):
        return False
    if not _prefix_ok(text[chunk.start : chunk.head.start]):
        return False
    return not chunk.head.generic or _has_evidence(text, chunk.start, chunk.end, places)


def _pattern_type(name: str) -> str | None:
    return next((t for p, t in _NAME_PATTERNS if p.fullmatch(name)), None)


# -- segments and lists ----------------------------------------------------------------------------


def _segments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    pos = start
    for m in _SEPARATORS.finditer(text, start, end):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, end))
    return [(s, e) for s, e in out if e > s]


def _category_heads(text: str, mark: int, end: int, heads: Sequence[_Head]) -> list[_Head]:
    """The heads of the category after 等: those reached without a verb between (等在建项目, not
    等原则下…开展以洋山港)."""
    return [
        h for h in heads if mark < h.start and h.end <= end and not _VERB_RE.search(text, mark + 1, h.start)
    ]


def _category_mark(text: str, start: int, end: int, heads: Sequence[_Head]) -> int | None:
    """Position of the 等 that ends a list with a category (等过江通道), if the segment has one."""
    for i in range(start, end):
        if text[i] == "等" and _is_function(text, i) and _category_heads(text, i, end, heads):
            return i
    return None


def _trailing_action(text: str, pos: int, end: int) -> str | None:
    if pos < end and text[pos] == "的":
        pos += 1
    return next((a for a in _ACTIONS if text.startswith(a, pos)), None)


def _leading_action(text: str, pos: int) -> str | None:
    return next((a for a in _ACTIONS if text.endswith(a, 0, pos)), None)


def _segment(
    text: str, stops: frozenset[int], start: int, end: int, heads: Sequence[_Head]
) -> tuple[_Segment, list[_Chunk]]:
    """One segment: its item (bare or headed), its category after 等, and all its chunks."""
    mark = _category_mark(text, start, end, heads)
    item_end = mark if mark is not None else end
    found = chunks(text, stops, heads, start, item_end)
    category = None
    action_from = item_end
    if mark is not None:
        cat_heads = _category_heads(text, mark, end, heads)
        cat_end = _phase_end(text, cat_heads[-1].end)
        category = (mark + 1, cat_end, cat_heads)
        action_from = cat_end
    elif found:
        item_end = found[-1].end  # what follows the last name is its action or a noun (地位, 功能)
        action_from = item_end
    else:
        action = next((a for a in _ACTIONS if text.endswith(a, start, end)), None)
        item_end = end - len(action) if action else end
        action_from = item_end
    item_start = name_start(stops, item_end, start)
    item = None
    if item_end > item_start:
        chunk = next((c for c in found if c.start == item_start and c.end == item_end), None)
        item = _Item(item_start, item_end, chunk, _pattern_type(text[item_start:item_end]))
    seg = _Segment(start, end, item, category, _trailing_action(text, action_from, end))
    return seg, found


def _lists(segments: Sequence[_Segment]) -> list[list[_Segment]]:
    """Consecutive segments of a clause, a list ending where a category (等X) closes it."""
    out: list[list[_Segment]] = []
    current: list[_Segment] = []
    for seg in segments:
        current.append(seg)
        if seg.category is not None:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


# -- places and names ------------------------------------------------------------------------------


def _within_place(head: _Head, places: Sequence[Hit]) -> bool:
    return any(p.start <= head.start and head.end <= p.end and p.kind != "abbr" for p in places)


def _hits_in(places: Sequence[Hit], start: int, end: int) -> list[Hit]:
    return [h for h in places if start <= h.start and h.end <= end]


def _qualifier(places: Sequence[Hit], start: int, end: int) -> Hit | None:
    """A province written at the start of a name and followed by a place (安徽合肥)."""
    inside = _hits_in(places, start, end)
    if len(inside) < 2 or inside[0].start != start or inside[1].start != inside[0].end:
        return None
    first = inside[0]
    return first if first.kind == "region" and first.level == "province" else None


def _codes(places: Sequence[Hit], index: PlaceIndex, inherited: str | None = None) -> list[str]:
    """Division codes of the places in a name, less a province when one of its divisions is there."""
    codes = list(dict.fromkeys(h.region_code for h in places if h.region_code))
    if not codes and inherited:
        codes = [inherited]
    return [c for c in codes if not any(o != c and index.within(o, c) for o in codes)]


@dataclass
class _Reader:
    """Reads the projects of one paragraph."""

    text: str
    places: list[Hit]
    index: PlaceIndex
    heads: list[_Head] = field(default_factory=list)
    stops: frozenset[int] = frozenset()
    found: list[_Found] = field(default_factory=list)

    def name_of(self, start: int, end: int, tail: str = "") -> str:
        qual = _qualifier(self.places, start, end)
        begin = qual.end if qual else start
        return self.text[begin:end] + tail

    def places_of(self, start: int, end: int, inherited: str | None = None) -> list[str]:
        return _codes(_hits_in(self.places, start, end), self.index, inherited)

    def add(self, start: int, end: int, name: str, kind: str, action: str | None, places: list[str]) -> None:
        if not any(f.start < end and start < f.end for f in self.found):
            self.found.append(_Found(start, end, name, kind, action, places))

    def read(self) -> list[_Found]:
        # a head inside a place's own name (临港, 连云港, 大通道) is part of the place
        self.heads = [h for h in find_heads(self.text) if not _within_place(h, self.places)]
        self.stops = boundaries(self.text)
        pos = 0
        for m in _CLAUSE_STOPS.finditer(self.text + "\n"):
            if m.start() > pos:
                self.clause(pos, m.start())
            pos = m.end()
        self.patterns()
        return sorted(self.found, key=lambda f: f.start)

    def clause(self, start: int, end: int) -> None:
        segs: list[_Segment] = []
        all_chunks: list[_Chunk] = []
        for s, e in _segments(self.text, start, end):
            seg, found = self._segment_of(s, e)
            segs.append(seg)
            all_chunks.extend(found)
        previous_action = _leading_action(self.text, segs[0].item.start) if segs and segs[0].item else None
        for group in _lists(segs):
            previous_action = self.list_(group, previous_action)
        for chunk in all_chunks:  # chunks that are not a list's item stand alone
            action = _trailing_action(self.text, chunk.end, end) or _leading_action(self.text, chunk.start)
            if chunk_ok(self.text, chunk, self.places):
                name = self.name_of(chunk.start, chunk.end)
                self.add(
                    chunk.start,
                    chunk.end,
                    name,
                    chunk_type(self.text, chunk),
                    action,
                    self.places_of(chunk.start, chunk.end),
                )
            elif (owner := self._owner(chunk)) is not None:
                self.add(
                    chunk.start,
                    chunk.end,
                    owner.name + self.text[chunk.start : chunk.end],
                    chunk_type(self.text, chunk),
                    action,
                    list(owner.places),
                )

    def _owner(self, chunk: _Chunk) -> _Found | None:
        """The project a nameless chunk belongs to: 滨海LNG接收站及外输管道 is the terminal's pipeline."""
        before = self.text[: chunk.start]
        joiner = next((j for j in _COMPONENT_JOINERS if before.endswith(j)), None)
        if joiner is None:
            return None
        return next((f for f in self.found if f.end == chunk.start - len(joiner)), None)

    def _segment_of(self, start: int, end: int) -> tuple[_Segment, list[_Chunk]]:
        return _segment(self.text, self.stops, start, end, self.heads)

    def list_(self, group: list[_Segment], before: str | None) -> str | None:
        """The projects of one list; returns its action, which a list joined to it by 和 shares."""
        items = [s.item for s in group if s.item is not None]
        if not items:
            return before
        last = group[-1]
        lead = _leading_action(self.text, items[0].start)
        action = last.action or lead or before
        kind, tail = self._list_type(group, items)
        if kind is None:
            return action
        anchored = self._anchored(group, items, kind) and self._shares(group, items)
        qualifier: str | None = None
        for item in items:
            qual = _qualifier(self.places, item.start, item.end)
            qualifier = qual.region_code if qual else qualifier
            self._item(item, kind, tail, anchored, action, qualifier)
        return action

    def _shares(self, group: list[_Segment], items: list[_Item]) -> bool:
        """Whether bare items can take the list's head: not when one of them names something else.

        In "在上海大治河以南…、浦东机场南侧区域" or "…浙江国家信息经济示范区、苏州工业园区" the bare
        items are places or zones of their own. After 等 the category names them all, unless it is a
        mere description (城乡基础设施) and the items are only places (苏北、浙西南、皖北).
        """
        bare_items = [i for i in items if i.chunk is None and not i.pattern_type]
        bare = [self.text[i.start : i.end] for i in bare_items]
        if any(any(d in b for d in _DIRECTIONS) for b in bare):
            return False
        last = group[-1]
        if last.category is None:
            final = items[-1].chunk
            after = self.text[final.end : last.end] if final else ""
            follows = (
                not after or after[0] == "的" or after.startswith((*_ACTIONS, *_VERBS, *_SHARED_FOLLOWERS))
            )
            return follows and all(
                len(b) <= 10 and (b[-1] not in _ZONE_ENDINGS or self._only_places(i))
                for b, i in zip(bare, bare_items, strict=True)
            )
        c_start, _, c_heads = last.category
        described = not strip_modifiers(self.text[c_start : c_heads[-1].start])
        if described and all(c.generic for c in c_heads):
            return not any(self._only_places(i) for i in items if i.chunk is None)
        return True

    def _only_places(self, item: _Item) -> bool:
        covered = sum(h.end - h.start for h in _hits_in(self.places, item.start, item.end))
        return covered == item.end - item.start

    def _list_type(self, group: list[_Segment], items: list[_Item]) -> tuple[str | None, str]:
        """The type a list gives its bare items, and the head their names get."""
        last = group[-1]
        typed = [chunk_type(self.text, i.chunk) for i in items if i.chunk and not i.chunk.head.generic]
        majority = Counter(typed).most_common(1)[0][0] if typed else None
        if last.category is not None:
            c_start, c_end, c_heads = last.category
            specific = next((h for h in c_heads if not h.generic), None)
            if specific is not None:
                span = self.text[c_start : specific.end]
                tail = span if strip_modifiers(span) == span else specific.word
                return specific.type, tail
            hinted = hint_type(self.text[c_start:c_end])
            words = self.text[c_start : c_heads[-1].start]
            if words and strip_modifiers(words) == words:
                return hinted or majority or c_heads[-1].type, self.text[c_start:c_end]  # 中德中小企业合作区
            if hinted is None and majority is not None:
                return majority, _CANONICAL[majority]
            return hinted or c_heads[-1].type, c_heads[-1].word
        final = items[-1].chunk
        if final is None:
            return None, ""
        kind = chunk_type(self.text, final)
        if majority and final.head.generic and kind != majority:
            return majority, _CANONICAL[majority]
        return kind, self._shared_tail(final)

    def _shared_tail(self, chunk: _Chunk) -> str:
        """What the items of a list share: the last item after its leading places (合肥区域航空枢纽 →
        区域航空枢纽), or, when it starts with no place, its head with the modifiers before it."""
        end = chunk.start
        for hit in _hits_in(self.places, chunk.start, chunk.head.start):
            if hit.start != end:
                break
            end = hit.end
        if end > chunk.start:
            return self.text[end : chunk.end]
        core = self.text[chunk.start : chunk.head.start]
        while (m := next((m for m in _MODIFIERS if core.endswith(m)), None)) is not None:
            core = core[: -len(m)]
        return self.text[chunk.start + len(core) : chunk.end]

    def _anchored(self, group: list[_Segment], items: list[_Item], kind: str) -> bool:
        """Whether the list's bare items are names: a specific head or category, or evidence enough."""
        last = group[-1]
        if last.category is not None and any(not h.generic for h in last.category[2]):
            return True
        if any(
            i.chunk and not i.chunk.head.generic and chunk_ok(self.text, i.chunk, self.places) for i in items
        ):
            return True
        final = items[-1].chunk
        if final is not None and not chunk_ok(self.text, final, self.places):
            return False
        named = sum(_has_evidence(self.text, i.start, i.end, self.places) for i in items)
        return named * 2 >= len(items)

    def _item(
        self, item: _Item, kind: str, tail: str, anchored: bool, action: str | None, qualifier: str | None
    ) -> None:
        text = self.text
        if item.pattern_type:
            self.add(
                item.start,
                item.end,
                text[item.start : item.end],
                item.pattern_type,
                action,
                self.places_of(item.start, item.end, qualifier),
            )
            return
        if item.chunk is not None:
            chunk = item.chunk
            good = chunk_ok(text, chunk, self.places)
            if not good and (owner := self._owner(chunk)) is not None:
                self.add(
                    chunk.start,
                    chunk.end,
                    owner.name + text[chunk.start : chunk.end],
                    chunk_type(text, chunk),
                    action,
                    list(owner.places),
                )
                return
            if good or (anchored and _prefix_ok(text[chunk.start : chunk.head.start])):
                own = chunk_type(text, chunk)
                kind_here = kind if own == "other" else own  # 宁杭二通道 among railways
                self.add(
                    chunk.start,
                    chunk.end,
                    self.name_of(chunk.start, chunk.end),
                    kind_here,
                    action,
                    self.places_of(chunk.start, chunk.end),
                )
            return
        bare = text[item.start : item.end]
        if not anchored or not _prefix_ok(bare) or len(bare) > 16:
            return
        if not _has_evidence(text, item.start, item.end, self.places) and not self._specific(kind, tail):
            return
        self.add(
            item.start,
            item.end,
            self.name_of(item.start, item.end, tail),
            kind,
            action,
            self.places_of(item.start, item.end, qualifier),
        )
        return

    @staticmethod
    def _specific(kind: str, tail: str) -> bool:
        heads = [h for h in HEADS if tail.endswith(h)]
        return any(h not in GENERIC_HEADS for h in heads) or kind in ("railway", "expressway", "crossing")

    def patterns(self) -> None:
        """Names with no head noun (引江济淮, 皖电东送), where no project was found already."""
        for pattern, kind in _NAME_PATTERNS:
            for m in pattern.finditer(self.text):
                end = _phase_end(self.text, m.end())
                action = _leading_action(self.text, m.start())
                self.add(m.start(), end, self.text[m.start() : end], kind, action, [])


def read_projects(text: str, places: list[Hit], index: PlaceIndex) -> list[_Found]:
    """The projects of one paragraph's text, given its place hits."""
    return _Reader(text, places, index).read()


def extract_projects(plan: Plan, gazetteer: GazetteerLike | None = None) -> list[Project]:
    """Every named project in the plan's paragraphs, in document order."""
    index = index_for(gazetteer)
    whole = plan_text(plan)
    out: list[Project] = []
    for unit in plan.walk():
        text = unit.text.get(LANG, "")
        if unit.kind != "paragraph" or not text:
            continue
        for f in read_projects(text, scan(text, index, whole), index):
            out.append(
                Project(
                    eid=unit.eid,
                    lang=LANG,
                    start=f.start,
                    end=f.end,
                    text=text[f.start : f.end],
                    name=f.name,
                    type=f.type,
                    action=f.action,
                    places=f.places,
                )
            )
    return out
