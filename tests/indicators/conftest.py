"""Shared fixtures: the shipped plan registry and the shipped sample observations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ecozone.indicators import ObservationLedger, Registry, load_registry, read_observations

REPO = Path(__file__).resolve().parents[2]
PLANS_DIR = REPO / "data" / "shanxi" / "plans"
SAMPLE = PLANS_DIR / "sample_observations.csv"
# A fixed day and instant: the suite gives the same answer whenever it runs.
TODAY = dt.date(2026, 6, 1)
RECORDED = dt.datetime(2026, 6, 1, 4, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def registry() -> Registry:
    return load_registry(PLANS_DIR)


@pytest.fixture(scope="session")
def sample_ledger(registry: Registry) -> ObservationLedger:
    ledger = ObservationLedger()
    ledger.add(read_observations(SAMPLE, registry, TODAY), RECORDED)
    return ledger
