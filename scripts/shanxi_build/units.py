"""The demonstration zoning (示例数据): every county tiled by control units of the three classes.

Per county, layers are laid down in precedence order; each takes what earlier layers left:
优先保护 (class 1) from nature reserves, water sources, lakes and river corridors; 重点管控
(class 2) from development zones, planning areas and air-sensitive rings; 一般管控 (class 3)
from farmland concentrations and the rest. Every overlay runs on the output grid (1e-6°), so the
units of a county share their edges exactly and their union is the county.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely

from ecozone.geo.metric import area_m2

from .catalog import Catalog
from .model import RefFeature
from .regions import BuiltRegion, Regions
from .zones import Layers

GRID = 1e-6
CLASS_NAMES = {1: "优先保护单元", 2: "重点管控单元", 3: "一般管控单元"}


@dataclass(frozen=True)
class Layer:
    """One source of units: its class, kind, label (in the unit name) and element types."""

    unit_class: int
    kind: str
    label: str
    elements: tuple[str, ...]
    geometry: shapely.Geometry
    source_key: str | None = None
    park_type: str | None = None


@dataclass
class Unit:
    code: str
    name: str
    unit_class: int
    kind: str
    elements: list[str]
    county: BuiltRegion
    geometry: shapely.Geometry
    source_key: str | None
    park_type: str | None = None
    clause_ids: list[str] = field(default_factory=list)


def _short(name: str, suffix: str) -> str:
    return name[: -len(suffix)] if name.endswith(suffix) else name


def province_layers(layers: Layers) -> list[Layer]:
    """All layers in precedence order (earlier layers win where they overlap)."""
    out: list[Layer] = []
    for f in layers.of_kind("nature_reserve"):
        out.append(Layer(1, "reserve", _short(f.name, "国家级自然保护区").replace("省级自然保护区", "") + "自然保护区", ("生态",), f.geometry, f.key))
    sources: dict[str, list[RefFeature]] = {}
    for f in layers.of_kind("water_source"):
        sources.setdefault(f.key.rsplit("-", 1)[0], []).append(f)
    for key, grades in sources.items():
        name = grades[0].name.split("饮用水水源")[0]
        out.append(Layer(1, "water_source", f"{name}饮用水水源保护区", ("水",), shapely.union_all([g.geometry for g in grades]), key))
    for f in layers.of_kind("lake"):
        out.append(Layer(1, "lake", f.name, ("生态", "水"), f.geometry, f.key))
    for f in layers.of_kind("river"):
        if f.key in layers.corridors and f.key not in {"river:zhanghe", "river:daqinghe"}:
            out.append(Layer(1, "river", f.name, ("水", "生态"), layers.corridors[f.key], f.key))
    for f in layers.of_kind("dev_zone"):
        out.append(Layer(2, "dev_zone", f.name, ("大气", "水", "土壤"), f.geometry, f.key, f.attributes["park_type"]))
    for f in layers.of_kind("planning_area"):
        out.append(Layer(2, "urban", "城镇", ("大气", "水", "声"), f.geometry, f.key))
    for code, ring in layers.air_sensitive.items():
        out.append(Layer(2, "air", "大气", ("大气",), ring, None))
    for f in layers.of_kind("farmland"):
        out.append(Layer(3, "farmland", "农业", ("土壤",), f.geometry, f.key))
    return out


def _faces(county: BuiltRegion, candidates: list[Layer]) -> np.ndarray:
    """The planar partition of the county by all layer boundaries, noded on the output grid."""
    lines = [county.geometry.boundary] + [shapely.intersection(layer.geometry.boundary, county.geometry) for layer in candidates]
    noded = shapely.union_all(lines, grid_size=GRID)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    inside = shapely.contains_properly(county.geometry, shapely.point_on_surface(faces))
    return faces[inside]


def _pieces_in_county(county: BuiltRegion, layers: list[Layer]) -> list[tuple[Layer, shapely.Geometry]]:
    """Each face of the county goes to the first layer (in precedence order) covering it; the rest is 一般管控."""
    candidates = [layer for layer in layers if shapely.intersects(layer.geometry, county.geometry)]
    faces = _faces(county, candidates)
    probes = shapely.point_on_surface(faces)
    owner = np.full(len(faces), len(candidates))
    for n in range(len(candidates) - 1, -1, -1):
        owner[shapely.contains(candidates[n].geometry, probes)] = n
    general = Layer(3, "general", "", ("大气", "水", "土壤"), county.geometry)
    pieces = []
    for n, layer in enumerate([*candidates, general]):
        mine = faces[owner == n]
        if len(mine):
            pieces.append((layer, shapely.coverage_union_all(mine)))
    return pieces


def _explode(pieces: list[tuple[Layer, shapely.Geometry]]) -> list[tuple[Layer, shapely.Geometry]]:
    return [(layer, part) for layer, geom in pieces for part in shapely.get_parts(geom)]


def _merge_slivers(parts: list[tuple[Layer, shapely.Geometry]], min_area_m2: float) -> list[tuple[Layer, shapely.Geometry]]:
    """Merge parts smaller than ``min_area_m2`` into the neighbour sharing the longest edge."""
    parts = list(parts)
    while True:
        areas = np.array([float(area_m2(g)) for _, g in parts])
        small = [i for i in np.argsort(areas, kind="stable") if areas[i] < min_area_m2]
        merged = False
        for i in small:
            shared = np.array([0.0 if j == i else shapely.length(shapely.intersection(parts[i][1].boundary, g.boundary)) for j, (_, g) in enumerate(parts)])
            if shared.max() <= 0:
                continue
            j = int(np.argmax(shared))
            parts[j] = (parts[j][0], shapely.coverage_union_all([parts[j][1], parts[i][1]]))
            del parts[i]
            merged = True
            break
        if not merged:
            return parts


def _unit_name(county: BuiltRegion, layer: Layer, index: int, repeats: int) -> str:
    label = layer.label + (str(index) if repeats > 1 and layer.label else "")
    base = f"{county.name}{CLASS_NAMES[layer.unit_class]}"
    if label:
        return f"{base}（{label}）"
    return base + (str(index) if repeats > 1 else "")


def units_of_county(county: BuiltRegion, layers: list[Layer], min_area_m2: float) -> list[Unit]:
    """The units of one county, numbered per class (largest first)."""
    parts = _merge_slivers(_explode(_pieces_in_county(county, layers)), min_area_m2)
    order = {id(layer): n for n, layer in enumerate(layers)}
    ranked = sorted(parts, key=lambda p: (p[0].unit_class, order.get(id(p[0]), len(layers)), -float(area_m2(p[1])), p[1].centroid.x, p[1].centroid.y))
    units, serial = [], {1: 0, 2: 0, 3: 0}
    label_counts: dict[tuple[int, str], int] = {}
    for layer, _ in ranked:
        label_counts[(layer.unit_class, layer.label)] = label_counts.get((layer.unit_class, layer.label), 0) + 1
    seen: dict[tuple[int, str], int] = {}
    for layer, geometry in ranked:
        serial[layer.unit_class] += 1
        key = (layer.unit_class, layer.label)
        seen[key] = seen.get(key, 0) + 1
        code = f"ZH{county.code}{layer.unit_class}{serial[layer.unit_class]:04d}"
        name = _unit_name(county, layer, seen[key], label_counts[key])
        units.append(Unit(code, name, layer.unit_class, layer.kind, list(layer.elements), county, geometry, layer.source_key, layer.park_type))
    return units


def build_units(regions: Regions, layers: Layers, catalog: Catalog, progress=None) -> list[Unit]:
    """Units of every county of the province (``progress`` is an optional callback per county)."""
    all_layers = province_layers(layers)
    min_area = catalog.setting("units", "min_unit_area_km2") * 1e6
    units = []
    for county in regions.counties.values():
        units.extend(units_of_county(county, all_layers, min_area))
        if progress:
            progress()
    return units
