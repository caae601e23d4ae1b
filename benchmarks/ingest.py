"""Slots monitoring_ingest_postgis and monitoring_ingest_sqlite: observations per second stored.

Both run ``benchmarks/bench_ingest.py`` in this process: ``ecozone.monitoring.repositories.observations.
insert_observations`` on batches of 500,000 hourly rows (median of 3 after a warm-up) against a
row-by-row INSERT peer. PostgreSQL is the database of ``ECOZONE_BENCH_DATABASE_URL``, else
``ecozone_bench`` set up by ``scripts/setup_postgis.sh``; when neither works the slot is skipped
with the reason.
"""

from __future__ import annotations

import os

from benchmarks import bench_ingest
from benchmarks.figures import Figure, skipped
from benchmarks.postgis import PostgisUnavailable, setup_database

TARGET_POSTGIS_OBS_S = 200_000.0  # issue 5: ≥ 200,000 obs/s into PostgreSQL (COPY)
TARGET_SQLITE_OBS_S = 50_000.0  # issue 5: ≥ 50,000 obs/s into SQLite
RUNS = 3


def _figure(measured: dict, target: float) -> Figure:
    notes = {k: measured[k] for k in ("rows", "peer_rows", "runs_s", "resend_all_duplicates_obs_s")}
    notes["timing"] = f"median of {RUNS} batches after one warm-up; each batch new hours for {bench_ingest.STATIONS} stations"
    return Figure(
        name=measured["slot"], value=measured["value"], unit="obs/s", peer=measured["peer"],
        peer_value=measured["peer_value"], target=target, notes=notes,
    )


def _postgis_url() -> str:
    url = os.environ.get("ECOZONE_BENCH_DATABASE_URL")
    if url:
        return url
    return setup_database().replace("postgresql://", "postgresql+psycopg://", 1)


def ingest() -> list[Figure]:
    """Both slots; PostgreSQL is skipped with the reason when it cannot be reached."""
    figures = []
    try:
        url = _postgis_url()
    except PostgisUnavailable as exc:
        figures.append(skipped("monitoring_ingest_postgis", "obs/s", str(exc), target=TARGET_POSTGIS_OBS_S))
    else:
        figures.append(_figure(bench_ingest.bench_postgis(url, bench_ingest.ROWS, RUNS), TARGET_POSTGIS_OBS_S))
    figures.append(_figure(bench_ingest.bench_sqlite(bench_ingest.ROWS, RUNS), TARGET_SQLITE_OBS_S))
    return figures
