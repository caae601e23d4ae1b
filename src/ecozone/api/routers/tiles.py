"""Vector tiles of the units in force: ``/tiles/units/{z}/{x}/{y}.mvt`` (Mapbox Vector Tile 2.1).

The public map draws units from these tiles instead of one GeoJSON of every unit, so it stays
light at national scale. Tiles are cut from the in-memory snapshot and cached per release set;
``as_of`` answers with the zoning in force on that date, as everywhere else.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Request, Response

from ecozone.api.deps import get_snapshot
from ecozone.geo.vector_tiles import MAX_ZOOM, TileAddress
from ecozone.zoning.inforce import ZoningSnapshot
from ecozone.zoning.unit_tiles import UnitTileCache

router = APIRouter(tags=["layers"])

MVT = "application/vnd.mapbox-vector-tile"


def tile_cache(request: Request) -> UnitTileCache:
    return request.app.state.unit_tiles


@router.get(
    "/tiles/units/{z}/{x}/{y}.mvt",
    summary=(
        "Units in force as a Mapbox vector tile (layer `units`: code and class, and from zoom 9 name and "
        "county_code; where units are a few pixels, layer `unit_classes` instead: one multipolygon per class)"
    ),
    response_class=Response,
    responses={200: {"content": {MVT: {}}}, 422: {"description": "tile address out of range"}},
)
def unit_tile(
    request: Request,
    z: int = Path(..., ge=0, le=MAX_ZOOM),
    x: int = Path(..., ge=0, le=(1 << MAX_ZOOM) - 1),
    y: int = Path(..., ge=0, le=(1 << MAX_ZOOM) - 1),
    snapshot: ZoningSnapshot = Depends(get_snapshot),
) -> Response:
    cache = tile_cache(request)
    # A publish brings a new set of releases into force: its overview tiles are cut ahead.
    cache.warm_in_background(snapshot)
    tile = cache.tile(snapshot, TileAddress(z, x, y))
    etag = f'"{tile.key}"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=300"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(content=tile.data, media_type=MVT, headers=headers)
