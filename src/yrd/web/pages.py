"""The HTML pages of the Documents capability: home, a plan's contents, reading, permalinks, search.

Each route reads through the library (`yrd.documents`), turns the result into plain values for a
template and renders it in the interface language of the request. Every page links its JSON twin
under ``/api`` with ``<link rel="alternate" type="application/json">``; every link comes from
`yrd.web.urls`. Strings shown to people are gettext messages: in templates through ``_()``, here
marked with ``N_()`` and translated when the template renders them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from babel.dates import format_date
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from yrd import __version__
from yrd.documents import store
from yrd.documents.citation import cite, plan_short_title, plan_style
from yrd.documents.locales import LOCALES
from yrd.documents.model import Plan, Unit
from yrd.documents.search import search as run_search
from yrd.errors import InputError, NotFoundError
from yrd.extract.pipeline import record_counts
from yrd.regions import store as regions_store
from yrd.web import (
    auth,
    i18n,
    records,
    urls,
    urls_evaluate,
    urls_extract,
    urls_policies,
    urls_regions,
    urls_stats,
    urls_supervise,
    urls_tasks,
)
from yrd.web.deps import SessionDep

router = APIRouter(include_in_schema=False)

VIEWS: dict[str, tuple[str, ...]] = {"zh": ("zh",), "en": ("en",), "both": ("zh", "en")}
VIEW_COOKIE = "yrd_view"
# Whether the reader highlights extracted records (?marks=1|0), remembered like the view.
MARKS_COOKIE = "yrd_marks"
COOKIE_MAX_AGE = 365 * 24 * 3600
PAGE_SIZE = 20
# The product's name in each language; both are shown in the header, so neither is a gettext message.
PRODUCT: dict[str, str] = {"zh": "长三角一体化监测评估系统", "en": "YRD Integration Monitor"}
# Each interface language is offered under its own name.
AUTONYM: dict[str, str] = {"zh": "中文", "en": "English"}

# What separates a lead phrase from the rest of its paragraph.
LEAD_SEPARATOR: dict[str, str] = {"zh": "", "en": " "}


def N_(message: str) -> str:
    """Mark a message for extraction; the template translates it when it renders."""
    return message


# ---------------------------------------------------------------------------------------------- helpers


def unit_label(unit: Unit, lang: str) -> str:
    """ "第五章" / "Chapter V": the number of a unit as the plan writes it."""
    return LOCALES.get(lang, LOCALES["zh"]).label(unit.kind, unit.num)


def unit_heading(unit: Unit, lang: str) -> str:
    """The heading of a unit in one language, without repeating its label ("前言" is both)."""
    heading = unit.heading.get(lang, "")
    return "" if heading == unit_label(unit, lang) else heading


def unit_name(unit: Unit, lang: str) -> str:
    """Label and heading in one language, falling back to the Chinese heading."""
    heading = unit_heading(unit, lang) or unit_heading(unit, "zh")
    return " ".join(part for part in (unit_label(unit, lang), heading) if part)


def has_text(unit: Unit, lang: str) -> bool:
    return bool(unit.text.get(lang) or unit.heading.get(lang))


def _short(plan: Plan, lang: str) -> str:
    return plan_short_title(plan.title, lang, plan_style(plan))


def plan_title(plan: Plan, lang: str) -> str:
    return plan.title.get(lang) or plan.title.get("zh") or plan.id


def nice_date(iso: str | None, ui: str) -> str:
    """A date written for the interface language ("2019年12月1日" / "1 December 2019")."""
    if not iso:
        return ""
    try:
        return format_date(date.fromisoformat(iso), "long", locale=i18n.BABEL_LOCALE[ui])
    except ValueError:
        return iso


@dataclass
class Doc:
    """A plan with the indexes the pages need: units by eId, each unit's parent, citations."""

    plan: Plan
    by_eid: dict[str, Unit] = field(default_factory=dict)
    parent: dict[str, Unit | None] = field(default_factory=dict)

    @classmethod
    def of(cls, plan: Plan) -> Doc:
        doc = cls(plan)

        def index(units: list[Unit], parent: Unit | None) -> None:
            for unit in units:
                doc.by_eid[unit.eid] = unit
                doc.parent[unit.eid] = parent
                index(unit.children, unit)

        index(plan.units, None)
        return doc

    def get(self, eid: str) -> Unit:
        """The unit with this eId.

        Raises:
            NotFoundError: the plan has no such unit.
        """
        unit = self.by_eid.get(eid)
        if unit is None:
            raise NotFoundError(f"plan {self.plan.id!r} has no unit {eid!r}")
        return unit

    def cite(self, eid: str, lang: str) -> str:
        return cite(eid, lang, _short(self.plan, lang), plan_style(self.plan))

    def ancestors(self, eid: str) -> list[Unit]:
        """The units that contain this one, outermost first."""
        out: list[Unit] = []
        parent = self.parent.get(eid)
        while parent is not None:
            out.insert(0, parent)
            parent = self.parent.get(parent.eid)
        return out

    def has_english(self) -> bool:
        return "en" in self.plan.langs


