"""Vector tiles of the control units in force, cached per set of releases.

A tile's content depends only on the releases it is cut from, so tiles are cached under the
release ids: a publish changes the ids of the snapshot and with them every cache key. The tile
source (units projected to Web Mercator, their index and per-zoom generalisations) is built once
per release set and kept while that set is among the most recently asked.

The first map view asks for the tiles of the lowest zooms, which are the dearest to cut (every
unit of the territory, generalised for that zoom). ``warm`` cuts them ahead of the first visitor:
the server does it in the background when it starts and when a new set of releases comes into
force, so the first paint does not wait for them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import shapely
from sqlalchemy import Engine

from ecozone.errors import BadInput
from ecozone.geo.pmtiles_archive import ArchiveSummary, tile_id, write_archive
from ecozone.geo.vector_tiles import MAX_ZOOM, TileAddress, TileSource, tiles_covering
from ecozone.logging import get_logger
from ecozone.zoning.inforce import ZoningSnapshot
from ecozone.zoning.model import ControlUnit, Release
from ecozone.zoning.releases import release_units

LAYER = "units"
# At the zooms where a typical unit is a few pixels, the units of each class come as one
# multipolygon in this layer (property ``class``) instead of one feature each in ``units``.
CLASS_LAYER = "unit_classes"
# What the map needs at low zooms (colour by class, highlight by code); name and county from
# zoom 9 (``GENERALISE_ONCE_UP_TO_ZOOM`` + 1), where a tile holds few units.
LOW_ZOOM_KEYS = ("code", "class")
# Warmed: every zoom at which the units' extent spans at most this many tiles (the whole
# territory on a screen, and one zoom in).
WARM_TILES_PER_ZOOM = 64
# The zoom that first shows the whole territory on a desktop screen (~5 × 3 tiles of 256 px)
# is the deepest at which its extent spans at most this many tiles: warmed first.
FIRST_VIEW_TILES = 16

log = get_logger("zoning.tiles")


def units_tile_source(units: Sequence[ControlUnit]) -> TileSource:
    """A tile source over ``units`` with the properties the map draws and links by."""
    properties = [{"code": u.code, "name": u.name, "class": int(u.unit_class), "county_code": u.county_code} for u in units]
    return TileSource(
        LAYER,
        [u.geometry for u in units],
        properties,
        low_zoom_keys=LOW_ZOOM_KEYS,
        group_by="class",
        group_layer=CLASS_LAYER,
    )


def unit_tile_source(snapshot: ZoningSnapshot) -> TileSource:
    """A tile source over the units in force in ``snapshot``."""
    return units_tile_source(snapshot.units)


def overview_tiles(source: TileSource, max_per_zoom: int = WARM_TILES_PER_ZOOM) -> list[TileAddress]:
    """The tiles over the source's extent at every zoom where they are at most ``max_per_zoom``,
    those of the first view's zoom first, then the zooms nearest to it (what a visitor asks next)."""
    bounds = source.bounds()
    if bounds is None:
        return []
    by_zoom: dict[int, list[TileAddress]] = {}
    for z in range(23):
        covering = tiles_covering(bounds, z)
        if len(covering) > max_per_zoom:
            break
        by_zoom[z] = covering
    first_view = max(z for z, tiles in by_zoom.items() if len(tiles) <= FIRST_VIEW_TILES)
    order = sorted(by_zoom, key=lambda z: (abs(z - first_view), z))
    return [tile for z in order for tile in by_zoom[z]]


@dataclass(frozen=True)
class CachedTile:
    """Tile bytes with the key they were cut under (for ETag headers)."""

    data: bytes
    key: str


