"""The indicator registry: the reviewed file ``yrd/data/indicators.json`` as a lookup table.

Definitions, units, aggregation rules and the labels that name each indicator (the NBS
portal's ``城镇人口比重(%)``, the plan's ``常住人口城镇化率``, the shipped data's ``R&D经费投入强度``)
live in the file, not in code, so that a reviewer can read and correct them. This module
resolves labels, suggests close names for error messages, converts between the units the file
declares and links the Outline's extracted targets to their indicators.

Example:
    >>> reg = load_registry()
    >>> reg.resolve("城镇人口比重(%)").code
    'urbanization_rate'
    >>> reg.convert(12.82, "万亿元", "亿元")
    128200.0
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from yrd.errors import InputError, NotFoundError
from yrd.extract.model import Target
from yrd.stats.model import Indicator

# A trailing bracketed part: "地区生产总值(亿元)", "地区生产总值（初步核算）" (after NFKC: half-width).
_TRAILING = re.compile(r"^(.*\S)\s*\(([^()]*)\)$")


def norm(text: str) -> str:
    """A label's matching key: NFKC (full-width brackets and digits to half-width), no spaces, lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


@dataclass
class Registry:
    """Every indicator, the unit table, and indexes by name."""

    indicators: list[Indicator]
    synonyms: dict[str, str]
    dimensions: dict[str, dict[str, float]]
    _by_code: dict[str, Indicator] = field(init=False, repr=False)
    _by_name: dict[str, str] = field(init=False, repr=False)
    _unit_factor: dict[str, tuple[str, float]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_code = {i.code: i for i in self.indicators}
        self._by_name = {}
        for ind in self.indicators:
            for name in (ind.code, ind.name_zh, ind.name_en, *ind.aliases):
                key = norm(name)
                other = self._by_name.setdefault(key, ind.code)
                if other != ind.code:
                    raise ValueError(f"registry: {name!r} names both {other} and {ind.code}")
        self._unit_factor = {
            norm(unit): (dim, factor)
            for dim, units in self.dimensions.items()
            for unit, factor in units.items()
        }

    def __len__(self) -> int:
        return len(self.indicators)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def get(self, code: str) -> Indicator | None:
        """The indicator with this code, or None (like ``dict.get``)."""
        return self._by_code.get(code)

    def require(self, code: str) -> Indicator:
        """The indicator with this code.

        Raises:
            NotFoundError: no such code (the message suggests close ones).
        """
        ind = self._by_code.get(code)
        if ind is None:
            hint = self.suggest(code)
            extra = f" (did you mean {', '.join(hint)}?)" if hint else ""
            raise NotFoundError(f"no indicator {code!r}{extra}")
        return ind

    def canonical_unit(self, unit: str) -> str:
        """A unit as the registry spells it: ``μg/m³`` → ``微克/立方米``, ``倍`` → ``ratio``."""
        key = norm(unit)
        for written, canonical in self.synonyms.items():
            if norm(written) == key:
                return canonical
        for units in self.dimensions.values():
            for u in units:
                if norm(u) == key:
                    return u
        return unit.strip()

    def is_unit(self, text: str) -> bool:
        """Whether the registry knows this unit (so that "(亿元)" after a label is a unit, "(R&D)" is not)."""
        return norm(self.canonical_unit(text)) in self._unit_factor

    def split_label(self, label: str) -> tuple[str, str | None, list[str]]:
        """A label's name, its unit suffix and its other bracketed qualifiers.

        Example:
            >>> load_registry().split_label("地区生产总值（初步核算）(亿元)")
            ('地区生产总值', '亿元', ['初步核算'])
        """
        text = unicodedata.normalize("NFKC", label).strip()
        unit: str | None = None
        qualifiers: list[str] = []
        while m := _TRAILING.match(text):
            head, inner = m.group(1), m.group(2).strip()
            if head.endswith("R&D") or not head:
                break
            if unit is None and not qualifiers and self.is_unit(inner):
                unit = self.canonical_unit(inner)
            else:
                qualifiers.insert(0, inner)
            text = head
        return text, unit, qualifiers

    def resolve(self, label: str) -> Indicator | None:
        """The indicator a label names: by code, name or alias; a unit suffix ``(%)`` / ``（亿元）`` and
        trailing qualifiers ``（初步核算）`` are tolerated when the whole label is not itself a name."""
        code = self._by_name.get(norm(label))
        if code is None:
            text = unicodedata.normalize("NFKC", label).strip()
            while code is None and (m := _TRAILING.match(text)):
                text = m.group(1)
                code = self._by_name.get(norm(text))
        return self._by_code[code] if code else None

    def suggest(self, label: str, n: int = 3) -> list[str]:
        """The codes whose names come closest to a label, best first (for "did you mean" messages)."""
        key = norm(label)
        names = list(self._by_name)
        out: list[str] = []
        for name in difflib.get_close_matches(key, names, n=n * 4, cutoff=0.4):
            code = self._by_name[name]
            if code not in out:
                out.append(code)
        if not out:  # a label that contains a name, or is contained in one: 城镇化率 ~ 常住人口城镇化率
            out = [self._by_name[k] for k in names if k in key or key in k][:n]
        return list(dict.fromkeys(out))[:n]

    def convert(self, value: float, from_unit: str, to_unit: str) -> float:
        """A value in another unit of the same kind (万人 → 人, 万亿元 → 亿元, ‰ → %, 公里/百平方公里 → …).

        Raises:
            InputError: the units measure different things, or one of them is unknown.
        """
        a, b = self.canonical_unit(from_unit), self.canonical_unit(to_unit)
        if norm(a) == norm(b):
            return float(value)
        fa, fb = self._unit_factor.get(norm(a)), self._unit_factor.get(norm(b))
        if fa is None or fb is None or fa[0] != fb[0]:
            raise InputError(f"cannot convert {from_unit!r} to {to_unit!r}")
        result = float(value) * fa[1] / fb[1]
        return float(f"{result:.12g}")  # no float noise: 12.82 万亿元 is 128200 亿元, not 128200.00000000001

    def to_dict(self) -> dict[str, Any]:
        return {"indicators": [i.model_dump(mode="json") for i in self.indicators]}


def registry_from_data(data: dict[str, Any]) -> Registry:
    """A registry from the file's JSON (tests build small ones)."""
    units = data.get("units", {})
    return Registry(
        [Indicator.model_validate(i) for i in data["indicators"]],
        dict(units.get("synonyms", {})),
        {dim: {u: float(f) for u, f in us.items()} for dim, us in units.get("dimensions", {}).items()},
    )


@cache
def load_registry() -> Registry:
    """The shipped registry, read once per process."""
    text = (resources.files("yrd") / "data" / "indicators.json").read_text(encoding="utf-8")
    return registry_from_data(json.loads(text))


def link_targets(registry: Registry, targets: Iterable[Target]) -> dict[str, str]:
    """Each extracted target's id → the code of the indicator it is measured by (by its wording).

    A scope word the extractor kept at the start of the wording (``中心区城乡居民收入差距``) names the
    region group, not the indicator, and is dropped when the whole wording names nothing. Targets
    whose wording names no indicator are left out; the caller can list them.
    """
    from yrd.extract.numbers import SCOPES
    from yrd.extract.pipeline import record_id

    links: dict[str, str] = {}
    for target in targets:
        ind = registry.resolve(target.indicator)
        if ind is None:
            word = next((w for w, _code in SCOPES if target.indicator.startswith(w)), None)
            if word and len(target.indicator) > len(word):
                ind = registry.resolve(target.indicator[len(word) :])
        if ind is not None:
            links[record_id(target)] = ind.code
    return links
