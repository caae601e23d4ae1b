"""Grids on the real 交城 county, complaint placement/routing/escalation, and alert delivery to local servers."""

from __future__ import annotations

import datetime as dt
import email.header
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import shapely

from ecozone.clock import today
from ecozone.geo.metric import area_m2
from ecozone.monitoring import alert_runs
from ecozone.monitoring.complaints import ComplaintInput, Photo, escalate_overdue, record_progress, submit_complaint
from ecozone.monitoring.grids import GridShape, generate_grid
from ecozone.monitoring.model import Person, Station, StationKind
from ecozone.monitoring.notify import send_email, send_webhook
from ecozone.monitoring.settings import MonitoringSettings
from ecozone.monitoring.repositories import alerts as alert_store
from ecozone.monitoring.repositories import grids as grid_store
from ecozone.monitoring.repositories import stations as station_store
from ecozone.zoning.repositories import regions as region_store
from ecozone.zoning.inforce import SnapshotCache

JIAOCHENG = "141122"
NOW = dt.datetime(2026, 5, 1, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def jiaocheng_grid(shanxi_sqlite):
    """交城's 20 / 720 grid, generated once on the shipped data (SQLite)."""
    result = generate_grid(shanxi_sqlite, JIAOCHENG, GridShape(), NOW)
    yield result
    with shanxi_sqlite.begin() as conn:
        grid_store.delete_grid(conn, result["grid_id"])


def test_jiaocheng_gets_20_large_and_720_small_cells_tiling_the_county(shanxi_sqlite, jiaocheng_grid):
    assert (jiaocheng_grid["large"], jiaocheng_grid["small"]) == (20, 720)
    with shanxi_sqlite.connect() as conn:
        cells = grid_store.load_cells(conn, grid_id=jiaocheng_grid["grid_id"])
        county = next(r for r in region_store.load_regions(conn) if r.code == JIAOCHENG)
    large = [c for c in cells if c.level == "large"]
    small = [c for c in cells if c.level == "small"]
    assert (len(large), len(small)) == (20, 720)
    county_m2 = area_m2(county.geometry)
    assert sum(c.area_m2 for c in large) == pytest.approx(county_m2, rel=1e-6)
    assert sum(c.area_m2 for c in small) == pytest.approx(county_m2, rel=1e-6)
    assert max(c.area_m2 for c in small) / min(c.area_m2 for c in small) < 1.01  # equal-area cuts
    union = shapely.union_all([c.geometry for c in small])
    # Only the metric round trip separates them (~2,000 m² on 1,830 km²).
    assert area_m2(shapely.symmetric_difference(union, county.geometry)) < county_m2 * 1e-5
    assert {c.parent_code for c in small} == {c.code for c in large}


def test_a_complaint_is_placed_routed_and_escalated_when_overdue(shanxi_sqlite, jiaocheng_grid, tmp_path):
    settings = MonitoringSettings(media_dir=tmp_path / "media", complaint_time_limit_days=1)
    seat = (112.149444, 37.551168)  # 交城县 seat
    with shanxi_sqlite.begin() as conn:
        cells = grid_store.load_cells(conn, grid_id=jiaocheng_grid["grid_id"])
        home = next(c for c in cells if c.level == "small" and shapely.covers(c.geometry, shapely.Point(seat)))
        person = grid_store.add_person(conn, Person("王网格", "交城县生态环境局", "0358-0000000", "wang@example.cn", JIAOCHENG))
        grid_store.assign_cell_responsible(conn, home.id, person)
    item = ComplaintInput(seat[0], seat[1], "夜间工地扬尘严重", "air", "12369", "139****0000",
                          (Photo("现场.jpg", "image/jpeg", b"\xff\xd8\xff\xe0fake-jpeg"),))
    complaint = submit_complaint(shanxi_sqlite, SnapshotCache(shanxi_sqlite, today), settings, item, NOW)
    assert complaint["region_code"] == JIAOCHENG
    assert complaint["unit_code"].startswith("ZH141122")
    assert (complaint["grid_cell_id"], complaint["assignee_id"], complaint["status"]) == (home.id, person, "assigned")
    (photo,) = complaint["photos"]
    assert (settings.media_dir / photo["stored_path"]).read_bytes() == b"\xff\xd8\xff\xe0fake-jpeg"
    assert escalate_overdue(shanxi_sqlite, settings, NOW + dt.timedelta(hours=23)) == []
    later = NOW + dt.timedelta(days=1, hours=25)  # 25 h past the limit: level 1 + one interval
    (changed,) = [c for c in escalate_overdue(shanxi_sqlite, settings, later) if c["id"] == complaint["id"]]
    assert changed["level"] == 2
    assert not [c for c in escalate_overdue(shanxi_sqlite, settings, later) if c["id"] == complaint["id"]]
    closed = record_progress(shanxi_sqlite, complaint["id"], "closed", "王网格", "已责令停工整改", later)
    assert [e["action"] for e in closed["events"]] == ["received", "assigned", "escalated", "closed"]


class _Catcher(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Catcher.received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        return


def test_webhook_posts_the_alert_to_a_local_server():
    server = HTTPServer(("127.0.0.1", 0), _Catcher)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        send_webhook(f"http://127.0.0.1:{server.server_port}/hook", {"id": 1, "message": "PM2.5 超标"}, 5)
    finally:
        server.shutdown()
    assert _Catcher.received[-1] == {"id": 1, "message": "PM2.5 超标"}


def test_alert_mail_reaches_a_local_smtp_server(engine):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    class Inbox(Message):
        def __init__(self):
            super().__init__()
            self.messages = []

        def handle_message(self, message):
            self.messages.append(message)

    with socket.socket() as probe:  # a free local port (aiosmtpd's Controller cannot take port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with engine.begin() as conn:
            station_store.upsert_stations(conn, [Station("W1", "磁窑河断面", StationKind.WATER_RIVER, shapely.Point(112.2, 37.5))])
            sid = station_store.station_ids(conn, ["W1"])["W1"]
            alert_store.insert_alert(conn, {
                "rule_key": "cod", "kind": "threshold", "station_id": sid, "parameter": "cod", "dedup_key": "cod:W1:cod",
                "status": "open", "severity": "major", "triggered_at": NOW, "last_seen_at": NOW, "occurrences": 1,
                "value": 35.0, "message": "断面 COD 35 mg/L 超过 IV 类限值 30 mg/L", "grid_cell_id": None,
                "unit_code": None, "assignee_id": None, "notify_after": None,
            }, "system", NOW)
        settings = MonitoringSettings(smtp_host="127.0.0.1", smtp_port=port, smtp_fallback_recipient="duty@example.cn")
        result = alert_runs.deliver_notices(engine, settings, NOW)
        again = alert_runs.deliver_notices(engine, settings, NOW)
    finally:
        controller.stop()
    assert len(result["sent"]) == 1 and again == {"sent": [], "failed": [], "no_channel": []}
    (mail,) = inbox.messages
    assert mail["To"] == "duty@example.cn"
    subject = str(email.header.make_header(email.header.decode_header(mail["Subject"])))
    assert "磁窑河断面" in subject


def test_smtp_failure_is_reported_not_swallowed():
    from ecozone.errors import Unavailable

    with pytest.raises(Unavailable, match="SMTP server 127.0.0.1:1"):
        send_email("127.0.0.1", 1, "a@b", "c@d", {"station": {"name": "x", "code": "x"}, "parameter": "p", "severity": "minor",
                                                   "message": "m", "triggered_at": "t", "unit_code": None, "id": 1})
