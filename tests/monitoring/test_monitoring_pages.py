"""Monitoring pages over HTTP: station map with AQI colours, station chart, complaint form, staff desk."""

from __future__ import annotations

import datetime as dt

from .test_monitoring_api import add_stations, client, hourly, login  # noqa: F401 - fixture reused


def test_station_map_station_chart_complaint_form_and_desk(client):  # noqa: F811
    staff = login(client, "jiance")
    add_stations(client, staff)
    rows = hourly("XD01", dt.datetime(2026, 3, 1, tzinfo=dt.UTC), [40.0, 160.0, 70.0])
    assert client.post("/api/v1/observations/ingest", json={"observations": rows}, headers=staff).status_code == 200

    page = client.get("/monitoring")
    assert page.status_code == 200 and "监测站点与空气质量" in page.text
    # HJ 633—2026 is in force on 2026-03-01: PM2.5 70 µg/m³ → IAQI 110, 轻度污染, orange #FF7E00.
    assert '"aqi": 110' in page.text and "#FF7E00" in page.text and 'href="/monitoring" aria-current="page"' in page.text
    assert "Monitoring stations" in client.get("/monitoring?lang=en").text
    chart = client.get("/monitoring/stations/XD01?lang=zh")
    assert chart.status_code == 200 and "<polyline" in chart.text and "共 3 个数据点" in chart.text
    assert client.get("/monitoring/stations/NOPE").status_code == 404
    assert 'id="complaint-form"' in client.get("/monitoring/complaint").text

    client.cookies.clear()
    assert client.get("/monitoring/desk", follow_redirects=False).status_code == 303
    client.post("/api/v1/auth/login", json={"username": "bianji", "password": "correct-horse-9"})
    assert client.get("/monitoring/desk").status_code == 403
    client.post("/api/v1/auth/login", json={"username": "jiance", "password": "correct-horse-9"})
    client.post("/api/v1/complaints", data={"lon": "112.7", "lat": "37.6", "text": "河道有死鱼。"})
    desk = client.get("/monitoring/desk")
    assert desk.status_code == 200 and "河道有死鱼。" in desk.text and "已受理" in desk.text
