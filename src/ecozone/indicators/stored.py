"""Observations in the database: importing files and corrections (one transaction each) and
evaluating plans from what is stored. The CLI and the API both go through these functions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import Engine

from ecozone.settings import BEIJING
from ecozone.errors import BadInput
from ecozone.indicators.evaluation import PlanEvaluation, evaluate_plan
from ecozone.indicators.model import Plan
from ecozone.indicators.observations import (
    ImportSummary,
    Observation,
    ObservationKind,
    ObservationLedger,
    parse_rows,
    parse_upload,
    read_observations,
)
from ecozone.indicators.registry import Registry
from ecozone.indicators import repository as observation_store

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class ImportResult:
    """What an import did, for the CLI and the API."""

    file: str
    rows: int
    summary: ImportSummary
    recorded_by: str

    def as_dict(self) -> dict:
        return {"file": self.file, "rows": self.rows, "added": self.summary.added,
                "corrected": self.summary.corrected, "unchanged": self.summary.unchanged,
                "recorded_by": self.recorded_by}


def _today(now: dt.datetime) -> dt.date:
    return now.astimezone(BEIJING).date()


def store_batch(engine: Engine, batch: list[Observation], recorded_by: str, now: dt.datetime) -> ImportSummary:
    """Store validated observations in one transaction (all new revisions or none), recorded ``now``."""
    with engine.begin() as conn:
        return observation_store.record_observations(conn, batch, recorded_by, now)


def import_file(engine: Engine, path: Path, registry: Registry, recorded_by: str, now: dt.datetime) -> ImportResult:
    """Validate a .csv/.xlsx file and store it; any invalid row stores nothing."""
    batch = read_observations(Path(path), registry, _today(now))
    return ImportResult(Path(path).name, len(batch), store_batch(engine, batch, recorded_by, now), recorded_by)


def import_upload(engine: Engine, data: bytes, filename: str, registry: Registry, recorded_by: str, now: dt.datetime) -> ImportResult:
    """As ``import_file``, for the bytes of an uploaded file."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise BadInput(f"{filename}: {len(data)} bytes is more than the {MAX_UPLOAD_BYTES} allowed", field="file")
    batch = parse_upload(data, filename, registry, _today(now))
    return ImportResult(filename, len(batch), store_batch(engine, batch, recorded_by, now), recorded_by)


@dataclass(frozen=True)
class Correction:
    """One value typed in by a user, validated like a file row."""

    indicator: str  # plan indicator id or metric key
    year: int
    value: str
    source: str
    region: str = ""
    unit: str | None = None
    note: str | None = None
    kind: ObservationKind = ObservationKind.OBSERVED


def correct(engine: Engine, registry: Registry, correction: Correction, recorded_by: str, now: dt.datetime) -> Observation:
    """Record a user's value as the next revision (earlier ones stay) and return what is now current."""
    observation = _validated(correction, registry, recorded_by, _today(now))
    store_batch(engine, [observation], recorded_by, now)
    with engine.connect() as conn:
        history = observation_store.observation_history(
            conn, observation.metric, observation.region, observation.year, observation.kind)
    return history[-1]


def _validated(correction: Correction, registry: Registry, recorded_by: str, today: dt.date) -> Observation:
    unit = correction.unit
    if unit is None:
        unit = _unit_of(correction.indicator, registry)
    header = ["indicator", "region", "year", "value", "unit", "source", "note", "kind"]
    row = [correction.indicator, correction.region, correction.year, correction.value, unit,
           correction.source, correction.note, correction.kind.value]
    (observation,) = parse_rows([(1, header), (2, row)], registry, f"user:{recorded_by}", today)
    return replace(observation, origin=f"user:{recorded_by}")


def _unit_of(name: str, registry: Registry) -> str:
    if name in registry.indicators:
        return registry.indicators[name].unit
    if name in registry.metrics:
        return registry.metrics[name].unit
    return ""  # parse_rows names the unknown indicator


def plan_metrics(plan: Plan) -> set[str]:
    """Metrics a plan's evaluation reads (reference regions and parents share the metric)."""
    return {indicator.metric.key for indicator in plan.indicators}


def stored_ledger(engine: Engine, plan: Plan) -> ObservationLedger:
    """The stored observations a plan's evaluation needs, with their history."""
    with engine.connect() as conn:
        return observation_store.load_ledger(conn, plan_metrics(plan))


def evaluate_stored(engine: Engine, registry: Registry, plan_id: str, year: int) -> tuple[PlanEvaluation, ObservationLedger]:
    """Evaluate a plan in ``year`` from the stored observations."""
    plan = registry.plan(plan_id)
    ledger = stored_ledger(engine, plan)
    return evaluate_plan(plan, ledger, year, registry=registry), ledger


def file_ledger(path: Path, registry: Registry, now: dt.datetime) -> ObservationLedger:
    """A ledger of one file's observations, not stored (``--observations FILE``), read ``now``."""
    ledger = ObservationLedger()
    ledger.add(read_observations(Path(path), registry, _today(now)), now)
    return ledger
