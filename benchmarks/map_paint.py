"""First map paint: the public map in headless Chromium against ``ecozone serve``.

    python -m benchmarks.run --only map_paint        # part of `make bench`

A SQLite database holds one published release (the national synthetic territory of
``benchmarks.national``: ~45,000 units, 6.5 M vertices; or the shipped demonstration release).
``ecozone serve`` runs on it on a free loopback port and is ready once it has answered a point
lookup (the zoning in force is loaded then). Each visit opens the public map (``/``) in a fresh
browser context (nothing cached in the browser) at 1280 × 800 px and reads two marks the page
sets itself (``map.js``), both measured from navigation start (``performance.timeOrigin``):

* ``ecozone:units-first-tile``: VectorGrid has drawn the first tile that holds units (its
  ``tileload`` fires one animation frame after the tile's canvas is drawn);
* ``ecozone:units-drawn``: every unit tile of the initial view is drawn (the layer's ``load``).

``map_first_paint_s`` is the median of ``units-drawn`` over fresh visits, the first of which is
the first visitor after the server started (its tiles possibly cut on demand; the server warms the
low zooms in the background, see ``docs/scale.md``). The peer, in the same run and on the same
server: a page on the same origin with the same Leaflet, view and canvas renderer that draws every
unit from ``/api/v1/map/units`` (GeoJSON), timed from navigation start until the units are on the
canvas (one animation frame after ``addTo``). The notes also carry the floor of this machine at
that moment: an empty Leaflet map from the same server, navigation start to its first frame, and
the load average (the machine is shared; other work slows the browser and the server alike).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import shutil
import statistics
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from benchmarks.figures import Figure, skipped
from benchmarks.serve_load import Server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1280, "height": 800}
TARGET_S = 2.0
VISITS = 5
PAGE_TIMEOUT_MS = 180_000
NATIONAL_CODE = "100000"
SERVE = ["-m", "ecozone.cli", "serve", "--port", "{port}"]
# A fixed clock for the stored rows (the benchmark's own edge).
STAMP = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)

# The peer: the same Leaflet, view and renderer, every unit from the GeoJSON endpoint. Served by
# the browser's request routing on the server's origin (so it carries no CSP of its own).
PEER_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="/vendor/leaflet/leaflet.css">
<style>html,body{margin:0;height:100%}#map{position:absolute;left:0;top:0;bottom:0;right:__PANEL__px}</style>
</head><body><div id="map"></div>
<script src="/vendor/leaflet/leaflet.js"></script>
<script>
const config = __CONFIG__;
const map = L.map('map', { preferCanvas: true, zoomSnap: 0.25 });
const [minLon, minLat, maxLon, maxLat] = config.bounds;
map.fitBounds([[minLat, minLon], [maxLat, maxLon]]);
fetch('/api/v1/map/units').then((r) => r.json()).then((data) => {
  performance.mark('ecozone:geojson-received');
  L.geoJSON(data, { interactive: false,
    style: (f) => Object.assign({ weight: 1, fillOpacity: 0.45 }, config.classStyles[f.properties.class]) }).addTo(map);
  requestAnimationFrame(() => performance.mark('ecozone:units-drawn'));
});
</script></body></html>"""


def _mark(page, name: str) -> float | None:
    found = page.evaluate(f"() => performance.getEntriesByName({json.dumps(name)}, 'mark').map((m) => m.startTime)")
    return round(found[0] / 1000, 3) if found else None


def _tile_requests(page) -> dict:
    """Unit tiles fetched by the page so far: count, bytes, slowest response."""
    entries = page.evaluate(
        "() => performance.getEntriesByType('resource').filter((e) => e.name.includes('/tiles/units/'))"
        ".map((e) => [e.encodedBodySize || e.transferSize, e.responseEnd - e.requestStart])"
    )
    return {
        "tiles": len(entries),
        "tile_kb": round(sum(e[0] for e in entries) / 1024, 1),
        "slowest_tile_ms": round(max((e[1] for e in entries), default=0), 1),
    }


