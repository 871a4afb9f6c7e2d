"""The importers on files built here: every format, every kind of bad file, and all-or-nothing writes.

Figures are SYNTHETIC test data laid out like real publications (see tests/stats/importing.py).
"""

from __future__ import annotations

import pytest

from tests.stats.importing import SYNTHETIC, FakeStore, nbs_export, snapshot, xlsx
from yrd.db import Database
from yrd.errors import InputError
from yrd.stats.importers import ImportFailed, Mapping, import_files, parse_files, read_mapping
from yrd.stats.importers.run import _default_regions
from yrd.stats.model import ObservationIn
from yrd.stats.registry import load_registry

GDP_YEARS = ["2023年", "2022年", "2021年"]
GDP_ROWS = [
    ("全国", ["1260582.1", "1204724.0", "1149237.0"]),
    ("北京市", ["43760.7", "41610.9", "41045.6"]),
    ("上海市", ["47218.7", "44652.8", "43214.9"]),
    ("江苏省", ["128222.2", "122875.6", "116364.2"]),
    ("浙江省", ["82553.2", "77715.4", "73515.8"]),
    ("安徽省", ["47050.6", "45045.0", "—"]),
    ("广东省", ["135673.2", "129118.6", "124369.7"]),
]


def parse(files: list[tuple[str, bytes]], fmt: str | None = None, mapping: Mapping | None = None):  # type: ignore[no-untyped-def]
    return parse_files(files, load_registry(), _default_regions(), fmt, mapping)


def errors_of(
    files: list[tuple[str, bytes]], fmt: str | None = None, mapping: Mapping | None = None
) -> list[str]:
    with pytest.raises(ImportFailed) as info:
        parse(files, fmt, mapping)
    return [str(i) for i in info.value.issues]


def values(rows: list[ObservationIn]) -> dict[tuple[str, str, str], float]:
    return {(r.region, r.indicator, r.period): r.value for r in rows}


TIDY = f"""region,indicator,period,value,unit,source,status,note
上海市,常住人口城镇化率,2023,89.46,%,{SYNTHETIC},official,
Suzhou, Jiangsu,urbanization_rate,2023,82.5,%,{SYNTHETIC},provisional,
330100,年末常住人口(万人),2023,12523000,人,{SYNTHETIC},,
Anhui,gdp,2023,470506000,万元,{SYNTHETIC},估计,
浙,城镇人口比重(%),2022,7.38,‰,{SYNTHETIC},,
central-area,rd_intensity,2023,—,%,{SYNTHETIC},,
"""


# ------------------------------------------------------------------------------------------ good files


def test_tidy_csv_resolves_names_codes_aliases_and_converts_units() -> None:
    text = TIDY.replace("Suzhou, Jiangsu", '"Suzhou, Jiangsu"')
    rows, files = parse([("tidy.csv", text.encode("utf-8"))])
    got = values(rows)
    assert got == {
        ("310000", "urbanization_rate", "2023"): 89.46,
        ("320500", "urbanization_rate", "2023"): 82.5,
        ("330100", "resident_population", "2023"): 1252.3,  # 人 → 万人
        ("340000", "gdp", "2023"): 47050.6,  # 万元 → 亿元
        ("330000", "urbanization_rate", "2022"): 0.738,  # ‰ → %
    }
    by_key = {(r.region, r.period): r for r in rows}
    assert by_key[("320500", "2023")].status == "provisional"
    assert by_key[("340000", "2023")].status == "estimate"
    assert all(r.unit in {"%", "万人", "亿元"} and r.source == SYNTHETIC for r in rows)
    assert files[0].format == "csv" and files[0].missing == 1  # "—" is no figure, not zero


def test_tidy_csv_in_gbk_and_with_bom() -> None:
    text = TIDY.replace("Suzhou, Jiangsu", "苏州市")
    a, _ = parse([("gbk.csv", text.encode("gbk"))])
    b, info = parse([("bom.csv", text.encode("utf-8-sig"))])
    assert values(a) == values(b) and len(a) == 5
    assert info[0].encoding == "utf-8-sig"


