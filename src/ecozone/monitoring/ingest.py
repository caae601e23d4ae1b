"""Ingest observations: validate, resolve station codes, store idempotently in one transaction.

Idempotent by (station, parameter, observed_at): re-sending a row changes nothing, and the
answer says how many rows were new. PostgreSQL takes the COPY path, SQLite one executemany
(``ecozone.monitoring.repositories.observations.insert_observations``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from ecozone.errors import BadInput
from ecozone.monitoring.observations import ObservationBatch, batch_from_csv
from ecozone.monitoring.settings import MonitoringSettings
from ecozone.monitoring.repositories import observations as observation_store
from ecozone.monitoring.repositories import stations as station_store


@dataclass(frozen=True)
class IngestResult:
    received: int
    inserted: int

    @property
    def duplicates(self) -> int:
        return self.received - self.inserted

    def summary(self) -> dict:
        return {"received": self.received, "inserted": self.inserted, "duplicates": self.duplicates}


def _rows(batch: ObservationBatch, ids: dict[str, int], label: str) -> list[tuple]:
    unknown = sorted(set(batch.station_codes) - ids.keys())
    if unknown:
        first = batch.station_codes.index(unknown[0]) + 1
        raise BadInput(
            f"{label} {first}: unknown station {unknown[0]!r}" + (f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else ""),
            field="station", value=unknown[0],
        )
    return list(zip([ids[c] for c in batch.station_codes], batch.parameters, batch.times, batch.values, batch.flags, strict=True))


def ingest_batch(engine: Engine, batch: ObservationBatch, label: str = "row") -> IngestResult:
    """Store a validated batch; all or nothing."""
    with engine.begin() as conn:
        ids = station_store.station_ids(conn, batch.station_codes)
        rows = _rows(batch, ids, label)
        inserted = observation_store.insert_observations(conn, rows)
    return IngestResult(received=len(batch), inserted=inserted)


def ingest_csv_file(engine: Engine, path: Path, settings: MonitoringSettings) -> IngestResult:
    """Import a CSV (station,parameter,observed_at,value[,flag]); errors name the file line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadInput(f"file {str(path)!r} does not exist", field="file", value=str(path)) from None
    batch = batch_from_csv(text, settings.naive_timezone(), source=path.name)
    return ingest_batch(engine, batch, label=f"{path.name} data row")
