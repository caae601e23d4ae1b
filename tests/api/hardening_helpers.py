"""Shared pieces of the hardening tests: an app with chosen edge limits, a staff login."""

from __future__ import annotations

from fastapi.testclient import TestClient

from ecozone.clock import utc_now
from ecozone.app import create_app
from ecozone.api.edge import configure_edge
from ecozone.api.settings import EdgeSettings
from ecozone.auth import accounts
from ecozone.settings import Settings

PASSWORD = "correct-horse-9"


def client_with(engine, **limits) -> TestClient:
    """A TestClient on the real app whose edge uses ``limits`` over the defaults (rate limits off
    unless asked for: other tests post many times a second)."""
    app = create_app(Settings(log_json=True), engine)
    configure_edge(app, EdgeSettings(**{"rate_limits": False, **limits}))
    return TestClient(app)


def login(client: TestClient, engine, username: str, roles: list[str], jurisdiction: str | None = None) -> dict:
    """Create ``username`` and return Bearer headers of a fresh login (cookies cleared)."""
    accounts.create_user(engine, username, PASSWORD, roles, jurisdiction, now=utc_now())
    response = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    client.cookies.clear()
    return {"Authorization": f"Bearer {response.json()['token']}"}


def square(lon: float = 112.50, lat: float = 37.70, size: float = 0.02) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [[[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]],
    }


def project(geometry: dict | None = None, **attributes) -> dict:
    return {
        "type": "Feature",
        "properties": {"name": "测试项目", "industry": "C2521", "nature": "new", "attributes": attributes},
        "geometry": geometry or square(),
    }
