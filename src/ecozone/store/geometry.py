"""A geometry column type that is PostGIS ``geometry(Geometry, 4490)`` on PostgreSQL and WKB on SQLite.

Both backends hand shapely geometries in and out, so domain code never sees the difference.
"""

from __future__ import annotations

import geoalchemy2
import shapely
from geoalchemy2.elements import WKBElement
from sqlalchemy import LargeBinary
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from ecozone.errors import BadInput
from ecozone.geo.crs import STORAGE_EPSG


class GeometryColumn(TypeDecorator):
    """Shapely geometry stored as PostGIS geometry (SRID 4490) or SQLite WKB."""

    impl = LargeBinary
    cache_ok = True
    # GeoAlchemy2's DDL hooks inspect every column; we create GiST indexes ourselves.
    spatial_index = False

    def load_dialect_impl(self, dialect: Dialect | None) -> TypeEngine:
        if dialect is not None and dialect.name == "postgresql":
            return dialect.type_descriptor(
                geoalchemy2.Geometry("GEOMETRY", srid=STORAGE_EPSG, spatial_index=False)
            )
        return LargeBinary() if dialect is None else dialect.type_descriptor(LargeBinary())

    def process_bind_param(self, value: shapely.Geometry | None, dialect: Dialect):
        if value is None:
            return None
        wkb = shapely.to_wkb(value)
        return WKBElement(wkb, srid=STORAGE_EPSG) if dialect.name == "postgresql" else wkb

    def process_result_value(self, value, dialect: Dialect) -> shapely.Geometry | None:
        if value is None:
            return None
        raw = value.data if isinstance(value, WKBElement) else value
        return shapely.from_wkb(bytes(raw))


def point_of(lon: float, lat: float) -> shapely.Point:
    """A storage point, checked to be lon/lat."""
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise BadInput(f"coordinate ({lon}, {lat}) is not lon/lat in degrees", field="lon,lat", value=f"{lon},{lat}")
    return shapely.Point(lon, lat)
