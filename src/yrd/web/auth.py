"""Who is asking, and may they: bearer tokens, session cookies, CSRF, client keys.

A request is the principal of its bearer token (``Authorization: Bearer yrd_…``; a wrong, revoked or
expired one is refused with 401, never downgraded to anonymous), else of its session cookie, else
anonymous. Writes by a browser (any POST, PUT, PATCH or DELETE without a bearer token) must carry
the CSRF token of the page they came from, in the form field ``csrf_token`` or the header
``X-CSRF-Token``. The one exception is a JSON request that carries no cookie at all: it has no
ambient authority a forged request could borrow, and a cross-site form cannot send JSON.

The CSRF token is an HMAC, under a server secret, of the random ``yrd_csrf`` cookie; login replaces
both that cookie and the session cookie, so nothing planted before login survives it.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from starlette.responses import Response

from yrd.errors import AuthError, ForbiddenError
from yrd.supervise import accounts
from yrd.supervise.roles import ANONYMOUS, Principal
from yrd.web.schemas import ErrorPublic

SESSION_COOKIE = "yrd_session"
CSRF_COOKIE = "yrd_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="An API token (`yrd token create`, or the account page), as `Authorization: Bearer yrd_…`. "
    "Its scopes narrow what its user's role allows.",
)
session_cookie = APIKeyCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    scheme_name="session",
    description="The browser session from /login. Writes with it need the page's CSRF token in the "
    "`X-CSRF-Token` header or the `csrf_token` form field.",
)

AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorPublic, "description": "not logged in, or a wrong, expired or revoked token"},
    403: {
        "model": ErrorPublic,
        "description": "the role, responsible body, token scope or CSRF token does not allow it",
    },
}
EDIT_RESPONSES: dict[int | str, dict[str, Any]] = {
    **AUTH_RESPONSES,
    409: {
        "model": ErrorPublic,
        "description": "changed by someone else since you read it (send the new "
        "version), or a move the workflow does not allow now",
    },
}


def _secret(request: Request, name: str) -> bytes:
    state = request.app.state
    cache: dict[str, bytes] | None = getattr(state, "secrets", None)
    if cache is None:
        cache = state.secrets = {}
    if name not in cache:
        cache[name] = accounts.app_secret(request.app.state.db, name)
    return cache[name]


def client_key(request: Request) -> str:
    """The client's address, keyed with a server secret: enough to rate-limit, useless to read."""
    host = request.client.host if request.client else "unknown"
    return accounts.keyed(_secret(request, "client"), host)[:32]


def csrf_token(request: Request) -> str:
    """The CSRF token of this browser, making its cookie on the response if it has none yet."""
    seed = getattr(request.state, "csrf_seed", None) or request.cookies.get(CSRF_COOKIE)
    if not seed or len(seed) > 100:
        seed = secrets.token_urlsafe(24)
        request.state.csrf_seed = seed
    return accounts.keyed(_secret(request, "csrf"), seed)


def _csrf_ok(request: Request, sent: str | None) -> bool:
    seed = request.cookies.get(CSRF_COOKIE)
    if not seed or not sent:
        return False
    return secrets.compare_digest(accounts.keyed(_secret(request, "csrf"), seed), sent)


async def _check_csrf(request: Request) -> None:
    if request.method not in UNSAFE:
        return
    json_body = request.headers.get("content-type", "").split(";")[0].strip() == "application/json"
    if json_body and not request.cookies:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and not json_body:
        form = await request.form()  # cached by Starlette: the route's own Form() fields still work
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not _csrf_ok(request, sent):
        raise ForbiddenError(
            "the CSRF token is missing or wrong: reload the page and send the form again "
            "(API clients: use an API token, or send the page's token in X-CSRF-Token)"
        )


def _from_request(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Principal:
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    db = request.app.state.db
    header = request.headers.get("authorization")
    if header is not None:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise AuthError("the Authorization header must be 'Bearer <API token>'")
        principal = accounts.token_principal(db, credentials.credentials)
    else:
        token = request.cookies.get(SESSION_COOKIE)
        user = accounts.session_user(db, token) if token and len(token) < 100 else None
        principal = ANONYMOUS if user is None else user.principal()
    request.state.principal = principal
    return principal


async def current_actor(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    _session: Annotated[str | None, Depends(session_cookie)],
) -> Principal:
    """Who is asking (see the module's docstring); checks CSRF on a browser's writes."""
    principal = _from_request(request, credentials)
    if principal.via != "token":
        await _check_csrf(request)
    return principal


ActorDep = Annotated[Principal, Depends(current_actor)]


def requires(permission: str) -> Any:
    """A dependency: the principal, once it holds ``permission`` (401 when anonymous, else 403) and,
    for a browser's write, once its CSRF token checks out (so the anonymous hear "log in" first)."""

    async def check(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
        _session: Annotated[str | None, Depends(session_cookie)],
    ) -> Principal:
        principal = _from_request(request, credentials)
        principal.require(permission)
        if principal.via != "token":
            await _check_csrf(request)
        return principal

    return Depends(check)


def viewer(request: Request) -> Principal:
    """Who is looking at a page (no CSRF check: for GET handlers and templates)."""
    try:
        return _from_request(request, _parse(request))
    except AuthError:
        return ANONYMOUS


def _parse(request: Request) -> HTTPAuthorizationCredentials | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return HTTPAuthorizationCredentials(scheme=scheme, credentials=value.strip()) if value else None


def set_session(response: Response, request: Request, token: str) -> None:
    """Log a browser in: a new session cookie and a new CSRF cookie (nothing from before survives)."""
    secure = request.url.scheme == "https"
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(accounts.SESSION_TTL.total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=secure,
    )
    request.state.csrf_seed = secrets.token_urlsafe(24)  # set on the response by CsrfCookieMiddleware


def clear_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")


Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class CsrfCookieMiddleware:
    """Sets the ``yrd_csrf`` cookie on any response whose request made a new CSRF seed."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_cookie(message: MutableMapping[str, Any]) -> None:
            seed = scope.get("state", {}).get("csrf_seed")
            if message["type"] == "http.response.start" and seed:
                secure = "; Secure" if scope.get("scheme") == "https" else ""
                cookie = f"{CSRF_COOKIE}={seed}; Path=/; HttpOnly; SameSite=lax{secure}"
                message.setdefault("headers", []).append((b"set-cookie", cookie.encode("latin-1")))
            await send(message)

        await self.app(scope, receive, send_with_cookie)
