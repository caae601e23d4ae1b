"""Every role boundary over HTTP, on SQLite and PostGIS: login, the release workflow by the
right users only, drafts never public, reviewer overrides, user admin."""

from __future__ import annotations

import json
import uuid

import shapely
import shapely.geometry
from fastapi.testclient import TestClient

from ecozone.app import create_app
from ecozone.clock import today, utc_now
from ecozone.auth import accounts
from ecozone.settings import Settings

from .conftest import PASSWORD, bearer

NEW_TEXT = "禁止新建燃煤锅炉（测试编辑）。"
UNIT = "ZH14010520001"


def city_release(client, headers, jurisdiction="140100") -> dict:
    rows = client.get("/api/v1/staff/releases", headers=headers).json()
    return next(r for r in rows if r["jurisdiction"] == jurisdiction and r["status"] == "published")


def edit_access(client, headers, release_id):
    return client.patch(
        f"/api/v1/staff/releases/{release_id}/units/{UNIT}",
        json={"access": {"spatial_layout": [NEW_TEXT]}},
        headers=headers,
    )


def test_anonymous_callers_get_401_on_every_staff_route(app_client):
    for method, path in [
        ("get", "/api/v1/staff/releases"),
        ("get", "/api/v1/staff/screenings"),
        ("get", "/api/v1/staff/users"),
        ("post", "/api/v1/staff/releases/1/submit"),
        ("post", "/api/v1/screenings/x/overrides"),
        ("get", "/api/v1/auth/me"),
    ]:
        body = {"lock_version": 1, "rule_id": "r", "reason": "x"}
        response = app_client.post(path, json=body) if method == "post" else app_client.get(path)
        assert response.status_code == 401, (path, response.text)
        assert response.headers["www-authenticate"] == "Bearer"
    upload = app_client.post("/api/v1/observations", files={"file": ("o.csv", b"x")})
    assert upload.status_code == 401


def test_login_sets_an_httponly_lax_cookie_and_logout_ends_it(app_client):
    response = app_client.post("/api/v1/auth/login", json={"username": "ty_editor", "password": PASSWORD})
    assert response.status_code == 200
    cookie = response.headers["set-cookie"]
    assert "ecozone_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=28800" in cookie
    assert app_client.get("/api/v1/auth/me").json() == {
        "username": "ty_editor", "display_name": "", "roles": ["editor"], "jurisdiction": "140100", "active": True
    }
    assert app_client.post("/api/v1/auth/logout").status_code == 204
    assert app_client.get("/api/v1/auth/me").status_code == 401
    wrong = app_client.post("/api/v1/auth/login", json={"username": "ty_editor", "password": "nope-nope"})
    assert wrong.status_code == 422 and wrong.json()["field"] == "password"


