"""End to end in Debian's headless Chromium: an editor logs in, imports a draft and edits a
unit's access list, the province files it, the city publishes it, and the public map's unit
card shows the new text. Screenshots go to test-artifacts/ for a person to look at."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ecozone.clock import utc_now
from ecozone import bootstrap
from ecozone.app import create_app
from ecozone.auth import accounts
from ecozone.settings import Settings
from ecozone.store.engine import make_engine, migrate

from tests.helpers.live_server import LiveServer
from tests.helpers.territory import write_territory

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-9"
NEW_TEXT = "禁止新建燃煤锅炉（浏览器测试编辑）。"


@pytest.fixture(scope="module")
def staff_server(tmp_path_factory):
    """A live server on its own database (this test publishes, so it must not share one)."""
    root = tmp_path_factory.mktemp("staff-live")
    paths = write_territory(root / "data" / "shanxi")
    engine = make_engine(f"sqlite:///{root / 'ecozone.db'}")
    migrate(engine)
    bootstrap.load_reference_data(engine, paths)
    bootstrap.load_demo_release(engine, paths, now=utc_now())
    for name, roles, code in [("ty_editor", ["editor"], "140100"), ("sx_filer", ["filer"], "140000"), ("ty_publisher", ["publisher"], "140100")]:
        accounts.create_user(engine, name, PASSWORD, roles, code, now=utc_now())
    server = LiveServer(create_app(Settings(log_json=True, locale="zh"), engine)).start()
    server.units_file = _city_units_file(paths, root / "taiyuan-units.geojson")
    yield server
    server.stop()
    engine.dispose()


def _city_units_file(paths: bootstrap.DatasetPaths, target: Path) -> Path:
    """The 太原市 units of the synthetic territory, as an editor would upload them."""
    collection = json.loads(paths.demo_units.read_text(encoding="utf-8"))
    collection["features"] = [f for f in collection["features"] if f["properties"]["city_code"] == "140100"]
    target.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return target


@pytest.fixture
def browser_page(chromium):
    """A fresh context; script errors and HTTP errors fail the test."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(f"{r.status} {urlsplit(r.url).path}") if r.status >= 400 else None)
    yield page
    context.close()
    assert not errors, f"browser errors: {errors}"


def log_in(page, server, username: str, path: str) -> None:
    page.goto(server.url + path)
    assert "/staff/login" in page.url  # anonymous: sent to the login page first
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(server.url + path)


def log_out(page) -> None:
    page.click("#logout")
    page.wait_for_url("**/staff/login")


def test_login_edit_file_publish_changes_the_public_unit_card(browser_page, staff_server, artifacts):
    page = browser_page
    log_in(page, staff_server, "ty_editor", "/staff")
    assert "当前用户：ty_editor" in page.inner_text(".staff-bar")
    page.set_input_files("#import-form input[name=file]", str(staff_server.units_file))
    page.fill("#import-form input[name=version]", "2031-dyn")
    page.fill("#import-form input[name=title]", "太原市生态环境分区管控（动态更新）")
    page.select_option("#import-form select[name=kind]", "dynamic")
    page.fill("#import-form input[name=reason]", "浏览器测试")
    page.click("#import-form button[type=submit]")
    page.wait_for_url("**/staff/releases/*")
    assert page.inner_text("#release-status") == "草稿"

    unit = page.locator("details.unit-edit[data-code=ZH14010520001]")
    unit.locator("summary").click()
    unit.locator("textarea[name='access.spatial_layout']").fill(NEW_TEXT + "\n严格控制开发强度。")
    first_draft = page.url
    unit.locator("button[type=submit]").click()
    page.wait_for_url(lambda url: url != first_draft and "/staff/releases/" in url)
    assert page.inner_text("#release-version") == "2031-dyn-e1"
    page.locator("details.unit-edit[data-code=ZH14010520001] summary").click()
    assert NEW_TEXT in page.locator("details.unit-edit[data-code=ZH14010520001] textarea").first.input_value()
    page.screenshot(path=str(artifacts / "staff-editor-draft.png"), full_page=True)
    release_path = urlsplit(page.url).path
    page.click("#submit-release")
    page.wait_for_function("() => document.getElementById('release-status').textContent === '已提交'")
    assert page.locator("#file-release").count() == 0  # an editor does not file
    log_out(page)

    log_in(page, staff_server, "sx_filer", release_path)
    page.click("#file-release")
    page.wait_for_function("() => document.getElementById('release-status').textContent === '已备案'")
    assert page.locator("#publish-release").count() == 0  # the province files; the city publishes
    log_out(page)

    log_in(page, staff_server, "ty_publisher", release_path)
    page.fill("#effective-date", dt.date.today().isoformat())
    page.fill("#notice", "太原市生态环境分区管控动态更新（测试）")
    page.click("#publish-release")
    page.wait_for_function("() => document.getElementById('release-status').textContent === '现行有效'")
    audit = page.inner_text("#audit")
    for who, what in [("ty_editor", "编辑单元"), ("ty_editor", "提交"), ("sx_filer", "备案"), ("ty_publisher", "发布")]:
        assert who in audit and what in audit
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / "staff-published-phone.png"), full_page=True)
    log_out(page)

    # The public map now answers with the published edit.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(staff_server.url + "/")
    page.wait_for_function("() => window.ecozone && window.ecozone.loaded")
    page.fill("#lon", "112.8")
    page.fill("#lat", "37.6")
    page.click("#coord-go")
    page.wait_for_selector("#card .unit")
    card = page.locator("#card").inner_text()
    assert "ZH14010520001" in card and NEW_TEXT in card
    assert "太原市生态环境分区管控（动态更新）" in card
    page.screenshot(path=str(artifacts / "staff-public-card.png"))
