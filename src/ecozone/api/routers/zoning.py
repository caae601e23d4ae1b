"""Point lookup and control units in force."""

from __future__ import annotations

import math

from fastapi import APIRouter, Depends, Query

from ecozone.api.deps import get_snapshot
from ecozone.api.geojson import unit_feature
from ecozone.errors import BadInput
from ecozone.zoning.inforce import ZoningSnapshot
from ecozone.zoning.lookup import where

router = APIRouter(prefix="/api/v1", tags=["zoning"])


@router.get("/where", summary="Region and control units at a point, with their access lists")
def get_where(
    lon: float = Query(..., description="Longitude, EPSG:4490 (or 4326)", allow_inf_nan=False),
    lat: float = Query(..., description="Latitude, EPSG:4490 (or 4326)", allow_inf_nan=False),
    snapshot: ZoningSnapshot = Depends(get_snapshot),
) -> dict:
    return where(snapshot, lon, lat).to_dict()


def parse_bbox(bbox: str) -> tuple[float, float, float, float]:
    """``minlon,minlat,maxlon,maxlat`` → floats; ``BadInput`` names the value."""
    parts = bbox.split(",")
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        values = ()
    if len(values) != 4 or not all(math.isfinite(v) for v in values) or values[0] > values[2] or values[1] > values[3]:
        raise BadInput(f"bbox {bbox!r} is not minlon,minlat,maxlon,maxlat", field="bbox", value=bbox)
    return values  # type: ignore[return-value]


@router.get("/units", summary="Control units in force intersecting a bounding box (GeoJSON)")
def list_units(
    bbox: str = Query(..., description="minlon,minlat,maxlon,maxlat"),
    limit: int = Query(1000, ge=1, le=10000),
    snapshot: ZoningSnapshot = Depends(get_snapshot),
) -> dict:
    units = snapshot.units_in_bbox(parse_bbox(bbox))
    return {
        "type": "FeatureCollection",
        "features": [unit_feature(u) for u in units[:limit]],
        "numberMatched": len(units),
        "numberReturned": min(len(units), limit),
        "release": [r.summary() for r in snapshot.releases],
    }


@router.get("/units/{code}", summary="One control unit in force (GeoJSON Feature)")
def get_unit(code: str, snapshot: ZoningSnapshot = Depends(get_snapshot)) -> dict:
    unit = snapshot.unit(code)
    feature = unit_feature(unit)
    release = snapshot.release(unit.release_id)
    feature["properties"]["release"] = release.summary() if release else None
    return feature