def test_nbs_export_gbk_with_footnotes_and_other_provinces() -> None:
    data = nbs_export("地区生产总值(亿元)", GDP_YEARS, GDP_ROWS, "gbk")
    rows, files = parse([("分省年度数据.csv", data)])
    got = values(rows)
    assert len(rows) == 11  # 4 provinces × 3 years, less Anhui 2021 ("—")
    assert got[("310000", "gdp", "2023")] == 47218.7
    assert got[("320000", "gdp", "2021")] == 116364.2
    assert ("340000", "gdp", "2021") not in got
    f = files[0]
    assert (f.format, f.encoding, f.missing, f.outside) == ("nbs", "gb18030", 1, 9)  # 全国, 北京, 广东 × 3
    assert rows[0].source == "国家统计局，分省年度数据（国家数据导出）"
    assert "初步核算" in rows[0].note


def test_nbs_export_utf8_percent_alias_and_ellipsis() -> None:
    rows_in = [("上海市", ["89.46", "89.33"]), ("江苏省", ["75.04", "…"]), ("浙江省", ["", "73.38"])]
    data = nbs_export("城镇人口比重(%)", ["2023年", "2022年"], rows_in, "utf-8")
    rows, files = parse([("urban.csv", data)])
    assert values(rows) == {
        ("310000", "urbanization_rate", "2023"): 89.46,
        ("310000", "urbanization_rate", "2022"): 89.33,
        ("320000", "urbanization_rate", "2023"): 75.04,
        ("330000", "urbanization_rate", "2022"): 73.38,
    }
    assert files[0].missing == 2


def test_nbs_export_with_indicators_in_rows_for_one_region() -> None:
    text = "\n".join(
        [
            "数据库：分省年度数据",
            "地区：上海市",
            "时间：最近2年",
            "指标,2023年,2022年",
            "年末常住人口(万人),2487.45,2475.89",
            "地区生产总值(亿元),47218.7,44652.8",
            "数据来源：国家统计局",
        ]
    )
    rows, _ = parse([("sh.csv", text.encode("gb18030"))])
    assert values(rows) == {
        ("310000", "resident_population", "2023"): 2487.45,
        ("310000", "resident_population", "2022"): 2475.89,
        ("310000", "gdp", "2023"): 47218.7,
        ("310000", "gdp", "2022"): 44652.8,
    }


def test_excel_tidy_and_excel_nbs() -> None:
    book = xlsx(
        [
            ["region", "indicator", "period", "value", "unit", "source"],
            ["上海市", "urbanization_rate", 2023, 89.46, "%", SYNTHETIC],
            ["Hefei", "年末常住人口", 2023, 985.3, "万人", SYNTHETIC],
        ]
    )
    rows, files = parse([("tidy.xlsx", book)])
    assert values(rows) == {
        ("310000", "urbanization_rate", "2023"): 89.46,
        ("340100", "resident_population", "2023"): 985.3,
    }
    assert files[0].format == "xlsx"
    nbs = xlsx(
        [
            ["数据库：分省年度数据"],
            ["指标：地区生产总值(亿元)"],
            ["地区", "2023年"],
            ["上海市", 47218.7],
            ["数据来源：国家统计局"],
        ]
    )
    rows, files = parse([("nbs.xlsx", nbs)])
    assert values(rows) == {("310000", "gdp", "2023"): 47218.7} and files[0].format == "nbs"


def test_wide_table_years_in_columns() -> None:
    text = "\n".join(
        [
            "表2-3 各市地区生产总值（synthetic）",
            "",
            "地区,2021年,2022年,2023年",
            "南京市,16355.3,16907.9,17421.4",
            "苏州市,22718.3,23958.3,24653.4",
            "无锡市,14003.2,14850.8,—",
            "注：按当年价格计算。",
        ]
    )
    mapping = read_mapping(
        b'{"region_column": "\xe5\x9c\xb0\xe5\x8c\xba", "header_row": 3, "indicator": "gdp",'
        b' "unit": "\xe4\xba\xbf\xe5\x85\x83", "source": "synthetic yearbook"}'
    )
    rows, files = parse([("yearbook.csv", text.encode("utf-8"))], mapping=mapping)
    got = values(rows)
    assert (
        len(got) == 8
        and got[("320100", "gdp", "2021")] == 16355.3
        and got[("320500", "gdp", "2023")] == 24653.4
    )
    assert files[0].format == "wide" and files[0].missing == 1


