"""Repository of monitoring stations: upsert, load, codes to ids."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, insert, select, update

from ecozone.errors import NotFound
from ecozone.monitoring.model import Station, StationKind
from ecozone.store.schema import (
    stations,
)


def upsert_stations(conn: Connection, items: Iterable[Station]) -> tuple[int, int]:
    """Insert new stations and update known ones (by code); returns (inserted, updated)."""
    known = dict(conn.execute(select(stations.c.code, stations.c.id)).all())
    inserted = updated = 0
    for s in items:
        values = {
            "name": s.name, "kind": s.kind.value, "region_code": s.region_code, "unit_code": s.unit_code,
            "grid_cell_id": s.grid_cell_id, "attributes": s.attributes, "geom": s.geometry,
        }
        if s.code in known:
            conn.execute(update(stations).where(stations.c.id == known[s.code]).values(**values))
            s.id = known[s.code]
            updated += 1
        else:
            s.id = conn.execute(insert(stations).values(code=s.code, **values)).inserted_primary_key[0]
            inserted += 1
    return inserted, updated


def _station(row) -> Station:
    return Station(
        code=row.code, name=row.name, kind=StationKind(row.kind), geometry=row.geom, attributes=row.attributes or {},
        region_code=row.region_code, unit_code=row.unit_code, grid_cell_id=row.grid_cell_id, id=row.id,
    )


def load_stations(conn: Connection, kinds: Sequence[str] | None = None) -> list[Station]:
    """All stations (optionally of some kinds), ordered by code."""
    query = select(stations).order_by(stations.c.code)
    if kinds:
        query = query.where(stations.c.kind.in_(list(kinds)))
    return [_station(r) for r in conn.execute(query)]


def get_station(conn: Connection, code: str) -> Station:
    """One station by code; ``NotFound`` naming the code."""
    row = conn.execute(select(stations).where(stations.c.code == code)).first()
    if row is None:
        raise NotFound(f"no station with code {code!r}", field="station", value=code)
    return _station(row)


def station_ids(conn: Connection, codes: Iterable[str]) -> dict[str, int]:
    """Ids of the given station codes that exist."""
    wanted = sorted(set(codes))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), 900):  # SQLite's bound-parameter limit
        chunk = wanted[start : start + 900]
        found.update(conn.execute(select(stations.c.code, stations.c.id).where(stations.c.code.in_(chunk))).all())
    return found
