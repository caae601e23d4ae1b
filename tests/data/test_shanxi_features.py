"""data/shanxi/features.geojson against the contract of docs/reference-features.md."""

from __future__ import annotations

import re

import numpy as np
import pytest
import shapely

from ecozone.geo.metric import area_m2, distance_m, province_equal_area_crs

KINDS = {"river", "lake", "zone", "city_group", "planning_area", "nature_reserve", "water_source", "farmland", "dev_zone"}
GEOMETRY_TYPES = {
    "river": {"LineString", "MultiLineString"},
    "lake": {"Polygon", "MultiPolygon"},
    "zone": {"Polygon", "MultiPolygon"},
    "city_group": {"Polygon", "MultiPolygon"},
    "planning_area": {"Polygon", "MultiPolygon"},
    "nature_reserve": {"Polygon", "MultiPolygon"},
    "water_source": {"Polygon", "MultiPolygon"},
    "farmland": {"Polygon", "MultiPolygon"},
    "dev_zone": {"Polygon", "MultiPolygon"},
}
# The fixed keys of docs/reference-features.md, with their kind.
FIXED_KEYS = {
    **{k: "river" for k in (
        "river:huanghe", "river:fenhe", "river:sangganhe", "river:hutuohe", "river:zhanghe",
        "river:qingzhanghe", "river:zhuozhanghe", "river:qinhe", "river:sushuihe", "river:tanghe",
        "river:shahe", "river:wenyuhe", "river:ciyaohe", "river:jianghe",
    )},
    **{k: "lake" for k in ("lake:jinyanghu", "lake:zhangzehu", "lake:yunzhuhu", "lake:yanhu", "lake:wuxinghu")},
    **{k: "zone" for k in ("zone:taiyuan-basin", "zone:fenhe-valley", "zone:taiyuan-1plus30", "zone:jianghe-valley")},
    "city_group:fenwei-plain": "city_group",
    "city_group:jingjinji-surrounding": "city_group",
    "planning_area:140100": "planning_area",
    "nature_reserve:pangquangou": "nature_reserve",
    "dev_zone:tunliu-etdz": "dev_zone",
}
SEVEN_RIVER_MAINS = ["river:fenhe", "river:sangganhe", "river:hutuohe", "river:zhanghe", "river:qinhe", "river:sushuihe", "river:daqinghe"]


@pytest.fixture(scope="module")
def by_key(features):
    return features.by("key")


@pytest.fixture(scope="module")
def province(regions):
    return regions.by("code")["140000"][1]


def test_every_fixed_key_exists_with_its_kind(by_key):
    for key, kind in FIXED_KEYS.items():
        assert key in by_key, key
        assert by_key[key][0]["kind"] == kind, key


def test_keys_kinds_and_geometry_types(features):
    keys = [p["key"] for p in features.properties]
    assert len(set(keys)) == len(keys)
    for props, geom in zip(features.properties, features.geometries, strict=True):
        assert props["kind"] in KINDS
        assert re.fullmatch(rf"{props['kind']}:[a-z0-9-]+", props["key"]), props["key"]
        assert props["name"] and props["name_en"]
        assert geom.geom_type in GEOMETRY_TYPES[props["kind"]], props["key"]
        assert shapely.is_valid(geom) and not geom.is_empty, props["key"]


def test_attributes_follow_the_contract(features, by_key):
    for props in features.properties:
        attrs = props["attributes"]
        assert attrs["source"] and isinstance(attrs["approximate"], bool), props["key"]
        if attrs["approximate"]:
            assert attrs["method"], props["key"]
        kind = props["kind"]
        if kind == "river":
            assert attrs["stem"] in {"main", "tributary"}
            assert attrs["system"] in by_key and by_key[attrs["system"]][0]["kind"] == "river"
            assert attrs["parent"] is None or attrs["parent"] in by_key
            assert isinstance(attrs["seven_rivers"], bool)
        elif kind == "lake":
            assert isinstance(attrs["five_lakes"], bool)
        elif kind == "planning_area":
            assert props["key"] == f"planning_area:{attrs['region_code']}" and attrs["level"] in {"city", "county"}
        elif kind == "nature_reserve":
            assert attrs["level"] in {"national", "provincial"}
        elif kind == "water_source":
            assert attrs["grade"] in {1, 2}
        elif kind == "dev_zone":
            assert attrs["park_type"]
        elif kind == "city_group":
            assert attrs["members"]
    assert all(by_key[k][0]["attributes"]["five_lakes"] for k in FIXED_KEYS if k.startswith("lake:"))
    assert all(by_key[k][0]["attributes"]["stem"] == "main" for k in ["river:huanghe", *SEVEN_RIVER_MAINS])
    assert by_key["river:wenyuhe"][0]["attributes"]["parent"] == "river:fenhe"
    assert not by_key["river:huanghe"][0]["attributes"]["seven_rivers"]
    assert by_key["river:ciyaohe"][0]["attributes"]["seven_rivers"]