def visit_map(browser, base: str) -> dict:
    """One fresh visit to the public map; the page's own marks, in seconds from navigation start."""
    context = browser.new_context(viewport=VIEWPORT, service_workers="block")
    try:
        page = context.new_page()
        page.goto(base + "/", wait_until="commit", timeout=PAGE_TIMEOUT_MS)
        page.wait_for_function(
            "() => performance.getEntriesByName('ecozone:units-drawn', 'mark').length > 0", timeout=PAGE_TIMEOUT_MS
        )
        return {
            "first_tile_s": _mark(page, "ecozone:units-first-tile"),
            "drawn_s": _mark(page, "ecozone:units-drawn"),
            "dom_content_loaded_s": round(page.evaluate(
                "() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd") / 1000, 3),
            "zoom": page.evaluate("() => window.ecozone.map.getZoom()"),
            **_tile_requests(page),
        }
    finally:
        context.close()


def _map_config(browser, base: str) -> dict:
    context = browser.new_context(viewport=VIEWPORT, service_workers="block")
    try:
        page = context.new_page()
        page.goto(base + "/", wait_until="domcontentloaded", timeout=PAGE_TIMEOUT_MS)
        config = json.loads(page.locator("#map-config").text_content())
        panel = page.evaluate("() => window.innerWidth - document.getElementById('map').getBoundingClientRect().right")
        return {"config": {"bounds": config["bounds"], "classStyles": config["classStyles"]}, "panel": round(panel)}
    finally:
        context.close()


