"""The columnar tidy-CSV path against the row-wise one: same observations, never more acceptance.

Hypothesis builds SYNTHETIC tidy tables — valid ones from known labels (names, codes, aliases,
units that convert, missing markers, regions outside the Delta, optional columns, quoting, CRLF,
blank lines, GBK) and malformed ones from good and bad pieces — and checks:

- on a valid table the columnar path accepts and gives exactly the row-wise path's observations
  and file summary;
- on any table, whatever the columnar path accepts the row-wise path accepts identically; it never
  raises (it answers None: "read this file row by row");
- `parse_files` raises nothing but ImportFailed/InputError, with the row-wise messages.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.stats.importing import SYNTHETIC
from yrd.errors import InputError
from yrd.stats.importers import ImportFailed, parse_files
from yrd.stats.importers.base import Issue, Resolver, parse_period
from yrd.stats.importers.columnar import read_columns
from yrd.stats.importers.run import _default_regions, _rows
from yrd.stats.registry import load_registry

HEADER = ["region", "indicator", "period", "value", "unit", "source", "status", "note", "published"]
REGIONS = ["上海市", "Jiangsu", "330000", "Hefei", "central-area", "苏州", "320500", "北京市", "全国"]
INDICATORS = ["gdp", "地区生产总值(亿元)", "urbanization_rate", "城镇人口比重(%)", "resident_population"]
UNITS = {"gdp": ["亿元", "万元"], "urbanization_rate": ["%", "‰"], "resident_population": ["万人", "人"]}
PERIODS = ["2020", "2021年", "2022-Q3", "2023年6月", "2019-07", "2035"]
STATUS = ["", "official", "估计", "Provisional", "转引"]
PUBLISHED = ["", "2024", "2024-03", "2024-03-05"]
BAD = ["火星", "幸福指数", "1999", "一万", "1e999", "nan", "亿吨", "", "bogus", "2024/03", "12abc", "101"]


def _resolver() -> Resolver:
    return Resolver(load_registry(), _default_regions())


def _code(indicator: str) -> str:
    ind = load_registry().resolve(indicator)
    assert ind is not None
    return ind.code


@st.composite
def valid_tables(draw: st.DrawFn) -> list[list[str]]:
    """A tidy table every row of which the row-wise path accepts (SYNTHETIC values in range)."""
    columns = draw(st.permutations(HEADER[:6] + draw(st.lists(st.sampled_from(HEADER[6:]), unique=True))))
    keys = draw(st.lists(st.tuples(st.sampled_from(REGIONS), st.sampled_from(INDICATORS),
                                   st.sampled_from(PERIODS)), max_size=12))  # fmt: skip
    rows, seen = [], set()
    regions = _default_regions()
    for region, indicator, period in keys:
        code, _why = regions.resolve(region)
        key = (code or region, _code(indicator), parse_period(period)[0])
        if key in seen:
            continue
        seen.add(key)
        unit = draw(st.sampled_from(UNITS[_code(indicator)]))
        low = {"urbanization_rate": (0, 100 if unit == "%" else 1000)}.get(_code(indicator), (0, 1e6))
        number = draw(st.floats(*low, allow_nan=False, allow_infinity=False))
        value = draw(
            st.sampled_from([repr(number), f"{number:.2f}", f"{number:,.1f}", "—", "", f" {number:g} "])
        )
        cells = {"region": region, "indicator": indicator, "period": period, "value": value, "unit": unit,
                 "source": SYNTHETIC + draw(st.sampled_from(["", ", table 3", " 表2-1"])),
                 "status": draw(st.sampled_from(STATUS)), "note": draw(st.sampled_from(["", "初步", "a,b"])),
                 "published": draw(st.sampled_from(PUBLISHED))}  # fmt: skip
        rows.append([cells[c] for c in columns])
        if draw(st.integers(0, 9)) == 0:
            rows.append([""] * draw(st.integers(0, 3)))  # blank lines are not records
    return [columns, *rows]


@st.composite
def any_tables(draw: st.DrawFn) -> list[list[str]]:
    """A valid table with some cells replaced by bad pieces or random text, and ragged rows."""
    rows = draw(valid_tables())
    for row in rows[1:]:
        for i in range(len(row)):
            if draw(st.integers(0, 6)) == 0:
                row[i] = draw(st.one_of(st.sampled_from(BAD), st.text(max_size=6)))
        if row and draw(st.integers(0, 8)) == 0:
            del row[draw(st.integers(0, len(row) - 1)) :]
        if draw(st.integers(0, 10)) == 0:
            row.append("extra")
    return rows


def encode(rows: list[list[str]], how: str, terminator: str) -> bytes:
    buf = io.StringIO()
    quoting = csv.QUOTE_ALL if how == "quoted" else csv.QUOTE_MINIMAL
    csv.writer(buf, lineterminator=terminator, quoting=quoting).writerows(rows)
    text = buf.getvalue()
    return (
        text.encode("gbk", errors="replace")
        if how == "gbk"
        else text.encode("utf-8-sig" if how == "bom" else "utf-8")
    )


encodings = st.sampled_from(["utf-8", "bom", "gbk", "quoted"])
terminators = st.sampled_from(["\n", "\r\n"])


def _row_wise(name: str, data: bytes) -> tuple[list[Any], Any, list[Issue]]:
    issues: list[Issue] = []
    found, summary = _rows(name, data, None, None, _resolver(), issues)
    return [obs for obs, _rec in found], summary, issues


PROPERTY = settings(max_examples=150, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # fmt: skip


@PROPERTY
@given(rows=valid_tables(), how=encodings, terminator=terminators)
def test_valid_tables_give_the_row_wise_observations(
    rows: list[list[str]], how: str, terminator: str
) -> None:
    data = encode(rows, how, terminator)
    expected, summary, issues = _row_wise("t.csv", data)
    assert issues == []
    fast = read_columns(data, "t.csv", None, _resolver())
    assert fast is not None
    assert list(fast.observations) == expected
    assert (fast.encoding, fast.missing, fast.outside) == (summary.encoding, summary.missing, summary.outside)


@PROPERTY
@given(rows=any_tables(), how=encodings, terminator=terminators)
def test_columnar_never_accepts_more_than_row_wise(rows: list[list[str]], how: str, terminator: str) -> None:
    data = encode(rows, how, terminator)
    fast = read_columns(data, "t.csv", None, _resolver())  # never raises
    expected, summary, issues = _row_wise("t.csv", data)
    if fast is None:
        event("row-wise")
        return
    event("columnar")
    assert issues == []
    assert list(fast.observations) == expected
    assert (fast.missing, fast.outside) == (summary.missing, summary.outside)


@PROPERTY
@given(tables=st.lists(st.tuples(any_tables(), encodings, terminators), min_size=1, max_size=2))
def test_parse_files_raises_only_input_errors(tables: list[tuple[list[list[str]], str, str]]) -> None:
    files = [(f"f{i}.csv", encode(rows, how, t)) for i, (rows, how, t) in enumerate(tables)]
    try:
        rows, _ = parse_files(files, load_registry(), _default_regions())
    except ImportFailed as exc:
        event("refused")
        every: list[Issue] = []
        for name, data in files:  # the row-wise path's own issues come first, file by file
            every.extend(_row_wise(name, data)[2])
        assert exc.issues[: len(every)] == list(dict.fromkeys(every))
        return
    except InputError:
        event("refused (input)")
        return
    event("accepted")
    expected = [obs for name, data in files for obs in _row_wise(name, data)[0]]
    assert list(rows) == expected


# ------------------------------------------------------------------------------------------ examples


def test_a_bad_cell_gives_the_row_wise_message() -> None:
    head = "region,indicator,period,value,unit,source\n"
    data = f"{head}上海,gdp,2023,1,亿元,{SYNTHETIC}\n火星,gdp,2023,1,亿元,s\n".encode()
    assert read_columns(data, "bad.csv", None, _resolver()) is None
    with pytest.raises(ImportFailed) as info:
        parse_files([("bad.csv", data)], load_registry(), _default_regions())
    assert info.value.issues == _row_wise("bad.csv", data)[2]
    assert str(info.value.issues[0]).startswith("bad.csv, row 3, column 1 (region): unknown region")


def test_duplicates_across_files_fall_back_to_row_wise_messages() -> None:
    text = f"region,indicator,period,value,unit,source\n上海,gdp,2023,1,亿元,{SYNTHETIC}\n"
    files = [("a.csv", text.encode()), ("b.csv", text.replace("上海", "310000").encode())]
    with pytest.raises(ImportFailed) as info:
        parse_files(files, load_registry(), _default_regions())
    assert [str(i) for i in info.value.issues] == [
        "b.csv, row 2, column 4 (value): duplicate of a.csv row 2 (310000 gdp 2023): '1'"
    ]


def test_quoted_and_plain_files_read_alike() -> None:
    rows = [
        HEADER[:6],
        ["Suzhou, Jiangsu", "gdp", "2023", "1,234.5", "亿元", "a, b"],
        ["上海", "gdp", "2023", "2", "万元", "c"],
    ]
    plain = [
        HEADER[:6],
        ["320500", "gdp", "2023", "1234.5", "亿元", "a"],
        ["上海", "gdp", "2023", "2", "万元", "c"],
    ]
    for data in (encode(rows, "utf-8", "\n"), encode(plain, "utf-8", "\r\n")):
        fast = read_columns(data, "q.csv", None, _resolver())
        assert fast is not None
        assert list(fast.observations) == _row_wise("q.csv", data)[0]
