"""Named zones, lakes, reserves, water sources, development zones, planning areas and farmland."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import shapely
from shapely.ops import nearest_points

from ecozone.errors import BadInput
from ecozone.geo.metric import area_m2, buffer_m, distance_m

from .catalog import Catalog
from .model import RefFeature, approximation
from .regions import Regions
from .rivers import River, corridor_width_m
from .shapes import band, circle, circle_of_area, ellipse_of_area

ESTIMATE_SOURCE = "Documented approximation by the ecozone build (centre estimated from the named location, ±5 km; not an official outline)"
SEAT_SOURCE = "Seat of government from seats.csv (cpca adcodes, AutoNavi centres, GCJ-02 converted); radius is a named setting"


@dataclass
class Layers:
    """Everything built here, plus the river corridors the units and farmland need."""

    features: list[RefFeature]
    corridors: dict[str, shapely.Geometry]  # river key -> 优先保护 corridor polygon (in Shanxi)
    mining: list[RefFeature]  # coal mining areas (key land of the units, not reference features)
    water_key: list[RefFeature]  # bands along polluted reaches (key land of the units)

    def of_kind(self, kind: str) -> list[RefFeature]:
        return [f for f in self.features if f.kind == kind]

    def get(self, key: str) -> RefFeature:
        return next(f for f in self.features if f.key == key)


def _centre(spec: dict[str, Any], rivers: dict[str, River]) -> shapely.Point:
    point = shapely.Point(spec["centre"])
    if "snap_to" in spec:
        point = nearest_points(rivers[spec["snap_to"]].geometry, point)[0]
    return point


def _check_county(point: shapely.Point, spec: dict[str, Any], regions: Regions) -> None:
    county = regions.counties.get(spec["county"])
    if county is None or not county.geometry.contains(point):
        found = next((c.code for c in regions.counties.values() if c.geometry.contains(point)), None)
        raise BadInput(
            f"{spec['key']}: centre {point.x:.3f},{point.y:.3f} is in county {found}, not {spec['county']}",
            field="county",
            value=spec["key"],
        )


def _area_km2(geometry: shapely.Geometry) -> float:
    return round(float(area_m2(geometry)) / 1e6, 2)


def build_lakes(catalog: Catalog, regions: Regions, rivers: dict[str, River]) -> list[RefFeature]:
    features = []
    for spec in catalog.features["lakes"]:
        centre = _centre(spec, rivers)
        _check_county(centre, spec, regions)
        shape = ellipse_of_area(centre, spec["area_km2"], spec["aspect"], spec["azimuth_deg"])
        method = (
            f"Ellipse of {spec['area_km2']} km² (long axis {spec['aspect']}× the short one, azimuth "
            f"{spec['azimuth_deg']}°) around an estimated centre" + (f" on {spec['snap_to']}" if "snap_to" in spec else "")
        )
        attributes = approximation(method, ESTIMATE_SOURCE, five_lakes=spec["five_lakes"], area_km2=spec["area_km2"], county=spec["county"])
        if "note" in spec:
            attributes["note"] = spec["note"]
        features.append(RefFeature(spec["key"], "lake", spec["name"], spec["name_en"], shapely.intersection(shape, regions.province.geometry), attributes))
    return features


def _band_spec_geometry(spec: dict[str, Any], regions: Regions, rivers: dict[str, River], half_width: float) -> shapely.Geometry:
    within = shapely.union_all([regions.counties[c].geometry for c in spec["counties"]])
    return band(rivers[spec["river"]].geometry, half_width, within)


def build_reserves(catalog: Catalog, regions: Regions, rivers: dict[str, River]) -> list[RefFeature]:
    features = []
    for spec in catalog.features["nature_reserves"]:
        if "band" in spec:
            b = spec["band"]
            shape = _band_spec_geometry(b, regions, rivers, b["half_width_m"])
            method = f"Band of {b['half_width_m']} m on each side of {b['river']} within counties {', '.join(b['counties'])}"
            extra = {"counties": b["counties"]}
        else:
            centre = _centre(spec, rivers)
            _check_county(centre, spec, regions)
            shape = shapely.intersection(circle_of_area(centre, spec["area_km2"]), regions.province.geometry)
            method = f"Circle of the reserve's area ({spec['area_km2']} km²) around an estimated centre"
            extra = {"county": spec["county"]}
        attributes = approximation(method, ESTIMATE_SOURCE, level=spec["level"], area_km2=_area_km2(shape), **extra)
        features.append(RefFeature(spec["key"], "nature_reserve", spec["name"], spec["name_en"], shape, attributes))
    return features


def _water_source_zones(spec: dict[str, Any], catalog: Catalog, rivers: dict[str, River]) -> tuple[shapely.Geometry, shapely.Geometry, str]:
    centre = _centre(spec, rivers)
    if spec["kind"] == "reservoir":
        water = ellipse_of_area(centre, spec["area_km2"], spec["aspect"], spec["azimuth_deg"])
        r1, r2 = catalog.setting("water_sources", "reservoir_grade1_m"), catalog.setting("water_sources", "reservoir_grade2_m")
        grade1, grade2 = buffer_m(water, r1), buffer_m(water, r2)
        method = f"Reservoir as an ellipse of {spec['area_km2']} km² on {spec['snap_to']}; grade 1 = water + {r1:g} m, grade 2 = water + {r2:g} m (settings water_sources.*)"
    else:
        r1, r2 = catalog.setting("water_sources", "spring_grade1_m"), catalog.setting("water_sources", "spring_grade2_m")
        grade1, grade2 = circle(centre, r1), circle(centre, r2)
        method = f"{spec['kind'].capitalize()}: grade 1 = circle of {r1:g} m, grade 2 = circle of {r2:g} m around an estimated position (settings water_sources.*)"
    return grade1, shapely.difference(grade2, grade1), method


def build_water_sources(catalog: Catalog, regions: Regions, rivers: dict[str, River]) -> list[RefFeature]:
    features = []
    for spec in catalog.features["water_sources"]:
        _check_county(_centre(spec, rivers), spec, regions)
        grade1, grade2, method = _water_source_zones(spec, catalog, rivers)
        for grade, shape in ((1, grade1), (2, grade2)):
            attributes = approximation(method, ESTIMATE_SOURCE, grade=grade, source_kind=spec["kind"], serves=spec["serves"], county=spec["county"])
            if "note" in spec:
                attributes["note"] = spec["note"]
            name = spec["name"].replace("保护区", f"{'一' if grade == 1 else '二'}级保护区")
            features.append(
                RefFeature(f"{spec['key']}-{grade}", "water_source", name, f"{spec['name_en']}, grade {grade} zone", shapely.intersection(shape, regions.province.geometry), attributes)
            )
    return features


def build_dev_zones(catalog: Catalog, regions: Regions, rivers: dict[str, River]) -> list[RefFeature]:
    features = []
    for spec in catalog.features["dev_zones"]:
        centre = _centre(spec, rivers)
        _check_county(centre, spec, regions)
        shape = shapely.intersection(circle_of_area(centre, spec["area_km2"]), regions.counties[spec["county"]].geometry)
        method = f"Circle of {spec['area_km2']} km² (estimated built area) around an estimated centre, clipped to the county"
        attributes = approximation(method, ESTIMATE_SOURCE, park_type=spec["park_type"], level=spec["level"], county=spec["county"])
        if "note" in spec:
            attributes["note"] = spec["note"]
        features.append(RefFeature(spec["key"], "dev_zone", spec["name"], spec["name_en"], shape, attributes))
    return features


def _merged_districts(city_code: str, radius_m: float, catalog: Catalog, regions: Regions) -> list[str]:
    """Districts (区) whose seat lies within the city's planning circle."""
    city_seat = catalog.seat(city_code).point
    return [
        c.code
        for c in regions.counties_of(city_code)
        if c.name.endswith("区") and distance_m(city_seat, catalog.seat(c.code).point) <= radius_m
    ]


