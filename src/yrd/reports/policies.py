"""The assessment report's section on follow-up plans and policies (the "N" of 1+N).

The numbers come from the 1+N library: the documents from `yrd.policies.store.list_policies`, the
measures and those with a confirmed follow-up from `yrd.policies.store.coverage`, and the per-province
rows from `yrd.policies.compare.province_coverage`. The counting (`policy_summary`) is kept apart
from the wording (`policy_section`), as in `yrd.reports.supervision`.

Choices (stated in the section too):

- Only confirmed links count: a measure is covered when a coordinator confirmed that a paragraph of
  a follow-up document carries it out. Suggestions by the linking engine are counted apart, as
  waiting for review.
- A province's measures are those of its supervision tasks, as lead or partner; its "own" follow-up
  is a document the province issued itself.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yrd.db.models import PolicyLinkRow
from yrd.policies.compare import province_coverage
from yrd.policies.store import RELATIONS, STATUSES, coverage, list_policies
from yrd.reports.assessment import num, tr
from yrd.reports.labels import format_day
from yrd.reports.model import Block, Note, Paragraph, Section, Table

SECTION_ID = "policies"


# ------------------------------------------------------------------------------------------ counting


@dataclass(frozen=True)
class ProvinceRow:
    """One province: the measures assigned to it, those with a confirmed follow-up, and its own."""

    code: str
    name_zh: str
    name_en: str
    assigned: int
    covered: int
    own: int


@dataclass(frozen=True)
class DocumentRow:
    """One follow-up document and how many of its links to the plan's measures are confirmed."""

    plan_id: str
    title: str
    issuer: str
    relation: str
    date: str | None
    status: str
    confirmed: int


@dataclass(frozen=True)
class PolicySummary:
    """The 1+N library as it bears on one plan: documents, measures covered, suggestions waiting."""

    plan_id: str
    documents: int
    by_relation: dict[str, int]
    by_status: dict[str, int]
    measures: int
    covered: int
    suggested: int
    provinces: list[ProvinceRow] = field(default_factory=list)
    document_rows: list[DocumentRow] = field(default_factory=list)


def _tally(values: list[str], allowed: tuple[str, ...]) -> dict[str, int]:
    found = Counter(values)
    return {k: found.get(k, 0) for k in (*allowed, *sorted(set(found) - set(allowed)))}


def policy_summary(session: Session, *, plan_id: str) -> PolicySummary:
    """Count the follow-up documents, the plan's measures they cover and the suggestions waiting.

    Raises:
        NotFoundError: no such plan.
    """
    docs = list_policies(session)
    result = coverage(session, plan_id)
    states: dict[tuple[str, str], int] = {
        (doc_id, state): n
        for doc_id, state, n in session.execute(
            select(PolicyLinkRow.policy_plan_id, PolicyLinkRow.state, func.count())
            .where(PolicyLinkRow.outline_plan_id == plan_id)
            .group_by(PolicyLinkRow.policy_plan_id, PolicyLinkRow.state)
        )
    }
    provinces = [
        ProvinceRow(p.code, p.name_zh, p.name_en, p.total, p.covered_count, p.own_count)
        for p in province_coverage(session, plan_id)
    ]
    rows = [
        DocumentRow(d.plan_id, d.title, d.issuer, d.relation, d.date, d.status,
                    states.get((d.plan_id, "confirmed"), 0))
        for d in docs
    ]  # fmt: skip
    return PolicySummary(
        plan_id=plan_id,
        documents=len(docs),
        by_relation=_tally([d.relation for d in docs], RELATIONS),
        by_status=_tally([d.status for d in docs], STATUSES),
        measures=result.total,
        covered=result.covered,
        suggested=sum(n for (_, state), n in states.items() if state == "suggested"),
        provinces=provinces,
        document_rows=rows,
    )


# ------------------------------------------------------------------------------------------- wording


def _relation(value: str, lang: str) -> str:
    return tr(f"relation_{value}", lang) if value in RELATIONS else value


def _status(value: str, lang: str) -> str:
    return tr(f"policy_status_{value}", lang) if value in STATUSES else value


def _day(value: str | None, lang: str) -> str:
    if not value:
        return "—"
    try:
        return format_day(date.fromisoformat(value), lang)
    except ValueError:
        return value


def _share(part: int, whole: int, lang: str) -> str:
    return tr("percent", lang, value=num(100 * part / whole, 0) if whole else "—")


def policy_section(summary: PolicySummary, lang: str, today: date) -> Section:
    """ "Follow-up plans and policies (1+N)": a paragraph of totals, the provinces, the documents,
    and how to read them; a single paragraph when no follow-up document is loaded."""
    heading = tr("policies", lang)
    day = format_day(today, lang)
    if not summary.documents:
        return Section(heading, SECTION_ID, 1, [Paragraph(tr("policies_none", lang, date=day))])
    relations = tr("clause_sep", lang).join(
        tr("policies_count_item", lang, name=_relation(k, lang), n=n)
        for k, n in summary.by_relation.items()
        if n
    )
    source = tr("source_policies", lang, date=day)
    blocks: list[Block] = [
        Paragraph(
            tr(
                "policies_intro",
                lang,
                date=day,
                documents=summary.documents,
                relations=relations,
                measures=summary.measures,
                covered=summary.covered,
                share=_share(summary.covered, summary.measures, lang),
                suggested=summary.suggested,
            )
        ),
        Table(
            [
                tr("col_province", lang),
                tr("col_measures_assigned", lang),
                tr("col_with_follow_up", lang),
                tr("col_own_follow_up", lang),
            ],
            [
                [p.name_zh if lang == "zh" else p.name_en, p.assigned, p.covered, p.own]
                for p in summary.provinces
            ],
            caption=tr("policies_province_caption", lang, date=day),
            id="policy-province-table",
            align=["left", "right", "right", "right"],
            source=source,
        ),
        Table(
            [
                tr("col_document", lang),
                tr("col_issuer", lang),
                tr("col_relation", lang),
                tr("col_issued", lang),
                tr("col_status", lang),
                tr("col_confirmed_links", lang),
            ],
            [
                [
                    d.title,
                    d.issuer or "—",
                    _relation(d.relation, lang),
                    _day(d.date, lang),
                    _status(d.status, lang),
                    d.confirmed,
                ]
                for d in summary.document_rows
            ],
            caption=tr("policies_documents_caption", lang),
            id="policy-document-table",
            align=["left", "left", "left", "left", "left", "right"],
            source=source,
        ),
        Note(tr("policies_note", lang)),
    ]
    return Section(heading, SECTION_ID, 1, blocks)


def policy_sections(session: Session, *, plan_id: str, lang: str, today: date) -> list[Section]:
    """The section, in ``lang``, of the plan's follow-up documents as they stand on ``today``."""
    return [policy_section(policy_summary(session, plan_id=plan_id), lang, today)]
