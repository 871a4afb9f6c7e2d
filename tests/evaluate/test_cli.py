"""`yrd evaluate`, `yrd index` and `yrd disparity` as a user runs them
(the real embedded default on SQLite: structure only, no results hard-coded)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from yrd.cli import app
from yrd.db import Database

runner = CliRunner()


@pytest.fixture
def env(default_db: Database) -> dict[str, str]:
    return {"YRD_DATABASE_URL": default_db.url}


def test_commands(env: dict[str, str]) -> None:
    table = runner.invoke(app, ["evaluate"], env=env)
    assert table.exit_code == 0, table.output
    data = json.loads(
        runner.invoke(app, ["evaluate", "--format", "json", "--method", "open_sdg"], env=env).stdout
    )
    assert len(data["targets"]) == 18 and data["methods"] == ["open_sdg"]
    tid = data["targets"][0]["id"]
    rows = list(
        csv.DictReader(
            io.StringIO(runner.invoke(app, ["evaluate", "--target", tid, "-f", "csv"], env=env).stdout)
        )
    )
    assert len(rows) == 5 * 5  # regions × methods
    assert {"method", "status", "score", "evidence", "inputs", "projection_2025"} <= set(rows[0])
    index = json.loads(
        runner.invoke(app, ["index", "--format", "json", "--weighting", "entropy"], env=env).stdout
    )
    assert index["weighting"] == "entropy" and index["left_out"]
    assert runner.invoke(app, ["index"], env=env).exit_code == 0
    dis = json.loads(
        runner.invoke(app, ["disparity", "gdp", "--level", "province", "-f", "json"], env=env).stdout
    )
    assert dis["level"] == "province" and all(y["n_regions"] >= 2 for y in dis["years"])
    assert runner.invoke(app, ["disparity", "gdp"], env=env).exit_code == 0


@pytest.mark.parametrize(
    "args",
    [
        ["evaluate", "--target", "target:nope"],
        ["evaluate", "--region", "999999"],
        ["evaluate", "--method", "astrology"],
        ["evaluate", "--format", "xml"],
        ["index", "--normalisation", "rank"],
        ["disparity", "no_such_indicator"],
        ["disparity", "gdp", "--level", "county"],
    ],
)
def test_bad_input_is_one_line(args: list[str], tmp_path: object) -> None:
    env = {"YRD_DATABASE_URL": f"sqlite:///{tmp_path}/yrd.sqlite"}
    r = runner.invoke(app, args, env=env)
    assert r.exit_code != 0
    assert r.stderr.startswith("error:") and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "Traceback" not in r.output
