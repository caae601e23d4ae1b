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

from collections.abc import Callable
from functools import partial

import numpy as np
import shapely

from ecozone.screening.engine import Screener
from ecozone.screening.overlay import Overlay, point_overlays
from ecozone.screening.siting_pieces import BandKey, band_keys
from ecozone.zoning.catalog import DISTANCE_EPS_M
from ecozone.zoning.checks import check_industries, check_nature
from ecozone.zoning.project import Project
from ecozone.zoning.rules import Rule, RuleFile

OUT, DOUBT, CERTAIN = 0, 1, 2
# Floating-point noise allowed on a distance (metres) before a point counts as on a threshold.
NOISE_M = 1e-7


def place_keys(screener: Screener, project: Project, points: np.ndarray) -> tuple[list[tuple], list[Overlay | None]]:
    """For each point, what the rules that may apply to ``project`` read of it — the class,
    elements and (where a rule names it) code of each unit it lies in, the regions a rule is bound
    to or names, and the outcome of each band — and the point's overlay. A point near a band's
    threshold, or outside the territory, gets a key of its own."""
    files = _files_that_may_apply(screener, project)
    rules = [rule for _, rule in files]
    named_units = {code for rule in rules for place in rule.where for code in place.units}
    named_elements = {e for rule in rules for place in rule.where for e in place.elements}
    named_regions = {f.jurisdiction for f, _ in files} | {c for rule in rules for place in rule.where for c in place.regions}
    bands = band_keys(screener, rules)
    outcomes, ambiguous = band_outcomes(screener, bands, points)
    # A band matters at a point only through the rules of jurisdictions the point lies in (the
    # evaluator skips the other rule files).
    bound = [{f.jurisdiction for f, rule in files if key in band_keys(screener, [rule])} for key in bands]
    located = point_overlays(screener.snapshot, points)
    keys: list[tuple] = []
    for k, place in enumerate(located):
        if place is None or ambiguous[k]:
            keys.append(("alone", k))
            continue
        codes = {r.code for r in place.regions}
        for b, jurisdictions in enumerate(bound):
            if outcomes[k, b] and not jurisdictions & codes:
                outcomes[k, b] = OUT
        units = tuple(sorted(
            (
                int(o.unit.unit_class),
                tuple(sorted(e for e in named_elements if any(e in element for element in o.unit.elements))),
                o.unit.code if o.unit.code in named_units else "",
            )
            for o in place.units
        ))
        regions = tuple(r.code for r in place.regions if r.code in named_regions)
        keys.append((units, regions, outcomes[k].tobytes()))
    return keys, located


def _files_that_may_apply(screener: Screener, project: Project) -> list[tuple[RuleFile, Rule]]:
    """The rules in force that the project's nature and industry do not already rule out (the
    evaluator's own checks; a rule that also names project kinds is kept)."""
    as_of = screener.snapshot.as_of
    return [
        (rule_file, rule)
        for rule_file in screener.rulebook.files
        for rule in rule_file.rules
        if rule.in_force(as_of)
        and check_nature(rule.natures, project).state is not False
        and not (rule.who.industries and not rule.who.kinds and check_industries(rule.who.industries, project).state is False)
    ]


