"""Small read and upload endpoints the public self-screening page needs.

The attribute vocabulary rules read, and the outline of an uploaded GeoPackage or zipped
Shapefile turned into a CGCS2000 GeoJSON geometry the page can draw and screen.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import shapely
import shapely.geometry
from fastapi import APIRouter, Depends, File, Request, UploadFile

from ecozone.api.auth import limit_anonymous_writes
from ecozone.api.deps import get_edge_settings
from ecozone.api.heavy import run_heavy
from ecozone.api.routers.screening import read_upload
from ecozone.api.settings import EdgeSettings
from ecozone.auth.model import User
from ecozone.errors import BadInput
from ecozone.geo.checks import check_coordinates
from ecozone.geo.crs import STORAGE_CRS, to_storage_crs
from ecozone.geo.io import read_vector
from ecozone.zoning.project_vocabulary import load_vocabulary

router = APIRouter(prefix="/api/v1", tags=["screening"])

OUTLINE_SUFFIXES = (".gpkg", ".zip", ".geojson", ".json")
PROJECT_FIELDS = ("name", "industry", "nature")


@router.get("/project-vocabulary", summary="The project attributes and kinds screening rules read")
def project_vocabulary() -> dict:
    vocabulary = load_vocabulary()
    return {
        "attributes": [
            {
                "key": key,
                "type": spec.type,
                "label": spec.label,
                "unit": spec.unit,
                "hint": spec.hint,
                "choices": [{"value": v, "label": label} for v, label in spec.choices.items()],
            }
            for key, spec in vocabulary.attributes.items()
        ],
        "kinds": [{"id": kind_id, "name": spec.name, "description": spec.description} for kind_id, spec in vocabulary.kinds.items()],
    }


def outline_of(geometries: list[shapely.Geometry | None], crs: str | None, filename: str, max_vertices: int | None = None) -> shapely.Geometry:
    """One project outline in CGCS2000 from a file's geometries (several parts are merged)."""
    parts = [g for g in geometries if g is not None and not g.is_empty]
    if not parts:
        raise BadInput(f"file {filename!r} holds no geometry", field="file", value=filename)
    check_coordinates(shapely.GeometryCollection(parts), "file", max_vertices)
    outline = parts[0] if len(parts) == 1 else shapely.union_all(parts)
    if outline.geom_type == "GeometryCollection":
        raise BadInput(f"file {filename!r} mixes points, lines and polygons; send one kind of outline", field="file", value=filename)
    return to_storage_crs(outline, crs)


@router.post("/outlines", summary="Read a project outline (.gpkg, zipped .shp or .geojson) as a CGCS2000 GeoJSON Feature")
async def read_outline(
    request: Request,
    file: Annotated[UploadFile, File(description=".gpkg, .zip (Shapefile) or .geojson")],
    _user: User | None = Depends(limit_anonymous_writes),
    edge: EdgeSettings = Depends(get_edge_settings),
) -> dict:
    filename = file.filename or "upload"
    suffix = Path(filename).suffix.lower()
    if suffix not in OUTLINE_SUFFIXES:
        raise BadInput(f"file {filename!r}: send {', '.join(OUTLINE_SUFFIXES)}", field="file", value=filename)
    data = await read_upload(file, edge.max_upload_bytes)
    # GDAL parsing runs in a bounded worker slot; a zip is refused from its directory when it
    # would unpack to more than the upload limit.
    return await run_heavy(request, outline_feature, data, suffix, filename, edge)


def outline_feature(data: bytes, suffix: str, filename: str, edge: EdgeSettings) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"outline{suffix}"
        path.write_bytes(data)
        table = read_vector(path, max_uncompressed_bytes=edge.max_upload_bytes)
    outline = outline_of(table.geometries, table.crs, filename, edge.max_vertices)
    return {
        "type": "Feature",
        "geometry": shapely.geometry.mapping(outline),
        "properties": {
            "file": filename,
            "features": len(table),
            "source_crs": table.crs or STORAGE_CRS,
            "project": project_fields(table.row(0)) if len(table) else {},
        },
    }


def project_fields(row: dict) -> dict:
    """The project description a file may carry in its first feature (name, industry, nature)."""
    return {key: str(row[key]) for key in PROJECT_FIELDS if row.get(key) not in (None, "")}
