"""Monitoring pages: the station map with AQI colours, a station's time series, the public 12369
complaint form, and the staff desk (alert inbox and complaints) for role ``monitor``.

Pages only read; every change goes through the monitoring API (``monitoring.js``).
"""

from __future__ import annotations

import datetime as dt
import json

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ecozone import clock
from ecozone.auth.roles import Role
from ecozone.monitoring.latest import latest_aqi
from ecozone.monitoring.repositories import alerts as alert_store
from ecozone.monitoring.repositories import complaints as complaint_store
from ecozone.monitoring.repositories import observations as observation_store
from ecozone.monitoring.repositories import stations as station_store
from ecozone.web.deps import WebRoute, page_user, render, to_login, translator_for
from ecozone.web.series_chart import series_svg

router = APIRouter(prefix="/monitoring", route_class=WebRoute, include_in_schema=False)
SERIES_DAYS = 7


def _stations_json(request: Request) -> list[dict]:
    engine = request.app.state.engine
    aqi = latest_aqi(engine)
    with engine.connect() as conn:
        stations = station_store.load_stations(conn)
    return [{**s.summary(), "latest": aqi.get(s.id)} for s in stations]


@router.get("", response_class=HTMLResponse)
def station_map(request: Request) -> HTMLResponse:
    t, _ = translator_for(request)
    stations = _stations_json(request)
    config = {"stations": stations, "root": request.scope.get("root_path", ""), "lang": t.lang}
    return render(request, "monitoring/map.html", {"stations": stations, "config_json": json.dumps(config, ensure_ascii=False)})


@router.get("/stations/{code}", response_class=HTMLResponse)
def station_page(request: Request, code: str, parameter: str = "pm25") -> HTMLResponse:
    engine = request.app.state.engine
    with engine.connect() as conn:
        station = station_store.get_station(conn, code)
        parameters = sorted({p for sid, p in observation_store.series_keys(conn) if sid == station.id})
        series = observation_store.load_series(conn, station.id, parameter.lower())
    if series:
        since = series[-1][0] - dt.timedelta(days=SERIES_DAYS)
        series = [(at, v) for at, v in series if at >= since]
    t, _ = translator_for(request)
    names = {p: t(f"monitoring.param.{p}") for p in parameters if t(f"monitoring.param.{p}") != f"monitoring.param.{p}"}
    return render(request, "monitoring/station.html", {
        "station": station, "parameter": parameter.lower(), "parameters": parameters, "points": series, "parameter_names": names,
        "chart": series_svg(series, parameter.lower()), "latest": latest_aqi(engine).get(station.id),
    })


@router.get("/complaint", response_class=HTMLResponse)
def complaint_form(request: Request) -> HTMLResponse:
    t, _ = translator_for(request)
    config = {"root": request.scope.get("root_path", ""), "messages": {k: t(k) for k in ("monitoring.complaint.sent", "monitoring.complaint.pick")}}
    return render(request, "monitoring/complaint.html", {"config_json": json.dumps(config, ensure_ascii=False)})


@router.get("/desk", response_class=HTMLResponse)
def staff_desk(request: Request) -> Response:
    user = page_user(request)
    if user is None:
        return to_login(request)
    if not user.has_role(Role.MONITOR):
        return render(request, "error.html", {"status": 403, "message": translator_for(request)[0]("monitoring.desk.forbidden")}, 403)
    now = clock.utc_now()
    with request.app.state.engine.connect() as conn:
        alerts = alert_store.list_alerts(conn)
        complaints = complaint_store.list_complaints(conn)
    for c in complaints:
        due = c["due_at"] if c["due_at"].tzinfo else c["due_at"].replace(tzinfo=dt.UTC)
        c["overdue"] = c["status"] != "closed" and due < now
    return render(request, "monitoring/desk.html", {"user": user, "alerts": alerts, "complaints": complaints})
