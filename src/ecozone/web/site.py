"""The web site on an application: the page routers, the static files and Leaflet (served from the
``xstatic-leaflet`` package, never a CDN)."""

from __future__ import annotations

import xstatic.pkg.leaflet as xstatic_leaflet
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from ecozone.routing.error_text import localized_text, request_language
from ecozone.web import monitoring_pages, pwa, routes, staff, supervision_pages, tools_pages
from ecozone.web.deps import WEB_DIR, render, translator_for
from ecozone.web.mapconfig import MapSettings


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
    """Add the pages, static files and Leaflet to ``app`` (after the API routers)."""
    app.state.map_settings = map_settings or MapSettings()
    app.add_exception_handler(StarletteHTTPException, handle_http_error)
    app.include_router(staff.router)
    app.include_router(tools_pages.router)
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    app.mount("/vendor/leaflet", StaticFiles(directory=xstatic_leaflet.BASE_DIR), name="leaflet")
    app.include_router(routes.router)
    app.include_router(monitoring_pages.router)
    app.include_router(pwa.router)
    app.include_router(supervision_pages.router)
