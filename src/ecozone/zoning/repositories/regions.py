"""Repository functions for administrative regions and reference features."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, delete, insert, select

from ecozone.geo.regions import ReferenceFeature, Region, RegionLevel
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
    return [
        ReferenceFeature(
            key=row.key,
            kind=row.kind,
            name=row.name,
            name_en=row.name_en,
            attributes=row.attributes or {},
            geometry=row.geom,
        )
        for row in conn.execute(query)
    ]