def _planning_name(name: str, level: str) -> str:
    if level == "city":
        return f"{name}城市规划区"
    return f"{name}县城规划区" if name.endswith("县") else f"{name}城区规划区"


def build_planning_areas(catalog: Catalog, regions: Regions) -> list[RefFeature]:
    """One planning area per city (its central districts) and per other county-level division."""
    features = []
    merged_all: set[str] = set()
    for city in regions.cities.values():
        setting = "provincial_capital_radius_km" if city.code == "140100" else "city_radius_km"
        radius = catalog.setting("planning_areas", setting)
        merged = _merged_districts(city.code, radius * 1000.0, catalog, regions)
        merged_all.update(merged)
        within = shapely.union_all([regions.counties[c].geometry for c in merged]) if merged else city.geometry
        shape = shapely.intersection(circle(city.seat, radius * 1000.0), within)
        method = f"Circle of {radius:g} km (setting planning_areas.{setting}) around the city government, clipped to its central districts {', '.join(merged)}"
        attributes = approximation(method, SEAT_SOURCE, region_code=city.code, level="city", districts=merged, radius_km=radius)
        features.append(RefFeature(f"planning_area:{city.code}", "planning_area", _planning_name(city.name, "city"), f"{city.name_en} city planning area", shape, attributes))
    radius = catalog.setting("planning_areas", "county_radius_km")
    for county in regions.counties.values():
        if county.code in merged_all:
            continue
        shape = shapely.intersection(circle(county.seat, radius * 1000.0), county.geometry)
        method = f"Circle of {radius:g} km (setting planning_areas.county_radius_km) around the county government, clipped to the county"
        attributes = approximation(method, SEAT_SOURCE, region_code=county.code, level="county", radius_km=radius)
        features.append(RefFeature(f"planning_area:{county.code}", "planning_area", _planning_name(county.name, "county"), f"{county.name_en} seat planning area", shape, attributes))
    return features


