"""The web app factory: settings and database in, an ASGI app out (nothing connects at import)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException

from yrd import __version__
from yrd.db import Database
from yrd.errors import (
    AuthError,
    ConflictError,
    ForbiddenError,
    InputError,
    NotFoundError,
    ThrottledError,
    YrdError,
)
from yrd.settings import Settings
from yrd.web import urls_supervise as urls
from yrd.web.auth import CsrfCookieMiddleware

STATIC = Path(__file__).parent / "static"


def error_body(message: str, errors: list[dict] | None = None) -> dict:  # type: ignore[type-arg]
    """The one shape of every JSON error."""
    return {"ok": False, "error": message, "errors": errors or []}


# The HTTP status of each error class; the first match wins (subclasses before their base).
_STATUS: dict[type[YrdError], int] = {
    NotFoundError: 404,
    InputError: 400,
    AuthError: 401,
    ForbiddenError: 403,
    ConflictError: 409,
    ThrottledError: 429,
    YrdError: 500,
}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    """Build the app on the given settings and database (migrated here if not already)."""
    settings = settings or Settings()
    if db is None:
        db = Database(settings.url)
        db.migrate()
    # FastAPIOffline serves Swagger UI from the package's own copy: no CDN, works offline.
    app = FastAPIOffline(
        title="YRD Integration Monitor API",
        version=__version__,
        description=(
            "The Outline of the Yangtze River Delta Regional Integrated Development Plan and other plans "
            "as a structured, bilingual, citable knowledge base. Errors always have the shape "
            '`{"ok": false, "error": "…", "errors": […]}`.'
        ),
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.db = db
    if settings.api_token:
        from yrd.supervise.accounts import adopt_legacy_token

        adopt_legacy_token(db, settings.api_token)
    # Pages of Chinese text and map data compress about 5:1; small answers are sent as they are.
    # Level 6 (zlib's default) rather than Starlette's 9: nearly the same size for a fraction of the
    # CPU on answers made per request (docs/benchmarks.md, statistics).
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)
    app.add_middleware(CsrfCookieMiddleware)

    from yrd.web import (
        api,
        api_accounts,
        api_comments,
        api_evaluate,
        api_extract,
        api_observations,
        api_policies,
        api_regions,
        api_stats,
        api_supervise,
        pages,
        pages_account,
        pages_comments,
        pages_evaluate,
        pages_extract,
        pages_policies,
        pages_regions,
        pages_report,
        pages_stats,
        pages_supervise,
    )

    app.include_router(api.router)
    app.include_router(api_extract.router)
    app.include_router(api_regions.router)
    app.include_router(api_stats.router)
    app.include_router(api_observations.router)
    app.include_router(api_evaluate.router)
    app.include_router(api_accounts.router)
    app.include_router(api_comments.router)
    app.include_router(api_supervise.router)
    app.include_router(api_policies.router)
    app.include_router(pages_regions.router)
    app.include_router(pages_extract.router)
    app.include_router(pages_stats.router)
    app.include_router(pages_evaluate.router)
    app.include_router(pages_report.router)
    app.include_router(pages_account.router)
    app.include_router(pages_comments.router)
    app.include_router(pages_supervise.router)
    app.include_router(pages_policies.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    def respond(request: Request, status: int, message: str, errors: list | None = None, headers=None):  # type: ignore[no-untyped-def,type-arg]
        """One error, as JSON for the API and JSON clients, as a page for browsers (who are sent to
        the login page when a page needs a login)."""
        if _wants_json(request):
            return JSONResponse(error_body(message, errors), status_code=status, headers=headers)
        if status == 401 and request.method == "GET":
            return RedirectResponse(urls.login_page(next=urls.local_path(request)), status_code=303)
        response = pages.error_page(request, status, message)
        response.headers.update(headers or {})
        return response

    async def on_yrd_error(request: Request, exc: Exception):  # type: ignore[no-untyped-def]
        status = next(code for cls, code in _STATUS.items() if isinstance(exc, cls))
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, ThrottledError) else None
        if isinstance(exc, AuthError):
            headers = {"WWW-Authenticate": "Bearer"}
        return respond(request, status, str(exc), headers=headers)

    async def on_invalid(request: Request, exc: RequestValidationError):  # type: ignore[no-untyped-def]
        errors = [{"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()]
        message = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return respond(request, 422, f"invalid request: {message}", errors)

    async def on_http(request: Request, exc: StarletteHTTPException):  # type: ignore[no-untyped-def]
        return respond(request, exc.status_code, str(exc.detail))

    app.add_exception_handler(YrdError, on_yrd_error)
    app.add_exception_handler(RequestValidationError, on_invalid)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, on_http)  # type: ignore[arg-type]
    return app
