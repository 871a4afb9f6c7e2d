"""Pages of accounts: log in and out, one's account and API tokens, the admin's user list, the audit log.

Every form posts with the page's CSRF token (checked by `auth.current_actor`); every check of who may
do what is the library's (`yrd.supervise.accounts`), so these pages only hide what it would refuse.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from yrd.errors import AuthError, InputError, ThrottledError, YrdError
from yrd.supervise import accounts, audit
from yrd.supervise.bodies import body_name
from yrd.supervise.roles import GRANTS, PERMISSIONS, ROLES, Principal
from yrd.web import urls_supervise as urls
from yrd.web.auth import ActorDep, clear_session, client_key, requires, set_session, viewer
from yrd.web.deps import DatabaseDep, RecordId, SessionDep
from yrd.web.pages import N_, render

router = APIRouter(include_in_schema=False)

ROLE_NAMES = {
    "admin": N_("Administrator"),
    "coordinator": N_("Coordinator"),
    "reporter": N_("Reporter"),
    "analyst": N_("Analyst"),
    "public": N_("Public"),
}


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> HTMLResponse:
    me = viewer(request)
    return render(
        request,
        "login.html",
        {"next": urls.safe_next(next), "already": me.authenticated, "error": None, "username": ""},
    )


@router.post("/login", response_class=HTMLResponse)
def login_submit(
    request: Request,
    db: DatabaseDep,
    _actor: ActorDep,  # checks the CSRF token of the login form (no login CSRF)
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
):  # type: ignore[no-untyped-def]
    try:
        _user, token = accounts.login(db, username, password, client=client_key(request))
    except (AuthError, ThrottledError) as exc:
        status = 429 if isinstance(exc, ThrottledError) else 401
        response = render(
            request,
            "login.html",
            {"next": urls.safe_next(next), "already": False, "error": str(exc), "username": username},
            status=status,
        )
        if isinstance(exc, ThrottledError):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    old = request.cookies.get("yrd_session")
    if old:
        accounts.logout(db, old)
    response = _see_other(urls.safe_next(next))
    set_session(response, request, token)
    return response


@router.post("/logout")
def logout(request: Request, db: DatabaseDep, _actor: ActorDep) -> RedirectResponse:
    token = request.cookies.get("yrd_session")
    if token:
        accounts.logout(db, token)
    response = _see_other("/")
    clear_session(response)
    return response


def _account(request: Request, session, actor, **extra) -> HTMLResponse:  # type: ignore[no-untyped-def]
    user = accounts.get_user(session, actor.username)
    tokens = accounts.list_tokens(session, actor, actor.username)
    context = {
        "user": user,
        "role_name": ROLE_NAMES[user.role],
        "bodies": [(b, body_name(b, "zh"), body_name(b, "en")) for b in user.bodies],
        "permissions": sorted(GRANTS[user.role]),
        "descriptions": PERMISSIONS,
        "tokens": tokens,
        "new_token": None,
        "error": None,
        "done": request.query_params.get("done"),
        **extra,
    }
    return render(request, "account.html", context, status=400 if context["error"] else 200)


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, session: SessionDep) -> HTMLResponse:
    actor = viewer(request)
    if not actor.authenticated or actor.user_id is None:
        raise AuthError("log in to see your account")
    return _account(request, session, actor)


@router.post("/account/password", response_class=HTMLResponse)
def change_password(
    request: Request,
    db: DatabaseDep,
    actor: Annotated[Principal, requires("account:tokens")],
    current: Annotated[str, Form(max_length=1024)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
):  # type: ignore[no-untyped-def]
    try:
        accounts.set_password(db, actor, actor.username, password, current=current)
    except (InputError, AuthError) as exc:
        with db.read() as session:
            return _account(request, session, actor, error=str(exc))
    # every session ended with the change: log this browser in again at once
    _user, token = accounts.login(db, actor.username, password, client=client_key(request))
    response = _see_other(urls.account_page() + "?done=password")
    set_session(response, request, token)
    return response


@router.post("/account/tokens", response_class=HTMLResponse)
def create_token(
    request: Request,
    db: DatabaseDep,
    actor: Annotated[Principal, requires("account:tokens")],
    name: Annotated[str, Form(max_length=120)] = "",
    scopes: Annotated[list[str] | None, Form()] = None,
    expires_days: Annotated[int | None, Form(ge=1, le=3650)] = None,
) -> HTMLResponse:
    try:
        token, secret = accounts.create_token(
            db, actor, actor.username, name=name, scopes=scopes or None, expires_days=expires_days
        )
    except YrdError as exc:
        with db.read() as session:
            return _account(request, session, actor, error=str(exc))
    with db.read() as session:
        return _account(request, session, actor, new_token={"token": token, "secret": secret})


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(
    db: DatabaseDep, token_id: RecordId, actor: Annotated[Principal, requires("account:tokens")]
) -> RedirectResponse:
    accounts.revoke_token(db, actor, token_id)
    return _see_other(urls.account_page() + "?done=revoked")


# ------------------------------------------------------------------------------------------ admin


def _users(request: Request, session, **extra) -> HTMLResponse:  # type: ignore[no-untyped-def]
    context = {
        "users": accounts.list_users(session),
        "roles": ROLES,
        "role_names": ROLE_NAMES,
        "error": None,
        "done": request.query_params.get("done"),
        "form": {},
        **extra,
    }
    return render(request, "users.html", context, status=400 if context["error"] else 200)


@router.get("/admin/users", response_class=HTMLResponse)
def users(request: Request, session: SessionDep) -> HTMLResponse:
    viewer(request).require("user:manage")
    return _users(request, session)


@router.post("/admin/users", response_class=HTMLResponse)
def add_user(
    request: Request,
    db: DatabaseDep,
    actor: Annotated[Principal, requires("user:manage")],
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    role: Annotated[str, Form(max_length=16)] = "public",
    bodies: Annotated[str, Form(max_length=500)] = "",
    display_name: Annotated[str, Form(max_length=120)] = "",
):  # type: ignore[no-untyped-def]
    codes = [b for b in bodies.replace(",", " ").split() if b]
    try:
        accounts.create_user(
            db, actor, username.strip(), password, role, bodies=codes, display_name=display_name
        )
    except YrdError as exc:
        form = {"username": username, "role": role, "bodies": bodies, "display_name": display_name}
        with db.read() as session:
            return _users(request, session, error=str(exc), form=form)
    return _see_other(urls.users_page() + "?done=created")


@router.post("/admin/users/{username}", response_class=HTMLResponse)
def edit_user(
    request: Request,
    db: DatabaseDep,
    username: str,
    actor: Annotated[Principal, requires("user:manage")],
    role: Annotated[str, Form(max_length=16)] = "",
    bodies: Annotated[str, Form(max_length=500)] = "",
    active: Annotated[str, Form(max_length=5)] = "",
):  # type: ignore[no-untyped-def]
    codes = [b for b in bodies.replace(",", " ").split() if b]
    try:
        accounts.update_user(db, actor, username, role=role or None, bodies=codes, active=active == "1")
    except YrdError as exc:
        with db.read() as session:
            return _users(request, session, error=str(exc))
    return _see_other(urls.users_page() + "?done=updated")


@router.get("/audit", response_class=HTMLResponse)
def audit_log(request: Request, session: SessionDep, entity: str | None = None, verify: bool = False):  # type: ignore[no-untyped-def]
    viewer(request).require("audit:read")
    entity = (entity or "").strip()[:128] or None
    checked = audit.verify(session) if verify else None
    return render(
        request,
        "audit.html",
        {
            "entries": audit.entries(session, entity=entity, limit=200),
            "entity": entity or "",
            "checked": checked,
        },
    )
