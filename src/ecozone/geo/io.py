"""Reading and writing vector files (GeoJSON, GeoPackage, zipped Shapefile) through pyogrio/GDAL."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyogrio
import shapely
from pyogrio.errors import DataSourceError

from ecozone.errors import BadInput
from ecozone.geo.checks import check_archive_size

SUPPORTED_SUFFIXES = (".geojson", ".json", ".gpkg", ".zip", ".shp")


@dataclass
class VectorTable:
    """Features read from a file: geometries (in the file's CRS), attribute columns, the CRS."""

    geometries: list[shapely.Geometry | None]
    columns: dict[str, list]
    crs: str | None
    path: Path

    def __len__(self) -> int:
        return len(self.geometries)

    def row(self, i: int) -> dict:
        return {name: values[i] for name, values in self.columns.items()}


def _gdal_path(path: Path) -> str:
    if path.suffix.lower() == ".zip":
        return f"/vsizip/{path}"
    return str(path)


def read_vector(path: Path, encoding: str | None = None, max_uncompressed_bytes: int | None = None) -> VectorTable:
    """Read every feature of the first layer; ``BadInput`` names the file when GDAL can't read it.

    ``max_uncompressed_bytes`` refuses (``TooLarge``) a zip that would unpack to more."""
    path = Path(path)
    if not path.exists():
        raise BadInput(f"file {path} does not exist", field="file", value=str(path))
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise BadInput(
            f"file {path.name} is not a supported vector format ({', '.join(SUPPORTED_SUFFIXES)})",
            field="file",
            value=str(path),
        )
    if max_uncompressed_bytes is not None and path.suffix.lower() == ".zip":
        check_archive_size(path, max_uncompressed_bytes)
    try:
        meta, _fids, wkb, field_data = pyogrio.raw.read(
            _gdal_path(path), encoding=encoding
        )
        geometries = [None if g is None else shapely.from_wkb(g) for g in wkb]
    # A damaged file fails in GDAL or its bindings in several ways (a truncated .shp gives an
    # IndexError inside pyogrio); each is the caller's file being unreadable, not our failure.
    except (DataSourceError, IndexError, ValueError, RuntimeError, shapely.errors.GEOSException) as exc:
        reason = str(exc).replace(_gdal_path(path), path.name).replace(str(path), path.name)
        raise BadInput(f"file {path.name} is not a readable {path.suffix} dataset: {reason}", field="file", value=path.name) from exc
    columns = {name: [_plain(v) for v in values] for name, values in zip(meta["fields"], field_data, strict=True)}
    if any(len(values) != len(geometries) for values in columns.values()):
        raise BadInput(f"file {path.name}: its attribute table and its geometries differ in length", field="file", value=path.name)
    return VectorTable(geometries=geometries, columns=columns, crs=meta.get("crs"), path=path)


def _plain(value):
    """numpy scalars and arrays from GDAL as plain Python values."""
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    return value


DRIVERS = {".geojson": "GeoJSON", ".json": "GeoJSON", ".gpkg": "GPKG", ".shp": "ESRI Shapefile"}


def write_vector(
    path: Path, geometries: list[shapely.Geometry], columns: dict[str, list], crs: str, layer: str | None = None,
    geometry_type: str | None = None,
) -> None:
    """Write features to GeoJSON, GeoPackage or Shapefile (chosen by suffix; Shapefile DBF in UTF-8).

    ``geometry_type`` is the layer's declared type (default: MultiPolygon for a Shapefile, else
    "Unknown", which GIS software shows as a geometry layer of no particular type).
    """
    path = Path(path)
    driver = DRIVERS.get(path.suffix.lower())
    if driver is None:
        raise BadInput(f"cannot write {path.name}: use {', '.join(DRIVERS)}", field="file", value=str(path))
    shapefile = driver == "ESRI Shapefile"
    pyogrio.raw.write(
        str(path),
        np.asarray(shapely.to_wkb(np.asarray(geometries, dtype=object)), dtype=object),
        field_data=[np.asarray(values, dtype=object) for values in columns.values()],
        fields=list(columns),
        crs=crs,
        driver=driver,
        geometry_type=geometry_type or ("MultiPolygon" if shapefile else "Unknown"),
        layer=None if shapefile else layer,
        **({"encoding": "UTF-8"} if shapefile else {}),
    )


def read_geojson_features(path: Path) -> list[tuple[dict, shapely.Geometry]]:
    """(properties, geometry) pairs of a GeoJSON FeatureCollection, nested properties kept."""
    with open(path, encoding="utf-8") as handle:
        collection = json.load(handle)
    if collection.get("type") != "FeatureCollection":
        raise BadInput(f"{path} is not a GeoJSON FeatureCollection", field="file", value=str(path))
    return [
        (feature.get("properties") or {}, shapely.geometry.shape(feature["geometry"]))
        for feature in collection["features"]
    ]


# Spreadsheets saved on Chinese Windows write GB18030/GBK; everything else sends UTF-8.
CSV_ENCODINGS = ("utf-8-sig", "gb18030")


def read_csv_text(path: Path) -> str:
    """A CSV file's text, UTF-8 or GBK/GB18030; ``BadInput`` when it is neither."""
    raw = Path(path).read_bytes()
    for encoding in CSV_ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BadInput(f"{path.name} is neither UTF-8 nor GBK/GB18030 text; save the CSV as UTF-8", field="file", value=path.name)


def read_csv_geometries(path: Path) -> list[tuple[dict, shapely.Geometry]]:
    """Rows of a CSV with a ``wkt`` column or ``lon`` and ``lat`` columns, each with its geometry;
    ``BadInput`` names the line and the column that is wrong."""
    return list(iter_csv_geometries(path))


def iter_csv_geometries(path: Path) -> Iterator[tuple[dict, shapely.Geometry]]:
    """``read_csv_geometries`` one row at a time (only the text is held, not the rows)."""
    for i, row in enumerate(csv.DictReader(io.StringIO(read_csv_text(path), newline="")), start=2):
        if row.get("wkt"):
            try:
                geometry = shapely.from_wkt(row["wkt"])
            except shapely.errors.GEOSException as exc:
                raise BadInput(f"{path.name} line {i}: wkt is not valid WKT: {exc}", field="wkt", row=i) from exc
        elif row.get("lon") not in (None, "") and row.get("lat") not in (None, ""):
            try:
                geometry = shapely.Point(float(row["lon"]), float(row["lat"]))
            except ValueError as exc:
                raise BadInput(f"{path.name} line {i}: lon/lat {row['lon']!r}, {row['lat']!r} are not numbers", field="lon,lat", row=i) from exc
        else:
            raise BadInput(f"{path.name} line {i}: needs a wkt column or lon and lat columns", field="geometry", row=i)
        yield row, geometry
