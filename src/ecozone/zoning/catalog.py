"""Where a project is: the units and regions it hits, and the reference-feature catalog.

``FeatureCatalog`` projects reference features (rivers, lakes, zones …) once into one metric
CRS, indexes them, resolves rule selectors to features, and measures ground distances from a
project to the features rules look at.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import shapely
from pyproj import CRS, Transformer

from ecozone.geo.crs import STORAGE_CRS
from ecozone.geo.metric import metric_crs_for
from ecozone.geo.regions import ReferenceFeature
from ecozone.zoning.rules import FeatureSelector

# Mean Earth radius: the point scale of a transverse Mercator is 1 + x²/2R² at easting x.
_EARTH_RADIUS_M = 6_371_008.8
DISTANCE_EPS_M = 1e-6
# Geometries are straight between vertices in lon/lat (RFC 7946), not in the projected CRS; long
# edges are split to this length (in degrees, ~500 m) before projecting, so the projected edges
# follow the lon/lat ones to millimetres (a 30 km edge would otherwise bow by metres).
_SEGMENT_DEG = 0.005
# Feature outlines are cut into pieces of this many segments for distance queries, so the index
# finds the few pieces near a project instead of every vertex of a long river being walked.
_PIECE_SEGMENTS = 32


# --- the spatial context ---------------------------------------------------------------------


@dataclass(frozen=True)
class UnitHit:
    """A control unit the project touches."""

    code: str
    name: str
    unit_class: int
    elements: tuple[str, ...] = ()
    county_code: str = ""
    city_code: str = ""

    @classmethod
    def from_unit(cls, unit: Any) -> UnitHit:
        """From a ``ecozone.zoning.model.ControlUnit``."""
        return cls(unit.code, unit.name, int(unit.unit_class), tuple(unit.elements), unit.county_code, unit.city_code)


@dataclass(frozen=True)
class RegionHit:
    """An administrative region (province, city or county) the project lies in."""

    code: str
    name: str
    level: str


@dataclass(frozen=True)
class Selection:
    """Features a selector resolves to, and what it names that the catalog lacks."""

    indices: tuple[int, ...]
    missing: tuple[str, ...] = ()

    @cached_property
    def members(self) -> frozenset[int]:
        return frozenset(self.indices)


@dataclass(frozen=True)
class MetricProbe:
    """A project geometry projected once into the catalog's CRS, with the local scale factor."""

    geometry: shapely.Geometry
    scale: float


