"""Users, Argon2 hashing and sessions with expiry, on SQLite and PostGIS."""

from __future__ import annotations

import datetime as dt

import pytest

from ecozone.clock import utc_now
from ecozone.auth import accounts
from ecozone.auth.passwords import hash_password, verify_password
from ecozone.auth.roles import Role
from ecozone.errors import BadInput, Conflict, NotFound
from ecozone.auth import repository as user_store

from .conftest import PASSWORD


def test_hashes_are_salted_argon2_and_verify_only_the_right_password():
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first.startswith("$argon2id$") and first != second
    assert verify_password(PASSWORD, first) and verify_password(PASSWORD, second)
    assert not verify_password("correct-horse-8", first)
    with pytest.raises(BadInput, match="at least 8"):
        hash_password("short")


def test_user_is_stored_with_a_hash_never_the_password(loaded_engine):
    user = accounts.create_user(loaded_engine, "ty_editor", PASSWORD, ["editor", "publisher"], "140100", "太原编辑", now=utc_now())
    assert (user.roles, user.jurisdiction_code, user.display_name, user.active) == ([Role.EDITOR, Role.PUBLISHER], "140100", "太原编辑", True)
    with loaded_engine.connect() as conn:
        stored = user_store.find_user(conn, "ty_editor")
    assert PASSWORD not in stored.password_hash and verify_password(PASSWORD, stored.password_hash)
    assert [u.username for u in accounts.list_users(loaded_engine)] == ["ty_editor"]


@pytest.mark.parametrize(
    ("username", "roles", "jurisdiction", "field"),
    [
        ("ty editor", ["editor"], "140100", "username"),
        ("ty_editor", ["boss"], "140100", "role"),
        ("ty_editor", [], "140100", "role"),
        ("ty_editor", ["editor"], "149999", "jurisdiction"),
    ],
)
def test_bad_user_fields_are_named(loaded_engine, username, roles, jurisdiction, field):
    with pytest.raises(BadInput) as caught:
        accounts.create_user(loaded_engine, username, PASSWORD, roles, jurisdiction, now=utc_now())
    assert caught.value.detail["field"] == field


def test_duplicate_name_conflicts(loaded_engine):
    accounts.create_user(loaded_engine, "admin", PASSWORD, ["admin"], now=utc_now())
    with pytest.raises(Conflict, match="already exists"):
        accounts.create_user(loaded_engine, "admin", PASSWORD, ["admin"], now=utc_now())


def test_login_gives_a_token_that_expires_after_the_session_hours(loaded_engine):
    accounts.create_user(loaded_engine, "reviewer", PASSWORD, ["reviewer"], now=utc_now())
    start = dt.datetime(2030, 1, 1, 9, 0, tzinfo=dt.UTC)
    login = accounts.login(loaded_engine, "reviewer", PASSWORD, now=start)
    assert login.expires_at == start + dt.timedelta(hours=8)  # ECOZONE_SESSION_HOURS default
    assert accounts.user_for_token(loaded_engine, login.token, now=start + dt.timedelta(hours=7, minutes=59)).username == "reviewer"
    assert accounts.user_for_token(loaded_engine, login.token, now=start + dt.timedelta(hours=8)) is None
    assert accounts.user_for_token(loaded_engine, "not-a-token", now=start) is None
    with loaded_engine.connect() as conn:
        # Only the SHA-256 of the token is stored.
        assert user_store.find_session(conn, login.token) is None
        assert user_store.find_session(conn, accounts.token_hash(login.token)).user_id == login.user.id


def test_session_hours_is_a_setting(loaded_engine, monkeypatch):
    from ecozone.auth.settings import get_auth_settings

    monkeypatch.setenv("ECOZONE_SESSION_HOURS", "0.5")
    get_auth_settings.cache_clear()
    try:
        accounts.create_user(loaded_engine, "admin", PASSWORD, ["admin"], now=utc_now())
        start = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
        login = accounts.login(loaded_engine, "admin", PASSWORD, now=start)
        assert login.expires_at == start + dt.timedelta(minutes=30)
    finally:
        get_auth_settings.cache_clear()


def test_wrong_password_unknown_name_and_inactive_user_get_the_same_answer(loaded_engine):
    # A reviewer: the last active admin cannot be deactivated (that guard has its own test).
    accounts.create_user(loaded_engine, "admin", PASSWORD, ["reviewer"], now=utc_now())
    messages = set()
    for name, password in [("admin", "wrong-password"), ("nobody", PASSWORD)]:
        with pytest.raises(BadInput) as caught:
            accounts.login(loaded_engine, name, password, now=utc_now())
        messages.add(caught.value.message)
    login = accounts.login(loaded_engine, "admin", PASSWORD, now=utc_now())
    accounts.update_user(loaded_engine, "admin", active=False)
    assert accounts.user_for_token(loaded_engine, login.token, now=utc_now()) is None  # deactivation ends sessions
    with pytest.raises(BadInput) as caught:
        accounts.login(loaded_engine, "admin", PASSWORD, now=utc_now())
    messages.add(caught.value.message)
    assert messages == {accounts.LOGIN_FAILED}


def test_logout_ends_the_session_and_password_change_ends_all(loaded_engine):
    accounts.create_user(loaded_engine, "admin", PASSWORD, ["admin"], now=utc_now())
    first = accounts.login(loaded_engine, "admin", PASSWORD, now=utc_now())
    second = accounts.login(loaded_engine, "admin", PASSWORD, now=utc_now())
    accounts.logout(loaded_engine, first.token)
    assert accounts.user_for_token(loaded_engine, first.token, now=utc_now()) is None
    assert accounts.user_for_token(loaded_engine, second.token, now=utc_now()) is not None
    accounts.update_user(loaded_engine, "admin", password="another-pass-1")
    assert accounts.user_for_token(loaded_engine, second.token, now=utc_now()) is None
    assert accounts.login(loaded_engine, "admin", "another-pass-1", now=utc_now()).user.username == "admin"
    with pytest.raises(NotFound):
        accounts.update_user(loaded_engine, "ghost", active=False)
