"""Responsible bodies: the provinces and cities of the Delta (GB/T 2260 codes, from the shipped
gazetteer) and the bodies the plans name that are not regions (the leading group's office, NDRC, …).
The one list every check of a body code reads."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from yrd.errors import InputError
from yrd.extract.actors import actor_names
from yrd.regions.gazetteer import load_gazetteer

LEVELS = ("province", "prefecture")


@cache
def known_bodies() -> dict[str, str]:
    """Every body code with its Chinese name."""
    names = {r.code: r.name_zh for r in load_gazetteer().regions if r.level in LEVELS}
    names.update(actor_names())
    return names


def body_name(code: str, lang: str = "zh") -> str:
    """A body's name in one language (English for regions; the Chinese name of other bodies, whose
    codes are English words already)."""
    region = load_gazetteer().get(code)
    if region is not None:
        return region.name_zh if lang == "zh" else region.name_en
    names = actor_names()
    if code in names:
        return names[code] if lang == "zh" else code.replace("_", " ")
    return code


def check_body(code: object, what: str = "body") -> str:
    """A known body code.

    Raises:
        InputError: not a province, city or named body.
    """
    if not isinstance(code, str) or code.strip() not in known_bodies():
        raise InputError(
            f"{what}: {code!r} is not a responsible body: use a province or city code (GB/T 2260, e.g. "
            f"340000 for Anhui) or one of {', '.join(sorted(actor_names()))}"
        )
    return code.strip()


def check_bodies(codes: object, what: str = "bodies") -> list[str]:
    """Known body codes, duplicates dropped, in the order given."""
    if isinstance(codes, str) or not isinstance(codes, Iterable):
        raise InputError(f"{what} must be a list of body codes, not {codes!r}")
    return list(
        dict.fromkeys(
            check_body(code, what) for code in codes if not (isinstance(code, str) and not code.strip())
        )
    )
