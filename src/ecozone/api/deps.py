"""Request dependencies: the engine, the snapshot of what is in force, parsed query values, and
the checked integer types of ids, versions and offsets."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Body, Path, Query, Request
from sqlalchemy import Engine

from ecozone.api.settings import EdgeSettings
from ecozone.zoning.inforce import SnapshotCache, ZoningSnapshot

# Ids, lock versions and offsets are 64-bit integers on both backends: a larger number names
# nothing, and is refused here (422) instead of overflowing the database driver (500).
DB_INT_MAX = 2**63 - 1
RowId = Annotated[int, Path(ge=1, le=DB_INT_MAX, description="Numeric id")]
LockVersion = Annotated[int, Body(ge=0, le=DB_INT_MAX, embed=True, description="The release's lock_version as last read")]
Offset = Annotated[int, Query(ge=0, le=DB_INT_MAX, description="Items to skip")]


def get_engine(request: Request) -> Engine:
    return request.app.state.engine


def get_edge_settings(request: Request) -> EdgeSettings:
    return request.app.state.edge


def get_snapshots(request: Request) -> SnapshotCache:
    return request.app.state.snapshots


def get_snapshot(
    request: Request,
    as_of: dt.date | None = Query(None, description="Answer with the zoning in force on this date (YYYY-MM-DD)"),
) -> ZoningSnapshot:
    return get_snapshots(request).get(as_of)
