"""The JSON API of the 1+N system: the policy library, a document's links, the review queue, coverage.

Each route parses its input, calls `yrd.policies.store` (which checks who may do what: loading,
suggesting and deciding are the coordinator's ``task:manage``) and shapes the result; reading is open
to everyone, as the documents and the Outline are public.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Path, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from yrd.documents.load import DEFAULT_PLAN
from yrd.errors import InputError
from yrd.policies import compare, export, store
from yrd.supervise.roles import Principal
from yrd.web import urls, urls_policies
from yrd.web.api_supervise import content_disposition
from yrd.web.auth import AUTH_RESPONSES, EDIT_RESPONSES, requires
from yrd.web.deps import MAX_ID, DatabaseDep, RecordId, SessionDep
from yrd.web.schemas import ErrorPublic

router = APIRouter(prefix="/api", tags=["policies (1+N)"])

PolicyId = Annotated[
    str, Path(max_length=64, description="the document's plan id", examples=["policy-54cbd31c5c"])
]
Relation = Literal["special_plan", "master_plan", "implementation_plan", "supporting_policy"]
Status = Literal["in_force", "superseded"]
State = Literal["suggested", "confirmed", "rejected"]
BAD_INPUT: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorPublic, "description": "a field is out of range, or a file is not a policy document"},
    404: {"model": ErrorPublic, "description": "no such policy document, link or plan"},
    422: {"model": ErrorPublic, "description": "a parameter has the wrong type or value"},
}
READ = {404: BAD_INPUT[404], 422: BAD_INPUT[422]}


class PolicyPublic(BaseModel):
    """A follow-up document: what it is, how it relates to the Outline, and its links in each state."""

    plan_id: str = Field(examples=["policy-54cbd31c5c"])
    title: str
    relation: Relation
    issuer: str = Field(examples=["安徽省人民政府"])
    number: str = Field(description="document number", examples=["皖政〔2020〕1号"])
    date: str | None = Field(description="date issued, YYYY-MM-DD")
    status: Status
    loaded_at: str | None
    paragraphs: int
    links: dict[str, int] = Field(examples=[{"suggested": 40, "confirmed": 3, "rejected": 2}])
    version: int = Field(description="send it back with an edit of the description (optimistic locking)")
    text_hits: int = Field(description="with a search (q): how many of its units hold every word of it")
    href: dict[str, str] = Field(description="html: the document's page; text: the document itself")


class PoliciesPublic(BaseModel):
    data: list[PolicyPublic]
    count: int


class ReasonPublic(BaseModel):
    kind: str = Field(description="terms, places, projects or indicators", examples=["terms"])
    items: list[str] = Field(description="quoted from both texts", examples=[["城际铁路"]])


class LinkPublic(BaseModel):
    """A suggested, confirmed or rejected link from a policy paragraph to one of the Outline's measures."""

    id: int
    policy_plan_id: str
    policy_eid: str
    outline_plan_id: str
    outline_eid: str
    rank: int = Field(description="1 for the engine's best guess for the paragraph")
    score: float
    reasons: list[ReasonPublic]
    state: State
    decided_by: str | None
    decided_at: str | None
    version: int = Field(description="send it back with a decision (optimistic locking)")
    policy_text: str
    outline_title: str


class PolicyEditIn(BaseModel):
    """A correction of a document's description; fields left out stay as they are."""

    version: int = Field(ge=1, le=MAX_ID, description="the document's version as read", examples=[1])
    relation: Relation | None = None
    issuer: str | None = Field(None, max_length=400)
    number: str | None = Field(None, max_length=200)
    date: str | None = Field(None, max_length=20, description="YYYY-MM-DD; null clears it")
    status: Status | None = None


class LinksPublic(BaseModel):
    data: list[LinkPublic]
    count: int


class QueueItemPublic(BaseModel):
    policy_plan_id: str
    policy_title: str
    policy_eid: str
    policy_text: str
    candidates: list[LinkPublic] = Field(description="every link of the paragraph, best first, any state")


