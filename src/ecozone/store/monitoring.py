"""Repository of monitoring: stations, observations (bulk paths per backend), grids, alerts, complaints."""

from __future__ import annotations

import datetime as dt
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter

import numpy as np
import shapely
from psycopg.errors import UniqueViolation
from sqlalchemy import Connection, and_, delete, func, insert, select, text, update

from ecozone.errors import BadInput, NotFound
from ecozone.monitoring.model import GridCell, Person, Station, StationKind
from ecozone.store.schema import (
    alert_events,
    alert_rules,
    alerts,
    complaint_events,
    complaint_photos,
    complaints,
    grid_cells,
    observations,
    responsible_persons,
    stations,
    supervision_grids,
)
from ecozone.store.timestamps import as_utc

# --- stations -----------------------------------------------------------------------------------


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


# --- observations ---------------------------------------------------------------------------------

# SQLAlchemy's own SQLite DATETIME text format, so rows written by the fast path compare equal
# to values bound through SQLAlchemy (naive UTC on SQLite).
SQLITE_TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def month_starts(times: Iterable[dt.datetime]) -> list[dt.date]:
    """The first day of every UTC month the times fall in."""
    return sorted({dt.date(t.year, t.month, 1) for t in times})


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def partition_name(month: dt.date) -> str:
    return f"observations_y{month.year:04d}m{month.month:02d}"


def ensure_month_partitions(conn: Connection, months: Iterable[dt.date]) -> list[str]:
    """Create the monthly partitions of ``observations`` that are missing (PostgreSQL only)."""
    if conn.dialect.name != "postgresql":
        return []
    wanted = {partition_name(m): m for m in months}
    if not wanted:
        return []
    existing = set(
        conn.execute(
            text(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "JOIN pg_class p ON p.oid = i.inhparent WHERE p.oid = 'observations'::regclass"
            )
        ).scalars()
    )
    missing = [name for name in wanted if name not in existing]
    if missing:
        # Two concurrent ingests may want the same month; serialise partition creation.
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('ecozone.observations.partitions'))"))
        for name in missing:
            start = wanted[name]
            conn.execute(
                text(
                    f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF observations "
                    f"FOR VALUES FROM ('{start.isoformat()} 00:00:00+00') TO ('{_next_month(start).isoformat()} 00:00:00+00')"
                )
            )
    return missing


# --- PostgreSQL binary COPY ------------------------------------------------------------------------

PG_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
PG_COPY_TRAILER = struct.pack(">h", -1)
PG_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
ONE_MICROSECOND = dt.timedelta(microseconds=1)
OBSERVATION_COLUMNS = "(station_id, parameter, observed_at, value, flag)"


@dataclass
class ObservationColumns:
    """Rows as numpy columns: times are microseconds since 2000-01-01 UTC (PostgreSQL's epoch)."""

    station_ids: np.ndarray
    micros: np.ndarray
    values: np.ndarray
    texts: list[tuple[str, str | None]]  # distinct (parameter, flag) pairs
    text_codes: np.ndarray  # index into ``texts`` per row

    @classmethod
    def from_rows(cls, rows: Sequence[tuple[int, str, dt.datetime, float, str | None]]) -> ObservationColumns:
        count = len(rows)
        if rows[0][2].tzinfo is None:
            raise BadInput("observation times must carry a UTC offset", field="observed_at", value=str(rows[0][2]))
        # itemgetter per column: ~10× faster than zip(*rows) on 500,000 tuples.
        sids, parameters, times, values, flags = (map(itemgetter(i), rows) for i in range(5))
        index: dict[tuple[str, str | None], int] = {}
        codes = np.fromiter((index.setdefault(k, len(index)) for k in zip(parameters, flags)), np.int32, count)
        return cls(
            station_ids=np.fromiter(sids, np.int64, count),
            micros=_micros_since_2000(times, count),
            values=np.fromiter(values, np.float64, count),
            texts=list(index),
            text_codes=codes,
        )

    def months(self) -> list[dt.date]:
        """First days of the UTC months the rows fall in."""
        months = np.unique((self.micros + _PG_EPOCH_US).astype("datetime64[us]").astype("datetime64[M]"))
        return [dt.date.fromisoformat(str(m) + "-01") for m in months]

    def parameter_codes(self) -> np.ndarray:
        """Per row, an index of its parameter (flags ignored), for key comparisons."""
        names = sorted({p for p, _ in self.texts})
        lookup = np.array([names.index(p) for p, _ in self.texts], dtype=np.int32)
        return lookup[self.text_codes]

    def has_duplicate_keys(self) -> bool:
        """Whether two rows share (station, parameter, time)."""
        params = self.parameter_codes()
        order = np.lexsort((self.micros, params, self.station_ids))
        same = (
            (np.diff(self.station_ids[order]) == 0) & (np.diff(params[order]) == 0) & (np.diff(self.micros[order]) == 0)
        )
        return bool(same.any())

    def copy_binary(self) -> bytes:
        """The rows in PostgreSQL's binary COPY format, built with numpy one (parameter, flag) group at a time."""
        parts = [PG_COPY_HEADER]
        for code, (parameter, flag) in enumerate(self.texts):
            picked = self.text_codes == code
            parts.append(_binary_group(self.station_ids[picked], parameter, self.micros[picked], self.values[picked], flag))
        parts.append(PG_COPY_TRAILER)
        return b"".join(parts)