def band_outcomes(screener: Screener, keys: list[BandKey], points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per point (lon/lat) and band key, ``OUT``/``DOUBT``/``CERTAIN``; and per point whether it
    lies too close to a threshold to be grouped."""
    features = sorted({i for key in keys for i in key.indices})
    if not features or len(points) == 0:
        return np.zeros((len(points), len(keys)), dtype=np.int8), np.zeros(len(points), dtype=bool)
    catalog = screener.catalog
    # catalog.measure projects (and prepares) exactly as the evaluator's probe does.
    probes = shapely.get_parts(catalog.measure(shapely.MultiPoint(list(points))).geometry)
    # The evaluator divides by the point scale at the probe's easting (≥ 1, largest for the point
    # farthest from the central meridian): first bound the ground distance by the widest scale,
    # then take the exact scale of the few points that bound leaves undecided.
    widest = catalog.measure(points[int(np.argmax(np.abs(shapely.get_x(probes))))]).scale
    pairs = _Pairs(catalog, keys, features, probes, widest)
    low, high = np.ones(len(points)), np.full(len(points), widest)
    outcomes, ambiguous = pairs.outcomes(low, high)
    if ambiguous.any():
        undecided = np.flatnonzero(ambiguous)
        low[undecided] = high[undecided] = [catalog.measure(p).scale for p in points[undecided]]
        outcomes, ambiguous = pairs.outcomes(low, high)
    return outcomes, ambiguous


class _Pairs:
    """The (point, feature) pairs within reach of some band, in the catalog's CRS; thresholds are
    tested with ``dwithin`` on the prepared features (no distance is computed)."""

    def __init__(self, catalog, keys: list[BandKey], features: list[int], probes: np.ndarray, widest: float) -> None:
        accuracy = np.asarray([catalog.accuracy(i) for i in features])
        shapes = np.asarray([catalog.measure(catalog.feature(i).geometry).geometry for i in features], dtype=object)
        position = {index: p for p, index in enumerate(features)}
        reach = np.zeros(len(features))
        for key in keys:
            at = [position[i] for i in key.indices]
            reach[at] = np.maximum(reach[at], key.distance_m + accuracy[at] + DISTANCE_EPS_M)
        point_at, feature_at = [], []
        for value in np.unique(reach):
            group = np.flatnonzero(reach == value)
            distance = value * widest + NOISE_M
            p, g = _near_boxes(shapes[group], probes, distance)
            within = shapely.dwithin(shapes[group][g], probes[p], distance)
            point_at.append(p[within])
            feature_at.append(group[g[within]])
        self.point_at = np.concatenate(point_at)
        feature_at = np.concatenate(feature_at)
        self.n = len(probes)
        self.shapes, self.probes = shapes[feature_at], probes[self.point_at]
        self.accuracy = accuracy[feature_at]
        self.touching = shapely.intersects(self.shapes, self.probes)
        self.members = [np.isin(feature_at, [position[i] for i in key.indices]) for key in keys]
        self.keys = keys

    def outcomes(self, low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Outcomes with each point's scale between ``low`` and ``high``; ambiguous where the two
        bounds (or the depth in an inaccurate zone) give different outcomes."""
        outcomes = np.zeros((self.n, len(self.keys)), dtype=np.int8)
        ambiguous = np.zeros(self.n, dtype=bool)
        for k, key in enumerate(self.keys):
            m = self.members[k]
            if not m.any():
                continue
            shapes, probes, at = self.shapes[m], self.probes[m], self.point_at[m]
            # Two readings of one test: surely within (smallest scale, minus noise), maybe within.
            surely = partial(_within, shapes, probes, low[at], -NOISE_M)
            maybe = partial(_within, shapes, probes, high[at], NOISE_M)
            inner = _outcome(key.distance_m, maybe, self.touching[m], self.accuracy[m], deep=True)
            outer = _outcome(key.distance_m, surely, self.touching[m], self.accuracy[m], deep=False)
            np.maximum.at(outcomes[:, k], at, outer)
            np.logical_or.at(ambiguous, at, inner != outer)
        return outcomes, ambiguous


def _within(shapes: np.ndarray, probes: np.ndarray, scale: np.ndarray, noise: float, ground: np.ndarray) -> np.ndarray:
    """Whether each probe lies within ``ground`` metres (ground distance, at the probe's point
    ``scale``, give or take ``noise``) of its shape."""
    limit = ground * scale + noise
    result = np.zeros(len(limit), dtype=bool)
    positive = limit >= 0
    result[positive] = shapely.dwithin(shapes[positive], probes[positive], limit[positive])
    return result


def _near_boxes(shapes: np.ndarray, probes: np.ndarray, distance: float) -> tuple[np.ndarray, np.ndarray]:
    """(probe, shape) pairs whose envelopes lie within ``distance`` of each other."""
    x, y = shapely.get_x(probes), shapely.get_y(probes)
    boxes = shapely.box(x - distance, y - distance, x + distance, y + distance)
    return shapely.STRtree(shapes).query(boxes)


def _outcome(
    limit: float, within: Callable[[np.ndarray], np.ndarray], touching: np.ndarray, accuracy: np.ndarray, deep: bool
) -> np.ndarray:
    """The evaluator's feature check for (point, feature) pairs, given ``within(d)``: whether the
    ground distance is at most ``d``. Out beyond the band and the doubt; certain for an exactly
    drawn feature, or when within the band even if the feature lies ``accuracy`` off; else
    doubtful. Inside an inaccurately drawn zone its depth would decide: ``deep`` is assumed (the
    caller tries both, so that such a point, whose answers differ, is screened alone)."""
    reached = within(limit + accuracy + DISTANCE_EPS_M)
    exact = accuracy == 0
    if limit > 0:
        certain = exact | within(limit - accuracy + DISTANCE_EPS_M)
    else:
        certain = exact | (touching & deep)
    return np.where(reached & certain, CERTAIN, np.where(reached, DOUBT, OUT)).astype(np.int8)
