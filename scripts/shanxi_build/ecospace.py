"""How much land each class gets: the relief thresholds calibrated to the published figures.

The demonstration draws 优先保护 land where the relief is high (the mountain ranges), on top of
the reserves, water sources, lakes and river corridors, and 重点管控 land where it is low (the
basin floors), on top of the towns, development zones, mining areas and polluted reaches. How
high and how low is not known from any open source, so the two thresholds are calibrated on a
grid of sample points: one pair for the province so that its shares equal the published ones,
and one pair per county for the counties whose own shares are published (阳泉's five), so that
those match too. Everything is computed on the grid; the build then draws the contours.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from .regions import Regions
from .terrain import Terrain

INF = float("inf")


@dataclass(frozen=True)
class Samples:
    """Grid points inside the province, their county and area weight (∝ cos latitude)."""

    x: np.ndarray
    y: np.ndarray
    weight: np.ndarray
    county: np.ndarray


@dataclass(frozen=True)
class Calibration:
    """Relief thresholds per county: priority where relief ≥ upper, key where relief ≤ lower."""

    upper: dict[str, float]
    lower: dict[str, float]
    area_km2: dict[str, tuple[float, float, float]]  # county -> sampled area of class 1, 2, 3


def sample_counties(regions: Regions, step_deg: float) -> Samples:
    """A regular lon/lat grid over the province, each point tagged with its county."""
    minx, miny, maxx, maxy = regions.province.geometry.bounds
    xs = np.round(np.arange(minx, maxx, step_deg) + step_deg / 2, 6)
    ys = np.round(np.arange(miny, maxy, step_deg) + step_deg / 2, 6)
    gx, gy = (a.ravel() for a in np.meshgrid(xs, ys))
    county = np.full(gx.shape, "", dtype=object)
    for code, region in regions.counties.items():
        bx0, by0, bx1, by1 = region.geometry.bounds
        near = np.flatnonzero((gx >= bx0) & (gx <= bx1) & (gy >= by0) & (gy <= by1))
        inside = shapely.contains_xy(region.geometry, gx[near], gy[near])
        county[near[inside]] = code
    keep = county != ""
    return Samples(gx[keep], gy[keep], np.cos(np.radians(gy[keep])), county[keep])


def covered(geometry: shapely.Geometry, samples: Samples) -> np.ndarray:
    """Which sample points lie in ``geometry``."""
    shapely.prepare(geometry)
    return shapely.contains_xy(geometry, samples.x, samples.y)


def _threshold_from_top(values: np.ndarray, weights: np.ndarray, wanted: float) -> float:
    """The smallest t with Σ weights[values ≥ t] ≥ wanted (INF when nothing is wanted)."""
    if wanted <= 0 or len(values) == 0:
        return INF
    order = np.argsort(-values, kind="stable")
    cumulative = np.cumsum(weights[order])
    index = int(np.searchsorted(cumulative, wanted))
    return -INF if index >= len(order) else float(values[order[index]])


def _upper(relief, weight, fixed, target_share) -> float:
    wanted = target_share * weight.sum() - weight[fixed].sum()
    return _threshold_from_top(relief[~fixed], weight[~fixed], wanted)


def _lower(relief, weight, taken, fixed, target_share) -> float:
    free = ~taken & ~fixed
    wanted = target_share * weight.sum() - weight[fixed & ~taken].sum()
    return -_threshold_from_top(-relief[free], weight[free], wanted)


def calibrate(
    samples: Samples,
    relief: np.ndarray,
    fixed_priority: np.ndarray,
    fixed_key: np.ndarray,
    published: dict[str, Any],
) -> Calibration:
    """Thresholds so that the province's and the published counties' shares come out right."""
    own = published["counties"]["figures"]
    in_own = np.isin(samples.county, list(own))
    km2_per_weight = _km2_per_weight(samples)
    upper: dict[str, float] = {}
    lower: dict[str, float] = {}
    for code, figures in own.items():
        m = samples.county == code
        upper[code] = _upper(relief[m], samples.weight[m], fixed_priority[m], figures["share_pct"][1] / 100)
    priority = fixed_priority | (relief >= np.array([upper.get(c, INF) for c in samples.county]))
    total = samples.weight.sum()
    rest = ~in_own
    share_rest = (published["province"]["share_pct"][1] / 100 * total - samples.weight[priority & in_own].sum()) / samples.weight[rest].sum()
    province_upper = _upper(relief[rest], samples.weight[rest], fixed_priority[rest], share_rest)
    priority |= rest & (relief >= province_upper)
    for code, figures in own.items():
        m = samples.county == code
        lower[code] = _lower(relief[m], samples.weight[m], priority[m], fixed_key[m], figures["share_pct"][2] / 100)
    key = ~priority & (fixed_key | (relief <= np.array([lower.get(c, -INF) for c in samples.county])))
    key_rest = (published["province"]["share_pct"][2] / 100 * total - samples.weight[key & in_own].sum()) / samples.weight[rest].sum()
    province_lower = _lower(relief[rest], samples.weight[rest], priority[rest], fixed_key[rest], key_rest)
    key |= rest & ~priority & (relief <= province_lower)
    codes = sorted(set(samples.county))
    area = {}
    for code in codes:
        m = samples.county == code
        w = samples.weight[m]
        area[code] = (
            float(w[priority[m]].sum() * km2_per_weight),
            float(w[key[m]].sum() * km2_per_weight),
            float(w[~priority[m] & ~key[m]].sum() * km2_per_weight),
        )
        upper.setdefault(code, province_upper)
        lower.setdefault(code, province_lower)
    return Calibration(upper, lower, area)


def _km2_per_weight(samples: Samples) -> float:
    """Area of one unit of weight: a grid cell at the equator."""
    step = float(np.min(np.diff(np.unique(samples.x)))) if len(samples.x) > 1 else 0.0
    return (step * 111.32) ** 2


class ReliefRegions:
    """Contour regions of the relief, drawn once per distinct threshold."""

    def __init__(self, terrain: Terrain, simplify_deg: float) -> None:
        self._terrain = terrain
        self._simplify = simplify_deg
        self._cache: dict[tuple[str, float], shapely.Geometry] = {}
        self._big = float(np.nanmax(np.abs(terrain.relief))) * 2 + 1

    def above(self, threshold: float) -> shapely.Geometry:
        if threshold == INF:
            return shapely.Polygon()
        if ("above", threshold) not in self._cache:
            self._cache[("above", threshold)] = self._terrain.region(max(threshold, -self._big), self._big, self._simplify)
        return self._cache[("above", threshold)]

    def below(self, threshold: float) -> shapely.Geometry:
        if threshold == -INF:
            return shapely.Polygon()
        if ("below", threshold) not in self._cache:
            self._cache[("below", threshold)] = self._terrain.region(-self._big, min(threshold, self._big), self._simplify)
        return self._cache[("below", threshold)]
