"""`yrd report`: writes the file named by `filename` (or --out), prints its path and size, and turns
bad options into one line and a non-zero exit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from yrd.bootstrap import prepare_default
from yrd.cli import app
from yrd.db import Database


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('report-cli') / 'yrd.sqlite'}"
    database = Database(url)
    database.migrate()
    prepare_default(database)
    database.dispose()
    yield url


@pytest.fixture
def runner(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    monkeypatch.setenv("YRD_DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def test_writes_the_default_file_name(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", "--period", "2024", "--lang", "en", "--format", "html"])
    assert result.exit_code == 0, result.output
    path = tmp_path / "yrd-report-2024-en.html"
    assert path.is_file()
    assert "yrd-report-2024-en.html" in result.output
    assert "kB" in result.output or "MB" in result.output
    text = path.read_text("utf-8")
    assert "Executive summary" in text and "<svg" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "odt"], "report format must be one of html, pdf, docx, not 'odt'"),
        (["--lang", "fr"], "--lang must be one of zh, en, not 'fr'"),
        (["--as-of", "soon", "--format", "html"], "as_of must be YYYY"),
    ],
)
def test_bad_options_fail_cleanly(runner: CliRunner, tmp_path: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["report", *args])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0], result.output
    assert not list(tmp_path.iterdir())


def test_unwritable_out_fails_cleanly(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["report", "--format", "html", "--out", str(tmp_path / "no" / "such" / "r.html")]
    )
    assert result.exit_code == 1
    assert "cannot write" in result.output and "Traceback" not in result.output
