"""Mapbox Vector Tiles (MVT) from lon/lat polygons: Web Mercator tile grid, per-zoom generalisation.

A ``TileSource`` holds one fixed list of geometries (EPSG:4490/4326 lon/lat) projected once to
Web Mercator. For a tile ``z/x/y`` it selects the geometries that touch the tile through an
STRtree, clips them to the tile plus a small buffer, moves them to tile coordinates and encodes
them (``ecozone.geo.mvt_encoding``). Geometries are simplified to about a quarter of a screen
pixel at the tile's zoom and what is smaller than that is left out; at low zooms, where one tile
holds thousands of units, the simplification is computed once per zoom and kept.

At the zooms where the typical geometry is only a few pixels (national zoning seen whole), a
source built with ``group_by`` sends, in a second layer, multipolygons of up to ``GROUP_CHUNK``
geometries sharing a value of that property (the polygons as they are, side by side, not
dissolved) instead of one feature per geometry: the map looks the same, but the browser builds
a few dozen features per tile, not thousands.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import mapbox_vector_tile
import numpy as np
import shapely
from pyproj import Transformer

from ecozone.errors import BadInput
from ecozone.geo.mvt_encoding import encode_polygon_layer

EXTENT = 4096
BUFFER = 64  # tile units drawn beyond the edge, so strokes do not stop at tile seams
MAX_ZOOM = 22
# Up to this zoom a tile holds many units: their generalisation is computed once per zoom.
GENERALISE_ONCE_UP_TO_ZOOM = 8
# Below this median size on screen (square pixels) geometries are sent grouped (``group_by``):
# a unit of 8 × 8 px or less cannot be told apart or pointed at on a map anyway.
GROUP_BELOW_PIXELS = 64.0
# Polygons per feature of the grouped layer (see ``_encode_grouped``).
GROUP_CHUNK = 64
_POLYGONAL = (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON)
# Half the equator in Web Mercator metres.
_ORIGIN = 20037508.342789244
_TO_MERCATOR = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
# Web Mercator is undefined at the poles; this is the usual cut.
_MAX_LAT = 85.05112878


@dataclass(frozen=True)
class TileAddress:
    """One tile of the XYZ (Google/OSM) scheme."""

    z: int
    x: int
    y: int

    def __post_init__(self) -> None:
        if not 0 <= self.z <= MAX_ZOOM:
            raise BadInput(f"zoom {self.z} is outside 0–{MAX_ZOOM}", field="z", value=self.z)
        size = 1 << self.z
        for name, value in (("x", self.x), ("y", self.y)):
            if not 0 <= value < size:
                raise BadInput(f"tile {name}={value} is outside 0–{size - 1} at zoom {self.z}", field=name, value=value)

    def mercator_bounds(self) -> tuple[float, float, float, float]:
        """(minx, miny, maxx, maxy) of the tile in EPSG:3857 metres."""
        span = 2 * _ORIGIN / (1 << self.z)
        minx = -_ORIGIN + self.x * span
        maxy = _ORIGIN - self.y * span
        return minx, maxy - span, minx + span, maxy


def tile_for_lonlat(lon: float, lat: float, z: int) -> TileAddress:
    """The tile containing a lon/lat point at zoom ``z``."""
    lat = max(-_MAX_LAT, min(_MAX_LAT, lat))
    n = 1 << z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return TileAddress(z, min(max(x, 0), n - 1), min(max(y, 0), n - 1))


def tiles_covering(bounds: tuple[float, float, float, float], z: int) -> list[TileAddress]:
    """The tiles of zoom ``z`` over a Web Mercator box (minx, miny, maxx, maxy), row by row."""
    size = 1 << z
    span = 2 * _ORIGIN / size

    def column(x: float) -> int:
        return min(max(int((x + _ORIGIN) // span), 0), size - 1)

    def row(y: float) -> int:
        return min(max(int((_ORIGIN - y) // span), 0), size - 1)

    minx, miny, maxx, maxy = bounds
    return [TileAddress(z, x, y) for y in range(row(maxy), row(miny) + 1) for x in range(column(minx), column(maxx) + 1)]


def to_mercator(geometries: Sequence[shapely.Geometry]) -> np.ndarray:
    """Project lon/lat geometries to Web Mercator (latitudes clamped to the projection's range)."""

    def project(coords: np.ndarray) -> np.ndarray:
        lat = np.clip(coords[:, 1], -_MAX_LAT, _MAX_LAT)
        x, y = _TO_MERCATOR.transform(coords[:, 0], lat)
        return np.column_stack([x, y])

    return shapely.transform(np.asarray(list(geometries), dtype=object), project)


def pixel_tolerance(z: int, pixels: float = 0.25) -> float:
    """Metres that ``pixels`` of a 256-pixel tile span at zoom ``z``."""
    return 2 * _ORIGIN / (1 << z) / 256 * pixels


class TileSource:
    """Geometries with properties, served as one MVT layer per tile."""

    def __init__(
        self,
        layer: str,
        geometries: Sequence[shapely.Geometry],
        properties: Sequence[Mapping[str, object]],
        ids: Sequence[int] | None = None,
        low_zoom_keys: Sequence[str] | None = None,
        group_by: str | None = None,
        group_layer: str | None = None,
    ) -> None:
        if len(geometries) != len(properties):
            raise ValueError("one properties mapping per geometry is required")
        self.layer = layer
        self._properties = list(properties)
        # Low-zoom tiles hold thousands of features: only these properties go into them (the
        # browser decodes every string of a tile; a name per unit doubles a national tile).
        self._low_zoom_properties = (
            self._properties if low_zoom_keys is None
            else [{k: p[k] for k in low_zoom_keys if k in p} for p in self._properties]
        )
        self._ids = list(ids) if ids is not None else list(range(1, len(self._properties) + 1))
        self._full = to_mercator(geometries)
        self._tree = shapely.STRtree(self._full)
        if (group_by is None) != (group_layer is None):
            raise ValueError("group_by and group_layer go together")
        self.group_by, self.group_layer = group_by, group_layer
        areas = shapely.area(self._full)
        self._median_area = float(np.median(areas)) if len(areas) else 0.0
        self._by_zoom: dict[int, np.ndarray] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._properties)

    def _generalised(self, z: int) -> np.ndarray:
        """All geometries simplified for zoom ``z`` (low zooms only; computed once per zoom, kept)."""
        cached = self._by_zoom.get(z)
        if cached is not None:
            return cached
        with self._lock:
            cached = self._by_zoom.get(z)
            if cached is None:
                cached = shapely.simplify(self._full, pixel_tolerance(z), preserve_topology=False)
                self._by_zoom[z] = cached
            return cached

    def features_in(self, tile: TileAddress) -> tuple[np.ndarray, np.ndarray]:
        """Positions of the geometries drawn in the tile and their geometries in tile coordinates."""
        minx, miny, maxx, maxy = tile.mercator_bounds()
        pad = (maxx - minx) * BUFFER / EXTENT
        frame = (minx - pad, miny - pad, maxx + pad, maxy + pad)
        positions = np.sort(self._tree.query(shapely.box(*frame)))
        if len(positions) == 0:
            return positions, np.empty(0, dtype=object)
        tolerance = pixel_tolerance(tile.z)
        if tile.z <= GENERALISE_ONCE_UP_TO_ZOOM:
            # Low zooms: many units per tile, so the simplification is done once per zoom.
            shapes = shapely.clip_by_rect(self._generalised(tile.z)[positions], *frame)
        else:
            shapes = shapely.simplify(shapely.clip_by_rect(self._full[positions], *frame), tolerance, preserve_topology=False)
        # What is smaller than a quarter pixel squared is not drawn at this zoom.
        drawn = shapely.area(shapes) >= tolerance * tolerance
        positions, shapes = positions[drawn], shapes[drawn]
        scale = EXTENT / (maxx - minx)

        def to_tile(coords: np.ndarray) -> np.ndarray:
            # MVT's y axis points down from the tile's top-left corner.
            return np.column_stack([(coords[:, 0] - minx) * scale, (maxy - coords[:, 1]) * scale])

        in_tile = shapely.transform(shapes, to_tile)
        keep = ~shapely.is_empty(in_tile) & np.isin(shapely.get_type_id(in_tile), _POLYGONAL)
        return positions[keep], in_tile[keep]

    def bounds(self) -> tuple[float, float, float, float] | None:
        """(minx, miny, maxx, maxy) of every geometry in Web Mercator metres; None when empty."""
        if not len(self._full):
            return None
        return tuple(float(v) for v in shapely.total_bounds(self._full))

    def grouped_at(self, z: int) -> bool:
        """Whether tiles of zoom ``z`` carry the grouped layer (the typical geometry is tiny there)."""
        if self.group_by is None or not self._median_area:
            return False
        return self._median_area < GROUP_BELOW_PIXELS * pixel_tolerance(z, 1.0) ** 2

    def encode(self, tile: TileAddress) -> bytes:
        """The tile as MVT bytes (an empty layer where nothing touches it)."""
        return self._encode(tile, *self.features_in(tile))

    def encode_drawn(self, tile: TileAddress) -> bytes | None:
        """The tile as MVT bytes, or None where nothing is drawn in it (for archives, which leave such tiles out)."""
        positions, geometries = self.features_in(tile)
        return self._encode(tile, positions, geometries) if len(positions) else None

    def touches(self, tile: TileAddress) -> bool:
        """Whether any geometry's box reaches into the tile (cheap: the index only)."""
        minx, miny, maxx, maxy = tile.mercator_bounds()
        return len(self._tree.query(shapely.box(minx, miny, maxx, maxy))) > 0

    def _encode(self, tile: TileAddress, positions: np.ndarray, geometries: np.ndarray) -> bytes:
        if self.grouped_at(tile.z):
            return self._encode_grouped(positions, geometries)
        properties = self._low_zoom_properties if tile.z <= GENERALISE_ONCE_UP_TO_ZOOM else self._properties
        return encode_polygon_layer(
            self.layer,
            geometries,
            [properties[int(i)] for i in positions],
            [self._ids[int(i)] for i in positions],
            EXTENT,
        )

    def _encode_grouped(self, positions: np.ndarray, geometries: np.ndarray) -> bytes:
        """Multipolygons of up to ``GROUP_CHUNK`` polygons per value of ``group_by`` (side by side, not merged)."""
        values = [self._properties[int(i)].get(self.group_by) for i in positions]
        groups, merged = [], []
        for value in sorted({v for v in values if v is not None}):
            members = geometries[np.fromiter((v == value for v in values), dtype=bool, count=len(values))]
            # In chunks: a browser builds one canvas path per feature, and a path of thousands of
            # rings costs more than many of a few dozen. Neighbours by position are neighbours on
            # the map (units are ordered by code, which starts with the county).
            for start in range(0, len(members), GROUP_CHUNK):
                groups.append({self.group_by: value})
                merged.append(shapely.multipolygons(shapely.get_parts(members[start:start + GROUP_CHUNK])))
        return encode_polygon_layer(
            self.group_layer, np.asarray(merged, dtype=object), groups, list(range(1, len(groups) + 1)), EXTENT
        )


def decode(data: bytes) -> dict:
    """Decode MVT bytes (for tests and tools): layer name -> {features, extent}."""
    return mapbox_vector_tile.decode(data, default_options={"y_coord_down": True})
