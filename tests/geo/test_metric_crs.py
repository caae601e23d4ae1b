"""Metric helpers: hand-checkable areas, lengths, buffers and distances near Taiyuan."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from pyproj import Geod

from ecozone.errors import BadInput
from ecozone.geo.metric import (
    area_m2,
    buffer_m,
    distance_m,
    from_metric,
    length_m,
    metric_crs_for,
    province_equal_area_crs,
    to_metric,
)

# Hand computation on the CGCS2000 (GRS80) ellipsoid, a = 6378137 m, e² = 0.00669438002290,
# at the square's mid-latitude φ = 37.805°:
#   N = a / sqrt(1 - e² sin²φ)          = 6 386 173.77 m (prime vertical radius)
#   M = a (1 - e²) / (1 - e² sin²φ)^1.5 = 6 359 418.42 m (meridian radius)
#   width  = N cos φ · 0.01° (in rad)   =   880.645 m
#   height = M · 0.01° (in rad)         = 1 109.928 m
#   area   = width × height             = 977 452.7 m²
SQUARE = shapely.box(112.0, 37.8, 112.01, 37.81)
WIDTH_M, HEIGHT_M = 880.645, 1109.928


def test_area_of_a_hundredth_degree_square_at_37_8_n():
    assert float(area_m2(SQUARE)) == pytest.approx(WIDTH_M * HEIGHT_M, rel=1e-5)


def test_equal_area_crs_gives_the_same_area():
    assert float(area_m2(SQUARE, province_equal_area_crs())) == pytest.approx(WIDTH_M * HEIGHT_M, rel=1e-5)


def test_lengths_along_parallel_and_meridian():
    # Along the parallel at 37.8°: N cos φ Δλ with φ = 37.8° exactly = 880.705 m.
    assert float(length_m(shapely.LineString([(112.0, 37.8), (112.01, 37.8)]))) == pytest.approx(880.705, abs=0.05)
    assert float(length_m(shapely.LineString([(112.0, 37.8), (112.0, 37.81)]))) == pytest.approx(HEIGHT_M, abs=0.05)
    assert float(length_m(SQUARE)) == pytest.approx(2 * (WIDTH_M + HEIGHT_M), rel=1e-4)


def test_distance_between_points():
    assert distance_m(shapely.Point(112.0, 37.8), shapely.Point(112.01, 37.8)) == pytest.approx(880.705, abs=0.05)
    assert distance_m(shapely.Point(112.55, 37.87), shapely.Point(112.55, 37.87)) == 0.0


def test_buffer_is_a_metric_circle():
    circle = buffer_m(shapely.Point(112.55, 37.87), 1000.0)  # 8 segments per quarter: a 32-gon
    polygon_area = 32 / 2 * 1000.0**2 * math.sin(2 * math.pi / 32)  # = 3 121 445 m²
    assert float(area_m2(circle)) == pytest.approx(polygon_area, rel=1e-4)
    assert distance_m(shapely.Point(112.55, 37.87), circle.exterior) == pytest.approx(1000.0 * math.cos(math.pi / 32), rel=1e-4)


def test_metric_crs_is_centred_on_the_geometry():
    crs = metric_crs_for(SQUARE)
    centre = to_metric(shapely.Point(112.005, 37.805), crs)
    assert abs(centre.x) < 1e-6 and abs(centre.y) < 1e-6
    assert crs.ellipsoid.name.startswith("GRS 1980") or "2000" in crs.ellipsoid.name
    assert metric_crs_for((112.0, 37.8, 112.01, 37.81)) == crs


def test_to_and_from_metric_round_trip_on_arrays():
    geoms = np.array([SQUARE, shapely.Point(112.3, 37.5), shapely.LineString([(111, 36), (113, 39)])], dtype=object)
    crs = metric_crs_for(geoms)
    back = from_metric(to_metric(geoms, crs), crs)
    assert np.allclose(shapely.get_coordinates(back), shapely.get_coordinates(geoms), atol=1e-9)
    areas = area_m2(geoms, crs)
    assert areas.shape == (3,) and areas[1] == 0.0


def test_province_equal_area_matches_the_ellipsoid_and_sums_parts():
    # Edges are densified (0.01°) so that straight lon/lat edges mean the same on every side.
    whole = shapely.segmentize(shapely.box(110.5, 35.0, 114.5, 40.5), 0.01)
    parts = shapely.segmentize(
        np.array([shapely.box(x, y, x + 1.0, y + 0.5) for x in np.arange(110.5, 114.5, 1.0) for y in np.arange(35.0, 40.5, 0.5)]), 0.01
    )
    crs = province_equal_area_crs()
    geodesic, _ = Geod(ellps="GRS80").geometry_area_perimeter(whole)
    assert float(area_m2(whole, crs)) == pytest.approx(abs(geodesic), rel=1e-5)
    assert float(np.sum(area_m2(parts, crs))) == pytest.approx(float(area_m2(whole, crs)), rel=1e-9)


def test_bad_input_names_the_geometry():
    with pytest.raises(BadInput) as empty:
        metric_crs_for(shapely.Polygon())
    assert empty.value.detail["field"] == "geometry"
    with pytest.raises(BadInput) as projected:
        metric_crs_for(shapely.box(500_000, 4_000_000, 501_000, 4_001_000))
    assert "lon/lat" in projected.value.message
