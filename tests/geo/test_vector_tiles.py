"""Vector tiles: the tile grid, clipping, generalisation per zoom, encoding that decodes back."""

from __future__ import annotations

import mapbox_vector_tile
import numpy as np
import pytest
import shapely
import shapely.geometry
from pyproj import Transformer

from ecozone.errors import BadInput
from ecozone.geo.mvt_encoding import encode_polygon_layer
from ecozone.geo.vector_tiles import EXTENT, TileAddress, TileSource, decode, tile_for_lonlat


def test_tile_for_lonlat_matches_the_xyz_scheme():
    # Taiyuan at zoom 8 is tile 208/98 of the OSM/Google XYZ scheme, and its projected point
    # (pyproj, EPSG:3857) lies inside that tile's bounds.
    tile = tile_for_lonlat(112.55, 37.87, 8)
    assert tile == TileAddress(8, 208, 98)
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True).transform(112.55, 37.87)
    minx, miny, maxx, maxy = tile.mercator_bounds()
    assert minx <= x < maxx and miny < y <= maxy
    assert tile_for_lonlat(-180.0, 85.0, 0) == TileAddress(0, 0, 0)


@pytest.mark.parametrize(("z", "x", "y", "field"), [(23, 0, 0, "z"), (2, 4, 0, "x"), (2, 0, -1, "y")])
def test_tile_addresses_out_of_range_name_the_field(z, x, y, field):
    with pytest.raises(BadInput) as err:
        TileAddress(z, x, y)
    assert err.value.detail["field"] == field


def _source():
    inside = shapely.box(112.50, 37.80, 112.60, 37.90)
    # A ring with many vertices on a circle: generalised at low zooms, kept at high ones.
    circle = shapely.Point(112.8, 37.5).buffer(0.2, quad_segs=256)
    far = shapely.box(80.0, 30.0, 80.1, 30.1)
    return TileSource(
        "units",
        [inside, circle, far],
        [{"code": "A", "class": 1}, {"code": "B", "class": 2}, {"code": "C", "class": 3}],
    )


def test_a_tile_holds_exactly_the_geometries_that_touch_it_with_their_properties():
    source = _source()
    layer = decode(source.encode(tile_for_lonlat(112.55, 37.85, 10)))["units"]
    codes = {f["properties"]["code"] for f in layer["features"]}
    assert codes == {"A"}
    assert layer["extent"] == EXTENT
    region = decode(source.encode(tile_for_lonlat(112.55, 37.85, 4)))["units"]
    assert {f["properties"]["code"] for f in region["features"]} == {"A", "B"}


def test_what_is_smaller_than_a_quarter_pixel_is_left_out_at_low_zooms():
    source = _source()
    # At zoom 0 a pixel is ~156 km: the 10-km box A is not drawn; at zoom 10 it is.
    world = decode(source.encode(TileAddress(0, 0, 0))).get("units", {"features": []})
    assert "A" not in {f["properties"]["code"] for f in world["features"]}
    close = decode(source.encode(tile_for_lonlat(112.55, 37.85, 10)))["units"]
    assert "A" in {f["properties"]["code"] for f in close["features"]}


def test_the_numpy_encoder_writes_what_the_reference_encoder_writes():
    """Polygons with holes and multipolygons decode to the same shapes as mapbox-vector-tile's own."""
    holed = shapely.Polygon([(100, 100), (3000, 100), (3000, 3000), (100, 3000)], [[(500, 500), (500, 900), (900, 900), (900, 500)]])
    multi = shapely.MultiPolygon([shapely.box(10, 10, 50, 60), shapely.box(4000, 4000, 4090, 4090)])
    geoms = np.asarray([holed, multi], dtype=object)
    props = [{"code": "H", "class": 1}, {"code": "M", "class": 2}]
    ours = decode(encode_polygon_layer("units", geoms, props, [1, 2]))["units"]["features"]
    theirs = decode(mapbox_vector_tile.encode(
        [{"name": "units", "features": [{"geometry": g, "properties": p, "id": i} for g, p, i in zip(geoms, props, [1, 2])]}],
        default_options={"y_coord_down": True},
    ))["units"]["features"]
    assert [f["properties"] for f in ours] == [f["properties"] for f in theirs]
    for a, b in zip(ours, theirs):
        assert shapely.geometry.shape(a["geometry"]).normalize().equals_exact(shapely.geometry.shape(b["geometry"]).normalize(), 0)
        assert shapely.geometry.shape(a["geometry"]).is_valid


