"""Read endpoints for map layers: administrative regions, reference features, a lean units layer.

These return GeoJSON sized for drawing: coordinates rounded to ``precision`` decimal degrees
(5 ≈ 1 m) and, for units, only the properties a map needs (the full record is one click away
at ``/api/v1/units/{code}`` and ``/ogc``).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from ecozone.api.deps import get_snapshot
from ecozone.api.geojson import geometry_json
from ecozone.errors import BadInput
from ecozone.geo.regions import Region, RegionLevel
from ecozone.zoning.repositories import regions as region_store
from ecozone.zoning.inforce import ZoningSnapshot

router = APIRouter(prefix="/api/v1", tags=["layers"])

PRECISION = Query(5, ge=0, le=8, description="decimal places of coordinates (5 ≈ 1 m)")


def parse_level(level: str | None) -> RegionLevel | None:
    if level is None:
        return None
    try:
        return RegionLevel(level)
    except ValueError:
        allowed = ", ".join(lvl.value for lvl in RegionLevel)
        raise BadInput(f"level {level!r} is not one of {allowed}", field="level", value=level) from None


def region_feature(region: Region, with_geometry: bool, precision: int) -> dict:
    """A region as a GeoJSON Feature with its bounding box (for zooming to it)."""
    return {
        "type": "Feature",
        "id": region.code,
        "bbox": [round(v, 6) for v in region.geometry.bounds],
        "geometry": geometry_json(region.geometry, precision) if with_geometry else None,
        "properties": {
            "code": region.code,
            "name": region.name,
            "name_en": region.name_en,
            "level": region.level.value,
            "parent_code": region.parent_code,
        },
    }


@router.get("/regions", summary="Administrative regions, optionally of one level or parent (GeoJSON)")
def list_regions(
    level: str | None = Query(None, description="province | city | county"),
    parent: str | None = Query(None, description="GB/T 2260 code of the parent region"),
    geometry: bool = Query(True, description="include outlines (false: codes, names and bbox only)"),
    precision: int = PRECISION,
    snapshot: ZoningSnapshot = Depends(get_snapshot),
) -> dict:
    wanted = parse_level(level)
    regions = [
        r
        for r in snapshot.regions.regions
        if (wanted is None or r.level == wanted) and (parent is None or r.parent_code == parent)
    ]
    return {"type": "FeatureCollection", "features": [region_feature(r, geometry, precision) for r in regions]}


@router.get("/features", summary="Reference features (rivers, lakes, zones …), optionally of some kinds (GeoJSON)")
def list_features(
    request: Request,
    kind: list[str] | None = Query(None, description="river, lake, zone, … (repeatable)"),
    precision: int = PRECISION,
) -> dict:
    with request.app.state.engine.connect() as conn:
        features = region_store.load_features(conn, kind)
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": f.key,
                "geometry": geometry_json(f.geometry, precision),
                "properties": {"key": f.key, "kind": f.kind, "name": f.name, "name_en": f.name_en, "attributes": f.attributes},
            }
            for f in features
        ],
    }


@router.get("/map/units", summary="Units in force for drawing: code, name and class only (GeoJSON)")
def map_units(precision: int = PRECISION, snapshot: ZoningSnapshot = Depends(get_snapshot)) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": u.code,
                "geometry": geometry_json(u.geometry, precision),
                "properties": {"code": u.code, "name": u.name, "class": int(u.unit_class), "county_code": u.county_code},
            }
            for u in snapshot.units
        ],
        "as_of": snapshot.as_of.isoformat(),
        "demo": snapshot.demo,
    }
