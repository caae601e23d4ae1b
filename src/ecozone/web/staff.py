"""The staff workspace pages: login, a workspace per role, a release with its unit editor and
workflow buttons, the reviewer's screenings, the admin's users.

Pages render what the user may see; every change goes through the staff API (``staff.js``),
which checks roles and jurisdiction again.
"""

from __future__ import annotations


from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ecozone.auth import accounts, workspace
from ecozone.auth.model import User
from ecozone.auth.roles import Permission, Role
from ecozone.auth.scope import require
from ecozone.indicators import repository as indicator_store
from ecozone.screening import repository as screening_store
from ecozone.routing import SESSION_COOKIE
from ecozone.web.deps import WebRoute, page_user, render, to_login
from ecozone.zoning.model import Dimension

router = APIRouter(prefix="/staff", route_class=WebRoute, include_in_schema=False)
RELEASE_ROLES = (Role.EDITOR, Role.FILER, Role.PUBLISHER)


def staff_render(request: Request, user: User, template: str, context: dict, status_code: int = 200) -> HTMLResponse:
    return render(request, template, {"user": user, "dimensions": [d.value for d in Dimension], **context}, status_code)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/staff") -> HTMLResponse:
    # Only local paths, so the login cannot be used to send people elsewhere.
    safe_next = next if next.startswith("/") and not next.startswith("//") else "/staff"
    return render(request, "staff/login.html", {"next": safe_next, "user": page_user(request)})


@router.post("/logout")
def logout_page(request: Request) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        accounts.logout(request.app.state.engine, token)
    response = RedirectResponse(f"{request.scope.get('root_path', '')}/staff/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("", response_class=HTMLResponse)
def home_page(request: Request) -> Response:
    user = page_user(request)
    if user is None:
        return to_login(request)
    engine = request.app.state.engine
    rows = workspace.visible_releases(engine, user) if user.has_role(*RELEASE_ROLES) else []
    return staff_render(request, user, "staff/home.html", {"rows": rows, "is_editor": user.has_role(Role.EDITOR)})


@router.get("/releases/{release_id}", response_class=HTMLResponse)
def release_page(request: Request, release_id: int) -> Response:
    user = page_user(request)
    if user is None:
        return to_login(request)
    detail = workspace.release_detail(request.app.state.engine, user, release_id)
    return staff_render(request, user, "staff/release.html", {"release": detail})


@router.get("/screenings", response_class=HTMLResponse)
def screenings_page(request: Request, limit: int = 100) -> Response:
    user = page_user(request)
    if user is None:
        return to_login(request)
    require(user, Permission.VIEW_SCREENINGS)
    with request.app.state.engine.connect() as conn:
        items = screening_store.list_screenings(conn, limit=min(max(limit, 1), 1000))
        overrides = {s.id: screening_store.overrides_for(conn, s.id) for s in items}
    return staff_render(request, user, "staff/screenings.html", {"items": items, "overrides": overrides})


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request) -> Response:
    user = page_user(request)
    if user is None:
        return to_login(request)
    require(user, Permission.MANAGE_USERS)
    users = accounts.list_users(request.app.state.engine)
    return staff_render(request, user, "staff/users.html", {"users": users, "roles": [r.value for r in Role]})


@router.get("/observations", response_class=HTMLResponse)
def observations_page(request: Request) -> Response:
    """Planners enter yearly indicator values (CSV/Excel); the latest recorded revisions below."""
    user = page_user(request)
    if user is None:
        return to_login(request)
    require(user, Permission.UPLOAD_OBSERVATIONS)
    with request.app.state.engine.connect() as conn:
        recent = indicator_store.recent_observations(conn)
    return staff_render(request, user, "staff/observations.html", {"recent": recent})
