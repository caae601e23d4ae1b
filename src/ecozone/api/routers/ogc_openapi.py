"""The OpenAPI 3.0 definition of the OGC API – Features endpoints (conformance class oas30).

FastAPI's own document (``/openapi.json``) is OpenAPI 3.1; OGC clients such as GDAL and OWSLib
look for a 3.0 document through the landing page's ``service-desc`` link, so this one is built
here, from the same collection registry the endpoints use.
"""

from __future__ import annotations

from ecozone import __version__
from ecozone.api.routers.ogc_collections import (
    COLLECTIONS,
    DEFAULT_LIMIT,
    MAX_LIMIT,
    SUPPORTED_CRS,
    CollectionInfo,
)

OPENAPI_MEDIA_TYPE = "application/vnd.oai.openapi+json;version=3.0"

_PARAMETERS = {
    "bbox": {
        "name": "bbox",
        "in": "query",
        "description": "minlon,minlat,maxlon,maxlat in CRS84; features intersecting the box are returned",
        "required": False,
        "style": "form",
        "explode": False,
        "schema": {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
    },
    "limit": {
        "name": "limit",
        "in": "query",
        "description": f"page size; larger values are lowered to {MAX_LIMIT}",
        "required": False,
        "style": "form",
        "explode": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
    },
    "offset": {
        "name": "offset",
        "in": "query",
        "description": "number of matching features to skip",
        "required": False,
        "schema": {"type": "integer", "minimum": 0, "default": 0},
    },
    "datetime": {
        "name": "datetime",
        "in": "query",
        "description": "one instant (RFC 3339 date or date-time): the zoning in force then (units only)",
        "required": False,
        "style": "form",
        "explode": False,
        "schema": {"type": "string"},
    },
    "crs": {
        "name": "crs",
        "in": "query",
        "description": "CRS of the returned coordinates (OGC API – Features – Part 2); default CRS84",
        "required": False,
        "schema": {"type": "string", "format": "uri", "enum": list(SUPPORTED_CRS)},
    },
    "bbox-crs": {
        "name": "bbox-crs",
        "in": "query",
        "description": "CRS of bbox (EPSG:4490 boxes are minlat,minlon,maxlat,maxlon); default CRS84",
        "required": False,
        "schema": {"type": "string", "format": "uri", "enum": list(SUPPORTED_CRS)},
    },
    "f": {
        "name": "f",
        "in": "query",
        "description": "output format: geojson (default, application/geo+json) or json (application/json)",
        "required": False,
        "schema": {"type": "string", "enum": ["geojson", "json"]},
    },
    "collectionId": {
        "name": "collectionId",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "enum": list(COLLECTIONS)},
    },
    "featureId": {"name": "featureId", "in": "path", "required": True, "schema": {"type": "string"}},
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/parameters/{name}"}


def _json_response(description: str, media_types: tuple[str, ...] = ("application/json",)) -> dict:
    return {"description": description, "content": {m: {"schema": {"type": "object"}} for m in media_types}}


_ERRORS = {
    "400": _json_response("bad request: the message names the parameter"),
    "404": _json_response("no such collection or feature"),
}
_GEOJSON = ("application/geo+json", "application/json")


def _items_operation(info: CollectionInfo) -> dict:
    property_params = [
        {"name": name, "in": "query", "required": False, "description": q.description, "schema": {"type": q.type}}
        for name, q in info.queryables.items()
    ]
    if info.temporal:
        property_params.append(
            {
                "name": "as_of",
                "in": "query",
                "required": False,
                "description": "the zoning in force on this date (YYYY-MM-DD)",
                "schema": {"type": "string", "format": "date"},
            }
        )
    return {
        "get": {
            "summary": f"Features of {info.id} ({info.title})",
            "operationId": f"get{info.id.capitalize()}Features",
            "tags": ["ogc"],
            "parameters": [_ref(p) for p in ("bbox", "bbox-crs", "crs", "limit", "offset", "datetime", "f")] + property_params,
            "responses": {"200": _json_response("a GeoJSON FeatureCollection", _GEOJSON), **_ERRORS},
        }
    }


def _item_operation(info: CollectionInfo) -> dict:
    return {
        "get": {
            "summary": f"One feature of {info.id}",
            "operationId": f"get{info.id.capitalize()}Feature",
            "tags": ["ogc"],
            "parameters": [_ref("featureId"), _ref("crs"), _ref("f")],
            "responses": {"200": _json_response("a GeoJSON Feature", _GEOJSON), **_ERRORS},
        }
    }


def _simple(summary: str, operation_id: str) -> dict:
    return {
        "get": {
            "summary": summary,
            "operationId": operation_id,
            "tags": ["ogc"],
            "responses": {"200": _json_response(summary)},
        }
    }


def openapi_document(server_url: str) -> dict:
    """The OpenAPI 3.0.3 document of the endpoints under ``server_url`` (the ``/ogc`` root)."""
    paths: dict[str, dict] = {
        "/": _simple("Landing page", "getLandingPage"),
        "/conformance": _simple("Conformance classes implemented", "getConformanceDeclaration"),
        "/collections": _simple("Feature collections", "getCollections"),
    }
    for info in COLLECTIONS.values():
        paths[f"/collections/{info.id}"] = _simple(f"Collection {info.id}", f"describe{info.id.capitalize()}Collection")
        paths[f"/collections/{info.id}/queryables"] = _simple(f"Queryables of {info.id}", f"get{info.id.capitalize()}Queryables")
        paths[f"/collections/{info.id}/items"] = _items_operation(info)
        paths[f"/collections/{info.id}/items/{{featureId}}"] = _item_operation(info)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "ecozone OGC API – Features",
            "version": __version__,
            "description": "生态环境分区管控: control units in force, administrative regions, reference features.",
            "license": {"name": "Apache-2.0"},
        },
        "servers": [{"url": server_url}],
        "tags": [{"name": "ogc", "description": "OGC API – Features – Part 1: Core"}],
        "paths": paths,
        "components": {"parameters": _PARAMETERS},
    }
