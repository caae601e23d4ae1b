"""Messages a person reads come in the page's language: API errors by ``Accept-Language`` or
``?lang=`` (English, the domain's own text, by default), and an HTML page for a mistyped address."""

from __future__ import annotations

import pytest

from ecozone.routing.error_text import accepted_language

SCREENING = {
    "type": "Feature",
    "properties": {"name": "测试", "industry": "C9999", "nature": "new"},
    "geometry": {"type": "Point", "coordinates": [112.55, 37.87]},
}


@pytest.mark.parametrize(
    ("header", "lang"),
    [("zh-CN", "zh"), ("zh-CN,zh;q=0.9,en;q=0.8", "zh"), ("en-US,en;q=0.9", "en"), ("fr, en;q=0.5", "en"),
     ("en;q=0.2, zh;q=0.8", "zh"), ("fr", None), ("", None), (None, None)],
)
def test_accept_language_picks_the_best_supported_language(header, lang):
    assert accepted_language(header) == lang


def test_an_unknown_industry_is_explained_in_chinese_with_field_and_key(client):
    response = client.post("/api/v1/screenings", json=SCREENING, headers={"Accept-Language": "zh-CN"})
    body = response.json()
    assert response.status_code == 422
    assert body["field"] == "industry" and body["value"] == "C9999"
    assert body["message_key"] == "industry.unknown"
    assert "C9999" in body["message"] and "国民经济行业分类" in body["message"]
    assert "division" not in body["message"]
    assert "division 99" in body["message_en"]


def test_api_clients_without_a_language_keep_the_english_message(client):
    body = client.post("/api/v1/screenings", json=SCREENING).json()
    assert body["message"].startswith("industry code 'C9999'") and "message_en" not in body


def test_a_point_outside_the_territory_is_explained_in_the_asked_language(client):
    zh = client.get("/api/v1/where", params={"lon": 116.4, "lat": 39.9, "lang": "zh"}).json()
    assert zh["field"] == "lon,lat" and "山西省范围" in zh["message"] and "116.4" in zh["message"]
    en = client.get("/api/v1/where", params={"lon": 116.4, "lat": 39.9}, headers={"Accept-Language": "en"}).json()
    assert "outside" in en["message"]


def test_a_request_parameter_error_names_the_field_in_chinese(client):
    response = client.get("/api/v1/where", params={"lon": "abc", "lat": 37}, headers={"Accept-Language": "zh-CN"})
    body = response.json()
    assert response.status_code == 422 and body["field"] == "lon"
    assert body["message"] == "请求参数有误：经度的值无效。"
    assert isinstance(body["detail"], list)  # FastAPI's own list stays for clients that read it


def test_a_generic_error_without_a_key_still_reads_as_chinese(client):
    response = client.get("/releases/9999", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert "未找到数据版本“9999”" in response.text and "does not exist" not in response.text


def test_a_mistyped_address_is_an_html_page_for_browsers(client):
    response = client.get("/no-such-page", headers={"Accept": "text/html,application/xhtml+xml"})
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    assert "您访问的页面不存在" in response.text and '"detail"' not in response.text
    english = client.get("/no-such-page?lang=en", headers={"Accept": "text/html"})
    assert "This page does not exist" in english.text


def test_a_mistyped_api_address_stays_json(client):
    for headers in ({}, {"Accept": "text/html"}):
        response = client.get("/api/v1/no-such-thing", headers=headers)
        assert response.status_code == 404
        assert response.json()["detail"] == "Not Found" and response.json()["error"] == "not_found"
