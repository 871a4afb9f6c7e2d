"""Random malformed tables thrown at the importers: only InputError ever escapes, and never a partial write.

Hypothesis builds SYNTHETIC tables from a mix of good and bad pieces (known and unknown regions and
indicators, numbers, huge numbers, NaN/inf strings, the portal's missing markers, random text, wrong
headers, NBS header lines, ragged rows), encodes them (UTF-8, BOM, GBK, or an .xlsx workbook),
sometimes truncates the bytes, and imports them with a random --format and mapping into one SQLite
database. After each example: either the import succeeded and wrote exactly what its report says,
or it raised InputError and every table is exactly as before.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import MetaData, func, select

from tests.stats.importing import xlsx
from yrd.db import Database
from yrd.errors import InputError
from yrd.stats.importers import Mapping, import_files

REGIONS = [
    "上海市",
    "江苏",
    "Hangzhou",
    "310000",
    "320500",
    "central-area",
    "火星",
    "Suzhou",
    "北京市",
    "",
    "全国",
]
INDICATORS = ["gdp", "地区生产总值(亿元)", "城镇人口比重(%)", "resident_population", "幸福指数", "", "GDP"]
UNITS = ["亿元", "万元", "%", "‰", "万人", "人", "亿吨", "", "公里"]
PERIODS = ["2023", "2023年", "1999", "2036", "2023-Q2", "2023-13", "twenty", "", "2020.0"]
VALUES = [
    "47218.7",
    "-3",
    "0",
    "101",
    "1e308",
    "1e999",
    "-1e999",
    "nan",
    "NaN",
    "inf",
    "-Infinity",
    "—",
    "…",
    "",
    "1,234.5",
    "１２３",
    "12abc",
    "9" * 400,
    "0x10",
    "1e-320",
]
# Pieces of good files: regions, indicators, periods, values, units (gdp in 亿元 or 万元).
GOOD = (
    ["上海市", "Jiangsu", "330000", "Hefei", "central-area"],
    ["gdp", "地区生产总值(亿元)"],
    ["2021", "2022", "2023年"],
    ["47218.7", "1,234.5", "0", "—", "12"],
    ["亿元", "万元"],
)
TIDY_HEADER = ["region", "indicator", "period", "value", "unit", "source", "status", "note"]
WRONG_HEADERS = [
    ["地区", "指标", "时间", "数值", "单位", "来源"],
    ["region", "region", "value"],
    ["a", "b"],
    [],
]

cell = st.one_of(
    st.sampled_from(REGIONS + INDICATORS + UNITS + PERIODS + VALUES + ["official", "估计", "bogus"]),
    st.text(max_size=12),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)


@st.composite
def tables(
    draw: st.DrawFn, kinds: tuple[str, ...] = ("clean", "tidy", "nbs", "wrong", "none", "wide")
) -> list[list[str]]:
    """Rows of text cells: a tidy header, an NBS preamble, a wrong header or none, then ragged rows."""
    kind = draw(st.sampled_from(kinds))
    rows: list[list[str]] = []
    if kind == "clean":  # a good file, so that some imports write (and the write itself is checked)
        rows.append(TIDY_HEADER)
        keys = draw(st.lists(st.tuples(*map(st.sampled_from, GOOD[:3])), max_size=6, unique=True))
        for region, indicator, period in keys:
            value, unit = draw(st.sampled_from(GOOD[3])), draw(st.sampled_from(GOOD[4]))
            rows.append([region, indicator, period, value, unit, "synthetic", "official", ""])
        return rows
    if kind == "tidy":
        rows.append(draw(st.permutations(TIDY_HEADER)))
    elif kind == "nbs":
        rows += [["数据库：分省年度数据"], [f"指标：{draw(st.sampled_from(INDICATORS))}"], ["时间：最近3年"]]
        rows.append(["地区", *draw(st.lists(st.sampled_from(PERIODS), max_size=4))])
    elif kind == "wrong":
        rows.append(draw(st.sampled_from(WRONG_HEADERS)))
    elif kind == "wide":
        rows.append(["地区", *draw(st.lists(st.sampled_from(PERIODS), min_size=1, max_size=4))])
    width = draw(st.integers(min_value=0, max_value=9))
    for _ in range(draw(st.integers(min_value=0, max_value=12))):
        if kind in ("nbs", "wide"):
            row = [draw(st.sampled_from(REGIONS)), *draw(st.lists(st.sampled_from(VALUES), max_size=width))]
        elif kind == "tidy" and draw(st.booleans()):
            row = [
                draw(st.sampled_from(REGIONS)),
                draw(st.sampled_from(INDICATORS)),
                draw(st.sampled_from(PERIODS)),
                draw(st.sampled_from(VALUES)),
                draw(st.sampled_from(UNITS)),
                "synthetic",
                "official",
                "",
            ]
        else:
            row = draw(st.lists(cell, max_size=width + draw(st.integers(0, 3))))
        rows.append(row)
    if draw(st.booleans()):
        rows.append([draw(st.sampled_from(["注：synthetic", "数据来源：国家统计局", "注"]))])
    return rows


def _csv(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator=draw_terminator[0]).writerows(rows)
    return buf.getvalue()


draw_terminator = ["\n"]
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@st.composite
def files(draw: st.DrawFn, clean: bool = False) -> tuple[str, bytes]:
    rows = draw(tables(("clean",)) if clean else tables())
    hows = (
        ["utf-8", "utf-8-sig", "gbk", "xlsx"]
        if clean
        else ["utf-8", "utf-8-sig", "gbk", "gb18030", "xlsx", "raw"]
    )
    how = draw(st.sampled_from(hows))
    if how == "xlsx":  # a workbook cannot hold control characters: openpyxl refuses to write them
        data = xlsx([[ILLEGAL.sub("", c) for c in row] for row in rows])
    elif how == "raw":
        data = draw(st.binary(max_size=200))
    else:
        draw_terminator[0] = draw(st.sampled_from(["\n", "\r\n"]))
        data = _csv(rows).encode(how, errors="replace")
    if not clean and draw(st.integers(0, 4)) == 0 and data:
        # cut at a drawn share of the length: a workbook's length varies with the time it is saved at,
        # and a bound that varies between replays makes Hypothesis see inconsistent generation
        data = data[: len(data) * draw(st.integers(0, 1000)) // 1000]
    return (f"synthetic.{'xlsx' if how == 'xlsx' else 'csv'}", data)


mappings = st.one_of(
    st.none(),
    st.builds(
        Mapping,
        region_column=st.sampled_from(["地区", "A", "Z", "9"]),
        indicator=st.sampled_from(INDICATORS),
        unit=st.sampled_from(["亿元", "%", "万人"]),
        source=st.just("synthetic yearbook"),
    ),
)


@pytest.fixture(scope="module")
def prop_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path_factory.mktemp('prop') / 'yrd.sqlite'}")
    database.migrate()
    yield database
    database.dispose()


def _snapshot(db: Database, meta: MetaData) -> dict[str, list[tuple[Any, ...]]]:
    with db.engine.connect() as conn:
        return {
            name: sorted(map(tuple, conn.execute(select(t)).all()), key=repr)
            for name, t in meta.tables.items()
        }


# Half the imports are random, half are good files (so that writes happen and are checked too).
imports = st.one_of(
    st.tuples(
        st.lists(files(), min_size=1, max_size=3),
        st.sampled_from([None, None, "csv", "xlsx", "nbs", "wide", "pdf"]),
        mappings,
    ),
    st.tuples(st.lists(files(clean=True), min_size=1, max_size=2), st.none(), st.none()),
)


@settings(
    max_examples=100,
    deadline=None,  # a timing is no test result; benchmarks measure speed
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(job=imports)
def test_malformed_tables_only_input_errors_and_no_partial_write(
    prop_db: Database, job: tuple[list[tuple[str, bytes]], str | None, Mapping | None]
) -> None:
    batch, fmt, mapping = job
    meta = MetaData()
    meta.reflect(prop_db.engine)
    before = _snapshot(prop_db, meta)
    observations = meta.tables["observation"]
    try:
        report = import_files(prop_db, batch, fmt, mapping)
    except InputError:
        event("refused")
        assert _snapshot(prop_db, meta) == before
        return
    event("imported" if report.total.new + report.total.revised else "imported, nothing new")
    with prop_db.engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(observations)).scalar_one()
    assert count == len(before["observation"]) + report.total.new + report.total.revised
