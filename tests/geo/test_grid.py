"""The cell grid answers exactly: the lowest covering position, on cell edges and unit boundaries too."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import shapely

from ecozone.errors import BadInput
from ecozone.geo.grid import CellGridIndex, choose_grid
from ecozone.geo.index import GeometryIndex
from ecozone.zoning.importer import read_units

BOX = (112.0, 37.0, 113.0, 37.8)


def _coverage() -> list[shapely.Geometry]:
    """Voronoi units over BOX with a filled hole, an empty hole, a two-part unit and overlaps.

    Position 0 is a triangle overlapping many units, so it wins wherever it covers; a strip
    near the end overlaps others and wins nowhere; an island leaves empty cells in the grid.
    """
    rng = np.random.default_rng(7)
    seeds = shapely.multipoints(
        np.column_stack([rng.uniform(BOX[0], BOX[2], 60), rng.uniform(BOX[1], BOX[3], 60)])
    )
    frame = shapely.box(*BOX)
    cells = list(shapely.intersection(shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=frame)), frame))
    filled_hole = shapely.buffer(shapely.point_on_surface(cells[3]), 0.01, quad_segs=8)
    empty_hole = shapely.buffer(shapely.point_on_surface(cells[5]), 0.01, quad_segs=8)
    assert cells[3].contains_properly(filled_hole) and cells[5].contains_properly(empty_hole)
    cells[3] = cells[3].difference(filled_hole)
    cells[5] = cells[5].difference(empty_hole)
    far = next(i for i in range(10, len(cells)) if cells[i].disjoint(cells[8]))
    cells[8] = shapely.MultiPolygon([cells[8], cells[far]])
    del cells[far]
    triangle = shapely.Polygon([(112.1, 37.1), (112.45, 37.15), (112.2, 37.5)])
    strip = shapely.box(112.3, 37.2, 112.9, 37.3)
    # An island east of BOX leaves an empty band inside the coverage's bounding box.
    island = shapely.box(113.1, 37.0, 113.2, 37.1)
    return [triangle, *cells, filled_hole, strip, island]


@pytest.fixture(scope="module")
def coverage() -> list[shapely.Geometry]:
    units = _coverage()
    assert {g.geom_type for g in units} == {"Polygon", "MultiPolygon"}
    assert any(len(g.interiors) for g in units if g.geom_type == "Polygon")
    return units


def lowest_covering_brute_force(units: list[shapely.Geometry], lons, lats) -> np.ndarray:
    """The documented convention by exhaustion: the lowest position covering the point, or -1."""
    geoms = np.asarray(units, dtype=object)
    covers = shapely.intersects_xy(geoms[:, None], np.asarray(lons)[None, :], np.asarray(lats)[None, :])
    return np.where(covers.any(axis=0), covers.argmax(axis=0), -1)


def assert_same_as_references(grid: CellGridIndex, index: GeometryIndex, units, lons, lats) -> None:
    """Equal to brute force everywhere, and to GeometryIndex wherever at most one unit covers."""
    located = grid.locate_points(lons, lats)
    np.testing.assert_array_equal(located, lowest_covering_brute_force(units, lons, lats))
    covers = np.array([len(index.query_point(x, y)) for x, y in zip(lons, lats, strict=True)])
    single = covers <= 1
    np.testing.assert_array_equal(located[single], index.locate_points(lons[single], lats[single]))
    several = np.flatnonzero(~single)[:200]
    assert [located[i] for i in several] == [index.query_point(lons[i], lats[i])[0] for i in several]


@pytest.fixture(scope="module")
def grids(coverage):
    # A coarse and a fine grid: few cells wholly inside, and most cells wholly inside.
    return GeometryIndex(coverage), [CellGridIndex(coverage, cell_size=0.05), CellGridIndex(coverage)]


def _boundary_points(units: list[shapely.Geometry], per_unit: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """Every vertex of every ring, and points interpolated along the rings."""
    rings = shapely.get_rings(shapely.get_parts(np.asarray(units, dtype=object)))
    vertices = shapely.get_coordinates(rings)
    fractions = np.linspace(0.0, 1.0, per_unit)
    along = shapely.get_coordinates(shapely.line_interpolate_point(rings[:, None], fractions, normalized=True))
    coords = np.vstack([vertices, along])
    return coords[:, 0], coords[:, 1]


def _cell_edge_points(grid: CellGridIndex, n: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """Points on vertical and horizontal cell edges, and on cell corners."""
    spec = grid.spec
    cols = rng.integers(0, spec.nx + 1, n)
    rows = rng.integers(0, spec.ny + 1, n)
    xs = spec.origin_x + cols * spec.cell_size
    ys = spec.origin_y + rows * spec.cell_size
    free_x = rng.uniform(spec.origin_x, spec.origin_x + spec.nx * spec.cell_size, n)
    free_y = rng.uniform(spec.origin_y, spec.origin_y + spec.ny * spec.cell_size, n)
    return np.concatenate([xs, free_x, xs]), np.concatenate([free_y, ys, ys])


def test_random_points_match_the_references(grids, coverage):
    index, cell_grids = grids
    rng = np.random.default_rng(11)
    lons = rng.uniform(BOX[0] - 0.1, BOX[2] + 0.1, 50_000)
    lats = rng.uniform(BOX[1] - 0.1, BOX[3] + 0.1, 50_000)
    located = cell_grids[1].locate_points(lons, lats)
    assert (located == -1).any() and (located == 0).any() and (located >= 0).mean() > 0.5
    for grid in cell_grids:
        assert_same_as_references(grid, index, coverage, lons, lats)


def test_points_on_unit_boundaries_get_the_lowest_position(grids, coverage):
    index, cell_grids = grids
    lons, lats = _boundary_points(coverage)
    for grid in cell_grids:
        assert_same_as_references(grid, index, coverage, lons, lats)
    # A vertex where three units meet belongs to the lowest of them.
    shared = [(x, y) for x, y in zip(lons, lats, strict=True) if len(index.query_point(x, y)) >= 3]
    assert shared
    x, y = shared[0]
    assert cell_grids[1].locate_points(np.array([x]), np.array([y]))[0] == min(index.query_point(x, y))


def test_points_on_cell_edges_and_corners(grids, coverage):
    index, cell_grids = grids
    rng = np.random.default_rng(3)
    for grid in cell_grids:
        lons, lats = _cell_edge_points(grid, 5_000, rng)
        assert_same_as_references(grid, index, coverage, lons, lats)


def test_outside_and_not_a_number_are_minus_one(grids):
    _, cell_grids = grids
    lons = np.array([111.0, 114.0, 112.5, 112.5, np.nan, 112.5, -np.inf])
    lats = np.array([37.5, 37.5, 36.0, 39.0, 37.5, np.nan, 37.5])
    for grid in cell_grids:
        assert grid.locate_points(lons, lats).tolist() == [-1] * 7


def test_units_aligned_with_cell_edges_hand_computed():
    # Four unit squares meeting at (1, 1); cells of 0.25 put every unit edge on cell edges.
    squares = [shapely.box(x, y, x + 1, y + 1) for y in (0, 1) for x in (0, 1)]
    grid = CellGridIndex(squares, cell_size=0.25)
    lons = np.array([0.5, 1.5, 0.5, 1.5, 1.0, 1.0, 0.25, 2.0, 2.0, 0.0, 1.25])
    lats = np.array([0.5, 0.5, 1.5, 1.5, 1.0, 1.75, 1.0, 2.0, 0.5, 0.0, 1.5])
    # Centres; the shared corner (all four: 0); shared edges (lowest: 2 of 2|3, 0 of 0|2);
    # the outer corner and edge; the origin; a point on interior cell edges of unit 3.
    assert grid.locate_points(lons, lats).tolist() == [0, 1, 2, 3, 0, 2, 0, 3, 1, 0, 3]
    assert grid.locate_points(np.array([2.0 + 1e-12]), np.array([1.0])).tolist() == [-1]


def test_cells_wholly_inside_are_inside_and_empty_cells_touch_nothing(grids, coverage):
    # The grid's own claims, checked cell by cell against shapely on the cell boxes.
    geoms = np.asarray(coverage, dtype=object)
    for grid in grids[1]:
        spec = grid.spec
        owners = grid.cell_owners(np.arange(spec.cells))
        cells = np.flatnonzero(owners >= -1)
        sample = np.random.default_rng(5).choice(cells, size=min(3000, len(cells)), replace=False)
        rows, cols = np.divmod(sample, spec.nx)
        boxes = shapely.box(
            spec.origin_x + cols * spec.cell_size,
            spec.origin_y + rows * spec.cell_size,
            spec.origin_x + (cols + 1) * spec.cell_size,
            spec.origin_y + (rows + 1) * spec.cell_size,
        )
        touching = shapely.intersects(geoms[None, :], boxes[:, None])
        for box, label, touches in zip(boxes, owners[sample], touching, strict=True):
            if label == -1:
                assert not touches.any()
            else:
                assert shapely.contains_properly(geoms[label], box)
                assert not touches[:label].any()


def test_stats_report_the_grid_memory(grids):
    for grid in grids[1]:
        stats = grid.stats()
        assert stats.cells == grid.spec.nx * grid.spec.ny
        assert stats.inside_cells + stats.empty_cells + stats.mixed_cells == stats.cells
        assert stats.inside_cells > 0 and stats.empty_cells > 0 and stats.mixed_cells > 0
        assert stats.candidate_entries >= stats.mixed_cells
        assert stats.nbytes == 4 * stats.cells + 8 * (stats.mixed_cells + 1) + 4 * stats.candidate_entries
    fine = grids[1][1].stats()
    assert fine.mixed_share < 0.35


def test_cell_size_is_chosen_from_extent_and_unit_count_within_the_cap():
    spec = choose_grid((110.0, 34.0, 115.0, 41.0), 5000, cells_per_unit=100)
    assert abs(spec.cells - 500_000) / 500_000 < 0.01
    capped = choose_grid((110.0, 34.0, 115.0, 41.0), 5000, max_cells=10_000)
    assert capped.cells <= 10_000
    given = choose_grid((0.0, 0.0, 1.0, 1.0), 1, cell_size=0.1)
    assert (given.nx, given.ny, given.cell_size) == (11, 11, 0.1)


def test_bad_input_names_the_problem():
    with pytest.raises(BadInput, match="position 1 is a LineString"):
        CellGridIndex([shapely.box(0, 0, 1, 1), shapely.LineString([(0, 0), (1, 1)])])
    with pytest.raises(BadInput, match="cell_size"):
        CellGridIndex([shapely.box(0, 0, 1, 1)], cell_size=0.0)
    grid = CellGridIndex([shapely.box(0, 0, 1, 1)])
    with pytest.raises(BadInput, match="lons and lats"):
        grid.locate_points(np.zeros(3), np.zeros(2))


def test_empty_coverage_locates_nothing():
    grid = CellGridIndex([])
    assert grid.spec is None and len(grid) == 0
    assert grid.locate_points(np.array([1.0]), np.array([2.0])).tolist() == [-1]


def test_shipped_demo_units_are_located_like_the_tree():
    # The demonstration release the platform ships (tiles every county without overlaps).
    units_file = Path(__file__).resolve().parents[2] / "data" / "shanxi" / "demo" / "units.geojson"
    geometries = [u.geometry for u in read_units(units_file).units]
    grid, index = CellGridIndex(geometries), GeometryIndex(geometries)
    rng = np.random.default_rng(2024)
    minx, miny, maxx, maxy = index.bounds()
    lons, lats = rng.uniform(minx, maxx, 20_000), rng.uniform(miny, maxy, 20_000)
    located = grid.locate_points(lons, lats)
    np.testing.assert_array_equal(located, index.locate_points(lons, lats))
    assert 0.4 < (located >= 0).mean() < 0.9  # Shanxi fills about 60 % of its bounding box
    vertices = shapely.get_coordinates(np.asarray(geometries, dtype=object))
    sample = vertices[rng.choice(len(vertices), 1000, replace=False)]
    expected = [min(index.query_point(x, y)) for x, y in sample]
    assert grid.locate_points(sample[:, 0], sample[:, 1]).tolist() == expected
