"""Helpers of the import/export tests: files built in the test, database snapshots, a fake store.

All figures here are SYNTHETIC test data shaped like real publications (the NBS portal's export,
a yearbook table); they are not published statistics.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import MetaData, select

from yrd.db import Database
from yrd.stats.model import ObservationIn

SYNTHETIC = "synthetic test data"


def nbs_export(
    indicator: str,
    years: list[str],
    rows: list[tuple[str, list[str]]],
    encoding: str = "gbk",
    *,
    database: str = "分省年度数据",
    notes: tuple[str, ...] = ("注：2023年数据为初步核算数（synthetic）。",),
    source: str = "数据来源：国家统计局",
) -> bytes:
    """A file laid out as the data.stats.gov.cn portal exports a 分省年度数据 query."""
    lines = [f"数据库：{database}", f"指标：{indicator}", f"时间：最近{len(years)}年"]
    lines.append(",".join(["地区", *years]))
    lines += [",".join([region, *values]) for region, values in rows]
    lines += list(notes)
    if source:
        lines.append(source)
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx(rows: list[list[Any]], title: str = "Sheet1") -> bytes:
    """A workbook with one sheet holding these rows."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order: equal snapshots mean nothing was written."""
    meta = MetaData()
    meta.reflect(db.engine)
    out: dict[str, list[tuple[Any, ...]]] = {}
    with db.engine.connect() as conn:
        for name, table in sorted(meta.tables.items()):
            rows = conn.execute(select(table)).all()
            out[name] = sorted((tuple(r) for r in rows), key=repr)
    return out


@dataclass
class _Report:
    new: int = 0
    revised: int = 0
    unchanged: int = 0


@dataclass
class FakeStore:
    """The store's contract in memory: a changed value is a new vintage, the same value changes nothing."""

    current: dict[tuple[str, str, str], float] = field(default_factory=dict)
    calls: list[tuple[Any, list[ObservationIn]]] = field(default_factory=list)

    def write_observations(self, session: Any, batch_meta: Any, rows: list[ObservationIn]) -> _Report:
        self.calls.append((batch_meta, rows))
        report = _Report()
        for r in rows:
            key = (r.region, r.indicator, r.period)
            old = self.current.get(key)
            if old is None:
                report.new += 1
            elif old != r.value:
                report.revised += 1
            else:
                report.unchanged += 1
            self.current[key] = r.value
        return report
