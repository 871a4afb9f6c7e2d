"""Every URL the app links to is built here, so pages, API and tests agree."""

from __future__ import annotations

from urllib.parse import quote, urlencode


def home() -> str:
    return "/"


def plan_page(plan_id: str) -> str:
    return f"/plans/{quote(plan_id)}"


def unit_page(plan_id: str, eid: str) -> str:
    """The page that shows a unit in place: a chapter's page, with the unit's anchor."""
    chapter = chapter_of(eid)
    if chapter is None or chapter == eid:
        return f"/plans/{quote(plan_id)}/{quote(eid)}"
    return f"/plans/{quote(plan_id)}/{quote(chapter)}#{quote(eid)}"


def permalink(plan_id: str, eid: str) -> str:
    """The stable address of one unit (its page redirects nowhere; it shows the unit)."""
    return f"/plans/{quote(plan_id)}/units/{quote(eid)}"


def chapter_of(eid: str) -> str | None:
    """The eId of the top-level container (chapter, preamble, front matter) that holds a unit."""
    parts = eid.split("__")
    for i, part in enumerate(parts):
        if part.startswith(("chp_", "preface", "intro")):
            return "__".join(parts[: i + 1])
    return parts[0] if parts else None


def search_page(query: str = "", **params: str) -> str:
    args = {"q": query, **{k: v for k, v in params.items() if v}}
    return "/search?" + urlencode(args) if query else "/search"


def api_plans() -> str:
    return "/api/plans"


def api_plan(plan_id: str) -> str:
    return f"/api/plans/{quote(plan_id)}"


def api_tree(plan_id: str) -> str:
    return f"/api/plans/{quote(plan_id)}/tree"


def api_unit(plan_id: str, eid: str) -> str:
    return f"/api/plans/{quote(plan_id)}/units/{quote(eid)}"


def api_search(query: str, **params: str) -> str:
    return "/api/search?" + urlencode({"q": query, **{k: v for k, v in params.items() if v}})


def export(plan_id: str, fmt: str) -> str:
    """Download of a whole plan: fmt is json or akn (a zip of one XML per language)."""
    return f"/api/plans/{quote(plan_id)}/export.{'json' if fmt == 'json' else 'akn.zip'}"


def static(path: str) -> str:
    """A static asset, with the version in the query so a new release is not served from cache."""
    from yrd import __version__

    return f"/static/{quote(path)}?v={quote(__version__)}"


def with_params(url: str, **params: str | None) -> str:
    """The same URL with some query parameters set (or dropped when None), keeping the others and the anchor.

    Example:
        >>> with_params("/plans/p/chp_5?view=zh#chp_5__para_1", ui="en")
        '/plans/p/chp_5?view=zh&ui=en#chp_5__para_1'
    """
    from urllib.parse import parse_qsl, urlsplit, urlunsplit

    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    for key, value in params.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return urlunsplit(("", "", parts.path, urlencode(query), parts.fragment))


def chapter_page(plan_id: str, eid: str, view: str | None = None) -> str:
    """A top-level unit's reading page, optionally in a given view (zh, en or both)."""
    url = f"/plans/{quote(plan_id)}/{quote(eid)}"
    return with_params(url, view=view) if view else url
