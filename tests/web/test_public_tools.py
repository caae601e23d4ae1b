"""The public tools on the shipped Shanxi data: self-screening, siting, release changes and the
indicator dashboard — over HTTP (TestClient) and in Debian's headless Chromium.

The database holds the shipped demonstration release, the shipped sample observations and a
second 太原市 release in which one unit lost a strip of its area and another's access text
changed. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import shapely
import shapely.geometry
from fastapi.testclient import TestClient

from ecozone.clock import utc_now
from ecozone import bootstrap
from ecozone.app import create_app
from ecozone.api.routers.public_tools import outline_of
from ecozone.errors import BadInput
from ecozone.geo.io import write_vector
from ecozone.indicators import load_registry
from ecozone.indicators.stored import import_file
from ecozone.settings import Settings
from ecozone.zoning.repositories import releases as release_store
from ecozone.store.engine import make_engine, migrate

from tests.helpers.live_server import LiveServer
from ecozone.web.charts import indicator_chart
from ecozone.web.dashboard import STATUS_STYLES, default_year, group_by_category
from ecozone.web.i18n import Translator
from ecozone.zoning import releases as workflow
from ecozone.zoning.model import AccessEntry, Dimension, ReleaseKind

REPO = Path(__file__).resolve().parents[2]
SHIPPED = bootstrap.DatasetPaths(REPO / "data" / "shanxi")
PLANS = REPO / "data" / "shanxi" / "plans"
# A 2 km square on the Fen river in 小店区 (as in tests/screening): a new coking plant is 禁止.
FENHE_SQUARE = [(112.50, 37.70), (112.52, 37.70), (112.52, 37.72), (112.50, 37.72)]
NO_NEW_CAPACITY = "严禁焦化、钢铁、水泥等新增产能项目"
TAIYUAN = "140100"


def taiyuan_update(engine) -> tuple[int, int, str]:
    """Publish a 太原市 dynamic update: the first unit loses its eastern tenth, the second gets a
    new spatial-layout line. Returns (previous id, new id, reshaped unit code)."""
    with engine.connect() as conn:
        previous = next(r for r in release_store.list_releases(conn, TAIYUAN) if r.status.value == "published")
    _, units, _ = workflow.release_units(engine, previous.id)
    units = sorted(units, key=lambda u: u.code)
    first, second = units[0], units[1]
    west, south, east, north = first.geometry.bounds
    strip = shapely.box(east - (east - west) / 10, south - 1, east + 1, north + 1)
    units[0] = dataclasses.replace(first, geometry=first.geometry.difference(strip))
    units[1] = dataclasses.replace(second, access=[*second.access, AccessEntry(Dimension.SPATIAL_LAYOUT, "新增：严格控制新建涉气项目。")])
    request = workflow.DraftRequest(
        jurisdiction_code=TAIYUAN, version="2025-1", title="太原市生态环境分区管控动态更新（测试）",
        kind=ReleaseKind.DYNAMIC, reason="单元边界调整", issuer="太原市生态环境局", demo=True,
    )
    release, _ = workflow.create_draft(engine, request, units, "test", workflow.release_rule_files(engine, previous.id), now=utc_now())
    workflow.submit(engine, release.id, "test", now=utc_now())
    workflow.file_release(engine, release.id, "test", now=utc_now())
    workflow.publish(engine, release.id, dt.date(2025, 1, 1), "test", notice="自公布之日起施行。", now=utc_now())
    return previous.id, release.id, first.code


@pytest.fixture(scope="module")
def tools_data(tmp_path_factory):
    """(engine, previous Taiyuan release id, new release id, reshaped unit code)."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('tools') / 'ecozone.db'}")
    migrate(engine)
    bootstrap.load_reference_data(engine, SHIPPED)
    bootstrap.load_demo_release(engine, SHIPPED, now=utc_now())
    import_file(engine, PLANS / "sample_observations.csv", load_registry(PLANS), "test", utc_now())
    previous, new, reshaped = taiyuan_update(engine)
    yield engine, previous, new, reshaped
    engine.dispose()


@pytest.fixture(scope="module")
def tools_client(tools_data):
    return TestClient(create_app(Settings(log_json=True, locale="zh"), tools_data[0]))


# --- pure parts ----------------------------------------------------------------------------------


