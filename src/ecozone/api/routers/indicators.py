"""Plan indicators: plans, their evaluation from stored observations, reports, and uploads."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile, status
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Engine

from ecozone.clock import utc_now
from ecozone.api.auth import require_role
from ecozone.api.deps import get_engine
from ecozone.auth.model import User
from ecozone.auth.roles import Role
from ecozone.indicators import list_indicators, list_plans
from ecozone.indicators.provenance import evaluation_document
from ecozone.indicators.registry import Registry, default_registry
from ecozone.indicators.stored import MAX_UPLOAD_BYTES, evaluate_stored, import_upload

router = APIRouter(prefix="/api/v1", tags=["indicators"])

PlanId = Path(..., description="Plan id, e.g. tunliu-2021-2025", pattern=r"^[a-z0-9][a-z0-9-]*$")
Year = Query(..., ge=2000, le=2100, description="Evaluation year")


def get_registry() -> Registry:
    """The plan registry (loaded once per process from ECOZONE_INDICATORS_PLANS_DIR)."""
    return default_registry()


@router.get("/plans", summary="Plans with their period, region and indicator counts by 指标属性")
def get_plans(registry: Registry = Depends(get_registry)) -> list[dict]:
    return list_plans(registry)


@router.get("/plans/{plan_id}", summary="One plan and its indicators (约束性 first)")
def get_plan(plan_id: str = PlanId, registry: Registry = Depends(get_registry)) -> dict:
    plan = registry.plan(plan_id)
    summary = next(row for row in list_plans(registry) if row["id"] == plan.id)
    return {**summary, "categories": list(plan.categories), "indicators": list_indicators(registry, plan.id)}


@router.get("/plans/{plan_id}/evaluation", summary="Status of every indicator in a year, from stored observations")
def get_evaluation(
    plan_id: str = PlanId, year: int = Year,
    registry: Registry = Depends(get_registry), engine: Engine = Depends(get_engine),
) -> dict:
    evaluation, ledger = evaluate_stored(engine, registry, plan_id, year)
    return evaluation_document(evaluation, ledger)


@router.get(
    "/plans/{plan_id}/report",
    summary="Annual tracking (年度调度), mid-term (中期评估) or final (终期考核) report, HTML or PDF",
    response_class=Response,
    responses={200: {"content": {"text/html": {}, "application/pdf": {}}}},
)
def get_report(
    request: Request,
    plan_id: str = PlanId,
    year: int = Year,
    kind: Literal["annual", "midterm", "final"] = Query("annual"),
    format: Literal["html", "pdf"] = Query("html"),
    lang: Literal["zh", "en"] | None = Query(None, description="Default: the platform's locale"),
    registry: Registry = Depends(get_registry),
    engine: Engine = Depends(get_engine),
) -> Response:
    from ecozone.documents import load_registry, registry_path
    from ecozone.indicators.report import render_report, report_filename, report_kind

    report = report_kind(kind)
    evaluation, ledger = evaluate_stored(engine, registry, plan_id, year)
    documents = load_registry(registry_path(request.app.state.settings.data_dir))
    data = render_report(evaluation, ledger, registry, report, format, lang or request.app.state.settings.locale, documents=documents, generated_at=utc_now())
    if format == "html":
        return HTMLResponse(data.decode("utf-8"))
    filename = report_filename(plan_id, year, report, format)
    return Response(data, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{filename}"'})


@router.post(
    "/observations",
    summary="Upload observations (.csv or .xlsx); all rows are stored or none",
    status_code=status.HTTP_201_CREATED,
)
def post_observations(
    file: UploadFile = File(..., description=f"CSV (UTF-8) or Excel, at most {MAX_UPLOAD_BYTES} bytes"),
    recorded_by: str | None = Form(None, description="Who records these values (default: the logged-in planner)"),
    planner: User = Depends(require_role(Role.PLANNER)),
    registry: Registry = Depends(get_registry),
    engine: Engine = Depends(get_engine),
) -> dict:
    # A plain def: FastAPI runs it in a worker thread, so the blocking read and transaction are fine.
    data = file.file.read(MAX_UPLOAD_BYTES + 1)
    result = import_upload(engine, data, file.filename or "upload.csv", registry, recorded_by or planner.username, utc_now())
    return result.as_dict()