class QueuePublic(BaseModel):
    data: list[QueueItemPublic]
    count: int = Field(description="paragraphs in this answer")
    total: int = Field(description="paragraphs waiting for a decision, over all pages")


class LoadPublic(BaseModel):
    plan_id: str
    changed: bool = Field(description="false when the same document was loaded before")
    files: list[dict[str, str]]
    warnings: list[str]
    counts: dict[str, int]
    links: dict[str, int] | None = Field(description="what the first round of suggestions did")


class SuggestIn(BaseModel):
    k: int = Field(5, ge=1, le=store.MAX_K, description="suggestions per paragraph")
    outline: str = Field(DEFAULT_PLAN, max_length=64, description="the Outline's plan id")


class LinkResultPublic(BaseModel):
    policy_plan_id: str
    outline_plan_id: str
    paragraphs: int
    counts: dict[str, int] = Field(description="added, updated, unchanged, removed, kept_decided")


class DecisionIn(BaseModel):
    state: Literal["confirmed", "rejected"]
    version: int = Field(ge=1, le=MAX_ID, description="the link's version as read", examples=[1])
    reject_others: bool = Field(
        False, description="with confirmed: reject the paragraph's other links still suggested, at once"
    )


class CoveragePublic(BaseModel):
    data: list[export.CoverageRow] = Field(description="measures in document order; links: confirmed only")
    count: int
    covered: int = Field(description="measures with a confirmed follow-up (of all, not only this answer)")
    total: int = Field(description="all measures of the Outline")


def policy_public(doc: store.PolicyDoc) -> dict[str, Any]:
    return asdict(doc) | {
        "href": {"html": urls_policies.policy_page(doc.plan_id), "text": urls.plan_page(doc.plan_id)}
    }


def read_documents(files: list[UploadFile]) -> list[tuple[str, bytes]]:
    """The uploaded copies of a document, each read to one byte over the limit (a huge one unread)."""
    files = [f for f in files if f.filename or f.size]
    if not files:
        raise InputError("no file given: choose the document to load")
    if len(files) > store.MAX_FILES:
        raise InputError(f"{len(files)} files given; at most {store.MAX_FILES} copies of one document")
    out = []
    for f in files:
        data = f.file.read(store.MAX_FILE_BYTES + 1)
        if len(data) > store.MAX_FILE_BYTES:
            raise InputError(
                f"{f.filename!r} is larger than {store.MAX_FILE_BYTES / 1024 / 1024:g} MiB, the most a "
                "document may have"
            )
        out.append((f.filename or "document", data))
    return out


@router.get(
    "/policies",
    response_model=PoliciesPublic,
    summary="The policy library: follow-up documents, newest first, searched and filtered",
    responses={400: BAD_INPUT[400], 422: BAD_INPUT[422]},
)
def list_policies(
    session: SessionDep,
    q: Annotated[str, Query(max_length=200, description="words in the title, number, issuer or text")] = "",
    issuer: Annotated[str, Query(max_length=200, description="part of the issuer's name")] = "",
    relation: Annotated[Relation | None, Query()] = None,
    status: Annotated[Status | None, Query()] = None,
    date_from: Annotated[str | None, Query(max_length=10, description="YYYY-MM-DD")] = None,
    date_to: Annotated[str | None, Query(max_length=10, description="YYYY-MM-DD")] = None,
) -> dict[str, Any]:
    where = store.check_filter(q, issuer, relation or "", status or "", date_from, date_to)
    data = [policy_public(d) for d in store.list_policies(session, where)]
    return {"data": data, "count": len(data)}


