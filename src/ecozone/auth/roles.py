"""Roles and what they may do, as one small table, with the jurisdiction each permission reaches.

Scopes: ``own`` — releases of the user's own jurisdiction (谁发布谁更新); ``below`` — releases of
the regions one level below it (a province filer files city releases, 备案); ``any`` — not tied
to a region (screenings, users).
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    EDITOR = "editor"
    FILER = "filer"
    PUBLISHER = "publisher"
    REVIEWER = "reviewer"
    PLANNER = "planner"
    MONITOR = "monitor"
    ADMIN = "admin"


class Scope(StrEnum):
    OWN = "own"
    BELOW = "below"
    ANY = "any"


class Permission(StrEnum):
    VIEW_RELEASES = "release.view"
    EDIT_DRAFT = "release.edit"
    SUBMIT = "release.submit"
    FILE = "release.file"
    PUBLISH = "release.publish"
    VIEW_SCREENINGS = "screening.view_all"
    OVERRIDE = "screening.override"
    UPLOAD_OBSERVATIONS = "observations.upload"
    MANAGE_USERS = "users.manage"


# permission → (roles holding it, how far it reaches)
PERMISSIONS: dict[Permission, tuple[frozenset[Role], Scope]] = {
    Permission.EDIT_DRAFT: (frozenset({Role.EDITOR}), Scope.OWN),
    Permission.SUBMIT: (frozenset({Role.EDITOR}), Scope.OWN),
    Permission.FILE: (frozenset({Role.FILER}), Scope.BELOW),
    Permission.PUBLISH: (frozenset({Role.PUBLISHER}), Scope.OWN),
    Permission.VIEW_SCREENINGS: (frozenset({Role.REVIEWER}), Scope.ANY),
    Permission.OVERRIDE: (frozenset({Role.REVIEWER}), Scope.ANY),
    Permission.UPLOAD_OBSERVATIONS: (frozenset({Role.PLANNER}), Scope.ANY),
    Permission.MANAGE_USERS: (frozenset({Role.ADMIN}), Scope.ANY),
}

# Release viewing is the union of the release permissions: whoever acts on a release sees it.
RELEASE_PERMISSIONS = (Permission.EDIT_DRAFT, Permission.FILE, Permission.PUBLISH)