def _here(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def ui_lang(request: Request) -> str:
    """The interface language of this request."""
    settings = getattr(request.app.state, "settings", None)
    return i18n.negotiate(
        request.query_params.get("ui"),
        request.cookies.get(i18n.UI_COOKIE),
        request.headers.get("accept-language", ""),
        getattr(settings, "default_lang", i18n.DEFAULT_UI),
    )


def _set_cookie(response: HTMLResponse, name: str, value: str) -> None:
    response.set_cookie(name, value, max_age=COOKIE_MAX_AGE, path="/", samesite="lax")


def site_nav(path: str) -> list[dict[str, Any]]:
    """The header's links; ``current`` is the value of ``aria-current`` ("page" on the page itself,
    "true" inside its section) or None."""

    def here(href: str, inside: bool) -> str | None:
        return "page" if path == href else ("true" if inside else None)

    stats = path.startswith(("/indicators", "/statistics/")) or path.endswith("/statistics")
    supervision = path.startswith(("/tasks", "/reports", "/bodies", "/overdue"))
    evaluation = path.startswith(("/evaluation", "/methods", "/disparity/", "/index-composite"))
    return [
        {"name": N_("Regions"), "href": urls_regions.regions_page(),
         "current": here(urls_regions.regions_page(), False)},
        {"name": N_("Indicators"), "href": urls_stats.indicators_page(),
         "current": here(urls_stats.indicators_page(), stats)},
        {"name": N_("Evaluation"), "href": urls_evaluate.dashboard(),
         "current": here(urls_evaluate.dashboard(), evaluation)},
        {"name": N_("Map"), "href": urls_evaluate.map_page(),
         "current": here(urls_evaluate.map_page(), False)},
        {"name": N_("Report"), "href": "/report", "current": here("/report", False)},
        {"name": N_("Tasks"), "href": urls_tasks.tasks_board(),
         "current": here(urls_tasks.tasks_board(), supervision)},
        {"name": N_("Projects"), "href": urls_tasks.projects_register(),
         "current": here(urls_tasks.projects_register(), path.startswith("/projects/"))},
        {"name": N_("Policies"), "href": urls_policies.library_page(),
         "current": here(urls_policies.library_page(), path.startswith("/policies/"))},
    ]  # fmt: skip


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    json_href: str | None = None,
    cookies: dict[str, str] | None = None,
) -> HTMLResponse:
    """A page in the interface language of the request, with the shared header's values filled in."""
    ui = ui_lang(request)
    other = next(lang for lang in i18n.UI_LANGS if lang != ui)
    here = _here(request)
    values: dict[str, Any] = {
        "ui": ui,
        "html_lang": i18n.HTML_LANG,
        "product": PRODUCT[ui],
        "product_other": PRODUCT[other],
        "product_other_lang": other,
        "ui_links": [
            {
                "lang": lang,
                "name": AUTONYM[lang],
                "href": urls.with_params(here, ui=lang),
                "current": lang == ui,
            }
            for lang in i18n.UI_LANGS
        ],
        "json_href": json_href,
        "urls": urls,
        "site_nav": site_nav(request.url.path),
        "version": __version__,
        "header_q": "",
        "me": auth.viewer(request),
        "csrf_token": auth.csrf_token(request),
        "account_urls": urls_supervise,
        "here": urls_supervise.local_path(request),
        **context,
    }
    response = HTMLResponse(i18n.environment(ui).get_template(template).render(values), status_code=status)
    if request.query_params.get("ui") in i18n.UI_LANGS:
        _set_cookie(response, i18n.UI_COOKIE, ui)
    for name, value in (cookies or {}).items():
        _set_cookie(response, name, value)
    return response


