"""The staff side of the release workflow: every step checked against the user's roles and
jurisdiction before it reaches ``ecozone.zoning.releases``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine

from ecozone.auth.model import User
from ecozone.auth.roles import Permission
from ecozone.auth.scope import reaches, require_reach, sees_release
from ecozone.errors import BadInput, Conflict, NotFound
from ecozone.zoning.repositories import regions as region_store
from ecozone.zoning.repositories import releases as release_store
from ecozone.zoning import releases as workflow
from ecozone.zoning.model import AccessEntry, ControlUnit, Dimension, Release, ReleaseStatus, UnitClass, UnitCode
from ecozone.zoning.validation import ValidationReport


def region_parents(engine: Engine) -> dict[str, str | None]:
    with engine.connect() as conn:
        return region_store.region_parents(conn)


def visible_releases(engine: Engine, user: User) -> list[tuple[Release, int]]:
    """Releases (any status) the user acts on, with their unit counts, newest first."""
    parents = region_parents(engine)
    with engine.connect() as conn:
        return [
            (r, release_store.count_units(conn, r.id))
            for r in release_store.list_releases(conn)
            if sees_release(user, r.jurisdiction_code, parents)
        ]


def visible_release(engine: Engine, user: User, release_id: int) -> Release:
    """A release the user may see: published ones for all staff, others within their reach."""
    with engine.connect() as conn:
        release = release_store.get_release(conn, release_id)
    published = release.status.value in release_store.EVER_IN_FORCE
    if not published and not sees_release(user, release.jurisdiction_code, region_parents(engine)):
        # Not 403: whether a draft exists elsewhere is itself not for this user to learn.
        raise NotFound(f"release {release_id} does not exist", field="release", value=release_id)
    return release


def allowed_actions(user: User, release: Release, parents: dict[str, str | None]) -> dict[str, bool]:
    """Which workflow buttons this user gets on this release now."""
    code = release.jurisdiction_code
    return {
        "edit": release.status == ReleaseStatus.DRAFT and reaches(user, Permission.EDIT_DRAFT, code, parents),
        "submit": release.status == ReleaseStatus.DRAFT and reaches(user, Permission.SUBMIT, code, parents),
        "file": release.status == ReleaseStatus.SUBMITTED and reaches(user, Permission.FILE, code, parents),
        "publish": release.status == ReleaseStatus.FILED and reaches(user, Permission.PUBLISH, code, parents),
    }


def unit_record(unit: ControlUnit) -> dict:
    return {
        "code": unit.code,
        "name": unit.name,
        "class": int(unit.unit_class),
        "county_code": unit.county_code,
        "access": unit.access_by_dimension(),
    }


def release_detail(engine: Engine, user: User, release_id: int) -> dict:
    """A release with its units, validation warnings, audit trail and the user's allowed actions."""
    release = visible_release(engine, user, release_id)
    _, units, _ = workflow.release_units(engine, release_id)
    with engine.connect() as conn:
        audit = release_store.audit_trail(conn, release_id)
    return {
        **release.describe(),
        "lock_version": release.lock_version,
        "warnings": release.warnings,
        "units": [unit_record(u) for u in units],
        "audit": audit,
        "actions": allowed_actions(user, release, region_parents(engine)),
    }


def import_draft(
    engine: Engine, user: User, path: Path, request: workflow.DraftRequest, crs: str | None = None, *, now: dt.datetime
) -> tuple[Release, ValidationReport]:
    """Import a unit file as a draft of a jurisdiction the user edits."""
    require_reach(user, Permission.EDIT_DRAFT, request.jurisdiction_code, region_parents(engine))
    return workflow.import_draft(engine, path, request, user.username, crs=crs, now=now)


def _next_edit_version(engine: Engine, release: Release) -> str:
    with engine.connect() as conn:
        taken = {r.version for r in release_store.list_releases(conn, release.jurisdiction_code)}
    base = release.version
    n = 1
    while f"{base}-e{n}" in taken:
        n += 1
    return f"{base}-e{n}"


