"""Wide yearbook tables: regions in rows, years (or indicators) in columns, read through a mapping.

A yearbook table does not say which indicator, unit or source it holds in a way a program can read,
so the user says it in a small JSON mapping::

    {"region_column": "地区", "indicator": "gdp", "unit": "亿元",
     "source": "江苏统计年鉴2024 表2-3"}                      # every column that reads as a year

    {"region_column": "A", "period": "2023", "header_row": 3,
     "indicator_columns": {"年末常住人口(万人)": "resident_population", "GDP": "gdp"},
     "units": {"GDP": "亿元"}, "source": "浙江统计年鉴2024 表1-2"}   # unit also from "(万人)"
"""

from __future__ import annotations

import json
import re
import unicodedata

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from yrd.errors import InputError
from yrd.stats.importers.base import Cell, Grid, Issue, RawRecord, Reader, cell_text, parse_period, split_unit

_FOOTER = re.compile(r"^(注|资料来源|数据来源|说明)\s*\d*\s*[:：]")


class Mapping(BaseModel):
    """How to read one wide table (columns are named by header label, spreadsheet letter or number)."""

    model_config = ConfigDict(extra="forbid")

    region_column: str
    header_row: int = 1
    sheet: str | None = None
    indicator: str | None = None
    year_columns: list[str] | None = None
    period: str | None = None
    indicator_columns: dict[str, str] | None = None
    unit: str | None = None
    units: dict[str, str] = {}
    source: str
    status: str = "official"
    note: str = ""

    @model_validator(mode="after")
    def _one_shape(self) -> Mapping:
        years = self.indicator is not None
        indicators = self.indicator_columns is not None
        if years == indicators:
            raise ValueError("give either indicator (years in columns) or indicator_columns (and period)")
        if indicators and self.period is None:
            raise ValueError("indicator_columns needs period")
        if years and not self.unit:
            raise ValueError("indicator needs unit")
        if not self.source.strip():
            raise ValueError("source is empty")
        if self.header_row < 1:
            raise ValueError("header_row counts from 1")
        return self


def read_mapping(data: bytes | str, name: str = "mapping") -> Mapping:
    """A mapping from its JSON text.

    Raises:
        InputError: not JSON, or not a mapping this importer understands (says which field).
    """
    try:
        raw = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{name}: not JSON ({exc})") from None
    try:
        return Mapping.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'mapping'}: {e['msg']}" for e in exc.errors()
        )
        raise InputError(f"{name}: {problems}") from None


def _key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


def _letter_index(ref: str) -> int | None:
    if re.fullmatch(r"[A-Z]{1,3}", ref):
        n = 0
        for ch in ref:
            n = n * 26 + ord(ch) - 64
        return n - 1
    if re.fullmatch(r"\d{1,4}", ref) and int(ref) >= 1:
        return int(ref) - 1
    return None


class WideReader(Reader):
    """One row per region; one observation per named column."""

    format = "wide"

    def __init__(self, mapping: Mapping) -> None:
        self.mapping = mapping

    def _find(self, labels: list[str], ref: str) -> int | None:
        for i, label in enumerate(labels):
            if label and _key(label) == _key(ref):
                return i
        return _letter_index(ref.strip())

    def records(self, grid: Grid) -> tuple[list[RawRecord], list[Issue]]:
        m = self.mapping
        header = next(((no, cells) for no, cells in grid.rows if no == m.header_row), None)
        if header is None:
            return [], [Issue(grid.name, f"no header row {m.header_row} (the mapping's header_row)")]
        header_no, cells = header
        labels = [cell_text(c) for c in cells]
        issues: list[Issue] = []
        region_at = self._find(labels, m.region_column)
        if region_at is None:
            issues.append(
                Issue(
                    grid.name,
                    "the mapping's region_column is not in the header",
                    header_no,
                    None,
                    None,
                    m.region_column,
                )
            )
        columns: list[tuple[int, str, str, str]] = []  # (index, indicator label, period, unit)
        if m.indicator is not None:
            wanted = m.year_columns
            for i, label in enumerate(labels):
                if i == region_at or not label:
                    continue
                if wanted is None and parse_period(label)[0] is None and not re.match(r"^\d{4}", label):
                    continue
                if wanted is not None and not any(_key(label) == _key(w) for w in wanted):
                    continue
                columns.append((i, m.indicator, label, m.unit or ""))
            for w in wanted or []:
                if not any(_key(label) == _key(w) for label in labels):
                    issues.append(
                        Issue(
                            grid.name,
                            "a year column of the mapping is not in the header",
                            header_no,
                            None,
                            None,
                            w,
                        )
                    )
        else:
            assert m.indicator_columns is not None and m.period is not None
            for ref, code in m.indicator_columns.items():
                at = self._find(labels, ref)
                if at is None:
                    issues.append(
                        Issue(
                            grid.name,
                            "an indicator column of the mapping is not in the header",
                            header_no,
                            None,
                            None,
                            ref,
                        )
                    )
                    continue
                unit = (
                    m.units.get(ref) or split_unit(labels[at] if at < len(labels) else "")[1] or m.unit or ""
                )
                columns.append((at, code, m.period, unit))
        if not columns and not issues:
            issues.append(Issue(grid.name, "no column to read (no header reads as a year)", header_no))
        if issues:
            return [], issues
        assert region_at is not None
        records: list[RawRecord] = []
        for no, row in grid.rows:
            if no <= header_no or not any(cell_text(c) for c in row):
                continue
            first = cell_text(row[0]) if row else ""
            if _FOOTER.match(first):
                break
            region = Cell(
                row[region_at] if region_at < len(row) else None,
                grid.column_name(region_at),
                labels[region_at] if region_at < len(labels) else None,
            )
            for at, indicator, period, unit in columns:
                header_label = labels[at] if at < len(labels) else None
                where = grid.column_name(at)
                records.append(
                    RawRecord(
                        grid.name,
                        no,
                        region,
                        Cell(indicator, where, header_label, header_no),
                        Cell(period, where, header_label, header_no),
                        Cell(row[at] if at < len(row) else None, where, header_label),
                        Cell(unit, "mapping", "unit"),
                        Cell(m.source, "mapping", "source"),
                        Cell(m.status, "mapping", "status"),
                        Cell(m.note),
                    )
                )
        return records, []
