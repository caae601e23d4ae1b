"""Staff accounts and logins: create users, log in, resolve a token to its user, log out."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Engine

from ecozone.auth.model import Session, User
from ecozone.auth.passwords import check_password_strength, dummy_verify, hash_password, verify_password
from ecozone.auth.roles import Role
from ecozone.auth.settings import get_auth_settings
from ecozone.errors import BadInput, Conflict, NotFound
from ecozone.zoning.repositories import regions as region_store
from ecozone.auth import repository as user_store

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_.\-]{2,64}$")
LOGIN_FAILED = "user name or password is wrong"


@dataclass(frozen=True)
class Login:
    """A fresh login: the token to give the client (shown once) and when it expires."""

    token: str
    expires_at: dt.datetime
    user: User


def token_hash(token: str) -> str:
    """What is stored of a token: its SHA-256, so a leaked table holds no usable token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def parse_roles(values: Iterable[str]) -> list[Role]:
    """Roles from their names; ``BadInput`` naming an unknown one."""
    roles: list[Role] = []
    for value in values:
        try:
            role = Role(value.strip())
        except ValueError:
            allowed = ", ".join(r.value for r in Role)
            raise BadInput(f"role {value!r} is not one of {allowed}", field="role", value=value) from None
        if role not in roles:
            roles.append(role)
    return roles


def _check_username(username: str) -> None:
    if not USERNAME_PATTERN.match(username):
        raise BadInput(
            f"user name {username!r} must be 2-64 letters, digits, '.', '_' or '-'", field="username", value=username
        )


def _check_jurisdiction(conn, code: str | None) -> None:
    if code is not None and code not in region_store.region_parents(conn):
        raise BadInput(f"jurisdiction {code!r} is not a known region code", field="jurisdiction", value=code)


def create_user(
    engine: Engine,
    username: str,
    password: str,
    roles: Iterable[str],
    jurisdiction_code: str | None = None,
    display_name: str = "",
    *,
    now: dt.datetime,
) -> User:
    """Store a new active user with an Argon2 hash of ``password``, created ``now``."""
    _check_username(username)
    parsed = parse_roles(roles)
    if not parsed:
        raise BadInput("a user needs at least one role", field="role")
    password_hash = hash_password(password)
    with engine.begin() as conn:
        _check_jurisdiction(conn, jurisdiction_code)
        return user_store.insert_user(
            conn,
            User(None, username, parsed, jurisdiction_code, display_name=display_name, password_hash=password_hash),
            now,
        )


def update_user(
    engine: Engine,
    username: str,
    roles: Iterable[str] | None = None,
    jurisdiction_code: str | None = None,
    active: bool | None = None,
    password: str | None = None,
) -> User:
    """Change a user's roles, jurisdiction, active flag or password; deactivation ends their sessions."""
    fields: dict = {}
    if roles is not None:
        fields["roles"] = parse_roles(roles)
    if active is not None:
        fields["active"] = active
    if password is not None:
        check_password_strength(password)
        fields["password_hash"] = hash_password(password)
    with engine.begin() as conn:
        user = _existing(conn, username)
        _keep_an_admin(conn, user, fields)
        if jurisdiction_code is not None:
            _check_jurisdiction(conn, jurisdiction_code)
            fields["jurisdiction_code"] = jurisdiction_code
        updated = user_store.update_user(conn, user.id, **fields) if fields else user
        if active is False or password is not None:
            user_store.delete_sessions_of(conn, user.id)
    return updated


def _keep_an_admin(conn, user: User, fields: dict) -> None:
    """Refuse a change that would leave no active admin: nobody could manage accounts again."""
    loses_admin = Role.ADMIN in user.roles and user.active and (
        fields.get("active") is False or ("roles" in fields and Role.ADMIN not in fields["roles"])
    )
    if not loses_admin:
        return
    others = [u for u in user_store.list_users(conn) if u.id != user.id and u.active and Role.ADMIN in u.roles]
    if not others:
        raise Conflict(
            f"user {user.username!r} is the last active admin; make another user admin first",
            field="username", value=user.username,
        )


def _existing(conn, username: str) -> User:
    user = user_store.find_user(conn, username)
    if user is None:
        raise NotFound(f"user {username!r} does not exist", field="username", value=username)
    return user


def list_users(engine: Engine) -> list[User]:
    with engine.connect() as conn:
        return user_store.list_users(conn)


def login(engine: Engine, username: str, password: str, now: dt.datetime) -> Login:
    """Check the password and open a session lasting ``ECOZONE_SESSION_HOURS``.

    The same ``BadInput`` answers an unknown name, a wrong password and an inactive account, so
    the answer does not reveal which names exist.
    """
    with engine.connect() as conn:
        user = user_store.find_user(conn, username)
    if user is None:
        dummy_verify()
        raise BadInput(LOGIN_FAILED, field="password")
    if not verify_password(password, user.password_hash) or not user.active:
        raise BadInput(LOGIN_FAILED, field="password")
    token = secrets.token_urlsafe(32)
    expires_at = now + dt.timedelta(hours=get_auth_settings().session_hours)
    with engine.begin() as conn:
        user_store.delete_expired_sessions(conn, now)
        user_store.insert_session(conn, Session(token_hash(token), user.id, now, expires_at))
    return Login(token, expires_at, user)


def user_for_token(engine: Engine, token: str, now: dt.datetime) -> User | None:
    """The active user a token belongs to, or None when it is unknown, expired or the user inactive."""
    with engine.connect() as conn:
        session = user_store.find_session(conn, token_hash(token))
        if session is None or session.expires_at <= now:
            return None
        user = user_store.get_user(conn, session.user_id)
    return user if user.active else None


def logout(engine: Engine, token: str) -> None:
    """End the session of ``token`` (nothing happens for an unknown token)."""
    with engine.begin() as conn:
        user_store.delete_session(conn, token_hash(token))
