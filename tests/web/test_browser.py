"""End-to-end in Debian's headless Chromium: pick a place on the map, by coordinates or by
county, and read the unit card; switch language; fit a 390-px phone screen.

Screenshots go to test-artifacts/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

DIMENSIONS_ZH = ["空间布局约束", "污染物排放管控", "环境风险防控", "资源利用效率"]
DIMENSIONS_EN = [
    "Spatial layout constraints",
    "Pollutant emission control",
    "Environmental risk prevention",
    "Resource use efficiency",
]


def open_map(page, live_server, path: str = "/") -> None:
    page.goto(live_server.url + path)
    # Unit tiles drawn, regions and features loaded.
    page.wait_for_function("() => window.ecozone && window.ecozone.loaded")


def click_map_at(page, lon: float, lat: float) -> None:
    """A real mouse click on the map where (lon, lat) is drawn."""
    x, y = page.evaluate(
        "([lat, lon]) => { const p = ecozone.map.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }",
        [lat, lon],
    )
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


def card_text(page) -> str:
    page.wait_for_selector("#card .unit, #card .error, #card .no-unit")
    return page.locator("#card").inner_text()


def test_click_on_the_map_shows_the_unit_card(page, live_server, artifacts):
    open_map(page, live_server)
    click_map_at(page, 112.8, 37.6)
    text = card_text(page)
    assert "小店区重点管控单元（城镇）" in text and "ZH14010520001" in text
    assert "重点管控单元" in page.locator("#card .class-badge").inner_text()
    assert "山西省 太原市 小店区" in text
    assert [h.inner_text() for h in page.locator("#card .dimension h4").all()] == DIMENSIONS_ZH
    assert "禁止新建化工项目。" in text and "提高资源利用效率。" in text
    assert "示例数据：本结果基于演示用管控单元" in text
    release = page.locator("#card .release-line a")
    assert release.inner_text() == "太原市生态环境分区管控（示例数据）"
    assert re.fullmatch(r"/releases/\d+", release.get_attribute("href"))
    assert abs(float(page.input_value("#lon")) - 112.8) < 0.01
    page.screenshot(path=str(artifacts / "map-click.png"))


def test_coordinates_show_the_unit_card(page, live_server, artifacts):
    open_map(page, live_server)
    page.fill("#lon", "112.2")
    page.fill("#lat", "37.2")
    page.click("#coord-go")
    text = card_text(page)
    assert "榆次区一般管控单元" in text and "ZH14070230001" in text
    assert "山西省 晋中市 榆次区" in text
    assert page.locator("#card article.unit").count() == 1
    page.screenshot(path=str(artifacts / "map-coordinates.png"))


def test_bad_or_outside_coordinates_say_so(page, live_server, allowed_http_errors):
    allowed_http_errors.add("/api/v1/where")
    open_map(page, live_server)
    page.fill("#lon", "abc")
    page.fill("#lat", "37.2")
    page.click("#coord-go")
    assert "请输入有效的经纬度" in card_text(page)
    page.fill("#lon", "116.4")
    page.fill("#lat", "39.9")
    page.click("#coord-go")
    # Said in the page's language, and the map keeps its view instead of panning off to grey.
    page.wait_for_selector("#card .error:has-text('不在山西省范围内')")
    assert "outside" not in page.locator("#card").inner_text()


def test_choosing_a_county_zooms_and_lists_its_units(page, live_server, artifacts):
    open_map(page, live_server)
    before = page.evaluate("() => ecozone.map.getZoom()")
    page.select_option("#county", "140105")
    page.wait_for_selector("#county-units li")
    page.wait_for_timeout(400)  # the zoom animation
    items = page.locator("#county-units .unit-link")
    assert items.count() == 2
    assert "小店区：2 个管控单元" in page.locator("#county-units").inner_text()
    assert [b.get_attribute("data-code") for b in items.all()] == ["ZH14010510001", "ZH14010520001"]
    west, south, east, north = page.evaluate(
        "() => { const b = ecozone.map.getBounds(); return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }"
    )
    assert page.evaluate("() => ecozone.map.getZoom()") > before
    assert west <= 112.5 and east >= 113.0 and south <= 37.5 and north >= 38.0  # the county is in view
    assert west > 112.0 or south > 37.0  # and the view is narrower than the territory
    items.first.click()
    text = card_text(page)
    assert "小店区优先保护单元（汾河）" in text and "优先保护单元" in text
    assert [h.inner_text() for h in page.locator("#card .dimension h4").all()] == DIMENSIONS_ZH
    page.screenshot(path=str(artifacts / "map-county.png"))


def test_switching_to_english_is_remembered(page, live_server, artifacts):
    open_map(page, live_server)
    page.click("#lang-switch")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("h1").inner_text() == "Control unit lookup"
    page.wait_for_function("() => window.ecozone && window.ecozone.loaded")
    click_map_at(page, 112.25, 37.75)
    text = card_text(page)
    assert "迎泽区一般管控单元" in text and "General control unit" in text
    assert [h.inner_text() for h in page.locator("#card .dimension h4").all()] == DIMENSIONS_EN
    page.screenshot(path=str(artifacts / "map-english.png"))
    page.goto(live_server.url + "/releases")
    assert page.locator("h1").inner_text() == "Zoning releases"


@pytest.mark.parametrize("path", ["/", "/releases", "/releases/1", "/?lang=en"])
def test_phone_screen_has_no_horizontal_scroll(chromium, live_server, artifacts, path):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(live_server.url + path)
    if path.startswith("/?") or path == "/":
        page.wait_for_function("() => window.ecozone")
        page.fill("#lon", "112.8")
        page.fill("#lat", "37.6")
        page.click("#coord-go")
        card_text(page)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    name = "home" if path == "/" else re.sub(r"\W+", "-", path.strip("/?"))
    page.screenshot(path=str(artifacts / f"phone-{name}.png"), full_page=True)
    context.close()


def test_phone_menu_opens_the_navigation(chromium, live_server, artifacts):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(live_server.url + "/releases")
    releases_link = page.locator("#main-nav a[href='/releases']")
    assert not releases_link.is_visible()
    page.click(".menu-toggle")
    assert releases_link.is_visible()
    assert page.get_attribute(".menu-toggle", "aria-expanded") == "true"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts / "phone-menu.png"))
    context.close()


def test_the_map_draws_units_from_vector_tiles(page, live_server, artifacts):
    tiles: list[int] = []
    page.on("response", lambda r: tiles.append(r.status) if "/tiles/units/" in r.url else None)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    open_map(page, live_server)
    assert tiles and set(tiles) <= {200, 304}
    assert not any("/api/v1/map/units" in url for url in requests)
    # The tile canvases in the units pane carry painted pixels.
    painted = page.evaluate(
        """() => [...document.querySelectorAll('.leaflet-units-pane canvas')].some((c) => {
             const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
             for (let i = 3; i < d.length; i += 4) if (d[i] > 0) return true;
             return false; })"""
    )
    assert painted
    # The page marks its first paint (benchmarks/map_paint.py reads these): the first tile with
    # units drawn, then every tile of the initial view.
    first, drawn = page.evaluate(
        "() => ['ecozone:units-first-tile', 'ecozone:units-drawn'].map((n) => performance.getEntriesByName(n, 'mark')[0].startTime)"
    )
    assert 0 < first <= drawn
    page.screenshot(path=str(artifacts / "map-tiles.png"))


def test_zoomed_out_the_map_draws_each_class_from_the_grouped_tiles(page, live_server, artifacts):
    open_map(page, live_server)
    # Zoom 4: the units are a few pixels each; tiles carry one feature per class (unit_classes).
    page.evaluate("() => new Promise((done) => { ecozone.unitsLayer.once('load', done); ecozone.map.setZoom(4); })")
    layers = page.evaluate("() => Object.keys(ecozone.unitsLayer._dataLayerNames)")
    assert "unit_classes" in layers
    painted = page.evaluate(
        """() => [...document.querySelectorAll('.leaflet-units-pane canvas')].some((c) => {
             const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
             for (let i = 3; i < d.length; i += 4) if (d[i] > 0) return true;
             return false; })"""
    )
    assert painted
    page.screenshot(path=str(artifacts / "map-zoom-4.png"))