def _edited_unit(unit: ControlUnit, name: str | None, unit_class: int | None, access: dict[str, list[str]] | None) -> ControlUnit:
    if name is not None:
        if not name.strip():
            raise BadInput("a unit needs a name", field="name", value=name)
        unit.name = name.strip()
    if unit_class is not None and unit_class != int(unit.unit_class):
        try:
            new_class = UnitClass(unit_class)
        except ValueError:
            raise BadInput(f"class {unit_class!r} is not 1, 2 or 3", field="class", value=unit_class) from None
        code = UnitCode.parse(unit.code)
        # The class digit is part of the code (DESIGN.md), so a new class means a new code.
        unit.code = str(UnitCode(code.admin_code, new_class, code.serial))
        unit.unit_class = new_class
    if access is not None:
        unit.access = _access_entries(access, unit.access)
    return unit


def _access_entries(access: dict[str, list[str]], current: list[AccessEntry]) -> list[AccessEntry]:
    """Replace the texts of the dimensions given; dimensions not given keep theirs."""
    for key in access:
        if key not in {d.value for d in Dimension}:
            raise BadInput(f"access dimension {key!r} is not one of {', '.join(d.value for d in Dimension)}", field="access", value=key)
    entries = []
    for dimension in Dimension:
        if dimension.value in access:
            texts = [t.strip() for t in access[dimension.value] if t and t.strip()]
            entries += [AccessEntry(dimension, t) for t in texts]
        else:
            entries += [e for e in current if e.dimension == dimension]
    return entries


def edit_unit(
    engine: Engine,
    user: User,
    release_id: int,
    code: str,
    name: str | None = None,
    unit_class: int | None = None,
    access: dict[str, list[str]] | None = None,
    *,
    now: dt.datetime,
) -> tuple[Release, ValidationReport]:
    """Change one unit of a draft; the result is stored, validated, as a new draft version."""
    release = _checked(engine, user, release_id, Permission.EDIT_DRAFT)
    if release.status != ReleaseStatus.DRAFT:
        raise Conflict(f"release {release_id} is {release.status.value}; only drafts are edited", field="status", value=release.status.value)
    _, units, _ = workflow.release_units(engine, release_id)
    target = next((u for u in units if u.code == code), None)
    if target is None:
        raise NotFound(f"unit {code!r} is not in release {release_id}", field="code", value=code)
    _edited_unit(target, name, unit_class, access)
    request = workflow.DraftRequest(
        jurisdiction_code=release.jurisdiction_code,
        version=_next_edit_version(engine, release),
        title=release.title,
        kind=release.kind,
        reason=release.reason,
        issuer=release.issuer,
        demo=release.demo,
    )
    rule_files = workflow.release_rule_files(engine, release_id)
    new_release, report = workflow.create_draft(engine, request, units, user.username, rule_files=rule_files, now=now)
    with engine.begin() as conn:
        release_store.record_audit(conn, user.username, "edit_unit", release_id, now, code=code, new_release=new_release.id)
        release_store.record_audit(conn, user.username, "edit_unit", new_release.id, now, code=target.code, from_release=release_id)
    return new_release, report


def _checked(engine: Engine, user: User, release_id: int, permission: Permission) -> Release:
    """The release, if the user's ``permission`` reaches its jurisdiction; else ``Forbidden``."""
    with engine.connect() as conn:
        release = release_store.get_release(conn, release_id)
    require_reach(user, permission, release.jurisdiction_code, region_parents(engine))
    return release


def submit(engine: Engine, user: User, release_id: int, lock_version: int, *, now: dt.datetime) -> Release:
    """Draft → submitted, by an editor of the release's jurisdiction."""
    _checked(engine, user, release_id, Permission.SUBMIT)
    return workflow.submit(engine, release_id, user.username, lock_version, now=now)


def file_release(engine: Engine, user: User, release_id: int, lock_version: int, *, now: dt.datetime) -> Release:
    """Submitted → filed (备案), by a filer of the level above."""
    _checked(engine, user, release_id, Permission.FILE)
    return workflow.file_release(engine, release_id, user.username, lock_version, now=now)


def publish(
    engine: Engine, user: User, release_id: int, lock_version: int, effective_date: dt.date, notice: str | None, today: dt.date,
    *, now: dt.datetime,
) -> Release:
    """Filed → published, by a publisher of the release's jurisdiction, in force from today or later."""
    _checked(engine, user, release_id, Permission.PUBLISH)
    return workflow.publish(engine, release_id, effective_date, user.username, lock_version, notice, today=today, now=now)


def diff(engine: Engine, user: User, release_a: int, release_b: int) -> dict:
    """What changed between two releases the user may see."""
    visible_release(engine, user, release_a)
    visible_release(engine, user, release_b)
    return workflow.diff(engine, release_a, release_b).to_dict()
