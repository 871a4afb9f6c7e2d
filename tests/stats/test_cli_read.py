"""`yrd indicators` and `yrd data history` as a user runs them, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json

import pytest
import typer
from typer.testing import CliRunner

from yrd.db import Database
from yrd.stats import store
from yrd.stats.cli import register
from yrd.stats.model import ObservationIn
from yrd.stats.registry import load_registry

# Real figures (shipped data): Anhui GDP 2016 as in the yearbook, then revised.
ROWS = [
    ObservationIn(
        region="340000",
        indicator="gdp",
        period="2016",
        value=24117.89,
        unit="亿元",
        status="provisional",
        source="yearbook (test)",
    ),
    ObservationIn(
        region="340000",
        indicator="gdp",
        period="2016",
        value=26307.70,
        unit="亿元",
        status="revised",
        source="revised series (test)",
    ),
]


@pytest.fixture
def run(db: Database, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("YRD_DATABASE_URL", db.url)
    store.seed_indicators(db)
    with db.write() as session:
        store.write_observations(session, {"id": "t"}, ROWS)
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


def test_indicators(run) -> None:  # type: ignore[no-untyped-def]
    table = run("indicators")
    assert table.exit_code == 0, table.output
    assert f"{len(load_registry())} indicators" in table.output and "urbanization_rate" in table.output
    rows = json.loads(run("indicators", "--format", "json").output)
    assert rows["count"] == len(load_registry()) and rows["data"][0]["code"] == "urbanization_rate"
    found = list(csv.DictReader(io.StringIO(run("indicators", "--format", "csv").output)))
    assert found[0]["aliases"].startswith("城镇化率;") and found[0]["unit"] == "%"
    bad = run("indicators", "--format", "xml")
    assert bad.exit_code == 1 and "--format" in bad.output


def test_history(run) -> None:  # type: ignore[no-untyped-def]
    table = run("data", "history", "gdp", "340000")
    assert table.exit_code == 0, table.output
    assert "2 vintages" in table.output and "2*" in table.output
    rows = json.loads(run("data", "history", "地区生产总值", "340000", "--format", "json").output)["data"]
    assert [(r["vintage"], r["value"], r["current"]) for r in rows] == [
        (1, 24117.89, False),
        (2, 26307.7, True),
    ]
    assert json.loads(run("data", "history", "gdp", "310000", "-f", "json").output)["count"] == 0
    unknown = run("data", "history", "gdpp", "340000")
    assert unknown.exit_code == 2 and "did you mean" in unknown.output
