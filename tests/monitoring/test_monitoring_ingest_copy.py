"""The bulk store paths: binary COPY round trip, the straight path vs the staging path, and
all-or-nothing, on SQLite and PostGIS."""

from __future__ import annotations

import datetime as dt
import struct
import threading
import time

import pytest
import shapely
from sqlalchemy import select, text

from ecozone.errors import BadInput
from ecozone.monitoring.model import Station, StationKind
from ecozone.monitoring.repositories import observations as observation_store
from ecozone.monitoring.repositories import stations as station_store
from ecozone.store.schema import observations
from ecozone.store.timestamps import as_utc

T0 = dt.datetime(2026, 4, 30, 23, 0, 0, 123456, tzinfo=dt.UTC)


def _station_ids(engine, count: int = 3) -> list[int]:
    items = [Station(f"C{i}", f"站{i}", StationKind.WATER_RIVER, shapely.Point(112.1 + i / 100, 37.6)) for i in range(count)]
    with engine.begin() as conn:
        station_store.upsert_stations(conn, items)
    return [s.id for s in items]


def _stored(engine) -> list[tuple]:
    with engine.connect() as conn:
        found = conn.execute(select(observations.c.station_id, observations.c.parameter, observations.c.observed_at,
                                    observations.c.value, observations.c.flag)).all()
    return sorted((s, p, as_utc(t), v, f) for s, p, t, v, f in found)


def test_binary_copy_encodes_one_row_as_postgresql_documents_it():
    columns = observation_store.ObservationColumns.from_rows([(7, "cod", dt.datetime(2000, 1, 1, 0, 0, 1, tzinfo=dt.UTC), 1.5, "N")])
    payload = columns.copy_binary()
    body = payload[len(observation_store.PG_COPY_HEADER):-2]
    # field count, then (length, bytes) for int4, varchar, timestamptz (µs since 2000), float8, varchar.
    assert body == struct.pack(">hii", 5, 4, 7) + struct.pack(">i", 3) + b"cod" + struct.pack(">iq", 8, 1_000_000) \
        + struct.pack(">id", 8, 1.5) + struct.pack(">i", 1) + b"N"
    assert payload.startswith(b"PGCOPY\n\xff\r\n\x00") and payload.endswith(b"\xff\xff")
    with pytest.raises(BadInput, match="UTC offset"):
        observation_store.ObservationColumns.from_rows([(7, "cod", dt.datetime(2026, 1, 1), 1.0, None)])


def test_rows_round_trip_exactly_across_months_flags_and_parameters(engine):
    a, b, c = _station_ids(engine)
    rows = [
        (a, "cod", T0, 12.25, "N"),
        (a, "cod", T0 + dt.timedelta(hours=1), -0.5, None),  # May: a second partition
        (b, "nh3n", T0, 1e-9, "Md"),
        (c, "ph", dt.datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC), 7.0, None),  # before PostgreSQL's epoch
    ]
    with engine.begin() as conn:
        assert observation_store.insert_observations(conn, rows) == 4
    assert _stored(engine) == sorted(rows)


def test_overlapping_and_self_duplicate_batches_store_each_key_once(engine):
    a, b, _ = _station_ids(engine)
    first = [(a, "cod", T0 + dt.timedelta(hours=h), float(h), None) for h in range(4)]
    with engine.begin() as conn:
        assert observation_store.insert_observations(conn, first) == 4
    # Two hours already stored, one new hour twice in the batch, one new station.
    overlap = first[2:] + [(a, "cod", T0 + dt.timedelta(hours=9), 9.0, None)] * 2 + [(b, "cod", T0, 3.0, None)]
    with engine.begin() as conn:
        assert observation_store.insert_observations(conn, overlap) == 2
    assert len(_stored(engine)) == 6
    # A stored value is never overwritten by a re-send.
    with engine.begin() as conn:
        assert observation_store.insert_observations(conn, [(a, "cod", T0, 99.0, "X")]) == 0
    assert (a, "cod", T0, 0.0, None) in _stored(engine)


def test_a_failed_transaction_leaves_no_rows_behind(engine):
    a, _, _ = _station_ids(engine)
    with pytest.raises(RuntimeError), engine.begin() as conn:
        assert observation_store.insert_observations(conn, [(a, "cod", T0, 1.0, None)]) == 1
        raise RuntimeError("the caller fails after storing")
    assert _stored(engine) == []


def test_a_key_stored_by_a_concurrent_ingest_falls_back_to_the_staging_path(engine, backend):
    if backend != "postgis":
        pytest.skip("the straight COPY path exists on PostgreSQL only")
    a, _, _ = _station_ids(engine)
    rows = [(a, "cod", T0 + dt.timedelta(hours=h), float(h), None) for h in range(3)]
    with engine.begin() as conn:
        observation_store.ensure_month_partitions(conn, observation_store.month_starts(r[2] for r in rows))
    other = engine.connect()
    other_tx = other.begin()
    observation_store.insert_observations(other, rows[1:2])  # not committed: invisible to the key check
    outcome: dict = {}

    def ingest() -> None:
        with engine.begin() as conn:
            outcome["inserted"] = observation_store.insert_observations(conn, rows)

    worker = threading.Thread(target=ingest)
    worker.start()
    try:
        _wait_until_a_session_waits_for_a_lock(engine)
    finally:
        other_tx.commit()  # the straight COPY now fails on the key, the staging path takes over
        other.close()
        worker.join(timeout=30)
    assert outcome == {"inserted": 2}
    assert len(_stored(engine)) == 3


def _wait_until_a_session_waits_for_a_lock(engine, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    with engine.connect() as conn:
        while time.monotonic() < deadline:
            waiting = conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database() "
                "AND query LIKE 'COPY observations %'"
            )).scalar_one()
            if waiting:
                return
            conn.rollback()
            time.sleep(0.05)
    raise AssertionError("the ingest never waited on the uncommitted key")
