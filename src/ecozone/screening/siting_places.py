"""Which siting pieces the rules cannot tell apart, so that one screening answers for all of them.

A piece is judged at one interior point. The rules read of that point only the units and regions
it lies in and, for each band a rule draws (``BandKey``), whether the point is certainly within
it, in its band of doubt (the feature's stated accuracy), or outside — the three outcomes of the
evaluator's feature check. Points alike in all of these get the same findings but for distances
quoted in the reasons, hence the same verdict and deciding rules.

The band outcomes are computed here for all points at once, from the catalog's own projection of
points and features. A point that lies within a small margin of a threshold (where the ground
distance the evaluator uses could fall on the other side, or whose answer needs its depth inside
an inaccurately drawn zone) is not grouped: it is screened alone.
"""

from __future__ import annotations

import numpy as np
import shapely

from ecozone.screening.engine import Screener
from ecozone.screening.siting_pieces import BandKey
from ecozone.zoning.catalog import DISTANCE_EPS_M

OUT, DOUBT, CERTAIN = 0, 1, 2
# Floating-point noise allowed on a distance (metres) before a point counts as on a threshold.
NOISE_M = 1e-7


def band_outcomes(screener: Screener, keys: list[BandKey], points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per point (lon/lat) and band key, ``OUT``/``DOUBT``/``CERTAIN``; and per point whether it
    lies too close to a threshold to be grouped."""
    features = sorted({i for key in keys for i in key.indices})
    if not features or len(points) == 0:
        return np.zeros((len(points), len(keys)), dtype=np.int8), np.zeros(len(points), dtype=bool)
    catalog = screener.catalog
    accuracy = np.asarray([catalog.accuracy(i) for i in features])
    # catalog.measure projects exactly as the evaluator's probe does (segmentized, same transformer).
    shapes = np.asarray([catalog.measure(catalog.feature(i).geometry).geometry for i in features], dtype=object)
    probes = shapely.get_parts(catalog.measure(shapely.MultiPoint(list(points))).geometry)
    reach = max(k.distance_m for k in keys) + float(accuracy.max())
    point_at, feature_at = shapely.STRtree(shapes).query(probes, predicate="dwithin", distance=reach + 1.0)
    pairs = _Pairs(keys, features, point_at, feature_at, shapely.distance(probes[point_at], shapes[feature_at]), accuracy)
    # The evaluator divides by the point scale at the probe's easting (≥ 1, largest for the point
    # farthest from the central meridian): first bound the ground distance by the widest scale,
    # then take the exact scale of the few points that bound leaves undecided.
    widest = catalog.measure(points[int(np.argmax(np.abs(shapely.get_x(probes))))]).scale
    low = np.full(len(points), widest)
    high = np.ones(len(points))
    outcomes, ambiguous = pairs.outcomes(len(points), low, high)
    if ambiguous.any():
        undecided = np.flatnonzero(ambiguous)
        low[undecided] = high[undecided] = [catalog.measure(p).scale for p in points[undecided]]
        outcomes, ambiguous = pairs.outcomes(len(points), low, high)
    return outcomes, ambiguous


class _Pairs:
    """The (point, feature) pairs within reach, with their distances in the catalog's CRS."""

    def __init__(
        self, keys: list[BandKey], features: list[int], point_at: np.ndarray, feature_at: np.ndarray,
        metric: np.ndarray, accuracy: np.ndarray,
    ) -> None:
        position = {index: p for p, index in enumerate(features)}
        self.members = [np.isin(feature_at, [position[i] for i in key.indices]) for key in keys]
        self.keys, self.point_at, self.metric = keys, point_at, metric
        self.accuracy = accuracy[feature_at]

    def outcomes(self, n: int, widest: np.ndarray, narrowest: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Outcomes with each point's scale between ``narrowest`` and ``widest``; ambiguous where
        the two bounds (or the depth in an inaccurate zone) give different outcomes."""
        outcomes = np.zeros((n, len(self.keys)), dtype=np.int8)
        ambiguous = np.zeros(n, dtype=bool)
        near = self.metric / widest[self.point_at] - NOISE_M
        far = self.metric / narrowest[self.point_at] + NOISE_M
        touching = self.metric == 0
        for k, key in enumerate(self.keys):
            m = self.members[k]
            if not m.any():
                continue
            inner = _outcome(key.distance_m, near[m], touching[m], self.accuracy[m], deep=True)
            outer = _outcome(key.distance_m, far[m], touching[m], self.accuracy[m], deep=False)
            np.maximum.at(outcomes[:, k], self.point_at[m], outer)
            np.logical_or.at(ambiguous, self.point_at[m], inner != outer)
        return outcomes, ambiguous


def _outcome(limit: float, distance: np.ndarray, touching: np.ndarray, accuracy: np.ndarray, deep: bool) -> np.ndarray:
    """The evaluator's feature check for (point, feature) pairs at a ground ``distance``: out
    beyond the band and the doubt; certain for an exactly drawn feature, or when within the band
    even if the feature lies ``accuracy`` off; else doubtful. Inside an inaccurately drawn zone
    its depth would decide: ``deep`` is assumed (the caller tries both, so that such a point,
    whose answers differ, is screened alone)."""
    reached = distance <= limit + accuracy + DISTANCE_EPS_M
    exact = accuracy == 0
    if limit > 0:
        certain = exact | (distance + accuracy <= limit + DISTANCE_EPS_M)
    else:
        certain = exact | (touching & deep)
    return np.where(reached & certain, CERTAIN, np.where(reached, DOUBT, OUT)).astype(np.int8)
