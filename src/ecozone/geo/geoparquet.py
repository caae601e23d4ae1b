"""GeoParquet 1.1 files (WKB geometry column with ``geo`` metadata) through pyarrow.

Used for batch results written in parts: a columnar file per part that GeoPandas, GDAL (≥ 3.5),
DuckDB and QGIS read, and that the parts of one run can be read as one dataset.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import shapely
from pyproj import CRS

from ecozone.errors import BadInput
from ecozone.geo.io import VectorTable

GEOPARQUET_VERSION = "1.1.0"
GEOMETRY_COLUMN = "geometry"


def _geo_metadata(geometries: np.ndarray, crs: str) -> dict:
    present = geometries[~shapely.is_missing(geometries)]
    types = sorted({g.geom_type for g in present})
    column = {
        "encoding": "WKB",
        "geometry_types": types,
        # Coordinates are x/y (longitude, latitude) whatever the axis order the CRS declares.
        "crs": CRS.from_user_input(crs).to_json_dict(),
    }
    if len(present):
        column["bbox"] = shapely.total_bounds(present).tolist()
    return {"version": GEOPARQUET_VERSION, "primary_column": GEOMETRY_COLUMN, "columns": {GEOMETRY_COLUMN: column}}


def write_geoparquet(path: Path, geometries: list[shapely.Geometry | None], columns: dict[str, list], crs: str) -> None:
    """Write attribute columns and a WKB geometry column (missing geometries as null)."""
    if GEOMETRY_COLUMN in columns:
        raise BadInput(f"a column may not be called {GEOMETRY_COLUMN!r}", field="columns", value=GEOMETRY_COLUMN)
    array = np.asarray(geometries, dtype=object)
    wkb = shapely.to_wkb(array, output_dimension=2) if len(array) else np.asarray([], dtype=object)
    table = pa.table({**columns, GEOMETRY_COLUMN: pa.array(list(wkb), type=pa.binary())})
    metadata = {**(table.schema.metadata or {}), b"geo": json.dumps(_geo_metadata(array, crs)).encode("utf-8")}
    pq.write_table(table.replace_schema_metadata(metadata), str(path))


def read_geoparquet(path: Path) -> VectorTable:
    """Read a GeoParquet file's primary geometry (WKB) and its other columns."""
    path = Path(path)
    try:
        table = pq.read_table(str(path))
    except (OSError, pa.ArrowInvalid) as exc:
        raise BadInput(f"{path.name} is not a readable Parquet file: {exc}", field="file", value=str(path)) from exc
    raw = (table.schema.metadata or {}).get(b"geo")
    if raw is None:
        raise BadInput(f"{path.name} is Parquet without GeoParquet metadata (no 'geo' key)", field="file", value=str(path))
    geo = json.loads(raw)
    name = geo.get("primary_column", GEOMETRY_COLUMN)
    column = geo.get("columns", {}).get(name, {})
    if column.get("encoding", "WKB").upper() != "WKB":
        raise BadInput(f"{path.name}: geometry encoding {column['encoding']!r} is not supported (WKB only)", field="file", value=column["encoding"])
    crs = column.get("crs", "OGC:CRS84")
    crs_name = CRS.from_user_input(crs).to_string() if crs is not None else None
    geometries = shapely.from_wkb(np.asarray(table.column(name).to_pylist(), dtype=object))
    columns = {c: table.column(c).to_pylist() for c in table.column_names if c != name}
    return VectorTable(list(geometries), columns, crs_name, path)
