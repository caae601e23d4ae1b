"""GeoJSON encoding of domain records for the API."""

from __future__ import annotations

import shapely
import shapely.geometry

from ecozone.zoning.lookup import unit_summary
from ecozone.zoning.model import ControlUnit


def geometry_json(geometry: shapely.Geometry, precision: int | None = None) -> dict:
    if precision is not None:
        geometry = shapely.set_precision(geometry, 10**-precision)
    return shapely.geometry.mapping(geometry)


def unit_feature(unit: ControlUnit, with_geometry: bool = True, precision: int | None = 6) -> dict:
    """A unit as a GeoJSON Feature whose id is the unit code."""
    return {
        "type": "Feature",
        "id": unit.code,
        "geometry": geometry_json(unit.geometry, precision) if with_geometry else None,
        "properties": unit_summary(unit),
    }
