"""The indicators API over the real app and database (SQLite and PostGIS)."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook

from ecozone.app import create_app
from ecozone.clock import utc_now
from ecozone.api.routers.indicators import get_registry
from ecozone.auth import accounts
from ecozone.indicators import build_registry
from ecozone.settings import Settings
from ecozone.indicators import repository as observation_store

from .conftest import SAMPLE

HEADER = "indicator,region,year,value,unit,source,kind,note\n"


PLANNER_PASSWORD = "planner-pass-9"


@pytest.fixture
def client(engine):
    """A client logged in as a planner (uploading observations is staff work)."""
    accounts.create_user(engine, "planner", PLANNER_PASSWORD, ["planner"], None, now=utc_now())
    client = TestClient(create_app(Settings(log_json=True), engine))
    token = client.post("/api/v1/auth/login", json={"username": "planner", "password": PLANNER_PASSWORD}).json()["token"]
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def test_anonymous_upload_is_refused(engine) -> None:
    anonymous = TestClient(create_app(Settings(log_json=True), engine))
    response = upload(anonymous, "sample_observations.csv", SAMPLE.read_bytes())
    assert response.status_code == 401 and stored(engine) == 0


def upload(client, name: str, data: bytes, by: str = "规划科"):
    return client.post("/api/v1/observations", files={"file": (name, data)}, data={"recorded_by": by})


def stored(engine) -> int:
    with engine.connect() as conn:
        return observation_store.count_observations(conn)


def test_plans_and_one_plan_binding_first(client) -> None:
    plans = client.get("/api/v1/plans").json()
    assert {p["id"] for p in plans} == {"shanxi-2021-2025", "tunliu-2021-2025", "jiaocheng-14th", "yangquan-2027"}
    tunliu = client.get("/api/v1/plans/tunliu-2021-2025").json()
    assert tunliu["categories"] == ["生态保护", "环境质量", "生态经济"]
    bindings = [i["binding"] for i in tunliu["indicators"]]
    assert len(bindings) == 33 and bindings[:19] == ["约束性"] * 19 and "约束性" not in bindings[19:]
    missing = client.get("/api/v1/plans/nowhere-2025")
    assert missing.status_code == 404 and "nowhere-2025" in missing.json()["message"]


def test_upload_then_evaluate_from_the_store(client, engine) -> None:
    response = upload(client, "sample_observations.csv", SAMPLE.read_bytes())
    assert response.status_code == 201, response.text
    assert response.json() == {"file": "sample_observations.csv", "rows": 188, "added": 188, "corrected": 0,
                               "unchanged": 0, "recorded_by": "规划科"}
    body = client.get("/api/v1/plans/tunliu-2021-2025/evaluation", params={"year": 2024}).json()
    assert body["year"] == 2024 and body["sample_data"] is True
    forest = next(i for i in body["indicators"] if i["indicator"] == "tunliu-2021-2025.forest-coverage")
    assert forest["status"] == "limited" and forest["ratio"] == pytest.approx(0.37493, abs=1e-5)
    assert body["indicators"][0]["binding"] == "约束性"


def test_excel_upload_and_correction_revision(client, engine) -> None:
    book = Workbook()
    book.active.append(["指标", "年份", "数值", "单位", "来源"])
    book.active.append(["tunliu-2021-2025.forest-coverage", 2022, 20.1, "%", "统计年鉴2023"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert upload(client, "obs.xlsx", buffer.getvalue()).json()["added"] == 1
    fixed = upload(client, "fix.csv", (HEADER + "tunliu-2021-2025.forest-coverage,,2022,20.4,%,林草局更正函,,\n").encode())
    assert fixed.json()["corrected"] == 1
    with engine.connect() as conn:
        history = observation_store.observation_history(conn, "eco.forest_coverage", "140405", 2022)
    assert [(h.revision, h.value, h.origin) for h in history] == [(1, 20.1, "obs.xlsx:2"), (2, 20.4, "fix.csv:2")]


def test_bad_upload_is_422_naming_the_row_and_stores_nothing(client, engine) -> None:
    rows = ("tunliu-2021-2025.forest-coverage,,2022,20.1,%,年鉴,,\n"
            "tunliu-2021-2025.forest-coverage,,2023,120,%,年鉴,,\n")
    response = upload(client, "bad.csv", (HEADER + rows).encode())
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "bad_input" and "bad.csv:3" in body["message"] and "plausible range" in body["message"]
    assert stored(engine) == 0
    assert upload(client, "obs.json", b"{}").json()["field"] == "file"


def test_evaluation_year_is_validated(client) -> None:
    assert client.get("/api/v1/plans/tunliu-2021-2025/evaluation", params={"year": 1999}).status_code == 422
    assert client.get("/api/v1/plans/tunliu-2021-2025/evaluation").status_code == 422


REGIONS = [{"code": "140000", "name": "山西省", "level": "province"}]
SMALL_PLAN = {
    "id": "small", "name": "示例小规划", "name_en": "Small plan", "region": "140000", "seed": "000_6f036d9dc4af6d6d.txt",
    "document": "示例", "period": [2021, 2025], "base_year": 2020, "categories": ["环境质量"],
    "indicators": [{"key": "good-days", "category": "环境质量", "name": "优良天数比例", "metric": "air.good_days_ratio",
                    "unit": "%", "direction": "higher", "binding": "约束性", "section": "二", "clause": "示例条款",
                    "baseline": {"year": 2020, "value": 70, "assumed": True, "assumed_reason": "示例"},
                    "targets": [{"year": 2025, "value": "≥75"}]}],
}


@pytest.fixture
def small_client(client):
    """A one-indicator plan keeps report tests fast; full reports are checked in test_report.py."""
    client.app.dependency_overrides[get_registry] = lambda: build_registry([SMALL_PLAN], REGIONS)
    assert upload(client, "o.csv", (HEADER + "small.good-days,,2023,73,%,省监测站,,\n").encode()).status_code == 201
    return client


def test_html_report_languages_and_wrong_year(small_client) -> None:
    response = small_client.get("/api/v1/plans/small/report", params={"year": 2024, "kind": "midterm"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "《示例小规划》中期评估报告（2024年）" in response.text and "优良天数比例" in response.text
    assert "示例数据" not in response.text  # the source is not sample data
    # 70 (2020) → 73 (2023) towards ≥75 (2025): R = ((73/70)^(1/3)-1)/((75/70)^(1/5)-1) = 1.01383
    assert "1.01" in response.text and "进展良好" in response.text
    english = small_client.get("/api/v1/plans/small/report", params={"year": 2024, "lang": "en"})
    assert "Small plan: annual tracking of plan indicators, 2024" in english.text and "on track" in english.text
    wrong = small_client.get("/api/v1/plans/small/report", params={"year": 2024, "kind": "final"})
    assert wrong.status_code == 422 and wrong.json()["field"] == "year"


def test_pdf_report(small_client) -> None:
    client = small_client
    response = client.get("/api/v1/plans/small/report", params={"year": 2024, "format": "pdf"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="small-2024-annual.pdf"' in response.headers["content-disposition"]
