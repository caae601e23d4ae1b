"""Monitoring over HTTP on SQLite and PostGIS: ingest, stations and series, the alert lifecycle,
grids, 12369 complaints with photos, and the monitor role on every staff route."""

from __future__ import annotations

import datetime as dt

import pytest
import shapely
import time_machine
from fastapi.testclient import TestClient

from ecozone.app import create_app
from ecozone.auth import accounts
from ecozone.settings import BEIJING
from ecozone.clock import utc_now
from ecozone.monitoring.model import Person
from ecozone.monitoring.settings import MonitoringSettings, get_monitoring_settings
from ecozone.settings import Settings
from ecozone.monitoring.repositories import complaints as complaint_store
from ecozone.monitoring.repositories import grids as grid_store
from ecozone.monitoring.repositories import observations as observation_store

PASSWORD = "correct-horse-9"
# 小店区 (140105) of the synthetic territory; the point lies in ZH14010520001.
COUNTY = "140105"
INSIDE = (112.7, 37.6)
# The smallest valid PNG (1×1, transparent).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)

# Every route that needs the monitor role, with a body good enough to reach the role check.
STAFF_ROUTES = [
    ("post", "/api/v1/observations/ingest", {"observations": []}),
    ("post", "/api/v1/stations", []),
    ("get", "/api/v1/alerts", None),
    ("get", "/api/v1/alerts/1", None),
    ("post", "/api/v1/alerts/1/status", {"status": "acknowledged"}),
    ("post", "/api/v1/alerts/run", None),
    ("get", "/api/v1/grids", None),
    ("post", "/api/v1/grids", {"county_code": COUNTY}),
    ("get", "/api/v1/complaints", None),
    ("get", "/api/v1/complaints/1", None),
    ("post", "/api/v1/complaints/1/events", {"action": "progress"}),
]


@pytest.fixture
def client(loaded_engine, tmp_path) -> TestClient:
    accounts.create_user(loaded_engine, "jiance", PASSWORD, ["monitor"], now=utc_now())
    accounts.create_user(loaded_engine, "bianji", PASSWORD, ["editor"], "140100", now=utc_now())
    app = create_app(Settings(log_json=True), loaded_engine)
    app.dependency_overrides[get_monitoring_settings] = lambda: MonitoringSettings(
        media_dir=tmp_path / "media", ingest_max_batch=50
    )
    return TestClient(app)


def login(client: TestClient, username: str) -> dict:
    response = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    client.cookies.clear()
    return {"Authorization": f"Bearer {response.json()['token']}"}


def call(client: TestClient, method: str, path: str, body, headers: dict | None = None):
    if method == "get":
        return client.get(path, headers=headers)
    return client.post(path, json=body, headers=headers)