ERROR_TITLES: dict[int, str] = {
    400: N_("This request cannot be answered"),
    401: N_("Please log in"),
    403: N_("Not allowed"),
    404: N_("Page not found"),
    409: N_("Changed in the meantime"),
    422: N_("Some parameters are not valid"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong"),
}


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """The HTML page for an error, in the interface language; the message is shown escaped."""
    title = ERROR_TITLES.get(status, N_("Error"))
    return render(
        request, "error.html", {"status": status, "title": title, "message": message}, status=status
    )


# ---------------------------------------------------------------------------------------------- pages


def _record_links(session: Any, plan_id: str) -> list[dict[str, Any]]:
    """Each kind of extracted record with its count and page, for the home and contents pages."""
    counts = record_counts(session, plan_id)
    return [{"kind": k, "count": n, "href": urls_extract.records_page(plan_id, k)} for k, n in counts.items()]


def _plan_summary(session: Any, row: Any, ui: str) -> dict[str, Any]:
    plan = store.plan_from_row(row)
    return {
        "id": row.id,
        "title": plan_title(plan, ui),
        "title_zh": plan.title.get("zh", ""),
        "title_en": plan.title.get("en", ""),
        "date": nice_date(row.date, ui),
        "issuer": plan.issuer.get(ui) or plan.issuer.get("zh", ""),
        "langs": plan.langs,
        "counts": store.unit_counts(session, row.id),
        "href": urls.plan_page(row.id),
        "warnings": len(plan.warnings),
        "records": _record_links(session, row.id),
    }


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep) -> HTMLResponse:
    """What this is, the loaded plans and a search box."""
    ui = ui_lang(request)
    plans = [_plan_summary(session, row, ui) for row in store.list_plans(session)]
    examples = [("城际铁路", ""), ("生态绿色", ""), ("示范区", ""), ("innovation", "en")]
    return render(
        request,
        "home.html",
        {"plans": plans, "examples": [(q, urls.search_page(q, lang=lang)) for q, lang in examples]},
        json_href=urls.api_plans(),
    )


def _names(unit: Unit) -> dict[str, str]:
    """A unit's label and heading in both languages, as the contents list shows them."""
    return {f"{part}_{lang}": fn(unit, lang) for lang in ("zh", "en") for part, fn in
            (("label", unit_label), ("heading", unit_heading))}  # fmt: skip


def _contents(doc: Doc) -> list[dict[str, Any]]:
    """The top-level units of a plan with their sections, for the contents page."""
    out = []
    for unit in doc.plan.units:
        sections = [
            {"eid": child.eid, "href": urls.unit_page(doc.plan.id, child.eid), **_names(child)}
            for child in unit.children
            if child.kind != "paragraph"
        ]
        paragraphs = sum(1 for u in unit.walk() if u.kind == "paragraph")
        href = urls.chapter_page(doc.plan.id, unit.eid)
        out.append(
            {"eid": unit.eid, "kind": unit.kind, "href": href, "sections": sections, "paragraphs": paragraphs}
            | _names(unit)
        )
    return out


