"""Observation ingest speed: ecozone's bulk path vs a plain row-by-row INSERT peer, same run.

PostgreSQL: binary COPY straight into the partitioned table when no key can collide (target ≥
200,000 obs/s), with the staging-table path (re-sending a stored batch) as an informative note;
SQLite: one executemany (target ≥ 50,000 obs/s). Peers: one INSERT … ON CONFLICT per row.
Each timed run stores a fresh batch of hourly PM2.5 rows for 100 stations (new hours, so the
table grows run by run); the figure is the median after one untimed warm-up run.
Usage: ECOZONE_BENCH_DATABASE_URL=postgresql+psycopg://ecozone:ecozone@127.0.0.1:5432/ecozone_bench \
       python -m benchmarks.bench_ingest [ROWS]
(create that database with ``ECOZONE_PG_DB=ecozone_bench bash scripts/setup_postgis.sh``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from ecozone.monitoring.repositories import observations as observation_store
from ecozone.store.engine import make_engine, migrate

START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
STATIONS = 100
ROWS = 500_000
PEER_ROWS = 20_000


def rows(count: int, first_hour: int = 0, stations: int = STATIONS) -> list[tuple]:
    """Hourly PM2.5 rows over ``stations`` stations, starting ``first_hour`` hours after START."""
    return [
        (1 + i % stations, "pm25", START + dt.timedelta(hours=first_hour + i // stations), float(i % 300), None)
        for i in range(count)
    ]


def bulk(engine: Engine, data: list[tuple]) -> tuple[float, int]:
    """Seconds to store ``data`` in one transaction, and how many rows were new."""
    started = time.perf_counter()
    with engine.begin() as conn:
        inserted = observation_store.insert_observations(conn, data)
    return time.perf_counter() - started, inserted


def row_by_row(engine: Engine, data: list[tuple]) -> float:
    sql = text("INSERT INTO observations (station_id, parameter, observed_at, value, flag) VALUES (:s, :p, :t, :v, :f) ON CONFLICT DO NOTHING")
    sqlite = engine.dialect.name == "sqlite"
    started = time.perf_counter()
    with engine.begin() as conn:
        observation_store.ensure_month_partitions(conn, observation_store.month_starts(r[2] for r in data))
        for s, p, t, v, f in data:
            conn.execute(sql, {"s": s, "p": p, "t": t.strftime(observation_store.SQLITE_TIME_FORMAT) if sqlite else t, "v": v, "f": f})
    return time.perf_counter() - started


def measure(slot: str, fast: Engine, slow: Engine, count: int, runs: int) -> dict:
    """Warm-up plus ``runs`` timed batches on ``fast``; the peer once on ``slow``; a re-send of the last batch."""
    hours_per_batch = -(-count // STATIONS)
    seconds = []
    for run in range(runs + 1):
        data = rows(count, first_hour=run * hours_per_batch)
        took, inserted = bulk(fast, data)
        if inserted != count:
            raise AssertionError(f"{slot}: run {run} stored {inserted} of {count} rows")
        if run:  # run 0 is the warm-up
            seconds.append(took)
    resend, inserted = bulk(fast, data)
    if inserted:
        raise AssertionError(f"{slot}: re-sending a stored batch stored {inserted} rows")
    peer = rows(PEER_ROWS)
    peer_seconds = row_by_row(slow, peer)
    median = statistics.median(seconds)
    return {
        "slot": slot, "unit": "obs/s", "value": round(count / median), "rows": count,
        "peer": "row-by-row INSERT … ON CONFLICT", "peer_value": round(PEER_ROWS / peer_seconds), "peer_rows": PEER_ROWS,
        "runs_s": [round(s, 3) for s in seconds], "resend_all_duplicates_obs_s": round(count / resend),
    }


def bench_sqlite(count: int, runs: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        fast, slow = (make_engine(f"sqlite:///{folder}/{name}.db") for name in ("bulk", "rows"))
        try:
            for eng in (fast, slow):
                migrate(eng)
            return measure("monitoring_ingest_sqlite", fast, slow, count, runs)
        finally:
            fast.dispose()
            slow.dispose()


@contextlib.contextmanager
def postgis_schemas(url: str, count: int) -> Iterator[list[Engine]]:
    """``count`` migrated engines, each in a fresh schema that is dropped afterwards."""
    admin = create_engine(url)
    schemas = [f"bench_{uuid.uuid4().hex[:8]}" for _ in range(count)]
    with admin.begin() as conn:
        for schema in schemas:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engines: list[Engine] = []
    try:
        for schema in schemas:
            search_path = make_url(url).update_query_dict({"options": f"-csearch_path={schema},public"})
            engines.append(make_engine(search_path.render_as_string(hide_password=False)))
            migrate(engines[-1])
        yield engines
    finally:
        for eng in engines:
            eng.dispose()
        with admin.begin() as conn:
            for schema in schemas:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def bench_postgis(url: str, count: int, runs: int) -> dict:
    with postgis_schemas(url, 2) as (fast, slow):
        return measure("monitoring_ingest_postgis", fast, slow, count, runs)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else ROWS
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    print(json.dumps(bench_sqlite(count, runs)))
    url = os.environ.get("ECOZONE_BENCH_DATABASE_URL")
    if url:
        print(json.dumps(bench_postgis(url, count, runs)))
    else:
        print(json.dumps({"slot": "monitoring_ingest_postgis", "skipped": "set ECOZONE_BENCH_DATABASE_URL"}))


if __name__ == "__main__":
    main()
