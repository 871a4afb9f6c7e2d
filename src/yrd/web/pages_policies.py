"""Pages of the 1+N system: the policy library, a document with its links, the review queue, coverage.

Everyone may read them; loading a document, suggesting links and deciding on them are the
coordinator's (``task:manage``), checked by `yrd.policies.store`. A decision form carries the link's
version, so two reviewers deciding at once get a conflict, not a silent overwrite; after a decision
the reviewer goes back to the page the form was on (a local path only).
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from yrd.documents import store as plans
from yrd.documents.citation import cite, short_title
from yrd.documents.load import DEFAULT_PLAN
from yrd.errors import ConflictError, InputError, NotFoundError
from yrd.policies import compare, export, store
from yrd.supervise.roles import Principal
from yrd.web import urls, urls_policies
from yrd.web.api_policies import read_documents
from yrd.web.auth import requires, viewer
from yrd.web.deps import DatabaseDep, RecordId, SessionDep
from yrd.web.pages import render, ui_lang
from yrd.web.urls_supervise import safe_next

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 10  # paragraphs per page of the review queue
CONFIRM_REST = "confirmed+rest"  # the decision "confirm this one, reject the paragraph's other suggestions"
MAX_TEXT = 200  # characters of a paragraph a table shows
FLASH = ("loaded", "unchanged", "suggested", "confirmed", "rejected", "edited")
_ACCEPT = ".txt,.text,.htm,.html,.docx,.pdf"


def _flash(request: Request) -> str | None:
    """What to say after a write (only known words from the query, never its text)."""
    value = request.query_params.get("done", "")
    return value if value in FLASH else None


class _Citer:
    """Citations of one plan's units in the interface language and the plan's own numbering; without
    a short title, the bare place in the document (第三条, 一、（二）3.) for pages that name it."""

    def __init__(self, short: str, ui: str, style: str) -> None:
        self.short, self.ui, self.style = short, ui, style

    def __call__(self, eid: str) -> str:
        text = cite(eid, self.ui, self.short, self.style)
        return text if self.short else text.lstrip("《》, ")


def _outline_citer(session: Session, plan_id: str, ui: str) -> _Citer:
    plan = plans.load_plan(session, plan_id)
    return _Citer(short_title(plan.title.get(ui) or plan.title.get("zh", ""), ui), ui, "outline")


def _policy_citer(session: Session, plan_id: str, ui: str) -> _Citer:
    return _Citer("", ui, plans.citation_style(session, plan_id))


def _link_view(link: store.Link, cite_outline: _Citer) -> dict[str, Any]:
    return {
        "id": link.id, "state": link.state, "version": link.version, "score": f"{link.score:.1f}",
        "rank": link.rank, "title": link.outline_title, "cite": cite_outline(link.outline_eid),
        "href": urls.permalink(link.outline_plan_id, link.outline_eid), "reasons": link.reasons,
        "decided_by": link.decided_by, "decided_at": (link.decided_at or "")[:16].replace("T", " "),
        "action": urls_policies.decide_action(link.id),
    }  # fmt: skip


# ------------------------------------------------------------------------------------------ library


def _library(
    request: Request,
    session: Session,
    params: dict[str, str],
    *,
    error: str | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    try:
        where = store.check_filter(**params)
        docs = store.list_policies(session, where)
        search_error = None
    except InputError as exc:
        docs, search_error = [], str(exc)
    everything = store.list_policies(session)
    context = {
        "params": params,
        "docs": [
            {
                "d": d,
                "href": urls_policies.policy_page(d.plan_id),
                "hits_href": urls.search_page(params["q"], plan=d.plan_id) if d.text_hits else None,
            }
            for d in docs
        ],
        "total": len(everything),
        "issuers": sorted({d.issuer for d in everything if d.issuer}),
        "relations": store.RELATIONS,
        "statuses": store.STATUSES,
        "search_error": search_error,
        "error": error,
        "form": form or {"relation": "implementation_plan", "status": "in_force"},
        "accept": _ACCEPT,
        "max_mib": store.MAX_FILE_BYTES // (1024 * 1024),
        "urls_policies": urls_policies,
        "filtered": any(params.values()),
    }
    json_href = urls_policies.api_library(**params)
    return render(request, "policies.html", context, status=status, json_href=json_href)


@router.get("/policies", response_class=HTMLResponse)
def library(
    request: Request,
    session: SessionDep,
    q: Annotated[str, Query(max_length=200)] = "",
    issuer: Annotated[str, Query(max_length=200)] = "",
    relation: Annotated[str, Query(max_length=32)] = "",
    status: Annotated[str, Query(max_length=32)] = "",
    date_from: Annotated[str, Query(max_length=10)] = "",
    date_to: Annotated[str, Query(max_length=10)] = "",
) -> HTMLResponse:
    params = {"q": q, "issuer": issuer, "relation": relation, "status": status,
              "date_from": date_from, "date_to": date_to}  # fmt: skip
    return _library(request, session, params)


class DescriptionForm(BaseModel):
    """What the load form and the correction form say about a document (typed text, checked by the
    library; kept to fill the form again when it is refused)."""

    relation: str = Field("", max_length=32)
    issuer: str = Field("", max_length=400)
    number: str = Field("", max_length=200)
    date: str = Field("", max_length=20)
    status: str = Field("", max_length=32)


Description = Annotated[DescriptionForm, Form()]


@router.post("/policies", response_class=HTMLResponse, response_model=None)
def load(
    request: Request,
    db: DatabaseDep,
    actor: Annotated[Principal, requires(store.PERMISSION)],
    form: Description,
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> HTMLResponse | RedirectResponse:
    """Load a document from the library's form and suggest its links; back to the form on an error."""
    try:
        result = store.load_policy(db, actor, read_documents(files or []), relation=form.relation,
                                   issuer=form.issuer, number=form.number, date=form.date or None,
                                   status=form.status or "in_force")  # fmt: skip
        store.suggest_links(db, actor, result.plan_id)
    except (InputError, NotFoundError) as exc:
        with db.read() as session:
            return _library(request, session, {}, error=str(exc), form=form.model_dump(), status=400)
    done = "loaded" if result.changed else "unchanged"
    return RedirectResponse(urls_policies.policy_page(result.plan_id, done=done), status_code=303)