class UnitTileCache:
    """Tiles of the units in force: sources per release set, encoded tiles in an LRU."""

    def __init__(self, max_tiles: int = 4096, max_sources: int = 4) -> None:
        self._max_tiles = max_tiles
        self._max_sources = max_sources
        self._sources: OrderedDict[tuple[int, ...], TileSource] = OrderedDict()
        self._tiles: OrderedDict[tuple, bytes] = OrderedDict()
        self._building: dict[tuple[int, ...], threading.Lock] = {}
        self._warming: set[tuple[int, ...]] = set()
        self._lock = threading.Lock()

    def _source(self, snapshot: ZoningSnapshot) -> TileSource:
        key = snapshot.release_ids
        with self._lock:
            source = self._sources.get(key)
            if source is not None:
                self._sources.move_to_end(key)
                return source
            building = self._building.setdefault(key, threading.Lock())
        # One build per release set: requests arriving meanwhile wait for it instead of
        # building it again (tens of thousands of units take seconds of the same cores).
        with building:
            with self._lock:
                source = self._sources.get(key)
            if source is None:
                source = unit_tile_source(snapshot)
                with self._lock:
                    self._sources[key] = source
                    while len(self._sources) > self._max_sources:
                        self._sources.popitem(last=False)
                    self._building.pop(key, None)
        return source

    def tile(self, snapshot: ZoningSnapshot, tile: TileAddress) -> CachedTile:
        """The tile ``z/x/y`` of the units in force in ``snapshot``."""
        key = (snapshot.release_ids, tile.z, tile.x, tile.y)
        etag = "-".join(map(str, snapshot.release_ids)) + f"-{tile.z}-{tile.x}-{tile.y}"
        with self._lock:
            data = self._tiles.get(key)
            if data is not None:
                self._tiles.move_to_end(key)
                return CachedTile(data, etag)
        data = self._source(snapshot).encode(tile)
        with self._lock:
            self._tiles[key] = data
            while len(self._tiles) > self._max_tiles:
                self._tiles.popitem(last=False)
        return CachedTile(data, etag)

    def holds(self, snapshot: ZoningSnapshot, tile: TileAddress) -> bool:
        """Whether the tile is cut and kept (it will be answered without cutting)."""
        with self._lock:
            return (snapshot.release_ids, tile.z, tile.x, tile.y) in self._tiles

    def warm(self, snapshot: ZoningSnapshot) -> int:
        """Cut the overview tiles of ``snapshot`` (lowest zoom first) into the cache; their count."""
        tiles = overview_tiles(self._source(snapshot))
        for tile in tiles:
            self.tile(snapshot, tile)
        return len(tiles)

    def warm_in_background(self, snapshot: ZoningSnapshot) -> threading.Thread | None:
        """Start ``warm`` in a daemon thread, once per release set; the thread, or None if already done."""
        key = snapshot.release_ids
        with self._lock:
            if key in self._warming:
                return None
            self._warming.add(key)
        thread = threading.Thread(target=self._warm_logged, args=(snapshot,), name="unit-tiles-warm-up", daemon=True)
        thread.start()
        return thread

    def _warm_logged(self, snapshot: ZoningSnapshot) -> None:
        try:
            count = self.warm(snapshot)
        except Exception:
            log.exception("unit tiles warm-up failed", releases=list(snapshot.release_ids))
            with self._lock:
                self._warming.discard(snapshot.release_ids)
            return
        log.info("unit tiles warmed", releases=list(snapshot.release_ids), tiles=count)


def pyramid(source: TileSource, min_zoom: int, max_zoom: int) -> Iterator[tuple[TileAddress, bytes]]:
    """Every tile with units drawn in it from ``min_zoom`` to ``max_zoom``, in PMTiles tile-id
    order (zoom by zoom, along the Hilbert curve within a zoom)."""
    bounds = source.bounds()
    if bounds is None:
        return
    for z in range(min_zoom, max_zoom + 1):
        for tile in sorted((t for t in tiles_covering(bounds, z) if source.touches(t)), key=tile_id):
            data = source.encode_drawn(tile)
            if data is not None:
                yield tile, data


# Archives stop here by default: at zoom 12 a quarter pixel is ~10 m; readers over-zoom beyond.
ARCHIVE_MAX_ZOOM = 12


def archive_metadata(release: Release, source: TileSource, min_zoom: int, max_zoom: int) -> dict:
    """TileJSON-like metadata of a release's archive: its layers with their fields, and the release."""
    grouped = [z for z in range(min_zoom, max_zoom + 1) if source.grouped_at(z)]
    one_by_one = [z for z in range(min_zoom, max_zoom + 1) if not source.grouped_at(z)]
    layers = []
    if one_by_one:
        layers.append({
            "id": LAYER, "minzoom": one_by_one[0], "maxzoom": one_by_one[-1],
            "description": "control units (name and county_code from zoom 9)",
            "fields": {"code": "String", "class": "Number", "name": "String", "county_code": "String"},
        })
    if grouped:
        layers.append({
            "id": CLASS_LAYER, "minzoom": grouped[0], "maxzoom": grouped[-1],
            "description": "the units of each class, side by side, where a unit is a few pixels",
            "fields": {"class": "Number"},
        })
    return {
        "name": release.title,
        "version": release.version,
        "attribution": release.issuer or "",
        "description": f"{release.title} ({release.jurisdiction_code}, {release.version})",
        "type": "overlay",
        "format": "pbf",
        "vector_layers": layers,
        "release": {
            "id": release.id,
            "jurisdiction_code": release.jurisdiction_code,
            "version": release.version,
            "status": release.status.value,
            "effective_date": release.effective_date.isoformat() if release.effective_date else None,
            "demo": release.demo,
        },
    }


def export_release_tiles(
    engine: Engine, release_id: int, path: Path, min_zoom: int = 0, max_zoom: int = ARCHIVE_MAX_ZOOM
) -> ArchiveSummary:
    """Write the unit tiles of one release, zooms ``min_zoom``–``max_zoom``, as a PMTiles v3 archive."""

    for name, value in (("min_zoom", min_zoom), ("max_zoom", max_zoom)):
        if not 0 <= value <= MAX_ZOOM:
            raise BadInput(f"{name} {value} is outside 0–{MAX_ZOOM}", field=name, value=value)
    if min_zoom > max_zoom:
        raise BadInput(f"min_zoom {min_zoom} is above max_zoom {max_zoom}", field="min_zoom", value=min_zoom)
    release, units, _rules = release_units(engine, release_id)
    source = units_tile_source(units)
    west, south, east, north = (float(v) for v in shapely.total_bounds([u.geometry for u in units])) if units else (0, 0, 0, 0)
    return write_archive(
        path,
        pyramid(source, min_zoom, max_zoom),
        (west, south, east, north),
        archive_metadata(release, source, min_zoom, max_zoom),
    )
