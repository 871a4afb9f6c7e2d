"""Exports: CSV, Excel, JSON records and SDMX-CSV 1.0, from the library and `yrd data export`.

The figures are SYNTHETIC test data.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
import typer
from typer.testing import CliRunner

from tests.stats.importing import nbs_export
from yrd.db import Database
from yrd.errors import InputError
from yrd.stats.exporters import COLUMNS, DATAFLOW, SDMX_COLUMNS, export, number, render
from yrd.stats.import_cli import register_import
from yrd.stats.importers import import_files

HEAD = "region,indicator,period,value,unit,source,status\n"
TIDY = HEAD + (
    "上海,gdp,2023,47218.7,亿元,synthetic A,provisional\n"
    "上海,gdp,2022,44652.8,亿元,synthetic A,official\n"
    "江苏,gdp,2023,128222,亿元,synthetic A,estimate\n"
    "上海,urbanization_rate,2023,89.46,%,synthetic B,official\n"
)


@pytest.fixture
def loaded(db: Database) -> Database:
    import_files(db, [("tidy.csv", TIDY.encode())])
    import_files(db, [("fix.csv", (HEAD + "上海,gdp,2023,47218.66,亿元,synthetic C,revised\n").encode())])
    return db


def test_number_text() -> None:
    assert (number(128222.0), number(47218.66), number(0.1 + 0.2)) == (
        "128222",
        "47218.66",
        "0.30000000000000004",
    )


def test_csv_and_json_carry_the_same_records(loaded: Database) -> None:
    data, count = export(loaded, "csv")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert count == 4 and tuple(rows[0]) == COLUMNS
    sh = next(
        r for r in rows if r["region"] == "310000" and r["period"] == "2023" and r["indicator"] == "gdp"
    )
    assert (sh["value"], sh["vintage"], sh["status"], sh["source"]) == (
        "47218.66",
        "2",
        "revised",
        "synthetic C",
    )
    doc = json.loads(export(loaded, "json", indicator="地区生产总值")[0])
    assert doc["count"] == 3
    assert {"region", "indicator", "period", "value", "unit", "source", "status", "vintage"} <= set(
        doc["data"][0]
    )


def test_filters_by_names_and_codes(loaded: Database) -> None:
    _, count = export(loaded, "csv", indicator="gdp", region="Shanghai")
    assert count == 2
    _, count = export(loaded, "csv", region="320000")
    assert count == 1
    with pytest.raises(InputError, match="unknown indicator '幸福'"):
        export(loaded, "csv", indicator="幸福")
    with pytest.raises(InputError, match="unknown region: '火星'"):
        export(loaded, "csv", region="火星")
    with pytest.raises(InputError, match="--format must be one of csv, xlsx, json, sdmx-csv"):
        export(loaded, "xml")


def test_sdmx_csv_header_and_rows(loaded: Database) -> None:
    text = export(loaded, "sdmx-csv", indicator="gdp")[0].decode("utf-8")
    lines = text.splitlines()
    assert (
        lines[0]
        == "DATAFLOW,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,OBS_STATUS,SOURCE,COMMENT,VINTAGE"
    )
    assert tuple(lines[0].split(",")) == SDMX_COLUMNS
    rows = list(csv.DictReader(io.StringIO(text)))
    assert all(r["DATAFLOW"] == DATAFLOW == "YRD:YRD_OBS(1.0)" for r in rows)
    js = next(r for r in rows if r["REF_AREA"] == "320000")
    assert (js["TIME_PERIOD"], js["OBS_VALUE"], js["UNIT_MEASURE"], js["OBS_STATUS"]) == (
        "2023",
        "128222",
        "亿元",
        "E",
    )


def test_xlsx_round_trips_through_the_importer(loaded: Database, tmp_path: Path) -> None:
    data, count = export(loaded, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert tuple(values[0]) == COLUMNS and len(values) == count + 1
    fresh = Database(f"sqlite:///{tmp_path / 'fresh' / 'yrd.sqlite'}")
    fresh.migrate()
    report = import_files(fresh, [("export.xlsx", data)])
    fresh.dispose()
    assert report.total.new == count  # an export imports again as tidy Excel


def test_render_empty_and_unknown() -> None:
    assert render([], "sdmx-csv").decode() == ",".join(SDMX_COLUMNS) + "\n"
    assert json.loads(render([], "json")) == {"data": [], "count": 0}
    with pytest.raises(InputError):
        render([], "parquet")


def test_export_command(loaded: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("YRD_DATABASE_URL", loaded.url)
    app, data_app = typer.Typer(), typer.Typer()
    register_import(data_app)
    app.add_typer(data_app, name="data")
    runner = CliRunner()
    out = runner.invoke(app, ["data", "export", "--format", "sdmx-csv", "--indicator", "gdp"])
    assert out.exit_code == 0, out.output
    assert out.stdout.startswith("DATAFLOW,REF_AREA,") and out.stdout.count("\n") == 4
    target = tmp_path / "all.xlsx"
    done = runner.invoke(app, ["data", "export", "-f", "xlsx", "-o", str(target)])
    assert (
        done.exit_code == 0
        and target.read_bytes().startswith(b"PK")
        and "wrote 4 observations" in done.stderr
    )
    bad = runner.invoke(app, ["data", "export", "-f", "xlsx"])
    assert bad.exit_code == 1 and "needs --output" in bad.stderr and "Traceback" not in bad.output
    nbs = tmp_path / "nbs.csv"
    nbs.write_bytes(nbs_export("城镇人口比重(%)", ["2023年"], [("浙江省", ["74.2"])]))
    assert runner.invoke(app, ["data", "import", str(nbs)]).exit_code == 0
    js = json.loads(runner.invoke(app, ["data", "export", "-f", "json", "-r", "浙江"]).stdout)
    assert js["count"] == 1 and js["data"][0]["value"] == 74.2
