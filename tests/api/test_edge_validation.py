"""Issue 16, item 3: no input reaches a 500. Integers past 2^63-1, NaN / infinity / 1e309 in
numbers, non-finite coordinates, a GBK CSV and a damaged Shapefile each get a clear 4xx."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
import shapely
from fastapi.testclient import TestClient

from ecozone.geo.io import write_vector

from .hardening_helpers import client_with, login, square

TOO_BIG = 2**63  # one past the largest 64-bit id


@pytest.fixture
def client(loaded_engine) -> TestClient:
    return client_with(loaded_engine)


@pytest.fixture
def staff_headers(client, loaded_engine) -> dict:
    return login(client, loaded_engine, "hard_admin", ["editor", "filer", "publisher", "reviewer", "monitor", "admin"], None)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", f"/api/v1/releases/{TOO_BIG}", None),
        ("get", f"/api/v1/releases/1/diff/{TOO_BIG}", None),
        ("get", f"/api/v1/staff/releases/{TOO_BIG}", None),
        ("get", f"/api/v1/staff/releases/{TOO_BIG}/diff/1", None),
        ("post", f"/api/v1/staff/releases/{TOO_BIG}/submit", {"lock_version": 1}),
        ("post", "/api/v1/staff/releases/1/submit", {"lock_version": TOO_BIG}),
        ("post", "/api/v1/staff/releases/1/file", {"lock_version": TOO_BIG}),
        ("post", "/api/v1/staff/releases/1/publish", {"lock_version": TOO_BIG, "effective_date": "2100-01-01"}),
        ("patch", f"/api/v1/staff/releases/{TOO_BIG}/units/ZH14010510001", {"name": "x"}),
        ("get", f"/api/v1/alerts/{TOO_BIG}", None),
        ("get", f"/api/v1/complaints/{TOO_BIG}", None),
        ("get", f"/api/v1/staff/screenings?offset={TOO_BIG}", None),
    ],
)
def test_integers_past_64_bits_are_422_naming_the_field(client, staff_headers, method, path, body):
    kwargs = {"headers": staff_headers} | ({"json": body} if body is not None else {})
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "bad_input" and response.json()["field"]


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e309", "NaN"])
def test_non_finite_lon_lat_on_where_is_422(client, value):
    response = client.get("/api/v1/where", params={"lon": value, "lat": 37.8})
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "lon"


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e309"])
def test_non_finite_numbers_in_json_attributes_are_422(client, literal):
    body = '{"type": "Feature", "properties": {"name": "x", "industry": "C2521", "nature": "new", "attributes": {"capacity_mw": %s}}, "geometry": %s}'
    response = client.post("/api/v1/screenings", content=body % (literal, json.dumps(square())), headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    assert literal.lstrip("-") in response.json()["message"]


@pytest.mark.parametrize("literal", ["Infinity", "1e400"])
def test_non_finite_coordinates_in_a_polygon_are_422(client, literal):
    geometry = '{"type": "Polygon", "coordinates": [[[%s, 37.7], [112.52, 37.7], [112.52, 37.72], [112.5, 37.72], [%s, 37.7]]]}' % (literal, literal)
    body = '{"type": "Feature", "properties": {"name": "x", "industry": "C2521", "nature": "new"}, "geometry": %s}' % geometry
    response = client.post("/api/v1/screenings", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text


def test_siting_with_nan_attribute_is_422_not_a_json_error(client):
    response = client.post(
        "/api/v1/siting", content='{"industry": "C2521", "region": "140105", "attributes": {"capacity_mw": NaN}}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text


def test_nan_coordinates_in_a_batch_csv_are_a_row_error_not_a_500(client):
    csv = "name,industry,nature,lon,lat\n好项目,C2521,new,112.55,37.87\n坏项目,C2521,new,nan,inf\n"
    response = client.post("/api/v1/screenings/batch", files={"file": ("p.csv", csv.encode("utf-8"), "text/csv")})
    assert response.status_code == 200, response.text
    rows = response.json()["rows"]
    assert rows[0]["error"] == "" and "finite" in rows[1]["error"]


def test_a_gbk_csv_to_batch_is_decoded(client):
    csv = "name,industry,nature,lon,lat\n某焦化项目,C2521,new,112.55,37.87\n"
    response = client.post("/api/v1/screenings/batch", files={"file": ("p.csv", csv.encode("gbk"), "text/csv")})
    assert response.status_code == 200, response.text
    assert response.json()["rows"][0]["name"] == "某焦化项目"


def test_a_csv_in_neither_utf8_nor_gbk_is_a_clear_422(client):
    response = client.post("/api/v1/screenings/batch", files={"file": ("p.csv", b"name,lon,lat\n\xff\xff\xff,1,2\n", "text/csv")})
    assert response.status_code == 422, response.text
    assert "UTF-8" in response.json()["message"]


def _shapefile_zip(tmp_path, damage) -> bytes:
    folder = tmp_path / "shp"
    folder.mkdir()
    write_vector(folder / "a.shp", [shapely.box(112.5, 37.7, 112.52, 37.72)] * 2, {"name": ["x", "y"]}, "EPSG:4490")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in folder.iterdir():
            archive.writestr(member.name, damage(member.name, member.read_bytes()))
    return buffer.getvalue()


def test_a_zip_with_a_junk_shp_to_outlines_is_422(client, tmp_path):
    # A truncated .shp with its index gone made pyogrio raise IndexError (a 500 before).
    data = _shapefile_zip(tmp_path, lambda name, raw: raw[:100] + b"\x07" * 50 if name.endswith(".shp") else (b"" if name.endswith(".shx") else raw))
    response = client.post("/api/v1/outlines", files={"file": ("a.zip", data, "application/zip")})
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "file"
    assert "/tmp" not in response.text and "vsizip" not in response.text


def test_a_good_shapefile_zip_still_reads(client, tmp_path):
    data = _shapefile_zip(tmp_path, lambda name, raw: raw)
    response = client.post("/api/v1/outlines", files={"file": ("a.zip", data, "application/zip")})
    assert response.status_code == 200, response.text
    assert response.json()["geometry"]["type"] == "Polygon"