def build_mining_areas(catalog: Catalog, regions: Regions) -> list[RefFeature]:
    """Each mining area as a circle of its stated area around its estimated centre."""
    features = []
    for spec in catalog.features["mining_areas"]:
        shape = shapely.intersection(circle_of_area(shapely.Point(spec["centre"]), spec["area_km2"]), regions.province.geometry)
        method = f"Circle of {spec['area_km2']} km² (estimated worked area) around an estimated centre (±10 km)"
        features.append(RefFeature(spec["key"], "mining", spec["name"], spec["name_en"], shape, approximation(method, ESTIMATE_SOURCE)))
    return features


def build_water_key(catalog: Catalog, regions: Regions, rivers: dict[str, River], zones: list[RefFeature]) -> list[RefFeature]:
    """Bands of water_key.half_width_m along the polluted reaches, within their zone when given."""
    half = catalog.setting("water_key", "half_width_m")
    by_key = {z.key: z for z in zones}
    features = []
    for spec in catalog.features["polluted_reaches"]:
        river = rivers[spec["river"]]
        within = by_key[spec["zone"]].geometry if "zone" in spec else regions.province.geometry
        method = f"Band of {half:g} m (setting water_key.half_width_m) along {river.key}" + (f" within {spec['zone']}" if "zone" in spec else "")
        features.append(RefFeature(f"water_key:{river.key.split(':')[1]}", "water_key", river.name, river.name_en, band(river.geometry, half, within), approximation(method, ESTIMATE_SOURCE)))
    return features


def _nearest_counties(spec: dict[str, Any], catalog: Catalog, regions: Regions) -> list[str]:
    rule = spec["nearest_to_capital"]
    count = int(catalog.setting("units", rule["count_setting"]))
    capital = catalog.seat(rule["city"]).point
    candidates = [c for c in regions.counties.values() if c.parent in rule["from_cities"]]
    ranked = sorted(candidates, key=lambda c: (distance_m(capital, catalog.seat(c.code).point), c.code))
    own = [c.code for c in regions.counties_of(rule["city"])]
    return sorted(own + [c.code for c in ranked[:count]])


