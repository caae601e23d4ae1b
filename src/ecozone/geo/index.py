"""In-memory spatial index over polygons: a shapely STRtree whose geometries are prepared.

It answers point, bounding-box and geometry queries with the positions of the indexed
geometries; callers keep their own list of records in the same order.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely


class GeometryIndex:
    """Index of a fixed list of geometries (EPSG:4490); rebuilt, not mutated, when they change."""

    def __init__(self, geometries: Sequence[shapely.Geometry]) -> None:
        self._geoms = np.asarray(list(geometries), dtype=object)
        shapely.prepare(self._geoms)
        self._tree = shapely.STRtree(self._geoms)

    def __len__(self) -> int:
        return len(self._geoms)

    @property
    def geometries(self) -> np.ndarray:
        return self._geoms

    def bounds(self) -> tuple[float, float, float, float] | None:
        """The bounding box of everything indexed, or None when empty."""
        if len(self._geoms) == 0:
            return None
        return tuple(shapely.total_bounds(self._geoms).tolist())

    def query_point(self, lon: float, lat: float) -> list[int]:
        """Positions of the geometries that cover the point (boundary included), in order."""
        hits = self._tree.query(shapely.Point(lon, lat), predicate="intersects")
        return sorted(int(i) for i in hits)

    def query_bbox(self, minx: float, miny: float, maxx: float, maxy: float) -> list[int]:
        """Positions of the geometries that intersect the box."""
        hits = self._tree.query(shapely.box(minx, miny, maxx, maxy), predicate="intersects")
        return sorted(int(i) for i in hits)

    def query_geometry(self, geometry: shapely.Geometry, predicate: str = "intersects") -> list[int]:
        """Positions of the geometries for which ``predicate(indexed, geometry)`` holds."""
        hits = self._tree.query(geometry, predicate=predicate)
        return sorted(int(i) for i in hits)

    def points_hits(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every (point, geometry) pair where the geometry covers the point, sorted by point then
        position (vectorized; the bulk form of ``query_point``)."""
        point_idx, geom_idx = self._covering(points)
        order = np.lexsort((geom_idx, point_idx))
        return point_idx[order], geom_idx[order]

    def locate_points(self, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
        """For each point, the position of the first geometry covering it, or -1 (vectorized)."""
        points = shapely.points(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
        point_idx, geom_idx = self._covering(points)
        result = np.full(len(points), -1, dtype=np.int64)
        # The tree returns hits in tree order: sort by (point, position) and keep each point's
        # first, so the lowest position wins where units touch on a boundary.
        order = np.lexsort((geom_idx, point_idx))
        point_idx, geom_idx = point_idx[order], geom_idx[order]
        first = np.ones(len(point_idx), dtype=bool)
        first[1:] = point_idx[1:] != point_idx[:-1]
        result[point_idx[first]] = geom_idx[first]
        return result

    def _covering(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(point, geometry) pairs where the geometry covers the point. The tree's predicate
        would test each pair on the point (prepared inputs are the query's); testing on the
        prepared indexed polygons instead is ~10-100x faster for large polygons."""
        point_idx, geom_idx = self._tree.query(points)
        hit = shapely.intersects(self._geoms[geom_idx], np.asarray(points, dtype=object)[point_idx])
        return point_idx[hit], geom_idx[hit]
