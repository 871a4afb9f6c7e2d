"""Follow-up documents (the "N" of 1+N) in the database, their suggested links and the decisions on them.

A policy document is stored as a plan like the Outline (`yrd.documents.store.save_plan`), extracted
like it (`yrd.extract.pipeline.extract_plan`), and described by a ``policy_doc`` row (relation to the
Outline, issuer, document number, date, status). The linking engine (`yrd.policies.link`) proposes
Outline measures for every policy paragraph; the proposals are stored as ``suggested`` links and a
coordinator confirms or rejects each one. A new round of suggestions replaces the undecided ones and
never touches a decision. Decisions are guarded by a version (optimistic locking) and audited.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yrd.db import Database
from yrd.db.models import PlanRow, PolicyDocRow, PolicyLinkRow, UnitRow, UnitTextRow
from yrd.documents import store
from yrd.documents.load import (
    DEFAULT_PLAN,
    LoadResult,
    ParsedFile,
    combine,
    counts,
    file_report,
    source_rows,
)
from yrd.documents.policy_structure import looks_like_policy, parse_policy
from yrd.documents.readers import plain_lines
from yrd.documents.search import units_matching
from yrd.errors import InputError, NotFoundError
from yrd.extract.model import Task
from yrd.extract.pipeline import extract_plan, list_records
from yrd.policies.link import build_index, link_plan
from yrd.supervise import audit
from yrd.supervise.records import UNSET, _Unset, check_date, check_text, iso, snapshot, versioned
from yrd.supervise.roles import Principal

RELATIONS = ("special_plan", "master_plan", "implementation_plan", "supporting_policy")
STATUSES = ("in_force", "superseded")
STATES = ("suggested", "confirmed", "rejected")
DECISIONS = ("confirmed", "rejected")
PERMISSION = "task:manage"  # confirming links is the coordinator's work, like managing tasks
MAX_K = 20
MAX_FILES = 5  # copies of one document in one load
MAX_FILE_BYTES = 20 * 1024 * 1024
_DOC_FIELDS = ("relation", "issuer", "number", "date", "status")
_LINK_FIELDS = ("policy_plan_id", "policy_eid", "outline_plan_id", "outline_eid", "state", "decided_by",
                "decided_at", "version")  # fmt: skip
_CHAPTER = re.compile(r"^第[一二三四五六七八九十百零〇0-9]+章")


@dataclass(frozen=True)
class PolicyDoc:
    """A stored follow-up document, with how many paragraphs it has and how many links in each state."""

    plan_id: str
    title: str
    relation: str
    issuer: str
    number: str
    date: str | None
    status: str
    loaded_at: str | None
    paragraphs: int
    links: dict[str, int]
    version: int = 1  # send it back with an edit of the description (optimistic locking)
    text_hits: int = 0  # with a library search: the units whose text holds every word of the query


@dataclass(frozen=True)
class Link:
    """One link from a policy paragraph to an Outline measure, with the texts a reviewer needs."""

    id: int
    policy_plan_id: str
    policy_eid: str
    outline_plan_id: str
    outline_eid: str
    rank: int
    score: float
    reasons: list[dict[str, Any]]
    state: str
    decided_by: str | None
    decided_at: str | None
    version: int
    policy_text: str = ""
    outline_title: str = ""


@dataclass(frozen=True)
class LinkResult:
    """What a round of suggestions did."""

    policy_plan_id: str
    outline_plan_id: str
    paragraphs: int
    counts: dict[str, int]


@dataclass(frozen=True)
class Measure:
    """One Outline measure and the policy paragraphs confirmed to carry it out (``none``: not one)."""

    eid: str
    title: str
    links: list[dict[str, str]] = field(default_factory=list)

    @property
    def none(self) -> bool:
        return not self.links


@dataclass(frozen=True)
class Coverage:
    """How many Outline measures at least one follow-up document is confirmed to carry out."""

    outline_plan_id: str
    measures: list[Measure]

    @property
    def covered(self) -> int:
        return sum(1 for m in self.measures if not m.none)

    @property
    def total(self) -> int:
        return len(self.measures)


# ------------------------------------------------------------------------------------------ checks


def _choice(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise InputError(f"{what} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def parse_policy_file(data: bytes, name: str, encoding: str | None = None) -> ParsedFile:
    """Read one file as a follow-up policy document.

    Raises:
        InputError: the file is unreadable, an outline rather than a policy, or has no numbered
            headings; the message names the file.

    Plain text, HTML, DOCX and PDF are read (`yrd.documents.formats.to_text`); what the reader
    could not do (Word's automatic numbering, pages without text) becomes a warning of the plan.
    """
    from yrd.documents.formats import to_text
    from yrd.documents.model import Problem

    src = to_text(data, name, encoding)
    lines = plain_lines(src.text)
    if not looks_like_policy(lines) and any(_CHAPTER.match(ln.text) for ln in lines):
        raise InputError(
            f"{name}: not a policy document: it has chapters (第X章) and no articles (第X条), so it reads "
            "as an outline; load outlines with `yrd load`"
        )
    plan = parse_policy(lines, name)
    if not any(u.kind == "paragraph" and u.text.get("zh") for u in plan.walk()):
        raise InputError(f"{name}: not a policy document: no paragraph of text under its headings")
    plan.problems[:0] = [Problem("warning", w) for w in src.warnings]
    for problem in plan.problems:
        problem.source = problem.source or name
    return ParsedFile(name, hashlib.sha256(data).hexdigest(), src.form, src.encoding, plan)


def _plan_id(session: Session, parsed: list[ParsedFile], title: str) -> str:
    """The id of the plan these files belong to: a known copy's, a policy of the same title's, or new."""
    for p in parsed:
        if src := store.known_source(session, p.sha256):
            return src.plan_id
    if title and (row := store.find_plan_by_title(session, title)):
        if session.get(PolicyDocRow, row.id) is None:
            raise InputError(
                f"{title!r} is already loaded as plan {row.id!r}, which is not a policy document"
            )
        return row.id
    return "policy-" + hashlib.sha1((title or parsed[0].sha256).encode()).hexdigest()[:10]


# ------------------------------------------------------------------------------------------ writes


def load_policy(
    db: Database,
    actor: Principal,
    files: list[tuple[str, bytes]],
    *,
    relation: str,
    issuer: str = "",
    number: str = "",
    date: str | None = None,
    status: str = "in_force",
    encoding: str | None = None,
) -> LoadResult:
    """Load one follow-up document (from one or more copies of it), all or nothing, then extract it.

    ``issuer`` and ``date`` default to the document's own signature block.

    Raises:
        InputError: a bad option, an unreadable file, or a file that is not a policy document.
        ForbiddenError: the actor may not manage tasks (the coordinator's permission).
    """
    actor.require(PERMISSION)
    if not files:
        raise InputError("no file given")
    relation = _choice(relation, RELATIONS, "relation")
    status = _choice(status, STATUSES, "status")
    issuer = check_text(issuer, "issuer", max_len=200)
    number = check_text(number, "document number", max_len=100)
    date = check_date(date, "date")
    parsed = [parse_policy_file(data, name, encoding) for name, data in files]
    titles = {p.plan.title.get("zh", "") for p in parsed}
    if len(titles) > 1:
        raise InputError(
            f"the files are different documents ({' / '.join(sorted(t or '(untitled)' for t in titles))}); "
            "load them one at a time"
        )
    title = titles.pop()
    with db.write() as session:
        pid = _plan_id(session, parsed, title)
        known = {s.sha256 for s in store.sources_of(session, pid)}
        plan = combine(parsed, store.load_plan(session, pid) if known else None)
        plan.id = pid
        if issuer:
            plan.issuer["zh"] = issuer
        plan.date = date or plan.date
        now = datetime.now(UTC)
        changed = store.save_plan(session, plan, source_rows(parsed, now))
        doc = session.get(PolicyDocRow, pid)
        before = snapshot(doc, _DOC_FIELDS) if doc else None
        if doc is None:
            doc = PolicyDocRow(plan_id=pid, loaded_at=now)
            session.add(doc)
        doc.relation, doc.issuer, doc.number = relation, plan.issuer.get("zh", ""), number
        doc.date, doc.status = plan.date, status
        after = snapshot(doc, _DOC_FIELDS)
        changed = changed or before != after
        if changed:
            doc.loaded_at = now
            report = [{"name": Path(p.name).name, "sha256": p.sha256} for p in parsed]
            audit.record(session, actor.username, "policy.load", f"plan:{pid}", before,
                         {**after, "files": report, **counts(plan)})  # fmt: skip
    extract_plan(db, pid)
    return LoadResult(pid, changed, file_report(parsed, known), plan.warnings, counts(plan))


def suggest_links(
    db: Database, actor: Principal, policy_plan_id: str, outline_plan_id: str = DEFAULT_PLAN, k: int = 5
) -> LinkResult:
    """Propose ``k`` Outline measures for every paragraph of a policy document and store them.

    The previous suggestions are replaced (a link suggested again keeps its id); confirmed and
    rejected links are kept as they are, so a decision is never undone by a new round.

    Raises:
        NotFoundError: no such policy document or Outline.
        InputError: ``k`` out of range.
    """
    actor.require(PERMISSION)
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise InputError(f"k must be a whole number from 1 to {MAX_K}, not {k!r}")
    with db.read() as session:
        _policy_row(session, policy_plan_id)
        if session.get(PlanRow, outline_plan_id) is None:
            raise NotFoundError(f"no plan {outline_plan_id!r} (see `yrd plans`)")
    extract_plan(db, outline_plan_id)  # each a no-op when its records are up to date
    extract_plan(db, policy_plan_id)
    with db.read() as session:
        outline = store.load_plan(session, outline_plan_id)
        index = build_index(outline, list_records(session, outline_plan_id))
        policy = store.load_plan(session, policy_plan_id)
        found = link_plan(index, policy, k=k, records=list_records(session, policy_plan_id))
    wanted: dict[tuple[str, str], tuple[int, float, list[dict[str, Any]]]] = {}
    for policy_eid, suggestions in found.items():
        for rank, s in enumerate(suggestions, 1):
            wanted[(policy_eid, s.eid)] = (rank, s.score, [asdict(r) for r in s.reasons])
    tally: Counter[str] = Counter()
    with versioned(db, actor.username) as tx:
        session = tx.session
        rows = session.scalars(select(PolicyLinkRow).where(PolicyLinkRow.policy_plan_id == policy_plan_id))
        existing = {(r.policy_eid, r.outline_eid): r for r in rows}
        for (policy_eid, outline_eid), (rank, score, reasons) in wanted.items():
            row = existing.get((policy_eid, outline_eid))
            if row is None:
                session.add(
                    PolicyLinkRow(policy_plan_id=policy_plan_id, policy_eid=policy_eid,
                                  outline_plan_id=outline_plan_id, outline_eid=outline_eid, rank=rank,
                                  score=score, reasons=reasons, state="suggested")
                )  # fmt: skip
                tally["added"] += 1
            elif row.state != "suggested":
                tally["kept_decided"] += 1
            elif (row.outline_plan_id, row.rank, row.score, row.reasons) != (
                outline_plan_id,
                rank,
                score,
                reasons,
            ):
                row.outline_plan_id, row.rank, row.score, row.reasons = outline_plan_id, rank, score, reasons
                tally["updated"] += 1
            else:
                tally["unchanged"] += 1
        for key, row in existing.items():
            if row.state == "suggested" and row.outline_plan_id == outline_plan_id and key not in wanted:
                session.delete(row)
                tally["removed"] += 1
        result = {name: tally[name] for name in ("added", "updated", "unchanged", "removed", "kept_decided")}
        tx.log("policy.link", f"plan:{policy_plan_id}", None,
               {"outline": outline_plan_id, "k": k, "paragraphs": len(found), **result})  # fmt: skip
    return LinkResult(policy_plan_id, outline_plan_id, len(found), result)


def update_policy(
    db: Database,
    actor: Principal,
    plan_id: str,
    *,
    version: int,
    relation: str | _Unset = UNSET,
    issuer: str | _Unset = UNSET,
    number: str | _Unset = UNSET,
    date: str | _Unset | None = UNSET,
    status: str | _Unset = UNSET,
) -> PolicyDoc:
    """Correct a document's description (what is given; None clears the date), e.g. mark it superseded.

    Raises:
        ForbiddenError / AuthError: without the coordinator's permission.
        InputError: nothing to change, an unknown relation or status, a bad date, text too long.
        NotFoundError: no such policy document.
        ConflictError: the description changed (or the document was loaded again) since ``version``.
    """
    actor.require(PERMISSION)
    given = {"relation": relation, "issuer": issuer, "number": number, "date": date, "status": status}
    if all(v is UNSET for v in given.values()):
        raise InputError("nothing to change: give relation, issuer, number, date or status")
    checks = {
        "relation": lambda v: _choice(v, RELATIONS, "relation"),
        "issuer": lambda v: check_text(v, "issuer", max_len=200),
        "number": lambda v: check_text(v, "document number", max_len=100),
        "date": lambda v: check_date(v, "date"),
        "status": lambda v: _choice(v, STATUSES, "status"),
    }
    new = {k: checks[k](v) for k, v in given.items() if not isinstance(v, _Unset)}
    with versioned(db, actor.username) as tx:
        row = tx.load(PolicyDocRow, plan_id, "plan", version)
        before = snapshot(row, _DOC_FIELDS)
        for k, v in new.items():
            setattr(row, k, v)
        after = snapshot(row, _DOC_FIELDS)
        if after != before:
            tx.log("policy.update", f"plan:{plan_id}", before, after)
    with db.read() as session:
        return policy(session, plan_id)


def decide(
    db: Database, actor: Principal, link_id: int, *, state: str, version: int, reject_others: bool = False
) -> Link:
    """Confirm or reject a link, if it is still at the ``version`` the caller read.

    With ``reject_others`` (confirming only), the paragraph's other links still suggested are
    rejected in the same transaction: the reviewer's "this one, not those".

    Raises:
        NotFoundError: no such link.
        ConflictError: someone changed the link (or one of the others) since.
        InputError: a state other than confirmed or rejected; rejecting the others of a rejection.
    """
    actor.require(PERMISSION)
    state = _choice(state, DECISIONS, "state")
    if reject_others and state != "confirmed":
        raise InputError("reject_others goes with confirming a link, not with rejecting it")
    now = datetime.now(UTC)
    with versioned(db, actor.username) as tx:
        row = tx.load(PolicyLinkRow, link_id, "link", version)
        rows = [(row, state)]
        if reject_others:
            others = tx.session.scalars(
                select(PolicyLinkRow.id).where(
                    PolicyLinkRow.policy_plan_id == row.policy_plan_id,
                    PolicyLinkRow.policy_eid == row.policy_eid,
                    PolicyLinkRow.state == "suggested",
                    PolicyLinkRow.id != link_id,
                )
            )
            rows += [(tx.load(PolicyLinkRow, other, "link"), "rejected") for other in list(others)]
        for each, new_state in rows:
            before = snapshot(each, _LINK_FIELDS)
            each.state, each.decided_by, each.decided_at = new_state, actor.username, now
            tx.session.flush()
            tx.log("policy.decide", f"link:{each.id}", before, snapshot(each, _LINK_FIELDS))
        link = _link(row)
    return link


# ------------------------------------------------------------------------------------------- reads


def _policy_row(session: Session, plan_id: str) -> PolicyDocRow:
    row = session.get(PolicyDocRow, plan_id)
    if row is None:
        raise NotFoundError(f"no policy document {plan_id!r} (see `yrd policy list`)")
    return row


def _link(row: PolicyLinkRow, policy_text: str = "", outline_title: str = "") -> Link:
    return Link(
        id=row.id, policy_plan_id=row.policy_plan_id, policy_eid=row.policy_eid,
        outline_plan_id=row.outline_plan_id, outline_eid=row.outline_eid, rank=row.rank, score=row.score,
        reasons=list(row.reasons or []), state=row.state, decided_by=row.decided_by,
        decided_at=iso(row.decided_at), version=row.version, policy_text=policy_text,
        outline_title=outline_title,
    )  # fmt: skip


def _measure_titles(session: Session, outline_plan_id: str) -> dict[str, str]:
    """The Outline's measures (the units of its task records) and their titles, in document order."""
    titles: dict[str, str] = {}
    for r in list_records(session, outline_plan_id, kind="task"):
        if isinstance(r, Task):
            titles.setdefault(r.eid, r.title)
    return titles


@dataclass(frozen=True)
class PolicyFilter:
    """What a library search asks for; empty fields match everything."""

    q: str = ""
    issuer: str = ""
    relation: str = ""
    status: str = ""
    date_from: str | None = None
    date_to: str | None = None

    def matches(self, doc: PolicyDoc) -> bool:
        """Whether a document passes the filters and, with a query, names every word in its title,
        number or issuer, or has a paragraph holding them all (``doc.text_hits``)."""
        words = self.q.split()
        haystack = f"{doc.title} {doc.number} {doc.issuer} {doc.plan_id}".casefold()
        return (
            (all(w.casefold() in haystack for w in words) or doc.text_hits > 0)
            and (not self.issuer or self.issuer.casefold() in doc.issuer.casefold())
            and (not self.relation or doc.relation == self.relation)
            and (not self.status or doc.status == self.status)
            and (not self.date_from or (doc.date or "") >= self.date_from)
            and (not self.date_to or (doc.date or "9999") <= self.date_to)
        )


def check_filter(
    q: str = "", issuer: str = "", relation: str = "", status: str = "",
    date_from: str | None = None, date_to: str | None = None,
) -> PolicyFilter:  # fmt: skip
    """A library search, checked (bad relation, status or date → InputError naming the field)."""
    return PolicyFilter(
        q=check_text(q, "q", max_len=200),
        issuer=check_text(issuer, "issuer", max_len=200),
        relation=_choice(relation, RELATIONS, "relation") if relation else "",
        status=_choice(status, STATUSES, "status") if status else "",
        date_from=check_date(date_from or None, "date_from"),
        date_to=check_date(date_to or None, "date_to"),
    )


def list_policies(session: Session, where: PolicyFilter | None = None) -> list[PolicyDoc]:
    """The stored follow-up documents (those ``where`` matches), newest first."""
    docs = list(
        session.execute(select(PolicyDocRow, PlanRow).join(PlanRow, PlanRow.id == PolicyDocRow.plan_id))
    )
    paragraphs = Counter(
        session.scalars(
            select(UnitRow.plan_id).where(
                UnitRow.plan_id.in_([d.plan_id for d, _ in docs]), UnitRow.kind == "paragraph"
            )
        )
    )
    states: dict[str, Counter[str]] = {}
    for plan_id, state in session.execute(select(PolicyLinkRow.policy_plan_id, PolicyLinkRow.state)):
        states.setdefault(plan_id, Counter())[state] += 1
    out = [
        PolicyDoc(
            plan_id=d.plan_id,
            title=p.title_zh,
            relation=d.relation,
            issuer=d.issuer,
            number=d.number,
            date=d.date,
            status=d.status,
            loaded_at=iso(d.loaded_at),
            paragraphs=paragraphs[d.plan_id],
            links={s: states.get(d.plan_id, Counter())[s] for s in STATES},
            version=d.version,
        )
        for d, p in docs
    ]
    if where is not None:
        if where.q:
            hits = units_matching(session, where.q, [d.plan_id for d in out])
            out = [replace(d, text_hits=hits[d.plan_id]) for d in out]
        out = [d for d in out if where.matches(d)]
    return sorted(out, key=lambda d: (d.date or "", d.plan_id), reverse=True)


def policy(session: Session, plan_id: str) -> PolicyDoc:
    """One stored follow-up document.

    Raises:
        NotFoundError: no such policy document.
    """
    _policy_row(session, plan_id)
    return next(d for d in list_policies(session) if d.plan_id == plan_id)


def links(session: Session, policy_plan_id: str, state: str | None = None) -> list[Link]:
    """The links of a policy document in document order (paragraph, then rank), optionally of one state.

    Raises:
        NotFoundError: no such policy document.
        InputError: an unknown state.
    """
    _policy_row(session, policy_plan_id)
    if state is not None:
        _choice(state, STATES, "state")
    stmt = select(PolicyLinkRow).where(PolicyLinkRow.policy_plan_id == policy_plan_id)
    if state is not None:
        stmt = stmt.where(PolicyLinkRow.state == state)
    rows = list(session.scalars(stmt))
    seq = dict(
        session.execute(select(UnitRow.eid, UnitRow.seq).where(UnitRow.plan_id == policy_plan_id)).all()
    )
    texts = dict(
        session.execute(
            select(UnitTextRow.eid, UnitTextRow.text).where(
                UnitTextRow.plan_id == policy_plan_id, UnitTextRow.lang == "zh"
            )
        ).all()
    )
    titles: dict[str, dict[str, str]] = {}
    for outline_id in {r.outline_plan_id for r in rows}:
        titles[outline_id] = _measure_titles(session, outline_id)
    rows.sort(key=lambda r: (seq.get(r.policy_eid, 1 << 30), r.rank, r.outline_eid))
    return [
        _link(r, texts.get(r.policy_eid, ""), titles[r.outline_plan_id].get(r.outline_eid, "")) for r in rows
    ]


@dataclass(frozen=True)
class QueueItem:
    """One policy paragraph that still has undecided suggestions, with all its candidates (any state)."""

    policy_plan_id: str
    policy_title: str
    policy_eid: str
    policy_text: str
    candidates: list[Link]


@dataclass(frozen=True)
class Queue:
    items: list[QueueItem]
    total: int  # paragraphs waiting, over all pages


QUEUE_MAX = 100


def queue(session: Session, policy_plan_id: str | None = None, limit: int = 20, offset: int = 0) -> Queue:
    """The review queue: policy paragraphs with suggestions nobody has decided, a page at a time.

    A reviewer decides per paragraph (confirm the right measures, reject the rest), so the queue is
    paged by paragraph; documents come newest first, paragraphs in document order.

    Raises:
        NotFoundError: no such policy document.
        InputError: ``limit`` or ``offset`` out of range.
    """
    if not 1 <= limit <= QUEUE_MAX or offset < 0:
        raise InputError(f"limit must be 1 to {QUEUE_MAX} and offset 0 or more, not {limit} and {offset}")
    docs = list_policies(session)
    if policy_plan_id is not None:
        _policy_row(session, policy_plan_id)
        docs = [d for d in docs if d.plan_id == policy_plan_id]
    waiting: list[QueueItem] = []
    for doc in docs:
        if not doc.links["suggested"]:
            continue
        by_para: dict[str, list[Link]] = {}
        for link in links(session, doc.plan_id):
            by_para.setdefault(link.policy_eid, []).append(link)
        for eid, found in by_para.items():
            if any(x.state == "suggested" for x in found):
                waiting.append(QueueItem(doc.plan_id, doc.title, eid, found[0].policy_text, found))
    return Queue(waiting[offset : offset + limit], len(waiting))


def coverage(session: Session, outline_plan_id: str = DEFAULT_PLAN) -> Coverage:
    """Every measure of the Outline with the policy paragraphs confirmed to carry it out.

    Raises:
        NotFoundError: no such plan.
    """
    titles = _measure_titles(session, outline_plan_id)
    confirmed: dict[str, list[dict[str, str]]] = {}
    stmt = (
        select(
            PolicyLinkRow.outline_eid,
            PolicyLinkRow.policy_plan_id,
            PolicyLinkRow.policy_eid,
            PlanRow.title_zh,
        )
        .join(PlanRow, PlanRow.id == PolicyLinkRow.policy_plan_id)
        .where(PolicyLinkRow.outline_plan_id == outline_plan_id, PolicyLinkRow.state == "confirmed")
        .order_by(PolicyLinkRow.policy_plan_id, PolicyLinkRow.policy_eid)
    )
    for outline_eid, plan_id, policy_eid, title in session.execute(stmt):
        confirmed.setdefault(outline_eid, []).append(
            {"policy_plan_id": plan_id, "policy_eid": policy_eid, "title": title}
        )
    measures = [Measure(eid, title, confirmed.get(eid, [])) for eid, title in titles.items()]
    return Coverage(outline_plan_id, measures)
