"""The installable web app: manifest and icons, service worker, and a lookup with the network off."""

from __future__ import annotations

import json

import pytest

from ecozone.app import create_app
from ecozone.settings import Settings

from tests.helpers.live_server import LiveServer


def test_manifest_names_the_app_and_its_icons_exist(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = json.loads(response.text)
    assert manifest["name"] == "生态环境分区管控查询" and manifest["display"] == "standalone"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200 and image.headers["content-type"] == "image/png"
        width = int.from_bytes(image.content[16:20], "big")  # PNG IHDR width
        assert f"{width}x{width}" == icon["sizes"]
    english = json.loads(client.get("/manifest.webmanifest?lang=en").text)
    assert english["lang"] == "en" and english["name"] != manifest["name"]


def test_every_page_links_the_manifest_and_loads_the_app_script(client):
    for path in ("/", "/screening", "/siting", "/releases"):
        html = client.get(path).text
        assert '<link rel="manifest" href="/manifest.webmanifest">' in html, path
        assert "/static/pwa.js" in html and 'name="theme-color"' in html, path


def test_service_worker_is_served_from_the_root_with_its_shell(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/javascript")
    assert response.headers["service-worker-allowed"] == "/"
    assert response.headers["cache-control"] == "no-cache"
    first_line = response.text.splitlines()[0]
    settings = json.loads(first_line.removeprefix("self.ECOZONE = ").removesuffix(";"))
    assert settings["root"] == "" and len(settings["version"]) == 12
    assert {"/", "/screening", "/static/map.js", "/static/pwa.js", "/vendor/leaflet/leaflet.js"} <= set(settings["shell"])
    for url in settings["shell"]:
        assert client.get(url).status_code == 200, url


def _wait_for_worker(page) -> None:
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=20_000)


def _look_up(page, lon: float, lat: float) -> None:
    page.fill("#lon", str(lon))
    page.fill("#lat", str(lat))
    page.click("#coord-go")


@pytest.mark.browser
def test_lookup_answers_offline_after_first_load(chromium, live_engine):
    """First load online; then the server goes away and the context is set offline: the page
    still opens, says it is offline, and answers a lookup from the stored area, marked stale."""
    server = LiveServer(create_app(Settings(log_json=True, locale="zh"), live_engine)).start()
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True)
    page = context.new_page()
    script_errors: list[str] = []
    page.on("pageerror", lambda exc: script_errors.append(str(exc)))
    try:
        page.goto(server.url + "/")
        _wait_for_worker(page)
        # Online: a lookup zooms in on the point, and the units in view are kept for later.
        _look_up(page, 112.7, 37.6)
        page.wait_for_selector("#card >> text=小店区重点管控单元（城镇）")
        page.wait_for_function("() => document.body.dataset.areaSaved !== undefined", timeout=20_000)

        server.stop()
        context.set_offline(True)
        page.reload()
        page.wait_for_selector(".offline-banner", state="visible")
        _look_up(page, 112.7, 37.6)
        card = page.locator("#card")
        card.locator("text=小店区重点管控单元（城镇）").wait_for()
        assert "离线查询" in card.inner_text() and "可能已过时" in card.inner_text()
        assert "禁止新建化工项目" in card.inner_text() or card.locator(".dimension, details, section").count() > 0

        # A place outside the stored area is not guessed at.
        _look_up(page, 112.05, 37.05)
        card.locator("text=不在本机已缓存的区域内").wait_for()
    finally:
        context.close()
        server.stop()
    assert not script_errors, script_errors


@pytest.mark.browser
def test_location_button_looks_up_where_the_device_is(chromium, live_server):
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True,
        geolocation={"longitude": 112.7, "latitude": 37.6, "accuracy": 12}, permissions=["geolocation"],
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        button = page.locator("#locate")
        box = button.bounding_box()
        assert box is not None and box["height"] >= 44  # a thumb-sized target
        button.click()
        page.wait_for_selector("#card >> text=小店区重点管控单元（城镇）")
        note = page.locator("#locate-note").inner_text()
        assert "WGS84" in note and "CGCS2000" in note and "±12" in note
        assert page.input_value("#lon") == "112.7" and page.input_value("#lat") == "37.6"
    finally:
        context.close()