def test_an_empty_tile_is_a_valid_tile_without_features():
    data = _source().encode(TileAddress(10, 0, 0))
    assert decode(data).get("units", {"features": []})["features"] == []


def test_geometries_are_clipped_to_the_tile_and_its_buffer():
    source = _source()
    tile = tile_for_lonlat(112.8, 37.5, 12)  # well inside the circle: clipped to the tile square
    (feature,) = decode(source.encode(tile))["units"]["features"]
    xs = [x for ring in feature["geometry"]["coordinates"] for x, _ in ring]
    assert min(xs) >= -64 and max(xs) <= EXTENT + 64


def test_low_zooms_carry_fewer_vertices_than_high_ones():
    source = _source()

    def vertices(z: int) -> int:
        tile = tile_for_lonlat(112.8, 37.5, z)
        _, geoms = source.features_in(tile)
        return int(shapely.get_num_coordinates(geoms).sum())

    assert vertices(5) < vertices(9)


def _units_source(**grouping):
    """Nine 0.1° squares in three classes around Taiyuan (~10 km each)."""
    squares = [shapely.box(112.0 + 0.1 * i, 37.0 + 0.1 * j, 112.1 + 0.1 * i, 37.1 + 0.1 * j) for i in range(3) for j in range(3)]
    properties = [{"code": f"U{k}", "name": f"单元{k}", "class": k % 3 + 1, "county_code": "140105"} for k in range(9)]
    return TileSource("units", squares, properties, low_zoom_keys=("code", "class"), **grouping)


def test_low_zoom_tiles_carry_only_the_low_zoom_properties():
    source = _units_source()
    low = decode(source.encode(tile_for_lonlat(112.15, 37.15, 8)))["units"]["features"]
    assert {tuple(sorted(f["properties"])) for f in low} == {("class", "code")}
    high = decode(source.encode(tile_for_lonlat(112.15, 37.15, 9)))["units"]["features"]
    assert {tuple(sorted(f["properties"])) for f in high} == {("class", "code", "county_code", "name")}
    assert {f["properties"]["name"] for f in high} >= {"单元0"}


def _polygons(features) -> list[shapely.Geometry]:
    shapes = [shapely.geometry.shape(f["geometry"]) for f in features]
    return sorted((p.normalize() for s in shapes for p in shapely.get_parts(s)), key=lambda p: p.wkb)


def test_where_geometries_are_a_few_pixels_each_group_comes_as_one_feature_of_the_same_polygons():
    grouped = _units_source(group_by="class", group_layer="unit_classes")
    plain = _units_source()
    # A 10-km square is ~4 × 5 px at zoom 5 (grouped), ~17 × 21 px at zoom 7 (one feature each).
    assert grouped.grouped_at(5) and not grouped.grouped_at(7)
    tile = tile_for_lonlat(112.15, 37.15, 5)
    layers = decode(grouped.encode(tile))
    assert set(layers) == {"unit_classes"}
    features = layers["unit_classes"]["features"]
    assert sorted(f["properties"]["class"] for f in features) == [1, 2, 3]
    # The same polygons as the feature-per-unit tile, only gathered by class.
    one_by_one = decode(plain.encode(tile))["units"]["features"]
    assert len(_polygons(features)) == 9
    assert all(a.equals_exact(b, 0) for a, b in zip(_polygons(features), _polygons(one_by_one), strict=True))
    by_class = {f["properties"]["class"]: f for f in features}
    assert len(_polygons([by_class[1]])) == 3
    close = decode(grouped.encode(tile_for_lonlat(112.15, 37.15, 7)))
    assert set(close) == {"units"} and len(close["units"]["features"]) == 9


def test_the_tiles_covering_a_box_are_exactly_those_it_touches():
    from ecozone.geo.vector_tiles import tiles_covering, to_mercator

    box = to_mercator([shapely.box(110.2, 34.6, 114.6, 40.7)])[0]
    for z in (0, 4, 7):
        covering = tiles_covering(shapely.bounds(box).tolist(), z)
        touched = {
            TileAddress(z, x, y) for x in range(1 << z) for y in range(1 << z)
            if shapely.box(*TileAddress(z, x, y).mercator_bounds()).intersects(box)
        }
        assert set(covering) == touched
    assert len(tiles_covering(shapely.bounds(box).tolist(), 7)) == 2 * 3
