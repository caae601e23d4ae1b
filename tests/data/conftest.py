"""The shipped Shanxi data (data/shanxi), loaded once per test session."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
import yaml

DATA = Path(__file__).resolve().parents[2] / "data" / "shanxi"


@dataclass
class Collection:
    """A GeoJSON FeatureCollection: its properties and geometries side by side."""

    metadata: dict[str, Any]
    properties: list[dict[str, Any]]
    geometries: np.ndarray

    def by(self, field: str) -> dict[str, tuple[dict[str, Any], shapely.Geometry]]:
        return {p[field]: (p, g) for p, g in zip(self.properties, self.geometries, strict=True)}


def load_collection(path: Path) -> Collection:
    data = json.loads(path.read_text(encoding="utf-8"))
    props = [f["properties"] for f in data["features"]]
    geoms = shapely.from_geojson([json.dumps(f["geometry"]) for f in data["features"]])
    return Collection(data.get("metadata", {}), props, np.asarray(geoms, dtype=object))


@pytest.fixture(scope="session")
def regions() -> Collection:
    return load_collection(DATA / "regions.geojson")


@pytest.fixture(scope="session")
def features() -> Collection:
    return load_collection(DATA / "features.geojson")


@pytest.fixture(scope="session")
def units() -> Collection:
    return load_collection(DATA / "demo" / "units.geojson")


@pytest.fixture(scope="session")
def templates() -> dict[str, Any]:
    with (DATA / "demo" / "access_templates.yaml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="session")
def settings() -> dict[str, Any]:
    with (DATA / "catalog" / "settings.yaml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)
