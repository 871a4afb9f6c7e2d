"""The structure parser on the Outline and on other outlines of the genre (golden files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import golden
from tests.conftest import PLAIN_SEED
from yrd.documents.locales import ZH
from yrd.documents.model import Plan
from yrd.documents.readers import plain_lines, read_source
from yrd.documents.structure import parse_structure
from yrd.errors import InputError

DATA = Path(__file__).parent / "data"


def parse(path: Path) -> Plan:
    src = read_source(path.read_bytes(), path.name)
    return parse_structure(plain_lines(src.text), ZH, path.name)


def summary(plan: Plan) -> dict:
    return {
        "title": plan.title,
        "toc": [[t.kind, t.num, t.title] for t in plan.toc],
        "units": [
            [u.eid, u.heading.get("zh", ""), u.lead.get("zh", ""), u.text.get("zh", "")[:24]]
            for u in plan.walk()
        ],
        "problems": [str(p) for p in plan.problems],
    }


@pytest.mark.parametrize("name", ["regional_outline", "five_year_outline", "regional_outline_no_toc"])
def test_genre_golden(name: str) -> None:
    golden.check(summary(parse(DATA / "genre" / f"{name}.txt")), DATA / "genre" / f"{name}.expected.json")


def test_outline_golden(seeds: Path) -> None:
    golden.check(summary(parse(PLAIN_SEED)), DATA / "outline_000.expected.json")


def test_outline_shape(seeds: Path) -> None:
    plan = parse(PLAIN_SEED)
    kinds = [u.kind for u in plan.walk()]
    assert kinds.count("chapter") == 12
    assert kinds.count("section") == 44
    assert [t.kind for t in plan.toc].count("section") == 44
    assert plan.problems == []
    # Every body line that is not a heading is exactly one paragraph; nothing lost, nothing twice.
    texts = [u.text["zh"] for u in plan.walk() if u.kind == "paragraph"]
    assert len(texts) == len(set(texts)) == 139
    source = PLAIN_SEED.read_text("utf-8")
    assert sum(len(t) for t in texts) > 0.8 * len(source.replace("\n", ""))
    for text in texts:
        # each paragraph (less the rejoined subscript) appears in the source
        assert text.replace("PM2.5", "PM")[:40] in source.replace("\n", "")


def test_subscript_rejoined(seeds: Path) -> None:
    plan = parse(PLAIN_SEED)
    with_pm = [u for u in plan.walk() if "PM" in u.text.get("zh", "")]
    assert len(with_pm) == 3
    assert all("（PM2.5）" in u.text["zh"] for u in with_pm)
    assert not any(u.text.get("zh", "").strip() == "2.5" for u in plan.walk())


def test_lead_phrases(seeds: Path) -> None:
    plan = parse(PLAIN_SEED)
    unit = plan.find("chp_3__sec_1__para_1")
    assert unit is not None
    assert unit.lead["zh"] == "提升上海服务功能。"
    assert unit.body("zh").startswith("面向全球")
    principle = plan.find("chp_2__sec_2__para_1")
    assert principle is not None and principle.lead["zh"] == "坚持创新共建。"


def test_five_year_parts() -> None:
    plan = parse(DATA / "genre" / "five_year_outline.txt")
    chapters = [u for u in plan.walk() if u.kind == "chapter"]
    assert [c.num for c in chapters] == [1, 2, 3, 4]
    assert chapters[2].eid == "part_2__chp_3"
    assert plan.problems == []


def test_truncated_outline_warns() -> None:
    plan = parse(DATA / "bad" / "truncated.txt")
    messages = [p.message for p in plan.problems]
    assert any("第三章" in m and "lacks" in m for m in messages), messages


def test_not_an_outline() -> None:
    with pytest.raises(InputError, match="not a plan outline"):
        parse(DATA / "bad" / "not_an_outline.txt")


def test_ids_are_stable(seeds: Path) -> None:
    a, b = parse(PLAIN_SEED), parse(PLAIN_SEED)
    assert [u.eid for u in a.walk()] == [u.eid for u in b.walk()]


def test_prose_is_not_a_heading() -> None:
    from yrd.documents.locales import EN

    assert EN.heading("Chapter II lays down the rules. It applies to all.") is None
    assert EN.heading("Chapter II General Requirements") is not None
    assert ZH.heading("第二章 总体要求") is not None
    assert ZH.heading("第二章规定了总体要求。本章适用于全域。") is None
    glued = ZH.heading("第一节 现实基础经济实力稳步增强。地区生产总值达到1.2万亿元。", glued=True)
    assert glued is not None and glued.kind == "section"
