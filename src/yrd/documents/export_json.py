"""JSON export of a plan tree: everything a reader of the plan needs, in one self-describing object.

The shape is described, field by field, by ``docs/plan.schema.json`` (JSON Schema 2020-12); change
both together. Per-language objects (``heading``, ``lead``, ``text``, ``sentences``) hold only the
languages a unit has, so a missing key is a gap in that language; ``citation`` is always given in
Chinese and English because it is computed from the eId, not taken from the text.
"""

from __future__ import annotations

import json
from typing import Any

from yrd.documents.akn import expression_uri, work_uri
from yrd.documents.citation import cite, plan_short_title, plan_style
from yrd.documents.locales import LOCALES
from yrd.documents.model import LANGS, Plan, Problem, TocEntry, Unit
from yrd.errors import InputError

__all__ = ["FORMAT", "plan_to_dict", "plan_to_json"]

FORMAT = "yrd-plan/1"


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The whole plan as plain JSON-ready data (see ``docs/plan.schema.json``)."""
    shorts = _shorts(plan)
    work, expressions = _uris(plan)
    return {
        "format": FORMAT,
        "id": plan.id,
        "title": dict(plan.title),
        "short_title": shorts,
        "date": plan.date,
        "issuer": dict(plan.issuer),
        "languages": list(plan.langs),
        "frbr_uri": work,
        "expression_uris": expressions,
        "toc": [_toc_entry(e) for e in plan.toc],
        "problems": [_problem(p) for p in plan.problems],
        "units": [_unit(u, shorts, plan_style(plan)) for u in plan.units],
    }


def plan_to_json(plan: Plan, indent: int | None = 2) -> str:
    """The export as JSON text; Chinese stays readable (no ``\\u`` escapes). Write it as UTF-8."""
    return json.dumps(plan_to_dict(plan), ensure_ascii=False, indent=indent)


def unit_to_dict(unit: Unit, plan: Plan) -> dict[str, Any]:
    """One unit (with its children) in the export's shape, citations using the plan's short title."""
    return _unit(unit, _shorts(plan), plan_style(plan))


def _shorts(plan: Plan) -> dict[str, str]:
    """The short title per language, in the plan's citation style (a follow-up document's own title)."""
    style = plan_style(plan)
    return {lang: plan_short_title(plan.title, lang, style) for lang in LANGS}


def _unit(unit: Unit, shorts: dict[str, str], style: str = "outline") -> dict[str, Any]:
    return {
        "id": unit.eid,
        "kind": unit.kind,
        "num": unit.num,
        "line": unit.line,
        "citation": {lang: cite(unit.eid, lang, shorts[lang], style) for lang in LANGS},
        "heading": dict(unit.heading),
        "lead": dict(unit.lead),
        "text": dict(unit.text),
        "sentences": {lang: LOCALES[lang].sentences(text) for lang, text in unit.text.items()},
        "align_score": unit.align_score,
        "children": [_unit(c, shorts, style) for c in unit.children],
    }


def _toc_entry(entry: TocEntry) -> dict[str, Any]:
    return {"kind": entry.kind, "num": entry.num, "title": entry.title, "line": entry.line}


def _problem(problem: Problem) -> dict[str, Any]:
    return {
        "level": problem.level,
        "message": problem.message,
        "line": problem.line,
        "column": problem.column,
        "source": problem.source,
    }


def _uris(plan: Plan) -> tuple[str | None, dict[str, str]]:
    """The work and expression URIs; none while the plan lacks the id or date they are built from."""
    try:
        return work_uri(plan), {lang: expression_uri(plan, lang) for lang in plan.langs}
    except InputError:
        return None, {}