@router.post(
    "/policies",
    response_model=LoadPublic,
    status_code=201,
    summary="Load a follow-up document (text, HTML, DOCX or PDF) and suggest its links (coordinators)",
    responses={**AUTH_RESPONSES, **BAD_INPUT},
)
def load_policy(
    db: DatabaseDep,
    actor: Annotated[Principal, requires(store.PERMISSION)],
    files: Annotated[list[UploadFile], File(description="the document (copies of one document, if several)")],
    relation: Annotated[Relation, Form()],
    issuer: Annotated[str, Form(max_length=200, description="default: the signature block")] = "",
    number: Annotated[str, Form(max_length=100, description="e.g. 发改地区〔2020〕123号")] = "",
    date: Annotated[str, Form(max_length=10, description="YYYY-MM-DD (default: the document's)")] = "",
    status: Annotated[Status, Form()] = "in_force",
    suggest: Annotated[bool, Form(description="suggest links at once")] = True,
) -> dict[str, Any]:
    result = store.load_policy(db, actor, read_documents(files), relation=relation, issuer=issuer,
                               number=number, date=date or None, status=status)  # fmt: skip
    linked = store.suggest_links(db, actor, result.plan_id) if suggest else None
    return {"plan_id": result.plan_id, "changed": result.changed, "files": result.files,
            "warnings": [str(w) for w in result.warnings], "counts": result.counts,
            "links": linked.counts if linked else None}  # fmt: skip


@router.get(
    "/policies/{plan_id}",
    response_model=PolicyPublic,
    summary="One follow-up document",
    responses=READ,
)
def get_policy(session: SessionDep, plan_id: PolicyId) -> dict[str, Any]:
    return policy_public(store.policy(session, plan_id))


@router.patch(
    "/policies/{plan_id}",
    response_model=PolicyPublic,
    summary="Correct a document's description, e.g. mark it superseded (coordinators)",
    responses={**EDIT_RESPONSES, **BAD_INPUT},
)
def edit_policy(
    db: DatabaseDep,
    plan_id: PolicyId,
    body: PolicyEditIn,
    actor: Annotated[Principal, requires(store.PERMISSION)],
) -> dict[str, Any]:
    given = {k: getattr(body, k) for k in body.model_fields_set if k != "version"}
    if nulls := [k for k, v in given.items() if v is None and k != "date"]:
        raise InputError(f"only date may be null, not {', '.join(sorted(nulls))}")
    return policy_public(store.update_policy(db, actor, plan_id, version=body.version, **given))


@router.get(
    "/policies/{plan_id}/links",
    response_model=LinksPublic,
    summary="A document's links in document order (paragraph, then rank)",
    responses=READ,
)
def policy_links(
    session: SessionDep, plan_id: PolicyId, state: Annotated[State | None, Query()] = None
) -> dict[str, Any]:
    data = [asdict(x) for x in store.links(session, plan_id, state)]
    return {"data": data, "count": len(data)}


@router.post(
    "/policies/{plan_id}/suggestions",
    response_model=LinkResultPublic,
    summary="Suggest links again (coordinators); decisions already made are kept",
    responses={**AUTH_RESPONSES, **BAD_INPUT},
)
def suggest(
    db: DatabaseDep,
    plan_id: PolicyId,
    actor: Annotated[Principal, requires(store.PERMISSION)],
    body: SuggestIn | None = None,
) -> dict[str, Any]:
    body = body or SuggestIn()
    return asdict(store.suggest_links(db, actor, plan_id, body.outline, k=body.k))


