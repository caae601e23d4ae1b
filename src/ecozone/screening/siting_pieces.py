"""The pieces siting screens: a region cut so that each piece lies in one county and one unit in
force, and on one side of every distance band and zone a rule draws around reference features.

The work is arranged to scale from a county to the whole province: each band is built once for
the region (the union of the selected features near the region, buffered in a metric CRS), and
pieces are cut by arrays: a spatial index over the pieces finds those a band touches, pieces the
band covers are kept whole, and only the pieces it crosses are cut (``shapely.intersection`` /
``difference`` on arrays, which clip the band to each piece's envelope first).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import CRS

from ecozone.geo.metric import from_metric, to_metric
from ecozone.geo.regions import Region, RegionLevel
from ecozone.screening.engine import Screener
from ecozone.zoning.inforce import ZoningSnapshot
from ecozone.zoning.rules import region_prefix

# Buffers approximate arcs by four segments per quarter circle (inside the true band by at most
# 2 % of its width at a bend); the verdict of each piece comes from screening a point, not from
# the band's outline.
QUAD_SEGS = 4
# Features farther than this (degrees, ~10 km) outside the region cannot reach into it with the
# bands rules draw (≤ a few km).
NEARBY_DEG = 0.1


@dataclass(frozen=True)
class BandKey:
    """One band a rule draws: the features its place selects and the distance (0: the zone)."""

    indices: tuple[int, ...]
    distance_m: float


def band_keys(screener: Screener) -> list[BandKey]:
    """Every distinct (features, distance) a rule's place uses, in rulebook order."""
    catalog = screener.catalog
    keys: dict[BandKey, None] = {}
    for rule in screener.rulebook.rules:
        for place in rule.where:
            if place.features is None:
                continue
            indices = catalog.select(place.features).indices
            if indices:
                keys.setdefault(BandKey(tuple(indices), screener.evaluator.distance_of(place)))
    return list(keys)


def counties_of(snapshot: ZoningSnapshot, region: Region) -> list[shapely.Geometry]:
    """The region as cells that each lie in one county (rules of a county hold only inside it):
    the region itself for a county, else its counties, and whatever of the region they leave."""
    if region.level == RegionLevel.COUNTY:
        return [region.geometry]
    prefix = region_prefix(region.code)
    members = [r.geometry for r in snapshot.regions.regions if r.level == RegionLevel.COUNTY and r.code.startswith(prefix)]
    if not members:
        return [region.geometry]
    rest = shapely.difference(region.geometry, shapely.union_all(members))
    return members + polygons_of(rest)


def unit_pieces(snapshot: ZoningSnapshot, cells: list[shapely.Geometry]) -> list[shapely.Geometry]:
    """Each unit in force cut by each cell it meets (a unit the cell covers is kept whole)."""
    units = snapshot.unit_index.geometries
    out: list[shapely.Geometry] = []
    for cell in cells:
        shapely.prepare(cell)
        hits = np.asarray(snapshot.unit_index.query_geometry(cell), dtype=np.int64)
        if len(hits) == 0:
            continue
        geoms = units[hits]
        inside = shapely.covers(cell, geoms)
        out.extend(geoms[inside].tolist())
        for cut in shapely.intersection(geoms[~inside], cell):
            out.extend(polygons_of(cut))
    return out


class Bands:
    """The bands rules draw near one region, each built once (lon/lat).

    A band is the union of its features' own buffers, each buffered once and shared between the
    bands that select the feature: where two bands follow the same feature their edges are the
    same vertices, so cutting by both leaves no slivers between near-equal outlines.
    """

    def __init__(self, screener: Screener, region: shapely.Geometry, crs: CRS) -> None:
        self._catalog = screener.catalog
        self._crs = crs
        minx, miny, maxx, maxy = region.bounds
        self._window = shapely.box(minx - NEARBY_DEG, miny - NEARBY_DEG, maxx + NEARBY_DEG, maxy + NEARBY_DEG)
        shapely.prepare(self._window)
        self._buffers: dict[tuple[int, float], shapely.Geometry] = {}

    def _nearby(self, indices: tuple[int, ...]) -> list[int]:
        geoms = [self._catalog.feature(i).geometry for i in indices]
        return [i for i, near in zip(indices, shapely.intersects(self._window, geoms), strict=True) if near]

    def _buffer(self, index: int, distance_m: float) -> shapely.Geometry:
        key = (index, distance_m)
        if key not in self._buffers:
            metric = to_metric(self._catalog.feature(index).geometry, self._crs)
            self._buffers[key] = shapely.buffer(metric, distance_m, quad_segs=QUAD_SEGS)
        return self._buffers[key]

    def geometry(self, key: BandKey) -> shapely.Geometry | None:
        """The band around the key's features near the region; None when none is near or the
        band has no area (a zone of line features)."""
        nearby = self._nearby(key.indices)
        if key.distance_m > 0:
            if not nearby:
                return None
            band = from_metric(shapely.union_all([self._buffer(i, key.distance_m) for i in nearby]), self._crs)
        else:
            areas = [g for g in (self._catalog.feature(i).geometry for i in nearby) if shapely.get_dimensions(g) == 2]
            if not areas:
                return None
            band = shapely.union_all(areas)
        if band.is_empty or shapely.get_dimensions(band) != 2:
            return None
        return band


def split(pieces: np.ndarray, band: shapely.Geometry) -> np.ndarray:
    """Cut the pieces along the band: those it covers or misses stay whole, the rest become the
    part inside and the part outside."""
    shapely.prepare(band)
    tree = shapely.STRtree(pieces)
    touched = tree.query(band, predicate="intersects")
    if len(touched) == 0:
        return pieces
    crossed = touched[~shapely.covers(band, pieces[touched])]
    if len(crossed) == 0:
        return pieces
    keep = np.ones(len(pieces), dtype=bool)
    keep[crossed] = False
    inside = shapely.intersection(pieces[crossed], band)
    outside = shapely.difference(pieces[crossed], band)
    cut = [p for g in np.concatenate([inside, outside]) for p in polygons_of(g)]
    return np.concatenate([pieces[keep], np.asarray(cut, dtype=object)])


def polygons_of(geometry: shapely.Geometry) -> list[shapely.Geometry]:
    return [p for p in shapely.get_parts(geometry) if p.geom_type == "Polygon" and not p.is_empty]
