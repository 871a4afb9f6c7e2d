"""Responsible bodies: the regions of the gazetteer (provinces, cities, counties) and the bodies the
plans name that are not regions (the leading group's office, NDRC, …), with their names."""

from __future__ import annotations

from collections.abc import Iterable

from yrd.errors import InputError
from yrd.extract.actors import actor_names
from yrd.regions.gazetteer import load_gazetteer


def body_name(code: str, lang: str = "zh") -> str:
    """A body's name in one language (English for regions; the Chinese name of other bodies, whose
    codes are English already)."""
    region = load_gazetteer().get(code)
    if region is not None:
        return region.name_zh if lang == "zh" else region.name_en
    names = actor_names()
    if code in names:
        return names[code] if lang == "zh" else code.replace("_", " ")
    return code


def is_body(code: str) -> bool:
    return load_gazetteer().get(code) is not None or code in actor_names()


def check_bodies(bodies: Iterable[str], field: str = "bodies") -> list[str]:
    """The codes, deduplicated in order; InputError naming the unknown ones."""
    wanted = list(dict.fromkeys(b.strip() for b in bodies if b and b.strip()))
    unknown = [b for b in wanted if not is_body(b)]
    if unknown:
        raise InputError(
            f"{field}: unknown responsible body {', '.join(unknown)} (use a GB/T 2260 region code such "
            f"as 340000 for Anhui, or one of {', '.join(sorted(actor_names()))})"
        )
    return wanted
