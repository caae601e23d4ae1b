"""The feature collections that OGC API – Features serves, and the plain query logic behind them.

Each collection turns a data source (the units in force, the administrative regions, the
reference features) into a list of ``OgcItem`` records sorted by id; filtering by bounding box
and by property, and paging, are the same for all of them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import shapely
from fastapi import Request

from ecozone.errors import BadInput, NotFound
from ecozone.geo.regions import ReferenceFeature, Region
from ecozone.zoning.repositories import regions as region_store
from ecozone.zoning.inforce import SnapshotCache, ZoningSnapshot
from ecozone.zoning.lookup import DEMO_NOTICE_ZH, unit_summary
from ecozone.zoning.model import ControlUnit

DEFAULT_LIMIT = 10
MAX_LIMIT = 10_000


@dataclass(frozen=True)
class OgcItem:
    """One feature of a collection: its id, geometry (EPSG:4490 lon/lat) and flat properties."""

    id: str
    geometry: shapely.Geometry
    properties: dict


@dataclass
class ItemSet:
    """All items of a collection for one request, plus foreign members for the response."""

    items: list[OgcItem]
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ItemQuery:
    """The parsed query of an items request."""

    bbox: tuple[float, float, float, float] | None = None
    filters: dict[str, str] = field(default_factory=dict)
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    as_of: dt.date | None = None


@dataclass(frozen=True)
class CollectionInfo:
    """Static description of a collection and how to load its items."""

    id: str
    title: str
    description: str
    queryables: dict[str, str]
    load: Callable[[Request, dt.date | None], ItemSet]
    temporal: bool = False


# --- item builders -----------------------------------------------------------------------------


def unit_properties(unit: ControlUnit, snapshot: ZoningSnapshot) -> dict:
    """Flat properties of a unit: GIS clients read one text column per access-list dimension."""
    release = snapshot.release(unit.release_id)
    summary = unit_summary(unit)
    access = summary.pop("access")
    return {
        **summary,
        **{dimension: "\n".join(texts) for dimension, texts in access.items()},
        "release_version": release.version if release else None,
        "effective_date": release.effective_date.isoformat() if release and release.effective_date else None,
        "demo": bool(release and release.demo),
    }


def unit_items(snapshot: ZoningSnapshot) -> list[OgcItem]:
    return [OgcItem(u.code, u.geometry, unit_properties(u, snapshot)) for u in snapshot.units]


def region_items(regions: list[Region]) -> list[OgcItem]:
    return [
        OgcItem(
            r.code,
            r.geometry,
            {"code": r.code, "name": r.name, "name_en": r.name_en, "level": r.level.value, "parent_code": r.parent_code},
        )
        for r in sorted(regions, key=lambda r: r.code)
    ]


def feature_items(features: list[ReferenceFeature]) -> list[OgcItem]:
    return [
        OgcItem(
            f.key,
            f.geometry,
            {"key": f.key, "kind": f.kind, "name": f.name, "name_en": f.name_en, "attributes": f.attributes},
        )
        for f in sorted(features, key=lambda f: f.key)
    ]


# --- loaders -----------------------------------------------------------------------------------


def _snapshots(request: Request) -> SnapshotCache:
    return request.app.state.snapshots


def load_units(request: Request, as_of: dt.date | None) -> ItemSet:
    snapshot = _snapshots(request).get(as_of)
    return ItemSet(
        unit_items(snapshot),
        {
            "as_of": snapshot.as_of.isoformat(),
            "release": [r.summary() for r in snapshot.releases],
            "notice": DEMO_NOTICE_ZH if snapshot.demo else None,
        },
    )


def load_regions(request: Request, _as_of: dt.date | None) -> ItemSet:
    return ItemSet(region_items(_snapshots(request).get().regions.regions))


def load_features(request: Request, _as_of: dt.date | None) -> ItemSet:
    with request.app.state.engine.connect() as conn:
        return ItemSet(feature_items(region_store.load_features(conn)))


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
                "class": "unit class: 1 优先保护, 2 重点管控, 3 一般管控",
                "county_code": "GB/T 2260 code of the county",
                "city_code": "GB/T 2260 code of the city",
                "release_id": "id of the release the unit belongs to",
            },
            load=load_units,
            temporal=True,
        ),
        CollectionInfo(
            id="regions",
            title="行政区划",
            description="Administrative regions (province, cities, counties) with GB/T 2260 codes.",
            queryables={"level": "province | city | county", "parent_code": "code of the parent region"},
            load=load_regions,
        ),
        CollectionInfo(
            id="features",
            title="参考要素",
            description="Reference features that rules refer to: rivers, lakes, named zones, parks.",
            queryables={"kind": "river | lake | zone | city_group | planning_area | nature_reserve | …"},
            load=load_features,
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


def parse_bbox(value: str) -> tuple[float, float, float, float]:
    """``minlon,minlat,maxlon,maxlat`` (or the 6-number 3D form) in CRS84 → a 2D box."""
    parts = value.split(",")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    if len(numbers) != 4 or not all(math.isfinite(n) for n in numbers):
        raise BadInput(
            f"bbox {value!r} must be four numbers minlon,minlat,maxlon,maxlat (CRS84)", field="bbox", value=value
        )
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


# --- selection ---------------------------------------------------------------------------------


def select_items(items: list[OgcItem], query: ItemQuery) -> list[OgcItem]:
    """The items matching the bbox (intersects) and every property filter, in id order."""
    selected = items
    if query.filters:
        selected = [i for i in selected if all(_matches(i.properties.get(k), v) for k, v in query.filters.items())]
    if query.bbox is not None and selected:
        geometries = np.asarray([i.geometry for i in selected], dtype=object)
        hits = shapely.intersects(geometries, shapely.box(*query.bbox))
        selected = [item for item, hit in zip(selected, hits, strict=True) if hit]
    return selected


def _matches(value, wanted: str) -> bool:
    return value is not None and str(value) == wanted


def page(items: list[OgcItem], query: ItemQuery) -> list[OgcItem]:
    return items[query.offset : query.offset + query.limit]


def bounds_of(items: list[OgcItem]) -> list[float] | None:
    """The CRS84 bounding box of the items, or None when there are none."""
    if not items:
        return None
    return [round(v, 6) for v in shapely.total_bounds([i.geometry for i in items]).tolist()]