def build_named_zones(catalog: Catalog, regions: Regions, rivers: dict[str, River]) -> list[RefFeature]:
    features = []
    for spec in catalog.features["zones"]:
        if "band" in spec:
            b = spec["band"]
            half = catalog.setting("jianghe_valley", b["half_width_setting"])
            shape = _band_spec_geometry(b, regions, rivers, half)
            members = b["counties"]
        else:
            members = spec["counties"] if "counties" in spec else _nearest_counties(spec, catalog, regions)
            shape = shapely.coverage_union_all([regions.counties[c].geometry for c in members])
        attributes = approximation(spec["method"], "Union of county outlines of data/shanxi/regions.geojson" if "band" not in spec else ESTIMATE_SOURCE, members=members)
        features.append(RefFeature(spec["key"], "zone", spec["name"], spec["name_en"], shape, attributes))
    return features


def build_city_groups(catalog: Catalog, regions: Regions) -> list[RefFeature]:
    features = []
    for spec in catalog.features["city_groups"]:
        shape = shapely.coverage_union_all([regions.cities[c].geometry for c in spec["members"]])
        attributes = {
            "approximate": False,
            "source": "Union of the member cities of data/shanxi/regions.geojson",
            "members": spec["members"],
        }
        features.append(RefFeature(spec["key"], "city_group", spec["name"], spec["name_en"], shape, attributes))
    return features


def build_corridors(catalog: Catalog, regions: Regions, rivers: list[River]) -> dict[str, shapely.Geometry]:
    """The 优先保护 corridor of every river (half-widths are named settings), inside Shanxi."""
    return {r.key: band(r.geometry, corridor_width_m(r, catalog), regions.province.geometry) for r in rivers}


def build_farmland(catalog: Catalog, regions: Regions, rivers: dict[str, River], exclude: shapely.Geometry) -> list[RefFeature]:
    half = catalog.setting("farmland", "valley_band_m")
    features = []
    for spec in catalog.features["farmland"]:
        within = shapely.union_all([regions.counties[c].geometry for c in spec["counties"]])
        lines = shapely.union_all([rivers[k].geometry for k in [spec["river"], *spec.get("extra_rivers", [])]])
        shape = shapely.difference(band(lines, half, within), exclude)
        method = (
            f"Band of {half:g} m (setting farmland.valley_band_m) along {spec['river']} within the basin counties, "
            "less planning areas, development zones, lakes, reserves, water sources and river corridors"
        )
        attributes = approximation(method, ESTIMATE_SOURCE, counties=spec["counties"])
        if spec.get("soil_class"):
            attributes["soil_class"] = spec["soil_class"]
        if "note" in spec:
            attributes["note"] = spec["note"]
        features.append(RefFeature(spec["key"], "farmland", spec["name"], spec["name_en"], shape, attributes))
    return features


def river_features(rivers: list[River]) -> list[RefFeature]:
    return [RefFeature(r.key, "river", r.name, r.name_en, r.geometry, r.attributes) for r in rivers]


def build_layers(catalog: Catalog, regions: Regions, rivers: list[River]) -> Layers:
    """All reference features (rivers included) and the helper layers of the units."""
    by_key = {r.key: r for r in rivers}
    lakes = build_lakes(catalog, regions, by_key)
    reserves = build_reserves(catalog, regions, by_key)
    sources = build_water_sources(catalog, regions, by_key)
    dev_zones = build_dev_zones(catalog, regions, by_key)
    planning = build_planning_areas(catalog, regions)
    corridors = build_corridors(catalog, regions, rivers)
    exclude = shapely.union_all([f.geometry for f in lakes + reserves + sources + dev_zones + planning] + list(corridors.values()))
    farmland = build_farmland(catalog, regions, by_key, exclude)
    zones = build_named_zones(catalog, regions, by_key)
    features = (
        river_features(rivers)
        + lakes
        + zones
        + build_city_groups(catalog, regions)
        + planning
        + reserves
        + sources
        + farmland
        + dev_zones
    )
    return Layers(features, corridors, build_mining_areas(catalog, regions), build_water_key(catalog, regions, by_key, zones))
