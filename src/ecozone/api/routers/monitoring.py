"""Monitoring: stations, observation ingest, series, alerts, grids, 12369 complaints."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from ecozone.clock import utc_now
from ecozone.api.auth import require_role
from ecozone.api.deps import RowId, get_engine, get_snapshots
from ecozone.auth.model import User
from ecozone.monitoring import alert_runs
from ecozone.monitoring.alerts import load_rules
from ecozone.monitoring.complaints import ComplaintInput, Photo, record_progress, submit_complaint
from ecozone.monitoring.grids import GridShape, generate_grid
from ecozone.monitoring.ingest import ingest_batch
from ecozone.monitoring.observations import batch_from_records
from ecozone.monitoring.settings import MonitoringSettings, get_monitoring_settings
from ecozone.monitoring.stations import save_stations, station_from_record
from ecozone.errors import BadInput
from ecozone.monitoring.repositories import alerts as alert_store
from ecozone.monitoring.repositories import complaints as complaint_store
from ecozone.monitoring.repositories import grids as grid_store
from ecozone.monitoring.repositories import observations as observation_store
from ecozone.monitoring.repositories import stations as station_store
from ecozone.zoning.inforce import SnapshotCache

router = APIRouter(prefix="/api/v1", tags=["monitoring"])


# Staff routes need the monitor role; station lists, series and complaint intake are public.
MONITOR = Depends(require_role("monitor"))


class ObservationIn(BaseModel):
    station: str
    parameter: str
    observed_at: str = Field(description="ISO 8601; without an offset it is Beijing time")
    value: float | str
    flag: str | None = None


class IngestIn(BaseModel):
    observations: list[ObservationIn]


class StationIn(BaseModel):
    code: str
    name: str
    kind: str
    lon: float
    lat: float
    attributes: dict = Field(default_factory=dict)


class StatusIn(BaseModel):
    status: str = Field(description="acknowledged | closed")
    note: str = ""


class GridIn(BaseModel):
    county_code: str
    rows: int = 4
    columns: int = 5
    small_rows: int = 6
    small_columns: int = 6


class ProgressIn(BaseModel):
    action: str = Field(description="progress | closed")
    note: str = ""


@router.post("/observations/ingest", summary="Store a batch of observations (idempotent by station+parameter+time)")
def post_ingest(body: IngestIn, _user: User = MONITOR, engine: Engine = Depends(get_engine), settings: MonitoringSettings = Depends(get_monitoring_settings)) -> dict:
    if len(body.observations) > settings.ingest_max_batch:
        raise BadInput(f"batch of {len(body.observations)} rows exceeds {settings.ingest_max_batch}", field="observations")
    batch = batch_from_records((o.model_dump() for o in body.observations), settings.naive_timezone(), label="observations item")
    return ingest_batch(engine, batch, label="observations item").summary()


@router.get("/stations", summary="Stations with their county, unit and grid cell")
def get_stations(kind: list[str] | None = Query(None), engine: Engine = Depends(get_engine)) -> list[dict]:
    with engine.connect() as conn:
        return [s.summary() for s in station_store.load_stations(conn, kind)]


@router.post("/stations", summary="Add or update stations; each is placed in county, unit and grid cell")
def post_stations(body: list[StationIn], _user: User = MONITOR, engine: Engine = Depends(get_engine), snapshots: SnapshotCache = Depends(get_snapshots)) -> dict:
    items = [
        station_from_record({**{k: str(v) for k, v in s.model_dump(exclude={"attributes"}).items()}, **s.attributes}, f"stations item {n}")
        for n, s in enumerate(body, start=1)
    ]
    return save_stations(engine, snapshots, items)


@router.get("/stations/{code}/series", summary="One parameter of one station over a time range")
def get_series(
    code: str, parameter: str, since: dt.datetime | None = None, until: dt.datetime | None = None,
    engine: Engine = Depends(get_engine),
) -> dict:
    with engine.connect() as conn:
        station = station_store.get_station(conn, code)
        series = observation_store.load_series(conn, station.id, parameter.lower(), since, until)
    return {"station": station.summary(), "parameter": parameter.lower(), "points": [[t.isoformat(), v] for t, v in series]}


@router.get("/alerts", summary="Alert inbox, newest first")
def get_alerts(status: str | None = None, _user: User = MONITOR, engine: Engine = Depends(get_engine)) -> list[dict]:
    with engine.connect() as conn:
        return alert_store.list_alerts(conn, status)


@router.get("/alerts/{alert_id}", summary="One alert with its lifecycle events")
def get_alert(alert_id: RowId, _user: User = MONITOR, engine: Engine = Depends(get_engine)) -> dict:
    with engine.connect() as conn:
        return alert_store.get_alert(conn, alert_id)


@router.post("/alerts/{alert_id}/status", summary="Acknowledge or close an alert (who and when are recorded)")
def post_alert_status(alert_id: RowId, body: StatusIn, user: User = MONITOR, engine: Engine = Depends(get_engine)) -> dict:
    return alert_runs.change_alert_status(engine, alert_id, body.status, user.username, body.note, utc_now())


@router.post("/alerts/run", summary="Evaluate the alert rules on recent observations and send due notices")
def post_alert_run(
    hours: int = Query(24, ge=1, le=24 * 31), _user: User = MONITOR, engine: Engine = Depends(get_engine),
    settings: MonitoringSettings = Depends(get_monitoring_settings),
) -> dict:
    now = utc_now()
    with engine.connect() as conn:
        rules = load_rules(stored=alert_store.stored_alert_rules(conn))
    summary = alert_runs.run_alerts(engine, rules, now, now - dt.timedelta(hours=hours)).summary()
    return {**summary, "notices": alert_runs.deliver_notices(engine, settings, now)}


@router.get("/grids", summary="Supervision grids with cell counts")
def get_grids(county: str | None = None, _user: User = MONITOR, engine: Engine = Depends(get_engine)) -> list[dict]:
    with engine.connect() as conn:
        return grid_store.list_grids(conn, county)


@router.post("/grids", summary="Generate a county's large and small supervision cells")
def post_grid(body: GridIn, _user: User = MONITOR, engine: Engine = Depends(get_engine)) -> dict:
    shape = GridShape(body.rows, body.columns, body.small_rows, body.small_columns)
    return generate_grid(engine, body.county_code, shape, utc_now())


@router.post("/complaints", summary="12369 intake: location, text and photos; placed and routed")
async def post_complaint(
    request: Request,
    lon: float = Form(...), lat: float = Form(...), text: str = Form(...),
    category: str = Form("other"), channel: str = Form("12369"), reporter_contact: str = Form(""),
    photos: list[UploadFile] = File(default_factory=list),
    engine: Engine = Depends(get_engine), settings: MonitoringSettings = Depends(get_monitoring_settings),
) -> dict:
    read = tuple([Photo(p.filename or "photo", p.content_type or "", await p.read()) for p in photos])
    item = ComplaintInput(lon, lat, text, category, channel, reporter_contact, read)
    return submit_complaint(engine, get_snapshots(request), settings, item, utc_now())


@router.get("/complaints", summary="Complaint desk: complaints newest first")
def get_complaints(status: str | None = None, _user: User = MONITOR, engine: Engine = Depends(get_engine)) -> list[dict]:
    with engine.connect() as conn:
        return complaint_store.list_complaints(conn, status)


@router.get("/complaints/{complaint_id}", summary="One complaint with events and photos")
def get_complaint(complaint_id: RowId, _user: User = MONITOR, engine: Engine = Depends(get_engine)) -> dict:
    with engine.connect() as conn:
        return complaint_store.get_complaint(conn, complaint_id)


@router.post("/complaints/{complaint_id}/events", summary="Record progress on or close a complaint")
def post_complaint_event(complaint_id: RowId, body: ProgressIn, user: User = MONITOR, engine: Engine = Depends(get_engine)) -> dict:
    return record_progress(engine, complaint_id, body.action, user.username, body.note, utc_now())
