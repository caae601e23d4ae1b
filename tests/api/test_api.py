"""The HTTP API on both backends (FastAPI's TestClient over the real app)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from ecozone.app import create_app
from ecozone.settings import Settings


@pytest.fixture
def client(loaded_engine):
    return TestClient(create_app(Settings(log_json=True), loaded_engine))


def test_healthz_names_backend_without_path_or_url(client, backend, loaded_engine):
    response = client.get("/healthz")
    body = response.json()
    assert body["status"] == "ok"
    assert body["backend"] == ("sqlite" if backend == "sqlite" else "postgresql")
    assert "database" not in body
    database = loaded_engine.url.database
    assert database and database not in response.text and "ecozone.db" not in response.text and "@" not in response.text


def test_where(client):
    body = client.get("/api/v1/where", params={"lon": 112.55, "lat": 37.87}).json()
    assert body["region"]["city"]["name"] == "太原市"
    assert body["units"][0]["code"] == "ZH14010510001"


def test_where_as_of_before_any_release_has_no_units(client):
    body = client.get("/api/v1/where", params={"lon": 112.55, "lat": 37.87, "as_of": "2020-01-01"}).json()
    assert body["units"] == [] and body["as_of"] == "2020-01-01"


@pytest.mark.parametrize(
    ("params", "field"),
    [({"lon": 200, "lat": 37}, "lon"), ({"lon": 116.4, "lat": 39.9}, "lon,lat"), ({"lon": "abc", "lat": 37}, None)],
)
def test_where_bad_input_is_422(client, params, field):
    response = client.get("/api/v1/where", params=params)
    assert response.status_code == 422
    if field:
        assert response.json()["field"] == field


def test_units_in_bbox_is_geojson(client):
    body = client.get("/api/v1/units", params={"bbox": "112.6,37.8,112.7,37.9"}).json()
    assert body["type"] == "FeatureCollection"
    assert [f["id"] for f in body["features"]] == ["ZH14010510001"]
    assert body["features"][0]["geometry"]["type"] == "Polygon"


def test_bad_bbox_is_422(client):
    response = client.get("/api/v1/units", params={"bbox": "1,2,3"})
    assert response.status_code == 422 and "bbox" in response.json()["message"]


def test_unit_by_code(client):
    feature = client.get("/api/v1/units/ZH14070230001").json()
    assert feature["properties"]["name"] == "榆次区一般管控单元"
    assert feature["properties"]["release"]["jurisdiction"] == "140700"


def test_unknown_unit_is_404(client):
    response = client.get("/api/v1/units/ZH14019910001")
    assert response.status_code == 404 and "ZH14019910001" in response.json()["message"]
