"""Vector tiles of the units in force, on both backends, through the real app."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from ecozone.app import create_app
from ecozone.geo.vector_tiles import decode, tile_for_lonlat
from ecozone.settings import Settings

MVT = "application/vnd.mapbox-vector-tile"


@pytest.fixture
def client(loaded_engine):
    return TestClient(create_app(Settings(log_json=True), loaded_engine))


def _tile(client, lon, lat, z, **params):
    tile = tile_for_lonlat(lon, lat, z)
    return client.get(f"/tiles/units/{tile.z}/{tile.x}/{tile.y}.mvt", params=params)


def _codes(response) -> set[str]:
    layer = decode(response.content).get("units", {"features": []})
    return {f["properties"]["code"] for f in layer["features"]}


def test_a_tile_carries_the_units_in_force_there_with_code_name_and_class(client):
    response = _tile(client, 112.75, 37.85, 9)
    assert response.status_code == 200
    assert response.headers["content-type"] == MVT
    layer = decode(response.content)["units"]
    by_code = {f["properties"]["code"]: f["properties"] for f in layer["features"]}
    assert "ZH14010510001" in by_code
    assert by_code["ZH14010510001"]["class"] == 1
    assert by_code["ZH14010510001"]["name"] == "小店区优先保护单元（汾河）"
    # A tile far from the territory is valid and empty.
    assert _codes(_tile(client, 80.0, 30.0, 9)) == set()


ALL_UNITS = {"ZH14010510001", "ZH14010520001", "ZH14010630001", "ZH14070230001"}


def test_a_tile_over_the_whole_territory_holds_every_unit(client):
    # Zoom 6: one tile spans 5.6° and holds the whole territory; each unit is still tens of
    # pixels wide, so the tile carries them one by one (code and class only at this zoom).
    layer = decode(_tile(client, 112.5, 37.5, 6).content)["units"]
    assert {f["properties"]["code"] for f in layer["features"]} == ALL_UNITS
    assert all(set(f["properties"]) == {"code", "class"} for f in layer["features"])


def test_where_units_are_a_few_pixels_a_tile_carries_each_class_as_one_feature(client):
    # Zoom 3: a pixel is ~20 km, the units a few pixels each: layer unit_classes, one feature per class.
    tiles = decode(_tile(client, 112.5, 37.5, 3).content)
    assert "units" not in tiles
    assert sorted(f["properties"]["class"] for f in tiles["unit_classes"]["features"]) == [1, 2, 3]


def test_tiles_answer_as_of_a_date_before_any_release_with_no_units(client):
    assert _codes(_tile(client, 112.75, 37.85, 9, as_of="2000-01-01")) == set()


def test_an_unchanged_tile_is_not_sent_twice(client):
    first = _tile(client, 112.75, 37.85, 9)
    tile = tile_for_lonlat(112.75, 37.85, 9)
    again = client.get(f"/tiles/units/{tile.z}/{tile.x}/{tile.y}.mvt", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("path", ["/tiles/units/23/0/0.mvt", "/tiles/units/2/4/0.mvt", "/tiles/units/2/0/-1.mvt",
                                  "/tiles/units/1/0/99999999999999999999.mvt"])
def test_tile_addresses_out_of_range_are_422(client, path):
    assert client.get(path).status_code == 422
