"""Every URL of the Evaluation pages (dashboard, a target, methods, map, disparity, composite index),
built here so that pages, scripts and tests agree.

Example:
    >>> dashboard(period=2023, headline="eurostat")
    '/evaluation?period=2023&headline=eurostat'
    >>> target_page("target:chp_2__sec_4__para_3:94-106")
    '/evaluation/target:chp_2__sec_4__para_3:94-106'
    >>> map_data("indicator:gdp", "province")
    '/map/data?show=indicator%3Agdp&level=province'
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

LEVELS: tuple[str, ...] = ("province", "city")


def _query(**params: str | int | None) -> str:
    args = {k: str(v) for k, v in params.items() if v not in (None, "")}
    return "?" + urlencode(args) if args else ""


def dashboard(period: int | None = None, headline: str | None = None) -> str:
    return "/evaluation" + _query(period=period, headline=headline)


def target_page(target_id: str, period: int | None = None, headline: str | None = None) -> str:
    """One target's page; ids hold ``:`` and ``-`` only besides word characters."""
    return f"/evaluation/{quote(target_id, safe=':')}" + _query(period=period, headline=headline)


def region_anchor(region: str) -> str:
    """The id of a region's section on a target page."""
    return f"r-{quote(region, safe='')}"


def methods_page(method: str | None = None) -> str:
    return "/methods" + (f"#{quote(method, safe='')}" if method else "")


def map_page(show: str | None = None, level: str | None = None, year: int | None = None) -> str:
    """The map view; ``show`` is ``indicator:CODE`` or ``target:ID``."""
    return "/map" + _query(show=show, level=level, year=year)


def map_data(show: str, level: str = "province") -> str:
    """The values behind the map, every year at once (the year slider needs no request)."""
    return "/map/data" + _query(show=show, level=level)


def disparity_page(indicator: str, level: str | None = None) -> str:
    return f"/disparity/{quote(indicator, safe='')}" + _query(level=level)


def index_page(**choices: str | None) -> str:
    return "/index-composite" + _query(**choices)


def api_evaluation() -> str:
    return "/api/evaluation"


def api_index() -> str:
    return "/api/index"


def api_disparity(indicator: str) -> str:
    return f"/api/disparity/{quote(indicator, safe='')}"
