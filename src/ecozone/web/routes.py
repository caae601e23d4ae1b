"""The public pages: the zoning map with unit cards, and a page per published release."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ecozone.web import pages
from ecozone.web.deps import WebRoute, render, translator_for
from ecozone.web.release_changes import changes_context

router = APIRouter(route_class=WebRoute, include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def map_page(request: Request, as_of: dt.date | None = None) -> HTMLResponse:
    t, _ = translator_for(request)
    snapshot = request.app.state.snapshots.get(as_of)
    # The page asks for the overview tiles next: cut them now if this zoning is new to the server.
    request.app.state.unit_tiles.warm_in_background(snapshot)
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