class FeatureCatalog:
    """Reference features projected once into one metric CRS and indexed (STRtree).

    Distances are measured in a transverse Mercator on CGCS2000 centred on the catalog and
    divided by the point scale at the project (1 + x²/2R²); edges are densified in lon/lat
    first. The result is the ground distance to well under a metre for the bands rules use.
    """

    def __init__(self, features: Sequence[ReferenceFeature], crs: CRS | None = None) -> None:
        self.features = list(features)
        self._index_of = {f.key: i for i, f in enumerate(self.features)}
        lonlat = np.asarray([f.geometry for f in self.features], dtype=object)
        bounds = tuple(shapely.total_bounds(lonlat)) if len(lonlat) else (112.0, 37.0, 112.0, 37.0)
        self.crs = crs or metric_crs_for(bounds)
        # Kept here rather than looked up per call: projecting the project is the hot path.
        self._transformer = Transformer.from_crs(STORAGE_CRS, self.crs, always_xy=True)
        self._metric = self._project(shapely.segmentize(lonlat, _SEGMENT_DEG)) if len(lonlat) else lonlat
        shapely.prepare(self._metric)
        self._tree = shapely.STRtree(self._metric)
        self._selections: dict[str, Selection] = {}
        self._by_selector: dict[int, tuple[FeatureSelector, Selection]] = {}
        self._pieces: tuple[np.ndarray, np.ndarray, shapely.STRtree] | None = None

    def __len__(self) -> int:
        return len(self.features)

    # Sent to Dask workers with the screener: the lazily built distance index and the lookups by
    # object identity are rebuilt there rather than shipped.
    def __getstate__(self) -> dict:
        return {**self.__dict__, "_pieces": None, "_by_selector": {}}

    def feature(self, index: int) -> ReferenceFeature:
        return self.features[index]

    def select(self, selector: FeatureSelector) -> Selection:
        """The features a selector names (memoized per catalog)."""
        # Looked up by identity first: the rulebook's selectors live as long as the catalog is used.
        known = self._by_selector.get(id(selector))
        if known is not None and known[0] is selector:
            return known[1]
        memo_key = repr(selector)
        if memo_key not in self._selections:
            self._selections[memo_key] = self._select(selector)
        self._by_selector[id(selector)] = (selector, self._selections[memo_key])
        return self._selections[memo_key]

    def _select(self, selector: FeatureSelector) -> Selection:
        missing = [k for k in selector.keys if k not in self._index_of]
        candidates = (
            [self._index_of[k] for k in selector.keys if k in self._index_of] if selector.keys else range(len(self.features))
        )
        if selector.flows_into and selector.flows_into not in self._index_of:
            missing.append(selector.flows_into)
        picked = tuple(i for i in candidates if self._matches(self.features[i], selector))
        if not picked and not selector.keys and not missing:
            missing.append(_describe_selector(selector))
        return Selection(picked, tuple(missing))

    def _matches(self, feature: ReferenceFeature, selector: FeatureSelector) -> bool:
        if selector.kind and feature.kind != selector.kind:
            return False
        if any(feature.attributes.get(k) != v for k, v in selector.attributes.items()):
            return False
        if selector.flows_into:
            chain = self._downstream(feature.key)
            return selector.flows_into in (chain if selector.include_self else chain[1:])
        return True

    def _downstream(self, key: str) -> list[str]:
        """The key and the keys of the rivers it flows into, following ``attributes.parent``."""
        chain = [key]
        while len(chain) <= len(self.features):
            index = self._index_of.get(chain[-1])
            parent = self.features[index].attributes.get("parent") if index is not None else None
            if not parent or parent in chain:
                break
            chain.append(parent)
        return chain

    def _project(self, geometries: Any) -> Any:
        transform = self._transformer.transform
        return shapely.transform(geometries, lambda xy: np.column_stack(transform(xy[:, 0], xy[:, 1])))

    def measure(self, geometry: shapely.Geometry) -> MetricProbe:
        """Project a lon/lat geometry into the catalog CRS (once per evaluation)."""
        return self.measure_many([geometry])[0]

    def measure_many(self, geometries: Sequence[shapely.Geometry]) -> list[MetricProbe]:
        """``measure`` for many geometries with one transformation call."""
        metric = self._project(shapely.segmentize(np.asarray(geometries, dtype=object), _SEGMENT_DEG))
        shapely.prepare(metric)
        eastings = shapely.get_x(shapely.centroid(metric))
        scales = 1.0 + eastings * eastings / (2.0 * _EARTH_RADIUS_M**2)
        return [MetricProbe(g, float(k)) for g, k in zip(metric, scales.tolist(), strict=True)]

    def accuracy(self, index: int) -> float:
        """How far (metres) the feature may lie from where the catalog draws it: its stated
        ``accuracy_m`` (0 for a feature drawn from survey-grade or administrative data)."""
        return float(self.features[index].attributes.get("accuracy_m") or 0.0)

    def depth(self, index: int, probe: MetricProbe) -> float:
        """How far inside an area feature the probe lies (ground metres; 0 when not inside)."""
        geometry = self._metric[index]
        if shapely.get_dimensions(geometry) < 2 or not shapely.covers(geometry, probe.geometry):
            return 0.0
        return float(shapely.distance(shapely.boundary(geometry), probe.geometry)) / probe.scale

    def near(self, probe: MetricProbe, limits: Mapping[int, float]) -> dict[int, float]:
        """Ground distances to the features of ``limits`` (position → band in metres) that lie
        within their band of the probe; a feature the probe touches is at 0."""
        return self.near_many([probe], limits)[0]

    def near_many(self, probes: Sequence[MetricProbe], limits: Mapping[int, float]) -> list[dict[int, float]]:
        """``near`` for many probes: index queries for all at once, distances on arrays of pairs.

        A feature touched by the probe is at 0. Otherwise its distance is the least distance to
        the short pieces its outline is cut into (the same segments, so the same number as the
        distance to the whole outline), found by the index within the widest band."""
        found: list[dict[int, float]] = [{} for _ in probes]
        if not limits or not probes or not len(self.features):
            return found
        band = np.full(len(self.features), -1.0)
        band[np.fromiter(limits.keys(), dtype=np.int64)] = np.fromiter(limits.values(), dtype=float)
        geometries = np.asarray([p.geometry for p in probes], dtype=object)
        scales = np.asarray([p.scale for p in probes])
        # Box candidates, then each pair tested on the prepared feature (the tree's own predicate
        # would prepare the probe and walk every vertex of a large feature).
        touch_probe, touch_feature = self._tree.query(geometries)
        looked_at = band[touch_feature] >= 0
        touch_probe, touch_feature = touch_probe[looked_at], touch_feature[looked_at]
        touches = shapely.intersects(self._metric[touch_feature], geometries[touch_probe])
        touch_probe, touch_feature = touch_probe[touches], touch_feature[touches]
        pieces, owners, piece_tree = self._outline_pieces()
        reach = max(limits.values()) * scales + 1.0
        near_probe, near_piece = piece_tree.query(geometries, predicate="dwithin", distance=reach)
        near_feature = owners[near_piece]
        looked_at = band[near_feature] >= 0
        near_probe, near_piece, near_feature = near_probe[looked_at], near_piece[looked_at], near_feature[looked_at]
        n = len(self.features)
        touching = set((touch_probe * n + touch_feature).tolist())
        pair = near_probe * n + near_feature
        apart = np.fromiter((k not in touching for k in pair.tolist()), dtype=bool, count=len(pair))
        pair, near_probe, near_piece = pair[apart], near_probe[apart], near_piece[apart]
        distances = shapely.distance(pieces[near_piece], geometries[near_probe])
        order = np.lexsort((distances, pair))
        pair, distances = pair[order], distances[order]
        first = np.ones(len(pair), dtype=bool)
        first[1:] = pair[1:] != pair[:-1]
        pair, distances = pair[first], distances[first] / scales[pair[first] // n]
        all_pairs = np.concatenate([touch_probe * n + touch_feature, pair])
        all_distances = np.concatenate([np.zeros(len(touch_probe)), distances])
        within = all_distances <= band[all_pairs % n] + DISTANCE_EPS_M
        for k, d in zip(all_pairs[within].tolist(), all_distances[within].tolist(), strict=True):
            found[k // n][k % n] = d
        return found

    def _outline_pieces(self) -> tuple[np.ndarray, np.ndarray, shapely.STRtree]:
        """Every feature's outline (a polygon's rings, a line, points) cut into pieces of at
        most ``_PIECE_SEGMENTS`` segments, the feature of each piece, and their index."""
        if self._pieces is None:
            pieces: list[shapely.Geometry] = []
            owners: list[int] = []
            for i, geometry in enumerate(self._metric):
                outline = shapely.boundary(geometry) if shapely.get_dimensions(geometry) == 2 else geometry
                for part in shapely.get_parts(outline):
                    cut = _cut_line(part) if part.geom_type in ("LineString", "LinearRing") else [part]
                    pieces.extend(cut)
                    owners.extend([i] * len(cut))
            array = np.asarray(pieces, dtype=object)
            self._pieces = (array, np.asarray(owners, dtype=np.int64), shapely.STRtree(array))
        return self._pieces


def _cut_line(line: shapely.Geometry) -> list[shapely.Geometry]:
    """A line as consecutive pieces of at most ``_PIECE_SEGMENTS`` segments (shared end points)."""
    coords = shapely.get_coordinates(line)
    if len(coords) <= _PIECE_SEGMENTS + 1:
        return [shapely.LineString(coords)] if len(coords) > 1 else [shapely.Point(coords[0])]
    starts = range(0, len(coords) - 1, _PIECE_SEGMENTS)
    return [shapely.LineString(coords[k:k + _PIECE_SEGMENTS + 1]) for k in starts]


def _describe_selector(selector: FeatureSelector) -> str:
    parts = [f"kind={selector.kind}"] if selector.kind else []
    parts += [f"{k}={v}" for k, v in selector.attributes.items()]
    if selector.flows_into:
        parts.append(f"flows_into={selector.flows_into}")
    return "features(" + ", ".join(parts) + ")"


@dataclass(frozen=True)
class SpatialContext:
    """Where the project is: units it hits, regions it lies in, and the feature catalog."""

    units: Sequence[UnitHit]
    regions: Sequence[RegionHit]
    catalog: FeatureCatalog

    @property
    def region_codes(self) -> frozenset[str]:
        return frozenset(r.code for r in self.regions)
