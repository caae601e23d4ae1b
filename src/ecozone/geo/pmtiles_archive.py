"""PMTiles v3 archives of vector tiles: a whole tile pyramid in one file.

A PMTiles archive is served as a plain static file (any web server or object store answering
HTTP range requests) and read by MapLibre, Leaflet and QGIS through their PMTiles readers, so a
release's map can be published without ecozone running. Written with the ``pmtiles`` package
(the format's reference Python implementation); tiles are gzip-compressed as the format's
vector-tile readers expect, and written in tile-id order, so the archive is clustered.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import Writer

from ecozone.errors import BadInput
from ecozone.geo.vector_tiles import TileAddress


@dataclass(frozen=True)
class ArchiveSummary:
    """What was written: tile count, zooms, bytes."""

    tiles: int
    min_zoom: int
    max_zoom: int
    bytes: int


def tile_id(tile: TileAddress) -> int:
    """The tile's position on the PMTiles Hilbert curve (archives are ordered by it)."""
    return zxy_to_tileid(tile.z, tile.x, tile.y)


def write_archive(
    path: Path,
    tiles: Iterable[tuple[TileAddress, bytes]],
    bounds: tuple[float, float, float, float],
    metadata: dict,
) -> ArchiveSummary:
    """Write MVT ``tiles`` (in tile-id order, uncompressed) to a PMTiles v3 file at ``path``.

    ``bounds`` is (west, south, east, north) in degrees; ``metadata`` is stored as the archive's
    JSON metadata (TileJSON-like: ``vector_layers``, ``name``, ``description`` …)."""
    west, south, east, north = bounds
    zooms: list[int] = []
    try:
        with path.open("wb") as out:
            writer = Writer(out)
            for tile, data in tiles:
                writer.write_tile(tile_id(tile), gzip.compress(data, mtime=0))
                zooms.append(tile.z)
            if not zooms:
                raise BadInput("there are no tiles to write: the release has no units", field="release")
            writer.finalize(
                {
                    "tile_type": TileType.MVT,
                    "tile_compression": Compression.GZIP,
                    "min_lon_e7": round(west * 1e7),
                    "min_lat_e7": round(south * 1e7),
                    "max_lon_e7": round(east * 1e7),
                    "max_lat_e7": round(north * 1e7),
                    "center_zoom": min(zooms),
                    "center_lon_e7": round((west + east) / 2 * 1e7),
                    "center_lat_e7": round((south + north) / 2 * 1e7),
                },
                metadata,
            )
    except BaseException:
        path.unlink(missing_ok=True)  # no half-written archive is left behind
        raise
    return ArchiveSummary(tiles=len(zooms), min_zoom=min(zooms), max_zoom=max(zooms), bytes=path.stat().st_size)
