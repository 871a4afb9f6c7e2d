"""Plans in the database: save a parsed tree, read it back, list plans and units."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from yrd.db.models import PlanRow, PolicyDocRow, SourceRow, UnitRow, UnitTextRow
from yrd.documents.citation import cite, guess_policy_style, plan_short_title, style_of_toc
from yrd.documents.model import Plan, Problem, TocEntry, Unit
from yrd.errors import NotFoundError


def content_hash(plan: Plan) -> str:
    """A fingerprint of everything stored for a plan: the same tree gives the same hash."""
    h = hashlib.sha256()
    meta = [plan.id, plan.title, plan.date, plan.issuer, plan.langs]
    h.update(json.dumps(meta, ensure_ascii=False, sort_keys=True).encode())
    for unit in plan.walk():
        row = [unit.eid, unit.kind, unit.num, unit.heading, unit.lead, unit.text, unit.align_score]
        h.update(json.dumps(row, ensure_ascii=False, sort_keys=True).encode())
    return h.hexdigest()


def save_plan(session: Session, plan: Plan, sources: list[SourceRow]) -> bool:
    """Write a plan's tree, replacing what was stored; False when nothing changed."""
    digest = content_hash(plan)
    now = datetime.now(UTC)
    row = session.get(PlanRow, plan.id)
    known = {s.sha256 for s in session.scalars(select(SourceRow).where(SourceRow.plan_id == plan.id))}
    new_sources = [s for s in sources if s.sha256 not in known]
    if row is not None and row.content_hash == digest and not new_sources:
        return False
    if row is None:
        row = PlanRow(id=plan.id, created_at=now)
        session.add(row)
    row.title_zh = plan.title.get("zh", "")
    row.title_en = plan.title.get("en", "")
    row.date = plan.date
    row.issuer_zh = plan.issuer.get("zh", "")
    row.issuer_en = plan.issuer.get("en", "")
    row.langs = ",".join(plan.langs)
    row.content_hash = digest
    row.toc = [{"kind": t.kind, "num": t.num, "title": t.title, "line": t.line} for t in plan.toc]
    row.problems = [
        {"level": p.level, "message": p.message, "line": p.line, "source": p.source} for p in plan.problems
    ]
    row.updated_at = now
    session.flush()
    session.execute(delete(UnitTextRow).where(UnitTextRow.plan_id == plan.id))
    session.execute(delete(UnitRow).where(UnitRow.plan_id == plan.id))
    units, texts = [], []
    for seq, (unit, parent, depth) in enumerate(_walk_with_parent(plan.units, None, 0)):
        units.append(
            {"plan_id": plan.id, "eid": unit.eid, "parent_eid": parent, "kind": unit.kind,
             "num": unit.num, "seq": seq, "depth": depth, "line": unit.line}
        )  # fmt: skip
        for lang in plan.langs:
            if unit.text.get(lang) or unit.heading.get(lang):
                texts.append(
                    {"plan_id": plan.id, "eid": unit.eid, "lang": lang,
                     "heading": unit.heading.get(lang, ""), "lead": unit.lead.get(lang, ""),
                     "text": unit.text.get(lang, ""),
                     "align_score": unit.align_score if lang != "zh" else None}
                )  # fmt: skip
    if units:
        session.execute(UnitRow.__table__.insert(), units)
    if texts:
        session.execute(UnitTextRow.__table__.insert(), texts)
    for src in new_sources:
        src.plan_id = plan.id
        session.add(src)
    return True


def _walk_with_parent(units: list[Unit], parent: str | None, depth: int):  # type: ignore[no-untyped-def]
    for unit in units:
        yield unit, parent, depth
        yield from _walk_with_parent(unit.children, unit.eid, depth + 1)


def load_plan(session: Session, plan_id: str) -> Plan:
    """The stored tree of a plan.

    Raises:
        NotFoundError: no plan has that id.
    """
    row = session.get(PlanRow, plan_id)
    if row is None:
        raise NotFoundError(f"no plan {plan_id!r} (see `yrd plans`)")
    plan = plan_from_row(row)
    texts: dict[str, list[UnitTextRow]] = {}
    for t in session.scalars(select(UnitTextRow).where(UnitTextRow.plan_id == plan_id)):
        texts.setdefault(t.eid, []).append(t)
    by_eid: dict[str, Unit] = {}
    for u in session.scalars(select(UnitRow).where(UnitRow.plan_id == plan_id).order_by(UnitRow.seq)):
        unit = Unit(kind=u.kind, num=u.num, eid=u.eid, line=u.line)  # type: ignore[arg-type]
        for t in texts.get(u.eid, []):
            if t.heading:
                unit.heading[t.lang] = t.heading
            if t.lead:
                unit.lead[t.lang] = t.lead
            if t.text:
                unit.text[t.lang] = t.text
            if t.align_score is not None:
                unit.align_score = t.align_score
        by_eid[u.eid] = unit
        if u.parent_eid is None:
            plan.units.append(unit)
        else:
            by_eid[u.parent_eid].children.append(unit)
    return plan


