"""Which siting pieces the rules cannot tell apart, so that one screening answers for all of them.

A piece is judged at one interior point. The rules read of that point only the units and regions
it lies in and, for each band a rule draws (``BandKey``), whether the point is certainly within
it, in its band of doubt (the feature's stated accuracy), or outside — the three outcomes of the
evaluator's feature check. From these each rule's ``where`` is answered as the evaluator answers
it (true, undecided, false); the rest of a rule (nature, industry, conditions) is the same at
every point. Points whose rules all answer alike get the same findings but for distances quoted
in the reasons, hence the same verdict and deciding rules.

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
from ecozone.zoning.catalog import DISTANCE_EPS_M, UnitHit
from ecozone.zoning.checks import check_industries, check_nature, check_units
from ecozone.zoning.project import Project
from ecozone.zoning.rules import Place, Rule, RuleFile

OUT, DOUBT, CERTAIN = 0, 1, 2
# Floating-point noise allowed on a distance (metres) before a point counts as on a threshold.
NOISE_M = 1e-7


def place_keys(screener: Screener, project: Project, points: np.ndarray) -> tuple[list[tuple], list[Overlay | None]]:
    """For each point, the answer of the ``where`` of each rule that may apply to ``project``
    (true, undecided or false — false, too, outside the rule's jurisdiction) — pieces with equal
    keys share one screening — and the point's overlay. A point near a band's threshold, or
    outside the territory, gets a key of its own."""
    files = _files_that_may_apply(screener, project)
    rules = [rule for _, rule in files]
    bands = band_keys(screener, rules)
    outcomes, ambiguous = band_outcomes(screener, bands, points)
    located = point_overlays(screener.snapshot, points)
    named_units = {code for rule in rules for place in rule.where for code in place.units}
    named_elements = sorted({e for rule in rules for place in rule.where for e in place.elements})
    named_regions = {f.jurisdiction for f, _ in files} | {c for rule in rules for place in rule.where for c in place.regions}
    where = _Where(screener, files, bands)
    keys: list[tuple] = []
    known: dict[tuple, tuple] = {}
    for k, place in enumerate(located):
        if place is None or ambiguous[k]:
            keys.append(("alone", k))
            continue
        # Points alike in what the places read (unit class, the elements and codes rules name,
        # regions, band outcomes) have the same answers: each such case is worked out once.
        codes = frozenset(r.code for r in place.regions if r.code in named_regions)
        case = (
            tuple(sorted(
                (int(o.unit.unit_class), tuple(e for e in named_elements if any(e in x for x in o.unit.elements)),
                 o.unit.code if o.unit.code in named_units else "")
                for o in place.units
            )),
            codes,
            outcomes[k].tobytes(),
        )
        if case not in known:
            known[case] = where.answers(codes, place, outcomes[k])
        keys.append(known[case])
    return keys, located


class _Where:
    """The evaluator's ``where`` check of each rule, from a point's overlay and band outcomes
    (the same three-valued any-of over the rule's places; reasons aside)."""

    def __init__(self, screener: Screener, files: list[tuple[RuleFile, Rule]], bands: list[BandKey]) -> None:
        self._screener = screener
        self._files = files
        self._band_at = {band: b for b, band in enumerate(bands)}

    def answers(self, codes: frozenset[str], located: Overlay, outcomes: np.ndarray) -> tuple:
        """Each rule's answer at a point in the regions ``codes`` (those rules are bound to or
        name), with the units and band outcomes of ``located``."""
        units = [UnitHit.from_unit(o.unit) for o in located.units]
        return tuple(
            # Outside its jurisdiction a rule is not looked at: no finding, as when its place is false.
            rule_file.jurisdiction in codes and self._rule(rule, codes, units, outcomes)
            for rule_file, rule in self._files
        )

    def _rule(self, rule: Rule, codes: frozenset[str], units: list[UnitHit], outcomes: np.ndarray) -> bool | None:
        states = [self._place(place, codes, units, outcomes) for place in rule.where]
        return True if True in states else (None if None in states else False)

    def _place(self, place: Place, codes: frozenset[str], units: list[UnitHit], outcomes: np.ndarray) -> bool | None:
        if place.anywhere:
            return True
        if place.regions:
            return bool(codes.intersection(place.regions))
        if place.features is not None:
            selection = self._screener.catalog.select(place.features)
            outcome = OUT
            if selection.indices:
                outcome = outcomes[self._band_at[BandKey(selection.indices, self._screener.evaluator.distance_of(place))]]
            if outcome == CERTAIN:
                return True
            return None if outcome == DOUBT or selection.missing else False
        return check_units(place, units).state


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
