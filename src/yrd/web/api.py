"""The JSON API: plans, a plan's tree, one unit, search, downloads. Each route calls the library."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from yrd.db.models import PlanRow
from yrd.documents import store
from yrd.documents.search import search as run_search
from yrd.errors import NotFoundError
from yrd.web import urls
from yrd.web.deps import SessionDep
from yrd.web.schemas import (
    ErrorPublic,
    PlanDetail,
    PlanPublic,
    PlansPublic,
    SearchHitPublic,
    SearchResultsPublic,
)

router = APIRouter(
    prefix="/api", tags=["api"], responses={404: {"model": ErrorPublic}, 422: {"model": ErrorPublic}}
)


def _plan_public(session: Any, row: PlanRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": {k: v for k, v in (("zh", row.title_zh), ("en", row.title_en)) if v},
        "date": row.date,
        "issuer": {k: v for k, v in (("zh", row.issuer_zh), ("en", row.issuer_en)) if v},
        "langs": row.langs.split(","),
        "counts": store.unit_counts(session, row.id),
        "links": {
            "self": urls.api_plan(row.id),
            "html": urls.plan_page(row.id),
            "tree": urls.api_tree(row.id),
            "json": urls.export(row.id, "json"),
            "akn": urls.export(row.id, "akn"),
        },
    }


@router.get("/plans", response_model=PlansPublic, summary="List the loaded plans")
def list_plans(session: SessionDep) -> dict[str, Any]:
    data = [_plan_public(session, row) for row in store.list_plans(session)]
    return {"data": data, "count": len(data)}


def _plan_row(session: Any, plan_id: str) -> PlanRow:
    row = session.get(PlanRow, plan_id)
    if row is None:
        raise NotFoundError(f"no plan {plan_id!r}")
    return row


@router.get(
    "/plans/{plan_id}", response_model=PlanDetail, summary="One plan: metadata, contents, load report"
)
def get_plan(plan_id: str, session: SessionDep) -> dict[str, Any]:
    row = _plan_row(session, plan_id)
    body = _plan_public(session, row)
    body["toc"] = row.toc
    body["problems"] = row.problems
    body["sources"] = [
        {"name": s.name, "form": s.form, "encoding": s.encoding, "sha256": s.sha256,
         "loaded_at": s.loaded_at.isoformat()}
        for s in store.sources_of(session, plan_id)
    ]  # fmt: skip
    return body


@router.get("/plans/{plan_id}/tree", summary="A plan's whole tree (the JSON export's shape)")
def get_tree(plan_id: str, session: SessionDep) -> dict[str, Any]:
    from yrd.documents.export_json import plan_to_dict

    return plan_to_dict(store.load_plan(session, plan_id))


@router.get("/plans/{plan_id}/units/{eid}", summary="One unit with its citation, text per language and links")
def get_unit(plan_id: str, eid: str, session: SessionDep) -> dict[str, Any]:
    from yrd.documents.export_json import unit_to_dict

    plan = store.load_plan(session, plan_id)
    unit = plan.find(eid)
    if unit is None:
        raise NotFoundError(f"plan {plan_id!r} has no unit {eid!r}")
    body = unit_to_dict(unit, plan)
    body["plan_id"] = plan_id
    body["links"] = {
        "self": urls.api_unit(plan_id, eid),
        "html": urls.unit_page(plan_id, eid),
        "permalink": urls.permalink(plan_id, eid),
    }
    return body


@router.get("/search", response_model=SearchResultsPublic, summary="Search all plans in Chinese and English")
def search(
    session: SessionDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description="terms; all must occur")],
    plan: Annotated[str | None, Query(description="only this plan")] = None,
    lang: Annotated[str | None, Query(pattern="^(zh|en)$", description="only this language")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    results = run_search(session, q, plan_id=plan, lang=lang, limit=limit, offset=offset)
    data = [
        SearchHitPublic(
            plan_id=h.plan_id, id=h.eid, kind=h.kind, lang=h.lang, citation=h.citation, heading=h.heading,
            snippet=h.snippet, snippet_html=h.snippet_html, score=h.score,
            links={"self": urls.api_unit(h.plan_id, h.eid), "html": urls.unit_page(h.plan_id, h.eid),
                   "permalink": urls.permalink(h.plan_id, h.eid)},
        )
        for h in results.hits
    ]  # fmt: skip
    return {"query": results.query, "total": results.total, "count": len(data), "data": data}


@router.get(
    "/plans/{plan_id}/export.json",
    summary="Download the plan as JSON (schema: docs/plan.schema.json)",
    response_class=Response,
)
def export_json(plan_id: str, session: SessionDep) -> Response:
    from yrd.documents.export_json import plan_to_json

    text = plan_to_json(store.load_plan(session, plan_id))
    return Response(
        text.encode("utf-8"),
        media_type="application/json; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{plan_id}.json"'},
    )


@router.get(
    "/plans/{plan_id}/export.akn.zip",
    summary="Download the plan as Akoma Ntoso 3.0 XML, one expression per language, zipped",
    response_class=Response,
)
def export_akn(plan_id: str, session: SessionDep) -> Response:
    import io

    from yrd.documents.akn import write_akn_zip

    buf = io.BytesIO()
    write_akn_zip(store.load_plan(session, plan_id), buf)
    return Response(
        buf.getvalue(),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{plan_id}.akn.zip"'},
    )


__all__ = ["PlanPublic", "router"]
