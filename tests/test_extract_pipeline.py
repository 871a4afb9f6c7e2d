"""Extraction kept in the database (SQLite and PostgreSQL): complete, stable, atomic, re-runnable."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from yrd.bootstrap import prepare_default
from yrd.cli import app as cli_app
from yrd.db import Database
from yrd.db.models import ExtractedRow
from yrd.documents.model import Plan
from yrd.extract.model import Target
from yrd.extract.pipeline import extract_plan, extractors, list_records, record_id
from yrd.settings import Settings
from yrd.web.app import create_app

PLAN = "yrd-outline-2019"


def ids(db: Database) -> list[str]:
    with db.read() as s:
        return list(
            s.scalars(select(ExtractedRow.id).where(ExtractedRow.plan_id == PLAN).order_by(ExtractedRow.seq))
        )


def test_default_is_extracted_on_first_run(db: Database) -> None:
    prepare_default(db)
    with db.read() as s:
        targets = list_records(s, PLAN, "target")
        counts = {k: len(list_records(s, PLAN, k)) for k in ("fact", "place", "project", "task")}
    assert len(targets) == 18
    assert counts["fact"] == 25 and counts["task"] == 93
    assert counts["place"] > 300 and counts["project"] > 100
    urban = next(t for t in targets if t.indicator == "常住人口城镇化率")
    assert (urban.value, urban.unit, urban.target_year) == (70.0, "%", 2025)


def test_rerun_is_stable_and_skipped_when_unchanged(db: Database) -> None:
    prepare_default(db)
    before = ids(db)
    assert not extract_plan(db, PLAN).changed
    assert extract_plan(db, PLAN, force=True).changed
    assert ids(db) == before  # same text, same ids


def test_failed_rerun_leaves_the_old_records(db: Database) -> None:
    prepare_default(db)
    before = ids(db)

    def broken(plan: Plan) -> list[Target]:
        raise RuntimeError("extractor failed")

    with pytest.raises(RuntimeError):
        extract_plan(db, PLAN, force=True, using={**extractors(), "target": broken})
    assert ids(db) == before


def test_records_quote_their_text(db: Database) -> None:
    prepare_default(db)
    with db.read() as s:
        n = s.scalar(select(func.count()).select_from(ExtractedRow).where(ExtractedRow.plan_id == PLAN))
        records = list_records(s, PLAN)
    assert n == len(records) == len({record_id(r) for r in records})


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("YRD_DATABASE_URL", db_url)
    runner = CliRunner()
    assert runner.invoke(cli_app, ["load"]).exit_code == 0
    return lambda *args: runner.invoke(cli_app, list(args))


def test_cli_lists(cli) -> None:  # type: ignore[no-untyped-def]
    table = cli("targets")
    assert table.exit_code == 0 and "18 targets" in table.output
    data = json.loads(cli("targets", "--format", "json").output)
    assert data["count"] == 18
    assert data["data"][0]["citation"]["zh"].startswith("《纲要》")
    rows = list(csv.DictReader(io.StringIO(cli("projects", "--format", "csv").output)))
    assert rows and {"id", "citation_zh", "name", "type", "start", "end"} <= set(rows[0])
    one = json.loads(cli("places", "--unit", "preface__para_3", "-f", "json").output)
    assert one["count"] >= 30
    assert cli("extract").output.startswith("unchanged")
    bad = cli("targets", "--format", "xml")
    assert bad.exit_code != 0 and "--format must be one of" in bad.output


@pytest.fixture
def client(db: Database) -> Iterator[TestClient]:
    prepare_default(db)
    with TestClient(create_app(Settings(database_url=db.url), db)) as c:
        yield c


def test_api(client: TestClient) -> None:
    body = client.get(f"/api/plans/{PLAN}/targets").json()
    assert body["count"] == 18
    assert body["data"][0]["links"]["html"].startswith(f"/plans/{PLAN}/")
    r = client.get(f"/api/plans/{PLAN}/projects.csv")
    assert r.status_code == 200 and r.text.startswith("\ufeffid,kind,")
    assert "links" not in r.text.splitlines()[0]
    unit = client.get(f"/api/plans/{PLAN}/units/chp_2__sec_4__para_2/extracted").json()
    assert {d["kind"] for d in unit["data"]} >= {"target", "place"}
    missing = client.get("/api/plans/nope/targets")
    assert missing.status_code == 404 and missing.json()["ok"] is False
