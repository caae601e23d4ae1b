"""Supervision and ledgers over HTTP on both backends: staff with the monitor or reviewer role
import clues, take one to closure, read the yearly summary; bank a source, draw it once, and
read the region's balance as JSON, HTML and PDF."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from ecozone.clock import utc_now
from ecozone.app import create_app
from ecozone.auth import accounts
from ecozone.monitoring.settings import MonitoringSettings, get_monitoring_settings
from ecozone.settings import Settings

PASSWORD = "correct-horse-9"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


@pytest.fixture
def client(shanxi_engine, tmp_path):
    app = create_app(Settings(log_json=True), shanxi_engine)
    app.dependency_overrides[get_monitoring_settings] = lambda: MonitoringSettings(media_dir=tmp_path / "media")
    return TestClient(app)


def login(client: TestClient, engine, roles: list[str]) -> dict:
    username = f"u{uuid.uuid4().hex[:8]}"
    accounts.create_user(engine, username, PASSWORD, roles, now=utc_now())
    response = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    client.cookies.clear()
    return {"Authorization": f"Bearer {response.json()['token']}"}


def test_clues_over_http_to_closure_and_into_the_summary(client, shanxi_engine, clue_file):
    headers = login(client, shanxi_engine, ["reviewer"])
    with open(clue_file, "rb") as handle:
        response = client.post("/api/v1/clues/import", headers=headers, data={"source": "satellite", "observed": "2025-07-01"},
                               files={"file": ("clues.geojson", handle, "application/geo+json")})
    assert response.status_code == 200, response.text
    clues = response.json()["clues"]
    assert len(clues) == 3 and all(c["findings"] and c["units"] for c in clues)
    clue_id = next(c["id"] for c in clues if c["ref"] == "S-002")
    steps = [
        client.post(f"/api/v1/clues/{clue_id}/assign", headers=headers, json={"inspector": "王检查"}),
        client.post(f"/api/v1/clues/{clue_id}/inspection", headers=headers, data={"result": "confirmed", "notes": "在建焦炉"},
                    files=[("photos", ("a.png", PNG, "image/png"))]),
        client.post(f"/api/v1/clues/{clue_id}/close", headers=headers, json={"note": "移交执法"}),
    ]
    assert [s.status_code for s in steps] == [200, 200, 200], [s.text for s in steps]
    closed = client.get(f"/api/v1/clues/{clue_id}", headers=headers).json()
    assert closed["status"] == "closed" and closed["photos"][0]["content_type"] == "image/png"
    assert [e["action"] for e in closed["events"]] == ["imported", "assigned", "inspected", "closed"]
    again = client.post(f"/api/v1/clues/{clue_id}/close", headers=headers, json={})
    assert again.status_code == 409

    listing = client.get("/api/v1/clues?county=140110", headers=headers).json()
    assert listing["time_limits"]["assumed"] is True and any(c["id"] == clue_id for c in listing["clues"])
    summary = client.get("/api/v1/clues/summary?year=2025", headers=headers).json()
    assert summary["clues"] >= 3 and summary["confirmed"] >= 1
    banned = next(r for r in summary["by_rule"] if r["rule_id"] == "SX-000-NO-NEW-CAPACITY")
    assert banned["confirmed"] >= 1 and banned["citation"]["clause"]
    assert summary["by_unit_class"]["2"]["clues"] >= 1
    tracking = client.get("/api/v1/tracking?year=2025").json()
    assert tracking["supervision"]["confirmed"] >= 1
    report = client.get("/api/v1/tracking?year=2025&format=html")
    assert "分区管控实施监管" in report.text and "严禁焦化、钢铁、水泥等新增产能项目" in report.text


def test_staff_roles_are_required(client, shanxi_engine):
    editor = login(client, shanxi_engine, ["editor"])
    for method, path in [("get", "/api/v1/clues"), ("post", "/api/v1/clues/1/close"), ("get", "/api/v1/ledgers/sources"),
                         ("post", "/api/v1/ledgers/draws"), ("get", "/api/v1/clues/summary?year=2025")]:
        response = getattr(client, method)(path, headers=editor, **({"json": {"screening_id": "x", "approval": "y"}} if method == "post" else {}))
        assert response.status_code == 403, (path, response.text)
    assert client.get("/api/v1/clues").status_code == 401


def test_ledger_over_http_draw_once_and_balance(client, shanxi_engine):
    monitor = login(client, shanxi_engine, ["monitor"])
    code = f"H-{uuid.uuid4().hex[:8]}"
    source = {"code": code, "region_code": "140110", "resource": "coal", "kind": "retrofit", "amount": 50000,
              "effective_on": "2025-03-01", "document": "燃煤机组节能改造核定（测试）"}
    assert client.post("/api/v1/ledgers/sources", headers=monitor, json=source).status_code == 200
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [112.48, 37.80]},
               "properties": {"name": f"供热站{code}", "industry": "D4430", "nature": "new",
                              "attributes": {"adds_coal_consumption": True, "in_park": True, "kinds": []},
                              "offsets": {"coal": {"amount": 40000, "sources": [code]}}}}
    screened = client.post("/api/v1/screenings?as_of=2025-07-01", json=feature)
    assert screened.status_code == 200, screened.text
    answer = screened.json()
    assert answer["verdict"] == "restricted" and answer["offsets"][0]["draw"] == [code]
    draw = {"screening_id": answer["screening_id"], "approval": "并审批〔2025〕8号"}
    first = client.post("/api/v1/ledgers/draws", headers=monitor, json=draw)
    assert first.status_code == 200, first.text
    second = client.post("/api/v1/ledgers/draws", headers=monitor, json=draw)
    assert second.status_code == 409 and code in second.text

    year = 2100  # the draw is dated by the server's clock: ask for a year end after any run of this test
    balance = client.get(f"/api/v1/ledgers/balance?region=140100&year={year}", headers=monitor).json()
    coal = next(r for r in balance["resources"] if r["resource"] == "coal")
    assert coal["banked"] >= 50000 and coal["drawn"] >= 50000 and coal["balance"] == pytest.approx(coal["banked"] - coal["drawn"])
    assert any(d["code"] == code and d["approval"] == "并审批〔2025〕8号" for d in balance["draws"])
    html = client.get(f"/api/v1/ledgers/balance?region=140100&year={year}&format=html", headers=monitor)
    assert html.status_code == 200 and "替代来源台账平衡表" in html.text and "<svg" in html.text and code in html.text
    pdf = client.get(f"/api/v1/ledgers/balance?region=140100&year={year}&format=pdf", headers=monitor)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get("/api/v1/ledgers/balance?region=999999&year=2025", headers=monitor).status_code == 404
