"""data/shanxi/regions.geojson: 1 province, 11 cities, 117 counties that tile each other."""

from __future__ import annotations

import re

import numpy as np
import shapely

from ecozone.geo.metric import area_m2, province_equal_area_crs, to_metric

ALBERS = province_equal_area_crs()
TILING_TOLERANCE_M2 = 1.0  # counties tile cities exactly (shared vertices); 1 m² allows float noise


def _levels(regions):
    return {lvl: {p["code"]: (p, g) for p, g in zip(regions.properties, regions.geometries) if p["level"] == lvl} for lvl in ("province", "city", "county")}


def test_counts_codes_and_parents(regions):
    levels = _levels(regions)
    assert list(levels["province"]) == ["140000"]
    assert len(levels["city"]) == 11
    assert len(levels["county"]) == 117
    codes = [p["code"] for p in regions.properties]
    assert len(set(codes)) == len(codes) == 129
    assert all(re.fullmatch(r"14\d{4}", c) for c in codes)
    assert levels["province"]["140000"][0]["parent"] is None
    for code, (props, _) in levels["city"].items():
        assert code.endswith("00") and props["parent"] == "140000"
    for code, (props, _) in levels["county"].items():
        assert props["parent"] == code[:4] + "00" and props["parent"] in levels["city"]
    assert all(p["name"] and p["name_en"] for p in regions.properties)
    assert levels["city"]["140100"][0]["name"] == "太原市"
    assert levels["county"]["140405"][0]["name"] == "屯留区"


def test_geometries_valid_and_seats_inside(regions):
    assert all(shapely.is_valid(regions.geometries))
    assert set(shapely.get_type_id(regions.geometries)) <= {3, 6}  # Polygon, MultiPolygon
    seats = shapely.points([p["seat"] for p in regions.properties])
    assert all(shapely.contains(regions.geometries, seats))


def test_counties_form_a_valid_coverage(regions):
    counties = [g for p, g in zip(regions.properties, regions.geometries) if p["level"] == "county"]
    assert shapely.coverage_is_valid(to_metric(np.array(counties, dtype=object), ALBERS), gap_width=1.0)


def test_counties_tile_their_city_and_cities_the_province(regions):
    levels = _levels(regions)
    for city_code, (_, city) in levels["city"].items():
        members = [g for code, (p, g) in levels["county"].items() if p["parent"] == city_code]
        mismatch = shapely.symmetric_difference(shapely.union_all(members), city)
        assert float(area_m2(mismatch, ALBERS)) < TILING_TOLERANCE_M2, city_code
    province = levels["province"]["140000"][1]
    cities = shapely.union_all([g for _, g in levels["city"].values()])
    assert float(area_m2(shapely.symmetric_difference(cities, province), ALBERS)) < TILING_TOLERANCE_M2


def test_province_area_matches_published_figure(regions):
    # Shanxi's published land area is about 156,700 km²; simplification must not change it by 0.5%.
    province = _levels(regions)["province"]["140000"][1]
    assert abs(float(area_m2(province, ALBERS)) / 1e6 - 156_700) < 0.005 * 156_700


def test_coordinates_have_at_most_six_decimals(regions):
    coords = shapely.get_coordinates(regions.geometries[:12])
    assert np.allclose(coords, np.round(coords, 6), rtol=0, atol=1e-9)


def test_taiyuan_point_lies_in_taiyuan(regions):
    point = shapely.Point(112.55, 37.87)
    hits = [p for p, g in zip(regions.properties, regions.geometries) if g.contains(point)]
    assert {p["level"]: p["code"] for p in hits}["city"] == "140100"
    assert {p["level"] for p in hits} == {"province", "city", "county"}
    county = next(p for p in hits if p["level"] == "county")
    assert county["parent"] == "140100"
