"""Slots monitoring_ingest_postgis and monitoring_ingest_sqlite: observations per second stored.

Monitoring ingest is not written yet. Until ``ecozone.monitoring.ingest`` exists both figures
are skipped with the reason printed; the targets are already recorded so the results show them.
"""

from __future__ import annotations

import importlib.util

from benchmarks.figures import Figure, skipped

INGEST_MODULE = "ecozone.monitoring.ingest"
TARGET_POSTGIS_OBS_S = 200_000.0  # issue 5: ≥ 200,000 obs/s into PostgreSQL (COPY)
TARGET_SQLITE_OBS_S = 50_000.0  # issue 5: ≥ 50,000 obs/s into SQLite


def ingest() -> list[Figure]:
    """Both slots, skipped with the reason until the ingest module lands and is wired here."""
    if importlib.util.find_spec(INGEST_MODULE) is None:
        reason = f"{INGEST_MODULE} does not exist yet"
    else:
        reason = f"{INGEST_MODULE} exists but this slot is not wired to it yet (benchmarks/ingest.py)"
    return [
        skipped("monitoring_ingest_postgis", "obs/s", reason, target=TARGET_POSTGIS_OBS_S),
        skipped("monitoring_ingest_sqlite", "obs/s", reason, target=TARGET_SQLITE_OBS_S),
    ]
