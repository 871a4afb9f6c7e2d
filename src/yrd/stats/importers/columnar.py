"""The fast path for tidy CSV: check a column at a time, not a row at a time — or say "not sure".

A tidy file of a million rows has a few hundred distinct regions, a few dozen indicators, periods,
units and statuses, and usually one source. So each column is factorised (its distinct texts and,
per row, which one) and the distinct texts are resolved with the very functions the row-wise path
uses (`Resolver.region`, `Resolver.indicator`, `parse_period`, `cell_text`, `STATUSES`, the
registry's `convert`), so the two cannot disagree on what a label means. Numbers are parsed in one
pass (plain ASCII numbers with ``float``, which over the characters ``0-9 . e E + -`` accepts
exactly what `parse_number`'s pattern accepts; anything else goes through `parse_number` itself),
bounds are compared as arrays.

**It accepts only what the row-wise path accepts, and gives the same observations.** Whenever
anything would be an error — any cell of any row — or the file is not plainly a tidy CSV (an NBS
export, Excel, an undecodable file, a header problem), `read_columns` returns None and the caller
runs the row-wise path on that file, so every error message (file, row, column, value) is exactly
what it was. Duplicate keys are checked by the caller over all files, with the same fallback.

Rows come from pandas' C parser when the text has no quote characters and no bare carriage
returns (then a line is a row and a comma a boundary, exactly as for the `csv` module), else from
the `csv` module as the row-wise path reads them (`base._csv_rows`).
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from yrd.documents.readers import decode
from yrd.errors import InputError
from yrd.stats.importers.base import (
    _PUBLISHED,
    _XLS_MAGIC,
    _XLSX_MAGIC,
    MISSING,
    STATUSES,
    Grid,
    Resolver,
    _csv_rows,
    cell_text,
    looks_nbs,
    parse_number,
    parse_period,
    plain_text,
    same_unit,
)
from yrd.stats.importers.tidy import DEFAULTS, FIELDS, Spot, locate
from yrd.stats.store import ObservationColumns

# Text a plain number is made of; with these characters only, float() and parse_number agree.
_NOT_PLAIN = re.compile(r"[^0-9.eE+\-\x00]")
_PLAIN_MISSING = [m for m in MISSING if not _NOT_PLAIN.search(m)]


@dataclass
class Columns:
    """A tidy file read and checked column-wise: the observations and the counts of its summary."""

    observations: ObservationColumns
    encoding: str
    missing: int
    outside: int
    unique_keys: bool  # no key (region, indicator, period) twice in this file


def eligible(data: bytes, fmt: str | None, mapping: object | None) -> bool:
    """Only tidy CSV takes the fast path (Excel, NBS exports and wide tables stay row-wise)."""
    return mapping is None and fmt in (None, "csv") and not data.startswith((_XLS_MAGIC, _XLSX_MAGIC))


def read_columns(data: bytes, name: str, fmt: str | None, resolver: Resolver) -> Columns | None:
    """The file's observations if every row passes every check, else None (use the row-wise path)."""
    try:
        text, encoding = decode(data, name)
    except (InputError, UnicodeDecodeError):
        return None
    if "\x00" in text:
        text = text.replace("\x00", "")
    # the UTF-8 bytes of the text (the file itself when it is UTF-8): pandas reads bytes fastest,
    # and counting bytes is cheaper than counting characters of a non-ASCII text
    raw = data if encoding == "utf-8" and b"\x00" not in data else text.encode("utf-8", "surrogatepass")
    table = _fast_table(text, raw, name, fmt) if _plain(raw) else None
    if table is None:
        table = _csv_table(text, name, fmt)
    if table is None:
        return None
    return _check(table, resolver, encoding)


def _plain(raw: bytes) -> bool:
    """No quotes, and carriage returns only before a newline: a line is a row, a comma a boundary."""
    if b'"' in raw:
        return False
    if b"\r" not in raw:
        return True
    octets = np.frombuffer(raw, dtype=np.uint8)
    cr = np.flatnonzero(octets[:-1] == 13)
    return octets[-1] != 13 and bool((octets[cr + 1] == 10).all())


def _lines(raw: bytes) -> int:
    """How many lines the C reader will see (a last line without a newline counts)."""
    return int(np.count_nonzero(np.frombuffer(raw, dtype=np.uint8) == 10)) + (not raw.endswith(b"\n"))


def _first_lines(text: str, count: int) -> list[str]:
    """The first ``count`` lines, without copying the rest of a large text."""
    lines, start = [], 0
    while len(lines) < count and start <= len(text):
        end = text.find("\n", start)
        lines.append(text[start:] if end < 0 else text[start:end])
        if end < 0:
            break
        start = end + 1
    return lines


# ------------------------------------------------------------------------------------------ rows


def _header(grid: Grid, fmt: str | None) -> tuple[int, list[Spot]] | None:
    """(index in grid.rows of the header row, where each field is), or None for not-plainly-tidy."""
    if fmt is None and looks_nbs(grid):
        return None
    for index, (no, cells) in enumerate(grid.rows):
        if any(cell_text(c) for c in cells):
            spots, issues = locate(grid, no, cells)
            return None if issues else (index, spots)
    return None


