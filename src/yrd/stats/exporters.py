"""Observations out: CSV, Excel, JSON records and SDMX-CSV 1.0.

Every format carries the same fields (region code, indicator code, period, value, unit, status,
source, note, vintage), so a download can be imported again. SDMX-CSV follows the SDMX-CSV 1.0
field guide (SDMX 2.1): the first column ``DATAFLOW`` holds the dataflow as ``AGENCY:ID(VERSION)``
— here ``YRD:YRD_OBS(1.0)`` — then the dimensions ``REF_AREA`` (GB/T 2260 or group code) and
``INDICATOR`` (registry code), then ``TIME_PERIOD`` and ``OBS_VALUE``, then the attributes
``UNIT_MEASURE``, ``OBS_STATUS`` (SDMX CL_OBS_STATUS: A normal, P provisional, E estimated),
``SOURCE``, ``COMMENT`` and ``VINTAGE``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from yrd.errors import InputError

EXPORT_FORMATS = ("csv", "xlsx", "json", "sdmx-csv")
COLUMNS = (
    "region",
    "indicator",
    "period",
    "value",
    "unit",
    "status",
    "source",
    "note",
    "published",
    "vintage",
)
DATAFLOW = "YRD:YRD_OBS(1.0)"
SDMX_COLUMNS = (
    "DATAFLOW",
    "REF_AREA",
    "INDICATOR",
    "TIME_PERIOD",
    "OBS_VALUE",
    "UNIT_MEASURE",
    "OBS_STATUS",
    "SOURCE",
    "COMMENT",
    "VINTAGE",
)
# Our statuses in SDMX's CL_OBS_STATUS; a revision is a normal value with a higher vintage.
OBS_STATUS = {"official": "A", "revised": "A", "secondary": "A", "provisional": "P", "estimate": "E"}


def number(value: float) -> str:
    """A value as text without float noise or a spurious ".0" (128222, not 128222.0)."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def records(observations: Iterable[Any]) -> list[dict[str, Any]]:
    """Observations (the store's `Observation`s) as plain records with the export's fields."""
    out = []
    for o in observations:
        d = o.model_dump() if hasattr(o, "model_dump") else dict(o)
        out.append({k: d.get(k) for k in COLUMNS})
    return out


def to_csv(rows: list[dict[str, Any]]) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(COLUMNS), lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({**r, "value": number(r["value"]), "published": r.get("published") or ""})
    return buf.getvalue().encode("utf-8")


def to_json(rows: list[dict[str, Any]]) -> bytes:
    text = json.dumps({"data": rows, "count": len(rows)}, ensure_ascii=False, indent=1)
    return (text + "\n").encode("utf-8")


def to_sdmx_csv(rows: list[dict[str, Any]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(SDMX_COLUMNS)
    for r in rows:
        status = OBS_STATUS.get(r["status"], "A")
        w.writerow(
            [
                DATAFLOW,
                r["region"],
                r["indicator"],
                r["period"],
                number(r["value"]),
                r["unit"],
                status,
                r["source"],
                r.get("note") or "",
                r.get("vintage") or "",
            ]
        )
    return buf.getvalue().encode("utf-8")


def to_xlsx(rows: list[dict[str, Any]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("observations")
    sheet.append(list(COLUMNS))
    for r in rows:
        sheet.append([r[k] if r[k] is not None else "" for k in COLUMNS])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


WRITERS = {"csv": to_csv, "json": to_json, "sdmx-csv": to_sdmx_csv, "xlsx": to_xlsx}


def render(observations: Iterable[Any], fmt: str) -> bytes:
    """Observations in one of EXPORT_FORMATS.

    Raises:
        InputError: an unknown format.
    """
    if fmt not in WRITERS:
        raise InputError(f"--format must be one of {', '.join(EXPORT_FORMATS)}, not {fmt!r}")
    return WRITERS[fmt](records(observations))


def export(
    db: Any,
    fmt: str,
    indicator: str | None = None,
    region: str | None = None,
    *,
    store: Any = None,
    registry: Any = None,
    regions: Any = None,
) -> tuple[bytes, int]:
    """The current observations, filtered by indicator and region (codes or names), rendered.

    Returns the bytes and how many observations they hold.

    Raises:
        InputError: an unknown format, indicator or region.
    """
    if fmt not in WRITERS:
        raise InputError(f"--format must be one of {', '.join(EXPORT_FORMATS)}, not {fmt!r}")
    if store is None:
        from yrd.stats import store as real_store

        store = real_store
    code = None
    if indicator is not None:
        if registry is None:
            from yrd.stats.registry import load_registry

            registry = load_registry()
        found = registry.resolve(indicator)
        if found is None:
            hint = registry.suggest(indicator)
            raise InputError(
                f"unknown indicator {indicator!r}" + (f" (did you mean {', '.join(hint)}?)" if hint else "")
            )
        code = found.code
    area = None
    if region is not None:
        if regions is None:
            from yrd.stats.importers.run import _default_regions

            regions = _default_regions()
        area, why = regions.resolve(region)
        if area is None:
            raise InputError(f"{why if why != 'outside' else 'a region outside the Delta'}: {region!r}")
    with db.read() as session:
        found_rows = store.observations(session, indicator=code, region=area)
    rows = records(found_rows)
    return WRITERS[fmt](rows), len(rows)
