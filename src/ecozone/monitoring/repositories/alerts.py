"""Repository of alert rules, alerts and their events."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, delete, insert, select, update

from ecozone.errors import NotFound
from ecozone.store.schema import (
    alert_events,
    alert_rules,
    alerts,
    stations,
)
from ecozone.store.timestamps import bind_time


def stored_alert_rules(conn: Connection) -> list[dict]:
    """Rule records stored in the database (enabled ones), in key order."""
    rows = conn.execute(select(alert_rules.c.body).where(alert_rules.c.enabled.is_(True)).order_by(alert_rules.c.key))
    return [r.body for r in rows]


def save_alert_rule(conn: Connection, body: dict, now: dt.datetime, enabled: bool = True) -> None:
    """Insert or replace one rule record by its key."""
    conn.execute(delete(alert_rules).where(alert_rules.c.key == body["key"]))
    conn.execute(insert(alert_rules).values(key=body["key"], body=body, enabled=enabled, updated_at=now))


def latest_alert(conn: Connection, dedup_key: str):
    """The newest alert row with this de-duplication key, or None."""
    return conn.execute(
        select(alerts).where(alerts.c.dedup_key == dedup_key).order_by(alerts.c.triggered_at.desc(), alerts.c.id.desc()).limit(1)
    ).first()


def insert_alert(conn: Connection, values: dict, actor: str, at: dt.datetime) -> int:
    alert_id = conn.execute(insert(alerts).values(**values)).inserted_primary_key[0]
    add_alert_event(conn, alert_id, actor, "opened", values["message"], at)
    return alert_id


def touch_alert(conn: Connection, alert_id: int, seen_at: dt.datetime, value: float | None) -> None:
    """Count one more firing of an open alert (de-duplicated, no new alert)."""
    conn.execute(
        update(alerts).where(alerts.c.id == alert_id).values(
            last_seen_at=seen_at, value=value, occurrences=alerts.c.occurrences + 1
        )
    )


def add_alert_event(conn: Connection, alert_id: int, actor: str, action: str, note: str, at: dt.datetime) -> None:
    conn.execute(insert(alert_events).values(alert_id=alert_id, at=at, actor=actor, action=action, note=note))


def get_alert(conn: Connection, alert_id: int) -> dict:
    """One alert with its events; ``NotFound`` naming the id."""
    row = conn.execute(select(alerts).where(alerts.c.id == alert_id)).first()
    if row is None:
        raise NotFound(f"no alert with id {alert_id}", field="alert_id", value=alert_id)
    events = conn.execute(select(alert_events).where(alert_events.c.alert_id == alert_id).order_by(alert_events.c.id))
    return {**row._asdict(), "events": [e._asdict() for e in events]}


def set_alert_status(conn: Connection, alert_id: int, status: str) -> None:
    conn.execute(update(alerts).where(alerts.c.id == alert_id).values(status=status))


def mark_alert_notified(conn: Connection, alert_id: int, at: dt.datetime) -> None:
    conn.execute(update(alerts).where(alerts.c.id == alert_id).values(notified_at=at))


def list_alerts(conn: Connection, status: str | None = None, limit: int = 200) -> list[dict]:
    """Alerts newest first, with the station code and name."""
    query = (
        select(alerts, stations.c.code.label("station_code"), stations.c.name.label("station_name"))
        .join(stations, stations.c.id == alerts.c.station_id)
        .order_by(alerts.c.triggered_at.desc(), alerts.c.id.desc())
        .limit(limit)
    )
    if status:
        query = query.where(alerts.c.status == status)
    return [r._asdict() for r in conn.execute(query)]


def alerts_due_for_notice(conn: Connection, now: dt.datetime) -> list[dict]:
    """Open alerts not yet notified whose quiet-hours hold has passed."""
    query = select(alerts).where(
        alerts.c.status == "open", alerts.c.notified_at.is_(None),
        (alerts.c.notify_after.is_(None)) | (alerts.c.notify_after <= bind_time(conn, now)),
    ).order_by(alerts.c.id)
    return [r._asdict() for r in conn.execute(query)]
