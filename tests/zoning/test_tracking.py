"""Yearly tracking of the zoning, on the synthetic territory (both backends)."""

from __future__ import annotations

import datetime as dt

import shapely
import shapely.geometry
from fastapi.testclient import TestClient

from ecozone.app import create_app
from ecozone.clock import today, utc_now
from ecozone.zoning.inforce import SnapshotCache
from ecozone.screening.service import ScreeningService
from ecozone.settings import Settings
from ecozone.zoning import releases as workflow
from ecozone.zoning.importer import read_units
from ecozone.zoning.model import ReleaseKind
from ecozone.tracking.report import tracking


def test_tracking_counts_units_releases_and_screenings(loaded_engine, territory):
    units = [u for u in read_units(territory.demo_units).units if u.city_code == "140100"]
    units[1].name = "小店区重点管控单元（城镇，更新）"
    release, _ = workflow.create_draft(
        loaded_engine, workflow.DraftRequest("140100", "2025-update", "太原市动态更新", ReleaseKind.DYNAMIC, reason="重大战略调整"), units, "e", now=utc_now()
    )
    workflow.submit(loaded_engine, release.id, "e", now=utc_now())
    workflow.file_release(loaded_engine, release.id, "f", now=utc_now())
    workflow.publish(loaded_engine, release.id, dt.date(2025, 3, 1), "p", now=utc_now())
    this_year = today().year
    service = ScreeningService(loaded_engine, SnapshotCache(loaded_engine, today), utc_now)
    service.screen({"type": "Feature", "properties": {"name": "优先区项目"}, "geometry": shapely.geometry.mapping(shapely.Point(112.7, 37.9))})

    data = tracking(loaded_engine, 2025)
    assert data["totals"]["1"]["units"] == 1 and data["totals"]["3"]["units"] == 2
    assert data["totals"]["2"]["area_km2"] > 0
    (issued,) = data["releases"]
    assert issued["kind"] == "dynamic" and issued["changes"]["changed"] == 1
    now = tracking(loaded_engine, this_year)
    assert now["screenings"]["total"] == 1 and now["screenings"]["in_priority_units"][0]["name"] == "优先区项目"
    assert now["screenings"]["by_unit_class"]["1"] == {"compliant": 1}


def test_tracking_api_html(loaded_engine):
    client = TestClient(create_app(Settings(), loaded_engine))
    html = client.get("/api/v1/tracking", params={"year": 2024, "format": "html"})
    assert "2024年度生态环境分区管控跟踪评估报告" in html.text
    assert client.get("/api/v1/tracking", params={"year": 2024}).json()["totals"]["3"]["units"] == 2