def test_wide_table_indicators_in_columns_from_excel() -> None:
    book = xlsx(
        [
            ["城市", "年末常住人口(万人)", "GDP", "城镇化率"],
            ["杭州", 1252.2, 20059, 84.2],
            ["宁波", 969.7, 16452.8, 79.2],
        ]
    )
    mapping = Mapping(
        region_column="A",
        period="2023",
        source="synthetic yearbook",
        indicator_columns={"年末常住人口(万人)": "resident_population", "GDP": "gdp", "D": "城镇化率"},
        units={"GDP": "亿元", "D": "%"},
    )
    rows, _ = parse([("cities.xlsx", book)], fmt="wide", mapping=mapping)
    got = values(rows)
    assert got[("330100", "resident_population", "2023")] == 1252.2
    assert got[("330200", "gdp", "2023")] == 16452.8
    assert got[("330200", "urbanization_rate", "2023")] == 79.2


# ------------------------------------------------------------------------------------------ bad files

HEAD = "region,indicator,period,value,unit,source\n"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "苏洲,urbanization_rate,2023,80,%,s\n",
            "row 2, column 1 (region): unknown region (did you mean 苏州, 苏北, 秀洲?): '苏洲'",
        ),
        (
            "Taizhou,urbanization_rate,2023,80,%,s\n",
            "row 2, column 1 (region): ambiguous region "
            "(could be 321200 泰州市, 331000 台州市; give the code): 'Taizhou'",
        ),
        (
            "上海,城镇化比率,2023,80,%,s\n",
            "row 2, column 2 (indicator): unknown indicator (did you mean urbanization_rate",
        ),
        ("上海,urbanization_rate,2023,8O.5,%,s\n", "row 2, column 4 (value): not a number: '8O.5'"),
        ("上海,urbanization_rate,2023,NaN,%,s\n", "row 2, column 4 (value): not a number: 'NaN'"),
        (
            "上海,urbanization_rate,2023,1e999,%,s\n",
            "row 2, column 4 (value): number too large: '1e999'",
        ),
        (
            "上海,urbanization_rate,2023,80,亿元,s\n",
            "row 2, column 5 (unit): unit mismatch: urbanization_rate is in %, "
            "and 亿元 does not convert to it: '亿元'",
        ),
        (
            "上海,urbanization_rate,2023,101.5,%,s\n",
            "row 2, column 4 (value): impossible value: urbanization_rate is at most 100 %: '101.5'",
        ),
        (
            "上海,urbanization_rate,2023,1020,‰,s\n",
            "row 2, column 4 (value): impossible value (= 102 %): urbanization_rate is at most 100 %: '1020'",
        ),
        (
            "上海,resident_population,2023,-2487,万人,s\n",
            "row 2, column 4 (value): impossible value: resident_population is at least 0 万人: '-2487'",
        ),
        (
            "上海,gdp,1999,10000,亿元,s\n",
            "row 2, column 3 (period): period outside the plan's range 2000–2035: '1999'",
        ),
        (
            "上海,gdp,2036,10000,亿元,s\n",
            "row 2, column 3 (period): period outside the plan's range 2000–2035: '2036'",
        ),
        (
            "上海,gdp,twenty,10000,亿元,s\n",
            "row 2, column 3 (period): not a period (2023, 2023年, 2023-Q2 or 2023-06): 'twenty'",
        ),
        ("上海,gdp,2023,10000,亿元,\n", "row 2, column 6 (source): no source given: ''"),
        (
            "上海,gdp,2023,47218.7,亿元,s\n310000,地区生产总值,2023,47218.7,亿元,s\n",
            "row 3, column 4 (value): duplicate of row 2 (310000 gdp 2023): '47218.7'",
        ),
    ],
)
def test_each_bad_row_gives_its_precise_error(body: str, message: str) -> None:
    found = errors_of([("bad.csv", (HEAD + body).encode("utf-8"))])
    assert len(found) == 1, found
    assert found[0].startswith("bad.csv, " + message), found[0]


