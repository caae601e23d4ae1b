"""Coordinate reference systems: what ecozone stores, and how input CRSs are brought to it.

Storage is CGCS2000 geographic (EPSG:4490), lon/lat. EPSG:4326 (WGS84) input is taken as equal
to CGCS2000: the two frames differ by centimetres, far below the accuracy of any zoning
boundary. GCJ-02 (the obfuscated frame of Chinese web maps) must be declared and is converted.
Projected input must carry its CRS and is transformed with pyproj.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from ecozone.errors import BadInput

STORAGE_EPSG = 4490
STORAGE_CRS = f"EPSG:{STORAGE_EPSG}"
GCJ02 = "GCJ-02"

# Names under which clients declare the frames we treat as the storage frame.
_GEOGRAPHIC_ALIASES = {
    "EPSG:4490",
    "EPSG:4326",
    "WGS84",
    "CGCS2000",
    "CRS84",
    "OGC:CRS84",
    "URN:OGC:DEF:CRS:OGC:1.3:CRS84",
    "URN:OGC:DEF:CRS:EPSG::4326",
    "URN:OGC:DEF:CRS:EPSG::4490",
    "HTTP://WWW.OPENGIS.NET/DEF/CRS/OGC/1.3/CRS84",
    "HTTP://WWW.OPENGIS.NET/DEF/CRS/EPSG/0/4326",
    "HTTP://WWW.OPENGIS.NET/DEF/CRS/EPSG/0/4490",
}


def normalize_crs_name(crs: str | None) -> str:
    """Return ``STORAGE_CRS``, ``GCJ02`` or the given CRS string; ``None`` means storage."""
    if crs is None or not str(crs).strip():
        return STORAGE_CRS
    name = str(crs).strip()
    upper = name.upper()
    if upper in _GEOGRAPHIC_ALIASES:
        return STORAGE_CRS
    if upper.replace("_", "-") in {"GCJ-02", "GCJ02"}:
        return GCJ02
    return name


@lru_cache(maxsize=64)
def _transformer_to_storage(crs: str) -> Transformer:
    try:
        source = CRS.from_user_input(crs)
    except CRSError as exc:
        raise BadInput(f"unknown CRS {crs!r}", field="crs", value=crs) from exc
    return Transformer.from_crs(source, STORAGE_CRS, always_xy=True)


def to_storage_crs(geometry: shapely.Geometry, crs: str | None) -> shapely.Geometry:
    """Return ``geometry`` (given in ``crs``) in EPSG:4490 lon/lat."""
    name = normalize_crs_name(crs)
    if name == STORAGE_CRS:
        return geometry
    if name == GCJ02:
        from ecozone.geo.gcj02 import gcj02_to_wgs84

        return shapely.transform(geometry, lambda xy: np.column_stack(gcj02_to_wgs84(xy[:, 0], xy[:, 1])))
    transformer = _transformer_to_storage(name)
    return shapely.transform(
        geometry, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))
    )


def check_lonlat(lon: float, lat: float) -> None:
    """Raise ``BadInput`` naming the value when lon/lat is not a geographic coordinate."""
    if not np.isfinite(lon) or not -180.0 <= lon <= 180.0:
        raise BadInput(f"longitude {lon} is out of range [-180, 180]", key="coordinate.out_of_range", field="lon", value=lon)
    if not np.isfinite(lat) or not -90.0 <= lat <= 90.0:
        raise BadInput(f"latitude {lat} is out of range [-90, 90]", key="coordinate.out_of_range", field="lat", value=lat)
