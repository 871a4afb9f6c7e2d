"""JSON API of extracted records: targets, facts, places, projects, tasks (JSON and CSV)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from yrd.db.models import PlanRow
from yrd.errors import NotFoundError
from yrd.extract.model import KINDS
from yrd.extract.pipeline import list_records, record_dict, to_csv
from yrd.web import urls
from yrd.web.deps import SessionDep
from yrd.web.schemas import ErrorPublic

router = APIRouter(prefix="/api", tags=["extraction"], responses={404: {"model": ErrorPublic}})

_DOC = {
    "target": "Quantitative targets: indicator, comparator, value, unit, target year, base year, scope.",
    "fact": "Baseline facts: figures about the present state with their reference year.",
    "place": "Place mentions linked to GB/T 2260 regions or region groups (ambiguous ones flagged).",
    "project": "Named projects (railways, crossings, airports, ports, energy and water works, parks…).",
    "task": "Measures of the plan with their responsible bodies.",
}


def _rows(session: Any, plan_id: str, kind: str | None, unit: str | None) -> list[dict[str, Any]]:
    row = session.get(PlanRow, plan_id)
    if row is None:
        raise NotFoundError(f"no plan {plan_id!r}")
    out = []
    for record in list_records(session, plan_id, kind, unit):
        body = record_dict(record, row)
        body["links"] = {
            "html": urls.unit_page(plan_id, record.eid),
            "unit": urls.api_unit(plan_id, record.eid),
        }
        out.append(body)
    return out


def _add(kind: str) -> None:
    plural = f"{kind}s"

    def as_json(
        plan_id: str,
        session: SessionDep,
        unit: Annotated[str | None, Query(description="only records of this unit (eId)")] = None,
    ) -> dict[str, Any]:
        rows = _rows(session, plan_id, kind, unit)
        return {"data": rows, "count": len(rows)}

    def as_csv(plan_id: str, session: SessionDep) -> Response:
        return Response(
            to_csv(
                [{k: v for k, v in r.items() if k != "links"} for r in _rows(session, plan_id, kind, None)]
            ).encode("utf-8-sig"),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{plan_id}-{plural}.csv"'},
        )

    router.add_api_route(
        f"/plans/{{plan_id}}/{plural}", as_json, methods=["GET"], summary=f"{plural.title()} of a plan",
        description=_DOC[kind] + " Each record carries its unit id, citation and character span.",
    )  # fmt: skip
    router.add_api_route(
        f"/plans/{{plan_id}}/{plural}.csv", as_csv, methods=["GET"], summary=f"{plural.title()} as CSV",
        response_class=Response,
    )  # fmt: skip


for _kind in KINDS:
    _add(_kind)


@router.get("/plans/{plan_id}/units/{eid}/extracted", summary="Every record extracted from one unit")
def unit_records(plan_id: str, eid: str, session: SessionDep) -> dict[str, Any]:
    rows = _rows(session, plan_id, None, eid)
    return {"data": rows, "count": len(rows)}