def test_edit_file_publish_by_the_right_users_changes_what_the_public_sees(app_client):
    editor, other_editor = bearer(app_client, "ty_editor"), bearer(app_client, "jz_editor")
    published = city_release(app_client, editor)
    # An editor of another city may not touch 太原市's release.
    assert edit_access(app_client, other_editor, published["id"]).status_code == 403
    # A published release is not a draft: editing it conflicts.
    assert edit_access(app_client, editor, published["id"]).status_code == 409

    # The editor imports the city's units as a new draft, then edits one unit's access list.
    draft_id = _draft_copy(app_client, editor, published["id"])
    edited = edit_access(app_client, editor, draft_id)
    assert edited.status_code == 200, edited.text
    new_draft = edited.json()["release"]
    assert new_draft["status"] == "draft" and new_draft["version"].endswith("-e1")

    # Drafts are invisible to the public and to other cities' staff.
    public_ids = {r["id"] for r in app_client.get("/api/v1/releases").json()}
    assert new_draft["id"] not in public_ids and draft_id not in public_ids
    assert app_client.get(f"/api/v1/releases/{new_draft['id']}").status_code == 404
    assert app_client.get(f"/releases/{new_draft['id']}").status_code == 404
    assert app_client.get(f"/api/v1/staff/releases/{new_draft['id']}", headers=other_editor).status_code == 404
    assert NEW_TEXT not in app_client.get(f"/api/v1/units/{UNIT}").text
    items = app_client.get("/ogc/collections/units/items", params={"release_id": new_draft["id"], "f": "json"}).json()
    assert items["numberMatched"] == 0

    lock = new_draft["lock_version"]
    rid = new_draft["id"]
    assert app_client.post(f"/api/v1/staff/releases/{rid}/submit", json={"lock_version": lock}, headers=other_editor).status_code == 403
    submitted = app_client.post(f"/api/v1/staff/releases/{rid}/submit", json={"lock_version": lock}, headers=editor)
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    lock = submitted.json()["lock_version"]

    # 备案 is for the level above: the city's own filer may not, the province's filer may.
    assert app_client.post(f"/api/v1/staff/releases/{rid}/file", json={"lock_version": lock}, headers=bearer(app_client, "ty_filer")).status_code == 403
    assert app_client.post(f"/api/v1/staff/releases/{rid}/file", json={"lock_version": lock}, headers=editor).status_code == 403
    filer = bearer(app_client, "sx_filer")
    assert app_client.post(f"/api/v1/staff/releases/{rid}/file", json={"lock_version": lock - 1}, headers=filer).status_code == 409
    filed = app_client.post(f"/api/v1/staff/releases/{rid}/file", json={"lock_version": lock}, headers=filer)
    assert filed.status_code == 200 and filed.json()["status"] == "filed"

    publish = {"lock_version": filed.json()["lock_version"], "effective_date": today().isoformat(), "notice": "测试发布"}
    assert app_client.post(f"/api/v1/staff/releases/{rid}/publish", json=publish, headers=editor).status_code == 403
    done = app_client.post(f"/api/v1/staff/releases/{rid}/publish", json=publish, headers=bearer(app_client, "ty_publisher"))
    assert done.status_code == 200 and done.json()["status"] == "published"

    unit = app_client.get(f"/api/v1/units/{UNIT}").json()
    assert NEW_TEXT in str(unit)
    assert rid in {r["id"] for r in app_client.get("/api/v1/releases").json()}
    audit = app_client.get(f"/api/v1/staff/releases/{rid}", headers=editor).json()["audit"]
    assert [(a["actor"], a["action"]) for a in audit] == [
        ("ty_editor", "create_draft"), ("ty_editor", "edit_unit"), ("ty_editor", "submitted"),
        ("sx_filer", "filed"), ("ty_publisher", "published"),
    ]