_PG_EPOCH_US = np.int64((PG_EPOCH - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // ONE_MICROSECOND)


def _micros_since_2000(times: Iterable[dt.datetime], count: int) -> np.ndarray:
    # timestamp() is exact to the microsecond for ±285 years around 1970 (below 2**53 µs) and
    # twice as fast as timedelta arithmetic. It would read a naive time as local time, so the
    # times must be aware, as insert_observations requires.
    seconds = np.fromiter((t.timestamp() for t in times), np.float64, count)
    return np.rint(seconds * 1e6).astype(np.int64) - _PG_EPOCH_US


def _binary_group(station_ids: np.ndarray, parameter: str, micros: np.ndarray, values: np.ndarray, flag: str | None) -> bytes:
    # One fixed-width record per row: field count, then (length, value) per column, big-endian.
    name = parameter.encode()
    fields = [("count", ">i2"), ("l_sid", ">i4"), ("sid", ">i4"), ("l_par", ">i4"), ("par", f"S{len(name)}"),
              ("l_at", ">i4"), ("at", ">i8"), ("l_val", ">i4"), ("val", ">f8"), ("l_flag", ">i4")]
    if flag is not None:
        fields.append(("flag", f"S{len(flag.encode())}"))
    records = np.empty(len(station_ids), dtype=np.dtype(fields))
    records["count"], records["l_sid"], records["sid"] = 5, 4, station_ids
    records["l_par"], records["par"] = len(name), name
    records["l_at"], records["at"], records["l_val"], records["val"] = 8, micros, 8, values
    if flag is None:
        records["l_flag"] = -1
    else:
        records["l_flag"], records["flag"] = len(flag.encode()), flag.encode()
    return records.tobytes()


def _copy_into(conn: Connection, table: str, payload: bytes) -> None:
    cursor = conn.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table} {OBSERVATION_COLUMNS} FROM STDIN (FORMAT BINARY)") as copy:
        copy.write(payload)


def _may_conflict(conn: Connection, columns: ObservationColumns) -> bool:
    """True unless no stored row can share a key with the batch (one index query, conservative)."""
    if columns.has_duplicate_keys():
        return True
    lo, hi = int(columns.micros.min()), int(columns.micros.max())
    found = conn.execute(
        text(
            "SELECT EXISTS (SELECT 1 FROM observations WHERE station_id = ANY(:sids) AND parameter = ANY(:params) "
            "AND observed_at BETWEEN :lo AND :hi)"
        ),
        {"sids": sorted({int(s) for s in np.unique(columns.station_ids)}), "params": sorted({p for p, _ in columns.texts}),
         "lo": PG_EPOCH + lo * ONE_MICROSECOND, "hi": PG_EPOCH + hi * ONE_MICROSECOND},
    ).scalar_one()
    return bool(found)


def _insert_through_stage(conn: Connection, payload: bytes) -> int:
    conn.execute(
        text(
            "CREATE TEMP TABLE IF NOT EXISTS observations_stage "
            "(station_id integer, parameter varchar(32), observed_at timestamptz, value double precision, flag varchar(8)) "
            "ON COMMIT DELETE ROWS"
        )
    )
    conn.execute(text("TRUNCATE observations_stage"))
    _copy_into(conn, "observations_stage", payload)
    result = conn.execute(
        text(
            f"INSERT INTO observations {OBSERVATION_COLUMNS} "
            "SELECT station_id, parameter, observed_at, value, flag FROM observations_stage "
            "ON CONFLICT DO NOTHING"
        )
    )
    return result.rowcount


def _insert_postgresql(conn: Connection, rows: list[tuple[int, str, dt.datetime, float, str | None]]) -> int:
    columns = ObservationColumns.from_rows(rows)
    ensure_month_partitions(conn, columns.months())
    payload = columns.copy_binary()
    if _may_conflict(conn, columns):
        return _insert_through_stage(conn, payload)
    # No stored or in-batch key can collide: COPY straight into the partitioned table. A
    # concurrent ingest of the same keys may still win the race; then the savepoint is rolled
    # back and the conflict-tolerant path stores what is left.
    savepoint = conn.begin_nested()
    try:
        _copy_into(conn, "observations", payload)
    except UniqueViolation:
        savepoint.rollback()
        return _insert_through_stage(conn, payload)
    savepoint.commit()
    return len(rows)


def _insert_sqlite(conn: Connection, rows: list[tuple[int, str, dt.datetime, float, str | None]]) -> int:
    utc = dt.UTC
    params = [
        (sid, parameter, at.astimezone(utc).strftime(SQLITE_TIME_FORMAT), value, flag)
        for sid, parameter, at, value, flag in rows
    ]
    cursor = conn.connection.driver_connection.cursor()
    cursor.executemany(
        "INSERT INTO observations (station_id, parameter, observed_at, value, flag) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        params,
    )
    return cursor.rowcount


def insert_observations(conn: Connection, rows: list[tuple[int, str, dt.datetime, float, str | None]]) -> int:
    """Store rows (station id, parameter, UTC time, value, flag); existing keys are left as they are.

    Returns how many rows were new. PostgreSQL: binary COPY straight into the partitioned table
    when one index query shows no key can collide, else binary COPY into a staging table and
    INSERT … ON CONFLICT DO NOTHING; SQLite: one executemany. Runs in the caller's transaction,
    so a failed batch leaves nothing behind.
    """
    if not rows:
        return 0
    if conn.dialect.name == "postgresql":
        return _insert_postgresql(conn, rows)
    return _insert_sqlite(conn, rows)


def _bind_time(conn: Connection, value: dt.datetime) -> dt.datetime:
    utc = value.astimezone(dt.UTC)
    return utc.replace(tzinfo=None) if conn.dialect.name == "sqlite" else utc


def load_series(
    conn: Connection, station_id: int, parameter: str, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> list[tuple[dt.datetime, float]]:
    """(UTC time, value) of one station and parameter, oldest first, within [since, until]."""
    query = select(observations.c.observed_at, observations.c.value).where(
        observations.c.station_id == station_id, observations.c.parameter == parameter
    )
    if since is not None:
        query = query.where(observations.c.observed_at >= _bind_time(conn, since))
    if until is not None:
        query = query.where(observations.c.observed_at <= _bind_time(conn, until))
    return [(as_utc(t), v) for t, v in conn.execute(query.order_by(observations.c.observed_at))]


def series_keys(conn: Connection, since: dt.datetime | None = None) -> list[tuple[int, str]]:
    """(station id, parameter) pairs that have observations (since a time)."""
    query = select(observations.c.station_id, observations.c.parameter).distinct()
    if since is not None:
        query = query.where(observations.c.observed_at >= _bind_time(conn, since))
    return [tuple(r) for r in conn.execute(query.order_by(observations.c.station_id, observations.c.parameter))]


def count_observations(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(observations)).scalar_one()


def latest_values(conn: Connection, parameters: Sequence[str]) -> dict[int, dict[str, tuple[dt.datetime, float]]]:
    """The newest value of each parameter at every station: {station id: {parameter: (time, value)}}."""
    newest = (
        select(observations.c.station_id, observations.c.parameter, func.max(observations.c.observed_at).label("at"))
        .where(observations.c.parameter.in_(list(parameters)))
        .group_by(observations.c.station_id, observations.c.parameter)
        .subquery()
    )
    query = select(observations.c.station_id, observations.c.parameter, observations.c.observed_at, observations.c.value).join(
        newest,
        and_(
            observations.c.station_id == newest.c.station_id,
            observations.c.parameter == newest.c.parameter,
            observations.c.observed_at == newest.c.at,
        ),
    )
    out: dict[int, dict[str, tuple[dt.datetime, float]]] = {}
    for sid, parameter, at, value in conn.execute(query):
        out.setdefault(sid, {})[parameter] = (as_utc(at), value)
    return out


# --- responsible persons and grids -----------------------------------------------------------------


def add_person(conn: Connection, person: Person) -> int:
    """Store a responsible person; returns the id."""
    person.id = conn.execute(
        insert(responsible_persons).values(
            name=person.name, organisation=person.organisation, phone=person.phone, email=person.email,
            region_code=person.region_code,
        )
    ).inserted_primary_key[0]
    return person.id


def get_person(conn: Connection, person_id: int) -> Person:
    row = conn.execute(select(responsible_persons).where(responsible_persons.c.id == person_id)).first()
    if row is None:
        raise NotFound(f"no responsible person with id {person_id}", field="person_id", value=person_id)
    return Person(row.name, row.organisation, row.phone, row.email, row.region_code, row.id)


def insert_grid(conn: Connection, county_code: str, name: str, method: str, cells: Sequence[GridCell], now: dt.datetime) -> int:
    """Store a grid and its cells in one go; returns the grid id."""
    grid_id = conn.execute(
        insert(supervision_grids).values(county_code=county_code, name=name, method=method, created_at=now)
    ).inserted_primary_key[0]
    conn.execute(
        insert(grid_cells),
        [
            {"grid_id": grid_id, "code": c.code, "level": c.level, "parent_code": c.parent_code,
             "responsible_id": c.responsible_id, "area_m2": c.area_m2, "geom": c.geometry}
            for c in cells
        ],
    )
    return grid_id


def list_grids(conn: Connection, county_code: str | None = None) -> list[dict]:
    """Grids with their cell counts by level."""
    query = select(supervision_grids).order_by(supervision_grids.c.id)
    if county_code:
        query = query.where(supervision_grids.c.county_code == county_code)
    out = []
    for g in conn.execute(query):
        counts = dict(
            conn.execute(
                select(grid_cells.c.level, func.count()).where(grid_cells.c.grid_id == g.id).group_by(grid_cells.c.level)
            ).all()
        )
        out.append({"id": g.id, "county_code": g.county_code, "name": g.name, "method": g.method,
                    "created_at": g.created_at, "cells": counts})
    return out


def load_cells(conn: Connection, grid_id: int | None = None, county_code: str | None = None) -> list[GridCell]:
    """Cells of one grid, or of every grid of a county, or all."""
    query = select(grid_cells).order_by(grid_cells.c.id)
    if grid_id is not None:
        query = query.where(grid_cells.c.grid_id == grid_id)
    if county_code is not None:
        query = query.join(supervision_grids).where(supervision_grids.c.county_code == county_code)
    return [
        GridCell(r.code, r.level, r.geom, r.area_m2, r.parent_code, r.responsible_id, r.id, r.grid_id)
        for r in conn.execute(query)
    ]


def assign_cell_responsible(conn: Connection, cell_id: int, person_id: int) -> None:
    """Make ``person_id`` responsible for the cell."""
    get_person(conn, person_id)
    done = conn.execute(update(grid_cells).where(grid_cells.c.id == cell_id).values(responsible_id=person_id)).rowcount
    if not done:
        raise NotFound(f"no grid cell with id {cell_id}", field="cell_id", value=cell_id)


def delete_grid(conn: Connection, grid_id: int) -> None:
    conn.execute(delete(supervision_grids).where(supervision_grids.c.id == grid_id))


# --- alert rules and alerts ----------------------------------------------------------------------


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
        (alerts.c.notify_after.is_(None)) | (alerts.c.notify_after <= _bind_time(conn, now)),
    ).order_by(alerts.c.id)
    return [r._asdict() for r in conn.execute(query)]


# --- complaints ----------------------------------------------------------------------------------


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
        complaints.c.status != "closed", complaints.c.due_at < _bind_time(conn, moment)
    ).order_by(complaints.c.id)
    return [{**r._asdict(), "due_at": as_utc(r.due_at)} for r in conn.execute(query)]


def next_complaint_number(conn: Connection, day: dt.date) -> str:
    """``12369-YYYYMMDD-NNNN``, counting that day's complaints."""
    prefix = f"12369-{day:%Y%m%d}-"
    count = conn.execute(select(func.count()).select_from(complaints).where(complaints.c.number.like(prefix + "%"))).scalar_one()
    return f"{prefix}{count + 1:04d}"


def point_of(lon: float, lat: float) -> shapely.Point:
    """A storage point, checked to be lon/lat."""
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise BadInput(f"coordinate ({lon}, {lat}) is not lon/lat in degrees", field="lon,lat", value=f"{lon},{lat}")
    return shapely.Point(lon, lat)