@router.get("/plans/{plan_id}", response_class=HTMLResponse)
def plan_page(request: Request, plan_id: str, session: SessionDep) -> HTMLResponse:
    """A plan's contents page: what it is, its preamble, its chapters and sections, downloads."""
    ui = ui_lang(request)
    doc = Doc.of(store.load_plan(session, plan_id))
    plan = doc.plan
    preamble = next((u for u in plan.units if u.kind == "preamble"), None)
    preamble_lang = ui if preamble is not None and any(has_text(u, ui) for u in preamble.children) else "zh"
    context = {
        "plan": plan,
        "title": plan_title(plan, ui),
        "subtitle": plan.title.get("en" if ui == "zh" else "zh", ""),
        "subtitle_lang": "en" if ui == "zh" else "zh",
        "date": nice_date(plan.date, ui),
        "issuer": plan.issuer.get(ui) or plan.issuer.get("zh", ""),
        "counts": store.unit_counts(session, plan_id),
        "records": _record_links(session, plan_id),
        "regions_href": urls_regions.regions_page(),
        "n_cities": len(regions_store.list_regions(session, level="prefecture")),
        "contents": _contents(doc),
        "preamble": preamble,
        "preamble_lang": preamble_lang,
        "preamble_href": urls.chapter_page(plan_id, preamble.eid) if preamble else None,
        "sources": store.sources_of(session, plan_id),
        "warnings": plan.problems,
        "first_href": urls.chapter_page(plan_id, plan.units[0].eid) if plan.units else None,
        "lead_sep": LEAD_SEPARATOR,
    }
    return render(request, "plan.html", context, json_href=urls.api_plan(plan_id))


def _view_of(request: Request, doc: Doc, asked: str | None) -> tuple[str, str, dict[str, str]]:
    """(requested view, view shown, cookies to set): ?view= wins and is remembered, then the cookie."""
    cookies = {}
    if asked in VIEWS:
        cookies[VIEW_COOKIE] = asked
        wanted = asked
    else:
        remembered = request.cookies.get(VIEW_COOKIE)
        wanted = remembered if remembered in VIEWS else ("both" if doc.has_english() else "zh")
    shown = wanted if doc.has_english() else "zh"
    return wanted, shown, cookies  # type: ignore[return-value]


def _gist(unit: Unit, ui: str) -> str:
    """What a unit is about in a few words: its heading, or a paragraph's lead phrase."""
    if unit.kind != "paragraph":
        return unit_name(unit, ui)
    return unit.lead.get(ui) or unit.lead.get("zh", "")


@router.get("/plans/{plan_id}/units/{eid}", response_class=HTMLResponse)
def unit_permalink(request: Request, plan_id: str, eid: str, session: SessionDep) -> HTMLResponse:
    """The permalink page of one unit: its citations, where it sits, its text in both languages,
    its published comments and the comment form."""
    from yrd.web import pages_comments  # it builds on this module

    doc = Doc.of(store.load_plan(session, plan_id))
    unit = doc.get(eid)
    ui = ui_lang(request)
    trail = doc.ancestors(eid)
    same_kind = [u for u in doc.plan.walk() if u.kind == unit.kind]
    index = same_kind.index(unit)
    neighbours = {
        "prev": same_kind[index - 1] if index > 0 else None,
        "next": same_kind[index + 1] if index + 1 < len(same_kind) else None,
    }
    context = {
        "plan": doc.plan,
        "plan_title": plan_title(doc.plan, ui),
        "unit": unit,
        "trail": [{"name": unit_name(u, ui), "href": urls.unit_page(plan_id, u.eid)} for u in trail],
        "name": unit_name(unit, ui) if unit.kind != "paragraph" else doc.cite(eid, ui),
        "citations": [{"lang": lang, "text": doc.cite(eid, lang)} for lang in ("zh", "en")],
        "langs": ("zh", "en"),
        "context_href": urls.unit_page(plan_id, eid),
        "neighbours": {
            key: {"href": urls.permalink(plan_id, u.eid), "name": doc.cite(u.eid, ui)} if u else None
            for key, u in neighbours.items()
        },
        "children": [
            {"href": urls.permalink(plan_id, c.eid), "cite": doc.cite(c.eid, ui), "name": _gist(c, ui)}
            for c in unit.children
        ],
        "unit_label": unit_label,
        "unit_heading": unit_heading,
        "lead_sep": LEAD_SEPARATOR,
        "comments": pages_comments.comment_context(session, "unit", eid, plan_id=plan_id),
        "comment_notice": pages_comments.comment_notice(request),
    }
    return render(request, "unit.html", context, json_href=urls.api_unit(plan_id, eid))