def _fast_table(text: str, raw: bytes, name: str, fmt: str | None) -> list[np.ndarray] | None:
    """The nine fields' columns, parsed by pandas' C reader (quote-free text only)."""
    lines = _first_lines(text, 7)
    head = [(i + 1, line.removesuffix("\r").split(",")) for i, line in enumerate(lines[:6])]
    found = _header(Grid(name, [(no, list(cells)) for no, cells in head], "csv"), fmt)
    if found is None or len(lines) < found[0] + 2:
        return None
    skip = found[0] + 1
    expected = _lines(raw) - skip
    width = max(_needed(found[1]), len(head[skip - 1][1]))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            frame = pd.read_csv(io.BytesIO(raw), header=None, skiprows=skip, dtype=object, na_filter=False,
                                quoting=csv.QUOTE_NONE, skip_blank_lines=False, engine="c", encoding="utf-8",
                                index_col=False, names=range(width))  # fmt: skip
    except Exception:  # any quirk of the C reader (ragged rows, nothing after the header): csv module
        return None
    if len(frame) != max(expected, 0) or frame.shape[1] != width:
        return None
    # without na_filter, the C reader gives "" for the cells a short row lacks (never NaN)
    columns = [frame[i].to_numpy(dtype=object) for i in range(width)]
    return _fields(columns, found[1], len(frame))


def _csv_table(text: str, name: str, fmt: str | None) -> list[np.ndarray] | None:
    """The nine fields' columns from the rows the `csv` module reads (as the row-wise path does)."""
    grid = Grid(name, _csv_rows(text), "csv")
    found = _header(grid, fmt)
    if found is None:
        return None
    rows = [cells for _no, cells in grid.rows[found[0] + 1 :] if any(cell_text(c) for c in cells)]
    width = max(len(cells) for cells in rows) if rows else 0
    columns = [
        _filled(_objects([cells[i] if i < len(cells) else "" for cells in rows])) for i in range(width)
    ]
    columns += [_filled(np.full(len(rows), "", dtype=object))] * max(0, _needed(found[1]) - width)
    return _fields(columns, found[1], len(rows))


def _needed(spots: list[Spot]) -> int:
    return max(spot[0] for spot in spots if spot is not None) + 1


def _objects(items: list[object]) -> np.ndarray:
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def _filled(column: np.ndarray) -> np.ndarray:
    """Absent cells (short rows) as "", which every check reads as the row-wise path reads None."""
    absent = pd.isna(column)
    if absent.any():
        column = column.copy()
        column[absent] = ""
    return column


def _fields(columns: list[np.ndarray], spots: list[Spot], n: int) -> list[np.ndarray]:
    """Per field of `tidy.FIELDS`, its column (or the default of an absent optional column), with
    rows that are empty in every column dropped (they are not records on the row-wise path)."""
    empty = np.zeros(n, dtype=bool)
    region = spots[0]
    if region is not None and n:
        labels = np.array([cell_text(u) == "" for u in pd.unique(columns[region[0]])])
        codes = pd.factorize(columns[region[0]])[0]
        for index in np.flatnonzero(labels[codes]).tolist():  # only rows without a region: look at all
            empty[index] = not any(cell_text(c[index]) for c in columns)
    keep = ~empty
    out = []
    for k, spot in enumerate(spots):
        if spot is None:
            out.append(np.full(int(keep.sum()), DEFAULTS[k].value, dtype=object))
        else:
            out.append(columns[spot[0]][keep])
    return out


# ------------------------------------------------------------------------------------------ checks


class _Doubt(Exception):
    """Some row would be an error (or might be): the row-wise path must read this file."""


def _factor(column: np.ndarray) -> tuple[np.ndarray, list[str]]:
    codes, uniques = pd.factorize(column)
    return codes, [str(u) for u in uniques]


def _check(fields: list[np.ndarray], resolver: Resolver, encoding: str) -> Columns | None:
    try:
        return _checked(dict(zip(FIELDS, fields, strict=True)), resolver, encoding)
    except _Doubt:
        return None


def _require(ok: np.ndarray) -> None:
    if not ok.all():
        raise _Doubt


