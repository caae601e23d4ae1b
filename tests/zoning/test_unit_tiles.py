"""The unit tile cache: overview tiles cut ahead (warm-up), once per set of releases, on both backends."""

from __future__ import annotations

import datetime as dt
import time

from fastapi.testclient import TestClient

from ecozone.app import create_app
from ecozone.geo.vector_tiles import TileAddress, decode
from ecozone.settings import Settings
from ecozone.zoning.inforce import load_snapshot
from ecozone.zoning.unit_tiles import CLASS_LAYER, LAYER, UnitTileCache, overview_tiles, unit_tile_source

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
