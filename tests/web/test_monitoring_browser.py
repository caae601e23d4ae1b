"""Monitoring pages in a real headless Chromium: the station map, and a complaint (12369) filed
on the public form reaching the staff desk."""

from __future__ import annotations

from ecozone.clock import utc_now
from ecozone.auth import accounts

PASSWORD = "monitor-pass-9"


def test_complaint_filed_on_the_page_reaches_the_staff_desk(page, live_server, live_engine, artifacts):
    page.goto(f"{live_server.url}/monitoring")
    page.wait_for_selector("#station-map, .leaflet-container")
    page.screenshot(path=str(artifacts / "monitoring-map.png"), full_page=True)

    page.goto(f"{live_server.url}/monitoring/complaint")
    page.click("#pick-map", position={"x": 200, "y": 120})  # the map picker fills lon/lat
    page.fill("#c-lon", "112.7")
    page.fill("#c-lat", "37.6")
    page.fill("#c-text", "浏览器测试：河道有死鱼，水面发黑。")
    page.click("#complaint-form button[type=submit]")
    page.wait_for_selector("#complaint-result.ok")
    assert page.inner_text("#complaint-result")
    page.screenshot(path=str(artifacts / "monitoring-complaint.png"), full_page=True)

    accounts.create_user(live_engine, "browser_monitor", PASSWORD, ["monitor"], None, now=utc_now())
    login = page.request.post(f"{live_server.url}/api/v1/auth/login", data={"username": "browser_monitor", "password": PASSWORD})
    assert login.ok
    page.goto(f"{live_server.url}/monitoring/desk")
    assert "浏览器测试：河道有死鱼，水面发黑。" in page.content()
    page.screenshot(path=str(artifacts / "monitoring-desk.png"), full_page=True)
