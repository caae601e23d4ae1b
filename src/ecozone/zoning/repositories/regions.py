"""Repository functions for administrative regions and reference features."""

from __future__ import annotations

from collections.abc import Iterable

import shapely
from sqlalchemy import Connection, delete, func, insert, select

from ecozone.geo.regions import ReferenceFeature, Region, RegionLevel
from ecozone.geo.crs import STORAGE_EPSG
from ecozone.store.schema import reference_features, regions


def replace_regions(conn: Connection, items: Iterable[Region]) -> int:
    """Replace the stored regions with ``items`` (parents before children); return the count."""
    ordered = sorted(items, key=lambda r: (list(RegionLevel).index(r.level), r.code))
    conn.execute(delete(regions))
    rows = [
        {
            "code": r.code,
            "name": r.name,
            "name_en": r.name_en,
            "level": r.level.value,
            "parent_code": r.parent_code,
            "geom": r.geometry,
        }
        for r in ordered
    ]
    if rows:
        conn.execute(insert(regions), rows)
    return len(rows)


def load_regions(conn: Connection) -> list[Region]:
    """All stored regions."""
    result = conn.execute(select(regions).order_by(regions.c.code))
    return [
        Region(
            code=row.code,
            name=row.name,
            name_en=row.name_en,
            level=RegionLevel(row.level),
            parent_code=row.parent_code,
            geometry=row.geom,
        )
        for row in result
    ]


def region_codes(conn: Connection) -> set[str]:
    """The codes of all stored regions."""
    return set(conn.execute(select(regions.c.code)).scalars())


def region_parents(conn: Connection) -> dict[str, str | None]:
    """Each region code with its parent code (geometry not loaded)."""
    return {code: parent for code, parent in conn.execute(select(regions.c.code, regions.c.parent_code))}


def replace_features(conn: Connection, items: Iterable[ReferenceFeature]) -> int:
    """Replace the stored reference features with ``items``; return the count."""
    conn.execute(delete(reference_features))
    rows = [
        {
            "key": f.key,
            "kind": f.kind,
            "name": f.name,
            "name_en": f.name_en,
            "attributes": f.attributes,
            "geom": f.geometry,
        }
        for f in items
    ]
    if rows:
        conn.execute(insert(reference_features), rows)
    return len(rows)


def load_features(conn: Connection, kinds: Iterable[str] | None = None) -> list[ReferenceFeature]:
    """Stored reference features, optionally only of the given kinds."""
    query = select(reference_features).order_by(reference_features.c.key)
    if kinds is not None:
        query = query.where(reference_features.c.kind.in_(list(kinds)))
    return [_feature(row) for row in conn.execute(query)]


def _feature(row) -> ReferenceFeature:
    return ReferenceFeature(
        key=row.key, kind=row.kind, name=row.name, name_en=row.name_en, attributes=row.attributes or {}, geometry=row.geom
    )


def _intersecting(bbox: tuple[float, float, float, float]):
    return func.ST_Intersects(reference_features.c.geom, func.ST_MakeEnvelope(*bbox, STORAGE_EPSG))


def query_features(
    conn: Connection,
    *,
    kind: str | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[ReferenceFeature], int]:
    """One page of the reference features (in key order) of ``kind`` that intersect ``bbox``, and
    how many match in all. PostGIS filters the box with its GiST index and pages in SQL; SQLite
    stores plain WKB, so there the box is tested here after the kind filter."""
    condition = [] if kind is None else [reference_features.c.kind == kind]
    ordered = select(reference_features).where(*condition).order_by(reference_features.c.key)
    if bbox is None or conn.dialect.name == "postgresql":
        if bbox is not None:
            condition.append(_intersecting(bbox))
            ordered = ordered.where(condition[-1])
        matched = conn.execute(select(func.count()).select_from(reference_features).where(*condition)).scalar_one()
        page = ordered.offset(offset).limit(limit) if limit is not None else ordered.offset(offset)
        return [_feature(row) for row in conn.execute(page)], matched
    box = shapely.box(*bbox)
    found = [f for f in map(_feature, conn.execute(ordered)) if shapely.intersects(f.geometry, box)]
    return found[offset : None if limit is None else offset + limit], len(found)


def get_feature(conn: Connection, key: str) -> ReferenceFeature | None:
    """The reference feature ``key``, or None."""
    row = conn.execute(select(reference_features).where(reference_features.c.key == key)).first()
    return None if row is None else _feature(row)


def feature_bounds(conn: Connection) -> tuple[float, float, float, float] | None:
    """The bounding box of all reference features (PostGIS computes it; SQLite reads the shapes)."""
    if conn.dialect.name == "postgresql":
        row = conn.execute(
            select(
                func.ST_XMin(func.ST_Extent(reference_features.c.geom)),
                func.ST_YMin(func.ST_Extent(reference_features.c.geom)),
                func.ST_XMax(func.ST_Extent(reference_features.c.geom)),
                func.ST_YMax(func.ST_Extent(reference_features.c.geom)),
            )
        ).one()
        return None if row[0] is None else tuple(float(v) for v in row)
    geometries = list(conn.execute(select(reference_features.c.geom)).scalars())
    return tuple(shapely.total_bounds(geometries).tolist()) if geometries else None
