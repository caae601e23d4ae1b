"""The demonstration zoning (示例数据): every county tiled by control units of the three classes.

Per county, layers are laid down in precedence order; each takes what earlier layers left:
优先保护 (class 1) from nature reserves, water sources, lakes, river corridors and the mountain
land of the relief surface (named after its range); 重点管控 (class 2) from development zones,
mining areas, planning areas, the bands along polluted reaches and the low land of the relief
surface (air key areas); 一般管控 (class 3) is the rest, one unit per county. The number of units
of each class in a county is then brought to its target (``counts``) by merging the smallest
units into their neighbours or cutting the largest across their long axis. Every overlay runs on
the output grid (1e-6°), so the units of a county share their edges exactly and their union is
the county.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely import affinity

from ecozone.geo.metric import area_m2

from .regions import BuiltRegion

GRID = 1e-6
CLASS_NAMES = {1: "优先保护单元", 2: "重点管控单元", 3: "一般管控单元"}
BISECTION_STEPS = 16


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
    kind: str  # the layer the unit is named after
    elements: list[str]
    county: BuiltRegion
    geometry: shapely.Geometry
    source_key: str | None
    park_type: str | None = None
    clause_ids: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # every layer with land in the unit, named one first


@dataclass(frozen=True)
class Piece:
    """A unit in the making: the layer it is named after, its land, the other layers merged in."""

    layer: Layer
    geometry: shapely.Geometry
    merged: tuple[Layer, ...] = ()

    @property
    def layers(self) -> tuple[Layer, ...]:
        return (self.layer, *self.merged)


@dataclass(frozen=True)
class Cut:
    """Parallel cuts of one piece, in lon/lat scaled by cos(latitude) (straight in both)."""

    scale_x: float
    axis: tuple[float, float]
    positions: tuple[float, ...]

    def part_of(self, points: np.ndarray) -> np.ndarray:
        t = shapely.get_x(points) * self.scale_x * self.axis[0] + shapely.get_y(points) * self.axis[1]
        return np.searchsorted(np.array(self.positions), t)


def _area(geometry: shapely.Geometry) -> float:
    return float(area_m2(geometry))


def _faces(county: BuiltRegion, lines: list[shapely.Geometry]) -> np.ndarray:
    """The planar partition of the county by the given lines, noded on the output grid."""
    noded = shapely.union_all([county.geometry.boundary, *lines], grid_size=GRID)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    inside = shapely.contains_properly(county.geometry, shapely.point_on_surface(faces))
    return faces[inside]


def _pieces_in_county(county: BuiltRegion, layers: list[Layer]) -> list[Piece]:
    """Each face of the county goes to the first layer (in precedence order) covering it; the rest is 一般管控."""
    candidates = [layer for layer in layers if not layer.geometry.is_empty and shapely.intersects(layer.geometry, county.geometry)]
    faces = _faces(county, [shapely.intersection(layer.geometry.boundary, county.geometry) for layer in candidates])
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
    return [Piece(layer, part) for layer, geom in pieces for part in shapely.get_parts(geom)]


def _shared_lengths(parts: list[Piece], i: int, candidates: list[int]) -> np.ndarray:
    boundary = parts[i].geometry.boundary
    return np.array([shapely.length(shapely.intersection(boundary, parts[j].geometry.boundary)) for j in candidates])


def _joined(named: Piece, other: Piece) -> Piece:
    """One unit of both pieces' land, named after ``named``, remembering every layer in it."""
    layers = [*named.layers, *other.layers]
    unique = tuple(dict.fromkeys(id(layer) for layer in layers))
    by_id = {id(layer): layer for layer in layers}
    return Piece(named.layer, shapely.coverage_union_all([named.geometry, other.geometry]), tuple(by_id[i] for i in unique[1:]))


def _merge_pair(parts: list[Piece], i: int, j: int) -> list[Piece]:
    """Merge part i into part j; the merged unit is named after the larger one."""
    larger_j = _area(parts[j].geometry) >= _area(parts[i].geometry)
    merged = _joined(parts[j], parts[i]) if larger_j else _joined(parts[i], parts[j])
    return [merged if n == j else p for n, p in enumerate(parts) if n != i]


def _merge_slivers(parts: list[Piece], min_area_m2: float, targets: tuple[int, int, int]) -> list[Piece]:
    """Merge parts smaller than ``min_area_m2`` into the neighbour sharing the longest edge.

    The last part of a class that the county must have (target ≥ 1) is kept, however small.
    """
    parts = list(parts)
    while True:
        areas = np.array([_area(g) for g in (q.geometry for q in parts)])
        classes = [q.layer.unit_class for q in parts]
        for i in (int(k) for k in np.argsort(areas, kind="stable") if areas[k] < min_area_m2):
            if classes.count(classes[i]) == 1 and targets[classes[i] - 1] >= 1:
                continue
            others = [j for j in range(len(parts)) if j != i]
            shared = _shared_lengths(parts, i, others)
            if len(shared) and shared.max() > 0:
                parts = _merge_pair(parts, i, others[int(np.argmax(shared))])
                break
        else:
            return parts


