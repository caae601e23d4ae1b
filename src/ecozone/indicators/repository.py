"""Repository functions for plan indicator observations: every revision is a row, none is deleted.

Mirrors ``ObservationLedger``: a value for a new (kind, metric, region, year) is revision 1; a
different value, source or note for the same key is the next revision; an identical one is
skipped. Callers pass a connection inside one transaction, so a batch is stored whole or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, func, insert, select
from sqlalchemy.exc import IntegrityError

from ecozone.errors import BadInput, Conflict
from ecozone.indicators.model import Comparator, Threshold
from ecozone.indicators.observations import (
    ImportSummary,
    Observation,
    ObservationKind,
    ObservationLedger,
    reject_duplicates,
)
from ecozone.store.schema import indicator_observations as table

_Key = tuple[str, str, str, int]


def record_observations(
    conn: Connection, batch: Sequence[Observation], recorded_by: str, now: dt.datetime
) -> ImportSummary:
    """Store a validated batch as new revisions; ``Conflict`` if another writer got there first."""
    if not recorded_by.strip():
        raise BadInput("recorded_by is empty; every stored value names who recorded it", field="recorded_by")
    reject_duplicates(list(batch))
    stamp = now
    latest = _latest_revisions(conn, {o.key for o in batch})
    rows: list[dict] = []
    unchanged = corrected = 0
    for observation in batch:
        current = latest.get(observation.key)
        if current is not None and current.same_content(observation):
            unchanged += 1
            continue
        if current is not None:
            corrected += 1
        revision = 1 if current is None else current.revision + 1
        rows.append(_row(observation, revision, stamp, recorded_by))
    if rows:
        _insert(conn, rows)
    return ImportSummary(len(rows) - corrected, corrected, unchanged)


def _insert(conn: Connection, rows: list[dict]) -> None:
    try:
        conn.execute(insert(table), rows)
    except IntegrityError as exc:
        # The unique (key, revision) constraint: someone stored a revision of the same value meanwhile.
        raise Conflict("observations changed while this import ran; nothing was stored, import again",
                       field="revision") from exc


def _row(observation: Observation, revision: int, stamp: dt.datetime, recorded_by: str) -> dict:
    threshold = observation.threshold
    is_range = threshold is not None and threshold.comparator is Comparator.RANGE
    return {
        "kind": observation.kind.value, "metric": observation.metric, "region": observation.region,
        "year": observation.year, "revision": revision, "value": observation.value,
        "comparator": threshold.comparator.value if threshold else None,
        "range_low": threshold.low if is_range else None, "range_high": threshold.high if is_range else None,
        "unit": observation.unit, "source": observation.source, "note": observation.note,
        "origin": observation.origin[:256], "recorded_at": stamp, "recorded_by": recorded_by,
    }


def _latest_revisions(conn: Connection, keys: set[_Key]) -> dict[_Key, Observation]:
    if not keys:
        return {}
    metrics = sorted({key[1] for key in keys})
    query = select(table).where(table.c.metric.in_(metrics))
    latest: dict[_Key, Observation] = {}
    for row in conn.execute(query):
        observation = _from_row(row)
        known = latest.get(observation.key)
        if observation.key in keys and (known is None or observation.revision > known.revision):
            latest[observation.key] = observation
    return latest


def _from_row(row) -> Observation:
    recorded_at = row.recorded_at
    if recorded_at is not None and recorded_at.tzinfo is None:  # SQLite hands back naive UTC
        recorded_at = recorded_at.replace(tzinfo=dt.UTC)
    return Observation(
        metric=row.metric, region=row.region, year=row.year, value=row.value, unit=row.unit,
        source=row.source, kind=ObservationKind(row.kind), threshold=_threshold(row), note=row.note,
        origin=row.origin, revision=row.revision, recorded_at=recorded_at, recorded_by=row.recorded_by,
    )


def _threshold(row) -> Threshold | None:
    if row.comparator is None:
        return None
    comparator = Comparator(row.comparator)
    if comparator is Comparator.RANGE:
        return Threshold(comparator, low=row.range_low, high=row.range_high)
    return Threshold(comparator, value=row.value)


def load_observations(conn: Connection, metrics: Iterable[str] | None = None) -> list[Observation]:
    """Every stored revision (of the given metrics), oldest first per key."""
    query = select(table).order_by(table.c.kind, table.c.metric, table.c.region, table.c.year, table.c.revision)
    if metrics is not None:
        query = query.where(table.c.metric.in_(sorted(set(metrics))))
    return [_from_row(row) for row in conn.execute(query)]


def load_ledger(conn: Connection, metrics: Iterable[str] | None = None) -> ObservationLedger:
    """The stored observations (of the given metrics) as a ledger with their full history."""
    return ObservationLedger.from_history(load_observations(conn, metrics))


def observation_history(
    conn: Connection, metric: str, region: str, year: int, kind: ObservationKind = ObservationKind.OBSERVED
) -> list[Observation]:
    """Every revision of one value, oldest first (empty when nothing is stored)."""
    query = (
        select(table)
        .where(table.c.kind == kind.value, table.c.metric == metric, table.c.region == region, table.c.year == year)
        .order_by(table.c.revision)
    )
    return [_from_row(row) for row in conn.execute(query)]


def count_observations(conn: Connection) -> int:
    """Number of stored revisions (all kinds)."""
    return conn.execute(select(func.count()).select_from(table)).scalar_one()


def recent_observations(conn: Connection, limit: int = 50) -> list[Observation]:
    """The most recently recorded revisions, newest first (for the staff entry page)."""
    query = select(table).order_by(table.c.recorded_at.desc(), table.c.id.desc()).limit(limit)
    return [_from_row(row) for row in conn.execute(query)]
