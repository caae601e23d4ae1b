"""Timestamps as read back from either backend."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection


def as_utc(value: dt.datetime) -> dt.datetime:
    """An aware UTC datetime: SQLite hands back naive ones (stored in UTC), PostgreSQL aware ones."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def bind_time(conn: Connection, value: dt.datetime) -> dt.datetime:
    """``value`` as the backend compares it: naive UTC on SQLite (how SQLAlchemy stores it), aware elsewhere."""
    utc = value.astimezone(dt.UTC)
    return utc.replace(tzinfo=None) if conn.dialect.name == "sqlite" else utc
