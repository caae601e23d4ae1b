"""User administration (admin role only)."""

from __future__ import annotations

from fastapi import APIRouter, Body, Depends, Request, status

from ecozone.clock import utc_now
from ecozone.api.auth import require_role
from ecozone.auth import accounts
from ecozone.auth.model import User
from ecozone.auth.roles import Role

router = APIRouter(prefix="/api/v1/staff/users", tags=["staff"])
admin_only = require_role(Role.ADMIN)


@router.get("", summary="Every staff user (admin)")
def list_users(request: Request, _admin: User = Depends(admin_only)) -> list[dict]:
    return [u.to_dict() for u in accounts.list_users(request.app.state.engine)]


@router.post("", summary="Create a staff user (admin)", status_code=status.HTTP_201_CREATED)
def create_user(
    request: Request,
    username: str = Body(...),
    password: str = Body(...),
    roles: list[str] = Body(...),
    jurisdiction: str | None = Body(None),
    display_name: str = Body(""),
    _admin: User = Depends(admin_only),
) -> dict:
    user = accounts.create_user(request.app.state.engine, username, password, roles, jurisdiction, display_name, now=utc_now())
    return user.to_dict()


@router.patch("/{username}", summary="Change roles, jurisdiction, password or deactivate (admin)")
def update_user(
    request: Request,
    username: str,
    roles: list[str] | None = Body(None),
    jurisdiction: str | None = Body(None),
    active: bool | None = Body(None),
    password: str | None = Body(None),
    _admin: User = Depends(admin_only),
) -> dict:
    user = accounts.update_user(request.app.state.engine, username, roles, jurisdiction, active, password)
    return user.to_dict()
