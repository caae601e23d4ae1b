"""A synthetic Shanxi-sized territory, for developing and running the harness without the demo release.

Units are Voronoi cells of random seeds over Shanxi's bounding box, densified and bent by one
smooth displacement field (shared edges move together, so neighbours still meet), some with a
hole filled by another unit, cut by a grid of synthetic counties (11 cities of 5 counties), and
a few two-part multipolygon units. Written in the layout of ``data/shanxi`` (``regions.geojson``,
``demo/units.geojson``) so that every benchmark reads it like the shipped data.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import shapely
import shapely.geometry

# Shanxi spans 110.23–114.56°E, 34.57–40.74°N (the same figures as ecozone.geo.metric).
SHANXI_BBOX = (110.23, 34.57, 114.56, 40.74)
CITY_ROWS = 11
COUNTY_COLUMNS = 5
VERTEX_SPACING_DEG = 0.002  # ~200 m: boundaries with a few hundred vertices per unit
BEND_AMPLITUDE_DEG = 0.003
BEND_WAVELENGTHS_DEG = (0.11, 0.07, 0.05)
CLASS_NAMES = {1: "优先保护单元", 2: "重点管控单元", 3: "一般管控单元"}
ACCESS_TEXT = {
    "spatial_layout": "禁止新建、扩建不符合国家产业政策的项目。\n严格控制开发强度，保护生态空间。",
    "emissions": "严格执行大气污染物和水污染物排放标准，新建项目实行污染物排放总量控制。",
    "risk": "加强环境风险防控，完善突发环境事件应急预案。",
    "resources": "提高水资源、能源利用效率，严格执行用水总量和强度控制。",
}


def _bend(coords: np.ndarray) -> np.ndarray:
    """The smooth displacement field; its slope stays well under 1, so nothing folds over."""
    x, y = coords[:, 0], coords[:, 1]
    dx = np.zeros_like(x)
    dy = np.zeros_like(y)
    for k, wave in enumerate(BEND_WAVELENGTHS_DEG):
        w = 2 * np.pi / wave
        dx += BEND_AMPLITUDE_DEG / (k + 1) * np.sin(w * y + k) * np.cos(w * 0.7 * x)
        dy += BEND_AMPLITUDE_DEG / (k + 1) * np.cos(w * x + 2 * k) * np.sin(w * 0.6 * y)
    return np.column_stack([x + dx, y + dy])


def _polygonal(geometry: shapely.Geometry) -> shapely.Geometry | None:
    """The polygon parts of an overlay result (dropping slivers of lines and points)."""
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type == "Polygon" and p.area > 0]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def bent_voronoi_cells(
    n_cells: int, rng: np.random.Generator, bbox=SHANXI_BBOX, spacing: float = VERTEX_SPACING_DEG
) -> list[shapely.Geometry]:
    """A coverage of ``n_cells`` irregular polygons with a vertex every ``spacing`` degrees."""
    minx, miny, maxx, maxy = bbox
    seeds = shapely.multipoints(np.column_stack([rng.uniform(minx, maxx, n_cells), rng.uniform(miny, maxy, n_cells)]))
    frame = shapely.box(*bbox)
    cells = shapely.intersection(shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=frame)), frame)
    return list(shapely.transform(shapely.segmentize(cells, spacing), _bend))


def punch_holes(cells: list[shapely.Geometry], rng: np.random.Generator, share: float) -> list[shapely.Geometry]:
    """Cut a disc out of some cells and append each disc as a cell of its own."""
    out = list(cells)
    for i in rng.choice(len(cells), size=int(len(cells) * share), replace=False):
        radius = 0.25 * np.sqrt(cells[i].area / np.pi)
        disc = shapely.buffer(shapely.point_on_surface(cells[i]), radius, quad_segs=16)
        if cells[i].contains_properly(disc):
            out[i] = cells[i].difference(disc)
            out.append(disc)
    return out


def merge_pairs(units: list[shapely.Geometry], rng: np.random.Generator, share: float) -> list[shapely.Geometry]:
    """Merge some pairs of disjoint units into one two-part unit."""
    if len(units) < 4:
        return units
    picks = rng.choice(len(units), size=2 * max(1, int(len(units) * share)), replace=False).reshape(-1, 2)
    out, drop = list(units), set()
    for a, b in picks:
        if units[a].geom_type == units[b].geom_type == "Polygon" and units[a].disjoint(units[b]):
            out[a] = shapely.MultiPolygon([units[a], units[b]])
            drop.add(int(b))
    return [g for i, g in enumerate(out) if i not in drop]


def county_boxes(bbox=SHANXI_BBOX) -> list[tuple[str, str, shapely.Geometry]]:
    """(county code, city code, box) for a grid of CITY_ROWS x COUNTY_COLUMNS counties."""
    minx, miny, maxx, maxy = bbox
    xs = np.linspace(minx, maxx, COUNTY_COLUMNS + 1)
    ys = np.linspace(miny, maxy, CITY_ROWS + 1)
    out = []
    for row in range(CITY_ROWS):
        city = f"14{row + 1:02d}00"
        for col in range(COUNTY_COLUMNS):
            out.append((f"{city[:4]}{col + 1:02d}", city, shapely.box(xs[col], ys[row], xs[col + 1], ys[row + 1])))
    return out


def _feature(properties: dict, geometry: shapely.Geometry) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": shapely.geometry.mapping(geometry)}


def region_features(counties) -> list[dict]:
    province = _feature({"code": "140000", "name": "山西省（合成）", "level": "province", "parent": None}, shapely.box(*SHANXI_BBOX))
    cities = {}
    for _, city, box in counties:
        cities[city] = shapely.union(cities[city], box) if city in cities else box
    return [
        province,
        *(_feature({"code": c, "name": f"合成市{c[2:4]}", "level": "city", "parent": "140000"}, g) for c, g in cities.items()),
        *(_feature({"code": k, "name": f"合成县{k[2:]}", "level": "county", "parent": c}, g) for k, c, g in counties),
    ]


def unit_features(cells: list[shapely.Geometry], counties, rng: np.random.Generator) -> list[dict]:
    """Cells cut by the counties, coded ``ZH`` + county + class + serial, with access texts."""
    features = []
    tree = shapely.STRtree(cells)
    for county, city, box in counties:
        pieces = [_polygonal(shapely.intersection(cells[i], box)) for i in sorted(tree.query(box, predicate="intersects"))]
        pieces = merge_pairs([p for p in pieces if p is not None], rng, share=0.01)
        for serial, piece in enumerate(pieces, start=1):
            unit_class = int(rng.choice([1, 2, 3], p=[0.4, 0.35, 0.25]))
            properties = {
                "code": f"ZH{county}{unit_class}{serial:04d}",
                "name": f"合成县{county[2:]}{CLASS_NAMES[unit_class]}{serial:04d}",
                "class": unit_class,
                "county_code": county,
                "city_code": city,
                "elements": ["生态"] if unit_class == 1 else ["大气", "水"],
                **ACCESS_TEXT,
            }
            features.append(_feature(properties, piece))
    return features


def write_territory(root: Path, n_units: int = 5000, seed: int = 2024) -> Path:
    """Write ``regions.geojson`` and ``demo/units.geojson`` of about ``n_units`` units under ``root``."""
    rng = np.random.default_rng(seed)
    cells = punch_holes(bent_voronoi_cells(int(n_units * 0.8), rng), rng, share=0.02)
    counties = county_boxes()
    (root / "demo").mkdir(parents=True, exist_ok=True)
    for name, features in (
        ("regions.geojson", region_features(counties)),
        ("demo/units.geojson", unit_features(cells, counties, rng)),
    ):
        collection = {"type": "FeatureCollection", "features": features}
        (root / name).write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return root
