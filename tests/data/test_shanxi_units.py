"""data/shanxi/demo/units.geojson: codes, tiling of every county, traceable access lists."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
import shapely

from ecozone.geo.metric import area_m2, buffer_m, province_equal_area_crs

DATA = Path(__file__).resolve().parents[2] / "data" / "shanxi"

CODE = re.compile(r"ZH(?P<county>\d{6})(?P<cls>[123])(?P<serial>\d{4})")
CLASS_NAMES = {1: "优先保护单元", 2: "重点管控单元", 3: "一般管控单元"}
ELEMENTS = {"生态", "大气", "水", "土壤", "声"}
DIMENSIONS = ("spatial_layout", "emissions", "risk", "resources")
ALBERS = province_equal_area_crs()
# Same bars as ecozone.zoning.validation: overlaps below 100 m², gaps below 10 000 m² per county.
OVERLAP_TOLERANCE_M2 = 100.0
GAP_TOLERANCE_M2 = 10_000.0


@pytest.fixture(scope="module")
def counties(regions):
    return {p["code"]: g for p, g in zip(regions.properties, regions.geometries) if p["level"] == "county"}


def test_every_code_parses_and_matches_class_and_county(units, counties, regions):
    names = {p["code"]: p["name"] for p in regions.properties}
    codes = [p["code"] for p in units.properties]
    assert len(set(codes)) == len(codes)
    serials = defaultdict(list)
    for props in units.properties:
        match = CODE.fullmatch(props["code"])
        assert match, props["code"]
        assert int(match["cls"]) == props["class"]
        assert match["county"] == props["county_code"] and props["county_code"] in counties
        assert props["city_code"] == props["county_code"][:4] + "00"
        assert props["class_name"] == CLASS_NAMES[props["class"]]
        assert props["name"].startswith(names[props["county_code"]] + CLASS_NAMES[props["class"]]), props["name"]
        assert set(props["elements"]) <= ELEMENTS and props["elements"]
        assert props["demo"] is True and "示例数据" in props["remark"]
        serials[(props["county_code"], props["class"])].append(int(match["serial"]))
    for key, numbers in serials.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), key


def test_all_counties_and_classes_are_present(units, counties):
    assert {p["county_code"] for p in units.properties} == set(counties)
    for city in {c[:4] + "00" for c in counties}:
        assert {p["class"] for p in units.properties if p["city_code"] == city} == {1, 2, 3}, city


def test_units_do_not_overlap(units):
    geoms = units.geometries
    assert all(shapely.is_valid(geoms))
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    pairs = left < right
    overlaps = shapely.intersection(geoms[left[pairs]], geoms[right[pairs]])
    areas = np.asarray(area_m2(overlaps, ALBERS))
    assert areas.max(initial=0.0) < OVERLAP_TOLERANCE_M2


def test_units_tile_each_county(units, counties):
    by_county = defaultdict(list)
    for props, geom in zip(units.properties, units.geometries, strict=True):
        by_county[props["county_code"]].append(geom)
    for code, county in counties.items():
        union = shapely.union_all(by_county[code])
        gap = float(area_m2(shapely.difference(county, union), ALBERS))
        spill = float(area_m2(shapely.difference(union, county), ALBERS))
        assert gap < GAP_TOLERANCE_M2 and spill < GAP_TOLERANCE_M2, code


def test_taiyuan_point_is_in_exactly_one_unit(units):
    point = shapely.Point(112.55, 37.87)
    hits = [p for p, g in zip(units.properties, units.geometries) if g.covers(point)]
    assert len(hits) == 1
    assert hits[0]["city_code"] == "140100"


def test_access_lists_are_the_cited_clauses(units, templates):
    clauses = {c["id"]: c for c in templates["clauses"]}
    for props in units.properties:
        assert props["clause_ids"] and set(props["clause_ids"]) <= set(clauses)
        lines = [line for d in DIMENSIONS for line in props[d].split("\n") if line]
        assert len(lines) == len(props["clause_ids"])
        for cid in props["clause_ids"]:
            clause = clauses[cid]
            short = templates["documents"][clause["seed"]]["short"]
            expected_tail = f"（{short} {clause['section']}）"
            assert any(line.endswith(expected_tail) and clause["quote"].rstrip(",，;；、。") in line for line in props[clause["dimension"]].split("\n")), cid


def test_templates_cite_seed_file_section_and_quote(templates):
    assert {"000_6f036d9dc4af6d6d.txt", "001_47dba2e9a193b9f3.txt", "002_5a5c62ce385f65a3.txt", "003_1235a785acafef24.txt", "004_3c940348ac7d55d7.txt"} <= set(templates["documents"])
    for clause in templates["clauses"]:
        assert clause["seed"] in templates["documents"]
        assert clause["section"] and clause["quote"]
        assert clause["dimension"] in DIMENSIONS
        assert isinstance(clause["applies"], list) and clause["applies"]


def test_city_and_county_clauses_reach_only_their_units(units):
    for props in units.properties:
        ids = set(props["clause_ids"])
        assert any(c.startswith("c004-") for c in ids) == (props["city_code"] == "140300"), props["code"]
        assert any(c.startswith("x002-") for c in ids) == (props["county_code"] == "141122"), props["code"]
        assert any(c.startswith("x003-") for c in ids) == (props["county_code"] == "140405"), props["code"]


def test_class_rules_follow_the_province_opinion(units):
    for props in units.properties:
        ids = set(props["clause_ids"])
        assert ("p001-priority-protect" in ids) == (props["class"] == 1)
        assert ("p001-general" in ids) == (props["class"] == 3)
        assert "p001-no-new-steel" in ids


def test_yellow_river_mining_ban_reaches_units_within_one_km(units, features):
    river = features.by("key")["river:huanghe"][1]
    # Units are snapped to a 1e-6° grid (~0.1 m), so a unit drawn along the band's edge may poke
    # into it by slivers a few cm wide: judge "within 1 km" to the metre on either side.
    inner, outer = buffer_m(river, 999.0), buffer_m(river, 1001.0)
    for props, geom in zip(units.properties, units.geometries, strict=True):
        has = "p001-yellow-mining" in props["clause_ids"]
        if float(area_m2(shapely.intersection(geom, inner), ALBERS)) > 0:
            assert has, props["code"]
        if has:
            assert float(area_m2(shapely.intersection(geom, outer), ALBERS)) > 0, props["code"]


def test_jiang_river_corridor_is_800_m_each_side(units, features):
    # Hand check: the 800 m band on both banks of the 绛河 inside 屯留 is 优先保护 land (the
    # river's unit may share a unit with other priority land of the county, so the band is
    # checked against the county's priority units, and a 1.2 km band must not be all priority).
    river = features.by("key")["river:jianghe"][1]
    tunliu = [g for p, g in zip(units.properties, units.geometries) if p["county_code"] == "140405"]
    priority = shapely.union_all([g for p, g in zip(units.properties, units.geometries) if p["county_code"] == "140405" and p["class"] == 1])
    county = shapely.union_all(tunliu)
    inner = shapely.intersection(buffer_m(river, 790.0), county)
    outer = shapely.difference(shapely.intersection(buffer_m(river, 1200.0), county), buffer_m(river, 810.0))
    assert float(area_m2(shapely.difference(inner, priority), ALBERS)) < 0.01 * float(area_m2(inner, ALBERS))
    assert float(area_m2(shapely.difference(outer, priority), ALBERS)) > 0.2 * float(area_m2(outer, ALBERS))


# Summits of the named ranges (priority land) and basin floors (not priority), lon/lat ±2 km.
SUMMITS = {
    "五台山 北台": (113.57, 39.08),
    "关帝山 (吕梁山)": (111.45, 37.85),
    "恒山": (113.73, 39.67),
    "芦芽山 (管涔山)": (111.95, 38.72),
    "霍山 (太岳山)": (112.05, 36.60),
}
BASIN_FLOORS = {
    "太原盆地 (祁县)": (112.33, 37.36),
    "临汾盆地 (襄汾)": (111.45, 35.88),
    "运城盆地 (临猗)": (110.75, 35.13),
    "大同盆地 (怀仁)": (113.10, 39.83),
    "忻定盆地 (定襄)": (112.90, 38.48),
}


def _class_at(units, lon: float, lat: float) -> int:
    point = shapely.Point(lon, lat)
    (hit,) = [p["class"] for p, g in zip(units.properties, units.geometries) if g.covers(point)]
    return hit


@pytest.mark.parametrize("name", sorted(SUMMITS))
def test_mountain_ranges_are_priority_land(units, name):
    assert _class_at(units, *SUMMITS[name]) == 1, name


@pytest.mark.parametrize("name", sorted(BASIN_FLOORS))
def test_basin_floors_are_not_priority_land(units, name):
    assert _class_at(units, *BASIN_FLOORS[name]) != 1, name


def test_mountain_units_are_named_after_their_range(units):
    mountain = [p for p in units.properties if p["basis"] == "mountain"]
    assert len(mountain) > 200
    ranges = ("太行山", "吕梁山", "五台山", "恒山", "太岳山", "中条山")
    named = {r for r in ranges if any(f"（{r}" in p["name"] for p in mountain)}
    assert named == set(ranges)


def test_general_land_is_at_most_one_unit_per_county(units):
    general = defaultdict(int)
    for props in units.properties:
        general[props["county_code"]] += props["class"] == 3
    assert max(general.values()) == 1


def test_yangquan_has_units_of_a_real_city_order(units):
    counts = defaultdict(int)
    for props in units.properties:
        if props["city_code"] == "140300":
            counts[props["class"]] += 1
    assert 20 <= sum(counts.values()) <= 120  # the official zoning has 58


def test_file_size_stays_small():
    assert (DATA / "demo" / "units.geojson").stat().st_size < 5_000_000
