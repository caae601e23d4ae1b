"""OGC API – Features under ``/ogc``: Part 1 Core (core, geojson, oas30), Part 2 CRS by reference
and the queryables of Part 3.

Collections: ``units`` (control units in force; ``as_of`` or a ``datetime`` instant picks the
date), ``regions`` and ``features`` (reference features). Output is GeoJSON in CRS84 lon/lat by
default (the storage frame CGCS2000 agrees with WGS84 to centimetres) or, with ``crs``, in
EPSG:4490 (latitude first); ``bbox-crs`` says which of the two a ``bbox`` is in, and the
``Content-Crs`` header names the CRS of every feature response. Errors are OGC exception
documents (``code``, ``description``) that also carry ecozone's ``error``/``message``/``field``.
"""

from __future__ import annotations

import shapely
from fastapi import APIRouter, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from ecozone.api.geojson import geometry_json
from ecozone.clock import utc_now
from ecozone.api.routers.ogc_collections import (
    COLLECTIONS,
    CRS84,
    LAT_LON_CRS,
    SUPPORTED_CRS,
    CollectionInfo,
    collection_info,
    parse_bbox,
    parse_crs,
    parse_date,
    parse_datetime_instant,
    parse_limit,
    parse_offset,
)
from ecozone.api.routers.ogc_providers import FeatureQuery, OgcItem
from ecozone.api.routers.ogc_openapi import OPENAPI_MEDIA_TYPE, openapi_document
from ecozone.errors import BadInput, EcozoneError, NotFound
from ecozone.routing import HTTP_STATUS
from ecozone.routing.error_route import ErrorFormatRoute

GEOJSON = "application/geo+json"
JSON = "application/json"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
]
QUERYABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
SCHEMA_JSON = "application/schema+json"
COMMON_ITEM_PARAMS = {"f", "bbox", "bbox-crs", "crs", "limit", "offset", "datetime"}
COORDINATE_PRECISION = 6  # decimal degrees: about 0.1 m, finer than any zoning boundary

OGC_ERROR_CODES = {"bad_input": "InvalidParameterValue", "not_found": "NotFound"}


def ogc_error_response(exc: EcozoneError) -> JSONResponse:
    """An OGC exception document; bad input is 400 here, as OGC API – Features requires."""
    status = 400 if exc.kind == "bad_input" else HTTP_STATUS.get(exc.kind, 500)
    body = {
        "code": OGC_ERROR_CODES.get(exc.kind, "ServerError"),
        "description": exc.message,
        "error": exc.kind,
        "message": exc.message,
        **{k: v if isinstance(v, (str, int, float, bool, list, type(None))) else str(v) for k, v in exc.detail.items()},
    }
    return JSONResponse(body, status_code=status)