def test_chart_places_points_on_hand_computed_coordinates():
    svg = indicator_chart(
        [{"year": 2020, "value": 0.0}, {"year": 2025, "value": 10.0}],
        [{"year": 2020, "value": 0.0}, {"year": 2022, "value": 4.0}],
        "#c62828",
        "森林覆盖率",
    )
    # Values run from 0 (never below zero for non-negative data) to 11 (10 % margin above);
    # x = 34 + (year-2020)/5*198, y = 66 - v/11*58.
    assert 'points="34.0,66.0 232.0,13.3"' in svg  # the required path, dashed
    assert 'points="34.0,66.0 113.2,44.9"' in svg  # the observed path
    assert svg.count("<circle") == 2 and 'aria-label="森林覆盖率"' in svg
    assert indicator_chart([], [], "#000", "x") is None


def test_indicators_are_grouped_by_category_binding_first():
    entries = [
        {"category": "环境质量", "binding_code": "expected", "number": 3, "status": "achieved", "name": "a"},
        {"category": "生态保护", "binding_code": "binding", "number": 1, "status": "no_data", "name": "b"},
        {"category": "环境质量", "binding_code": "binding", "number": 4, "status": "deteriorating", "name": "c"},
    ]
    groups = group_by_category(entries, Translator("zh"))
    assert [g.name for g in groups] == ["环境质量", "生态保护"]
    assert [c.entry["name"] for c in groups[0].cards] == ["c", "a"]
    assert groups[0].cards[0].colour == STATUS_STYLES["deteriorating"] and groups[0].cards[0].status_label == "退步"
    assert default_year((2021, 2025), dt.date(2026, 3, 1)) == 2025
    assert default_year((2025, 2035), dt.date(2026, 3, 1)) == 2026


def test_outline_merges_parts_and_projects_to_cgcs2000():
    # Two touching squares in CGCS2000 / 3-degree GK zone 38 (EPSG:4547, easting 500 km = 114°E).
    parts = [shapely.box(500_000, 4_180_000, 501_000, 4_181_000), shapely.box(501_000, 4_180_000, 502_000, 4_181_000)]
    outline = outline_of(parts, "EPSG:4547", "a.gpkg")
    assert outline.geom_type == "Polygon"
    west, south, east, _ = outline.bounds
    assert abs(west - 114.0) < 0.001 and 37.7 < south < 37.8 and 0.02 < east - west < 0.025
    with pytest.raises(BadInput) as mixed:
        outline_of([shapely.Point(112.0, 37.0), shapely.box(112.5, 37.5, 112.6, 37.6)], None, "m.geojson")
    assert mixed.value.detail["field"] == "file" and "m.geojson" in mixed.value.message


# --- over HTTP -----------------------------------------------------------------------------------


def test_nav_entries_are_live(tools_client):
    html = tools_client.get("/screening").text
    for href in ("/screening", "/siting", "/indicators"):
        assert f'href="{href}"' in html
    assert 'aria-current="page">自助研判' in html


def test_vocabulary_lists_attributes_and_kinds(tools_client):
    body = tools_client.get("/api/v1/project-vocabulary").json()
    attributes = {a["key"]: a for a in body["attributes"]}
    assert attributes["in_park"]["type"] == "bool"
    assert attributes["capacity_mw"]["unit"] == "MW"
    assert {"value": "coal", "label": "煤炭"} in attributes["fuel"]["choices"]
    assert any(k["name"] == "化工园区" for k in body["kinds"])


def test_uploaded_geopackage_outline_comes_back_in_lon_lat(tools_client, tmp_path):
    path = tmp_path / "site.gpkg"
    write_vector(path, [shapely.box(500_000, 4_180_000, 501_000, 4_181_000)], {"name": ["地块"]}, "EPSG:4547")
    response = tools_client.post("/api/v1/outlines", files={"file": ("site.gpkg", path.read_bytes())})
    assert response.status_code == 200, response.text
    feature = response.json()
    assert feature["geometry"]["type"] == "Polygon" and "4547" in feature["properties"]["source_crs"]
    lon, lat = feature["geometry"]["coordinates"][0][0]
    assert 113.99 < lon < 114.02 and 37.7 < lat < 37.8
    assert feature["properties"]["project"] == {"name": "地块"}
    bad = tools_client.post("/api/v1/outlines", files={"file": ("site.txt", b"hello")})
    assert bad.status_code == 422 and bad.json()["field"] == "file"


