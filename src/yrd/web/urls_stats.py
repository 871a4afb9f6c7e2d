"""Every URL of the Statistics pages and downloads, built here so that pages, API and tests agree.

Example:
    >>> indicator_page("rd_intensity")
    '/indicators/rd_intensity'
    >>> indicator_download("sdmx-csv", "gdp")
    '/api/indicators/gdp/observations.sdmx.csv'
    >>> download("csv", region="310000")
    '/api/observations.csv?region=310000'
    >>> api_groups("gdp", groups="yrd,central-area")
    '/api/indicators/gdp/groups?groups=yrd%2Ccentral-area'
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

# The file extension of each export format (`yrd.stats.exporters.EXPORT_FORMATS`) in download URLs.
EXTENSIONS: dict[str, str] = {"csv": "csv", "xlsx": "xlsx", "json": "json", "sdmx-csv": "sdmx.csv"}


def _query(**params: str | None) -> str:
    args = {k: v for k, v in params.items() if v}
    return "?" + urlencode(args) if args else ""


def indicators_page() -> str:
    return "/indicators"


def indicator_page(code: str, as_of: str | None = None) -> str:
    """One indicator; with ``as_of``, its figures as published by that date."""
    return f"/indicators/{quote(code)}" + _query(as_of=as_of)


def value_anchor(region: str, period: str) -> str:
    """The id of one value's row in an indicator page's table."""
    return f"v-{quote(region, safe='')}-{quote(period, safe='')}"


def region_page(code: str, as_of: str | None = None) -> str:
    """All indicators of one region (or region group); with ``as_of``, as published by that date."""
    return f"/regions/{quote(code)}/statistics" + _query(as_of=as_of)


def coverage_page() -> str:
    return "/statistics/coverage"


def api_indicators(counts: bool = False) -> str:
    return "/api/indicators" + ("?counts=true" if counts else "")


def api_indicator(code: str) -> str:
    return f"/api/indicators/{quote(code)}"


def api_series(code: str, **params: str | None) -> str:
    """Chart series (filters: region, group, as_of; ``groups``: group series with computed points)."""
    return f"/api/indicators/{quote(code)}/series" + _query(**params)


def api_groups(code: str, **params: str | None) -> str:
    """Group values, reported or computed (filters: period, as_of, groups)."""
    return f"/api/indicators/{quote(code)}/groups" + _query(**params)


def api_observations(**params: str | None) -> str:
    """The observations (filters: indicator, region, group, period, as_of, vintage)."""
    return "/api/observations" + _query(**params)


def api_coverage() -> str:
    return "/api/statistics/coverage"


def api_import() -> str:
    return "/api/observations/import"


def download(fmt: str, **params: str | None) -> str:
    """All observations in one export format, narrowed by the filters of ``/api/observations``."""
    return f"/api/observations.{EXTENSIONS[fmt]}" + _query(**params)


def indicator_download(fmt: str, code: str, **params: str | None) -> str:
    """One indicator's observations in one export format (filters: region, group, as_of, vintage)."""
    return f"/api/indicators/{quote(code)}/observations.{EXTENSIONS[fmt]}" + _query(**params)
