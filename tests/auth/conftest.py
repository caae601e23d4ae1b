"""Staff users on the synthetic territory (太原市 140100 and 晋中市 140700 under 山西省 140000)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from ecozone.app import create_app
from ecozone.clock import utc_now
from ecozone.auth import accounts
from ecozone.settings import Settings

PASSWORD = "correct-horse-9"

# name → (roles, jurisdiction)
STAFF = {
    "ty_editor": (["editor"], "140100"),
    "jz_editor": (["editor"], "140700"),
    "sx_filer": (["filer"], "140000"),
    "ty_filer": (["filer"], "140100"),
    "ty_publisher": (["publisher"], "140100"),
    "reviewer": (["reviewer"], None),
    "admin": (["admin"], None),
}


@pytest.fixture
def staff(loaded_engine) -> dict:
    """Every staff user of ``STAFF`` stored with ``PASSWORD``."""
    return {
        name: accounts.create_user(loaded_engine, name, PASSWORD, roles, jurisdiction, now=utc_now())
        for name, (roles, jurisdiction) in STAFF.items()
    }


@pytest.fixture
def app_client(loaded_engine, staff) -> TestClient:
    return TestClient(create_app(Settings(log_json=True), loaded_engine))


def bearer(client: TestClient, username: str) -> dict:
    """Headers with a fresh token of ``username`` (cookies cleared, so only the header counts)."""
    response = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    client.cookies.clear()
    return {"Authorization": f"Bearer {response.json()['token']}"}
