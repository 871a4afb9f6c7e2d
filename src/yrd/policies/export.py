"""The coverage table (the Outline's measures and their confirmed follow-up) as rows, CSV and Excel.

One shape for every consumer: the coverage page groups these rows by chapter, the API returns them as
JSON, and the CLI and the download buttons write them as CSV or a workbook. CSV cells a spreadsheet
would run as formulas (text starting with = + - @) get a leading apostrophe; the workbook stores them
as text.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from yrd.documents import store as plans
from yrd.documents.citation import cite, short_title
from yrd.documents.model import Unit
from yrd.errors import InputError
from yrd.extract.model import Target
from yrd.extract.pipeline import list_records
from yrd.policies.store import coverage
from yrd.supervise.lists import write_cell

LANGS = ("zh", "en")
COLUMNS = ("eid", "citation", "chapter", "title", "covered", "documents", "links", "targets",
           "follow_up_targets")  # fmt: skip
_HEADERS = {
    "zh": ("单元", "出处", "章", "举措", "已有后续文件", "后续文件", "确认的链接", "纲要目标",
           "后续文件目标"),
    "en": ("unit", "citation", "chapter", "measure", "covered", "documents", "confirmed links", "targets",
           "follow-up targets"),
}  # fmt: skip
_YES_NO = {"zh": ("是", "否"), "en": ("yes", "no")}
_FORMULA = ("=", "+", "-", "@")
SOURCE = "YRD Integration Monitor · 长三角一体化监测评估系统"


@dataclass(frozen=True)
class CoverageRow:
    """One measure of the Outline, where it sits, and the follow-up confirmed to carry it out."""

    eid: str
    citation: str
    chapter_eid: str
    chapter: str
    title: str
    covered: bool
    links: list[dict[str, str]] = field(default_factory=list)
    # the targets the measure's own text sets, and those its confirmed follow-up paragraphs set
    targets: list[str] = field(default_factory=list)
    follow_up_targets: list[str] = field(default_factory=list)

    @property
    def documents(self) -> list[str]:
        return sorted({x["title"] for x in self.links})


def _chapters(units: list[Unit], lang: str) -> dict[str, tuple[str, str]]:
    """Each unit's chapter: eid → (the chapter's eid, its heading)."""
    out: dict[str, tuple[str, str]] = {}
    for top in units:
        name = top.heading.get(lang) or top.heading.get("zh", "")
        for unit in top.walk():
            out[unit.eid] = (top.eid, name)
    return out


def coverage_rows(
    session: Session, outline_plan_id: str, *, lang: str = "zh", missing: bool = False
) -> list[CoverageRow]:
    """The Outline's measures in document order (``missing``: only those with no follow-up yet).

    Raises:
        NotFoundError: no such plan.
        InputError: a language other than zh or en.
    """
    if lang not in LANGS:
        raise InputError(f"language must be one of {', '.join(LANGS)}, not {lang!r}")
    plan = plans.load_plan(session, outline_plan_id)
    chapters = _chapters(plan.units, lang)
    short = short_title(plan.title.get(lang) or plan.title.get("zh", ""), lang)
    measures = coverage(session, outline_plan_id).measures
    units = [(outline_plan_id, m.eid) for m in measures]
    units += [(x["policy_plan_id"], x["policy_eid"]) for m in measures for x in m.links]
    targets = _targets(session, units)
    rows = []
    for m in measures:
        if missing and not m.none:
            continue
        chapter_eid, chapter = chapters.get(m.eid, ("", ""))
        follow_up = [t for x in m.links for t in targets.get((x["policy_plan_id"], x["policy_eid"]), [])]
        own = targets.get((outline_plan_id, m.eid), [])
        rows.append(CoverageRow(m.eid, cite(m.eid, lang, short), chapter_eid, chapter, m.title, not m.none,
                                list(m.links), own, follow_up))  # fmt: skip
    return rows


def _targets(session: Session, units: list[tuple[str, str]]) -> dict[tuple[str, str], list[str]]:
    """The targets each of these units sets, as written: "常住人口城镇化率 达到70% (2025)"."""
    out: dict[tuple[str, str], list[str]] = {}
    wanted = set(units)
    for plan_id in sorted({p for p, _ in wanted}):
        for t in list_records(session, plan_id, kind="target"):
            if isinstance(t, Target) and (plan_id, t.eid) in wanted:
                year = f" ({t.target_year})" if t.target_year else ""
                out.setdefault((plan_id, t.eid), []).append(f"{t.indicator} {t.value_text}{year}")
    return out


def _text(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def _values(row: CoverageRow, lang: str) -> tuple[object, ...]:
    yes, no = _YES_NO[lang]
    links = "; ".join(f"{x['policy_plan_id']}:{x['policy_eid']}" for x in row.links)
    targets = "; ".join(row.targets), "; ".join(row.follow_up_targets)
    return (row.eid, row.citation, row.chapter, row.title, yes if row.covered else no,
            "; ".join(row.documents), links, *targets)  # fmt: skip


def to_csv(rows: list[CoverageRow], lang: str = "zh") -> str:
    """UTF-8 text with a header row in ``lang`` (prefix a BOM for Excel when serving it)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(_HEADERS[lang])
    for row in rows:
        writer.writerow([_text(v) for v in _values(row, lang)])
    return buf.getvalue()


def to_xlsx(rows: list[CoverageRow], lang: str = "zh", *, outline: str = "", missing: bool = False) -> bytes:
    """A workbook: the coverage sheet under a frozen, filterable header, and an "About" sheet."""
    import openpyxl  # imported here: only exports pay for it
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "覆盖" if lang == "zh" else "Coverage"
    for column, header in enumerate(_HEADERS[lang], 1):
        sheet.cell(row=1, column=column, value=header).font = Font(bold=True)
    for r, row in enumerate(rows, 2):
        for column, value in enumerate(_values(row, lang), 1):
            write_cell(sheet, r, column, value)
    for column, width in enumerate((28, 26, 30, 40, 10, 50, 40, 40, 40), 1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(rows) + 1}"
    about = book.create_sheet("About")
    covered = sum(1 for r in rows if r.covered)
    facts = (
        ("outline", outline),
        ("generated", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("filter", "measures with no follow-up" if missing else "all measures"),
        ("measures", len(rows)),
        ("covered", covered),
        ("source", SOURCE),
    )
    for r, (key, value) in enumerate(facts, 1):
        write_cell(about, r, 1, key)
        write_cell(about, r, 2, value)
    about.column_dimensions["B"].width = 60
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
