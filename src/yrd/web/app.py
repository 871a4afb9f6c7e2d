"""The web app factory: settings and database in, an ASGI app out (nothing connects at import)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from yrd import __version__
from yrd.db import Database
from yrd.errors import InputError, NotFoundError, YrdError
from yrd.settings import Settings

STATIC = Path(__file__).parent / "static"


def error_body(message: str, errors: list[dict] | None = None) -> dict:  # type: ignore[type-arg]
    """The one shape of every JSON error."""
    return {"ok": False, "error": message, "errors": errors or []}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    """Build the app on the given settings and database (migrated here if not already)."""
    settings = settings or Settings()
    if db is None:
        db = Database(settings.url)
        db.migrate()
    app = FastAPI(
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

    from yrd.web import api, pages

    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(NotFoundError)
    async def _not_found(request: Request, exc: NotFoundError):  # type: ignore[no-untyped-def]
        if _wants_json(request):
            return JSONResponse(error_body(str(exc)), status_code=404)
        return pages.error_page(request, 404, str(exc))

    @app.exception_handler(InputError)
    async def _bad_input(request: Request, exc: InputError):  # type: ignore[no-untyped-def]
        if _wants_json(request):
            return JSONResponse(error_body(str(exc)), status_code=400)
        return pages.error_page(request, 400, str(exc))

    @app.exception_handler(YrdError)
    async def _other(request: Request, exc: YrdError):  # type: ignore[no-untyped-def]
        if _wants_json(request):
            return JSONResponse(error_body(str(exc)), status_code=500)
        return pages.error_page(request, 500, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):  # type: ignore[no-untyped-def]
        errors = [{"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()]
        message = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        if _wants_json(request):
            return JSONResponse(error_body(f"invalid request: {message}", errors), status_code=422)
        return pages.error_page(request, 422, message)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):  # type: ignore[no-untyped-def]
        if _wants_json(request):
            return JSONResponse(error_body(str(exc.detail)), status_code=exc.status_code)
        return pages.error_page(request, exc.status_code, str(exc.detail))

    return app
