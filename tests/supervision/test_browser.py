"""End to end in Debian's headless Chromium: a monitor logs in to the supervision page, imports a
clue file (a polygon and a point), sees them on the map by status, and takes one to closure —
assigned, inspected with a photo, closed — through the page's own forms."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from ecozone.clock import utc_now
from ecozone import bootstrap
from ecozone.app import create_app
from ecozone.auth import accounts
from ecozone.monitoring.settings import MonitoringSettings, get_monitoring_settings
from ecozone.settings import Settings
from ecozone.store.engine import make_engine, migrate

from tests.helpers.live_server import LiveServer
from tests.helpers.territory import write_territory

pytestmark = pytest.mark.browser
PASSWORD = "correct-horse-9"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("supervision-live")
    paths = write_territory(root / "data" / "shanxi")
    engine = make_engine(f"sqlite:///{root / 'ecozone.db'}")
    migrate(engine)
    bootstrap.load_reference_data(engine, paths)
    bootstrap.load_demo_release(engine, paths, now=utc_now())
    accounts.create_user(engine, "jiancha", PASSWORD, ["monitor"], now=utc_now())
    app = create_app(Settings(log_json=True, locale="zh"), engine)
    app.dependency_overrides[get_monitoring_settings] = lambda: MonitoringSettings(media_dir=root / "media")
    live = LiveServer(app).start()
    live.root = root
    yield live
    live.stop()
    engine.dispose()


@pytest.fixture
def browser_page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(f"{r.status} {urlsplit(r.url).path}") if r.status >= 400 else None)
    yield page
    context.close()
    assert not errors, f"browser errors: {errors}"


def test_import_and_take_a_clue_to_closure_on_the_page(browser_page, server, artifacts):
    clues = server.root / "clues.geojson"
    clues.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "B-1", "name": "新增建设图斑", "change_class": "construction"},
         "geometry": {"type": "Polygon", "coordinates": [[[112.6, 37.6], [112.62, 37.6], [112.62, 37.62], [112.6, 37.62], [112.6, 37.6]]]}},
        {"type": "Feature", "properties": {"id": "B-2", "name": "无人机发现的堆场", "change_class": "dumping"},
         "geometry": {"type": "Point", "coordinates": [112.3, 37.7]}},
    ]}, ensure_ascii=False), encoding="utf-8")
    photo = server.root / "site.png"
    photo.write_bytes(PNG)
    page = browser_page
    page.goto(server.url + "/supervision")
    assert "/staff/login" in page.url
    page.fill("#username", "jiancha")
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(server.url + "/supervision")

    page.set_input_files("#clue-import input[name=file]", str(clues))
    page.select_option("#clue-import select[name=source]", "drone")
    page.fill("#clue-import input[name=observed]", "2031-06-01")
    page.click("#clue-import button[type=submit]")
    page.wait_for_selector("#clue-table tr[data-clue]")
    rows = page.locator("#clue-table tr[data-clue]")
    assert rows.count() == 2
    page.wait_for_selector("#clue-map path.leaflet-interactive")  # the polygon and the point, by status
    assert page.locator("#clue-map path.clue-open").count() == 1

    row = page.locator("#clue-table tr[data-clue]", has_text="新增建设图斑")
    clue_id = row.get_attribute("data-clue")
    row.locator("form.assign input[name=inspector]").fill("王检查")
    with page.expect_navigation():
        row.locator("form.assign button").click()
    row = page.locator(f"#clue-table tr[data-clue='{clue_id}']")
    assert "待现场检查" in row.locator(".status").inner_text()
    row.locator("form.inspect select[name=result]").select_option("rectified")
    row.locator("form.inspect input[name=notes]").fill("已拆除临时建筑")
    row.locator("form.inspect input[name=photos]").set_input_files(str(photo))
    with page.expect_navigation():
        row.locator("form.inspect button").click()
    row = page.locator(f"#clue-table tr[data-clue='{clue_id}']")
    assert "已整改" in row.locator(".status").inner_text()
    with page.expect_navigation():
        row.locator("form.close button").click()
    row = page.locator(f"#clue-table tr[data-clue='{clue_id}']")
    assert "已办结" in row.locator(".status").inner_text()
    assert (server.root / "media" / "clues" / clue_id / "01.png").read_bytes() == PNG
    page.screenshot(path=str(artifacts / "supervision-worklist.png"), full_page=True)
