"""Stations and sections: read a CSV, place each in county, unit and grid cell, store them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import Engine

from ecozone.errors import BadInput
from ecozone.monitoring.model import Station, StationKind
from ecozone.monitoring.placement import place_point
from ecozone.store.geometry import point_of
from ecozone.monitoring.repositories import stations as station_store
from ecozone.zoning.inforce import SnapshotCache

STATION_COLUMNS = ("code", "name", "kind", "lon", "lat")
KINDS = ", ".join(k.value for k in StationKind)


def _coordinate(raw: str, name: str, where: str) -> float:
    try:
        return float(raw)
    except (TypeError, ValueError):
        raise BadInput(f"{where}: {name} {raw!r} is not a number", field=name, value=raw) from None


def station_from_record(record: dict[str, str], where: str) -> Station:
    """One station from a CSV/JSON record; extra columns become attributes."""
    code = (record.get("code") or "").strip()
    name = (record.get("name") or "").strip()
    if not code or not name:
        raise BadInput(f"{where}: code and name are required", field="code" if not code else "name")
    try:
        kind = StationKind((record.get("kind") or "").strip())
    except ValueError:
        raise BadInput(f"{where}: kind {record.get('kind')!r} is not one of {KINDS}", field="kind", value=record.get("kind")) from None
    lon = _coordinate(record.get("lon"), "lon", where)
    lat = _coordinate(record.get("lat"), "lat", where)
    point = point_of(lon, lat)
    extra = {k: v for k, v in record.items() if k not in STATION_COLUMNS and k and v not in (None, "")}
    return Station(code=code, name=name, kind=kind, geometry=point, attributes=extra)


def stations_from_csv(text: str, source: str = "CSV") -> list[Station]:
    """Stations from a CSV with header code,name,kind,lon,lat[,more…]; errors name the line."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in STATION_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise BadInput(f"{source}: header lacks column(s) {', '.join(missing)}", field="header", value=",".join(missing))
    items = [station_from_record(r, f"{source} line {reader.line_num}") for r in reader]
    codes = [s.code for s in items]
    duplicate = next((c for c in codes if codes.count(c) > 1), None)
    if duplicate:
        raise BadInput(f"{source}: station code {duplicate!r} appears twice", field="code", value=duplicate)
    return items


def save_stations(engine: Engine, snapshots: SnapshotCache, items: list[Station]) -> dict:
    """Place and store stations (new ones inserted, known codes updated) in one transaction."""
    snapshot = snapshots.get()
    with engine.begin() as conn:
        for s in items:
            where = place_point(conn, snapshot, s.geometry.x, s.geometry.y)
            s.region_code, s.unit_code, s.grid_cell_id = where.region_code, where.unit_code, where.grid_cell_id
        inserted, updated = station_store.upsert_stations(conn, items)
    return {"inserted": inserted, "updated": updated, "unplaced": [s.code for s in items if s.region_code is None]}


def import_stations_file(engine: Engine, snapshots: SnapshotCache, path: Path) -> dict:
    """Read, place and store the stations of a CSV file."""
    if not path.exists():
        raise BadInput(f"file {str(path)!r} does not exist", field="file", value=str(path))
    return save_stations(engine, snapshots, stations_from_csv(path.read_text(encoding="utf-8"), path.name))