def _absorb(parts: list[Piece], i: int, j: int) -> list[Piece]:
    """Part i becomes land of part j (j keeps its layer)."""
    merged = _joined(parts[j], parts[i])
    return [merged if n == j else p for n, p in enumerate(parts) if n != i]


def _one_general_unit(parts: list[Piece], county_area_m2: float, min_share: float) -> list[Piece]:
    """All 一般管控 land of a county is one unit; below ``min_share`` it joins its neighbours."""
    general = [p for p in parts if p.layer.unit_class == 3]
    others = [p for p in parts if p.layer.unit_class != 3]
    if not general:
        return parts
    if sum(_area(g.geometry) for g in general) >= min_share * county_area_m2 or not others:
        return [*others, Piece(general[0].layer, shapely.coverage_union_all([g.geometry for g in general]))]
    parts = [*others, *general]
    while parts[-1].layer.unit_class == 3:
        i = len(parts) - 1
        candidates = list(range(len(others)))
        shared = _shared_lengths(parts, i, candidates)
        if shared.max() > 0:
            j = int(np.argmax(shared))
        else:
            j = int(np.argmin([shapely.distance(parts[i].geometry, parts[k].geometry) for k in candidates]))
        parts = _absorb(parts, i, j)
    return parts


def _merge_down(parts: list[Piece], unit_class: int, target: int) -> list[Piece]:
    """Merge the smallest units of a class into a same-class neighbour until ``target`` remain."""
    parts = list(parts)
    while True:
        mine = [n for n, p in enumerate(parts) if p.layer.unit_class == unit_class]
        if len(mine) <= max(target, 1):
            return parts
        i = min(mine, key=lambda n: (_area(parts[n].geometry), n))
        others = [j for j in mine if j != i]
        same_source = [j for j in others if parts[j].layer is parts[i].layer]
        shared = _shared_lengths(parts, i, others)
        if shared.max() > 0:
            j = others[int(np.argmax(shared))]
        else:
            pool = same_source or others
            j = pool[int(np.argmin([shapely.distance(parts[i].geometry, parts[k].geometry) for k in pool]))]
        parts = _merge_pair(parts, i, j)


def _halfplane(axis: tuple[float, float], low: float, high: float, span: float) -> shapely.Polygon:
    ux, uy = axis
    vx, vy = -uy, ux
    return shapely.Polygon([(a * ux + b * vx, a * uy + b * vy) for a, b in ((low, -span), (high, -span), (high, span), (low, span))])


def plan_cut(geometry: shapely.Geometry, parts: int) -> Cut:
    """``parts - 1`` cuts across the long axis of ``geometry`` leaving parts of equal area."""
    scale_x = float(np.cos(np.radians(geometry.centroid.y)))
    scaled = affinity.scale(geometry, xfact=scale_x, yfact=1.0, origin=(0, 0))
    rect = np.array(scaled.minimum_rotated_rectangle.exterior.coords)
    edges = np.diff(rect[:3], axis=0)
    longest = edges[int(np.argmax(np.hypot(edges[:, 0], edges[:, 1])))]
    axis = tuple(float(v) for v in longest / np.hypot(*longest))
    coords = shapely.get_coordinates(scaled)
    t = coords @ np.array(axis)
    v = coords @ np.array([-axis[1], axis[0]])
    span = float(np.abs(v).max() + 1.0)
    total = scaled.area
    positions = []
    for k in range(1, parts):
        low, high = float(t.min()), float(t.max())
        for _ in range(BISECTION_STEPS):
            mid = (low + high) / 2
            share = shapely.intersection(scaled, _halfplane(axis, float(t.min()) - 1, mid, span)).area / total
            low, high = (mid, high) if share < k / parts else (low, mid)
        positions.append(round((low + high) / 2, 9))
    return Cut(scale_x, axis, tuple(positions))


def cut_lines(geometry: shapely.Geometry, cut: Cut) -> list[shapely.Geometry]:
    """The cut lines of ``cut`` inside ``geometry``, in lon/lat."""
    ux, uy = cut.axis
    vx, vy = -uy, ux
    scaled_coords = shapely.get_coordinates(affinity.scale(geometry, xfact=cut.scale_x, yfact=1.0, origin=(0, 0)))
    span = float(np.abs(scaled_coords @ np.array([vx, vy])).max() + 1.0)
    lines = []
    for s in cut.positions:
        a = ((s * ux - span * vx) / cut.scale_x, s * uy - span * vy)
        b = ((s * ux + span * vx) / cut.scale_x, s * uy + span * vy)
        lines.append(shapely.intersection(shapely.LineString([a, b]), geometry))
    return lines


