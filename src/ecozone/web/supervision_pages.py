"""Supervision page for staff (``monitor`` or ``reviewer``): a map of clues coloured by status, the
worklist with its actions, and clue import. The page only reads; changes go through the API
(``supervision.js``, with the session cookie)."""

from __future__ import annotations

import json

import shapely.geometry
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ecozone import clock
from ecozone.auth.roles import Role
from ecozone.supervision.settings import get_supervision_settings
from ecozone.supervision.worklist import STATUSES, worklist
from ecozone.supervision import repository as store
from ecozone.web.deps import WebRoute, page_user, render, to_login, translator_for

router = APIRouter(prefix="/supervision", route_class=WebRoute, include_in_schema=False)


def _features(engine, ids: set[int]) -> list[dict]:
    """The clues' outlines (polygons stay polygons on the map), for the clues on the worklist."""
    with engine.connect() as conn:
        rows = store.list_clues(conn, ids=sorted(ids), limit=len(ids) or 1)
    return [
        {"type": "Feature", "properties": {"id": r["id"], "status": r["status"]}, "geometry": shapely.geometry.mapping(r["geometry"])}
        for r in rows
    ]


@router.get("", response_class=HTMLResponse)
def clues_page(request: Request, county: str | None = None, status: str | None = None) -> Response:
    user = page_user(request)
    if user is None:
        return to_login(request)
    t, _ = translator_for(request)
    if not user.has_role(Role.MONITOR, Role.REVIEWER):
        return render(request, "error.html", {"status": 403, "message": t("supervision.forbidden")}, 403)
    engine = request.app.state.engine
    rows = worklist(engine, clock.utc_now(), county or None, status or None)
    config = {
        "root": request.scope.get("root_path", ""),
        "features": _features(engine, {r["id"] for r in rows}),
        "messages": {k: t(k) for k in ("supervision.imported", "supervision.status.open", "supervision.status.assigned",
                                          "supervision.status.inspected", "supervision.status.closed")},
    }
    return render(request, "supervision/clues.html", {
        "user": user, "clues": rows, "statuses": STATUSES, "county": county or "", "status": status or "",
        "limits": get_supervision_settings().time_limits(), "demo": any(r["demo"] for r in rows),
        "config_json": json.dumps(config, ensure_ascii=False),
    })
