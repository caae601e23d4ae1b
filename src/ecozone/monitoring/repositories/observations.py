"""Repository of monitoring observations: month partitions, the bulk insert paths per backend
(PostgreSQL binary COPY, SQLite executemany), series and latest values."""

from __future__ import annotations

import datetime as dt
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter

import numpy as np
from psycopg.errors import UniqueViolation
from sqlalchemy import Connection, and_, func, select, text

from ecozone.errors import BadInput
from ecozone.store.schema import (
    observations,
)
from ecozone.store.timestamps import as_utc, bind_time

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


def load_series(
    conn: Connection, station_id: int, parameter: str, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> list[tuple[dt.datetime, float]]:
    """(UTC time, value) of one station and parameter, oldest first, within [since, until]."""
    query = select(observations.c.observed_at, observations.c.value).where(
        observations.c.station_id == station_id, observations.c.parameter == parameter
    )
    if since is not None:
        query = query.where(observations.c.observed_at >= bind_time(conn, since))
    if until is not None:
        query = query.where(observations.c.observed_at <= bind_time(conn, until))
    return [(as_utc(t), v) for t, v in conn.execute(query.order_by(observations.c.observed_at))]


def series_keys(conn: Connection, since: dt.datetime | None = None) -> list[tuple[int, str]]:
    """(station id, parameter) pairs that have observations (since a time)."""
    query = select(observations.c.station_id, observations.c.parameter).distinct()
    if since is not None:
        query = query.where(observations.c.observed_at >= bind_time(conn, since))
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
