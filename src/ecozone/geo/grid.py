"""Cell-grid accelerator for locating many points in a polygon coverage (EPSG:4490 lon/lat).

A regular lon/lat grid is laid over the coverage's bounding box. Every cell is one of:

* **wholly inside polygon i** — no polygon boundary touches the (closed) cell, and ``i`` is the
  lowest position among the polygons covering it; a point there is answered by an array lookup;
* **empty** — no boundary touches the cell and no polygon covers it: the answer is -1;
* **mixed** — some boundary touches the cell; the cell keeps the list of candidate polygons and a
  point there is answered by exact ``shapely.intersects_xy`` tests on prepared candidates.

Why this is exact: a polygon whose boundary does not touch a connected region either covers all
of it or none of it. The build therefore marks as mixed every cell that any boundary segment
could touch (each segment is cut into pieces no longer than a cell, and every cell under a
piece's bounding box, widened by ``EDGE_TOLERANCE`` cells, is marked). Outside the mixed cells
the answer is constant over each row run of cells, and one exact point test per run labels it.
The candidates of a mixed cell are the polygons whose boundary touches it plus those covering
its centre, which together hold every polygon that can cover any point of the cell.

Boundary convention: the one ``GeometryIndex.locate_points`` states — a point covered by
several polygons (on a shared boundary, or where polygons overlap) gets the lowest position
among them, i.e. ``GeometryIndex.query_point(...)[0]``; points on a boundary count as covered
(``intersects``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely

from ecozone.errors import BadInput

# About this many cells per polygon when the cell size is not given: a unit of average size
# spans ~22 cells across. On ~5,000 Shanxi-sized units that leaves ~12 % of the cells mixed in
# ~15 MB; doubling it buys ~10 % speed for twice the memory (benchmarks/README.md).
DEFAULT_CELLS_PER_UNIT = 512
# Upper bound on the number of cells (int32 each) whatever the coverage: 8 M cells = 32 MB.
DEFAULT_MAX_CELLS = 8_000_000
# Widening of every boundary piece, in cells, when marking mixed cells. Float error in mapping
# lon/lat to cell coordinates is ~1e-13 cells; anything far above that keeps the grid exact.
EDGE_TOLERANCE = 1e-6

# Cell centres are tested against the polygons this many at a time while building.
BUILD_CHUNK_POINTS = 50_000

EMPTY = -1
_POLYGONAL = {shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON}


@dataclass(frozen=True)
class GridSpec:
    """The grid's geometry: lower-left corner, square cell size (degrees), columns and rows."""

    origin_x: float
    origin_y: float
    cell_size: float
    nx: int
    ny: int

    @property
    def cells(self) -> int:
        return self.nx * self.ny

    def cell_coords(self, lons: np.ndarray, lats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Lon/lat mapped to continuous cell coordinates (cell (i, j) spans [i, i+1) x [j, j+1))."""
        inverse = 1.0 / self.cell_size
        return (lons - self.origin_x) * inverse, (lats - self.origin_y) * inverse


@dataclass(frozen=True)
class GridStats:
    """How the cells split up, and the memory the grid itself holds (geometries excluded)."""

    cells: int
    inside_cells: int
    empty_cells: int
    mixed_cells: int
    candidate_entries: int
    nbytes: int

    @property
    def mixed_share(self) -> float:
        return self.mixed_cells / self.cells if self.cells else 0.0


def choose_grid(
    bounds: tuple[float, float, float, float],
    n_units: int,
    cell_size: float | None = None,
    cells_per_unit: float = DEFAULT_CELLS_PER_UNIT,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> GridSpec:
    """A grid covering ``bounds``: ``cell_size`` degrees, or sized for ``cells_per_unit`` per unit."""
    minx, miny, maxx, maxy = bounds
    width, height = maxx - minx, maxy - miny
    if cell_size is None:
        area = max(width, 1e-9) * max(height, 1e-9)
        cell_size = math.sqrt(area / max(1.0, cells_per_unit * n_units))
    if not (math.isfinite(cell_size) and cell_size > 0):
        raise BadInput(f"cell_size must be a positive number of degrees, got {cell_size!r}", field="cell_size")
    spec = _grid_of(bounds, cell_size)
    while spec.cells > max_cells:  # grow the cells until the grid fits
        spec = _grid_of(bounds, spec.cell_size * 1.25)
    return spec


def _grid_of(bounds: tuple[float, float, float, float], cell_size: float) -> GridSpec:
    minx, miny, maxx, maxy = bounds
    # The same arithmetic as GridSpec.cell_coords, so that maxx and maxy land in the last cell.
    inverse = 1.0 / cell_size
    nx = int(math.floor((maxx - minx) * inverse)) + 1
    ny = int(math.floor((maxy - miny) * inverse)) + 1
    return GridSpec(minx, miny, cell_size, nx, ny)


def _polygon_parts(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Polygon parts of the geometries with the position each came from; BadInput if not polygonal."""
    types = shapely.get_type_id(geoms)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    bad = present & ~np.isin(types, [int(t) for t in _POLYGONAL])
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise BadInput(
            f"geometry at position {pos} is a {geoms[pos].geom_type}; "
            "the cell grid indexes polygons and multipolygons only",
            field="geometries",
            value=pos,
        )
    return shapely.get_parts(geoms, return_index=True)


def boundary_segments(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every ring segment as rows (x0, y0, x1, y1), and the position of its polygon."""
    parts, part_of = _polygon_parts(geoms)
    rings, ring_of = shapely.get_rings(parts, return_index=True)
    coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
    same_ring = coord_ring[1:] == coord_ring[:-1]
    starts, ends = coords[:-1][same_ring], coords[1:][same_ring]
    owner = part_of[ring_of[coord_ring[:-1][same_ring]]]
    return np.hstack([starts, ends]), owner.astype(np.int64)


def _segment_pieces(
    fx0: np.ndarray, fy0: np.ndarray, fx1: np.ndarray, fy1: np.ndarray, owner: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Segments in cell coordinates cut into pieces at most one cell long in x and in y."""
    steps = np.maximum(1, np.ceil(np.maximum(np.abs(fx1 - fx0), np.abs(fy1 - fy0)))).astype(np.int64)
    seg = np.repeat(np.arange(len(steps)), steps)
    first = np.repeat(np.cumsum(steps) - steps, steps)
    k = np.arange(len(seg)) - first
    t0, t1 = k / steps[seg], (k + 1) / steps[seg]
    dx, dy = fx1 - fx0, fy1 - fy0
    xa, xb = fx0[seg] + dx[seg] * t0, fx0[seg] + dx[seg] * t1
    ya, yb = fy0[seg] + dy[seg] * t0, fy0[seg] + dy[seg] * t1
    return xa, ya, xb, yb, owner[seg]


def boundary_marks(spec: GridSpec, segments: np.ndarray, owner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(cell, polygon) pairs for every cell a polygon's boundary may touch (conservative)."""
    fx0, fy0 = spec.cell_coords(segments[:, 0], segments[:, 1])
    fx1, fy1 = spec.cell_coords(segments[:, 2], segments[:, 3])
    xa, ya, xb, yb, piece_owner = _segment_pieces(fx0, fy0, fx1, fy1, owner)
    lo_x = np.clip(np.floor(np.minimum(xa, xb) - EDGE_TOLERANCE), 0, spec.nx - 1).astype(np.int64)
    hi_x = np.clip(np.floor(np.maximum(xa, xb) + EDGE_TOLERANCE), 0, spec.nx - 1).astype(np.int64)
    lo_y = np.clip(np.floor(np.minimum(ya, yb) - EDGE_TOLERANCE), 0, spec.ny - 1).astype(np.int64)
    hi_y = np.clip(np.floor(np.maximum(ya, yb) + EDGE_TOLERANCE), 0, spec.ny - 1).astype(np.int64)
    cells, owners = [], []
    # A piece is at most one cell long (plus the tolerance), so it spans at most 3 x 3 cells.
    for ox in range(3):
        for oy in range(3):
            keep = (lo_x + ox <= hi_x) & (lo_y + oy <= hi_y)
            cells.append((lo_y[keep] + oy) * spec.nx + lo_x[keep] + ox)
            owners.append(piece_owner[keep])
    return np.concatenate(cells), np.concatenate(owners)


def cell_centres(spec: GridSpec, cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lon/lat of the centres of the given flat cell numbers."""
    rows, cols = np.divmod(cells, spec.nx)
    return spec.origin_x + (cols + 0.5) * spec.cell_size, spec.origin_y + (rows + 0.5) * spec.cell_size


def intersects_pairs(geoms: np.ndarray, geom_idx: np.ndarray, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
    """``intersects_xy(geoms[geom_idx[k]], lons[k], lats[k])`` for every pair k, on prepared geometries."""
    # Testing the pairs grouped by polygon keeps each prepared polygon hot in cache (~5x faster).
    by_polygon = np.argsort(geom_idx, kind="stable")
    hit = np.empty(len(geom_idx), dtype=bool)
    hit[by_polygon] = shapely.intersects_xy(geoms[geom_idx[by_polygon]], lons[by_polygon], lats[by_polygon])
    return hit


def covering_pairs(
    geoms: np.ndarray, tree: shapely.STRtree, lons: np.ndarray, lats: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(point, geometry) pairs where the geometry covers the point, sorted by point then geometry."""
    points, geometries = [], []
    # In chunks: a million transient point geometries at once would leave the heap fragmented.
    for start in range(0, len(lons), BUILD_CHUNK_POINTS):
        x, y = lons[start : start + BUILD_CHUNK_POINTS], lats[start : start + BUILD_CHUNK_POINTS]
        point_idx, geom_idx = tree.query(shapely.points(x, y))  # bounding-box candidates
        hit = intersects_pairs(geoms, geom_idx, x[point_idx], y[point_idx])
        points.append(point_idx[hit].astype(np.int64) + start)
        geometries.append(geom_idx[hit].astype(np.int64))
    point_idx, geom_idx = np.concatenate(points or [[]]), np.concatenate(geometries or [[]])
    order = np.lexsort((geom_idx, point_idx))
    return point_idx[order].astype(np.int64), geom_idx[order].astype(np.int64)


def first_hit_per_point(n_points: int, point_idx: np.ndarray, geom_idx: np.ndarray) -> np.ndarray:
    """Per point, the first geometry among (point, geometry) pairs grouped by point; -1 if none."""
    result = np.full(n_points, EMPTY, dtype=np.int64)
    first = np.ones(len(point_idx), dtype=bool)
    first[1:] = point_idx[1:] != point_idx[:-1]
    result[point_idx[first]] = geom_idx[first]
    return result


def label_free_cells(spec: GridSpec, mixed: np.ndarray, geoms: np.ndarray, tree: shapely.STRtree) -> np.ndarray:
    """Labels of all cells: the answer of each boundary-free row run, computed at its first cell."""
    grid = mixed.reshape(spec.ny, spec.nx)
    before = np.ones_like(grid)
    before[:, 1:] = grid[:, :-1]
    run_start = (~grid & before).ravel()
    run_of_cell = np.cumsum(run_start, dtype=np.int32) - 1
    first_cells = np.flatnonzero(run_start)
    run_label = first_hit_per_point(len(first_cells), *covering_pairs(geoms, tree, *cell_centres(spec, first_cells)))
    labels = np.full(spec.cells, EMPTY, dtype=np.int32)
    free = ~mixed
    labels[free] = run_label[run_of_cell[free]]
    return labels


def mixed_candidates(
    spec: GridSpec,
    mixed_cells: np.ndarray,
    marks: tuple[np.ndarray, np.ndarray],
    geoms: np.ndarray,
    tree: shapely.STRtree,
) -> tuple[np.ndarray, np.ndarray]:
    """CSR (offsets, candidates) per mixed cell: boundary owners plus polygons covering the centre."""
    n = len(geoms)
    centre_idx, centre_geom = covering_pairs(geoms, tree, *cell_centres(spec, mixed_cells))
    mark_cells, mark_owner = marks
    keys = np.concatenate(
        [np.searchsorted(mixed_cells, mark_cells) * n + mark_owner, centre_idx * n + centre_geom]
    )
    keys = np.sort(keys)  # by mixed cell, then by polygon position
    keys = keys[np.concatenate([[True], keys[1:] != keys[:-1]])]
    slot, candidates = np.divmod(keys, n)
    counts = np.bincount(slot, minlength=len(mixed_cells))
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return offsets, candidates.astype(np.int32)


class CellGridIndex:
    """Point location over a fixed list of polygons through a cell grid; exact, see module doc."""

    def __init__(
        self,
        geometries: Sequence[shapely.Geometry],
        cell_size: float | None = None,
        cells_per_unit: float = DEFAULT_CELLS_PER_UNIT,
        max_cells: int = DEFAULT_MAX_CELLS,
    ) -> None:
        self._geoms = np.asarray(list(geometries), dtype=object)
        present = self._geoms[~(shapely.is_missing(self._geoms) | shapely.is_empty(self._geoms))]
        if len(present) == 0:
            self._spec = None
            self._cells = np.empty(0, dtype=np.int32)
            self._offsets = np.zeros(1, dtype=np.int64)
            self._candidates = np.empty(0, dtype=np.int32)
            return
        segments, owner = boundary_segments(self._geoms)
        shapely.prepare(self._geoms)
        bounds = tuple(shapely.total_bounds(present).tolist())
        self._spec = choose_grid(bounds, len(present), cell_size, cells_per_unit, max_cells)
        self._build(segments, owner)

    def _build(self, segments: np.ndarray, owner: np.ndarray) -> None:
        spec = self._spec
        tree = shapely.STRtree(self._geoms)
        marks = boundary_marks(spec, segments, owner)
        mixed = np.zeros(spec.cells, dtype=bool)
        mixed[marks[0]] = True
        labels = label_free_cells(spec, mixed, self._geoms, tree)
        mixed_cells = np.flatnonzero(mixed)
        self._offsets, self._candidates = mixed_candidates(spec, mixed_cells, marks, self._geoms, tree)
        # Mixed cells point into the candidate lists: label -2 - k for the k-th mixed cell.
        labels[mixed_cells] = -2 - np.arange(len(mixed_cells), dtype=np.int32)
        self._cells = labels

    def __len__(self) -> int:
        return len(self._geoms)

    @property
    def geometries(self) -> np.ndarray:
        return self._geoms

    @property
    def spec(self) -> GridSpec | None:
        """The grid, or None when there is nothing to index."""
        return self._spec

    def stats(self) -> GridStats:
        """Cell counts by kind and the bytes held by the grid arrays."""
        cells = self._cells
        mixed = int(np.count_nonzero(cells <= -2))
        empty = int(np.count_nonzero(cells == EMPTY))
        return GridStats(
            cells=len(cells),
            inside_cells=len(cells) - mixed - empty,
            empty_cells=empty,
            mixed_cells=mixed,
            candidate_entries=len(self._candidates),
            nbytes=self._cells.nbytes + self._offsets.nbytes + self._candidates.nbytes,
        )

    def cell_owners(self, cells: np.ndarray) -> np.ndarray:
        """For flat cell numbers (row * nx + column): the polygon wholly covering, -1 empty, -2 mixed."""
        labels = self._cells[np.asarray(cells, dtype=np.int64)].astype(np.int64)
        return np.where(labels <= -2, -2, labels)

    def locate_points(self, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
        """For each point, the lowest position of a polygon covering it, or -1 (vectorized)."""
        lons = np.asarray(lons, dtype=float)
        lats = np.asarray(lats, dtype=float)
        if lons.shape != lats.shape or lons.ndim != 1:
            raise BadInput(f"lons and lats must be 1-d arrays of one length, got {lons.shape} and {lats.shape}", field="lons")
        result = np.full(len(lons), EMPTY, dtype=np.int64)
        if self._spec is None or len(lons) == 0:
            return result
        label = self._cell_labels(lons, lats)
        result[label >= 0] = label[label >= 0]
        in_mixed = np.flatnonzero(label <= -2)
        if len(in_mixed):
            result[in_mixed] = self._exact(lons[in_mixed], lats[in_mixed], -2 - label[in_mixed])
        return result

    def _cell_labels(self, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
        """The label of the cell of every point; -1 for points outside the grid (or NaN)."""
        spec = self._spec
        fx, fy = spec.cell_coords(lons, lats)
        # Outside the grid means outside the coverage's bounds, hence outside every polygon.
        inside = (fx >= 0) & (fx < spec.nx) & (fy >= 0) & (fy < spec.ny)
        label = np.full(len(lons), EMPTY, dtype=np.int64)
        cell = fy[inside].astype(np.int64) * spec.nx + fx[inside].astype(np.int64)
        label[inside] = self._cells[cell]
        return label

    def _exact(self, lons: np.ndarray, lats: np.ndarray, mixed_slot: np.ndarray) -> np.ndarray:
        """Exact answers for points in mixed cells: test each candidate, keep the lowest hit."""
        starts = self._offsets[mixed_slot]
        counts = self._offsets[mixed_slot + 1] - starts
        point = np.repeat(np.arange(len(lons)), counts)
        first = np.repeat(np.cumsum(counts) - counts, counts)
        candidate = self._candidates[np.repeat(starts, counts) + np.arange(len(point)) - first]
        hit = intersects_pairs(self._geoms, candidate, lons[point], lats[point])
        # Pairs are grouped by point and candidates sorted per cell, so the first hit is the lowest.
        return first_hit_per_point(len(lons), point[hit], candidate[hit])
