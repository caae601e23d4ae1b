"""Which data a run measures: the shipped demonstration release, or the synthetic territory."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import shapely

from benchmarks.synthetic import write_territory
from ecozone.bootstrap import DatasetPaths
from ecozone.zoning.importer import read_units

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "data" / "shanxi"
CACHE = REPO / "benchmarks" / ".cache"
SYNTHETIC = CACHE / "synthetic"
SYNTHETIC_UNITS = 5000


@dataclass
class Dataset:
    """A province's files in the shipped layout, and what they are called in the results."""

    kind: str  # "demo" | "synthetic"
    paths: DatasetPaths

    @cached_property
    def units(self) -> list:
        """The control units of the demonstration release, in file order (as imported)."""
        return read_units(self.paths.demo_units).units

    @cached_property
    def geometries(self) -> list[shapely.Geometry]:
        return [u.geometry for u in self.units]

    def describe(self) -> dict:
        geoms = np.asarray(self.geometries, dtype=object)
        return {
            "kind": self.kind,
            "units_file": str(self.paths.demo_units.relative_to(REPO)),
            "units": len(geoms),
            "vertices": int(shapely.get_num_coordinates(geoms).sum()),
            "multipolygons": int(np.count_nonzero(shapely.get_type_id(geoms) == shapely.GeometryType.MULTIPOLYGON)),
            "bounds": [round(v, 4) for v in shapely.total_bounds(geoms).tolist()],
        }


def shipped_release_present() -> bool:
    paths = DatasetPaths(SHIPPED)
    return paths.demo_units.exists() and paths.regions.exists()


def choose_dataset(kind: str) -> Dataset:
    """``demo`` (the shipped release), ``synthetic`` (~5,000 generated units), or ``auto``: demo if shipped."""
    if kind == "auto":
        kind = "demo" if shipped_release_present() else "synthetic"
    if kind == "demo":
        if not shipped_release_present():
            raise SystemExit(f"no demonstration release under {SHIPPED} (regions.geojson, demo/units.geojson)")
        return Dataset("demo", DatasetPaths(SHIPPED))
    if not DatasetPaths(SYNTHETIC).demo_units.exists():
        write_territory(SYNTHETIC, n_units=SYNTHETIC_UNITS)
    return Dataset("synthetic", DatasetPaths(SYNTHETIC))
