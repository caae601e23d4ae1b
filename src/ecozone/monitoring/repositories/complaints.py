"""Repository of complaints (12369), their events and photos."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, func, insert, select, update

from ecozone.errors import NotFound
from ecozone.store.schema import (
    complaint_events,
    complaint_photos,
    complaints,
)
from ecozone.store.timestamps import as_utc, bind_time


def insert_complaint(conn: Connection, values: dict) -> int:
    return conn.execute(insert(complaints).values(**values)).inserted_primary_key[0]


def add_complaint_event(conn: Connection, complaint_id: int, actor: str, action: str, note: str, at: dt.datetime) -> None:
    conn.execute(insert(complaint_events).values(complaint_id=complaint_id, at=at, actor=actor, action=action, note=note))


def add_complaint_photo(conn: Connection, complaint_id: int, values: dict) -> None:
    conn.execute(insert(complaint_photos).values(complaint_id=complaint_id, **values))


def update_complaint(conn: Connection, complaint_id: int, **values) -> None:
    conn.execute(update(complaints).where(complaints.c.id == complaint_id).values(**values))


def get_complaint(conn: Connection, complaint_id: int) -> dict:
    """One complaint with its events and photos; ``NotFound`` naming the id."""
    row = conn.execute(select(complaints).where(complaints.c.id == complaint_id)).first()
    if row is None:
        raise NotFound(f"no complaint with id {complaint_id}", field="complaint_id", value=complaint_id)
    events = conn.execute(select(complaint_events).where(complaint_events.c.complaint_id == complaint_id).order_by(complaint_events.c.id))
    photos = conn.execute(select(complaint_photos).where(complaint_photos.c.complaint_id == complaint_id).order_by(complaint_photos.c.id))
    data = row._asdict()
    geom = data.pop("geom")
    return {**data, "lon": geom.x, "lat": geom.y, "events": [e._asdict() for e in events], "photos": [p._asdict() for p in photos]}


def list_complaints(conn: Connection, status: str | None = None, limit: int = 200) -> list[dict]:
    query = select(complaints).order_by(complaints.c.received_at.desc(), complaints.c.id.desc()).limit(limit)
    if status:
        query = query.where(complaints.c.status == status)
    out = []
    for row in conn.execute(query):
        data = row._asdict()
        geom = data.pop("geom")
        out.append({**data, "lon": geom.x, "lat": geom.y})
    return out


def open_complaints_due_before(conn: Connection, moment: dt.datetime) -> list[dict]:
    """Complaints not closed whose time limit is before ``moment``."""
    query = select(complaints.c.id, complaints.c.number, complaints.c.due_at, complaints.c.escalation_level).where(
        complaints.c.status != "closed", complaints.c.due_at < bind_time(conn, moment)
    ).order_by(complaints.c.id)
    return [{**r._asdict(), "due_at": as_utc(r.due_at)} for r in conn.execute(query)]


def next_complaint_number(conn: Connection, day: dt.date) -> str:
    """``12369-YYYYMMDD-NNNN``, counting that day's complaints."""
    prefix = f"12369-{day:%Y%m%d}-"
    count = conn.execute(select(func.count()).select_from(complaints).where(complaints.c.number.like(prefix + "%"))).scalar_one()
    return f"{prefix}{count + 1:04d}"
