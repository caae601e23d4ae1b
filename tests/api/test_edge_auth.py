"""Issue 16, items 5, 6 and 7: login throttling and the password policy, the CSRF check on
cookie-authenticated writes and the security headers, the last-admin guard, the actor of a
screening taken from its token."""

from __future__ import annotations

import pytest

from ecozone.clock import utc_now
from ecozone.auth import accounts
from ecozone.errors import BadInput

from .hardening_helpers import PASSWORD, client_with, login, project, square


def test_repeated_wrong_passwords_get_429(loaded_engine):
    client = client_with(loaded_engine, rate_limits=True, login_burst=5, login_per_minute_account=1, login_per_minute_ip=1000)
    accounts.create_user(loaded_engine, "victim", PASSWORD, ["editor"], "140100", now=utc_now())
    statuses = [client.post("/api/v1/auth/login", json={"username": "victim", "password": f"wrong-{i}-xyz"}).status_code for i in range(6)]
    assert statuses[:5] == [422] * 5 and statuses[5] == 429
    # While the account is throttled, even the right password waits: guessing stalls.
    right = client.post("/api/v1/auth/login", json={"username": "victim", "password": PASSWORD})
    assert right.status_code == 429 and "Retry-After" in right.headers


def test_logins_from_one_address_are_limited_across_accounts(loaded_engine):
    client = client_with(loaded_engine, rate_limits=True, login_burst=3, login_per_minute_ip=1, login_per_minute_account=1000)
    statuses = [client.post("/api/v1/auth/login", json={"username": f"guess{i}", "password": "whatever-1"}).status_code for i in range(4)]
    assert statuses == [422, 422, 422, 429]


@pytest.mark.parametrize("password", ["12345678", "password1", "qwertyuiop", "Iloveyou1"])
def test_common_passwords_are_refused(loaded_engine, password):
    with pytest.raises(BadInput, match="common passwords"):
        accounts.create_user(loaded_engine, "weak", password, ["editor"], "140100", now=utc_now())


def test_short_passwords_are_refused_and_a_good_one_is_taken(loaded_engine):
    with pytest.raises(BadInput, match="at least 8"):
        accounts.create_user(loaded_engine, "short", "a1b2c3", ["editor"], "140100", now=utc_now())
    assert accounts.create_user(loaded_engine, "fine", "lantern-oak-7314", ["editor"], "140100", now=utc_now()).username == "fine"


def test_the_last_admin_cannot_remove_its_own_admin_role_or_deactivate(loaded_engine):
    client = client_with(loaded_engine)
    headers = login(client, loaded_engine, "only_admin", ["admin"])
    for change in ({"roles": ["reviewer"]}, {"active": False}):
        response = client.patch("/api/v1/staff/users/only_admin", json=change, headers=headers)
        assert response.status_code == 409, response.text
        assert "last active admin" in response.json()["message"]
    # With a second admin the change is allowed.
    accounts.create_user(loaded_engine, "second_admin", PASSWORD, ["admin"], now=utc_now())
    assert client.patch("/api/v1/staff/users/only_admin", json={"roles": ["reviewer"]}, headers=headers).status_code == 200


def test_a_screening_posted_with_a_token_is_stored_under_that_user(loaded_engine):
    client = client_with(loaded_engine)
    headers = login(client, loaded_engine, "a_reviewer", ["reviewer"])
    posted = client.post("/api/v1/screenings", json=project(square()), headers=headers)
    assert posted.status_code == 200, posted.text
    stored = client.get(f"/api/v1/screenings/{posted.json()['screening_id']}").json()
    assert stored["actor"] == "a_reviewer"
    anonymous = client.post("/api/v1/screenings", json=project(square())).json()
    assert client.get(f"/api/v1/screenings/{anonymous['screening_id']}").json()["actor"] == "anonymous"


def _cookie_client(loaded_engine):
    client = client_with(loaded_engine)
    accounts.create_user(loaded_engine, "cookie_editor", PASSWORD, ["editor"], "140100", now=utc_now())
    assert client.post("/api/v1/auth/login", json={"username": "cookie_editor", "password": PASSWORD}).status_code == 200
    assert client.cookies.get("ecozone_session")
    return client


def test_a_cookie_only_write_from_a_foreign_origin_is_refused(loaded_engine):
    client = _cookie_client(loaded_engine)
    form = {"version": "evil", "title": "evil"}
    files = {"file": ("u.geojson", b'{"type": "FeatureCollection", "features": []}', "application/geo+json")}
    refused = client.post("/api/v1/staff/releases", data=form, files=files, headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403, refused.text
    assert refused.json()["field"] == "Origin"
    drafts = client.get("/api/v1/staff/releases").json()
    assert not [r for r in drafts if r["version"] == "evil"]
    # The same write from the server's own page is let through to the route (which judges it).
    own = client.post("/api/v1/staff/releases", data=form, files=files, headers={"Origin": "http://testserver"})
    assert own.status_code != 403, own.text


def test_token_clients_and_cookie_reads_are_not_affected_by_the_origin_check(loaded_engine):
    client = client_with(loaded_engine)
    headers = login(client, loaded_engine, "token_editor", ["editor"], "140100")
    response = client.post("/api/v1/auth/logout", headers={**headers, "Origin": "https://elsewhere.example"})
    assert response.status_code == 204
    cookie_client = _cookie_client(loaded_engine)
    assert cookie_client.get("/api/v1/staff/releases", headers={"Origin": "https://evil.example"}).status_code == 200


@pytest.mark.parametrize("path", ["/", "/api/v1/where?lon=112.55&lat=37.87", "/healthz", "/releases"])
def test_security_headers_on_pages_and_api(loaded_engine, path):
    response = client_with(loaded_engine).get(path)
    assert response.status_code == 200
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "object-src 'none'" in csp