def test_uploaded_zipped_shapefile_names_its_project(tools_client, tmp_path):
    shp = tmp_path / "shp" / "project.shp"
    shp.parent.mkdir()
    columns = {"name": ["某焦化项目"], "industry": ["C2521"], "nature": ["expand"]}
    write_vector(shp, [shapely.box(112.50, 37.70, 112.52, 37.72)], columns, "EPSG:4490")
    archive = tmp_path / "project.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in shp.parent.iterdir():
            zf.write(part, part.name)
    feature = tools_client.post("/api/v1/outlines", files={"file": ("project.zip", archive.read_bytes())}).json()
    assert feature["properties"]["project"] == {"name": "某焦化项目", "industry": "C2521", "nature": "expand"}
    assert shapely.geometry.shape(feature["geometry"]).equals(shapely.box(112.50, 37.70, 112.52, 37.72))


def test_release_page_shows_what_changed(tools_client, tools_data):
    _, previous, new, reshaped = tools_data
    html = tools_client.get(f"/releases/{new}").text
    assert "与上一版本相比的变化" in html and f'href="/releases/{previous}"' in html
    counts = dict(re.findall(r'data-change="(\w+)"[^>]*>[^<]*<strong>(\d+)</strong>', html))
    assert counts["reshaped"] == "1" and counts["changed"] == "2" and counts["added"] == "0"
    assert reshaped in html and "范围" in html and "空间布局约束" in html
    assert f"/api/v1/releases/{previous}/diff/{new}?format=geojson" in html
    first = tools_client.get(f"/releases/{previous}").text
    assert "首次发布的成果" in first and "changes-map" not in first


def test_dashboard_page_puts_binding_first_with_status_and_charts(tools_client):
    html = tools_client.get("/indicators/tunliu-2021-2025", params={"year": 2023}).text
    assert "长治市屯留区" in html and 'value="2023" selected' in html
    first_section = html.split('<section class="category">')[1]
    bindings = re.findall(r'<article class="indicator (\w+)"', first_section)
    assert bindings and bindings == sorted(bindings, key=lambda b: b != "binding")
    assert 'data-status="limited"' in html and "<svg" in html and "示例数据" in html
    assert "/api/v1/plans/tunliu-2021-2025/report?year=2023&amp;kind=midterm&amp;format=pdf" in html
    assert tools_client.get("/indicators/tunliu-2021-2025", params={"year": 1990}).status_code == 422
    assert tools_client.get("/indicators/no-such-plan").status_code == 404
    english = tools_client.get("/indicators/tunliu-2021-2025", params={"year": 2023, "lang": "en"}).text
    assert "Limited progress" in english and "Annual tracking HTML" in english
    tools_client.cookies.clear()  # ?lang=en is remembered; the next pages are read in Chinese
    plans = tools_client.get("/indicators", params={"lang": "zh"}).text
    assert 'href="/indicators/tunliu-2021-2025"' in plans and "约束性 19 项" in plans


# --- in Chromium ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tools_server(tools_data):
    server = LiveServer(create_app(Settings(log_json=True, locale="zh"), tools_data[0])).start()
    yield server
    server.stop()


@pytest.fixture
def tool_page(chromium, tools_server):
    """A desktop browser page; script errors and HTTP errors fail the test."""
    context = chromium.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    page.on("response", lambda r: errors.append(f"{r.status} {urlsplit(r.url).path}") if r.status >= 400 else None)
    yield page
    context.close()
    assert not errors, f"browser errors: {errors}"


def click_at(page, map_name: str, lon: float, lat: float) -> None:
    x, y = page.evaluate(
        f"([lat, lon]) => {{ const p = {map_name}.map.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }}", [lat, lon]
    )
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


def choose_industry(page, query: str, option: str) -> None:
    """Type a query, wait for the suggestion list, then take the suggested entry."""
    page.fill("#industry", query)
    page.wait_for_selector(f"#industry-options option[value='{option}']", state="attached")
    page.fill("#industry", option)
    page.wait_for_function("() => document.getElementById('industry-chosen').textContent.includes('已选')")


