"""`yrd policy …` and `yrd coverage` on SQLite and PostgreSQL. The policy texts are SYNTHETIC."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from tests.policies.test_store import DOCS, outline_loaded
from yrd.db import Database
from yrd.policies.cli import register


@pytest.fixture
def run(db: Database, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("YRD_DATABASE_URL", db.url)
    app = typer.Typer()
    register(app)
    runner = CliRunner()

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, list(args))

    return invoke


def flat(text: str) -> str:
    """The output with rich's line wrapping undone."""
    return " ".join(text.split())


def test_load_list_link_decide_coverage(run, db: Database) -> None:  # type: ignore[no-untyped-def]
    outline_loaded(db)
    loaded = run("policy", "load", str(DOCS / "implementation_plan.txt"), "--relation", "implementation_plan",
                 "--number", "示发〔2026〕1号")  # fmt: skip
    assert loaded.exit_code == 0, loaded.output
    assert "loaded policy policy-" in loaded.output and "18 paragraphs" in flat(loaded.output)
    [policy] = json.loads(run("policy", "list", "--format", "json").output)["data"]
    pid = policy["plan_id"]
    assert (policy["number"], policy["links"]["suggested"]) == ("示发〔2026〕1号", 0)

    shown = run("policy", "link", pid, "--k", "2")
    assert shown.exit_code == 0, shown.output
    assert "chp_2__sec_1__para_1" in shown.output and "terms:" in shown.output
    assert "decisions kept" in flat(shown.output)
    links = json.loads(run("policy", "links", pid, "--format", "json").output)["data"]
    assert links and all(x["rank"] <= 2 and x["state"] == "suggested" for x in links)
    first, second = links[0], links[1]

    confirmed = run("policy", "decide", str(first["id"]), "confirm", "--version", "1")
    assert confirmed.exit_code == 0 and f"confirmed link #{first['id']}" in confirmed.output
    assert "now version 2" in flat(confirmed.output)
    assert run("policy", "decide", str(second["id"]), "reject", "--version", "1").exit_code == 0
    stale = run("policy", "decide", str(first["id"]), "reject", "--version", "1")
    assert stale.exit_code == 1 and "after you read version 1" in flat(stale.output)

    cover = json.loads(run("coverage", "--format", "json").output)
    assert cover["covered"] == 1 and cover["count"] == cover["total"] > 50
    [covered] = [m for m in cover["data"] if not m["none"]]
    assert covered["eid"] == first["outline_eid"] and covered["links"][0]["policy_plan_id"] == pid
    missing = json.loads(run("coverage", "--format", "json", "--missing").output)
    assert missing["count"] == cover["total"] - 1 and all(m["none"] for m in missing["data"])
    rows = list(csv.DictReader(io.StringIO(run("coverage", "--format", "csv").output)))
    assert len(rows) == cover["total"]
    assert (
        next(r for r in rows if r["eid"] == first["outline_eid"])["links"] == f"{pid}:{first['policy_eid']}"
    )
    table = run("coverage")
    assert table.exit_code == 0 and f"1 of {cover['total']} measures" in flat(table.output)
    confirmed_only = json.loads(
        run("policy", "links", pid, "--state", "confirmed", "--format", "json").output
    )
    assert [x["id"] for x in confirmed_only["data"]] == [first["id"]]


def test_errors_are_one_line(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    prose = tmp_path / "meeting.txt"
    prose.write_text("这是一份会议通知。\n请各单位于下周一前报送材料。\n", "utf-8")
    for args, message in (
        (("policy", "load", str(prose), "--relation", "special_plan"), "meeting.txt: not a policy document"),
        (("policy", "load", str(tmp_path / "none.txt"), "--relation", "special_plan"), "no such file"),
        (("policy", "load", str(DOCS / "notice.txt"), "--relation", "memo"), "relation must be one of"),
        (("policy", "link", "nope"), "no policy document 'nope'"),
        (("policy", "decide", "5", "maybe", "--version", "1"), "decision must be confirm or reject"),
        (("policy", "decide", "5", "confirm", "--version", "1"), "no link with id 5"),
        (("policy", "list", "--format", "xml"), "--format must be one of"),
        (("coverage",), "no plans loaded"),
    ):
        answer = run(*args)
        assert answer.exit_code != 0 and message in flat(answer.output), (args, answer.output)
        assert "Traceback" not in answer.output
    assert "no policy documents loaded" in flat(run("policy", "list").output)
