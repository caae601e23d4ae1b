"""Vector tiles of the control units in force, cached per set of releases.

A tile's content depends only on the releases it is cut from, so tiles are cached under the
release ids: a publish changes the ids of the snapshot and with them every cache key. The tile
source (units projected to Web Mercator, their index and per-zoom generalisations) is built once
per release set and kept while that set is among the most recently asked.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from ecozone.geo.vector_tiles import TileAddress, TileSource
from ecozone.zoning.inforce import ZoningSnapshot

LAYER = "units"


def unit_tile_source(snapshot: ZoningSnapshot) -> TileSource:
    """A tile source over the snapshot's units with the properties the map draws and links by."""
    properties = [
        {"code": u.code, "name": u.name, "class": int(u.unit_class), "county_code": u.county_code}
        for u in snapshot.units
    ]
    return TileSource(LAYER, [u.geometry for u in snapshot.units], properties)


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
        self._lock = threading.Lock()

    def _source(self, snapshot: ZoningSnapshot) -> TileSource:
        key = snapshot.release_ids
        with self._lock:
            source = self._sources.get(key)
            if source is not None:
                self._sources.move_to_end(key)
                return source
        # Built outside the lock: a second request for the same set at worst builds it twice.
        source = unit_tile_source(snapshot)
        with self._lock:
            self._sources[key] = source
            while len(self._sources) > self._max_sources:
                self._sources.popitem(last=False)
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
