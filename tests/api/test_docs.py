"""/docs works offline: Swagger UI's files come from this server (the swagger-ui-bundle package),
no page asks a CDN or another host for anything, and the CDN-only ReDoc page is not offered."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from ecozone.app import create_app
from ecozone.settings import Settings
from ecozone.store.engine import make_engine, migrate


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> TestClient:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('docs') / 'ecozone.db'}")
    migrate(engine)
    return TestClient(create_app(Settings(log_json=True), engine))


def test_docs_page_and_its_assets_are_served_here(client):
    page = client.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert not re.search(r"https?://", page.text), "no absolute URL: every file comes from this server"
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page.text)
    assert {"/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css"} <= set(assets)
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200 and len(response.content) > 0, asset
    assert '"validatorUrl": null' in page.text  # Swagger UI would otherwise call validator.swagger.io
    assert client.get("/openapi.json").json()["info"]["title"] == "ecozone"


def test_docs_under_a_root_path_point_at_that_root(client):
    page = client.get("/docs")
    mounted = TestClient(client.app, root_path="/ecozone").get("/docs")
    assert page.status_code == mounted.status_code == 200
    assert "/ecozone/docs/assets/swagger-ui-bundle.js" in mounted.text and "/ecozone/openapi.json" in mounted.text


def test_redoc_is_not_offered(client):
    assert client.get("/redoc").status_code == 404
