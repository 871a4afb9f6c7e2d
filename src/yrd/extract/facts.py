"""Baseline facts of a plan outline: the figures it gives about the present (常住人口城镇化率超过60%).

Facts are the figures of the description of the present — the preamble and sections such as 发展基础
or 发展现状 — and any figure elsewhere that no target year or goal verb makes a target (面积35.8万平方
公里). Each fact's reference year is the year its sentence names (2020年, “十四五”时期), else the
document's own year (``plan.date``), with ``ref_year_stated`` saying which. The reading itself is
shared with the target extractor in `yrd.extract.numbers`.
"""

from __future__ import annotations

from yrd.documents.model import Plan
from yrd.extract.model import Fact
from yrd.extract.numbers import Statement, read_statements


def plan_year(plan: Plan) -> int | None:
    """The year of the document (``plan.date`` is ISO, 2019-12-01), the default reference year."""
    return int(plan.date[:4]) if plan.date and plan.date[:4].isdigit() else None


def _fact(st: Statement, doc_year: int | None, lang: str) -> Fact:
    return Fact(
        **st.fields(lang),  # type: ignore[arg-type]
        ref_year=st.stated_year or doc_year,
        ref_year_stated=st.stated_year is not None,
        base_year=st.base_year,
        scope=st.scope,
    )


def extract_facts(plan: Plan, lang: str = "zh") -> list[Fact]:
    """Every baseline fact of a plan, in document order."""
    doc_year = plan_year(plan)
    return [_fact(st, doc_year, lang) for st in read_statements(plan, lang) if st.role == "fact"]
