"""Deterministic GeoJSON output: fixed coordinate precision, ring orientation and key order."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import shapely

DECIMALS = 6


def on_grid(geometry: shapely.Geometry, decimals: int = DECIMALS) -> shapely.Geometry:
    """Snap to the output grid (10^-decimals degrees) keeping polygons valid."""
    return shapely.set_precision(geometry, 10.0 ** -decimals)


def _round_coords(value: Any, decimals: int) -> Any:
    if isinstance(value, float):
        rounded = round(value, decimals)
        return 0.0 if rounded == 0 else rounded
    if isinstance(value, list):
        return [_round_coords(v, decimals) for v in value]
    return value


def geometry_json(geometry: shapely.Geometry, decimals: int = DECIMALS) -> dict[str, Any]:
    """GeoJSON geometry object: exterior rings counter-clockwise (RFC 7946), rounded coordinates."""
    oriented = shapely.orient_polygons(geometry, exterior_cw=False)
    mapping = json.loads(shapely.to_geojson(oriented))
    mapping["coordinates"] = _round_coords(mapping["coordinates"], decimals)
    return mapping


def feature(properties: dict[str, Any], geometry: shapely.Geometry) -> dict[str, Any]:
    return {"type": "Feature", "properties": properties, "geometry": geometry_json(geometry)}


def write_collection(path: Path, features: list[dict[str, Any]], metadata: dict[str, Any]) -> int:
    """Write a FeatureCollection (one feature per line, for readable diffs); return its size in bytes."""
    head = json.dumps({"type": "FeatureCollection", "metadata": metadata}, ensure_ascii=False)
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    text = head[:-1] + ',"features":[\n' + ",\n".join(lines) + "\n]}\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return len(text.encode("utf-8"))
