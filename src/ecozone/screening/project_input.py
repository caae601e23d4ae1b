"""Screening input: a GeoJSON Feature (or a file holding one outline) brought to EPSG:4490 and
checked, with repairs noted rather than hidden."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import shapely
import shapely.geometry
from shapely.errors import GEOSException

from ecozone.errors import BadInput
from ecozone.geo.checks import check_coordinates
from ecozone.geo.crs import STORAGE_CRS, normalize_crs_name, to_storage_crs
from ecozone.geo.io import read_vector
from ecozone.zoning.project import Project, make_project

# The stored project name is a VARCHAR(256) (screenings.project_name).
MAX_NAME_LENGTH = 256
NOTE_REPAIRED_ZH = "项目范围线存在自相交等几何错误（{reason}），已自动修复后研判。"


@dataclass
class ProjectInput:
    """A checked project plus the Feature as given (stored with the answer) and repair notes."""

    project: Project
    feature: dict
    source_crs: str
    notes: list[str] = field(default_factory=list)


def _declared_crs(feature: dict) -> str | None:
    """The CRS a Feature declares: a top-level ``crs`` string or GeoJSON-2008 ``{"properties": {"name": …}}``."""
    crs = feature.get("crs")
    if isinstance(crs, dict):
        return (crs.get("properties") or {}).get("name")
    return crs


def _shape(feature: dict, max_vertices: int | None) -> shapely.Geometry:
    raw = feature.get("geometry")
    if not raw:
        raise BadInput("the Feature has no geometry", field="geometry")
    try:
        geometry = shapely.geometry.shape(raw)
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, GEOSException) as exc:
        raise BadInput(f"geometry is not a GeoJSON geometry: {exc}", field="geometry") from exc
    check_coordinates(geometry, "geometry", max_vertices)
    return geometry


def _repair(geometry: shapely.Geometry, notes: list[str]) -> shapely.Geometry:
    if geometry.is_empty:
        raise BadInput("the project outline is empty", field="geometry")
    if shapely.is_valid(geometry):
        return geometry
    reason = shapely.is_valid_reason(geometry)
    dimension = shapely.get_dimensions(geometry)
    repaired = shapely.make_valid(geometry)
    parts = [p for p in shapely.get_parts(repaired) if shapely.get_dimensions(p) == dimension and not p.is_empty]
    if not parts:
        raise BadInput(f"the project outline is invalid ({reason}) and cannot be repaired", field="geometry", value=reason)
    notes.append(NOTE_REPAIRED_ZH.format(reason=reason))
    return shapely.union_all(parts) if len(parts) > 1 else parts[0]


def project_from_feature(feature: dict, crs: str | None = None, max_vertices: int | None = None) -> ProjectInput:
    """Check a GeoJSON Feature; ``crs`` (or the Feature's own) declares GCJ-02 or a projected CRS.

    ``max_vertices`` bounds the outline's size (``TooLarge`` over it); coordinates must be finite."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise BadInput("a project is a GeoJSON Feature with geometry and properties", field="type", value=str(feature.get("type") if isinstance(feature, dict) else type(feature).__name__))
    source_crs = normalize_crs_name(crs or _declared_crs(feature))
    notes: list[str] = []
    geometry = _repair(to_storage_crs(_shape(feature, max_vertices), source_crs), notes)
    props = feature.get("properties") or {}
    if not isinstance(props, dict):
        raise BadInput("properties must be an object", field="properties")
    if len(str(props.get("name") or "")) > MAX_NAME_LENGTH:
        raise BadInput(f"the project name is longer than {MAX_NAME_LENGTH} characters", field="properties.name", value=str(props["name"])[:40] + "…")
    project = make_project(
        geometry,
        industry=props.get("industry"),
        nature=props.get("nature"),
        attributes=props.get("attributes"),
        name=str(props.get("name") or ""),
    )
    stored = {"type": "Feature", "properties": props, "geometry": feature["geometry"]}
    if source_crs != STORAGE_CRS:
        stored["crs"] = source_crs
    return ProjectInput(project=project, feature=stored, source_crs=source_crs, notes=notes)


def _feature_from_table(path: Path) -> dict:
    table = read_vector(path)
    geometries = [g for g in table.geometries if g is not None]
    if not geometries:
        raise BadInput(f"{path.name} holds no outline", field="file", value=str(path))
    props = table.row(0)
    attributes = props.pop("attributes", None)
    if isinstance(attributes, str):
        attributes = json.loads(attributes)
    properties = {k: props.get(k) for k in ("name", "industry", "nature") if props.get(k) is not None}
    if attributes:
        properties["attributes"] = attributes
    outline = shapely.union_all(geometries) if len(geometries) > 1 else geometries[0]
    feature = {"type": "Feature", "properties": properties, "geometry": shapely.geometry.mapping(outline)}
    if table.crs:
        feature["crs"] = table.crs
    return feature


def read_project_file(path: Path, crs: str | None = None) -> ProjectInput:
    """A project from a GeoJSON Feature file, or the outline(s) of a GeoPackage / zipped Shapefile."""
    path = Path(path)
    if path.suffix.lower() in {".geojson", ".json"}:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BadInput(f"{path.name} is not a readable GeoJSON file: {exc}", field="file", value=str(path)) from exc
        if data.get("type") == "FeatureCollection":
            if len(data.get("features") or []) != 1:
                raise BadInput(f"{path.name} holds {len(data.get('features') or [])} features; screen one project (or use screen-batch)", field="file")
            data = {**data["features"][0], **({"crs": data["crs"]} if "crs" in data else {})}
        return project_from_feature(data, crs)
    return project_from_feature(_feature_from_table(path), crs)