def _marks_of(request: Request, asked: str | None, cookies: dict[str, str]) -> bool:
    """Whether to highlight records: ?marks= wins and is remembered, then the cookie; on by default."""
    if asked in ("0", "1"):
        cookies[MARKS_COOKIE] = asked
        return asked == "1"
    return request.cookies.get(MARKS_COOKIE) != "0"


@router.get("/plans/{plan_id}/{top_eid}", response_class=HTMLResponse, response_model=None)
def chapter_page(
    request: Request,
    plan_id: str,
    top_eid: str,
    session: SessionDep,
    view: str | None = None,
    marks: str | None = None,
) -> HTMLResponse | RedirectResponse:
    """A chapter (or the preamble, or the news lead) to read in Chinese, English or side by side,
    with the places, projects, targets and facts found in its Chinese text highlighted."""
    from yrd.web import pages_extract  # it builds on this module

    doc = Doc.of(store.load_plan(session, plan_id))
    unit = doc.get(top_eid)
    if doc.parent.get(top_eid) is not None:
        return RedirectResponse(urls.unit_page(plan_id, top_eid), status_code=307)
    ui = ui_lang(request)
    wanted, shown, cookies = _view_of(request, doc, view)
    marks_on = _marks_of(request, marks, cookies)
    highlights = pages_extract.reader_marks(session, plan_id, unit) if marks_on else {}
    tops = doc.plan.units
    index = tops.index(unit)

    def nav(u: Unit | None) -> dict[str, str] | None:
        return {"href": urls.chapter_page(plan_id, u.eid), "name": unit_name(u, ui)} if u else None

    context = {
        "plan": doc.plan,
        "plan_title": plan_title(doc.plan, ui),
        "unit": unit,
        "name": unit_name(unit, ui),
        "view": shown,
        "wanted": wanted,
        "langs": VIEWS[shown],
        "views": [
            {
                "key": key,
                "href": urls.chapter_page(plan_id, top_eid, key),
                "current": key == shown,
                "enabled": key == "zh" or doc.has_english(),
            }
            for key in VIEWS
        ],
        "prev": nav(tops[index - 1] if index > 0 else None),
        "next": nav(tops[index + 1] if index + 1 < len(tops) else None),
        "sections": [
            {"href": f"#{c.eid}", "name": unit_name(c, ui)} for c in unit.children if c.kind != "paragraph"
        ],
        "cite": doc.cite,
        "permalink": lambda eid: urls.permalink(plan_id, eid),
        "unit_label": unit_label,
        "unit_heading": unit_heading,
        "lead_sep": LEAD_SEPARATOR,
        "copy_lang": shown if shown != "both" else ui,
        "marks_on": marks_on,
        "highlights": highlights,
        "marks_kinds": records.kinds_of(highlights),
        "marks_toggle": urls_extract.chapter_marks(plan_id, top_eid, not marks_on),
    }
    return render(
        request, "chapter.html", context, json_href=urls.api_unit(plan_id, top_eid), cookies=cookies
    )


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    session: SessionDep,
    q: str = "",
    plan: str = "",
    lang: str = "",
    page: int = Query(1, ge=1, le=10_000),
) -> HTMLResponse:
    """Ranked hits with highlighted snippets, each linking to its unit in place."""
    ui = ui_lang(request)
    q = q.strip()
    lang = lang if lang in ("zh", "en") else ""
    rows = store.list_plans(session)
    plan = plan if any(r.id == plan for r in rows) else ""
    context: dict[str, Any] = {
        "q": q,
        "header_q": q,
        "plan_filter": plan,
        "lang_filter": lang,
        "plans": [
            {"id": r.id, "title": r.title_en if ui == "en" and r.title_en else r.title_zh} for r in rows
        ],
        "hits": [],
        "total": 0,
        "error": None,
        "pages": [],
        "lang_counts": [],
    }
    status = 200
    if q:
        try:
            results = run_search(
                session,
                q,
                plan_id=plan or None,
                lang=lang or None,
                limit=PAGE_SIZE,
                offset=(page - 1) * PAGE_SIZE,
            )
        except InputError as exc:
            context["error"] = str(exc)
            status = 400
        else:
            context.update(_results(session, results, q, plan, lang, page, ui))
    json_href = urls.api_search(q, plan=plan, lang=lang) if q else urls.api_plans()
    return render(request, "search.html", context, status=status, json_href=json_href)


