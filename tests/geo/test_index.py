"""The in-memory geometry index answers like a brute-force scan."""

from __future__ import annotations

import numpy as np
import shapely

from ecozone.geo.index import GeometryIndex


def _grid(n: int) -> list[shapely.Geometry]:
    return [shapely.box(x, y, x + 1, y + 1) for x in range(n) for y in range(n)]


def test_point_bbox_and_geometry_queries_match_brute_force():
    boxes = _grid(10)
    index = GeometryIndex(boxes)
    assert index.query_point(3.5, 4.5) == [34]
    assert index.query_point(3.0, 4.5) == [24, 34]  # on the shared edge: both
    expected = [i for i, b in enumerate(boxes) if b.intersects(shapely.box(2.5, 2.5, 3.5, 3.5))]
    assert index.query_bbox(2.5, 2.5, 3.5, 3.5) == expected
    line = shapely.LineString([(0.5, 0.5), (0.5, 2.5)])
    assert index.query_geometry(line) == [0, 1, 2]
    assert index.bounds() == (0.0, 0.0, 10.0, 10.0)


def test_locate_points_vectorized():
    index = GeometryIndex(_grid(4))
    rng = np.random.default_rng(1)
    lons, lats = rng.uniform(-1, 5, 500), rng.uniform(-1, 5, 500)
    located = index.locate_points(lons, lats)
    for lon, lat, pos in zip(lons, lats, located, strict=True):
        hits = index.query_point(lon, lat)
        assert pos == (hits[0] if hits else -1)


def test_locate_points_picks_the_lowest_position_where_geometries_overlap():
    index = GeometryIndex([shapely.box(0, 0, 2, 2), shapely.box(1, 1, 3, 3), shapely.box(0, 0, 1.5, 1.5)])
    assert index.query_point(1.2, 1.2) == [0, 1, 2]
    assert index.locate_points(np.array([1.2, 2.5, 9.0]), np.array([1.2, 2.5, 9.0])).tolist() == [0, 1, -1]
