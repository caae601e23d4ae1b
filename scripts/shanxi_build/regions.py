"""Administrative divisions: a clean, simplified coverage of counties, cities built from them."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from pyproj import CRS

from ecozone.errors import BadInput
from ecozone.geo.metric import from_metric, province_equal_area_crs, to_metric

from .catalog import Catalog
from .sources import SourceRegion


@dataclass
class BuiltRegion:
    code: str
    name: str
    name_en: str
    level: str
    parent: str | None
    geometry: shapely.Geometry
    seat: shapely.Point | None = None


@dataclass
class CoverageReport:
    """What cleaning and simplification did, for the README."""

    overlaps_fixed: int = 0
    gaps_filled: int = 0
    vertices_before: int = 0
    vertices_after: int = 0
    max_city_mismatch_m2: float = 0.0
    notes: list[str] = field(default_factory=list)


@dataclass
class Regions:
    province: BuiltRegion
    cities: dict[str, BuiltRegion]
    counties: dict[str, BuiltRegion]
    report: CoverageReport

    def all(self) -> list[BuiltRegion]:
        return [self.province, *self.cities.values(), *self.counties.values()]

    def counties_of(self, city_code: str) -> list[BuiltRegion]:
        return [c for c in self.counties.values() if c.parent == city_code]


def _is_narrow(geometry: shapely.Geometry, tolerance_m: float) -> bool:
    """True when nothing of ``geometry`` (metric) is wider than ``tolerance_m``."""
    return bool(shapely.is_empty(shapely.buffer(geometry, -tolerance_m / 2.0)))


def remove_overlaps(geoms: np.ndarray, tolerance_m: float, report: CoverageReport) -> np.ndarray:
    """Give each narrow overlap to the earlier geometry (by order); wide overlaps are errors."""
    fixed = geoms.copy()
    tree = shapely.STRtree(fixed)
    left, right = tree.query(fixed, predicate="overlaps")
    for i, j in sorted({(int(a), int(b)) for a, b in zip(left, right, strict=True) if a < b}):
        overlap = shapely.intersection(fixed[i], fixed[j])
        if shapely.area(overlap) == 0:
            continue
        if not _is_narrow(overlap, tolerance_m):
            raise BadInput(f"regions {i} and {j} overlap by more than {tolerance_m} m", field="regions")
        fixed[j] = shapely.difference(fixed[j], fixed[i])
        report.overlaps_fixed += 1
    return fixed


def fill_gaps(geoms: np.ndarray, tolerance_m: float, report: CoverageReport) -> np.ndarray:
    """Give each narrow interior gap to the neighbour sharing the longest boundary with it."""
    union = shapely.union_all(geoms)
    holes = [shapely.Polygon(ring) for part in shapely.get_parts(union) for ring in part.interiors]
    fixed = geoms.copy()
    for hole in holes:
        if not _is_narrow(hole, tolerance_m):
            continue  # a real enclave (another region lies there), not a gap
        shared = shapely.length(shapely.intersection(fixed, hole.boundary))
        k = int(np.argmax(shared))
        fixed[k] = shapely.union(fixed[k], hole)
        report.gaps_filled += 1
    return fixed


def clean_coverage(metric_geoms: np.ndarray, tolerance_m: float, report: CoverageReport) -> np.ndarray:
    """Make a coverage of metric polygons edge-matched; untouched when already valid."""
    if shapely.coverage_is_valid(metric_geoms, gap_width=tolerance_m):
        report.notes.append(f"source coverage valid at gap width {tolerance_m} m: nothing to fix")
        return metric_geoms
    fixed = fill_gaps(remove_overlaps(metric_geoms, tolerance_m, report), tolerance_m, report)
    if not shapely.coverage_is_valid(fixed, gap_width=tolerance_m):
        raise BadInput("the county coverage is still invalid after cleaning", field="regions")
    return fixed


def round_coverage(geoms: np.ndarray, decimals: int) -> np.ndarray:
    """Round every vertex; shared vertices round alike, so the coverage stays edge-matched."""
    rounded = shapely.transform(geoms, lambda xy: np.round(xy, decimals))
    invalid = ~shapely.is_valid(rounded)
    rounded[invalid] = shapely.set_precision(rounded[invalid], 10.0**-decimals)
    return rounded


def simplify_counties(
    counties: list[SourceRegion], catalog: Catalog, crs: CRS, report: CoverageReport
) -> np.ndarray:
    """Clean and coverage-simplify the counties in ``crs``; return them in lon/lat on the grid."""
    metric = to_metric(np.array([c.geometry for c in counties], dtype=object), crs)
    report.vertices_before = int(shapely.get_num_coordinates(metric).sum())
    cleaned = clean_coverage(metric, catalog.setting("regions", "coverage_tolerance_m"), report)
    simplified = shapely.coverage_simplify(cleaned, catalog.setting("regions", "simplify_tolerance_m"))
    lonlat = round_coverage(from_metric(simplified, crs), int(catalog.setting("regions", "coordinate_decimals")))
    report.vertices_after = int(shapely.get_num_coordinates(lonlat).sum())
    return lonlat


def _built(source: SourceRegion, geometry: shapely.Geometry, catalog: Catalog) -> BuiltRegion:
    seat = catalog.seat(source.code)
    return BuiltRegion(source.code, source.name, seat.name_en, source.level, source.parent, geometry, seat.point)


def build_regions(sources: list[SourceRegion], catalog: Catalog) -> Regions:
    """Counties (cleaned, simplified), cities = union of counties, province = union of cities."""
    report = CoverageReport()
    crs = province_equal_area_crs()
    by_level = {lvl: sorted((s for s in sources if s.level == lvl), key=lambda s: s.code) for lvl in ("province", "city", "county")}
    county_geoms = simplify_counties(by_level["county"], catalog, crs, report)
    counties = {s.code: _built(s, g, catalog) for s, g in zip(by_level["county"], county_geoms, strict=True)}
    cities = {}
    for source in by_level["city"]:
        members = [c.geometry for c in counties.values() if c.parent == source.code]
        if not members:
            raise BadInput(f"city {source.code} has no counties", field="regions", value=source.code)
        union = shapely.coverage_union_all(members)
        mismatch = shapely.area(shapely.symmetric_difference(to_metric(union, crs), to_metric(source.geometry, crs)))
        report.max_city_mismatch_m2 = max(report.max_city_mismatch_m2, float(mismatch))
        cities[source.code] = _built(source, union, catalog)
    (province_source,) = by_level["province"]
    province = _built(province_source, shapely.coverage_union_all([c.geometry for c in cities.values()]), catalog)
    return Regions(province, cities, counties, report)
