"""Every URL of the Extraction pages, built here so that pages, templates and tests agree.

Example:
    >>> records_page("yrd-outline-2019", "project", type="railway")
    '/plans/yrd-outline-2019/projects?type=railway'
    >>> record_href("p", "target:chp_2__sec_4__para_2:112-133")
    '/plans/p/targets#target-chp_2__sec_4__para_2-112-133'
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from yrd.web import urls

# The page of each kind of record: /plans/{plan}/{plural}.
PLURAL: dict[str, str] = {
    "target": "targets",
    "fact": "facts",
    "place": "places",
    "project": "projects",
    "task": "tasks",
}


def _query(**params: str | None) -> str:
    args = {k: v for k, v in params.items() if v}
    return "?" + urlencode(args) if args else ""


def records_page(plan_id: str, kind: str, **params: str | None) -> str:
    """The page listing one kind of record; params are its filters (empty ones are left out)."""
    return f"/plans/{quote(plan_id)}/{PLURAL[kind]}" + _query(**params)


def api_records(plan_id: str, kind: str) -> str:
    """The JSON twin of a records page."""
    return f"/api/plans/{quote(plan_id)}/{PLURAL[kind]}"


def csv_records(plan_id: str, kind: str) -> str:
    return f"/api/plans/{quote(plan_id)}/{PLURAL[kind]}.csv"


def api_unit_records(plan_id: str, eid: str) -> str:
    return f"/api/plans/{quote(plan_id)}/units/{quote(eid)}/extracted"


def record_anchor(record_id: str) -> str:
    """The id of a record's row on its page: the record id with ':' made '-' (safe in CSS selectors)."""
    return record_id.replace(":", "-")


def record_href(plan_id: str, record_id: str) -> str:
    """A record's row on its page, from its id (``kind:eid:start-end``)."""
    kind = record_id.split(":", 1)[0]
    return records_page(plan_id, kind) + "#" + record_anchor(record_id)


def place_anchor(key: str) -> str:
    """The row of a place on the places page: a region code, a group code or an unresolved name."""
    return "pl-" + quote(key, safe="")


def place_href(plan_id: str, key: str) -> str:
    return records_page(plan_id, "place") + "#" + place_anchor(key)


def chapter_marks(plan_id: str, eid: str, marks: bool) -> str:
    """A chapter with its highlights switched on or off (the choice is remembered in a cookie)."""
    return urls.with_params(urls.chapter_page(plan_id, eid), marks="1" if marks else "0")
