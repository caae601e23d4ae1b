"""The same verdicts through the CLI, the HTTP API and the reports (HTML and PDF)."""

from __future__ import annotations

import json
import subprocess

import pytest
import shapely
import shapely.geometry
from fastapi.testclient import TestClient

from ecozone.app import create_app
from ecozone.clock import utc_now
from ecozone.settings import Settings

from tests.helpers.cli import run_ecozone

FENHE_SQUARE = shapely.box(112.50, 37.70, 112.52, 37.72)
PROJECT = {
    "type": "Feature",
    "properties": {"name": "某焦化项目", "industry": "C2521", "nature": "new", "attributes": {}},
    "geometry": shapely.geometry.mapping(FENHE_SQUARE),
}


@pytest.fixture
def client(shanxi_engine):
    return TestClient(create_app(Settings(), shanxi_engine))


def test_api_screen_fetch_rerun_override(client, shanxi_engine):
    response = client.post("/api/v1/screenings", json=PROJECT)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["verdict"] == "prohibited" and body["screening_id"]
    stored = client.get(f"/api/v1/screenings/{body['screening_id']}").json()
    assert stored["result"]["result_id"] == body["result_id"]
    assert client.post(f"/api/v1/screenings/{body['screening_id']}/rerun").json()["same"] is True
    url = f"/api/v1/screenings/{body['screening_id']}/overrides"
    correction = {"rule_id": "SX-001-SEVEN-RIVERS-HIGH-RISK", "reason": "测试更正"}
    assert client.post(url, json=correction).status_code == 401  # reviewers only
    override = client.post(url, json=correction, headers=reviewer_headers(client, shanxi_engine)).json()
    assert override["overrides"][0]["reason"] == "测试更正" and override["overrides"][0]["actor"] == "reviewer"


def reviewer_headers(client, engine) -> dict:
    from ecozone.auth import accounts

    accounts.create_user(engine, "reviewer", "reviewer-pass-9", ["reviewer"], None, now=utc_now())
    token = client.post("/api/v1/auth/login", json={"username": "reviewer", "password": "reviewer-pass-9"}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_api_html_and_pdf_reports(client):
    html = client.post("/api/v1/screenings", params={"format": "html"}, json=PROJECT)
    assert html.headers["content-type"].startswith("text/html")
    assert "SX-001-SEVEN-RIVERS-HIGH-RISK" in html.text and "禁止" in html.text and "<svg" in html.text
    english = client.post("/api/v1/screenings", params={"format": "html", "lang": "en"}, json=PROJECT)
    assert "Prohibited" in english.text
    pdf = client.post("/api/v1/screenings", params={"format": "pdf"}, json=PROJECT)
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("feature", "field"),
    [
        ({**PROJECT, "properties": {**PROJECT["properties"], "industry": "C2599x"}}, "industry"),
        ({**PROJECT, "geometry": {"type": "Point", "coordinates": [116.4, 39.9]}}, "geometry"),
        ({"type": "FeatureCollection", "features": []}, "type"),
    ],
)
def test_api_bad_input_is_422_naming_the_field(client, feature, field):
    response = client.post("/api/v1/screenings", json=feature)
    assert response.status_code == 422 and response.json()["field"] == field


def test_api_industry_lookup_suggests_near_matches(client):
    assert client.get("/api/v1/industries", params={"q": "焦化"}).json()[0]["code"] == "2521"
    response = client.get("/api/v1/industries/C2528")
    assert response.status_code == 422 and response.json()["suggestions"]


def test_api_industry_suggest_in_plain_words(client):
    response = client.get("/api/v1/industries/suggest", params={"text": "新建独立焦化项目，产能100万吨/年", "limit": 3})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["candidates"][0]["full_code"] == "C2521" and len(body["candidates"]) <= 3
    assert body["nature"] == "new" and body["kinds"][0]["id"] == "standalone_coking"
    empty = client.get("/api/v1/industries/suggest", params={"text": " "})
    assert empty.status_code == 422 and empty.json()["field"] == "text"


def test_cli_industries_suggest_json(shanxi_engine):
    result = run_ecozone(["industries", "suggest", "燃煤电厂，装机2×66万千瓦", "--format", "json"], shanxi_engine)
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["candidates"][0]["full_code"] == "D4411"
    assert body["attributes"] == {"capacity_mw": 660, "total_capacity_mw": 1320}


def test_cli_industries_search_says_when_nothing_matched(shanxi_engine):
    result = run_ecozone(["industries", "search", "zzzz"], shanxi_engine)
    assert result.returncode == 0 and result.stdout == ""
    assert "no GB/T 4754-2017 industry matches 'zzzz'" in " ".join(result.stderr.split())


def test_cli_screen_json_and_pdf_in_chinese(shanxi_engine, tmp_path):
    path = tmp_path / "project.geojson"
    path.write_text(json.dumps(PROJECT, ensure_ascii=False), encoding="utf-8")
    result = run_ecozone(["screen", str(path), "--format", "json"], shanxi_engine)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["verdict"] == "prohibited"
    pdf = tmp_path / "report.pdf"
    made = run_ecozone(["screen", str(path), "--format", "pdf", "--out", str(pdf)], shanxi_engine)
    assert made.returncode == 0, made.stderr
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.replace("\n", "")
    assert "建设项目生态环境分区管控符合性研判报告" in text and "太原盆地不再新增独立焦化项目" in text
    png = tmp_path / "page"
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(png)], check=True)
    assert (tmp_path / "page-01.png").stat().st_size > 5_000


def test_cli_screen_bad_file_exits_2(shanxi_engine, tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text("{not json", encoding="utf-8")
    result = run_ecozone(["screen", str(path)], shanxi_engine)
    assert result.returncode == 2 and "broken.geojson is not a readable GeoJSON file" in result.stderr
