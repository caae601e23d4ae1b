"""Compliance assessment (符合性研判) over HTTP: screen, fetch, re-run, report, override."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Body, Depends, File, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from ecozone.api.auth import limit_anonymous_writes, require_role
from ecozone.api.deps import get_edge_settings
from ecozone.api.heavy import run_heavy
from ecozone.api.settings import EdgeSettings
from ecozone.clock import utc_now
from ecozone.auth.model import User
from ecozone.auth.roles import Role
from ecozone.errors import BadInput, TooLarge
from ecozone.logging import get_logger
from ecozone.i18n import check_language
from ecozone.screening.batch import read_batch, screen_batch
from ecozone.screening.project_input import project_from_feature
from ecozone.documents import DocumentRegistry, load_registry, registry_path
from ecozone.screening.report import render_report_html, render_report_pdf
from ecozone.screening.service import ANONYMOUS, ScreeningService
from ecozone.screening.siting import compare_routes, site
from ecozone.zoning.industries import get_industry, search_industries
from ecozone.zoning.industry_suggest import MAX_TEXT_LENGTH, suggest_industries
from ecozone.zoning.inforce import load_snapshot_of

router = APIRouter(prefix="/api/v1", tags=["screening"])
log = get_logger("api")
PURGE_INTERVAL = dt.timedelta(minutes=10)


class ReportFormat(StrEnum):
    json = "json"
    html = "html"
    pdf = "pdf"


def get_service(request: Request) -> ScreeningService:
    return request.app.state.screening


def cited_documents(request: Request) -> DocumentRegistry:
    """The registry of cited documents shipped with the data the app serves."""
    return load_registry(registry_path(request.app.state.settings.data_dir))


def _report_response(service: ScreeningService, result, format: ReportFormat, lang: str, screening_id: str | None, overrides=None, documents: DocumentRegistry | None = None):
    check_language(lang)
    catalog = service.catalog()
    if format == ReportFormat.pdf:
        pdf = render_report_pdf(result, lang, catalog, screening_id, overrides, documents, generated_at=utc_now())
        return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="screening-{screening_id or result.result_id}.pdf"'})
    return HTMLResponse(render_report_html(result, lang, catalog, screening_id, overrides, documents, generated_at=utc_now()))


@router.post("/screenings", summary="Screen a project (GeoJSON Feature) against the zoning in force")
async def create_screening(
    request: Request,
    feature: dict[str, Any] = Body(..., description="GeoJSON Feature: properties name, industry, nature, attributes"),
    as_of: dt.date | None = Query(None, description="Zoning in force on this date"),
    crs: str | None = Query(None, description="CRS of the geometry when not lon/lat (GCJ-02, EPSG:4547 …)"),
    format: ReportFormat = Query(ReportFormat.json),
    lang: str = Query("zh"),
    service: ScreeningService = Depends(get_service),
    user: User | None = Depends(limit_anonymous_writes),
    edge: EdgeSettings = Depends(get_edge_settings),
):
    # The actor is who the token or cookie says, never a value the caller sends.
    actor = user.username if user else ANONYMOUS
    now = utc_now()
    if user is None:
        check_anonymous_size(feature, edge)

    def screen_and_report():
        if user is None:
            purge_expired(request, service, edge, now)
        documents = cited_documents(request)
        result, screening_id = service.screen(feature, crs=crs, as_of=as_of, actor=actor, now=now, max_vertices=edge.max_vertices)
        if format == ReportFormat.json:
            return {**result.to_dict(), "screening_id": screening_id}
        return _report_response(service, result, format, lang, screening_id, documents=documents)

    return await run_heavy(request, screen_and_report)


def check_anonymous_size(feature: dict, edge: EdgeSettings) -> None:
    """Anonymous answers are stored: their input is capped below the general JSON limit."""
    size = len(json.dumps(feature, ensure_ascii=False).encode("utf-8"))
    if size > edge.max_anonymous_input_bytes:
        raise TooLarge(
            f"a project of {size} bytes is over the limit of {edge.max_anonymous_input_bytes} bytes for anonymous screenings; log in or simplify the outline",
            field="geometry", limit="max_anonymous_input_bytes", value=edge.max_anonymous_input_bytes,
        )


def purge_expired(request: Request, service: ScreeningService, edge: EdgeSettings, now: dt.datetime) -> None:
    """Remove anonymous screenings past their retention, at most once every ten minutes."""
    state = request.app.state
    if getattr(state, "next_purge", None) and now < state.next_purge:
        return
    state.next_purge = now + PURGE_INTERVAL
    deleted = service.purge_anonymous(now, dt.timedelta(days=edge.screening_retention_days))
    if deleted:
        log.info("purged anonymous screenings", deleted=deleted, retention_days=edge.screening_retention_days)


@router.get("/screenings/{screening_id}", summary="A stored screening, with reviewers' overrides")
def get_screening(screening_id: str, service: ScreeningService = Depends(get_service)) -> dict:
    return service.get(screening_id)


@router.get("/screenings/{screening_id}/report", summary="The report of a stored screening (HTML or PDF)")
async def screening_report(
    request: Request,
    screening_id: str,
    format: ReportFormat = Query(ReportFormat.html),
    lang: str = Query("zh"),
    service: ScreeningService = Depends(get_service),
):
    def report():
        documents = cited_documents(request)
        stored = service.get(screening_id)
        if format == ReportFormat.json:
            return stored
        snapshot = load_snapshot_of(service.engine, [r["id"] for r in stored["result"]["release"]], dt.date.fromisoformat(stored["result"]["as_of"]), service.snapshots.regions())
        result = service.screener_for(snapshot).screen(project_from_feature(stored["input"], stored["input"].get("crs")))
        return _report_response(service, result, format, lang, screening_id, stored["overrides"], documents)

    return await run_heavy(request, report)


@router.post("/screenings/{screening_id}/rerun", summary="Re-run a stored screening on the releases it used")
async def rerun_screening(
    request: Request, screening_id: str, service: ScreeningService = Depends(get_service), _user: User | None = Depends(limit_anonymous_writes)
) -> dict:
    return await run_heavy(request, service.rerun, screening_id)


@router.post("/screenings/{screening_id}/overrides", summary="Mark a finding as not applicable, with a reason")
def override_finding(
    screening_id: str,
    rule_id: str = Body(..., embed=True),
    reason: str = Body(..., embed=True),
    reviewer: User = Depends(require_role(Role.REVIEWER)),
    service: ScreeningService = Depends(get_service),
) -> dict:
    return service.override(screening_id, rule_id, reason, reviewer.username)


@router.get("/industries", summary="GB/T 4754-2017 industries by code prefix or Chinese name")
def industries(q: str = Query(..., min_length=1, description="e.g. 25, C2521 or 焦化"), limit: int = Query(50, ge=1, le=500)) -> list[dict]:
    return [
        {"code": h.code, "full_code": h.full_code, "name": h.name, "level": h.level}
        for h in search_industries(q)[:limit]
    ]


@router.get("/industries/suggest", summary="GB/T 4754-2017 classes suggested for a project described in plain words")
def industries_suggest(
    text: str = Query(..., min_length=1, max_length=MAX_TEXT_LENGTH, description="e.g. 新建生猪养殖场，存栏5000头"),
    limit: int = Query(5, ge=1, le=20),
) -> dict:
    """Ranked candidate classes (full_code, name, score, why) and the nature, kinds and numbers read
    from the text. A suggestion for the applicant to confirm; it never decides a verdict."""
    return suggest_industries(text, limit)


@router.get("/industries/{code}", summary="One industry; unknown codes get near matches")
def industry(code: str) -> dict:
    h = get_industry(code)
    return {"code": h.code, "full_code": h.full_code, "name": h.name, "level": h.level}


@router.post("/siting", summary="Where in a county, a city or the province a project would be compliant, restricted or prohibited (GeoJSON)")
async def siting(
    request: Request,
    industry: str = Body(..., description="GB/T 4754-2017 code"),
    region: str = Body(..., description="GB/T 2260 code of a county, a city or the province"),
    nature: str = Body("new"),
    attributes: dict[str, Any] | None = Body(None),
    as_of: dt.date | None = Query(None),
    service: ScreeningService = Depends(get_service),
    _user: User | None = Depends(limit_anonymous_writes),
) -> dict:
    def siting_map() -> dict:
        screener = service.screener(as_of)
        target = screener.snapshot.regions.by_code.get(region)
        if target is None:
            raise BadInput(f"region {region!r} is not a known GB/T 2260 code", field="region", value=region)
        return site(screener, target, industry, nature, attributes).to_feature_collection()

    return await run_heavy(request, siting_map)


@router.post("/routes/compare", summary="Compare alternative line routes: length per unit class and findings")
async def routes_compare(
    request: Request,
    collection: dict[str, Any] = Body(..., description="FeatureCollection of alternative routes (LineStrings)"),
    as_of: dt.date | None = Query(None),
    service: ScreeningService = Depends(get_service),
    _user: User | None = Depends(limit_anonymous_writes),
    edge: EdgeSettings = Depends(get_edge_settings),
) -> list[dict]:
    features = collection.get("features") or []
    if collection.get("type") != "FeatureCollection" or not isinstance(features, list) or len(features) < 1:
        raise BadInput("send a FeatureCollection of one or more route Features", field="type", value=str(collection.get("type")))
    if len(features) > edge.max_batch_rows:
        raise TooLarge(f"{len(features)} routes, more than the limit of {edge.max_batch_rows}", field="features", limit="max_batch_rows", value=edge.max_batch_rows)

    def compare():
        routes = [project_from_feature(f, collection.get("crs"), edge.max_vertices) for f in features]
        return compare_routes(service.screener(as_of), routes)

    return await run_heavy(request, compare)


@router.post("/screenings/batch", summary="Screen every project of an uploaded CSV, GeoJSON or GeoPackage")
async def screenings_batch(
    request: Request,
    file: UploadFile = File(..., description=".csv (lon/lat or wkt; UTF-8 or GBK), .geojson or .gpkg"),
    as_of: dt.date | None = Query(None),
    service: ScreeningService = Depends(get_service),
    _user: User | None = Depends(limit_anonymous_writes),
    edge: EdgeSettings = Depends(get_edge_settings),
) -> dict:
    suffix = Path(file.filename or "upload").suffix.lower()
    if suffix not in {".csv", ".geojson", ".json", ".gpkg"}:
        raise BadInput(f"file {file.filename!r}: send .csv, .geojson or .gpkg", field="file", value=file.filename)
    data = await read_upload(file, edge.max_upload_bytes)

    def screen_file() -> dict:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"upload{suffix}"
            path.write_bytes(data)
            features, crs = read_batch(path, max_rows=edge.max_batch_rows)
        result = screen_batch(service.screener(as_of), features, crs, progress=False, max_vertices=edge.max_vertices)
        return {
            "summary": result.summary(),
            "rows": [
                {"name": r.name, "verdict": r.verdict, "units": r.units, "unit_classes": r.classes, "findings": r.findings, "result_id": r.result_id, "error": r.error}
                for r in result.rows
            ],
        }

    # Parsing and screening a large batch takes seconds: it runs in a bounded worker slot so
    # the event loop keeps answering /healthz and where meanwhile.
    return await run_heavy(request, screen_file)


async def read_upload(file: UploadFile, limit: int) -> bytes:
    """The uploaded file's bytes; ``TooLarge`` naming the limit past ``limit`` bytes."""
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(
            f"file {file.filename!r} is larger than the limit of {limit} bytes (ECOZONE_EDGE_MAX_UPLOAD_BYTES)",
            field="file", limit="max_upload_bytes", value=limit,
        )
    return data
