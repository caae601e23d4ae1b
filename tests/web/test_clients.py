"""OGC API – Features read by two clients nobody here wrote: GDAL's OAPIF driver (through
pyogrio) and OWSLib, against a live uvicorn server on a loopback port."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import shapely
from owslib.ogcapi.features import Features

ALL_UNITS = ["ZH14010510001", "ZH14010520001", "ZH14010630001", "ZH14070230001"]
GDAL_READER = Path(__file__).with_name("gdal_reader.py")


@pytest.fixture(scope="module")
def oapif(live_server) -> str:
    return f"OAPIF:{live_server.url}/ogc"


def gdal(source: str, *args: str) -> dict:
    """What GDAL reads from ``source`` (see gdal_reader.py for why in a child process)."""
    done = subprocess.run(
        [sys.executable, str(GDAL_READER), source, *args], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def read_layer(source: str, layer: str, **kwargs) -> tuple[str, dict[str, list], list]:
    """GDAL's reading of a layer: CRS, columns by name, shapely geometries."""
    result = gdal(source, layer, json.dumps(kwargs))
    return result["crs"], result["columns"], [shapely.from_wkt(w) for w in result["wkt"]]


def test_gdal_lists_the_three_collections(oapif):
    assert set(gdal(oapif)["layers"]) == {"units", "regions", "features"}


def test_gdal_reads_units_with_attributes_and_geometry(oapif):
    crs, columns, geometries = read_layer(oapif, "units")
    assert sorted(columns["code"]) == ALL_UNITS
    row = columns["code"].index("ZH14010520001")
    assert columns["class"][row] == 2 and columns["class_name"][row] == "重点管控单元"
    assert columns["emissions"][row] == "严格执行污染物排放标准。"
    assert geometries[row].equals(shapely.box(112.5, 37.5, 113.0, 37.75))
    assert crs == "EPSG:4326"  # CRS84: lon/lat axis order


def test_gdal_pages_through_small_pages(oapif):
    # A page size of 1 makes GDAL follow three "next" links to read all four units.
    _crs, columns, _ = read_layer(oapif, "units", columns=["code"], PAGE_SIZE="1")
    assert sorted(columns["code"]) == ALL_UNITS


def test_gdal_bbox_filter(oapif):
    _crs, columns, _ = read_layer(oapif, "units", bbox=(112.6, 37.8, 112.7, 37.9))
    assert columns["code"] == ["ZH14010510001"]


def test_gdal_reads_regions_and_features(oapif):
    _crs, regions, geometries = read_layer(oapif, "regions")
    assert sorted(regions["code"]) == ["140000", "140100", "140105", "140106", "140700", "140702"]
    assert all(g.geom_type == "Polygon" for g in geometries)
    _crs, features, geometries = read_layer(oapif, "features")
    assert features["key"] == ["river:fenhe"] and geometries[0].geom_type == "LineString"


def test_owslib_reads_landing_conformance_and_collections(live_server):
    api = Features(f"{live_server.url}/ogc")
    conformance = api.conformance()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson" in conformance
    assert sorted(api.feature_collections()) == ["features", "regions", "units"]
    assert api.collection("units")["extent"]["spatial"]["bbox"] == [[112.0, 37.0, 113.0, 38.0]]
    assert api.api()["openapi"] == "3.0.3"


def test_owslib_items_paging_and_bbox(live_server):
    api = Features(f"{live_server.url}/ogc")
    first = api.collection_items("units", limit=2)
    assert [f["id"] for f in first["features"]] == ALL_UNITS[:2]
    assert first["numberMatched"] == 4
    second = api.collection_items("units", limit=2, offset=2)
    assert [f["id"] for f in second["features"]] == ALL_UNITS[2:]
    boxed = api.collection_items("units", bbox=[112.1, 37.1, 112.2, 37.2])
    assert [f["id"] for f in boxed["features"]] == ["ZH14070230001"]


def test_owslib_single_item_and_error(live_server):
    api = Features(f"{live_server.url}/ogc")
    feature = api.collection_item("units", "ZH14010630001")
    assert feature["properties"]["name"] == "迎泽区一般管控单元"
    with pytest.raises(RuntimeError, match="bbox"):
        api.collection_items("units", bbox=[113, 37, 112, 38])


def test_gdal_reads_units_in_epsg_4490_when_asked(oapif):
    # GDAL's CRS open option (OGC API – Features – Part 2): it asks with crs=, reads Content-Crs
    # and turns the latitude-first coordinates back into its traditional lon/lat order.
    crs, columns, geometries = read_layer(oapif, "units", CRS="EPSG:4490")
    assert crs == "EPSG:4490"
    row = columns["code"].index("ZH14010520001")
    assert geometries[row].equals(shapely.box(112.5, 37.5, 113.0, 37.75))


def test_owslib_reads_queryables_and_crs_lists(live_server):
    api = Features(f"{live_server.url}/ogc")
    queryables = api.collection_queryables("units")
    assert set(queryables["properties"]) == {"class", "county_code", "city_code", "release_id"}
    assert api.collection("regions")["crs"] == [
        "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
        "http://www.opengis.net/def/crs/EPSG/0/4490",
    ]
