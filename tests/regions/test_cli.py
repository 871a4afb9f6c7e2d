"""`yrd regions` and `yrd groups` as a user runs them, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json

import pytest
import typer
from typer.testing import CliRunner

from yrd.db import Database
from yrd.regions.cli import register
from yrd.regions.store import seed_regions


@pytest.fixture
def run(db: Database, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("YRD_DATABASE_URL", db.url)
    seed_regions(db)
    app = typer.Typer()
    register(app)
    runner = CliRunner()

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, list(args))

    return invoke


def test_regions_table_json_csv(run) -> None:  # type: ignore[no-untyped-def]
    table = run("regions", "--level", "province")
    assert table.exit_code == 0, table.output
    assert "4 regions" in table.output and "安徽省" in table.output
    rows = json.loads(run("regions", "--level", "prefecture", "--format", "json").output)["data"]
    assert len(rows) == 41 and rows[0]["code"] == "310100"
    found = list(
        csv.DictReader(io.StringIO(run("regions", "--group", "demo-zone", "--format", "csv").output))
    )
    assert [r["code"] for r in found] == ["310118", "320509", "330421"]
    assert found[0]["name_en"] == "Qingpu District"


def test_regions_of_a_group_at_one_level(run) -> None:  # type: ignore[no-untyped-def]
    rows = json.loads(
        run("regions", "--group", "central-area", "--level", "prefecture", "-f", "json").output
    )["data"]
    assert len(rows) == 27


def test_groups(run) -> None:  # type: ignore[no-untyped-def]
    table = run("groups")
    assert table.exit_code == 0, table.output
    assert "13 groups" in table.output and "central-area" in table.output
    rows = json.loads(run("groups", "--format", "json").output)["data"]
    assert rows[1]["members"] == ["310118", "320509", "330421"]
    lines = list(csv.DictReader(io.StringIO(run("groups", "--format", "csv").output)))
    assert lines[0]["definition"] == "text" and len(lines[0]["members"].split()) == 27


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (("regions", "--level", "city"), "--level must be one of", 1),
        (("regions", "--format", "xml"), "--format must be one of", 1),
        (("regions", "--group", "nope"), "no region group 'nope'", 2),
        (("groups", "--format", "xml"), "--format must be one of", 1),
    ],
)
def test_errors_are_one_line(run, args: tuple[str, ...], message: str, code: int) -> None:  # type: ignore[no-untyped-def]
    result = run(*args)
    assert result.exit_code == code
    assert message in result.output
    assert "Traceback" not in result.output
