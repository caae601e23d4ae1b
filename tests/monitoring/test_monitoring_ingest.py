"""Ingest: a month of hourly data for 100 stations, idempotent, on SQLite and PostGIS."""

from __future__ import annotations

import datetime as dt

import pytest
import shapely
from sqlalchemy import text

from ecozone.errors import BadInput
from ecozone.monitoring.ingest import ingest_batch, ingest_csv_file
from ecozone.monitoring.model import Station, StationKind
from ecozone.monitoring.observations import ObservationBatch, batch_from_csv, batch_from_records
from ecozone.monitoring.settings import BEIJING, MonitoringSettings
from ecozone.monitoring.repositories import observations as observation_store
from ecozone.monitoring.repositories import stations as station_store

START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
HOURS = 31 * 24


def _stations(engine, count: int) -> list[str]:
    items = [
        Station(f"S{i:03d}", f"微站{i:03d}", StationKind.AIR_MICRO, shapely.Point(112.0 + i / 1000, 37.5))
        for i in range(count)
    ]
    with engine.begin() as conn:
        station_store.upsert_stations(conn, items)
    return [s.code for s in items]


def _month_batch(codes: list[str]) -> ObservationBatch:
    batch = ObservationBatch()
    for n, code in enumerate(codes):
        for h in range(HOURS):
            batch.append(code, "pm25", START + dt.timedelta(hours=h), float((n + h) % 150), None)
    return batch


def test_a_month_of_hourly_data_for_100_stations_is_stored_once(engine):
    codes = _stations(engine, 100)
    batch = _month_batch(codes)
    first = ingest_batch(engine, batch)
    again = ingest_batch(engine, batch)
    assert first.summary() == {"received": 74_400, "inserted": 74_400, "duplicates": 0}
    assert again.summary() == {"received": 74_400, "inserted": 0, "duplicates": 74_400}
    with engine.connect() as conn:
        assert observation_store.count_observations(conn) == 74_400
        sid = station_store.station_ids(conn, ["S007"])["S007"]
        series = observation_store.load_series(conn, sid, "pm25", START + dt.timedelta(hours=10), START + dt.timedelta(hours=12))
    assert series == [(START + dt.timedelta(hours=h), float((7 + h) % 150)) for h in (10, 11, 12)]


def test_postgis_puts_rows_into_month_partitions(engine, backend):
    if backend != "postgis":
        pytest.skip("partitions exist on PostgreSQL only")
    codes = _stations(engine, 1)
    batch = ObservationBatch()
    for at in (dt.datetime(2025, 12, 31, 23, tzinfo=dt.UTC), dt.datetime(2026, 1, 1, 0, tzinfo=dt.UTC), dt.datetime(2026, 2, 3, tzinfo=dt.UTC)):
        batch.append(codes[0], "so2", at, 9.0, "N")
    assert ingest_batch(engine, batch).inserted == 3
    with engine.connect() as conn:
        per_partition = dict(conn.execute(text("SELECT tableoid::regclass::text, count(*) FROM observations GROUP BY 1")).all())
    assert per_partition == {"observations_y2025m12": 1, "observations_y2026m01": 1, "observations_y2026m02": 1}


def test_a_bad_row_is_named_and_nothing_is_stored(engine, tmp_path):
    _stations(engine, 2)
    path = tmp_path / "obs.csv"
    path.write_text(
        "station,parameter,observed_at,value,flag\n"
        "S000,pm25,2026-01-01T08:00:00,35,N\n"
        "S001,pm25,2026-01-01T08:00:00,abc,N\n",
        encoding="utf-8",
    )
    with pytest.raises(BadInput, match=r"obs.csv line 3: value 'abc' is not a number"):
        ingest_csv_file(engine, path, MonitoringSettings())
    path.write_text("station,parameter,observed_at,value\nS000,pm25,2026-01-01T08:00:00,35\nS999,pm25,2026-01-01T08:00:00,1\n", encoding="utf-8")
    with pytest.raises(BadInput, match=r"unknown station 'S999'"):
        ingest_csv_file(engine, path, MonitoringSettings())
    with engine.connect() as conn:
        assert observation_store.count_observations(conn) == 0


def test_naive_times_are_beijing_time_and_stored_in_utc():
    batch = batch_from_csv("station,parameter,observed_at,value\nA,PM25,2026-01-01 08:00,12\n", BEIJING)
    assert batch.times == [dt.datetime(2026, 1, 1, 0, 0, tzinfo=dt.UTC)]
    assert batch.parameters == ["pm25"]


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"station": "", "parameter": "pm25", "observed_at": "2026-01-01T00:00Z", "value": 1}, "row 1: station is missing"),
        ({"station": "A", "parameter": "pm 2.5", "observed_at": "2026-01-01T00:00Z", "value": 1}, "row 1: parameter 'pm 2.5'"),
        ({"station": "A", "parameter": "pm25", "observed_at": "yesterday", "value": 1}, "row 1: observed_at 'yesterday'"),
        ({"station": "A", "parameter": "pm25", "observed_at": "2026-01-01T00:00Z", "value": "nan"}, "row 1: value 'nan' is not finite"),
        ({"station": "A", "parameter": "pm25", "observed_at": "2026-01-01T00:00Z", "value": 1, "flag": "a\tb"}, "row 1: flag"),
    ],
)
def test_json_records_are_validated_by_row_and_field(record, message):
    with pytest.raises(BadInput, match=message):
        batch_from_records([record], BEIJING)
