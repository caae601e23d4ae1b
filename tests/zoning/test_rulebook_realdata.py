"""Every rule of the Shanxi rulebook on the real Shanxi data: one project that triggers it and one
that just misses it (just outside the band or zone, another industry, kind, nature or value).

Sites are points on data/shanxi/features.geojson, regions.geojson and demo/units.geojson; the
distance of every banded site is checked with pyproj.Geod before it is used.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
import shapely.geometry
from pyproj import Geod

from ecozone.geo.index import GeometryIndex
from ecozone.geo.regions import ReferenceFeature
from ecozone.zoning.catalog import FeatureCatalog, RegionHit, SpatialContext, UnitHit
from ecozone.zoning.evaluator import Evaluator
from ecozone.zoning.findings import Outcome
from ecozone.zoning.project import make_project
from ecozone.zoning.rule_loading import load_rulebook
from ecozone.zoning.settings import RuleSettings

# --- the real data and sites on it ---------------------------------------------------------

DATA = Path(__file__).resolve().parents[2] / "data" / "shanxi"
FEATURES = DATA / "features.geojson"
REGIONS = DATA / "regions.geojson"
UNITS = DATA / "demo" / "units.geojson"
RULES = DATA / "rules"
AS_OF = dt.date(2026, 6, 1)  # a fixed evaluation date: the suite never reads the clock
GEOD = Geod(ellps="GRS80")  # the CGCS2000 ellipsoid (same a and f to the digits used here)
# Every shipped rule is in force on this day (the latest one from 2025-05-30); the test needs no clock.
AS_OF = dt.date(2026, 6, 1)


def missing_files() -> list[str]:
    return [str(p.relative_to(DATA.parent.parent)) for p in (FEATURES, REGIONS, UNITS) if not p.exists()]


def _features(path: Path) -> list[dict]:
    return json.loads(path.read_text("utf-8"))["features"]


@dataclass
class RealData:
    """Loaded once per test session."""

    catalog: FeatureCatalog
    regions: list[tuple[RegionHit, shapely.Geometry]]
    units: list[tuple[UnitHit, shapely.Geometry]]

    @classmethod
    def load(cls) -> RealData:
        features = [
            ReferenceFeature(
                key=f["properties"]["key"],
                kind=f["properties"]["kind"],
                name=f["properties"]["name"],
                geometry=shapely.geometry.shape(f["geometry"]),
                name_en=f["properties"].get("name_en", ""),
                attributes=f["properties"].get("attributes") or {},
            )
            for f in _features(FEATURES)
        ]
        regions = [
            (RegionHit(p["code"], p["name"], p["level"]), shapely.geometry.shape(f["geometry"]))
            for f in _features(REGIONS)
            for p in [f["properties"]]
        ]
        units = [
            (
                UnitHit(p["code"], p["name"], int(p["class"]), tuple(p["elements"]), p["county_code"], p["city_code"]),
                shapely.geometry.shape(f["geometry"]),
            )
            for f in _features(UNITS)
            for p in [f["properties"]]
        ]
        return cls(FeatureCatalog(features), regions, units)

    @cached_property
    def _region_index(self) -> GeometryIndex:
        return GeometryIndex([g for _, g in self.regions])

    @cached_property
    def _unit_index(self) -> GeometryIndex:
        return GeometryIndex([g for _, g in self.units])

    def context(self, geometry: shapely.Geometry) -> SpatialContext:
        """What a screening engine would pass: units hit, regions, the catalog."""
        units = [self.units[i][0] for i in self._unit_index.query_geometry(geometry)]
        regions = [self.regions[i][0] for i in self._region_index.query_geometry(geometry)]
        return SpatialContext(units, regions, self.catalog)

    def feature(self, key: str) -> ReferenceFeature:
        return next(f for f in self.catalog.features if f.key == key)

    def region(self, code: str) -> shapely.Geometry:
        return next(g for r, g in self.regions if r.code == code)

    def unit_point(self, county: str, unit_class: int, basis_word: str = "") -> shapely.Point:
        """A point inside a unit of ``county`` and class whose name contains ``basis_word``."""
        for hit, geometry in self.units:
            if hit.county_code == county and hit.unit_class == unit_class and basis_word in hit.name:
                return geometry.representative_point()
        raise LookupError(f"no class {unit_class} unit {basis_word!r} in {county}")


def geodesic_distance_m(point: shapely.Point, geometry: shapely.Geometry, step_m: float = 2.0) -> float:
    """Ground distance from a point to a line or polygon boundary (0 inside a polygon), by pyproj.Geod.

    The geometry's segments near the point are densified to ``step_m`` and the geodesic distance
    to the nearest vertex is returned: independent of the evaluator's projected CRS.
    """
    if geometry.geom_type in ("Polygon", "MultiPolygon") and geometry.covers(point):
        return 0.0
    lines = geometry.boundary if geometry.geom_type in ("Polygon", "MultiPolygon") else geometry
    window = shapely.box(point.x - 0.05, point.y - 0.05, point.x + 0.05, point.y + 0.05)
    nearby = lines.intersection(window)
    best = math.inf
    for part in getattr(nearby, "geoms", [nearby]):
        coords = np.asarray(part.coords)
        for (x0, y0), (x1, y1) in zip(coords[:-1], coords[1:], strict=True):
            _, _, seg = GEOD.inv(x0, y0, x1, y1)
            n = max(2, int(seg / step_m) + 2)
            xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
            _, _, d = GEOD.inv(np.full(n, point.x), np.full(n, point.y), xs, ys)
            best = min(best, float(d.min()))
    return best


def offset_point(line: shapely.Geometry, fraction: float, distance_m: float, side: int) -> shapely.Point:
    """The point ``distance_m`` to the left (side=1) or right (-1) of a line at ``fraction`` of it."""
    along = line.interpolate(fraction, normalized=True)
    ahead = line.interpolate(min(fraction + 0.002, 1.0), normalized=True)
    behind = line.interpolate(max(fraction - 0.002, 0.0), normalized=True)
    azimuth, _, _ = GEOD.inv(behind.x, behind.y, ahead.x, ahead.y)
    lon, lat, _ = GEOD.fwd(along.x, along.y, azimuth - 90.0 * side, distance_m)
    return shapely.Point(lon, lat)


def point_at_distance(geometry: shapely.Geometry, fraction: float, target_m: float, side: int) -> shapely.Point:
    """A point whose geodesic distance to ``geometry`` is ``target_m`` (±0.1 m), found by bisection
    along the perpendicular to the line (a polygon: its boundary) at ``fraction`` of its length."""
    line = geometry.boundary if geometry.geom_type in ("Polygon", "MultiPolygon") else geometry
    low, high = 0.0, 3.0 * target_m
    for _ in range(60):
        mid = (low + high) / 2.0
        distance = geodesic_distance_m(offset_point(line, fraction, mid, side), geometry)
        if abs(distance - target_m) < 0.1:
            break
        low, high = (mid, high) if distance < target_m else (low, mid)
    return offset_point(line, fraction, mid, side)


def outside_point(geometry: shapely.Geometry, fraction: float, target_m: float) -> shapely.Point:
    """A point ``target_m`` outside a polygon, across its boundary at ``fraction`` of it."""
    for side in (1, -1):
        point = point_at_distance(geometry, fraction, target_m, side)
        if not geometry.covers(point):
            return point
    raise LookupError("no outward side found")


pytestmark = pytest.mark.skipif(bool(missing_files()), reason=f"Shanxi data not built yet: {missing_files()}")


def _feature(key: str) -> Callable[[RealData], shapely.Geometry]:
    return lambda d: d.feature(key).geometry.representative_point()


def _band(key: str, fraction: float, metres: float, side: int) -> Callable[[RealData], shapely.Geometry]:
    return lambda d: point_at_distance(d.feature(key).geometry, fraction, metres, side)


def _outside(key: str, fraction: float, metres: float) -> Callable[[RealData], shapely.Geometry]:
    return lambda d: outside_point(d.feature(key).geometry, fraction, metres)


# name -> (how to find it, (feature key, expected geodesic distance in metres) to verify, or None)
SITES: dict[str, tuple[Callable[[RealData], shapely.Geometry], tuple[str, float] | None]] = {
    "plain": (lambda d: d.unit_point("140723", 3, "一般管控单元"), None),  # 晋中 和顺县
    "datong": (lambda d: d.unit_point("140221", 3, "一般管控单元"), None),  # 大同 阳高县
    "xinzhou": (lambda d: d.unit_point("140921", 3, "一般管控单元"), None),  # 忻州 定襄县
    "yangquan": (lambda d: d.unit_point("140322", 3, "一般管控单元"), None),  # 阳泉 盂县
    "tunliu": (lambda d: d.unit_point("140405", 3, "一般管控单元"), None),
    "jiaocheng": (lambda d: d.unit_point("141122", 3, "一般管控单元"), None),
    "eco_priority": (lambda d: d.unit_point("141122", 1), None),  # the county's first priority unit
    "taiyuan_city": (_feature("planning_area:140100"), None),
    "county_town": (_feature("planning_area:140121"), None),
    "park_in": (_feature("dev_zone:qingxu-chemical"), None),
    "park_out": (_outside("dev_zone:qingxu-chemical", 0.5, 300), ("dev_zone:qingxu-chemical", 300)),
    "huanghe_990": (_band("river:huanghe", 0.5, 990, 1), ("river:huanghe", 990)),
    "huanghe_1010": (_band("river:huanghe", 0.5, 1010, 1), ("river:huanghe", 1010)),
    "fenhe_990": (_band("river:fenhe", 0.15, 990, -1), ("river:fenhe", 990)),
    "fenhe_1010": (_band("river:fenhe", 0.15, 1010, -1), ("river:fenhe", 1010)),
    "sanggan_990": (_band("river:sangganhe", 0.5, 990, -1), ("river:sangganhe", 990)),
    "sanggan_1010": (_band("river:sangganhe", 0.5, 1010, -1), ("river:sangganhe", 1010)),
    "fenhe_valley": (_feature("zone:fenhe-valley"), None),
    "taiyuan_basin": (_feature("zone:taiyuan-basin"), None),
    "zone1p30_in": (_feature("zone:taiyuan-1plus30"), None),
    "zone1p30_out": (_outside("zone:taiyuan-1plus30", 0.3, 300), ("zone:taiyuan-1plus30", 300)),
    "farmland_in": (_feature("farmland:taiyuan-basin"), None),
    "farmland_out": (_outside("farmland:taiyuan-basin", 0.5, 300), ("farmland:taiyuan-basin", 300)),
    "yunzhu_990": (_outside("lake:yunzhuhu", 0.5, 990), ("lake:yunzhuhu", 990)),
    "yunzhu_1010": (_outside("lake:yunzhuhu", 0.5, 1010), ("lake:yunzhuhu", 1010)),
    "jianghe_790": (_band("river:jianghe", 0.5, 790, 1), ("river:jianghe", 790)),
    "jianghe_810": (_band("river:jianghe", 0.5, 810, 1), ("river:jianghe", 810)),
    "jianghe_490": (_band("river:jianghe", 0.3, 490, 1), ("river:jianghe", 490)),
    "jianghe_510": (_band("river:jianghe", 0.3, 510, 1), ("river:jianghe", 510)),
    "jianghe_5900": (_band("river:jianghe", 0.3, 5900, 1), ("river:jianghe", 5900)),
    "jianghe_6200": (_band("river:jianghe", 0.5, 6200, 1), ("river:jianghe", 6200)),
    "jianghe_valley": (_feature("zone:jianghe-valley"), None),
    "jianghe_valley_out": (_outside("zone:jianghe-valley", 0.3, 300), ("zone:jianghe-valley", 300)),
    "tunliu_town_990": (_outside("planning_area:140405", 0.7, 990), ("planning_area:140405", 990)),
    "tunliu_town_1010": (_outside("planning_area:140405", 0.7, 1010), ("planning_area:140405", 1010)),
    "tunliu_farmland": (lambda d: d.feature("farmland:changzhi-basin").geometry.intersection(d.region("140405")).representative_point(), None),
    "xidian_in": (_feature("water_source:xidian-1"), None),
    "xidian_out": (_outside("water_source:xidian-2", 0.5, 300), ("water_source:xidian-2", 300)),
    "xidian_grade2": (_feature("water_source:xidian-2"), None),
    "taohe_990": (_band("river:taohe", 0.5, 990, 1), ("river:taohe", 990)),
    "taohe_1010": (_band("river:taohe", 0.5, 1010, 1), ("river:taohe", 1010)),
    "taohe_6400": (_band("river:taohe", 0.5, 6400, 1), ("river:taohe", 6400)),
    "sanchuan_500": (_band("river:sanchuanhe", 0.5, 500, 1), ("river:sanchuanhe", 500)),
    "niangziguan_in": (_feature("water_source:niangziguan-2"), None),
    "niangziguan_out": (_outside("water_source:niangziguan-2", 0.5, 300), ("water_source:niangziguan-2", 300)),
    "pangquangou_in": (_feature("nature_reserve:pangquangou"), None),
    "pangquangou_out": (_outside("nature_reserve:pangquangou", 0.8, 300), ("nature_reserve:pangquangou", 300)),
}


@dataclass(frozen=True)
class P:
    """A project: where, what industry, which nature, which attributes."""

    site: str
    industry: str | None = None
    nature: str = "new"
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    """A project the rule applies to and one it just misses. ``doubt``: the rule measures from a
    feature drawn only to ± its ``accuracy_m`` (wider than the band), so the hit can only be a
    review whose one question is the location; "yes" must make the rule apply. The miss then
    lies just beyond the band plus the accuracy."""

    rule_id: str
    hit: P
    miss: P
    doubt: bool = False


K = "kinds"
CASES = [
    # --- 001 province (zoning opinions) ---
    Case("SX-001-PRIORITY-UNIT-LIMIT", P("eco_priority", "4812"), P("eco_priority", "4812", "upgrade")),
    Case("SX-001-KEY-UNIT-INDUSTRIAL", P("park_in", "2614"), P("park_out", "2614")),
    Case("SX-001-RECEPTOR-UNIT-TRADITIONAL", P("taiyuan_city", "3011"), P("taiyuan_city", "3911")),
    Case("SX-001-YR-SHORELINE-CHEM", P("fenhe_990", "2614"), P("fenhe_1010", "2614")),
    Case("SX-001-YR-1KM-MINING", P("huanghe_990", "0610"), P("huanghe_1010", "0610")),
    Case("SX-001-FENHE-VALLEY-HEAVY", P("fenhe_valley", "3011"), P("plain", "3011")),
    Case("SX-001-TY-BASIN-COKING", P("taiyuan_basin", "2521", attributes={K: ["standalone_coking"]}), P("taiyuan_basin", "2521", attributes={K: []})),
    Case("SX-001-NO-NEW-STEEL", P("plain", "3120"), P("plain", "3120", attributes={"adds_capacity": False})),
    Case("SX-001-COAL-UNITS-BELOW-300MW", P("plain", "4411", "upgrade", {"fuel": "coal", "capacity_mw": 200}), P("plain", "4411", "upgrade", {"fuel": "coal", "capacity_mw": 300})),
    Case("SX-001-NEW-ENERGY-BASES", P("plain", "4416"), P("plain", "4411")),
    Case("SX-001-TRADITIONAL-UPGRADE", P("plain", "3011", "upgrade"), P("plain", "3011", "new")),
    Case("SX-001-INFRA-FAST-TRACK", P("plain", "4812"), P("plain", "4819")),
    Case("SX-001-ECO-REDLINE", P("pangquangou_in", "4812"), P("pangquangou_out", "4812")),
    Case("SX-001-SEVEN-RIVERS-HIGH-RISK", P("sanggan_990", "2521"), P("sanggan_1010", "2521")),
    Case("SX-001-CHEM-PARK-ZERO-DISCHARGE", P("plain", attributes={K: ["chemical_park"]}), P("plain", attributes={K: ["industrial_cluster"]})),
    Case("SX-001-PARK-STORMWATER", P("plain", "3011", attributes={"in_park": True}), P("plain", "3011", attributes={"in_park": False})),
    Case("SX-001-ULE-KEY-INDUSTRIES", P("plain", "3011"), P("plain", "3012")),
    Case("SX-001-NO-INEFFICIENT-TREATMENT", P("plain", "3012"), P("plain", "3011")),
    Case("SX-001-PARK-CENTRALISED-TREATMENT", P("plain", attributes={K: ["industrial_cluster"]}), P("plain", attributes={K: ["logistics_park"]})),
    # --- 000 province (两山七河一流域 plan) ---
    Case("SX-000-NEW-CLUSTER-WWTP", P("plain", attributes={K: ["industrial_cluster"]}), P("plain", nature="expand", attributes={K: ["industrial_cluster"]})),
    Case("SX-000-COAL-CHEM-CLUSTER-WATER", P("plain", attributes={K: ["coal_chemical_cluster"]}), P("plain", attributes={K: ["industrial_cluster"]})),
    Case("SX-000-KEY-INDUSTRY-STORMWATER", P("plain", "1713"), P("plain", "1711")),
    Case("SX-000-SMALL-HYDRO", P("plain", "4413", attributes={"total_capacity_mw": 50}), P("plain", "4413", attributes={"total_capacity_mw": 51})),
    Case("SX-000-COAL-MINE-METHANE", P("plain", "0610", attributes={"methane_share_pct": 31}), P("plain", "0610", attributes={"methane_share_pct": 30})),
    Case("SX-000-ALUMINIUM-FGD", P("plain", "3216"), P("plain", "3217")),
    Case("SX-000-VOC-KEY-INDUSTRIES", P("plain", "2319"), P("plain", "2311", attributes={K: []})),
    Case("SX-000-COAL-SUBSTITUTION", P("plain", "3011", attributes={"adds_coal_consumption": True}), P("plain", "3011", attributes={"adds_coal_consumption": False})),
    Case("SX-000-COAL-POWER-LIMIT", P("plain", "4411", attributes={"fuel": "coal"}), P("plain", "4411", "upgrade", attributes={"fuel": "coal"})),
    Case("SX-000-NO-NEW-CAPACITY", P("plain", "2521"), P("plain", "2521", attributes={"adds_capacity": False})),
    Case("SX-000-PETROCHEM-PRUDENT", P("plain", "2511"), P("plain", "2511", "rebuild")),
    Case("SX-000-COAL-CAP-JJJ", P("yangquan", "3011", attributes={"adds_coal_consumption": True}), P("plain", "3011", attributes={"adds_coal_consumption": True})),
    Case("SX-000-COAL-CAP-FENWEI", P("plain", "3011", attributes={"adds_coal_consumption": True}), P("xinzhou", "3011", attributes={"adds_coal_consumption": True})),
    Case("SX-000-NORTH-SMALL-COAL-BOILERS", P("datong", "3011", attributes={K: ["coal_fired_boiler"], "boiler_tph": 20}), P("datong", "3011", attributes={K: ["coal_fired_boiler"], "boiler_tph": 35})),
    Case("SX-000-RAIL-SIDING-SUPPORT", P("plain", "3011", attributes={"annual_freight_mt": 1.5}), P("plain", "3011", attributes={"annual_freight_mt": 1.49})),
    Case("SX-000-PLANNING-AREA-CLEAN-TRANSPORT", P("taiyuan_city", "3120"), P("county_town", "3120")),
    Case("SX-000-1PLUS30-EIA-CONSULT", P("zone1p30_in", "3011"), P("zone1p30_out", "3011")),
    Case("SX-000-ELECTROPLATING-IN-PARK", P("plain", "3360", attributes={K: ["electroplating"], "in_park": False}), P("plain", "3360", attributes={K: ["electroplating"], "in_park": True})),
    Case("SX-000-FARMLAND-NO-SOIL-POLLUTERS", P("farmland_in", "2521"), P("farmland_out", "2521")),
    Case("SX-000-FARMLAND-EXISTING-SOIL-POLLUTERS", P("farmland_in", "2521", "expand"), P("farmland_in", "2521", "new")),
    Case("SX-000-HEAVY-METAL-TOTAL", P("plain", "3212"), P("plain", "3240")),
    Case("SX-000-CONTAMINATED-SITE-REUSE", P("plain", "7010", attributes={"contaminated_site": True}), P("plain", "7010", attributes={"contaminated_site": False})),
    Case("SX-000-MINE-RESTORATION", P("plain", "1019"), P("plain", "1110")),
    Case("SX-000-ZHANGHE-COAL-CHEM-RISK", P("jianghe_790", "2522"), P("jianghe_790", "2614"), doubt=True),
    Case("SX-000-PARK-HAZWASTE-FACILITIES", P("plain", attributes={K: ["industrial_cluster"]}), P("plain", attributes={K: ["logistics_park"]})),
    Case("SX-000-RIVERSIDE-HIGH-POLLUTION", P("fenhe_990", "3011"), P("fenhe_1010", "3011")),
    Case("SX-000-RIVERSIDE-TWO-HIGH-EXIT", P("huanghe_990", "3011", "rebuild"), P("huanghe_990", "3011", "new")),
    Case("SX-000-FIVE-LAKES-PLANNING-AREAS", P("yunzhu_990", "2521"), P("yunzhu_1010", "2521")),
    Case("SX-000-1PLUS30-AIR-OFFSET", P("zone1p30_in", "3011"), P("zone1p30_in", "3911", attributes={K: []})),
    Case("SX-000-CLEANER-PRODUCTION-L1", P("plain", "2319"), P("plain", "2319", "expand")),
    Case("SX-000-PARK-TVOC-STATION", P("plain", attributes={K: ["industrial_cluster"], "leading_industries": ["2614"]}), P("plain", attributes={K: ["industrial_cluster"], "leading_industries": ["3911"]})),
    Case("SX-000-GREEN-BUILDING", P("taiyuan_city", "4710"), P("plain", "4710")),
    Case("SX-000-GREEN-BUILDING-ONE-STAR", P("taiyuan_city", "4790", attributes={"public_building": True, "floor_area_m2": 25000, "government_invested": False}), P("taiyuan_city", "4790", attributes={"public_building": True, "floor_area_m2": 15000, "government_invested": False})),
    # --- 003 屯留区 ---
    Case("TL-003-SENSITIVE-AREAS-DEV", P("xidian_grade2", "4710"), P("xidian_in", "4710")),  # grade 1: banned instead
    Case("TL-003-SENSITIVE-AREAS-INDUSTRY-BAN", P("xidian_in", "3011"), P("xidian_out", "3011")),
    Case("TL-003-WATER-SOURCE-GRADE1-URBAN-BAN", P("xidian_in", "4710"), P("xidian_grade2", "4710")),
    Case("SX-000-MINE-DRAINAGE-REUSE", P("plain", "0610"), P("plain", "3011")),
    Case("SX-000-MANURE-REUSE", P("plain", "0311"), P("plain", "0311", "upgrade")),
    Case("SX-000-BOILER-KILN-CLEAN-ENERGY", P("plain", "3011"), P("plain", "6510")),
    Case("SX-000-TRAFFIC-NOISE-BARRIER", P("plain", "4813"), P("plain", "4812")),
    Case("SX-000-ZERO-LANDFILL", P("plain", "7820", attributes={"kinds": ["landfill"], "regional_daily_waste_t": 301}), P("plain", "7820", attributes={"kinds": ["landfill"], "regional_daily_waste_t": 300})),
    Case("SX-000-SINGLE-USE-PLASTICS", P("plain", "2927", attributes={"kinds": ["single_use_plastics"]}), P("plain", "2927", attributes={"kinds": []})),
    Case("TL-003-LIVESTOCK-SOIL-CAPACITY", P("tunliu", "0311"), P("tunliu", "0311", "upgrade")),
    Case("TL-003-LANDFILL-METHANE", P("tunliu", "7820", attributes={"kinds": ["landfill"]}), P("tunliu", "7820", attributes={"kinds": []})),
    Case("TL-003-WWTP-METHANE", P("tunliu", "4620"), P("tunliu", "4610")),
    Case("TL-003-SINGLE-USE-PLASTICS", P("tunliu", "2927", attributes={"kinds": ["single_use_plastics"]}), P("tunliu", "2927", attributes={"kinds": []})),
    Case("YQ-004-LANDFILL-LEACHATE", P("yangquan", "7820", attributes={"kinds": ["landfill"]}), P("yangquan", "7820", attributes={"kinds": []})),
    Case("TL-003-GREEN-MINE", P("tunliu", "0610"), P("tunliu", "0610", "expand")),
    Case("TL-003-WATER-SAVING", P("tunliu", "3011"), P("tunliu", "3011", "upgrade")),
    Case("TL-003-HIGH-IMPACT-LIMIT", P("tunliu", "3011"), P("tunliu", "3021")),
    Case("TL-003-JIANGHE-800M-FOREST", P("jianghe_790", "4710"), P("jianghe_6200", "4710"), doubt=True),
    Case("TL-003-NEW-WWTP", P("tunliu", "4620"), P("tunliu", "4620", "expand")),
    Case("TL-003-MEDICAL-WASTEWATER", P("tunliu", "8411"), P("tunliu", "8310")),
    Case("TL-003-NEW-PARK-WWTP", P("tunliu", attributes={K: ["industrial_cluster"]}), P("tunliu", nature="expand", attributes={K: ["industrial_cluster"]})),
    Case("TL-003-RIVERSIDE-TOURISM", P("jianghe_490", "6110"), P("jianghe_5900", "6110"), doubt=True),
    Case("TL-003-INDUSTRIAL-WASTEWATER", P("tunliu", "3011"), P("tunliu", "4411")),
    Case("TL-003-CBM-WATER", P("tunliu", "0721"), P("tunliu", "0711")),
    Case("TL-003-WATER-SOURCE-PROTECTION", P("xidian_in", "4710"), P("xidian_out", "4710")),
    Case("TL-003-CAPACITY-REPLACEMENT", P("tunliu", "3011"), P("tunliu", "3011", "upgrade")),
    Case("TL-003-NEW-IN-PARK", P("tunliu", "2521", "relocate", {"in_park": False}), P("tunliu", "2521", attributes={"in_park": True})),
    Case("TL-003-NO-PHYSICAL-RELOCATION", P("tunliu", "3011", "relocate", {"relocation_upgraded": False}), P("tunliu", "3011", "relocate", {"relocation_upgraded": True})),
    Case("TL-003-COAL-BOILER-PHASE-OUT", P("tunliu", "3911", attributes={K: ["coal_fired_boiler"]}), P("tunliu", "3911", attributes={K: []})),
    Case("TL-003-BIOMASS-HEATING", P("tunliu", "4430", attributes={"fuel": "biomass"}), P("tunliu", "4430", attributes={"fuel": "gas"})),
    Case("TL-003-ULE-CHP", P("tunliu", "4412"), P("tunliu", "4411")),
    Case("TL-003-RAIL-SIDING", P("tunliu", "0610", attributes={"annual_freight_mt": 2.0}), P("tunliu", "0610", attributes={"annual_freight_mt": 1.0})),
    Case("TL-003-KEY-COAL-MINE-RAIL", P("tunliu", "0610", attributes={"key_coal_mine": True}), P("tunliu", "0610", attributes={"key_coal_mine": False})),
    Case("TL-003-PRIORITY-FARMLAND", P("tunliu_farmland", "2614"), P("tunliu_farmland", "2614", "expand")),
    Case("TL-003-PRIORITY-FARMLAND-EXISTING", P("tunliu_farmland", "2614", "expand"), P("tunliu_farmland", "3911", "expand", {K: []})),
    Case("TL-003-CONTAMINATED-SITE-SENSITIVE-USE", P("tunliu", "4710", attributes={"contaminated_site": True}), P("tunliu", "4710", attributes={"contaminated_site": False})),
    Case("TL-003-SOLID-WASTE-YARD", P("tunliu", "2521", attributes={K: ["solid_waste_yard"]}), P("tunliu", "2521", attributes={K: []})),
    Case("TL-003-RISK-KEY-INDUSTRIES", P("tunliu", "5265"), P("tunliu", "5267")),
    Case("TL-003-LEAK-PREVENTION", P("tunliu", "3216"), P("tunliu", "3311")),
    Case("TL-003-COKING-CAPACITY-CONTROL", P("tunliu", "2521"), P("tunliu", "2521", "upgrade")),
    Case("TL-003-JIANGHE-VALLEY-SMELTING", P("jianghe_valley", "3211"), P("jianghe_valley_out", "3211")),
    Case("TL-003-MINE-GAS-UTILISATION", P("tunliu", "4411", attributes={"fuel": "coal_mine_gas"}), P("tunliu", "4411", attributes={"fuel": "coal"})),
    Case("TL-003-NEW-ENERGY", P("tunliu", "4416"), P("tunliu", "4415")),
    Case("TL-003-SOLID-WASTE-UTILISATION", P("tunliu", "4220"), P("tunliu", "4210")),
    Case("TL-003-PHARMA-INDUSTRY", P("tunliu", "2710"), P("tunliu", "2614")),
    Case("TL-003-NO-HIGH-NOISE-IN-PARK", P("tunliu", "3393", attributes={K: ["high_noise"], "in_park": True}), P("tunliu", "3393", attributes={K: ["high_noise"], "in_park": False})),
    Case("TL-003-ROAD-NOISE", P("tunliu", "4812"), P("tunliu", "4811")),
    Case("TL-003-FUEL-STATION-VAPOUR", P("tunliu", "5265"), P("tunliu", "5266")),
    Case("TL-003-TALL-STACK-KEY-SOURCE", P("tunliu", "3011", attributes={"stack_height_m": 46}), P("tunliu", "3011", attributes={"stack_height_m": 45})),
    Case("TL-003-VOC-KEY-SOURCE", P("tunliu", "2319"), P("tunliu", "2311", attributes={K: []})),
    # --- 004 阳泉市 ---
    Case("YQ-004-COAL-MINE-METHANE", P("yangquan", "0610"), P("yangquan", "0810")),
    Case("YQ-004-TWO-HIGH-CURB", P("yangquan", "3011"), P("yangquan", "3011", "upgrade")),
    Case("YQ-004-GREEN-TRANSFORMATION", P("yangquan", "3089"), P("yangquan", "3311")),
    Case("YQ-004-RECYCLED-NONFERROUS", P("yangquan", "4210"), P("yangquan", "4220")),
    Case("YQ-004-GREEN-COAL-MINING", P("yangquan", "0610"), P("yangquan", "0721")),
    Case("YQ-004-GAS-CASCADE-USE", P("yangquan", "0620"), P("yangquan", "0721")),
    Case("YQ-004-DISTRIBUTED-PV", P("yangquan", "4416"), P("yangquan", "4415")),
    Case("YQ-004-PUMPED-STORAGE", P("yangquan", "4413"), P("yangquan", "4414")),
    Case("YQ-004-RAIL-SIDING", P("yangquan", "0610", attributes={"annual_freight_mt": 1.5}), P("yangquan", "0610", "expand", {"annual_freight_mt": 1.5})),
    Case("YQ-004-PUBLIC-BUILDING-ONE-STAR", P("yangquan", "4790", attributes={"public_building": True}), P("yangquan", "4790", attributes={"public_building": False})),
    Case("YQ-004-DEEP-TREATMENT", P("yangquan", "3089"), P("yangquan", "3081")),
    Case("YQ-004-COAL-BOILER", P("yangquan", "3911", attributes={K: ["coal_fired_boiler"]}), P("yangquan", "3911", "upgrade", {K: ["coal_fired_boiler"]})),
    Case("YQ-004-KILN-CLEAN-ENERGY", P("yangquan", "3011"), P("yangquan", "2911")),
    Case("YQ-004-CHEM-PARK-STORMWATER", P("yangquan", attributes={K: ["chemical_park"]}), P("yangquan", attributes={K: ["industrial_cluster"]})),
    Case("YQ-004-INDUSTRIAL-WASTEWATER", P("yangquan", "3911"), P("yangquan", "4411")),
    Case("YQ-004-CONTAMINATED-SITE", P("yangquan", "7010", attributes={"contaminated_site": True}), P("yangquan", "7010", attributes={"contaminated_site": False})),
    Case("YQ-004-POPS-MERCURY", P("yangquan", "2631", attributes={K: ["pops_production"]}), P("yangquan", "2631", attributes={K: []})),
    Case("YQ-004-CHEM-PARK-THREE-TIER", P("yangquan", attributes={K: ["chemical_park"]}), P("yangquan", attributes={K: ["logistics_park"]})),
    Case("YQ-004-EMERGENCY-PLANS", P("yangquan", "3911"), P("yangquan", "4411")),
    Case("YQ-004-RIVER-CORRIDORS", P("taohe_990", "3911"), P("taohe_6400", "3911"), doubt=True),
    Case("YQ-004-NIANGZIGUAN-SPRING", P("niangziguan_in", "3911"), P("niangziguan_out", "3911")),
    # --- 002 交城县 ---
    Case("JC-002-NATURE-RESERVE", P("pangquangou_in", "4812"), P("pangquangou_out", "4812")),
    Case("JC-002-GREEN-MINING", P("jiaocheng", "0610"), P("jiaocheng", "0721")),
    Case("JC-002-SOIL-PREVENTION", P("jiaocheng", "2521"), P("jiaocheng", "3911", attributes={K: []})),
    Case("JC-002-MEDICAL-WASTE-FACILITY", P("jiaocheng", "7724", attributes={K: ["medical_waste_disposal"]}), P("jiaocheng", "7724", "upgrade", {K: ["medical_waste_disposal"]})),
    Case("JC-002-STONE-INDUSTRY-CHAIN", P("jiaocheng", "1019"), P("jiaocheng", "1020")),
    Case("JC-002-MONITORING-PLATFORM", P("jiaocheng", "3911", attributes={"key_pollution_source": True}), P("jiaocheng", "3911", attributes={"key_pollution_source": False})),
]


@pytest.fixture(scope="module")
def real() -> RealData:
    return RealData.load()


@pytest.fixture(scope="module")
def evaluator() -> Evaluator:
    return Evaluator(load_rulebook(RULES), RuleSettings())


@pytest.fixture(scope="module")
def sites(real: RealData) -> Callable[[str], shapely.Geometry]:
    cache: dict[str, shapely.Geometry] = {}

    def site(name: str) -> shapely.Geometry:
        if name not in cache:
            build, check = SITES[name]
            point = build(real)
            if check is not None:
                key, metres = check
                assert geodesic_distance_m(point, real.feature(key).geometry) == pytest.approx(metres, abs=0.2)
            cache[name] = point
        return cache[name]

    return site


def _evaluate(p: P, real: RealData, evaluator: Evaluator, sites: Callable[[str], shapely.Geometry]):
    geometry = sites(p.site)
    project = make_project(geometry, industry=p.industry, nature=p.nature, attributes=p.attributes)
    return evaluator.evaluate(project, real.context(geometry), AS_OF)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.rule_id)
def test_rule_triggers(case: Case, real: RealData, evaluator: Evaluator, sites) -> None:
    evaluation = _evaluate(case.hit, real, evaluator, sites)
    finding = evaluation.finding(case.rule_id)
    assert finding is not None, [n for n in evaluation.not_applicable if n.rule_id == case.rule_id]
    assert finding.reason  # says which place, industry or attribute triggered it
    if not case.doubt:
        assert finding.outcome is Outcome.APPLIES, finding.missing
        return
    assert finding.outcome is Outcome.REVIEW and {m.field for m in finding.missing} == {"location"}
    assert "精度约±" in finding.reason  # says why it cannot decide
    question = next(q for q in evaluation.questions if q.key == finding.missing[0].key)
    assert case.rule_id in question.rule_ids
    yes = next(a for a in question.answers if a.value is True)
    assert yes.verdict.severity >= finding.worst_open.severity


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.rule_id)
def test_rule_just_misses(case: Case, real: RealData, evaluator: Evaluator, sites) -> None:
    evaluation = _evaluate(case.miss, real, evaluator, sites)
    assert evaluation.finding(case.rule_id) is None
    declined = [n for n in evaluation.not_applicable if n.rule_id == case.rule_id]
    assert len(declined) == 1 and declined[0].reason  # evaluated in its jurisdiction, and said why not


def test_every_rule_has_a_case() -> None:
    rulebook = load_rulebook(RULES)
    assert sorted(c.rule_id for c in CASES) == sorted(r.id for r in rulebook.rules)


def test_undeclared_kind_is_review_while_a_certain_prohibition_decides(real: RealData, evaluator: Evaluator, sites) -> None:
    evaluation = _evaluate(P("taiyuan_basin", "C2521"), real, evaluator, sites)
    assert evaluation.verdict.value == "prohibited"
    assert evaluation.finding("SX-000-NO-NEW-CAPACITY").outcome is Outcome.APPLIES  # 新建 counts as 新增产能
    basin = evaluation.finding("SX-001-TY-BASIN-COKING")
    assert basin.outcome is Outcome.REVIEW
    assert [(m.field, m.value) for m in basin.missing] == [("attributes.kinds", "standalone_coking")]
    assert "与太原盆地（zone:taiyuan-basin）相交" in basin.reason


def test_polygon_outline_measured_from_its_nearest_edge(real: RealData, evaluator: Evaluator, sites) -> None:
    # A 1,000-vertex outline through the point 990 m from the Yellow River, lying away from it.
    edge = sites("huanghe_990")
    far = sites("huanghe_1010")
    lon, lat = 2 * far.x - edge.x, 2 * far.y - edge.y  # the outline grows away from the river
    direction = shapely.Point(lon, lat)
    centre = shapely.Point(edge.x + 60 * (direction.x - edge.x), edge.y + 60 * (direction.y - edge.y))
    radius = centre.distance(edge)
    outline = centre.buffer(radius, quad_segs=250)
    assert len(outline.exterior.coords) == 1001
    project = make_project(outline, industry="0610", nature="new")
    evaluation = evaluator.evaluate(project, real.context(outline), AS_OF)
    finding = evaluation.finding("SX-001-YR-1KM-MINING")
    assert finding is not None and "距黄河（river:huanghe）约" in finding.reason
    assert json.loads(json.dumps(evaluation.to_dict(), ensure_ascii=False))["verdict"] == "prohibited"


# --- one case per kind of defect the rule audit fixed (docs/rule-coverage.md) ----------------


def test_over_reach_a_cosmetics_plant_in_a_county_town_is_not_a_high_pollution_project(real: RealData, evaluator: Evaluator, sites) -> None:
    evaluation = _evaluate(P("county_town", "2682"), real, evaluator, sites)
    assert evaluation.finding("SX-000-FIVE-LAKES-PLANNING-AREAS") is None
    assert evaluation.finding("SX-001-YR-SHORELINE-CHEM") is None  # far from the Yellow River system's banks


def test_over_reach_a_garment_factory_need_not_enter_a_park_nor_answer_freight_or_stack_questions(real: RealData, evaluator: Evaluator, sites) -> None:
    evaluation = _evaluate(P("tunliu", "1810"), real, evaluator, sites)
    assert evaluation.finding("TL-003-NEW-IN-PARK") is None
    asked = {q.field for q in evaluation.questions}
    assert "attributes.annual_freight_mt" not in asked and "attributes.stack_height_m" not in asked


def test_under_reach_a_factory_in_a_grade_1_water_source_zone_is_prohibited(real: RealData, evaluator: Evaluator, sites) -> None:
    evaluation = _evaluate(P("xidian_in", "3911"), real, evaluator, sites)
    assert evaluation.finding("TL-003-SENSITIVE-AREAS-INDUSTRY-BAN").outcome is Outcome.APPLIES
    assert evaluation.verdict.value == "prohibited"


def test_under_reach_a_declared_electroplating_plant_on_farmland_is_a_soil_polluter(real: RealData, evaluator: Evaluator, sites) -> None:
    evaluation = _evaluate(P("farmland_in", "3360", attributes={"kinds": ["electroplating"]}), real, evaluator, sites)
    finding = evaluation.finding("SX-000-FARMLAND-NO-SOIL-POLLUTERS")
    assert finding.outcome is Outcome.APPLIES and "电镀属于" in finding.reason
    assert evaluation.verdict.value == "prohibited"


def test_relocations_count_as_new_where_the_clause_means_the_new_site(real: RealData, evaluator: Evaluator, sites) -> None:
    moved = _evaluate(P("tunliu", "2521", "relocate", {"in_park": False}), real, evaluator, sites)
    assert moved.finding("TL-003-NEW-IN-PARK").outcome is Outcome.APPLIES
    siding = _evaluate(P("yangquan", "0610", "relocate", {"annual_freight_mt": 2.0}), real, evaluator, sites)
    assert siding.finding("YQ-004-RAIL-SIDING").outcome is Outcome.APPLIES


def test_an_undeclared_electroplating_question_makes_the_answer_possibly_prohibited(real: RealData, evaluator: Evaluator, sites) -> None:
    # A C3360 shop on farmland: restrictions apply, but the ban on soil polluters waits for the answer.
    evaluation = _evaluate(P("farmland_in", "3360"), real, evaluator, sites)
    assert evaluation.verdict.value == "possibly_prohibited"
    first = evaluation.questions[0]
    assert first.decides_prohibition and first.field == "attributes.kinds"
    assert "prohibited" in {a.verdict.value for a in first.answers}
    assert all(q.decides_prohibition for q in evaluation.questions[: sum(q.decides_prohibition for q in evaluation.questions)])


def test_missing_tributaries_a_chemical_plant_by_the_sanchuan_river_is_possibly_prohibited(real: RealData, evaluator: Evaluator, sites) -> None:
    # 三川河 reaches the Yellow River directly; drawn only to ±5 km, 500 m from its line is in doubt.
    evaluation = _evaluate(P("sanchuan_500", "2614"), real, evaluator, sites)
    finding = evaluation.finding("SX-001-YR-SHORELINE-CHEM")
    assert finding is not None and finding.outcome is Outcome.REVIEW
    assert [m.key for m in finding.missing] == ["location:river:sanchuanhe"]
    assert evaluation.verdict.severity >= finding.worst_open.severity  # never milder than the open ban
