"""Every public page in real Chromium at a desktop (1400 px) and a phone (390 px) width, on the
shipped data with the demonstration data `ecozone init` stores: no console error, no request to
any host but the server, and no visible English on a Chinese page outside data (codes, units,
standard numbers) and the language switch."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from ecozone import bootstrap
from ecozone.app import create_app
from ecozone.clock import utc_now
from ecozone.settings import Settings
from ecozone.store.engine import make_engine, migrate

from tests.helpers.live_server import LiveServer
from tests.helpers.territory import SHIPPED


PAGES = [
    "/", "/releases", "/releases/2", "/screening", "/siting", "/indicators", "/indicators/tunliu-2021-2025",
    "/indicators/shanxi-2021-2025", "/monitoring", "/monitoring/stations/DEMO-A1401", "/monitoring/complaint",
    "/no-such-page",
]
WIDTHS = (1400, 390)
# Words that are data or names, not interface text: standards, formats, units, codes, the
# platform's and the map library's names, and the switch to English itself.
ALLOWED_WORDS = {
    "english", "ecozone", "leaflet", "openstreetmap", "gb", "hj", "pdf", "html", "json", "csv", "geojson", "geopackage",
    "gpkg", "zip", "shapefile", "cgcs", "wgs", "aqi", "pm", "km", "mw", "mg", "kg", "cod", "codmn", "bod", "tp", "tn", "do",
    "nh", "so", "no", "co", "demo", "zh", "gcj", "epsg", "xlsx", "ph", "api", "url", "voc", "vocs", "ii", "iii", "iv", "gdp",
    "ogc", "jpeg", "png", "webp",
}
WORD = re.compile(r"[A-Za-z]{2,}")


@pytest.fixture(scope="module")
def shanxi_server(tmp_path_factory):
    """The shipped Shanxi data as `ecozone init` leaves it (demonstration data included)."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('public') / 'ecozone.db'}")
    migrate(engine)
    paths = SHIPPED
    bootstrap.load_reference_data(engine, paths)
    bootstrap.load_demo_release(engine, paths, now=utc_now())
    bootstrap.load_demo_indicator_observations(engine, paths, now=utc_now())
    bootstrap.load_demo_monitoring(engine, paths, now=utc_now())
    server = LiveServer(create_app(Settings(log_json=True, locale="zh"), engine)).start()
    yield server
    server.stop()
    engine.dispose()


def visible_english(text: str) -> list[str]:
    return sorted({w for w in WORD.findall(text) if w.lower() not in ALLOWED_WORDS})


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGES)
def test_public_page_is_clean(chromium, shanxi_server, path, width):
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    problems: list[str] = []
    server_host = urlsplit(shanxi_server.url).netloc
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
    page.on("console", lambda msg: problems.append(f"console: {msg.text}") if msg.type == "error" and not (path == "/no-such-page" and "404" in msg.text) else None)
    page.on("request", lambda req: problems.append(f"foreign request: {req.url}") if urlsplit(req.url).netloc not in (server_host, "") and not req.url.startswith("data:") else None)
    try:
        response = page.goto(shanxi_server.url + path, wait_until="networkidle")
        assert response is not None and response.status == (404 if path == "/no-such-page" else 200)
        page.wait_for_timeout(300)
        # Data the pages show verbatim (unit codes, station codes, release versions) is not interface text.
        text = page.evaluate(
            """() => {
                const skip = '[lang="en"], script, style, noscript, code, .code, svg, .leaflet-control-attribution, small';
                const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                const parts = [];
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                    const parent = node.parentElement;
                    if (!parent || parent.closest(skip)) continue;
                    if (parent.tagName !== 'OPTION' && !parent.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
                    parts.push(node.textContent);
                }
                return parts.join(' ');
            }"""
        )
        text = re.sub(r"\b(ZH\d{11}|DEMO-[A-Za-z0-9-]+|demo-\d{4}|[A-Z]\d{2,4})\b", " ", text)
        assert document_language(page) == "zh-CN"
        english = visible_english(text)
        assert not english, f"English on the Chinese page {path} at {width}px: {english}"
        assert not problems, problems
    finally:
        context.close()


def document_language(page) -> str:
    return page.evaluate("document.documentElement.lang")


def test_map_names_places_and_explains_a_point_outside_in_chinese(chromium, shanxi_server):
    context = chromium.new_context(viewport={"width": 1400, "height": 900}, locale="en-US")  # the page's language wins
    page = context.new_page()
    try:
        page.goto(shanxi_server.url + "/", wait_until="networkidle")
        cities = page.locator(".place-city").all_inner_texts()
        assert "太原市" in cities and "大同市" in cities
        assert page.locator(".place-county").count() == 0  # counties only when zoomed in
        page.evaluate("window.ecozone.map.setView([37.85, 112.55], 10) && 1")
        page.wait_for_timeout(600)
        assert "小店区" in page.locator(".place-county").all_inner_texts()
        assert "汾河" in page.locator(".place-river").all_inner_texts()
        zoom = page.evaluate("window.ecozone.map.getZoom()")
        page.fill("#lon", "116.4")
        page.fill("#lat", "39.9")
        page.click("#coord-form button[type=submit]")
        card = page.locator("#card")
        assert "不在山西省范围内" in card.inner_text()
        assert page.evaluate("window.ecozone.map.getZoom()") == zoom  # the map did not pan off to grey
        page.select_option("#county", index=2)
        page.wait_for_function("() => document.getElementById('card').hidden")  # the stale error is gone
        # The lookup API answers the page in its language even though the browser asks for English.
        page.evaluate("window.ecozone.lookup(100, 30)")
        page.wait_for_function("() => document.getElementById('card').innerText.includes('山西省范围')")
    finally:
        context.close()
