"""GCJ-02 ⇄ WGS84: published pairs, round trips across Shanxi, bit-stable shared vertices."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import Geod

from ecozone.geo.crs import to_storage_crs
from ecozone.geo.gcj02 import gcj02_to_wgs84, geometry_gcj02_to_wgs84, in_china, wgs84_to_gcj02

GEOD = Geod(ellps="GRS80")

# (WGS84 lon, lat) -> (GCJ-02 lon, lat), published with reference implementations:
# eviltransform's test vectors (Shanghai, Shenzhen, Beijing) and coordtransform's README example.
PUBLISHED = [
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),
    ((116.404, 39.915), (116.41024449916938, 39.91640428150164)),
]


@pytest.mark.parametrize(("wgs", "gcj"), PUBLISHED)
def test_forward_matches_published_pairs(wgs, gcj):
    lon, lat = wgs84_to_gcj02(*wgs)
    assert float(lon) == pytest.approx(gcj[0], abs=1e-9)
    assert float(lat) == pytest.approx(gcj[1], abs=1e-9)


@pytest.mark.parametrize(("wgs", "gcj"), PUBLISHED)
def test_inverse_recovers_published_wgs84(wgs, gcj):
    lon, lat = gcj02_to_wgs84(*gcj)
    assert float(lon) == pytest.approx(wgs[0], abs=1e-8)
    assert float(lat) == pytest.approx(wgs[1], abs=1e-8)


def test_round_trip_within_one_metre_across_shanxi():
    lons, lats = np.meshgrid(np.linspace(110.2, 114.6, 45), np.linspace(34.5, 40.8, 64))
    lons, lats = lons.ravel(), lats.ravel()
    back_lon, back_lat = gcj02_to_wgs84(*wgs84_to_gcj02(lons, lats))
    _, _, dist = GEOD.inv(lons, lats, back_lon, back_lat)
    assert np.max(dist) < 1.0
    assert np.max(dist) < 1e-3  # in practice the iteration converges to well under a millimetre


def test_offset_in_shanxi_is_a_few_hundred_metres():
    lon, lat = wgs84_to_gcj02(112.55, 37.87)
    _, _, dist = GEOD.inv(112.55, 37.87, float(lon), float(lat))
    assert 100 < dist < 800


def test_a_vertex_converts_to_the_same_bits_in_any_array():
    # Neighbouring polygons share vertices; each must convert identically whatever comes with it.
    shared = (112.123456, 37.654321)
    alone = gcj02_to_wgs84(np.array([shared[0]]), np.array([shared[1]]))
    mixed = gcj02_to_wgs84(np.array([111.0, shared[0], 137.0]), np.array([35.0, shared[1], 0.5]))
    assert alone[0][0] == mixed[0][1] and alone[1][0] == mixed[1][1]


def test_outside_china_is_unchanged():
    assert not in_china(2.35, 48.85)
    lon, lat = wgs84_to_gcj02(2.35, 48.85)
    assert (float(lon), float(lat)) == (2.35, 48.85)
    lon, lat = gcj02_to_wgs84(2.35, 48.85)
    assert (float(lon), float(lat)) == (2.35, 48.85)


def test_geometries_convert_vertex_by_vertex_and_through_the_crs_layer():
    polygon_gcj = shapely.box(112.5, 37.8, 112.6, 37.9)
    converted = geometry_gcj02_to_wgs84(polygon_gcj)
    expected = gcj02_to_wgs84(*shapely.get_coordinates(polygon_gcj).T)
    assert np.allclose(shapely.get_coordinates(converted), np.column_stack(expected), atol=0)
    assert shapely.equals_exact(to_storage_crs(polygon_gcj, "GCJ-02"), converted, tolerance=1e-12)
