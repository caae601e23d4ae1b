"""Authorization: may this user use a permission, and on which release jurisdictions."""

from __future__ import annotations

from collections.abc import Mapping

from ecozone.auth.model import User
from ecozone.auth.roles import PERMISSIONS, RELEASE_PERMISSIONS, Permission, Scope
from ecozone.errors import Forbidden


def holds(user: User, permission: Permission) -> bool:
    """Whether one of the user's roles grants ``permission`` (anywhere)."""
    roles, _ = PERMISSIONS[permission]
    return any(role in roles for role in user.roles)


def require(user: User, permission: Permission) -> None:
    """``Forbidden`` unless the user holds ``permission``."""
    if not holds(user, permission):
        roles, _ = PERMISSIONS[permission]
        needed = " or ".join(sorted(r.value for r in roles))
        raise Forbidden(f"user {user.username!r} needs the role {needed} to do this", permission=permission.value)


def reaches(user: User, permission: Permission, jurisdiction: str, parents: Mapping[str, str | None]) -> bool:
    """Whether ``permission`` of the user covers releases of ``jurisdiction``."""
    if not holds(user, permission):
        return False
    _, scope = PERMISSIONS[permission]
    if scope == Scope.ANY:
        return True
    if user.jurisdiction_code is None:
        return False
    if scope == Scope.OWN:
        return jurisdiction == user.jurisdiction_code
    return parents.get(jurisdiction) == user.jurisdiction_code


def require_reach(user: User, permission: Permission, jurisdiction: str, parents: Mapping[str, str | None]) -> None:
    """``Forbidden`` naming the jurisdiction unless the user's permission covers it."""
    require(user, permission)
    if not reaches(user, permission, jurisdiction, parents):
        _, scope = PERMISSIONS[permission]
        where = "its own jurisdiction" if scope == Scope.OWN else "the level below its jurisdiction"
        raise Forbidden(
            f"user {user.username!r} (jurisdiction {user.jurisdiction_code}) may {permission.value} releases of "
            f"{where} only, not of {jurisdiction}",
            field="jurisdiction",
            value=jurisdiction,
        )


def sees_release(user: User, jurisdiction: str, parents: Mapping[str, str | None]) -> bool:
    """Whether the user may see unpublished releases of ``jurisdiction`` (they act on them)."""
    return any(reaches(user, p, jurisdiction, parents) for p in RELEASE_PERMISSIONS)
