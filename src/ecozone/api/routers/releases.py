"""Published releases for everyone: list, one release, and what changed between two.

Drafts and releases still in the filing workflow are never shown here; staff see them through
the staff routes."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from ecozone.api.deps import RowId
from ecozone.clock import utc_now
from ecozone.errors import NotFound
from ecozone.i18n import check_language
from ecozone.zoning.repositories import releases as release_store
from ecozone.zoning import releases as workflow
from ecozone.zoning.model import Release
from ecozone.supervision.summary import yearly_summary
from ecozone.tracking.report import tracking, tracking_html, tracking_pdf

router = APIRouter(prefix="/api/v1", tags=["releases"])


def _engine(request: Request):
    return request.app.state.engine


def public_release(engine, release_id: int) -> Release:
    """A published or superseded release; anything else is ``NotFound`` to the public."""
    with engine.connect() as conn:
        release = release_store.get_release(conn, release_id)
    if release.status.value not in release_store.EVER_IN_FORCE:
        raise NotFound(f"release {release_id} does not exist", field="release", value=release_id)
    return release


@router.get("/releases", summary="Published releases, newest first per jurisdiction")
def list_releases(jurisdiction: str | None = Query(None), engine=Depends(_engine)) -> list[dict]:
    with engine.connect() as conn:
        rows = [
            (r, release_store.count_units(conn, r.id))
            for r in release_store.list_releases(conn, jurisdiction)
            if r.status.value in release_store.EVER_IN_FORCE
        ]
    return [{**r.describe(), "units": n} for r, n in rows]


@router.get("/releases/{release_id}", summary="One published release with its notice")
def get_release(release_id: RowId, engine=Depends(_engine)) -> dict:
    release = public_release(engine, release_id)
    previous = workflow.previous_release(engine, release)
    return {**release.describe(), "previous": previous.id if previous else None}


@router.get("/releases/{release_a}/diff/{release_b}", summary="What changed from release A to release B")
def diff_releases(release_a: RowId, release_b: RowId, format: str = Query("json", pattern="^(json|geojson)$"), engine=Depends(_engine)) -> dict:
    public_release(engine, release_a)
    public_release(engine, release_b)
    diff = workflow.diff(engine, release_a, release_b)
    return diff.to_feature_collection() if format == "geojson" else diff.to_dict()


@router.get("/tracking", summary="Yearly tracking of the zoning (年度跟踪): JSON, HTML or PDF")
def zoning_tracking(
    year: int = Query(..., ge=2000, le=2100),
    format: str = Query("json", pattern="^(json|html|pdf)$"),
    lang: str = Query("zh"),
    engine=Depends(_engine),
):
    # The supervision summary (成果应用评估) joins the zoning's own yearly figures.
    data = {**tracking(engine, year), "supervision": yearly_summary(engine, year)}
    if format == "html":
        return HTMLResponse(tracking_html(data, check_language(lang), generated_at=utc_now()))
    if format == "pdf":
        return Response(tracking_pdf(data, check_language(lang), generated_at=utc_now()), media_type="application/pdf")
    return data
