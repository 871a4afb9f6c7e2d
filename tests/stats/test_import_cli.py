"""`yrd data import` as a user runs it, on SQLite and PostgreSQL (SYNTHETIC test figures)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from tests.stats.importing import nbs_export, snapshot
from yrd.db import Database
from yrd.stats.import_cli import register_import

GDP = [("上海市", ["47218.7", "44652.8"]), ("江苏省", ["128222.2", "—"]), ("北京市", ["43760.7", "41610.9"])]
HEAD = "region,indicator,period,value,unit,source\n"


@pytest.fixture
def run(db: Database, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("YRD_DATABASE_URL", db.url)
    app = typer.Typer()
    data_app = typer.Typer()
    register_import(data_app)
    app.add_typer(data_app, name="data")
    runner = CliRunner()

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, ["data", *args])

    return invoke


def test_import_nbs_gbk_then_again(run, db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "gdp.csv"
    path.write_bytes(nbs_export("地区生产总值(亿元)", ["2023年", "2022年"], GDP, "gbk"))
    first = run("import", str(path))
    assert first.exit_code == 0, first.output
    assert (
        "nbs, gb18030, 3 observations (1 cell without a figure; 2 rows outside the Delta skipped)"
        in first.stdout
    )
    assert "imported 3 new, 0 revised, 0 unchanged" in first.stdout
    before = snapshot(db)
    again = run("import", str(path))
    assert "imported 0 new, 0 revised, 3 unchanged" in again.stdout
    assert snapshot(db) == before


def test_dry_run_writes_nothing(run, db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "gdp.csv"
    path.write_bytes(nbs_export("地区生产总值(亿元)", ["2023年", "2022年"], GDP, "utf-8"))
    before = snapshot(db)
    result = run("import", "--dry-run", str(path))
    assert result.exit_code == 0, result.output
    assert (
        "would be written (dry run)" in result.stdout and "dry run, nothing written: 3 new" in result.stdout
    )
    assert snapshot(db) == before


def test_bad_file_one_line_per_error_capped(run, db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.csv"
    path.write_text(HEAD + "".join(f"火星{i},gdp,2023,1,亿元,s\n" for i in range(55)), encoding="utf-8")
    before = snapshot(db)
    result = run("import", str(path))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0] == f"error: {path}, row 2, column 1 (region): unknown region: '火星0'"
    assert lines[-2:] == ["error: … and 5 more errors", "55 errors; nothing imported"]
    assert len(lines) == 52 and "Traceback" not in result.output
    assert snapshot(db) == before


def test_missing_file_bad_format_and_wide_mapping(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    missing = run("import", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 1 and "nope.csv: no such file" in missing.stderr
    bad = run("import", "--format", "pdf", str(tmp_path / "nope.csv"))
    assert bad.exit_code == 1 and "--format must be one of csv, xlsx, nbs, wide, not 'pdf'" in bad.stderr
    table = tmp_path / "table.csv"
    table.write_text("城市,2022年,2023年\n南京,16907.9,17421.4\n苏州,23958.3,24653.4\n", encoding="utf-8")
    mapping = tmp_path / "m.json"
    mapping.write_text(
        json.dumps(
            {
                "region_column": "城市",
                "indicator": "地区生产总值",
                "unit": "亿元",
                "source": "synthetic yearbook",
            }
        ),
        encoding="utf-8",
    )
    done = run("import", "--mapping", str(mapping), str(table))
    assert done.exit_code == 0, done.output
    assert "wide" in done.stdout and "imported 4 new" in done.stdout
    mapping.write_text("{}", encoding="utf-8")
    wrong = run("import", "--mapping", str(mapping), str(table))
    assert wrong.exit_code == 1 and "region_column: Field required" in wrong.stderr
