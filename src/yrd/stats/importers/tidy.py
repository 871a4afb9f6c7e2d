"""Tidy tables: one observation a row, in a CSV file or on the first sheet of an Excel workbook.

The header names the columns, in English or Chinese, in any order; other columns are ignored:

    region,indicator,period,value,unit,source,status,note
    上海市,常住人口城镇化率,2023,89.46,%,上海统计年鉴2024,official,
"""

from __future__ import annotations

from yrd.stats.importers.base import Cell, Grid, Issue, RawRecord, Reader, Value, cell_text

# Header labels each column is known by (compared case-insensitively).
COLUMNS: dict[str, tuple[str, ...]] = {
    "region": ("region", "region_code", "area", "地区", "地区代码", "区域", "行政区划代码"),
    "indicator": ("indicator", "indicator_code", "指标", "指标代码"),
    "period": ("period", "year", "time", "time_period", "时间", "年份", "时期"),
    "value": ("value", "obs_value", "数值", "值"),
    "unit": ("unit", "unit_measure", "单位", "计量单位"),
    "source": ("source", "来源", "数据来源"),
    "status": ("status", "obs_status", "状态"),
    "note": ("note", "notes", "comment", "备注", "注"),
    "published": ("published", "发布日期", "发布时间"),
}
# RawRecord's cells in order, and the cell a missing (optional) column gives.
FIELDS = ("region", "indicator", "period", "value", "unit", "source", "status", "note", "published")
DEFAULTS = tuple(Cell("official" if k == "status" else "") for k in FIELDS)
REQUIRED = ("region", "indicator", "period", "value", "unit", "source")
_LOOKUP = {label.casefold(): key for key, labels in COLUMNS.items() for label in labels}


# Where each field is: (0-based index, column name, header label), or None for an absent column.
Spot = tuple[int, str, str] | None


def locate(grid: Grid, header_no: int, header: list[Value]) -> tuple[list[Spot], list[Issue]]:
    """Each field's column from the header row, or what is wrong with the header (shared by the
    row-wise reader and the columnar path in `columnar`, so both read a header alike)."""
    where: dict[str, int] = {}
    issues: list[Issue] = []
    for i, raw in enumerate(header):
        key = _LOOKUP.get(cell_text(raw).casefold())
        if key is None:
            continue
        if key in where:
            issues.append(
                Issue(
                    grid.name, f"a second {key} column", header_no, grid.column_name(i), None, cell_text(raw)
                )
            )
        where.setdefault(key, i)
    lacking = [k for k in REQUIRED if k not in where]
    if lacking:
        found = ", ".join(cell_text(c) for c in header if cell_text(c)) or "nothing"
        issues.append(
            Issue(
                grid.name,
                f"header lacks the column(s) {', '.join(lacking)} (found: {found[:120]})",
                header_no,
            )
        )
    spots: list[Spot] = [
        None if (i := where.get(k)) is None else (i, grid.column_name(i), cell_text(header[i]))
        for k in FIELDS
    ]
    return spots, issues


class TidyReader(Reader):
    """The header row is the first non-empty row; each row after it is one observation."""

    format = "tidy"

    def records(self, grid: Grid) -> tuple[list[RawRecord], list[Issue]]:
        rows = [(no, cells) for no, cells in grid.rows if any(cell_text(c) for c in cells)]
        if not rows:
            return [], [Issue(grid.name, "no table found")]
        header_no, header = rows[0]
        spots, issues = locate(grid, header_no, header)
        if issues:
            return [], issues
        name = grid.name
        records = []
        for no, cells in rows[1:]:
            n = len(cells)
            parts = [
                DEFAULTS[k]
                if spot is None
                else Cell(cells[spot[0]] if spot[0] < n else None, spot[1], spot[2])
                for k, spot in enumerate(spots)
            ]
            records.append(RawRecord(name, no, *parts))
        return records, []
