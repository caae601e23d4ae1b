"""Checks on geometries and files from outside, before any geometry work runs on them.

Non-finite coordinates (NaN, Infinity, 1e400 read as infinity) make GEOS fail deep inside an
overlay, and a geometry or archive of unbounded size stalls the server; both are refused here
with the value or limit named.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import shapely

from ecozone.errors import BadInput, TooLarge


def check_coordinates(geometry: shapely.Geometry, field: str = "geometry", max_vertices: int | None = None) -> None:
    """Refuse NaN or infinite coordinates and, when ``max_vertices`` is given, more vertices."""
    count = int(shapely.get_num_coordinates(geometry))
    if max_vertices is not None and count > max_vertices:
        raise TooLarge(
            f"{field} has {count} vertices, more than the limit of {max_vertices}",
            field=field, limit="max_vertices", value=max_vertices,
        )
    coordinates = shapely.get_coordinates(geometry, include_z=bool(shapely.has_z(geometry)))
    bad = ~np.isfinite(coordinates)
    if bad.any():
        row = coordinates[np.argwhere(bad)[0][0]]
        shown = ", ".join(str(float(v)) for v in row)
        raise BadInput(f"{field} has a coordinate that is not a finite number: [{shown}]", field=field, value=f"[{shown}]")


def check_archive_size(path: Path, max_uncompressed_bytes: int) -> None:
    """Refuse a zip whose members would unpack to more than ``max_uncompressed_bytes``
    (a zip bomb), judged from its directory before anything is unpacked."""
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise BadInput(f"file {path.name} is not a readable zip archive: {exc}", field="file", value=path.name) from exc
    if total > max_uncompressed_bytes:
        raise TooLarge(
            f"file {path.name} unpacks to {total} bytes, more than the limit of {max_uncompressed_bytes}",
            field="file", limit="max_uncompressed_bytes", value=max_uncompressed_bytes,
        )
