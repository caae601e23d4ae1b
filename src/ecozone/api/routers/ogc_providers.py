"""Data providers behind the OGC collections, in the shape of pygeoapi's provider seam: each
answers ``query(offset, limit, bbox, datetime_, properties)`` with one page and the number
matched, so the bounding box, property filters and paging reach the data where it lives (the
snapshot's spatial index for units and regions, SQL for reference features) and only the
returned page is turned into features."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

import shapely
from sqlalchemy import Engine

from ecozone.errors import NotFound
from ecozone.geo.regions import ReferenceFeature, Region
from ecozone.zoning.inforce import SnapshotCache, ZoningSnapshot
from ecozone.zoning.lookup import DEMO_NOTICE_ZH, unit_summary
from ecozone.zoning.model import ControlUnit
from ecozone.zoning.repositories import regions as region_store

BBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class OgcItem:
    """One feature of a collection: its id, geometry (EPSG:4490 lon/lat) and flat properties."""

    id: str
    geometry: shapely.Geometry
    properties: dict


@dataclass(frozen=True)
class FeatureQuery:
    """What an items request asks a provider for (pygeoapi's ``query`` arguments)."""

    offset: int = 0
    limit: int = 10
    bbox: BBox | None = None  # lon/lat, intersecting
    datetime_: dt.date | None = None  # the zoning date (temporal collections only)
    properties: dict[str, str] = field(default_factory=dict)  # queryable name → wanted value


@dataclass
class QueryResult:
    """One page of items, how many matched in all, and foreign members for the response."""

    items: list[OgcItem]
    number_matched: int
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Extent:
    bbox: list[float] | None
    first_date: str | None = None


class FeatureProvider(Protocol):
    def query(self, q: FeatureQuery) -> QueryResult: ...

    def get(self, identifier: str, datetime_: dt.date | None = None) -> QueryResult:
        """The item ``identifier`` (an empty result when there is none)."""

    def extent(self) -> Extent: ...


def _matches(value, wanted: str) -> bool:
    return value is not None and str(value) == wanted


def _rounded(bounds) -> list[float] | None:
    return None if bounds is None else [round(v, 6) for v in bounds]


# --- control units in force (the snapshot and its spatial index) -------------------------------


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


# The queryables of units, read from the unit itself so filtering never builds properties.
_UNIT_QUERYABLES = {
    "class": lambda u: int(u.unit_class),
    "county_code": lambda u: u.county_code,
    "city_code": lambda u: u.city_code,
    "release_id": lambda u: u.release_id,
}


class UnitsProvider:
    def __init__(self, snapshots: SnapshotCache) -> None:
        self._snapshots = snapshots

    def _extra(self, snapshot: ZoningSnapshot) -> dict:
        return {
            "as_of": snapshot.as_of.isoformat(),
            "release": [r.summary() for r in snapshot.releases],
            "notice": DEMO_NOTICE_ZH if snapshot.demo else None,
        }

    def query(self, q: FeatureQuery) -> QueryResult:
        snapshot = self._snapshots.get(q.datetime_)
        positions = range(len(snapshot.units)) if q.bbox is None else snapshot.unit_index.query_bbox(*q.bbox)
        units = [snapshot.units[i] for i in positions]
        for name, wanted in q.properties.items():
            units = [u for u in units if _matches(_UNIT_QUERYABLES[name](u), wanted)]
        page = units[q.offset : q.offset + q.limit]
        items = [OgcItem(u.code, u.geometry, unit_properties(u, snapshot)) for u in page]
        return QueryResult(items, len(units), self._extra(snapshot))

    def get(self, identifier: str, datetime_: dt.date | None = None) -> QueryResult:
        snapshot = self._snapshots.get(datetime_)
        try:
            unit = snapshot.unit(identifier)
        except NotFound:
            return QueryResult([], 0, self._extra(snapshot))
        return QueryResult([OgcItem(unit.code, unit.geometry, unit_properties(unit, snapshot))], 1, self._extra(snapshot))

    def extent(self) -> Extent:
        snapshot = self._snapshots.get()
        dates = sorted(r.effective_date.isoformat() for r in snapshot.releases if r.effective_date)
        return Extent(_rounded(snapshot.unit_index.bounds()), dates[0] if dates else None)


# --- administrative regions (the snapshot's regions) --------------------------------------------


def region_item(r: Region) -> OgcItem:
    return OgcItem(
        r.code,
        r.geometry,
        {"code": r.code, "name": r.name, "name_en": r.name_en, "level": r.level.value, "parent_code": r.parent_code},
    )


_REGION_QUERYABLES = {"level": lambda r: r.level.value, "parent_code": lambda r: r.parent_code}


class RegionsProvider:
    def __init__(self, snapshots: SnapshotCache) -> None:
        self._snapshots = snapshots

    def _regions(self) -> list[Region]:
        return sorted(self._snapshots.get().regions.regions, key=lambda r: r.code)

    def query(self, q: FeatureQuery) -> QueryResult:
        regions = self._regions()
        for name, wanted in q.properties.items():
            regions = [r for r in regions if _matches(_REGION_QUERYABLES[name](r), wanted)]
        if q.bbox is not None and regions:
            hits = shapely.intersects(shapely.box(*q.bbox), [r.geometry for r in regions])
            regions = [r for r, hit in zip(regions, hits, strict=True) if hit]
        return QueryResult([region_item(r) for r in regions[q.offset : q.offset + q.limit]], len(regions))

    def get(self, identifier: str, datetime_: dt.date | None = None) -> QueryResult:
        region = self._snapshots.get().regions.by_code.get(identifier)
        return QueryResult([] if region is None else [region_item(region)], int(region is not None))

    def extent(self) -> Extent:
        regions = self._regions()
        return Extent(_rounded(shapely.total_bounds([r.geometry for r in regions]).tolist()) if regions else None)


# --- reference features (SQL: PostGIS filters the box with its GiST index) ----------------------


def feature_item(f: ReferenceFeature) -> OgcItem:
    return OgcItem(f.key, f.geometry, {"key": f.key, "kind": f.kind, "name": f.name, "name_en": f.name_en, "attributes": f.attributes})


class FeaturesProvider:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def query(self, q: FeatureQuery) -> QueryResult:
        with self._engine.connect() as conn:
            features, matched = region_store.query_features(
                conn, kind=q.properties.get("kind"), bbox=q.bbox, offset=q.offset, limit=q.limit
            )
        return QueryResult([feature_item(f) for f in features], matched)

    def get(self, identifier: str, datetime_: dt.date | None = None) -> QueryResult:
        with self._engine.connect() as conn:
            feature = region_store.get_feature(conn, identifier)
        return QueryResult([] if feature is None else [feature_item(feature)], int(feature is not None))

    def extent(self) -> Extent:
        with self._engine.connect() as conn:
            return Extent(_rounded(region_store.feature_bounds(conn)))