def plan_from_row(row: PlanRow) -> Plan:
    """A plan's metadata (without its units)."""
    plan = Plan(id=row.id, date=row.date, langs=row.langs.split(","))
    plan.title = {k: v for k, v in (("zh", row.title_zh), ("en", row.title_en)) if v}
    plan.issuer = {k: v for k, v in (("zh", row.issuer_zh), ("en", row.issuer_en)) if v}
    plan.toc = [TocEntry(t["kind"], t["num"], t["title"], t.get("line")) for t in row.toc or []]
    plan.problems = [
        Problem(p["level"], p["message"], p.get("line"), source=p.get("source")) for p in row.problems or []
    ]
    return plan


def citation_style(session: Session, plan_id: str) -> str:
    """How units of a stored plan are cited: "outline", "policy_items" or "policy_articles".

    Pass it to `yrd.documents.citation.cite` (``style=``) and `short_title` (third argument). The
    style comes from the stored contents list; a follow-up document stored before its contents were
    recorded is judged from its units.

    Raises:
        NotFoundError: no plan has that id.
    """
    row = session.get(PlanRow, plan_id)
    if row is None:
        raise NotFoundError(f"no plan {plan_id!r} (see `yrd plans`)")
    style = style_of_toc(plan_from_row(row).toc)
    if style == "outline" and session.get(PolicyDocRow, plan_id) is not None:
        style = guess_policy_style(load_plan(session, plan_id).units)
    return style


def cite_stored(session: Session, plan_id: str, eid: str, lang: str, style: str | None = None) -> str:
    """The citation of a unit of a stored plan in its own style ("《方案》二、（一）2.", "办法, Art. 4").

    Pass ``style`` (from `citation_style`) when citing many units of one plan, to look it up once.

    Raises:
        NotFoundError: no plan has that id.
    """
    row = session.get(PlanRow, plan_id)
    if row is None:
        raise NotFoundError(f"no plan {plan_id!r} (see `yrd plans`)")
    style = style or citation_style(session, plan_id)
    titles = {"zh": row.title_zh, "en": row.title_en}
    return cite(eid, lang, plan_short_title(titles, lang, style), style)


def list_plans(session: Session) -> list[PlanRow]:
    """Every plan: outlines first, then follow-up documents (the 1+N's N), each newest first, so that
    whatever takes "the first plan" takes an outline."""
    stmt = (
        select(PlanRow)
        .outerjoin(PolicyDocRow, PolicyDocRow.plan_id == PlanRow.id)
        .order_by(PolicyDocRow.plan_id.is_not(None), PlanRow.date.desc(), PlanRow.id)
    )
    return list(session.scalars(stmt))


def find_plan_by_title(session: Session, title_zh: str) -> PlanRow | None:
    return session.scalars(select(PlanRow).where(PlanRow.title_zh == title_zh)).first()


def known_source(session: Session, sha256: str) -> SourceRow | None:
    return session.scalars(select(SourceRow).where(SourceRow.sha256 == sha256)).first()


def sources_of(session: Session, plan_id: str) -> list[SourceRow]:
    return list(session.scalars(select(SourceRow).where(SourceRow.plan_id == plan_id).order_by(SourceRow.id)))


def unit_counts(session: Session, plan_id: str) -> dict[str, int]:
    """Chapters, sections and paragraphs of a plan, and how many units have English."""
    from sqlalchemy import func

    rows = session.execute(
        select(UnitRow.kind, func.count()).where(UnitRow.plan_id == plan_id).group_by(UnitRow.kind)
    )
    by_kind: dict[str, int] = {kind: n for kind, n in rows}
    english = session.scalar(
        select(func.count()).where(UnitTextRow.plan_id == plan_id, UnitTextRow.lang == "en")
    )
    return {
        "chapters": by_kind.get("chapter", 0),
        "sections": by_kind.get("section", 0),
        "paragraphs": by_kind.get("paragraph", 0),
        "english": english or 0,
    }