# ------------------------------------------------------------------------------------- review queue


def _review(
    request: Request, session: Session, policy: str, page: int, *, error: str | None = None, status: int = 200
) -> HTMLResponse:
    ui = ui_lang(request)
    docs = store.list_policies(session)
    if policy and policy not in {d.plan_id for d in docs}:
        raise NotFoundError(f"no policy document {policy!r}")
    found = store.queue(session, policy or None, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    total = found.total
    last = max(1, math.ceil(total / PAGE_SIZE))
    if page > last:  # past the end (the queue shrank since the link was made): its last page
        page = last
        found = store.queue(session, policy or None, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    cite_outline = _outline_citer(session, DEFAULT_PLAN, ui) if found.items else None
    items = []
    citers: dict[str, _Citer] = {}
    for item in found.items:
        if item.policy_plan_id not in citers:
            citers[item.policy_plan_id] = _policy_citer(session, item.policy_plan_id, ui)
        cite_policy = citers[item.policy_plan_id]
        items.append({
            "policy_title": item.policy_title, "policy_href": urls_policies.policy_page(item.policy_plan_id),
            "cite": cite_policy(item.policy_eid), "text": item.policy_text,
            "text_href": urls.permalink(item.policy_plan_id, item.policy_eid),
            "candidates": [_link_view(c, cite_outline) for c in item.candidates],  # type: ignore[arg-type]
        })  # fmt: skip
    here = urls_policies.review_page(policy, page)
    context = {
        "items": items,
        "total": total,
        "page": page,
        "last": last,
        "policy": policy,
        "docs": [d for d in docs if d.links["suggested"] or d.plan_id == policy],
        "prev_href": urls_policies.review_page(policy, page - 1) if page > 1 else None,
        "next_href": urls_policies.review_page(policy, page + 1) if page < last else None,
        "can_decide": viewer(request).can(store.PERMISSION),
        "next": here,
        "error": error,
        "flash": _flash(request),
        "urls_policies": urls_policies,
    }
    json_href = urls_policies.api_queue(policy)
    return render(request, "policy_review.html", context, status=status, json_href=json_href)


@router.get("/policies/review", response_class=HTMLResponse)
def review(
    request: Request,
    session: SessionDep,
    policy: Annotated[str, Query(max_length=64)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    return _review(request, session, policy, page)


@router.post("/policies/links/{link_id}", response_class=HTMLResponse, response_model=None)
def decide(
    request: Request,
    db: DatabaseDep,
    link_id: RecordId,
    actor: Annotated[Principal, requires(store.PERMISSION)],
    state: Annotated[str, Form(max_length=16)] = "",
    version: Annotated[int, Form(ge=1, le=2**31 - 1)] = 1,
    next: Annotated[str, Form(max_length=2000)] = "",
) -> HTMLResponse | RedirectResponse:
    """Confirm or reject from the review queue or a document page; back there, or the queue with why not."""
    back = safe_next(next, urls_policies.review_page())
    rest = state == CONFIRM_REST  # the button "Confirm, reject the others"
    try:
        link = store.decide(db, actor, link_id, state="confirmed" if rest else state, version=version,
                            reject_others=rest)  # fmt: skip
    except (ConflictError, InputError, NotFoundError) as exc:
        code = 409 if isinstance(exc, ConflictError) else 404 if isinstance(exc, NotFoundError) else 400
        with db.read() as session:
            return _review(request, session, "", 1, error=str(exc), status=code)
    return RedirectResponse(urls.with_params(back, done=link.state) + f"#link-{link.id}", status_code=303)


# ------------------------------------------------------------------------------------------ coverage


@router.get("/policies/coverage", response_class=HTMLResponse)
def coverage(
    request: Request,
    session: SessionDep,
    missing: Annotated[bool, Query()] = False,
    plan: Annotated[str, Query(max_length=64)] = DEFAULT_PLAN,
) -> HTMLResponse:
    ui = ui_lang(request)
    rows = export.coverage_rows(session, plan, lang=ui)
    shown = [r for r in rows if not (missing and r.covered)]
    chapters: list[dict[str, Any]] = []
    for r in shown:
        if not chapters or chapters[-1]["eid"] != r.chapter_eid:
            href = urls.unit_page(plan, r.chapter_eid)
            name = f"{cite(r.chapter_eid, ui, '').lstrip('《》, ')} {r.chapter}"
            chapters.append({"eid": r.chapter_eid, "name": name, "href": href, "rows": []})
        chapters[-1]["rows"].append({
            "r": r, "href": urls.permalink(plan, r.eid),
            "links": [{**x, "href": urls_policies.policy_page(x["policy_plan_id"]) + f"#{x['policy_eid']}"}
                      for x in r.links],
        })  # fmt: skip
    covered = sum(r.covered for r in rows)
    provinces = [
        {"p": p, "name": p.name_zh if ui == "zh" else p.name_en,
         "percent": round(100 * p.covered_count / p.total) if p.total else 0}
        for p in compare.province_coverage(session, plan)
    ]  # fmt: skip
    context = {
        "chapters": chapters,
        "provinces": provinces,
        "targets": compare.target_comparison(session, plan),
        "covered": covered,
        "total": len(rows),
        "percent": round(100 * covered / len(rows)) if rows else 0,
        "missing": missing,
        "plan": plan,
        "downloads": [
            {
                "name": name,
                "href": urls_policies.api_coverage(
                    fmt, missing=missing, lang=ui, plan=plan if plan != DEFAULT_PLAN else ""
                ),
            }
            for name, fmt in (("CSV", "csv"), ("Excel", "xlsx"))
        ],
        "all_href": urls_policies.coverage_page(),
        "missing_href": urls_policies.coverage_page(missing=1),
        "urls_policies": urls_policies,
    }
    json_href = urls_policies.api_coverage(missing=missing, lang=ui)
    return render(request, "policy_coverage.html", context, json_href=json_href)


# ------------------------------------------------------------------------------------------ a document


@router.get("/policies/{plan_id}", response_class=HTMLResponse)
def policy_page(
    request: Request,
    session: SessionDep,
    plan_id: str,
    state: Annotated[str, Query(max_length=16)] = "",
) -> HTMLResponse:
    return _policy_page(request, session, plan_id, state)


def _policy_page(
    request: Request,
    session: Session,
    plan_id: str,
    state: str = "",
    *,
    error: str | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    ui = ui_lang(request)
    doc = store.policy(session, plan_id)
    state = state if state in store.STATES else ""
    found = store.links(session, plan_id, state or None)
    cite_outline = _outline_citer(session, DEFAULT_PLAN, ui) if found else None
    cite_policy = _policy_citer(session, plan_id, ui)
    paragraphs: list[dict[str, Any]] = []
    for link in found:
        if not paragraphs or paragraphs[-1]["eid"] != link.policy_eid:
            paragraphs.append({"eid": link.policy_eid, "cite": cite_policy(link.policy_eid),
                               "text": link.policy_text, "href": urls.permalink(plan_id, link.policy_eid),
                               "candidates": []})  # fmt: skip
        paragraphs[-1]["candidates"].append(_link_view(link, cite_outline))  # type: ignore[arg-type]
    here = urls_policies.policy_page(plan_id, state=state)
    context = {
        "doc": doc,
        "paragraphs": paragraphs,
        "state": state,
        "tabs": [
            {
                "state": s,
                "href": urls_policies.policy_page(plan_id, state=s),
                "current": s == state,
                "count": sum(doc.links.values()) if not s else doc.links[s],
            }
            for s in ("", *store.STATES)
        ],
        "text_href": urls.plan_page(plan_id),
        "suggest_action": urls_policies.suggest_action(plan_id),
        "can_decide": viewer(request).can(store.PERMISSION),
        "next": here,
        "flash": _flash(request),
        "urls_policies": urls_policies,
        "edit_action": urls_policies.edit_action(plan_id),
        "edit_error": error,
        "form": form
        or {
            "relation": doc.relation,
            "issuer": doc.issuer,
            "number": doc.number,
            "date": doc.date or "",
            "status": doc.status,
        },
        "relations": store.RELATIONS,
        "statuses": store.STATUSES,
    }
    json_href = urls_policies.api_links(plan_id)
    return render(request, "policy_page.html", context, status=status, json_href=json_href)


@router.post("/policies/{plan_id}/edit", response_class=HTMLResponse, response_model=None)
def edit(
    request: Request,
    db: DatabaseDep,
    plan_id: str,
    actor: Annotated[Principal, requires(store.PERMISSION)],
    form: Description,
    version: Annotated[int, Form(ge=1, le=2**31 - 1)] = 1,
) -> HTMLResponse | RedirectResponse:
    """Correct the description from the document page; back to it, or the form again with why not."""
    try:
        store.update_policy(db, actor, plan_id, version=version, relation=form.relation, issuer=form.issuer,
                            number=form.number, date=form.date or None, status=form.status)  # fmt: skip
    except (ConflictError, InputError) as exc:
        code = 409 if isinstance(exc, ConflictError) else 400
        typed = form.model_dump()
        with db.read() as session:
            return _policy_page(request, session, plan_id, error=str(exc), form=typed, status=code)
    return RedirectResponse(urls_policies.policy_page(plan_id, done="edited"), status_code=303)


@router.post("/policies/{plan_id}/suggest", response_class=HTMLResponse, response_model=None)
def suggest(
    db: DatabaseDep, plan_id: str, actor: Annotated[Principal, requires(store.PERMISSION)]
) -> RedirectResponse:
    """Suggest again (after the Outline's extraction changed, say); decisions are kept."""
    store.suggest_links(db, actor, plan_id)
    return RedirectResponse(urls_policies.policy_page(plan_id, done="suggested"), status_code=303)