def test_wrong_header_and_unreadable_files() -> None:
    assert errors_of([("h.csv", b"area,what,when,how much\n")]) == [
        "h.csv, row 1: header lacks the column(s) indicator, period, value, unit, source (found: area, what, "
        "when, how much)"
    ]
    assert errors_of([("b.bin", b"\x00\x01\x02\x03" * 40)]) == ["b.bin: this is a binary file, not a table"]
    assert errors_of([("x.xlsx", b"PK\x03\x04broken")]) == [
        "x.xlsx: not a readable Excel workbook (BadZipFile)"
    ]
    assert errors_of([("old.xls", b"\xd0\xcf\x11\xe0rest")]) == [
        "old.xls: a legacy .xls workbook; open it and save it as .xlsx or CSV first"
    ]
    assert errors_of([("e.csv", b"   ")]) == ["e.csv: the file is empty"]


def test_nbs_errors_point_at_cells_and_header_lines() -> None:
    rows = [("上海市", ["47218.7", "x"]), ("江苏", ["128222.2", "122875.6"]), ("苏北省", ["1", "2"])]
    found = errors_of([("nbs.csv", nbs_export("地区生产总值(亿元)", ["2023年", "1999年"], rows))])
    assert found == [
        "nbs.csv, row 4, column 3 (1999年): period outside the plan's range 2000–2035: '1999年'",
        "nbs.csv, row 5, column 3 (1999年): not a number: 'x'",
        "nbs.csv, row 7, column 1 (地区): unknown region (did you mean 苏北, 江苏省?): '苏北省'",
    ]
    found = errors_of([("u.csv", nbs_export("地区生产总值(亿吨)", ["2023年"], [("上海市", ["1"])]))])
    assert found == [
        "u.csv, row 2 (指标：): unit mismatch: gdp is in 亿元, and 亿吨 does not convert to it: '亿吨'"
    ]
    found = errors_of([("i.csv", nbs_export("地区生产毛值(亿元)", ["2023年"], [("上海市", ["1"])]))])
    assert found[0].startswith("i.csv, row 2 (指标：): unknown indicator (did you mean gdp")


def test_all_errors_together_capped_in_the_message() -> None:
    body = "".join(f"火星{i},gdp,2023,1,亿元,s\n" for i in range(60))
    with pytest.raises(ImportFailed) as info:
        parse([("many.csv", (HEAD + body).encode())])
    assert len(info.value.issues) == 60
    text = str(info.value)
    assert text.startswith("60 errors, nothing imported:\n")
    assert text.splitlines()[-1] == "… and 10 more errors"
    assert len(info.value.lines(5)) == 6


def test_errors_from_several_files_and_duplicates_across_files() -> None:
    good = (HEAD + "上海,gdp,2023,47218.7,亿元,s\n").encode()
    found = errors_of(
        [("a.csv", good), ("b.csv", good), ("c.csv", (HEAD + "上海,gdp,2023,x,亿元,s\n").encode())]
    )
    assert found == [
        "c.csv, row 2, column 4 (value): not a number: 'x'",
        "b.csv, row 2, column 4 (value): duplicate of a.csv row 2 (310000 gdp 2023): '47218.7'",
    ]


def test_mapping_errors() -> None:
    with pytest.raises(InputError, match=r"m.json: mapping: Value error, give either indicator"):
        read_mapping(b'{"region_column": "A", "source": "s"}', "m.json")
    with pytest.raises(InputError, match=r"m.json: not JSON"):
        read_mapping(b"{", "m.json")
    mapping = Mapping(region_column="地区", indicator="gdp", unit="亿元", source="s", year_columns=["2030年"])
    assert errors_of([("w.csv", "地区,2023年\n上海,1\n".encode())], mapping=mapping) == [
        "w.csv, row 1: a year column of the mapping is not in the header: '2030年'"
    ]
    with pytest.raises(InputError, match="wide format needs a mapping"):
        parse([("w.csv", "地区,2023年\n上海,1\n".encode())], fmt="wide")


# ------------------------------------------------------------------------------------------ the store


def test_fake_store_dry_run_and_counts(sqlite_db: Database) -> None:
    store = FakeStore()
    data = [("g.csv", nbs_export("地区生产总值(亿元)", GDP_YEARS, GDP_ROWS))]
    kw = {"registry": load_registry(), "regions": _default_regions(), "store": store}
    report = import_files(sqlite_db, data, **kw)  # type: ignore[arg-type]
    assert report.to_dict()["new"] == 11 and report.by_indicator["gdp"].new == 11
    again = import_files(sqlite_db, data, dry_run=True, **kw)  # type: ignore[arg-type]
    assert (again.total.new, again.total.unchanged, again.dry_run) == (0, 11, True)
    assert store.calls[0][0]["files"] == ["g.csv"] and store.calls[0][0]["id"] == report.batch