def add_stations(client: TestClient, headers: dict) -> dict:
    body = [
        {"code": "XD01", "name": "小店微站01", "kind": "air_micro", "lon": INSIDE[0], "lat": INSIDE[1]},
        {"code": "YZ01", "name": "迎泽国控站", "kind": "air_national", "lon": 112.2, "lat": 37.8,
         "attributes": {"operator": "省站"}},
    ]
    response = client.post("/api/v1/stations", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def hourly(station: str, start: dt.datetime, values: list[float], parameter: str = "pm25") -> list[dict]:
    return [
        {"station": station, "parameter": parameter, "observed_at": (start + dt.timedelta(hours=i)).isoformat(), "value": v}
        for i, v in enumerate(values)
    ]


def test_every_staff_route_refuses_anonymous_callers_and_users_without_monitor(client):
    editor = login(client, "bianji")
    for method, path, body in STAFF_ROUTES:
        anonymous = call(client, method, path, body)
        assert anonymous.status_code == 401, (path, anonymous.text)
        assert anonymous.headers["www-authenticate"] == "Bearer"
        forbidden = call(client, method, path, body, editor)
        assert forbidden.status_code == 403, (path, forbidden.text)
        assert forbidden.json()["roles"] == ["monitor"]
    # The public routes stay open.
    assert client.get("/api/v1/stations").status_code == 200


def test_ingest_is_batched_idempotent_and_all_or_nothing(client, loaded_engine):
    staff = login(client, "jiance")
    add_stations(client, staff)
    start = dt.datetime(2026, 1, 31, 20, tzinfo=dt.UTC)  # crosses into February: two month partitions
    rows = hourly("XD01", start, [float(v) for v in range(30)]) + hourly("YZ01", start, [float(v) for v in range(20)])

    first = client.post("/api/v1/observations/ingest", json={"observations": rows}, headers=staff)
    assert first.status_code == 200, first.text
    assert first.json() == {"received": 50, "inserted": 50, "duplicates": 0}
    again = client.post("/api/v1/observations/ingest", json={"observations": rows}, headers=staff)
    assert again.json() == {"received": 50, "inserted": 0, "duplicates": 50}
    # A batch overlapping the stored rows stores only the new hours.
    later = hourly("XD01", start + dt.timedelta(hours=28), [1.0, 2.0, 3.0, 4.0])
    assert client.post("/api/v1/observations/ingest", json={"observations": later}, headers=staff).json() == {
        "received": 4, "inserted": 2, "duplicates": 2
    }

    # A bad item names the item and the field, and the good items beside it are not stored.
    fresh = hourly("XD01", start + dt.timedelta(days=5), [5.0, 6.0, 7.0])
    fresh[2]["value"] = "abc"
    bad = client.post("/api/v1/observations/ingest", json={"observations": fresh}, headers=staff)
    assert bad.status_code == 422
    assert bad.json()["field"] == "value" and bad.json()["value"] == "abc"
    assert bad.json()["message"].startswith("observations item 3:")
    fresh[2]["value"] = 7.0
    fresh[1]["station"] = "NOPE"
    unknown = client.post("/api/v1/observations/ingest", json={"observations": fresh}, headers=staff)
    assert unknown.status_code == 422 and unknown.json()["field"] == "station"
    assert unknown.json()["message"].startswith("observations item 2: unknown station 'NOPE'")
    fresh[1]["station"], fresh[0]["observed_at"] = "XD01", "yesterday"
    bad_time = client.post("/api/v1/observations/ingest", json={"observations": fresh}, headers=staff)
    assert bad_time.status_code == 422 and bad_time.json()["field"] == "observed_at"
    too_many = client.post("/api/v1/observations/ingest", json={"observations": rows + later}, headers=staff)
    assert too_many.status_code == 422 and too_many.json()["field"] == "observations"
    with loaded_engine.connect() as conn:
        assert observation_store.count_observations(conn) == 52


def test_stations_are_placed_and_series_are_read_by_time_range(client):
    staff = login(client, "jiance")
    assert add_stations(client, staff) == {"inserted": 2, "updated": 0, "unplaced": []}
    stations = {s["code"]: s for s in client.get("/api/v1/stations").json()}
    assert (stations["XD01"]["region_code"], stations["XD01"]["unit_code"]) == (COUNTY, "ZH14010520001")
    assert (stations["YZ01"]["region_code"], stations["YZ01"]["unit_code"]) == ("140106", "ZH14010630001")
    assert stations["YZ01"]["attributes"] == {"operator": "省站"}
    assert [s["code"] for s in client.get("/api/v1/stations", params={"kind": "air_national"}).json()] == ["YZ01"]
    # Re-posting a station updates it.
    assert add_stations(client, staff)["updated"] == 2

    # Beijing time without an offset: 08:00 local is 00:00 UTC.
    rows = [{"station": "XD01", "parameter": "PM25", "observed_at": f"2026-03-01T{8 + h:02d}:00:00", "value": 10 * h} for h in range(6)]
    assert client.post("/api/v1/observations/ingest", json={"observations": rows}, headers=staff).status_code == 200
    series = client.get(
        "/api/v1/stations/XD01/series",
        params={"parameter": "pm25", "since": "2026-03-01T01:00:00Z", "until": "2026-03-01T03:00:00Z"},
    ).json()
    assert series["parameter"] == "pm25" and series["station"]["code"] == "XD01"
    assert series["points"] == [
        ["2026-03-01T01:00:00+00:00", 10.0], ["2026-03-01T02:00:00+00:00", 20.0], ["2026-03-01T03:00:00+00:00", 30.0]
    ]
    missing = client.get("/api/v1/stations/NOPE/series", params={"parameter": "pm25"})
    assert missing.status_code == 404 and missing.json()["value"] == "NOPE"


# Beijing midday is outside the rules' quiet hours (22:00–07:00 Beijing); 23:30 is inside them.
MIDDAY = dt.datetime(2026, 6, 15, 12, 0, tzinfo=BEIJING)
NIGHT = dt.datetime(2026, 12, 31, 23, 30, tzinfo=BEIJING)


@pytest.mark.parametrize(
    ("instant", "due"), [(MIDDAY, True), (NIGHT, False)], ids=["midday-notice-due", "quiet-hours-notice-waits"]
)
def test_an_alert_is_opened_acknowledged_and_closed_with_who_and_when(client, instant, due):
    with time_machine.travel(instant, tick=False):
        staff = login(client, "jiance")
        add_stations(client, staff)
        now = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
        rows = hourly("XD01", now - dt.timedelta(hours=3), [70.0, 160.0, 70.0])  # one hour above 150; no jump over 100/h, no 3 hours over 75
        assert client.post("/api/v1/observations/ingest", json={"observations": rows}, headers=staff).status_code == 200

        run = client.post("/api/v1/alerts/run", params={"hours": 6}, headers=staff).json()
        alert_id = run["alert_ids"][0]
        # No channel is configured: a due notice is not "sent", and the alert stays unnotified.
        assert run["opened"] == 1
        assert run["notices"] == {"sent": [], "failed": [], "no_channel": [alert_id] if due else []}
        rerun = client.post("/api/v1/alerts/run", params={"hours": 6}, headers=staff).json()
        assert rerun["opened"] == 0  # the same firing does not open a second alert
        assert rerun["notices"]["no_channel"] == ([alert_id] if due else [])  # still waiting for a channel
        inbox = client.get("/api/v1/alerts", params={"status": "open"}, headers=staff).json()
        assert [(a["id"], a["rule_key"], a["station_code"], a["value"], a["unit_code"]) for a in inbox] == [
            (alert_id, "pm25_hourly_heavy", "XD01", 160.0, "ZH14010520001")
        ]
        assert client.get(f"/api/v1/alerts/{alert_id}", headers=staff).json()["notified_at"] is None

        acked = client.post(f"/api/v1/alerts/{alert_id}/status", json={"status": "acknowledged", "note": "已派人核查"}, headers=staff)
        assert acked.status_code == 200 and acked.json()["status"] == "acknowledged"
        closed = client.post(f"/api/v1/alerts/{alert_id}/status", json={"status": "closed", "note": "工地扬尘，已整改"}, headers=staff)
        events = closed.json()["events"]
        assert [(e["action"], e["actor"], e["note"]) for e in events] == [
            ("opened", "system", events[0]["note"]), ("acknowledged", "jiance", "已派人核查"), ("closed", "jiance", "工地扬尘，已整改")
        ]
        stamped = [dt.datetime.fromisoformat(e["at"]) for e in events[1:]]
        assert [s.replace(tzinfo=s.tzinfo or dt.UTC) for s in stamped] == [instant, instant]
        assert client.get("/api/v1/alerts", params={"status": "open"}, headers=staff).json() == []

        again = client.post(f"/api/v1/alerts/{alert_id}/status", json={"status": "acknowledged"}, headers=staff)
        assert again.status_code == 409
        wrong = client.post(f"/api/v1/alerts/{alert_id}/status", json={"status": "solved"}, headers=staff)
        assert wrong.status_code == 422 and wrong.json()["field"] == "status"
        assert client.get("/api/v1/alerts/999999", headers=staff).status_code == 404


def test_grids_are_generated_per_county(client):
    staff = login(client, "jiance")
    made = client.post("/api/v1/grids", json={"county_code": COUNTY, "rows": 2, "columns": 2, "small_rows": 3, "small_columns": 3}, headers=staff)
    assert made.status_code == 200, made.text
    assert (made.json()["large"], made.json()["small"]) == (4, 36)
    listed = client.get("/api/v1/grids", params={"county": COUNTY}, headers=staff).json()
    assert [(g["id"], g["cells"]) for g in listed] == [(made.json()["grid_id"], {"large": 4, "small": 36})]
    unknown = client.post("/api/v1/grids", json={"county_code": "999999"}, headers=staff)
    assert unknown.status_code in (404, 422) and unknown.json()["value"] == "999999"


def test_a_complaint_with_a_photo_is_placed_routed_and_worked_on(client, loaded_engine, tmp_path):
    staff = login(client, "jiance")
    grid = client.post("/api/v1/grids", json={"county_code": COUNTY, "rows": 2, "columns": 2, "small_rows": 3, "small_columns": 3}, headers=staff).json()
    with loaded_engine.begin() as conn:
        cell = next(c for c in grid_store.load_cells(conn, grid_id=grid["grid_id"])
                    if c.level == "small" and c.geometry.contains(shapely.Point(*INSIDE)))
        person = grid_store.add_person(conn, Person("王网格", "小店区生态环境分局", "13800000000", region_code=COUNTY))
        grid_store.assign_cell_responsible(conn, cell.id, person)

    form = {"lon": str(INSIDE[0]), "lat": str(INSIDE[1]), "text": "夜间工厂排放黑烟，气味刺鼻。", "category": "air", "channel": "web"}
    posted = client.post("/api/v1/complaints", data=form, files=[("photos", ("heiyan.png", PNG, "image/png"))])
    assert posted.status_code == 200, posted.text
    complaint = posted.json()
    assert (complaint["region_code"], complaint["unit_code"], complaint["grid_cell_id"]) == (COUNTY, "ZH14010520001", cell.id)
    assert (complaint["assignee_id"], complaint["status"]) == (person, "assigned")
    assert complaint["number"].startswith("12369-") and complaint["lon"] == pytest.approx(INSIDE[0])
    [photo] = complaint["photos"]
    assert (photo["file_name"], photo["size_bytes"]) == ("heiyan.png", len(PNG))
    assert (tmp_path / "media" / photo["stored_path"]).read_bytes() == PNG
    assert [e["action"] for e in complaint["events"]] == ["received", "assigned"]

    desk = client.get("/api/v1/complaints", headers=staff).json()
    assert [(c["id"], c["status"]) for c in desk] == [(complaint["id"], "assigned")]
    worked = client.post(f"/api/v1/complaints/{complaint['id']}/events", json={"action": "progress", "note": "已到现场"}, headers=staff)
    assert worked.json()["status"] == "in_progress"
    closed = client.post(f"/api/v1/complaints/{complaint['id']}/events", json={"action": "closed", "note": "责令停产整改"}, headers=staff)
    assert closed.json()["status"] == "closed" and closed.json()["closed_at"] is not None
    assert [(e["action"], e["actor"]) for e in closed.json()["events"]][-2:] == [("progress", "jiance"), ("closed", "jiance")]
    assert client.post(f"/api/v1/complaints/{complaint['id']}/events", json={"action": "progress"}, headers=staff).status_code == 409


def test_complaint_intake_rejects_bad_photos_and_places_outside_the_province(client, loaded_engine):
    form = {"lon": str(INSIDE[0]), "lat": str(INSIDE[1]), "text": "河道有死鱼。"}
    text_file = client.post("/api/v1/complaints", data=form, files=[("photos", ("a.txt", b"hello", "text/plain"))])
    assert text_file.status_code == 422 and text_file.json()["field"] == "photos" and text_file.json()["value"] == "a.txt"
    bad_place = client.post("/api/v1/complaints", data={**form, "lon": "200"})
    assert bad_place.status_code == 422 and bad_place.json()["field"] == "lon,lat"
    bad_category = client.post("/api/v1/complaints", data={**form, "category": "ufo"})
    assert bad_category.status_code == 422 and bad_category.json()["field"] == "category"
    with loaded_engine.connect() as conn:
        assert complaint_store.list_complaints(conn) == []
