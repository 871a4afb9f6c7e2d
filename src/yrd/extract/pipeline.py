"""Run every extractor over a plan and keep the records, replacing the previous run atomically."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from yrd.db import Database
from yrd.db.models import ExtractedRow, ExtractionRunRow, PlanRow
from yrd.documents import store
from yrd.documents.citation import cite, plan_short_title, plan_style
from yrd.documents.model import Plan
from yrd.errors import InputError, NotFoundError
from yrd.extract.model import KINDS, Record
from yrd.supervise import audit

# Bump when an extractor changes what it finds, so stored runs are redone.
VERSION = "2"
_RECORD = TypeAdapter(Record)


def extractors() -> dict[str, Callable[[Plan], Sequence[Record]]]:
    """The extractor of each kind (imported here so a broken one names itself in the error)."""
    from yrd.extract.facts import extract_facts
    from yrd.extract.places import extract_places
    from yrd.extract.projects import extract_projects
    from yrd.extract.targets import extract_targets
    from yrd.extract.tasks import extract_tasks

    return {
        "target": extract_targets,
        "fact": extract_facts,
        "place": extract_places,
        "project": extract_projects,
        "task": extract_tasks,
    }


def record_id(record: Record) -> str:
    """A stable id: the same text gives the same ids on every run."""
    return f"{record.kind}:{record.eid}:{record.start}-{record.end}"


Extractors = dict[str, Callable[[Plan], Sequence[Record]]]


def run_extractors(plan: Plan, using: Extractors | None = None) -> list[Record]:
    """Every record of a plan, checked against the text it claims to quote."""
    records: list[Record] = []
    for extract in (using or extractors()).values():
        records.extend(extract(plan))
    by_eid = {u.eid: u for u in plan.walk()}
    for r in records:
        unit = by_eid.get(r.eid)
        if unit is None or unit.text.get(r.lang, "")[r.start : r.end] != r.text:
            raise AssertionError(f"{r.kind} record at {r.eid}[{r.start}:{r.end}] does not quote its text")
    order = {u.eid: i for i, u in enumerate(plan.walk())}
    records.sort(key=lambda r: (order[r.eid], r.start, KINDS.index(r.kind), r.end))
    # one record per id: an extractor may report the same span twice through two patterns
    unique: dict[str, Record] = {}
    for r in records:
        unique.setdefault(record_id(r), r)
    return list(unique.values())


@dataclass
class ExtractResult:
    plan_id: str
    changed: bool
    counts: dict[str, int]


def extract_plan(
    db: Database, plan_id: str, force: bool = False, using: Extractors | None = None
) -> ExtractResult:
    """Extract a stored plan; a re-run replaces its records in one transaction.

    Nothing is redone when the plan's text and the extractors are unchanged since the last run,
    unless ``force``.

    Raises:
        NotFoundError: no such plan.
    """
    with db.read() as session:
        plan = store.load_plan(session, plan_id)
        row = session.get(PlanRow, plan_id)
        last = session.get(ExtractionRunRow, plan_id)
        digest = row.content_hash if row else ""
        if last and not force and last.content_hash == digest and last.version == VERSION:
            return ExtractResult(plan_id, False, dict(last.counts))
    records = run_extractors(plan, using)
    counts = {kind: 0 for kind in KINDS} | dict(Counter(r.kind for r in records))
    with db.write() as session:
        session.execute(delete(ExtractedRow).where(ExtractedRow.plan_id == plan_id))
        rows = [
            {"plan_id": plan_id, "id": record_id(r), "kind": r.kind, "eid": r.eid, "lang": r.lang,
             "start": r.start, "end": r.end, "text": r.text, "seq": i, "data": r.model_dump(mode="json")}
            for i, r in enumerate(records)
        ]  # fmt: skip
        if rows:
            session.execute(ExtractedRow.__table__.insert(), rows)
        run = session.get(ExtractionRunRow, plan_id) or ExtractionRunRow(plan_id=plan_id)
        run.content_hash, run.version, run.counts = digest, VERSION, counts
        run.ran_at = datetime.now(UTC)
        session.merge(run)
        audit.record(session, "system", "extraction.run", f"plan:{plan_id}", None,
                     {"version": VERSION, "counts": counts})  # fmt: skip
    return ExtractResult(plan_id, True, counts)


def list_records(
    session: Session, plan_id: str, kind: str | None = None, eid: str | None = None
) -> list[Record]:
    """The stored records of a plan, in document order, optionally of one kind or one unit."""
    if session.get(PlanRow, plan_id) is None:
        raise NotFoundError(f"no plan {plan_id!r}")
    if kind is not None and kind not in KINDS:
        raise InputError(f"unknown kind {kind!r} (choose from {', '.join(KINDS)})")
    stmt = select(ExtractedRow.data).where(ExtractedRow.plan_id == plan_id)
    if kind:
        stmt = stmt.where(ExtractedRow.kind == kind)
    if eid:
        stmt = stmt.where(ExtractedRow.eid == eid)
    return [_RECORD.validate_python(data) for data in session.scalars(stmt.order_by(ExtractedRow.seq))]


def record_counts(session: Session, plan_id: str) -> dict[str, int]:
    """How many records of each kind a plan has (zeros before it is extracted)."""
    stmt = (
        select(ExtractedRow.kind, func.count())
        .where(ExtractedRow.plan_id == plan_id)
        .group_by(ExtractedRow.kind)
    )
    found = {kind: n for kind, n in session.execute(stmt).all()}
    return {kind: int(found.get(kind, 0)) for kind in KINDS}


def record_dict(record: Record, plan: Plan | PlanRow) -> dict[str, Any]:
    """A record as JSON-ready data with its id and its citation in both languages."""
    tree = plan if isinstance(plan, Plan) else store.plan_from_row(plan)
    style = plan_style(tree)
    body = {"id": record_id(record), **record.model_dump(mode="json")}
    body["citation"] = {
        lang: cite(record.eid, lang, plan_short_title(tree.title, lang, style), style)
        for lang in ("zh", "en")
    }
    return body


# Columns of the CSV download: common ones first, then each kind's own fields.
_COMMON = ["id", "kind", "eid", "citation_zh", "citation_en", "lang", "start", "end", "text"]


def to_csv(rows: list[dict[str, Any]]) -> str:
    """Records (as from `record_dict`) as CSV; lists are joined with ';'."""
    extra: list[str] = []
    for row in rows:
        for key in row:
            if key not in _COMMON and key != "citation" and key not in extra:
                extra.append(key)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=_COMMON + extra, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        flat = {k: (";".join(map(str, v)) if isinstance(v, list) else v) for k, v in row.items()}
        flat["citation_zh"], flat["citation_en"] = row["citation"]["zh"], row["citation"]["en"]
        writer.writerow(flat)
    return buf.getvalue()


def to_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps({"data": rows, "count": len(rows)}, ensure_ascii=False, indent=2)
