"""Overlay of a project on the zoning in force: the units it hits with overlap area or length
and share, and the administrative regions it lies in. Metric work in a local transverse
Mercator centred on the project (``ecozone.geo.metric``), never in degrees."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from ecozone.errors import BadInput
from ecozone.geo.metric import metric_crs_for, to_metric
from ecozone.geo.regions import Region, RegionLevel
from ecozone.zoning.inforce import ZoningSnapshot
from ecozone.zoning.model import ControlUnit


@dataclass
class UnitOverlap:
    """How much of the project lies in one unit: m² for areas, m for lines, share of the project."""

    unit: ControlUnit
    measure: str  # "area_m2" | "length_m" | "point"
    amount: float
    share: float

    def to_dict(self) -> dict:
        return {
            "code": self.unit.code,
            "name": self.unit.name,
            "class": int(self.unit.unit_class),
            "class_name": self.unit.unit_class.name_zh,
            "class_name_en": self.unit.unit_class.name_en,
            "elements": self.unit.elements,
            "release_id": self.unit.release_id,
            self.measure: round(self.amount, 1) if self.measure != "point" else None,
            "share": round(self.share, 4),
            "access": self.unit.access_by_dimension(),
        }


@dataclass
class Overlay:
    units: list[UnitOverlap]
    regions: list[Region]
    project_measure: str
    project_amount: float

    def to_dict(self) -> dict:
        return {
            "measure": self.project_measure,
            "amount": round(self.project_amount, 1),
            "units": [u.to_dict() for u in self.units],
            "regions": [r.summary() for r in self.regions],
        }


def _measure_kind(geometry: shapely.Geometry) -> str:
    dims = shapely.get_dimensions(geometry)
    return {2: "area_m2", 1: "length_m", 0: "point"}[int(dims)]


def _metric_amounts(geometries: list[shapely.Geometry], measure: str, crs) -> np.ndarray:
    projected = to_metric(np.asarray(geometries, dtype=object), crs)
    if measure == "area_m2":
        return shapely.area(projected)
    if measure == "length_m":
        return shapely.length(projected)
    return np.ones(len(geometries))


def regions_of(snapshot: ZoningSnapshot, geometry: shapely.Geometry) -> list[Region]:
    """Province, cities and counties the geometry touches, from the top down."""
    found: list[Region] = []
    for level in RegionLevel:
        found.extend(sorted(snapshot.regions.intersecting(geometry, level), key=lambda r: r.code))
    return found


def overlay(snapshot: ZoningSnapshot, geometry: shapely.Geometry) -> Overlay:
    """Units hit with their overlap, and regions; ``BadInput`` when the project is outside the territory."""
    regions = regions_of(snapshot, geometry)
    if not any(r.level == RegionLevel.PROVINCE for r in regions):
        minx, miny, maxx, maxy = geometry.bounds
        raise BadInput(
            f"the project ({minx:.5f}, {miny:.5f} – {maxx:.5f}, {maxy:.5f}) lies outside the territory served",
            key="territory.project_outside",
            field="geometry",
            value=[minx, miny, maxx, maxy],
        )
    measure = _measure_kind(geometry)
    hits = snapshot.units_intersecting(geometry)
    if measure == "point":
        # A point has no extent: each unit it lies in holds all of it, and no projection is needed
        # (building a local CRS and its transformers is most of the cost of screening a point).
        amounts, total = np.ones(len(hits)), 1.0
    else:
        crs = metric_crs_for(geometry)
        parts = [shapely.intersection(unit.geometry, geometry) for unit in hits]
        amounts = _metric_amounts(parts, measure, crs) if hits else np.array([])
        total = float(_metric_amounts([geometry], measure, crs)[0])
    overlaps = []
    for unit, amount in zip(hits, amounts, strict=True):
        share = 1.0 if measure == "point" else (float(amount) / total if total > 0 else 0.0)
        if measure != "point" and amount <= 0:
            continue  # touches the unit's boundary only
        overlaps.append(UnitOverlap(unit, measure, float(amount), share))
    overlaps.sort(key=lambda o: (-o.share, o.unit.code))
    return Overlay(units=overlaps, regions=regions, project_measure=measure, project_amount=total)


def _grouped(pairs: tuple[np.ndarray, np.ndarray], n: int) -> list[list[int]]:
    """Per point, the positions paired with it (pairs sorted by point)."""
    point_idx, positions = pairs
    out: list[list[int]] = [[] for _ in range(n)]
    for p, i in zip(point_idx.tolist(), positions.tolist(), strict=True):
        out[p].append(i)
    return out


def point_overlays(snapshot: ZoningSnapshot, points: np.ndarray) -> list[Overlay | None]:
    """``overlay`` for many points at once (bulk index queries); None where a point lies outside
    the territory, for the caller to screen alone and report as ``overlay`` does."""
    n = len(points)
    per_level = []
    for level in RegionLevel:
        members, pairs = snapshot.regions.points_hits(points, level)
        per_level.append([sorted((members[i] for i in hits), key=lambda r: r.code) for hits in _grouped(pairs, n)])
    units = _grouped(snapshot.unit_index.points_hits(points), n)
    result: list[Overlay | None] = []
    for k in range(n):
        regions = [r for level_regions in per_level for r in level_regions[k]]
        if not any(r.level == RegionLevel.PROVINCE for r in regions):
            result.append(None)
            continue
        hits = sorted((snapshot.units[i] for i in units[k]), key=lambda u: u.code)
        overlaps = [UnitOverlap(unit, "point", 1.0, 1.0) for unit in hits]
        result.append(Overlay(units=overlaps, regions=regions, project_measure="point", project_amount=1.0))
    return result
