"""Place a point (station, complaint) in its county, the control unit in force and its grid cell."""

from __future__ import annotations

from dataclasses import dataclass

import shapely
from sqlalchemy import Connection

from ecozone.geo.regions import RegionLevel
from ecozone.monitoring.model import GridCell
from ecozone.monitoring.repositories import grids as grid_store
from ecozone.zoning.inforce import ZoningSnapshot


@dataclass(frozen=True)
class Placement:
    """Where a point lies and who is responsible there (None where nothing covers it)."""

    region_code: str | None
    unit_code: str | None
    grid_cell_id: int | None
    grid_cell_code: str | None
    responsible_id: int | None


def unit_code_at(snapshot: ZoningSnapshot, lon: float, lat: float) -> str | None:
    """The unit in force at the point; where units overlap the strictest class (1 优先保护) wins."""
    units = snapshot.units_at(lon, lat)
    if not units:
        return None
    return min(units, key=lambda u: (int(u.unit_class), u.code)).code


def cell_at(cells: list[GridCell], lon: float, lat: float) -> tuple[GridCell | None, int | None]:
    """The finest cell covering the point, and the responsible person (its own or its large cell's)."""
    point = shapely.Point(lon, lat)
    covering = [c for c in cells if shapely.covers(c.geometry, point)]
    if not covering:
        return None, None
    covering.sort(key=lambda c: (c.level != "small", c.id or 0))
    finest = covering[0]
    responsible = next((c.responsible_id for c in covering if c.responsible_id is not None), None)
    return finest, responsible


def place_point(conn: Connection, snapshot: ZoningSnapshot, lon: float, lat: float) -> Placement:
    """County, unit in force, grid cell and responsible person at (lon, lat)."""
    county = snapshot.regions.at_point(lon, lat).get(RegionLevel.COUNTY)
    cells = grid_store.load_cells(conn, county_code=county.code) if county else []
    cell, responsible = cell_at(cells, lon, lat)
    return Placement(
        region_code=county.code if county else None,
        unit_code=unit_code_at(snapshot, lon, lat),
        grid_cell_id=cell.id if cell else None,
        grid_cell_code=cell.code if cell else None,
        responsible_id=responsible,
    )
