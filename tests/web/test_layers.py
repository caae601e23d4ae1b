"""The read endpoints behind the map layers (TestClient, both backends)."""

from __future__ import annotations


def test_counties_with_bbox_and_no_geometry(backend_client):
    body = backend_client.get("/api/v1/regions", params={"level": "county", "geometry": "false"}).json()
    features = {f["id"]: f for f in body["features"]}
    assert list(features) == ["140105", "140106", "140702"]
    assert features["140105"]["bbox"] == [112.5, 37.5, 113.0, 38.0]
    assert features["140105"]["geometry"] is None
    assert features["140105"]["properties"] == {
        "code": "140105",
        "name": "小店区",
        "name_en": "",
        "level": "county",
        "parent_code": "140100",
    }


def test_regions_by_parent_with_outlines(client):
    body = client.get("/api/v1/regions", params={"parent": "140100"}).json()
    assert [f["id"] for f in body["features"]] == ["140105", "140106"]
    assert body["features"][0]["geometry"]["type"] == "Polygon"


def test_bad_level_is_422_naming_it(client):
    response = client.get("/api/v1/regions", params={"level": "village"})
    assert response.status_code == 422
    assert response.json()["field"] == "level" and "village" in response.json()["message"]


def test_features_of_a_kind(client):
    rivers = client.get("/api/v1/features", params={"kind": "river"}).json()
    assert [f["id"] for f in rivers["features"]] == ["river:fenhe"]
    assert rivers["features"][0]["geometry"] == {"type": "LineString", "coordinates": [[112.6, 38.0], [112.6, 37.0]]}
    assert client.get("/api/v1/features", params={"kind": "lake"}).json()["features"] == []


def test_map_units_are_lean(backend_client):
    body = backend_client.get("/api/v1/map/units").json()
    assert [f["properties"]["class"] for f in body["features"]] == [1, 2, 3, 3]
    assert set(body["features"][0]["properties"]) == {"code", "name", "class", "county_code"}
    assert body["demo"] is True
    assert backend_client.get("/api/v1/map/units", params={"as_of": "2024-01-01"}).json()["features"] == []


def test_precision_rounds_coordinates(client):
    # 112.6 rounded to 0 decimals is 113; the point on the river (112.6, 38) becomes (113, 38).
    river = client.get("/api/v1/features", params={"kind": "river", "precision": 0}).json()["features"][0]
    assert river["geometry"]["coordinates"][0] == [113.0, 38.0]
