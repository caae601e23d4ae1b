"""Clue files and a screening service on the shipped Shanxi data (both backends)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from ecozone.clock import today, utc_now
from ecozone.screening.service import ScreeningService
from ecozone.supervision.settings import SupervisionSettings
from ecozone.zoning.inforce import load_snapshot
from ecozone.zoning.inforce import SnapshotCache

NOW = dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC)

# A construction polygon in 小店区 (a key control unit), an industrial point in 清徐/太原 with the
# coking industry the province bans (a new capacity), and a point in a priority unit on the 汾河.
CLUE_FEATURES = [
    {"type": "Feature", "properties": {"id": "S-001", "name": "新增建设图斑", "change_class": "construction", "observed": "2025-06-01"},
     "geometry": {"type": "Polygon", "coordinates": [[[112.575, 37.78], [112.58, 37.78], [112.58, 37.785], [112.575, 37.785], [112.575, 37.78]]]}},
    {"type": "Feature", "properties": {"id": "S-002", "name": "新增工业用地", "change_class": "industrial", "industry": "C2521"},
     "geometry": {"type": "Point", "coordinates": [112.48, 37.80]}},
    {"type": "Feature", "properties": {"id": "S-003", "name": "汾河滩地新增建设", "change_class": "construction"},
     "geometry": {"type": "Point", "coordinates": [112.46874, 37.67113]}},
]


def units_under(engine, geometry, on: dt.date) -> list[str]:
    """Codes of the units in force on ``on`` that ``geometry`` overlaps (what a clue is placed on)."""
    snapshot = load_snapshot(engine, on)
    if geometry.geom_type == "Point":
        hits = snapshot.units_at(geometry.x, geometry.y)
    else:
        hits = [u for u in snapshot.units_intersecting(geometry) if u.geometry.intersection(geometry).area > 0]
    return sorted(u.code for u in hits)


def write_clue_file(root: Path, features=CLUE_FEATURES) -> Path:
    path = root / "clues.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def clue_file(tmp_path) -> Path:
    return write_clue_file(tmp_path)


@pytest.fixture
def service(shanxi_engine) -> ScreeningService:
    return ScreeningService(shanxi_engine, SnapshotCache(shanxi_engine, today), utc_now)


@pytest.fixture
def settings() -> SupervisionSettings:
    return SupervisionSettings()
