"""GCJ-02 ⇄ WGS84 conversion, vectorized with numpy.

GCJ-02 is the obfuscated lon/lat frame that Chinese web maps (AutoNavi/Amap, Tencent, the
Chinese Google map) publish. Its forward formula (WGS84 → GCJ-02) is public: a smooth offset
of a few hundred metres, built from two polynomial-plus-sine series in ``(lon - 105, lat - 35)``
and scaled to degrees on the Krasovsky ellipsoid (a = 6378245 m, e² = 0.00669342162296594323).
Outside mainland China's bounding box the offset is not applied (the usual convention).

There is no closed-form inverse. ``gcj02_to_wgs84`` solves ``forward(w) = g`` by fixed-point
iteration: start at ``w₀ = g`` and repeat ``w ← w − (forward(w) − g)``. The offset varies slowly
(its derivative is ~1e-5), so each step gains about five digits; three to four steps reach the
tolerance (1e-10 degrees, ~0.01 mm) and the result round-trips exactly to float precision.

CGCS2000 (EPSG:4490, the storage frame) is taken as equal to WGS84: the two frames differ by a
few centimetres, far below the accuracy of any boundary handled here.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import shapely

_KRASOVSKY_A = 6378245.0
_KRASOVSKY_EE = 0.00669342162296594323

# Mainland China bounding box of the reference implementations; outside it GCJ-02 == WGS84.
_CHINA_LON = (72.004, 137.8347)
_CHINA_LAT = (0.8293, 55.8271)

INVERSE_TOLERANCE_DEG = 1e-10
INVERSE_MAX_ITERATIONS = 30

FloatArray = npt.NDArray[np.float64]


def _offset_lat(x: FloatArray, y: FloatArray) -> FloatArray:
    result = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    result += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    result += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    result += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return result


def _offset_lon(x: FloatArray, y: FloatArray) -> FloatArray:
    result = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    result += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    result += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    result += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return result


def in_china(lon: npt.ArrayLike, lat: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """True where the point lies in the box where GCJ-02 applies its offset."""
    lon_a = np.asarray(lon, dtype=float)
    lat_a = np.asarray(lat, dtype=float)
    return (
        (lon_a >= _CHINA_LON[0])
        & (lon_a <= _CHINA_LON[1])
        & (lat_a >= _CHINA_LAT[0])
        & (lat_a <= _CHINA_LAT[1])
    )


def _gcj02_offset(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The GCJ-02 offset (degrees) at WGS84 ``lon``/``lat``; zero outside China."""
    d_lat = _offset_lat(lon - 105.0, lat - 35.0)
    d_lon = _offset_lon(lon - 105.0, lat - 35.0)
    rad_lat = np.radians(lat)
    magic = 1.0 - _KRASOVSKY_EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_KRASOVSKY_A * (1.0 - _KRASOVSKY_EE)) / (magic * sqrt_magic) * np.pi)
    d_lon = (d_lon * 180.0) / (_KRASOVSKY_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    inside = in_china(lon, lat)
    return np.where(inside, d_lon, 0.0), np.where(inside, d_lat, 0.0)


def wgs84_to_gcj02(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Convert WGS84 (≈ CGCS2000) lon/lat arrays to GCJ-02."""
    lon_a = np.asarray(lon, dtype=float)
    lat_a = np.asarray(lat, dtype=float)
    d_lon, d_lat = _gcj02_offset(lon_a, lat_a)
    return lon_a + d_lon, lat_a + d_lat


def gcj02_to_wgs84(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Convert GCJ-02 lon/lat arrays to WGS84 (≈ CGCS2000) by fixed-point iteration."""
    g_lon = np.asarray(lon, dtype=float)
    g_lat = np.asarray(lat, dtype=float)
    w_lon, w_lat = g_lon.copy(), g_lat.copy()
    # Each point stops on its own convergence, so a vertex converts to the same bits whatever
    # array it comes in (shared boundary vertices of neighbouring polygons stay identical).
    active = np.ones(g_lon.shape, dtype=bool)
    for _ in range(INVERSE_MAX_ITERATIONS):
        f_lon, f_lat = wgs84_to_gcj02(w_lon, w_lat)
        e_lon, e_lat = f_lon - g_lon, f_lat - g_lat
        w_lon = np.where(active, w_lon - e_lon, w_lon)
        w_lat = np.where(active, w_lat - e_lat, w_lat)
        active &= (np.abs(e_lon) >= INVERSE_TOLERANCE_DEG) | (np.abs(e_lat) >= INVERSE_TOLERANCE_DEG)
        if not active.any():
            break
    return w_lon, w_lat


def geometry_gcj02_to_wgs84(geometry: shapely.Geometry | npt.ArrayLike) -> shapely.Geometry:
    """Return ``geometry`` (or an array of geometries) with every vertex converted to WGS84."""
    return shapely.transform(geometry, lambda xy: np.column_stack(gcj02_to_wgs84(xy[:, 0], xy[:, 1])))
