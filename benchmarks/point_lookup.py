"""point_lookup_1m: which unit each of 1,000,000 points lies in, embedded (CellGridIndex) vs PostGIS.

Every path produces the same thing — per point, the lowest position of a unit covering it —
counted per unit, and the counts are checked to agree. Two point sets: uniform over the units'
bounding box, and uniform over the units only (points outside every unit redrawn).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import shapely

from benchmarks.figures import Figure
from benchmarks.postgis import PostgisPeer
from benchmarks.timing import median_time
from ecozone.geo.grid import CellGridIndex
from ecozone.geo.index import GeometryIndex

TARGET_VS_POSTGIS = 8.0  # issue 5: at least 8× faster than the same join in PostGIS
POINT_SEED = 5
MODES = {"bbox": "point_lookup_1m", "inside": "point_lookup_1m_inside"}


@dataclass
class Settings:
    points: int = 1_000_000
    runs: int = 5
    peer_runs: int = 3


def random_points(bounds, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    minx, miny, maxx, maxy = bounds
    return rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)


def points_inside(grid: CellGridIndex, bounds, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points uniform over the units: draws over the box, keeping those in some unit."""
    lons, lats = np.empty(0), np.empty(0)
    while len(lons) < n:
        x, y = random_points(bounds, n, rng)
        keep = grid.locate_points(x, y) >= 0
        lons, lats = np.concatenate([lons, x[keep]]), np.concatenate([lats, y[keep]])
    return lons[:n], lats[:n]


def counts_per_unit(positions: np.ndarray, n_units: int) -> np.ndarray:
    """How many points each unit was assigned (the answer every path is compared on)."""
    return np.bincount(positions[positions >= 0], minlength=n_units)


def counts_from_mapping(mapping: dict[int, int], n_units: int) -> np.ndarray:
    counts = np.zeros(n_units, dtype=np.int64)
    for pos, n in mapping.items():
        counts[pos] = n
    return counts


def _embedded(locate: Callable, lons, lats, n_units: int) -> Callable[[], np.ndarray]:
    return lambda: counts_per_unit(locate(lons, lats), n_units)


def build_grid(geometries) -> tuple[CellGridIndex, dict]:
    start = time.perf_counter()
    grid = CellGridIndex(geometries)
    seconds = time.perf_counter() - start
    stats = grid.stats()
    return grid, {
        "grid_build_s": round(seconds, 2),
        "grid_cells": stats.cells,
        "grid_cell_size_deg": round(grid.spec.cell_size, 6),
        "grid_mixed_share": round(stats.mixed_share, 4),
        "grid_mb": round(stats.nbytes / 2**20, 1),
    }


def run_mode(
    mode: str,
    geometries: list,
    grid: CellGridIndex,
    tree: GeometryIndex,
    postgis: PostgisPeer | None,
    postgis_reason: str | None,
    settings: Settings,
    common_notes: dict,
) -> list[Figure]:
    """Time the three paths on one point set; return the figure vs PostGIS and vs STRtree."""
    n_units = len(geometries)
    rng = np.random.default_rng(POINT_SEED)
    bounds = tuple(shapely.total_bounds(np.asarray(geometries, dtype=object)).tolist())
    if mode == "inside":
        lons, lats = points_inside(grid, bounds, settings.points, rng)
    else:
        lons, lats = random_points(bounds, settings.points, rng)
    ours = median_time(_embedded(grid.locate_points, lons, lats, n_units), settings.runs)
    print(f"  {mode}: CellGridIndex median {ours.median:.3f} s")
    plain = median_time(_embedded(tree.locate_points, lons, lats, n_units), settings.peer_runs)
    print(f"  {mode}: STRtree median {plain.median:.3f} s")
    notes = {
        **common_notes,
        "points": settings.points,
        "points_assigned": int(ours.result.sum()),
        "runs": settings.runs,
        "seconds": [round(s, 4) for s in ours.seconds],
    }
    name = MODES[mode]
    figures = [
        Figure(
            name=name,
            value=round(ours.median, 4),
            unit="s",
            peer="shapely STRtree (GeometryIndex)",
            peer_value=round(plain.median, 4),
            better="lower",
            notes={**notes, "peer_runs": settings.peer_runs, "agree": bool(np.array_equal(ours.result, plain.result))},
        )
    ]
    figures.append(_postgis_figure(name, ours.median, ours.result, lons, lats, postgis, postgis_reason, settings, notes))
    return figures


def _postgis_figure(name, ours_s, our_counts, lons, lats, postgis, reason, settings, notes) -> Figure:
    peer = "PostGIS ST_Intersects join"
    figure = Figure(name=name, value=round(ours_s, 4), unit="s", peer=peer, target=TARGET_VS_POSTGIS,
                    target_on_ratio=True, better="lower", notes=dict(notes))
    if postgis is None:
        figure.skipped = f"PostGIS peer unavailable: {reason}"
        return figure
    start = time.perf_counter()
    postgis.load_points(lons, lats)
    figure.notes["postgis_points_load_s_untimed"] = round(time.perf_counter() - start, 1)
    theirs = median_time(lambda: counts_from_mapping(postgis.assignment_counts(), len(our_counts)), settings.peer_runs)
    print(f"  {name}: PostGIS median {theirs.median:.3f} s")
    agree = bool(np.array_equal(theirs.result, our_counts))
    figure.peer_value = round(theirs.median, 4)
    figure.notes.update(
        peer_runs=settings.peer_runs,
        peer_seconds=[round(s, 3) for s in theirs.seconds],
        agree=agree,
        postgis_plan=postgis.plan(),
    )
    if not agree:
        figure.skipped = "PostGIS and CellGridIndex disagree on the per-unit counts: figure not valid"
    return figure


def point_lookup(dataset, postgis: PostgisPeer | None, postgis_reason: str | None, settings: Settings) -> list[Figure]:
    """Both point sets; the units come from the dataset's demonstration release file."""
    geometries = dataset.geometries
    grid, grid_notes = build_grid(geometries)
    print(f"  CellGridIndex built: {grid_notes}")
    tree = GeometryIndex(geometries)
    if postgis is not None:
        postgis.load_units(geometries)
    common = {"data": dataset.describe(), **grid_notes}
    figures = []
    for mode in MODES:
        figures += run_mode(mode, geometries, grid, tree, postgis, postgis_reason, settings, common)
    return figures
