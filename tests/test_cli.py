"""The `yrd` command as a user runs it, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from yrd.cli import app

DATA = Path(__file__).parent / "data"


@pytest.fixture
def run(db_url: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("YRD_DATABASE_URL", db_url)
    runner = CliRunner()

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, list(args))

    return invoke


def test_load_show_search(run) -> None:  # type: ignore[no-untyped-def]
    result = run("load")
    assert result.exit_code == 0, result.output
    assert "12 chapters, 44 sections, 139 paragraphs" in result.output
    again = run("load")
    assert "unchanged" in again.output
    plans = run("plans")
    assert "yrd-outline-2019" in plans.output
    shown = run("show", "第五章第一节第1段")
    assert shown.exit_code == 0
    assert "《纲要》第五章第一节第1段" in shown.output
    assert "共建轨道上的长三角。" in shown.output
    shown_en = run("show", "Outline, Ch. V, Sec. 1, para. 1", "--lang", "both")
    assert "Outline, Ch. V, Sec. 1, para. 1" in shown_en.output
    assert "(no en text)" in shown_en.output
    chapter = run("show", "chp_12")
    assert "chp_12__sec_5" in chapter.output
    found = run("search", "城际铁路")
    assert found.exit_code == 0
    assert "3 hits" in found.output
    assert "《纲要》第五章第一节第1段" in found.output


def test_export_json(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("load")
    out = tmp_path / "plan.json"
    result = run("export", "yrd-outline-2019", "--format", "json", "--output", str(out))
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text("utf-8"))
    assert data["id"] == "yrd-outline-2019"


def test_export_akn(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("load")
    out = tmp_path / "akn"
    result = run("export", "yrd-outline-2019", "--format", "akn", "--output", str(out))
    assert result.exit_code == 0, result.output
    files = list(out.iterdir())
    assert files and all(f.read_bytes().startswith(b"<?xml") for f in files)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["load", str(DATA / "bad" / "empty.txt")], "the file is empty"),
        (["load", str(DATA / "bad" / "binary.bin")], "binary file"),
        (["load", str(DATA / "bad" / "not_an_outline.txt")], "not a plan outline"),
        (["load", "/no/such/file.txt"], "no such file"),
        (["show", "第九十九章"], "has no unit chp_99"),
        (["show", "nonsense!"], "not a citation"),
        (["export", "no-such-plan"], "no plan 'no-such-plan'"),
        (["export", "yrd-outline-2019", "--format", "pdf"], "--format must be json or akn"),
        (["search", " "], "empty search query"),
        (["show", "chp_1", "--lang", "fr"], "--lang must be"),
    ],
)
def test_errors_are_one_line(run, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    run("load")
    result = run(*args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert len([ln for ln in result.output.splitlines() if ln.startswith("error:")]) == 1


def test_real_entry_point_no_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "YRD_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"}
    proc = subprocess.run(
        [sys.executable, "-m", "yrd", "load", str(DATA / "bad" / "undecodable.txt")],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "undecodable bytes" in proc.stderr