# The floor: the same Leaflet on the same origin, no layer at all (what loading a map page costs here).
BARE_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="/vendor/leaflet/leaflet.css"></head><body><div id="map" style="height:600px"></div>
<script src="/vendor/leaflet/leaflet.js"></script>
<script>L.map('map').setView([35, 105], 4); requestAnimationFrame(() => performance.mark('ecozone:bare-map'));</script>
</body></html>"""


def visit_bare_leaflet(browser, base: str) -> float:
    """Seconds from navigation start until an empty Leaflet map has had its first frame."""
    context = browser.new_context(viewport=VIEWPORT, service_workers="block")
    try:
        context.route(base + "/bench/bare-map", lambda route: route.fulfill(status=200, content_type="text/html", body=BARE_PAGE))
        page = context.new_page()
        page.goto(base + "/bench/bare-map", wait_until="commit", timeout=PAGE_TIMEOUT_MS)
        page.wait_for_function("() => performance.getEntriesByName('ecozone:bare-map', 'mark').length > 0", timeout=PAGE_TIMEOUT_MS)
        return _mark(page, "ecozone:bare-map")
    finally:
        context.close()


def visit_geojson_peer(browser, base: str, shape: dict) -> dict:
    """The peer page: every unit from /api/v1/map/units, same view and canvas renderer."""
    html = PEER_PAGE.replace("__CONFIG__", json.dumps(shape["config"])).replace("__PANEL__", str(shape["panel"]))
    context = browser.new_context(viewport=VIEWPORT, service_workers="block")
    try:
        context.route(base + "/bench/geojson-map", lambda route: route.fulfill(status=200, content_type="text/html", body=html))
        page = context.new_page()
        page.goto(base + "/bench/geojson-map", wait_until="commit", timeout=PAGE_TIMEOUT_MS)
        page.wait_for_function(
            "() => performance.getEntriesByName('ecozone:units-drawn', 'mark').length > 0", timeout=PAGE_TIMEOUT_MS
        )
        body = page.evaluate(
            "() => performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/v1/map/units'))"
            ".map((e) => e.encodedBodySize || e.transferSize)"
        )
        return {
            "received_s": _mark(page, "ecozone:geojson-received"),
            "drawn_s": _mark(page, "ecozone:units-drawn"),
            "geojson_mb": round(sum(body) / 2**20, 1),
        }
    finally:
        context.close()


# --- the databases ------------------------------------------------------------------------------


def national_database(folder: Path) -> tuple[str, dict]:
    """A SQLite database holding the national synthetic territory as one published release.

    The units go in the way ``create_draft`` stores them, without its topology checks (overlaps and
    gaps over 45,000 units take far longer than the figure measured); the release then goes
    through submit, filing and publication as any release does."""
    import shapely

    from benchmarks.national import CHINA_BBOX, national_units_file, read_units
    from ecozone.geo.regions import Region, RegionLevel
    from ecozone.store.engine import make_engine, migrate
    from ecozone.zoning import releases as workflow
    from ecozone.zoning.model import Release, ReleaseKind, ReleaseStatus
    from ecozone.zoning.repositories import regions as region_store
    from ecozone.zoning.repositories import releases as release_store

    start = time.perf_counter()
    units = read_units(national_units_file())
    url = f"sqlite:///{folder / 'national.db'}"
    engine = make_engine(url)
    try:
        migrate(engine)
        country = Region(code=NATIONAL_CODE, name="全国（合成）", name_en="National (synthetic)",
                         level=RegionLevel.PROVINCE, parent_code=None, geometry=shapely.box(*CHINA_BBOX))
        with engine.begin() as conn:
            region_store.replace_regions(conn, [country])
            release = release_store.create_release(conn, Release(
                id=None, jurisdiction_code=NATIONAL_CODE, version="synthetic", title="全国合成管控单元（基准测试）",
                kind=ReleaseKind.INITIAL, status=ReleaseStatus.DRAFT, reason="benchmark", issuer="benchmark",
                demo=True), STAMP)
            release_store.add_units(conn, release.id, units)
        actor = "system:benchmark"
        workflow.submit(engine, release.id, actor, now=STAMP)
        workflow.file_release(engine, release.id, actor, now=STAMP)
        workflow.publish(engine, release.id, dt.date(2025, 1, 1), actor, now=STAMP)
    finally:
        engine.dispose()
    return url, {"units": len(units), "database_build_s_untimed": round(time.perf_counter() - start, 1)}


@contextmanager
def _browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def measure(database_url: str, visits: int, peer_visits: int) -> dict:
    """Visits to the map (the first right after the server is ready), then the GeoJSON peer."""
    server = Server(database_url, SERVE, {"ECOZONE_LOG_LEVEL": "WARNING"})
    base = f"http://127.0.0.1:{server.port}"
    load_before = os.getloadavg()[0]
    try:
        with _browser() as browser:
            runs = [visit_map(browser, base) for _ in range(visits)]
            bare = [visit_bare_leaflet(browser, base) for _ in range(3)]
            peer = None
            if peer_visits:
                shape = _map_config(browser, base)
                peer = [visit_geojson_peer(browser, base, shape) for _ in range(peer_visits)]
    finally:
        server.stop()
    return {"runs": runs, "peer": peer, "bare_leaflet_s": statistics.median(bare),
            "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)]}


def _figure(name: str, measured: dict, data: dict) -> Figure:
    runs, peer = measured["runs"], measured["peer"]
    value = statistics.median(r["drawn_s"] for r in runs)
    figure = Figure(
        name, round(value, 2), "s", target=TARGET_S, better="lower",
        notes={
            "what": "navigation start → every unit tile of the initial view drawn (median of fresh browser contexts; "
                    "the first is the first visitor after the server is ready)",
            "first_visit_s": runs[0]["drawn_s"],
            "first_tile_s_median": statistics.median(r["first_tile_s"] for r in runs),
            "runs": runs,
            "bare_leaflet_map_s": measured["bare_leaflet_s"],
            "load_average_1min_before_after": measured["load_average_1min"],
            "viewport": VIEWPORT,
            "browser": "Debian Chromium, headless, same machine as the server (2 shared cores)",
            "data": data,
        },
    )
    if peer:
        figure.peer = "same view, every unit from /api/v1/map/units (GeoJSON, Leaflet canvas)"
        figure.peer_value = round(statistics.median(p["drawn_s"] for p in peer), 2)
        figure.notes["peer_runs"] = peer
    return figure


def map_paint(demo_paths=None, demo_url: str | None = None, visits: int = VISITS) -> list[Figure]:
    """``map_first_paint_s`` on the national territory and ``map_first_paint_demo_s`` on the shipped release."""
    reason = None
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        reason = f"{CHROMIUM} is missing (apt-get install -y chromium)"
    elif importlib.util.find_spec("playwright") is None:
        reason = "playwright is not installed (make install-test)"
    if reason:
        return [skipped(name, "s", reason, target=TARGET_S, better="lower") for name in ("map_first_paint_s", "map_first_paint_demo_s")]
    figures = []
    folder = Path(tempfile.mkdtemp(prefix="ecozone-paint-"))
    try:
        url, data = national_database(folder)
        figures.append(_figure("map_first_paint_s", measure(url, visits, peer_visits=1), {"kind": "national synthetic", **data}))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if demo_url is not None:
        figures.append(_figure("map_first_paint_demo_s", measure(demo_url, visits, peer_visits=3), {"kind": "demonstration release"}))
    return figures


if __name__ == "__main__":
    import sys

    for f in map_paint(visits=int(sys.argv[1]) if len(sys.argv) > 1 else 3):
        print(json.dumps(f.to_json(), ensure_ascii=False, indent=1))