class OgcRoute(ErrorFormatRoute):
    """A route whose domain and validation errors become OGC exception documents."""

    def domain_error(self, request: Request, exc: EcozoneError) -> Response:
        return ogc_error_response(exc)

    def validation_error(self, request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        name = ".".join(str(p) for p in first.get("loc", ())[1:]) or "request"
        return ogc_error_response(BadInput(f"{name}: {first.get('msg', 'invalid value')}", field=name))


router = APIRouter(prefix="/ogc", tags=["ogc"], route_class=OgcRoute)


# --- helpers -----------------------------------------------------------------------------------


def ogc_root(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/ogc"


def link(href: str, rel: str, type_: str, title: str) -> dict:
    return {"href": href, "rel": rel, "type": type_, "title": title}


def output_media_type(f: str | None) -> str:
    """``f`` → the response media type: GeoJSON unless plain JSON is asked for."""
    if f is None or f.lower() in {"geojson", "application/geo+json"}:
        return GEOJSON
    if f.lower() in {"json", "application/json"}:
        return JSON
    raise BadInput(f"f {f!r} is not a supported format; use geojson or json", field="f", value=f)


def check_known_params(request: Request, info: CollectionInfo) -> None:
    """Unknown query parameters are an error (OGC API – Features, /req/core/query-param-unknown)."""
    known = COMMON_ITEM_PARAMS | set(info.queryables) | ({"as_of"} if info.temporal else set())
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise BadInput(
            f"unknown query parameter(s) {', '.join(unknown)} for collection {info.id!r}; "
            f"known: {', '.join(sorted(known))}",
            field=unknown[0],
        )


def item_query(request: Request, info: CollectionInfo) -> FeatureQuery:
    """Parse the items query; ``BadInput`` names the parameter at fault."""
    check_known_params(request, info)
    params = request.query_params
    as_of = None
    if info.temporal and params.get("as_of"):
        as_of = parse_date(params["as_of"], "as_of")
    elif info.temporal and params.get("datetime"):
        as_of = parse_datetime_instant(params["datetime"])
    bbox_crs = parse_crs(params.get("bbox-crs"), "bbox-crs")
    return FeatureQuery(
        offset=parse_offset(params.get("offset")),
        limit=parse_limit(params.get("limit")),
        bbox=parse_bbox(params["bbox"], bbox_crs) if params.get("bbox") else None,
        datetime_=as_of,
        properties={k: params[k] for k in info.queryables if params.get(k)},
    )


def item_feature(item: OgcItem, crs: str = CRS84) -> dict:
    geometry = item.geometry
    if crs in LAT_LON_CRS:
        geometry = shapely.transform(geometry, lambda xy: xy[:, ::-1])
    return {
        "type": "Feature",
        "id": item.id,
        "geometry": geometry_json(geometry, COORDINATE_PRECISION),
        "properties": item.properties,
    }


def crs_headers(crs: str) -> dict[str, str]:
    return {"Content-Crs": f"<{crs}>"}


def paging_links(request: Request, query: FeatureQuery, matched: int, media_type: str) -> list[dict]:
    links = [link(str(request.url), "self", media_type, "this page")]
    other = JSON if media_type == GEOJSON else GEOJSON
    links.append(
        link(str(request.url.include_query_params(f="json" if other == JSON else "geojson")), "alternate", other, "this page")
    )
    if query.offset + query.limit < matched:
        nxt = request.url.include_query_params(offset=query.offset + query.limit, limit=query.limit)
        links.append(link(str(nxt), "next", media_type, "next page"))
    if query.offset > 0:
        prev = request.url.include_query_params(offset=max(0, query.offset - query.limit), limit=query.limit)
        links.append(link(str(prev), "prev", media_type, "previous page"))
    return links


def collection_document(request: Request, info: CollectionInfo) -> dict:
    extent_of = info.provider(request).extent()
    base = f"{ogc_root(request)}/collections/{info.id}"
    extent: dict = {"spatial": {"bbox": [extent_of.bbox or [-180, -90, 180, 90]], "crs": CRS84}}
    if info.temporal:
        extent["temporal"] = {
            "interval": [[extent_of.first_date, None]],
            "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
        }
    return {
        "id": info.id,
        "title": info.title,
        "description": info.description,
        "itemType": "feature",
        "crs": list(SUPPORTED_CRS),
        "extent": extent,
        "links": [
            link(base, "self", JSON, info.title),
            link(f"{base}/items", "items", GEOJSON, f"{info.title} (GeoJSON)"),
            link(f"{base}/items?f=json", "items", JSON, f"{info.title} (JSON)"),
            link(f"{base}/queryables", QUERYABLES_REL, SCHEMA_JSON, f"{info.title}: queryables"),
        ],
    }


# --- endpoints ---------------------------------------------------------------------------------
# Path parameters keep the OGC names (collectionId, featureId) so the OpenAPI document matches
# the standard's.


@router.get("", summary="OGC API – Features landing page")
@router.get("/", include_in_schema=False)
def landing_page(request: Request) -> dict:
    root = ogc_root(request)
    return {
        "title": "ecozone OGC API – Features",
        "description": "生态环境分区管控：管控单元、行政区划、参考要素 (GeoJSON, CRS84).",
        "links": [
            link(root, "self", JSON, "this document"),
            link(f"{root}/api", "service-desc", OPENAPI_MEDIA_TYPE, "the API definition (OpenAPI 3.0)"),
            link(str(request.base_url).rstrip("/") + "/docs", "service-doc", "text/html", "API documentation"),
            link(f"{root}/conformance", "conformance", JSON, "conformance classes implemented"),
            link(f"{root}/collections", "data", JSON, "feature collections"),
        ],
    }


@router.get(
    "/api",
    summary="OpenAPI 3.0 definition of the OGC endpoints",
    responses={200: {"content": {OPENAPI_MEDIA_TYPE: {"schema": {"type": "object"}}}}},
)
def api_definition(request: Request) -> JSONResponse:
    return JSONResponse(openapi_document(ogc_root(request)), media_type=OPENAPI_MEDIA_TYPE)


@router.get("/conformance", summary="Conformance classes implemented")
def conformance() -> dict:
    return {"conformsTo": CONFORMANCE}


@router.get("/collections", summary="Feature collections")
def collections(request: Request) -> dict:
    root = ogc_root(request)
    return {
        "links": [link(f"{root}/collections", "self", JSON, "feature collections")],
        "collections": [collection_document(request, info) for info in COLLECTIONS.values()],
    }


@router.get("/collections/{collectionId}", summary="One feature collection")
def collection(request: Request, collectionId: str) -> dict:
    return collection_document(request, collection_info(collectionId))


@router.get("/collections/{collectionId}/queryables", summary="The properties items can be filtered on (JSON Schema)")
def queryables(request: Request, collectionId: str) -> JSONResponse:
    info = collection_info(collectionId)
    base = f"{ogc_root(request)}/collections/{info.id}"
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{base}/queryables",
        "type": "object",
        "title": info.title,
        "properties": {
            name: {"title": name, "description": q.description, "type": q.type} for name, q in info.queryables.items()
        },
        "additionalProperties": False,
    }
    return JSONResponse(schema, media_type=SCHEMA_JSON)


@router.get("/collections/{collectionId}/items", summary="Features of a collection (GeoJSON)")
def items(
    request: Request,
    collectionId: str,
    bbox: str | None = Query(None, description="minlon,minlat,maxlon,maxlat (CRS84; see bbox-crs)"),
    bbox_crs: str | None = Query(None, alias="bbox-crs", description="CRS of bbox: CRS84 (default) or EPSG:4490 URI"),
    crs: str | None = Query(None, description="CRS of the output: CRS84 (default) or EPSG:4490 URI"),
    limit: str | None = Query(None, description="page size, 1–10000 (default 10)"),
    offset: str | None = Query(None, description="features to skip"),
    datetime: str | None = Query(None, description="one instant: the zoning in force then (units)"),
    as_of: str | None = Query(None, description="units: the zoning in force on this date (YYYY-MM-DD)"),
    f: str | None = Query(None, description="geojson (default) or json"),
) -> JSONResponse:
    # The parameters above document the API; they are parsed from request.query_params by
    # item_query so that each error names its parameter and unknown parameters are refused.
    info = collection_info(collectionId)
    media_type = output_media_type(f)
    output_crs = parse_crs(crs, "crs")
    query = item_query(request, info)
    result = info.provider(request).query(query)
    body = {
        "type": "FeatureCollection",
        "features": [item_feature(i, output_crs) for i in result.items],
        "numberMatched": result.number_matched,
        "numberReturned": len(result.items),
        "timeStamp": utc_now().isoformat(timespec="seconds").replace("+00:00", "Z"),
        "links": paging_links(request, query, result.number_matched, media_type),
        **result.extra,
    }
    return JSONResponse(body, media_type=media_type, headers=crs_headers(output_crs))


@router.get("/collections/{collectionId}/items/{featureId}", summary="One feature (GeoJSON)")
def item(
    request: Request,
    collectionId: str,
    featureId: str,
    as_of: str | None = Query(None, description="units: the zoning in force on this date (YYYY-MM-DD)"),
    crs: str | None = Query(None, description="CRS of the output: CRS84 (default) or EPSG:4490 URI"),
    f: str | None = Query(None, description="geojson (default) or json"),
) -> JSONResponse:
    info = collection_info(collectionId)
    media_type = output_media_type(f)
    output_crs = parse_crs(crs, "crs")
    day = parse_date(as_of, "as_of") if as_of and info.temporal else None
    found = info.provider(request).get(featureId, day)
    if not found.items:
        raise NotFound(f"no feature {featureId!r} in collection {info.id!r}", field="featureId", value=featureId)
    base = f"{ogc_root(request)}/collections/{info.id}"
    feature = item_feature(found.items[0], output_crs)
    feature["links"] = [
        link(str(request.url), "self", media_type, found.items[0].id),
        link(base, "collection", JSON, info.title),
    ]
    return JSONResponse({**feature, **found.extra}, media_type=media_type, headers=crs_headers(output_crs))
