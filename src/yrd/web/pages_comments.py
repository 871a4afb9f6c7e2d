"""Pages of public comments: the form every commentable page carries, and the moderation queue.

Pages of units, targets, tasks and projects show their published comments and the form through the
``comments`` macro of ``_comments.html``, fed by `comment_context` and `comment_notice`. The form posts
to ``/comments``, which goes back to the page it came from (a local path only: no open redirect) with
``?commented=1`` (waiting for moderation) or ``?commented=2`` (shown at once). Every check of who may
do what is the library's (`yrd.supervise.comments`); every user-typed string reaches the templates as
plain text and is escaped there.
"""

from __future__ import annotations

import math
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from yrd.errors import ConflictError, InputError, NotFoundError, ThrottledError, YrdError
from yrd.supervise import comments
from yrd.supervise.roles import Principal
from yrd.web import urls, urls_extract
from yrd.web.auth import ActorDep, client_key, requires
from yrd.web.deps import DatabaseDep, RecordId, SessionDep
from yrd.web.pages import render
from yrd.web.urls_supervise import safe_next

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 20
# What ?commented= says after a post: the comment waits for moderation, or it is shown already.
COMMENTED = {"1": "pending", "2": "published"}
# What the form page says about each kind of failure (the library's message is shown beside it).
FAILURES: dict[type[YrdError], tuple[str, int]] = {
    ThrottledError: ("throttled", 429),
    NotFoundError: ("not_found", 404),
    InputError: ("invalid", 400),
}


# ------------------------------------------------------------------------------------------ addresses


def post_action() -> str:
    """Where the comment form posts."""
    return "/comments"


def moderation_page(status: str = "pending", page: int = 1, **flash: str) -> str:
    query = {"status": status} if status != "pending" else {}
    query |= {"page": str(page)} if page > 1 else {}
    query |= flash
    return "/moderation" + (f"?{urlencode(query)}" if query else "")


def api_queue(status: str = "pending") -> str:
    """The JSON twin of the moderation page."""
    return "/api/comments/queue" + (f"?{urlencode({'status': status})}" if status != "pending" else "")


def moderate_action(comment_id: int) -> str:
    return f"/moderation/{comment_id}"


def subject_href(subject_kind: str, subject_id: str, plan_id: str | None) -> str | None:
    """The page that shows a comment's subject (a unit's permalink, a record's row on its plan's page)."""
    if not plan_id:
        return None
    if subject_kind == "unit":
        return urls.permalink(plan_id, subject_id)
    if subject_kind == "target":
        return urls_extract.record_href(plan_id, subject_id)
    if subject_kind in ("task", "project"):
        return urls_extract.records_page(plan_id, subject_kind)
    return None


def _back(next_path: str, **params: str) -> str:
    """``next`` with the flash parameters set, scrolled to the comments."""
    parts = urlsplit(urls.with_params(next_path, **params))
    return urlunsplit(("", "", parts.path, parts.query, "comments"))


# ------------------------------------------------------------------------------------- for other pages


def comment_context(
    session: Session, subject_kind: str, subject_id: str, *, plan_id: str | None = None
) -> list[dict[str, Any]]:
    """The published comments on a subject, ready for the ``comments`` macro (oldest first).

    Pass ``plan_id`` for units: two plans may share an eId.
    """
    return [
        {
            "id": c.id,
            "author": c.author_name,
            "text": c.text,
            "lines": c.text.split("\n"),
            "created": f"{c.created_at:%Y-%m-%d %H:%M}",
            "created_iso": c.created_at.isoformat(timespec="seconds"),
        }
        for c in comments.published(session, subject_kind, subject_id, plan_id)
    ]


def comment_notice(request: Request) -> str | None:
    """What to tell the visitor after posting: "pending" or "published" (from ``?commented=``); never
    the query's own text, so nothing a link carries is echoed into the page."""
    return COMMENTED.get(request.query_params.get("commented", ""))


# ---------------------------------------------------------------------------------------------- posting


