"""Shared fixtures: the shipped plan registry and the shipped sample observations."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecozone.indicators import ObservationLedger, Registry, load_registry, read_observations

REPO = Path(__file__).resolve().parents[2]
PLANS_DIR = REPO / "data" / "shanxi" / "plans"
SAMPLE = PLANS_DIR / "sample_observations.csv"


@pytest.fixture(scope="session")
def registry() -> Registry:
    return load_registry(PLANS_DIR)


@pytest.fixture(scope="session")
def sample_ledger(registry: Registry) -> ObservationLedger:
    ledger = ObservationLedger()
    ledger.add(read_observations(SAMPLE, registry))
    return ledger
