"""The pieces siting screens: a region cut so that each piece lies in one county and one unit in
force, and on one side of every distance band and zone a rule draws around reference features.

The work is arranged to scale from a county to the whole province: each band is built once for
the region (the union of the selected features near the region, buffered in a metric CRS), and
pieces are cut by arrays: a spatial index over the pieces finds those a band touches, pieces the
band covers are kept whole, and only the pieces it crosses are cut (``shapely.intersection`` /
``difference`` on arrays, which clip the band to each piece's envelope first).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import CRS

from ecozone.geo.metric import from_metric, to_metric
from ecozone.geo.regions import Region, RegionLevel
from ecozone.screening.engine import Screener
from ecozone.zoning.inforce import ZoningSnapshot
from ecozone.zoning.rules import Rule, region_prefix

# Buffers approximate arcs by four segments per quarter circle (inside the true band by at most
# 2 % of its width at a bend); the verdict of each piece comes from screening a point, not from
# the band's outline.
QUAD_SEGS = 4
# Features farther than this (degrees, ~10 km) outside the region cannot reach into it with the
# bands rules draw (≤ a few km).
NEARBY_DEG = 0.1
# Slivers below this area (m²) come from cutting along shared edges; they are dropped.
SLIVER_M2 = 1.0
# A degree of latitude spans at most 111.7 km and one of longitude no more (times < 1.001 for the
# scale of a local transverse Mercator): a lon/lat area times this bounds the metric area from
# above, so pieces surely below SLIVER_M2 are dropped while cutting — their parts would be
# dropped at the end anyway — instead of being cut again by every later band.
M2_PER_DEG2_AT_MOST = 1.25e10
# A band is clipped to each piece's box widened by this (degrees) before cutting the piece.
CLIP_PAD_DEG = 1e-3
# Bands are first clipped to tiles of this size (degrees), widened by TILE_PAD_DEG on each side.
TILE_DEG = 0.25
TILE_PAD_DEG = 0.05


@dataclass(frozen=True)
class BandKey:
    """One band a rule draws: the features its place selects and the distance (0: the zone)."""

    indices: tuple[int, ...]
    distance_m: float


def band_keys(screener: Screener, rules: Sequence[Rule] | None = None) -> list[BandKey]:
    """Every distinct (features, distance) a place of the rules (default: all) uses, in order."""
    catalog = screener.catalog
    keys: dict[BandKey, None] = {}
    for rule in screener.rulebook.rules if rules is None else rules:
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
    return members + polygons_of(rest).tolist()


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
        crossing = geoms[~inside]
        cut = polygons_of(shapely.intersection(crossing, _around(cell, crossing)))
        out.extend(cut[shapely.area(cut) * M2_PER_DEG2_AT_MOST >= SLIVER_M2].tolist())
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


    def doubt_edges(self, key: BandKey) -> list[shapely.Geometry]:
        """Where the answer changes near features drawn only to ± their accuracy: the band of
        doubt ends at the band plus the accuracy, and certainty begins at the band less it (for a
        zone: that far outside and inside its outline). Cutting there too keeps every piece on
        one side, so the answer at a piece's point holds all over the piece."""
        inner, outer = [], []
        for i in self._nearby(key.indices):
            accuracy = self._catalog.accuracy(i)
            if accuracy <= 0:
                continue
            if key.distance_m > 0:
                outer.append(self._buffer(i, key.distance_m + accuracy))
                if key.distance_m > accuracy:
                    inner.append(self._buffer(i, key.distance_m - accuracy))
            elif shapely.get_dimensions(self._catalog.feature(i).geometry) == 2:
                outer.append(self._buffer(i, accuracy))
                inner.append(self._buffer(i, -accuracy))
        edges = [from_metric(shapely.union_all(found), self._crs) for found in (inner, outer) if found]
        return [e for e in edges if not e.is_empty and shapely.get_dimensions(e) == 2]


def split(pieces: np.ndarray, band: shapely.Geometry) -> np.ndarray:
    """Cut the pieces along the band: those it covers or misses stay whole, the rest become the
    part inside and the part outside."""
    shapely.prepare(band)
    touched = shapely.STRtree(pieces).query(band, predicate="intersects")
    if len(touched) == 0:
        return pieces
    crossed = touched[~shapely.covers(band, pieces[touched])]
    if len(crossed) == 0:
        return pieces
    keep = np.ones(len(pieces), dtype=bool)
    keep[crossed] = False
    cut = pieces[crossed]
    local = _around(band, cut)
    try:
        parts = np.concatenate([shapely.intersection(cut, local), shapely.difference(cut, local)])
    except shapely.errors.GEOSException:
        # A clipped band may be degenerate where its outline runs along the clipping box.
        parts = np.concatenate([shapely.intersection(cut, band), shapely.difference(cut, band)])
    parts = polygons_of(parts)
    return np.concatenate([pieces[keep], parts[shapely.area(parts) * M2_PER_DEG2_AT_MOST >= SLIVER_M2]])


def _around(band: shapely.Geometry, pieces: np.ndarray) -> np.ndarray:
    """The band clipped to a box a little wider than each piece: the same inside the piece, and
    far fewer vertices for the overlay to scan than a band that runs across the province.

    Clipping scans the whole band, so the band is first clipped once per tile of a coarse grid
    and each piece's box is clipped from the tile that holds it (or from the band when its box
    sticks out of the tile's)."""
    bounds = shapely.bounds(pieces)
    boxes = bounds + np.array([-CLIP_PAD_DEG, -CLIP_PAD_DEG, CLIP_PAD_DEG, CLIP_PAD_DEG])
    tile = np.floor((boxes[:, :2] + boxes[:, 2:]) / 2 / TILE_DEG).astype(np.int64)
    tile_boxes = np.hstack([tile * TILE_DEG - TILE_PAD_DEG, (tile + 1) * TILE_DEG + TILE_PAD_DEG])
    fits = (boxes[:, :2] >= tile_boxes[:, :2]).all(axis=1) & (boxes[:, 2:] <= tile_boxes[:, 2:]).all(axis=1)
    tiles: dict[tuple[int, int], shapely.Geometry] = {}
    out = []
    for box, cell, cell_box, inside in zip(boxes, tile.tolist(), tile_boxes, fits, strict=True):
        source = band
        if inside:
            key = (cell[0], cell[1])
            if key not in tiles:
                tiles[key] = shapely.clip_by_rect(band, *cell_box)
            source = tiles[key]
        out.append(shapely.clip_by_rect(source, *box))
    return np.asarray(out, dtype=object)


def polygons_of(geometries: shapely.Geometry | np.ndarray) -> np.ndarray:
    """The non-empty polygons of one geometry or an array of them."""
    parts = shapely.get_parts(geometries)
    return parts[(shapely.get_type_id(parts) == shapely.GeometryType.POLYGON) & ~shapely.is_empty(parts)]
