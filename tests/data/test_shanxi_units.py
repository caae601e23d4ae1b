"""data/shanxi/demo/units.geojson: codes, tiling of every county, traceable access lists."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
import shapely

from ecozone.geo.metric import area_m2, buffer_m, length_m, province_equal_area_crs

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
    band = buffer_m(river, 1000.0)
    for props, geom in zip(units.properties, units.geometries, strict=True):
        near = float(area_m2(shapely.intersection(geom, band), ALBERS)) > 0
        assert ("p001-yellow-mining" in props["clause_ids"]) == near, props["code"]


def test_jiang_river_corridor_is_800_m_each_side(units, features):
    # Hand check: the 绛河 unit of 屯留 is the 800 m band on both banks of the river inside the
    # district, so its area is close to 2 × 0.8 km × the river's length there.
    river = features.by("key")["river:jianghe"][1]
    tunliu = next(g for p, g in zip(units.properties, units.geometries) if p["name"] == "屯留区优先保护单元（绛河）")
    inside = shapely.intersection(river, tunliu.buffer(0.001))
    expected = 2 * 800.0 * float(length_m(inside))
    assert abs(float(area_m2(tunliu, ALBERS)) - expected) < 0.1 * expected


def test_yangquan_has_units_of_a_real_city_order(units):
    counts = defaultdict(int)
    for props in units.properties:
        if props["city_code"] == "140300":
            counts[props["class"]] += 1
    assert 20 <= sum(counts.values()) <= 120  # the official zoning has 58


def test_file_size_stays_small():
    assert (DATA / "demo" / "units.geojson").stat().st_size < 5_000_000
