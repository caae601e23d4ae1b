"""Staff work on releases and screenings; every route needs a login and checks role and
jurisdiction (drafts are reached only here, never through the public routes)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from fastapi import APIRouter, Body, Depends, File, Form, Query, Request, UploadFile, status

from ecozone.clock import utc_now
from ecozone.api.auth import current_user, require_role
from ecozone.api.deps import LockVersion, Offset, RowId, get_edge_settings
from ecozone.api.heavy import run_heavy
from ecozone.api.settings import EdgeSettings
from ecozone.auth import workspace
from ecozone.auth.model import User
from ecozone.auth.roles import Role
from ecozone.errors import BadInput
from ecozone.geo.checks import check_archive_size
from ecozone.geo.io import SUPPORTED_SUFFIXES
from ecozone.screening import repository as screening_store
from ecozone.zoning.model import ReleaseKind
from ecozone.zoning.releases import DraftRequest

router = APIRouter(prefix="/api/v1/staff", tags=["staff"])
RELEASE_ROLES = (Role.EDITOR, Role.FILER, Role.PUBLISHER)


def _engine(request: Request):
    return request.app.state.engine


def release_row(release, units: int) -> dict:
    return {**release.summary(), "kind": release.kind.value, "lock_version": release.lock_version, "warnings": len(release.warnings), "units": units}


@router.get("/releases", summary="Releases of every status that the user works on")
def list_releases(user: User = Depends(require_role(*RELEASE_ROLES)), engine=Depends(_engine)) -> list[dict]:
    return [release_row(r, n) for r, n in workspace.visible_releases(engine, user)]


@router.get("/releases/{release_id}", summary="A release with units, warnings, audit trail and allowed actions")
def get_release(release_id: RowId, user: User = Depends(require_role(*RELEASE_ROLES)), engine=Depends(_engine)) -> dict:
    return workspace.release_detail(engine, user, release_id)


@router.post("/releases", summary="Import a unit file as a draft, with its validation report", status_code=status.HTTP_201_CREATED)
async def import_release(
    http_request: Request,
    file: UploadFile = File(..., description="GeoJSON, GeoPackage or zipped Shapefile of units"),
    version: str = Form(...),
    title: str = Form(...),
    kind: ReleaseKind = Form(ReleaseKind.INITIAL),
    reason: str = Form(""),
    jurisdiction: str | None = Form(None, description="Default: the user's jurisdiction"),
    crs: str | None = Form(None),
    user: User = Depends(require_role(Role.EDITOR)),
    engine=Depends(_engine),
    edge: EdgeSettings = Depends(get_edge_settings),
) -> dict:
    name = file.filename or "upload"
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise BadInput(f"file {name!r}: send one of {', '.join(sorted(SUPPORTED_SUFFIXES))}", field="file", value=name)
    request = DraftRequest(jurisdiction or user.jurisdiction_code or "", version, title, kind, reason)
    data = await file.read()

    def import_file():
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"upload{suffix}"
            path.write_bytes(data)
            if suffix == ".zip":
                check_archive_size(path, edge.max_import_uncompressed_bytes)
            return workspace.import_draft(engine, user, path, request, crs, now=utc_now())

    # An import parses and validates the whole file: seconds for a province, so a worker slot.
    release, report = await run_heavy(http_request, import_file)
    return {"release": release_row(release, 0) | {"units": None}, "validation": report.to_dict()}


@router.patch("/releases/{release_id}/units/{code}", summary="Edit one unit of a draft (stored as a new draft version)")
def edit_unit(
    release_id: RowId,
    code: str,
    name: str | None = Body(None),
    unit_class: int | None = Body(None, alias="class", ge=1, le=3),
    access: dict[str, list[str]] | None = Body(None, description="texts per dimension; dimensions left out keep theirs"),
    user: User = Depends(require_role(Role.EDITOR)),
    engine=Depends(_engine),
) -> dict:
    release, report = workspace.edit_unit(engine, user, release_id, code, name, unit_class, access, now=utc_now())
    return {"release": release_row(release, len(workspace.release_detail(engine, user, release.id)["units"])), "validation": report.to_dict()}


@router.post("/releases/{release_id}/submit", summary="Draft → submitted (editor)")
def submit(release_id: RowId, lock_version: LockVersion, user: User = Depends(require_role(Role.EDITOR)), engine=Depends(_engine)) -> dict:
    return release_row(workspace.submit(engine, user, release_id, lock_version, now=utc_now()), 0) | {"units": None}


@router.post("/releases/{release_id}/file", summary="Submitted → filed, 备案 (filer of the level above)")
def file_release(release_id: RowId, lock_version: LockVersion, user: User = Depends(require_role(Role.FILER)), engine=Depends(_engine)) -> dict:
    return release_row(workspace.file_release(engine, user, release_id, lock_version, now=utc_now()), 0) | {"units": None}


@router.post("/releases/{release_id}/publish", summary="Filed → published, in force from the effective date (publisher)")
def publish(
    release_id: RowId,
    lock_version: LockVersion,
    effective_date: dt.date = Body(...),
    notice: str | None = Body(None),
    user: User = Depends(require_role(Role.PUBLISHER)),
    engine=Depends(_engine),
) -> dict:
    # The UTC date: never ahead of the Beijing date, so a release effective "today" in China is
    # never refused; for eight hours a day it admits the previous Beijing day.
    now = utc_now()
    release = workspace.publish(engine, user, release_id, lock_version, effective_date, notice, now.date(), now=now)
    return release_row(release, 0) | {"units": None}


@router.get("/releases/{release_a}/diff/{release_b}", summary="What changed between two releases the user may see")
def diff(release_a: RowId, release_b: RowId, user: User = Depends(require_role(*RELEASE_ROLES)), engine=Depends(_engine)) -> dict:
    return workspace.diff(engine, user, release_a, release_b)


@router.get("/screenings", summary="Every stored screening, newest first (reviewer)")
def list_screenings(
    limit: int = Query(100, ge=1, le=1000),
    offset: Offset = 0,
    _user: User = Depends(require_role(Role.REVIEWER)),
    engine=Depends(_engine),
) -> list[dict]:
    with engine.connect() as conn:
        items = screening_store.list_screenings(conn, limit=limit, offset=offset)
    return [
        {
            "id": s.id,
            "created_at": s.created_at.isoformat(),
            "actor": s.actor,
            "project_name": s.project_name,
            "industry": s.industry,
            "verdict": s.verdict,
            "findings": [f["rule_id"] for f in s.result.get("findings", [])],
        }
        for s in items
    ]


@router.get("/me/workspace", summary="What the logged-in user's workspace offers")
def my_workspace(user: User = Depends(current_user)) -> dict:
    return {**user.to_dict(), "sections": [r.value for r in user.roles]}