@router.get(
    "/policy-links/queue",
    response_model=QueuePublic,
    summary="The review queue: paragraphs with undecided suggestions, with all their candidates",
    responses={400: BAD_INPUT[400], **READ},
)
def review_queue(
    session: SessionDep,
    policy: Annotated[str | None, Query(max_length=64, description="one document's plan id")] = None,
    limit: Annotated[int, Query(ge=1, le=store.QUEUE_MAX)] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> dict[str, Any]:
    found = store.queue(session, policy or None, limit, offset)
    data = [asdict(item) for item in found.items]
    return {"data": data, "count": len(data), "total": found.total}


@router.post(
    "/policy-links/{link_id}/decision",
    response_model=LinkPublic,
    summary="Confirm or reject a link (coordinators)",
    responses={**EDIT_RESPONSES, **BAD_INPUT},
)
def decide(
    db: DatabaseDep,
    link_id: RecordId,
    body: DecisionIn,
    actor: Annotated[Principal, requires(store.PERMISSION)],
) -> dict[str, Any]:
    found = store.decide(db, actor, link_id, state=body.state, version=body.version,
                         reject_others=body.reject_others)  # fmt: skip
    return asdict(found)


CoverageFormat = Literal["csv", "xlsx"]
OutlineQuery = Annotated[str, Query(max_length=64, description="the Outline's plan id")]
MissingQuery = Annotated[bool, Query(description="only measures with no follow-up yet")]
LangQuery = Annotated[Literal["zh", "en"], Query(description="language of headers, citations, chapters")]
_MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.get(
    "/coverage",
    response_model=CoveragePublic,
    summary="The Outline's measures with the follow-up documents confirmed to carry them out",
    responses=READ,
)
def coverage(
    session: SessionDep,
    plan: OutlineQuery = DEFAULT_PLAN,
    missing: MissingQuery = False,
    lang: LangQuery = "zh",
) -> dict[str, Any]:
    rows = export.coverage_rows(session, plan, lang=lang)
    shown = [r for r in rows if not (missing and r.covered)]
    data = [asdict(r) for r in shown]
    return {"data": data, "count": len(data), "covered": sum(r.covered for r in rows), "total": len(rows)}


@router.get(
    "/coverage.{fmt}",
    summary="The coverage table as CSV (UTF-8 with BOM) or an Excel workbook",
    responses={200: {"content": {_MEDIA["csv"]: {}, _MEDIA["xlsx"]: {}}}, **READ},
    response_class=Response,
)
def coverage_file(
    session: SessionDep,
    fmt: CoverageFormat,
    plan: OutlineQuery = DEFAULT_PLAN,
    missing: MissingQuery = False,
    lang: LangQuery = "zh",
) -> Response:
    rows = export.coverage_rows(session, plan, lang=lang, missing=missing)
    if fmt == "csv":
        content: bytes = ("\ufeff" + export.to_csv(rows, lang)).encode("utf-8")
    else:
        content = export.to_xlsx(rows, lang, outline=plan, missing=missing)
    name = f"coverage{'-missing' if missing else ''}.{fmt}"
    headers = {"Content-Disposition": content_disposition(name)}
    return Response(content, media_type=_MEDIA[fmt], headers=headers)


class ProvincePublic(BaseModel):
    """A province's measures (its tasks as lead or partner) and their confirmed follow-up."""

    code: str = Field(examples=["340000"])
    name_zh: str
    name_en: str
    total: int
    covered_count: int = Field(description="measures with a confirmed follow-up by any issuer")
    own_count: int = Field(description="measures with a confirmed follow-up the province issued")
    measures: list[str]
    covered: list[str]
    own: list[str]
    missing: list[str] = Field(description="measures with no confirmed follow-up")


class ProvincesPublic(BaseModel):
    data: list[ProvincePublic]
    count: int


class TargetPairsPublic(BaseModel):
    """Follow-up targets beside the Outline's on the same indicator, with a verdict and its reason."""

    data: list[compare.TargetPair]
    count: int


@router.get(
    "/coverage/provinces",
    response_model=ProvincesPublic,
    summary="Per province: the measures assigned to it and how many have a confirmed follow-up",
    responses=READ,
)
def province_coverage(
    session: SessionDep,
    plan: OutlineQuery = DEFAULT_PLAN,
) -> dict[str, Any]:
    data = [p.to_dict() for p in compare.province_coverage(session, plan)]
    return {"data": data, "count": len(data)}


@router.get(
    "/coverage/targets",
    response_model=TargetPairsPublic,
    summary="Targets of follow-up documents beside the Outline's: stricter, looser, same, not comparable",
    responses=READ,
)
def target_comparison(
    session: SessionDep,
    plan: OutlineQuery = DEFAULT_PLAN,
    verdict: Annotated[
        Literal["stricter", "looser", "same", "not comparable"] | None, Query(description="only these")
    ] = None,
) -> dict[str, Any]:
    pairs = compare.target_comparison(session, plan)
    data = [asdict(p) for p in pairs if verdict is None or p.verdict == verdict]
    return {"data": data, "count": len(data)}
