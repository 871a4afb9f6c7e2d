"""Exports of the National Bureau of Statistics data portal (国家数据, data.stats.gov.cn), CSV or Excel.

The portal writes a few header lines, one table and footnotes, in UTF-8 or GBK::

    数据库：分省年度数据
    指标：地区生产总值(亿元)
    时间：最近5年
    地区,2023年,2022年,2021年,2020年,2019年
    北京市,43760.7,41610.9,41045.6,36102.6,35445.1
    上海市,47218.7,44652.8,43214.9,38963.3,37987.6
    …
    注：……
    数据来源：国家统计局

The table's rows and columns are two of the three dimensions 地区 / 指标 / 时间 (the first cell of
the table's header names the rows); the third is fixed by its header line. The unit is the bracket
at the end of the indicator label. "—", "…" and empty cells mean no figure, not zero; the other
provinces and the national total are skipped.
"""

from __future__ import annotations

import re

from yrd.stats.importers.base import Cell, Grid, Issue, RawRecord, Reader, cell_text, plain_text, split_unit

DIMENSIONS = ("地区", "指标", "时间")
_HEADER_LINE = re.compile(r"^(数据库|指标|地区|时间)\s*[:：]\s*(.*)$")
_FOOTER = re.compile(r"^(注|数据来源|资料来源|说明)\s*\d*\s*[:：]")
_YEARISH = re.compile(r"^\d{4}")


class NbsReader(Reader):
    """Header lines, then a table whose first header cell is 地区, 指标 or 时间, then footnotes."""

    format = "nbs"

    def records(self, grid: Grid) -> tuple[list[RawRecord], list[Issue]]:
        rows = [(no, cells) for no, cells in grid.rows if any(cell_text(c) for c in cells)]
        meta: dict[str, tuple[str, int]] = {}
        i = 0
        while i < len(rows):
            m = _HEADER_LINE.match(cell_text(rows[i][1][0]) if rows[i][1] else "")
            if not m:
                break
            meta[m.group(1)] = (m.group(2).strip(), rows[i][0])
            i += 1
        if i >= len(rows):
            return [], [Issue(grid.name, "no table after the header lines")]
        header_no, header = rows[i]
        row_dim = cell_text(header[0]) if header else ""
        if row_dim not in DIMENSIONS:
            return [], [
                Issue(
                    grid.name,
                    "the table's first header cell should be 地区, 指标 or 时间",
                    header_no,
                    grid.column_name(0),
                    None,
                    row_dim,
                )
            ]
        labels = [cell_text(c) for c in header]
        body: list[tuple[int, list]] = []  # type: ignore[type-arg]
        notes: list[str] = []
        source = ""
        for no, cells in rows[i + 1 :]:
            first = cell_text(cells[0]) if cells else ""
            if notes or source or _FOOTER.match(first):
                text = " ".join(plain_text(c) for c in cells if plain_text(c))
                parts = re.split(r"[:：]", text, maxsplit=1)
                if parts[0].strip().startswith(("数据来源", "资料来源")):
                    source = parts[-1].strip()
                else:
                    notes.append(text)
                continue
            body.append((no, cells))
        col_dim = self._column_dimension(row_dim, labels[1:], meta)
        fixed_dim = next(d for d in DIMENSIONS if d not in (row_dim, col_dim))
        if fixed_dim not in meta or not meta[fixed_dim][0]:
            return [], [
                Issue(
                    grid.name,
                    f"no {fixed_dim}： line above the table (the table has {row_dim} "
                    f"in rows and {col_dim} in columns)",
                    header_no,
                )
            ]
        fixed_text, fixed_row = meta[fixed_dim]
        database = meta.get("数据库", ("", 0))[0]
        source_text = "，".join(p for p in (source or "国家统计局", database) if p) + "（国家数据导出）"
        note = " ".join(notes)[:500]
        fixed = Cell(fixed_text, None, f"{fixed_dim}：", fixed_row)
        records: list[RawRecord] = []
        issues: list[Issue] = []
        for no, cells in body:
            row_label = cell_text(cells[0]) if cells else ""
            if not row_label:
                issues.append(Issue(grid.name, f"no {row_dim} in the first column", no, grid.column_name(0)))
                continue
            row_cell = Cell(row_label, grid.column_name(0), row_dim)
            if len(cells) > len(labels) and any(cell_text(c) for c in cells[len(labels) :]):
                issues.append(
                    Issue(
                        grid.name,
                        "more cells than the header has columns",
                        no,
                        grid.column_name(len(labels)),
                        None,
                        cell_text(cells[len(labels)]),
                    )
                )
                continue
            for j in range(1, len(labels)):
                if not labels[j]:
                    continue
                value = Cell(cells[j] if j < len(cells) else None, grid.column_name(j), labels[j])
                dims = {
                    row_dim: row_cell,
                    col_dim: Cell(labels[j], grid.column_name(j), labels[j], header_no),
                    fixed_dim: fixed,
                }
                ind = dims["指标"]
                unit = Cell(split_unit(cell_text(ind.value))[1], ind.column, ind.header, ind.row)
                records.append(
                    RawRecord(
                        grid.name,
                        no,
                        dims["地区"],
                        ind,
                        dims["时间"],
                        value,
                        unit,
                        Cell(source_text),
                        Cell("official"),
                        Cell(note),
                    )
                )
        for j, label in enumerate(labels[1:], start=1):
            if not label and any(j < len(c) and cell_text(c[j]) for _, c in body):
                issues.append(
                    Issue(grid.name, "a column with figures but no header", header_no, grid.column_name(j))
                )
        return records, issues

    @staticmethod
    def _column_dimension(row_dim: str, labels: list[str], meta: dict[str, tuple[str, int]]) -> str:
        """Years across the top are 时间; otherwise the dimension not in rows and not fixed above."""
        named = [x for x in labels if x]
        if row_dim != "时间" and named and all(_YEARISH.match(x) for x in named):
            return "时间"
        rest = [d for d in DIMENSIONS if d not in (row_dim, "时间")]
        if row_dim == "时间":
            return "地区" if "指标" in meta else "指标"
        return rest[0]