@pytest.mark.browser
def test_draw_a_polygon_and_screen_a_coking_plant(tool_page, tools_server, artifacts):
    page = tool_page
    page.goto(tools_server.url + "/screening")
    page.wait_for_function("() => window.ecozoneScreening && document.querySelector('#attributes select')")
    page.evaluate("() => ecozoneScreening.map.setView([37.71, 112.51], 13, { animate: false })")
    page.click("#draw-polygon")
    for lon, lat in FENHE_SQUARE:
        click_at(page, "ecozoneScreening", lon, lat)
    assert "已 4 个" in page.inner_text("#draw-status")
    page.click("#draw-finish")
    geometry = page.evaluate("() => ecozoneScreening.state.geometry")
    assert geometry["type"] == "Polygon" and len(geometry["coordinates"][0]) == 5
    assert abs(geometry["coordinates"][0][2][0] - 112.52) < 0.001
    choose_industry(page, "焦化", "C2521 炼焦")
    page.fill("#project-name", "某焦化项目")
    page.select_option("#nature", "new")
    page.click("#screen-go")
    page.wait_for_selector("#verdict")
    assert page.inner_text("#verdict .verdict-badge") == "禁止"
    finding = page.locator(".finding[data-rule='SX-000-NO-NEW-CAPACITY']")
    assert NO_NEW_CAPACITY in finding.locator(".citation").inner_text()
    # People read the document's title, 文号 and section; the source file name and rule id stay in the JSON.
    assert "晋政发〔2021〕34号" in finding.inner_text() and "三、(三)" in finding.inner_text()
    assert "000_6f036d9dc4af6d6d.txt" not in finding.inner_text() and "SX-000" not in finding.inner_text()
    assert page.locator(".finding").first.get_attribute("class") == "finding prohibited"
    assert page.locator("#result .units li").count() >= 1
    pdf = page.request.get(tools_server.url + page.get_attribute("#report-pdf", "href"))
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    page.screenshot(path=str(artifacts / "tools-screening-draw.png"), full_page=True)


@pytest.mark.browser
def test_upload_a_geojson_outline_and_get_a_report(tool_page, tools_server, artifacts, tmp_path):
    page = tool_page
    outline = tmp_path / "project.geojson"
    ring = [[lon, lat] for lon, lat in [*FENHE_SQUARE, FENHE_SQUARE[0]]]
    outline.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "地块"}, "geometry": {"type": "Polygon", "coordinates": [ring]}},
    ]}), encoding="utf-8")
    page.goto(tools_server.url + "/screening")
    page.wait_for_function("() => window.ecozoneScreening")
    page.set_input_files("#outline-file", str(outline))
    page.wait_for_function("() => ecozoneScreening.state.geometry !== null")
    assert "已画好项目位置（面）" in page.inner_text("#draw-status")
    page.fill("#industry", "C2521")
    page.click("#screen-go")
    page.wait_for_selector("#verdict")
    assert page.inner_text("#verdict .verdict-badge") == "禁止"
    href = page.get_attribute("#report-pdf", "href")
    assert re.fullmatch(r"/api/v1/screenings/\w+/report\?lang=zh&format=pdf", href)
    report = page.request.get(tools_server.url + href.replace("format=pdf", "format=html"))
    assert report.ok and NO_NEW_CAPACITY in report.text()
    page.screenshot(path=str(artifacts / "tools-screening-upload.png"), full_page=True)


@pytest.mark.browser
def test_siting_colours_a_county_and_offers_geojson(tool_page, tools_server, artifacts):
    page = tool_page
    page.goto(tools_server.url + "/siting")
    page.wait_for_function("() => window.ecozoneSiting")
    choose_industry(page, "C2614", "C2614 有机化学原料制造")
    page.select_option("#county", "140110")
    page.click("#siting-go")
    page.wait_for_selector("#siting-download")
    colours = page.evaluate(
        "() => { const c = new Set(); ecozoneSiting.areas.eachLayer((l) => c.add(l.options.fillColor)); return [...c].sort(); }"
    )
    # prohibited, possibly prohibited (a ban waits for an undeclared kind) and restricted
    assert colours == sorted(["#e53935", "#ab47bc", "#fb8c00"])
    prohibited = float(page.inner_text("tr[data-verdict='prohibited'] td.num >> nth=0").replace(",", ""))
    restricted = float(page.inner_text("tr[data-verdict='restricted'] td.num >> nth=0").replace(",", ""))
    assert prohibited > 100 and restricted > 10 and 250 < prohibited + restricted < 350
    with page.expect_download() as info:
        page.click("#siting-download")
    body = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert body["type"] == "FeatureCollection" and body["region"]["code"] == "140110"
    page.screenshot(path=str(artifacts / "tools-siting.png"))


@pytest.mark.browser
def test_siting_offers_a_whole_city_and_the_province(tool_page, tools_server):
    page = tool_page
    page.goto(tools_server.url + "/siting")
    page.wait_for_function("() => window.ecozoneSiting")
    wider = page.eval_on_selector_all("#county optgroup:first-of-type option", "(os) => os.map((o) => o.value)")
    assert wider[0] == "140000" and "140400" in wider
    choose_industry(page, "焦化", "C2521 炼焦")
    page.select_option("#county", "140400")  # 长治市: its counties, 屯留's own rules included
    page.click("#siting-go")
    page.wait_for_selector("#siting-download")
    assert "长治市" in page.inner_text("#siting-result h2")
    verdicts = page.evaluate("() => { const v = new Set(); ecozoneSiting.areas.eachLayer((l) => v.add(l.feature.properties.verdict)); return [...v]; }")
    assert {"prohibited", "restricted"} <= set(verdicts)


