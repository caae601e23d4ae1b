"""OGC API – Features over the synthetic territory (TestClient, both backends).

The territory (tests/conftest.py): four units in force, in code order
ZH14010510001 (class 1, 小店区, lon 112.5–113, lat 37.75–38), ZH14010520001 (class 2, 小店区,
lat 37.5–37.75), ZH14010630001 (class 3, 迎泽区, lon 112–112.5, lat 37.5–38) and
ZH14070230001 (class 3, 榆次区, lon 112–113, lat 37–37.5); six regions; one river.
"""

from __future__ import annotations

import pytest

ALL_UNITS = ["ZH14010510001", "ZH14010520001", "ZH14010630001", "ZH14070230001"]
ITEMS = "/ogc/collections/units/items"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_4490 = "http://www.opengis.net/def/crs/EPSG/0/4490"


def link(body: dict, rel: str) -> dict | None:
    return next((lnk for lnk in body["links"] if lnk["rel"] == rel), None)


def ids(body: dict) -> list[str]:
    return [f["id"] for f in body["features"]]


def test_landing_page_links_api_conformance_and_data(client):
    body = client.get("/ogc").json()
    rels = {lnk["rel"]: lnk for lnk in body["links"]}
    assert {"self", "service-desc", "service-doc", "conformance", "data"} <= set(rels)
    assert rels["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    assert rels["data"]["href"].endswith("/ogc/collections")
    assert client.get("/ogc/").json()["links"] == body["links"]


def test_conformance_declares_core_geojson_oas30_crs_and_queryables(client):
    classes = client.get("/ogc/conformance").json()["conformsTo"]
    assert {c.rsplit("/", 1)[1] for c in classes} == {"core", "geojson", "oas30", "crs", "queryables", "queryables-query-parameters"}
    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in classes


def test_api_definition_is_openapi_30_with_the_limit_bounds(client):
    response = client.get("/ogc/api")
    assert response.headers["content-type"].startswith("application/vnd.oai.openapi+json")
    doc = response.json()
    assert doc["openapi"] == "3.0.3"
    assert "/collections/units/items" in doc["paths"]
    limit = doc["components"]["parameters"]["limit"]["schema"]
    assert (limit["minimum"], limit["maximum"], limit["default"]) == (1, 10000, 10)


def test_collections_describe_extent_and_crs(client):
    body = client.get("/ogc/collections").json()
    collections = {c["id"]: c for c in body["collections"]}
    assert set(collections) == {"units", "regions", "features"}
    units = collections["units"]
    assert units["itemType"] == "feature"
    assert units["crs"] == [CRS84, EPSG_4490]
    assert all(c["crs"] == [CRS84, EPSG_4490] for c in collections.values())
    assert units["extent"]["spatial"]["bbox"] == [[112.0, 37.0, 113.0, 38.0]]
    assert units["extent"]["temporal"]["interval"] == [["2024-06-30", None]]
    assert {lnk["type"] for lnk in units["links"] if lnk["rel"] == "items"} == {
        "application/geo+json",
        "application/json",
    }
    assert client.get("/ogc/collections/regions").json()["id"] == "regions"


def test_unknown_collection_is_404_naming_it(client):
    response = client.get("/ogc/collections/rivers/items")
    assert response.status_code == 404
    assert "rivers" in response.json()["description"]


def test_items_are_geojson_in_code_order_with_counts(backend_client):
    response = backend_client.get(ITEMS, params={"limit": 100})
    assert response.headers["content-type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert ids(body) == ALL_UNITS
    assert body["numberMatched"] == body["numberReturned"] == 4
    assert body["release"] and body["notice"].startswith("示例数据")
    first = body["features"][0]
    assert first["geometry"] == {
        "type": "Polygon",
        "coordinates": [[[112.5, 37.75], [112.5, 38.0], [113.0, 38.0], [113.0, 37.75], [112.5, 37.75]]],
    }
    props = first["properties"]
    assert props["class"] == 1 and props["class_name"] == "优先保护单元"
    assert props["spatial_layout"] == "禁止新建化工项目。\n严格控制开发强度。"
    assert props["release_version"] == "demo-2024" and props["demo"] is True


def test_default_page_size_is_ten(client):
    assert client.get("/ogc/collections/regions/items").json()["numberReturned"] == 6
    body = client.get(ITEMS).json()
    assert body["numberReturned"] == 4 and link(body, "next") is None


def test_paging_follows_next_and_prev_links(client):
    first = client.get(ITEMS, params={"limit": 3}).json()
    assert ids(first) == ALL_UNITS[:3]
    assert (first["numberMatched"], first["numberReturned"]) == (4, 3)
    assert link(first, "prev") is None
    nxt = link(first, "next")
    assert nxt["type"] == "application/geo+json" and "offset=3" in nxt["href"]

    second = client.get(nxt["href"]).json()
    assert ids(second) == ALL_UNITS[3:]
    assert second["numberReturned"] == 1 and link(second, "next") is None
    prev = client.get(link(second, "prev")["href"]).json()
    assert ids(prev) == ALL_UNITS[:3]


def test_offset_past_the_end_returns_nothing(client):
    body = client.get(ITEMS, params={"offset": 10}).json()
    assert body["features"] == [] and body["numberMatched"] == 4 and body["numberReturned"] == 0


def test_limit_above_maximum_is_lowered_not_refused(client):
    body = client.get(ITEMS, params={"limit": 50000}).json()
    assert body["numberReturned"] == 4


@pytest.mark.parametrize(
    ("bbox", "expected"),
    [
        ("112.6,37.8,112.7,37.9", ["ZH14010510001"]),
        ("112.1,37.1,112.2,37.2", ["ZH14070230001"]),
        # A box straddling 112.5°: both 小店区 units and 迎泽区 intersect it.
        ("112.4,37.6,112.6,37.9", ["ZH14010510001", "ZH14010520001", "ZH14010630001"]),
        ("112.1,37.1,0,112.2,37.2,100", ["ZH14070230001"]),  # 3D form: heights ignored
        ("100,20,101,21", []),
    ],
)
def test_bbox_selects_intersecting_units(client, bbox, expected):
    body = client.get(ITEMS, params={"bbox": bbox}).json()
    assert ids(body) == expected and body["numberMatched"] == len(expected)


@pytest.mark.parametrize(
    "bbox",
    ["1,2,3", "a,b,c,d", "113,37,112,38", "112,38,113,37", "0,0,200,10", "112,nan,113,38"],
)
def test_bad_bbox_is_400_naming_it(client, bbox):
    response = client.get(ITEMS, params={"bbox": bbox})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "InvalidParameterValue" and body["field"] == "bbox"
    assert "bbox" in body["description"] and bbox in body["description"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"as_of": "2024-13-01"}, "as_of"),
        ({"datetime": "2024-01-01/2025-01-01"}, "datetime"),
        ({"f": "xml"}, "f"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_parameters_are_400_naming_them(client, params, field):
    response = client.get(ITEMS, params=params)
    assert response.status_code == 400
    assert response.json()["field"] == field and field in response.json()["description"]


def test_property_filters(client):
    assert ids(client.get(ITEMS, params={"class": 3}).json()) == ["ZH14010630001", "ZH14070230001"]
    assert ids(client.get(ITEMS, params={"county_code": "140105"}).json()) == ALL_UNITS[:2]
    assert ids(client.get(ITEMS, params={"city_code": "140700", "class": 3}).json()) == ["ZH14070230001"]
    regions = client.get("/ogc/collections/regions/items", params={"level": "county"}).json()
    assert ids(regions) == ["140105", "140106", "140702"]
    rivers = client.get("/ogc/collections/features/items", params={"kind": "river"}).json()
    assert ids(rivers) == ["river:fenhe"]


def test_release_filter_lists_one_release(client):
    taiyuan = next(r for r in client.get(ITEMS).json()["release"] if r["jurisdiction"] == "140100")
    body = client.get(ITEMS, params={"release_id": taiyuan["id"]}).json()
    assert ids(body) == ALL_UNITS[:3]


def test_as_of_and_datetime_pick_the_zoning_date(backend_client):
    before = backend_client.get(ITEMS, params={"as_of": "2024-06-29"}).json()
    assert before["numberMatched"] == 0 and before["as_of"] == "2024-06-29"
    assert backend_client.get(ITEMS, params={"datetime": "2024-06-29T23:00:00Z"}).json()["numberMatched"] == 0
    assert backend_client.get(ITEMS, params={"datetime": "2024-06-30"}).json()["numberMatched"] == 4


def test_json_format_changes_media_type_only(client):
    response = client.get(ITEMS, params={"f": "json", "limit": 1})
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert ids(body) == ALL_UNITS[:1]
    assert link(body, "alternate")["type"] == "application/geo+json"
    assert "f=json" in link(body, "next")["href"]


def test_single_item(backend_client):
    response = backend_client.get(f"{ITEMS}/ZH14070230001")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geo+json"
    feature = response.json()
    assert feature["type"] == "Feature" and feature["id"] == "ZH14070230001"
    assert feature["properties"]["name"] == "榆次区一般管控单元"
    assert {lnk["rel"] for lnk in feature["links"]} == {"self", "collection"}
    region = backend_client.get("/ogc/collections/regions/items/140105").json()
    assert region["properties"]["parent_code"] == "140100"


def test_unknown_item_is_404_naming_it(client):
    response = client.get(f"{ITEMS}/ZH14019910001")
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "NotFound" and "ZH14019910001" in body["description"]
    assert client.get(f"{ITEMS}/ZH14070230001", params={"as_of": "2020-01-01"}).status_code == 404


def test_output_crs_epsg_4490_swaps_to_latitude_first_and_says_so(backend_client):
    default = backend_client.get(f"{ITEMS}/ZH14070230001")
    assert default.headers["content-crs"] == f"<{CRS84}>"
    in_4490 = backend_client.get(f"{ITEMS}/ZH14070230001", params={"crs": EPSG_4490})
    assert in_4490.status_code == 200 and in_4490.headers["content-crs"] == f"<{EPSG_4490}>"
    lonlat = default.json()["geometry"]["coordinates"][0]
    latlon = in_4490.json()["geometry"]["coordinates"][0]
    assert {tuple(reversed(c)) for c in latlon} == {tuple(c) for c in lonlat}
    assert all(37 <= c[0] <= 38 and 112 <= c[1] <= 113 for c in latlon)
    page = backend_client.get(ITEMS, params={"crs": EPSG_4490, "limit": 1})
    assert page.headers["content-crs"] == f"<{EPSG_4490}>" and f"crs={EPSG_4490}".replace(":", "%3A").replace("/", "%2F") in link(page.json(), "next")["href"]


def test_bbox_crs_epsg_4490_reads_latitude_first(client):
    assert ids(client.get(ITEMS, params={"bbox": "37.8,112.6,37.9,112.7", "bbox-crs": EPSG_4490}).json()) == ["ZH14010510001"]
    assert ids(client.get(ITEMS, params={"bbox": "112.6,37.8,112.7,37.9", "bbox-crs": CRS84}).json()) == ["ZH14010510001"]
    features = client.get("/ogc/collections/features/items", params={"bbox": "37.0,112.55,38.0,112.65", "bbox-crs": EPSG_4490}).json()
    assert ids(features) == ["river:fenhe"]


@pytest.mark.parametrize(("name", "value"), [("crs", "EPSG:4326"), ("bbox-crs", "http://www.opengis.net/def/crs/EPSG/0/3857")])
def test_unsupported_crs_is_400_naming_it(client, name, value):
    params = {name: value, **({"bbox": "112,37,113,38"} if name == "bbox-crs" else {})}
    response = client.get(ITEMS, params=params)
    assert response.status_code == 400 and response.json()["field"] == name and value in response.json()["description"]


def test_queryables_are_a_json_schema_of_the_filterable_properties(client):
    response = client.get("/ogc/collections/units/queryables")
    assert response.status_code == 200 and response.headers["content-type"] == "application/schema+json"
    schema = response.json()
    assert schema["type"] == "object" and schema["$id"].endswith("/ogc/collections/units/queryables")
    assert set(schema["properties"]) == {"class", "county_code", "city_code", "release_id"}
    assert schema["properties"]["class"]["type"] == "integer"
    assert set(client.get("/ogc/collections/features/queryables").json()["properties"]) == {"kind"}
    units = client.get("/ogc/collections/units").json()
    assert any(lnk["rel"].endswith("/queryables") and lnk["href"].endswith("/units/queryables") for lnk in units["links"])
    assert client.get("/ogc/collections/rivers/queryables").status_code == 404


def test_paging_and_filters_on_every_collection_match_the_whole_list(backend_client):
    """The providers page and filter where the data lives; pages must add up to the full list."""
    for collection, params in (("units", {}), ("regions", {"level": "county"}), ("features", {})):
        url = f"/ogc/collections/{collection}/items"
        whole = ids(backend_client.get(url, params={**params, "limit": 100}).json())
        pages = [ids(backend_client.get(url, params={**params, "limit": 1, "offset": i}).json()) for i in range(len(whole) + 1)]
        assert sum(pages, []) == whole and pages[-1] == []
        boxed = backend_client.get(url, params={**params, "bbox": "112.55,37.0,112.65,38.0", "limit": 1}).json()
        assert boxed["numberReturned"] == min(1, boxed["numberMatched"])
    features = backend_client.get("/ogc/collections/features/items", params={"bbox": "112.55,37.0,112.65,38.0"}).json()
    assert ids(features) == ["river:fenhe"] and features["numberMatched"] == 1
    assert backend_client.get("/ogc/collections/features/items", params={"bbox": "112.0,37.0,112.1,37.1"}).json()["numberMatched"] == 0
    assert backend_client.get("/ogc/collections/features/items/river:fenhe").json()["properties"]["kind"] == "river"
