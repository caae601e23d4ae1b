"""Repository of supervision: clues, their events (the audit trail) and inspection photos."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Connection, insert, select, update

from ecozone.errors import NotFound
from ecozone.store.schema import clue_events, clue_photos, clues
from ecozone.store.timestamps import as_utc

_TIMES = ("imported_at", "due_at", "closed_at")


def _clue(row) -> dict:
    data = row._asdict()
    geom = data.pop("geom")
    for key in _TIMES:
        data[key] = as_utc(data[key]) if data[key] is not None else None
    point = geom.representative_point()
    return {**data, "geometry": geom, "lon": point.x, "lat": point.y}


def insert_clue(conn: Connection, values: dict) -> int:
    return conn.execute(insert(clues).values(**values)).inserted_primary_key[0]


def update_clue(conn: Connection, clue_id: int, **values) -> None:
    conn.execute(update(clues).where(clues.c.id == clue_id).values(**values))


def add_event(conn: Connection, clue_id: int, actor: str, action: str, note: str, at: dt.datetime) -> None:
    conn.execute(insert(clue_events).values(clue_id=clue_id, actor=actor, action=action, note=note, at=at))


def add_photo(conn: Connection, clue_id: int, values: dict) -> None:
    conn.execute(insert(clue_photos).values(clue_id=clue_id, **values))


def lock_clue(conn: Connection, clue_id: int) -> dict:
    """The clue, row-locked on PostgreSQL until the transaction ends (SQLite locks the file)."""
    row = conn.execute(select(clues).where(clues.c.id == clue_id).with_for_update()).first()
    if row is None:
        raise NotFound(f"no clue with id {clue_id}", field="clue_id", value=clue_id)
    return _clue(row)


def get_clue(conn: Connection, clue_id: int) -> dict:
    """One clue with its events and photos; ``NotFound`` naming the id."""
    row = conn.execute(select(clues).where(clues.c.id == clue_id)).first()
    if row is None:
        raise NotFound(f"no clue with id {clue_id}", field="clue_id", value=clue_id)
    events = conn.execute(select(clue_events).where(clue_events.c.clue_id == clue_id).order_by(clue_events.c.id))
    photos = conn.execute(select(clue_photos).where(clue_photos.c.clue_id == clue_id).order_by(clue_photos.c.id))
    data = _clue(row)
    data["events"] = [{**e._asdict(), "at": as_utc(e.at)} for e in events]
    data["photos"] = [p._asdict() for p in photos]
    return data


def list_clues(
    conn: Connection,
    status: str | None = None,
    county: str | None = None,
    year: int | None = None,
    ids: Sequence[int] | None = None,
    limit: int = 1000,
) -> list[dict]:
    """Clues, newest observation first, filtered by status, county, observed year or ids."""
    query = select(clues).order_by(clues.c.observed_on.desc(), clues.c.id.desc()).limit(limit)
    if status:
        query = query.where(clues.c.status == status)
    if county:
        query = query.where(clues.c.region_code == county)
    if year is not None:
        query = query.where(clues.c.observed_on >= dt.date(year, 1, 1), clues.c.observed_on <= dt.date(year, 12, 31))
    if ids is not None:
        query = query.where(clues.c.id.in_(list(ids)))
    return [_clue(r) for r in conn.execute(query)]


def has_demo_clues(conn: Connection) -> bool:
    return conn.execute(select(clues.c.id).where(clues.c.demo.is_(True)).limit(1)).first() is not None
