"""Issue 16, item 4: a publish cannot rewrite the past. An effective date before today is
refused (409) and the as_of answers for past dates stay the same, on both backends."""

from __future__ import annotations

import datetime as dt

import pytest

from ecozone.clock import utc_now
from ecozone.errors import Conflict
from ecozone.zoning import releases as workflow
from ecozone.zoning.importer import read_units
from ecozone.zoning.model import ReleaseKind

from tests.helpers.cli import run_ecozone

from .hardening_helpers import client_with, login

PAST_DATES = ["2000-01-01", "2021-06-30", "2024-12-31"]
POINT = {"lon": 112.55, "lat": 37.87}


def _filed(engine, territory, version):
    units = [u for u in read_units(territory.demo_units).units if u.city_code == "140100"]
    release, _ = workflow.create_draft(engine, workflow.DraftRequest("140100", version, version, ReleaseKind.DYNAMIC, reason="测试"), units, "e", now=utc_now())
    workflow.submit(engine, release.id, "e", now=utc_now())
    return workflow.file_release(engine, release.id, "f", now=utc_now())


def _answers(client) -> dict:
    return {day: client.get("/api/v1/where", params={**POINT, "as_of": day}).json() for day in PAST_DATES}


def test_a_backdated_publish_is_refused_and_past_answers_do_not_change(loaded_engine, territory):
    client = client_with(loaded_engine)
    headers = login(client, loaded_engine, "hist_publisher", ["publisher"], "140100")
    before = _answers(client)
    in_force = [r["id"] for r in client.get("/api/v1/releases").json() if r["status"] == "published"]
    release = _filed(loaded_engine, territory, "backdated")
    response = client.post(
        f"/api/v1/staff/releases/{release.id}/publish",
        json={"lock_version": release.lock_version, "effective_date": "2000-01-01"},
        headers=headers,
    )
    assert response.status_code == 409, response.text
    assert response.json()["field"] == "effective_date"
    assert _answers(client) == before
    assert [r["id"] for r in client.get("/api/v1/releases").json() if r["status"] == "published"] == in_force


def test_a_publish_from_today_is_taken_and_past_answers_do_not_change(loaded_engine, territory):
    client = client_with(loaded_engine)
    headers = login(client, loaded_engine, "hist_publisher", ["publisher"], "140100")
    before = _answers(client)
    release = _filed(loaded_engine, territory, "today")
    today = dt.datetime.now(dt.UTC).date()
    response = client.post(
        f"/api/v1/staff/releases/{release.id}/publish",
        json={"lock_version": release.lock_version, "effective_date": today.isoformat()},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    assert _answers(client) == before


def test_the_workflow_refuses_an_effective_date_before_the_callers_today(loaded_engine, territory):
    release = _filed(loaded_engine, territory, "domain")
    with pytest.raises(Conflict, match="immutable"):
        workflow.publish(loaded_engine, release.id, dt.date(2030, 1, 1), "p", today=dt.date(2030, 1, 2), now=utc_now())
    assert workflow.publish(loaded_engine, release.id, dt.date(2030, 1, 2), "p", today=dt.date(2030, 1, 2), now=utc_now()).status.value == "published"


def test_the_cli_refuses_a_backdated_publish_too(loaded_engine, territory):
    release = _filed(loaded_engine, territory, "cli-backdated")
    result = run_ecozone(["release", "publish", str(release.id), "--effective", "2000-01-01"], loaded_engine, timeout=120)
    assert result.returncode != 0 and "immutable" in result.stderr
    assert workflow.release_units(loaded_engine, release.id)[0].status.value == "filed"
