"""Where a project is: the units and regions it hits, and the reference-feature catalog.

``FeatureCatalog`` projects reference features (rivers, lakes, zones …) once into one metric
CRS, indexes them, resolves rule selectors to features, and measures ground distances from a
project to the features rules look at.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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

    def __len__(self) -> int:
        return len(self.features)

    def feature(self, index: int) -> ReferenceFeature:
        return self.features[index]

    def select(self, selector: FeatureSelector) -> Selection:
        """The features a selector names (memoized per catalog)."""
        memo_key = repr(selector)
        if memo_key not in self._selections:
            self._selections[memo_key] = self._select(selector)
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
        metric = self._project(shapely.segmentize(geometry, _SEGMENT_DEG))
        shapely.prepare(metric)
        easting = shapely.centroid(metric).x
        return MetricProbe(metric, 1.0 + easting * easting / (2.0 * _EARTH_RADIUS_M**2))

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
        if not limits:
            return {}
        reach = max(limits.values()) * probe.scale + 1.0
        # Filter by envelope first, and test exactly only the features some rule looks at.
        window = shapely.buffer(shapely.envelope(probe.geometry), reach, cap_style="square", join_style="mitre")
        candidates = np.asarray([int(i) for i in self._tree.query(window) if int(i) in limits], dtype=np.int64)
        if len(candidates) == 0:
            return {}
        geoms = self._metric[candidates]
        close = shapely.dwithin(geoms, probe.geometry, reach)
        hits, geoms = candidates[close].tolist(), geoms[close]
        if not hits:
            return {}
        touching = shapely.intersects(geoms, probe.geometry)
        distances = np.zeros(len(hits))
        apart = ~touching
        if apart.any():
            distances[apart] = shapely.distance(geoms[apart], probe.geometry) / probe.scale
        return {i: float(d) for i, d in zip(hits, distances, strict=True) if d <= limits[i] + DISTANCE_EPS_M}


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