def test_yellow_river_runs_along_the_west_and_south_border(by_key, province):
    river = by_key["river:huanghe"][1]
    # West border: at every latitude from 35.7°N (禹门口) to 39.4°N (河曲), the westernmost
    # point of Shanxi is within 3 km of the river.
    for lat in np.arange(35.7, 39.41, 0.1):
        section = shapely.intersection(province, shapely.LineString([(109.0, lat), (115.0, lat)]))
        west = shapely.Point(section.bounds[0], lat)
        assert distance_m(west, river) < 3000, lat
    # South border: 风陵渡 (芮城) to 垣曲, the southernmost point is on the river too.
    for lon in np.arange(110.4, 111.9, 0.1):
        section = shapely.intersection(province, shapely.LineString([(lon, 33.0), (lon, 36.0)]))
        south = shapely.Point(lon, section.bounds[1])
        assert distance_m(south, river) < 3000, lon


def test_fen_river_crosses_taiyuan_and_reaches_the_yellow_river(by_key, regions):
    fen = by_key["river:fenhe"][1]
    assert fen.intersects(regions.by("code")["140100"][1])
    assert fen.geom_type == "LineString"  # one line from the source in 宁武 to the mouth
    ends = [shapely.Point(p) for p in shapely.get_coordinates(fen)[[0, -1]]]
    source, mouth = sorted(ends, key=lambda p: -p.y)
    assert source.y > 38.9  # 管涔山, 宁武
    assert distance_m(mouth, by_key["river:huanghe"][1]) < 2000


def test_areal_features_lie_in_shanxi(features, province):
    albers = province_equal_area_crs()
    for props, geom in zip(features.properties, features.geometries, strict=True):
        if props["kind"] == "river":
            continue
        outside = float(area_m2(shapely.difference(geom, province), albers))
        assert outside <= 0.01 * float(area_m2(geom, albers)) + 1.0, props["key"]


def test_lakes_have_their_published_size(by_key):
    # 运城盐湖: about 30 km long and 3–5 km wide, 132 km²; the approximation keeps that area.
    assert abs(float(area_m2(by_key["lake:yanhu"][1])) / 1e6 - 132.0) < 2.0
    assert by_key["lake:jinyanghu"][1].representative_point().within(by_key["zone:taiyuan-basin"][1])


def test_groups_and_zones_are_unions_of_their_members(by_key, regions):
    codes = regions.by("code")
    albers = province_equal_area_crs()
    for key in ("city_group:fenwei-plain", "city_group:jingjinji-surrounding"):
        props, geom = by_key[key]
        union = shapely.union_all([codes[c][1] for c in props["attributes"]["members"]])
        assert float(area_m2(shapely.symmetric_difference(union, geom), albers)) < 1.0
    assert set(by_key["city_group:fenwei-plain"][0]["attributes"]["members"]) == {"140700", "140800", "141000", "141100"}
    members = by_key["zone:taiyuan-1plus30"][0]["attributes"]["members"]
    assert len(members) == 40 and sum(m.startswith("1401") for m in members) == 10
    assert by_key["zone:jianghe-valley"][1].within(codes["140405"][1].buffer(1e-6))


def test_planning_area_of_taiyuan_holds_the_city_centre(by_key):
    assert by_key["planning_area:140100"][1].contains(shapely.Point(112.55, 37.87))
    assert by_key["planning_area:140405"][0]["attributes"]["level"] == "county"
