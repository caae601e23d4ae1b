"""The public pages rendered by the server (TestClient, both backends)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import shapely
import yaml
from fastapi.testclient import TestClient

from ecozone.app import create_app
from ecozone.clock import utc_now
from ecozone.settings import Settings
from ecozone.web.mapconfig import MapSettings
from ecozone.zoning import releases as workflow
from ecozone.zoning.model import (
    AccessEntry,
    ControlUnit,
    Dimension,
    ReleaseKind,
    UnitClass,
)

WEB_DIR = Path(__file__).resolve().parents[2] / "src" / "ecozone" / "web"


def map_config(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="map-config">(.*?)</script>', html, re.DOTALL)
    assert match, "the map page embeds its configuration"
    return json.loads(match.group(1))


def jinzhong_update(engine, effective: dt.date, status: str = "published") -> int:
    """A second 晋中市 release (one new unit) taken to ``status``; returns its id."""
    unit = ControlUnit(
        code="ZH14070220001",
        name="榆次区重点管控单元（工业园区）",
        unit_class=UnitClass.KEY,
        geometry=shapely.box(112.0, 37.0, 113.0, 37.5),
        county_code="140702",
        city_code="140700",
        elements=["大气"],
        access=[AccessEntry(Dimension.SPATIAL_LAYOUT, "新建项目须入园。")],
    )
    request = workflow.DraftRequest(
        jurisdiction_code="140700", version="2025-1", title="晋中市生态环境分区管控动态更新",
        kind=ReleaseKind.DYNAMIC, reason="园区扩区", issuer="晋中市生态环境局",
    )
    release, _ = workflow.create_draft(engine, request, [unit], "test", now=utc_now())
    if status == "published":
        workflow.submit(engine, release.id, "test", now=utc_now())
        workflow.file_release(engine, release.id, "test", now=utc_now())
        workflow.publish(engine, release.id, effective, "test", notice="自公布之日起施行。", now=utc_now())
    return release.id


def test_map_page_lists_counties_legend_and_releases(backend_client):
    response = backend_client.get("/")
    assert response.status_code == 200
    html = response.text
    assert '<html lang="zh-CN">' in html
    assert '<optgroup label="太原市">' in html and '<optgroup label="晋中市">' in html
    assert re.findall(r'<option value="(\d{6})" data-bbox="([^"]+)"', html) == [
        ("140105", "112.5,37.5,113.0,38.0"),
        ("140106", "112.0,37.5,112.5,38.0"),
        ("140702", "112.0,37.0,113.0,37.5"),
    ]
    for label in ("优先保护单元", "重点管控单元", "一般管控单元"):
        assert label in html
    assert "示例数据：当前在用的管控单元为演示数据" in html
    assert 'href="/releases/' in html and 'href="/releases"' in html


def test_map_config_has_bounds_styles_and_messages_but_no_basemap(client):
    config = map_config(client.get("/").text)
    assert config["bounds"] == [112.0, 37.0, 113.0, 38.0]
    assert config["basemap"] is None and config["asOf"] is None
    assert set(config["classStyles"]) == {"1", "2", "3"}
    assert config["messages"]["dim.emissions"] == "污染物排放管控"
    assert config["api"]["where"] == "/api/v1/where"
    assert config["regionNames"]["140702"] == "榆次区"


def test_basemap_comes_from_settings(live_engine):
    app = create_app(Settings(), live_engine)
    app.state.map_settings = MapSettings(
        tile_url="https://t{s}.tianditu.gov.cn/vec_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}",
        tile_key="browser-key",
        tile_attribution="天地图",
    )
    basemap = map_config(TestClient(app).get("/").text)["basemap"]
    assert basemap["url"].startswith("https://t{s}.tianditu.gov.cn/")
    assert basemap["options"]["key"] == "browser-key" and basemap["options"]["attribution"] == "天地图"


def test_scripts_and_styles_are_served_locally(client):
    html = client.get("/").text
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") or s == "data:," for s in sources), sources
    assert "/vendor/leaflet/leaflet.js" in sources
    for path in ("/vendor/leaflet/leaflet.js", "/vendor/leaflet/leaflet.css", "/static/map.js", "/static/app.css"):
        assert client.get(path).status_code == 200, path
    assert "Leaflet" in client.get("/vendor/leaflet/leaflet.js").text[:500]


def test_language_switch_is_remembered_in_a_cookie(client):
    english = client.get("/", params={"lang": "en"})
    assert '<html lang="en">' in english.text and "Control unit lookup" in english.text
    assert english.cookies.get("lang") == "en"
    assert map_config(english.text)["messages"]["dim.emissions"] == "Pollutant emission control"
    # The cookie carries the choice to the next page.
    assert "Zoning releases" in client.get("/releases").text
    back = client.get("/releases", params={"lang": "zh"})
    assert "分区管控成果版本" in back.text and back.cookies.get("lang") == "zh"
    assert '<html lang="zh-CN">' in client.get("/").text


def test_unknown_language_falls_back_to_the_default(client):
    assert '<html lang="zh-CN">' in client.get("/", params={"lang": "fr"}).text


def test_navigation_links_every_page(client):
    html = client.get("/releases").text
    assert '<a href="/releases" aria-current="page">成果版本</a>' in html
    for href, label in (("/screening", "自助研判"), ("/siting", "项目选址"), ("/indicators", "规划指标"),
                        ("/monitoring", "环境监测"), ("/staff", "工作人员登录")):
        assert f'<a href="{href}">{label}</a>' in html, label
    assert 'class="soon"' not in html


def test_releases_page_lists_published_releases_with_unit_counts(client):
    html = client.get("/releases").text
    titles = re.findall(r'<h2><a href="/releases/(\d+)">([^<]+)</a></h2>', html)
    assert [t for _, t in titles] == ["太原市生态环境分区管控（示例数据）", "晋中市生态环境分区管控（示例数据）"]
    assert re.findall(r'<dd class="units-count">(\d+)</dd>', html) == ["3", "1"]


def test_release_page_shows_notice_and_counts(backend_client):
    release_id = re.search(r'<a href="/releases/(\d+)">太原市', backend_client.get("/releases").text).group(1)
    html = backend_client.get(f"/releases/{release_id}").text
    assert "示例数据，仅供演示。" in html
    assert '<dd id="units-count">3</dd>' in html
    assert re.findall(r"单元 <strong>(\d+)</strong>", html) == ["1", "1", "1"]
    assert f"release_id={release_id}" in html


def test_superseded_release_stays_public_and_links_to_its_date(backend_client, loaded_engine):
    new_id = jinzhong_update(loaded_engine, dt.date(2025, 1, 1))
    listing = backend_client.get("/releases").text
    assert "晋中市生态环境分区管控动态更新" in listing and "已被替代" in listing
    old_id = int(re.search(r'<a href="/releases/(\d+)">晋中市生态环境分区管控（示例数据）', listing).group(1))
    old = backend_client.get(f"/releases/{old_id}").text
    assert "已被替代" in old and 'href="/?as_of=2024-06-30"' in old
    new = backend_client.get(f"/releases/{new_id}").text
    assert "动态更新" in new and "自公布之日起施行。" in new and '<dd id="units-count">1</dd>' in new
    # The map on the old date shows the old zoning and says which date it shows.
    dated = backend_client.get("/", params={"as_of": "2024-07-01"}).text
    assert map_config(dated)["asOf"] == "2024-07-01" and "查询日期：2024-07-01" in dated


def test_draft_and_missing_releases_are_not_found(backend_client, loaded_engine):
    draft_id = jinzhong_update(loaded_engine, dt.date(2025, 1, 1), status="draft")
    for release_id in (draft_id, 9999):
        response = backend_client.get(f"/releases/{release_id}")
        assert response.status_code == 404
        # A person reads the page's language: the Chinese message, naming the release.
        assert "出错了" in response.text and f"未找到数据版本“{release_id}”" in response.text
        assert "does not exist" not in response.text


def test_bad_date_on_the_map_is_an_error_page_naming_it(client):
    response = client.get("/", params={"as_of": "2024-02-30"})
    assert response.status_code == 422
    assert "出错了" in response.text and "as_of" in response.text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_catalogs_cover_every_key_the_pages_use(lang):
    catalog = yaml.safe_load((WEB_DIR / "messages" / f"{lang}.yaml").read_text(encoding="utf-8"))
    used = set()
    for template in (WEB_DIR / "templates").glob("*.html"):
        used |= set(re.findall(r"t\('([a-z_.0-9]+)'", template.read_text(encoding="utf-8")))
    script = (WEB_DIR / "static" / "map.js").read_text(encoding="utf-8")
    used |= {"js." + k for k in re.findall(r"\bt\('([a-z_.0-9]+)'", script)}
    dynamic = {"nav.", "release.status.", "release.kind.", "js.dim.", "js.class.", "js.kind."}
    missing = sorted(k for k in used if k not in catalog and k not in dynamic)
    assert not missing, f"{lang}.yaml lacks {missing}"


def test_catalogs_have_the_same_keys():
    zh = yaml.safe_load((WEB_DIR / "messages" / "zh.yaml").read_text(encoding="utf-8"))
    en = yaml.safe_load((WEB_DIR / "messages" / "en.yaml").read_text(encoding="utf-8"))
    assert set(zh) == set(en)