def _results(session: Any, results: Any, q: str, plan: str, lang: str, page: int, ui: str) -> dict[str, Any]:
    docs: dict[str, Doc] = {}
    hits = []
    for hit in results.hits:
        if hit.plan_id not in docs:
            docs[hit.plan_id] = Doc.of(store.load_plan(session, hit.plan_id))
        doc = docs[hit.plan_id]
        unit = doc.by_eid.get(hit.eid)
        trail = [unit_name(u, hit.lang) for u in doc.ancestors(hit.eid)] if unit else []
        in_place = urls.unit_page(hit.plan_id, hit.eid)
        if hit.lang == "en":
            in_place = urls.with_params(in_place, view="both")
        hits.append(
            {"citation": hit.citation, "lang": hit.lang, "href": in_place,
             "permalink": urls.permalink(hit.plan_id, hit.eid), "trail": trail,
             "heading": unit_name(unit, hit.lang) if unit is not None and unit.kind != "paragraph" else "",
             "snippet_html": hit.snippet_html, "plan_title": plan_title(doc.plan, ui)}
        )  # fmt: skip
    total = results.total
    last = max(1, math.ceil(total / PAGE_SIZE))
    window = range(max(1, page - 3), min(last, page + 3) + 1)
    pages = [{"n": n, "href": urls.search_page(q, plan=plan, lang=lang, page=str(n)), "current": n == page}
             for n in window]  # fmt: skip
    lang_counts = []
    for code, name in (("", N_("All languages")), ("zh", N_("Chinese")), ("en", N_("English"))):
        count = (
            total
            if code == lang
            else run_search(session, q, plan_id=plan or None, lang=code or None, limit=0).total
        )
        lang_counts.append(
            {
                "name": name,
                "count": count,
                "current": code == lang,
                "href": urls.search_page(q, plan=plan, lang=code),
            }
        )
    return {
        "hits": hits,
        "total": total,
        "page": page,
        "last": last,
        "first_n": (page - 1) * PAGE_SIZE + 1,
        "last_n": (page - 1) * PAGE_SIZE + len(hits),
        "pages": pages if last > 1 else [],
        "prev_href": urls.search_page(q, plan=plan, lang=lang, page=str(page - 1)) if page > 1 else None,
        "next_href": urls.search_page(q, plan=plan, lang=lang, page=str(page + 1)) if page < last else None,
        "lang_counts": lang_counts,
        "multi_plan": len(docs) > 1,
    }