def _checked(col: dict[str, np.ndarray], resolver: Resolver, encoding: str) -> Columns:
    """Every check of `Resolver._one`, a distinct value at a time; raises _Doubt at the first doubt."""
    rc, regions = _factor(col["region"])
    resolved = [resolver.region(cell_text(u)) for u in regions]
    outside = np.array([why == "outside" for _c, why in resolved] + [False])[rc]
    active = ~outside
    _require(np.array([c is not None for c, _w in resolved] + [True])[rc] | outside)

    ic, labels = _factor(col["indicator"])
    indicators = [resolver.indicator(t) if (t := cell_text(u)) else None for u in labels]
    _require(np.array([i is not None for i in indicators] + [True])[ic] | outside)

    pc, periods_raw = _factor(col["period"])
    periods = [parse_period(cell_text(u))[0] for u in periods_raw]
    _require(np.array([p is not None for p in periods] + [True])[pc] | outside)

    value, missing, bad = _numbers(col["value"])
    _require(~(bad & active))
    present = active & ~missing

    sc, statuses_raw = _factor(col["status"])
    statuses = [STATUSES.get((cell_text(u) or "official").casefold()) for u in statuses_raw]
    _require(np.array([s is not None for s in statuses] + [True])[sc] | ~present)
    oc, sources_raw = _factor(col["source"])
    sources = [plain_text(u) for u in sources_raw]
    _require(np.array([s != "" for s in sources] + [True])[oc] | ~present)
    bc, published_raw = _factor(col["published"])
    published = [cell_text(u) or None for u in published_raw]
    _require(np.array([p is None or bool(_PUBLISHED.match(p)) for p in published] + [True])[bc] | ~present)
    uc, units_raw = _factor(col["unit"])
    units = [cell_text(u) for u in units_raw]
    _require(np.array([u != "" for u in units] + [True])[uc] | ~present)
    nc, notes_raw = _factor(col["note"])

    keep = np.flatnonzero(present)
    value = _converted(value, keep, ic, uc, indicators, units, resolver)
    _bounds(value[keep], ic[keep], indicators)
    ind_objects = [i.code if i is not None else "" for i in indicators]
    observations = ObservationColumns(
        region=_pick([c for c, _w in resolved], rc, keep),
        indicator=_pick(ind_objects, ic, keep),
        period=_pick(periods, pc, keep),
        value=value[keep],
        unit=_pick([i.unit if i is not None else "" for i in indicators], ic, keep),
        status=_pick(statuses, sc, keep),
        source=_pick(sources, oc, keep),
        note=_pick([cell_text(u) for u in notes_raw], nc, keep),
        published=_pick(published, bc, keep),
    )
    unique = _unique_keys(keep, (rc, [c for c, _w in resolved]), (ic, ind_objects), (pc, periods))
    return Columns(observations, encoding, int((active & missing).sum()), int(outside.sum()), unique)


def _unique_keys(keep: np.ndarray, *parts: tuple[np.ndarray, list[object]]) -> bool:
    """Whether the kept rows' resolved keys are distinct (labels that resolve alike count as one)."""
    key = np.zeros(len(keep), dtype=np.int64)
    for codes, values in parts:
        resolved, distinct = pd.factorize(_objects(values))
        key = key * (len(distinct) + 1) + resolved[codes[keep]]
    return not pd.Series(key).duplicated().any()


def _pick(values: list[object], codes: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Per kept row its value: the few distinct objects, shared (cheap to copy, hash and write)."""
    return _objects(values)[codes[keep]]


def _numbers(column: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values, missing, bad) per row, as `parse_number` reads each cell."""
    n = len(column)
    if not _NOT_PLAIN.search("\x00".join(column)):
        missing = pd.Series(column).isin(_PLAIN_MISSING).to_numpy()
        try:
            numbers = np.array(list(map(float, column[~missing])), dtype=np.float64)
        except ValueError:
            numbers = None
        if numbers is not None and np.isfinite(numbers).all():
            values = np.zeros(n, dtype=np.float64)
            values[~missing] = numbers
            return values, missing, np.zeros(n, dtype=bool)
    parsed = [parse_number(cell) for cell in column.tolist()]
    values = np.array([0.0 if v is None else v for v, _why in parsed], dtype=np.float64)
    missing = np.array([v is None and not why for v, why in parsed], dtype=bool)
    bad = np.array([bool(why) for _v, why in parsed], dtype=bool)
    return values, missing, bad


def _converted(
    value: np.ndarray,
    keep: np.ndarray,
    ic: np.ndarray,
    uc: np.ndarray,
    indicators: list,  # type: ignore[type-arg]
    units: list[str],
    resolver: Resolver,
) -> np.ndarray:
    """Values in the registry unit: per (indicator, unit) pair, unchanged when the unit is the
    registry's, else the registry's own conversion, value by value (it rounds each to 12 digits)."""
    pair = ic[keep].astype(np.int64) * (len(units) + 1) + uc[keep]
    out = value.copy()
    for p in np.unique(pair).tolist():
        ind, unit = indicators[p // (len(units) + 1)], units[p % (len(units) + 1)]
        if same_unit(unit, ind.unit):
            continue
        rows = keep[pair == p]
        try:
            converted = [float(resolver.registry.convert(v, unit, ind.unit)) for v in value[rows].tolist()]
        except InputError:
            raise _Doubt from None
        out[rows] = converted
        _require(np.isfinite(out[rows]))
    return out


def _bounds(value: np.ndarray, ic: np.ndarray, indicators: list) -> None:  # type: ignore[type-arg]
    for i in np.unique(ic).tolist():
        ind = indicators[i]
        mine = value[ic == i]
        if ind.min_value is not None:
            _require(~(mine < ind.min_value))
        if ind.max_value is not None:
            _require(~(mine > ind.max_value))
