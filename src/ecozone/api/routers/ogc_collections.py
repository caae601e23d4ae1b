"""The feature collections that OGC API – Features serves, and the parsing of their queries.

Each collection names its provider (``ogc_providers``), which answers one page of a query where
the data lives; the CRS parameters of Part 2 are parsed here too.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request

from ecozone.api.routers.ogc_providers import FeatureProvider, FeaturesProvider, RegionsProvider, UnitsProvider
from ecozone.errors import BadInput, NotFound

DEFAULT_LIMIT = 10
MAX_LIMIT = 10_000

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_4490 = "http://www.opengis.net/def/crs/EPSG/0/4490"
# Every collection is served in these (OGC API – Features – Part 2). CGCS2000 (EPSG:4490) is the
# storage frame; its axis order is latitude, longitude, so coordinates are swapped on output and
# a ``bbox-crs`` EPSG:4490 box is read as minlat,minlon,maxlat,maxlon.
SUPPORTED_CRS = (CRS84, EPSG_4490)
LAT_LON_CRS = frozenset({EPSG_4490})


@dataclass(frozen=True)
class Queryable:
    """A property that items can be filtered on (``?name=value``), as its JSON-schema type."""

    description: str
    type: str = "string"


@dataclass(frozen=True)
class CollectionInfo:
    """Static description of a collection and where its items come from."""

    id: str
    title: str
    description: str
    queryables: dict[str, Queryable]
    provider: Callable[[Request], FeatureProvider]
    temporal: bool = False


def _units(request: Request) -> FeatureProvider:
    return UnitsProvider(request.app.state.snapshots)


def _regions(request: Request) -> FeatureProvider:
    return RegionsProvider(request.app.state.snapshots)


def _features(request: Request) -> FeatureProvider:
    return FeaturesProvider(request.app.state.engine)


COLLECTIONS: dict[str, CollectionInfo] = {
    c.id: c
    for c in (
        CollectionInfo(
            id="units",
            title="生态环境管控单元",
            description=(
                "Control units in force (优先保护 1, 重点管控 2, 一般管控 3) with their access lists in the "
                "four dimensions; `as_of` (YYYY-MM-DD) or `datetime` (one instant) selects the date."
            ),
            queryables={
                "class": Queryable("unit class: 1 优先保护, 2 重点管控, 3 一般管控", "integer"),
                "county_code": Queryable("GB/T 2260 code of the county"),
                "city_code": Queryable("GB/T 2260 code of the city"),
                "release_id": Queryable("id of the release the unit belongs to", "integer"),
            },
            provider=_units,
            temporal=True,
        ),
        CollectionInfo(
            id="regions",
            title="行政区划",
            description="Administrative regions (province, cities, counties) with GB/T 2260 codes.",
            queryables={"level": Queryable("province | city | county"), "parent_code": Queryable("code of the parent region")},
            provider=_regions,
        ),
        CollectionInfo(
            id="features",
            title="参考要素",
            description="Reference features that rules refer to: rivers, lakes, named zones, parks.",
            queryables={"kind": Queryable("river | lake | zone | city_group | planning_area | nature_reserve | …")},
            provider=_features,
        ),
    )
}


def collection_info(collection_id: str) -> CollectionInfo:
    """The collection named ``collection_id``, or ``NotFound`` naming it."""
    try:
        return COLLECTIONS[collection_id]
    except KeyError:
        raise NotFound(
            f"no collection {collection_id!r}; collections are {', '.join(COLLECTIONS)}",
            field="collectionId",
            value=collection_id,
        ) from None


# --- query parsing -----------------------------------------------------------------------------


def parse_crs(value: str | None, name: str) -> str:
    """A CRS URI the collections are served in (default CRS84); ``BadInput`` naming ``name`` else."""
    if value is None or value == "":
        return CRS84
    text = value.strip().strip("[]")
    if text in SUPPORTED_CRS:
        return text
    raise BadInput(f"{name} {value!r} is not supported; use one of {', '.join(SUPPORTED_CRS)}", field=name, value=value)


def parse_bbox(value: str, crs: str = CRS84) -> tuple[float, float, float, float]:
    """``minlon,minlat,maxlon,maxlat`` (or the 6-number 3D form) in CRS84 → a 2D lon/lat box;
    in EPSG:4490 the numbers come latitude first."""
    parts = value.split(",")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    order = "minlat,minlon,maxlat,maxlon" if crs in LAT_LON_CRS else "minlon,minlat,maxlon,maxlat"
    if len(numbers) != 4 or not all(math.isfinite(n) for n in numbers):
        raise BadInput(f"bbox {value!r} must be four numbers {order} ({crs})", field="bbox", value=value)
    if crs in LAT_LON_CRS:
        numbers = [numbers[1], numbers[0], numbers[3], numbers[2]]
    minx, miny, maxx, maxy = numbers
    if not (-180 <= minx <= 180 and -180 <= maxx <= 180 and -90 <= miny <= 90 and -90 <= maxy <= 90):
        raise BadInput(f"bbox {value!r} lies outside lon [-180, 180], lat [-90, 90]", field="bbox", value=value)
    if minx > maxx or miny > maxy:
        raise BadInput(f"bbox {value!r} has its minimum above its maximum", field="bbox", value=value)
    return minx, miny, maxx, maxy


def parse_limit(value: str | None) -> int:
    """An integer ≥ 1; values above ``MAX_LIMIT`` are lowered to it (OGC API – Features 7.15.3)."""
    if value is None:
        return DEFAULT_LIMIT
    try:
        limit = int(value)
    except ValueError:
        raise BadInput(f"limit {value!r} is not an integer", field="limit", value=value) from None
    if limit < 1:
        raise BadInput(f"limit {limit} must be at least 1", field="limit", value=value)
    return min(limit, MAX_LIMIT)


def parse_offset(value: str | None) -> int:
    if value is None:
        return 0
    try:
        offset = int(value)
    except ValueError:
        raise BadInput(f"offset {value!r} is not an integer", field="offset", value=value) from None
    if offset < 0:
        raise BadInput(f"offset {offset} must not be negative", field="offset", value=value)
    return offset


def parse_date(value: str, name: str) -> dt.date:
    """A date (YYYY-MM-DD) or an RFC 3339 date-time instant, as a date."""
    text = value.strip()
    try:
        if "T" in text.upper():
            return dt.datetime.fromisoformat(text).date()
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"{name} {value!r} is not a date (YYYY-MM-DD) or date-time", field=name, value=value) from None


def parse_datetime_instant(value: str) -> dt.date:
    """The OGC ``datetime`` parameter; only instants are supported (a zoning date)."""
    if "/" in value:
        raise BadInput(
            f"datetime {value!r} is an interval; give one instant (the date whose zoning you want)",
            field="datetime",
            value=value,
        )
    return parse_date(value, "datetime")