@pytest.mark.browser
def test_release_page_maps_the_changed_area(tool_page, tools_server, tools_data, artifacts):
    page = tool_page
    page.goto(tools_server.url + f"/releases/{tools_data[2]}")
    page.wait_for_function("() => window.ecozoneChanges")
    assert page.evaluate("() => ecozoneChanges.count") >= 1
    assert page.locator(".change-table tbody tr").count() == 2
    page.locator("#changes").screenshot(path=str(artifacts / "tools-release-changes.png"))


@pytest.mark.browser
def test_dashboard_fits_a_phone(chromium, tools_server, artifacts):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(tools_server.url + "/indicators/tunliu-2021-2025?year=2023")
    assert page.locator("article.indicator").count() == 33
    assert page.locator("article.indicator svg.chart").count() > 20
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts / "phone-dashboard.png"), full_page=True)
    page.select_option("#year", "2022")
    page.wait_for_url(re.compile(r"year=2022"))
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    for path in ("/indicators", "/siting"):
        page.goto(tools_server.url + path)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390, path
    page.screenshot(path=str(artifacts / "phone-siting.png"), full_page=True)
    context.close()


@pytest.mark.browser
def test_screening_answer_fits_a_phone(chromium, tools_server, artifacts, tmp_path):
    outline = tmp_path / "project.geojson"
    ring = [[lon, lat] for lon, lat in [*FENHE_SQUARE, FENHE_SQUARE[0]]]
    outline.write_text(json.dumps({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]},
                                   "properties": {"name": "某焦化项目", "industry": "C2521", "nature": "new"}}), encoding="utf-8")
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(tools_server.url + "/screening")
    page.wait_for_function("() => window.ecozoneScreening")
    page.set_input_files("#outline-file", str(outline))
    page.wait_for_function("() => document.getElementById('industry').value === 'C2521'")
    assert page.input_value("#project-name") == "某焦化项目"
    page.click("#screen-go")
    page.wait_for_selector("#verdict")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts / "phone-screening.png"), full_page=True)
    context.close()


@pytest.mark.browser
def test_plain_words_suggest_the_class_and_what_else_the_form_needs(tool_page, tools_server, tmp_path):
    page = tool_page
    outline = tmp_path / "project.geojson"
    ring = [[lon, lat] for lon, lat in [*FENHE_SQUARE, FENHE_SQUARE[0]]]
    outline.write_text(json.dumps({"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [ring]}}), encoding="utf-8")
    page.goto(tools_server.url + "/screening")
    page.wait_for_function("() => window.ecozoneScreening && document.querySelector('#attributes input[name=\"kind\"]')")
    page.fill("#industry", "新建独立焦化项目，焦炭产能100万吨/年")
    suggestion = page.locator("#industry-suggest button.suggestion[data-code='C2521']")
    suggestion.wait_for()
    assert "常用说法" in suggestion.inner_text() and suggestion.bounding_box()["height"] >= 44
    assert "仅供参考" in page.inner_text("#industry-suggest")
    suggestion.click()
    assert "已选：C2521 炼焦" in page.inner_text("#industry-chosen")
    page.select_option("#nature", "expand")
    page.click("#industry-suggest button:has-text('建设性质：新建')")
    assert page.input_value("#nature") == "new"
    page.click("#industry-suggest button:has-text('项目类型：独立焦化')")
    assert page.is_checked("#attributes input[name='kind'][value='standalone_coking']")
    # The screening is kept on this device and can be shown again, marked as stored.
    page.set_input_files("#outline-file", str(outline))
    page.wait_for_function("() => ecozoneScreening.state.geometry !== null")
    page.fill("#project-name", "某独立焦化项目")
    page.click("#screen-go")
    page.wait_for_selector("#verdict")
    page.reload()
    item = page.locator("#recent .recent-item")
    item.first.wait_for()
    assert "某独立焦化项目" in item.first.inner_text() and "2521 炼焦" in item.first.inner_text()
    item.first.click()
    page.wait_for_selector("#verdict")
    assert "本机缓存" in page.inner_text("#result .stale-note")