# ------------------------------------------------------------------------------------------ the database


def _gdp(rows: list[tuple[str, list[str]]] = GDP_ROWS) -> list[tuple[str, bytes]]:
    return [("分省年度数据-地区生产总值.csv", nbs_export("地区生产总值(亿元)", GDP_YEARS, rows))]


def test_import_reimport_and_corrected_file_make_vintages_only_for_changes(db: Database) -> None:
    from yrd.stats import store

    first = import_files(db, _gdp())
    assert (first.total.new, first.total.revised, first.total.unchanged) == (11, 0, 0)
    before = snapshot(db)
    again = import_files(db, _gdp())
    assert (again.total.new, again.total.revised, again.total.unchanged) == (0, 0, 11)
    assert snapshot(db) == before  # the same file twice changes nothing
    corrected = [(r, list(v)) for r, v in GDP_ROWS]
    corrected[2][1][0] = "47218.66"  # 上海 2023 revised
    corrected[5][1][2] = "42959.2"  # 安徽 2021 now published
    fixed = import_files(db, _gdp(corrected))
    assert (fixed.total.new, fixed.total.revised, fixed.total.unchanged) == (1, 1, 10)
    assert fixed.by_indicator["gdp"].revised == 1
    with db.read() as session:
        hist = store.history(session, "gdp", "310000")
        assert [(o.period, o.vintage, o.value, o.current) for o in hist if o.period == "2023"] == [
            ("2023", 1, 47218.7, False),
            ("2023", 2, 47218.66, True),
        ]
        assert len(store.observations(session, indicator="gdp")) == 12


BAD_FILES = {
    "unknown region": (HEAD + "上海,gdp,2023,1,亿元,s\n火星,gdp,2023,1,亿元,s\n").encode(),
    "unknown indicator": (HEAD + "上海,gdp,2023,1,亿元,s\n上海,幸福指数,2023,1,亿元,s\n").encode(),
    "duplicate": (HEAD + "上海,gdp,2023,1,亿元,s\n上海,gdp,2023,2,亿元,s\n").encode(),
    "non-numeric": (HEAD + "上海,gdp,2023,1,亿元,s\n上海,gdp,2022,一万,亿元,s\n").encode(),
    "unit mismatch": (HEAD + "上海,gdp,2023,1,亿元,s\n上海,gdp,2022,1,万人,s\n").encode(),
    "impossible": (HEAD + "上海,gdp,2023,1,亿元,s\n上海,urbanization_rate,2022,180,%,s\n").encode(),
    "period": (HEAD + "上海,gdp,2023,1,亿元,s\n上海,gdp,1990,1,亿元,s\n").encode(),
    "gbk nbs": nbs_export("地区生产总值(亿元)", GDP_YEARS, [("上海市", ["1", "2", "三"])], "gbk"),
    "truncated": "数据库：分省年度数据\n指标：地区生产总值(亿元)\n地区,2023年\n上海市,1".encode("gbk")[:-3],
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_bad_file_leaves_the_database_as_it_was(db: Database, kind: str) -> None:
    import_files(db, _gdp())
    before = snapshot(db)
    with pytest.raises(InputError):
        import_files(
            db, [("good.csv", (HEAD + "江苏,gdp,2020,1,亿元,s\n").encode()), (f"{kind}.csv", BAD_FILES[kind])]
        )
    assert snapshot(db) == before


def test_dry_run_reports_and_writes_nothing(db: Database) -> None:
    before = snapshot(db)
    report = import_files(db, _gdp(), dry_run=True)
    assert report.dry_run and report.by_indicator["gdp"].new == 11
    assert snapshot(db) == before


def test_publication_date_is_kept() -> None:
    text = (
        "region,indicator,period,value,unit,source,published\n"
        f"310000,gdp,2023,47218.7,亿元,{SYNTHETIC},2024-03\n"
    )
    rows, _ = parse([("pub.csv", text.encode("utf-8"))])
    assert [r.published for r in rows] == ["2024-03"]