@router.post("/comments", response_class=HTMLResponse, response_model=None)
def post_comment(
    request: Request,
    db: DatabaseDep,
    actor: ActorDep,  # also checks the form's CSRF token
    subject_kind: Annotated[str, Form(max_length=16)],
    subject_id: Annotated[str, Form(max_length=200)],
    plan_id: Annotated[str, Form(max_length=64)] = "",
    text: Annotated[str, Form(max_length=4 * comments.TEXT_MAX)] = "",
    author_name: Annotated[str, Form(max_length=4 * comments.NAME_MAX)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> HTMLResponse | RedirectResponse:
    """Post from a page's comment form; back to that page, or the form again with what went wrong."""
    home = subject_href(subject_kind, subject_id, plan_id) or urls.home()
    back = safe_next(next, home)
    try:
        comment = comments.post_comment(db, actor, subject_kind=subject_kind, subject_id=subject_id,
                                        plan_id=plan_id or None, text=text, author_name=author_name,
                                        client=client_key(request))  # fmt: skip
    except (ThrottledError, NotFoundError, InputError) as exc:
        failure, status = failure_of(exc)
        context = {
            "failure": failure,
            "message": str(exc),
            "retry_minutes": math.ceil(exc.retry_after / 60) if isinstance(exc, ThrottledError) else 0,
            "subject": {"kind": subject_kind, "id": subject_id, "plan_id": plan_id},
            "draft": {"text": text, "author_name": author_name},
            "back": back,
        }
        response = render(request, "comment_form.html", context, status=status)
        if isinstance(exc, ThrottledError):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    flash = "2" if comment.status == "published" else "1"
    return RedirectResponse(_back(back, commented=flash), status_code=303)


def failure_of(exc: YrdError) -> tuple[str, int]:
    """The kind of failure (for the page's message) and the HTTP status of a refused comment."""
    return next(found for cls, found in FAILURES.items() if isinstance(exc, cls))


# ------------------------------------------------------------------------------------------- moderation


def _moderation(
    request: Request,
    session: Session,
    status: str,
    page: int,
    *,
    error: str | None = None,
    http_status: int = 200,
) -> HTMLResponse:
    counts = comments.counts(session)
    last = max(1, math.ceil(counts[status] / PAGE_SIZE))
    page = min(page, last)
    found = comments.queue(session, status, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    accounts = comments.usernames(session, {i for c in found for i in (c.user_id, c.moderator_id) if i})
    items = [
        {
            "id": c.id,
            "kind": c.subject_kind,
            "subject_id": c.subject_id,
            "plan_id": c.plan_id,
            "subject_href": subject_href(c.subject_kind, c.subject_id, c.plan_id),
            "author": c.author_name,
            "account": accounts.get(c.user_id) if c.user_id else None,
            "lines": c.text.split("\n"),
            "status": c.status,
            "created": f"{c.created_at:%Y-%m-%d %H:%M}",
            "created_iso": c.created_at.isoformat(timespec="seconds"),
            "moderator": accounts.get(c.moderator_id) if c.moderator_id else None,
            "moderated": f"{c.moderated_at:%Y-%m-%d %H:%M}" if c.moderated_at else "",
            "note": c.moderation_note,
            "version": c.version,
            "action": moderate_action(c.id),
        }
        for c in found
    ]
    moderated = request.query_params.get("moderated")
    done = request.query_params.get("done", "")
    context = {
        "status": status,
        "tabs": [
            {"status": s, "count": counts[s], "href": moderation_page(s), "current": s == status}
            for s in comments.STATUSES
        ],
        "items": items,
        "page": page,
        "last": last,
        "prev_href": moderation_page(status, page - 1) if page > 1 else None,
        "next_href": moderation_page(status, page + 1) if page < last else None,
        # Only known words and a number come from the query into the page.
        "flash": moderated if moderated in comments.DECISIONS else None,
        "flash_id": int(done) if done.isdigit() and len(done) < 12 else None,
        "error": error,
        "text_max": comments.TEXT_MAX,
        "note_max": comments.NOTE_MAX,
    }
    return render(request, "moderation.html", context, status=http_status, json_href=api_queue(status))


@router.get("/moderation", response_class=HTMLResponse)
def moderation(
    request: Request,
    session: SessionDep,
    _actor: Annotated[Principal, requires("comment:moderate")],
    status: str = "pending",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """The comments waiting for a decision (or those published or rejected), with a form for each."""
    return _moderation(request, session, status if status in comments.STATUSES else "pending", page)


@router.post("/moderation/{comment_id}", response_class=HTMLResponse, response_model=None)
def moderate(
    request: Request,
    db: DatabaseDep,
    comment_id: RecordId,
    actor: Annotated[Principal, requires("comment:moderate")],  # also checks the CSRF token
    decision: Annotated[str, Form(max_length=16)],
    version: Annotated[int, Form(ge=1)],
    note: Annotated[str, Form(max_length=4 * comments.NOTE_MAX)] = "",
    status: Annotated[str, Form(max_length=16)] = "pending",
    page: Annotated[int, Form(ge=1, le=100_000)] = 1,
) -> HTMLResponse | RedirectResponse:
    """Decide on one comment; back to the same tab, or the queue again saying why it was refused."""
    status = status if status in comments.STATUSES else "pending"
    try:
        comments.moderate(db, actor, comment_id, decision=decision, note=note, version=version)
    except (ConflictError, InputError, NotFoundError) as exc:
        code = 409 if isinstance(exc, ConflictError) else 404 if isinstance(exc, NotFoundError) else 400
        with db.read() as session:
            return _moderation(request, session, status, page, error=str(exc), http_status=code)
    url = moderation_page(status, page, moderated=decision, done=str(comment_id))
    return RedirectResponse(url, status_code=303)
