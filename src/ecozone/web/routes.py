"""The public pages: the zoning map with unit cards, and a page per published release.

``mount_web(app)`` adds the pages, the static files and Leaflet (served from the
``xstatic-leaflet`` package, never a CDN) to an application.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import xstatic.pkg.leaflet as xstatic_leaflet
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from ecozone.api.errors import HTTP_STATUS, localized_text, person_message, request_language, validation_field
from ecozone.errors import EcozoneError
from ecozone.web import pages
from ecozone.web.i18n import LANG_COOKIE, Translator, requested_language
from ecozone.web.mapconfig import MapSettings
from ecozone.web.nav import NAV_ENTRIES, active_key
from ecozone.web.release_changes import changes_context

WEB_DIR = Path(__file__).parent
templates = Jinja2Templates(directory=WEB_DIR / "templates")
LANG_COOKIE_SECONDS = 365 * 24 * 3600


def translator_for(request: Request) -> tuple[Translator, bool]:
    lang, asked = requested_language(request, request.app.state.settings.locale)
    return Translator(lang), asked


def switch_language_url(request: Request, lang: str) -> str:
    """This page's path and query with ``lang`` replaced."""
    return f"{request.url.path}?{request.url.include_query_params(lang=lang).query}"


def render(request: Request, template: str, context: dict, status_code: int = 200) -> HTMLResponse:
    """Render a page with the shared context (language, navigation) and remember ``?lang=``."""
    t, asked = translator_for(request)
    response = templates.TemplateResponse(
        request,
        template,
        {
            "t": t,
            "lang": t.lang,
            "other_lang": "en" if t.lang == "zh" else "zh",
            "nav": NAV_ENTRIES,
            "active": active_key(request.url.path),
            "root": request.scope.get("root_path", ""),
            "lang_url": switch_language_url(request, "en" if t.lang == "zh" else "zh"),
            **context,
        },
        status_code=status_code,
    )
    if asked:
        response.set_cookie(LANG_COOKIE, t.lang, max_age=LANG_COOKIE_SECONDS, samesite="lax", httponly=True)
    return response


class WebRoute(APIRoute):
    """A page route whose domain errors become an HTML error page in the user's language."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except EcozoneError as exc:
                status = HTTP_STATUS.get(exc.kind, 500)
                t, _ = translator_for(request)
                return render(request, "error.html", {"status": status, "message": person_message(exc, t.lang)}, status)
            except RequestValidationError as exc:
                t, _ = translator_for(request)
                field = validation_field(exc)
                message = localized_text(t.lang, "request.invalid" if field else "request.invalid.nofield", "bad_input", field, None)
                return render(request, "error.html", {"status": 422, "message": message}, 422)

        return handle


router = APIRouter(route_class=WebRoute, include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def map_page(request: Request, as_of: dt.date | None = None) -> HTMLResponse:
    t, _ = translator_for(request)
    snapshot = request.app.state.snapshots.get(as_of)
    context = pages.map_context(
        snapshot,
        t,
        request.app.state.map_settings,
        root=request.scope.get("root_path", ""),
        explicit_date=as_of is not None,
    )
    return render(request, "map.html", context)


@router.get("/releases", response_class=HTMLResponse)
def releases_page(request: Request) -> HTMLResponse:
    t, _ = translator_for(request)
    snapshot = request.app.state.snapshots.get()
    context = pages.releases_context(request.app.state.engine, snapshot, t)
    return render(request, "releases.html", context)


@router.get("/releases/{release_id}", response_class=HTMLResponse)
def release_page(request: Request, release_id: int) -> HTMLResponse:
    t, _ = translator_for(request)
    snapshot = request.app.state.snapshots.get()
    context = pages.release_context(request.app.state.engine, snapshot, release_id, t)
    context.update(changes_context(request.app.state.engine, context["release"], t, request.scope.get("root_path", "")))
    return render(request, "release.html", context)


def wants_html(request: Request) -> bool:
    """A browser asking for a page (not an API client, not a script asking for JSON)."""
    path = request.url.path
    if path.startswith(("/api/", "/ogc", "/static/", "/vendor/")):
        return False
    return "text/html" in request.headers.get("accept", "")


async def handle_http_error(request: Request, exc: StarletteHTTPException) -> Response:
    """A mistyped address: an HTML page in the reader's language for browsers, JSON for the rest."""
    if wants_html(request):
        t, _ = translator_for(request)
        key = "page.not_found" if exc.status_code == 404 else f"kind.{'failure' if exc.status_code >= 500 else 'bad_input'}"
        message = localized_text(t.lang, key, "not_found", None, None)
        return render(request, "error.html", {"status": exc.status_code, "message": message}, exc.status_code)
    lang = request_language(request)
    body = {"detail": exc.detail}
    if exc.status_code == 404:
        body.update(error="not_found", message=localized_text(lang, "page.not_found", "not_found", None, None))
    return JSONResponse(body, status_code=exc.status_code, headers=getattr(exc, "headers", None))


def mount_web(app: FastAPI, map_settings: MapSettings | None = None) -> None:
    """Add the public pages, static files and Leaflet to ``app`` (after the API routers)."""
    app.state.map_settings = map_settings or MapSettings()
    app.add_exception_handler(StarletteHTTPException, handle_http_error)
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    app.mount("/vendor/leaflet", StaticFiles(directory=xstatic_leaflet.BASE_DIR), name="leaflet")
    app.include_router(router)
    from ecozone.web.monitoring_pages import router as monitoring_router  # imports this module: load late

    app.include_router(monitoring_router)