def _split_plan(parts: list[Piece], unit_class: int, target: int, min_part_m2: float) -> dict[int, int]:
    """How many parts each unit of a class is cut into: always the one with most area per part."""
    mine = [n for n, p in enumerate(parts) if p.layer.unit_class == unit_class]
    counts = {n: 1 for n in mine}
    areas = {n: _area(parts[n].geometry) for n in mine}
    while mine and sum(counts.values()) < target:
        n = max(mine, key=lambda k: (areas[k] / (counts[k] + 1), -k))
        if areas[n] / (counts[n] + 1) < min_part_m2:
            break
        counts[n] += 1
    return {n: k for n, k in counts.items() if k > 1}


def _split(county: BuiltRegion, parts: list[Piece], plan: dict[int, int]) -> list[Piece]:
    """Cut the planned units; all units are rebuilt from one partition so edges stay shared."""
    cuts = {n: plan_cut(parts[n].geometry, k) for n, k in plan.items()}
    lines = [p.geometry.boundary for p in parts] + [line for n, cut in cuts.items() for line in cut_lines(parts[n].geometry, cut)]
    faces = _faces(county, lines)
    probes = shapely.point_on_surface(faces)
    owner = np.full(len(faces), -1)
    for n, piece in enumerate(parts):
        owner[(owner < 0) & shapely.contains(piece.geometry, probes)] = n
    for f in np.flatnonzero(owner < 0):  # a probe on a grid-snapped edge: take the nearest unit
        owner[f] = int(np.argmin([shapely.distance(g, probes[f]) for g in (q.geometry for q in parts)]))
    rebuilt: list[Piece] = []
    for n, piece in enumerate(parts):
        mine = np.flatnonzero(owner == n)
        groups = cuts[n].part_of(probes[mine]) if n in cuts else np.zeros(len(mine), dtype=int)
        for g in sorted(set(groups.tolist())):
            rebuilt.append(Piece(piece.layer, shapely.coverage_union_all(faces[mine[groups == g]]), piece.merged))
    return rebuilt


def _unit_name(county: BuiltRegion, layer: Layer, index: int, repeats: int) -> str:
    label = layer.label + (str(index) if repeats > 1 and layer.label else "")
    base = f"{county.name}{CLASS_NAMES[layer.unit_class]}"
    if label:
        return f"{base}（{label}）"
    return base + (str(index) if repeats > 1 else "")


def _numbered(county: BuiltRegion, parts: list[Piece], layers: list[Layer]) -> list[Unit]:
    """Units numbered per class, in layer order then largest first."""
    order = {id(layer): n for n, layer in enumerate(layers)}
    ranked = sorted(parts, key=lambda p: (p.layer.unit_class, order.get(id(p.layer), len(layers)), -_area(p.geometry), p.geometry.centroid.x, p.geometry.centroid.y))
    units, serial = [], {1: 0, 2: 0, 3: 0}
    label_counts: dict[tuple[int, str], int] = {}
    for layer in (p.layer for p in ranked):
        label_counts[(layer.unit_class, layer.label)] = label_counts.get((layer.unit_class, layer.label), 0) + 1
    seen: dict[tuple[int, str], int] = {}
    for piece in ranked:
        layer, geometry = piece.layer, piece.geometry
        serial[layer.unit_class] += 1
        key = (layer.unit_class, layer.label)
        seen[key] = seen.get(key, 0) + 1
        code = f"ZH{county.code}{layer.unit_class}{serial[layer.unit_class]:04d}"
        name = _unit_name(county, layer, seen[key], label_counts[key])
        # Land merged in from other classes (slivers) brings neither its element types nor its clauses.
        same_class = [m for m in piece.layers if m.unit_class == layer.unit_class]
        elements = list(dict.fromkeys(e for m in same_class for e in m.elements))
        kinds = list(dict.fromkeys(m.kind for m in same_class))
        units.append(Unit(code, name, layer.unit_class, layer.kind, elements, county, geometry, layer.source_key, layer.park_type, kinds=kinds))
    return units


@dataclass(frozen=True)
class CountyRules:
    """What shapes one county's units: the minimum unit, the general share, the class targets."""

    min_area_m2: float
    general_min_share: float
    min_part_m2: float
    targets: tuple[int, int, int]


def units_of_county(county: BuiltRegion, layers: list[Layer], rules: CountyRules) -> list[Unit]:
    """The units of one county, brought to the target number per class."""
    parts = _merge_slivers(_pieces_in_county(county, layers), rules.min_area_m2, rules.targets)
    parts = _one_general_unit(parts, _area(county.geometry), rules.general_min_share)
    plan: dict[int, int] = {}
    for unit_class in (1, 2):
        plan.update(_split_plan(parts, unit_class, rules.targets[unit_class - 1], rules.min_part_m2))
    if plan:
        parts = _split(county, parts, plan)
    for unit_class in (1, 2):
        parts = _merge_down(parts, unit_class, rules.targets[unit_class - 1])
    return _numbered(county, parts, layers)
