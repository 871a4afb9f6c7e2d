"""Loading into the database, on SQLite and PostgreSQL: all or nothing, idempotent, complete."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from yrd.db import Database
from yrd.db.models import PlanRow, SourceRow, UnitRow, UnitTextRow
from yrd.documents import store
from yrd.documents.load import load_default, load_files
from yrd.documents.search import search
from yrd.errors import InputError

DATA = Path(__file__).parent / "data"


def snapshot(db: Database) -> tuple[int, ...]:
    with db.read() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(t)) or 0
            for t in (PlanRow, SourceRow, UnitRow, UnitTextRow)
        )


def test_default_loads_whole_outline(db: Database) -> None:
    result = load_default(db)
    assert result.changed
    assert result.counts == {"chapters": 12, "sections": 44, "paragraphs": 139, "english": 0}
    with db.read() as s:
        plan = store.load_plan(s, "yrd-outline-2019")
    assert plan.title["zh"] == "长江三角洲区域一体化发展规划纲要"
    assert plan.date == "2019-12-01"
    unit = plan.find("chp_5__sec_1__para_1")
    assert unit is not None and unit.lead["zh"] == "共建轨道上的长三角。"
    assert len(plan.toc) == 57


def test_same_file_twice_changes_nothing(db: Database) -> None:
    load_default(db)
    before = snapshot(db)
    with db.read() as s:
        stamp = s.get(PlanRow, "yrd-outline-2019").updated_at  # type: ignore[union-attr]
    again = load_default(db)
    assert not again.changed
    assert again.files[0]["status"] == "unchanged"
    assert snapshot(db) == before
    with db.read() as s:
        assert s.get(PlanRow, "yrd-outline-2019").updated_at == stamp  # type: ignore[union-attr]


@pytest.mark.parametrize("bad", ["empty.txt", "binary.bin", "undecodable.txt", "not_an_outline.txt"])
def test_bad_input_writes_nothing(db: Database, bad: str) -> None:
    load_default(db)
    before = snapshot(db)
    path = DATA / "bad" / bad
    good = DATA / "genre" / "regional_outline.txt"
    with pytest.raises(InputError):
        # a good file beside a bad one: the good one must not be written either
        load_files(db, [(good.name, good.read_bytes()), (path.name, path.read_bytes())])
    assert snapshot(db) == before


def test_truncated_loads_with_warning(db: Database) -> None:
    path = DATA / "bad" / "truncated.txt"
    result = load_files(db, [(path.name, path.read_bytes())], plan_id="truncated")
    assert result.changed
    assert any("第三章" in w.message for w in result.warnings)
    with db.read() as s:
        assert s.get(PlanRow, "truncated").problems  # type: ignore[union-attr]


def test_plan_id_validated(db: Database) -> None:
    good = DATA / "genre" / "regional_outline.txt"
    with pytest.raises(InputError, match="plan id"):
        load_files(db, [(good.name, good.read_bytes())], plan_id="Bad Id!")


def test_several_plans_and_search_across(db: Database) -> None:
    load_default(db)
    for name in ("regional_outline.txt", "five_year_outline.txt"):
        path = DATA / "genre" / name
        load_files(db, [(name, path.read_bytes())])
    with db.read() as s:
        ids = [p.id for p in store.list_plans(s)]
        assert len(ids) == 3
        hits = search(s, "城镇化率").hits
        assert {h.plan_id for h in hits} >= {"yrd-outline-2019"}
        assert len({h.plan_id for h in hits}) == 2
        # same title, same plan: a GBK copy of a loaded text is recognised as the same plan
    gbk = DATA / "genre" / "regional_outline.gbk.txt"
    result = load_files(db, [(gbk.name, gbk.read_bytes())])
    with db.read() as s:
        assert len(store.list_plans(s)) == 3
    assert not result.changed or result.plan_id in ids


def test_search_ranking_and_highlight(db: Database) -> None:
    load_default(db)
    with db.read() as s:
        res = search(s, "城际铁路")
        assert res.total == 3
        assert all("<mark>城际铁路</mark>" in h.snippet_html for h in res.hits)
        assert res.hits[0].citation.startswith("《纲要》第")
        scores = [h.score for h in res.hits]
        assert scores == sorted(scores, reverse=True)
        # every term must occur
        assert search(s, "城际铁路 不存在的词").total == 0
        # LIKE wildcards are literal
        assert search(s, "_").total == 0
        assert 0 < search(s, "%").total < 20
        assert search(s, "1+N").total >= 2
        # headings are searched too
        assert any(h.kind == "section" for h in search(s, "督促落实").hits)
        with pytest.raises(InputError):
            search(s, "   ")


def test_own_copy_joins_the_known_plan(db: Database, seeds: Path) -> None:
    page = seeds / "003_39bcb3656d9d8d7a.txt"
    result = load_files(db, [(page.name, page.read_bytes())])
    assert result.plan_id == "yrd-outline-2019"
    assert result.counts["english"] >= 190
    again = load_default(db)
    assert again.plan_id == "yrd-outline-2019"
    with db.read() as s:
        assert [p.id for p in store.list_plans(s)] == ["yrd-outline-2019"]
        plan = store.load_plan(s, "yrd-outline-2019")
    # the official text now wins, and the English stays
    assert plan.find("intro__para_1").text["zh"].startswith("新华社北京12月1日电")  # type: ignore[union-attr]
    assert plan.find("chp_5__sec_1__para_1").text.get("en")  # type: ignore[union-attr]
    assert plan.find("chp_4__sec_1").heading["zh"] == "构建区域创新共同体"  # type: ignore[union-attr]
    assert plan.issuer["zh"] == "中共中央、国务院"
