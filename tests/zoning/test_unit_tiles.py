"""The unit tile cache: overview tiles cut ahead (warm-up), once per set of releases, on both backends."""

from __future__ import annotations

import datetime as dt
import gzip
import time

import shapely
from fastapi.testclient import TestClient
from pmtiles.reader import MmapSource, Reader, all_tiles
from pmtiles.tile import Compression, TileType
from pyproj import Transformer

from ecozone.app import create_app
from ecozone.geo.vector_tiles import TileAddress, decode, tile_for_lonlat, tiles_covering
from ecozone.settings import Settings
from ecozone.zoning.inforce import load_snapshot
from ecozone.zoning.releases import release_units
from ecozone.zoning.repositories import releases as release_store
from ecozone.zoning.unit_tiles import (
    CLASS_LAYER,
    LAYER,
    UnitTileCache,
    export_release_tiles,
    overview_tiles,
    unit_tile_source,
    units_tile_source,
)

TODAY = dt.date(2026, 6, 1)


def test_warm_cuts_the_overview_tiles_as_they_would_be_cut_on_demand(loaded_engine):
    snapshot = load_snapshot(loaded_engine, TODAY)
    cache = UnitTileCache()
    tiles = overview_tiles(unit_tile_source(snapshot))
    # From the whole world (zoom 0) down to the zoom where the territory spans up to 64 tiles,
    # each once; the zoom of the first view (the territory in at most 16 tiles) comes first.
    zooms = sorted({t.z for t in tiles})
    assert zooms == list(range(zooms[-1] + 1)) and 1 < zooms[-1] < 14
    assert len(set(tiles)) == len(tiles)
    first_view = max(z for z in zooms if sum(t.z == z for t in tiles) <= 16)
    assert tiles[0].z == first_view > 0
    assert cache.warm(snapshot) == len(tiles)
    assert all(cache.holds(snapshot, t) for t in tiles)
    fresh = unit_tile_source(snapshot)
    for tile in tiles:
        assert cache.tile(snapshot, tile).data == fresh.encode(tile)
    # Low zooms carry class areas, the last warmed zoom the units themselves.
    assert CLASS_LAYER in decode(cache.tile(snapshot, TileAddress(0, 0, 0)).data)
    deepest = [t for t in tiles if t.z == zooms[-1]]
    assert any(LAYER in decode(cache.tile(snapshot, t).data) for t in deepest)


def test_warming_in_the_background_starts_once_per_set_of_releases(loaded_engine):
    snapshot = load_snapshot(loaded_engine, TODAY)
    cache = UnitTileCache()
    thread = cache.warm_in_background(snapshot)
    assert thread is not None
    assert cache.warm_in_background(snapshot) is None
    thread.join(timeout=120)
    assert cache.holds(snapshot, TileAddress(0, 0, 0))
    # Another set of releases (another date: nothing in force) is warmed on its own.
    before = load_snapshot(loaded_engine, dt.date(2000, 1, 1))
    other = cache.warm_in_background(before)
    assert other is not None
    other.join(timeout=120)


def test_the_server_warms_the_tiles_of_the_zoning_in_force_when_it_starts(loaded_engine):
    app = create_app(Settings(log_json=True), loaded_engine)
    with TestClient(app):
        snapshot = app.state.snapshots.get()
        deadline = time.monotonic() + 120
        while not app.state.unit_tiles.holds(snapshot, TileAddress(0, 0, 0)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert app.state.unit_tiles.holds(snapshot, TileAddress(0, 0, 0))


def _release_of(engine, code: str) -> int:
    with engine.connect() as conn:
        return next(r.id for r in release_store.list_releases(conn) if r.jurisdiction_code == code)


def test_a_release_exported_as_pmtiles_reads_back_tile_for_tile(loaded_engine, tmp_path):
    release_id = _release_of(loaded_engine, "140100")
    path = tmp_path / "taiyuan.pmtiles"
    summary = export_release_tiles(loaded_engine, release_id, path, max_zoom=10)
    _release, units, _ = release_units(loaded_engine, release_id)
    source = units_tile_source(units)
    with path.open("rb") as f:
        reader = Reader(MmapSource(f))
        header, metadata = reader.header(), reader.metadata()
        assert (header["tile_type"], header["tile_compression"]) == (TileType.MVT, Compression.GZIP)
        assert (header["min_zoom"], header["max_zoom"]) == (0, 10) == (summary.min_zoom, summary.max_zoom)
        assert header["clustered"]
        west, _south, _east, north = shapely.total_bounds([u.geometry for u in units])
        assert header["min_lon_e7"] == round(west * 1e7) and header["max_lat_e7"] == round(north * 1e7)
        assert metadata["release"]["id"] == release_id
        assert {layer["id"] for layer in metadata["vector_layers"]} == {"units", "unit_classes"}
        stored = {TileAddress(z, x, y): gzip.decompress(data) for (z, x, y), data in all_tiles(reader.get_bytes)}
        assert len(stored) == summary.tiles
        # Every stored tile is the tile the server cuts, and every tile with units is stored.
        for tile, data in stored.items():
            assert data == source.encode(tile)
        drawn = {t for z in range(11) for t in tiles_covering(source.bounds(), z) if len(source.features_in(t)[0])}
        assert set(stored) == drawn
        taiyuan = tile_for_lonlat(112.55, 37.87, 10)
        codes = {f["properties"]["code"] for f in decode(stored[taiyuan])["units"]["features"]}
        assert codes == {u.code for u in units if u.geometry.intersects(shapely.box(*_lonlat_bounds(taiyuan)))}
        assert reader.get(10, 0, 0) is None  # nothing drawn there: left out


def _lonlat_bounds(tile: TileAddress) -> tuple[float, float, float, float]:
    minx, miny, maxx, maxy = tile.mercator_bounds()
    to_lonlat = Transformer.from_crs("EPSG:3857", "EPSG:4326", always_xy=True)
    (west, east), (south, north) = to_lonlat.transform([minx, maxx], [miny, maxy])
    return west, south, east, north
