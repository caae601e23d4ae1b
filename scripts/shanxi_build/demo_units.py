"""Assemble the demonstration units: layers per county, calibrated relief land, unit targets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import shapely

from .catalog import Catalog
from .ecospace import Calibration, ReliefRegions, calibrate, covered, sample_counties
from .model import RefFeature
from .regions import BuiltRegion, Regions
from .terrain import build_terrain
from .units import CountyRules, Layer, Unit, units_of_county
from .zones import Layers

AIR_ZONES = ("zone:taiyuan-basin", "zone:fenhe-valley")  # seed 001 三、(五): 太原盆地, 汾河谷地


def _short(name: str, suffix: str) -> str:
    return name[: -len(suffix)] if name.endswith(suffix) else name


def priority_layers(layers: Layers) -> list[Layer]:
    """Reserves, water sources, lakes and river corridors, in precedence order."""
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
    # A river's reach through a prefecture city's central districts is embanked town land: it is
    # part of the city's key units, and its corridor starts where the city planning area ends.
    cities = shapely.union_all([f.geometry for f in layers.of_kind("planning_area") if f.attributes["level"] == "city"])
    for f in layers.of_kind("river"):
        if f.key in layers.corridors and f.key not in {"river:zhanghe", "river:daqinghe"}:
            out.append(Layer(1, "river", f.name, ("水", "生态"), shapely.difference(layers.corridors[f.key], cities), f.key))
    return out


def key_layers(layers: Layers) -> list[Layer]:
    """Development zones, mining areas, planning areas and polluted-reach bands, in precedence order."""
    out: list[Layer] = []
    for f in layers.of_kind("dev_zone"):
        out.append(Layer(2, "dev_zone", f.name, ("大气", "水", "土壤"), f.geometry, f.key, f.attributes["park_type"]))
    for f in layers.mining:
        out.append(Layer(2, "mining", f.name, ("大气", "水", "土壤"), f.geometry, None))
    for f in layers.of_kind("planning_area"):
        out.append(Layer(2, "urban", "城镇", ("大气", "水", "声"), f.geometry, f.key))
    for f in layers.water_key:
        out.append(Layer(2, "water_key", f"{f.name}水环境", ("水",), f.geometry, None))
    return out


@dataclass(frozen=True)
class Territory:
    """The land nearer to one mountain range's anchors than to any other range's."""

    key: str
    name: str
    geometry: shapely.Geometry


def range_territories(catalog: Catalog, extent: shapely.Geometry) -> list[Territory]:
    """Voronoi cells of all anchors (in lon/lat scaled by cos 37.5°), merged per range."""
    anchors = [(spec, a) for spec in catalog.features["mountain_ranges"] for a in spec["anchors"]]
    scale = float(np.cos(np.radians(37.5)))
    points = shapely.MultiPoint([(a[0] * scale, a[1]) for _, a in anchors])
    minx, miny, maxx, maxy = extent.bounds
    frame = shapely.box(minx * scale - 1, miny - 1, maxx * scale + 1, maxy + 1)
    cells = shapely.get_parts(shapely.voronoi_polygons(points, extend_to=frame))
    out = []
    for spec in catalog.features["mountain_ranges"]:
        own = [c for c in cells if any(c.contains(shapely.Point(a[0] * scale, a[1])) for a in spec["anchors"])]
        merged = shapely.affinity.scale(shapely.union_all(own), xfact=1 / scale, yfact=1.0, origin=(0, 0))
        out.append(Territory(spec["key"], spec["name"], merged))
    return out


def _allocate(areas: dict[str, float], total: int, min_area_km2: float) -> dict[str, int]:
    """Split ``total`` units over counties in proportion to area (largest remainder, ≥ 1 where land)."""
    present = {c: a for c, a in sorted(areas.items()) if a >= min_area_km2}
    if not present:
        return {c: 0 for c in areas}
    whole = sum(present.values())
    quota = {c: total * a / whole for c, a in present.items()}
    counts = {c: max(1, int(q)) for c, q in quota.items()}
    diff = total - sum(counts.values())
    by_remainder = sorted(present, key=lambda c: (-(quota[c] - counts[c]), c))
    while diff > 0:
        for c in by_remainder[:diff]:
            counts[c] += 1
        diff = total - sum(counts.values())
    reducible = sorted((c for c in present if counts[c] > 1), key=lambda c: (quota[c] - counts[c], c))
    for c in reducible[: max(0, -diff)]:
        counts[c] -= 1
    return {c: counts.get(c, 0) for c in areas}


def unit_targets(calibration: Calibration, published: dict, min_area_km2: float, general_min_share: float) -> dict[str, tuple[int, int, int]]:
    """Units per county and class: the published numbers where given, else the province's spread by area."""
    own = published["counties"]["figures"]
    rest = {c: a for c, a in calibration.area_km2.items() if c not in own}
    per_class = []
    for unit_class in (1, 2):
        total = published["province"]["units"][unit_class] - sum(f["units"][unit_class] for f in own.values())
        per_class.append(_allocate({c: a[unit_class - 1] for c, a in rest.items()}, total, min_area_km2))
    targets = {c: (f["units"][1], f["units"][2], f["units"][3]) for c, f in own.items()}
    for code, area in rest.items():
        general = 1 if area[2] >= general_min_share * sum(area) else 0
        targets[code] = (per_class[0][code], per_class[1][code], general)
    return targets


