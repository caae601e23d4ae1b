"""Planners enter indicator observations on a staff page (issue 8: observations entry for staff)."""

from __future__ import annotations

from pathlib import Path

from ecozone.clock import utc_now
from ecozone.auth import accounts

PASSWORD = "planner-pass-9"
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "shanxi" / "plans" / "sample_observations.csv"


def test_only_planners_get_the_entry_page(client, live_engine):
    assert client.get("/staff/observations", follow_redirects=False).status_code == 303
    accounts.create_user(live_engine, "page_editor", PASSWORD, ["editor"], "140100", now=utc_now())
    client.post("/api/v1/auth/login", json={"username": "page_editor", "password": PASSWORD})
    assert client.get("/staff/observations").status_code == 403


def test_a_planner_uploads_a_file_and_sees_the_recorded_values(page, live_server, live_engine, artifacts):
    accounts.create_user(live_engine, "page_planner", PASSWORD, ["planner"], None, now=utc_now())
    assert page.request.post(f"{live_server.url}/api/v1/auth/login", data={"username": "page_planner", "password": PASSWORD}).ok
    page.goto(f"{live_server.url}/staff/observations")
    assert "暂无录入记录" in page.content()
    page.set_input_files("#observations-form input[type=file]", str(SAMPLE))
    page.click("#observations-form button[type=submit]")
    page.wait_for_selector("table td code")
    assert page.locator("table tr").count() > 10
    page.screenshot(path=str(artifacts / "staff-observations.png"), full_page=True)
