"""Addresses of the 1+N pages and API: the policy library, a document, the review queue, coverage."""

from __future__ import annotations

from urllib.parse import quote, urlencode


def _query(path: str, params: dict[str, object]) -> str:
    shown = {k: str(v) for k, v in params.items() if v not in (None, "", False, 0)}
    return path + (f"?{urlencode(shown)}" if shown else "")


def library_page(**params: object) -> str:
    """The policy library; ``params`` are its search fields (q, issuer, relation, status, dates)."""
    return _query("/policies", params)


def policy_page(plan_id: str, **params: object) -> str:
    return _query(f"/policies/{quote(plan_id)}", params)


def edit_action(plan_id: str) -> str:
    return f"/policies/{quote(plan_id)}/edit"


def suggest_action(plan_id: str) -> str:
    return f"/policies/{quote(plan_id)}/suggest"


def review_page(policy: str = "", page: int = 1, **flash: object) -> str:
    return _query("/policies/review", {"policy": policy, "page": page if page > 1 else 0, **flash})


def decide_action(link_id: int) -> str:
    return f"/policies/links/{link_id}"


def coverage_page(**params: object) -> str:
    return _query("/policies/coverage", params)


def api_library(**params: object) -> str:
    return _query("/api/policies", params)


def api_policy(plan_id: str) -> str:
    return f"/api/policies/{quote(plan_id)}"


def api_links(plan_id: str) -> str:
    return f"/api/policies/{quote(plan_id)}/links"


def api_queue(policy: str = "") -> str:
    return _query("/api/policy-links/queue", {"policy": policy})


def api_coverage(fmt: str = "json", **params: object) -> str:
    """The coverage table as JSON, CSV or an Excel workbook."""
    suffix = "" if fmt == "json" else f".{fmt}"
    return _query(f"/api/coverage{suffix}", params)
