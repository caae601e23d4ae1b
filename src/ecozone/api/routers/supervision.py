"""Supervision and ledgers over HTTP: clue import, the worklist to closure, the yearly summary;
ledger sources, draws and balances. Staff with the ``monitor`` or ``reviewer`` role."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from ecozone.clock import utc_now
from ecozone.api.auth import require_role
from ecozone.api.deps import get_engine
from ecozone.auth.model import User
from ecozone.errors import BadInput
from ecozone.ledgers import balance as ledger_balance
from ecozone.ledgers import repository as ledger_store
from ecozone.ledgers.draws import add_source, draw_for_screening
from ecozone.monitoring.complaints import Photo
from ecozone.monitoring.settings import MonitoringSettings, get_monitoring_settings
from ecozone.supervision import repository as clue_store
from ecozone.supervision.clue_input import read_clue_file
from ecozone.supervision.clues import clue_summary, import_clues
from ecozone.supervision.settings import get_supervision_settings
from ecozone.supervision.summary import yearly_summary
from ecozone.supervision.worklist import assign, close, record_inspection, worklist

router = APIRouter(prefix="/api/v1", tags=["supervision"])
STAFF = Depends(require_role("monitor", "reviewer"))
SUFFIXES = {".geojson", ".json", ".gpkg", ".csv"}


def _now() -> dt.datetime:
    return utc_now()


class AssignIn(BaseModel):
    inspector: str


class CloseIn(BaseModel):
    note: str = ""


class SourceIn(BaseModel):
    code: str
    region_code: str
    resource: str = Field(description="coal | so2 | nox | vocs | particulate | capacity")
    kind: str = Field(description="closure | retrofit")
    amount: float
    effective_on: dt.date
    document: str
    industry: str | None = None
    note: str = ""


class DrawIn(BaseModel):
    screening_id: str
    approval: str


@router.post("/clues/import", summary="Import a clue file; each clue screened on the zoning in force on its observed date")
async def post_clues(
    request: Request,
    file: UploadFile = File(...),
    source: str = Form(..., description="satellite | drone | complaint | permit"),
    observed: dt.date | None = Form(None),
    crs: str | None = Form(None),
    user: User = STAFF,
    engine: Engine = Depends(get_engine),
) -> dict:
    suffix = Path(file.filename or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise BadInput(f"file {file.filename!r}: expected one of {', '.join(sorted(SUFFIXES))}", field="file", value=file.filename)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"clues{suffix}"
        path.write_bytes(await file.read())
        items = read_clue_file(path, observed, crs)
    service = request.app.state.screening
    return {"clues": import_clues(engine, service, get_supervision_settings(), items, source, user.username, _now())}


@router.get("/clues", summary="The worklist: high priority and earliest due first, overdue marked")
def get_clues(
    county: str | None = None, status: str | None = None, _user: User = STAFF, engine: Engine = Depends(get_engine)
) -> dict:
    return {"clues": worklist(engine, _now(), county, status), "time_limits": get_supervision_settings().time_limits()}


@router.get("/clues/summary", summary="Yearly summary: clues, confirmed, by unit class and rule (成果应用评估)")
def get_clue_summary(year: int = Query(..., ge=2000, le=2100), _user: User = STAFF, engine: Engine = Depends(get_engine)) -> dict:
    return yearly_summary(engine, year)


@router.get("/clues/{clue_id}", summary="One clue with findings, audit trail and photos")
def get_clue(clue_id: int, _user: User = STAFF, engine: Engine = Depends(get_engine)) -> dict:
    with engine.connect() as conn:
        return clue_summary(clue_store.get_clue(conn, clue_id))


@router.post("/clues/{clue_id}/assign", summary="Assign a clue to an inspector")
def post_assign(clue_id: int, body: AssignIn, user: User = STAFF, engine: Engine = Depends(get_engine)) -> dict:
    return assign(engine, clue_id, body.inspector, user.username, _now())


@router.post("/clues/{clue_id}/inspection", summary="Record the 现场检查 result with notes and photos")
async def post_inspection(
    clue_id: int,
    result: str = Form(..., description="confirmed | not_a_problem | rectified"),
    notes: str = Form(...),
    photos: list[UploadFile] = File(default_factory=list),
    user: User = STAFF,
    engine: Engine = Depends(get_engine),
    settings: MonitoringSettings = Depends(get_monitoring_settings),
) -> dict:
    read = [Photo(p.filename or "photo", p.content_type or "", await p.read()) for p in photos]
    return record_inspection(engine, clue_id, result, notes, user.username, _now(), read, settings.media_dir, settings.max_photo_bytes)


@router.post("/clues/{clue_id}/close", summary="Close an inspected clue (办结)")
def post_close(clue_id: int, body: CloseIn, user: User = STAFF, engine: Engine = Depends(get_engine)) -> dict:
    return close(engine, clue_id, user.username, body.note, _now())


@router.get("/ledgers/sources", summary="Ledger sources of a region (a city code includes its counties)")
def get_sources(region: str | None = None, resource: str | None = None, _user: User = STAFF, engine: Engine = Depends(get_engine)) -> dict:
    with engine.connect() as conn:
        prefix = ledger_balance.region_prefix(region) if region else None
        return {"sources": [{**s.summary(), "drawn_by": s.drawn_by} for s in ledger_store.list_sources(conn, prefix, resource)]}


@router.post("/ledgers/sources", summary="Bank a verified reduction (closure or retrofit) with its document")
def post_source(body: SourceIn, user: User = STAFF, engine: Engine = Depends(get_engine)) -> dict:
    return add_source(engine, **body.model_dump(exclude={"region_code"}), region_code=body.region_code, actor=user.username, now=_now())


@router.post("/ledgers/draws", summary="Draw the sources a stored screening showed sufficient, tied to the approval")
def post_draw(body: DrawIn, user: User = STAFF, engine: Engine = Depends(get_engine)) -> dict:
    return draw_for_screening(engine, body.screening_id, body.approval, user.username, _now())


@router.get("/ledgers/balance", summary="Balance per resource of a region up to the end of a year (json, html or pdf)")
def get_balance(
    region: str,
    year: int = Query(..., ge=2000, le=2100),
    format: str = Query("json", pattern="^(json|html|pdf)$"),
    lang: str = Query("zh", pattern="^(zh|en)$"),
    _user: User = STAFF,
    engine: Engine = Depends(get_engine),
):
    data = ledger_balance.balance(engine, region, year)
    if format == "html":
        return HTMLResponse(ledger_balance.balance_html(data, lang, generated_at=utc_now()))
    if format == "pdf":
        return Response(ledger_balance.balance_pdf(data, lang, generated_at=utc_now()), media_type="application/pdf")
    return data
