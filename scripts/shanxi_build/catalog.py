"""The hand-kept inputs of the build: settings, seats, rivers and features catalogs."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
import yaml

from ecozone.errors import BadInput
from ecozone.geo.gcj02 import gcj02_to_wgs84


@dataclass(frozen=True)
class Seat:
    """The seat of a region's government, in WGS84 (≈ CGCS2000)."""

    code: str
    name: str
    name_en: str
    point: shapely.Point


@dataclass
class Catalog:
    """Everything under data/shanxi/catalog/, parsed."""

    root: Path
    settings: dict[str, Any]
    seats: dict[str, Seat]
    rivers: dict[str, Any]
    features: dict[str, Any]
    published: dict[str, Any]  # the official zoning's published figures (published.yaml)

    def setting(self, group: str, name: str) -> float:
        """The value of a named setting; raise naming it when missing."""
        try:
            return self.settings[group][name]["value"]
        except KeyError as exc:
            raise BadInput(f"settings.yaml has no {group}.{name}", field=f"{group}.{name}") from exc

    def seat(self, code: str) -> Seat:
        try:
            return self.seats[code]
        except KeyError as exc:
            raise BadInput(f"seats.csv has no seat for region {code}", field="seat", value=code) from exc


def _read_yaml(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def read_seats(path: Path) -> dict[str, Seat]:
    """Seats from seats.csv (GCJ-02 as published) converted to WGS84."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    lons, lats = gcj02_to_wgs84(
        np.array([float(r["lon_gcj02"]) for r in rows]), np.array([float(r["lat_gcj02"]) for r in rows])
    )
    return {
        r["code"]: Seat(r["code"], r["name"], r["name_en"], shapely.Point(float(lon), float(lat)))
        for r, lon, lat in zip(rows, lons, lats, strict=True)
    }


def load_catalog(root: Path) -> Catalog:
    """Parse the catalog directory."""
    return Catalog(
        root=root,
        settings=_read_yaml(root / "settings.yaml"),
        seats=read_seats(root / "seats.csv"),
        rivers=_read_yaml(root / "rivers.yaml"),
        features=_read_yaml(root / "features.yaml"),
        published=_read_yaml(root / "published.yaml"),
    )