def _draft_copy(client, headers, release_id: int) -> int:
    """A draft of 太原市 holding the published units, made through the import route."""
    package = client.get("/ogc/collections/units/items", params={"release_id": release_id, "f": "json", "limit": 100}).json()
    features = [
        {"type": "Feature", "geometry": f["geometry"], "properties": {
            "code": f["properties"]["code"], "name": f["properties"]["name"], "class": f["properties"]["class"],
            "county_code": f["properties"]["county_code"], "city_code": "140100",
            "spatial_layout": "禁止新建化工项目。", "emissions": "严格执行污染物排放标准。",
            "risk": "加强环境风险防控。", "resources": "提高资源利用效率。"}}
        for f in package["features"]
    ]
    body = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode()
    response = client.post(
        "/api/v1/staff/releases",
        files={"file": ("units.geojson", body)},
        data={"version": "2031-draft", "title": "太原市生态环境分区管控（动态更新）", "kind": "dynamic", "reason": "测试动态更新"},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    assert "warnings" in response.json()["validation"]
    return response.json()["release"]["id"]


def test_editor_cannot_import_for_another_jurisdiction(app_client):
    response = app_client.post(
        "/api/v1/staff/releases",
        files={"file": ("units.geojson", b'{"type":"FeatureCollection","features":[]}')},
        data={"version": "x", "title": "x", "jurisdiction": "140700"},
        headers=bearer(app_client, "ty_editor"),
    )
    assert response.status_code == 403 and response.json()["value"] == "140700"
    wrong_role = app_client.post(
        "/api/v1/staff/releases", files={"file": ("u.geojson", b"{}")}, data={"version": "x", "title": "x"},
        headers=bearer(app_client, "ty_publisher"),
    )
    assert wrong_role.status_code == 403


def test_reviewer_overrides_a_finding_and_is_recorded_as_actor(shanxi_engine):
    # The shipped Shanxi rulebook gives this coking plant on the 汾河 a finding to override;
    # the database is shared by the session, so the names are made unique.
    suffix = uuid.uuid4().hex[:8]
    for name, roles in [(f"reviewer-{suffix}", ["reviewer"]), (f"editor-{suffix}", ["editor"])]:
        accounts.create_user(shanxi_engine, name, PASSWORD, roles, "140100", now=utc_now())
    client = TestClient(create_app(Settings(log_json=True), shanxi_engine))
    feature = {
        "type": "Feature",
        "properties": {"name": "某焦化项目", "industry": "C2521", "nature": "new", "attributes": {}},
        "geometry": shapely.geometry.mapping(shapely.box(112.50, 37.70, 112.52, 37.72)),
    }
    sid = client.post("/api/v1/screenings", json=feature).json()["screening_id"]
    body = {"rule_id": "SX-001-SEVEN-RIVERS-HIGH-RISK", "reason": "项目已取得专项论证"}
    assert client.post(f"/api/v1/screenings/{sid}/overrides", json=body).status_code == 401
    editor = bearer(client, f"editor-{suffix}")
    assert client.post(f"/api/v1/screenings/{sid}/overrides", json=body, headers=editor).status_code == 403
    assert client.get("/api/v1/staff/screenings", headers=editor).status_code == 403
    reviewer = bearer(client, f"reviewer-{suffix}")
    listed = client.get("/api/v1/staff/screenings", headers=reviewer, params={"limit": 1000}).json()
    assert sid in [s["id"] for s in listed]
    done = client.post(f"/api/v1/screenings/{sid}/overrides", json=body, headers=reviewer)
    assert done.status_code == 200, done.text
    assert [(o["actor"], o["reason"]) for o in done.json()["overrides"]] == [(f"reviewer-{suffix}", "项目已取得专项论证")]


def test_only_admins_manage_users(app_client):
    new = {"username": "yq_editor", "password": PASSWORD, "roles": ["editor"], "jurisdiction": "140105"}
    assert app_client.post("/api/v1/staff/users", json=new, headers=bearer(app_client, "ty_editor")).status_code == 403
    admin = bearer(app_client, "admin")
    created = app_client.post("/api/v1/staff/users", json=new, headers=admin)
    assert created.status_code == 201 and created.json()["roles"] == ["editor"]
    bad = app_client.post("/api/v1/staff/users", json={**new, "username": "x2", "roles": ["king"]}, headers=admin)
    assert bad.status_code == 422 and bad.json()["value"] == "king"
    names = [u["username"] for u in app_client.get("/api/v1/staff/users", headers=admin).json()]
    assert "yq_editor" in names and "admin" in names
    off = app_client.patch("/api/v1/staff/users/yq_editor", json={"active": False}, headers=admin)
    assert off.json()["active"] is False
    login = app_client.post("/api/v1/auth/login", json={"username": "yq_editor", "password": PASSWORD})
    assert login.status_code == 422


def test_staff_pages_need_a_login_and_the_right_role(app_client):
    anonymous = app_client.get("/staff/releases/1", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/staff/login?next=/staff/releases/1"
    assert "工作人员登录" in app_client.get("/staff/login").text
    app_client.post("/api/v1/auth/login", json={"username": "ty_editor", "password": PASSWORD})
    home = app_client.get("/staff")
    assert home.status_code == 200 and "导入管控单元文件为草稿" in home.text and "太原市" in home.text
    assert app_client.get("/staff/users").status_code == 403
    assert app_client.get("/staff/screenings").status_code == 403
