"""Full-text search over every loaded plan, in Chinese and English.

Chinese needs no word segmentation: a unit matches when it contains every query term as a
substring (城际铁路 finds 城际铁路); English terms match case-insensitively. Candidates come from the
database with LIKE (the same on SQLite and PostgreSQL); ranking and highlighting happen here.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from yrd.db.models import PlanRow, UnitRow, UnitTextRow
from yrd.documents.citation import cite, plan_short_title
from yrd.documents.store import citation_style
from yrd.errors import InputError

MAX_QUERY = 200


@dataclass
class Hit:
    plan_id: str
    eid: str
    kind: str
    lang: str
    citation: str
    heading: str
    snippet: str  # plain text
    snippet_html: str  # escaped, hits wrapped in <mark>
    score: float


@dataclass
class Results:
    query: str
    total: int
    hits: list[Hit]


def terms_of(query: str) -> list[str]:
    """The terms of a query: words split on spaces, quoted phrases kept whole."""
    query = query.strip()
    if not query:
        raise InputError("empty search query")
    if len(query) > MAX_QUERY:
        raise InputError(f"search query longer than {MAX_QUERY} characters")
    terms = [a or b for a, b in re.findall(r'"([^"]+)"|(\S+)', query)]
    return [t for t in terms if t.strip()]


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _matches(terms: list[str]) -> list[Any]:
    """SQL conditions: a unit's heading or text holds every term (case-insensitive, literally)."""
    haystack = UnitTextRow.heading + " " + UnitTextRow.text
    return [func.lower(haystack).like(_like(t.lower()), escape="\\") for t in terms]


def units_matching(session: Session, query: str, plan_ids: Collection[str]) -> Counter[str]:
    """How many units of each of these plans hold every term of the query (for a library search).

    Raises:
        InputError: an empty or too long query.
    """
    if not plan_ids:
        return Counter()
    stmt = (
        select(UnitTextRow.plan_id, func.count(func.distinct(UnitTextRow.eid)))
        .where(and_(*_matches(terms_of(query))), UnitTextRow.plan_id.in_(list(plan_ids)))
        .group_by(UnitTextRow.plan_id)
    )
    return Counter({plan_id: n for plan_id, n in session.execute(stmt)})


def search(
    session: Session,
    query: str,
    plan_id: str | None = None,
    lang: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> Results:
    """Ranked hits for a query, each with its citation and a highlighted snippet."""
    terms = terms_of(query)
    conds = _matches(terms)
    stmt = (
        select(UnitTextRow, UnitRow.kind, PlanRow.title_zh, PlanRow.title_en)
        .join(UnitRow, and_(UnitRow.plan_id == UnitTextRow.plan_id, UnitRow.eid == UnitTextRow.eid))
        .join(PlanRow, PlanRow.id == UnitTextRow.plan_id)
        .where(and_(*conds))
        .where(or_(UnitTextRow.text != "", UnitTextRow.heading != ""))
    )
    if plan_id:
        stmt = stmt.where(UnitTextRow.plan_id == plan_id)
    if lang:
        stmt = stmt.where(UnitTextRow.lang == lang)
    hits = []
    styles: dict[str, str] = {}  # plan id → its citation style
    for text_row, kind, title_zh, title_en in session.execute(stmt):
        if text_row.plan_id not in styles:
            styles[text_row.plan_id] = citation_style(session, text_row.plan_id)
        style = styles[text_row.plan_id]
        score = _score(text_row, terms)
        snippet, marked = _snippet(text_row.text or text_row.heading, terms)
        hits.append(
            Hit(
                plan_id=text_row.plan_id,
                eid=text_row.eid,
                kind=kind,
                lang=text_row.lang,
                citation=cite(
                    text_row.eid,
                    text_row.lang,
                    plan_short_title({"zh": title_zh, "en": title_en}, text_row.lang, style),
                    style,
                ),
                heading=text_row.heading,
                snippet=snippet,
                snippet_html=marked,
                score=round(score, 4),
            )
        )
    hits.sort(key=lambda h: (-h.score, h.plan_id, h.eid, h.lang))
    return Results(query=query, total=len(hits), hits=hits[offset : offset + limit])


def _count(text: str, term: str) -> int:
    return text.lower().count(term.lower())


def _score(row: UnitTextRow, terms: list[str]) -> float:
    """Term frequency, more for a hit in a heading or lead phrase, less in a long paragraph."""
    score = 0.0
    for term in terms:
        score += 3 * _count(row.heading, term) + 2 * _count(row.lead, term) + _count(row.text, term)
    length = len(row.text) + len(row.heading)
    return score / (1 + length / 400)


def _snippet(text: str, terms: list[str], width: int = 120) -> tuple[str, str]:
    low = text.lower()
    first = min((i for t in terms if (i := low.find(t.lower())) >= 0), default=0)
    start = max(0, first - width // 3)
    end = min(len(text), start + width)
    piece = text[start:end]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
    out, pos = [], 0
    for m in pattern.finditer(piece):
        out.append(html.escape(piece[pos : m.start()]))
        out.append(f"<mark>{html.escape(m.group(0))}</mark>")
        pos = m.end()
    out.append(html.escape(piece[pos:]))
    return prefix + piece + suffix, html.escape(prefix) + "".join(out) + html.escape(suffix)