class TerrainLayers:
    """The calibrated relief land of each county: mountain land by range, low land as air key area."""

    def __init__(self, relief: ReliefRegions, calibration: Calibration, territories: list[Territory], air_zones: list[RefFeature]) -> None:
        self._relief = relief
        self._calibration = calibration
        self._territories = territories
        self._air_zones = air_zones

    def priority(self, county: BuiltRegion) -> list[Layer]:
        land = shapely.intersection(self._relief.above(self._calibration.upper[county.code]), county.geometry)
        out = []
        for territory in self._territories:
            part = shapely.intersection(land, territory.geometry)
            if not part.is_empty and shapely.area(part) > 0:
                out.append(Layer(1, "mountain", territory.name, ("生态",), part, territory.key))
        return out

    def key(self, county: BuiltRegion) -> list[Layer]:
        land = shapely.intersection(self._relief.below(self._calibration.lower[county.code]), county.geometry)
        zone = next((z for z in self._air_zones if county.code in z.attributes["members"]), None)
        label = f"{zone.name}大气" if zone else "大气"
        return [Layer(2, "air", label, ("大气",), land, zone.key if zone else None)]


def build_units(regions: Regions, layers: Layers, catalog: Catalog, progress: Callable[[], None] | None = None) -> list[Unit]:
    """Units of every county of the province (``progress`` is an optional callback per county)."""
    setting = catalog.setting
    terrain = build_terrain(regions.province.geometry.bounds, setting("terrain", "grid_step_deg"), int(setting("terrain", "regional_window_cells")), setting("terrain", "regional_weight"))
    samples = sample_counties(regions, setting("terrain", "sample_step_deg"))
    fixed_p, fixed_k = priority_layers(layers), key_layers(layers)
    calibration = calibrate(
        samples,
        terrain.sample(samples.x, samples.y),
        covered(shapely.union_all([layer.geometry for layer in fixed_p]), samples),
        covered(shapely.union_all([layer.geometry for layer in fixed_k]), samples),
        catalog.published,
    )
    general_min_share = setting("units", "general_min_share")
    targets = unit_targets(calibration, catalog.published, setting("units", "min_unit_area_km2"), general_min_share)
    relief = ReliefRegions(terrain, setting("terrain", "simplify_deg"))
    air_zones = [layers.get(k) for k in AIR_ZONES]
    terrain_layers = TerrainLayers(relief, calibration, range_territories(catalog, regions.province.geometry), air_zones)
    units = []
    for county in regions.counties.values():
        county_layers = [*fixed_p, *terrain_layers.priority(county), *fixed_k, *terrain_layers.key(county)]
        rules = CountyRules(setting("units", "min_unit_area_km2") * 1e6, general_min_share, setting("units", "min_split_part_km2") * 1e6, targets[county.code])
        units.extend(units_of_county(county, county_layers, rules))
        if progress:
            progress()
    return units
