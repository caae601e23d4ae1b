"""Request dependencies: the engine, the snapshot of what is in force, parsed query values."""

from __future__ import annotations

import datetime as dt

from fastapi import Query, Request
from sqlalchemy import Engine

from ecozone.zoning.inforce import SnapshotCache, ZoningSnapshot


def get_engine(request: Request) -> Engine:
    return request.app.state.engine


def get_snapshots(request: Request) -> SnapshotCache:
    return request.app.state.snapshots


def get_snapshot(
    request: Request,
    as_of: dt.date | None = Query(None, description="Answer with the zoning in force on this date (YYYY-MM-DD)"),
) -> ZoningSnapshot:
    return get_snapshots(request).get(as_of)
